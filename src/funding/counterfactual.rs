//! Counterfactuals: the single facts that, changed, would make an answer "eligible".
//!
//! Each blocking condition (failed or unknown) proposes the changes that could resolve it — a
//! different age, the course in the register on its start date, an application on the day the next
//! tijdvak opened, … The evaluator is then run again with only that change; a change is offered
//! only when the answer really becomes "eligible". So two failures with different causes give no
//! counterfactual, and one fact resolving several conditions (what was already granted this year,
//! for the yearly cap) gives one.

use super::aow;
use super::evaluate::{
    Counterfactual, Decision, Evaluation, Fact, Facts, Outcome, Scheme, age_check, aow_threshold, exclusion_fact,
    finance_fact, outcomes,
};
use super::person::PersonFacts;
use super::rules::{AgeLimit, Applicant, Condition, Party, PublicFinance, Test, Text};
use super::wording::*;
use crate::model::{
    CredentialKind, Date, EducationLevel, EducationType, LabourStatus, Money, QualityMark, QualityMarkGrant, Register,
    RegisterMembership, Sector, Validity,
};

/// A change of one fact, tried to see whether it makes the answer "eligible".
#[derive(Debug, Clone, PartialEq)]
enum Change {
    /// A different age, with the bound it satisfies (for the wording).
    Age(u32, AgeReason),
    BirthOnOrAfter(Date),
    LabourMarketTie,
    LabourStatus(LabourStatus),
    Education {
        level: EducationLevel,
        at_most: bool,
    },
    /// No entitlement to this finance for the course.
    NoPublicFinance(PublicFinance),
    InRegister(Register),
    ProviderMark(QualityMark),
    Credential(CredentialKind),
    EducationType(EducationType),
    Cost(u64),
    FirstProgrammeYear,
    FewerCourseGrants(u32),
    NothingGrantedYet,
    /// A different application date, and what it achieves.
    Date(Date, DateReason),
    /// An application from the opening of the next tijdvak `id`, whose budget may itself have run
    /// out (on `exhausted_on`): the advice looks forward, to a window one can still apply in.
    NextWindow {
        from: Date,
        id: String,
        exhausted_on: Option<Date>,
    },
    Approval(Party),
    Applicant(Applicant),
    InOntwikkelpad(Sector),
    NlqfLevel(u8),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum AgeReason {
    /// Old enough: at least this many years.
    AtLeast(u32),
    /// Young enough: below this limit.
    Below(AgeLimit),
    /// The age was unknown: within the range.
    Within,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum DateReason {
    WithinValidity,
    BeforeExhaustion,
}

impl Change {
    fn fact(&self) -> Fact {
        match self {
            Change::Age(..) => Fact::Age,
            Change::BirthOnOrAfter(_) => Fact::BirthDate,
            Change::LabourMarketTie => Fact::LabourMarketTie,
            Change::LabourStatus(_) => Fact::LabourStatus,
            Change::Education { .. } => Fact::Education,
            Change::NoPublicFinance(finance) => finance_fact(*finance),
            Change::InRegister(_) => Fact::CourseRegister,
            Change::ProviderMark(_) => Fact::ProviderQualityMarks,
            Change::Credential(_) => Fact::CourseCredential,
            Change::EducationType(_) => Fact::CourseEducationType,
            Change::Cost(_) => Fact::Cost,
            Change::FirstProgrammeYear => Fact::ProgrammeYear,
            Change::FewerCourseGrants(_) => Fact::CourseGrants,
            Change::NothingGrantedYet => Fact::AlreadyGranted,
            Change::Date(..) | Change::NextWindow { .. } => Fact::Date,
            Change::Approval(_) => Fact::Approval,
            Change::Applicant(_) => Fact::Applicant,
            Change::InOntwikkelpad(_) => Fact::CourseOntwikkelpad,
            Change::NlqfLevel(_) => Fact::CourseNlqfLevel,
        }
    }

    fn apply(&self, facts: &mut Facts) {
        let person = &mut facts.person;
        match self {
            Change::Age(age, _) => {
                person.age = Some(*age);
                person.birth_date = None;
            }
            Change::BirthOnOrAfter(birth) => {
                person.birth_date = Some(*birth);
                person.age = None;
            }
            Change::LabourMarketTie => person.labour_market_tie = Some(true),
            Change::LabourStatus(status) => person.labour_status = Some(*status),
            Change::Education { level, .. } => person.education = Some(*level),
            Change::NoPublicFinance(finance) => match finance {
                PublicFinance::Studiefinanciering => person.studiefinanciering = Some(false),
                PublicFinance::Lerarenbeurs => person.lerarenbeurs = Some(false),
                PublicFinance::Tegemoetkoming => person.tegemoetkoming = Some(false),
            },
            Change::NothingGrantedYet => person.already_granted_this_year_cents = Some(0),
            Change::FirstProgrammeYear => facts.application.programme_year = Some(1),
            Change::FewerCourseGrants(n) => facts.application.course_grants_so_far = Some(*n),
            Change::Date(date, _) => facts.application.date = *date,
            Change::NextWindow { from, .. } => facts.application.date = *from,
            Change::Approval(_) => facts.application.approval = Some(true),
            Change::Applicant(applicant) => facts.application.applicant = Some(*applicant),
            Change::InOntwikkelpad(sector) => {
                if let Some(course) = &mut facts.course {
                    course.ontwikkelpaden.push(*sector);
                }
            }
            Change::NlqfLevel(level) => {
                if let Some(course) = &mut facts.course {
                    course.nlqf_level = Some(*level);
                }
            }
            Change::InRegister(register) => {
                if let Some(course) = &mut facts.course {
                    if let Some(start) = course.start {
                        let validity = Validity { from: start, to: None };
                        course.registers.push(RegisterMembership { register: *register, validity });
                    }
                }
            }
            Change::ProviderMark(mark) => {
                if let Some(course) = &mut facts.course {
                    if let Some(start) = course.start {
                        let validity = Validity { from: start, to: None };
                        course.provider_marks.push(QualityMarkGrant { mark: *mark, validity });
                    }
                }
            }
            Change::Credential(kind) => {
                if let Some(course) = &mut facts.course {
                    course.credential_kinds = vec![*kind];
                }
            }
            Change::EducationType(t) => {
                if let Some(course) = &mut facts.course {
                    course.education_type = Some(*t);
                }
            }
            Change::Cost(cents) => {
                if let Some(course) = &mut facts.course {
                    course.cost_cents = *cents;
                }
            }
        }
    }

    fn explanation(&self, facts: &Facts) -> Text {
        let start = facts.course.as_ref().and_then(|c| c.start).map(|d| d.to_string()).unwrap_or_default();
        let date = facts.application.date;
        let (nl, en) = match self {
            Change::Age(min, AgeReason::AtLeast(_)) => {
                (format!("als de persoon {min} jaar of ouder was"), format!("if the person were {min} or older"))
            }
            Change::Age(_, AgeReason::Below(AgeLimit::Years(limit))) => {
                (format!("als de persoon jonger dan {limit} jaar was"), format!("if the person were younger than {limit}"))
            }
            Change::Age(_, AgeReason::Below(AgeLimit::AowAge)) => (
                format!("als de persoon op {date} de AOW-leeftijd nog niet had bereikt"),
                format!("if the person had not reached the AOW age on {date}"),
            ),
            Change::Age(age, AgeReason::Within) => {
                (format!("als de persoon bijvoorbeeld {age} jaar was"), format!("if the person were, say, {age}"))
            }
            Change::BirthOnOrAfter(birth) => (
                format!("als de geboortedatum op of na {birth} ligt (dan is de AOW-leeftijd op {date} nog niet bereikt)"),
                format!("if the birth date is on or after {birth} (then the AOW age is not reached on {date})"),
            ),
            Change::LabourMarketTie => (
                "als er een band met de Nederlandse arbeidsmarkt is (bijvoorbeeld belastingplichtig of verzekerd voor de \
                 volksverzekeringen)"
                    .to_string(),
                "if there is a tie to the Dutch labour market (for example liable to Dutch tax or insured for the \
                 national insurance schemes)"
                    .to_string(),
            ),
            Change::LabourStatus(s) => (format!("als de persoon {} was", status_nl(*s)), format!("if the person were {}", status_en(*s))),
            Change::Education { level, at_most: true } => (
                format!("als de hoogst behaalde opleiding maximaal {} was", education_nl(*level)),
                format!("if the highest education were at most {}", education_en(*level)),
            ),
            Change::Education { level, at_most: false } => (
                format!("als de hoogst behaalde opleiding ten minste {} was", education_nl(*level)),
                format!("if the highest education were at least {}", education_en(*level)),
            ),
            Change::NoPublicFinance(finance) => (
                format!("als er voor deze opleiding geen recht is op {}", finance_nl(*finance)),
                format!("if there is no entitlement to {} for this course", finance_en(*finance)),
            ),
            Change::InRegister(register) => (
                format!("als de opleiding op de startdatum ({start}) in het {} stond", register_nl(*register)),
                format!("if the course were in the {} on its start date ({start})", register_en(*register)),
            ),
            Change::ProviderMark(mark) => (
                format!("als de aanbieder op de startdatum ({start}) een {} had", mark_nl(*mark)),
                format!("if the provider held {} on the start date ({start})", mark_en(*mark)),
            ),
            Change::Credential(kind) => (
                format!("als de opleiding tot een {} leidde", credential_nl(*kind)),
                format!("if the course led to a {}", credential_en(*kind)),
            ),
            Change::EducationType(t) => (
                format!("als het een {}-opleiding was", education_type_nl(*t)),
                format!("if it were a {} programme", education_type_nl(*t)),
            ),
            Change::Cost(cents) => (
                format!("als de kosten ten minste {} waren", Money::from(*cents).nl()),
                format!("if the cost were at least {}", Money::from(*cents).en()),
            ),
            Change::FirstProgrammeYear => (
                "als de aanvraag voor het eerste studiejaar was".to_string(),
                "if the application were for the first study year".to_string(),
            ),
            Change::FewerCourseGrants(n) => (
                format!("als er voor deze opleiding nog maar {n} aanvragen waren toegekend"),
                format!("if only {n} applications for this course had been granted"),
            ),
            Change::NothingGrantedYet => (
                format!("als deze regeling in {} nog niets aan deze persoon had toegekend", date.year()),
                format!("if this scheme had granted this person nothing yet in {}", date.year()),
            ),
            Change::Date(day, DateReason::WithinValidity) => (
                format!("als de aanvraag op {day} was gedaan, binnen de looptijd van de regeling"),
                format!("if the application were made on {day}, within the scheme's life span"),
            ),
            Change::Date(day, DateReason::BeforeExhaustion) => (
                format!("als de aanvraag op {day} was gedaan, voordat het budget van het tijdvak op was"),
                format!("if the application were made on {day}, before the window's budget ran out"),
            ),
            Change::NextWindow { from, id, exhausted_on } => {
                let (ran_out_nl, ran_out_en) = match exhausted_on {
                    Some(day) if day == from => (
                        format!(
                            "; maar ook het budget van dat tijdvak raakte op, al op {day}: alleen een aanvraag vroeg \
                             op die dag maakte kans"
                        ),
                        format!(
                            "; but that window's budget also ran out, on {day} already: only an application early \
                             that day stood a chance"
                        ),
                    ),
                    Some(day) => (
                        format!("; ook het budget van dat tijdvak raakte op, op {day}: vraag vóór die dag aan"),
                        format!("; that window's budget also ran out, on {day}: apply before that day"),
                    ),
                    None => (String::new(), String::new()),
                };
                (
                    format!("als de aanvraag vanaf {from} wordt gedaan, in tijdvak {id}{ran_out_nl}"),
                    format!("if the application is made from {from}, in window {id}{ran_out_en}"),
                )
            }
            Change::Approval(party) => (
                format!("als {} instemt", party_nl(*party)),
                format!("if {} approves", party_en(*party)),
            ),
            Change::Applicant(applicant) => (
                format!("als {} de aanvraag doet", applicant_nl(*applicant)),
                format!("if {} applies", applicant_en(*applicant)),
            ),
            Change::InOntwikkelpad(sector) => (
                format!("als de opleiding in het Ontwikkelpad {sector} stond"),
                format!("if the course were listed in the {sector} Ontwikkelpad"),
            ),
            Change::NlqfLevel(level) => (
                format!("als de opleiding op NLQF {level} was ingeschaald"),
                format!("if the course were levelled at NLQF {level}"),
            ),
        };
        Text::new(format!("In aanmerking {nl}."), format!("Eligible {en}."))
    }
}

/// The changes that could resolve one blocking condition.
fn changes(condition: &Condition, outcome: Outcome, scheme: Scheme<'_>, facts: &Facts) -> Vec<Change> {
    let date = facts.application.date;
    let person = &facts.person;
    match &condition.test {
        Test::DateWithinValidity => {
            let validity = scheme.validity;
            if date < validity.from {
                vec![Change::Date(validity.from, DateReason::WithinValidity)]
            } else {
                validity
                    .to
                    .map(|to| vec![Change::Date(Date::from_days(to.to_days() - 1), DateReason::WithinValidity)])
                    .unwrap_or_default()
            }
        }
        Test::AgeBetween { min_years, below } => {
            if outcome == Outcome::Unknown && person.age.is_some() && person.birth_date.is_none() {
                if let Some(threshold) = person.age.and_then(|age| aow_threshold(age, date)) {
                    return vec![Change::BirthOnOrAfter(threshold)];
                }
            }
            // The oldest whole age (at least the minimum) that passes the rule alone.
            let low = min_years.unwrap_or(0);
            let high = match below {
                Some(AgeLimit::Years(limit)) => limit.saturating_sub(1),
                Some(AgeLimit::AowAge) => aow::aow_age(date.year()).map(|a| a.years).unwrap_or(65),
                None => low.max(person.age_on(date).unwrap_or(low)),
            };
            let passes = |age: u32| {
                let trial = PersonFacts { age: Some(age), birth_date: None, ..PersonFacts::default() };
                age_check(*min_years, *below, &trial, date).outcome == Outcome::Passed
            };
            let candidate = match person.age_on(date) {
                Some(age) if age < low => Some(low).filter(|a| passes(*a)).map(|a| (a, AgeReason::AtLeast(low))),
                Some(_) => {
                    below.and_then(|b| (low..=high).rev().find(|a| passes(*a)).map(|a| (a, AgeReason::Below(b))))
                }
                None => (low..=high).rev().find(|a| passes(*a)).map(|a| (a, AgeReason::Within)),
            };
            candidate.map(|(age, reason)| Change::Age(age, reason)).into_iter().collect()
        }
        Test::LabourMarketTie => vec![Change::LabourMarketTie],
        Test::LabourStatusAny(statuses) => statuses.iter().map(|s| Change::LabourStatus(*s)).take(1).collect(),
        Test::MaxEducationLevel(level) => vec![Change::Education { level: *level, at_most: true }],
        Test::MinEducationLevel(level) => vec![Change::Education { level: *level, at_most: false }],
        Test::HasStartkwalificatie(expected) => {
            let level = if *expected { EducationLevel::Mbo2 } else { EducationLevel::Vmbo };
            vec![Change::Education { level, at_most: !*expected }]
        }
        // One change per blocking entitlement: each is one fact, and verification keeps only a
        // change that suffices on its own.
        Test::NotExcludedBy(finance) => finance
            .iter()
            .copied()
            .filter(|f| exclusion_fact(person, *f).0 != Some(false))
            .map(Change::NoPublicFinance)
            .collect(),
        Test::CourseInRegisterAtStart(register) => vec![Change::InRegister(*register)],
        Test::ProviderHasQualityMarkAny(marks) => marks.iter().map(|m| Change::ProviderMark(*m)).take(1).collect(),
        Test::CredentialKindAny(kinds) => kinds.iter().map(|k| Change::Credential(*k)).take(1).collect(),
        Test::CourseEducationTypeAny(types) => types.iter().map(|t| Change::EducationType(*t)).take(1).collect(),
        Test::CoursePriceAtLeast(cents) => vec![Change::Cost(*cents)],
        Test::EvcNotSupported => Vec::new(),
        Test::VervolgjaarNotSupported => vec![Change::FirstProgrammeYear],
        Test::MaxGrantsPerCourse(max) => vec![Change::FewerCourseGrants(max.saturating_sub(1))],
        Test::AnnualCapNotReached => vec![Change::NothingGrantedYet],
        Test::ApprovalBy(party) => vec![Change::Approval(*party)],
        Test::ApplicantAny(applicants) => applicants.iter().map(|a| Change::Applicant(*a)).take(1).collect(),
        Test::CourseInOntwikkelpad(sectors) if facts.course.is_some() => {
            sectors.iter().map(|s| Change::InOntwikkelpad(*s)).take(1).collect()
        }
        // The share by level: the level with the largest share.
        Test::NlqfLevelShare if facts.course.is_some() => scheme
            .rules
            .amount_on(date)
            .and_then(|a| a.shares_by_nlqf_level.iter().max_by_key(|s| s.share_percent))
            .and_then(|s| s.levels.iter().max())
            .map(|level| Change::NlqfLevel(*level))
            .into_iter()
            .collect(),
        Test::CourseInOntwikkelpad(_) | Test::NlqfLevelShare => Vec::new(),
        Test::ApplicationWindowOpen => {
            let tijdvakken = &scheme.rules.tijdvakken;
            // Forward to the next window that opens; back to before this window's budget ran out
            // only when no window follows (then that is the one date that would have worked).
            if let Some(next) = tijdvakken.iter().find(|t| t.from > date) {
                return vec![Change::NextWindow {
                    from: next.from,
                    id: next.id.clone(),
                    exhausted_on: next.exhausted_on,
                }];
            }
            let mut out = Vec::new();
            if let Some(t) = tijdvakken.iter().find(|t| t.from <= date && date < t.to) {
                if let Some(day) = t.exhausted_on {
                    if day > t.from {
                        out.push(Change::Date(Date::from_days(day.to_days() - 1), DateReason::BeforeExhaustion));
                    }
                }
            }
            out
        }
    }
}

/// The verified counterfactuals of `evaluation` (not eligible or unknown) for `facts`.
pub(super) fn counterfactuals(scheme: Scheme<'_>, facts: &Facts, evaluation: &Evaluation) -> Vec<Counterfactual> {
    let mut out: Vec<Counterfactual> = Vec::new();
    for (condition, entry) in scheme.rules.conditions.iter().zip(&evaluation.trace) {
        if !matches!(entry.outcome, Outcome::Failed | Outcome::Unknown) {
            continue;
        }
        for change in changes(condition, entry.outcome, scheme, facts) {
            let mut changed = facts.clone();
            change.apply(&mut changed);
            let (decision, outcomes) = outcomes(scheme, &changed);
            // The next window counts when it makes the answer eligible, or when all that still
            // stands in the way is that window's own budget running out on its first day (the
            // explanation says so): that is still where an applicant should look.
            let only_window_left = matches!(change, Change::NextWindow { .. })
                && decision == Decision::Unknown
                && scheme.rules.conditions.iter().zip(&outcomes).all(|(c, outcome)| {
                    matches!(outcome, Outcome::Passed | Outcome::NotApplicable)
                        || matches!(c.test, Test::ApplicationWindowOpen)
                });
            if decision != Decision::Eligible && !only_window_left {
                continue;
            }
            let explanation = change.explanation(facts);
            if out.iter().any(|c| c.explanation == explanation) {
                continue;
            }
            let condition_ids = evaluation
                .trace
                .iter()
                .filter(|before| matches!(before.outcome, Outcome::Failed | Outcome::Unknown))
                .map(|before| before.condition_id.clone())
                .collect();
            out.push(Counterfactual { fact: change.fact(), condition_ids, explanation });
        }
    }
    out
}

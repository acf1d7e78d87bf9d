//! The checks: one function per kind of condition, each giving an outcome with its explanation
//! in Dutch and English (and the facts it missed).

use std::cell::Cell;

use crate::funding::aow;
use crate::funding::person::PersonFacts;
use crate::funding::rules::{AgeLimit, Applicant, Condition, PublicFinance, SchemeRules, Test, Text};
use crate::funding::wording::*;
use crate::model::{CredentialKind, Date, EducationLevel, Money, RegisterMembership, Validity};

use super::result::*;

thread_local! {
    /// Whether the checks word their explanations: false while [`outcomes_only`] runs.
    static WORDED: Cell<bool> = const { Cell::new(true) };
}

/// Runs `f` with the checks' explanations left unwritten, for callers that need each condition's
/// outcome alone: a counterfactual's trial evaluations, the planner's best decision for any course,
/// a notice's conditions. Wording every condition in two languages was a seventh of the server's
/// time for an eligibility request, most of it for trial evaluations whose texts were thrown away
/// (BENCHMARKS.md, "Eligibility, session 10"). The outcomes do not depend on the wording.
pub(in crate::funding) fn outcomes_only<T>(f: impl FnOnce() -> T) -> T {
    /// Puts the previous setting back, also when `f` panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WORDED.set(self.0);
        }
    }
    let _restore = Restore(WORDED.replace(false));
    f()
}

fn worded() -> bool {
    WORDED.get()
}

/// `format!` for an explanation: formats nothing while [`outcomes_only`] runs.
macro_rules! say {
    ($($arg:tt)*) => {
        if worded() { format!($($arg)*) } else { String::new() }
    };
}

/// An explanation in both languages, or an empty one while [`outcomes_only`] runs.
fn text(nl: impl Into<String>, en: impl Into<String>) -> Text {
    if worded() { Text::new(nl, en) } else { Text::default() }
}

/// The outcome of one condition before it becomes a trace entry.
pub(in crate::funding) struct Check {
    pub(in crate::funding) outcome: Outcome,
    explanation: Text,
    pending: bool,
    missing: Vec<Fact>,
}

pub(super) fn entry(condition: &Condition, check: Check) -> TraceEntry {
    TraceEntry {
        condition_id: condition.id.clone(),
        kind: condition.test.kind(),
        outcome: check.outcome,
        explanation: check.explanation,
        source: condition.source.clone(),
        pending: check.pending,
        missing: check.missing,
    }
}

fn passed(nl: impl Into<String>, en: impl Into<String>) -> Check {
    Check { outcome: Outcome::Passed, explanation: text(nl, en), pending: false, missing: Vec::new() }
}

fn failed(nl: impl Into<String>, en: impl Into<String>) -> Check {
    Check { outcome: Outcome::Failed, explanation: text(nl, en), pending: false, missing: Vec::new() }
}

fn unknown(missing: Vec<Fact>, nl: impl Into<String>, en: impl Into<String>) -> Check {
    Check { outcome: Outcome::Unknown, explanation: text(nl, en), pending: false, missing }
}

/// Evaluates one condition.
pub(super) fn check(condition: &Condition, scheme: Scheme<'_>, facts: &Facts) -> Check {
    let date = facts.application.date;
    if !condition.applies.contains(date) {
        let (nl, en) = period_text(&condition.applies);
        return Check {
            outcome: Outcome::NotApplicable,
            explanation: text(
                say!("Deze regel geldt {nl}; niet op {date}."),
                say!("This rule applies {en}; not on {date}."),
            ),
            pending: false,
            missing: Vec::new(),
        };
    }
    let person = &facts.person;
    let course = facts.course.as_ref();
    match &condition.test {
        Test::DateWithinValidity => validity_check(scheme.validity, date),
        Test::AgeBetween { min_years, below } => age_check(*min_years, *below, person, date),
        Test::LabourMarketTie => labour_market_tie_check(person),
        Test::LabourStatusAny(statuses) => match person.labour_status {
            None => unknown(
                vec![Fact::LabourStatus],
                say!("Niet bekend of de persoon {} is.", list_nl(statuses.iter().map(|s| status_nl(*s)))),
                say!("Unknown whether the person is {}.", list_en(statuses.iter().map(|s| status_en(*s)))),
            ),
            Some(s) if statuses.contains(&s) => passed(
                say!("Situatie op de arbeidsmarkt: {}.", status_nl(s)),
                say!("Labour-market situation: {}.", status_en(s)),
            ),
            Some(s) => failed(
                say!(
                    "Situatie op de arbeidsmarkt: {}; vereist is {}.",
                    status_nl(s),
                    list_nl(statuses.iter().map(|s| status_nl(*s)))
                ),
                say!(
                    "Labour-market situation: {}; required: {}.",
                    status_en(s),
                    list_en(statuses.iter().map(|s| status_en(*s)))
                ),
            ),
        },
        Test::MaxEducationLevel(level) => education_check(person.education, *level, true),
        Test::MinEducationLevel(level) => education_check(person.education, *level, false),
        Test::HasStartkwalificatie(expected) => match person.education {
            None => unknown(
                vec![Fact::Education],
                "Hoogst behaalde opleiding onbekend, dus ook of er een startkwalificatie is.",
                "Highest education unknown, so whether there is a startkwalificatie is too.",
            ),
            Some(level) => {
                let has = level.is_startkwalificatie();
                let (nl, en) = if has {
                    (
                        say!("{} is een startkwalificatie.", education_nl(level)),
                        say!("{} is a startkwalificatie.", education_en(level)),
                    )
                } else {
                    (
                        say!("Met {} is er geen startkwalificatie (havo, vwo of mbo-2 of hoger).", education_nl(level)),
                        say!(
                            "With {} there is no startkwalificatie (havo, vwo or mbo level 2 or higher).",
                            education_en(level)
                        ),
                    )
                };
                if has == *expected { passed(nl, en) } else { failed(nl, en) }
            }
        },
        Test::NotExcludedBy(finance) => exclusion_check(person, finance),
        Test::ApprovalBy(party) => match facts.application.approval {
            Some(true) => passed(
                say!("{} heeft ingestemd.", capitalize(party_nl(*party))),
                say!("{} has approved.", capitalize(party_en(*party))),
            ),
            Some(false) => failed(
                say!("{} heeft niet ingestemd.", capitalize(party_nl(*party))),
                say!("{} has not approved.", capitalize(party_en(*party))),
            ),
            None => unknown(
                vec![Fact::Approval],
                say!("{} beslist; niet bekend of die instemt.", capitalize(party_nl(*party))),
                say!("{} decides; unknown whether it approves.", capitalize(party_en(*party))),
            ),
        },
        Test::AnnualCapNotReached => annual_cap_check(scheme.rules, person, date),
        Test::ApplicationWindowOpen => window_check(scheme.rules, date),
        Test::MaxGrantsPerCourse(max) => match facts.application.course_grants_so_far {
            None => unknown(
                vec![Fact::CourseGrants],
                say!("Niet bekend hoeveel aanvragen voor deze opleiding al zijn toegekend (maximaal {max})."),
                say!("Unknown how many applications for this course were already granted (at most {max})."),
            ),
            Some(n) if n >= *max => failed(
                say!("Voor deze opleiding zijn al {n} aanvragen toegekend; het maximum is {max}."),
                say!("{n} applications for this course were already granted; the maximum is {max}."),
            ),
            Some(n) => passed(
                say!("Voor deze opleiding zijn {n} aanvragen toegekend; het maximum is {max}."),
                say!("{n} applications for this course were granted; the maximum is {max}."),
            ),
        },
        Test::ApplicantAny(applicants) => applicant_check(applicants, facts.application.applicant),
        Test::NlqfLevelShare => match course {
            None => no_course(),
            Some(course) => level_share_check(scheme.rules, course, date),
        },
        test => match course {
            None => no_course(),
            Some(course) => course_check(test, course, &facts.application),
        },
    }
}

/// A condition about the course, checked without one.
fn no_course() -> Check {
    unknown(
        vec![Fact::Course],
        "Nog geen opleiding gekozen; deze regel gaat over de opleiding.",
        "No course chosen yet; this rule is about the course.",
    )
}

fn applicant_check(applicants: &[Applicant], applicant: Option<Applicant>) -> Check {
    let allowed_nl = list_or_nl(applicants.iter().map(|a| applicant_nl(*a)));
    let allowed_en = list_or_en(applicants.iter().map(|a| applicant_en(*a)));
    match applicant {
        None => unknown(
            vec![Fact::Applicant],
            say!("Niet bekend wie de aanvraag doet; deze regeling wordt aangevraagd door {allowed_nl}."),
            say!("Unknown who applies; this scheme is applied for by {allowed_en}."),
        ),
        Some(a) if applicants.contains(&a) => passed(
            say!("De aanvraag wordt gedaan door {}.", applicant_nl(a)),
            say!("The application is made by {}.", applicant_en(a)),
        ),
        Some(a) => failed(
            say!(
                "De aanvraag wordt gedaan door {}; deze regeling wordt alleen aangevraagd door {allowed_nl}.",
                applicant_nl(a)
            ),
            say!("The application is made by {}; only {allowed_en} can apply for this scheme.", applicant_en(a)),
        ),
    }
}

fn level_share_check(rules: &SchemeRules, course: &CourseFacts, date: Date) -> Check {
    let Some(rule) = rules.amount_on(date) else {
        return Check {
            outcome: Outcome::NotApplicable,
            explanation: text(
                say!("Op {date} geldt geen bedrag per NLQF-niveau."),
                say!("No amount by NLQF level applies on {date}."),
            ),
            pending: false,
            missing: Vec::new(),
        };
    };
    let table_nl: Vec<String> = rule
        .shares_by_nlqf_level
        .iter()
        .map(|s| say!("{}% voor NLQF {}", s.share_percent, levels(&s.levels)))
        .collect();
    let table_en: Vec<String> =
        rule.shares_by_nlqf_level.iter().map(|s| say!("{}% for NLQF {}", s.share_percent, levels(&s.levels))).collect();
    match course.nlqf_level {
        None => failed(
            say!(
                "De opleiding leidt niet tot een in het NLQF ingeschaald diploma of certificaat; de regeling betaalt {}.",
                table_nl.join(", ")
            ),
            say!(
                "The course does not lead to a credential levelled in the NLQF; the scheme pays {}.",
                table_en.join(", ")
            ),
        ),
        Some(level) => match rule.shares_by_nlqf_level.iter().find(|s| s.levels.contains(&level)) {
            Some(share) => passed(
                say!(
                    "De opleiding is ingeschaald op NLQF {level}: de regeling betaalt {}% van de kosten.",
                    share.share_percent
                ),
                say!("The course is at NLQF level {level}: the scheme pays {}% of the cost.", share.share_percent),
            ),
            None => failed(
                say!(
                    "De opleiding is ingeschaald op NLQF {level}; de regeling betaalt alleen {}.",
                    table_nl.join(", ")
                ),
                say!("The course is at NLQF level {level}; the scheme only pays {}.", table_en.join(", ")),
            ),
        },
    }
}

/// Levels as text: `1–3`, `4`, `2, 5`.
fn levels(levels: &[u8]) -> String {
    let mut sorted = levels.to_vec();
    sorted.sort();
    let contiguous = sorted.windows(2).all(|w| w[1] == w[0] + 1);
    match (sorted.first(), sorted.last()) {
        (Some(first), Some(last)) if contiguous && first != last => say!("{first}–{last}"),
        _ => sorted.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", "),
    }
}

fn validity_check(validity: Validity, date: Date) -> Check {
    let until_nl = validity.to.map(|t| say!(" tot {t}")).unwrap_or_default();
    let until_en = validity.to.map(|t| say!(" until {t}")).unwrap_or_default();
    if validity.contains(date) {
        passed(
            say!("De regeling geldt vanaf {}{until_nl}; {date} valt daarbinnen.", validity.from),
            say!("The scheme applies from {}{until_en}; {date} falls within it.", validity.from),
        )
    } else if date < validity.from {
        failed(
            say!("De regeling begint pas op {}; een aanvraag op {date} valt ervoor.", validity.from),
            say!("The scheme only starts on {}; an application on {date} comes before it.", validity.from),
        )
    } else {
        let end = validity.to.unwrap_or(validity.from);
        failed(
            say!("De regeling is beëindigd per {end}: een aanvraag op {date} krijgt geen geld meer uit deze regeling."),
            say!("The scheme ended on {end}: an application on {date} gets no money from it."),
        )
    }
}

/// Describes an age range in Dutch and English.
fn age_range(min_years: Option<u32>, below: Option<AgeLimit>, date: Date) -> (String, String) {
    let aow = aow::aow_age(date.year());
    let upper = |below: AgeLimit| -> (String, String) {
        match below {
            AgeLimit::Years(y) => (say!("jonger dan {y} jaar"), say!("younger than {y}")),
            AgeLimit::AowAge => match aow {
                Some(a) => (
                    say!("onder de AOW-leeftijd ({} in {})", a.nl(), date.year()),
                    say!("below the state-pension (AOW) age ({} in {})", a.en(), date.year()),
                ),
                None => ("onder de AOW-leeftijd".to_string(), "below the state-pension (AOW) age".to_string()),
            },
        }
    };
    match (min_years, below) {
        (Some(min), Some(b)) => {
            let (nl, en) = upper(b);
            (say!("{min} jaar of ouder en {nl}"), say!("{min} or older and {en}"))
        }
        (Some(min), None) => (say!("{min} jaar of ouder"), say!("{min} or older")),
        (None, Some(b)) => upper(b),
        (None, None) => ("elke leeftijd".to_string(), "any age".to_string()),
    }
}

/// The earliest birth date, for someone of `age` whole years on `date`, that has not reached the
/// AOW age on `date` (the boundary inside the year of possible birth dates).
pub(in crate::funding) fn aow_threshold(age: u32, date: Date) -> Option<Date> {
    let (oldest, youngest) = aow::birth_range(age, date);
    (oldest.to_days()..=youngest.to_days())
        .map(Date::from_days)
        .find(|birth| aow::reached_by(*birth, date) == Some(false))
}

pub(in crate::funding) fn age_check(
    min_years: Option<u32>,
    below: Option<AgeLimit>,
    person: &PersonFacts,
    date: Date,
) -> Check {
    let (range_nl, range_en) = age_range(min_years, below, date);
    let Some(age) = person.age_on(date) else {
        return unknown(
            vec![Fact::Age, Fact::BirthDate],
            say!("Leeftijd onbekend (geef de leeftijd of de geboortedatum); vereist is {range_nl}."),
            say!("Age unknown (give the age or the birth date); required: {range_en}."),
        );
    };
    if let Some(min) = min_years {
        if age < min {
            return failed(
                say!("Leeftijd {age} jaar op {date}; vereist is {range_nl}."),
                say!("Age {age} on {date}; required: {range_en}."),
            );
        }
    }
    match below {
        Some(AgeLimit::Years(limit)) if age >= limit => {
            return failed(
                say!("Leeftijd {age} jaar op {date}; de regel geldt tot {limit} jaar, dus voor wie {range_nl} is."),
                say!("Age {age} on {date}; the rule applies up to {limit}, so to people {range_en}."),
            );
        }
        Some(AgeLimit::AowAge) => {
            let reached = match person.birth_date {
                Some(birth) => aow::reached_by(birth, date),
                None => {
                    let (oldest, youngest) = aow::birth_range(age, date);
                    match (aow::reached_by(oldest, date), aow::reached_by(youngest, date)) {
                        (_, Some(true)) => Some(true),
                        (Some(false), _) => Some(false),
                        (Some(true), Some(false)) => {
                            let threshold = aow_threshold(age, date);
                            let (after_nl, after_en) = match threshold {
                                Some(t) => (
                                    say!(": wie op of na {t} geboren is, heeft die nog niet bereikt"),
                                    say!(": someone born on or after {t} has not reached it"),
                                ),
                                None => (String::new(), String::new()),
                            };
                            let aow_nl = aow::aow_age(date.year()).map(|a| a.nl()).unwrap_or_default();
                            let aow_en = aow::aow_age(date.year()).map(|a| a.en()).unwrap_or_default();
                            return unknown(
                                vec![Fact::BirthDate],
                                say!(
                                    "Met alleen de leeftijd in hele jaren ({age}) is niet te zeggen of de AOW-leeftijd \
                                     ({aow_nl} in {}) op {date} al bereikt is{after_nl}. Geef de geboortedatum.",
                                    date.year()
                                ),
                                say!(
                                    "With only the age in whole years ({age}) it cannot be told whether the AOW age \
                                     ({aow_en} in {}) was reached on {date}{after_en}. Give the birth date.",
                                    date.year()
                                ),
                            );
                        }
                        _ => None,
                    }
                }
            };
            match reached {
                None => {
                    return unknown(
                        Vec::new(),
                        say!(
                            "De AOW-leeftijd na {} staat nog niet vast, dus niet te zeggen of die op {date} bereikt is.",
                            aow::LAST_KNOWN_YEAR
                        ),
                        say!(
                            "The AOW age after {} is not fixed yet, so it cannot be told whether it is reached on {date}.",
                            aow::LAST_KNOWN_YEAR
                        ),
                    );
                }
                Some(true) => {
                    return failed(
                        say!("Op {date} is de AOW-leeftijd bereikt; vereist is {range_nl}."),
                        say!("On {date} the AOW age has been reached; required: {range_en}."),
                    );
                }
                Some(false) => {}
            }
        }
        _ => {}
    }
    passed(say!("Leeftijd {age} jaar op {date}: {range_nl}."), say!("Age {age} on {date}: {range_en}."))
}

fn labour_market_tie_check(person: &PersonFacts) -> Check {
    if person.labour_market_tie == Some(true) {
        return passed("Er is een band met de Nederlandse arbeidsmarkt.", "There is a tie to the Dutch labour market.");
    }
    if person.belastingplichtig == Some(true) {
        return passed(
            "Belastingplichtig in Nederland: dat geldt als band met de Nederlandse arbeidsmarkt.",
            "Liable to Dutch tax: that counts as a tie to the Dutch labour market.",
        );
    }
    if person.volksverzekerd == Some(true) {
        return passed(
            "Verzekerd voor de volksverzekeringen: dat geldt als band met de Nederlandse arbeidsmarkt.",
            "Insured for the Dutch national insurance schemes: that counts as a tie to the Dutch labour market.",
        );
    }
    if person.labour_market_tie == Some(false) {
        return failed(
            "Er is geen band met de Nederlandse arbeidsmarkt.",
            "There is no tie to the Dutch labour market.",
        );
    }
    unknown(
        vec![Fact::LabourMarketTie],
        "Niet bekend of er een band met de Nederlandse arbeidsmarkt is (bijvoorbeeld belastingplichtig of verzekerd \
         voor de volksverzekeringen).",
        "Unknown whether there is a tie to the Dutch labour market (for example liable to Dutch tax, or insured for \
         the national insurance schemes).",
    )
}

fn education_check(education: Option<EducationLevel>, level: EducationLevel, at_most: bool) -> Check {
    let (bound_nl, bound_en) = if at_most { ("maximaal", "at most") } else { ("ten minste", "at least") };
    let Some(education) = education else {
        return unknown(
            vec![Fact::Education],
            say!("Hoogst behaalde opleiding onbekend; vereist is {bound_nl} {}.", education_nl(level)),
            say!("Highest education unknown; required: {bound_en} {}.", education_en(level)),
        );
    };
    let ok =
        if at_most { education.nlqf_rank() <= level.nlqf_rank() } else { education.nlqf_rank() >= level.nlqf_rank() };
    let nl =
        say!("Hoogst behaalde opleiding {}; vereist is {bound_nl} {}.", education_nl(education), education_nl(level));
    let en = say!("Highest education {}; required: {bound_en} {}.", education_en(education), education_en(level));
    if ok { passed(nl, en) } else { failed(nl, en) }
}

/// The request fact that carries an entitlement.
pub(in crate::funding) fn finance_fact(finance: PublicFinance) -> Fact {
    match finance {
        PublicFinance::Studiefinanciering => Fact::Studiefinanciering,
        PublicFinance::Lerarenbeurs => Fact::Lerarenbeurs,
        PublicFinance::Tegemoetkoming => Fact::Tegemoetkoming,
    }
}

/// Whether the person is entitled to `finance` for the course, and the fact that says so.
pub(in crate::funding) fn exclusion_fact(person: &PersonFacts, finance: PublicFinance) -> (Option<bool>, Fact) {
    let value = match finance {
        PublicFinance::Studiefinanciering => person.studiefinanciering,
        PublicFinance::Lerarenbeurs => person.lerarenbeurs,
        PublicFinance::Tegemoetkoming => person.tegemoetkoming,
    };
    (value, finance_fact(finance))
}

fn exclusion_check(person: &PersonFacts, finance: &[PublicFinance]) -> Check {
    let entitled: Vec<PublicFinance> =
        finance.iter().copied().filter(|f| exclusion_fact(person, *f).0 == Some(true)).collect();
    if !entitled.is_empty() {
        return failed(
            say!(
                "Voor deze opleiding is er recht op {}: dan is deze regeling voor deze opleiding uitgesloten.",
                list_nl(entitled.iter().map(|f| finance_nl(*f)))
            ),
            say!(
                "For this course there is an entitlement to {}: that excludes this scheme for this course.",
                list_en(entitled.iter().map(|f| finance_en(*f)))
            ),
        );
    }
    let missing: Vec<(PublicFinance, Fact)> = finance
        .iter()
        .map(|f| (*f, exclusion_fact(person, *f)))
        .filter(|(_, (value, _))| value.is_none())
        .map(|(f, (_, fact))| (f, fact))
        .collect();
    if !missing.is_empty() {
        return unknown(
            missing.iter().map(|(_, fact)| *fact).collect(),
            say!(
                "Niet bekend of er voor deze opleiding recht is op {}.",
                list_nl(missing.iter().map(|(f, _)| finance_nl(*f)))
            ),
            say!(
                "Unknown whether there is an entitlement to {} for this course.",
                list_en(missing.iter().map(|(f, _)| finance_en(*f)))
            ),
        );
    }
    passed(
        say!("Voor deze opleiding geen recht op {}.", list_nl(finance.iter().map(|f| finance_nl(*f)))),
        say!("No entitlement to {} for this course.", list_en(finance.iter().map(|f| finance_en(*f)))),
    )
}

fn annual_cap_check(rules: &SchemeRules, person: &PersonFacts, date: Date) -> Check {
    let Some(cap) = rules.amount_on(date).and_then(|a| a.cap_per_person_per_year_cents) else {
        return Check {
            outcome: Outcome::NotApplicable,
            explanation: text(say!("Op {date} geldt geen jaarmaximum."), say!("No yearly maximum applies on {date}.")),
            pending: false,
            missing: Vec::new(),
        };
    };
    let year = date.year();
    match person.already_granted_this_year_cents {
        None => unknown(
            vec![Fact::AlreadyGranted],
            say!(
                "Niet bekend hoeveel deze regeling in {year} al aan deze persoon heeft toegekend (maximum {} per \
                 persoon per kalenderjaar).",
                Money::from(cap).nl()
            ),
            say!(
                "Unknown how much this scheme already granted this person in {year} (maximum {} per person per \
                 calendar year).",
                Money::from(cap).en()
            ),
        ),
        Some(granted) if granted >= cap => failed(
            say!(
                "In {year} is al {} toegekend; het maximum is {} per persoon per kalenderjaar.",
                Money::from(granted).nl(),
                Money::from(cap).nl()
            ),
            say!(
                "{} was already granted in {year}; the maximum is {} per person per calendar year.",
                Money::from(granted).en(),
                Money::from(cap).en()
            ),
        ),
        Some(granted) => passed(
            say!(
                "In {year} is {} toegekend; er is nog {} ruimte (maximum {} per persoon per kalenderjaar).",
                Money::from(granted).nl(),
                Money::from(cap - granted).nl(),
                Money::from(cap).nl()
            ),
            say!(
                "{} granted in {year}; {} left (maximum {} per person per calendar year).",
                Money::from(granted).en(),
                Money::from(cap - granted).en(),
                Money::from(cap).en()
            ),
        ),
    }
}

fn window_check(rules: &SchemeRules, date: Date) -> Check {
    let Some(t) = rules.tijdvakken.iter().find(|t| t.from <= date && date < t.to) else {
        let (next_nl, next_en) = match rules.tijdvakken.iter().find(|t| t.from > date) {
            Some(next) => (
                say!("; het volgende tijdvak ({}) opent op {}", next.id, next.from),
                say!("; the next one ({}) opens on {}", next.id, next.from),
            ),
            None => ("; er volgt geen tijdvak meer".to_string(), "; no later window follows".to_string()),
        };
        return failed(
            say!("Op {date} is er geen aanvraagtijdvak open{next_nl}."),
            say!("No application window is open on {date}{next_en}."),
        );
    };
    let last_day = Date::from_days(t.to.to_days() - 1);
    let budget_nl = t.budget_cents.map(|b| say!(", budget {}", Money::from(b).nl())).unwrap_or_default();
    let budget_en = t.budget_cents.map(|b| say!(", budget {}", Money::from(b).en())).unwrap_or_default();
    match t.exhausted_on {
        Some(day) if date > day => failed(
            say!(
                "Het budget van tijdvak {} ({} t/m {last_day}{budget_nl}) was op {day} op: een aanvraag daarna wordt \
                 afgewezen, ook als aan alle andere voorwaarden is voldaan.",
                t.id,
                t.from
            ),
            say!(
                "The budget of window {} ({} to {last_day}{budget_en}) ran out on {day}: a later application is \
                 rejected, even when every other condition is met.",
                t.id,
                t.from
            ),
        ),
        Some(day) if date == day => unknown(
            Vec::new(),
            say!(
                "Het budget van tijdvak {} ({} t/m {last_day}{budget_nl}) raakte op {day} op: of een aanvraag van die \
                 dag nog geld kreeg, hing af van het moment van indienen.",
                t.id,
                t.from
            ),
            say!(
                "The budget of window {} ({} to {last_day}{budget_en}) ran out on {day}: whether an application of \
                 that day still got money depended on when it was submitted.",
                t.id,
                t.from
            ),
        ),
        _ => passed(
            say!("Aanvraagtijdvak {} ({} t/m {last_day}{budget_nl}) is open op {date}.", t.id, t.from),
            say!("Application window {} ({} to {last_day}{budget_en}) is open on {date}.", t.id, t.from),
        ),
    }
}

fn course_check(test: &Test, course: &CourseFacts, application: &Application) -> Check {
    let start_unknown = || {
        unknown(
            vec![Fact::CourseStartDate],
            "De startdatum van de opleiding is niet bekend (geef course_start_date; de opleiding heeft geen geplande \
             start op of na de aanvraagdatum).",
            "The course's start date is unknown (give course_start_date; the course plans no start on or after the \
             application date).",
        )
    };
    match test {
        Test::CourseInRegisterAtStart(register) => {
            let Some(start) = course.start else { return start_unknown() };
            let memberships: Vec<&RegisterMembership> =
                course.registers.iter().filter(|m| m.register == *register).collect();
            if let Some(m) = memberships.iter().find(|m| m.validity.contains(start)) {
                return passed(
                    say!(
                        "Op de startdatum {start} staat de opleiding in het {} ({}).",
                        register_nl(*register),
                        validity_nl(m.validity)
                    ),
                    say!(
                        "On its start date {start} the course is in the {} ({}).",
                        register_en(*register),
                        validity_en(m.validity)
                    ),
                );
            }
            let (other_nl, other_en) = match memberships.first() {
                Some(m) => (say!("; wel {}", validity_nl(m.validity)), say!("; it was {}", validity_en(m.validity))),
                None => (String::new(), String::new()),
            };
            failed(
                say!("Op de startdatum {start} staat de opleiding niet in het {}{other_nl}.", register_nl(*register)),
                say!("On its start date {start} the course is not in the {}{other_en}.", register_en(*register)),
            )
        }
        Test::ProviderHasQualityMarkAny(marks) => {
            let Some(start) = course.start else { return start_unknown() };
            if let Some(grant) =
                course.provider_marks.iter().find(|g| marks.contains(&g.mark) && g.validity.contains(start))
            {
                return passed(
                    say!(
                        "De aanbieder heeft op {start} een {} ({}).",
                        mark_nl(grant.mark),
                        validity_nl(grant.validity)
                    ),
                    say!("On {start} the provider holds a {} ({}).", mark_en(grant.mark), validity_en(grant.validity)),
                );
            }
            let expired = course.provider_marks.iter().find(|g| marks.contains(&g.mark));
            let (other_nl, other_en) = match expired {
                Some(g) => (
                    say!(" (een {} gold {})", mark_nl(g.mark), validity_nl(g.validity)),
                    say!(" ({} held {})", mark_en(g.mark), validity_en(g.validity)),
                ),
                None => (String::new(), String::new()),
            };
            failed(
                say!("De aanbieder heeft op {start} geen {}{other_nl}.", list_or_nl(marks.iter().map(|m| mark_nl(*m)))),
                say!("On {start} the provider holds no {}{other_en}.", list_or_en(marks.iter().map(|m| mark_en(*m)))),
            )
        }
        Test::CredentialKindAny(kinds) => {
            if let Some(kind) = course.credential_kinds.iter().find(|k| kinds.contains(k)) {
                return passed(
                    say!("De opleiding leidt tot een {}.", credential_nl(*kind)),
                    say!("The course leads to a {}.", credential_en(*kind)),
                );
            }
            failed(
                say!("De opleiding leidt niet tot een {}.", list_or_nl(kinds.iter().map(|k| credential_nl(*k)))),
                say!("The course does not lead to a {}.", list_or_en(kinds.iter().map(|k| credential_en(*k)))),
            )
        }
        Test::CourseEducationTypeAny(types) => match course.education_type {
            Some(t) if types.contains(&t) => passed(
                say!("De opleiding is een {}-opleiding.", education_type_nl(t)),
                say!("The course is a {} programme.", education_type_nl(t)),
            ),
            other => {
                let (is_nl, is_en) = match other {
                    Some(t) => {
                        (say!("een {}-opleiding", education_type_nl(t)), say!("a {} programme", education_type_nl(t)))
                    }
                    None => (
                        "geen formele (mbo-, hbo- of wo-)opleiding".to_string(),
                        "not a formal (mbo, hbo or wo) programme".to_string(),
                    ),
                };
                failed(
                    say!(
                        "De opleiding is {is_nl}; vereist is een {}-opleiding.",
                        list_or_nl(types.iter().map(|t| education_type_nl(*t)))
                    ),
                    say!(
                        "The course is {is_en}; required: a {} programme.",
                        list_or_en(types.iter().map(|t| education_type_nl(*t)))
                    ),
                )
            }
        },
        Test::CoursePriceAtLeast(min) => {
            let nl = say!(
                "Kosten {}; vereist is ten minste {}.",
                Money::from(course.cost_cents).nl(),
                Money::from(*min).nl()
            );
            let en =
                say!("Cost {}; required: at least {}.", Money::from(course.cost_cents).en(), Money::from(*min).en());
            if course.cost_cents >= *min { passed(nl, en) } else { failed(nl, en) }
        }
        Test::EvcNotSupported => {
            if course.credential_kinds.contains(&CredentialKind::EvcErvaringscertificaat) {
                Check {
                    outcome: Outcome::Failed,
                    explanation: text(
                        "Dit is een EVC-procedure (leidt tot een ervaringscertificaat): die kan met deze regeling (nog) \
                         niet worden betaald. Aangekondigd, nog niet geregeld; zie de bron.",
                        "This is an EVC procedure (leads to an ervaringscertificaat): this scheme cannot pay for it \
                         (yet). Announced, not yet in force; see the source.",
                    ),
                    pending: true,
                    missing: Vec::new(),
                }
            } else {
                passed("Geen EVC-procedure.", "Not an EVC procedure.")
            }
        }
        Test::VervolgjaarNotSupported => match application.programme_year {
            Some(year) if year >= 2 => Check {
                outcome: Outcome::Failed,
                explanation: text(
                    say!(
                        "Aanvraag voor studiejaar {year} van een meerjarige opleiding (vervolgjaar): (nog) niet mogelijk \
                         met deze regeling. Aangekondigd, nog niet geregeld; zie de bron."
                    ),
                    say!(
                        "Application for study year {year} of a multi-year programme (a follow-up year): not possible \
                         with this scheme (yet). Announced, not yet in force; see the source."
                    ),
                ),
                pending: true,
                missing: Vec::new(),
            },
            Some(_) => passed("Aanvraag voor het eerste studiejaar.", "Application for the first study year."),
            None if course.weeks > 52 => unknown(
                vec![Fact::ProgrammeYear],
                say!(
                    "De opleiding duurt {} weken (meerjarig); niet bekend voor welk studiejaar de aanvraag is.",
                    course.weeks
                ),
                say!(
                    "The course takes {} weeks (multi-year); unknown which study year the application is for.",
                    course.weeks
                ),
            ),
            None => passed(
                say!("Opleiding van {}: geen vervolgjaar.", weeks_nl(course.weeks)),
                say!("A course of {}: no follow-up year.", weeks_en(course.weeks)),
            ),
        },
        Test::CourseInOntwikkelpad(sectors) => match course.ontwikkelpaden.iter().find(|s| sectors.contains(s)) {
            Some(sector) => passed(
                say!("De opleiding staat in het Ontwikkelpad {sector}."),
                say!("The course is listed in the {sector} Ontwikkelpad."),
            ),
            None => {
                let names = sectors.iter().map(|s| s.as_str());
                let listed = if course.ontwikkelpaden.is_empty() {
                    ("in geen enkel Ontwikkelpad".to_string(), "in no Ontwikkelpad".to_string())
                } else {
                    let own: Vec<&str> = course.ontwikkelpaden.iter().map(|s| s.as_str()).collect();
                    (
                        say!("alleen in het Ontwikkelpad {}", own.join(", ")),
                        say!("only in the {} Ontwikkelpad", own.join(", ")),
                    )
                };
                failed(
                    say!(
                        "De opleiding staat {}; vereist is een Ontwikkelpad van {}.",
                        listed.0,
                        list_or_nl(names.clone())
                    ),
                    say!("The course is listed {}; required: an Ontwikkelpad of {}.", listed.1, list_or_en(names)),
                )
            }
        },
        // Tests that read no course facts are decided in `check`.
        _ => unknown(Vec::new(), "", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_only_words_nothing_and_decides_the_same() {
        let validity = Validity { from: "2022-03-01".parse().unwrap(), to: Some("2024-01-01".parse().unwrap()) };
        for date in ["2021-12-31", "2023-06-15", "2024-02-01"] {
            let date: Date = date.parse().unwrap();
            let worded = validity_check(validity, date);
            let silent = outcomes_only(|| validity_check(validity, date));
            assert_eq!(silent.outcome, worded.outcome, "{date}");
            assert!(silent.explanation.nl.is_empty() && silent.explanation.en.is_empty(), "{date}");
            assert!(!worded.explanation.nl.is_empty() && !worded.explanation.en.is_empty(), "{date}");
        }
        // The wording is back after the call, also after a panic inside it.
        let _ = std::panic::catch_unwind(|| outcomes_only(|| panic!("inside")));
        assert!(!validity_check(validity, "2023-06-15".parse().unwrap()).explanation.nl.is_empty());
    }
}

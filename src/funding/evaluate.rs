//! The evaluator: one scheme's rules applied to the facts of one application.
//!
//! Every condition gives an outcome — passed, failed, unknown (a needed fact is missing) or not
//! applicable (the rule is not in force on the date) — with an explanation in Dutch and English and
//! the rule's source. The decision follows from the outcomes: any failure makes the person not
//! eligible, else any unknown makes the answer unknown, else eligible. So a tijdvak whose budget
//! ran out rejects an application whatever else holds, and money is never promised while a rule
//! fails: no amount is computed for a "not eligible" answer.
//!
//! A counterfactual is a single fact that, changed, would make the answer "eligible". Candidates
//! come from the blocking conditions; each is *checked* by evaluating again with the fact changed,
//! so a counterfactual is only offered when that one change really suffices.

use super::aow;
use super::person::PersonFacts;
use super::rules::{AgeLimit, Applicant, Condition, PublicFinance, SchemeRules, Test, Text};
use super::wording::*;
use crate::model::vocab::named_enum;
use crate::model::{
    CredentialKind, Date, EducationLevel, EducationType, Money, PolicySource, QualityMarkGrant, RegisterMembership,
    Sector, Validity,
};

named_enum! {
    /// The answer for one scheme.
    pub enum Decision {
        Eligible = "eligible",
        NotEligible = "not_eligible",
        /// A needed fact is missing; `missing_facts` says which.
        Unknown = "unknown",
    }
}

named_enum! {
    /// The outcome of one condition.
    pub enum Outcome {
        Passed = "passed",
        Failed = "failed",
        /// A fact the condition needs is missing.
        Unknown = "unknown",
        /// The rule is not in force on the request date.
        NotApplicable = "not_applicable",
    }
}

named_enum! {
    /// A fact a condition reads, named as the request field that carries it (or, for facts of the
    /// course, the course data it comes from). Used for "missing facts" and counterfactuals.
    pub enum Fact {
        Age = "person.age",
        BirthDate = "person.birth_date",
        LabourMarketTie = "person.labour_market_tie",
        LabourStatus = "person.labour_status",
        Education = "person.highest_education",
        Studiefinanciering = "person.studiefinanciering_for_course",
        Lerarenbeurs = "person.lerarenbeurs_for_course",
        Tegemoetkoming = "person.tegemoetkoming_for_course",
        AlreadyGranted = "person.already_granted_this_year_cents",
        Date = "date",
        CourseStartDate = "course_start_date",
        ProgrammeYear = "programme_year",
        CourseGrants = "course_grants_so_far",
        Approval = "approval",
        /// Who submits the application (the person, the employer, a collective).
        Applicant = "applicant",
        /// The course itself: a scheme about a course was checked without one.
        Course = "course_id",
        CourseRegister = "course.registers",
        ProviderQualityMarks = "course.provider.quality_marks",
        CourseCredential = "course.leads_to",
        CourseEducationType = "course.education_type",
        CourseOntwikkelpad = "course.ontwikkelpaden",
        CourseNlqfLevel = "course.nlqf_level",
        Cost = "cost_cents",
    }
}

/// The facts of an application besides the person's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// The date of the application: the scheme, its tijdvakken and the person's age are judged on
    /// it, and the yearly cap is per its calendar year.
    pub date: Date,
    /// For a multi-year programme: which study year the application is for (1 = the first).
    pub programme_year: Option<u32>,
    /// How many grants of this scheme were already made for the course this year.
    pub course_grants_so_far: Option<u32>,
    /// Whether the deciding third party (employer, O&O fund, UWV) approved.
    pub approval: Option<bool>,
    /// Who submits the application; `None` = not said.
    pub applicant: Option<Applicant>,
}

impl Application {
    /// An application on `date` about which nothing else is known.
    pub fn on(date: Date) -> Application {
        Application { date, programme_year: None, course_grants_so_far: None, approval: None, applicant: None }
    }
}

/// Where the course's start date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOrigin {
    /// The request gave it.
    Given,
    /// The course's first planned start date on or after the application date.
    Planned,
    /// Neither: the request gave none and the course plans none on or after the date.
    Unknown,
}

/// The facts of the course that rules read, taken from the snapshot (and the request).
#[derive(Debug, Clone, PartialEq)]
pub struct CourseFacts {
    /// The cost to fund: the course price, or what the request says.
    pub cost_cents: u64,
    pub weeks: u32,
    pub start: Option<Date>,
    pub start_origin: StartOrigin,
    pub registers: Vec<RegisterMembership>,
    /// The quality marks of the course's provider.
    pub provider_marks: Vec<QualityMarkGrant>,
    /// The kinds of the credentials the course leads to.
    pub credential_kinds: Vec<CredentialKind>,
    pub education_type: Option<EducationType>,
    /// The NLQF level of the credential the course leads to (or of its qualification).
    pub nlqf_level: Option<u8>,
    /// The sectors whose Ontwikkelpad lists the course.
    pub ontwikkelpaden: Vec<Sector>,
}

/// Everything one evaluation reads about the application.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub person: PersonFacts,
    pub application: Application,
    pub course: Option<CourseFacts>,
}

/// A scheme as the evaluator sees it.
#[derive(Debug, Clone, Copy)]
pub struct Scheme<'a> {
    pub validity: Validity,
    pub rules: &'a SchemeRules,
}

/// One line of the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEntry {
    pub condition_id: String,
    pub kind: super::rules::ConditionKind,
    pub outcome: Outcome,
    pub explanation: Text,
    pub source: PolicySource,
    /// The condition fails because of a limitation the policy announced it would lift (EVC,
    /// follow-up years in 2022): "pending" rather than a final no.
    pub pending: bool,
    /// For an unknown outcome: the facts that would decide it.
    pub missing: Vec<Fact>,
}

/// One fact that, changed, makes the answer "eligible" (checked by evaluating again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counterfactual {
    pub fact: Fact,
    /// The blocking conditions the change resolves.
    pub condition_ids: Vec<String>,
    pub explanation: Text,
}

/// Whether the person may draw on a compartment's money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompartmentResult {
    pub id: String,
    pub label: Text,
    /// Passed: may use it; failed: may not; unknown: a fact is missing; not applicable: the
    /// compartment does not exist on the date.
    pub outcome: Outcome,
    pub budget_cents: Option<u64>,
    pub source: PolicySource,
    pub trace: Vec<TraceEntry>,
}

/// A notice whose conditions all passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeResult {
    pub id: String,
    pub text: Text,
    pub source: PolicySource,
}

/// How the cost is split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amounts {
    /// The cost considered.
    pub cost_cents: u64,
    /// What the scheme pays.
    pub scheme_cents: u64,
    /// What is left for others.
    pub remainder_cents: u64,
    pub share_percent: u32,
    /// Room left under the yearly cap before this grant, where the scheme has one.
    pub cap_left_this_year_cents: Option<u64>,
    /// Schemes that may pay the remainder (full ids), when there is one.
    pub remainder_payers: Vec<String>,
    /// True when the amount is a maximum: the answer is unknown, or what was already granted this
    /// year is unknown (it was taken as nothing).
    pub upper_bound: bool,
    pub source: PolicySource,
}

/// The full answer for one scheme and one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    pub date: Date,
    pub course_start: Option<Date>,
    pub start_origin: Option<StartOrigin>,
    /// One entry per condition of the scheme, in the order of the rules.
    pub trace: Vec<TraceEntry>,
    /// Absent when not eligible (money is never promised while a rule fails) or when the scheme
    /// pays no share of a cost.
    pub amounts: Option<Amounts>,
    pub paid_to: super::rules::PaidTo,
    pub paid_to_source: PolicySource,
    pub counterfactuals: Vec<Counterfactual>,
    pub compartments: Vec<CompartmentResult>,
    pub notices: Vec<NoticeResult>,
    /// The facts whose absence made conditions unknown, in request-field terms.
    pub missing_facts: Vec<Fact>,
    /// The scheme is about a course and none was given: the conditions about the person and the
    /// date are checked, those about the course are unknown (`course_id` missing).
    pub needs_course: bool,
}

impl Evaluation {
    /// One sentence with the decision and the amount, given the scheme's label and the labels of
    /// the schemes that may pay the remainder.
    pub fn summary(&self, scheme: &str, payers: &[String]) -> Text {
        let (paid_nl, paid_en) = paid_to_text(self.paid_to);
        match self.decision {
            Decision::Eligible => match &self.amounts {
                Some(a) => {
                    let (rest_nl, rest_en) = if a.remainder_cents > 0 && !payers.is_empty() {
                        (
                            format!(
                                "; de rest ({}) kan komen van: {}",
                                Money::from(a.remainder_cents).nl(),
                                payers.join(", ")
                            ),
                            format!(
                                "; the rest ({}) may come from: {}",
                                Money::from(a.remainder_cents).en(),
                                payers.join(", ")
                            ),
                        )
                    } else if a.remainder_cents > 0 {
                        (
                            format!("; de rest is {}", Money::from(a.remainder_cents).nl()),
                            format!("; the rest is {}", Money::from(a.remainder_cents).en()),
                        )
                    } else {
                        (String::new(), String::new())
                    };
                    Text::new(
                        format!(
                            "In aanmerking voor {scheme}: {} van {}, betaald aan {paid_nl}{rest_nl}.",
                            Money::from(a.scheme_cents).nl(),
                            Money::from(a.cost_cents).nl()
                        ),
                        format!(
                            "Eligible for {scheme}: {} of {}, paid to {paid_en}{rest_en}.",
                            Money::from(a.scheme_cents).en(),
                            Money::from(a.cost_cents).en()
                        ),
                    )
                }
                None => Text::new(format!("In aanmerking voor {scheme}."), format!("Eligible for {scheme}.")),
            },
            Decision::NotEligible => {
                let failed: Vec<&str> = self
                    .trace
                    .iter()
                    .filter(|t| t.outcome == Outcome::Failed)
                    .map(|t| t.condition_id.as_str())
                    .collect();
                Text::new(
                    format!("Niet in aanmerking voor {scheme}: niet voldaan aan {}.", failed.join(", ")),
                    format!("Not eligible for {scheme}: not met: {}.", failed.join(", ")),
                )
            }
            Decision::Unknown if self.needs_course => {
                let open: Vec<&str> = self
                    .trace
                    .iter()
                    .filter(|t| t.outcome == Outcome::Unknown && !t.missing.contains(&Fact::Course))
                    .map(|t| t.condition_id.as_str())
                    .collect();
                let (also_nl, also_en) = if open.is_empty() {
                    (
                        "aan de voorwaarden voor de persoon is voldaan".to_string(),
                        "the conditions about the person are met".to_string(),
                    )
                } else {
                    (format!("nog onbekend bij {}", open.join(", ")), format!("still unknown for {}", open.join(", ")))
                };
                Text::new(
                    format!("{scheme} heeft een opleiding nodig om te toetsen; {also_nl}."),
                    format!("{scheme} needs a course to be checked; {also_en}."),
                )
            }
            Decision::Unknown => {
                let open: Vec<&str> = self
                    .trace
                    .iter()
                    .filter(|t| t.outcome == Outcome::Unknown)
                    .map(|t| t.condition_id.as_str())
                    .collect();
                let (most_nl, most_en) = match &self.amounts {
                    Some(a) => (
                        format!("; hooguit {}", Money::from(a.scheme_cents).nl()),
                        format!("; at most {}", Money::from(a.scheme_cents).en()),
                    ),
                    None => (String::new(), String::new()),
                };
                Text::new(
                    format!("Nog niet te zeggen of {scheme} kan: onbekend bij {}{most_nl}.", open.join(", ")),
                    format!("Cannot tell yet whether {scheme} applies: unknown for {}{most_en}.", open.join(", ")),
                )
            }
        }
    }
}

/// Who is paid, in Dutch and English.
pub fn paid_to_text(paid_to: super::rules::PaidTo) -> (&'static str, &'static str) {
    use super::rules::PaidTo;
    match paid_to {
        PaidTo::Provider => ("de opleider", "the training provider"),
        PaidTo::Person => ("de persoon zelf", "the person"),
        PaidTo::Employer => ("de werkgever", "the employer"),
        PaidTo::Adviser => ("de loopbaanadviseur", "the career adviser"),
    }
}

/// Splits `cost_cents` for `rules` on `date`, given what the scheme already granted the person in
/// that calendar year. This is the amount function the training-path planner calls per course and
/// per year. `None` when no amount rule is in force on `date`.
///
/// A scheme that pays a share by NLQF level is taken at its largest share: an upper bound, as
/// without a course the level is unknown ([`amount_for_level`] knows it).
pub fn amount_for(
    rules: &SchemeRules,
    date: Date,
    cost_cents: u64,
    already_granted_this_year_cents: u64,
) -> Option<Amounts> {
    amount_for_level(rules, date, cost_cents, already_granted_this_year_cents, None)
}

/// [`amount_for`] for a course at `nlqf_level` (`None`: unknown, the largest share applies).
pub fn amount_for_level(
    rules: &SchemeRules,
    date: Date,
    cost_cents: u64,
    already_granted_this_year_cents: u64,
    nlqf_level: Option<u8>,
) -> Option<Amounts> {
    let rule = rules.amount_on(date)?;
    let share_percent = rule.share_for(nlqf_level);
    let mut scheme_cents = (u128::from(cost_cents) * u128::from(share_percent) / 100) as u64;
    if let Some(cap) = rule.cap_per_application_cents {
        scheme_cents = scheme_cents.min(cap);
    }
    let cap_left_this_year_cents =
        rule.cap_per_person_per_year_cents.map(|cap| cap.saturating_sub(already_granted_this_year_cents));
    if let Some(left) = cap_left_this_year_cents {
        scheme_cents = scheme_cents.min(left);
    }
    let remainder_cents = cost_cents - scheme_cents;
    Some(Amounts {
        cost_cents,
        scheme_cents,
        remainder_cents,
        share_percent,
        cap_left_this_year_cents,
        remainder_payers: if remainder_cents > 0 { rules.combines_with.clone() } else { Vec::new() },
        upper_bound: false,
        source: rule.source.clone(),
    })
}

/// Evaluates `scheme` for `facts`, with counterfactuals.
pub fn evaluate(scheme: Scheme<'_>, facts: &Facts) -> Evaluation {
    let mut evaluation = core(scheme, facts);
    if evaluation.decision != Decision::Eligible {
        evaluation.counterfactuals = super::counterfactual::counterfactuals(scheme, facts, &evaluation);
    }
    evaluation
}

/// The best decision any course could get from `scheme` for this person on `application.date`,
/// judged on the conditions that read no fact of the course: NOT_ELIGIBLE when one of them fails,
/// UNKNOWN when none fails but one is unknown, else ELIGIBLE (the course then decides). The
/// training-path planner asks this once per application date instead of evaluating every course.
pub fn best_decision_for_any_course(scheme: Scheme<'_>, person: &PersonFacts, application: &Application) -> Decision {
    let facts = Facts { person: person.clone(), application: application.clone(), course: None };
    let trace: Vec<TraceEntry> = scheme
        .rules
        .conditions
        .iter()
        .filter(|c| !reads_course_facts(&c.test))
        .map(|c| entry(c, check(c, scheme, &facts)))
        .collect();
    decide(&trace)
}

/// Whether [`check`] reads the course's facts for `test`: every test it does not answer from the
/// person, the date, the scheme or the application hands over to `course_check`.
fn reads_course_facts(test: &Test) -> bool {
    !matches!(
        test,
        Test::DateWithinValidity
            | Test::AgeBetween { .. }
            | Test::LabourMarketTie
            | Test::LabourStatusAny(_)
            | Test::MaxEducationLevel(_)
            | Test::MinEducationLevel(_)
            | Test::HasStartkwalificatie(_)
            | Test::NotExcludedBy(_)
            | Test::ApprovalBy(_)
            | Test::ApplicantAny(_)
            | Test::AnnualCapNotReached
            | Test::ApplicationWindowOpen
            | Test::MaxGrantsPerCourse(_)
    )
}

/// Evaluates without counterfactuals: the decision, trace and amounts alone (the course finder
/// decides many courses per request and needs no counterfactuals for them).
pub fn core(scheme: Scheme<'_>, facts: &Facts) -> Evaluation {
    let rules = scheme.rules;
    let date = facts.application.date;
    let trace: Vec<TraceEntry> = rules.conditions.iter().map(|c| entry(c, check(c, scheme, facts))).collect();
    let decision = decide(&trace);
    let mut missing_facts: Vec<Fact> = trace.iter().flat_map(|e| e.missing.iter().copied()).collect();
    missing_facts.sort();
    missing_facts.dedup();

    let compartments = rules
        .compartments
        .iter()
        .map(|c| {
            if !c.applies.contains(date) {
                return CompartmentResult {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    outcome: Outcome::NotApplicable,
                    budget_cents: c.budget_cents,
                    source: c.source.clone(),
                    trace: Vec::new(),
                };
            }
            let trace: Vec<TraceEntry> = c.conditions.iter().map(|k| entry(k, check(k, scheme, facts))).collect();
            let outcome = match decide(&trace) {
                Decision::Eligible => Outcome::Passed,
                Decision::NotEligible => Outcome::Failed,
                Decision::Unknown => Outcome::Unknown,
            };
            CompartmentResult {
                id: c.id.clone(),
                label: c.label.clone(),
                outcome,
                budget_cents: c.budget_cents,
                source: c.source.clone(),
                trace,
            }
        })
        .collect();

    let notices = rules
        .notices
        .iter()
        .filter(|n| n.applies.contains(date))
        .filter(|n| n.conditions.iter().all(|c| check(c, scheme, facts).outcome == Outcome::Passed))
        .map(|n| NoticeResult { id: n.id.clone(), text: n.text.clone(), source: n.source.clone() })
        .collect();

    let amounts = match (&facts.course, decision) {
        (Some(course), Decision::Eligible | Decision::Unknown) => {
            let granted = facts.person.already_granted_this_year_cents;
            amount_for_level(rules, date, course.cost_cents, granted.unwrap_or(0), course.nlqf_level).map(|mut a| {
                a.upper_bound =
                    decision == Decision::Unknown || (granted.is_none() && a.cap_left_this_year_cents.is_some());
                a
            })
        }
        _ => None,
    };

    Evaluation {
        decision,
        date,
        course_start: facts.course.as_ref().and_then(|c| c.start),
        start_origin: facts.course.as_ref().map(|c| c.start_origin),
        trace,
        amounts,
        paid_to: rules.paid_to,
        paid_to_source: rules.paid_to_source.clone(),
        counterfactuals: Vec::new(),
        compartments,
        notices,
        missing_facts,
        needs_course: facts.course.is_none() && rules.needs_course(),
    }
}

fn decide(trace: &[TraceEntry]) -> Decision {
    if trace.iter().any(|e| e.outcome == Outcome::Failed) {
        Decision::NotEligible
    } else if trace.iter().any(|e| e.outcome == Outcome::Unknown) {
        Decision::Unknown
    } else {
        Decision::Eligible
    }
}

/// The outcome of one condition before it becomes a trace entry.
pub(super) struct Check {
    pub(super) outcome: Outcome,
    explanation: Text,
    pending: bool,
    missing: Vec<Fact>,
}

fn entry(condition: &Condition, check: Check) -> TraceEntry {
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
    Check { outcome: Outcome::Passed, explanation: Text::new(nl, en), pending: false, missing: Vec::new() }
}

fn failed(nl: impl Into<String>, en: impl Into<String>) -> Check {
    Check { outcome: Outcome::Failed, explanation: Text::new(nl, en), pending: false, missing: Vec::new() }
}

fn unknown(missing: Vec<Fact>, nl: impl Into<String>, en: impl Into<String>) -> Check {
    Check { outcome: Outcome::Unknown, explanation: Text::new(nl, en), pending: false, missing }
}

/// Evaluates one condition.
fn check(condition: &Condition, scheme: Scheme<'_>, facts: &Facts) -> Check {
    let date = facts.application.date;
    if !condition.applies.contains(date) {
        let (nl, en) = period_text(&condition.applies);
        return Check {
            outcome: Outcome::NotApplicable,
            explanation: Text::new(
                format!("Deze regel geldt {nl}; niet op {date}."),
                format!("This rule applies {en}; not on {date}."),
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
                format!("Niet bekend of de persoon {} is.", list_nl(statuses.iter().map(|s| status_nl(*s)))),
                format!("Unknown whether the person is {}.", list_en(statuses.iter().map(|s| status_en(*s)))),
            ),
            Some(s) if statuses.contains(&s) => passed(
                format!("Situatie op de arbeidsmarkt: {}.", status_nl(s)),
                format!("Labour-market situation: {}.", status_en(s)),
            ),
            Some(s) => failed(
                format!(
                    "Situatie op de arbeidsmarkt: {}; vereist is {}.",
                    status_nl(s),
                    list_nl(statuses.iter().map(|s| status_nl(*s)))
                ),
                format!(
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
                        format!("{} is een startkwalificatie.", education_nl(level)),
                        format!("{} is a startkwalificatie.", education_en(level)),
                    )
                } else {
                    (
                        format!(
                            "Met {} is er geen startkwalificatie (havo, vwo of mbo-2 of hoger).",
                            education_nl(level)
                        ),
                        format!(
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
                format!("{} heeft ingestemd.", capitalize(party_nl(*party))),
                format!("{} has approved.", capitalize(party_en(*party))),
            ),
            Some(false) => failed(
                format!("{} heeft niet ingestemd.", capitalize(party_nl(*party))),
                format!("{} has not approved.", capitalize(party_en(*party))),
            ),
            None => unknown(
                vec![Fact::Approval],
                format!("{} beslist; niet bekend of die instemt.", capitalize(party_nl(*party))),
                format!("{} decides; unknown whether it approves.", capitalize(party_en(*party))),
            ),
        },
        Test::AnnualCapNotReached => annual_cap_check(scheme.rules, person, date),
        Test::ApplicationWindowOpen => window_check(scheme.rules, date),
        Test::MaxGrantsPerCourse(max) => match facts.application.course_grants_so_far {
            None => unknown(
                vec![Fact::CourseGrants],
                format!("Niet bekend hoeveel aanvragen voor deze opleiding al zijn toegekend (maximaal {max})."),
                format!("Unknown how many applications for this course were already granted (at most {max})."),
            ),
            Some(n) if n >= *max => failed(
                format!("Voor deze opleiding zijn al {n} aanvragen toegekend; het maximum is {max}."),
                format!("{n} applications for this course were already granted; the maximum is {max}."),
            ),
            Some(n) => passed(
                format!("Voor deze opleiding zijn {n} aanvragen toegekend; het maximum is {max}."),
                format!("{n} applications for this course were granted; the maximum is {max}."),
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
            format!("Niet bekend wie de aanvraag doet; deze regeling wordt aangevraagd door {allowed_nl}."),
            format!("Unknown who applies; this scheme is applied for by {allowed_en}."),
        ),
        Some(a) if applicants.contains(&a) => passed(
            format!("De aanvraag wordt gedaan door {}.", applicant_nl(a)),
            format!("The application is made by {}.", applicant_en(a)),
        ),
        Some(a) => failed(
            format!(
                "De aanvraag wordt gedaan door {}; deze regeling wordt alleen aangevraagd door {allowed_nl}.",
                applicant_nl(a)
            ),
            format!("The application is made by {}; only {allowed_en} can apply for this scheme.", applicant_en(a)),
        ),
    }
}

fn level_share_check(rules: &SchemeRules, course: &CourseFacts, date: Date) -> Check {
    let Some(rule) = rules.amount_on(date) else {
        return Check {
            outcome: Outcome::NotApplicable,
            explanation: Text::new(
                format!("Op {date} geldt geen bedrag per NLQF-niveau."),
                format!("No amount by NLQF level applies on {date}."),
            ),
            pending: false,
            missing: Vec::new(),
        };
    };
    let table_nl: Vec<String> = rule
        .shares_by_nlqf_level
        .iter()
        .map(|s| format!("{}% voor NLQF {}", s.share_percent, levels(&s.levels)))
        .collect();
    let table_en: Vec<String> = rule
        .shares_by_nlqf_level
        .iter()
        .map(|s| format!("{}% for NLQF {}", s.share_percent, levels(&s.levels)))
        .collect();
    match course.nlqf_level {
        None => failed(
            format!(
                "De opleiding leidt niet tot een in het NLQF ingeschaald diploma of certificaat; de regeling betaalt {}.",
                table_nl.join(", ")
            ),
            format!(
                "The course does not lead to a credential levelled in the NLQF; the scheme pays {}.",
                table_en.join(", ")
            ),
        ),
        Some(level) => match rule.shares_by_nlqf_level.iter().find(|s| s.levels.contains(&level)) {
            Some(share) => passed(
                format!(
                    "De opleiding is ingeschaald op NLQF {level}: de regeling betaalt {}% van de kosten.",
                    share.share_percent
                ),
                format!("The course is at NLQF level {level}: the scheme pays {}% of the cost.", share.share_percent),
            ),
            None => failed(
                format!(
                    "De opleiding is ingeschaald op NLQF {level}; de regeling betaalt alleen {}.",
                    table_nl.join(", ")
                ),
                format!("The course is at NLQF level {level}; the scheme only pays {}.", table_en.join(", ")),
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
        (Some(first), Some(last)) if contiguous && first != last => format!("{first}–{last}"),
        _ => sorted.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", "),
    }
}

fn validity_check(validity: Validity, date: Date) -> Check {
    let until_nl = validity.to.map(|t| format!(" tot {t}")).unwrap_or_default();
    let until_en = validity.to.map(|t| format!(" until {t}")).unwrap_or_default();
    if validity.contains(date) {
        passed(
            format!("De regeling geldt vanaf {}{until_nl}; {date} valt daarbinnen.", validity.from),
            format!("The scheme applies from {}{until_en}; {date} falls within it.", validity.from),
        )
    } else if date < validity.from {
        failed(
            format!("De regeling begint pas op {}; een aanvraag op {date} valt ervoor.", validity.from),
            format!("The scheme only starts on {}; an application on {date} comes before it.", validity.from),
        )
    } else {
        let end = validity.to.unwrap_or(validity.from);
        failed(
            format!(
                "De regeling is beëindigd per {end}: een aanvraag op {date} krijgt geen geld meer uit deze regeling."
            ),
            format!("The scheme ended on {end}: an application on {date} gets no money from it."),
        )
    }
}

/// Describes an age range in Dutch and English.
fn age_range(min_years: Option<u32>, below: Option<AgeLimit>, date: Date) -> (String, String) {
    let aow = aow::aow_age(date.year());
    let upper = |below: AgeLimit| -> (String, String) {
        match below {
            AgeLimit::Years(y) => (format!("jonger dan {y} jaar"), format!("younger than {y}")),
            AgeLimit::AowAge => match aow {
                Some(a) => (
                    format!("onder de AOW-leeftijd ({} in {})", a.nl(), date.year()),
                    format!("below the state-pension (AOW) age ({} in {})", a.en(), date.year()),
                ),
                None => ("onder de AOW-leeftijd".to_string(), "below the state-pension (AOW) age".to_string()),
            },
        }
    };
    match (min_years, below) {
        (Some(min), Some(b)) => {
            let (nl, en) = upper(b);
            (format!("{min} jaar of ouder en {nl}"), format!("{min} or older and {en}"))
        }
        (Some(min), None) => (format!("{min} jaar of ouder"), format!("{min} or older")),
        (None, Some(b)) => upper(b),
        (None, None) => ("elke leeftijd".to_string(), "any age".to_string()),
    }
}

/// The earliest birth date, for someone of `age` whole years on `date`, that has not reached the
/// AOW age on `date` (the boundary inside the year of possible birth dates).
pub(super) fn aow_threshold(age: u32, date: Date) -> Option<Date> {
    let (oldest, youngest) = aow::birth_range(age, date);
    (oldest.to_days()..=youngest.to_days())
        .map(Date::from_days)
        .find(|birth| aow::reached_by(*birth, date) == Some(false))
}

pub(super) fn age_check(min_years: Option<u32>, below: Option<AgeLimit>, person: &PersonFacts, date: Date) -> Check {
    let (range_nl, range_en) = age_range(min_years, below, date);
    let Some(age) = person.age_on(date) else {
        return unknown(
            vec![Fact::Age, Fact::BirthDate],
            format!("Leeftijd onbekend (geef de leeftijd of de geboortedatum); vereist is {range_nl}."),
            format!("Age unknown (give the age or the birth date); required: {range_en}."),
        );
    };
    if let Some(min) = min_years {
        if age < min {
            return failed(
                format!("Leeftijd {age} jaar op {date}; vereist is {range_nl}."),
                format!("Age {age} on {date}; required: {range_en}."),
            );
        }
    }
    match below {
        Some(AgeLimit::Years(limit)) if age >= limit => {
            return failed(
                format!("Leeftijd {age} jaar op {date}; de regel geldt tot {limit} jaar, dus voor wie {range_nl} is."),
                format!("Age {age} on {date}; the rule applies up to {limit}, so to people {range_en}."),
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
                                    format!(": wie op of na {t} geboren is, heeft die nog niet bereikt"),
                                    format!(": someone born on or after {t} has not reached it"),
                                ),
                                None => (String::new(), String::new()),
                            };
                            let aow_nl = aow::aow_age(date.year()).map(|a| a.nl()).unwrap_or_default();
                            let aow_en = aow::aow_age(date.year()).map(|a| a.en()).unwrap_or_default();
                            return unknown(
                                vec![Fact::BirthDate],
                                format!(
                                    "Met alleen de leeftijd in hele jaren ({age}) is niet te zeggen of de AOW-leeftijd \
                                     ({aow_nl} in {}) op {date} al bereikt is{after_nl}. Geef de geboortedatum.",
                                    date.year()
                                ),
                                format!(
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
                        format!(
                            "De AOW-leeftijd na {} staat nog niet vast, dus niet te zeggen of die op {date} bereikt is.",
                            aow::LAST_KNOWN_YEAR
                        ),
                        format!(
                            "The AOW age after {} is not fixed yet, so it cannot be told whether it is reached on {date}.",
                            aow::LAST_KNOWN_YEAR
                        ),
                    );
                }
                Some(true) => {
                    return failed(
                        format!("Op {date} is de AOW-leeftijd bereikt; vereist is {range_nl}."),
                        format!("On {date} the AOW age has been reached; required: {range_en}."),
                    );
                }
                Some(false) => {}
            }
        }
        _ => {}
    }
    passed(format!("Leeftijd {age} jaar op {date}: {range_nl}."), format!("Age {age} on {date}: {range_en}."))
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
            format!("Hoogst behaalde opleiding onbekend; vereist is {bound_nl} {}.", education_nl(level)),
            format!("Highest education unknown; required: {bound_en} {}.", education_en(level)),
        );
    };
    let ok =
        if at_most { education.nlqf_rank() <= level.nlqf_rank() } else { education.nlqf_rank() >= level.nlqf_rank() };
    let nl = format!(
        "Hoogst behaalde opleiding {}; vereist is {bound_nl} {}.",
        education_nl(education),
        education_nl(level)
    );
    let en = format!("Highest education {}; required: {bound_en} {}.", education_en(education), education_en(level));
    if ok { passed(nl, en) } else { failed(nl, en) }
}

/// The request fact that carries an entitlement.
pub(super) fn finance_fact(finance: PublicFinance) -> Fact {
    match finance {
        PublicFinance::Studiefinanciering => Fact::Studiefinanciering,
        PublicFinance::Lerarenbeurs => Fact::Lerarenbeurs,
        PublicFinance::Tegemoetkoming => Fact::Tegemoetkoming,
    }
}

/// Whether the person is entitled to `finance` for the course, and the fact that says so.
pub(super) fn exclusion_fact(person: &PersonFacts, finance: PublicFinance) -> (Option<bool>, Fact) {
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
            format!(
                "Voor deze opleiding is er recht op {}: dan is deze regeling voor deze opleiding uitgesloten.",
                list_nl(entitled.iter().map(|f| finance_nl(*f)))
            ),
            format!(
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
            format!(
                "Niet bekend of er voor deze opleiding recht is op {}.",
                list_nl(missing.iter().map(|(f, _)| finance_nl(*f)))
            ),
            format!(
                "Unknown whether there is an entitlement to {} for this course.",
                list_en(missing.iter().map(|(f, _)| finance_en(*f)))
            ),
        );
    }
    passed(
        format!("Voor deze opleiding geen recht op {}.", list_nl(finance.iter().map(|f| finance_nl(*f)))),
        format!("No entitlement to {} for this course.", list_en(finance.iter().map(|f| finance_en(*f)))),
    )
}

fn annual_cap_check(rules: &SchemeRules, person: &PersonFacts, date: Date) -> Check {
    let Some(cap) = rules.amount_on(date).and_then(|a| a.cap_per_person_per_year_cents) else {
        return Check {
            outcome: Outcome::NotApplicable,
            explanation: Text::new(
                format!("Op {date} geldt geen jaarmaximum."),
                format!("No yearly maximum applies on {date}."),
            ),
            pending: false,
            missing: Vec::new(),
        };
    };
    let year = date.year();
    match person.already_granted_this_year_cents {
        None => unknown(
            vec![Fact::AlreadyGranted],
            format!(
                "Niet bekend hoeveel deze regeling in {year} al aan deze persoon heeft toegekend (maximum {} per \
                 persoon per kalenderjaar).",
                Money::from(cap).nl()
            ),
            format!(
                "Unknown how much this scheme already granted this person in {year} (maximum {} per person per \
                 calendar year).",
                Money::from(cap).en()
            ),
        ),
        Some(granted) if granted >= cap => failed(
            format!(
                "In {year} is al {} toegekend; het maximum is {} per persoon per kalenderjaar.",
                Money::from(granted).nl(),
                Money::from(cap).nl()
            ),
            format!(
                "{} was already granted in {year}; the maximum is {} per person per calendar year.",
                Money::from(granted).en(),
                Money::from(cap).en()
            ),
        ),
        Some(granted) => passed(
            format!(
                "In {year} is {} toegekend; er is nog {} ruimte (maximum {} per persoon per kalenderjaar).",
                Money::from(granted).nl(),
                Money::from(cap - granted).nl(),
                Money::from(cap).nl()
            ),
            format!(
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
                format!("; het volgende tijdvak ({}) opent op {}", next.id, next.from),
                format!("; the next one ({}) opens on {}", next.id, next.from),
            ),
            None => ("; er volgt geen tijdvak meer".to_string(), "; no later window follows".to_string()),
        };
        return failed(
            format!("Op {date} is er geen aanvraagtijdvak open{next_nl}."),
            format!("No application window is open on {date}{next_en}."),
        );
    };
    let last_day = Date::from_days(t.to.to_days() - 1);
    let budget_nl = t.budget_cents.map(|b| format!(", budget {}", Money::from(b).nl())).unwrap_or_default();
    let budget_en = t.budget_cents.map(|b| format!(", budget {}", Money::from(b).en())).unwrap_or_default();
    match t.exhausted_on {
        Some(day) if date > day => failed(
            format!(
                "Het budget van tijdvak {} ({} t/m {last_day}{budget_nl}) was op {day} op: een aanvraag daarna wordt \
                 afgewezen, ook als aan alle andere voorwaarden is voldaan.",
                t.id, t.from
            ),
            format!(
                "The budget of window {} ({} to {last_day}{budget_en}) ran out on {day}: a later application is \
                 rejected, even when every other condition is met.",
                t.id, t.from
            ),
        ),
        Some(day) if date == day => unknown(
            Vec::new(),
            format!(
                "Het budget van tijdvak {} ({} t/m {last_day}{budget_nl}) raakte op {day} op: of een aanvraag van die \
                 dag nog geld kreeg, hing af van het moment van indienen.",
                t.id, t.from
            ),
            format!(
                "The budget of window {} ({} to {last_day}{budget_en}) ran out on {day}: whether an application of \
                 that day still got money depended on when it was submitted.",
                t.id, t.from
            ),
        ),
        _ => passed(
            format!("Aanvraagtijdvak {} ({} t/m {last_day}{budget_nl}) is open op {date}.", t.id, t.from),
            format!("Application window {} ({} to {last_day}{budget_en}) is open on {date}.", t.id, t.from),
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
                    format!(
                        "Op de startdatum {start} staat de opleiding in het {} ({}).",
                        register_nl(*register),
                        validity_nl(m.validity)
                    ),
                    format!(
                        "On its start date {start} the course is in the {} ({}).",
                        register_en(*register),
                        validity_en(m.validity)
                    ),
                );
            }
            let (other_nl, other_en) = match memberships.first() {
                Some(m) => {
                    (format!("; wel {}", validity_nl(m.validity)), format!("; it was {}", validity_en(m.validity)))
                }
                None => (String::new(), String::new()),
            };
            failed(
                format!(
                    "Op de startdatum {start} staat de opleiding niet in het {}{other_nl}.",
                    register_nl(*register)
                ),
                format!("On its start date {start} the course is not in the {}{other_en}.", register_en(*register)),
            )
        }
        Test::ProviderHasQualityMarkAny(marks) => {
            let Some(start) = course.start else { return start_unknown() };
            if let Some(grant) =
                course.provider_marks.iter().find(|g| marks.contains(&g.mark) && g.validity.contains(start))
            {
                return passed(
                    format!(
                        "De aanbieder heeft op {start} een {} ({}).",
                        mark_nl(grant.mark),
                        validity_nl(grant.validity)
                    ),
                    format!(
                        "On {start} the provider holds a {} ({}).",
                        mark_en(grant.mark),
                        validity_en(grant.validity)
                    ),
                );
            }
            let expired = course.provider_marks.iter().find(|g| marks.contains(&g.mark));
            let (other_nl, other_en) = match expired {
                Some(g) => (
                    format!(" (een {} gold {})", mark_nl(g.mark), validity_nl(g.validity)),
                    format!(" ({} held {})", mark_en(g.mark), validity_en(g.validity)),
                ),
                None => (String::new(), String::new()),
            };
            failed(
                format!(
                    "De aanbieder heeft op {start} geen {}{other_nl}.",
                    list_or_nl(marks.iter().map(|m| mark_nl(*m)))
                ),
                format!(
                    "On {start} the provider holds no {}{other_en}.",
                    list_or_en(marks.iter().map(|m| mark_en(*m)))
                ),
            )
        }
        Test::CredentialKindAny(kinds) => {
            if let Some(kind) = course.credential_kinds.iter().find(|k| kinds.contains(k)) {
                return passed(
                    format!("De opleiding leidt tot een {}.", credential_nl(*kind)),
                    format!("The course leads to a {}.", credential_en(*kind)),
                );
            }
            failed(
                format!("De opleiding leidt niet tot een {}.", list_or_nl(kinds.iter().map(|k| credential_nl(*k)))),
                format!("The course does not lead to a {}.", list_or_en(kinds.iter().map(|k| credential_en(*k)))),
            )
        }
        Test::CourseEducationTypeAny(types) => match course.education_type {
            Some(t) if types.contains(&t) => passed(
                format!("De opleiding is een {}-opleiding.", education_type_nl(t)),
                format!("The course is a {} programme.", education_type_nl(t)),
            ),
            other => {
                let (is_nl, is_en) = match other {
                    Some(t) => (
                        format!("een {}-opleiding", education_type_nl(t)),
                        format!("a {} programme", education_type_nl(t)),
                    ),
                    None => (
                        "geen formele (mbo-, hbo- of wo-)opleiding".to_string(),
                        "not a formal (mbo, hbo or wo) programme".to_string(),
                    ),
                };
                failed(
                    format!(
                        "De opleiding is {is_nl}; vereist is een {}-opleiding.",
                        list_or_nl(types.iter().map(|t| education_type_nl(*t)))
                    ),
                    format!(
                        "The course is {is_en}; required: a {} programme.",
                        list_or_en(types.iter().map(|t| education_type_nl(*t)))
                    ),
                )
            }
        },
        Test::CoursePriceAtLeast(min) => {
            let nl = format!(
                "Kosten {}; vereist is ten minste {}.",
                Money::from(course.cost_cents).nl(),
                Money::from(*min).nl()
            );
            let en =
                format!("Cost {}; required: at least {}.", Money::from(course.cost_cents).en(), Money::from(*min).en());
            if course.cost_cents >= *min { passed(nl, en) } else { failed(nl, en) }
        }
        Test::EvcNotSupported => {
            if course.credential_kinds.contains(&CredentialKind::EvcErvaringscertificaat) {
                Check {
                    outcome: Outcome::Failed,
                    explanation: Text::new(
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
                explanation: Text::new(
                    format!(
                        "Aanvraag voor studiejaar {year} van een meerjarige opleiding (vervolgjaar): (nog) niet mogelijk \
                         met deze regeling. Aangekondigd, nog niet geregeld; zie de bron."
                    ),
                    format!(
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
                format!(
                    "De opleiding duurt {} weken (meerjarig); niet bekend voor welk studiejaar de aanvraag is.",
                    course.weeks
                ),
                format!(
                    "The course takes {} weeks (multi-year); unknown which study year the application is for.",
                    course.weeks
                ),
            ),
            None => passed(
                format!("Opleiding van {}: geen vervolgjaar.", weeks_nl(course.weeks)),
                format!("A course of {}: no follow-up year.", weeks_en(course.weeks)),
            ),
        },
        Test::CourseInOntwikkelpad(sectors) => match course.ontwikkelpaden.iter().find(|s| sectors.contains(s)) {
            Some(sector) => passed(
                format!("De opleiding staat in het Ontwikkelpad {sector}."),
                format!("The course is listed in the {sector} Ontwikkelpad."),
            ),
            None => {
                let names = sectors.iter().map(|s| s.as_str());
                let listed = if course.ontwikkelpaden.is_empty() {
                    ("in geen enkel Ontwikkelpad".to_string(), "in no Ontwikkelpad".to_string())
                } else {
                    let own: Vec<&str> = course.ontwikkelpaden.iter().map(|s| s.as_str()).collect();
                    (
                        format!("alleen in het Ontwikkelpad {}", own.join(", ")),
                        format!("only in the {} Ontwikkelpad", own.join(", ")),
                    )
                };
                failed(
                    format!(
                        "De opleiding staat {}; vereist is een Ontwikkelpad van {}.",
                        listed.0,
                        list_or_nl(names.clone())
                    ),
                    format!("The course is listed {}; required: an Ontwikkelpad of {}.", listed.1, list_or_en(names)),
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
    fn the_aow_threshold_is_the_first_birth_date_below_the_aow_age() {
        // 66 on 2022-09-05 (AOW age 66y7m in 2022): born 1955-09-06 … 1956-09-05; those born on or
        // after 1956-02-06 are not yet 66y7m.
        assert_eq!(aow_threshold(66, "2022-09-05".parse().unwrap()), Some("1956-02-06".parse().unwrap()));
    }
}

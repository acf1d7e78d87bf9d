//! What an evaluation answers: the decision, the trace of conditions, the amounts, the
//! counterfactuals, and the facts it reads.

use crate::funding::person::PersonFacts;
use crate::funding::rules::{Applicant, SchemeRules, Text};
use crate::model::vocab::named_enum;
use crate::model::{
    CredentialKind, Date, EducationType, PolicySource, QualityMarkGrant, RegisterMembership, Sector, Validity,
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
    pub kind: crate::funding::rules::ConditionKind,
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
    pub paid_to: crate::funding::rules::PaidTo,
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

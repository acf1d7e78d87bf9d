//! The rules of a funding scheme as data: who qualifies, for what training, how much, paid to whom,
//! with what other money it combines, and in which application windows — each rule with the policy
//! source it comes from, so that a later policy letter is a data change, not a code change.
//!
//! The validated types only: a scheme's concept carries its [`SchemeRules`] (so they live here, on
//! the ground floor, not in the funding engine); the bundle's JSON form and its checks are in
//! `crate::ontology::rules`, the evaluator in `crate::funding`.
//!
//! Conditions come from a closed vocabulary ([`ConditionKind`]); a kind has a fixed set of
//! parameters. Every condition, amount, tijdvak, compartment and notice carries a
//! [`PolicySource`]; a condition may apply only for part of a scheme's life (`valid_from`,
//! `valid_to`), which is how the letters' changes over time are written down (e.g. the
//! Levenlanglerenkrediet's age limit "tot 55", later "tot 56").

use crate::model::vocab::named_enum;
use crate::model::{
    CredentialKind, Date, EducationLevel, EducationType, LabourStatus, Lang, PolicySource, QualityMark, Register,
    Sector,
};

named_enum! {
    /// The closed vocabulary of conditions. Each kind reads a fixed set of facts and parameters
    /// (see [`Test`]); the trace names the kind of every condition.
    pub enum ConditionKind {
        /// The request date lies within the scheme's validity (`valid_from` .. `valid_to`).
        DateWithinValidity = "date_within_validity",
        /// Age at the request date: `min_years` (inclusive) and `below` (exclusive: a number of
        /// years, or `"aow_age"` for the state-pension age of the request date).
        AgeBetween = "age_between",
        /// A tie to the Dutch labour market (insured for the volksverzekeringen and/or liable to
        /// Dutch tax counts as one, 004 fn 19).
        LabourMarketTie = "labour_market_tie",
        /// The person's labour-market situation is one of `statuses`.
        LabourStatusAny = "labour_status_any",
        /// The highest completed education is at most `level` (NLQF order).
        MaxEducationLevel = "max_education_level",
        /// The highest completed education is at least `level` (NLQF order).
        MinEducationLevel = "min_education_level",
        /// Whether the person has a startkwalificatie equals `expected`.
        HasStartkwalificatie = "has_startkwalificatie",
        /// The person is not entitled, for this course, to any of `finance` (studiefinanciering,
        /// lerarenbeurs, tegemoetkoming onderwijsbijdrage en schoolkosten).
        NotExcludedBy = "not_excluded_by",
        /// The course is a member of `register` on its start date.
        CourseInRegisterAtStart = "course_in_register_at_start",
        /// The course's provider holds one of `marks` on the course's start date.
        ProviderHasQualityMarkAny = "provider_has_quality_mark_any",
        /// The course leads to a credential of one of `kinds`.
        CredentialKindAny = "credential_kind_any",
        /// The course is a formal programme of one of `types` (mbo_bol, hbo, …).
        CourseEducationTypeAny = "course_education_type_any",
        /// The cost is at least `cents`.
        CoursePriceAtLeast = "course_price_at_least",
        /// EVC procedures cannot (yet) be funded: fails, marked pending, for a course that leads to
        /// an EVC ervaringscertificaat.
        EvcNotSupported = "evc_not_supported",
        /// Follow-up years of multi-year programmes cannot (yet) be funded: fails, marked pending,
        /// for programme year 2 or later.
        VervolgjaarNotSupported = "vervolgjaar_not_supported",
        /// Fewer than `max` grants were made for this course (in this calendar year).
        MaxGrantsPerCourse = "max_grants_per_course",
        /// What this scheme already granted the person this calendar year is below the amount's
        /// yearly cap.
        AnnualCapNotReached = "annual_cap_not_reached",
        /// The request date falls in one of the scheme's tijdvakken whose budget was not exhausted.
        ApplicationWindowOpen = "application_window_open",
        /// A third party (`party`: employer, O&O fund, UWV) decides; the request says whether it
        /// approved.
        ApprovalBy = "approval_by",
        /// The application is submitted by one of `applicants` (an employer, a collective of
        /// employers' and employees' organisations or O&O funds, …), not by the person: schemes
        /// such as the SLIM scholingssubsidie pay whoever applies.
        ApplicantAny = "applicant_any",
        /// The course is listed in the Ontwikkelpad (a sector's map of functions and the training
        /// for them) of one of `sectors`.
        CourseInOntwikkelpad = "course_in_ontwikkelpad",
        /// The course leads to a credential at an NLQF level for which the amount rule in force
        /// pays a share (`amounts[].shares_by_nlqf_level`): the share by level.
        NlqfLevelShare = "nlqf_level_share",
    }
}

named_enum! {
    /// Who submits an application.
    pub enum Applicant {
        /// The person (the STAP-budget's "Mensen kunnen zelf STAP-budget aanvragen", 000 L62-64).
        Persoon = "persoon",
        Werkgever = "werkgever",
        /// A collective (samenwerkingsverband) of employers' and employees' organisations and/or
        /// O&O funds, applying for the employers of its sector.
        Collectief = "collectief",
        /// A registered gastouderbureau, for the childminders in its network.
        Gastouderbureau = "gastouderbureau",
    }
}

named_enum! {
    /// Public individual education finance that excludes a person from the STAP-budget "voor de
    /// betreffende opleiding of cursus" (004 L252-256).
    pub enum PublicFinance {
        Studiefinanciering = "studiefinanciering",
        Lerarenbeurs = "lerarenbeurs",
        /// Tegemoetkoming onderwijsbijdrage en schoolkosten.
        Tegemoetkoming = "tegemoetkoming",
    }
}

named_enum! {
    /// Who receives the money.
    pub enum PaidTo {
        /// The training provider (STAP: "via de uitvoerder aan de opleider uitbetaald", 004 L317-322).
        Provider = "provider",
        /// The person (e.g. a loan).
        Person = "person",
        Employer = "employer",
        /// The career adviser who gives the advice.
        Adviser = "adviser",
    }
}

named_enum! {
    /// A third party whose decision a scheme depends on.
    pub enum Party {
        Werkgever = "werkgever",
        WerkgeverOfOoFonds = "werkgever_of_oo_fonds",
        Uwv = "uwv",
    }
}

/// A text in Dutch and English. Dutch is the first language of the data; English falls back to it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Text {
    pub nl: String,
    pub en: String,
}

impl Text {
    pub fn new(nl: impl Into<String>, en: impl Into<String>) -> Text {
        Text { nl: nl.into(), en: en.into() }
    }

    /// The text in `lang`'s wording ([`Lang::is_english`]); English falls back to Dutch where
    /// a source gives no English.
    pub fn get(&self, lang: Lang) -> &str {
        if lang.is_english() && !self.en.is_empty() { &self.en } else { &self.nl }
    }
}

/// A half-open period `[from, to)` in which a rule applies; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Period {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Period {
    /// True when `date` falls inside the period.
    pub fn contains(&self, date: Date) -> bool {
        self.from.is_none_or(|from| date >= from) && self.to.is_none_or(|to| date < to)
    }

    /// True when the period has no bounds (the rule always applies).
    pub fn is_always(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

/// The exclusive upper bound of an age rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AgeLimit {
    /// Younger than this many whole years ("tot 56 jaar").
    Years(u32),
    /// Younger than the AOW (state-pension) age of the request date ("tot de aow-gerechtigde
    /// leeftijd", 001 L300-304); see `crate::funding::aow`.
    AowAge,
}

/// What a condition tests, with its parameters. One variant per [`ConditionKind`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Test {
    DateWithinValidity,
    AgeBetween { min_years: Option<u32>, below: Option<AgeLimit> },
    LabourMarketTie,
    LabourStatusAny(Vec<LabourStatus>),
    MaxEducationLevel(EducationLevel),
    MinEducationLevel(EducationLevel),
    HasStartkwalificatie(bool),
    NotExcludedBy(Vec<PublicFinance>),
    CourseInRegisterAtStart(Register),
    ProviderHasQualityMarkAny(Vec<QualityMark>),
    CredentialKindAny(Vec<CredentialKind>),
    CourseEducationTypeAny(Vec<EducationType>),
    CoursePriceAtLeast(u64),
    EvcNotSupported,
    VervolgjaarNotSupported,
    MaxGrantsPerCourse(u32),
    AnnualCapNotReached,
    ApplicationWindowOpen,
    ApprovalBy(Party),
    ApplicantAny(Vec<Applicant>),
    CourseInOntwikkelpad(Vec<Sector>),
    NlqfLevelShare,
}

impl Test {
    pub fn kind(&self) -> ConditionKind {
        match self {
            Test::DateWithinValidity => ConditionKind::DateWithinValidity,
            Test::AgeBetween { .. } => ConditionKind::AgeBetween,
            Test::LabourMarketTie => ConditionKind::LabourMarketTie,
            Test::LabourStatusAny(_) => ConditionKind::LabourStatusAny,
            Test::MaxEducationLevel(_) => ConditionKind::MaxEducationLevel,
            Test::MinEducationLevel(_) => ConditionKind::MinEducationLevel,
            Test::HasStartkwalificatie(_) => ConditionKind::HasStartkwalificatie,
            Test::NotExcludedBy(_) => ConditionKind::NotExcludedBy,
            Test::CourseInRegisterAtStart(_) => ConditionKind::CourseInRegisterAtStart,
            Test::ProviderHasQualityMarkAny(_) => ConditionKind::ProviderHasQualityMarkAny,
            Test::CredentialKindAny(_) => ConditionKind::CredentialKindAny,
            Test::CourseEducationTypeAny(_) => ConditionKind::CourseEducationTypeAny,
            Test::CoursePriceAtLeast(_) => ConditionKind::CoursePriceAtLeast,
            Test::EvcNotSupported => ConditionKind::EvcNotSupported,
            Test::VervolgjaarNotSupported => ConditionKind::VervolgjaarNotSupported,
            Test::MaxGrantsPerCourse(_) => ConditionKind::MaxGrantsPerCourse,
            Test::AnnualCapNotReached => ConditionKind::AnnualCapNotReached,
            Test::ApplicationWindowOpen => ConditionKind::ApplicationWindowOpen,
            Test::ApprovalBy(_) => ConditionKind::ApprovalBy,
            Test::ApplicantAny(_) => ConditionKind::ApplicantAny,
            Test::CourseInOntwikkelpad(_) => ConditionKind::CourseInOntwikkelpad,
            Test::NlqfLevelShare => ConditionKind::NlqfLevelShare,
        }
    }

    /// Whether the test reads facts of a course (so the scheme cannot be checked without one).
    pub fn needs_course(&self) -> bool {
        matches!(
            self,
            Test::CourseInRegisterAtStart(_)
                | Test::ProviderHasQualityMarkAny(_)
                | Test::CredentialKindAny(_)
                | Test::CourseEducationTypeAny(_)
                | Test::CoursePriceAtLeast(_)
                | Test::EvcNotSupported
                | Test::VervolgjaarNotSupported
                | Test::MaxGrantsPerCourse(_)
                | Test::CourseInOntwikkelpad(_)
                | Test::NlqfLevelShare
        )
    }

    /// The parameters of the test as (name, value) text, for clients that show the rules.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        fn list<T: std::fmt::Display>(items: &[T]) -> String {
            items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
        }
        match self {
            Test::AgeBetween { min_years, below } => {
                let mut out = Vec::new();
                if let Some(min) = min_years {
                    out.push(("min_years", min.to_string()));
                }
                match below {
                    Some(AgeLimit::Years(years)) => out.push(("below", years.to_string())),
                    Some(AgeLimit::AowAge) => out.push(("below", "aow_age".to_string())),
                    None => {}
                }
                out
            }
            Test::LabourStatusAny(statuses) => vec![("statuses", list(statuses))],
            Test::MaxEducationLevel(level) | Test::MinEducationLevel(level) => vec![("level", level.to_string())],
            Test::HasStartkwalificatie(expected) => vec![("expected", expected.to_string())],
            Test::NotExcludedBy(finance) => vec![("finance", list(finance))],
            Test::CourseInRegisterAtStart(register) => vec![("register", register.to_string())],
            Test::ProviderHasQualityMarkAny(marks) => vec![("marks", list(marks))],
            Test::CredentialKindAny(kinds) => vec![("kinds", list(kinds))],
            Test::CourseEducationTypeAny(types) => vec![("types", list(types))],
            Test::CoursePriceAtLeast(cents) => vec![("cents", cents.to_string())],
            Test::MaxGrantsPerCourse(max) => vec![("max", max.to_string())],
            Test::ApprovalBy(party) => vec![("party", party.to_string())],
            Test::ApplicantAny(applicants) => vec![("applicants", list(applicants))],
            Test::CourseInOntwikkelpad(sectors) => vec![("sectors", list(sectors))],
            Test::NlqfLevelShare
            | Test::DateWithinValidity
            | Test::LabourMarketTie
            | Test::EvcNotSupported
            | Test::VervolgjaarNotSupported
            | Test::AnnualCapNotReached
            | Test::ApplicationWindowOpen => Vec::new(),
        }
    }
}

/// One condition of a scheme: an id (stable, shown in the trace), what it tests, when it applies
/// and where the rule comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Condition {
    /// Short slug, unique within the scheme (`leeftijd`, `scholingsregister`, …).
    pub id: String,
    pub test: Test,
    /// When the rule applies; outside it the condition is "not applicable".
    pub applies: Period,
    pub source: PolicySource,
}

/// How much a scheme pays: a share of the cost with caps, in force for a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AmountRule {
    pub applies: Period,
    /// Share of the cost paid, in whole percent (0–100); with `shares_by_nlqf_level`, the
    /// largest of those shares.
    pub share_percent: u32,
    /// The share by the NLQF level of the course's credential (SLIM scholingssubsidie: 90% for
    /// NLQF 1–3, 40% for NLQF 4); empty = `share_percent` for every course.
    pub shares_by_nlqf_level: Vec<LevelShare>,
    /// Most paid to one person per calendar year, over all their applications.
    pub cap_per_person_per_year_cents: Option<u64>,
    /// Most paid for one application.
    pub cap_per_application_cents: Option<u64>,
    pub source: PolicySource,
}

/// The share paid for courses at some NLQF levels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LevelShare {
    /// NLQF levels 1–8 (an entry level, "NLQF 1", counts as 1).
    pub levels: Vec<u8>,
    pub share_percent: u32,
}

impl AmountRule {
    /// The share paid for a course at `nlqf_level`: `share_percent` without shares by level; with
    /// them, the level's share (0 for a level not listed), or the largest share when the level is
    /// unknown (an upper bound, for estimates made without a course).
    pub fn share_for(&self, nlqf_level: Option<u8>) -> u32 {
        if self.shares_by_nlqf_level.is_empty() {
            return self.share_percent;
        }
        match nlqf_level {
            None => self.share_percent,
            Some(level) => {
                self.shares_by_nlqf_level.iter().find(|s| s.levels.contains(&level)).map_or(0, |s| s.share_percent)
            }
        }
    }
}

/// An application window (tijdvak) with its budget. Applications are handled in order of
/// submission "totdat het beschikbare budget is uitgeput" (004 L307-308).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tijdvak {
    pub id: String,
    /// First day of the window.
    pub from: Date,
    /// First day after the window (exclusive).
    pub to: Date,
    pub budget_cents: Option<u64>,
    /// The day the budget ran out, where known: applications after it are rejected, and on that
    /// day it depends on the moment of submission.
    pub exhausted_on: Option<Date>,
    pub source: PolicySource,
}

/// A target-group compartment: extra money that only some applicants may draw on (e.g. the 2023
/// STAP compartment for people with at most an mbo-4 diploma, 001 L529-533). Compartments do not
/// decide eligibility; they say which pots of money a person may use.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Compartment {
    pub id: String,
    pub label: Text,
    pub applies: Period,
    pub budget_cents: Option<u64>,
    /// Who may draw on it (all must pass).
    pub conditions: Vec<Condition>,
    pub source: PolicySource,
}

/// Advice shown with an answer when its conditions all pass: an alternative route, a pending
/// policy change, a referral (e.g. "no startkwalificatie: also look at a praktijkverklaring").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Notice {
    pub id: String,
    /// When the notice holds (a dated fact such as a loan's interest rate); outside it, it is not
    /// shown.
    pub applies: Period,
    pub conditions: Vec<Condition>,
    pub text: Text,
    pub source: PolicySource,
}

/// The rules of one funding scheme, validated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchemeRules {
    /// All must pass for the person to be eligible.
    pub conditions: Vec<Condition>,
    /// How much is paid; the one whose period contains the request date applies. Empty for
    /// schemes that pay no money to the course (e.g. free advice).
    pub amounts: Vec<AmountRule>,
    pub paid_to: PaidTo,
    pub paid_to_source: PolicySource,
    /// Schemes that may pay the rest (full ids), with the source that allows the combination.
    pub combines_with: Vec<String>,
    pub combination_source: Option<PolicySource>,
    /// Application windows, in date order and not overlapping. Empty: apply any time.
    pub tijdvakken: Vec<Tijdvak>,
    pub compartments: Vec<Compartment>,
    pub notices: Vec<Notice>,
}

impl SchemeRules {
    /// Whether checking this scheme needs a course: a condition reads course facts, or the scheme
    /// pays a share of a course's cost.
    pub fn needs_course(&self) -> bool {
        !self.amounts.is_empty()
            || self
                .conditions
                .iter()
                .chain(self.compartments.iter().flat_map(|c| &c.conditions))
                .chain(self.notices.iter().flat_map(|n| &n.conditions))
                .any(|c| c.test.needs_course())
    }

    /// The amount rule in force on `date`.
    pub fn amount_on(&self, date: Date) -> Option<&AmountRule> {
        self.amounts.iter().find(|a| a.applies.contains(date))
    }
}

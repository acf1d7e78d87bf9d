//! The rules of a funding scheme as data: who qualifies, for what training, how much, paid to whom,
//! with what other money it combines, and in which application windows — each rule with the policy
//! source it comes from, so that a later policy letter is a data change, not a code change.
//!
//! A bundle line states the rules in JSON (`docs/bundle-format.md`, section *funding_schemes*); this
//! module has the row types the bundle importer deserializes ([`RulesRow`]) and [`build`], which
//! checks what serde cannot (parameters that fit the condition's kind, ordered dates, shares up to
//! 100 %, …) and names the field of every problem. The evaluator (`super::evaluate`) only ever sees
//! the validated [`SchemeRules`].
//!
//! Conditions come from a closed vocabulary ([`ConditionKind`]); a kind has a fixed set of
//! parameters. Every condition, amount, tijdvak, compartment and notice carries a
//! [`PolicySource`]; a condition may apply only for part of a scheme's life (`valid_from`,
//! `valid_to`), which is how the letters' changes over time are written down (e.g. the
//! Levenlanglerenkrediet's age limit "tot 55", later "tot 56").

use serde::Deserialize;

use crate::model::vocab::named_enum;
use crate::model::{
    CredentialKind, Date, EducationLevel, EducationType, LabourStatus, Lang, PolicySource, QualityMark, Register,
    Sector, parse_id,
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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeLimit {
    /// Younger than this many whole years ("tot 56 jaar").
    Years(u32),
    /// Younger than the AOW (state-pension) age of the request date ("tot de aow-gerechtigde
    /// leeftijd", 001 L300-304); see `super::aow`.
    AowAge,
}

/// What a condition tests, with its parameters. One variant per [`ConditionKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Short slug, unique within the scheme (`leeftijd`, `scholingsregister`, …).
    pub id: String,
    pub test: Test,
    /// When the rule applies; outside it the condition is "not applicable".
    pub applies: Period,
    pub source: PolicySource,
}

/// How much a scheme pays: a share of the cost with caps, in force for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

// ---------------------------------------------------------------------------------------------
// Rows: the JSON form in a bundle line. Unknown fields are rejected, so a misspelt parameter is an
// error naming the field rather than a silently ignored rule.

/// `rules` of a funding-scheme line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesRow {
    #[serde(default)]
    conditions: Vec<ConditionRow>,
    #[serde(default)]
    amounts: Vec<AmountRow>,
    payment: PaymentRow,
    combination: Option<CombinationRow>,
    #[serde(default)]
    tijdvakken: Vec<TijdvakRow>,
    #[serde(default)]
    compartments: Vec<CompartmentRow>,
    #[serde(default)]
    notices: Vec<NoticeRow>,
}

/// One condition. `kind` says which of the parameter fields it takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionRow {
    id: String,
    kind: ConditionKind,
    source: PolicySource,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    min_years: Option<i64>,
    below: Option<AgeLimitRow>,
    level: Option<EducationLevel>,
    statuses: Option<Vec<LabourStatus>>,
    expected: Option<bool>,
    finance: Option<Vec<PublicFinance>>,
    register: Option<Register>,
    marks: Option<Vec<QualityMark>>,
    kinds: Option<Vec<CredentialKind>>,
    types: Option<Vec<EducationType>>,
    cents: Option<i64>,
    max: Option<i64>,
    party: Option<Party>,
    applicants: Option<Vec<Applicant>>,
    sectors: Option<Vec<Sector>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum AgeLimitRow {
    Years(i64),
    Named(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AmountRow {
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    share_percent: Option<i64>,
    shares_by_nlqf_level: Option<Vec<LevelShareRow>>,
    cap_per_person_per_year_cents: Option<i64>,
    cap_per_application_cents: Option<i64>,
    source: PolicySource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelShareRow {
    levels: Vec<i64>,
    share_percent: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentRow {
    paid_to: PaidTo,
    source: PolicySource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CombinationRow {
    with: Vec<String>,
    source: PolicySource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TijdvakRow {
    id: String,
    from: Date,
    to: Date,
    budget_cents: Option<i64>,
    exhausted_on: Option<Date>,
    source: PolicySource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextRow {
    nl: String,
    en: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompartmentRow {
    id: String,
    label: TextRow,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    budget_cents: Option<i64>,
    conditions: Vec<ConditionRow>,
    source: PolicySource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeRow {
    id: String,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    #[serde(default)]
    conditions: Vec<ConditionRow>,
    text: TextRow,
    source: PolicySource,
}

/// A problem with the rules: the field (a path below `rules`) and why.
pub type Problem = (String, String);

/// The largest amount of money accepted anywhere in the rules (€ 10 billion): far above any real
/// budget, and small enough that sums of cents never overflow.
pub const MAX_CENTS: i64 = 1_000_000_000_000;

/// Checks a rules row and builds the validated rules. Problems name their field as a path from
/// `rules` (`rules.conditions[2].below`); with any problem the rules are not usable.
pub fn build(row: RulesRow) -> (SchemeRules, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    let conditions: Vec<Condition> = row
        .conditions
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| condition(c, &format!("rules.conditions[{i}]"), &mut ids, &mut problems))
        .collect();
    let validity_checks = conditions.iter().filter(|c| c.test == Test::DateWithinValidity).count();
    if validity_checks != 1 {
        problems.push((
            "rules.conditions".into(),
            format!(
                "the rules need exactly one `date_within_validity` condition (so every answer checks the scheme's \
                 life span with its source), not {validity_checks}"
            ),
        ));
    }

    let mut amounts = Vec::new();
    for (i, a) in row.amounts.into_iter().enumerate() {
        let field = format!("rules.amounts[{i}]");
        let percent = |name: String, value: i64, problems: &mut Vec<Problem>| -> u32 {
            if !(0..=100).contains(&value) {
                problems.push((name, format!("must be 0–100, not {value}")));
            }
            value.clamp(0, 100) as u32
        };
        let mut shares_by_nlqf_level = Vec::new();
        for (j, s) in a.shares_by_nlqf_level.iter().flatten().enumerate() {
            let share_field = format!("{field}.shares_by_nlqf_level[{j}]");
            let share_percent = percent(format!("{share_field}.share_percent"), s.share_percent, &mut problems);
            if s.levels.is_empty() || s.levels.iter().any(|l| !(1..=8).contains(l)) {
                problems.push((format!("{share_field}.levels"), "list NLQF levels 1–8, at least one".into()));
            }
            let levels: Vec<u8> = s.levels.iter().map(|l| (*l).clamp(1, 8) as u8).collect();
            let earlier: &Vec<LevelShare> = &shares_by_nlqf_level;
            if levels.iter().any(|l| earlier.iter().any(|e| e.levels.contains(l))) {
                problems.push((format!("{share_field}.levels"), "a level has one share; it is listed twice".into()));
            }
            shares_by_nlqf_level.push(LevelShare { levels, share_percent });
        }
        let share_percent = match (a.share_percent, shares_by_nlqf_level.is_empty()) {
            (Some(value), true) => percent(format!("{field}.share_percent"), value, &mut problems),
            (None, false) => shares_by_nlqf_level.iter().map(|s| s.share_percent).max().unwrap_or(0),
            (Some(_), false) => {
                problems.push((
                    format!("{field}.share_percent"),
                    "give `share_percent` or `shares_by_nlqf_level`, not both".into(),
                ));
                0
            }
            (None, true) => {
                problems.push((
                    format!("{field}.share_percent"),
                    "an amount needs `share_percent` or `shares_by_nlqf_level`".into(),
                ));
                0
            }
        };
        let cap = |name: &str, value: Option<i64>, problems: &mut Vec<Problem>| -> Option<u64> {
            match value {
                Some(v) if v <= 0 || v > MAX_CENTS => {
                    problems.push((format!("{field}.{name}"), format!("must be 1–{MAX_CENTS} cents, not {v}")));
                    None
                }
                other => other.map(|v| v as u64),
            }
        };
        let cap_per_person_per_year_cents =
            cap("cap_per_person_per_year_cents", a.cap_per_person_per_year_cents, &mut problems);
        let cap_per_application_cents = cap("cap_per_application_cents", a.cap_per_application_cents, &mut problems);
        amounts.push(AmountRule {
            applies: period(&field, a.valid_from, a.valid_to, &mut problems),
            share_percent,
            shares_by_nlqf_level,
            cap_per_person_per_year_cents,
            cap_per_application_cents,
            source: a.source,
        });
    }
    for i in 1..amounts.len() {
        for j in 0..i {
            if overlap(&amounts[i].applies, &amounts[j].applies) {
                problems.push((
                    format!("rules.amounts[{i}]"),
                    format!("its period overlaps that of amounts[{j}]: one amount rule applies on a date"),
                ));
            }
        }
    }
    let has_yearly_cap = amounts.iter().any(|a| a.cap_per_person_per_year_cents.is_some());
    let has_cap_check = conditions.iter().any(|c| c.test == Test::AnnualCapNotReached);
    if has_yearly_cap && !has_cap_check {
        problems.push((
            "rules.conditions".into(),
            "an amount has a yearly cap per person, so the rules need an `annual_cap_not_reached` condition".into(),
        ));
    }
    if has_cap_check && !has_yearly_cap {
        problems.push((
            "rules.amounts".into(),
            "`annual_cap_not_reached` needs an amount with `cap_per_person_per_year_cents`".into(),
        ));
    }

    let by_level = amounts.iter().any(|a| !a.shares_by_nlqf_level.is_empty());
    let has_level_check = conditions.iter().any(|c| c.test == Test::NlqfLevelShare);
    if by_level && !has_level_check {
        problems.push((
            "rules.conditions".into(),
            "an amount pays a share by NLQF level, so the rules need an `nlqf_level_share` condition".into(),
        ));
    }
    if has_level_check && !by_level {
        problems
            .push(("rules.amounts".into(), "`nlqf_level_share` needs an amount with `shares_by_nlqf_level`".into()));
    }

    let mut combines_with = Vec::new();
    let combination_source = row.combination.map(|c| {
        for (i, raw) in c.with.iter().enumerate() {
            match parse_id(raw) {
                Ok(id) => combines_with.push(id),
                Err(e) => problems.push((format!("rules.combination.with[{i}]"), format!("`{raw}`: {e}"))),
            }
        }
        c.source
    });

    let mut tijdvakken: Vec<Tijdvak> = Vec::new();
    let mut tijdvak_ids = std::collections::BTreeSet::new();
    for (i, t) in row.tijdvakken.into_iter().enumerate() {
        let field = format!("rules.tijdvakken[{i}]");
        slug(&format!("{field}.id"), &t.id, &mut tijdvak_ids, &mut problems);
        if t.to <= t.from {
            problems.push((format!("{field}.to"), format!("{} is not after from {}", t.to, t.from)));
        }
        if let Some(day) = t.exhausted_on {
            if day < t.from || day >= t.to {
                problems.push((format!("{field}.exhausted_on"), format!("{day} is outside the tijdvak")));
            }
        }
        if let Some(previous) = tijdvakken.last() {
            if t.from < previous.to {
                problems.push((
                    format!("{field}.from"),
                    format!("tijdvakken must be in date order without overlap; this one starts before {}", previous.to),
                ));
            }
        }
        let budget_cents = money(&format!("{field}.budget_cents"), t.budget_cents, &mut problems);
        tijdvakken.push(Tijdvak {
            id: t.id,
            from: t.from,
            to: t.to,
            budget_cents,
            exhausted_on: t.exhausted_on,
            source: t.source,
        });
    }
    let has_window_check = conditions.iter().any(|c| c.test == Test::ApplicationWindowOpen);
    if !tijdvakken.is_empty() && !has_window_check {
        problems.push((
            "rules.tijdvakken".into(),
            "tijdvakken are given, so the rules need an `application_window_open` condition".into(),
        ));
    }
    if has_window_check && tijdvakken.is_empty() {
        problems.push(("rules.tijdvakken".into(), "`application_window_open` needs at least one tijdvak".into()));
    }

    let mut compartments = Vec::new();
    for (i, c) in row.compartments.into_iter().enumerate() {
        let field = format!("rules.compartments[{i}]");
        slug(&format!("{field}.id"), &c.id, &mut ids, &mut problems);
        let conditions = c
            .conditions
            .into_iter()
            .enumerate()
            .filter_map(|(j, row)| condition(row, &format!("{field}.conditions[{j}]"), &mut ids, &mut problems))
            .collect();
        compartments.push(Compartment {
            id: c.id,
            label: text(c.label),
            applies: period(&field, c.valid_from, c.valid_to, &mut problems),
            budget_cents: money(&format!("{field}.budget_cents"), c.budget_cents, &mut problems),
            conditions,
            source: c.source,
        });
    }

    let mut notices = Vec::new();
    for (i, n) in row.notices.into_iter().enumerate() {
        let field = format!("rules.notices[{i}]");
        slug(&format!("{field}.id"), &n.id, &mut ids, &mut problems);
        let conditions = n
            .conditions
            .into_iter()
            .enumerate()
            .filter_map(|(j, row)| condition(row, &format!("{field}.conditions[{j}]"), &mut ids, &mut problems))
            .collect();
        if n.text.nl.trim().is_empty() {
            problems.push((format!("{field}.text.nl"), "empty text".into()));
        }
        let applies = period(&field, n.valid_from, n.valid_to, &mut problems);
        notices.push(Notice { id: n.id, applies, conditions, text: text(n.text), source: n.source });
    }
    for (field, list) in [("compartments", compartments.iter().map(|c| &c.conditions).collect::<Vec<_>>())]
        .into_iter()
        .chain([("notices", notices.iter().map(|n| &n.conditions).collect::<Vec<_>>())])
    {
        for (i, conditions) in list.into_iter().enumerate() {
            for (j, c) in conditions.iter().enumerate() {
                if matches!(
                    c.test,
                    Test::DateWithinValidity
                        | Test::ApplicationWindowOpen
                        | Test::AnnualCapNotReached
                        | Test::NlqfLevelShare
                ) {
                    problems.push((
                        format!("rules.{field}[{i}].conditions[{j}].kind"),
                        format!("`{}` belongs to the scheme's own conditions", c.test.kind()),
                    ));
                }
            }
        }
    }

    let rules = SchemeRules {
        conditions,
        amounts,
        paid_to: row.payment.paid_to,
        paid_to_source: row.payment.source,
        combines_with,
        combination_source,
        tijdvakken,
        compartments,
        notices,
    };
    (rules, problems)
}

fn text(row: TextRow) -> Text {
    let en = row.en.filter(|e| !e.trim().is_empty()).unwrap_or_else(|| row.nl.clone());
    Text { nl: row.nl, en }
}

fn money(field: &str, value: Option<i64>, problems: &mut Vec<Problem>) -> Option<u64> {
    match value {
        Some(v) if !(0..=MAX_CENTS).contains(&v) => {
            problems.push((field.to_string(), format!("must be 0–{MAX_CENTS} cents, not {v}")));
            None
        }
        other => other.map(|v| v as u64),
    }
}

fn period(field: &str, from: Option<Date>, to: Option<Date>, problems: &mut Vec<Problem>) -> Period {
    if let (Some(from), Some(to)) = (from, to) {
        if to <= from {
            problems.push((format!("{field}.valid_to"), format!("valid_to {to} is not after valid_from {from}")));
        }
    }
    Period { from, to }
}

fn overlap(a: &Period, b: &Period) -> bool {
    let starts_before_b_ends = match (a.from, b.to) {
        (Some(from), Some(to)) => from < to,
        _ => true,
    };
    let b_starts_before_a_ends = match (b.from, a.to) {
        (Some(from), Some(to)) => from < to,
        _ => true,
    };
    starts_before_b_ends && b_starts_before_a_ends
}

/// Checks an id is a slug (`a-z`, `0-9`, `-`) not used before in the scheme.
fn slug(field: &str, id: &str, seen: &mut std::collections::BTreeSet<String>, problems: &mut Vec<Problem>) {
    let valid = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        problems.push((field.to_string(), format!("`{id}` is not a slug (a-z, 0-9 and -, at most 64 characters)")));
    } else if !seen.insert(id.to_string()) {
        problems.push((field.to_string(), format!("id `{id}` is used twice in this scheme")));
    }
}

/// The parameter fields of a condition row, by name, with whether each is present.
fn given_parameters(row: &ConditionRow) -> [(&'static str, bool); 15] {
    [
        ("min_years", row.min_years.is_some()),
        ("below", row.below.is_some()),
        ("level", row.level.is_some()),
        ("statuses", row.statuses.is_some()),
        ("expected", row.expected.is_some()),
        ("finance", row.finance.is_some()),
        ("register", row.register.is_some()),
        ("marks", row.marks.is_some()),
        ("kinds", row.kinds.is_some()),
        ("types", row.types.is_some()),
        ("cents", row.cents.is_some()),
        ("max", row.max.is_some()),
        ("party", row.party.is_some()),
        ("applicants", row.applicants.is_some()),
        ("sectors", row.sectors.is_some()),
    ]
}

/// The parameters a kind takes (all required, except for `age_between` where at least one is).
fn allowed_parameters(kind: ConditionKind) -> &'static [&'static str] {
    match kind {
        ConditionKind::AgeBetween => &["min_years", "below"],
        ConditionKind::LabourStatusAny => &["statuses"],
        ConditionKind::MaxEducationLevel | ConditionKind::MinEducationLevel => &["level"],
        ConditionKind::HasStartkwalificatie => &["expected"],
        ConditionKind::NotExcludedBy => &["finance"],
        ConditionKind::CourseInRegisterAtStart => &["register"],
        ConditionKind::ProviderHasQualityMarkAny => &["marks"],
        ConditionKind::CredentialKindAny => &["kinds"],
        ConditionKind::CourseEducationTypeAny => &["types"],
        ConditionKind::CoursePriceAtLeast => &["cents"],
        ConditionKind::MaxGrantsPerCourse => &["max"],
        ConditionKind::ApprovalBy => &["party"],
        ConditionKind::ApplicantAny => &["applicants"],
        ConditionKind::CourseInOntwikkelpad => &["sectors"],
        ConditionKind::NlqfLevelShare
        | ConditionKind::DateWithinValidity
        | ConditionKind::LabourMarketTie
        | ConditionKind::EvcNotSupported
        | ConditionKind::VervolgjaarNotSupported
        | ConditionKind::AnnualCapNotReached
        | ConditionKind::ApplicationWindowOpen => &[],
    }
}

/// The longest age any rule may name.
const MAX_AGE_YEARS: i64 = 130;

fn condition(
    row: ConditionRow,
    field: &str,
    ids: &mut std::collections::BTreeSet<String>,
    problems: &mut Vec<Problem>,
) -> Option<Condition> {
    let before = problems.len();
    slug(&format!("{field}.id"), &row.id, ids, problems);
    let allowed = allowed_parameters(row.kind);
    for (name, given) in given_parameters(&row) {
        if given && !allowed.contains(&name) {
            problems.push((format!("{field}.{name}"), format!("not a parameter of `{}`", row.kind)));
        }
    }
    let missing = |name: &str, problems: &mut Vec<Problem>| {
        problems.push((format!("{field}.{name}"), format!("`{}` needs `{name}`", row.kind)));
    };
    let non_empty = |name: &str, len: Option<usize>, problems: &mut Vec<Problem>| {
        if len == Some(0) {
            problems.push((format!("{field}.{name}"), "must list at least one value".to_string()));
        }
    };
    let test = match row.kind {
        ConditionKind::DateWithinValidity => Some(Test::DateWithinValidity),
        ConditionKind::AgeBetween => {
            let min_years = match row.min_years {
                Some(y) if !(0..=MAX_AGE_YEARS).contains(&y) => {
                    problems.push((format!("{field}.min_years"), format!("must be 0–{MAX_AGE_YEARS}, not {y}")));
                    None
                }
                other => other.map(|y| y as u32),
            };
            let below = match &row.below {
                None => None,
                Some(AgeLimitRow::Years(y)) if (1..=MAX_AGE_YEARS).contains(y) => Some(AgeLimit::Years(*y as u32)),
                Some(AgeLimitRow::Years(y)) => {
                    problems.push((format!("{field}.below"), format!("must be 1–{MAX_AGE_YEARS} years, not {y}")));
                    None
                }
                Some(AgeLimitRow::Named(name)) if name == "aow_age" => Some(AgeLimit::AowAge),
                Some(AgeLimitRow::Named(name)) => {
                    problems.push((
                        format!("{field}.below"),
                        format!("`{name}` is neither a number of years nor `aow_age`"),
                    ));
                    None
                }
            };
            if row.min_years.is_none() && row.below.is_none() {
                problems
                    .push((format!("{field}.min_years"), "`age_between` needs `min_years`, `below` or both".into()));
            }
            if let (Some(min), Some(AgeLimit::Years(limit))) = (min_years, below) {
                if limit <= min {
                    problems.push((format!("{field}.below"), format!("{limit} is not above min_years {min}")));
                }
            }
            Some(Test::AgeBetween { min_years, below })
        }
        ConditionKind::LabourMarketTie => Some(Test::LabourMarketTie),
        ConditionKind::LabourStatusAny => {
            non_empty("statuses", row.statuses.as_ref().map(Vec::len), problems);
            row.statuses.clone().map(Test::LabourStatusAny)
        }
        ConditionKind::MaxEducationLevel => row.level.map(Test::MaxEducationLevel),
        ConditionKind::MinEducationLevel => row.level.map(Test::MinEducationLevel),
        ConditionKind::HasStartkwalificatie => row.expected.map(Test::HasStartkwalificatie),
        ConditionKind::NotExcludedBy => {
            non_empty("finance", row.finance.as_ref().map(Vec::len), problems);
            row.finance.clone().map(Test::NotExcludedBy)
        }
        ConditionKind::CourseInRegisterAtStart => row.register.map(Test::CourseInRegisterAtStart),
        ConditionKind::ProviderHasQualityMarkAny => {
            non_empty("marks", row.marks.as_ref().map(Vec::len), problems);
            row.marks.clone().map(Test::ProviderHasQualityMarkAny)
        }
        ConditionKind::CredentialKindAny => {
            non_empty("kinds", row.kinds.as_ref().map(Vec::len), problems);
            row.kinds.clone().map(Test::CredentialKindAny)
        }
        ConditionKind::CourseEducationTypeAny => {
            non_empty("types", row.types.as_ref().map(Vec::len), problems);
            row.types.clone().map(Test::CourseEducationTypeAny)
        }
        ConditionKind::CoursePriceAtLeast => match row.cents {
            Some(c) if !(1..=MAX_CENTS).contains(&c) => {
                problems.push((format!("{field}.cents"), format!("must be 1–{MAX_CENTS} cents, not {c}")));
                None
            }
            other => other.map(|c| Test::CoursePriceAtLeast(c as u64)),
        },
        ConditionKind::EvcNotSupported => Some(Test::EvcNotSupported),
        ConditionKind::VervolgjaarNotSupported => Some(Test::VervolgjaarNotSupported),
        ConditionKind::MaxGrantsPerCourse => match row.max {
            Some(m) if !(1..=i64::from(u32::MAX)).contains(&m) => {
                problems.push((format!("{field}.max"), format!("must be a positive whole number, not {m}")));
                None
            }
            other => other.map(|m| Test::MaxGrantsPerCourse(m as u32)),
        },
        ConditionKind::AnnualCapNotReached => Some(Test::AnnualCapNotReached),
        ConditionKind::ApplicationWindowOpen => Some(Test::ApplicationWindowOpen),
        ConditionKind::ApprovalBy => row.party.map(Test::ApprovalBy),
        ConditionKind::ApplicantAny => {
            non_empty("applicants", row.applicants.as_ref().map(Vec::len), problems);
            row.applicants.clone().map(Test::ApplicantAny)
        }
        ConditionKind::CourseInOntwikkelpad => {
            non_empty("sectors", row.sectors.as_ref().map(Vec::len), problems);
            row.sectors.clone().map(Test::CourseInOntwikkelpad)
        }
        ConditionKind::NlqfLevelShare => Some(Test::NlqfLevelShare),
    };
    if test.is_none() && row.kind != ConditionKind::AgeBetween {
        for name in allowed {
            let present = given_parameters(&row).iter().any(|(n, given)| n == name && *given);
            if !present {
                missing(name, problems);
            }
        }
    }
    let applies = period(field, row.valid_from, row.valid_to, problems);
    if problems.len() > before {
        return None;
    }
    test.map(|test| Condition { id: row.id, test, applies, source: row.source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(json: &str) -> (SchemeRules, Vec<Problem>) {
        let row: RulesRow = serde_json::from_str(json).unwrap();
        build(row)
    }

    const SOURCE: &str = r#"{"document": "brief", "date": "2022-09-23", "reference": "L1"}"#;

    fn with_conditions(conditions: &str) -> String {
        format!(
            r#"{{"conditions": [{{"id": "looptijd", "kind": "date_within_validity", "source": {SOURCE}}}{conditions}],
               "payment": {{"paid_to": "provider", "source": {SOURCE}}}}}"#
        )
    }

    #[test]
    fn a_valid_rule_set_builds() {
        let (rules, problems) = rules(&with_conditions(&format!(
            r#", {{"id": "leeftijd", "kind": "age_between", "min_years": 18, "below": "aow_age", "source": {SOURCE}}},
               {{"id": "llk", "kind": "age_between", "below": 56, "valid_from": "2022-01-01", "source": {SOURCE}}}"#
        )));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rules.conditions[1].test, Test::AgeBetween { min_years: Some(18), below: Some(AgeLimit::AowAge) });
        assert_eq!(rules.conditions[2].applies.from, Some("2022-01-01".parse().unwrap()));
        assert!(!rules.needs_course());
    }

    #[test]
    fn parameters_must_fit_the_kind() {
        let (_, problems) = rules(&with_conditions(&format!(
            r#", {{"id": "band", "kind": "labour_market_tie", "level": "mbo4", "source": {SOURCE}}},
               {{"id": "niveau", "kind": "max_education_level", "source": {SOURCE}}},
               {{"id": "leeftijd", "kind": "age_between", "min_years": 18, "below": "pensioen", "source": {SOURCE}}},
               {{"id": "niveau", "kind": "course_in_register_at_start", "register": "rio", "source": {SOURCE}}}"#
        )));
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "rules.conditions[1].level",
                "rules.conditions[2].level",
                "rules.conditions[3].below",
                "rules.conditions[4].id"
            ],
            "{problems:?}"
        );
        assert!(problems[1].1.contains("needs `level`"));
        assert!(problems[3].1.contains("used twice"));
    }

    #[test]
    fn shares_by_nlqf_level_need_their_condition_and_valid_levels() {
        let json = |conditions: &str, amounts: &str| {
            format!(
                r#"{{"conditions": [{{"id": "looptijd", "kind": "date_within_validity", "source": {SOURCE}}}{conditions}],
                   "amounts": [{amounts}], "payment": {{"paid_to": "employer", "source": {SOURCE}}}}}"#
            )
        };
        let level_check = format!(r#", {{"id": "niveau", "kind": "nlqf_level_share", "source": {SOURCE}}}"#);
        let shares = format!(
            r#"{{"shares_by_nlqf_level": [{{"levels": [1, 2, 3], "share_percent": 90}}, {{"levels": [4], "share_percent": 40}}], "source": {SOURCE}}}"#
        );
        let (built, problems) = rules(&json(&level_check, &shares));
        assert!(problems.is_empty(), "{problems:?}");
        let amount = &built.amounts[0];
        assert_eq!((amount.share_for(Some(2)), amount.share_for(Some(4)), amount.share_for(Some(6))), (90, 40, 0));
        assert_eq!(amount.share_for(None), 90, "unknown level: the largest share, an upper bound");
        assert!(built.needs_course());

        let (_, problems) = rules(&json("", &shares));
        assert!(format!("{problems:?}").contains("need an `nlqf_level_share` condition"), "{problems:?}");
        let bad = format!(
            r#"{{"share_percent": 50, "shares_by_nlqf_level": [{{"levels": [0, 3], "share_percent": 120}}, {{"levels": [3], "share_percent": 10}}], "source": {SOURCE}}}"#
        );
        let (_, problems) = rules(&json(&level_check, &bad));
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "rules.amounts[0].shares_by_nlqf_level[0].share_percent",
                "rules.amounts[0].shares_by_nlqf_level[0].levels",
                "rules.amounts[0].shares_by_nlqf_level[1].levels",
                "rules.amounts[0].share_percent",
            ],
            "{problems:?}"
        );
    }

    #[test]
    fn the_validity_check_caps_and_windows_are_required_together() {
        let json = format!(
            r#"{{"conditions": [], "amounts": [{{"share_percent": 120, "cap_per_person_per_year_cents": 100000, "source": {SOURCE}}}],
               "tijdvakken": [{{"id": "t1", "from": "2022-03-01", "to": "2022-02-01", "source": {SOURCE}}}],
               "payment": {{"paid_to": "provider", "source": {SOURCE}}}}}"#
        );
        let (_, problems) = rules(&json);
        let text = format!("{problems:?}");
        for expected in [
            "exactly one `date_within_validity`",
            "rules.amounts[0].share_percent",
            "`annual_cap_not_reached` condition",
            "rules.tijdvakken[0].to",
            "`application_window_open` condition",
        ] {
            assert!(text.contains(expected), "{expected} missing in {text}");
        }
    }
}

//! Funding per course: "fundable by scheme S for this person on date D" decided for thousands of
//! courses per request, and the money per scheme for the courses shown.
//!
//! The decision is the funding engine's ([`crate::funding::core`], the evaluator every
//! eligibility check uses). Evaluating it once per course would cost tens of microseconds each, so
//! courses are grouped by what the evaluator can read of a course *for its decision*: whether the
//! start is known, the registers the course is in on its start date, the quality marks its
//! provider holds on that date, the credential kinds it leads to, its education type, whether it
//! runs over a year (follow-up years), the Ontwikkelpaden that list it, its NLQF level, and where
//! its price lies against the price thresholds of the scheme's rules. Courses with the same *signature* get the same decision; each signature is
//! evaluated once, on canonical facts that have exactly those properties. The test
//! `signature_decisions_equal_full_evaluations` holds this to the full evaluation of every course.
//!
//! The courses shown get a full evaluation per scheme, with the real dates in the trace, so the
//! reason when no money comes is the evaluator's own explanation.

use std::collections::HashMap;

use crate::funding::rules::{SchemeRules, Test};
use crate::funding::{
    self, Application, CourseFacts, Decision, Evaluation, Facts, FundingEngine, OWN_SCHEME, PersonFacts, StartOrigin,
};
use crate::model::{
    CredentialKind, Date, EducationType, Instrument, QualityMark, QualityMarkGrant, Register, RegisterMembership,
    SchemeLevel, Sector, Validity,
};
use crate::ontology::{ConceptIdx, Snapshot};

use super::index::CourseIndex;

/// Why a scheme cannot say whether it funds courses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemeProblem {
    #[error("`{0}` is not a funding scheme")]
    NotAScheme(String),
    #[error("funding scheme `{0}` has no rules in this ontology, so it cannot be checked")]
    NoRules(String),
    #[error("funding scheme `{0}` does not fund courses (it has no rule about a course or its cost)")]
    NotAboutCourses(String),
}

/// Checks that `scheme` can be asked about courses.
pub fn check_scheme(funding: &FundingEngine, snapshot: &Snapshot, scheme: ConceptIdx) -> Result<(), SchemeProblem> {
    let id = || snapshot.concept(scheme).id.to_string();
    let details = funding.details(scheme).ok_or_else(|| SchemeProblem::NotAScheme(id()))?;
    let rules = details.rules.as_deref().ok_or_else(|| SchemeProblem::NoRules(id()))?;
    if !rules.needs_course() {
        return Err(SchemeProblem::NotAboutCourses(id()));
    }
    Ok(())
}

/// The schemes reported per course when a request names none: the money a *person* can get for a
/// course (person-level budgets, subsidies and loans that pay a share of the cost), valid on
/// `date`, in load order; one's own money is not funding.
pub fn default_schemes(funding: &FundingEngine, snapshot: &Snapshot, date: Date) -> Vec<ConceptIdx> {
    funding
        .schemes_on(Some(date))
        .into_iter()
        .filter(|idx| {
            &*snapshot.concept(*idx).id != OWN_SCHEME
                && funding.details(*idx).is_some_and(|d| {
                    d.scheme_level == SchemeLevel::Person
                        && matches!(d.instrument, Instrument::Budget | Instrument::Subsidy | Instrument::Loan)
                        && d.rules.as_ref().is_some_and(|r| !r.amounts.is_empty())
                })
        })
        .collect()
}

/// The application a course finder asks about: made on the reference date, for the first study
/// year of nothing in particular (facts the finder cannot know stay unknown).
fn application(date: Date) -> Application {
    Application::on(date)
}

/// One scheme decided for many courses of one request.
pub struct Fundability<'a> {
    index: &'a CourseIndex,
    validity: Validity,
    rules: &'a SchemeRules,
    person: &'a PersonFacts,
    date: Date,
    /// The `course_price_at_least` thresholds of the rules, ascending.
    thresholds: Vec<u64>,
    cache: HashMap<u64, Decision>,
}

/// Bit positions of a signature.
const START_KNOWN: u64 = 1;
const REGISTERS_AT: u32 = 1;
const MARKS_AT: u32 = REGISTERS_AT + Register::ALL.len() as u32;
const CREDENTIALS_AT: u32 = MARKS_AT + QualityMark::ALL.len() as u32;
const EDUCATION_AT: u32 = CREDENTIALS_AT + CredentialKind::ALL.len() as u32;
const MULTI_YEAR_AT: u32 = EDUCATION_AT + 3;
const ONTWIKKELPAD_AT: u32 = MULTI_YEAR_AT + 1;
const NLQF_AT: u32 = ONTWIKKELPAD_AT + Sector::ALL.len() as u32;
const PRICE_AT: u32 = NLQF_AT + 4;

/// The longest course that is not multi-year, in weeks (the evaluator's follow-up-year rule).
const ONE_YEAR_WEEKS: u32 = 52;

impl<'a> Fundability<'a> {
    /// `None` when `scheme` has no rules (see [`check_scheme`]).
    pub fn new(
        index: &'a CourseIndex,
        funding: &'a FundingEngine,
        scheme: ConceptIdx,
        person: &'a PersonFacts,
        date: Date,
    ) -> Option<Fundability<'a>> {
        let details = funding.details(scheme)?;
        let rules = details.rules.as_deref()?;
        let mut thresholds: Vec<u64> = rules
            .conditions
            .iter()
            .filter_map(|c| match c.test {
                Test::CoursePriceAtLeast(cents) => Some(cents),
                _ => None,
            })
            .collect();
        thresholds.sort();
        thresholds.dedup();
        Some(Fundability { index, validity: details.validity, rules, person, date, thresholds, cache: HashMap::new() })
    }

    /// The decision for the course at `slot` starting on `start` (`None`: no planned start).
    pub fn decision(&mut self, slot: u32, start: Option<Date>) -> Decision {
        let signature = self.signature(slot, start);
        if let Some(decision) = self.cache.get(&signature) {
            return *decision;
        }
        let facts = Facts {
            person: self.person.clone(),
            application: application(self.date),
            course: Some(self.canonical(signature)),
        };
        let decision = funding::core(funding::Scheme { validity: self.validity, rules: self.rules }, &facts).decision;
        self.cache.insert(signature, decision);
        decision
    }

    /// How many distinct signatures were evaluated (for logs and benchmarks).
    pub fn evaluations(&self) -> usize {
        self.cache.len()
    }

    /// Everything the evaluator's decision can read of a course, as bits.
    fn signature(&self, slot: u32, start: Option<Date>) -> u64 {
        let row = &self.index.rows()[slot as usize];
        let mut signature = 0u64;
        if let Some(start) = start {
            signature |= START_KNOWN;
            for m in self.index.registers(slot).iter().filter(|m| m.validity.contains(start)) {
                signature |= 1 << (REGISTERS_AT + position(Register::ALL, &m.register) as u32);
            }
            if let Some(provider) = row.provider {
                let marks = &self.index.providers()[provider as usize].marks;
                for g in marks.iter().filter(|g| g.validity.contains(start)) {
                    signature |= 1 << (MARKS_AT + position(QualityMark::ALL, &g.mark) as u32);
                }
            }
        }
        signature |= u64::from(row.credential_kinds) << CREDENTIALS_AT;
        let education = row.education_type.map_or(0, |t| 1 + position(EducationType::ALL, &t) as u64);
        signature |= education << EDUCATION_AT;
        if row.weeks > ONE_YEAR_WEEKS {
            signature |= 1 << MULTI_YEAR_AT;
        }
        signature |= u64::from(row.ontwikkelpaden) << ONTWIKKELPAD_AT;
        signature |= u64::from(row.nlqf_level.min(15)) << NLQF_AT;
        let price_level = self.thresholds.iter().filter(|t| row.price_cents >= **t).count() as u64;
        signature | price_level << PRICE_AT
    }

    /// Course facts with exactly the properties of `signature`: memberships and marks valid from
    /// the (canonical) start on, the lowest price of its price level.
    fn canonical(&self, signature: u64) -> CourseFacts {
        let start = (signature & START_KNOWN != 0).then_some(self.date);
        let always = Validity { from: self.date, to: None };
        let has = |at: u32, i: usize| signature & (1 << (at + i as u32)) != 0;
        let registers = Register::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| has(REGISTERS_AT, *i))
            .map(|(_, r)| RegisterMembership { register: *r, validity: always })
            .collect();
        let provider_marks = QualityMark::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| has(MARKS_AT, *i))
            .map(|(_, m)| QualityMarkGrant { mark: *m, validity: always })
            .collect();
        let credential_kinds =
            CredentialKind::ALL.iter().enumerate().filter(|(i, _)| has(CREDENTIALS_AT, *i)).map(|(_, k)| *k).collect();
        let education = (signature >> EDUCATION_AT) & 0b111;
        let ontwikkelpaden =
            Sector::ALL.iter().enumerate().filter(|(i, _)| has(ONTWIKKELPAD_AT, *i)).map(|(_, s)| *s).collect();
        let nlqf_level = ((signature >> NLQF_AT) & 0b1111) as u8;
        let price_level = (signature >> PRICE_AT) as usize;
        CourseFacts {
            cost_cents: if price_level == 0 { 0 } else { self.thresholds[price_level - 1] },
            weeks: if has(MULTI_YEAR_AT, 0) { ONE_YEAR_WEEKS + 1 } else { 1 },
            start,
            start_origin: if start.is_some() { StartOrigin::Given } else { StartOrigin::Unknown },
            registers,
            provider_marks,
            credential_kinds,
            education_type: education.checked_sub(1).and_then(|i| EducationType::ALL.get(i as usize).copied()),
            nlqf_level: (nlqf_level > 0).then_some(nlqf_level),
            ontwikkelpaden,
        }
    }
}

fn position<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter().position(|v| v == value).unwrap_or(0)
}

/// The full evaluation of `scheme` for the course at `slot` starting on `start`, on `date`,
/// without counterfactuals. `None` when the scheme has no rules.
pub fn evaluate_course(
    index: &CourseIndex,
    funding: &FundingEngine,
    scheme: ConceptIdx,
    slot: u32,
    start: Option<Date>,
    person: &PersonFacts,
    date: Date,
) -> Option<Evaluation> {
    let details = funding.details(scheme)?;
    let rules = details.rules.as_deref()?;
    let course = index.rows()[slot as usize].concept;
    let course_facts = funding.course_facts(course, start, None, date)?;
    let facts = Facts { person: person.clone(), application: application(date), course: Some(course_facts) };
    Some(funding::core(funding::Scheme { validity: details.validity, rules }, &facts))
}

/// What `scheme` pays of `cost_cents` for this person on `date` when eligible (the evaluator's
/// amount rule, its share for the course's NLQF level, and the yearly cap): the finder's "own
/// cost" after funding.
pub fn eligible_amount(
    funding: &FundingEngine,
    scheme: ConceptIdx,
    person: &PersonFacts,
    date: Date,
    cost: u64,
    nlqf_level: Option<u8>,
) -> u64 {
    let granted = person.already_granted_this_year_cents.unwrap_or(0);
    funding
        .details(scheme)
        .and_then(|d| d.rules.as_deref())
        .and_then(|rules| funding::amount_for_level(rules, date, cost, granted, nlqf_level))
        .map_or(0, |a| a.scheme_cents)
}

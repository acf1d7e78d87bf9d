//! Funding schemes as dated data, and eligibility with a trace and counterfactuals.
//!
//! A funding scheme is a concept of the ontology whose rules are data in a bundle
//! ([`rules`]: conditions from a closed vocabulary, amounts, payment, combination, tijdvakken,
//! compartments and notices, each with its policy source). [`FundingEngine::check`] applies one
//! scheme to one application — the person's facts (`person`), the course, the date — and returns
//! an [`Evaluation`]: eligible, not eligible or unknown, the trace of every condition, the split of
//! the cost, and the single facts that would change the answer (`evaluate`; the counterfactual
//! search, which verifies each candidate by evaluating again, is in `counterfactual`). The AOW age
//! that bounds the STAP-budget is in `aow`; the Dutch and English wording in `wording`.
//!
//! The engine holds no state of its own beyond the list of schemes: evaluations are pure functions
//! of the snapshot and the request, so the training-path planner can call [`FundingEngine::check`]
//! per course and per year, passing what was already granted that year, or [`amount_for`] for the
//! amount alone. Person facts are never stored or logged.
//!
//! The rooms are private: other floors see the engine through the `pub use` face below (and
//! [`rules`], which only re-exports the rule types of `model` and their parsing in `ontology`).

mod aow;
mod counterfactual;
mod evaluate;
mod person;
pub mod rules;
mod wording;

use std::sync::Arc;

pub use evaluate::{
    Amounts, Application, CompartmentResult, Counterfactual, CourseFacts, Decision, Evaluation, Fact, Facts,
    NoticeResult, Outcome, Scheme, StartOrigin, TraceEntry, amount_for, amount_for_level, core, paid_to_text,
};
pub use person::{PersonFacts, PersonInput};
pub use wording::{credential_en, credential_nl, mark_en, mark_nl};

/// The scheme that stands for the employer's (or O&O fund's) budget in a plan.
pub const EMPLOYER_SCHEME: &str = "https://id.vaardig.nl/scheme/werkgever-oo-fonds";
/// The scheme that stands for one's own money; not a source of funding (the course finder leaves
/// it out of its default schemes, the planner uses it for the own budget).
pub const OWN_SCHEME: &str = "https://id.vaardig.nl/scheme/eigen-budget";
pub use rules::{ConditionKind, PaidTo, SchemeRules, Text};

use crate::model::{ConceptKind, Date, Details, FundingSchemeDetails, RelationKind};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

/// Why a check cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FundingError {
    #[error("funding scheme `{0}` not found")]
    UnknownScheme(String),
    #[error("`{id}` is a {kind}, not a funding scheme")]
    NotAScheme { id: String, kind: ConceptKind },
    #[error("course `{0}` not found")]
    UnknownCourse(String),
    #[error("`{id}` is a {kind}, not a course")]
    NotACourse { id: String, kind: ConceptKind },
    #[error("funding scheme `{0}` has no rules in this ontology, so it cannot be checked")]
    NoRules(String),
}

/// One eligibility question. Ids are full URIs (expand compact ids first).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRequest {
    pub scheme_id: String,
    /// The course; `None` checks the conditions about the person and the date, and leaves those
    /// about the course unknown (`needs_course` in the evaluation).
    pub course_id: Option<String>,
    /// The course's start date; `None` = its first planned start on or after the application date.
    pub course_start_date: Option<Date>,
    /// The cost to fund when it is not the course's price (e.g. one part of it).
    pub cost_cents: Option<u64>,
    pub application: Application,
    pub person: PersonFacts,
}

/// The answer to a [`CheckRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub scheme: ConceptIdx,
    pub course: Option<ConceptIdx>,
    pub evaluation: Evaluation,
}

/// The funding engine of one snapshot.
#[derive(Debug)]
pub struct FundingEngine {
    snapshot: Arc<Snapshot>,
    /// Every funding scheme of the snapshot, in load order.
    schemes: Vec<ConceptIdx>,
}

impl FundingEngine {
    pub fn build(snapshot: Arc<Snapshot>) -> FundingEngine {
        let schemes = snapshot.concepts_of(ConceptKind::FundingScheme).map(|(idx, _)| idx).collect();
        FundingEngine { snapshot, schemes }
    }

    /// Every funding scheme, in load order.
    pub fn schemes(&self) -> &[ConceptIdx] {
        &self.schemes
    }

    /// The schemes valid on `date` (all of them for `None`).
    pub fn schemes_on(&self, date: Option<Date>) -> Vec<ConceptIdx> {
        self.schemes
            .iter()
            .copied()
            .filter(|idx| match (date, self.details(*idx)) {
                (None, _) => true,
                (Some(date), Some(details)) => details.validity.contains(date),
                (Some(_), None) => false,
            })
            .collect()
    }

    /// The details of a scheme concept.
    pub fn details(&self, idx: ConceptIdx) -> Option<&FundingSchemeDetails> {
        match &self.snapshot.concept(idx).details {
            Details::FundingScheme(details) => Some(details),
            _ => None,
        }
    }

    /// Looks up a scheme by full id.
    pub fn scheme(&self, id: &str) -> Result<(ConceptIdx, &FundingSchemeDetails), FundingError> {
        let idx = self.snapshot.lookup(id).ok_or_else(|| FundingError::UnknownScheme(id.to_string()))?;
        let concept = self.snapshot.concept(idx);
        match &concept.details {
            Details::FundingScheme(details) => Ok((idx, details)),
            _ => Err(FundingError::NotAScheme { id: id.to_string(), kind: concept.kind }),
        }
    }

    /// The facts of a course that rules read. The start date is `start`, else the course's first
    /// planned start on or after `date`.
    pub fn course_facts(
        &self,
        course: ConceptIdx,
        start: Option<Date>,
        cost_cents: Option<u64>,
        date: Date,
    ) -> Option<CourseFacts> {
        let Details::Course(details) = &self.snapshot.concept(course).details else { return None };
        let (start, start_origin) = match start {
            Some(start) => (Some(start), StartOrigin::Given),
            None => match details.first_start(date, None) {
                Some(planned) => (Some(planned), StartOrigin::Planned),
                None => (None, StartOrigin::Unknown),
            },
        };
        let provider_marks = match self.snapshot.get(&details.provider).map(|p| &p.details) {
            Some(Details::Provider(provider)) => provider.quality_marks.clone(),
            _ => Vec::new(),
        };
        let credentials: Vec<(ConceptIdx, &crate::model::CredentialDetails)> = self
            .snapshot
            .relations(course, Dir::Outgoing, Some(RelationKind::LeadsTo))
            .into_iter()
            .filter_map(|view| match &self.snapshot.concept(view.other).details {
                Details::Credential(credential) => Some((view.other, &**credential)),
                _ => None,
            })
            .collect();
        let credential_kinds = credentials.iter().map(|(_, c)| c.credential_kind).collect();
        // The first credential's NLQF level, else its qualification's (as the course index reads it).
        let nlqf_level = credentials.first().and_then(|(idx, c)| {
            c.nlqf_level.or_else(|| {
                self.snapshot.relations(*idx, Dir::Outgoing, Some(RelationKind::PartOf)).into_iter().find_map(|q| {
                    match &self.snapshot.concept(q.other).details {
                        Details::Qualification(q) if q.nlqf_level > 0 => Some(q.nlqf_level),
                        _ => None,
                    }
                })
            })
        });
        Some(CourseFacts {
            cost_cents: cost_cents.unwrap_or(details.price_cents),
            weeks: details.weeks,
            start,
            start_origin,
            registers: details.registers.clone(),
            provider_marks,
            credential_kinds,
            education_type: details.education_type,
            nlqf_level,
            ontwikkelpaden: details.ontwikkelpaden.clone(),
        })
    }

    /// Checks one scheme for one application.
    pub fn check(&self, request: &CheckRequest) -> Result<Checked, FundingError> {
        let (scheme, _) = self.scheme(&request.scheme_id)?;
        let course = match &request.course_id {
            None => None,
            Some(id) => {
                let idx = self.snapshot.lookup(id).ok_or_else(|| FundingError::UnknownCourse(id.clone()))?;
                let concept = self.snapshot.concept(idx);
                if concept.kind != ConceptKind::Course {
                    return Err(FundingError::NotACourse { id: id.clone(), kind: concept.kind });
                }
                Some(idx)
            }
        };
        let evaluation = self.evaluate(
            scheme,
            course,
            request.course_start_date,
            request.cost_cents,
            &request.person,
            &request.application,
        )?;
        Ok(Checked { scheme, course, evaluation })
    }

    /// Checks a scheme for a course by index: the entry point for the training-path planner, which
    /// calls it per course and per year with `person.already_granted_this_year_cents` set to what
    /// the plan already spends of the scheme in that calendar year.
    pub fn evaluate(
        &self,
        scheme: ConceptIdx,
        course: Option<ConceptIdx>,
        course_start_date: Option<Date>,
        cost_cents: Option<u64>,
        person: &PersonFacts,
        application: &Application,
    ) -> Result<Evaluation, FundingError> {
        let id = || self.snapshot.concept(scheme).id.to_string();
        let details = self
            .details(scheme)
            .ok_or_else(|| FundingError::NotAScheme { id: id(), kind: self.snapshot.concept(scheme).kind })?;
        let rules = details.rules.as_deref().ok_or_else(|| FundingError::NoRules(id()))?;
        let course_facts = match course {
            None => None,
            Some(idx) => {
                let facts = self.course_facts(idx, course_start_date, cost_cents, application.date);
                let concept = self.snapshot.concept(idx);
                Some(facts.ok_or_else(|| FundingError::NotACourse { id: concept.id.to_string(), kind: concept.kind })?)
            }
        };
        let facts = evaluate::Facts { person: person.clone(), application: application.clone(), course: course_facts };
        Ok(evaluate::evaluate(evaluate::Scheme { validity: details.validity, rules }, &facts))
    }

    /// The best decision any course could get from `scheme` for `person` on `application.date`
    /// (see `evaluate::best_decision_for_any_course`); NOT_ELIGIBLE for a scheme without rules.
    pub fn best_decision_for_any_course(
        &self,
        scheme: ConceptIdx,
        person: &PersonFacts,
        application: &Application,
    ) -> Decision {
        let Some(details) = self.details(scheme) else { return Decision::NotEligible };
        let Some(rules) = details.rules.as_deref() else { return Decision::NotEligible };
        let scheme = evaluate::Scheme { validity: details.validity, rules };
        evaluate::best_decision_for_any_course(scheme, person, application)
    }

    /// What `scheme` pays of `cost_cents` on `date`, given what it already granted the person in
    /// that calendar year: the amount alone, without checking the person or the course. `None`
    /// when the scheme is not valid on `date`, has no rules, or no amount rule in force then.
    pub fn amount_for(
        &self,
        scheme: ConceptIdx,
        date: Date,
        cost_cents: u64,
        already_granted_this_year_cents: u64,
    ) -> Option<Amounts> {
        let details = self.details(scheme)?;
        if !details.validity.contains(date) {
            return None;
        }
        amount_for(details.rules.as_deref()?, date, cost_cents, already_granted_this_year_cents)
    }
}

//! ComputeSkillGap: one occupation's requirements split into covered, partly covered and missing,
//! each with its credit and reason, and the coverage score they add up to.
//!
//! [`evaluate`] is the one place a requirement list meets a profile's credits; MatchOccupations,
//! RelatedOccupations and RankCandidates explain their results with it too.

use crate::model::Importance;
use crate::ontology::ConceptIdx;

use super::credit::{Credit, Credits};
use super::index::{MatchingIndex, Requirement};
use super::profile::Profile;
use super::scoring::ratio;

/// Where a requirement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Held exactly or through a narrower skill.
    Covered,
    /// Reached through a broader or related skill only.
    PartlyCovered,
    Missing,
}

/// One requirement with the credit it earned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub requirement: Requirement,
    pub credit: Option<Credit>,
    /// `requirement.weight × credit.value` (0 when missing).
    pub contribution: f64,
}

impl Outcome {
    pub fn new(requirement: Requirement, credit: Option<Credit>) -> Outcome {
        let contribution = credit.map_or(0.0, |c| requirement.weight * c.value);
        Outcome { requirement, credit, contribution }
    }

    pub fn status(&self) -> Status {
        match self.credit {
            Some(c) if c.kind.covers() => Status::Covered,
            Some(_) => Status::PartlyCovered,
            None => Status::Missing,
        }
    }
}

/// A requirement list scored against a profile: the full, exact breakdown of a coverage score.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// In requirement order: essential first, then by weight descending.
    pub outcomes: Vec<Outcome>,
    /// Σ contribution.
    pub matched_weight: f64,
    /// Σ weight.
    pub total_weight: f64,
    pub essential_matched_weight: f64,
    pub essential_weight: f64,
}

impl Evaluation {
    /// `matched_weight / total_weight`, in [0, 1]; 0 without requirements.
    pub fn coverage(&self) -> f64 {
        ratio(self.matched_weight, self.total_weight)
    }

    pub fn essential_coverage(&self) -> f64 {
        ratio(self.essential_matched_weight, self.essential_weight)
    }

    pub fn with_status(&self, status: Status) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(move |o| o.status() == status)
    }

    /// Missing requirements, most important first (essential, then most specific).
    pub fn missing(&self) -> impl Iterator<Item = &Outcome> {
        self.with_status(Status::Missing)
    }

    /// Requirements that earned credit, largest contribution first.
    pub fn contributions(&self) -> Vec<&Outcome> {
        let mut list: Vec<&Outcome> = self.outcomes.iter().filter(|o| o.credit.is_some()).collect();
        list.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
        list
    }

    pub fn count(&self, importance: Importance, status: Status) -> usize {
        self.outcomes.iter().filter(|o| o.requirement.importance == importance && o.status() == status).count()
    }
}

/// Scores `requirements` (already in importance order) with `credit_of(position, requirement)`.
pub fn evaluate(requirements: &[Requirement], credit_of: impl Fn(usize, &Requirement) -> Option<Credit>) -> Evaluation {
    let mut evaluation = Evaluation {
        outcomes: Vec::with_capacity(requirements.len()),
        matched_weight: 0.0,
        total_weight: 0.0,
        essential_matched_weight: 0.0,
        essential_weight: 0.0,
    };
    for (position, &requirement) in requirements.iter().enumerate() {
        let outcome = Outcome::new(requirement, credit_of(position, &requirement));
        evaluation.matched_weight += outcome.contribution;
        evaluation.total_weight += requirement.weight;
        if requirement.importance == Importance::Essential {
            evaluation.essential_matched_weight += outcome.contribution;
            evaluation.essential_weight += requirement.weight;
        }
        evaluation.outcomes.push(outcome);
    }
    evaluation
}

/// The skill gap of one occupation for a profile, or `None` when `occupation` is not an occupation.
pub fn compute(index: &MatchingIndex, profile: &Profile, occupation: ConceptIdx) -> Option<Evaluation> {
    let slot = index.occupation_slot(occupation)?;
    let credits = Credits::expand(index, &profile.held);
    Some(explain(index, &credits, slot))
}

/// The evaluation of the occupation at `slot` with precomputed credits.
pub fn explain(index: &MatchingIndex, credits: &Credits, slot: usize) -> Evaluation {
    let entry = &index.occupations()[slot];
    evaluate(&entry.requirements, |_, r| credits.get(r.skill).copied())
}

//! RankCandidates: many profiles against one vacancy, keeping only the top k.
//!
//! The vacancy's requirements are fixed for the whole stream, so the ranker turns the graph around
//! once: for every skill that can earn a requirement credit it lists (requirement, match kind,
//! factor). A candidate then costs one hash lookup per held skill, no matter how large the
//! ontology. Memory is bounded by `top_k` breakdowns: a candidate that does not make the top k is
//! scored and forgotten, and profiles are never kept or logged.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use crate::model::Importance;
use crate::ontology::ConceptIdx;

use super::credit::{Credit, offer};
use super::gap::{Evaluation, evaluate};
use super::index::{MatchingIndex, Requirement};
use super::profile::Profile;
use super::scoring::{EXACT_FACTOR, MatchKind, ratio};

/// Most candidates one call may rank.
pub const MAX_CANDIDATES: usize = 100_000;
/// Default and maximum number of candidates returned.
pub const DEFAULT_TOP_K: usize = 10;
pub const MAX_TOP_K: usize = 1000;
/// Most requirements an explicit vacancy may state (ESCO's largest occupation has 340).
pub const MAX_VACANCY_REQUIREMENTS: usize = 500;

/// What candidates are ranked against.
#[derive(Debug, Clone, PartialEq)]
pub struct Vacancy {
    /// In importance order, one per skill.
    pub requirements: Vec<Requirement>,
}

impl Vacancy {
    /// The requirements of the occupation at `slot`.
    pub fn of_occupation(index: &MatchingIndex, slot: usize) -> Vacancy {
        Vacancy { requirements: index.occupations()[slot].requirements.clone() }
    }

    /// Explicit requirements: (skill, importance, optional weight in [0, 1]), weighted like an
    /// occupation's (class share × IDF × weight). The caller guarantees one entry per skill.
    pub fn explicit(index: &MatchingIndex, requirements: &[(ConceptIdx, Importance, Option<f64>)]) -> Vacancy {
        Vacancy { requirements: index.requirements(requirements) }
    }
}

/// The stream held more than [`MAX_CANDIDATES`] candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyCandidates;

/// One candidate of the result with the breakdown of its score.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedCandidate {
    /// The caller's opaque id, echoed.
    pub id: String,
    pub evaluation: Evaluation,
}

/// The outcome of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub received: usize,
    /// Best first; ties keep arrival order.
    pub ranked: Vec<RankedCandidate>,
}

/// A candidate in the top-k heap. Ordered so that the heap's top is the *worst* kept candidate.
#[derive(Debug)]
struct Kept {
    score: f64,
    essential: f64,
    arrival: usize,
    id: String,
    /// (requirement position, credit), only where credit was earned.
    credits: Vec<(u32, Credit)>,
}

impl Kept {
    /// Better = higher score, then higher essential coverage, then earlier arrival.
    fn cmp_rank(&self, other: &Kept) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(other.essential.total_cmp(&self.essential))
            .then(self.arrival.cmp(&other.arrival))
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Kept) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Kept {}
impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Kept) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Kept {
    /// Worse candidates are greater, so `BinaryHeap::peek` is the one to evict.
    fn cmp(&self, other: &Kept) -> Ordering {
        self.cmp_rank(other)
    }
}

/// Ranks a stream of candidates against one vacancy.
#[derive(Debug)]
pub struct Ranker {
    requirements: Vec<Requirement>,
    total_weight: f64,
    essential_weight: f64,
    /// Held skill → (requirement position, kind, factor) it earns credit for.
    creditors: HashMap<ConceptIdx, Vec<(u32, MatchKind, f64)>>,
    top_k: usize,
    heap: BinaryHeap<Kept>,
    received: usize,
    scratch: Vec<Option<Credit>>,
}

impl Ranker {
    pub fn new(index: &MatchingIndex, vacancy: Vacancy, top_k: usize) -> Ranker {
        let mut creditors: HashMap<ConceptIdx, Vec<(u32, MatchKind, f64)>> = HashMap::new();
        for (position, requirement) in vacancy.requirements.iter().enumerate() {
            let position = position as u32;
            creditors.entry(requirement.skill).or_default().push((position, MatchKind::Exact, EXACT_FACTOR));
            for link in index.creditors(requirement.skill) {
                creditors.entry(link.skill).or_default().push((position, link.kind, link.factor));
            }
        }
        let requirements = vacancy.requirements;
        Ranker {
            total_weight: super::index::total_weight(&requirements),
            essential_weight: super::index::essential_weight(&requirements),
            scratch: vec![None; requirements.len()],
            requirements,
            creditors,
            top_k: top_k.clamp(1, MAX_TOP_K),
            heap: BinaryHeap::new(),
            received: 0,
        }
    }

    /// Candidates received so far.
    pub fn received(&self) -> usize {
        self.received
    }

    /// Scores one candidate and keeps it if it is among the best `top_k` so far.
    pub fn push(&mut self, id: String, profile: &Profile) -> Result<(), TooManyCandidates> {
        if self.received >= MAX_CANDIDATES {
            return Err(TooManyCandidates);
        }
        let arrival = self.received;
        self.received += 1;
        self.scratch.iter_mut().for_each(|slot| *slot = None);
        for &held in &profile.held {
            if let Some(list) = self.creditors.get(&held.skill) {
                for &(position, kind, factor) in list {
                    offer(&mut self.scratch[position as usize], Credit::new(held, kind, factor));
                }
            }
        }
        // The same sums, in the same (requirement) order, as `evaluate` makes for the breakdown.
        let (mut matched, mut essential) = (0.0f64, 0.0f64);
        for (requirement, credit) in self.requirements.iter().zip(&self.scratch) {
            if let Some(credit) = credit {
                let contribution = requirement.weight * credit.value;
                matched += contribution;
                if requirement.importance == Importance::Essential {
                    essential += contribution;
                }
            }
        }
        let candidate = Kept {
            score: ratio(matched, self.total_weight),
            essential: ratio(essential, self.essential_weight),
            arrival,
            id,
            credits: Vec::new(),
        };
        let admit = self.heap.len() < self.top_k || self.heap.peek().is_some_and(|worst| candidate < *worst);
        if admit {
            let credits = self
                .scratch
                .iter()
                .enumerate()
                .filter_map(|(position, credit)| credit.map(|c| (position as u32, c)))
                .collect();
            self.heap.push(Kept { credits, ..candidate });
            if self.heap.len() > self.top_k {
                self.heap.pop();
            }
        }
        Ok(())
    }

    /// The top k, best first, each with its full breakdown.
    pub fn finish(self) -> Ranking {
        let requirements = self.requirements;
        let ranked = self
            .heap
            .into_sorted_vec()
            .into_iter()
            .map(|kept| {
                let mut by_position: Vec<Option<Credit>> = vec![None; requirements.len()];
                for (position, credit) in kept.credits {
                    by_position[position as usize] = Some(credit);
                }
                RankedCandidate {
                    id: kept.id,
                    evaluation: evaluate(&requirements, |position, _| by_position[position]),
                }
            })
            .collect();
        Ranking { received: self.received, ranked }
    }
}

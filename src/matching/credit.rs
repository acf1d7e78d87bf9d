//! From held skills to credit: for every skill a profile reaches through the graph, the best credit
//! and how it was earned. Every matching function reads requirements' credits from here (or, for
//! candidate ranking, computes the very same maximum from the other side), so a score and its
//! explanation always agree.

use rustc_hash::FxHashMap;

use crate::ontology::ConceptIdx;

use super::index::MatchingIndex;
use super::profile::{Basis, Held};
use super::scoring::{EXACT_FACTOR, MatchKind};

/// The credit at which a requirement counts as covered: an exact (or narrower) skill, assessed or
/// better. Less (self-declared, experience, a related skill) leaves room for a course or an EVC.
/// The planner, stepping stones and the course finder all read it from here.
pub const FULL_CREDIT: f64 = 0.875;

/// The credit one requirement earns, and its explanation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Credit {
    /// `factor × basis.weight()`, in [0, 1].
    pub value: f64,
    pub kind: MatchKind,
    /// The match factor of `kind` (see [`super::scoring`]).
    pub factor: f64,
    /// The held skill that earned it.
    pub source: ConceptIdx,
    pub basis: Basis,
}

impl Credit {
    pub fn new(held: Held, kind: MatchKind, factor: f64) -> Credit {
        Credit { value: factor * held.basis.weight(), kind, factor, source: held.skill, basis: held.basis }
    }

    /// A total order: more credit wins; among equal credits the most direct match, then the lowest
    /// source skill, then the strongest basis. The result never depends on profile order.
    pub fn better_than(&self, other: &Credit) -> bool {
        let key = |c: &Credit| (std::cmp::Reverse(c.value.to_bits()), c.kind.rank(), c.source, c.basis.order_key());
        key(self) < key(other)
    }
}

/// Keeps `candidate` in `slot` when it is better than what is there.
pub fn offer(slot: &mut Option<Credit>, candidate: Credit) {
    if slot.as_ref().is_none_or(|current| candidate.better_than(current)) {
        *slot = Some(candidate);
    }
}

/// The best credit per reached skill. Keyed with FxHash: the keys are concept indexes of the
/// snapshot, not text a caller chooses, and SipHash was most of the cost of filling the map.
#[derive(Debug, Clone, Default)]
pub struct Credits {
    best: FxHashMap<ConceptIdx, Credit>,
}

impl Credits {
    /// Spreads every held skill over the graph: exact credit to itself, partial credit to its
    /// neighbours.
    pub fn expand(index: &MatchingIndex, held: &[Held]) -> Credits {
        let mut best: FxHashMap<ConceptIdx, Credit> =
            FxHashMap::with_capacity_and_hasher(held.len() * 8, Default::default());
        let mut put = |skill: ConceptIdx, candidate: Credit| {
            let slot = best.entry(skill).or_insert(candidate);
            if candidate.better_than(slot) {
                *slot = candidate;
            }
        };
        for &h in held {
            put(h.skill, Credit::new(h, MatchKind::Exact, EXACT_FACTOR));
            for link in index.neighbours(h.skill) {
                put(link.skill, Credit::new(h, link.kind, link.factor));
            }
        }
        Credits { best }
    }

    pub fn get(&self, skill: ConceptIdx) -> Option<&Credit> {
        self.best.get(&skill)
    }

    /// Every reached skill with its credit, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (ConceptIdx, &Credit)> {
        self.best.iter().map(|(k, v)| (*k, v))
    }

    pub fn len(&self) -> usize {
        self.best.len()
    }

    pub fn is_empty(&self) -> bool {
        self.best.is_empty()
    }
}

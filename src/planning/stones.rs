//! Stepping stones: when the gap to a target occupation is too large to close in one go, the
//! cheapest chain of realistic career moves that leads there.
//!
//! The *transition graph* has one node per occupation and an edge from A to each of A's best
//! [`TRANSITIONS`] career transitions — the list RelatedOccupations (`vaardig related`) gives: the
//! occupations whose requirements a practitioner of A covers most — that A covers at least
//! [`MIN_TRANSITION_SCORE`] of. A move is realistic when it is on that list; the target itself may
//! not be, which is when stepping stones help.
//!
//! An edge costs the estimated training cost of the gap: every essential skill of B that a
//! practitioner of A does not cover (credit below [`FULL_CREDIT`], as for training paths) is priced
//! at what the course register asks for it — the lowest price *per taught skill* among the courses
//! that teach it (a € 1,200 course teaching four skills prices each at € 300; courses teach several
//! skills, so charging a whole course per skill would overcount). Essential skills no course teaches
//! are counted apart and weigh first: a chain with fewer of them wins, then the cheaper one
//! ([`Cost`] orders that way). The first move is priced for the person: their own skills, plus
//! those of the occupation they practise.
//!
//! [`suggest`] runs Dijkstra from the start occupation — the one the person practises, or else the
//! occupation their profile fits best — over these non-negative costs, with the number of moves
//! in the state so a chain has at most [`DEFAULT_MAX_MOVES`] moves (or what the request allows),
//! and also prices the direct move so the two can be compared. Each move is priced for someone
//! who practises its origin: what a person learnt two moves back is not carried forward, which
//! keeps the costs a property of the graph (and the estimate on the safe side). The graph depends only on the snapshot and is built once, on
//! first use ([`SteppingStones`]; about 0.3 s on full ESCO). Profiles are never stored or logged.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::OnceLock;

use crate::matching::{
    self, Credits, Evaluation, MatchingIndex, OccupationFilter, Profile, origin_profile, rank_occupations, score_all,
};
use crate::model::{ConceptKind, Details, Importance, RelationKind, Status};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

use super::candidates::FULL_CREDIT;

/// How many career transitions of each occupation are edges of the graph.
pub const TRANSITIONS: usize = 10;
/// A transition counts only when the origin covers at least this share of the destination: in a
/// small ontology the tenth-best "transition" may share a skill or two, which is no realistic move.
pub const MIN_TRANSITION_SCORE: f64 = 0.1;
/// The most moves a chain may have unless the request says otherwise: more job changes than this
/// is no plan a career advisor would propose.
pub const DEFAULT_MAX_MOVES: usize = 4;
/// The most moves a request may ask for.
pub const MAX_MOVES: usize = 10;

/// The cost of a move or a chain: essential skills no course teaches first, then euro cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cost {
    pub unteachable: u32,
    pub cents: u64,
}

impl std::ops::Add for Cost {
    type Output = Cost;
    fn add(self, other: Cost) -> Cost {
        Cost { unteachable: self.unteachable + other.unteachable, cents: self.cents.saturating_add(other.cents) }
    }
}

/// What a move leaves to learn.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub cost: Cost,
    /// The essential skills to learn, most important first.
    pub skills: Vec<ConceptIdx>,
}

/// One edge of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Position of the destination in [`MatchingIndex::occupations`].
    pub to: u32,
    /// The transition score: the share of the destination a practitioner of the origin covers.
    pub score: f64,
    pub gap: Gap,
}

/// The transition graph of one snapshot.
#[derive(Debug)]
pub struct TransitionGraph {
    /// Per occupation position, its edges, best transition first.
    edges: Vec<Vec<Edge>>,
    /// Per skill, the lowest price per taught skill among the courses teaching it.
    skill_cost: HashMap<ConceptIdx, u64>,
}

impl TransitionGraph {
    /// Builds the graph: the transitions of every occupation, priced.
    pub fn build(index: &MatchingIndex) -> TransitionGraph {
        let skill_cost = skill_costs(index.snapshot());
        let mut graph = TransitionGraph { edges: Vec::new(), skill_cost };
        let filter = OccupationFilter { min_score: MIN_TRANSITION_SCORE, ..OccupationFilter::default() };
        let edges = (0..index.occupations().len())
            .map(|slot| {
                matching::related_occupations(index, slot, &filter, false, TRANSITIONS)
                    .into_iter()
                    .map(|t| Edge {
                        to: t.ranked.scored.slot as u32,
                        score: t.ranked.scored.score,
                        gap: graph.gap_of(&t.ranked.evaluation),
                    })
                    .collect()
            })
            .collect();
        graph.edges = edges;
        graph
    }

    /// The edges out of the occupation at `slot`.
    pub fn edges(&self, slot: usize) -> &[Edge] {
        self.edges.get(slot).map_or(&[], Vec::as_slice)
    }

    /// The estimated cost of learning `skill`, `None` when no course teaches it.
    pub fn skill_cost(&self, skill: ConceptIdx) -> Option<u64> {
        self.skill_cost.get(&skill).copied()
    }

    /// The gap an evaluation of an occupation leaves: its essential requirements below full credit.
    pub fn gap_of(&self, evaluation: &Evaluation) -> Gap {
        let mut gap = Gap { cost: Cost::default(), skills: Vec::new() };
        for outcome in &evaluation.outcomes {
            let requirement = &outcome.requirement;
            if requirement.importance != Importance::Essential || outcome.credit.is_some_and(|c| c.value >= FULL_CREDIT)
            {
                continue;
            }
            match self.skill_cost(requirement.skill) {
                Some(cents) => gap.cost.cents += cents,
                None => gap.cost.unteachable += 1,
            }
            gap.skills.push(requirement.skill);
        }
        gap
    }
}

/// Per skill, the lowest `price / number of skills taught` over the released courses teaching it.
fn skill_costs(snapshot: &Snapshot) -> HashMap<ConceptIdx, u64> {
    let mut costs: HashMap<ConceptIdx, u64> = HashMap::new();
    for (course, concept) in snapshot.concepts_of(ConceptKind::Course) {
        let Details::Course(details) = &concept.details else { continue };
        if concept.status != Status::Released {
            continue;
        }
        let taught = snapshot.relations(course, Dir::Outgoing, Some(RelationKind::Teaches));
        let Some(count) = u64::try_from(taught.len()).ok().filter(|n| *n > 0) else { continue };
        let share = details.price_cents.div_ceil(count);
        for view in taught {
            let slot = costs.entry(view.other).or_insert(share);
            *slot = (*slot).min(share);
        }
    }
    costs
}

/// The transition graph of one snapshot, built on first use (requests that never ask for
/// stepping stones never pay for it).
#[derive(Debug, Default)]
pub struct SteppingStones {
    graph: OnceLock<TransitionGraph>,
}

impl SteppingStones {
    pub fn graph(&self, index: &MatchingIndex) -> &TransitionGraph {
        self.graph.get_or_init(|| TransitionGraph::build(index))
    }
}

/// One move of a chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    pub from: ConceptIdx,
    pub to: ConceptIdx,
    /// The share of `to` that the one moving covers before the move.
    pub score: f64,
    pub gap: Gap,
}

/// Where a chain starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Start {
    /// The occupation the person practises, as given.
    Given,
    /// The occupation the profile covers best, with that coverage.
    BestFit { coverage: f64 },
}

/// The answer of [`suggest`].
#[derive(Debug, Clone, PartialEq)]
pub struct Stones {
    pub start: ConceptIdx,
    pub start_basis: Start,
    pub target: ConceptIdx,
    /// The cheapest chain of transitions, in order; `None` when no chain of at most the allowed
    /// moves reaches the target; empty when the start is the target.
    pub chain: Option<Vec<Hop>>,
    /// The summed cost of the chain.
    pub total: Cost,
    /// Moving straight to the target, priced the same way.
    pub direct: Hop,
    /// Whether the target is one of the start's transitions.
    pub direct_is_transition: bool,
}

/// Why stepping stones cannot be suggested.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StonesError {
    #[error("`{0}` is not an occupation")]
    NotAnOccupation(String),
    #[error("the profile covers no occupation: give the current occupation")]
    NoStart,
}

/// The cheapest chain of at most `max_moves` career transitions from the person's occupation
/// (`from`, else the one their profile fits best) to `target`.
pub fn suggest(
    index: &MatchingIndex,
    graph: &TransitionGraph,
    profile: &Profile,
    from: Option<ConceptIdx>,
    target: ConceptIdx,
    max_moves: usize,
) -> Result<Stones, StonesError> {
    let snapshot = index.snapshot();
    let slot_of = |idx: ConceptIdx| {
        index.occupation_slot(idx).ok_or_else(|| StonesError::NotAnOccupation(snapshot.concept(idx).id.to_string()))
    };
    let target_slot = slot_of(target)?;
    let occupations = index.occupations();
    // The person's credits: their skills, and those of the occupation they practise.
    let (start_slot, start_basis, credits) = match from {
        Some(from) => {
            let slot = slot_of(from)?;
            let mut held = origin_profile(index, slot).held;
            held.extend_from_slice(&profile.held);
            (slot, Start::Given, Credits::expand(index, &held))
        }
        None => {
            let credits = Credits::expand(index, &profile.held);
            let best = rank_occupations(score_all(index, &credits), 0.0, 1, |s| s.score > 0.0);
            let best = best.first().ok_or(StonesError::NoStart)?;
            (best.slot, Start::BestFit { coverage: best.score }, credits)
        }
    };
    let person_hop = |slot: usize| {
        let evaluation = matching::explain_gap(index, &credits, slot);
        Hop {
            from: occupations[start_slot].concept,
            to: occupations[slot].concept,
            score: evaluation.coverage(),
            gap: graph.gap_of(&evaluation),
        }
    };
    let direct = person_hop(target_slot);
    let direct_is_transition = graph.edges(start_slot).iter().any(|e| e.to as usize == target_slot);
    let first_moves: Vec<Hop> = graph.edges(start_slot).iter().map(|e| person_hop(e.to as usize)).collect();

    // Dijkstra over (occupation, moves made) up to `max_moves`: the cheapest chain, and among
    // equally cheap ones the shortest. A state is dropped when the same occupation was reached in
    // no more moves at no more cost.
    let n = occupations.len();
    let state = |moves: usize, slot: usize| moves * n + slot;
    let mut best: Vec<Option<Cost>> = vec![None; (max_moves + 1) * n];
    // How each state was reached: (previous state, edge index at its occupation).
    let mut previous: Vec<Option<(usize, u32)>> = vec![None; (max_moves + 1) * n];
    let mut heap = BinaryHeap::new();
    best[state(0, start_slot)] = Some(Cost::default());
    heap.push(Reverse((Cost::default(), 0usize, start_slot)));
    let mut found = None;
    while let Some(Reverse((cost, moves, slot))) = heap.pop() {
        if best[state(moves, slot)] != Some(cost) {
            continue;
        }
        if slot == target_slot {
            found = Some((cost, state(moves, slot)));
            break;
        }
        if moves == max_moves {
            continue;
        }
        for (k, edge) in graph.edges(slot).iter().enumerate() {
            let step = if slot == start_slot { first_moves[k].gap.cost } else { edge.gap.cost };
            let (reached, to) = (cost + step, edge.to as usize);
            if (0..=moves + 1).any(|m| best[state(m, to)].is_some_and(|known| known <= reached)) {
                continue;
            }
            best[state(moves + 1, to)] = Some(reached);
            previous[state(moves + 1, to)] = Some((state(moves, slot), k as u32));
            heap.push(Reverse((reached, moves + 1, to)));
        }
    }
    let chain = found.map(|(_, mut at)| {
        let mut hops = Vec::new();
        while let Some((before, k)) = previous[at] {
            let (from, to, k) = (before % n, at % n, k as usize);
            hops.push(if from == start_slot {
                first_moves[k].clone()
            } else {
                let edge = &graph.edges(from)[k];
                Hop {
                    from: occupations[from].concept,
                    to: occupations[to].concept,
                    score: edge.score,
                    gap: edge.gap.clone(),
                }
            });
            at = before;
        }
        hops.reverse();
        hops
    });
    let total = found.map_or(Cost::default(), |(cost, _)| cost);
    Ok(Stones {
        start: occupations[start_slot].concept,
        start_basis,
        target,
        chain,
        total,
        direct,
        direct_is_transition,
    })
}

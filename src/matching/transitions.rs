//! RelatedOccupations: career transitions from one occupation, ranked as experts judge them.
//!
//! # The score and the ranking
//!
//! The returned **score** from A to B is asymmetric and keeps one meaning: the share of B's
//! weighted requirements that A's requirements cover, i.e. the coverage of B by a person who
//! practises A. That person is taken to hold A's essential skills fully and its optional skills
//! half ([`super::scoring::origin_held_weight`]); B's requirements are weighted as always
//! (essential/optional × IDF), and partial credit through the skills graph applies as for any
//! profile.
//!
//! The **order** weighs more of what experts weigh when they list an occupation's related
//! occupations ([`Evidence`], combined by [`RANKING`]):
//!
//! - the coverage of B by A (above) and of A by B on identical skills (a transition between two
//!   occupations that are mostly each other is closer than one into a much broader occupation);
//! - the **field**: the cosine of their skill-group profiles ([`super::kinship`]), which sees a
//!   welder and a pipefitter as close although they share few identical skills;
//! - the **description**: the cosine of the TF-IDF word profiles of their labels and descriptions
//!   ([`super::described`]), which sees the same line of work where their skills are named apart;
//! - the **ISCO hierarchy**: how many leading digits their ISCO codes share;
//! - the **level**: the gap between the ISCO skill levels of their major groups;
//! - ESCO's **occupation hierarchy**: a broader, narrower or sibling occupation.
//!
//! The weights were fitted on one half of the O\*NET-expert development set and checked on the
//! other, each way (`cargo run --release --example tune_related`, BENCHMARKS.md); the weights in
//! use are the mean of the two fits. Every component of a candidate's ranking value is returned
//! with it, so the order stays explained.

use super::credit::Credits;
use super::gap;
use super::index::MatchingIndex;
use super::kinship::{HierarchyLink, isco_shared_digits, isco_skill_level};
use super::occupations::{OccupationFilter, Ranked, Scored, Sums};
use super::profile::{Basis, Held, Profile};
use super::scoring::origin_held_weight;

/// Why a target ranks where it does: the components of its ranking value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Evidence {
    /// The share of the target's weighted requirements the origin covers (the returned score).
    pub coverage: f64,
    /// The share of the origin's weighted requirements the target requires too (identical skills).
    pub reverse_coverage: f64,
    /// Cosine of the two occupations' skill-group profiles, in [0, 1].
    pub field_similarity: f64,
    /// Cosine of the two occupations' word profiles (labels and descriptions), in [0, 1].
    pub description_similarity: f64,
    /// Leading ISCO digits shared (0–4).
    pub isco_shared_digits: u8,
    /// Difference of the ISCO skill levels of the two major groups (0 when unknown).
    pub level_gap: u8,
    pub hierarchy: Option<HierarchyLink>,
}

/// The weights of the ranking value (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranking {
    pub coverage: f64,
    pub reverse_coverage: f64,
    pub field_similarity: f64,
    pub description_similarity: f64,
    /// Per shared ISCO digit.
    pub isco_digit: f64,
    /// Subtracted per level of difference.
    pub level_gap: f64,
    /// The target is the origin's broader or narrower occupation.
    pub parent_or_child: f64,
    pub sibling: f64,
}

/// The ranking weights in use: the mean of the weights fitted on each half of the development set
/// (see the module docs). ESCO's occupation hierarchy got no weight on either half — experts'
/// lists do not favour an occupation's broader or narrower one over its peers — so it stays
/// evidence in the reasons without moving the order.
pub const RANKING: Ranking = Ranking {
    coverage: 0.15,
    reverse_coverage: 0.05,
    field_similarity: 0.375,
    description_similarity: 0.8,
    isco_digit: 0.025,
    level_gap: 0.05,
    parent_or_child: 0.0,
    sibling: 0.0,
};

impl Ranking {
    /// The ranking value of a candidate.
    pub fn value(&self, e: &Evidence) -> f64 {
        let hierarchy = match e.hierarchy {
            Some(HierarchyLink::Broader | HierarchyLink::Narrower) => self.parent_or_child,
            Some(HierarchyLink::Sibling) => self.sibling,
            None => 0.0,
        };
        self.coverage * e.coverage
            + self.reverse_coverage * e.reverse_coverage
            + self.field_similarity * e.field_similarity
            + self.description_similarity * e.description_similarity
            + self.isco_digit * f64::from(e.isco_shared_digits)
            - self.level_gap * f64::from(e.level_gap)
            + hierarchy
    }
}

/// The profile of a person who practises the occupation at `slot`.
pub fn origin_profile(index: &MatchingIndex, slot: usize) -> Profile {
    let held = index.occupations()[slot]
        .requirements
        .iter()
        .map(|r| Held { skill: r.skill, basis: Basis::Requirement(r.importance) })
        .collect();
    Profile::of(held)
}

/// A candidate transition: its coverage score and the evidence it is ranked by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub scored: Scored,
    pub evidence: Evidence,
    pub value: f64,
}

/// Every occupation that shares anything with the origin at `slot` (by coverage), with its
/// evidence, in slot order. The origin itself is left out.
pub fn candidates(index: &MatchingIndex, slot: usize, credits: &Credits, ranking: &Ranking) -> Vec<Candidate> {
    let origin = Origin::new(index, slot, credits);
    origin
        .targets()
        .map(|scored| {
            let evidence = origin.evidence(&scored);
            Candidate { scored, evidence, value: ranking.value(&evidence) }
        })
        .collect()
}

/// What the evidence of every target is computed from, once per origin.
struct Origin<'a> {
    index: &'a MatchingIndex,
    slot: usize,
    /// Σ contribution per target: the coverage of each target by the origin.
    sums: Sums,
    /// Σ over the origin's requirements that each target requires too (identical skills).
    reverse: Vec<f64>,
    /// Cosine of the field profiles per target.
    fields: Vec<f32>,
    /// Cosine of the word profiles per target.
    described: Vec<f32>,
    level: Option<u8>,
}

impl<'a> Origin<'a> {
    fn new(index: &'a MatchingIndex, slot: usize, credits: &Credits) -> Origin<'a> {
        let occupations = index.occupations();
        let origin = &occupations[slot];
        let mut reverse = vec![0.0f64; occupations.len()];
        for r in &origin.requirements {
            for posting in index.postings(r.skill) {
                reverse[posting.occupation as usize] += r.weight * origin_held_weight(posting.importance);
            }
        }
        Origin {
            index,
            slot,
            sums: Sums::of(index, credits),
            reverse,
            fields: index.kinship().field_similarities(slot, occupations.len()),
            described: index.kinship().description_similarities(slot, occupations.len()),
            level: origin.isco_major_group().and_then(isco_skill_level),
        }
    }

    /// Every target with a coverage above 0 (the origin itself left out), in slot order.
    fn targets(&self) -> impl Iterator<Item = Scored> + '_ {
        (0..self.index.occupations().len())
            .filter(|&target| target != self.slot && self.sums.touched(target))
            .map(|target| self.sums.scored(self.index, target))
    }

    fn evidence(&self, scored: &Scored) -> Evidence {
        let occupations = self.index.occupations();
        let (origin, target) = (&occupations[self.slot], &occupations[scored.slot]);
        let level_gap = match (self.level, target.isco_major_group().and_then(isco_skill_level)) {
            (Some(a), Some(b)) => a.abs_diff(b),
            _ => 0,
        };
        Evidence {
            coverage: scored.score,
            reverse_coverage: if origin.total_weight > 0.0 {
                self.reverse[scored.slot] / origin.total_weight
            } else {
                0.0
            },
            field_similarity: f64::from(self.fields[scored.slot]).clamp(0.0, 1.0),
            description_similarity: f64::from(self.described[scored.slot]).clamp(0.0, 1.0),
            isco_shared_digits: isco_shared_digits(origin.isco.as_deref(), target.isco.as_deref()) as u8,
            level_gap,
            hierarchy: self.index.kinship().hierarchy_link(self.slot, scored.slot),
        }
    }
}

/// One ranked transition with its explanation and the evidence of its rank.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub ranked: Ranked,
    pub evidence: Evidence,
    pub value: f64,
    /// The words that make the two descriptions alike, the most telling first (at most
    /// [`SHARED_WORDS`]).
    pub shared_words: Vec<Box<str>>,
}

/// How many shared words of the descriptions a transition names.
pub const SHARED_WORDS: usize = 4;

/// What a candidate is ordered by: thousands of them per call, so only these are kept, and the
/// evidence of the few returned is computed again (the same function of the same numbers).
#[derive(Debug, Clone, Copy)]
struct RankKey {
    value: f64,
    score: f64,
    slot: usize,
}

/// Transitions from the occupation at `slot`, best first, at most `limit`; occupations without any
/// overlap are no transition and are left out. `filter.min_score` applies to the coverage score.
/// With `other_major_group_only`, only occupations in another ISCO major group than the origin's.
pub fn related(
    index: &MatchingIndex,
    slot: usize,
    filter: &OccupationFilter,
    other_major_group_only: bool,
    limit: usize,
) -> Vec<Transition> {
    let occupations = index.occupations();
    let origin_major = occupations[slot].isco_major_group();
    let credits = Credits::expand(index, &origin_profile(index, slot).held);
    let origin = Origin::new(index, slot, &credits);
    let mut keys: Vec<RankKey> = origin
        .targets()
        .filter(|scored| {
            let entry = &occupations[scored.slot];
            scored.score >= filter.min_score
                && filter.accepts(entry)
                && (!other_major_group_only || entry.isco_major_group() != origin_major)
        })
        .map(|scored| RankKey {
            value: RANKING.value(&origin.evidence(&scored)),
            score: scored.score,
            slot: scored.slot,
        })
        .collect();
    let order = |a: &RankKey, b: &RankKey| {
        b.value.total_cmp(&a.value).then(b.score.total_cmp(&a.score)).then(a.slot.cmp(&b.slot))
    };
    if limit < keys.len() && limit > 0 {
        keys.select_nth_unstable_by(limit - 1, order);
        keys.truncate(limit);
    }
    keys.sort_by(order);
    keys.into_iter()
        .take(limit)
        .map(|key| {
            let scored = origin.sums.scored(index, key.slot);
            let evidence = origin.evidence(&scored);
            debug_assert_eq!(RANKING.value(&evidence).to_bits(), key.value.to_bits());
            Transition {
                ranked: Ranked { scored, evaluation: gap::explain(index, &credits, scored.slot) },
                evidence,
                value: key.value,
                shared_words: index
                    .kinship()
                    .shared_words(slot, scored.slot, SHARED_WORDS)
                    .into_iter()
                    .map(Box::from)
                    .collect(),
            }
        })
        .collect()
}

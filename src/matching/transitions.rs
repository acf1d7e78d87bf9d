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

use std::sync::OnceLock;

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
        let t = scored.slot;
        evidence(self.index, self.slot, self.level, scored, self.reverse[t], self.fields[t], self.described[t])
    }
}

/// The evidence of one target from its parts: those computed per target (the coverage in
/// `scored`, the reverse sum, the two cosines) and those read from the index.
fn evidence(
    index: &MatchingIndex,
    slot: usize,
    level: Option<u8>,
    scored: &Scored,
    reverse: f64,
    field: f32,
    described: f32,
) -> Evidence {
    let occupations = index.occupations();
    let (origin, target) = (&occupations[slot], &occupations[scored.slot]);
    let level_gap = match (level, target.isco_major_group().and_then(isco_skill_level)) {
        (Some(a), Some(b)) => a.abs_diff(b),
        _ => 0,
    };
    Evidence {
        coverage: scored.score,
        reverse_coverage: if origin.total_weight > 0.0 { reverse / origin.total_weight } else { 0.0 },
        field_similarity: f64::from(field).clamp(0.0, 1.0),
        description_similarity: f64::from(described).clamp(0.0, 1.0),
        isco_shared_digits: isco_shared_digits(origin.isco.as_deref(), target.isco.as_deref()) as u8,
        level_gap,
        hierarchy: index.kinship().hierarchy_link(slot, scored.slot),
    }
}

/// One ranked transition with its explanation and the evidence of its rank.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// The origin's slot.
    pub origin: usize,
    pub ranked: Ranked,
    pub evidence: Evidence,
    pub value: f64,
}

impl Transition {
    /// The words that make the two descriptions alike, the most telling first (at most
    /// [`SHARED_WORDS`]). Found on request: only the FULL view and the reasons show them.
    pub fn shared_words<'a>(&self, index: &'a MatchingIndex) -> Vec<&'a str> {
        index.kinship().shared_words(self.origin, self.ranked.scored.slot, SHARED_WORDS)
    }
}

/// How many shared words of the descriptions a transition names.
pub const SHARED_WORDS: usize = 4;

/// What a candidate is ordered by, with the parts of its evidence that are summed over postings
/// (the coverage, the reverse sum, the two cosines): thousands of candidates per call, so only
/// these are kept, and the evidence of the few returned is put together again from them
/// ([`evidence`], the same function of the same numbers).
#[derive(Debug, Clone, Copy)]
struct RankKey {
    value: f64,
    /// The coverage score.
    score: f64,
    reverse: f64,
    field: f32,
    described: f32,
    slot: u32,
}

impl RankKey {
    fn of(origin: &Origin<'_>, scored: &Scored) -> RankKey {
        let t = scored.slot;
        RankKey {
            value: RANKING.value(&origin.evidence(scored)),
            score: scored.score,
            reverse: origin.reverse[t],
            field: origin.fields[t],
            described: origin.described[t],
            slot: t as u32,
        }
    }

    fn slot(&self) -> usize {
        self.slot as usize
    }
}

/// Best first: ranking value, then coverage, then load order (a total order).
fn order(a: &RankKey, b: &RankKey) -> std::cmp::Ordering {
    b.value.total_cmp(&a.value).then(b.score.total_cmp(&a.score)).then(a.slot.cmp(&b.slot))
}

/// How many of an origin's best candidates, with no filter applied, are kept once computed: enough
/// for the default 10 transitions under any usual filter (deprecated occupations left out, a
/// minimum score, another major group), and 64 × 40 bytes × 3,007 ESCO origins is 7.7 MB.
pub const HEAD: usize = 64;

/// The best [`HEAD`] candidates of every origin with no filter applied, in ranking order, each
/// computed on the first request for its origin (or by [`prepare`]) and kept with the snapshot.
///
/// Why: the ranking of an origin depends on the snapshot alone, but computing it sums the postings
/// of every skill the origin reaches and two cosines with every occupation (≈ 100 µs on full ESCO),
/// while the answer needs the evidence of only the returned few. A filter keeps a total order's
/// order, so the first `limit` accepted candidates of the head are exactly the first `limit` of
/// the filtered full ranking; when the head holds fewer than `limit` accepted ones (and not every
/// candidate), the full ranking is computed with the filter, as before.
#[derive(Debug)]
pub(super) struct Heads {
    heads: Vec<OnceLock<Head>>,
    /// How many candidates a head keeps: [`HEAD`] (fewer in tests, to reach the fallback).
    size: usize,
}

#[derive(Debug)]
struct Head {
    keys: Box<[RankKey]>,
    /// Whether `keys` holds every candidate of the origin (then any filter is served from it).
    complete: bool,
}

impl Heads {
    /// Empty heads for `occupations` origins.
    pub(super) fn new(occupations: usize, size: usize) -> Heads {
        Heads { heads: (0..occupations).map(|_| OnceLock::new()).collect(), size }
    }

    fn get(&self, index: &MatchingIndex, slot: usize) -> &Head {
        self.heads[slot].get_or_init(|| head_of(index, slot, self.size))
    }
}

/// Computes the head of every origin not computed yet (a background task after a snapshot is put
/// in service, so that no request pays for its origin's first ranking; ≈ 0.3 s on full ESCO).
pub fn prepare(index: &MatchingIndex) {
    let started = std::time::Instant::now();
    for slot in 0..index.occupations().len() {
        index.transition_heads().get(index, slot);
    }
    tracing::info!(
        origins = index.occupations().len(),
        millis = started.elapsed().as_millis() as u64,
        "career transitions of every occupation ranked"
    );
}

/// The best `size` candidates of the origin at `slot`, every candidate ranked in full.
fn head_of(index: &MatchingIndex, slot: usize, size: usize) -> Head {
    let credits = Credits::expand(index, &origin_profile(index, slot).held);
    let origin = Origin::new(index, slot, &credits);
    let keys: Vec<RankKey> = origin.targets().map(|scored| RankKey::of(&origin, &scored)).collect();
    let complete = keys.len() <= size;
    Head { keys: best(keys, size).into_boxed_slice(), complete }
}

/// The first `limit` keys in [`order`], sorted.
fn best(mut keys: Vec<RankKey>, limit: usize) -> Vec<RankKey> {
    if limit < keys.len() && limit > 0 {
        keys.select_nth_unstable_by(limit - 1, order);
    }
    keys.truncate(limit);
    keys.sort_by(order);
    keys
}

/// Transitions from the occupation at `slot`, best first, at most `limit`; occupations without any
/// overlap are no transition and are left out. `filter.min_score` applies to the coverage score.
/// With `other_major_group_only`, only occupations in another ISCO major group than the origin's.
///
/// Served from the origin's [`Heads`] when it holds the answer, else ranked in full
/// ([`in_full`]); both give the same transitions, bit for bit.
pub fn related(
    index: &MatchingIndex,
    slot: usize,
    filter: &OccupationFilter,
    other_major_group_only: bool,
    limit: usize,
) -> Vec<Transition> {
    let head = index.transition_heads().get(index, slot);
    let accepts = acceptance(index, slot, filter, other_major_group_only);
    let keys: Vec<RankKey> = head.keys.iter().filter(|key| accepts(key)).take(limit).copied().collect();
    if keys.len() < limit && !head.complete {
        return in_full(index, slot, accepts, limit);
    }
    let credits = Credits::expand(index, &origin_profile(index, slot).held);
    keys.into_iter()
        .map(|key| {
            // The coverage sums of the breakdown are those of the ranking: exact in any order
            // (see `scoring`).
            let evaluation = gap::explain(index, &credits, key.slot());
            let scored =
                Scored::of_sums(index, key.slot(), evaluation.matched_weight, evaluation.essential_matched_weight);
            transition(index, slot, key, Ranked { scored, evaluation })
        })
        .collect()
}

/// Whether a candidate passes the filters of [`related`].
fn acceptance<'a>(
    index: &'a MatchingIndex,
    slot: usize,
    filter: &'a OccupationFilter,
    other_major_group_only: bool,
) -> impl Fn(&RankKey) -> bool + 'a {
    let occupations = index.occupations();
    let origin_major = occupations[slot].isco_major_group();
    move |key| {
        let entry = &occupations[key.slot()];
        key.score >= filter.min_score
            && filter.accepts(entry)
            && (!other_major_group_only || entry.isco_major_group() != origin_major)
    }
}

/// [`related`] with every candidate ranked: the sums and cosines of every occupation, the
/// candidates `accepts` lets through, the best `limit`.
fn in_full(index: &MatchingIndex, slot: usize, accepts: impl Fn(&RankKey) -> bool, limit: usize) -> Vec<Transition> {
    let credits = Credits::expand(index, &origin_profile(index, slot).held);
    let origin = Origin::new(index, slot, &credits);
    let keys: Vec<RankKey> =
        origin.targets().map(|scored| RankKey::of(&origin, &scored)).filter(|key| accepts(key)).collect();
    best(keys, limit)
        .into_iter()
        .map(|key| {
            let scored = origin.sums.scored(index, key.slot());
            transition(index, slot, key, Ranked { scored, evaluation: gap::explain(index, &credits, scored.slot) })
        })
        .collect()
}

/// One returned transition: its breakdown and its evidence, put together from its key.
fn transition(index: &MatchingIndex, slot: usize, key: RankKey, ranked: Ranked) -> Transition {
    let level = index.occupations()[slot].isco_major_group().and_then(isco_skill_level);
    let evidence = evidence(index, slot, level, &ranked.scored, key.reverse, key.field, key.described);
    debug_assert_eq!(RANKING.value(&evidence).to_bits(), key.value.to_bits());
    debug_assert_eq!(ranked.scored.score.to_bits(), key.score.to_bits());
    Transition { origin: slot, ranked, evidence, value: key.value }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ontology::{self, SourceSpec};

    /// Every filter/limit shape a caller or the planner uses.
    fn variants() -> Vec<(OccupationFilter, bool, usize)> {
        let default = OccupationFilter::default();
        vec![
            (default.clone(), false, 10),
            (default.clone(), true, 25),
            (OccupationFilter { isco_prefix: Some("2".into()), min_score: 0.2, ..default.clone() }, false, 100),
            (OccupationFilter { include_deprecated: true, ..default.clone() }, false, 1),
            (OccupationFilter { min_score: 0.1, ..default.clone() }, false, 10),
            (OccupationFilter { kansberoep_only: true, ..default.clone() }, false, 3),
            (default, false, 0),
        ]
    }

    /// The transitions served from the heads are those of ranking every candidate, bit for bit
    /// (Debug prints every float exactly), for every origin of the embedded ontology and every
    /// variant, with heads of every size from 1 (the fallback taken often) to [`HEAD`].
    #[test]
    fn the_heads_answer_as_ranking_in_full_does() {
        let snapshot = Arc::new(ontology::load(&[SourceSpec::Embedded]).unwrap().0);
        let (mut served_from_heads, mut runs) = (0, 0);
        for size in [1, 2, 5, HEAD] {
            let index = MatchingIndex::build(snapshot.clone()).with_transition_head(size);
            for slot in 0..index.occupations().len() {
                for (filter, other, limit) in variants() {
                    let accepts = acceptance(&index, slot, &filter, other);
                    let shown = |transitions: Vec<Transition>| {
                        let words: Vec<Vec<&str>> = transitions.iter().map(|t| t.shared_words(&index)).collect();
                        format!("{transitions:?} {words:?}")
                    };
                    let full = shown(in_full(&index, slot, &accepts, limit));
                    let fast = shown(related(&index, slot, &filter, other, limit));
                    assert_eq!(fast, full, "origin {slot}, head {size}, {filter:?}, other {other}, limit {limit}");
                    let head = index.transition_heads().get(&index, slot);
                    let hits = head.keys.iter().filter(|key| accepts(key)).count();
                    served_from_heads += usize::from(hits >= limit || head.complete);
                    runs += 1;
                }
            }
        }
        // Both ways were taken.
        assert!(served_from_heads > 0 && served_from_heads < runs, "{served_from_heads} of {runs}");
    }
}

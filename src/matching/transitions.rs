//! RelatedOccupations: career transitions from one occupation, ranked by skill similarity.
//!
//! The score from A to B is asymmetric: the share of B's weighted requirements that A's
//! requirements cover, i.e. the coverage of B by a person who practises A. That person is taken to
//! hold A's essential skills fully and its optional skills half ([`super::scoring::origin_held_weight`]);
//! B's requirements are weighted as always (essential/optional × IDF). Partial credit through the
//! graph applies as for any profile, which is what lets transitions cross ISCO major groups: a
//! steward's first aid, hygiene and care for passengers reach the requirements of care work.

use super::credit::Credits;
use super::gap;
use super::index::MatchingIndex;
use super::occupations::{OccupationFilter, Ranked, rank, score_all};
use super::profile::{Basis, Held, Profile};

/// The profile of a person who practises the occupation at `slot`.
pub fn origin_profile(index: &MatchingIndex, slot: usize) -> Profile {
    let held = index.occupations()[slot]
        .requirements
        .iter()
        .map(|r| Held { skill: r.skill, basis: Basis::Requirement(r.importance) })
        .collect();
    Profile::of(held)
}

/// Transitions from the occupation at `slot`, best first, at most `limit`; occupations without any
/// overlap are no transition and are left out. With
/// `other_major_group_only`, only occupations in another ISCO major group than the origin's.
pub fn related(
    index: &MatchingIndex,
    slot: usize,
    filter: &OccupationFilter,
    other_major_group_only: bool,
    limit: usize,
) -> Vec<Ranked> {
    let occupations = index.occupations();
    let origin = &occupations[slot];
    let credits = Credits::expand(index, &origin_profile(index, slot).held);
    let ranked = rank(score_all(index, &credits), filter.min_score, limit, |s| {
        let entry = &occupations[s.slot];
        s.slot != slot
            && s.score > 0.0
            && filter.accepts(entry)
            && (!other_major_group_only || entry.isco_major_group() != origin.isco_major_group())
    });
    ranked
        .into_iter()
        .take(limit)
        .map(|scored| Ranked { scored, evaluation: gap::explain(index, &credits, scored.slot) })
        .collect()
}

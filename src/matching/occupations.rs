//! MatchOccupations: every occupation ranked by how much of it a profile covers (asymmetric:
//! the share of the *occupation's* weighted requirements the person covers, not the share of the
//! person's skills the occupation uses).
//!
//! Scores come from the inverted index: only the occupations that require a skill the profile
//! reaches are touched, the rest score 0. The page's results are then explained with
//! [`super::gap::explain`], whose sums are exactly the ones ranked on.

use crate::model::Importance;

use super::credit::Credits;
use super::gap::{self, Evaluation};
use super::index::{MatchingIndex, OccupationEntry};
use super::profile::Profile;
use super::scoring::ratio;

/// Which occupations to rank.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OccupationFilter {
    /// Only occupations whose ISCO-08 code starts with these digits (`"2"`, `"22"`, `"2221"`).
    pub isco_prefix: Option<String>,
    /// Only kansberoepen (shortage occupations, per the Dutch bundle).
    pub kansberoep_only: bool,
    /// Only scores at or above this, in [0, 1].
    pub min_score: f64,
    /// Deprecated occupations too (left out by default).
    pub include_deprecated: bool,
}

impl OccupationFilter {
    pub fn accepts(&self, entry: &OccupationEntry) -> bool {
        let isco_ok = match &self.isco_prefix {
            Some(prefix) => entry.isco.as_deref().is_some_and(|code| code.starts_with(prefix.as_str())),
            None => true,
        };
        isco_ok && (!self.kansberoep_only || entry.kansberoep) && (self.include_deprecated || !entry.deprecated)
    }
}

/// One occupation's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// Position in [`MatchingIndex::occupations`].
    pub slot: usize,
    /// Coverage: `matched_weight / total_weight`.
    pub score: f64,
    pub essential_coverage: f64,
    pub matched_weight: f64,
    pub essential_matched_weight: f64,
}

/// Σ contribution (all and essential) per occupation, through the inverted index.
pub fn score_all(index: &MatchingIndex, credits: &Credits) -> Vec<Scored> {
    let sums = Sums::of(index, credits);
    (0..index.occupations().len()).map(|slot| sums.scored(index, slot)).collect()
}

/// Σ contribution and Σ essential contribution per occupation slot, through the inverted index:
/// only the occupations that require a skill the credits reach are touched.
pub(super) struct Sums {
    matched: Vec<f64>,
    essential: Vec<f64>,
}

impl Sums {
    pub(super) fn of(index: &MatchingIndex, credits: &Credits) -> Sums {
        let n = index.occupations().len();
        let (mut matched, mut essential) = (vec![0.0f64; n], vec![0.0f64; n]);
        for (skill, credit) in credits.iter() {
            for posting in index.postings(skill) {
                let slot = posting.occupation as usize;
                let contribution = posting.weight * credit.value;
                matched[slot] += contribution;
                if posting.importance == Importance::Essential {
                    essential[slot] += contribution;
                }
            }
        }
        Sums { matched, essential }
    }

    /// Whether the occupation at `slot` earned any credit (its score is above 0).
    pub(super) fn touched(&self, slot: usize) -> bool {
        self.matched[slot] > 0.0
    }

    pub(super) fn scored(&self, index: &MatchingIndex, slot: usize) -> Scored {
        Scored::of_sums(index, slot, self.matched[slot], self.essential[slot])
    }
}

impl Scored {
    /// The score of the occupation at `slot` from its Σ contribution and Σ essential contribution.
    pub(super) fn of_sums(index: &MatchingIndex, slot: usize, matched: f64, essential: f64) -> Scored {
        let entry = &index.occupations()[slot];
        Scored {
            slot,
            score: ratio(matched, entry.total_weight),
            essential_coverage: ratio(essential, entry.essential_weight),
            matched_weight: matched,
            essential_matched_weight: essential,
        }
    }
}

/// Best first: score, then essential coverage, then load order (stable across calls).
fn order(a: &Scored, b: &Scored) -> std::cmp::Ordering {
    b.score.total_cmp(&a.score).then(b.essential_coverage.total_cmp(&a.essential_coverage)).then(a.slot.cmp(&b.slot))
}

/// Keeps the scores `accept` lets through with `score ≥ min_score`, and puts the first `head` of
/// them in order (the rest stay unordered: a page never needs them sorted).
pub fn rank(mut scores: Vec<Scored>, min_score: f64, head: usize, accept: impl Fn(&Scored) -> bool) -> Vec<Scored> {
    scores.retain(|s| s.score >= min_score && accept(s));
    if head < scores.len() {
        if head > 0 {
            scores.select_nth_unstable_by(head - 1, order);
            scores[..head].sort_by(order);
        }
    } else {
        scores.sort_by(order);
    }
    scores
}

/// One ranked occupation with its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub scored: Scored,
    pub evaluation: Evaluation,
}

/// One page of ranked occupations.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Occupations that pass the filter, over all pages.
    pub total: usize,
    pub results: Vec<Ranked>,
}

/// Ranks every occupation for `profile` and returns results `offset..offset + limit`.
pub fn match_occupations(
    index: &MatchingIndex,
    profile: &Profile,
    filter: &OccupationFilter,
    offset: usize,
    limit: usize,
) -> Page {
    let credits = Credits::expand(index, &profile.held);
    let occupations = index.occupations();
    let head = offset.saturating_add(limit);
    let ranked = rank(score_all(index, &credits), filter.min_score, head, |s| filter.accepts(&occupations[s.slot]));
    let results = ranked
        .iter()
        .skip(offset)
        .take(limit)
        .map(|&scored| Ranked { scored, evaluation: gap::explain(index, &credits, scored.slot) })
        .collect();
    Page { total: ranked.len(), results }
}

//! Hits that explain a query alike give way, after a few, to hits that explain another part of it.
//!
//! A phrase names a task and its object ("klokken repareren"), a title a head and a specialty
//! ("bedrijfsleider tuincentrum"). The best-scoring labels may all match the same words and miss
//! the same ones (repairing engines, patterns, jewellery: the task with other objects), and fill
//! the first page with one partial answer while the labels about the other words wait below it.
//! Each hit carries what its label explains ([`Explains`]: its kind, the reading of the query, and
//! which of its Dutch content words it matches, directly or through their translation; nothing for
//! a match of a description or of spelling alone); the fourth and later hits of a group that
//! explains alike count [`ALIKE_FACTOR`] less for each one before them beyond the third.
//!
//! Measured on the three realistic development sets (BENCHMARKS.md, twenty-second round): success
//! at 10 rose on each, the mean reciprocal rank held.

use rustc_hash::FxHashMap as HashMap;

use super::Hit;
use crate::model::ConceptKind;

/// What the label of a hit explains of the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Explains {
    pub kind: ConceptKind,
    /// Which reading of the query (a title's alternatives are read apart, [`super::title::readings`]):
    /// the positions of `matched` are that reading's.
    pub reading: u8,
    /// The reading's Dutch content words the label matches, bit `i` for the `i`-th; a match of
    /// the word-by-word translation counts for the Dutch words translated.
    pub matched: u64,
}

/// How many hits that explain a query alike keep their score.
const ALIKE_KEPT: usize = 3;
/// The factor for each hit before it, beyond [`ALIKE_KEPT`], that explains the query alike.
/// Two to five hits kept at 0.8, 0.9 or 0.95 all gained on the skill phrases; three at 0.9 gained on
/// all three development sets (BENCHMARKS.md).
const ALIKE_FACTOR: f32 = 0.9;

/// Lowers the score of hits that explain the query as [`ALIKE_KEPT`] better hits already do, and
/// orders the hits by their new scores. `hits` must be in order, best first. The hits whose labels
/// match no word of the query (a match of a description, or of spelling alone) explain it alike
/// too: by no word.
///
/// The order is the one choosing the best remaining hit, one at a time, would give: within a group
/// the hits keep their order, and the `k`-th of a group always has `k` before it when chosen. Each
/// hit's new score is at most the one before it, so scores still fall down the list.
pub fn diversify(hits: &mut [Hit]) {
    let mut seen: HashMap<Option<Explains>, usize> = HashMap::default();
    let mut lowered = false;
    for hit in hits.iter_mut() {
        let before = seen.entry(hit.explains).or_default();
        if *before >= ALIKE_KEPT {
            hit.score *= ALIKE_FACTOR.powi((*before + 1 - ALIKE_KEPT) as i32);
            lowered = true;
        }
        *before += 1;
    }
    if lowered {
        // (Stable: equal scores keep the order the engine gave them.)
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontology::ConceptIdx;

    fn hit(concept: u32, score: f32, matched: Option<u64>) -> Hit {
        Hit {
            concept: ConceptIdx(concept),
            score,
            row: None,
            reasons: Vec::new(),
            explains: matched.map(|matched| Explains { kind: ConceptKind::Skill, reading: 0, matched }),
            via: None,
        }
    }

    #[test]
    fn the_fourth_hit_that_explains_the_query_alike_gives_way_to_one_that_explains_another_part() {
        // Five labels match the first word only; one matches the second word, a little lower.
        let mut hits = vec![
            hit(1, 0.70, Some(0b01)),
            hit(2, 0.69, Some(0b01)),
            hit(3, 0.68, Some(0b01)),
            hit(4, 0.67, Some(0b01)),
            hit(5, 0.66, Some(0b01)),
            hit(6, 0.65, Some(0b10)),
            hit(7, 0.64, None),
        ];
        diversify(&mut hits);
        let order: Vec<u32> = hits.iter().map(|h| h.concept.0).collect();
        assert_eq!(order, vec![1, 2, 3, 6, 7, 4, 5]);
        assert!((hits[5].score - 0.67 * 0.9).abs() < 1e-6, "the fourth of a group counts 0.9");
        assert!((hits[6].score - 0.66 * 0.81).abs() < 1e-6, "the fifth 0.9 × 0.9");
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "scores still fall down the list");
    }

    #[test]
    fn matches_of_no_word_explain_the_query_alike() {
        let mut hits: Vec<Hit> = (0..4).map(|i| hit(i, 0.5 - i as f32 * 0.01, None)).collect();
        hits.push(hit(9, 0.46, Some(0b1)));
        diversify(&mut hits);
        assert_eq!(hits[3].concept.0, 9, "the fourth spelling match gives way");
    }

    #[test]
    fn hits_that_explain_the_query_each_their_own_way_keep_their_order_and_scores() {
        // (Three that match no word are as many as a group keeps.)
        let mut hits = vec![
            hit(1, 0.9, Some(0b11)),
            hit(2, 0.8, Some(0b01)),
            hit(3, 0.7, Some(0b10)),
            hit(4, 0.6, Some(0b01)),
            hit(5, 0.5, None),
            hit(6, 0.4, None),
            hit(7, 0.3, None),
        ];
        let before: Vec<(u32, f32)> = hits.iter().map(|h| (h.concept.0, h.score)).collect();
        diversify(&mut hits);
        let after: Vec<(u32, f32)> = hits.iter().map(|h| (h.concept.0, h.score)).collect();
        assert_eq!(before, after);
    }
}

//! Spelling similarity of a query and a label: the cosine of their character-trigram TF-IDF vectors.
//!
//! Word matching ([`super::rank`]) sees a Dutch compound or derivation only through keys it knows:
//! `orthopedisch` meets `orthopedie` only when the stems agree, `archivistiek` never meets
//! `archieven`, `telecomtechniek` never meets `telecommunicatietechniek`. Shared stretches of
//! letters see all of these, and weigh a rare stretch (`orthop`) far above a common one (`ren`),
//! where a matched common verb (`bepalen`) can outweigh an unmatched rare object in word matching.
//! In the published title-normalization results character n-grams beat word BM25; on our
//! development sets trigram TF-IDF alone came close to the whole word scorer, and the two together
//! beat either (BENCHMARKS.md, sixth round of issue 12).
//!
//! The vectors follow the usual character-n-gram TF-IDF: each word padded with a space on both
//! sides (` kas `), its three-character windows counted, a count `c` weighted `(1 + ln c)` times
//! the trigram's smoothed IDF over all label rows, and the vector normalized to unit length. The
//! IDF table and each row's norm are stored; a row's trigrams are read from its words when it is
//! scored, against the handful of the query's. For the concepts that no word of a query finds,
//! trigram → concept lists give a first cut ([`Trigrams::closest_concepts`]).

use rustc_hash::FxHashMap as HashMap;

use super::labels::{LabelKind, LabelRow, Token};
use crate::model::ConceptKind;
use crate::ontology::ConceptIdx;

/// One trigram: three characters packed into 21 bits each.
type Gram = u64;

/// IDF of every trigram of the label rows and the length of each row's vector.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Trigrams {
    idf: HashMap<Gram, f32>,
    /// Per label row (same index as the label table's rows): the norm of its TF-IDF vector, 0 for
    /// rows that are never compared (codes).
    norms: Vec<f32>,
    /// Per trigram, the concepts (ascending) whose labels have it: the concepts a query's spelling
    /// finds when no word of it matches theirs. Every kind but the titles ([`is_title`]).
    concepts: HashMap<Gram, Vec<u32>>,
    /// The same for occupations and ISCO groups, kept apart: a title is answered by spelling only
    /// when no label word matches it ([`Trigrams::closest_concepts`]), and the other searches need
    /// not walk past them.
    titles: HashMap<Gram, Vec<u32>>,
    /// Per concept index, the norm of its set of trigrams weighted by IDF (0 when not indexed).
    concept_norms: Vec<f32>,
}

/// Which concepts [`Trigrams::closest_concepts`] looks among.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Among {
    /// Occupations and ISCO groups.
    Titles,
    /// Every other kind.
    Others,
}

/// A query's trigram vector, normalized, sorted by trigram; each weight already multiplied by the
/// trigram's IDF, which is all that a dot product with a row or a concept needs of it.
#[derive(Debug, Default)]
pub struct TrigramQuery {
    grams: Vec<(Gram, f32)>,
    /// A bit per hash of the query's trigrams: most of a row's trigrams are not the query's, and
    /// one bit test rejects them before the search among the query's.
    filter: [u64; FILTER_WORDS],
    /// Per query trigram, how often the row being compared has it: one buffer per query rather
    /// than an allocation per candidate row.
    in_row: Vec<u32>,
}

impl TrigramQuery {
    pub fn is_empty(&self) -> bool {
        self.grams.is_empty()
    }
}

impl Trigrams {
    /// Learns the trigrams' document frequencies over the label rows and each row's norm.
    pub fn learn(rows: &[LabelRow]) -> Trigrams {
        let mut df: HashMap<Gram, u32> = HashMap::default();
        let mut counted = 0u32;
        let mut grams = Vec::new();
        for row in rows.iter().filter(|r| compared(r)) {
            grams.clear();
            push_grams(&row.tokens, &mut grams);
            grams.sort_unstable();
            grams.dedup();
            for g in &grams {
                *df.entry(*g).or_default() += 1;
            }
            counted += 1;
        }
        let n = counted as f32;
        // Smoothed IDF, as in the usual TF-IDF: never zero, so a trigram every label has still counts a little.
        let idf: HashMap<Gram, f32> =
            df.into_iter().map(|(g, d)| (g, ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0)).collect();
        let norms = rows
            .iter()
            .map(|row| {
                if !compared(row) {
                    return 0.0;
                }
                grams.clear();
                push_grams(&row.tokens, &mut grams);
                grams.sort_unstable();
                counts(&grams)
                    .map(|(g, c)| (sublinear(c) * idf.get(&g).copied().unwrap_or(0.0)).powi(2))
                    .sum::<f32>()
                    .sqrt()
            })
            .collect();
        let (concepts, titles, concept_norms) = concept_index(rows, &idf);
        Trigrams { idf, norms, concepts, titles, concept_norms }
    }

    /// The `k` concepts whose trigram sets are closest to the query's (cosine of IDF-weighted
    /// sets), best first, among those `wanted` keeps, of titles (occupations and ISCO groups) or of
    /// the other kinds. A first cut: the caller ranks them by their closest label
    /// ([`Trigrams::cosine`]).
    pub fn closest_concepts(
        &self,
        query: &TrigramQuery,
        among: Among,
        k: usize,
        wanted: impl Fn(ConceptIdx) -> bool,
    ) -> Vec<ConceptIdx> {
        let lists = match among {
            Among::Titles => &self.titles,
            Among::Others => &self.concepts,
        };
        // Dense sums over the concept indexes (one add per posting); the concepts touched listed once.
        let mut sums = vec![0.0f32; self.concept_norms.len()];
        let mut touched: Vec<u32> = Vec::new();
        for (g, w) in &query.grams {
            let Some(list) = lists.get(g) else { continue };
            for &c in list {
                let sum = &mut sums[c as usize];
                if *sum == 0.0 {
                    touched.push(c);
                }
                *sum += w;
            }
        }
        let mut scored: Vec<(f32, u32)> = touched
            .into_iter()
            .filter_map(|c| {
                let norm = self.concept_norms[c as usize];
                (norm > 0.0).then(|| (sums[c as usize] / norm, c))
            })
            .collect();
        // Best first, asking `wanted` (which reads the concept) only from the top down: the best
        // few hundred are sorted first, the rest only when too few of those are wanted.
        let by_score = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        let head = (k * 8).min(scored.len());
        if head < scored.len() && head > 0 {
            scored.select_nth_unstable_by(head - 1, by_score);
        }
        scored[..head].sort_by(by_score);
        let mut found: Vec<ConceptIdx> =
            scored[..head].iter().map(|(_, c)| ConceptIdx(*c)).filter(|c| wanted(*c)).take(k).collect();
        if found.len() < k && head < scored.len() {
            let mut rest = scored.split_off(head);
            rest.sort_by(by_score);
            found.extend(rest.into_iter().map(|(_, c)| ConceptIdx(c)).filter(|c| wanted(*c)).take(k - found.len()));
        }
        found
    }

    /// The query's vector. Trigrams no label has are left out, as a TF-IDF vocabulary leaves them.
    pub fn query(&self, tokens: &[Token]) -> TrigramQuery {
        let mut grams = Vec::new();
        push_grams(tokens, &mut grams);
        grams.sort_unstable();
        let tf_idf: Vec<(Gram, f32, f32)> =
            counts(&grams).filter_map(|(g, c)| self.idf.get(&g).map(|idf| (g, sublinear(c) * idf, *idf))).collect();
        let norm = tf_idf.iter().map(|(_, w, _)| w * w).sum::<f32>().sqrt();
        let weighted: Vec<(Gram, f32)> = tf_idf.into_iter().map(|(g, w, idf)| (g, w / norm * idf)).collect();
        let in_row = vec![0; weighted.len()];
        let mut filter = [0u64; FILTER_WORDS];
        for (g, _) in &weighted {
            let bit = filter_bit(*g);
            filter[bit / 64] |= 1 << (bit % 64);
        }
        TrigramQuery { grams: weighted, filter, in_row }
    }

    /// The cosine of the query's vector and label row `row_id`'s, in [0, 1].
    pub fn cosine(&self, query: &mut TrigramQuery, row_id: usize, row: &LabelRow) -> f32 {
        let norm = self.norms.get(row_id).copied().unwrap_or(0.0);
        if query.is_empty() || norm <= 0.0 {
            return 0.0;
        }
        let TrigramQuery { grams, filter, in_row } = query;
        in_row.iter_mut().for_each(|c| *c = 0);
        for_each_gram(&row.tokens, |g| {
            let bit = filter_bit(g);
            if filter[bit / 64] & (1 << (bit % 64)) == 0 {
                return;
            }
            if let Ok(i) = grams.binary_search_by_key(&g, |(q, _)| *q) {
                in_row[i] += 1;
            }
        });
        let dot: f32 =
            grams.iter().zip(in_row.iter()).filter(|(_, c)| **c > 0).map(|((_, w), c)| w * sublinear(*c)).sum();
        (dot / norm).min(1.0)
    }
}

/// Size of a query's trigram filter, in 64-bit words (1,024 bits for a few dozen trigrams).
const FILTER_WORDS: usize = 16;

/// The filter bit of a trigram (a multiplicative hash's top bits).
fn filter_bit(g: Gram) -> usize {
    (g.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - 10)) as usize
}

/// Codes (`2512`, a URI) are matched as codes, never by their spelling; an ISCO group is not
/// spelt like the labels of its member occupations that it carries.
fn compared(row: &LabelRow) -> bool {
    !matches!(row.label_kind, LabelKind::Code | LabelKind::Member)
}

/// A trigram that more concepts have (`en `, ` ve`, `ren`) finds none of them: it weighs little
/// in any cosine, and its lists were half the work of finding the closest concepts (BENCHMARKS.md,
/// sixth round of issue 12; the same answers on the skill set at 2,000 and without a limit).
const MAX_CONCEPTS_PER_TRIGRAM: usize = 2_000;

/// The same limit for the lists of titles: of 3,600 occupations and ISCO groups, a trigram that
/// 300 have (`ker`, `man`, ` me`) tells none apart, and the lists stay small (0.4 MB).
const MAX_TITLES_PER_TRIGRAM: usize = 300;

/// Titles: occupations and ISCO groups, which title searches look for by words, and by spelling
/// only when no word matches (see `SearchEngine::rank_titles_by_spelling`).
fn is_title(row: &LabelRow) -> bool {
    matches!(row.kind, ConceptKind::Occupation | ConceptKind::IscoGroup)
}

/// The trigram → concepts lists of the other kinds and of titles ([`is_title`]), and each
/// concept's norm (rows are in concept order; a concept is one kind, so one norm serves both).
type ConceptIndex = (HashMap<Gram, Vec<u32>>, HashMap<Gram, Vec<u32>>, Vec<f32>);

fn concept_index(rows: &[LabelRow], idf: &HashMap<Gram, f32>) -> ConceptIndex {
    let mut concepts: HashMap<Gram, Vec<u32>> = HashMap::default();
    let mut titles: HashMap<Gram, Vec<u32>> = HashMap::default();
    let n_concepts = rows.last().map_or(0, |r| r.concept.0 as usize + 1);
    let mut norms = vec![0.0f32; n_concepts];
    let mut grams = Vec::new();
    for run in rows.chunk_by(|a, b| a.concept == b.concept) {
        grams.clear();
        for row in run.iter().filter(|r| compared(r)) {
            push_grams(&row.tokens, &mut grams);
        }
        if grams.is_empty() {
            continue;
        }
        grams.sort_unstable();
        grams.dedup();
        let concept = run[0].concept.0;
        let lists = if is_title(&run[0]) { &mut titles } else { &mut concepts };
        for g in &grams {
            lists.entry(*g).or_default().push(concept);
        }
        norms[concept as usize] = grams.iter().map(|g| idf.get(g).copied().unwrap_or(0.0).powi(2)).sum::<f32>().sqrt();
    }
    for (lists, max) in [(&mut concepts, MAX_CONCEPTS_PER_TRIGRAM), (&mut titles, MAX_TITLES_PER_TRIGRAM)] {
        lists.retain(|_, list| list.len() <= max);
        for list in lists.values_mut() {
            list.shrink_to_fit();
        }
    }
    (concepts, titles, norms)
}

/// The weight of a count: the second occurrence of a trigram adds less than the first.
fn sublinear(count: u32) -> f32 {
    1.0 + (count as f32).ln()
}

/// Each distinct trigram of a sorted list with its count.
fn counts(sorted: &[Gram]) -> impl Iterator<Item = (Gram, u32)> + '_ {
    sorted.chunk_by(|a, b| a == b).map(|run| (run[0], run.len() as u32))
}

fn push_grams(tokens: &[Token], out: &mut Vec<Gram>) {
    for_each_gram(tokens, |g| out.push(g));
}

/// Calls `f` with every trigram of the words, each word padded with a space on both sides.
fn for_each_gram(tokens: &[Token], mut f: impl FnMut(Gram)) {
    for t in tokens {
        let (mut a, mut b) = (' ' as u64, 0u64);
        let mut first = true;
        for c in t.word.chars().chain(std::iter::once(' ')) {
            let c = c as u64;
            if first {
                b = c;
                first = false;
                continue;
            }
            f((a << 42) | (b << 21) | c);
            (a, b) = (b, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analysis::{Decompounder, Lang, Stemmers};
    use crate::search::labels::analyze;

    use crate::search::labels::test_skill_row as row;

    fn tokens(text: &str) -> Vec<Token> {
        analyze(&Stemmers::default(), &Decompounder::default(), text, Lang::Nl)
    }

    #[test]
    fn a_word_has_its_padded_trigrams() {
        let mut grams = Vec::new();
        push_grams(&tokens("kas"), &mut grams);
        assert_eq!(grams.len(), 3, "` ka`, `kas`, `as `");
        push_grams(&tokens("a"), &mut grams);
        assert_eq!(grams.len(), 4, "a one-letter word is ` a `");
    }

    #[test]
    fn a_shared_rare_stretch_outweighs_a_shared_common_word() {
        let rows: Vec<LabelRow> =
            ["orthopedie", "kleuren bepalen", "prijzen bepalen", "afstanden bepalen", "kosten bepalen"]
                .into_iter()
                .map(row)
                .collect();
        let t = Trigrams::learn(&rows);
        let mut q = t.query(&tokens("de orthopedische klacht bepalen"));
        let therapy = t.cosine(&mut q, 0, &rows[0]);
        let colours = t.cosine(&mut q, 1, &rows[1]);
        assert!(therapy > colours, "orthopedie {therapy} should beat kleuren bepalen {colours}");
    }

    #[test]
    fn the_closest_concepts_are_found_by_spelling_alone() {
        let mut rows: Vec<LabelRow> =
            ["orthopedie", "kleuren bepalen", "telecommunicatietechniek"].into_iter().map(row).collect();
        for (i, r) in rows.iter_mut().enumerate() {
            r.concept = crate::ontology::ConceptIdx(i as u32);
        }
        let t = Trigrams::learn(&rows);
        let q = t.query(&tokens("telecomtechniek"));
        assert_eq!(t.closest_concepts(&q, Among::Others, 1, |_| true), vec![ConceptIdx(2)]);
        assert!(
            t.closest_concepts(&q, Among::Others, 3, |c| c != ConceptIdx(2)).iter().all(|c| *c != ConceptIdx(2)),
            "only wanted concepts"
        );
        assert!(t.closest_concepts(&q, Among::Titles, 3, |_| true).is_empty(), "no occupation among them");
    }

    #[test]
    fn occupations_are_found_by_spelling_among_titles_only() {
        let mut rows: Vec<LabelRow> = ["pizzaiolo", "glazenwasser", "glas bewerken"].into_iter().map(row).collect();
        for (i, r) in rows.iter_mut().enumerate() {
            r.concept = crate::ontology::ConceptIdx(i as u32);
            if i < 2 {
                r.kind = ConceptKind::Occupation;
            }
        }
        let t = Trigrams::learn(&rows);
        let q = t.query(&tokens("glazenwassertje"));
        assert_eq!(t.closest_concepts(&q, Among::Titles, 1, |_| true), vec![ConceptIdx(1)]);
        assert_eq!(t.closest_concepts(&q, Among::Others, 3, |_| true), vec![ConceptIdx(2)]);
    }

    #[test]
    fn a_label_is_most_similar_to_itself() {
        let rows: Vec<LabelRow> = ["kassa bedienen", "kaas maken"].into_iter().map(row).collect();
        let t = Trigrams::learn(&rows);
        let mut q = t.query(&tokens("kassa bedienen"));
        assert!((t.cosine(&mut q, 0, &rows[0]) - 1.0).abs() < 1e-4);
        assert!(t.cosine(&mut q, 1, &rows[1]) < 0.5);
        assert_eq!(t.cosine(&mut t.query(&tokens("")), 0, &rows[0]), 0.0, "an empty query is similar to nothing");
    }
}

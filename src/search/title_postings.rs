//! The candidate retrieval of a title search (occupations and ISCO groups) from postings in
//! memory, ranking as tantivy's union over the index's title fields did.
//!
//! A title search retrieved its candidates with a tantivy `BooleanQuery` of Should clauses over
//! the occupation and ISCO group labels: per query word its exact word (boost 2), its key (1.5),
//! its compound parts and verb (1), and for a typo the words within its edit distance (0.5 per
//! document, [`super::typo`]); the best by BM25 (`TopDocs`). tantivy's buffered union over those
//! lists was two fifths of a title search's instructions, for a few tens of thousands of label
//! rows among hundreds of thousands of documents.
//!
//! [`TitlePostings::top`] scores the same clauses, clause by clause into the per-thread array of
//! [`Postings`] (so each row's sum adds up in the order the union adds it): the keys from the
//! title rows at the head of each key's list in [`Postings`], the exact words from the postings
//! here (the title rows' words only). The BM25 is tantivy's: every document of the index counts in
//! `N` and in a field's average length, lengths are coded as tantivy codes them, a row holding a
//! term twice counts it twice, and ties go to the lower row, as `TopDocs` breaks them. The
//! candidates are tantivy's, up to the rounding of a sum.
//!
//! Memory is what decided this form: a second set of postings for the keys took 5 MB more after a
//! restart (RSS bar 220 MB); the title rows' keys are already in [`Postings`], and only the exact
//! words (about 1.7 MB on full ESCO) are held here, persisted with the other lookups.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;
use tantivy::fieldnorm::FieldNormReader;

use super::index::{KindMask, is_title_kind};
use super::labels::{LabelTable, Token};
use super::postings::{K1, LengthParts, Postings, Scores, doc_keys, idf};
use super::typo::TypoWalk;
use crate::model::ConceptKind;

/// The boosts of a query word's clauses in tantivy's title query.
const EXACT_BOOST: f32 = 2.0;
const KEY_BOOST: f32 = 1.5;
const PART_BOOST: f32 = 1.0;

/// The title rows' exact words, and what BM25 needs of the title rows.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct TitlePostings {
    /// Every normalized word of a title row, sorted (a typo walks its first letter's part).
    #[serde(with = "crate::persist::shared_seq")]
    words: Vec<Arc<str>>,
    /// Where each word's rows start in `rows`; the next word's start ends them.
    starts: Vec<u32>,
    /// The title rows holding each word, ascending per word.
    rows: Vec<u32>,
    /// Per label row up to the last title row: its number of words, coded as tantivy codes a
    /// field's length.
    word_norms: Vec<u8>,
    /// The words and the keys a title row holds more than once (2 % of the rows do), with the row
    /// and how often, sorted by term and row (BM25 counts a term's frequency). By term, so that a
    /// term's few entries are found once per clause and then met in the order of its rows; by row,
    /// every row of a long enumeration's words was looked up by halving (6 % of its search).
    repeated_words: Vec<(Box<str>, u32, u32)>,
    repeated_keys: Vec<(Box<str>, u32, u32)>,
    /// BM25's length part for the words, per coded length.
    words_bm25: LengthParts,
    /// The same for the keys, per number of keys ([`Postings`] keeps that number, not its code).
    keys_bm25: LengthParts,
    /// The documents of the index (label rows and descriptions): BM25's `N`.
    index_docs: u64,
}

/// The entries of `repeated` (sorted by term and row) of the rows that hold `term` more than once.
fn repeated_rows<'r>(term: &str, repeated: &'r [(Box<str>, u32, u32)]) -> &'r [(Box<str>, u32, u32)] {
    let start = repeated.partition_point(|(t, _, _)| &**t < term);
    let len = repeated[start..].iter().take_while(|(t, _, _)| &**t == term).count();
    &repeated[start..start + len]
}

/// How often `row` holds the term whose rows holding it more than once are `repeated`: once
/// unless they name the row. The rows are asked in ascending order, so the entries passed are
/// dropped from `repeated`.
fn freq(row: u32, repeated: &mut &[(Box<str>, u32, u32)]) -> u32 {
    while let [(_, at, count), rest @ ..] = *repeated {
        if *at > row {
            break;
        }
        *repeated = rest;
        if *at == row {
            return *count;
        }
    }
    1
}

/// A field's length as tantivy stores it: coded in a byte, exact for short fields.
fn coded(length: usize) -> u8 {
    FieldNormReader::fieldnorm_to_id(length as u32)
}

impl TitlePostings {
    pub fn build(table: &LabelTable) -> TitlePostings {
        let index_docs = (table.rows.len() + table.descriptions.len()) as u64;
        let end = table.rows.iter().rposition(|r| is_title_kind(r.kind)).map_or(0, |last| last + 1);
        let mut per_word: HashMap<&Arc<str>, Vec<u32>> = HashMap::default();
        let mut word_norms = vec![0u8; end];
        let (mut total_words, mut total_keys) = (0u64, 0u64);
        let (mut repeated_words, mut repeated_keys) = (Vec::new(), Vec::new());
        for (row, label) in table.rows[..end].iter().enumerate().filter(|(_, r)| is_title_kind(r.kind)) {
            // The whitespace tokenizer of the index drops an empty word.
            let mut words: Vec<&Arc<str>> = label.tokens.iter().map(|t| &t.word).filter(|w| !w.is_empty()).collect();
            let mut keys = doc_keys(&label.tokens);
            word_norms[row] = coded(words.len());
            total_words += words.len() as u64;
            total_keys += keys.len() as u64;
            words.sort_unstable();
            keys.sort_unstable();
            for (terms, repeated) in [(&mut words, &mut repeated_words), (&mut keys, &mut repeated_keys)] {
                for run in terms.chunk_by(|a, b| a == b).filter(|run| run.len() > 1) {
                    repeated.push((Box::from(&**run[0]), row as u32, run.len() as u32));
                }
                terms.dedup();
            }
            for word in words {
                per_word.entry(word).or_default().push(row as u32);
            }
        }
        repeated_words.sort_unstable();
        repeated_keys.sort_unstable();
        let mut sorted: Vec<_> = per_word.into_iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let (mut words, mut starts) = (Vec::with_capacity(sorted.len()), Vec::with_capacity(sorted.len()));
        let mut rows = Vec::with_capacity(sorted.iter().map(|(_, list)| list.len()).sum());
        for (word, list) in sorted {
            words.push(Arc::clone(word));
            starts.push(rows.len() as u32);
            rows.extend(list);
        }
        let words_bm25 = LengthParts::new(total_words, index_docs, FieldNormReader::id_to_fieldnorm);
        let keys_bm25 =
            LengthParts::new(total_keys, index_docs, |len| FieldNormReader::id_to_fieldnorm(coded(len.into())));
        TitlePostings {
            words,
            starts,
            rows,
            word_norms,
            repeated_words,
            repeated_keys,
            words_bm25,
            keys_bm25,
            index_docs,
        }
    }

    /// Up to `limit` occupation and ISCO group label rows (of those among `kinds`) best matching
    /// the analyzed query, best first, as tantivy's title query ranks them. The `typos` (words no
    /// label knows, [`super::index::typo_candidates`]) also find the labels holding a word within
    /// their edit distance. `postings` are the engine's.
    pub fn top(
        &self,
        postings: &Postings,
        query: &[Token],
        typos: &[&Token],
        kinds: &[ConceptKind],
        limit: usize,
    ) -> Vec<u32> {
        let wanted = KindMask::of(kinds);
        postings.with_scores(|scores| {
            // Clause by clause, in the query's order: each row's sum adds up in the order
            // tantivy's union adds it.
            for t in query.iter().filter(|t| !t.stop) {
                self.add_word(&t.word, scores);
                self.add_key(postings, &t.key, KEY_BOOST, scores);
                for part in t.parts.iter().chain(t.verb.as_ref()) {
                    self.add_key(postings, part, PART_BOOST, scores);
                }
                if typos.iter().any(|typo| typo.word == t.word) {
                    let distance = super::index::typo_distance(&t.word);
                    let walks =
                        std::iter::once(TypoWalk::new(&t.word, distance)).chain(TypoWalk::swapped(&t.word, distance));
                    for walk in walks {
                        self.add_typo(&walk, scores);
                    }
                }
            }
            // Best first, ties to the lower row, as one integer: a positive float's bits order as
            // the float does, and their complement orders best first (selecting among pairs
            // compared as floats took twice the instructions).
            let mut found: Vec<u64> = Vec::with_capacity(scores.touched());
            scores.drain(|row, score| {
                if wanted.has(postings.kind(row)) {
                    found.push((u64::from(!score.to_bits()) << 32) | u64::from(row));
                }
            });
            if found.len() > limit {
                found.select_nth_unstable(limit);
                found.truncate(limit);
            }
            found.sort_unstable();
            found.into_iter().map(|key| key as u32).collect()
        })
    }

    /// Adds the BM25 score of the exact `word` to the title rows holding it, as tantivy's term
    /// scorer computes it.
    fn add_word(&self, word: &str, scores: &mut Scores) {
        let Ok(at) = self.words.binary_search_by(|w| (**w).cmp(word)) else { return };
        let rows = &self.rows[self.word_rows(at)];
        let weight = idf(self.index_docs as f32, rows.len() as f32) * (1.0 + K1) * EXACT_BOOST;
        let mut repeated = repeated_rows(word, &self.repeated_words);
        scores.add(rows, |row| weight * self.words_bm25.tf(self.word_norms[row as usize], freq(row, &mut repeated)));
    }

    /// Adds the BM25 score of `key` (times `boost`) to the title rows holding it.
    fn add_key(&self, postings: &Postings, key: &str, boost: f32, scores: &mut Scores) {
        let (rows, _) = postings.label_parts(key);
        let weight = idf(self.index_docs as f32, rows.len() as f32) * (1.0 + K1) * boost;
        let mut repeated = repeated_rows(key, &self.repeated_keys);
        scores.add(rows, |row| weight * self.keys_bm25.tf(postings.len(row), freq(row, &mut repeated)));
    }

    /// Adds tantivy's fuzzy score once to every title row holding a word the typo walk finds
    /// (alike, however many of the words a row holds).
    fn add_typo(&self, walk: &TypoWalk, scores: &mut Scores) {
        let mut found: Vec<u32> =
            walk.matches(&self.words, |w| w).flat_map(|at| self.rows[self.word_rows(at)].iter().copied()).collect();
        found.sort_unstable();
        found.dedup();
        scores.add(&found, |_| super::index::TYPO_BOOST);
    }

    /// Where the rows of the word at `at` are in `rows`.
    fn word_rows(&self, at: usize) -> std::ops::Range<usize> {
        let start = self.starts[at] as usize;
        start..self.starts.get(at + 1).map_or(self.rows.len(), |next| *next as usize)
    }

    /// The memory the postings hold, in bytes (approximate; the words are shared).
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 16
            + self.starts.capacity() * 4
            + self.rows.capacity() * 4
            + self.word_norms.capacity()
            + (self.repeated_words.capacity() + self.repeated_keys.capacity()) * 40
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontology::{self, SourceSpec};
    use crate::search::index::tests::label_queries;
    use crate::search::index::{TantivyIndex, typo_candidates};

    /// On the default ontology, every label searched as a title (as written, and with a typo in
    /// its longest word) finds the rows tantivy's title query ranks, in its order: for both title
    /// kinds and for occupations alone.
    #[test]
    fn ranks_as_tantivy_ranks_the_title_fields() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let index = TantivyIndex::build_in_ram(&table).expect("index builds");
        let postings = Postings::build(&table);
        let titles = TitlePostings::build(&table);
        let both = [ConceptKind::Occupation, ConceptKind::IscoGroup];
        let (mut queries, mut with_typos, mut found) = (0, 0, 0);
        for (text, lang) in label_queries(&table) {
            let query = table.analyze(&text, lang);
            let typos = typo_candidates(&table, &query);
            for kinds in [&both[..], &both[..1]] {
                let expected = index.candidates(&query, kinds, &typos, false, 40).expect("tantivy answers");
                let ours = titles.top(&postings, &query, &typos, kinds, 40);
                assert_eq!(ours, expected, "{text:?} among {kinds:?}");
                found += ours.len();
            }
            queries += 1;
            with_typos += usize::from(!typos.is_empty());
        }
        assert!(queries > 1000 && with_typos > 100 && found > 10_000, "{queries} queries, {with_typos} with typos");
    }
}

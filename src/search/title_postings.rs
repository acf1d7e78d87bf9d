//! The candidate retrieval of a title search (occupations and ISCO groups) from postings in
//! memory, ranking as tantivy's union over the index's title fields did.
//!
//! A title search retrieved its candidates with a tantivy `BooleanQuery` of Should clauses over
//! the occupation and ISCO group labels: per query word its exact word (boost 2), its key (1.5),
//! its compound parts and verb (1), and for a typo the words within its edit distance (0.5 per
//! document, [`super::typo`]); the best by BM25 (`TopDocs`). tantivy's buffered union over those
//! lists was two fifths of a title search's instructions, and the labels it reads are few (a few
//! tens of thousands of rows, against hundreds of thousands of documents in the index).
//!
//! [`TitlePostings`] holds the same two fields for those rows only, numbered densely, and
//! [`TitlePostings::top`] scores them clause by clause into a per-thread array, as the union sums
//! them: the same BM25 (tantivy's statistics: every document of the index counts in `N` and in
//! a field's average length, lengths coded as tantivy codes them, term frequencies counted), the
//! same boosts, the same typo walk, and ties to the lower row, as `TopDocs` breaks them. The
//! candidates are tantivy's, up to the rounding of a sum.
//!
//! It is built from the label table at start (its strings are the table's), not persisted: the
//! build is a few milliseconds, and a persisted copy would hold its own strings.

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;
use tantivy::fieldnorm::FieldNormReader;

use super::labels::{LabelTable, Token};
use super::postings::Scores;
use super::typo::TypoWalk;
use crate::model::ConceptKind;

/// BM25's term-frequency saturation and length normalization, as tantivy uses them.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// The boosts of a query word's clauses in tantivy's title query.
const EXACT_BOOST: f32 = 2.0;
const KEY_BOOST: f32 = 1.5;
const PART_BOOST: f32 = 1.0;

/// The occupation and ISCO group label rows, with postings of their exact words and of their keys.
#[derive(Debug, Default)]
pub struct TitlePostings {
    /// The label row of each title document, ascending (title documents are numbered in row
    /// order, so the lower document is the lower row).
    rows: Vec<u32>,
    /// Per title document: true for an ISCO group's label (a search for one title kind leaves the
    /// other out).
    isco: Vec<bool>,
    /// The normalized words of each label (the index's `title_exact`).
    exact: TitleField,
    /// Each content word's key, compound parts and verb (the index's `title_keys`).
    keys: TitleField,
    /// Per title document: its number of keys, at most 255 (as [`super::postings::Postings`]
    /// counts a row's length: the rows holding every word of a title come shortest first).
    lens: Vec<u8>,
}

/// One field of the title documents: its terms' postings and what BM25 needs of it.
#[derive(Debug, Default)]
struct TitleField {
    /// Every term, sorted (a typo walks its first letter's part), with where its postings start in
    /// `docs`; the next term's start ends them.
    terms: Vec<(Arc<str>, u32)>,
    /// The title documents holding each term, ascending per term.
    docs: Vec<u32>,
    /// How often the document at the same place in `docs` holds its term (BM25's term frequency).
    freqs: Vec<u8>,
    /// Per title document: its number of terms, coded as tantivy codes field lengths.
    norms: Vec<u8>,
    /// BM25's length component per coded length, as tantivy caches it.
    tf_cache: Vec<f32>,
    /// The term frequency part of BM25 for a term held once (most are), per coded length: the
    /// same division as for any frequency, done once.
    once: Vec<f32>,
    /// The documents of the whole index (label rows and descriptions): BM25's `N`.
    index_docs: u64,
}

thread_local! {
    /// Per thread: the scores of [`TitlePostings::top`], reused between queries (apart from those
    /// of the facet counts' retrieval, which are as many as all documents).
    static SCRATCH: RefCell<Scores> = const { RefCell::new(Scores::new()) };
}

/// The label kinds in the title fields.
fn is_title_kind(kind: ConceptKind) -> bool {
    matches!(kind, ConceptKind::Occupation | ConceptKind::IscoGroup)
}

impl TitleField {
    /// The field over documents given as their terms (repeated as often as they occur).
    fn build(documents: &[Vec<&Arc<str>>], index_docs: u64) -> TitleField {
        let mut per_term: HashMap<&Arc<str>, Vec<(u32, u8)>> = HashMap::default();
        let mut norms = Vec::with_capacity(documents.len());
        let mut total_terms = 0u64;
        for (doc, terms) in documents.iter().enumerate() {
            norms.push(FieldNormReader::fieldnorm_to_id(terms.len() as u32));
            total_terms += terms.len() as u64;
            let mut terms = terms.clone();
            terms.sort_unstable();
            for run in terms.chunk_by(|a, b| a == b) {
                per_term.entry(run[0]).or_default().push((doc as u32, run.len().min(255) as u8));
            }
        }
        let mut sorted: Vec<_> = per_term.into_iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let postings: usize = sorted.iter().map(|(_, list)| list.len()).sum();
        let (mut terms, mut docs, mut freqs) =
            (Vec::with_capacity(sorted.len()), Vec::with_capacity(postings), Vec::with_capacity(postings));
        for (term, list) in sorted {
            terms.push((Arc::clone(term), docs.len() as u32));
            for (doc, freq) in list {
                docs.push(doc);
                freqs.push(freq);
            }
        }
        // tantivy's average length: the field's terms over every document of the index.
        let average = total_terms as f32 / index_docs.max(1) as f32;
        let tf_cache = (0..=255u8)
            .map(|id| K1 * (1.0 - B + B * FieldNormReader::id_to_fieldnorm(id) as f32 / average))
            .collect::<Vec<f32>>();
        let once = tf_cache.iter().map(|norm| 1.0 / (1.0 + norm)).collect();
        TitleField { terms, docs, freqs, norms, tf_cache, once, index_docs }
    }

    /// The postings of the term at `at` in `terms`.
    fn postings(&self, at: usize) -> std::ops::Range<usize> {
        let start = self.terms[at].1 as usize;
        let end = self.terms.get(at + 1).map_or(self.docs.len(), |next| next.1 as usize);
        start..end
    }

    /// Adds the BM25 score of `term` (times `boost`) to the documents holding it, as tantivy's
    /// term scorer computes it.
    fn add(&self, term: &str, boost: f32, scores: &mut Scores) {
        let Ok(at) = self.terms.binary_search_by(|(t, _)| (**t).cmp(term)) else { return };
        let range = self.postings(at);
        let idf = idf(range.len() as u64, self.index_docs);
        let weight = idf * (1.0 + K1) * boost;
        for (&doc, &freq) in self.docs[range.clone()].iter().zip(&self.freqs[range]) {
            let norm = self.norms[doc as usize] as usize;
            let tf = if freq == 1 {
                self.once[norm]
            } else {
                let freq = f32::from(freq);
                freq / (freq + self.tf_cache[norm])
            };
            scores.add(doc, weight * tf);
        }
    }

    /// Adds `score` once to every document holding a word the typo walk finds, as tantivy's
    /// automaton query scores them (alike, however many of the words a document holds).
    fn add_typo(&self, walk: &TypoWalk, score: f32, scores: &mut Scores) {
        let mut found: Vec<u32> =
            walk.matches(&self.terms, |(t, _)| t).flat_map(|at| self.docs[self.postings(at)].iter().copied()).collect();
        found.sort_unstable();
        found.dedup();
        for doc in found {
            scores.add(doc, score);
        }
    }

    fn heap_bytes(&self) -> usize {
        self.terms.capacity() * 24 + self.docs.capacity() * 4 + self.freqs.capacity() + self.norms.capacity()
    }
}

/// tantivy's BM25 inverse document frequency of a term in `df` of `n` documents.
fn idf(df: u64, n: u64) -> f32 {
    let x = ((n - df.min(n)) as f32 + 0.5) / (df as f32 + 0.5);
    (1.0 + x).ln()
}

impl TitlePostings {
    pub fn build(table: &LabelTable) -> TitlePostings {
        let index_docs = (table.rows.len() + table.descriptions.len()) as u64;
        let (mut rows, mut isco, mut exact, mut keys) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut lens: Vec<u8> = Vec::new();
        for (i, row) in table.rows.iter().enumerate().filter(|(_, r)| is_title_kind(r.kind)) {
            rows.push(i as u32);
            isco.push(row.kind == ConceptKind::IscoGroup);
            // The whitespace tokenizer of the index drops an empty word.
            exact.push(row.tokens.iter().map(|t| &t.word).filter(|w| !w.is_empty()).collect());
            keys.push(super::postings::doc_keys(&row.tokens));
            lens.push(keys[keys.len() - 1].len().min(255) as u8);
        }
        let exact = TitleField::build(&exact, index_docs);
        let keys = TitleField::build(&keys, index_docs);
        TitlePostings { rows, isco, exact, keys, lens }
    }

    /// Up to `limit` occupation and ISCO group label rows (of those among `kinds`) best matching
    /// the analyzed query, best first, as tantivy's title query ranks them. The `typos` (words no
    /// label knows, [`super::index::typo_candidates`]) also find the labels holding a word within
    /// their edit distance.
    pub fn top(&self, query: &[Token], typos: &[&Token], kinds: &[ConceptKind], limit: usize) -> Vec<u32> {
        let wanted = self.of_kinds(kinds);
        Scores::with(&SCRATCH, self.rows.len(), |scores| {
            // Clause by clause, in the query's order: each document's sum adds up in the order
            // tantivy's union adds it.
            for t in query.iter().filter(|t| !t.stop) {
                self.exact.add(&t.word, EXACT_BOOST, scores);
                self.keys.add(&t.key, KEY_BOOST, scores);
                for part in t.parts.iter().chain(t.verb.as_ref()) {
                    self.keys.add(part, PART_BOOST, scores);
                }
                if typos.iter().any(|typo| typo.word == t.word) {
                    let distance = super::index::typo_distance(&t.word);
                    let walks =
                        std::iter::once(TypoWalk::new(&t.word, distance)).chain(TypoWalk::swapped(&t.word, distance));
                    for walk in walks {
                        self.exact.add_typo(&walk, super::index::TYPO_BOOST, scores);
                    }
                }
            }
            // Best first, ties to the lower document, as one integer: a positive float's bits order
            // as the float does, and their complement orders best first (selecting among pairs
            // compared as floats took twice the instructions).
            let mut found: Vec<u64> = Vec::new();
            scores.drain(|doc, score| {
                if wanted(doc) {
                    found.push((u64::from(!score.to_bits()) << 32) | u64::from(doc));
                }
            });
            if found.len() > limit {
                found.select_nth_unstable(limit);
                found.truncate(limit);
            }
            found.sort_unstable();
            found.into_iter().map(|key| self.rows[key as u32 as usize]).collect()
        })
    }

    /// Up to `limit` occupation and ISCO group label rows (of those among `kinds`) that hold every
    /// content word of `query` (but the one at `skip`), shortest first: as
    /// [`super::postings::Postings::all_words`] finds them among every label, from the title
    /// documents' shorter lists.
    pub fn all_words<'s>(
        &self,
        query: &[Token],
        skip: Option<usize>,
        kinds: &[ConceptKind],
        limit: usize,
        synonyms: impl Fn(&str) -> &'s [Arc<str>],
    ) -> Vec<u32> {
        let wanted = self.of_kinds(kinds);
        let keys = &self.keys;
        let docs = |key: &str| -> &[u32] {
            keys.terms.binary_search_by(|(t, _)| (**t).cmp(key)).map_or(&[], |at| &keys.docs[keys.postings(at)])
        };
        let found =
            super::postings::holding_all(query, skip, limit, synonyms, docs, wanted, |doc| self.lens[doc as usize]);
        // Title documents are in row order: the order (length, then document) is (length, row).
        found.into_iter().map(|doc| self.rows[doc as usize]).collect()
    }

    /// Whether a title document is of one of `kinds`.
    fn of_kinds(&self, kinds: &[ConceptKind]) -> impl Fn(u32) -> bool + '_ {
        let (occupations, isco_groups) =
            (kinds.contains(&ConceptKind::Occupation), kinds.contains(&ConceptKind::IscoGroup));
        move |doc| if self.isco[doc as usize] { isco_groups } else { occupations }
    }

    /// The memory the postings hold, in bytes (approximate; the strings are the label table's).
    pub fn heap_bytes(&self) -> usize {
        self.rows.capacity() * 4
            + self.isco.capacity()
            + self.lens.capacity()
            + self.exact.heap_bytes()
            + self.keys.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontology::{self, SourceSpec};
    use crate::search::analysis::Lang;
    use crate::search::index::{TantivyIndex, typo_candidates};

    /// A word with two of its letters after the second swapped (one edit, a typo no label has).
    fn mistyped(word: &str) -> Option<String> {
        let mut letters: Vec<char> = word.chars().collect();
        (letters.len() >= 6 && letters[3] != letters[4]).then(|| {
            letters.swap(3, 4);
            letters.into_iter().collect()
        })
    }

    /// On the default ontology, every label searched as a title (as written, and with a typo in
    /// its longest word) finds the rows tantivy's title query ranks, in its order: for both title
    /// kinds and for occupations alone.
    #[test]
    fn ranks_as_tantivy_ranks_the_title_fields() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let index = TantivyIndex::build_in_ram(&table).expect("index builds");
        let titles = TitlePostings::build(&table);
        let both = [ConceptKind::Occupation, ConceptKind::IscoGroup];
        let (mut queries, mut with_typos, mut found) = (0, 0, 0);
        for row in &table.rows {
            let lang = if &*row.lang == "en" { Lang::En } else { Lang::Nl };
            let mut texts = vec![row.text.to_string()];
            let longest = row.tokens.iter().filter(|t| !t.stop).max_by_key(|t| t.word.chars().count());
            if let Some(typo) = longest.and_then(|t| mistyped(&t.word)) {
                texts.push(row.exact().replacen(&*longest.expect("a longest word").word, &typo, 1));
            }
            for text in texts {
                let query = table.analyze(&text, lang);
                let typos = typo_candidates(&table, &query);
                for kinds in [&both[..], &both[..1]] {
                    let expected = index.candidates(&query, kinds, &typos, false, 40).expect("tantivy answers");
                    let ours = titles.top(&query, &typos, kinds, 40);
                    assert_eq!(ours, expected, "{text:?} among {kinds:?}");
                    found += ours.len();
                }
                queries += 1;
                with_typos += usize::from(!typos.is_empty());
            }
        }
        assert!(queries > 1000 && with_typos > 100 && found > 10_000, "{queries} queries, {with_typos} with typos");
    }

    /// On the default ontology, the title documents holding every word of a title (or all but
    /// one, a word also held by its synonyms) are the rows of those kinds that the postings of
    /// every label find, in the same order.
    #[test]
    fn finds_the_rows_holding_every_word_as_all_labels_do() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let postings = super::super::postings::Postings::build(&table);
        let titles = TitlePostings::build(&table);
        let both = [ConceptKind::Occupation, ConceptKind::IscoGroup];
        let synonyms = |key: &str| table.synonyms.of(key);
        let (mut queries, mut found) = (0, 0);
        for row in table.rows.iter().filter(|r| &*r.lang == "nl") {
            let query = table.analyze(&row.text, Lang::Nl);
            let content = query.iter().filter(|t| !t.stop).count();
            if content < 2 {
                continue;
            }
            for kinds in [&both[..], &both[1..]] {
                for skip in std::iter::once(None).chain((0..content).map(Some)) {
                    let expected = postings.all_words(&query, skip, kinds, 20, synonyms);
                    let ours = titles.all_words(&query, skip, kinds, 20, synonyms);
                    assert_eq!(ours, expected, "{:?} without word {skip:?} among {kinds:?}", row.text);
                    found += ours.len();
                }
            }
            queries += 1;
        }
        assert!(queries > 1000 && found > 500, "{queries} queries, {found} rows found");
    }
}

//! Postings in memory: for each key of the label table, the label rows and descriptions that hold
//! it, for a candidate retrieval that costs a fraction of tantivy's.
//!
//! The facet counts of a search among occupations (the kinds it did not ask for) took a retrieval
//! among every other label and description: tantivy's union over long posting lists of common words
//! (`medewerker`, `beheer`) in the large fields was more than half of a title search's time
//! (BENCHMARKS.md, "Search speed, session 8"). These lists hold the same terms as the index's
//! `keys` and `desc` fields ([`super::index`]), and [`Postings::top`] ranks them with the same BM25
//! weighting and boosts, accumulated score-at-a-time in a dense array. Two things are simplified: a
//! word's key stands for the exact-word field (its boost added to the key's), and the typo walk
//! over the term dictionary becomes a walk over the keys that start with the same two letters (a typo
//! in the first two letters finds nothing here).

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::index::{KindMask, is_title_kind, kind_code};
use super::labels::{LabelTable, Token};
use crate::model::ConceptKind;

/// BM25's term-frequency saturation and length normalization, as tantivy uses them.
pub(super) const K1: f32 = 1.2;
pub(super) const B: f32 = 0.75;
/// Boosts of a query word's key, its compound parts and verb, and its key in a description, as
/// the tantivy query of [`super::index::TantivyIndex::candidates`] weighs them.
const KEY_BOOST: f32 = 3.5;
const PART_BOOST: f32 = 1.0;
const DESCRIPTION_BOOST: f32 = 0.2;
/// Letters a typo's key shares with the keys it may stand for: a walk over every key of the same
/// first letter was a fifth of the slowest searches (`v…`, `s…` hold thousands of keys).
const PREFIX: usize = 2;
/// What a typo-tolerant match adds: tantivy scores every document its fuzzy clause finds alike.
const FUZZY_SCORE: f32 = 0.5;

/// The documents of each key. Documents are numbered as in the tantivy index: label rows, then
/// descriptions as `rows.len() + i`.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Postings {
    /// Per key: where its documents are in `docs`.
    #[serde(with = "crate::persist::shared_keys")]
    lists: HashMap<Arc<str>, List>,
    /// The documents of every key: its label rows, those of occupations and ISCO groups first,
    /// then its descriptions; each part ascending.
    docs: Vec<u32>,
    /// Every key, sorted: the keys a typo may stand for are those with its first letters.
    #[serde(with = "crate::persist::shared_seq")]
    sorted: Vec<Arc<str>>,
    /// Per document: how many keys it holds (BM25's length), at most 255.
    lens: Vec<u8>,
    /// Per document: its concept's kind ([`kind_code`]).
    kinds: Vec<u8>,
    /// The IDF of each kind's term: tantivy adds it to every document matching the kind filter,
    /// which ranks the documents of a rare kind a little higher.
    kind_idf: Vec<f32>,
    /// Average length of a label row's keys and of a description's, over all documents (as
    /// tantivy's field statistics count them: a field a document lacks has length 0).
    average: [f32; 2],
}

/// Where one key's documents are in [`Postings::docs`]. The label rows of occupations and ISCO
/// groups (title rows) come first, so a title search reads its keys' title rows alone
/// ([`super::title_postings`]); the count costs no memory (a map entry of three counts was padded
/// to four).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct List {
    start: u32,
    /// Title rows, then label rows of every kind (the title rows included), then descriptions.
    titles: u32,
    labels: u32,
    descriptions: u32,
}

thread_local! {
    /// Per thread: the scores of [`Postings::top`] (and of the title retrieval), reused between
    /// queries.
    static SCRATCH: RefCell<Scores> = const { RefCell::new(Scores::new()) };
}

/// A score per document and the documents touched, kept per thread and reused between queries:
/// adding a posting's score is a store into a dense array, and only the documents touched are
/// read back and reset.
#[derive(Debug)]
pub(super) struct Scores {
    scores: Vec<f32>,
    touched: Vec<u32>,
}

impl Scores {
    pub(super) const fn new() -> Scores {
        Scores { scores: Vec::new(), touched: Vec::new() }
    }

    /// Runs `f` on this thread's `scratch`, sized for `n` documents, all at zero.
    pub(super) fn with<R>(
        scratch: &'static std::thread::LocalKey<RefCell<Scores>>,
        n: usize,
        f: impl FnOnce(&mut Scores) -> R,
    ) -> R {
        scratch.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            if scratch.scores.len() != n {
                scratch.scores = vec![0.0; n];
            }
            f(&mut scratch)
        })
    }

    /// Adds `score(doc)` (positive) to the score of each of `docs`. (The scores and the documents
    /// touched are borrowed apart for the loop: adding through `&mut self` per document reloaded
    /// both, and took twice the instructions.)
    #[inline]
    pub(super) fn add(&mut self, docs: &[u32], mut score: impl FnMut(u32) -> f32) {
        let (slots, touched) = (&mut self.scores[..], &mut self.touched);
        for &doc in docs {
            let slot = &mut slots[doc as usize];
            if *slot == 0.0 {
                touched.push(doc);
            }
            *slot += score(doc);
        }
    }

    /// Adds `score` (positive) to the score of `doc`.
    #[inline]
    pub(super) fn add_one(&mut self, doc: u32, score: f32) {
        let slot = &mut self.scores[doc as usize];
        if *slot == 0.0 {
            self.touched.push(doc);
        }
        *slot += score;
    }

    /// How many documents there are room for.
    pub(super) fn room(&self) -> usize {
        self.scores.len()
    }

    /// How many documents have a score.
    pub(super) fn touched(&self) -> usize {
        self.touched.len()
    }

    /// Each document touched, with its score, once; every score is zero again after.
    pub(super) fn drain(&mut self, mut visit: impl FnMut(u32, f32)) {
        for &doc in &self.touched {
            visit(doc, std::mem::take(&mut self.scores[doc as usize]));
        }
        self.touched.clear();
    }
}

/// The keys a document is found by: each content word's key, compound parts and verb (the
/// index's `keys_text`).
pub(super) fn doc_keys(tokens: &[Token]) -> Vec<&Arc<str>> {
    let mut keys: Vec<&Arc<str>> = Vec::new();
    for t in tokens.iter().filter(|t| !t.stop) {
        for k in std::iter::once(&t.key).chain(t.parts.iter()).chain(t.verb.as_ref()) {
            keys.push(k);
        }
    }
    keys
}

impl Postings {
    pub fn build(table: &LabelTable) -> Postings {
        let mut per_key: HashMap<&Arc<str>, (Vec<u32>, u32)> = HashMap::default();
        let n = table.rows.len() + table.descriptions.len();
        let (mut lens, mut kinds) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut totals = [0u64; 2];
        let documents = table
            .rows
            .iter()
            .map(|r| (&r.tokens, r.kind, 0usize))
            .chain(table.descriptions.iter().map(|d| (&d.tokens, d.kind, 1usize)));
        for (doc, (tokens, kind, side)) in documents.enumerate() {
            let mut keys = doc_keys(tokens);
            lens.push(keys.len().min(255) as u8);
            kinds.push(kind_code(kind) as u8);
            totals[side] += keys.len() as u64;
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                let entry = per_key.entry(key).or_default();
                entry.0.push(doc as u32);
                if side == 0 {
                    entry.1 += 1;
                }
            }
        }
        let mut lists = HashMap::default();
        lists.reserve(per_key.len());
        let mut docs = Vec::with_capacity(per_key.values().map(|(d, _)| d.len()).sum());
        let mut sorted: Vec<Arc<str>> = per_key.keys().map(|k| Arc::clone(k)).collect();
        sorted.sort_unstable();
        for (key, (mut list, labels)) in per_key {
            let start = docs.len() as u32;
            // The title rows first (a stable sort: both parts stay ascending).
            list[..labels as usize].sort_by_key(|&doc| !is_title_code(kinds[doc as usize]));
            let titles = list[..labels as usize].iter().filter(|&&doc| is_title_code(kinds[doc as usize])).count();
            let descriptions = list.len() as u32 - labels;
            lists.insert(key.clone(), List { start, titles: titles as u32, labels, descriptions });
            docs.extend(list);
        }
        let all = n.max(1) as f32;
        let kind_idf = ConceptKind::ALL
            .iter()
            .map(|k| {
                let df = kinds.iter().filter(|c| u64::from(**c) == kind_code(*k)).count() as f32;
                idf(all, df)
            })
            .collect();
        let average =
            [(totals[0] as f32 / all).max(f32::MIN_POSITIVE), (totals[1] as f32 / all).max(f32::MIN_POSITIVE)];
        Postings { lists, docs, sorted, lens, kinds, kind_idf, average }
    }

    /// Up to `limit` documents of `kinds` best matching the analyzed query by BM25 over their
    /// keys, best first; descriptions only with `descriptions`. The `typos` (words no label knows,
    /// [`super::index::typo_candidates`]) also find the labels with a key within their edit
    /// distance.
    pub fn top(
        &self,
        query: &[Token],
        typos: &[&Token],
        kinds: &[ConceptKind],
        descriptions: bool,
        limit: usize,
    ) -> Vec<u32> {
        let wanted = KindMask::of(kinds);
        self.with_scores(|scores| {
            for t in query.iter().filter(|t| !t.stop) {
                self.add(&t.key, KEY_BOOST, descriptions.then_some(DESCRIPTION_BOOST), scores);
                for part in t.parts.iter().chain(t.verb.as_ref()) {
                    self.add(part, PART_BOOST, None, scores);
                }
            }
            for typo in typos {
                for key in self.near(&typo.key, super::index::typo_distance(&typo.word)) {
                    scores.add(self.label_docs(key), |_| FUZZY_SCORE);
                }
            }
            let mut found: Vec<(f32, u32)> = Vec::with_capacity(scores.touched());
            scores.drain(|doc, score| {
                let kind = self.kinds[doc as usize];
                if wanted.has(kind) {
                    found.push((score + self.kind_idf[usize::from(kind)], doc));
                }
            });
            let best_first = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            if found.len() > limit {
                found.select_nth_unstable_by(limit, best_first);
                found.truncate(limit);
            }
            found.sort_unstable_by(best_first);
            found.into_iter().map(|(_, doc)| doc).collect()
        })
    }

    /// Up to `limit` label rows of `kinds` that hold every content word of `query` (its key, a
    /// noun of action's verb, or one of a compound's parts), shortest first: the rows that can
    /// cover the whole query. The union of [`Postings::top`] and tantivy ranks a row by the sum of
    /// its words' weights, so a query with one common word (`medewerker toilet`) fills its
    /// candidates with the thousands of rows that hold that word, and `toiletmedewerker` may not
    /// be among them.
    ///
    /// With `skip`, the content word at that place (counting content words only) is left out;
    /// `synonyms` gives the other keys that hold a word.
    pub fn all_words<'s>(
        &self,
        query: &[Token],
        skip: Option<usize>,
        kinds: &[ConceptKind],
        limit: usize,
        synonyms: impl Fn(&str) -> &'s [Arc<str>],
    ) -> Vec<u32> {
        let (label_docs, wanted) = self.conjunction_lists(kinds);
        holding_all(query, skip, limit, synonyms, label_docs, wanted, |doc| self.lens[doc as usize])
    }

    /// For each content word of `query` in turn, what [`Postings::all_words`] finds with that word
    /// left out (up to `limit` rows each), from one pass: a title of several words asked each
    /// left-out word apart, and each call gathered every word's lists and intersected them again
    /// (a tenth of a long title's search).
    pub fn all_but_one<'s>(
        &self,
        query: &[Token],
        kinds: &[ConceptKind],
        limit: usize,
        synonyms: impl Fn(&str) -> &'s [Arc<str>],
    ) -> Vec<Vec<u32>> {
        let (label_docs, wanted) = self.conjunction_lists(kinds);
        holding_all_but_one(query, limit, synonyms, label_docs, wanted, |doc| self.lens[doc as usize])
    }

    /// For [`Postings::all_words`] among `kinds`: the label rows holding a key (the title rows
    /// and the others), and whether a row is of a kind asked for.
    fn conjunction_lists<'a>(
        &'a self,
        kinds: &[ConceptKind],
    ) -> (impl Fn(&str) -> [&'a [u32]; 2] + 'a, impl Fn(u32) -> bool + 'a) {
        // No kinds asked: every kind.
        let wanted = if kinds.is_empty() { KindMask::all() } else { KindMask::of(kinds) };
        // A title search reads its keys' title rows alone, the shorter part of their lists.
        let titles = kinds.is_empty() || kinds.iter().any(|k| is_title_kind(*k));
        let others = kinds.is_empty() || kinds.iter().any(|k| !is_title_kind(*k));
        let label_docs = move |key: &str| -> [&'a [u32]; 2] {
            let (title_rows, other_rows) = self.label_parts(key);
            [if titles { title_rows } else { &[] }, if others { other_rows } else { &[] }]
        };
        (label_docs, move |doc: u32| wanted.has(self.kinds[doc as usize]))
    }

    /// The keys within `distance` edits of `key` that start with its first [`PREFIX`] letters.
    fn near<'a>(&'a self, key: &'a str, distance: u8) -> impl Iterator<Item = &'a Arc<str>> + 'a {
        let first = key.char_indices().nth(PREFIX).map_or(key.len(), |(at, _)| at);
        let initial = &key[..first];
        let start = self.sorted.partition_point(|k| &**k < initial);
        self.sorted[start..]
            .iter()
            .take_while(move |k| !initial.is_empty() && k.starts_with(initial))
            .filter(move |k| super::rank::edit_distance(key, k, usize::from(distance)).is_some())
    }

    /// The label rows holding `key`: those of occupations and ISCO groups, and the others (each
    /// ascending).
    pub(super) fn label_parts(&self, key: &str) -> (&[u32], &[u32]) {
        self.lists.get(key).map_or((&[], &[]), |list| {
            let start = list.start as usize;
            self.docs[start..start + list.labels as usize].split_at(list.titles as usize)
        })
    }

    /// The label rows holding `key` (of every kind).
    fn label_docs(&self, key: &str) -> &[u32] {
        self.lists.get(key).map_or(&[], |list| &self.docs[list.start as usize..(list.start + list.labels) as usize])
    }

    /// How many keys a document holds (at most 255).
    pub(super) fn len(&self, doc: u32) -> u8 {
        self.lens[doc as usize]
    }

    /// A document's kind ([`kind_code`]).
    pub(super) fn kind(&self, doc: u32) -> u8 {
        self.kinds[doc as usize]
    }

    /// Runs `f` on this thread's scores, one per document.
    pub(super) fn with_scores<R>(&self, f: impl FnOnce(&mut Scores) -> R) -> R {
        Scores::with(&SCRATCH, self.lens.len(), f)
    }

    /// Adds the BM25 weight of `key` to the label rows holding it (times `boost`) and, with a
    /// `description_boost`, to the descriptions holding it.
    fn add(&self, key: &str, boost: f32, description_boost: Option<f32>, scores: &mut Scores) {
        let Some(&List { start, labels, descriptions: descs, .. }) = self.lists.get(key) else { return };
        let (start, labels, descs) = (start as usize, labels as usize, descs as usize);
        let n = self.lens.len() as f32;
        let mut side = |docs: &[u32], boost: f32, average: f32| {
            let idf = idf(n, docs.len() as f32);
            scores.add(docs, |doc| {
                let len = f32::from(self.lens[doc as usize]);
                boost * idf * (K1 + 1.0) / (1.0 + K1 * (1.0 - B + B * len / average))
            });
        };
        side(&self.docs[start..start + labels], boost, self.average[0]);
        if let Some(boost) = description_boost {
            side(&self.docs[start + labels..start + labels + descs], boost, self.average[1]);
        }
    }

    /// The memory the lists hold, in bytes (approximate).
    pub fn heap_bytes(&self) -> usize {
        self.docs.capacity() * 4
            + self.lens.capacity()
            + self.kinds.capacity()
            + self.lists.capacity() * 40
            + self.sorted.capacity() * 16
    }
}

/// Up to `limit` documents that hold every content word of `query` (its key, a noun of action's
/// verb, one of a compound's parts, or one of the `synonyms` of its key), among the `wanted`,
/// shortest (by `len`) first; with `skip`, the content word at that place (counting content words
/// only) is left out. `label_docs` gives the documents holding a key, as sorted lists.
pub(super) fn holding_all<'s, 'd>(
    query: &[Token],
    skip: Option<usize>,
    limit: usize,
    synonyms: impl Fn(&str) -> &'s [Arc<str>],
    label_docs: impl Fn(&str) -> [&'d [u32]; 2],
    wanted: impl Fn(u32) -> bool,
    len: impl Fn(u32) -> u8,
) -> Vec<u32> {
    let mut words = word_lists(query, synonyms, label_docs);
    if let Some(skip) = skip.filter(|skip| *skip < words.len()) {
        words.remove(skip);
    }
    // A word no label holds: no row holds every word.
    if words.len() < 2 || words.iter().any(|lists| lists.iter().all(|l| l.is_empty())) {
        return Vec::new();
    }
    words.sort_by_key(|lists| total_len(lists));
    let (rarest, others) = words.split_first().expect("two words or more");
    let mut found: Vec<u32> = rarest.iter().flat_map(|list| list.iter().copied()).collect();
    found.sort_unstable();
    found.dedup();
    found.retain(|&doc| wanted(doc));
    for lists in others {
        if found.is_empty() {
            break;
        }
        // `found` ascends: each list is read once, from where the last document left it.
        let mut rests: Vec<&[u32]> = lists.clone();
        found.retain(|&doc| {
            let mut held = false;
            for rest in rests.iter_mut() {
                *rest = from(rest, doc);
                held |= rest.first() == Some(&doc);
            }
            held
        });
    }
    shortest(found, limit, len)
}

/// Per content word of `query`, the sorted lists of the documents that hold it (see
/// [`holding_all`]).
fn word_lists<'s, 'd>(
    query: &[Token],
    synonyms: impl Fn(&str) -> &'s [Arc<str>],
    label_docs: impl Fn(&str) -> [&'d [u32]; 2],
) -> Vec<Vec<&'d [u32]>> {
    let mut words = Vec::new();
    for t in query.iter().filter(|t| !t.stop) {
        let mut lists: Vec<&[u32]> = label_docs(&t.key).to_vec();
        if let Some(v) = t.verb.as_ref().filter(|v| **v != t.key) {
            lists.extend(label_docs(v));
        }
        lists.extend(t.parts.iter().flat_map(|p| label_docs(p)));
        lists.extend(synonyms(&t.key).iter().flat_map(|p| label_docs(p)));
        words.push(lists);
    }
    words
}

/// How many documents a word's lists hold (counted again where they overlap).
fn total_len(lists: &[&[u32]]) -> usize {
    lists.iter().map(|l| l.len()).sum()
}

/// The `limit` shortest (by `len`, then lowest) of `found`, in that order.
fn shortest(mut found: Vec<u32>, limit: usize, len: impl Fn(u32) -> u8) -> Vec<u32> {
    if found.len() > limit {
        found.select_nth_unstable_by_key(limit, |&doc| (len(doc), doc));
        found.truncate(limit);
    }
    found.sort_unstable_by_key(|&doc| (len(doc), doc));
    found
}

/// Per content word of `query`, [`holding_all`] with that word left out, from one pass over the
/// candidates: a document that misses one word at most holds one of any two words, so the
/// documents of the two rarest words are the candidates, and each is checked once against every
/// word's lists until it misses two. A query of fewer than three content words has no
/// conjunction left with one word out.
pub(super) fn holding_all_but_one<'s, 'd>(
    query: &[Token],
    limit: usize,
    synonyms: impl Fn(&str) -> &'s [Arc<str>],
    label_docs: impl Fn(&str) -> [&'d [u32]; 2],
    wanted: impl Fn(u32) -> bool,
    len: impl Fn(u32) -> u8,
) -> Vec<Vec<u32>> {
    let words = word_lists(query, synonyms, label_docs);
    let mut per_word: Vec<Vec<u32>> = vec![Vec::new(); words.len()];
    if words.len() < 3 {
        return per_word;
    }
    let mut by_size: Vec<&Vec<&[u32]>> = words.iter().collect();
    by_size.sort_by_key(|lists| total_len(lists));
    let mut candidates: Vec<u32> =
        by_size[..2].iter().flat_map(|lists| lists.iter().flat_map(|l| l.iter().copied())).collect();
    candidates.sort_unstable();
    candidates.dedup();
    // The candidates ascend: each list is read once, from where the last candidate left it.
    let mut rests = words.clone();
    for doc in candidates.into_iter().filter(|doc| wanted(*doc)) {
        // How many words the document misses (up to two), and the last one.
        let (mut misses, mut missed) = (0, 0);
        for (word, lists) in rests.iter_mut().enumerate() {
            let mut held = false;
            for rest in lists.iter_mut() {
                *rest = from(rest, doc);
                held |= rest.first() == Some(&doc);
            }
            if !held {
                (misses, missed) = (misses + 1, word);
                if misses == 2 {
                    break;
                }
            }
        }
        match misses {
            0 => per_word.iter_mut().for_each(|found| found.push(doc)),
            1 => per_word[missed].push(doc),
            _ => {}
        }
    }
    per_word.into_iter().map(|found| shortest(found, limit, &len)).collect()
}

/// The part of a sorted `list` from its first document not below `doc`, found by galloping: the
/// steps double from the start, then a binary search within the last step (a few steps when the
/// document is near, as it is when an intersection walks a list in order).
fn from(list: &[u32], doc: u32) -> &[u32] {
    if list.first().is_none_or(|&first| first >= doc) {
        return list;
    }
    // list[bound / 2] is below `doc`; list[bound] is not, or is past the end.
    let mut bound = 1;
    while bound < list.len() && list[bound] < doc {
        bound *= 2;
    }
    let start = bound / 2 + 1;
    let end = bound.min(list.len());
    &list[start + list[start..end].partition_point(|&d| d < doc)..]
}

/// BM25's length component per length (`K1 · (1 − B + B · length / average)`), as tantivy caches
/// it (shared by the title retrieval and the clause-by-clause scoring of [`super::index`]), and
/// the term-frequency part of a term held once (`1 / (1 + that)`), the same division done once.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct LengthParts {
    norm: Vec<f32>,
    once: Vec<f32>,
}

impl LengthParts {
    /// For a field of `total_terms` terms over `index_docs` documents; `length` gives the field
    /// length that each of the 256 entries stands for.
    pub(super) fn new(total_terms: u64, index_docs: u64, length: impl Fn(u8) -> u32) -> LengthParts {
        // tantivy's average length: the field's terms over every document of the index.
        let average = total_terms as f32 / index_docs.max(1) as f32;
        let norm: Vec<f32> = (0..=255u8).map(|i| K1 * (1.0 - B + B * length(i) as f32 / average)).collect();
        let once = norm.iter().map(|norm| 1.0 / (1.0 + norm)).collect();
        LengthParts { norm, once }
    }

    /// The term-frequency part of a term held `freq` times in a document at `length`.
    #[inline]
    pub(super) fn tf(&self, length: u8, freq: u32) -> f32 {
        if freq == 1 {
            self.once[length as usize]
        } else {
            let freq = freq as f32;
            freq / (freq + self.norm[length as usize])
        }
    }
}

/// True for the [`kind_code`] of an occupation or an ISCO group.
fn is_title_code(code: u8) -> bool {
    [ConceptKind::Occupation, ConceptKind::IscoGroup].iter().any(|k| kind_code(*k) == u64::from(code))
}

/// BM25's inverse document frequency of a term in `df` of `n` documents, as tantivy computes it.
pub(super) fn idf(n: f32, df: f32) -> f32 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontology::{self, SourceSpec};
    use crate::search::analysis::Lang;
    use crate::search::index::{TantivyIndex, typo_candidates};

    /// The kinds a title search counts as its facets' others.
    fn others() -> Vec<ConceptKind> {
        ConceptKind::ALL
            .iter()
            .copied()
            .filter(|k| !matches!(k, ConceptKind::Occupation | ConceptKind::IscoGroup))
            .collect()
    }

    fn kind_of(table: &LabelTable, doc: u32) -> ConceptKind {
        match table.rows.get(doc as usize) {
            Some(row) => row.kind,
            None => table.descriptions[doc as usize - table.rows.len()].kind,
        }
    }

    /// On the default ontology, every Dutch label of the other kinds, searched as a query, finds its
    /// own row and (nearly) all of the ten documents tantivy ranks first, among the kinds asked for
    /// only.
    #[test]
    fn finds_what_tantivy_ranks_first() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let index = TantivyIndex::build_in_ram(&table).expect("index builds");
        let postings = Postings::build(&table);
        let kinds = others();
        let (mut queries, mut tantivy_top, mut shared) = (0, 0, 0);
        for (i, row) in table.rows.iter().enumerate() {
            if &*row.lang != "nl" || !kinds.contains(&row.kind) || row.tokens.iter().all(|t| t.stop) {
                continue;
            }
            let query = table.analyze(&row.text, Lang::Nl);
            let found = postings.top(&query, &[], &kinds, true, 200);
            assert!(found.contains(&(i as u32)), "{:?} does not find its own row", row.text);
            assert!(found.iter().all(|doc| kinds.contains(&kind_of(&table, *doc))));
            let expected = index.candidates(&query, &kinds, &[], true, 10).expect("tantivy answers");
            tantivy_top += expected.len();
            shared += expected.iter().filter(|doc| found.contains(doc)).count();
            queries += 1;
        }
        assert!(queries > 100, "only {queries} labels searched");
        assert!(shared as f64 >= 0.95 * tantivy_top as f64, "{shared} of tantivy's {tantivy_top} first found");
    }

    /// On the default ontology, every Dutch label of two words or more finds its own row among the
    /// rows that hold all its words, every row found holds each word, and a word no label holds
    /// finds nothing.
    #[test]
    fn the_rows_holding_every_word_of_a_query() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let postings = Postings::build(&table);
        let holds = |doc: u32, word: &Token| {
            doc_keys(&table.rows[doc as usize].tokens)
                .iter()
                .any(|k| **k == word.key || word.verb.as_ref() == Some(*k) || word.parts.iter().any(|p| p == *k))
        };
        let mut queries = 0;
        for (i, row) in table.rows.iter().enumerate() {
            let content = row.tokens.iter().filter(|t| !t.stop).count();
            if &*row.lang != "nl" || content < 2 {
                continue;
            }
            let query = table.analyze(&row.text, Lang::Nl);
            let found = postings.all_words(&query, None, &[row.kind], 10_000, |_| &[]);
            assert!(found.contains(&(i as u32)), "{:?} does not find its own row", row.text);
            for doc in &found {
                assert_eq!(table.rows[*doc as usize].kind, row.kind);
                assert!(
                    query.iter().filter(|t| !t.stop).all(|t| holds(*doc, t)),
                    "{:?}",
                    table.rows[*doc as usize].text
                );
            }
            let mut unknown = query.clone();
            unknown.extend(table.analyze("qqxqzz", Lang::Nl));
            assert!(postings.all_words(&unknown, None, &[row.kind], 10_000, |_| &[]).is_empty());
            queries += 1;
        }
        assert!(queries > 100, "only {queries} labels searched");
        // One word is no conjunction: the union serves it.
        assert!(
            postings
                .all_words(&table.analyze("medewerker", Lang::Nl), None, &[ConceptKind::Occupation], 10, |_| &[])
                .is_empty()
        );
        // No kinds asked: every kind.
        let both = table.analyze("medewerker helpdesk", Lang::Nl);
        assert!(!postings.all_words(&both, None, &[], 10, |_| &[]).is_empty());
        // Leaving out a word no label holds finds the rows of the others.
        let mut three = both.clone();
        three.extend(table.analyze("qqxqzz", Lang::Nl));
        assert!(postings.all_words(&three, None, &[], 10, |_| &[]).is_empty());
        assert_eq!(
            postings.all_words(&three, Some(2), &[], 10, |_| &[]),
            postings.all_words(&both, None, &[], 10, |_| &[])
        );
        // A word no label holds is held by its synonyms' rows.
        let helpdesk: [Arc<str>; 1] = [both[1].key.clone()];
        let mut stand_in = both.clone();
        stand_in[1] = table.analyze("qqxqzz", Lang::Nl).remove(0);
        let unknown_key = stand_in[1].key.clone();
        let with = |key: &str| -> &[Arc<str>] { if key == &*unknown_key { &helpdesk } else { &[] } };
        assert!(postings.all_words(&stand_in, None, &[], 10, |_| &[]).is_empty());
        let by_synonym = postings.all_words(&stand_in, None, &[], 10, with);
        let by_word = postings.all_words(&both, None, &[], 10, |_| &[]);
        assert!(!by_synonym.is_empty() && by_synonym.iter().all(|row| by_word.contains(row)), "{by_synonym:?}");
    }

    /// A typo in a word no label has (after its first two letters) finds the labels of the word.
    #[test]
    fn a_typo_finds_the_word_it_stands_for() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let postings = Postings::build(&table);
        let kinds = others();
        let (at, word) = table
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                &*r.lang == "nl" && kinds.contains(&r.kind) && r.tokens.len() == 1 && r.tokens[0].parts.is_empty()
            })
            .find_map(|(i, r)| {
                (r.tokens[0].word.len() >= 9 && r.tokens[0].word.is_ascii()).then(|| (i, r.tokens[0].word.to_string()))
            })
            .expect("a one-word label of nine letters");
        // Swap two letters in the middle: one edit (a transposition).
        let mut letters: Vec<char> = word.chars().collect();
        letters.swap(4, 5);
        let typo: String = letters.into_iter().collect();
        let query = table.analyze(&typo, Lang::Nl);
        let typos = typo_candidates(&table, &query);
        assert_eq!(typos.len(), 1, "{typo:?} is no unknown word");
        let found = postings.top(&query, &typos, &kinds, true, 200);
        assert!(found.contains(&(at as u32)), "{typo:?} does not find {word:?}");
        if query[0].parts.is_empty() {
            assert!(postings.top(&query, &[], &kinds, true, 200).is_empty(), "{typo:?} found without typo tolerance");
        }
    }

    /// Galloping finds where a sorted list reaches a document, as a binary search over the whole
    /// list does, from any start.
    #[test]
    fn galloping_finds_the_first_document_not_below() {
        let list: Vec<u32> = (0..300).map(|i| i * 4 + (i % 3)).collect();
        for start in [0, 1, 2, 5, 64, 299, 300] {
            let rest = &list[start..];
            for doc in 0..1250 {
                let expected = &rest[rest.partition_point(|&d| d < doc)..];
                assert_eq!(from(rest, doc), expected, "from {start} to {doc}");
            }
        }
        assert!(from(&[], 3).is_empty());
    }

    /// A search among occupations and ISCO groups reads their rows alone (at the head of each
    /// list), and finds what a search among every kind finds of theirs, in the same order. And
    /// leaving out each content word at once finds what leaving out one at a time finds, in the
    /// same order, among every kind and among the titles.
    #[test]
    fn the_title_rows_holding_every_word_are_those_of_all_rows() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let postings = Postings::build(&table);
        let synonyms = |key: &str| table.synonyms.of(key);
        let titles =
            |doc: &u32| matches!(table.rows[*doc as usize].kind, ConceptKind::Occupation | ConceptKind::IscoGroup);
        let (mut queries, mut found) = (0, 0);
        for row in table.rows.iter().filter(|r| &*r.lang == "nl") {
            let query = table.analyze(&row.text, Lang::Nl);
            let content = query.iter().filter(|t| !t.stop).count();
            if content < 2 {
                continue;
            }
            let both = [ConceptKind::Occupation, ConceptKind::IscoGroup];
            for skip in std::iter::once(None).chain((0..content).map(Some)) {
                let mut expected = postings.all_words(&query, skip, &[], usize::MAX, synonyms);
                expected.retain(titles);
                expected.truncate(20);
                assert_eq!(postings.all_words(&query, skip, &both, 20, synonyms), expected, "{:?}", row.text);
                found += expected.len();
            }
            for (kinds, limit) in [(&[][..], 10), (&both[..], 10), (&both[..], usize::MAX)] {
                let at_once = postings.all_but_one(&query, kinds, limit, synonyms);
                assert_eq!(at_once.len(), content, "{:?}", row.text);
                for (skip, rows) in at_once.iter().enumerate() {
                    let one_by_one = postings.all_words(&query, Some(skip), kinds, limit, synonyms);
                    assert_eq!(rows, &one_by_one, "{:?} without word {skip} among {kinds:?}", row.text);
                    found += rows.len();
                }
            }
            queries += 1;
        }
        assert!(queries > 1000 && found > 500, "{queries} queries, {found} rows found");
    }
}

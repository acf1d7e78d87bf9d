//! Autocomplete: a prefix of one or more characters → the top concepts, per keystroke.
//!
//! An in-memory sorted list of every label word, each once, with its entries (the label rows that
//! use it, each with its score's parts) — every label word and every compound part, so `chauf`
//! finds `vrachtwagenchauffeur` — finds a prefix's entries with two binary searches. With several query words, every word must be the start of some word of the label (the
//! last one may be unfinished). Ranking is static per label (form weight, position of the matched
//! word, label length, the completed word's frequency, the concept's kind) plus how much of the
//! matched word the prefix already spells, so results are stable from keystroke to keystroke.
//!
//! Built for keystrokes: the parts of the score that do not depend on the prefix are computed once
//! per entry and per label row, so scoring an entry is a few multiplications. A one-word prefix
//! whose entries are too many to score per keystroke (`v`, `ver`, `medew`: thousands to a hundred
//! thousand entries) is answered from its precomputed top concepts per kind and label language —
//! exactly the answer scoring every entry would give (see [`SuggestIndex::heavy`]). Every other
//! prefix scores at most [`HEAVY_ENTRIES`] entries, except a prefix of several words whose most
//! selective word is still that common. There a row must hold the letter pairs of the other words
//! (a bit mask per row) before its words are read for them: most rows of a common word do not
//! (`manager met`: 0.6 → 0.2 ms, BENCHMARKS.md "Suggest, session 19").

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use super::analysis;
use super::labels::{LabelKind, LabelTable};
use crate::model::ConceptKind;
use crate::ontology::ConceptIdx;

/// One word of a label (the word is [`SuggestIndex::words`]' that the entry is filed under), with
/// everything a scan needs to score it: the scan reads entries in order and never the label row's
/// prior (a cache miss per entry), except for the few it offers to the page.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Entry {
    row: u32,
    /// The score for a typed prefix is `prior + per_char × typed characters` ([`static_score`]).
    prior: f32,
    per_char: f32,
    /// The row's kind, label language (index into [`SuggestIndex::langs`]) and deprecation, for
    /// the scan's filters: they fit in the entry's padding.
    kind: ConceptKind,
    lang: u16,
    deprecated: bool,
}

/// What a scan needs of a label row besides its entries.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct Row {
    concept: ConceptIdx,
    kind: ConceptKind,
    /// Index into [`SuggestIndex::langs`].
    lang: u16,
    /// Deprecated concepts are suggested only when asked for (and never precomputed).
    deprecated: bool,
    /// The letter pairs of the row's words ([`letter_pairs`]): a query word that some word of the
    /// row contains has all its pairs among them, so a row without them is passed over before its
    /// words are read.
    letters: u64,
}

/// The parts of a label row's score that depend on the label alone (while the list is built).
struct RowPrior {
    /// Kind factor × label form weight.
    kind_weight: f32,
    popularity: f32,
    /// The label-length divisor.
    length: f32,
}

/// The precomputed answers of one common one-word prefix: per (kind, label language), the best
/// concepts by their best entry's score, best first.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Heavy {
    lists: Vec<HeavyList>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct HeavyList {
    kind: ConceptKind,
    lang: u16,
    /// (score without the language factor, entry index), by score descending then concept.
    best: Box<[(f32, u32)]>,
}

/// The sorted word list of one snapshot.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SuggestIndex {
    /// Every label word once, sorted: a prefix's words are a range of it, found by two binary
    /// searches.
    #[serde(with = "crate::persist::shared_seq")]
    words: Vec<Arc<str>>,
    /// Per word, the end of its entries in `entries` (the start is the word before's end): each
    /// word is stored once, not once per label that uses it (half the memory of the list).
    word_ends: Vec<u32>,
    /// Grouped by word, then sorted by row.
    entries: Vec<Entry>,
    /// Per label row.
    rows: Vec<Row>,
    /// The label languages, as the rows name them.
    langs: Vec<Box<str>>,
    /// Every one-word prefix with more than `heavy_entries` entries, with its precomputed answers.
    heavy: HashMap<Box<str>, Heavy>,
    /// A prefix with more entries than this is answered from `heavy`.
    heavy_entries: usize,
}

/// A one-word prefix with more entries than this is precomputed (scoring this many takes some
/// 10–20 µs; the commonest prefixes have a hundred thousand).
pub const HEAVY_ENTRIES: usize = 768;
/// Concepts kept per kind and language of a precomputed prefix: the largest page the API serves
/// (50) with room to spare, so every page up to it is exact.
const HEAVY_KEEP: usize = 64;

/// The score of an entry for a typed prefix, before the language factor: the label form, how much
/// of the word the prefix already spells, how common the completed word is in the ontology's
/// labels (people type the start of the word they mean, and the common one is the one most mean:
/// "verpl" → verpleegkundige before verpleeghulp), whether it is the label's first word, the
/// label's length, and its kind (a title typed in a search box most often names an occupation).
fn static_score(entry: &Entry, typed_chars: usize) -> f32 {
    entry.prior + entry.per_char * typed_chars as f32
}

/// The parts of [`static_score`] that do not depend on the prefix: `kind_weight × (0.45 + 0.3 ×
/// typed / chars + 0.15 × popularity + FREQUENCY_WEIGHT × frequency + 0.15 for a label's first
/// word) / length`, split into the constant and the factor of the typed characters.
fn entry_prior(row: &RowPrior, chars: usize, frequency: f32, first_word: bool) -> (f32, f32) {
    let constant = 0.45 + 0.15 * row.popularity + FREQUENCY_WEIGHT * frequency + if first_word { 0.15 } else { 0.0 };
    (row.kind_weight * constant / row.length, row.kind_weight * 0.3 / (chars.max(1) as f32 * row.length))
}

/// A word used in this many labels counts as fully common for the suggestion prior.
const COMMON_WORD_DF: f32 = 200.0;
/// Weight of the completed word's frequency in a suggestion's score.
const FREQUENCY_WEIGHT: f32 = 0.2;
/// Factor of kinds other than occupations among suggestions of equal form.
const OTHER_KIND_FACTOR: f32 = 0.95;
/// Factor of an alternative label that is another concept's preferred label of the same kind
/// (ESCO gives `lasser` as an alternative label of a welding inspector and of an art metal
/// worker; typed out, it means the welder first): below any unshadowed label of the same form.
const SHADOWED_FACTOR: f32 = 0.85;
/// Factor of labels in another language than the one asked for.
const OTHER_LANG_FACTOR: f32 = 0.9;

/// One suggestion.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub concept: ConceptIdx,
    pub row: u32,
    pub score: f32,
}

impl SuggestIndex {
    pub fn build(table: &LabelTable) -> SuggestIndex {
        SuggestIndex::build_with(table, HEAVY_ENTRIES)
    }

    /// Builds with another threshold for precomputed prefixes (tests use a small one, to check
    /// the precomputed answers against scoring every entry on a small ontology).
    pub fn build_with(table: &LabelTable, heavy_entries: usize) -> SuggestIndex {
        // The concept each preferred label names, per kind and language: an alternative label
        // that is another concept's preferred label of the same kind is shadowed by it.
        let mut preferred: HashMap<(ConceptKind, &str, String), ConceptIdx> = HashMap::default();
        for row in table.rows.iter().filter(|r| r.label_kind == LabelKind::Preferred) {
            preferred.insert((row.kind, &*row.lang, row.exact()), row.concept);
        }
        let shadowed = |row: &super::labels::LabelRow| {
            matches!(row.label_kind, LabelKind::Alternative | LabelKind::Hidden | LabelKind::Vocabulary)
                && preferred.get(&(row.kind, &*row.lang, row.exact())).is_some_and(|c| *c != row.concept)
        };
        let mut langs: Vec<Box<str>> = Vec::new();
        let (rows, priors): (Vec<Row>, Vec<RowPrior>) = table
            .rows
            .iter()
            .map(|row| {
                let lang = match langs.iter().position(|l| *l == row.lang) {
                    Some(at) => at,
                    None => {
                        langs.push(row.lang.clone());
                        langs.len() - 1
                    }
                };
                let words_in_label = row.tokens.iter().filter(|t| !t.stop).count() as f32;
                let kind = if row.kind == ConceptKind::Occupation { 1.0 } else { OTHER_KIND_FACTOR };
                let scanned = Row {
                    concept: row.concept,
                    kind: row.kind,
                    lang: lang.min(u16::MAX as usize) as u16,
                    deprecated: row.deprecated,
                    letters: row.tokens.iter().fold(0, |letters, t| letters | letter_pairs(&t.word)),
                };
                let prior = RowPrior {
                    kind_weight: kind * row.label_kind.weight() * if shadowed(row) { SHADOWED_FACTOR } else { 1.0 },
                    popularity: table.popularity.get(row.concept.0 as usize).copied().unwrap_or(0.0),
                    length: 1.0 + 0.08 * (words_in_label - 1.0).max(0.0),
                };
                (scanned, prior)
            })
            .unzip();

        let mut entries: Vec<(Arc<str>, Entry)> = Vec::new();
        const _: () = assert!(std::mem::size_of::<Entry>() == 16, "four entries to a cache line");
        const _: () = assert!(std::mem::size_of::<Row>() == 16, "the letters in the row's padding");
        for (i, row) in table.rows.iter().enumerate() {
            if matches!(row.label_kind, LabelKind::Member | LabelKind::Code) {
                continue;
            }
            for (position, token) in row.tokens.iter().enumerate() {
                if token.stop {
                    continue;
                }
                let df = table.df(&token.key);
                let frequency = ((1.0 + df as f32).ln() / (1.0 + COMMON_WORD_DF).ln()).min(1.0);
                // A label word is completed as itself: every label word is in the compound
                // dictionary, so none is completed through its parts ("schoenm" is the start of
                // schoenmaker, not of every compound with "schoen").
                let word = token.word.clone();
                let (constant, per_char) = entry_prior(&priors[i], word.chars().count(), frequency, position == 0);
                let entry = Entry {
                    row: i as u32,
                    prior: constant,
                    per_char,
                    kind: rows[i].kind,
                    lang: rows[i].lang,
                    deprecated: rows[i].deprecated,
                };
                entries.push((word, entry));
            }
        }
        // A word twice in one label (`verkoop … verkoop`) is one entry: its best-scoring one.
        entries.sort_unstable_by(|(a_word, a), (b_word, b)| {
            (a_word, a.row)
                .cmp(&(b_word, b.row))
                .then(b.prior.total_cmp(&a.prior))
                .then(b.per_char.total_cmp(&a.per_char))
        });
        entries.dedup_by(|(a_word, a), (b_word, b)| a_word == b_word && a.row == b.row);
        let mut words: Vec<Arc<str>> = Vec::new();
        let mut word_ends: Vec<u32> = Vec::new();
        for (at, (word, _)) in entries.iter().enumerate() {
            if words.last() != Some(word) {
                words.push(word.clone());
                word_ends.push(at as u32);
            }
            *word_ends.last_mut().expect("a word was pushed") = at as u32 + 1;
        }
        words.shrink_to_fit();
        word_ends.shrink_to_fit();
        let entries: Vec<Entry> = entries.into_iter().map(|(_, entry)| entry).collect();

        let mut index =
            SuggestIndex { words, word_ends, entries, rows, langs, heavy: HashMap::default(), heavy_entries };
        index.heavy = index.precompute();
        index
    }

    /// Finds every prefix with more than `heavy_entries` entries and keeps its best concepts per
    /// kind and label language.
    ///
    /// Why that answers every page exactly: a concept's score for a request is its best entry's
    /// score times the language factor, which is the same for every label of one language. So
    /// if a concept is not among the best [`HEAVY_KEEP`] of its kind and language, that many
    /// others of the same kind and language score at least as high with the same factor, and it
    /// cannot be on a page of at most that many; the ones that can are all in the lists, each
    /// with its best entry per language.
    fn precompute(&self) -> HashMap<Box<str>, Heavy> {
        let mut heavy = HashMap::default();
        // (start, end, prefix length in bytes) of ranges of words that share a prefix.
        let mut stack = vec![(0usize, self.words.len(), 0usize)];
        // Per (concept, language): the best (score, entry) in the current prefix, stamped with it.
        let slots = self.rows.iter().map(|r| r.concept.0 as usize + 1).max().unwrap_or(0) * self.langs.len().max(1);
        let mut best: Vec<(u32, f32, u32)> = vec![(u32::MAX, 0.0, 0); slots];
        let mut touched: Vec<usize> = Vec::new();
        let mut stamp = 0u32;
        while let Some((start, end, len)) = stack.pop() {
            let mut i = start;
            while i < end {
                let word = &self.words[i];
                let Some(next) = word[len..].chars().next() else {
                    i += 1;
                    continue;
                };
                let prefix = &word[..len + next.len_utf8()];
                let j = i + self.words[i..end].partition_point(|w| w.starts_with(prefix));
                let entries = self.entries_of(i..j);
                if entries.len() > self.heavy_entries {
                    let typed = prefix.chars().count();
                    touched.clear();
                    for at in entries {
                        let entry = &self.entries[at];
                        if entry.deprecated {
                            continue;
                        }
                        let score = static_score(entry, typed);
                        let row = &self.rows[entry.row as usize];
                        let slot = row.concept.0 as usize * self.langs.len() + row.lang as usize;
                        let current = &mut best[slot];
                        if current.0 != stamp {
                            *current = (stamp, score, at as u32);
                            touched.push(slot);
                        } else if score > current.1 {
                            *current = (stamp, score, at as u32);
                        }
                    }
                    heavy.insert(prefix.into(), self.lists(&touched, &best));
                    stamp += 1;
                    stack.push((i, j, prefix.len()));
                }
                i = j;
            }
        }
        heavy.shrink_to_fit();
        heavy
    }

    /// The lists of one precomputed prefix from its best entry per (concept, language).
    fn lists(&self, touched: &[usize], best: &[(u32, f32, u32)]) -> Heavy {
        let mut groups: HashMap<(ConceptKind, u16), Vec<(f32, u32)>> = HashMap::default();
        for &slot in touched {
            let (_, score, at) = best[slot];
            let row = &self.rows[self.entries[at as usize].row as usize];
            groups.entry((row.kind, row.lang)).or_default().push((score, at));
        }
        let mut lists: Vec<HeavyList> = groups
            .into_iter()
            .map(|((kind, lang), mut list)| {
                list.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| self.concept_of(a.1).cmp(&self.concept_of(b.1))));
                list.truncate(HEAVY_KEEP);
                HeavyList { kind, lang, best: list.into_boxed_slice() }
            })
            .collect();
        lists.sort_by_key(|l| (l.kind as u8, l.lang));
        Heavy { lists }
    }

    fn concept_of(&self, entry: u32) -> ConceptIdx {
        self.rows[self.entries[entry as usize].row as usize].concept
    }

    /// The entries whose word starts with `prefix`, as a range of indexes.
    fn range(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.words.partition_point(|w| &**w < prefix);
        let end = start + self.words[start..].partition_point(|w| w.starts_with(prefix));
        self.entries_of(start..end)
    }

    /// The entries of a range of words, as a range of indexes.
    fn entries_of(&self, words: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let start = |word: usize| if word == 0 { 0 } else { self.word_ends[word - 1] as usize };
        start(words.start)..start(words.end)
    }

    /// The index of `lang` among the labels' languages, looked up once per request: the scan
    /// compares it with every entry's row (a string compare per entry before).
    fn lang_index(&self, lang: &str) -> Option<u16> {
        self.langs.iter().position(|l| **l == *lang).map(|i| i as u16)
    }

    fn lang_factor(lang: u16, asked: Option<u16>) -> f32 {
        if Some(lang) == asked { 1.0 } else { OTHER_LANG_FACTOR }
    }

    /// The best `limit` concepts for the typed `text`, of the given kinds (empty = all), live ones
    /// only unless `include_deprecated` (the precomputed prefixes hold live concepts only, so that
    /// request scans).
    pub fn suggest(
        &self,
        table: &LabelTable,
        text: &str,
        kinds: &[ConceptKind],
        lang: &str,
        limit: usize,
        include_deprecated: bool,
    ) -> Vec<Suggestion> {
        let words: Vec<String> = analysis::words(text).into_iter().map(|w| w.text).collect();
        let content: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .enumerate()
            .filter(|(i, w)| i + 1 == words.len() || !analysis::is_stop_word(w))
            .map(|(_, w)| w)
            .collect();
        if content.is_empty() || limit == 0 {
            return Vec::new();
        }
        let ranges: Vec<std::ops::Range<usize>> = content.iter().map(|w| self.range(w)).collect();
        let Some(driver) = (0..ranges.len()).min_by_key(|&i| ranges[i].len()) else { return Vec::new() };
        if !include_deprecated && content.len() == 1 && ranges[0].len() > self.heavy_entries && limit <= HEAVY_KEEP {
            if let Some(heavy) = self.heavy.get(content[0]) {
                return self.heavy_answer(heavy, kinds, lang, limit);
            }
        }
        self.scan(table, &content, driver, ranges[driver].clone(), kinds, lang, limit, include_deprecated)
    }

    /// Scores the entries of the driving word's range (rows must also match the other words).
    ///
    /// Exactly the answer of scoring every entry, with less work: an entry scoring below the
    /// page's floor is skipped before its row is checked against the other words. The floor is
    /// the lowest of the best `limit` first scores of the concepts taken so far — never above the
    /// page's true last score, so nothing that belongs on the page is skipped. With several words
    /// and a common driving word, its precomputed best entries are tried first, which raises the
    /// floor early.
    #[allow(clippy::too_many_arguments)]
    fn scan(
        &self,
        table: &LabelTable,
        content: &[&str],
        driver: usize,
        range: std::ops::Range<usize>,
        kinds: &[ConceptKind],
        lang: &str,
        limit: usize,
        include_deprecated: bool,
    ) -> Vec<Suggestion> {
        let typed = content[driver].chars().count();
        let asked = self.lang_index(lang);
        let mut page = Page::new(limit);
        let wanted = |kind: ConceptKind| kinds.is_empty() || kinds.contains(&kind);
        // The other words' letter pairs, which a row must have before its words are read.
        let others: u64 =
            content.iter().enumerate().filter(|(i, _)| *i != driver).fold(0, |need, (_, w)| need | letter_pairs(w));
        let row_matches =
            |row: u32| self.rows[row as usize].letters & others == others && others_match(table, content, driver, row);
        if content.len() > 1 && range.len() > self.heavy_entries {
            if let Some(heavy) = self.heavy.get(content[driver]) {
                for list in heavy.lists.iter().filter(|l| wanted(l.kind)) {
                    let factor = Self::lang_factor(list.lang, asked);
                    for &(score, at) in list.best.iter() {
                        let row = self.entries[at as usize].row;
                        if row_matches(row) {
                            let concept = self.rows[row as usize].concept;
                            page.offer(Suggestion { concept, row, score: factor * score }, at);
                        }
                    }
                }
            }
        }
        for at in range {
            let entry = &self.entries[at];
            if !wanted(entry.kind) || (entry.deprecated && !include_deprecated) {
                continue;
            }
            let score = Self::lang_factor(entry.lang, asked) * static_score(entry, typed);
            if score < page.floor() {
                continue;
            }
            if content.len() > 1 && !row_matches(entry.row) {
                continue;
            }
            let concept = self.rows[entry.row as usize].concept;
            page.offer(Suggestion { concept, row: entry.row, score }, at as u32);
        }
        page.into_suggestions()
    }

    /// Scores every entry of the range, nothing skipped: what [`SuggestIndex::suggest`] must equal.
    #[cfg(test)]
    #[allow(clippy::too_many_arguments)]
    fn scan_every_entry(
        &self,
        table: &LabelTable,
        content: &[&str],
        driver: usize,
        kinds: &[ConceptKind],
        lang: &str,
        limit: usize,
    ) -> Vec<Suggestion> {
        let typed = content[driver].chars().count();
        let asked = self.lang_index(lang);
        let mut best: HashMap<ConceptIdx, Suggestion> = HashMap::default();
        for entry in &self.entries[self.range(content[driver])] {
            let row = &self.rows[entry.row as usize];
            if (!kinds.is_empty() && !kinds.contains(&row.kind)) || row.deprecated {
                continue;
            }
            if content.len() > 1 && !others_match(table, content, driver, entry.row) {
                continue;
            }
            let score = Self::lang_factor(row.lang, asked) * static_score(entry, typed);
            let found = Suggestion { concept: row.concept, row: entry.row, score };
            let kept = best.entry(row.concept).or_insert_with(|| found.clone());
            if score > kept.score {
                *kept = found;
            }
        }
        let mut out: Vec<Suggestion> = best.into_values().collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
        out.truncate(limit);
        out
    }

    /// The answer of a precomputed prefix: the lists of the asked kinds, with the language factor.
    fn heavy_answer(&self, heavy: &Heavy, kinds: &[ConceptKind], lang: &str, limit: usize) -> Vec<Suggestion> {
        let asked = self.lang_index(lang);
        let mut candidates: Vec<(Suggestion, u32)> = Vec::new();
        for list in heavy.lists.iter().filter(|l| kinds.is_empty() || kinds.contains(&l.kind)) {
            let factor = Self::lang_factor(list.lang, asked);
            for &(score, at) in list.best.iter() {
                let row = self.entries[at as usize].row;
                let concept = self.rows[row as usize].concept;
                candidates.push((Suggestion { concept, row, score: factor * score }, at));
            }
        }
        // The best entry of a concept over its languages; on equal scores the first entry, as a
        // scan over every entry keeps.
        candidates
            .sort_by(|(a, at), (b, bt)| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)).then(at.cmp(bt)));
        let mut out: Vec<Suggestion> = Vec::with_capacity(limit);
        for (candidate, _) in candidates {
            if out.iter().all(|s| s.concept != candidate.concept) {
                out.push(candidate);
                if out.len() == limit {
                    break;
                }
            }
        }
        out
    }
}

/// The pairs of adjacent characters of a word, hashed into the bits of a mask: a word contained
/// in another has all its pairs among the other's (a one-letter word has none, and passes).
fn letter_pairs(word: &str) -> u64 {
    let mut chars = word.chars();
    let Some(mut before) = chars.next() else { return 0 };
    let mut mask = 0u64;
    for c in chars {
        let pair = (before as u32).wrapping_mul(0x9E37_79B1) ^ (c as u32).wrapping_mul(0x85EB_CA6B);
        mask |= 1 << (pair.wrapping_mul(0xC2B2_AE35) >> 26);
        before = c;
    }
    mask
}

/// Whether every query word but the driving one is in some word of the row: at its start, or
/// inside a longer word (`chauf` in `vrachtwagenchauffeur`) — both are "the word contains it".
fn others_match(table: &LabelTable, content: &[&str], driver: usize, row: u32) -> bool {
    let tokens = &table.rows[row as usize].tokens;
    content.iter().enumerate().filter(|(i, _)| *i != driver).all(|(_, w)| tokens.iter().any(|t| t.word.contains(*w)))
}

/// The best suggestion per concept found so far, and the floor below which an entry cannot reach
/// the page.
struct Page {
    /// Per concept: its best suggestion and that entry's index (on equal scores the first entry
    /// wins, as in a scan in entry order).
    best: HashMap<ConceptIdx, (Suggestion, u32)>,
    /// The first score of each concept taken, at most `limit` of them: the highest ones.
    firsts: BinaryHeap<Reverse<u32>>,
    limit: usize,
}

impl Page {
    fn new(limit: usize) -> Page {
        Page { best: HashMap::default(), firsts: BinaryHeap::with_capacity(limit + 1), limit }
    }

    /// Once `limit` concepts are taken, the lowest of their first scores: every one of them ends
    /// at least that high, so an entry scoring less cannot be on the page.
    fn floor(&self) -> f32 {
        match self.firsts.peek() {
            Some(Reverse(bits)) if self.firsts.len() == self.limit => f32::from_bits(*bits),
            _ => f32::NEG_INFINITY,
        }
    }

    fn offer(&mut self, found: Suggestion, at: u32) {
        // Scores are positive, so their bit patterns order like the numbers.
        debug_assert!(found.score >= 0.0);
        match self.best.entry(found.concept) {
            std::collections::hash_map::Entry::Occupied(mut kept) => {
                let (kept, kept_at) = kept.get_mut();
                if found.score > kept.score || (found.score == kept.score && at < *kept_at) {
                    (*kept, *kept_at) = (found, at);
                }
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                self.firsts.push(Reverse(found.score.to_bits()));
                if self.firsts.len() > self.limit {
                    self.firsts.pop();
                }
                slot.insert((found, at));
            }
        }
    }

    fn into_suggestions(self) -> Vec<Suggestion> {
        let mut out: Vec<Suggestion> = self.best.into_values().map(|(s, _)| s).collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
        out.truncate(self.limit);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontology::{self, SourceSpec};

    /// The precomputed answers are the ones scoring every entry gives: on the default ontology
    /// with a threshold low enough that hundreds of prefixes are precomputed, every prefix of
    /// every label word, with several kind filters, both languages and page sizes up to the
    /// largest kept, gives the same concepts, rows and scores as the scan.
    #[test]
    fn precomputed_prefixes_answer_as_the_scan_does() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let index = SuggestIndex::build_with(&table, 8);
        assert!(index.heavy.len() > 100, "only {} prefixes precomputed", index.heavy.len());
        let filters: [&[ConceptKind]; 4] = [
            &[],
            &[ConceptKind::Occupation, ConceptKind::Skill],
            &[ConceptKind::Skill],
            &[ConceptKind::Course, ConceptKind::Qualification],
        ];
        let mut checked = 0;
        for (prefix, heavy) in &index.heavy {
            assert!(!heavy.lists.is_empty());
            for kinds in filters {
                for lang in ["nl", "en", "de"] {
                    for limit in [1, 10, HEAVY_KEEP] {
                        let fast = index.suggest(&table, prefix, kinds, lang, limit, false);
                        let slow = index.scan_every_entry(&table, &[prefix], 0, kinds, lang, limit);
                        let key = |s: &[Suggestion]| s.iter().map(|s| (s.concept, s.row, s.score)).collect::<Vec<_>>();
                        assert_eq!(key(&fast), key(&slow), "{prefix} {kinds:?} {lang} {limit}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000);
    }

    /// Several words: the floor and the precomputed entries tried first change nothing. Every
    /// pair of a common prefix and a word (whole, or cut to 1–3 characters) of some label gives
    /// what scoring every entry of the driving word gives.
    #[test]
    fn several_words_answer_as_the_scan_does() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let index = SuggestIndex::build_with(&table, 8);
        let words: Vec<&str> = index.words.iter().step_by(37).map(|w| &**w).collect();
        let mut prefixes: Vec<&str> = index.heavy.keys().map(|k| &**k).collect();
        prefixes.sort();
        let mut checked = 0;
        for (i, word) in words.iter().enumerate() {
            let cut: String = word.chars().take(1 + i % 3).collect();
            for other in [word.to_string(), cut] {
                for prefix in prefixes.iter().skip(i % 7).step_by(7) {
                    for content in [[&*other, prefix], [prefix, &*other]] {
                        if content.iter().any(|w| analysis::is_stop_word(w)) {
                            continue;
                        }
                        let text = content.join(" ");
                        // (A word the analysis drops, such as the gender marker `vm`, leaves a
                        // one-word query: not this test's case.)
                        if analysis::words(&text).len() != content.len() {
                            continue;
                        }
                        let ranges: Vec<usize> = content.iter().map(|w| index.range(w).len()).collect();
                        let driver = if ranges[1] < ranges[0] { 1 } else { 0 };
                        for (kinds, lang, limit) in [(&[][..], "nl", 10), (&[ConceptKind::Skill][..], "en", 5)] {
                            let fast = index.suggest(&table, &text, kinds, lang, limit, false);
                            let slow = index.scan_every_entry(&table, &content, driver, kinds, lang, limit);
                            let key =
                                |s: &[Suggestion]| s.iter().map(|s| (s.concept, s.row, s.score)).collect::<Vec<_>>();
                            assert_eq!(key(&fast), key(&slow), "{text:?} {kinds:?} {lang} {limit}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    /// The letter filter passes every row that holds the word: a word inside another has all its
    /// pairs among the other's, whatever its position, length or script.
    #[test]
    fn a_word_inside_another_has_its_letter_pairs() {
        for word in ["vrachtwagenchauffeur", "coördinator", "ict", "zorg", "straße", "x"] {
            let chars: Vec<char> = word.chars().collect();
            for start in 0..chars.len() {
                for end in start + 1..=chars.len() {
                    let inside: String = chars[start..end].iter().collect();
                    assert_eq!(letter_pairs(&inside) & !letter_pairs(word), 0, "{inside} in {word}");
                }
            }
        }
        // And it tells most words apart: a pair filter that passed everything would not help.
        assert_ne!(letter_pairs("manager") & letter_pairs("met"), letter_pairs("met"));
    }

    #[test]
    fn common_prefixes_are_precomputed_and_rare_ones_scanned() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let index = SuggestIndex::build_with(&table, 8);
        for prefix in index.heavy.keys() {
            assert!(index.range(prefix).len() > 8, "{prefix}");
        }
        // Every prefix of every word with more than 8 entries is there.
        for word in &index.words {
            for (end, _) in word.char_indices().skip(1).chain(std::iter::once((word.len(), ' '))) {
                let prefix = &word[..end];
                assert_eq!(index.range(prefix).len() > 8, index.heavy.contains_key(prefix), "{prefix}");
            }
        }
    }
}

//! Autocomplete: a prefix of one or more characters → the top concepts, per keystroke.
//!
//! An in-memory sorted list of (word, label row) pairs — every label word and every compound part,
//! so `chauf` finds `vrachtwagenchauffeur` — answers a prefix with two binary searches. With several
//! query words, every word must be the start of some word of the label (the last one may be
//! unfinished). Ranking is static per label (form weight, position of the matched word, label
//! length) plus how much of the matched words the prefix already spells, so results are stable
//! from keystroke to keystroke.

use std::collections::HashMap;
use std::sync::Arc;

use super::analysis;
use super::labels::{LabelKind, LabelTable};
use crate::model::ConceptKind;
use crate::ontology::ConceptIdx;

/// The sorted word list of one snapshot.
#[derive(Debug, Default)]
pub struct SuggestIndex {
    /// (word, row, position of the word in the label), sorted by word.
    entries: Vec<(Arc<str>, u32, u16)>,
    /// For prefixes of one or two characters — whose ranges hold tens of thousands of words — the
    /// best rows precomputed (score without the language factor), best first.
    short: HashMap<Box<str>, Vec<(f32, u32)>>,
}

/// Prefixes up to this many characters are precomputed.
const SHORT_PREFIX: usize = 2;
/// Rows kept per precomputed prefix: enough for any kind filter to fill a page.
const SHORT_KEEP: usize = 600;

/// The score of a row for a typed prefix, before the language factor: the label form, how much of
/// the word the prefix already spells, how common the completed word is in the ontology's labels
/// (people type the start of the word they mean, and the common one is the one most mean:
/// "verpl" → verpleegkundige before verpleeghulp), whether it is the label's first word, the
/// label's length, and its kind (a title typed in a search box most often names an occupation).
fn static_score(table: &LabelTable, row: u32, typed_chars: usize, word: &str, position: u16) -> f32 {
    let row = &table.rows[row as usize];
    let completion = typed_chars as f32 / word.chars().count().max(1) as f32;
    let words_in_label = row.tokens.iter().filter(|t| !t.stop).count() as f32;
    let popularity = table.popularity.get(row.concept.0 as usize).copied().unwrap_or(0.0);
    let df = row.tokens.get(position as usize).map_or(0, |t| table.df(&t.key));
    let frequency = ((1.0 + df as f32).ln() / (1.0 + COMMON_WORD_DF).ln()).min(1.0);
    let kind = if row.kind == ConceptKind::Occupation { 1.0 } else { OTHER_KIND_FACTOR };
    kind * row.label_kind.weight()
        * (0.45
            + 0.3 * completion
            + 0.15 * popularity
            + FREQUENCY_WEIGHT * frequency
            + if position == 0 { 0.15 } else { 0.0 })
        / (1.0 + 0.08 * (words_in_label - 1.0).max(0.0))
}

/// A word used in this many labels counts as fully common for the suggestion prior.
const COMMON_WORD_DF: f32 = 200.0;
/// Weight of the completed word's frequency in a suggestion's score.
const FREQUENCY_WEIGHT: f32 = 0.2;
/// Factor of kinds other than occupations among suggestions of equal form.
const OTHER_KIND_FACTOR: f32 = 0.95;

/// One suggestion.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub concept: ConceptIdx,
    pub row: u32,
    pub score: f32,
}

impl SuggestIndex {
    pub fn build(table: &LabelTable) -> SuggestIndex {
        let mut entries = Vec::new();
        let mut splits: HashMap<&str, Vec<String>> = HashMap::new();
        for (i, row) in table.rows.iter().enumerate() {
            if matches!(row.label_kind, LabelKind::Member | LabelKind::Code) {
                continue;
            }
            for (position, token) in row.tokens.iter().enumerate() {
                if token.stop {
                    continue;
                }
                let position = position.min(u16::MAX as usize) as u16;
                entries.push((token.word.clone(), i as u32, position));
                let parts = splits.entry(&token.word).or_insert_with(|| table.decompounder.split(&token.word));
                for part in parts.iter() {
                    entries.push((part.as_str().into(), i as u32, position));
                }
            }
        }
        entries.sort_unstable();
        entries.dedup();
        let mut short: HashMap<Box<str>, Vec<(f32, u32)>> = HashMap::new();
        for (word, row, position) in &entries {
            for (n, (end, _)) in word.char_indices().skip(1).chain(std::iter::once((word.len(), ' '))).enumerate() {
                if n >= SHORT_PREFIX {
                    break;
                }
                let score = static_score(table, *row, n + 1, word, *position);
                short.entry(word[..end].into()).or_default().push((score, *row));
            }
        }
        for rows in short.values_mut() {
            rows.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            rows.dedup_by_key(|(_, row)| *row);
            rows.truncate(SHORT_KEEP);
            rows.shrink_to_fit();
        }
        SuggestIndex { entries, short }
    }

    /// Answers a one-word prefix of one or two characters from the precomputed lists; `None` when
    /// the list cannot fill the page for this kind filter (then the full scan answers).
    fn suggest_short(
        &self,
        table: &LabelTable,
        word: &str,
        kinds: &[ConceptKind],
        lang: &str,
        limit: usize,
        include_deprecated: bool,
    ) -> Option<Vec<Suggestion>> {
        let rows = self.short.get(word)?;
        let mut out: Vec<Suggestion> = Vec::with_capacity(limit);
        let mut seen = std::collections::HashSet::new();
        let mut candidates: Vec<Suggestion> = rows
            .iter()
            .filter(|(_, row)| kinds.is_empty() || kinds.contains(&table.rows[*row as usize].kind))
            .filter(|(_, row)| include_deprecated || !table.rows[*row as usize].deprecated)
            .map(|(score, row)| {
                let label = &table.rows[*row as usize];
                let lang_factor = if &*label.lang == lang { 1.0 } else { 0.9 };
                Suggestion { concept: label.concept, row: *row, score: score * lang_factor }
            })
            .collect();
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
        for candidate in candidates {
            if seen.insert(candidate.concept) {
                out.push(candidate);
                if out.len() == limit {
                    return Some(out);
                }
            }
        }
        // Fewer than a page: complete only if the list held every row of the prefix.
        (rows.len() < SHORT_KEEP).then_some(out)
    }

    /// The entries whose word starts with `prefix`.
    fn range(&self, prefix: &str) -> &[(Arc<str>, u32, u16)] {
        let start = self.entries.partition_point(|(w, _, _)| &**w < prefix);
        let end = start + self.entries[start..].partition_point(|(w, _, _)| w.starts_with(prefix));
        &self.entries[start..end]
    }

    /// The best `limit` concepts for the typed `text`, of the given kinds (empty = all).
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
        if let [word] = content.as_slice() {
            if word.chars().count() <= SHORT_PREFIX {
                if let Some(out) = self.suggest_short(table, word, kinds, lang, limit, include_deprecated) {
                    return out;
                }
            }
        }
        // Drive with the most selective word; check the others on the row itself.
        let ranges: Vec<&[(Arc<str>, u32, u16)]> = content.iter().map(|w| self.range(w)).collect();
        let Some(driver) = (0..ranges.len()).min_by_key(|&i| ranges[i].len()) else { return Vec::new() };
        let mut best: HashMap<ConceptIdx, Suggestion> = HashMap::new();
        for (word, row_id, position) in ranges[driver] {
            let row = &table.rows[*row_id as usize];
            if (!kinds.is_empty() && !kinds.contains(&row.kind)) || (row.deprecated && !include_deprecated) {
                continue;
            }
            let others_match = content.iter().enumerate().filter(|(i, _)| *i != driver).all(|(_, w)| {
                row.tokens.iter().any(|t| t.word.starts_with(*w))
                    || row.tokens.iter().any(|t| t.word.len() > w.len() && t.word.contains(*w))
            });
            if !others_match {
                continue;
            }
            let lang_factor = if &*row.lang == lang { 1.0 } else { 0.9 };
            let score = lang_factor * static_score(table, *row_id, content[driver].chars().count(), word, *position);
            let entry = best.entry(row.concept).or_insert(Suggestion { concept: row.concept, row: *row_id, score });
            if score > entry.score {
                *entry = Suggestion { concept: row.concept, row: *row_id, score };
            }
        }
        let mut out: Vec<Suggestion> = best.into_values().collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
        out.truncate(limit);
        out
    }
}

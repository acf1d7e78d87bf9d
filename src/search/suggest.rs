//! Autocomplete: a prefix of one or more characters → the top concepts, per keystroke.
//!
//! An in-memory sorted list of (word, label row) pairs — every label word and every compound part,
//! so `chauf` finds `vrachtwagenchauffeur` — answers a prefix with two binary searches. With several
//! query words, every word must be the start of some word of the label (the last one may be
//! unfinished). Ranking is static per label (form weight, position of the matched word, label
//! length) plus how much of the matched words the prefix already spells, so results are stable
//! from keystroke to keystroke.

use std::collections::HashMap;

use super::analysis;
use super::labels::{LabelKind, LabelTable};
use crate::model::ConceptKind;
use crate::ontology::ConceptIdx;

/// The sorted word list of one snapshot.
#[derive(Debug, Default)]
pub struct SuggestIndex {
    /// (word, row, position of the word in the label), sorted by word.
    entries: Vec<(Box<str>, u32, u16)>,
}

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
        SuggestIndex { entries }
    }

    /// The entries whose word starts with `prefix`.
    fn range(&self, prefix: &str) -> &[(Box<str>, u32, u16)] {
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
        // Drive with the most selective word; check the others on the row itself.
        let ranges: Vec<&[(Box<str>, u32, u16)]> = content.iter().map(|w| self.range(w)).collect();
        let Some(driver) = (0..ranges.len()).min_by_key(|&i| ranges[i].len()) else { return Vec::new() };
        let mut best: HashMap<ConceptIdx, Suggestion> = HashMap::new();
        for (word, row_id, position) in ranges[driver] {
            let row = &table.rows[*row_id as usize];
            if !kinds.is_empty() && !kinds.contains(&row.kind) {
                continue;
            }
            let others_match = content.iter().enumerate().filter(|(i, _)| *i != driver).all(|(_, w)| {
                row.tokens.iter().any(|t| t.word.starts_with(*w))
                    || row.tokens.iter().any(|t| t.word.len() > w.len() && t.word.contains(*w))
            });
            if !others_match {
                continue;
            }
            let typed = content[driver].chars().count() as f32;
            let completion = typed / word.chars().count().max(1) as f32;
            let words_in_label = row.tokens.iter().filter(|t| !t.stop).count() as f32;
            let lang_factor = if &*row.lang == lang { 1.0 } else { 0.9 };
            let score = row.label_kind.weight()
                * lang_factor
                * (0.5 + 0.3 * completion + if *position == 0 { 0.15 } else { 0.0 })
                / (1.0 + 0.08 * (words_in_label - 1.0).max(0.0));
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

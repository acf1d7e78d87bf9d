//! Extraction of skill and occupation mentions from free text (a CV, a vacancy).
//!
//! A gazetteer maps the analyzed content words of every skill and occupation label (in the label's
//! language) to its label rows. The text is cut into segments at sentence and list punctuation, and
//! in each segment the longest run of content words that spells a label is a mention: in label order
//! (`heftruck besturen`), or for short labels in any order (`besturen van een heftruck`) at a lower
//! confidence. Overlapping mentions are resolved longest first, then by confidence. Stop words and
//! filler never make a mention: a label needs a content word, and single common words are skipped.

use std::collections::HashMap;

use super::analysis::{self, Lang};
use super::labels::{LabelKind, LabelTable, token};
use crate::model::ConceptKind;
use crate::ontology::ConceptIdx;

/// The longest label (in content words) the gazetteer holds.
const MAX_WORDS: usize = 8;
/// Labels of up to this many words also match in any word order.
const MAX_UNORDERED: usize = 4;
/// A single word is a mention only if at most this many labels use it (else it is filler such as
/// `werken` or `klant`).
const MAX_SINGLE_WORD_DF: u32 = 40;
/// Mentions below this confidence are dropped.
pub const MIN_CONFIDENCE: f32 = 0.45;

/// The kinds extraction looks for.
pub const EXTRACTED_KINDS: [ConceptKind; 2] = [ConceptKind::Skill, ConceptKind::Occupation];

/// One mention found in the text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// Character (Unicode scalar) offsets in the text, end exclusive.
    pub start: usize,
    pub end: usize,
    pub concept: ConceptIdx,
    /// The label row it matched.
    pub row: u32,
    pub confidence: f32,
    /// Other concepts with the same label (an ambiguous mention).
    pub alternatives: Vec<ConceptIdx>,
}

/// Label keys → label rows.
#[derive(Debug, Default)]
pub struct Gazetteer {
    ordered: HashMap<String, Vec<u32>>,
    unordered: HashMap<String, Vec<u32>>,
}

fn content_keys(tokens: &[super::labels::Token]) -> Vec<&str> {
    tokens.iter().filter(|t| !t.stop).map(|t| &*t.key).collect()
}

fn unordered_key(keys: &[&str]) -> String {
    let mut sorted = keys.to_vec();
    sorted.sort_unstable();
    sorted.join(" ")
}

impl Gazetteer {
    pub fn build(table: &LabelTable) -> Gazetteer {
        let mut g = Gazetteer::default();
        for (i, row) in table.rows.iter().enumerate() {
            if !EXTRACTED_KINDS.contains(&row.kind) || matches!(row.label_kind, LabelKind::Member | LabelKind::Code) {
                continue;
            }
            let keys = content_keys(&row.tokens);
            if keys.is_empty() || keys.len() > MAX_WORDS {
                continue;
            }
            if keys.len() == 1 && (keys[0].chars().count() < 3 || table.df(keys[0]) > MAX_SINGLE_WORD_DF) {
                continue;
            }
            g.ordered.entry(keys.join(" ")).or_default().push(i as u32);
            if (2..=MAX_UNORDERED).contains(&keys.len()) {
                g.unordered.entry(unordered_key(&keys)).or_default().push(i as u32);
            }
        }
        for rows in g.ordered.values_mut().chain(g.unordered.values_mut()) {
            rows.sort_unstable();
            rows.dedup();
        }
        g
    }

    /// Finds the mentions in `text`.
    pub fn extract(&self, table: &LabelTable, text: &str) -> Vec<Mention> {
        let char_offset = char_offsets(text);
        let mut candidates: Vec<Mention> = Vec::new();
        for segment in segments(text) {
            let words: Vec<analysis::Word> = analysis::words(&text[segment.clone()])
                .into_iter()
                .map(|w| analysis::Word { start: w.start + segment.start, end: w.end + segment.start, ..w })
                .collect();
            let content: Vec<&analysis::Word> = words.iter().filter(|w| !analysis::is_stop_word(&w.text)).collect();
            for lang in [Lang::Nl, Lang::En] {
                let keys: Vec<String> = content
                    .iter()
                    .map(|w| token(&table.stemmers, &table.decompounder, &w.text, lang).key.to_string())
                    .collect();
                for start in 0..keys.len() {
                    for n in (1..=MAX_WORDS.min(keys.len() - start)).rev() {
                        let window: Vec<&str> = keys[start..start + n].iter().map(String::as_str).collect();
                        let (rows, order_factor) = match self.ordered.get(&window.join(" ")) {
                            Some(rows) => (rows, 1.0),
                            None if (2..=MAX_UNORDERED).contains(&n) => {
                                match self.unordered.get(&unordered_key(&window)) {
                                    Some(rows) => (rows, 0.85),
                                    None => continue,
                                }
                            }
                            None => continue,
                        };
                        let (first, last) = (content[start], content[start + n - 1]);
                        if let Some(mention) =
                            mention(table, rows, n, order_factor, first.start, last.end, &char_offset)
                        {
                            candidates.push(mention);
                        }
                    }
                }
            }
        }
        resolve_overlaps(candidates)
    }
}

/// Builds a mention from the label rows that matched a window of `n` content words.
fn mention(
    table: &LabelTable,
    rows: &[u32],
    n: usize,
    order_factor: f32,
    start_byte: usize,
    end_byte: usize,
    char_offset: &[usize],
) -> Option<Mention> {
    // The best row: strongest label form, then the lowest id (deterministic).
    let best = *rows.iter().max_by(|a, b| {
        let (ra, rb) = (&table.rows[**a as usize], &table.rows[**b as usize]);
        ra.label_kind.weight().total_cmp(&rb.label_kind.weight()).then(b.cmp(a))
    })?;
    let row = &table.rows[best as usize];
    let mut concepts: Vec<ConceptIdx> = rows.iter().map(|r| table.rows[*r as usize].concept).collect();
    concepts.sort_unstable();
    concepts.dedup();
    let ambiguity = 1.0 / (concepts.len() as f32).sqrt();
    let length_factor = match n {
        1 => 0.75,
        2 => 0.9,
        _ => 1.0,
    };
    let confidence = (row.label_kind.weight() * length_factor * order_factor * ambiguity).min(1.0);
    if confidence < MIN_CONFIDENCE {
        return None;
    }
    Some(Mention {
        start: char_offset[start_byte],
        end: char_offset[end_byte],
        concept: row.concept,
        row: best,
        confidence,
        alternatives: concepts.into_iter().filter(|c| *c != row.concept).collect(),
    })
}

/// Keeps the longest mentions, then the most confident, dropping any that overlap a kept one.
fn resolve_overlaps(mut candidates: Vec<Mention>) -> Vec<Mention> {
    candidates.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Mention> = Vec::new();
    for candidate in candidates {
        if kept.iter().all(|k| candidate.end <= k.start || candidate.start >= k.end) {
            kept.push(candidate);
        }
    }
    kept.sort_by_key(|m| m.start);
    kept
}

/// Byte offset → character offset, for every byte boundary of `text` (and its end).
fn char_offsets(text: &str) -> Vec<usize> {
    let mut out = vec![0; text.len() + 1];
    let mut chars = 0;
    for (i, c) in text.char_indices() {
        for slot in out.iter_mut().skip(i).take(c.len_utf8()) {
            *slot = chars;
        }
        chars += 1;
    }
    out[text.len()] = chars;
    out
}

/// Byte ranges of the text between sentence and list punctuation: a label never spans them.
fn segments(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '\n' | '\r' | '•' | '·' | '|' | '(' | ')' | '–' | '—' | '*')
        {
            if i > start {
                out.push(start..i);
            }
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_split_at_list_and_sentence_marks() {
        let text = "lassen, heftruck rijden. Python";
        let parts: Vec<&str> = segments(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["lassen", " heftruck rijden", " Python"]);
    }

    #[test]
    fn char_offsets_count_characters_not_bytes() {
        let offsets = char_offsets("één x");
        assert_eq!(offsets[0], 0);
        assert_eq!(offsets["één".len()], 3);
        assert_eq!(offsets["één x".len()], 5);
    }
}

//! A Dutch → English word lexicon learned from the ontology's own bilingual concepts.
//!
//! Half of ESCO's skills have no Dutch label in the data we have, so a Dutch query ("heftruck
//! besturen") must reach English labels ("operate forklift"). No external translator is used: the
//! thousands of concepts that carry labels in both languages are a parallel corpus. For every
//! Dutch word key and English word key, count in how many concepts they occur together; a pair
//! that co-occurs often relative to how often each occurs (the Dice coefficient) is a translation.
//! Words spelt the same in both languages (loanwords: `software`, `marketing`) need no entry: the
//! English analysis of the query already matches them.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use super::labels::{LabelKind, LabelRow, Token};

/// Fewest concepts a pair must share to be a translation.
const MIN_PAIR_COUNT: u32 = 2;
/// Lowest Dice coefficient of a translation.
const MIN_DICE: f32 = 0.25;
/// A second translation is kept when its Dice is at least this share of the best one's.
const RUNNER_UP_SHARE: f32 = 0.7;
/// Most translations kept per Dutch key.
const MAX_TRANSLATIONS: usize = 2;

/// One English translation of a Dutch key.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Translation {
    /// The English word as labels write it most often, analyzed.
    pub token: Token,
    /// Dice coefficient of the pair, in (0, 1].
    pub dice: f32,
}

/// Dutch key → English translations, best first.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Lexicon {
    #[serde(with = "crate::persist::shared_keys")]
    entries: HashMap<Arc<str>, Vec<Translation>>,
}

impl Lexicon {
    /// Learns from label rows in concept order (rows of one concept are contiguous).
    pub fn learn(rows: &[LabelRow]) -> Lexicon {
        let mut nl_count: HashMap<Arc<str>, u32> = HashMap::default();
        let mut en_count: HashMap<Arc<str>, u32> = HashMap::default();
        let mut pairs: HashMap<(Arc<str>, Arc<str>), u32> = HashMap::default();
        // The most frequent English token per key, to stand for the key in a translated query.
        let mut en_tokens: HashMap<Arc<str>, (Token, u32)> = HashMap::default();
        let mut start = 0;
        while start < rows.len() {
            let concept = rows[start].concept;
            let end = rows[start..].iter().position(|r| r.concept != concept).map_or(rows.len(), |n| start + n);
            let (mut nl, mut en): (Vec<Arc<str>>, Vec<Arc<str>>) = (Vec::new(), Vec::new());
            for row in &rows[start..end] {
                if !matches!(row.label_kind, LabelKind::Preferred | LabelKind::Alternative) {
                    continue;
                }
                let into = match &*row.lang {
                    "nl" => &mut nl,
                    "en" => &mut en,
                    _ => continue,
                };
                for t in row.tokens.iter().filter(|t| !t.stop && t.word.chars().count() >= 3) {
                    if !into.contains(&t.key) {
                        into.push(t.key.clone());
                    }
                    if &*row.lang == "en" {
                        en_tokens.entry(t.key.clone()).or_insert_with(|| (t.clone(), 0)).1 += 1;
                    }
                }
            }
            start = end;
            if nl.is_empty() || en.is_empty() {
                continue;
            }
            for n in &nl {
                *nl_count.entry(n.clone()).or_default() += 1;
            }
            for e in &en {
                *en_count.entry(e.clone()).or_default() += 1;
            }
            for n in &nl {
                for e in &en {
                    *pairs.entry((n.clone(), e.clone())).or_default() += 1;
                }
            }
        }
        let mut entries: HashMap<Arc<str>, Vec<Translation>> = HashMap::default();
        for ((n, e), together) in pairs {
            if together < MIN_PAIR_COUNT || n == e {
                continue;
            }
            let dice = 2.0 * together as f32 / (nl_count[&n] + en_count[&e]) as f32;
            if dice < MIN_DICE {
                continue;
            }
            let Some((token, _)) = en_tokens.get(&e) else { continue };
            entries.entry(n).or_default().push(Translation { token: token.clone(), dice });
        }
        for list in entries.values_mut() {
            list.sort_by(|a, b| b.dice.total_cmp(&a.dice).then_with(|| a.token.key.cmp(&b.token.key)));
            let best = list[0].dice;
            list.retain(|t| t.dice >= RUNNER_UP_SHARE * best);
            list.truncate(MAX_TRANSLATIONS);
        }
        Lexicon { entries }
    }

    /// The English translations of a Dutch key, best first (empty when none is known).
    pub fn translate(&self, nl_key: &str) -> &[Translation] {
        self.entries.get(nl_key).map_or(&[], Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

//! A Dutch → English word lexicon learned from the ontology's own bilingual concepts.
//!
//! Half of ESCO's skills have no Dutch label in the data we have, so a Dutch query ("heftruck
//! besturen") must reach English labels ("operate forklift"). No external translator is used: the
//! thousands of concepts that carry labels in both languages are a parallel corpus, each concept's
//! Dutch label words against its English ones. Two measures read it:
//!
//! - the **Dice coefficient**: for every Dutch and English word key, in how many concepts they
//!   occur together relative to how often each occurs. Strong for words that occur together and
//!   little else (`heftruck` / `forklift`);
//! - **IBM Model 1** (Brown et al. 1993, *The Mathematics of Statistical Machine Translation*): the
//!   probability that a Dutch word translates to an English one, estimated by expectation
//!   maximisation, each English word explained by the Dutch words of its concept (or by none). A
//!   word that co-occurs with many words is explained by the ones that account for them: `meten`
//!   → measure, `helpen` → assist, `pompen` → pump, which Dice leaves under its threshold because
//!   they are common on both sides.
//!
//! A pair strong by either is a translation, scored by the stronger. Words spelt the same in both
//! languages (loanwords: `software`, `marketing`) need no entry: the English analysis of the query
//! already matches them.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use super::labels::{LabelKind, LabelRow, Token};

/// Fewest concepts a pair must share to be a translation.
const MIN_PAIR_COUNT: u32 = 2;
/// Lowest score (Dice coefficient or IBM Model 1 probability) of a translation. On the title and
/// skill-phrase sets (BENCHMARKS.md, issue 12, thirteenth round) 0.2–0.3 gave the same gains.
const MIN_SCORE: f32 = 0.25;
/// Rounds of expectation maximisation for IBM Model 1: the probabilities settle by 10 (20 changed
/// no answer set by more than 0.001 MRR).
const EM_ROUNDS: usize = 10;
/// A second translation is kept when its Dice is at least this share of the best one's.
const RUNNER_UP_SHARE: f32 = 0.7;
/// Most translations kept per Dutch key.
const MAX_TRANSLATIONS: usize = 2;

/// One English translation of a Dutch key.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Translation {
    /// The English word as labels write it most often, analyzed.
    pub token: Token,
    /// In [`Lexicon::translate`], the stronger of the pair's Dice coefficient and its IBM Model 1
    /// probability; in [`Lexicon::translate_attested`], its Dice coefficient. In (0, 1].
    pub score: f32,
}

/// Dutch key → English translations, best first.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Lexicon {
    /// By either measure: for search, which scores every candidate it retrieves.
    #[serde(with = "crate::persist::shared_keys")]
    entries: HashMap<Arc<str>, Vec<Translation>>,
    /// By co-occurrence (Dice) alone: for extraction, where one translated word can make a mention
    /// in running text.
    #[serde(with = "crate::persist::shared_keys")]
    attested: HashMap<Arc<str>, Vec<Translation>>,
}

impl Lexicon {
    /// Learns from label rows in concept order (rows of one concept are contiguous).
    pub fn learn(rows: &[LabelRow]) -> Lexicon {
        let mut nl_count: HashMap<Arc<str>, u32> = HashMap::default();
        let mut en_count: HashMap<Arc<str>, u32> = HashMap::default();
        let mut pairs: HashMap<(Arc<str>, Arc<str>), u32> = HashMap::default();
        // The most frequent English token per key, to stand for the key in a translated query.
        let mut en_tokens: HashMap<Arc<str>, (Token, u32)> = HashMap::default();
        // Each concept's Dutch and English word keys, for the alignment model.
        let mut bags: Vec<WordBags> = Vec::new();
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
            bags.push((nl, en));
        }
        let aligned = model_one(&bags);
        let mut entries: HashMap<Arc<str>, Vec<Translation>> = HashMap::default();
        let mut attested: HashMap<Arc<str>, Vec<Translation>> = HashMap::default();
        for ((n, e), together) in pairs {
            if together < MIN_PAIR_COUNT || n == e {
                continue;
            }
            let dice = 2.0 * together as f32 / (nl_count[&n] + en_count[&e]) as f32;
            let probability = aligned.get(&(n.clone(), e.clone())).copied().unwrap_or(0.0);
            let score = dice.max(probability);
            if score < MIN_SCORE {
                continue;
            }
            let Some((token, _)) = en_tokens.get(&e) else { continue };
            if dice >= MIN_SCORE {
                attested.entry(n.clone()).or_default().push(Translation { token: token.clone(), score: dice });
            }
            entries.entry(n).or_default().push(Translation { token: token.clone(), score });
        }
        for list in entries.values_mut().chain(attested.values_mut()) {
            list.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.token.key.cmp(&b.token.key)));
            let best = list[0].score;
            list.retain(|t| t.score >= RUNNER_UP_SHARE * best);
            list.truncate(MAX_TRANSLATIONS);
        }
        Lexicon { entries, attested }
    }

    /// The English translations of a Dutch key, best first (empty when none is known).
    pub fn translate(&self, nl_key: &str) -> &[Translation] {
        self.entries.get(nl_key).map_or(&[], Vec::as_slice)
    }

    /// The translations that co-occurrence alone attests (Dice), best first. Extraction reads
    /// running text through them: the alignment model's further pairs are right as translations
    /// (`staat` → *condition*, `klaar` → *prepare*) but let a sentence's loose words spell an
    /// English label (on the SBB qualification texts, "in staat om" → *manage inspections*, "niet op
    /// tijd leverbaar" → *on-time delivery*).
    pub fn translate_attested(&self, nl_key: &str) -> &[Translation] {
        self.attested.get(nl_key).map_or(&[], Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One concept's Dutch and English word keys.
type WordBags = (Vec<Arc<str>>, Vec<Arc<str>>);

/// IBM Model 1's translation probabilities t(English word | Dutch word) over the concepts' word
/// bags, after [`EM_ROUNDS`] rounds of expectation maximisation from a uniform start. Each English
/// word of a concept is explained by its Dutch words or by none (the empty word, which absorbs the
/// English words no Dutch word stands for). Only pairs that share a concept are ever non-zero.
fn model_one(bags: &[WordBags]) -> HashMap<(Arc<str>, Arc<str>), f32> {
    // Dense numbering: each (Dutch word or none, English word) pair one slot, each bag a grid of
    // slots, so that a round is array arithmetic rather than hashing.
    let mut dutch: HashMap<Arc<str>, u32> = HashMap::default();
    let mut slots: HashMap<(u32, Arc<str>), u32> = HashMap::default();
    let mut slot_pairs: Vec<(u32, Arc<str>)> = Vec::new();
    let none = u32::MAX;
    let grids: Vec<(usize, Vec<u32>)> = bags
        .iter()
        .map(|(nl, en)| {
            let rows: Vec<u32> = nl
                .iter()
                .map(|n| {
                    let next = dutch.len() as u32;
                    *dutch.entry(n.clone()).or_insert(next)
                })
                .chain(std::iter::once(none))
                .collect();
            let mut grid = Vec::with_capacity(rows.len() * en.len());
            for e in en {
                for &row in &rows {
                    let next = slot_pairs.len() as u32;
                    let slot = *slots.entry((row, e.clone())).or_insert_with(|| {
                        slot_pairs.push((row, e.clone()));
                        next
                    });
                    grid.push(slot);
                }
            }
            (rows.len(), grid)
        })
        .collect();
    // The Dutch word of a slot as an index: its number, or the empty word after all of them.
    let source = |slot: usize| match slot_pairs[slot].0 {
        row if row == none => dutch.len(),
        row => row as usize,
    };
    let mut t = vec![1.0f32; slot_pairs.len()];
    for _ in 0..EM_ROUNDS {
        let mut count = vec![0.0f32; slot_pairs.len()];
        for (rows, grid) in &grids {
            // One English word per run of `rows` slots: its share over the Dutch words.
            for column in grid.chunks(*rows) {
                let z: f32 = column.iter().map(|&s| t[s as usize]).sum();
                if z > 0.0 {
                    for &s in column {
                        count[s as usize] += t[s as usize] / z;
                    }
                }
            }
        }
        // Per Dutch word (and the empty word, last), the counts of all its slots.
        let mut total = vec![0.0f32; dutch.len() + 1];
        for (slot, c) in count.iter().enumerate() {
            total[source(slot)] += c;
        }
        for (slot, value) in t.iter_mut().enumerate() {
            let sum = total[source(slot)];
            *value = if sum > 0.0 { count[slot] / sum } else { 0.0 };
        }
    }
    let mut names: Vec<Option<Arc<str>>> = vec![None; dutch.len()];
    for (word, id) in dutch {
        names[id as usize] = Some(word);
    }
    slot_pairs
        .into_iter()
        .zip(t)
        .filter_map(|((row, e), p)| names.get(row as usize).cloned().flatten().map(|n| ((n, e), p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bag(nl: &[&str], en: &[&str]) -> (Vec<Arc<str>>, Vec<Arc<str>>) {
        (nl.iter().map(|w| Arc::from(*w)).collect(), en.iter().map(|w| Arc::from(*w)).collect())
    }

    #[test]
    fn model_one_explains_each_english_word_by_the_dutch_word_that_accounts_for_it() {
        // `meten` always comes with `measure`; each of its companions is explained by concepts of
        // its own, so EM gives `measure` to `meten` and `blood` to `bloed`.
        let bags = [
            bag(&["meten", "bloed"], &["measure", "blood"]),
            bag(&["meten", "druk"], &["measure", "pressure"]),
            bag(&["meten", "afstand"], &["measure", "distance"]),
            bag(&["bloed", "afnemen"], &["blood", "take"]),
            bag(&["bloed"], &["blood"]),
            bag(&["druk", "verlagen"], &["pressure", "reduce"]),
            bag(&["druk"], &["pressure"]),
        ];
        let t = model_one(&bags);
        let p = |n: &str, e: &str| t.get(&(Arc::from(n), Arc::from(e))).copied().unwrap_or(0.0);
        assert!(p("meten", "measure") > 0.5, "{}", p("meten", "measure"));
        assert!(p("meten", "measure") > 3.0 * p("meten", "blood"));
        assert!(p("bloed", "blood") > p("bloed", "measure"));
        assert_eq!(p("afstand", "blood"), 0.0, "only pairs that share a concept");
        // A probability distribution per Dutch word (the rest goes to words it never meets).
        let meten: f32 = ["measure", "blood", "pressure", "distance"].iter().map(|e| p("meten", e)).sum();
        assert!((meten - 1.0).abs() < 1e-3, "{meten}");
    }
}

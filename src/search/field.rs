//! The field of an occupation: the words of the skills and knowledge it requires and of its
//! description, for the modifiers of job titles that no label of the occupation carries.
//!
//! Real titles name a head and a modifier ("docent scheikunde", "bedrijfsleider fietsenwinkel",
//! "medewerker asfalt"). ESCO rarely has a label for every pair, but the right occupation often
//! *requires* the modifier: a teacher of science requires knowledge of chemistry. When a
//! label matches the head and misses a modifier, the modifier found in the occupation's field earns
//! part of its weight ([`super::rank::Reason::Field`]) instead of the title falling to a label that
//! shares only the modifier.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use super::analysis;
use super::labels::{LabelKind, LabelRow, LabelTable};
use crate::model::{ConceptKind, RelationKind};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

/// The label rows of each concept: rows are contiguous per concept.
fn row_ranges(rows: &[LabelRow]) -> HashMap<ConceptIdx, std::ops::Range<usize>> {
    let mut ranges: HashMap<ConceptIdx, std::ops::Range<usize>> = HashMap::default();
    for (i, row) in rows.iter().enumerate() {
        ranges.entry(row.concept).and_modify(|r| r.end = i + 1).or_insert(i..i + 1);
    }
    ranges
}

/// Field words per occupation, as sorted ids of word keys.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FieldWords {
    #[serde(with = "crate::persist::shared_keys")]
    ids: HashMap<Arc<str>, u32>,
    per_concept: HashMap<ConceptIdx, Vec<u32>>,
    /// The starts of the words of each occupation's Dutch description ([`word_start`]), sorted.
    described: HashMap<ConceptIdx, Vec<u32>>,
}

/// How many letters of a word its start holds: enough to tell words apart, few enough that a
/// word's inflections and derivations (`installatie`, `installeren`, `installateur`) and the
/// compounds it opens (`bakker`, `bakkerij`) share it. Five and six letters gave the title sets
/// the same gain, four and seven less (BENCHMARKS.md, fourteenth round).
const WORD_START_LETTERS: usize = 5;
/// Words of fewer letters (`kok`, `en`) say too little to be looked for in a description.
const MIN_DESCRIBED_WORD: usize = 4;

/// The start of a normalized word as a number (a hash of its first [`WORD_START_LETTERS`]
/// letters); `None` for a word too short to look for.
pub fn word_start(word: &str) -> Option<u32> {
    use std::hash::BuildHasher;
    let mut letters = word.char_indices();
    if word.chars().count() < MIN_DESCRIBED_WORD || word.chars().any(|c| !c.is_alphabetic()) {
        return None;
    }
    let end = letters.nth(WORD_START_LETTERS).map_or(word.len(), |(i, _)| i);
    Some(rustc_hash::FxBuildHasher.hash_one(&word[..end]) as u32)
}

impl FieldWords {
    pub fn build(snapshot: &Snapshot, table: &LabelTable) -> FieldWords {
        let ranges = row_ranges(&table.rows);
        let mut descriptions: HashMap<ConceptIdx, Vec<usize>> = HashMap::default();
        for (i, d) in table.descriptions.iter().enumerate() {
            if d.kind == ConceptKind::Occupation {
                descriptions.entry(d.concept).or_default().push(i);
            }
        }
        let mut fields = FieldWords::default();
        for (occupation, _) in snapshot.concepts_of(ConceptKind::Occupation) {
            let mut words: Vec<u32> = Vec::new();
            for view in snapshot.relations(occupation, Dir::Outgoing, Some(RelationKind::Requires)) {
                let Some(range) = ranges.get(&view.other) else { continue };
                for row in &table.rows[range.clone()] {
                    if !matches!(row.label_kind, LabelKind::Preferred | LabelKind::Alternative) {
                        continue;
                    }
                    for t in row.tokens.iter().filter(|t| !t.stop) {
                        words.push(fields.id(&t.key));
                    }
                }
            }
            for &d in descriptions.get(&occupation).into_iter().flatten() {
                for t in table.descriptions[d].tokens.iter().filter(|t| !t.stop) {
                    words.push(fields.id(&t.key));
                }
            }
            words.sort_unstable();
            words.dedup();
            if !words.is_empty() {
                fields.per_concept.insert(occupation, words);
            }
            let concept = snapshot.concept(occupation);
            let mut starts: Vec<u32> = concept
                .descriptions
                .iter()
                .filter(|d| &*d.lang == "nl")
                .flat_map(|d| analysis::words(&d.text))
                .filter_map(|w| word_start(&w.text))
                .collect();
            starts.sort_unstable();
            starts.dedup();
            if !starts.is_empty() {
                fields.described.insert(occupation, starts);
            }
        }
        fields
    }

    /// True when a word of the occupation's Dutch description starts as `word` does.
    pub fn describes(&self, concept: ConceptIdx, start: u32) -> bool {
        self.described.get(&concept).is_some_and(|starts| starts.binary_search(&start).is_ok())
    }

    fn id(&mut self, key: &Arc<str>) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(key.clone()).or_insert(next)
    }

    /// True when `key` is a word of the field of `concept`.
    pub fn contains(&self, concept: ConceptIdx, key: &str) -> bool {
        match (self.ids.get(key), self.per_concept.get(&concept)) {
            (Some(id), Some(words)) => words.binary_search(id).is_ok(),
            _ => false,
        }
    }
}

/// The broader words of a one-word skill or knowledge: the words of the labels of the groups it
/// belongs to in the skill hierarchy (`Frans` → `talen`, `talen beheersen`).
///
/// Titles name a subject where ESCO names its group: a teacher of French is, in ESCO, a teacher of
/// modern languages. A title's modifier that is such a skill is explained by an occupation label
/// that carries one of its broader words, at [`super::rank`]'s `BROADER` quality and with
/// [`super::rank::Reason::Field`].
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct BroaderWords {
    #[serde(with = "crate::persist::shared_lists")]
    per_word: HashMap<Arc<str>, Vec<Arc<str>>>,
}

impl BroaderWords {
    pub fn build(snapshot: &Snapshot, rows: &[LabelRow]) -> BroaderWords {
        let ranges = row_ranges(rows);
        let content_keys = |concept: ConceptIdx| -> Vec<Arc<str>> {
            let Some(range) = ranges.get(&concept) else { return Vec::new() };
            rows[range.clone()]
                .iter()
                .filter(|row| matches!(row.label_kind, LabelKind::Preferred | LabelKind::Alternative))
                .flat_map(|row| row.tokens.iter().filter(|t| !t.stop).map(|t| t.key.clone()))
                .collect()
        };
        let mut broader = BroaderWords::default();
        for row in rows {
            if row.kind != ConceptKind::Skill
                || !matches!(row.label_kind, LabelKind::Preferred | LabelKind::Alternative)
            {
                continue;
            }
            let mut content = row.tokens.iter().filter(|t| !t.stop);
            let (Some(word), None) = (content.next(), content.next()) else { continue };
            let mut words: Vec<Arc<str>> = snapshot
                .relations(row.concept, Dir::Outgoing, Some(RelationKind::Broader))
                .into_iter()
                .flat_map(|view| content_keys(view.other))
                .filter(|key| *key != word.key)
                .collect();
            if words.is_empty() {
                continue;
            }
            let entry = broader.per_word.entry(word.key.clone()).or_default();
            entry.append(&mut words);
            entry.sort_unstable();
            entry.dedup();
        }
        broader
    }

    /// The broader words of the one-word skill `key`, or nothing.
    pub fn of(&self, key: &str) -> &[Arc<str>] {
        self.per_word.get(key).map_or(&[], Vec::as_slice)
    }
}

//! How alike two occupations are *described*: a TF-IDF word profile of each occupation's labels and
//! description, compared by cosine.
//!
//! Why: experts who relate occupations (O\*NET's Related Occupations) see the same line of work
//! where the skills graph sees little — a welder and a pipefitter, a sommelier and a wine
//! merchant share few identical ESCO skills, but their descriptions speak of the same things
//! (pipes, joints, metal; wine, vineyards). On the O\*NET-expert development set this evidence
//! raised precision@10 from 0.464 to about 0.49 on both halves (BENCHMARKS.md, "Career moves").
//!
//! The words are read in one language for every occupation — the language most occupations have
//! a description in (English for ESCO), because a cosine across languages is zero; an occupation
//! with no text in that language is described by all its text. Words are lowercased alphanumeric
//! runs of three letters or more, a plural `-s` is dropped (`pipes` → `pipe`, not `process`), and
//! words that describe more than a quarter of all occupations (`and`, `work`, …) are left out: their
//! IDF is too low to tell occupations apart and their long posting lists would only cost time.

use std::collections::HashMap;

use crate::model::LabelForm;
use crate::ontology::Snapshot;

use super::index::OccupationEntry;

/// Words in more than this share of the occupations are left out of the profiles.
const MAX_DOCUMENT_SHARE: f64 = 0.25;

/// Word profiles of the occupations (by slot; TF-IDF weights, normalised by
/// [`super::kinship`]) and the words by id.
pub(super) struct WordProfiles {
    pub rows: Vec<Vec<(u32, f32)>>,
    pub vocabulary: Vec<Box<str>>,
}

/// The word profile of every occupation.
pub(super) fn word_profiles(snapshot: &Snapshot, occupations: &[OccupationEntry]) -> WordProfiles {
    let language = main_language(snapshot, occupations);
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut vocabulary: Vec<Box<str>> = Vec::new();
    let counts: Vec<HashMap<u32, u32>> = occupations
        .iter()
        .map(|entry| {
            let mut counts: HashMap<u32, u32> = HashMap::new();
            for text in texts(snapshot, entry, language.as_deref()) {
                for word in words(text) {
                    let next = vocabulary.len() as u32;
                    let id = *ids.entry(word.clone()).or_insert_with(|| {
                        vocabulary.push(word.into_boxed_str());
                        next
                    });
                    *counts.entry(id).or_default() += 1;
                }
            }
            counts
        })
        .collect();
    let mut document_frequency = vec![0u32; vocabulary.len()];
    for row in &counts {
        for id in row.keys() {
            document_frequency[*id as usize] += 1;
        }
    }
    let n = occupations.len().max(1) as f64;
    let rows = counts
        .into_iter()
        .map(|row| {
            row.into_iter()
                .filter(|(id, _)| f64::from(document_frequency[*id as usize]) <= MAX_DOCUMENT_SHARE * n)
                .map(|(id, count)| {
                    let idf = (n / f64::from(document_frequency[id as usize])).ln();
                    (id, ((1.0 + f64::from(count).ln()) * idf) as f32)
                })
                .collect()
        })
        .collect();
    WordProfiles { rows, vocabulary }
}

/// The language most occupations have a description in, if any has one.
fn main_language(snapshot: &Snapshot, occupations: &[OccupationEntry]) -> Option<Box<str>> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for entry in occupations {
        for d in &snapshot.concept(entry.concept).descriptions {
            *count.entry(&d.lang).or_default() += 1;
        }
    }
    count.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))).map(|(lang, _)| lang.into())
}

/// The labels (preferred and alternative) and descriptions of an occupation in `language`, or all
/// of them when it has none in that language.
fn texts<'a>(snapshot: &'a Snapshot, entry: &OccupationEntry, language: Option<&str>) -> Vec<&'a str> {
    let concept = snapshot.concept(entry.concept);
    let in_language = |lang: &str| language.is_none_or(|l| l == lang);
    let labels = concept.labels.iter().filter(|l| l.form != LabelForm::Hidden);
    let mut out: Vec<&str> = labels.clone().filter(|l| in_language(&l.lang)).map(|l| &*l.text).collect();
    out.extend(concept.descriptions.iter().filter(|d| in_language(&d.lang)).map(|d| &*d.text));
    if out.is_empty() {
        out.extend(labels.map(|l| &*l.text));
        out.extend(concept.descriptions.iter().map(|d| &*d.text));
    }
    out
}

/// The words of a text as profiles count them (see the module docs).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3).map(|w| {
        let w = w.to_lowercase();
        let plural = w.len() > 4 && w.ends_with('s') && !(w.ends_with("ss") || w.ends_with("us") || w.ends_with("is"));
        if plural { w[..w.len() - 1].to_string() } else { w }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_runs_with_a_plural_s_dropped() {
        let w: Vec<String> = words("Welds pipes, processes; an ROV-pilot's bus").collect();
        assert_eq!(w, ["weld", "pipe", "processe", "rov", "pilot", "bus"]);
    }
}

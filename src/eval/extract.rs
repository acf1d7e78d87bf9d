//! Extraction quality: annotated texts with the concepts a careful reader links → micro precision,
//! recall and F1, per concept kind and over all kinds.
//!
//! Input: JSON Lines, one text per line:
//! `{"id": "t001", "text": "…", "skills": ["esco:skill/…", …], "occupations": [ … ]}` (other fields,
//! such as `genre` or `sector`, are kept for reading and ignored here). A concept found that the
//! annotation does not list is a false positive, one listed and not found a false negative.
//!
//! The annotators link concepts of one vocabulary (ESCO for our set): a concept found from another
//! (one of the embedded bundle's own skills, with a `vaardig` id) could not have been listed, so it
//! is counted as *unjudged*, neither right nor wrong. The vocabulary is read off the annotations:
//! the scheme and host of their ids.

use std::collections::{BTreeMap, HashSet};

use super::EvalInputError;
use crate::model::parse_id;

/// One annotated text.
#[derive(Debug, Clone)]
pub struct AnnotatedText {
    pub id: String,
    pub text: String,
    /// Relevant concept ids per kind (`skill`, `occupation`).
    pub gold: BTreeMap<String, HashSet<String>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    id: String,
    text: String,
    #[serde(default)]
    skills: Vec<String>,
    #[serde(default)]
    occupations: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    genre: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    sector: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

/// Reads annotated texts (JSON Lines).
pub fn read_texts(file: &str, text: &str) -> Result<Vec<AnnotatedText>, EvalInputError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let fail = |reason: String| EvalInputError { file: file.into(), line: i + 1, reason };
        let line: Line = serde_json::from_str(raw).map_err(|e| fail(e.to_string()))?;
        let mut gold = BTreeMap::new();
        for (kind, ids) in [("skill", &line.skills), ("occupation", &line.occupations)] {
            let ids = ids
                .iter()
                .map(|id| parse_id(id).map_err(|e| fail(format!("{kind} id `{id}`: {e}"))))
                .collect::<Result<HashSet<String>, _>>()?;
            gold.insert(kind.to_string(), ids);
        }
        out.push(AnnotatedText { id: line.id, text: line.text, gold });
    }
    Ok(out)
}

/// Counts and measures of one kind (or of all kinds together).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Counts {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    /// Concepts found outside the annotations' vocabulary: not counted in precision or recall.
    pub unjudged: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Counts {
    fn finish(&mut self) {
        let (tp, fp, fn_) = (self.true_positives as f64, self.false_positives as f64, self.false_negatives as f64);
        self.precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        self.recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
        self.f1 = if self.precision + self.recall > 0.0 {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        } else {
            0.0
        };
    }
}

/// Micro-averaged measures per kind and over all.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ExtractMetrics {
    pub texts: usize,
    pub all: Counts,
    pub per_kind: BTreeMap<String, Counts>,
}

/// Scores the concepts found per text: `(kind, id)` pairs, duplicates counted once. A concept of a
/// kind the annotation does not cover counts as a false positive of that kind.
pub fn metrics<'a>(runs: impl IntoIterator<Item = (&'a AnnotatedText, Vec<(String, String)>)>) -> ExtractMetrics {
    let runs: Vec<_> = runs.into_iter().collect();
    let vocabulary: HashSet<&str> =
        runs.iter().flat_map(|(a, _)| a.gold.values().flatten()).map(|id| vocabulary_of(id)).collect();
    let mut m = ExtractMetrics::default();
    for (annotated, found) in runs {
        m.texts += 1;
        let found: HashSet<(String, String)> = found.into_iter().collect();
        for (kind, gold) in &annotated.gold {
            let counts = m.per_kind.entry(kind.clone()).or_default();
            let hits = gold.iter().filter(|id| found.contains(&(kind.clone(), (*id).clone()))).count();
            counts.true_positives += hits;
            counts.false_negatives += gold.len() - hits;
        }
        for (kind, id) in &found {
            let listed = annotated.gold.get(kind).is_some_and(|g| g.contains(id));
            let counts = m.per_kind.entry(kind.clone()).or_default();
            if !vocabulary.contains(vocabulary_of(id)) {
                counts.unjudged += 1;
            } else if !listed {
                counts.false_positives += 1;
            }
        }
    }
    for counts in m.per_kind.values_mut() {
        m.all.true_positives += counts.true_positives;
        m.all.false_positives += counts.false_positives;
        m.all.false_negatives += counts.false_negatives;
        m.all.unjudged += counts.unjudged;
        counts.finish();
    }
    m.all.finish();
    m
}

/// The vocabulary an id belongs to: its scheme and host (`http://data.europa.eu/`).
fn vocabulary_of(id: &str) -> &str {
    let after_scheme = id.find("://").map_or(0, |i| i + 3);
    id[after_scheme..].find('/').map_or(id, |i| &id[..after_scheme + i + 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_precision_recall_and_f1_per_kind() {
        let texts = read_texts(
            "t.jsonl",
            concat!(
                r#"{"id":"1","text":"Ik ben kok en kan koken.","skills":["esco:skill/koken","esco:skill/plannen"],"occupations":["esco:occupation/kok"]}"#,
                "\n",
                r#"{"id":"2","text":"Ik las.","skills":["esco:skill/lassen"]}"#,
                "\n"
            ),
        )
        .unwrap();
        let id = |s: &str| parse_id(s).unwrap();
        let found1 = vec![
            ("skill".to_string(), id("esco:skill/koken")),
            ("occupation".to_string(), id("esco:occupation/kok")),
            ("occupation".to_string(), id("esco:occupation/chef")),
        ];
        // A skill of our own bundle is outside the annotations' vocabulary (ESCO): unjudged.
        let found2 =
            vec![("skill".to_string(), id("esco:skill/lassen")), ("skill".to_string(), id("vaardig:skill/mig-lassen"))];
        let m = metrics(vec![(&texts[0], found1), (&texts[1], found2)]);
        assert_eq!(m.texts, 2);
        let skill = &m.per_kind["skill"];
        assert_eq!((skill.true_positives, skill.false_positives, skill.false_negatives), (2, 0, 1));
        assert_eq!(skill.unjudged, 1);
        let occ = &m.per_kind["occupation"];
        assert_eq!((occ.true_positives, occ.false_positives, occ.false_negatives), (1, 1, 0));
        assert!((m.all.precision - 0.75).abs() < 1e-9);
        assert!((m.all.recall - 0.75).abs() < 1e-9);
        assert!((m.all.f1 - 0.75).abs() < 1e-9);
    }

    #[test]
    fn an_unknown_field_names_the_line() {
        let err = read_texts("t.jsonl", "{\"id\":\"1\",\"text\":\"x\",\"skils\":[]}\n").unwrap_err();
        assert!(err.to_string().starts_with("t.jsonl:1: unknown field `skils`"), "{err}");
    }
}

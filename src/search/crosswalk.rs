//! Crosswalks to other skills languages: link the concepts of another vocabulary (say, the
//! CompetentNL occupation list) to the snapshot's concepts by searching their labels.
//!
//! Each external concept's labels (preferred first) are searched among the snapshot's concepts of
//! one kind; the best hit over all its labels decides. An exact label match that no other concept
//! shares is an `exact_match`; a clear best hit is a `close_match`; anything weaker is reported as
//! unmapped rather than guessed. Every mapping keeps its evidence: which label matched which, why,
//! and with what confidence.

use std::collections::BTreeMap;

use super::rank::Reason;
use super::{Filters, SearchEngine, SearchRequest};
use crate::model::{ConceptKind, RelationKind};
use crate::ontology::{ConceptIdx, Snapshot};

/// A concept of the other vocabulary.
#[derive(Debug, Clone, Default)]
pub struct ExternalConcept {
    pub id: String,
    /// Preferred label first.
    pub labels: Vec<String>,
}

/// One mapping decision.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub external: String,
    pub external_label: String,
    /// `exact_match` or `close_match`.
    pub kind: RelationKind,
    pub target: ConceptIdx,
    /// The snapshot label that matched.
    pub target_label: String,
    pub confidence: f32,
    pub evidence: String,
}

/// Lowest confidence for a close match.
pub const MIN_CLOSE: f32 = 0.7;
/// A close match must beat the runner-up by this much (else the label is ambiguous).
const MIN_MARGIN: f32 = 0.05;

/// Maps every external concept; those without a clear match come back in the second list.
pub fn crosswalk(
    engine: &SearchEngine,
    snapshot: &Snapshot,
    concepts: &[ExternalConcept],
    kind: ConceptKind,
) -> Result<(Vec<Mapping>, Vec<String>), super::IndexError> {
    let mut mappings = Vec::new();
    let mut unmapped = Vec::new();
    for concept in concepts {
        let mut best: Option<Mapping> = None;
        for label in &concept.labels {
            let request = SearchRequest {
                query: label.clone(),
                kinds: vec![kind],
                lang: "nl".into(),
                filters: Filters::default(),
                offset: 0,
                limit: 2,
                facets: false,
            };
            let hits = engine.search(snapshot, &request)?.hits;
            let Some(top) = hits.first() else { continue };
            let runner_up = hits.get(1).map_or(0.0, |h| h.score);
            let exact = top.reasons.contains(&Reason::Exact);
            let confidence = (top.score / 1.1).min(1.0);
            let margin = top.score - runner_up;
            let mapping_kind = if exact && margin > 0.0 {
                RelationKind::ExactMatch
            } else if confidence >= MIN_CLOSE && margin >= MIN_MARGIN {
                RelationKind::CloseMatch
            } else {
                continue;
            };
            let target_label = top.row.map(|r| engine.labels.rows[r as usize].text.to_string()).unwrap_or_default();
            let reasons: Vec<String> = top.reasons.iter().map(|r| format!("{r:?}").to_lowercase()).collect();
            let evidence = format!(
                "label “{label}” matched “{target_label}” ({}; score {:.3}, runner-up {:.3})",
                if reasons.is_empty() { "words".to_string() } else { reasons.join(", ") },
                top.score,
                runner_up
            );
            let candidate = Mapping {
                external: concept.id.clone(),
                external_label: label.clone(),
                kind: mapping_kind,
                target: top.concept,
                target_label,
                confidence,
                evidence,
            };
            let better = best.as_ref().is_none_or(|b| {
                (candidate.kind == RelationKind::ExactMatch && b.kind != RelationKind::ExactMatch)
                    || (candidate.kind == b.kind && candidate.confidence > b.confidence)
            });
            if better {
                best = Some(candidate);
            }
        }
        match best {
            Some(mapping) => mappings.push(mapping),
            None => unmapped.push(concept.id.clone()),
        }
    }
    Ok((mappings, unmapped))
}

/// Reads a label table (CSV, plain or gzip): one row per label, with the concept id in `id_column`,
/// the label in `label_column` and optionally `label_type` = `prefLabel` marking the preferred one.
pub fn read_vocabulary(
    name: &str,
    bytes: &[u8],
    id_column: &str,
    label_column: &str,
) -> Result<Vec<ExternalConcept>, String> {
    let input = crate::ontology::decompressed(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader.headers().map_err(|e| format!("{name}: {e}"))?.clone();
    let column =
        |wanted: &str| headers.iter().position(|h| h == wanted).ok_or_else(|| format!("{name}: no column `{wanted}`"));
    let (id_col, label_col) = (column(id_column)?, column(label_column)?);
    let type_col = headers.iter().position(|h| h == "label_type");
    let mut concepts: BTreeMap<String, ExternalConcept> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{name}:{}: {e}", i + 2))?;
        let id = record.get(id_col).unwrap_or_default().trim();
        let label = record.get(label_col).unwrap_or_default().trim();
        if id.is_empty() || label.is_empty() {
            continue;
        }
        let id = crate::model::parse_id(id).map_err(|e| format!("{name}:{}: {id_column}: {e}", i + 2))?;
        let entry = concepts.entry(id.clone()).or_insert_with(|| ExternalConcept { id, labels: Vec::new() });
        if entry.labels.iter().any(|l| l == label) {
            continue;
        }
        let preferred = type_col.and_then(|c| record.get(c)).is_some_and(|t| t.eq_ignore_ascii_case("prefLabel"));
        if preferred { entry.labels.insert(0, label.to_string()) } else { entry.labels.push(label.to_string()) }
    }
    Ok(concepts.into_values().collect())
}

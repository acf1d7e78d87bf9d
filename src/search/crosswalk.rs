//! Crosswalks to other skills languages: link the concepts of another vocabulary (say, the
//! CompetentNL occupation list) to the snapshot's concepts by searching their labels.
//!
//! Each external concept's labels (preferred first) are searched among the snapshot's concepts of
//! one kind; the best hit over all its labels decides. An exact label match that no other concept
//! shares is an `exact_match`; a clear best hit is a `close_match`; anything weaker is reported as
//! unmapped rather than guessed. Every mapping keeps its evidence: which label matched which, why,
//! and with what confidence.

use super::rank::Reason;
use super::{Filters, SearchEngine, SearchRequest};
use crate::model::{ConceptKind, RelationKind};
use crate::ontology::{ConceptIdx, LabelSet, Snapshot};

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
    concepts: &[LabelSet],
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

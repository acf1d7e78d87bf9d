//! Relations: the typed, directed edges of the skills graph and their attributes.

use super::vocab::{Importance, RelationKind};

/// The weight of an edge in the snapshot's graph. Attributes are optional because most relation
/// kinds carry none; they are stored inline (no allocation) since there are ~150k edges in ESCO.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Relation {
    pub kind: RelationKind,
    /// essential / optional (requires, ESCO skill→skill relations).
    pub importance: Option<Importance>,
    /// An importance weight in [0, 1] where a source gives one (e.g. O*NET-style ratings).
    pub weight: Option<f32>,
    /// Proficiency level taught (teaches, 1–4).
    pub level: Option<u8>,
    /// Confidence of a crosswalk match in [0, 1].
    pub confidence: Option<f32>,
}

impl Relation {
    /// A relation of `kind` without attributes.
    pub fn plain(kind: RelationKind) -> Relation {
        Relation { kind, importance: None, weight: None, level: None, confidence: None }
    }

    /// A relation of `kind` with an essential/optional mark.
    pub fn with_importance(kind: RelationKind, importance: Importance) -> Relation {
        Relation { importance: Some(importance), ..Relation::plain(kind) }
    }
}

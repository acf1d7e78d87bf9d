//! The engines of one snapshot, built together and swapped together.
//!
//! Every engine (search, matching, planning, funding) derives its own read-only structures from the
//! same immutable [`Snapshot`]. They are built once per snapshot, here, so that a request never sees
//! a search index of one snapshot and a matching index of another.

use std::sync::Arc;

use crate::matching::MatchingIndex;
use crate::ontology::Snapshot;

/// A snapshot with every engine built on it.
#[derive(Debug)]
pub struct Engines {
    pub snapshot: Arc<Snapshot>,
    /// Skill gaps, occupation matching, transitions and candidate ranking.
    pub matching: MatchingIndex,
}

impl Engines {
    /// Builds every engine on `snapshot`.
    pub fn build(snapshot: Arc<Snapshot>) -> Engines {
        let matching = MatchingIndex::build(snapshot.clone());
        Engines { snapshot, matching }
    }
}

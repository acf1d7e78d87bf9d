//! The engines of one snapshot, built together and swapped together.
//!
//! Every engine (search, matching, planning, funding) derives its own read-only structures from the
//! same immutable [`Snapshot`]. They are built once per snapshot, here, so that a request never sees
//! a search index of one snapshot and a matching index of another.

use std::sync::Arc;

use crate::funding::FundingEngine;
use crate::ontology::Snapshot;

/// A snapshot with every engine built on it.
#[derive(Debug)]
pub struct Engines {
    pub snapshot: Arc<Snapshot>,
    /// Funding schemes and eligibility checks.
    pub funding: FundingEngine,
}

impl Engines {
    /// Builds every engine on `snapshot`.
    pub fn build(snapshot: Arc<Snapshot>) -> Engines {
        let funding = FundingEngine::build(snapshot.clone());
        Engines { snapshot, funding }
    }
}

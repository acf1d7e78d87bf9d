//! The engines of one snapshot, built together and swapped together.
//!
//! Every engine (search, matching, planning, funding) derives its own read-only structures from the
//! same immutable [`Snapshot`]. They are built once per snapshot, here, so that a request never sees
//! a search index of one snapshot and a matching index of another.

use std::path::Path;
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::courses::CourseIndex;
use crate::funding::FundingEngine;
use crate::matching::MatchingIndex;
use crate::ontology::Snapshot;
use crate::planning::SteppingStones;
use crate::search::{IndexError, SearchEngine};
use crate::server::refs::EncodedRefs;

/// A snapshot with every engine built on it.
#[derive(Debug)]
pub struct Engines {
    pub snapshot: Arc<Snapshot>,
    /// Search, autocomplete and extraction.
    pub search: SearchEngine,
    /// Skill gaps, occupation matching, transitions and candidate ranking.
    pub matching: MatchingIndex,
    /// Funding schemes and eligibility checks.
    pub funding: FundingEngine,
    /// The course finder's per-course columns.
    pub courses: CourseIndex,
    /// The career-transition graph for stepping stones, built on first use.
    pub stones: SteppingStones,
    /// The server's concept references, encoded once per concept and display language (filled on
    /// first use; part of the snapshot's engines so that a reload starts afresh).
    pub refs: EncodedRefs,
}

/// The engines the course finder reads, out of the engines of one snapshot.
impl<'a> From<&'a Engines> for crate::courses::Engines<'a> {
    fn from(e: &'a Engines) -> crate::courses::Engines<'a> {
        crate::courses::Engines { courses: &e.courses, matching: &e.matching, funding: &e.funding, search: &e.search }
    }
}

impl<'a> From<&'a Arc<Engines>> for crate::courses::Engines<'a> {
    fn from(e: &'a Arc<Engines>) -> crate::courses::Engines<'a> {
        crate::courses::Engines::from(&**e)
    }
}

impl Engines {
    /// Builds every engine on `snapshot`, the search index in memory.
    ///
    /// # Panics
    /// Only if tantivy cannot build an index in memory, which no input can cause.
    pub fn build(snapshot: Arc<Snapshot>) -> Engines {
        let (matching, funding) = Self::build_graph_engines(&snapshot);
        let search = SearchEngine::build(&snapshot).expect("an in-memory search index always builds");
        let courses = CourseIndex::build(snapshot.clone());
        let refs = EncodedRefs::new(snapshot.len());
        Engines { snapshot, search, matching, funding, courses, stones: SteppingStones::default(), refs }
    }

    /// Builds every engine on `snapshot`, persisting the search index under `index_dir` (reused when
    /// the same snapshot starts again).
    pub fn build_persisted(snapshot: Arc<Snapshot>, index_dir: &Path) -> Result<Engines, IndexError> {
        Self::build_persisted_from(snapshot, index_dir, None)
    }

    /// [`Self::build_persisted`] with the search engine's persisted parts being read early on
    /// another thread (see [`crate::search::read_latest`]).
    pub fn build_persisted_from(
        snapshot: Arc<Snapshot>,
        index_dir: &Path,
        early: Option<std::thread::JoinHandle<Option<crate::search::Early>>>,
    ) -> Result<Engines, IndexError> {
        // The search engine is the slow part; matching and funding build beside it on the other
        // core, beside the early read when there is one (it is waited for only now).
        std::thread::scope(|scope| {
            let graph = scope.spawn(|| Self::build_graph_engines(&snapshot));
            let early = early.and_then(|read| read.join().ok().flatten());
            let search = SearchEngine::build_persisted_from(&snapshot, index_dir, early)?;
            let (matching, funding) = graph.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let courses = CourseIndex::build(snapshot.clone());
            Ok(Engines {
                snapshot: snapshot.clone(),
                search,
                matching,
                funding,
                courses,
                stones: SteppingStones::default(),
                refs: EncodedRefs::new(snapshot.len()),
            })
        })
    }

    /// The engines that read only the graph (no text analysis).
    fn build_graph_engines(snapshot: &Arc<Snapshot>) -> (MatchingIndex, FundingEngine) {
        (MatchingIndex::build(snapshot.clone()), FundingEngine::build(snapshot.clone()))
    }
}

/// The engines being served, replaced atomically when a new snapshot is loaded.
///
/// A request takes [`LiveEngines::current`] once, at its start, and works on that `Arc` to the end:
/// a reload never changes the data under a request in flight, and the old engines are freed when
/// the last request holding them finishes.
#[derive(Debug)]
pub struct LiveEngines {
    current: ArcSwap<Engines>,
}

impl LiveEngines {
    pub fn new(engines: Arc<Engines>) -> Arc<LiveEngines> {
        Arc::new(LiveEngines { current: ArcSwap::new(engines) })
    }

    /// The engines to answer one request with.
    pub fn current(&self) -> Arc<Engines> {
        self.current.load_full()
    }

    /// Puts `engines` in service and returns the engines they replace.
    pub fn replace(&self, engines: Arc<Engines>) -> Arc<Engines> {
        self.current.swap(engines)
    }
}

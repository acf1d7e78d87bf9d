//! Hot reload: load the configured sources again, build every engine in the background, and swap
//! them in atomically — or keep the old snapshot serving when the new data is invalid.
//!
//! One [`Reloader`] per server serves both triggers, the admin RPC `Reload` and SIGHUP. Reloads
//! never overlap: a trigger during a reload is refused with [`ReloadError::InProgress`] rather than
//! queued, because the reload in progress already reads the data as it is on disk.
//!
//! Requests in flight are not affected: each took its `Arc<Engines>` when it started (see
//! [`LiveEngines`]), and the old engines are freed when the last of those requests finishes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::engine::{Engines, LiveEngines};
use crate::history::{ChangeSummary, Digest, HistoryStore, diff};
use crate::ontology::{self, LoadError, Report, SourceSpec};

/// What a reload did. Logged as is: counts, versions and timings only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadOutcome {
    pub previous_version: String,
    pub version: String,
    /// False when the data on disk gave the version already serving (nothing to swap).
    pub swapped: bool,
    pub concepts: usize,
    pub relations: usize,
    pub deprecated: usize,
    pub warnings: usize,
    pub load_millis: u64,
    pub build_millis: u64,
    pub changes: ChangeSummary,
}

/// Why a reload did not swap.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    #[error("a reload is already in progress")]
    InProgress,
    #[error("the new data is invalid ({} errors); the old snapshot keeps serving:\n{report}", report.error_count())]
    Invalid { report: Report },
    #[error("{0}; the old snapshot keeps serving")]
    Failed(String),
}

/// Reloads the sources of one server into its [`LiveEngines`].
#[derive(Debug)]
pub struct Reloader {
    sources: Vec<SourceSpec>,
    index_dir: PathBuf,
    live: Arc<LiveEngines>,
    history: Arc<HistoryStore>,
    busy: tokio::sync::Mutex<()>,
}

impl Reloader {
    pub fn new(
        sources: &[String],
        index_dir: PathBuf,
        live: Arc<LiveEngines>,
        history: Arc<HistoryStore>,
    ) -> Arc<Reloader> {
        let sources = sources.iter().map(|s| SourceSpec::parse(s)).collect();
        Arc::new(Reloader { sources, index_dir, live, history, busy: tokio::sync::Mutex::new(()) })
    }

    /// Loads, validates and builds on the blocking pool, then swaps. See the module docs.
    pub async fn reload(&self) -> Result<ReloadOutcome, ReloadError> {
        let _busy = self.busy.try_lock().map_err(|_| ReloadError::InProgress)?;
        let current = self.live.current();
        let (sources, index_dir, history) = (self.sources.clone(), self.index_dir.clone(), self.history.clone());
        let prepared = tokio::task::spawn_blocking(move || prepare(&sources, &index_dir, &current, &history))
            .await
            .map_err(|e| ReloadError::Failed(format!("the reload task failed: {e}")))?;
        let result = match prepared {
            Ok(Prepared { outcome, engines: Some((engines, digest)) }) => {
                self.live.replace(engines.clone());
                // As at start (server/mod.rs): the new snapshot's career transitions, in the background.
                tokio::task::spawn_blocking(move || crate::matching::prepare_transitions(&engines.matching));
                self.history.record(digest);
                Ok(outcome)
            }
            Ok(Prepared { outcome, engines: None }) => Ok(outcome),
            Err(error) => Err(error),
        };
        log(&result);
        result
    }
}

struct Prepared {
    outcome: ReloadOutcome,
    /// The engines and digest to swap in; none when the version did not change.
    engines: Option<(Arc<Engines>, Arc<Digest>)>,
}

fn prepare(
    sources: &[SourceSpec],
    index_dir: &std::path::Path,
    current: &Engines,
    history: &HistoryStore,
) -> Result<Prepared, ReloadError> {
    let started = Instant::now();
    let before = history.ensure(&current.snapshot);
    // As at start (cli::load_engines): from the snapshot persisted for these sources when there is
    // one, and persisted once its index folder exists, so that the next start reads it.
    let ontology::persisted::Loaded { snapshot, report, key, restored } = ontology::persisted::load(sources, index_dir)
        .map_err(|e| match e {
            LoadError::Invalid { report } => ReloadError::Invalid { report },
            other => ReloadError::Failed(other.to_string()),
        })?;
    let load_millis = started.elapsed().as_millis() as u64;
    let stats = snapshot.stats();
    let mut outcome = ReloadOutcome {
        previous_version: current.snapshot.version().to_string(),
        version: snapshot.version().to_string(),
        swapped: false,
        concepts: snapshot.len(),
        relations: stats.relations.values().sum(),
        deprecated: stats.deprecated,
        warnings: report.warnings().filter(|w| !w.expected).map(|w| w.count).sum(),
        load_millis,
        build_millis: 0,
        changes: ChangeSummary::default(),
    };
    if outcome.version == outcome.previous_version {
        return Ok(Prepared { outcome, engines: None });
    }
    let built = Instant::now();
    let engines = Engines::build_persisted(Arc::new(snapshot), index_dir)
        .map_err(|e| ReloadError::Failed(format!("cannot build the search index: {e}")))?;
    if let Some(key) = key.filter(|_| !restored || !engines.search.index_reused()) {
        ontology::persisted::persist(index_dir, &key, &engines.snapshot, &report);
    }
    let digest = Arc::new(Digest::of(&engines.snapshot));
    outcome.build_millis = built.elapsed().as_millis() as u64;
    outcome.changes = ChangeSummary::of(&diff(&before, &digest));
    outcome.swapped = true;
    Ok(Prepared { outcome, engines: Some((Arc::new(engines), digest)) })
}

fn log(result: &Result<ReloadOutcome, ReloadError>) {
    match result {
        Ok(o) => tracing::info!(
            previous = %o.previous_version,
            version = %o.version,
            swapped = o.swapped,
            concepts = o.concepts,
            relations = o.relations,
            deprecated = o.deprecated,
            warnings = o.warnings,
            created = o.changes.created,
            updated = o.changes.updated,
            deprecated_since = o.changes.deprecated,
            replaced = o.changes.replaced,
            load_millis = o.load_millis,
            build_millis = o.build_millis,
            "reload done"
        ),
        Err(ReloadError::InProgress) => tracing::warn!("reload refused: another reload is in progress"),
        Err(ReloadError::Invalid { report }) => {
            // Data locations and reasons only (file, line, field): no personal data is in sources.
            let first: Vec<String> = report.errors.iter().take(5).map(|e| e.to_string()).collect();
            tracing::warn!(
                errors = report.error_count(),
                first = %first.join(" | "),
                "reload rejected: the new data is invalid; the old snapshot keeps serving"
            );
        }
        Err(ReloadError::Failed(message)) => tracing::error!(%message, "reload failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_reload_during_a_reload_is_refused_not_queued() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).unwrap().0;
        let live = LiveEngines::new(Arc::new(Engines::build(Arc::new(snapshot))));
        let index = tempfile::tempdir().unwrap();
        let reloader = Reloader::new(&["embedded".into()], index.path().into(), live, HistoryStore::new(2));
        let held = reloader.busy.lock().await;
        assert!(matches!(reloader.reload().await, Err(ReloadError::InProgress)));
        drop(held);
        let outcome = reloader.reload().await.unwrap();
        assert!(!outcome.swapped, "the same data gives the same version");
    }
}

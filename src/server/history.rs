//! `vaardig.v1.HistoryService`: stored ids resolved along replaced-by chains, and the changes
//! between snapshot versions (JobTech's model; see [`crate::history`]).
//!
//! A separate service rather than part of ConceptService: it is what client systems that *store*
//! ids call after a data change, and its versions come from the server's history, not from one
//! snapshot.

use std::sync::Arc;

use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::error::{ApiError, Violations};
use super::request::{self, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, bound_page, page_size, parse_bound_page_token};
use super::response;
use crate::engine::LiveEngines;
use crate::history::{self, Change, ChangeKind, Digest, HistoryStore, Outcome};
use crate::model::ConceptKind;
use crate::proto::v1 as pb;
use crate::proto::v1::history_service_server::HistoryService;

/// Most ids one ResolveIds may ask for.
pub const MAX_RESOLVE_IDS: usize = 1000;
/// Events buffered per WatchChanges stream before the sender waits for the client.
const STREAM_BUFFER: usize = 256;

/// The history service over the live engines and the server's history.
#[derive(Debug, Clone)]
pub struct HistoryApi {
    engines: Arc<LiveEngines>,
    history: Arc<HistoryStore>,
}

impl HistoryApi {
    pub fn new(engines: Arc<LiveEngines>, history: Arc<HistoryStore>) -> HistoryApi {
        HistoryApi { engines, history }
    }

    /// The digest of `version`: a recorded one, or the one serving (digested on first use).
    async fn digest(&self, version: &str, field: &str) -> Result<Arc<Digest>, Status> {
        if let Some(digest) = self.history.get(version) {
            return Ok(digest);
        }
        let engines = self.engines.current();
        if engines.snapshot.version() != version {
            let known = self.history.versions().len();
            return Err(ApiError::NotFound(format!(
                "{field}: version `{}` is not known to this server (it knows the {known} versions it served \
                 since it started, see ListVersions; compare other versions offline with `vaardig changes --from \
                 PATH --to PATH`)",
                request::truncate(version)
            ))
            .into());
        }
        let history = self.history.clone();
        tokio::task::spawn_blocking(move || history.ensure(&engines.snapshot))
            .await
            .map_err(|e| Status::internal(format!("digest task failed: {e}")))
    }
}

fn outcome_to_pb(outcome: Outcome) -> pb::ResolutionStatus {
    match outcome {
        Outcome::Live => pb::ResolutionStatus::Live,
        Outcome::Replaced => pb::ResolutionStatus::Replaced,
        Outcome::Deprecated => pb::ResolutionStatus::Deprecated,
        Outcome::Cycle => pb::ResolutionStatus::Cycle,
        Outcome::Unknown => pb::ResolutionStatus::Unknown,
    }
}

fn change_to_pb(change: &Change, from: &str, to: &str) -> pb::ChangeEvent {
    pb::ChangeEvent {
        from_version: from.to_string(),
        to_version: to.to_string(),
        r#type: match change.change {
            ChangeKind::Created => pb::ChangeType::Created,
            ChangeKind::Updated => pb::ChangeType::Updated,
            ChangeKind::Deprecated => pb::ChangeType::Deprecated,
            ChangeKind::Replaced => pb::ChangeType::Replaced,
        } as i32,
        id: change.id.to_string(),
        kind: response::kind_to_pb(change.kind) as i32,
        replaced_by: change.replaced_by.as_deref().unwrap_or_default().to_string(),
        resolved_id: change.resolved.as_deref().unwrap_or_default().to_string(),
        removed: change.removed,
    }
}

/// Sends the changes from `from` to `to` of the wanted kinds; false when the client has gone.
async fn send_changes(
    sender: &tokio::sync::mpsc::Sender<Result<pb::ChangeEvent, Status>>,
    from: Arc<Digest>,
    to: Arc<Digest>,
    kinds: &[ConceptKind],
) -> bool {
    let (from_version, to_version) = (from.version.clone(), to.version.clone());
    let Ok(changes) = tokio::task::spawn_blocking(move || history::diff(&from, &to)).await else { return false };
    for change in changes.iter().filter(|c| kinds.is_empty() || kinds.contains(&c.kind)) {
        if sender.send(Ok(change_to_pb(change, &from_version, &to_version))).await.is_err() {
            return false;
        }
    }
    true
}

#[tonic::async_trait]
impl HistoryService for HistoryApi {
    async fn resolve_ids(
        &self,
        request: Request<pb::ResolveIdsRequest>,
    ) -> Result<Response<pb::ResolveIdsResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let mut violations = Violations::default();
        if request.ids.is_empty() {
            violations.add("ids", "at least one id");
        } else if request.ids.len() > MAX_RESOLVE_IDS {
            violations.add("ids", format!("at most {MAX_RESOLVE_IDS} ids, not {}", request.ids.len()));
        }
        let ids: Vec<Option<String>> = request
            .ids
            .iter()
            .enumerate()
            .map(|(i, raw)| request::id(raw, &format!("ids[{i}]"), &mut violations))
            .collect();
        let lang = request::lang(&request.lang, "lang", &mut violations);
        violations.check(())?;
        let engines = self.engines.current();
        let snapshot = &*engines.snapshot;
        let status_of = |id: &str| snapshot.get(id).map(|c| &c.status);
        let resolutions = ids
            .into_iter()
            .flatten()
            .map(|id| {
                let resolution = history::resolve(status_of, &id);
                pb::Resolution {
                    id,
                    status: outcome_to_pb(resolution.outcome) as i32,
                    chain: resolution.chain.iter().map(|c| c.to_string()).collect(),
                    concept: resolution
                        .live
                        .and_then(|live| snapshot.lookup(&live))
                        .map(|idx| response::concept_ref(snapshot, idx, &lang)),
                }
            })
            .collect();
        Ok(Response::new(pb::ResolveIdsResponse { snapshot_version: snapshot.version().to_string(), resolutions }))
    }

    type WatchChangesStream = ReceiverStream<Result<pb::ChangeEvent, Status>>;

    async fn watch_changes(
        &self,
        request: Request<pb::WatchChangesRequest>,
    ) -> Result<Response<Self::WatchChangesStream>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let mut violations = Violations::default();
        if request.from_version.is_empty() {
            violations.add("from_version", "required: the version the stored ids come from");
        }
        if request.follow && !request.to_version.is_empty() {
            violations.add("follow", "only without to_version (follow sends the changes of later reloads)");
        }
        let kinds: Vec<ConceptKind> = request
            .kinds
            .iter()
            .enumerate()
            .filter_map(|(i, k)| request::kind_from_pb(*k, &format!("kinds[{i}]"), &mut violations))
            .collect();
        violations.check(())?;
        // Subscribe before reading the current version, so no reload falls between the two.
        let mut later = self.history.subscribe();
        later.mark_unchanged();
        let to_version = match request.to_version.as_str() {
            "" => self.engines.current().snapshot.version().to_string(),
            version => version.to_string(),
        };
        let from = self.digest(&request.from_version, "from_version").await?;
        let to = self.digest(&to_version, "to_version").await?;

        let (sender, receiver) = tokio::sync::mpsc::channel(STREAM_BUFFER);
        let follow = request.follow;
        tokio::spawn(async move {
            let mut last = to.clone();
            if !send_changes(&sender, from, to, &kinds).await || !follow {
                return;
            }
            loop {
                tokio::select! {
                    changed = later.changed() => {
                        if changed.is_err() {
                            return;
                        }
                    }
                    _ = sender.closed() => return,
                }
                // None: the server is shutting down; end the stream cleanly.
                let Some(next) = later.borrow_and_update().clone() else { return };
                if next.version == last.version {
                    continue;
                }
                if !send_changes(&sender, last, next.clone(), &kinds).await {
                    return;
                }
                last = next;
            }
        });
        Ok(Response::new(ReceiverStream::new(receiver)))
    }

    async fn list_versions(
        &self,
        request: Request<pb::ListVersionsRequest>,
    ) -> Result<Response<pb::ListVersionsResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::default();
        let size = page_size(request.page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, &mut violations);
        violations.check(())?;
        let current = self.engines.current().snapshot.version().to_string();
        let offset = parse_bound_page_token(&request.page_token, &current, "versions")?;
        // The serving version is always listed, digested now if startup has not done it yet.
        self.digest(&current, "snapshot_version").await?;
        let all: Vec<pb::VersionInfo> = self
            .history
            .versions()
            .iter()
            .map(|d| pb::VersionInfo {
                snapshot_version: d.version.clone(),
                loaded_at_unix: d.loaded_at_unix,
                concepts: d.len() as u64,
                deprecated: d.deprecated as u64,
            })
            .collect();
        let (page, next_page_token) = bound_page(&all, offset, size, &current, "versions");
        Ok(Response::new(pb::ListVersionsResponse {
            versions: page.to_vec(),
            next_page_token,
            total_size: i32::try_from(all.len()).unwrap_or(i32::MAX),
            snapshot_version: current,
        }))
    }
}

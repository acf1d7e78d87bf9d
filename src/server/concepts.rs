//! `vaardig.v1.ConceptService`: concepts, relations, hierarchy and statistics of the snapshot.
//!
//! Each handler validates and converts the request, reads the snapshot, and converts back.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::error::{ApiError, Violations, invalid};
use super::request::{
    self, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, View, bound_page, page_size, parse_bound_page_token, parse_page_token,
};
use super::response;
use crate::engine::LiveEngines;
use crate::model::SkillType;
use crate::ontology::Dir;
use crate::ontology::listing::{ConceptFilter, StatusFilter};
use crate::proto::v1 as pb;
use crate::proto::v1::concept_service_server::ConceptService;

/// Most ids one BatchGetConcepts may ask for.
pub const MAX_BATCH_IDS: usize = 1000;
/// Hierarchy walk limits.
pub const MAX_DEPTH: u32 = 10;
pub const DEFAULT_MAX_NODES: usize = 1000;
pub const MAX_NODES: usize = 10_000;

/// The concept service over the engines of one snapshot.
#[derive(Debug, Clone)]
pub struct ConceptApi {
    engines: Arc<LiveEngines>,
}

impl ConceptApi {
    pub fn new(engines: Arc<LiveEngines>) -> ConceptApi {
        ConceptApi { engines }
    }
}

/// The filters of a ListConcepts request as a domain filter; each bad field is a violation.
fn concept_filter(request: &pb::ListConceptsRequest, violations: &mut Violations) -> ConceptFilter {
    let status = match pb::ConceptStatusFilter::try_from(request.status) {
        Ok(pb::ConceptStatusFilter::Unspecified) => StatusFilter::Any,
        Ok(pb::ConceptStatusFilter::Released) => StatusFilter::Released,
        Ok(pb::ConceptStatusFilter::Deprecated) => StatusFilter::Deprecated,
        Err(_) => {
            violations.add("status", format!("unknown status filter {}", request.status));
            StatusFilter::Any
        }
    };
    let isco_prefix = request.isco_prefix.trim();
    if !isco_prefix.is_empty() && (isco_prefix.len() > 4 || !isco_prefix.bytes().all(|b| b.is_ascii_digit())) {
        violations.add("isco_prefix", format!("1 to 4 digits of an ISCO-08 code, not `{isco_prefix}`"));
    }
    let skill_type = request.skill_type.trim();
    let parsed_skill_type = SkillType::parse(skill_type);
    if !skill_type.is_empty() && parsed_skill_type.is_none() {
        violations.add("skill_type", format!("skill, knowledge or attitude, not `{skill_type}`"));
    }
    ConceptFilter {
        kind: request::kind_from_pb(request.kind, "kind", violations),
        status,
        isco_prefix: Some(isco_prefix.to_string()).filter(|p| !p.is_empty()),
        skill_type: parsed_skill_type,
        source: Some(request.source.trim().to_string()).filter(|s| !s.is_empty()),
    }
}

#[tonic::async_trait]
impl ConceptService for ConceptApi {
    type ExportOntologyStream = tokio_stream::wrappers::ReceiverStream<Result<pb::ExportChunk, Status>>;

    async fn export_ontology(
        &self,
        request: Request<pb::ExportOntologyRequest>,
    ) -> Result<Response<Self::ExportOntologyStream>, Status> {
        let request = request.into_inner();
        let format = crate::export::Format::parse(request.format.trim()).ok_or_else(|| {
            invalid("format", format!("one of {}, not `{}`", crate::export::Format::NAMES, request.format))
        })?;
        Ok(Response::new(export_stream(&self.engines, format)))
    }
    async fn list_concepts(
        &self,
        request: Request<pb::ListConceptsRequest>,
    ) -> Result<Response<pb::ListConceptsResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let mut violations = Violations::default();
        let filter = concept_filter(&request, &mut violations);
        let page_size = page_size(request.page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, &mut violations);
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let view = request::view(request.view, View::Basic, &mut violations);
        violations.check(())?;
        let engines = self.engines.current();
        let snapshot = &*engines.snapshot;
        let key = filter.key();
        let offset = parse_bound_page_token(&request.page_token, snapshot.version(), &key)?;
        let all = snapshot.list(&filter);
        let (page, next_page_token) = bound_page(&all, offset, page_size, snapshot.version(), &key);
        Ok(Response::new(pb::ListConceptsResponse {
            snapshot_version: snapshot.version().to_string(),
            concepts: page.iter().map(|idx| response::concept(snapshot, *idx, &lang, view)).collect(),
            next_page_token,
            total_size: i32::try_from(all.len()).unwrap_or(i32::MAX),
        }))
    }

    async fn get_concept(
        &self,
        request: Request<pb::GetConceptRequest>,
    ) -> Result<Response<pb::GetConceptResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let mut violations = Violations::default();
        let id = request::id(&request.id, "id", &mut violations);
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let view = request::view(request.view, View::Full, &mut violations);
        let id = violations.check(id)?.unwrap_or_default();
        let engines = self.engines.current();
        let snapshot = &*engines.snapshot;
        let idx = request::lookup(snapshot, &id)?;
        Ok(Response::new(pb::GetConceptResponse {
            snapshot_version: snapshot.version().to_string(),
            concept: Some(response::concept(snapshot, idx, &lang, view)),
        }))
    }

    async fn batch_get_concepts(
        &self,
        request: Request<pb::BatchGetConceptsRequest>,
    ) -> Result<Response<pb::BatchGetConceptsResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let mut violations = Violations::default();
        if request.ids.is_empty() {
            violations.add("ids", "at least one id");
        } else if request.ids.len() > MAX_BATCH_IDS {
            violations.add("ids", format!("at most {MAX_BATCH_IDS} ids, not {}", request.ids.len()));
            return Err(violations.check(()).unwrap_err().into());
        }
        let ids: Vec<Option<String>> = request
            .ids
            .iter()
            .enumerate()
            .map(|(i, raw)| request::id(raw, &format!("ids[{i}]"), &mut violations))
            .collect();
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let view = request::view(request.view, View::Full, &mut violations);
        violations.check(())?;
        let engines = self.engines.current();
        let snapshot = &*engines.snapshot;
        let ids: Vec<String> = ids.into_iter().flatten().collect();
        let missing: Vec<&str> = ids.iter().filter(|id| snapshot.lookup(id).is_none()).map(String::as_str).collect();
        if !missing.is_empty() {
            let shown: Vec<String> = missing.iter().take(10).map(|id| format!("`{id}`")).collect();
            let more = if missing.len() > 10 { format!(" and {} more", missing.len() - 10) } else { String::new() };
            return Err(ApiError::NotFound(format!("concepts not found: {}{more}", shown.join(", "))).into());
        }
        let concepts =
            ids.iter().filter_map(|id| snapshot.lookup(id)).map(|idx| response::concept(snapshot, idx, &lang, view));
        Ok(Response::new(pb::BatchGetConceptsResponse {
            snapshot_version: snapshot.version().to_string(),
            concepts: concepts.collect(),
        }))
    }

    async fn list_relations(
        &self,
        request: Request<pb::ListRelationsRequest>,
    ) -> Result<Response<pb::ListRelationsResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let engines = self.engines.current();
        let snapshot = &*engines.snapshot;
        let mut violations = Violations::default();
        let id = request::id(&request.id, "id", &mut violations);
        let kind = request::relation_kind_from_pb(request.kind, "kind", &mut violations);
        let directions: &[Dir] = match pb::Direction::try_from(request.direction) {
            Ok(pb::Direction::Unspecified | pb::Direction::Outgoing) => &[Dir::Outgoing],
            Ok(pb::Direction::Incoming) => &[Dir::Incoming],
            Ok(pb::Direction::Both) => &[Dir::Outgoing, Dir::Incoming],
            Err(_) => {
                violations.add("direction", format!("unknown direction {}", request.direction));
                &[]
            }
        };
        let page_size = page_size(request.page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, &mut violations);
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let id = violations.check(id)?.unwrap_or_default();
        let offset = parse_page_token(&request.page_token, snapshot.version())?;
        let idx = request::lookup(snapshot, &id)?;

        let all: Vec<(Dir, crate::ontology::RelationView)> = directions
            .iter()
            .flat_map(|&dir| snapshot.relations(idx, dir, kind).into_iter().map(move |view| (dir, view)))
            .collect();
        let end = (offset + page_size).min(all.len());
        let relations = all
            .get(offset.min(all.len())..end)
            .unwrap_or_default()
            .iter()
            .map(|(dir, view)| pb::RelationEntry {
                kind: response::relation_kind_to_pb(view.relation.kind) as i32,
                direction: match dir {
                    Dir::Outgoing => pb::Direction::Outgoing,
                    Dir::Incoming => pb::Direction::Incoming,
                } as i32,
                concept: Some(response::concept_ref(snapshot, view.other, &lang)),
                importance: view.relation.importance.map(|i| i.to_string()).unwrap_or_default(),
                weight: view.relation.weight,
                level: view.relation.level.map(Into::into),
                confidence: view.relation.confidence,
            })
            .collect();
        let next_page_token = if end < all.len() { format!("{}:{end}", snapshot.version()) } else { String::new() };
        Ok(Response::new(pb::ListRelationsResponse {
            snapshot_version: snapshot.version().to_string(),
            relations,
            next_page_token,
            total_size: i32::try_from(all.len()).unwrap_or(i32::MAX),
        }))
    }

    async fn get_hierarchy(
        &self,
        request: Request<pb::GetHierarchyRequest>,
    ) -> Result<Response<pb::GetHierarchyResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let engines = self.engines.current();
        let snapshot = &*engines.snapshot;
        let mut violations = Violations::default();
        let id = request::id(&request.id, "id", &mut violations);
        let depth = match request.depth {
            0 => 1,
            d if d > MAX_DEPTH => {
                violations.add("depth", format!("must be between 1 and {MAX_DEPTH}, not {d}"));
                1
            }
            d => d,
        };
        let max_nodes = match request.max_nodes as usize {
            0 => DEFAULT_MAX_NODES,
            n if n > MAX_NODES => {
                violations.add("max_nodes", format!("must be between 1 and {MAX_NODES}, not {n}"));
                1
            }
            n => n,
        };
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let id = violations.check(id)?.unwrap_or_default();
        let idx = request::lookup(snapshot, &id)?;
        let hierarchy = snapshot.hierarchy(idx, depth, max_nodes);
        let entries = |nodes: &[crate::ontology::HierarchyNode]| -> Vec<pb::HierarchyEntry> {
            nodes
                .iter()
                .map(|node| pb::HierarchyEntry {
                    concept: Some(response::concept_ref(snapshot, node.concept, &lang)),
                    depth: node.depth,
                    via_id: snapshot.concept(node.via).id.to_string(),
                })
                .collect()
        };
        Ok(Response::new(pb::GetHierarchyResponse {
            snapshot_version: snapshot.version().to_string(),
            concept: Some(response::concept_ref(snapshot, idx, &lang)),
            ancestors: entries(&hierarchy.ancestors),
            descendants: entries(&hierarchy.descendants),
            truncated: hierarchy.truncated,
        }))
    }

    async fn get_stats(
        &self,
        _request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::GetStatsResponse>, Status> {
        let engines = self.engines.current();
        let snapshot = &*engines.snapshot;
        let stats = snapshot.stats();
        Ok(Response::new(pb::GetStatsResponse {
            snapshot_version: snapshot.version().to_string(),
            concept_counts: stats.concepts.iter().map(|(k, n)| (k.to_string(), *n as u64)).collect(),
            relation_counts: stats.relations.iter().map(|(k, n)| (k.to_string(), *n as u64)).collect(),
            sources: snapshot
                .sources()
                .iter()
                .map(|s| pb::SourceInfo {
                    name: s.name.clone(),
                    format: s.format.as_str().to_string(),
                    location: s.location.clone(),
                    version: s.version.clone().unwrap_or_default(),
                    licence: s.licence.clone().unwrap_or_default(),
                    attribution: s.attribution.clone().unwrap_or_default(),
                    synthetic: s.synthetic,
                    concepts: s.concepts as u64,
                    relations: s.relations as u64,
                    label_sets: s.label_sets as u64,
                })
                .collect(),
            deprecated: stats.deprecated as u64,
        }))
    }
}

/// Sends exported files as [`pb::ExportChunk`]s of at most [`EXPORT_CHUNK`] bytes from a blocking
/// thread; fails (ending the export) once the client is gone.
struct ChunkSink {
    version: String,
    sender: tokio::sync::mpsc::Sender<Result<pb::ExportChunk, Status>>,
}

/// The largest chunk of an export stream: well under tonic's 4 MiB default message limit.
pub const EXPORT_CHUNK: usize = 1 << 20;

struct ChunkWriter<'a> {
    sink: &'a ChunkSink,
    file_name: String,
    buffer: Vec<u8>,
}

impl ChunkWriter<'_> {
    fn send(&mut self) -> std::io::Result<()> {
        let chunk = pb::ExportChunk {
            snapshot_version: self.sink.version.clone(),
            file_name: self.file_name.clone(),
            data: std::mem::take(&mut self.buffer),
        };
        self.sink.sender.blocking_send(Ok(chunk)).map_err(|_| std::io::Error::other("the client went away"))
    }
}

impl std::io::Write for ChunkWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let room = EXPORT_CHUNK - self.buffer.len();
        let taken = bytes.len().min(room);
        self.buffer.extend_from_slice(&bytes[..taken]);
        if self.buffer.len() == EXPORT_CHUNK {
            self.send()?;
        }
        Ok(taken)
    }

    /// Sends what is buffered: the exporter flushes at the end of each file.
    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() { Ok(()) } else { self.send() }
    }
}

impl crate::export::FileSink for ChunkSink {
    fn create(&mut self, name: &str) -> std::io::Result<Box<dyn std::io::Write + '_>> {
        Ok(Box::new(ChunkWriter { sink: self, file_name: name.to_string(), buffer: Vec::with_capacity(EXPORT_CHUNK) }))
    }
}

/// Starts the export of the snapshot now serving in `format` on a blocking thread.
pub(super) fn export_stream(
    engines: &LiveEngines,
    format: crate::export::Format,
) -> tokio_stream::wrappers::ReceiverStream<Result<pb::ExportChunk, Status>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let snapshot = engines.current().snapshot.clone();
    tokio::task::spawn_blocking(move || {
        let mut sink = ChunkSink { version: snapshot.version().to_string(), sender };
        if let Err(error) = crate::export::export(&snapshot, format, &mut sink) {
            tracing::warn!(format = format.as_str(), %error, "export stopped");
            let _ = sink.sender.blocking_send(Err(Status::aborted(format!("export stopped: {error}"))));
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(receiver)
}

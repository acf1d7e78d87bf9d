//! `vaardig.v1.ConceptService`: concepts, relations, hierarchy and statistics of the snapshot.
//!
//! Each handler validates and converts the request, reads the snapshot, and converts back.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::convert::{self, View};
use super::error::{ApiError, SnapshotMismatch, Violations, invalid};
use crate::engine::LiveEngines;
use crate::ontology::Dir;
use crate::proto::v1 as pb;
use crate::proto::v1::concept_service_server::ConceptService;

/// Most ids one BatchGetConcepts may ask for.
pub const MAX_BATCH_IDS: usize = 1000;
/// Default and maximum page size of ListRelations.
pub const DEFAULT_PAGE_SIZE: usize = 100;
pub const MAX_PAGE_SIZE: usize = 1000;
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

/// A page token is `<snapshot version>:<offset>`: opaque to clients, and a token from another
/// snapshot (issued before a reload, or by a replica of a fleet serving another version) is refused
/// with FAILED_PRECONDITION naming both versions, rather than silently mixing the pages of two
/// versions: the client starts paging again from the first page.
pub(super) fn parse_page_token(token: &str, version: &str) -> Result<usize, ApiError> {
    if token.is_empty() {
        return Ok(0);
    }
    let (token_version, offset) =
        token.rsplit_once(':').ok_or_else(|| invalid("page_token", "malformed page token"))?;
    let offset = offset.parse().map_err(|_| invalid("page_token", "malformed page token"))?;
    if token_version != version {
        return Err(ApiError::SnapshotMismatch(SnapshotMismatch {
            subject: "page_token".into(),
            requested: token_version.into(),
            served: version.into(),
            advice: "start paging again from the first page (empty page_token)".into(),
        }));
    }
    Ok(offset)
}

pub(super) fn page_size(raw: i32, default: usize, max: usize, violations: &mut Violations) -> usize {
    match raw {
        0 => default,
        n if n < 0 || n as usize > max => {
            violations.add("page_size", format!("must be between 1 and {max}, not {n}"));
            default
        }
        n => n as usize,
    }
}

#[tonic::async_trait]
impl ConceptService for ConceptApi {
    async fn get_concept(
        &self,
        request: Request<pb::GetConceptRequest>,
    ) -> Result<Response<pb::GetConceptResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let mut violations = Violations::default();
        let id = convert::id(&request.id, "id", &mut violations);
        let lang = convert::lang(&request.lang, "lang", &mut violations);
        let view = convert::view(request.view, View::Full, &mut violations);
        let id = violations.check(id)?.unwrap_or_default();
        let engines = self.engines.current();
        let snapshot = &*engines.snapshot;
        let idx = convert::lookup(snapshot, &id)?;
        Ok(Response::new(pb::GetConceptResponse {
            snapshot_version: snapshot.version().to_string(),
            concept: Some(convert::concept(snapshot, idx, &lang, view)),
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
            .map(|(i, raw)| convert::id(raw, &format!("ids[{i}]"), &mut violations))
            .collect();
        let lang = convert::lang(&request.lang, "lang", &mut violations);
        let view = convert::view(request.view, View::Full, &mut violations);
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
            ids.iter().filter_map(|id| snapshot.lookup(id)).map(|idx| convert::concept(snapshot, idx, &lang, view));
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
        let id = convert::id(&request.id, "id", &mut violations);
        let kind = convert::relation_kind_from_pb(request.kind, "kind", &mut violations);
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
        let lang = convert::lang(&request.lang, "lang", &mut violations);
        let id = violations.check(id)?.unwrap_or_default();
        let offset = parse_page_token(&request.page_token, snapshot.version())?;
        let idx = convert::lookup(snapshot, &id)?;

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
                kind: convert::relation_kind_to_pb(view.relation.kind) as i32,
                direction: match dir {
                    Dir::Outgoing => pb::Direction::Outgoing,
                    Dir::Incoming => pb::Direction::Incoming,
                } as i32,
                concept: Some(convert::concept_ref(snapshot, view.other, &lang)),
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
        let id = convert::id(&request.id, "id", &mut violations);
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
        let lang = convert::lang(&request.lang, "lang", &mut violations);
        let id = violations.check(id)?.unwrap_or_default();
        let idx = convert::lookup(snapshot, &id)?;
        let hierarchy = snapshot.hierarchy(idx, depth, max_nodes);
        let entries = |nodes: &[crate::ontology::HierarchyNode]| -> Vec<pb::HierarchyEntry> {
            nodes
                .iter()
                .map(|node| pb::HierarchyEntry {
                    concept: Some(convert::concept_ref(snapshot, node.concept, &lang)),
                    depth: node.depth,
                    via_id: snapshot.concept(node.via).id.to_string(),
                })
                .collect()
        };
        Ok(Response::new(pb::GetHierarchyResponse {
            snapshot_version: snapshot.version().to_string(),
            concept: Some(convert::concept_ref(snapshot, idx, &lang)),
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
                })
                .collect(),
            deprecated: stats.deprecated as u64,
        }))
    }
}

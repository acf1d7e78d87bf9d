//! `vaardig.v1.SearchService`: Search, Suggest and ExtractConcepts.
//!
//! Validation here; the work runs on the blocking pool (a search can take milliseconds, longer
//! than an async task should hold a runtime thread).

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::error::{ApiError, Violations};
use super::request::{self, page_size, parse_page_token};
use super::response;
use crate::engine::LiveEngines;
use crate::model::{ConceptKind, SkillType};
use crate::proto::v1 as pb;
use crate::proto::v1::search_service_server::SearchService;
use crate::search::Reason;
use crate::search::{Filters, SearchRequest};

/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1024;
/// Longest autocomplete prefix, in bytes.
pub const MAX_PREFIX_BYTES: usize = 256;
/// Longest text for extraction, in bytes (100 kB).
pub const MAX_TEXT_BYTES: usize = 100_000;
const DEFAULT_PAGE: usize = 10;
const MAX_PAGE: usize = 100;
const DEFAULT_SUGGESTIONS: usize = 10;
const MAX_SUGGESTIONS: usize = 50;

/// The search service over the engines of one snapshot.
#[derive(Debug, Clone)]
pub struct SearchApi {
    engines: Arc<LiveEngines>,
}

impl SearchApi {
    pub fn new(engines: Arc<LiveEngines>) -> SearchApi {
        SearchApi { engines }
    }
}

/// Converts a repeated kind filter.
fn kinds(raw: &[i32], violations: &mut Violations) -> Vec<ConceptKind> {
    raw.iter().enumerate().filter_map(|(i, k)| request::kind_from_pb(*k, &format!("kinds[{i}]"), violations)).collect()
}

fn reason_to_pb(reason: Reason) -> pb::MatchReason {
    match reason {
        Reason::Exact => pb::MatchReason::Exact,
        Reason::AlternativeLabel => pb::MatchReason::AlternativeLabel,
        Reason::HiddenLabel => pb::MatchReason::HiddenLabel,
        Reason::Stemmed => pb::MatchReason::Stemmed,
        Reason::Compound => pb::MatchReason::Compound,
        Reason::MemberOccupation => pb::MatchReason::MemberOccupation,
        Reason::Code => pb::MatchReason::Code,
        Reason::Description => pb::MatchReason::Description,
        Reason::Fuzzy => pb::MatchReason::Fuzzy,
        Reason::Translated => pb::MatchReason::Translated,
        Reason::Field => pb::MatchReason::Field,
        Reason::Synonym => pb::MatchReason::Synonym,
        Reason::Spelling => pb::MatchReason::Spelling,
        Reason::Prefix => pb::MatchReason::Prefix,
        Reason::OtherVerb => pb::MatchReason::OtherVerb,
        Reason::Specialisation => pb::MatchReason::Specialisation,
        Reason::EquivalentLabel => pb::MatchReason::EquivalentLabel,
        Reason::VocabularyLabel => pb::MatchReason::VocabularyLabel,
    }
}

fn text_field(raw: &str, field: &str, max: usize, violations: &mut Violations) {
    if raw.trim().is_empty() {
        violations.add(field, "must not be empty");
    } else if raw.len() > max {
        violations.add(field, format!("at most {max} bytes, not {}", raw.len()));
    }
}

/// Runs `work` on the blocking pool unless the request's deadline passed while it waited.
async fn blocking<T: Send + 'static>(
    limits: Option<super::limits::RequestLimits>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Status> {
    super::limits::blocking(limits, move |_| Ok(work())).await
}

#[tonic::async_trait]
impl SearchService for SearchApi {
    async fn search(&self, request: Request<pb::SearchRequest>) -> Result<Response<pb::SearchResponse>, Status> {
        super::limits::check_items(&request)?;
        let limits = super::limits::limits_of(&request);
        let r = request.into_inner();
        let mut violations = Violations::default();
        text_field(&r.query, "query", MAX_QUERY_BYTES, &mut violations);
        let kinds = kinds(&r.kinds, &mut violations);
        let lang = request::lang(&r.lang, "lang", &mut violations);
        let isco_prefix = (!r.isco_prefix.is_empty()).then(|| r.isco_prefix.clone());
        if let Some(prefix) = &isco_prefix {
            if prefix.len() > 4 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
                violations.add("isco_prefix", "1 to 4 digits");
            }
        }
        let skill_type = match r.skill_type.as_str() {
            "" => None,
            name => {
                let parsed = SkillType::parse(name);
                if parsed.is_none() {
                    violations.add(
                        "skill_type",
                        format!("`{}` is not skill, knowledge or attitude", request::truncate(name)),
                    );
                }
                parsed
            }
        };
        let qualification_level = match r.qualification_level {
            0 => None,
            l @ 1..=4 => Some(l as u8),
            l => {
                violations.add("qualification_level", format!("must be 1–4, not {l}"));
                None
            }
        };
        let limit = page_size(r.page_size, DEFAULT_PAGE, MAX_PAGE, &mut violations);
        violations.check(())?;
        let engines = self.engines.current();
        let offset = parse_page_token(&r.page_token, engines.snapshot.version())?;
        let request = SearchRequest {
            query: r.query.clone(),
            kinds,
            lang: lang.to_string(),
            filters: Filters { isco_prefix, skill_type, qualification_level, include_deprecated: r.include_deprecated },
            offset,
            limit,
            facets: !r.skip_facets,
        };
        let response = blocking(limits, move || {
            let snapshot = &*engines.snapshot;
            let results = engines.search.search(snapshot, &request).map_err(ApiError::from)?;
            let hits = results
                .hits
                .iter()
                .map(|hit| {
                    let row = hit.row.map(|r| &engines.search.labels.rows[r as usize]);
                    pb::SearchHit {
                        concept: Some(response::concept_ref(snapshot, hit.concept, &lang)),
                        matched_label: row.map(|r| r.text.to_string()).unwrap_or_default(),
                        matched_lang: row.map(|r| r.lang.to_string()).unwrap_or_default(),
                        score: hit.score,
                        reasons: hit.reasons.iter().map(|r| reason_to_pb(*r) as i32).collect(),
                        via_label: hit.via.as_deref().unwrap_or_default().to_string(),
                    }
                })
                .collect();
            let end = request.offset + request.limit;
            Ok::<_, Status>(pb::SearchResponse {
                snapshot_version: snapshot.version().to_string(),
                hits,
                next_page_token: if end < results.total {
                    format!("{}:{end}", snapshot.version())
                } else {
                    String::new()
                },
                total_size: results.total as u32,
                facets: results
                    .facets
                    .iter()
                    .map(|(kind, count)| pb::KindFacet {
                        kind: response::kind_to_pb(*kind) as i32,
                        count: *count as u32,
                    })
                    .collect(),
            })
        })
        .await??;
        tracing::debug!(hits = response.hits.len(), total = response.total_size, "search");
        Ok(Response::new(response))
    }

    async fn suggest(&self, request: Request<pb::SuggestRequest>) -> Result<Response<pb::SuggestResponse>, Status> {
        super::limits::check_items(&request)?;
        let r = request.into_inner();
        let mut violations = Violations::default();
        text_field(&r.prefix, "prefix", MAX_PREFIX_BYTES, &mut violations);
        let mut kinds = kinds(&r.kinds, &mut violations);
        if kinds.is_empty() {
            kinds = vec![ConceptKind::Occupation, ConceptKind::Skill];
        }
        let lang = request::lang(&r.lang, "lang", &mut violations);
        let limit = match r.limit as usize {
            0 => DEFAULT_SUGGESTIONS,
            n if n > MAX_SUGGESTIONS => {
                violations.add("limit", format!("at most {MAX_SUGGESTIONS}, not {n}"));
                0
            }
            n => n,
        };
        violations.check(())?;
        // Suggest answers in microseconds: no need to leave the async thread.
        let engines = self.engines.current();
        let snapshot = &*engines.snapshot;
        let suggestions = engines
            .search
            .suggest(&r.prefix, &kinds, &lang, limit, r.include_deprecated)
            .into_iter()
            .map(|s| {
                let row = &engines.search.labels.rows[s.row as usize];
                pb::Suggestion {
                    concept: Some(engines.refs.get(snapshot, s.concept, &lang)),
                    label: row.text.to_string(),
                    lang: row.lang.to_string(),
                    score: s.score,
                }
            })
            .collect();
        Ok(Response::new(pb::SuggestResponse { snapshot_version: snapshot.version().to_string(), suggestions }))
    }

    async fn extract_concepts(
        &self,
        request: Request<pb::ExtractConceptsRequest>,
    ) -> Result<Response<pb::ExtractConceptsResponse>, Status> {
        super::limits::check_items(&request)?;
        let limits = super::limits::limits_of(&request);
        let r = request.into_inner();
        let mut violations = Violations::default();
        if r.text.len() > MAX_TEXT_BYTES {
            violations.add("text", format!("at most {MAX_TEXT_BYTES} bytes, not {}", r.text.len()));
        }
        let lang = request::lang(&r.lang, "lang", &mut violations);
        if !(0.0..=1.0).contains(&r.min_confidence) {
            violations.add("min_confidence", "must be between 0 and 1");
        }
        violations.check(())?;
        let engines = self.engines.current();
        let response = blocking(limits, move || {
            let snapshot = &*engines.snapshot;
            let chars: Vec<char> = r.text.chars().collect();
            let span = |start: usize, end: usize| chars[start..end].iter().collect::<String>();
            let found = engines.search.extract_concepts(snapshot, &r.text, r.min_confidence, r.include_deprecated);
            let mentions = found
                .mentions
                .into_iter()
                .map(|m| pb::ConceptMention {
                    concept: Some(response::concept_ref(snapshot, m.concept, &lang)),
                    start: m.start as u32,
                    end: m.end as u32,
                    text: span(m.start, m.end),
                    matched_label: engines.search.labels.rows[m.row as usize].text.to_string(),
                    confidence: m.confidence,
                    alternative_ids: m.alternatives.iter().map(|a| snapshot.concept(*a).id.to_string()).collect(),
                })
                .collect::<Vec<_>>();
            let credentials = found
                .credentials
                .into_iter()
                .map(|c| pb::CredentialMention {
                    credential: Some(response::concept_ref(snapshot, c.mention.concept, &lang)),
                    start: c.mention.start as u32,
                    end: c.mention.end as u32,
                    text: span(c.mention.start, c.mention.end),
                    matched_label: engines.search.labels.rows[c.mention.row as usize].text.to_string(),
                    certifies: c.certifies.iter().map(|s| response::concept_ref(snapshot, *s, &lang)).collect(),
                })
                .collect();
            pb::ExtractConceptsResponse { snapshot_version: snapshot.version().to_string(), mentions, credentials }
        })
        .await?;
        // Counts only: the text itself is personal data.
        tracing::debug!(mentions = response.mentions.len(), credentials = response.credentials.len(), "extract");
        Ok(Response::new(response))
    }
}

//! `vaardig search`, `suggest`, `extract` and `eval`: against a server, or offline on a local
//! ontology (`--ontology`), through the very same service code.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use futures_util::StreamExt;
use tonic::Request;

use super::client::{block_on, channel, print_json, status_failure};
use super::output::kind_name;
use super::{ClientArgs, EXIT_FAILURE, Failure};
use crate::model::Lang;
use crate::model::{ConceptKind, compact_id};
use crate::proto::v1 as pb;
use crate::proto::v1::search_service_client::SearchServiceClient;
use crate::proto::v1::search_service_server::SearchService;
use crate::server::search::SearchApi;

/// Options shared by the search commands.
#[derive(Debug, Clone, clap::Args)]
pub struct SearchArgs {
    /// Work offline on these ontology sources instead of asking a server (repeatable, layered).
    #[arg(long = "ontology", value_name = "PATH")]
    pub ontology: Vec<String>,
    /// Where an offline run keeps its search index (reused for the same snapshot).
    #[arg(long, default_value = "index")]
    pub index_dir: String,
    /// Only these concept kinds (occupation, skill, skill_group, isco_group, qualification,
    /// credential, course, provider, funding_scheme). Repeatable.
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// Also show deprecated concepts (left out by default), marked with their successor.
    #[arg(long)]
    pub include_deprecated: bool,
}

impl SearchArgs {
    fn kinds(&self) -> Result<Vec<i32>, Failure> {
        parse_kinds(&self.kinds)
    }
}

/// `--kind` values as wire kinds; an unknown name is a usage error listing the known ones.
pub(super) fn parse_kinds(names: &[String]) -> Result<Vec<i32>, Failure> {
    names
        .iter()
        .map(|name| {
            let kind = ConceptKind::parse(name).ok_or_else(|| {
                let names: Vec<&str> = ConceptKind::ALL.iter().map(|k| k.as_str()).collect();
                Failure::new(2, format!("--kind `{name}` is not one of: {}", names.join(", ")))
            })?;
            Ok(crate::server::response::kind_to_pb(kind) as i32)
        })
        .collect()
}

/// Where the answers come from.
#[derive(Clone)]
enum Backend {
    Local(Arc<SearchApi>),
    // (Boxed: a client is some 250 bytes, the local service a pointer.)
    Remote(Box<SearchServiceClient<super::client::ClientChannel>>),
}

impl Backend {
    async fn open(client: &ClientArgs, args: &SearchArgs) -> Result<Backend, Failure> {
        if args.ontology.is_empty() {
            return Ok(Backend::Remote(Box::new(SearchServiceClient::new(channel(client).await?))));
        }
        let engines = super::load_engines(&args.ontology, Some(Path::new(&args.index_dir)))?;
        Ok(Backend::Local(Arc::new(SearchApi::new(crate::engine::LiveEngines::new(engines)))))
    }

    async fn search(&self, request: pb::SearchRequest) -> Result<pb::SearchResponse, tonic::Status> {
        match self {
            Backend::Local(api) => {
                api.search(Request::new(request)).await.and_then(|r| super::services::as_received(r.into_inner()))
            }
            Backend::Remote(client) => client.clone().search(request).await.map(|r| r.into_inner()),
        }
    }

    async fn suggest(&self, request: pb::SuggestRequest) -> Result<pb::SuggestResponse, tonic::Status> {
        match self {
            Backend::Local(api) => {
                api.suggest(Request::new(request)).await.and_then(|r| super::services::as_received(r.into_inner()))
            }
            Backend::Remote(client) => client.clone().suggest(request).await.map(|r| r.into_inner()),
        }
    }

    async fn extract(&self, request: pb::ExtractConceptsRequest) -> Result<pb::ExtractConceptsResponse, tonic::Status> {
        match self {
            Backend::Local(api) => api
                .extract_concepts(Request::new(request))
                .await
                .and_then(|r| super::services::as_received(r.into_inner())),
            Backend::Remote(client) => client.clone().extract_concepts(request).await.map(|r| r.into_inner()),
        }
    }
}

/// Requests in flight at once in batch mode: enough to keep a server's cores busy.
const BATCH_IN_FLIGHT: usize = 16;

fn hit_json(hit: &pb::SearchHit) -> serde_json::Value {
    let concept = hit.concept.clone().unwrap_or_default();
    serde_json::json!({
        "id": concept.id,
        "kind": kind_name(concept.kind),
        "label": concept.label,
        "matched_label": hit.matched_label,
        "via_label": hit.via_label,
        "score": hit.score,
        "reasons": hit.reasons.iter().map(|r| reason_name(*r)).collect::<Vec<_>>(),
        "deprecated": concept.deprecated,
        "replaced_by": concept.replaced_by,
    })
}

/// A match reason as JSON names it: the proto name without its prefix, in lower case (`exact`,
/// `alternative_label`, `spelling`); an unknown number (a newer server) as the number.
fn reason_name(raw: i32) -> String {
    pb::MatchReason::try_from(raw)
        .map(|r| r.as_str_name().trim_start_matches("MATCH_REASON_").to_ascii_lowercase())
        .unwrap_or_else(|_| raw.to_string())
}

/// `  (vervallen → esco:…)` after a deprecated concept, so that it is never taken for a live one.
fn deprecated_note(concept: &pb::ConceptRef, text: Lang) -> String {
    match (concept.deprecated, concept.replaced_by.as_str()) {
        (false, _) => String::new(),
        (true, "") => format!("  ({})", text.pick("vervallen", "deprecated")),
        (true, next) => format!("  ({} → {})", text.pick("vervallen", "deprecated"), compact_id(next)),
    }
}

pub fn search(client: &ClientArgs, args: &SearchArgs, query: Option<&str>, limit: usize) -> Result<(), Failure> {
    let kinds = args.kinds()?;
    let request = |q: &str| pb::SearchRequest {
        query: q.to_string(),
        kinds: kinds.clone(),
        lang: client.lang.to_string(),
        page_size: limit as i32,
        skip_facets: query.is_none(),
        include_deprecated: args.include_deprecated,
        ..Default::default()
    };
    block_on(async {
        let backend = Backend::open(client, args).await?;
        let Some(query) = query else {
            return batch(&backend, request, client.json).await;
        };
        let response = backend.search(request(query)).await.map_err(status_failure)?;
        if client.json {
            print_json(&serde_json::json!({
                "version": response.snapshot_version,
                "query": query,
                "total": response.total_size,
                "hits": response.hits.iter().map(hit_json).collect::<Vec<_>>(),
                "facets": response.facets.iter().map(|f| (kind_name(f.kind).to_string(), serde_json::Value::from(f.count))).collect::<serde_json::Map<_, _>>(),
            }));
        } else {
            let text = client.lang;
            for (i, hit) in response.hits.iter().enumerate() {
                let c = hit.concept.clone().unwrap_or_default();
                let mut via = if hit.matched_label != c.label && !hit.matched_label.is_empty() {
                    format!("  ({} “{}”)", text.pick("via", "via"), hit.matched_label)
                } else {
                    String::new()
                };
                if !hit.via_label.is_empty() {
                    via.push_str(&format!(
                        "  ({} “{}”)",
                        text.pick("de zoekterm heet ook", "the query is also called"),
                        hit.via_label
                    ));
                }
                println!(
                    "{:>2}. {}  [{}]  {:.3}{via}{}\n    {}",
                    i + 1,
                    c.label,
                    kind_name(c.kind),
                    hit.score,
                    deprecated_note(&c, text),
                    compact_id(&c.id)
                );
            }
            if response.hits.is_empty() {
                println!("{}", text.pick("geen resultaten", "no results"));
            }
        }
        Ok(())
    })
}

/// One query per stdin line → one JSON object per line, in input order. A line the server rejects
/// gets an object with its `error`, so nothing is lost or reordered.
async fn batch(backend: &Backend, request: impl Fn(&str) -> pb::SearchRequest, _json: bool) -> Result<(), Failure> {
    let stdin = std::io::stdin();
    let lines: Vec<String> = stdin
        .lock()
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot read stdin: {e}")))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut answers = futures_util::stream::iter(lines.iter().map(|line| {
        let backend = backend.clone();
        let req = request(line);
        async move { (line, backend.search(req).await) }
    }))
    .buffered(BATCH_IN_FLIGHT);
    while let Some((line, answer)) = answers.next().await {
        let value = match answer {
            Ok(response) => {
                serde_json::json!({"query": line, "hits": response.hits.iter().map(hit_json).collect::<Vec<_>>()})
            }
            Err(status) if status.code() == tonic::Code::InvalidArgument => {
                serde_json::json!({"query": line, "hits": [], "error": status.message()})
            }
            Err(status) => return Err(status_failure(status)),
        };
        writeln!(out, "{value}").map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot write: {e}")))?;
    }
    out.flush().map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot write: {e}")))
}

pub fn suggest(client: &ClientArgs, args: &SearchArgs, prefix: &str, limit: u32) -> Result<(), Failure> {
    let kinds = args.kinds()?;
    block_on(async {
        let backend = Backend::open(client, args).await?;
        let request = pb::SuggestRequest {
            prefix: prefix.to_string(),
            kinds,
            lang: client.lang.to_string(),
            limit,
            include_deprecated: args.include_deprecated,
        };
        let response = backend.suggest(request).await.map_err(status_failure)?;
        if client.json {
            print_json(&serde_json::json!({
                "version": response.snapshot_version,
                "suggestions": response.suggestions.iter().map(|s| {
                    let c = s.concept.clone().unwrap_or_default();
                    serde_json::json!({"id": c.id, "kind": kind_name(c.kind), "label": s.label, "preferred_label": c.label, "score": s.score, "deprecated": c.deprecated, "replaced_by": c.replaced_by})
                }).collect::<Vec<_>>(),
            }));
        } else {
            for s in &response.suggestions {
                let c = s.concept.clone().unwrap_or_default();
                let note = deprecated_note(&c, client.lang);
                // The completed label may be an alternative one that several concepts share
                // ("lasser"): the preferred label tells them apart.
                let preferred = if c.label.is_empty() || c.label.eq_ignore_ascii_case(&s.label) {
                    String::new()
                } else {
                    format!("  ({})", c.label)
                };
                println!("{}{preferred}  [{}]  {}{note}", s.label, kind_name(c.kind), compact_id(&c.id));
            }
        }
        Ok(())
    })
}

pub fn extract(client: &ClientArgs, args: &SearchArgs, file: &str) -> Result<(), Failure> {
    let text = if file == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot read stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(file).map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot read {file}: {e}")))?
    };
    block_on(async {
        let backend = Backend::open(client, args).await?;
        let request = pb::ExtractConceptsRequest {
            text,
            lang: client.lang.to_string(),
            min_confidence: 0.0,
            include_deprecated: args.include_deprecated,
        };
        let response = backend.extract(request).await.map_err(status_failure)?;
        if client.json {
            print_json(&serde_json::json!({
                "version": response.snapshot_version,
                "mentions": response.mentions.iter().map(|m| {
                    let c = m.concept.clone().unwrap_or_default();
                    serde_json::json!({"id": c.id, "kind": kind_name(c.kind), "label": c.label, "start": m.start, "end": m.end,
                        "text": m.text, "matched_label": m.matched_label, "confidence": m.confidence, "alternatives": m.alternative_ids})
                }).collect::<Vec<_>>(),
                "credentials": response.credentials.iter().map(|c| {
                    let credential = c.credential.clone().unwrap_or_default();
                    serde_json::json!({"id": credential.id, "label": credential.label, "start": c.start, "end": c.end,
                        "text": c.text, "matched_label": c.matched_label,
                        "certifies": c.certifies.iter().map(|s| serde_json::json!({"id": s.id, "label": s.label})).collect::<Vec<_>>()})
                }).collect::<Vec<_>>(),
            }));
        } else {
            for m in &response.mentions {
                let c = m.concept.clone().unwrap_or_default();
                println!(
                    "{:>5}–{:<5} “{}” → {}  [{}]  {:.2}  {}",
                    m.start,
                    m.end,
                    m.text,
                    c.label,
                    kind_name(c.kind),
                    m.confidence,
                    compact_id(&c.id)
                );
            }
            for c in &response.credentials {
                let credential = c.credential.clone().unwrap_or_default();
                println!(
                    "{:>5}–{:<5} “{}” → {}  [credential]  {}",
                    c.start,
                    c.end,
                    c.text,
                    credential.label,
                    compact_id(&credential.id)
                );
                for skill in &c.certifies {
                    println!("{:13}certifies: {}  {}", "", skill.label, compact_id(&skill.id));
                }
            }
        }
        Ok(())
    })
}

/// The lowest search score at which a phrase without an exact mention is taken to name a skill.
const SKILL_TEXT_MIN_SCORE: f32 = 0.6;

/// Resolves free-text skill descriptions (`"lassen, heftruck rijden"`) to skill ids: the server's
/// extraction finds the skills mentioned; a comma-separated phrase in which it finds none is looked
/// up with Search (skills only) and taken when the best hit is a clear match. What was recognised is
/// printed on stderr, so the advisor sees how the text was read.
pub(super) fn resolve_skill_text(client: &ClientArgs, texts: &[String]) -> Result<Vec<String>, Failure> {
    let args =
        SearchArgs { ontology: Vec::new(), index_dir: String::new(), kinds: Vec::new(), include_deprecated: false };
    block_on(async {
        let backend = Backend::open(client, &args).await?;
        let mut ids = Vec::new();
        for text in texts {
            for phrase in text.split([',', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
                let request = pb::ExtractConceptsRequest {
                    text: phrase.to_string(),
                    lang: client.lang.to_string(),
                    min_confidence: 0.0,
                    include_deprecated: false,
                };
                let mentions = backend.extract(request).await.map_err(status_failure)?.mentions;
                let skills: Vec<pb::ConceptRef> = mentions
                    .into_iter()
                    .filter_map(|m| m.concept)
                    .filter(|c| c.kind == pb::ConceptKind::Skill as i32)
                    .collect();
                let found = if skills.is_empty() {
                    let request = pb::SearchRequest {
                        query: phrase.to_string(),
                        kinds: vec![pb::ConceptKind::Skill as i32],
                        lang: client.lang.to_string(),
                        page_size: 1,
                        skip_facets: true,
                        ..Default::default()
                    };
                    let hits = backend.search(request).await.map_err(status_failure)?.hits;
                    hits.into_iter().filter(|h| h.score >= SKILL_TEXT_MIN_SCORE).filter_map(|h| h.concept).collect()
                } else {
                    skills
                };
                if found.is_empty() {
                    eprintln!("niet herkend / not recognised: “{phrase}”");
                }
                for concept in found {
                    eprintln!("“{phrase}” → {} ({})", concept.label, compact_id(&concept.id));
                    if !ids.contains(&concept.id) {
                        ids.push(concept.id);
                    }
                }
            }
        }
        if ids.is_empty() {
            return Err(Failure::new(super::EXIT_INVALID_ARGUMENT, "--skill-text: no skill recognised in the text"));
        }
        Ok(ids)
    })
}

/// `vaardig crosswalk`: link another vocabulary's labels to the snapshot and write the mappings as a
/// bundle (layerable with `--ontology`), a TSV with the evidence and SKOS mapping triples.
#[derive(Debug, clap::Args)]
pub struct CrosswalkArgs {
    /// The ontology to link to (layered sources; ESCO export, bundles, `embedded`).
    #[arg(long = "ontology", value_name = "PATH", required = true)]
    pub ontology: Vec<String>,
    /// Where the search index is kept.
    #[arg(long, default_value = "index")]
    pub index_dir: String,
    /// The other vocabulary: a CSV (plain or .gz) with one row per label.
    #[arg(long)]
    pub input: String,
    /// Column with the concept id (a URI).
    #[arg(long, default_value = "concept_uri")]
    pub id_column: String,
    /// Column with the label.
    #[arg(long, default_value = "label")]
    pub label_column: String,
    /// The kind of the concepts: occupation or skill.
    #[arg(long, default_value = "occupation")]
    pub kind: String,
    /// Name of the written bundle.
    #[arg(long, default_value = "crosswalk")]
    pub name: String,
    /// Attribution of the other vocabulary, written into the bundle.
    #[arg(long, default_value = "")]
    pub attribution: String,
    /// Output folder (created).
    #[arg(long)]
    pub out: String,
}

pub fn crosswalk(args: &CrosswalkArgs) -> Result<(), Failure> {
    use crate::search::crosswalk;
    let fail = |m: String| Failure::new(EXIT_FAILURE, m);
    let kind = match ConceptKind::parse(&args.kind) {
        Some(k @ (ConceptKind::Occupation | ConceptKind::Skill)) => k,
        _ => return Err(Failure::new(2, format!("--kind `{}`: crosswalks link occupations or skills", args.kind))),
    };
    let bytes = std::fs::read(&args.input).map_err(|e| fail(format!("cannot read {}: {e}", args.input)))?;
    let vocabulary = crate::ontology::vocabulary::read(&args.input, &bytes, &args.id_column, &args.label_column)
        .map_err(|(location, reason)| fail(format!("{location}: {reason}")))?
        .sets;
    let engines = super::load_engines(&args.ontology, Some(Path::new(&args.index_dir)))?;
    let snapshot = &*engines.snapshot;
    let (mappings, unmapped) =
        crosswalk(&engines.search, snapshot, &vocabulary, kind).map_err(|e| fail(e.to_string()))?;

    let out = Path::new(&args.out);
    std::fs::create_dir_all(out).map_err(|e| fail(format!("cannot create {}: {e}", args.out)))?;
    let write = |name: &str, text: String| {
        std::fs::write(out.join(name), text).map_err(|e| fail(format!("cannot write {name}: {e}")))
    };
    let toml_string = |s: &str| serde_json::to_string(s).unwrap_or_default();
    write(
        "bundle.toml",
        format!(
            "name = {}\ntitle = {}\nversion = {}\nattribution = {}\nsynthetic = false\n",
            toml_string(&args.name),
            toml_string(&format!("crosswalk of {} to snapshot {}", args.input, snapshot.version())),
            toml_string(snapshot.version()),
            toml_string(&args.attribution),
        ),
    )?;
    let mut concepts = String::new();
    for concept in &vocabulary {
        let Some((pref, alts)) = concept.labels.split_first() else { continue };
        let mut line = serde_json::json!({"id": concept.id, "labels": {"nl": {"pref": pref, "alt": alts}}});
        if kind == ConceptKind::Skill {
            line["skill_type"] = "skill".into();
        }
        concepts.push_str(&format!("{line}\n"));
    }
    let file_kind = if kind == ConceptKind::Skill { "skills" } else { "occupations" };
    write(&format!("{file_kind}-crosswalk.jsonl"), concepts)?;
    let (mut relations, mut tsv, mut triples) = (String::new(), String::new(), String::new());
    tsv.push_str("external_id\texternal_label\tmatch\ttarget_id\ttarget_label\tconfidence\tevidence\n");
    for m in &mappings {
        let target = &snapshot.concept(m.target).id;
        let line = serde_json::json!({"from": m.external, "kind": m.kind.as_str(), "to": target, "confidence": (m.confidence * 1000.0).round() / 1000.0});
        relations.push_str(&format!("{line}\n"));
        tsv.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{:.3}\t{}\n",
            m.external, m.external_label, m.kind, target, m.target_label, m.confidence, m.evidence
        ));
        let predicate = if m.kind == crate::model::RelationKind::ExactMatch { "exactMatch" } else { "closeMatch" };
        triples.push_str(&format!("<{}> <http://www.w3.org/2004/02/skos/core#{predicate}> <{target}> .\n", m.external));
    }
    write("relations-crosswalk.jsonl", relations)?;
    write("mappings.tsv", tsv)?;
    write("mappings.nt", triples)?;
    let exact = mappings.iter().filter(|m| m.kind == crate::model::RelationKind::ExactMatch).count();
    println!(
        "{} concepts: {exact} exact_match, {} close_match, {} unmapped → {}",
        vocabulary.len(),
        mappings.len() - exact,
        unmapped.len(),
        args.out
    );
    Ok(())
}

//! `vaardig eval`: answer quality on judged sets, against a server or offline (`--ontology`).
//!
//! Three tasks ([`crate::eval`] has the measures): `search` (queries + TREC qrels), `related`
//! (origin occupations with the occupations experts relate to them) and `extract` (annotated texts).
//! Files may be gzip-compressed (read by their magic bytes, whatever their name). `--details FILE`
//! writes one TSV line per query with what was answered, for reading the misses.

use std::io::Read;

use futures_util::StreamExt;

use super::client::{block_on, print_json, status_failure};
use super::services::{OfflineArgs, Services};
use super::{ClientArgs, EXIT_FAILURE, EXIT_USAGE, Failure};
use crate::eval::{extract, ranking, related};
use crate::proto::v1 as pb;

/// Which kind of answer is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Task {
    /// Search: `--queries` (`id<TAB>text`) and `--qrels` (`id 0 concept relevance`).
    Search,
    /// Career transitions (RelatedOccupations): `--queries` holds `origin<TAB>relevant ids`.
    Related,
    /// Extraction (ExtractConcepts): `--queries` holds annotated texts as JSON Lines.
    Extract,
}

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// What to measure.
    #[arg(long, value_enum, default_value = "search")]
    pub task: Task,
    /// The judged input: queries (search), origin→relevant pairs (related, also `--pairs`) or
    /// annotated texts (extract, also `--texts`). Plain or gzip.
    #[arg(long, visible_alias = "pairs", visible_alias = "texts", value_name = "FILE")]
    pub queries: String,
    /// Search judgements: `query_id 0 concept_id relevance` per line. Plain or gzip.
    #[arg(long, value_name = "FILE")]
    pub qrels: Option<String>,
    /// Only these concept kinds (search). Repeatable.
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// Write one TSV line per query (id, text or origin, rank of the first relevant answer, the
    /// first answers) to this file, to read the misses.
    #[arg(long, value_name = "FILE")]
    pub details: Option<String>,
    #[command(flatten)]
    pub offline: OfflineArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

/// Requests in flight at once: enough to keep a server's cores busy.
const IN_FLIGHT: usize = 16;
/// How many transitions are asked per origin (the depth of the median rank).
const RELATED_DEPTH: i32 = 100;

pub fn eval(args: &EvalArgs) -> Result<(), Failure> {
    let input = read_maybe_gzip(&args.queries)?;
    block_on(async {
        let services = Services::open(&args.client, &args.offline).await?;
        let (value, details) = match args.task {
            Task::Search => eval_search(args, &services, &input).await?,
            Task::Related => eval_related(args, &services, &input).await?,
            Task::Extract => eval_extract(args, &services, &input).await?,
        };
        if let Some(path) = &args.details {
            std::fs::write(path, details.join("\n") + "\n")
                .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot write --details {path}: {e}")))?;
        }
        if args.client.json {
            print_json(&value);
        } else {
            print_table(&value, "");
        }
        Ok(())
    })
}

async fn eval_search(
    args: &EvalArgs,
    services: &Services,
    queries: &str,
) -> Result<(serde_json::Value, Vec<String>), Failure> {
    let qrels_path = args.qrels.as_deref().ok_or_else(|| {
        Failure::new(EXIT_USAGE, "--task search needs --qrels FILE (query_id 0 concept_id relevance)")
    })?;
    let qrels = read_maybe_gzip(qrels_path)?;
    let (judged, unjudged) = ranking::read_judgements(&args.queries, queries, qrels_path, &qrels)
        .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
    let kinds = super::search::parse_kinds(&args.kinds)?;
    let mut answers = futures_util::stream::iter(judged.iter().map(|j| {
        let request = pb::SearchRequest {
            query: j.text.clone(),
            kinds: kinds.clone(),
            lang: args.client.lang.to_string(),
            page_size: 10,
            skip_facets: true,
            ..Default::default()
        };
        async move { (j, services.search(request).await) }
    }))
    .buffered(IN_FLIGHT);
    let mut runs = Vec::with_capacity(judged.len());
    let mut details = vec!["query_id\tquery\tfirst_relevant_rank\tanswers".to_string()];
    while let Some((j, answer)) = answers.next().await {
        let hits = match answer {
            Ok(response) => response.hits,
            Err(status) if status.code() == tonic::Code::InvalidArgument => Vec::new(),
            Err(status) => return Err(status_failure(status)),
        };
        let ids: Vec<String> = hits.iter().filter_map(|h| h.concept.as_ref().map(|c| c.id.clone())).collect();
        let labels = hits.iter().filter_map(|h| h.concept.as_ref().map(|c| c.label.as_str()));
        details.push(detail_line(&j.id, &j.text, ids.iter().position(|id| j.relevant.contains(id)), labels));
        runs.push((j, ids));
    }
    let m = ranking::metrics(runs);
    let mut value = serde_json::to_value(&m).unwrap_or_default();
    value["unjudged_queries"] = unjudged.into();
    Ok((value, details))
}

async fn eval_related(
    args: &EvalArgs,
    services: &Services,
    pairs: &str,
) -> Result<(serde_json::Value, Vec<String>), Failure> {
    let judged = related::read_related(&args.queries, pairs).map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
    let mut answers = futures_util::stream::iter(judged.iter().map(|j| {
        let request = pb::RelatedOccupationsRequest {
            occupation_id: j.origin.clone(),
            limit: RELATED_DEPTH,
            explain_limit: 1,
            lang: args.client.lang.to_string(),
            ..Default::default()
        };
        async move { (j, services.related_occupations(request).await) }
    }))
    .buffered(IN_FLIGHT);
    let mut runs = Vec::with_capacity(judged.len());
    let mut details = vec!["origin\t-\tfirst_relevant_rank\tanswers".to_string()];
    let mut unknown_origins = 0;
    while let Some((j, answer)) = answers.next().await {
        let results = match answer {
            Ok(response) => response.results,
            Err(status) if status.code() == tonic::Code::NotFound => {
                unknown_origins += 1;
                Vec::new()
            }
            Err(status) => return Err(status_failure(status)),
        };
        let refs: Vec<&pb::ConceptRef> =
            results.iter().filter_map(|t| t.target.as_ref().and_then(|m| m.occupation.as_ref())).collect();
        let ids: Vec<String> = refs.iter().map(|c| c.id.clone()).collect();
        let labels = refs.iter().map(|c| c.label.as_str());
        details.push(detail_line(&j.origin, "", ids.iter().position(|id| j.relevant.contains(id)), labels));
        runs.push((j, ids));
    }
    let m = related::metrics(runs, RELATED_DEPTH as usize);
    let mut value = serde_json::to_value(&m).unwrap_or_default();
    value["unknown_origins"] = unknown_origins.into();
    Ok((value, details))
}

async fn eval_extract(
    args: &EvalArgs,
    services: &Services,
    texts: &str,
) -> Result<(serde_json::Value, Vec<String>), Failure> {
    let annotated = extract::read_texts(&args.queries, texts).map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
    let mut runs = Vec::with_capacity(annotated.len());
    let mut mention_runs = Vec::with_capacity(annotated.len());
    let mut details = vec!["text_id\tkind\tverdict\tconcept\tlabel\tmatched_text".to_string()];
    for a in &annotated {
        let request = pb::ExtractConceptsRequest {
            text: a.text.clone(),
            lang: args.client.lang.to_string(),
            ..Default::default()
        };
        let response = services.extract_concepts(request).await.map_err(status_failure)?;
        let mut found = Vec::new();
        let verdict =
            |kind: &str, id: &str| if a.gold.get(kind).is_some_and(|g| g.contains(id)) { "ok" } else { "extra" };
        for mention in &response.mentions {
            let Some(concept) = &mention.concept else { continue };
            let kind = super::output::kind_name(concept.kind).to_string();
            let verdict = verdict(&kind, &concept.id);
            details.push(format!("{}\t{kind}\t{verdict}\t{}\t{}\t{}", a.id, concept.id, concept.label, mention.text));
            found.push((kind, concept.id.clone()));
        }
        let mentioned = found.clone();
        // A credential the text names stands for the skills it certifies, as `vaardig profile`
        // adds them to the profile it builds: "EHBO-diploma" tells a reader the person can give
        // first aid, and the annotation links that skill.
        for credential in &response.credentials {
            for skill in &credential.certifies {
                let kind = super::output::kind_name(skill.kind).to_string();
                if found.iter().any(|(k, id)| *k == kind && *id == skill.id) {
                    continue;
                }
                let verdict = verdict(&kind, &skill.id);
                let via = format!("{} (certified by the credential)", credential.text);
                details.push(format!("{}\t{kind}\t{verdict}\t{}\t{}\t{via}", a.id, skill.id, skill.label));
                found.push((kind, skill.id.clone()));
            }
        }
        for (kind, gold) in &a.gold {
            for id in gold.iter().filter(|id| !found.iter().any(|(k, f)| k == kind && f == *id)) {
                details.push(format!("{}\t{kind}\tmissed\t{id}\t\t", a.id));
            }
        }
        runs.push((a, found));
        mention_runs.push((a, mentioned));
    }
    let m = extract::metrics(runs);
    let mut value = serde_json::to_value(&m).unwrap_or_default();
    value["mentions_only"] = serde_json::to_value(extract::metrics(mention_runs)).unwrap_or_default();
    Ok((value, details))
}

fn detail_line<'a>(id: &str, text: &str, first: Option<usize>, labels: impl Iterator<Item = &'a str>) -> String {
    let rank = first.map_or("-".to_string(), |r| (r + 1).to_string());
    let answers: Vec<&str> = labels.take(5).collect();
    format!("{id}\t{text}\t{rank}\t{}", answers.join(" | "))
}

/// Reads a file, decompressing gzip when it starts with gzip's magic bytes.
fn read_maybe_gzip(path: &str) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot read {path}: {e}")))?;
    let mut text = String::new();
    crate::ontology::decompressed(&bytes)
        .read_to_string(&mut text)
        .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot read {path} (gzip or UTF-8 text): {e}")))?;
    Ok(text)
}

/// Prints the measures as aligned `name value` lines, nested objects indented.
fn print_table(value: &serde_json::Value, indent: &str) {
    let Some(object) = value.as_object() else { return };
    for (name, v) in object {
        match v {
            serde_json::Value::Object(_) => {
                println!("{indent}{name}");
                print_table(v, &format!("{indent}  "));
            }
            serde_json::Value::Number(n) if n.is_f64() => {
                println!("{indent}{name:<28} {:.4}", n.as_f64().unwrap_or_default())
            }
            serde_json::Value::Null => println!("{indent}{name:<28} -"),
            other => println!("{indent}{name:<28} {other}"),
        }
    }
}

//! Operator and history commands: `reload`, `resolve`, `changes` and `versions`.

use futures_util::StreamExt;

use super::client::{block_on, channel, print_json, status_failure};
use super::output;

use super::{ClientArgs, EXIT_FAILURE, EXIT_USAGE, Failure};
use crate::history::{self, Digest};
use crate::model::{ConceptKind, compact_id};
use crate::proto::v1 as pb;
use crate::proto::v1::admin_service_client::AdminServiceClient;
use crate::proto::v1::history_service_client::HistoryServiceClient;

/// Options of `vaardig changes`.
#[derive(Debug, clap::Args)]
pub struct ChangesArgs {
    /// On the server: the version the stored ids come from (see `vaardig versions`).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub from_version: Option<String>,
    /// On the server: the version to compare with (default: the one serving).
    #[arg(long, requires = "from_version")]
    pub to_version: Option<String>,
    /// Offline: the old ontology sources, layered in order (repeatable).
    #[arg(long, value_name = "PATH", requires = "to")]
    pub from: Vec<String>,
    /// Offline: the new ontology sources, layered in order (repeatable).
    #[arg(long, value_name = "PATH", requires = "from")]
    pub to: Vec<String>,
    /// Only changes of these concept kinds (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    #[command(flatten)]
    pub client: ClientArgs,
}

pub fn reload(args: &ClientArgs) -> Result<(), Failure> {
    let response = block_on(async {
        let mut client = AdminServiceClient::new(channel(args).await?);
        client.reload(pb::ReloadRequest {}).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    if args.json {
        print_json(&serde_json::to_value(&response).unwrap_or_default());
        return Ok(());
    }
    let text = args.lang;
    if response.swapped {
        println!(
            "{} {} → {}",
            text.pick("herladen:", "reloaded:"),
            response.previous_version,
            response.snapshot_version
        );
    } else {
        println!("{} {}", text.pick("ongewijzigd, snapshot", "unchanged, snapshot"), response.snapshot_version);
    }
    println!(
        "  {} concepts, {} relations, {} deprecated, {} warnings · load {} ms, build {} ms",
        response.concepts,
        response.relations,
        response.deprecated,
        response.warnings,
        response.load_millis,
        response.build_millis
    );
    if response.swapped {
        println!(
            "  changes: {} created, {} updated, {} deprecated, {} replaced",
            response.created, response.updated, response.deprecated_since, response.replaced
        );
    }
    Ok(())
}

fn status_name(raw: i32) -> &'static str {
    match pb::ResolutionStatus::try_from(raw) {
        Ok(pb::ResolutionStatus::Live) => "live",
        Ok(pb::ResolutionStatus::Replaced) => "replaced",
        Ok(pb::ResolutionStatus::Deprecated) => "deprecated",
        Ok(pb::ResolutionStatus::Cycle) => "cycle",
        Ok(pb::ResolutionStatus::Unknown) => "unknown",
        _ => "",
    }
}

pub fn resolve(args: &ClientArgs, ids: &[String]) -> Result<(), Failure> {
    let response = block_on(async {
        let mut client = HistoryServiceClient::new(channel(args).await?);
        let request = pb::ResolveIdsRequest { ids: ids.to_vec(), lang: args.lang.to_string() };
        client.resolve_ids(request).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    if args.json {
        let resolutions: Vec<serde_json::Value> = response
            .resolutions
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "status": status_name(r.status),
                    "chain": r.chain,
                    "concept": r.concept.as_ref().map(|c| serde_json::json!({
                        "id": c.id, "kind": output::kind_name(c.kind), "label": c.label,
                    })),
                })
            })
            .collect();
        print_json(&serde_json::json!({"version": response.snapshot_version, "resolutions": resolutions}));
        return Ok(());
    }
    for r in &response.resolutions {
        let chain: Vec<String> = r.chain.iter().map(|id| compact_id(id)).collect();
        let live = r.concept.as_ref().map(|c| format!("  → {} ({})", c.label, compact_id(&c.id))).unwrap_or_default();
        println!("{:<10} {}{live}", status_name(r.status), chain.join(" → "));
    }
    println!("snapshot {}", response.snapshot_version);
    Ok(())
}

/// One change line, whether from the server or computed offline.
struct Row {
    change: &'static str,
    id: String,
    kind: &'static str,
    replaced_by: String,
    resolved: String,
    removed: bool,
}

fn change_name(raw: i32) -> &'static str {
    match pb::ChangeType::try_from(raw) {
        Ok(pb::ChangeType::Created) => "created",
        Ok(pb::ChangeType::Updated) => "updated",
        Ok(pb::ChangeType::Deprecated) => "deprecated",
        Ok(pb::ChangeType::Replaced) => "replaced",
        _ => "",
    }
}

fn parse_kinds(names: &[String]) -> Result<Vec<ConceptKind>, Failure> {
    names
        .iter()
        .map(|name| {
            ConceptKind::parse(name).ok_or_else(|| {
                let names: Vec<&str> = ConceptKind::ALL.iter().map(|k| k.as_str()).collect();
                Failure::new(EXIT_USAGE, format!("--kind `{name}` is not one of: {}", names.join(", ")))
            })
        })
        .collect()
}

pub fn changes(args: &ChangesArgs) -> Result<(), Failure> {
    let kinds = parse_kinds(&args.kinds)?;
    let (from_version, to_version, rows) = match (&args.from_version, args.from.is_empty()) {
        (Some(from_version), _) => server_changes(args, from_version, &kinds)?,
        (None, false) => offline_changes(args, &kinds)?,
        (None, true) => {
            return Err(Failure::new(
                EXIT_USAGE,
                "give --from-version V (versions the server served) or --from PATH… --to PATH… (offline)",
            ));
        }
    };
    if args.client.json {
        let changes: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({"type": r.change, "id": r.id, "kind": r.kind, "replaced_by": r.replaced_by,
                    "resolved_id": r.resolved, "removed": r.removed})
            })
            .collect();
        print_json(&serde_json::json!({"from_version": from_version, "to_version": to_version, "changes": changes}));
        return Ok(());
    }
    for r in &rows {
        let detail = match (r.change, r.removed) {
            ("replaced", _) if r.resolved.is_empty() || r.resolved == r.replaced_by => {
                format!("  → {}", compact_id(&r.replaced_by))
            }
            ("replaced", _) => format!("  → {} (live: {})", compact_id(&r.replaced_by), compact_id(&r.resolved)),
            (_, true) => "  (removed)".to_string(),
            _ => String::new(),
        };
        println!("{:<10} {:<14} {}{detail}", r.change, r.kind, compact_id(&r.id));
    }
    let count = |name: &str| rows.iter().filter(|r| r.change == name).count();
    println!(
        "{from_version} → {to_version}: {} created, {} updated, {} deprecated, {} replaced",
        count("created"),
        count("updated"),
        count("deprecated"),
        count("replaced")
    );
    Ok(())
}

fn server_changes(
    args: &ChangesArgs,
    from_version: &str,
    kinds: &[ConceptKind],
) -> Result<(String, String, Vec<Row>), Failure> {
    let events = block_on(async {
        let mut client = HistoryServiceClient::new(channel(&args.client).await?);
        let request = pb::WatchChangesRequest {
            from_version: from_version.to_string(),
            to_version: args.to_version.clone().unwrap_or_default(),
            kinds: kinds.iter().map(|k| crate::server::response::kind_to_pb(*k) as i32).collect(),
            follow: false,
        };
        let mut stream = client.watch_changes(request).await.map_err(status_failure)?.into_inner();
        let mut events = Vec::new();
        while let Some(event) = stream.next().await {
            events.push(event.map_err(status_failure)?);
        }
        Ok(events)
    })?;
    let to_version = match (events.first(), &args.to_version) {
        (Some(event), _) => event.to_version.clone(),
        (None, Some(version)) => version.clone(),
        (None, None) => "serving version".to_string(),
    };
    let rows = events
        .iter()
        .map(|e| Row {
            change: change_name(e.r#type),
            id: e.id.clone(),
            kind: output::kind_name(e.kind),
            replaced_by: e.replaced_by.clone(),
            resolved: e.resolved_id.clone(),
            removed: e.removed,
        })
        .collect();
    Ok((from_version.to_string(), to_version, rows))
}

fn offline_changes(args: &ChangesArgs, kinds: &[ConceptKind]) -> Result<(String, String, Vec<Row>), Failure> {
    let digest = |sources: &[String]| -> Result<Digest, Failure> {
        let (snapshot, _) = super::load(sources)
            .map_err(|f| Failure::new(EXIT_FAILURE, format!("{}: {}", sources.join(" + "), f.message)))?;
        Ok(Digest::of(&snapshot))
    };
    let (from, to) = (digest(&args.from)?, digest(&args.to)?);
    let rows = history::diff(&from, &to)
        .into_iter()
        .filter(|c| kinds.is_empty() || kinds.contains(&c.kind))
        .map(|c| Row {
            change: c.change.as_str(),
            id: c.id.to_string(),
            kind: c.kind.as_str(),
            replaced_by: c.replaced_by.as_deref().unwrap_or_default().to_string(),
            resolved: c.resolved.as_deref().unwrap_or_default().to_string(),
            removed: c.removed,
        })
        .collect();
    Ok((from.version, to.version, rows))
}

pub fn versions(args: &ClientArgs) -> Result<(), Failure> {
    let response = block_on(async {
        let mut client = HistoryServiceClient::new(channel(args).await?);
        // Every page, into one answer.
        let mut request = pb::ListVersionsRequest { page_size: 1000, ..Default::default() };
        let mut all = client.list_versions(request.clone()).await.map_err(status_failure)?.into_inner();
        while !all.next_page_token.is_empty() {
            request.page_token = std::mem::take(&mut all.next_page_token);
            let next = client.list_versions(request.clone()).await.map_err(status_failure)?.into_inner();
            all.versions.extend(next.versions);
            all.next_page_token = next.next_page_token;
        }
        Ok::<_, Failure>(all)
    })?;
    if args.json {
        print_json(&serde_json::to_value(&response).unwrap_or_default());
        return Ok(());
    }
    for v in &response.versions {
        let serving = if v.snapshot_version == response.snapshot_version { "  (serving)" } else { "" };
        println!(
            "{}  loaded at {} (unix)  {} concepts, {} deprecated{serving}",
            v.snapshot_version, v.loaded_at_unix, v.concepts, v.deprecated
        );
    }
    Ok(())
}

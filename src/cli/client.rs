//! Client commands: connect to a running server, ask, print text or JSON.

use tonic::Code;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};
use tonic_types::StatusExt;

use super::output;

use super::{
    ClientArgs, EXIT_FAILURE, EXIT_INVALID_ARGUMENT, EXIT_NOT_FOUND, EXIT_SNAPSHOT_MISMATCH, EXIT_UNAUTHORIZED,
    EXIT_UNREACHABLE, EXIT_USAGE, Failure,
};
use crate::model::{RelationKind, compact_id};
use crate::proto::v1 as pb;
use crate::proto::v1::concept_service_client::ConceptServiceClient;

/// Runs one async client call on a small runtime (client commands make a handful of calls).
pub(super) fn block_on<T>(future: impl std::future::Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot start the runtime: {e}")))?
        .block_on(future)
}

async fn connect(args: &ClientArgs) -> Result<ConceptServiceClient<ClientChannel>, Failure> {
    Ok(ConceptServiceClient::new(channel(args).await?))
}

/// A connection to the server that sends the `--api-key` and `--require-snapshot` with every request.
pub type ClientChannel = InterceptedService<Channel, ClientMetadata>;

type Ascii = tonic::metadata::MetadataValue<tonic::metadata::Ascii>;

/// Adds `authorization: Bearer KEY` when a key is given, and `x-vaardig-snapshot` when a snapshot
/// version is required.
#[derive(Debug, Clone)]
pub struct ClientMetadata {
    key: Option<Ascii>,
    snapshot: Option<Ascii>,
}

impl tonic::service::Interceptor for ClientMetadata {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(value) = &self.key {
            request.metadata_mut().insert("authorization", value.clone());
        }
        if let Some(value) = &self.snapshot {
            request.metadata_mut().insert(crate::server::snapshot::SNAPSHOT_HEADER, value.clone());
        }
        Ok(request)
    }
}

fn read_pem(path: &std::path::Path, flag: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::new(EXIT_USAGE, format!("{flag} {}: {e}", path.display())))
}

/// The TLS settings of the client flags; none for a plain `http://` server without TLS flags.
fn tls_config(args: &ClientArgs) -> Result<Option<ClientTlsConfig>, Failure> {
    let wants_tls = args.server.starts_with("https://")
        || args.ca_cert.is_some()
        || args.client_cert.is_some()
        || args.client_key.is_some();
    if !wants_tls {
        return Ok(None);
    }
    if !args.server.starts_with("https://") {
        return Err(Failure::new(EXIT_USAGE, format!("TLS flags need an https:// --server, not `{}`", args.server)));
    }
    let mut config = ClientTlsConfig::new();
    config = match &args.ca_cert {
        Some(path) => config.ca_certificate(Certificate::from_pem(read_pem(path, "--ca-cert")?)),
        None => config.with_native_roots(),
    };
    match (&args.client_cert, &args.client_key) {
        (Some(cert), Some(key)) => {
            let identity = Identity::from_pem(read_pem(cert, "--client-cert")?, read_pem(key, "--client-key")?);
            config = config.identity(identity);
        }
        (None, None) => {}
        _ => return Err(Failure::new(EXIT_USAGE, "--client-cert and --client-key go together")),
    }
    Ok(Some(config))
}

/// A connection to the server of `--server`, with TLS and the API key of the client flags.
pub(super) async fn channel(args: &ClientArgs) -> Result<ClientChannel, Failure> {
    let mut endpoint = Channel::from_shared(args.server.clone())
        .map_err(|e| Failure::new(EXIT_USAGE, format!("--server `{}` is not a URL: {e}", args.server)))?
        .connect_timeout(std::time::Duration::from_secs(5));
    if let Some(tls) = tls_config(args)? {
        endpoint = endpoint.tls_config(tls).map_err(|e| Failure::new(EXIT_USAGE, format!("TLS settings: {e}")))?;
    }
    let key = match &args.api_key {
        Some(key) => Some(
            format!("Bearer {key}")
                .parse()
                .map_err(|_| Failure::new(EXIT_USAGE, "--api-key must be printable ASCII"))?,
        ),
        None => None,
    };
    let snapshot = match &args.require_snapshot {
        Some(version) => {
            Some(version.parse().map_err(|_| Failure::new(EXIT_USAGE, "--require-snapshot must be printable ASCII"))?)
        }
        None => None,
    };
    let channel = endpoint.connect().await.map_err(|e| {
        // Show the cause (e.g. the certificate problem), not only "transport error".
        let mut message = format!("cannot reach the vaardig server at {}: {e}", args.server);
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        Failure::new(EXIT_UNREACHABLE, message)
    })?;
    Ok(InterceptedService::new(channel, ClientMetadata { key, snapshot }))
}

/// Maps a gRPC error to the CLI's exit codes with the server's message, in which the request
/// fields the server names are the flags the person typed (`person.highest_education` →
/// `--education`).
pub fn status_failure(status: tonic::Status) -> Failure {
    let snapshot_mismatch = status.code() == Code::FailedPrecondition
        && status.get_details_precondition_failure().is_some_and(|failure| {
            failure.violations.iter().any(|v| v.r#type == crate::server::error::SNAPSHOT_VERSION_VIOLATION)
        });
    let code = match status.code() {
        _ if snapshot_mismatch => EXIT_SNAPSHOT_MISMATCH,
        Code::NotFound => EXIT_NOT_FOUND,
        Code::InvalidArgument => EXIT_INVALID_ARGUMENT,
        Code::Unavailable => EXIT_UNREACHABLE,
        Code::Unauthenticated | Code::PermissionDenied => EXIT_UNAUTHORIZED,
        _ => EXIT_FAILURE,
    };
    let violations = match status.code() {
        Code::InvalidArgument => status.get_details_bad_request().map(|b| b.field_violations).unwrap_or_default(),
        _ => Vec::new(),
    };
    if violations.is_empty() {
        return Failure::new(code, status.message().to_string());
    }
    let message: Vec<String> =
        violations.iter().map(|v| format!("{}: {}", flag_for(&v.field).unwrap_or(&v.field), v.description)).collect();
    Failure::new(code, message.join("; "))
}

/// The request fields (and funding facts, which carry the same names) that client commands fill
/// from a flag, with that flag. Amounts in cents come from flags in euros, which refuse what the
/// server would (negative amounts) before it is sent, so no message in cents reaches a person.
const FIELD_FLAGS: &[(&str, &str)] = &[
    ("page_size", "--limit"),
    ("limit", "--limit"),
    ("lang", "--lang"),
    ("scheme_id", "--scheme"),
    ("course_id", "--course"),
    ("date", "--date"),
    ("course_start_date", "--course-start"),
    ("programme_year", "--programme-year"),
    ("course_grants_so_far", "--course-grants"),
    ("approval", "--approval"),
    ("cost_cents", "--cost-eur"),
    ("person.age", "--age"),
    ("person.birth_date", "--birth-date"),
    ("person.highest_education", "--education"),
    ("person.labour_status", "--labour-status"),
    ("person.labour_market_tie", "--labour-market-tie"),
    ("person.belastingplichtig", "--belastingplichtig"),
    ("person.volksverzekerd", "--volksverzekerd"),
    ("person.studiefinanciering_for_course", "--studiefinanciering"),
    ("person.lerarenbeurs_for_course", "--lerarenbeurs"),
    ("person.tegemoetkoming_for_course", "--tegemoetkoming"),
    ("person.already_granted_this_year_cents", "--already-granted-eur"),
    ("target_occupation_id", "--target"),
    ("from_occupation_id", "--from"),
    ("start_date", "--start"),
    ("max_moves", "--max-moves"),
    ("constraints.hours_per_week", "--hours-per-week"),
    ("constraints.region", "--region"),
    ("sort", "--sort"),
    ("scheme_ids", "--scheme"),
    ("filters.min_price_cents", "--min-price"),
    ("filters.max_price_cents", "--max-price"),
    ("filters.min_hours_per_week", "--min-hours-per-week"),
    ("filters.max_hours_per_week", "--max-hours-per-week"),
    ("filters.start_from", "--start-from"),
    ("filters.start_until", "--start-until"),
];

/// The flag that fills the request field (or funding fact) `field`.
pub(super) fn flag_for(field: &str) -> Option<&'static str> {
    FIELD_FLAGS.iter().find(|(name, _)| *name == field).map(|(_, flag)| *flag)
}

/// `text` with every request field it names ("give course_start_date") replaced by its flag,
/// longest names first so that no name replaces part of another.
pub(super) fn with_flags(text: &str) -> String {
    let mut fields: Vec<&(&str, &str)> = FIELD_FLAGS.iter().filter(|(name, _)| name.contains(['_', '.'])).collect();
    fields.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    let mut out = text.to_string();
    for (name, flag) in fields {
        out = out.replace(name, flag);
    }
    out
}

/// Prints a command's `--json` answer. Protobuf says "unknown" or "none" with an empty string
/// (`course_start_date`, `valid_to`, a label missing in the language); JSON says null, which is
/// what a reader of `--json` tests for, so every empty string becomes null here, in one place.
pub(super) fn print_json(value: &serde_json::Value) {
    let mut value = value.clone();
    empty_strings_to_null(&mut value);
    println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
}

fn empty_strings_to_null(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) if text.is_empty() => *value = serde_json::Value::Null,
        serde_json::Value::Array(items) => items.iter_mut().for_each(empty_strings_to_null),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(empty_strings_to_null),
        _ => {}
    }
}

pub fn concept(args: &ClientArgs, id: &str) -> Result<(), Failure> {
    let response = block_on(async {
        let mut client = connect(args).await?;
        let request = pb::GetConceptRequest { id: id.to_string(), lang: args.lang.to_string(), ..Default::default() };
        client.get_concept(request).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    let concept = response.concept.unwrap_or_default();
    if args.json {
        print_json(&output::concept_json(&response.snapshot_version, &concept));
    } else {
        print!("{}", output::concept_text(&concept, &response.snapshot_version, args.lang));
    }
    Ok(())
}

pub fn relations(
    args: &ClientArgs,
    id: &str,
    kind: Option<&str>,
    direction: &str,
    limit: usize,
) -> Result<(), Failure> {
    let kind = match kind {
        None => pb::RelationKind::Unspecified,
        Some(name) => {
            let kind = RelationKind::parse(name).ok_or_else(|| {
                let names: Vec<&str> = RelationKind::ALL.iter().map(|k| k.as_str()).collect();
                Failure::new(2, format!("--kind `{name}` is not one of: {}", names.join(", ")))
            })?;
            crate::server::response::relation_kind_to_pb(kind)
        }
    };
    let direction = match direction {
        "outgoing" => pb::Direction::Outgoing,
        "incoming" => pb::Direction::Incoming,
        "both" => pb::Direction::Both,
        other => return Err(Failure::new(2, format!("--direction `{other}` is not outgoing, incoming or both"))),
    };
    let (version, entries, total) = block_on(async {
        let mut client = connect(args).await?;
        let mut entries = Vec::new();
        let mut token = String::new();
        let mut version = String::new();
        let mut total = 0;
        while entries.len() < limit {
            let request = pb::ListRelationsRequest {
                id: id.to_string(),
                kind: kind as i32,
                direction: direction as i32,
                page_size: (limit - entries.len()).min(1000) as i32,
                page_token: token.clone(),
                lang: args.lang.to_string(),
            };
            let page = client.list_relations(request).await.map_err(status_failure)?.into_inner();
            version = page.snapshot_version;
            total = page.total_size;
            entries.extend(page.relations);
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        Ok((version, entries, total))
    })?;
    if args.json {
        print_json(&serde_json::json!({
            "version": version,
            "total": total,
            "relations": entries.iter().map(output::relation_json).collect::<Vec<_>>(),
        }));
    } else {
        let text = args.lang;
        for entry in &entries {
            println!("{}", output::relation_line(entry));
        }
        println!(
            "{}",
            text.pick(
                &format!("{} van {} relaties · snapshot {version}", entries.len(), total),
                &format!("{} of {} relations · snapshot {version}", entries.len(), total),
            )
        );
    }
    Ok(())
}

pub fn hierarchy(args: &ClientArgs, id: &str, depth: u32) -> Result<(), Failure> {
    let response = block_on(async {
        let mut client = connect(args).await?;
        let request = pb::GetHierarchyRequest { id: id.to_string(), depth, max_nodes: 0, lang: args.lang.to_string() };
        client.get_hierarchy(request).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    if args.json {
        let entries = |list: &[pb::HierarchyEntry]| -> Vec<serde_json::Value> {
            list.iter()
                .map(|e| {
                    let c = e.concept.clone().unwrap_or_default();
                    serde_json::json!({"id": c.id, "label": c.label, "kind": output::kind_name(c.kind), "depth": e.depth, "via": e.via_id})
                })
                .collect()
        };
        print_json(&serde_json::json!({
            "version": response.snapshot_version,
            "id": response.concept.as_ref().map(|c| c.id.clone()),
            "ancestors": entries(&response.ancestors),
            "descendants": entries(&response.descendants),
            "truncated": response.truncated,
        }));
        return Ok(());
    }
    let text = args.lang;
    let start = response.concept.clone().unwrap_or_default();
    println!("{}  [{}]", start.label, output::kind_name(start.kind));
    println!("{}", text.pick("breder:", "broader:"));
    for entry in &response.ancestors {
        let c = entry.concept.clone().unwrap_or_default();
        println!("  {}↑ {}  {}", "  ".repeat(entry.depth as usize - 1), c.label, compact_id(&c.id));
    }
    println!("{}", text.pick("smaller:", "narrower:"));
    for entry in &response.descendants {
        let c = entry.concept.clone().unwrap_or_default();
        println!("  {}↓ {}  {}", "  ".repeat(entry.depth as usize - 1), c.label, compact_id(&c.id));
    }
    if response.truncated {
        println!("{}", text.pick("(ingekort)", "(truncated)"));
    }
    Ok(())
}

/// `vaardig health`: the serving status of the server (or one service) by the standard health
/// protocol, so that a container engine or a script can wait for a replica without gRPC tools.
pub fn health(args: &ClientArgs, service: &str) -> Result<(), Failure> {
    use tonic_health::pb::health_check_response::ServingStatus;
    let response = block_on(async {
        let mut client = tonic_health::pb::health_client::HealthClient::new(channel(args).await?);
        let request = tonic_health::pb::HealthCheckRequest { service: service.to_string() };
        client.check(request).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    let status = ServingStatus::try_from(response.status).unwrap_or(ServingStatus::Unknown);
    if args.json {
        print_json(&serde_json::json!({ "service": service, "status": status.as_str_name() }));
    } else {
        println!("{}", status.as_str_name());
    }
    match status {
        ServingStatus::Serving => Ok(()),
        other => Err(Failure::new(EXIT_FAILURE, format!("the server is {}", other.as_str_name()))),
    }
}

pub fn stats(args: &ClientArgs) -> Result<(), Failure> {
    let response = block_on(async {
        let mut client = connect(args).await?;
        client.get_stats(pb::GetStatsRequest {}).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    if args.json {
        print_json(&output::stats_json(&response));
    } else {
        print!("{}", output::stats_text(&response, args.lang));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::error::ApiError;

    #[test]
    fn refusals_name_the_flags_that_fill_the_fields() {
        let status = tonic::Status::from(ApiError::InvalidArgument(vec![
            ("person.highest_education".into(), "unknown value `mbo9`".into()),
            ("page_size".into(), "must be between 1 and 100, not 200".into()),
            ("profile.skills[3]".into(), "not a skill".into()),
        ]));
        let failure = status_failure(status);
        assert_eq!(failure.code, EXIT_INVALID_ARGUMENT);
        assert_eq!(
            failure.message,
            "--education: unknown value `mbo9`; --limit: must be between 1 and 100, not 200; \
             profile.skills[3]: not a skill"
        );
        assert_eq!(with_flags("geef course_start_date; person.age ontbreekt"), "geef --course-start; --age ontbreekt");
    }
}

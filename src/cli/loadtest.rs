//! `vaardig loadtest`: a load generator for a running server.
//!
//! It drives one RPC at a time over `--connections` HTTP/2 connections, either closed-loop
//! (`--concurrency` workers, each sending its next request when the previous one is answered) or
//! open-loop (`--rate` requests per second on a fixed schedule, whatever the answers do: the way to
//! overload a server, since a closed loop slows down with it). Requests are realistic and varied
//! (see [`workload`]). It prints throughput, the count of every status code, and p50/p99/p99.9
//! latency of all requests and of the admitted (OK) ones; with `health` in the list every other RPC
//! is also given as a share of the health check's throughput: the no-op that measures the RPC stack
//! itself (HTTP/2, tonic, the layers), so the share tells how close an RPC runs to that limit.
//!
//! Latency is measured per request from the moment it is sent; in open loop the schedule's lag (how
//! late the generator sent) is reported apart, so a saturated client is visible rather than hidden.

mod raw;
mod workload;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tonic::transport::Channel;

use super::client::print_json;
use super::{ClientArgs, EXIT_FAILURE, EXIT_UNREACHABLE, EXIT_USAGE, Failure};
use crate::proto::v1 as pb;
use crate::server::metrics::code_name;
use workload::Workload;

/// The RPCs the load generator can drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rpc {
    Health,
    GetConcept,
    Search,
    Suggest,
    Gap,
    Match,
    Related,
    RankCandidates,
    Path,
    Eligibility,
    BatchGet,
    Relations,
    Hierarchy,
    Stats,
    Extract,
    SteppingStones,
    Courses,
    Schemes,
    Scheme,
    Resolve,
    Versions,
    ListConcepts,
}

impl Rpc {
    /// Every RPC of the API except `AdminService/Reload` (it replaces the snapshot: not a request
    /// to repeat thousands of times a second) and the `WatchChanges` stream.
    pub const ALL: [Rpc; 22] = [
        Rpc::Health,
        Rpc::GetConcept,
        Rpc::Search,
        Rpc::Suggest,
        Rpc::Gap,
        Rpc::Match,
        Rpc::Related,
        Rpc::RankCandidates,
        Rpc::Path,
        Rpc::Eligibility,
        Rpc::BatchGet,
        Rpc::Relations,
        Rpc::Hierarchy,
        Rpc::Stats,
        Rpc::Extract,
        Rpc::SteppingStones,
        Rpc::Courses,
        Rpc::Schemes,
        Rpc::Scheme,
        Rpc::Resolve,
        Rpc::Versions,
        Rpc::ListConcepts,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Rpc::Health => "health",
            Rpc::GetConcept => "get-concept",
            Rpc::Search => "search",
            Rpc::Suggest => "suggest",
            Rpc::Gap => "gap",
            Rpc::Match => "match",
            Rpc::Related => "related",
            Rpc::RankCandidates => "rank-candidates",
            Rpc::Path => "path",
            Rpc::Eligibility => "eligibility",
            Rpc::BatchGet => "batch-get-concepts",
            Rpc::Relations => "list-relations",
            Rpc::Hierarchy => "hierarchy",
            Rpc::Stats => "stats",
            Rpc::Extract => "extract",
            Rpc::SteppingStones => "stepping-stones",
            Rpc::Courses => "course-search",
            Rpc::Schemes => "list-schemes",
            Rpc::Scheme => "get-scheme",
            Rpc::Resolve => "resolve-ids",
            Rpc::Versions => "list-versions",
            Rpc::ListConcepts => "list-concepts",
        }
    }

    /// The gRPC method it calls.
    pub fn method(self) -> &'static str {
        match self {
            Rpc::Health => "grpc.health.v1.Health/Check",
            Rpc::GetConcept => "vaardig.v1.ConceptService/GetConcept",
            Rpc::Search => "vaardig.v1.SearchService/Search",
            Rpc::Suggest => "vaardig.v1.SearchService/Suggest",
            Rpc::Gap => "vaardig.v1.MatchingService/ComputeSkillGap",
            Rpc::Match => "vaardig.v1.MatchingService/MatchOccupations",
            Rpc::Related => "vaardig.v1.MatchingService/RelatedOccupations",
            Rpc::RankCandidates => "vaardig.v1.MatchingService/RankCandidates",
            Rpc::Path => "vaardig.v1.PlanningService/SuggestTrainingPath",
            Rpc::Eligibility => "vaardig.v1.FundingService/CheckEligibility",
            Rpc::BatchGet => "vaardig.v1.ConceptService/BatchGetConcepts",
            Rpc::Relations => "vaardig.v1.ConceptService/ListRelations",
            Rpc::Hierarchy => "vaardig.v1.ConceptService/GetHierarchy",
            Rpc::Stats => "vaardig.v1.ConceptService/GetStats",
            Rpc::Extract => "vaardig.v1.SearchService/ExtractConcepts",
            Rpc::SteppingStones => "vaardig.v1.PlanningService/SuggestSteppingStones",
            Rpc::Courses => "vaardig.v1.CourseService/SearchCourses",
            Rpc::Schemes => "vaardig.v1.FundingService/ListFundingSchemes",
            Rpc::Scheme => "vaardig.v1.FundingService/GetFundingScheme",
            Rpc::Resolve => "vaardig.v1.HistoryService/ResolveIds",
            Rpc::Versions => "vaardig.v1.HistoryService/ListVersions",
            Rpc::ListConcepts => "vaardig.v1.ConceptService/ListConcepts",
        }
    }

    fn parse(name: &str) -> Option<Rpc> {
        // `check-eligibility` is what the RPC is called; `eligibility` the older, shorter name.
        let name = if name == "check-eligibility" { "eligibility" } else { name };
        Rpc::ALL.into_iter().find(|rpc| rpc.name() == name)
    }
}

/// `vaardig loadtest` options.
#[derive(Debug, clap::Args)]
pub struct LoadtestArgs {
    /// RPCs to drive one after the other, comma-separated, or `all`: health (the no-op baseline),
    /// get-concept, search, suggest, gap, match, related, rank-candidates, path, eligibility (or
    /// check-eligibility), batch-get-concepts, list-relations, hierarchy, stats, extract,
    /// stepping-stones, course-search, list-schemes, get-scheme, resolve-ids, list-versions,
    /// list-concepts (the first page of occupations, BASIC view).
    #[arg(long, default_value = "health", value_delimiter = ',')]
    pub rpc: Vec<String>,
    /// Closed loop: requests in flight at once (ignored with --rate).
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Open loop: requests per second on a fixed schedule, whatever the answers.
    #[arg(long)]
    pub rate: Option<f64>,
    /// How long to measure each RPC, e.g. 30s, 500ms, 2m.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Load before measuring each RPC (connections warm, caches filled), not counted.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// HTTP/2 connections to spread the requests over.
    #[arg(long, default_value_t = 2)]
    pub connections: usize,
    /// Seed of the request generator: the same server and seed send the same requests.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Candidates in one RankCandidates call.
    #[arg(long, default_value_t = 100)]
    pub candidates: usize,
    /// Send each request as bytes encoded once before the run and read the answers without decoding
    /// them (as h2load with a pre-encoded body): the generator's own CPU per request drops to about
    /// the no-op's, so on a machine it shares with the server the shares measure the server more
    /// than the generator. Status, latency and the snapshot header are measured as without it;
    /// rank-candidates (a client stream) stays typed.
    #[arg(long)]
    pub raw: bool,
    /// Open loop: most requests outstanding at once; beyond it the generator drops (and counts)
    /// requests instead of queueing them without bound.
    #[arg(long, default_value_t = 20_000)]
    pub max_outstanding: usize,
    #[command(flatten)]
    pub client: ClientArgs,
}

/// `30s`, `500ms`, `2m`, `1.5s`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("`{text}` is not a duration like 30s, 500ms or 2m"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" | "" => value,
        "m" | "min" => value * 60.0,
        _ => return Err(format!("`{text}`: unit must be ms, s or m")),
    };
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(format!("`{text}` is not a duration like 30s, 500ms or 2m"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// One client per service on one connection.
#[derive(Clone)]
struct Clients {
    health: tonic_health::pb::health_client::HealthClient<Channel>,
    concepts: pb::concept_service_client::ConceptServiceClient<Channel>,
    search: pb::search_service_client::SearchServiceClient<Channel>,
    matching: pb::matching_service_client::MatchingServiceClient<Channel>,
    funding: pb::funding_service_client::FundingServiceClient<Channel>,
    planning: pb::planning_service_client::PlanningServiceClient<Channel>,
    courses: pb::course_service_client::CourseServiceClient<Channel>,
    history: pb::history_service_client::HistoryServiceClient<Channel>,
}

impl Clients {
    fn new(channel: Channel) -> Clients {
        Clients {
            health: tonic_health::pb::health_client::HealthClient::new(channel.clone()),
            concepts: pb::concept_service_client::ConceptServiceClient::new(channel.clone()),
            search: pb::search_service_client::SearchServiceClient::new(channel.clone()),
            matching: pb::matching_service_client::MatchingServiceClient::new(channel.clone())
                .max_decoding_message_size(64 << 20),
            funding: pb::funding_service_client::FundingServiceClient::new(channel.clone()),
            planning: pb::planning_service_client::PlanningServiceClient::new(channel.clone()),
            courses: pb::course_service_client::CourseServiceClient::new(channel.clone()),
            history: pb::history_service_client::HistoryServiceClient::new(channel),
        }
    }

    /// Sends request number `i` of `rpc`'s pool; only the status and the snapshot version that
    /// answered (the `x-vaardig-snapshot` response metadata) matter.
    async fn call(&mut self, workload: &Workload, rpc: Rpc, i: usize) -> Result<Option<String>, tonic::Status> {
        fn pick<T: Clone>(pool: &[T], i: usize) -> T {
            pool[i % pool.len()].clone()
        }
        match rpc {
            Rpc::Health => {
                self.health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.map(served)
            }
            Rpc::GetConcept => self.concepts.get_concept(pick(&workload.get_concept, i)).await.map(served),
            Rpc::Search => self.search.search(pick(&workload.search, i)).await.map(served),
            Rpc::Suggest => self.search.suggest(pick(&workload.suggest, i)).await.map(served),
            Rpc::Gap => self.matching.compute_skill_gap(pick(&workload.gap, i)).await.map(served),
            Rpc::Match => self.matching.match_occupations(pick(&workload.matches, i)).await.map(served),
            Rpc::Related => self.matching.related_occupations(pick(&workload.related, i)).await.map(served),
            Rpc::RankCandidates => {
                self.matching.rank_candidates(tokio_stream::once(pick(&workload.rank, i))).await.map(served)
            }
            Rpc::Path => self.planning.suggest_training_path(pick(&workload.path, i)).await.map(served),
            Rpc::Eligibility => self.funding.check_eligibility(pick(&workload.eligibility, i)).await.map(served),
            Rpc::BatchGet => self.concepts.batch_get_concepts(pick(&workload.batch_get, i)).await.map(served),
            Rpc::Relations => self.concepts.list_relations(pick(&workload.relations, i)).await.map(served),
            Rpc::Hierarchy => self.concepts.get_hierarchy(pick(&workload.hierarchy, i)).await.map(served),
            Rpc::Stats => self.concepts.get_stats(pb::GetStatsRequest {}).await.map(served),
            Rpc::Extract => self.search.extract_concepts(pick(&workload.extract, i)).await.map(served),
            Rpc::SteppingStones => {
                self.planning.suggest_stepping_stones(pick(&workload.stepping_stones, i)).await.map(served)
            }
            Rpc::Courses => self.courses.search_courses(pick(&workload.courses, i)).await.map(served),
            Rpc::Schemes => self.funding.list_funding_schemes(pick(&workload.schemes, i)).await.map(served),
            Rpc::Scheme => self.funding.get_funding_scheme(pick(&workload.scheme, i)).await.map(served),
            Rpc::Resolve => self.history.resolve_ids(pick(&workload.resolve, i)).await.map(served),
            Rpc::Versions => self.history.list_versions(pb::ListVersionsRequest::default()).await.map(served),
            Rpc::ListConcepts => self.concepts.list_concepts(list_concepts_request()).await.map(served),
        }
    }
}

/// `list-concepts`: the first page of occupations, BASIC view.
fn list_concepts_request() -> pb::ListConceptsRequest {
    pb::ListConceptsRequest { kind: pb::ConceptKind::Occupation as i32, page_size: 100, ..Default::default() }
}

/// One worker's way of sending requests of one RPC: typed, or pre-encoded (`--raw`).
#[derive(Clone)]
enum Sender {
    // (Both boxed: the typed clients are a kilobyte and more, the raw one some 200 bytes.)
    Typed(Box<Clients>),
    Raw(Box<raw::RawClient>, Arc<Vec<prost::bytes::Bytes>>),
}

impl Sender {
    fn new(channel: Channel, rpc: Rpc, raw_pool: &Option<Arc<Vec<prost::bytes::Bytes>>>) -> Sender {
        match raw_pool {
            Some(pool) => Sender::Raw(Box::new(raw::RawClient::new(channel, rpc)), pool.clone()),
            None => Sender::Typed(Box::new(Clients::new(channel))),
        }
    }

    async fn call(&mut self, workload: &Workload, rpc: Rpc, i: usize) -> Result<Option<String>, tonic::Status> {
        match self {
            Sender::Typed(clients) => clients.call(workload, rpc, i).await,
            Sender::Raw(client, pool) => client.call(pool[i % pool.len()].clone()).await,
        }
    }
}

/// The snapshot version named in an answer's metadata.
fn served<T>(response: tonic::Response<T>) -> Option<String> {
    let value = response.metadata().get(crate::server::snapshot::SNAPSHOT_HEADER)?;
    value.to_str().ok().map(str::to_string)
}

fn pool_len(workload: &Workload, rpc: Rpc) -> usize {
    match rpc {
        Rpc::Health | Rpc::Stats | Rpc::Versions | Rpc::ListConcepts => 1,
        Rpc::GetConcept => workload.get_concept.len(),
        Rpc::Search => workload.search.len(),
        Rpc::Suggest => workload.suggest.len(),
        Rpc::Gap => workload.gap.len(),
        Rpc::Match => workload.matches.len(),
        Rpc::Related => workload.related.len(),
        Rpc::RankCandidates => workload.rank.len(),
        Rpc::Path => workload.path.len(),
        Rpc::Eligibility => workload.eligibility.len(),
        Rpc::BatchGet => workload.batch_get.len(),
        Rpc::Relations => workload.relations.len(),
        Rpc::Hierarchy => workload.hierarchy.len(),
        Rpc::Extract => workload.extract.len(),
        Rpc::SteppingStones => workload.stepping_stones.len(),
        Rpc::Courses => workload.courses.len(),
        Rpc::Schemes => workload.schemes.len(),
        Rpc::Scheme => workload.scheme.len(),
        Rpc::Resolve => workload.resolve.len(),
    }
}

/// Latencies (µs) and status counts of the measured requests.
struct Recorder {
    all: Histogram<u64>,
    ok: Histogram<u64>,
    lag: Histogram<u64>,
    codes: BTreeMap<&'static str, u64>,
    /// Answers per snapshot version that served them (behind a balancer, during a rollout: two).
    versions: BTreeMap<String, u64>,
}

impl Recorder {
    fn new() -> Recorder {
        // 1 µs to 10 min at 3 significant digits.
        let histogram = || Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds");
        Recorder {
            all: histogram(),
            ok: histogram(),
            lag: histogram(),
            codes: BTreeMap::new(),
            versions: BTreeMap::new(),
        }
    }

    fn record(&mut self, result: &Result<Option<String>, tonic::Status>, elapsed: Duration) {
        let micros = (elapsed.as_micros() as u64).clamp(1, 600_000_000);
        self.all.saturating_record(micros);
        let code = match result {
            Ok(version) => {
                if let Some(version) = version {
                    *self.versions.entry(version.clone()).or_default() += 1;
                }
                self.ok.saturating_record(micros);
                "OK"
            }
            Err(status) => code_name(status.code()),
        };
        *self.codes.entry(code).or_default() += 1;
    }

    fn merge(&mut self, other: &Recorder) {
        let _ = self.all.add(&other.all);
        let _ = self.ok.add(&other.ok);
        let _ = self.lag.add(&other.lag);
        for (code, count) in &other.codes {
            *self.codes.entry(code).or_default() += count;
        }
        for (version, count) in &other.versions {
            *self.versions.entry(version.clone()).or_default() += count;
        }
    }
}

/// The outcome of driving one RPC.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RpcResult {
    pub rpc: &'static str,
    pub method: &'static str,
    pub requests: u64,
    pub seconds: f64,
    /// Measured requests per second (any status).
    pub throughput: f64,
    /// Admitted (OK) requests per second.
    pub ok_throughput: f64,
    pub codes: BTreeMap<&'static str, u64>,
    /// OK answers per snapshot version that served them.
    pub versions: BTreeMap<String, u64>,
    pub latency_ms: Percentiles,
    /// Latency of the OK answers alone: under overload, what admitted requests experience.
    pub ok_latency_ms: Percentiles,
    /// Open loop: requests per second the schedule asked for, what was sent, and how many the
    /// generator dropped at `--max-outstanding`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_loop: Option<OpenLoop>,
    /// Throughput as a share of the health check's on the same server (when it ran too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_noop: Option<f64>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct OpenLoop {
    pub target_rate: f64,
    pub sent_rate: f64,
    pub dropped: u64,
    /// How late the generator sent, against the schedule.
    pub lag_ms: Percentiles,
}

#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
    pub mean: f64,
}

impl Percentiles {
    fn of(histogram: &Histogram<u64>) -> Percentiles {
        if histogram.is_empty() {
            return Percentiles::default();
        }
        let ms = |micros: u64| micros as f64 / 1000.0;
        Percentiles {
            p50: ms(histogram.value_at_quantile(0.50)),
            p90: ms(histogram.value_at_quantile(0.90)),
            p99: ms(histogram.value_at_quantile(0.99)),
            p999: ms(histogram.value_at_quantile(0.999)),
            max: ms(histogram.max()),
            mean: histogram.mean() / 1000.0,
        }
    }
}

/// Runs `vaardig loadtest`.
pub fn loadtest(args: &LoadtestArgs) -> Result<(), Failure> {
    let rpcs = parse_rpcs(&args.rpc)?;
    if args.duration.is_zero() {
        return Err(Failure::new(EXIT_USAGE, "--duration must be more than zero"));
    }
    if args.connections == 0 || args.concurrency == 0 {
        return Err(Failure::new(EXIT_USAGE, "--connections and --concurrency must be at least 1"));
    }
    if let Some(rate) = args.rate
        && !(rate.is_finite() && rate > 0.0)
    {
        return Err(Failure::new(EXIT_USAGE, format!("--rate must be more than zero, not {rate}")));
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot start the runtime: {e}")))?;
    let mut results = runtime.block_on(async {
        let channels = connect(args).await?;
        let started = Instant::now();
        let needs_workload = rpcs.iter().any(|&rpc| pool_len(&Workload::default(), rpc) == 0);
        let workload = if needs_workload {
            Workload::build(&channels[0], &args.client.lang, args.seed, args.candidates).await.map_err(|e| {
                Failure::new(EXIT_FAILURE, format!("cannot build requests from the server's ontology: {e}"))
            })?
        } else {
            Workload::default()
        };
        if !args.client.json {
            eprintln!(
                "loadtest: requests drawn from the server's ontology in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        let workload = Arc::new(workload);
        let mut results = Vec::new();
        for &rpc in &rpcs {
            if pool_len(&workload, rpc) == 0 {
                return Err(Failure::new(
                    EXIT_FAILURE,
                    format!("{}: the server's ontology has nothing to build these requests from", rpc.name()),
                ));
            }
            let raw_pool = if args.raw { raw::encoded_pool(&workload, rpc).map(Arc::new) } else { None };
            let result = match args.rate {
                None => closed_loop(args, &channels, &workload, rpc, &raw_pool).await,
                Some(rate) => open_loop(args, &channels, &workload, rpc, rate, &raw_pool).await,
            };
            if !args.client.json {
                eprintln!("loadtest: {} done: {:.0} requests/s", rpc.name(), result.throughput);
            }
            results.push(result);
        }
        Ok(results)
    })?;
    share_of_noop(&mut results);
    if args.client.json {
        print_json(&report_json(args, &results));
    } else {
        print!("{}", report_text(args, &results));
    }
    Ok(())
}

/// Each RPC's throughput as a share of the health check measured closest before it (else the first
/// one after it): `--rpc health,search,health,match` keeps the share honest when other load on the
/// machine drifts during a long run.
fn share_of_noop(results: &mut [RpcResult]) {
    let noop_at: Vec<(usize, f64)> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.rpc == Rpc::Health.name() && r.throughput > 0.0)
        .map(|(i, r)| (i, r.throughput))
        .collect();
    for (i, result) in results.iter_mut().enumerate() {
        let before = noop_at.iter().rev().find(|(at, _)| *at <= i);
        let noop = before.or(noop_at.first()).map(|(_, throughput)| *throughput);
        result.vs_noop = noop.map(|noop| result.throughput / noop);
    }
}

fn parse_rpcs(names: &[String]) -> Result<Vec<Rpc>, Failure> {
    if names.iter().any(|n| n == "all") {
        return Ok(Rpc::ALL.to_vec());
    }
    names
        .iter()
        .map(|name| {
            Rpc::parse(name.trim()).ok_or_else(|| {
                let known: Vec<&str> = Rpc::ALL.iter().map(|r| r.name()).collect();
                Failure::new(EXIT_USAGE, format!("--rpc `{name}` is not one of: all, {}", known.join(", ")))
            })
        })
        .collect()
}

/// `--connections` separate HTTP/2 connections.
async fn connect(args: &LoadtestArgs) -> Result<Vec<Channel>, Failure> {
    let mut channels = Vec::new();
    for _ in 0..args.connections {
        let endpoint = Channel::from_shared(args.client.server.clone())
            .map_err(|e| Failure::new(EXIT_USAGE, format!("--server `{}` is not a URL: {e}", args.client.server)))?
            .connect_timeout(Duration::from_secs(5))
            .initial_stream_window_size(crate::server::STREAM_WINDOW_BYTES)
            .initial_connection_window_size(crate::server::CONNECTION_WINDOW_BYTES)
            .tcp_nodelay(true);
        let channel = endpoint.connect().await.map_err(|e| {
            Failure::new(EXIT_UNREACHABLE, format!("cannot reach the vaardig server at {}: {e}", args.client.server))
        })?;
        channels.push(channel);
    }
    Ok(channels)
}

/// `--concurrency` workers, each with its next request as soon as the last is answered.
async fn closed_loop(
    args: &LoadtestArgs,
    channels: &[Channel],
    workload: &Arc<Workload>,
    rpc: Rpc,
    raw_pool: &Option<Arc<Vec<prost::bytes::Bytes>>>,
) -> RpcResult {
    let measure_from = Instant::now() + args.warmup;
    let end = measure_from + args.duration;
    let mut workers = Vec::new();
    for worker in 0..args.concurrency {
        let mut clients = Sender::new(channels[worker % channels.len()].clone(), rpc, raw_pool);
        let workload = workload.clone();
        let mut rng = StdRng::seed_from_u64(args.seed.wrapping_mul(1_000_003).wrapping_add(worker as u64));
        workers.push(tokio::spawn(async move {
            let mut recorder = Recorder::new();
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let result = clients.call(&workload, rpc, rng.random::<u32>() as usize).await;
                if sent >= measure_from {
                    recorder.record(&result, sent.elapsed());
                }
            }
            recorder
        }));
    }
    let mut total = Recorder::new();
    for worker in workers {
        if let Ok(recorder) = worker.await {
            total.merge(&recorder);
        }
    }
    summarise(rpc, &total, args.duration, None)
}

/// Requests on a fixed schedule of `rate` per second, each on its own task.
async fn open_loop(
    args: &LoadtestArgs,
    channels: &[Channel],
    workload: &Arc<Workload>,
    rpc: Rpc,
    rate: f64,
    raw_pool: &Option<Arc<Vec<prost::bytes::Bytes>>>,
) -> RpcResult {
    let start = Instant::now();
    let measure_from = start + args.warmup;
    let end = measure_from + args.duration;
    let recorder = Arc::new(Mutex::new(Recorder::new()));
    let outstanding = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let clients: Vec<Sender> = channels.iter().map(|c| Sender::new(c.clone(), rpc, raw_pool)).collect();
    let mut rng = StdRng::seed_from_u64(args.seed);
    let (mut sent, mut sent_measured, mut dropped) = (0u64, 0u64, 0u64);
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        let due = ((now - start).as_secs_f64() * rate) as u64;
        while sent < due {
            let scheduled = start + Duration::from_secs_f64(sent as f64 / rate);
            let measured = scheduled >= measure_from;
            sent += 1;
            sent_measured += u64::from(measured);
            if outstanding.load(std::sync::atomic::Ordering::Relaxed) >= args.max_outstanding {
                dropped += u64::from(measured);
                continue;
            }
            outstanding.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut client = clients[(sent as usize) % clients.len()].clone();
            let (workload, recorder, outstanding) = (workload.clone(), recorder.clone(), outstanding.clone());
            let i = rng.random::<u32>() as usize;
            tasks.spawn(async move {
                let begun = Instant::now();
                let result = client.call(&workload, rpc, i).await;
                if measured {
                    let mut recorder = recorder.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    recorder.record(&result, begun.elapsed());
                    let lag = begun.saturating_duration_since(scheduled).as_micros() as u64;
                    recorder.lag.saturating_record(lag.max(1));
                }
                outstanding.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            });
        }
        // Reap finished tasks so the set does not grow with the run.
        while tasks.try_join_next().is_some() {}
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // Let the requests still in flight finish (bounded), so slow answers are counted, not lost.
    let _ = tokio::time::timeout(Duration::from_secs(30), async { while tasks.join_next().await.is_some() {} }).await;
    tasks.abort_all();
    let recorder = recorder.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let open = OpenLoop {
        target_rate: rate,
        sent_rate: (sent_measured - dropped) as f64 / args.duration.as_secs_f64(),
        dropped,
        lag_ms: Percentiles::of(&recorder.lag),
    };
    summarise(rpc, &recorder, args.duration, Some(open))
}

fn summarise(rpc: Rpc, recorder: &Recorder, duration: Duration, open_loop: Option<OpenLoop>) -> RpcResult {
    let seconds = duration.as_secs_f64();
    let requests = recorder.all.len();
    RpcResult {
        rpc: rpc.name(),
        method: rpc.method(),
        requests,
        seconds,
        throughput: requests as f64 / seconds,
        ok_throughput: recorder.ok.len() as f64 / seconds,
        codes: recorder.codes.clone(),
        versions: recorder.versions.clone(),
        latency_ms: Percentiles::of(&recorder.all),
        ok_latency_ms: Percentiles::of(&recorder.ok),
        open_loop,
        vs_noop: None,
    }
}

fn report_json(args: &LoadtestArgs, results: &[RpcResult]) -> serde_json::Value {
    serde_json::json!({
        "server": args.client.server,
        "connections": args.connections,
        "mode": if args.rate.is_some() { "open" } else { "closed" },
        "concurrency": if args.rate.is_some() { None } else { Some(args.concurrency) },
        "rate": args.rate,
        "duration_s": args.duration.as_secs_f64(),
        "warmup_s": args.warmup.as_secs_f64(),
        "seed": args.seed,
        "raw": args.raw,
        "results": results,
    })
}

fn report_text(args: &LoadtestArgs, results: &[RpcResult]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mode = match args.rate {
        Some(rate) => format!("open loop at {rate} requests/s"),
        None => format!("closed loop, concurrency {}", args.concurrency),
    };
    let _ = writeln!(
        out,
        "{} · {} connections · {mode} · {:.1} s each after {:.1} s warm-up · seed {}{}",
        args.client.server,
        args.connections,
        args.duration.as_secs_f64(),
        args.warmup.as_secs_f64(),
        args.seed,
        if args.raw { " · raw (pre-encoded requests, answers not decoded)" } else { "" }
    );
    let _ = writeln!(
        out,
        "{:<16} {:>9} {:>10} {:>8} {:>8} {:>9} {:>8} {:>8}  statuses",
        "rpc", "requests", "per s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "vs no-op"
    );
    for r in results {
        let statuses: Vec<String> = r.codes.iter().map(|(code, count)| format!("{code} {count}")).collect();
        let vs = r.vs_noop.map(|v| format!("{:.0}%", v * 100.0)).unwrap_or_else(|| "–".into());
        let l = &r.latency_ms;
        let _ = writeln!(
            out,
            "{:<16} {:>9} {:>10.1} {:>8.2} {:>8.2} {:>9.2} {:>8.1} {:>8}  {}",
            r.rpc,
            r.requests,
            r.throughput,
            l.p50,
            l.p99,
            l.p999,
            l.max,
            vs,
            statuses.join(", ")
        );
        if let Some(open) = &r.open_loop {
            let ok = &r.ok_latency_ms;
            let _ = writeln!(
                out,
                "{:<16} target {:.0}/s, sent {:.0}/s, dropped by the generator {}; admitted (OK) {:.1}/s: p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms; schedule lag p99 {:.2} ms",
                "",
                open.target_rate,
                open.sent_rate,
                open.dropped,
                r.ok_throughput,
                ok.p50,
                ok.p99,
                ok.p999,
                open.lag_ms.p99
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("0s").unwrap(), Duration::ZERO);
        assert!(parse_duration("ten seconds").is_err());
        assert!(parse_duration("5h").is_err());
    }

    #[test]
    fn every_rpc_is_a_served_method() {
        let served: Vec<String> =
            crate::server::catalog::served_services().iter().flat_map(|s| s.paths().collect::<Vec<_>>()).collect();
        for rpc in Rpc::ALL {
            assert!(served.contains(&format!("/{}", rpc.method())), "{}", rpc.method());
        }
    }

    #[test]
    fn shares_are_of_the_nearest_earlier_noop() {
        let result = |rpc: Rpc, throughput: f64| {
            summarise(rpc, &Recorder::new(), Duration::from_secs(1), None).with_throughput(throughput)
        };
        let mut results = vec![
            result(Rpc::Search, 50.0),
            result(Rpc::Health, 100.0),
            result(Rpc::Match, 10.0),
            result(Rpc::Health, 200.0),
            result(Rpc::Path, 20.0),
        ];
        share_of_noop(&mut results);
        let shares: Vec<f64> = results.iter().map(|r| r.vs_noop.unwrap()).collect();
        assert_eq!(shares, [0.5, 1.0, 0.1, 1.0, 0.1]);
    }

    impl RpcResult {
        fn with_throughput(mut self, throughput: f64) -> RpcResult {
            self.throughput = throughput;
            self
        }
    }

    #[test]
    fn rpc_names_parse() {
        assert_eq!(parse_rpcs(&["all".into()]).unwrap().len(), Rpc::ALL.len());
        assert_eq!(parse_rpcs(&["health".into(), "search".into()]).unwrap(), [Rpc::Health, Rpc::Search]);
        assert_eq!(parse_rpcs(&["check-eligibility".into()]).unwrap(), [Rpc::Eligibility]);
        assert!(parse_rpcs(&["nope".into()]).is_err());
        for rpc in Rpc::ALL {
            assert_eq!(Rpc::parse(rpc.name()), Some(rpc));
        }
    }
}

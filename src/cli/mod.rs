//! The `vaardig` command line: the server (`serve`), the data checker (`check`) and client commands
//! for career advisors and operators that talk to a running server.
//!
//! Exit codes (also in `--help` and the README):
//! 0 success · 1 invalid ontology or other failure · 2 wrong usage · 3 server unreachable ·
//! 4 not found · 5 invalid argument (the server rejected the input) · 6 not authorised (missing or
//! wrong API key or client certificate) · 7 the server serves another snapshot version than
//! `--require-snapshot` (or a page token's).

mod admin;
mod client;
mod courses;
mod eval;
mod export;
mod funding;
mod import;
mod list;
mod loadtest;
mod matching;
mod output;
mod planning;
pub mod profile_file;
mod search;

mod advise;
mod lookup;
mod profile;
mod report;
mod services;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::engine::Engines;
use crate::ontology::{self, LoadError, SourceSpec};

/// Exit code: the ontology is invalid, or another failure.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: wrong usage of the command line or of the settings.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the server could not be reached.
pub const EXIT_UNREACHABLE: u8 = 3;
/// Exit code: the server answered NOT_FOUND.
pub const EXIT_NOT_FOUND: u8 = 4;
/// Exit code: the server answered INVALID_ARGUMENT.
pub const EXIT_INVALID_ARGUMENT: u8 = 5;
/// Exit code: the server refused the credentials (UNAUTHENTICATED or PERMISSION_DENIED).
pub const EXIT_UNAUTHORIZED: u8 = 6;
/// Exit code: the server serves another snapshot version than the one required (FAILED_PRECONDITION
/// of type SNAPSHOT_VERSION): retry on another replica, later, or start over.
pub const EXIT_SNAPSHOT_MISMATCH: u8 = 7;

const EXIT_CODES_HELP: &str = "Exit codes: 0 success · 1 invalid ontology or other failure · 2 wrong usage · \
3 server unreachable · 4 not found · 5 invalid argument · 6 not authorised · 7 another snapshot version";

/// vaardig — the Dutch skills ontology as a service: search, matching, training paths, funding.
#[derive(Debug, Parser)]
#[command(name = "vaardig", version, about, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Options of every client command.
#[derive(Debug, Clone, clap::Args)]
pub struct ClientArgs {
    /// The vaardig server to ask.
    #[arg(long, env = "VAARDIG_SERVER", default_value = "http://127.0.0.1:50051", global = true)]
    pub server: String,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of labels and text: nl or en (a tag such as en-GB words in English).
    #[arg(long, default_value = "nl", global = true)]
    pub lang: crate::model::Lang,
    /// API key, sent as `authorization: Bearer KEY` (admin commands need an admin key).
    #[arg(long, env = "VAARDIG_API_KEY", hide_env_values = true, global = true)]
    pub api_key: Option<String>,
    /// PEM CA certificate to verify the server's TLS certificate (default: the system's roots).
    /// TLS is used for `https://` servers.
    #[arg(long, env = "VAARDIG_CA_CERT", value_name = "PEM", global = true)]
    pub ca_cert: Option<std::path::PathBuf>,
    /// PEM client certificate for mutual TLS (with --client-key).
    #[arg(long, env = "VAARDIG_CLIENT_CERT", value_name = "PEM", global = true)]
    pub client_cert: Option<std::path::PathBuf>,
    /// PEM private key of --client-cert.
    #[arg(long, env = "VAARDIG_CLIENT_KEY", value_name = "PEM", global = true)]
    pub client_key: Option<std::path::PathBuf>,
    /// Only accept answers of this snapshot version (sent as `x-vaardig-snapshot`): a server or
    /// replica serving another version refuses with FAILED_PRECONDITION (exit code 7).
    #[arg(long, env = "VAARDIG_REQUIRE_SNAPSHOT", value_name = "VERSION", global = true)]
    pub require_snapshot: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gRPC server (on the embedded default ontology unless --ontology is given).
    Serve {
        /// Ontology source, layered in order: an ESCO CSV export folder, a bundle folder, or
        /// `embedded` for the built-in default. Repeatable. Overrides `server.ontology`.
        #[arg(long = "ontology", value_name = "PATH")]
        ontology: Vec<String>,
        /// Address to listen on. Overrides `server.listen` (default 127.0.0.1:50051).
        #[arg(long)]
        listen: Option<String>,
        /// Log as JSON lines instead of text. Overrides `log.format`.
        #[arg(long)]
        log_json: bool,
        /// Where the search index is persisted, one folder per snapshot version. Overrides
        /// `server.index_dir`.
        #[arg(long)]
        index_dir: Option<std::path::PathBuf>,
        /// Settings file (TOML); also taken from $VAARDIG_CONFIG. See the README for every key.
        #[arg(long, value_name = "FILE")]
        config: Option<std::path::PathBuf>,
        /// Print the effective settings (defaults, file, environment and flags merged) as TOML and exit.
        #[arg(long)]
        print_settings: bool,
    },
    /// Validate ontology sources and print the report; exit code 1 on errors.
    Check {
        /// Ontology source (ESCO export folder, bundle folder or `embedded`), layered in order.
        #[arg(long = "ontology", value_name = "PATH", required = true)]
        ontology: Vec<String>,
    },
    /// Show one concept.
    Concept {
        /// Concept id: a full URI or `esco:…` / `vaardig:…`.
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// List the relations of a concept.
    Relations {
        /// Concept id.
        id: String,
        /// Only this relation kind (requires, broader, related, teaches, certifies, part_of, leads_to,
        /// prerequisite, exact_match, close_match, broad_match, narrow_match).
        #[arg(long)]
        kind: Option<String>,
        /// outgoing, incoming or both.
        #[arg(long, default_value = "outgoing")]
        direction: String,
        /// Most relations to print.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Show the broader and narrower concepts of a concept.
    Hierarchy {
        /// Concept id.
        id: String,
        /// Levels up and down (1–10).
        #[arg(long, default_value_t = 2)]
        depth: u32,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Search concepts. With --json and no QUERY: one query per stdin line, one JSON object per
    /// line out, in input order (batch linking of job titles).
    Search {
        /// What to look for; omit with --json to read queries from stdin.
        query: Option<String>,
        /// Most hits to print (1–100).
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[command(flatten)]
        search: search::SearchArgs,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Autocomplete a prefix.
    Suggest {
        prefix: String,
        /// Most suggestions (1–50).
        #[arg(long, default_value_t = 10)]
        limit: u32,
        #[command(flatten)]
        search: search::SearchArgs,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Find the skills and occupations mentioned in a text (a CV, a vacancy): FILE or - for stdin.
    Extract {
        #[arg(default_value = "-")]
        file: String,
        #[command(flatten)]
        search: search::SearchArgs,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Measure answer quality on judged sets: search (MRR@10, success@k), career transitions
    /// (precision@10) or extraction (precision, recall, F1).
    Eval(eval::EvalArgs),
    /// Link another vocabulary's labels (e.g. the CompetentNL occupation list) to the snapshot and
    /// write the mappings as a layerable bundle, a TSV with the evidence and SKOS triples.
    Crosswalk(search::CrosswalkArgs),
    /// Turn a real catalogue (Coursera CSV, SBB kwalificatieprofielen JSON) into a bundle whose
    /// free-text skills are linked to the ontology.
    Import(import::ImportArgs),
    /// Every concept of a kind (or all), filtered by status, ISCO code, skill type or source, in id
    /// order, a page at a time (--all: every page). From a server, or offline with --ontology.
    List(Box<list::ListArgs>),
    /// The whole ontology as files for other tools: SKOS in Turtle, JSON-LD, or CSV in ESCO's
    /// layout; from --ontology sources, or streamed from the server without them.
    Export(Box<export::ExportArgs>),
    /// Counts per concept kind and relation kind, the snapshot version and the sources.
    Stats {
        #[command(flatten)]
        client: ClientArgs,
    },
    /// What a person has and misses for an occupation, with the reason per requirement.
    Gap(matching::GapArgs),
    /// Occupations that fit a person's skills, best first.
    Match(matching::MatchArgs),
    /// Career transitions from an occupation, best first.
    Related(matching::RelatedArgs),
    /// Whether a person may use a funding scheme for a course on a date, with every condition, its
    /// source, the amount and what would change the answer. Facts not given are unknown, not "no".
    Eligibility(Box<funding::EligibilityArgs>),
    /// A training path to a target occupation: courses, EVC and funding per calendar year, as
    /// cheapest, fastest and most complete options.
    Path(Box<planning::PathArgs>),
    /// Find courses: free text and/or skills to learn (or a profile's gap for a target occupation),
    /// filters with counts per value, the money per funding scheme or why none.
    Courses(Box<courses::CoursesArgs>),
    /// Stepping stones: the cheapest chain of career moves from the person's occupation (or the one
    /// their skills fit best) to a target occupation, each move priced at its estimated training cost.
    SteppingStones(Box<planning::StonesArgs>),
    /// Write a deterministic synthetic course register (providers and courses teaching neighbouring
    /// skills of the ontology) as a bundle that layers on top of it; for tests and benchmarks.
    SynthRegister {
        /// Ontology source whose skills the courses teach, layered in order. Repeatable.
        #[arg(long = "ontology", value_name = "PATH", required = true)]
        ontology: Vec<String>,
        /// Seed: the same ontology, seed and size give identical files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Number of courses.
        #[arg(long, default_value_t = 1000)]
        courses: usize,
        /// Folder to write bundle.toml, providers-synth.jsonl and courses-synth.jsonl into.
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
    },
    /// Build a person's profile from a CV or a story (recognised skills shown with their text),
    /// add and remove skills by name, and save it only to a local file (--out); -i for an
    /// interactive session.
    Profile(Box<profile::ProfileArgs>),
    /// The advice for a profile and a target occupation: the gap, fitting occupations, fundable
    /// training paths and the schemes valid on the day, as a Dutch report (--lang en, --json), and
    /// with --html FILE a printable development plan.
    Advise(Box<advise::AdviseArgs>),
    /// Reload the server's ontology from disk (admin): validated in the background and swapped in
    /// atomically; invalid data is rejected with its report and the old snapshot keeps serving.
    Reload {
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Where stored concept ids lead now: follows replaced-by chains to the live concept.
    Resolve {
        /// Concept ids (full URIs or compact forms).
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Concept changes (created, updated, deprecated, replaced) between two snapshot versions: on
    /// the server (--from-version, versions it served since start) or offline between two sets of
    /// sources (--from PATH… --to PATH…).
    Changes(admin::ChangesArgs),
    /// Ask the server's gRPC health service (grpc.health.v1) whether it serves: exit code 0 when
    /// SERVING, 1 when not (e.g. shutting down), 3 when unreachable. The container's HEALTHCHECK.
    Health {
        /// The service to ask about, e.g. `vaardig.v1.SearchService`; empty for the server as a whole.
        #[arg(long, default_value = "")]
        service: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// The snapshot versions the server knows (for `vaardig changes --from-version`).
    Versions {
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Drive RPCs of a running server at a concurrency (closed loop) or a rate (open loop) for a
    /// time, with realistic requests drawn from its ontology; prints throughput, status counts and
    /// p50/p99/p99.9 latency, and each RPC as a share of the no-op health check.
    Loadtest(Box<loadtest::LoadtestArgs>),
    /// The funding schemes (valid on --date), or with an id the rules of one scheme.
    Schemes {
        /// A scheme id: show its rules.
        id: Option<String>,
        /// Only schemes valid on this date (YYYY-MM-DD).
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
}

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    // Every command but a serving server (`serve --print-settings` prints and is done).
    if !matches!(cli.command, Command::Serve { print_settings: false, .. }) {
        stop_quietly_on_closed_pipe();
    }
    let result = match cli.command {
        Command::Serve { ontology, listen, log_json, index_dir, config, print_settings } => {
            match serve_settings(config.as_deref(), ontology, listen, log_json, index_dir) {
                Err(failure) => Err(failure),
                Ok(settings) if print_settings => print_settings_toml(&settings),
                Ok(settings) => {
                    let json = settings.log.format == crate::settings::LogFormat::Json;
                    crate::telemetry::init(&settings.log.level, json);
                    serve(&settings)
                }
            }
        }
        Command::Search { query, limit, search: s, client } => search::search(&client, &s, query.as_deref(), limit),
        Command::Suggest { prefix, limit, search: s, client } => search::suggest(&client, &s, &prefix, limit),
        Command::Extract { file, search: s, client } => search::extract(&client, &s, &file),
        Command::Eval(args) => eval::eval(&args),
        Command::Crosswalk(args) => search::crosswalk(&args),
        Command::Import(args) => import::import(&args),
        Command::Check { ontology } => check(&ontology),
        Command::Concept { id, client } => client::concept(&client, &id),
        Command::Relations { id, kind, direction, limit, client } => {
            client::relations(&client, &id, kind.as_deref(), &direction, limit)
        }
        Command::Hierarchy { id, depth, client } => client::hierarchy(&client, &id, depth),
        Command::Stats { client } => client::stats(&client),
        Command::List(args) => list::list(&args),
        Command::Export(args) => export::export(&args),
        Command::Gap(args) => matching::gap(&args),
        Command::Match(args) => matching::match_occupations(&args),
        Command::Related(args) => matching::related(&args),
        Command::Eligibility(args) => funding::eligibility(&args),
        Command::Path(args) => planning::path(&args),
        Command::Courses(args) => courses::courses(&args),
        Command::SteppingStones(args) => planning::stepping_stones(&args),
        Command::SynthRegister { ontology, seed, courses, out } => synth_register(&ontology, seed, courses, &out),
        Command::Profile(args) => profile::profile(&args),
        Command::Advise(args) => advise::advise(&args),
        Command::Loadtest(args) => loadtest::loadtest(&args),
        Command::Schemes { id, date, client } => funding::schemes(&client, id.as_deref(), date.as_deref()),
        Command::Reload { client } => admin::reload(&client),
        Command::Resolve { ids, client } => admin::resolve(&client, &ids),
        Command::Changes(args) => admin::changes(&args),
        Command::Versions { client } => admin::versions(&client),
        Command::Health { service, client } => client::health(&client, &service),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("vaardig: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Lets a command that writes into a closed pipe (`vaardig related … | head -1`) end the way Unix
/// tools do: quietly, by SIGPIPE (exit status 141 in a shell). Rust ignores SIGPIPE, so without
/// this every `println!` after the reader left would panic ("failed printing to stdout").
/// Not for `serve`: a server must outlive its clients; sockets are written with MSG_NOSIGNAL
/// anyway, so this only concerns stdout and stderr.
fn stop_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called before any thread is started; restores the signal's default disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// A command failure: what to tell the person and which exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }
}

fn source_specs(raw: &[String]) -> Vec<SourceSpec> {
    if raw.is_empty() { vec![SourceSpec::Embedded] } else { raw.iter().map(|s| SourceSpec::parse(s)).collect() }
}

fn load(raw: &[String]) -> Result<(ontology::Snapshot, ontology::Report), Failure> {
    ontology::load(&source_specs(raw)).map_err(load_failure)
}

fn load_failure(e: LoadError) -> Failure {
    match e {
        LoadError::Invalid { report } => Failure::new(EXIT_FAILURE, format!("the ontology is invalid:\n{report}")),
        other => Failure::new(EXIT_FAILURE, other.to_string()),
    }
}

/// Loads the sources and builds every engine; the search index is persisted under `index_dir`
/// when given (and reused for the same snapshot).
pub(crate) fn load_engines(raw: &[String], index_dir: Option<&std::path::Path>) -> Result<Arc<Engines>, Failure> {
    let started = std::time::Instant::now();
    // The search engine persisted at the last start is read on the other core while the sources load.
    let early = index_dir.map(|dir| {
        let dir = dir.to_path_buf();
        std::thread::spawn(move || crate::search::read_latest(&dir))
    });
    // With an index folder the snapshot itself may be persisted there too (read instead of the
    // sources when they did not change).
    let loaded = match index_dir {
        Some(dir) => ontology::persisted::load(&source_specs(raw), dir).map_err(load_failure)?,
        None => {
            let (snapshot, report) = load(raw)?;
            ontology::persisted::Loaded { snapshot, report, key: None, restored: false }
        }
    };
    let ontology::persisted::Loaded { snapshot, report, key, restored } = loaded;
    for warning in report.warnings() {
        if warning.expected {
            tracing::info!(code = %warning.code, count = warning.count, "{}", warning.message);
        } else {
            tracing::warn!(code = %warning.code, count = warning.count, "{}", warning.message);
        }
    }
    tracing::info!(
        snapshot = snapshot.version(),
        concepts = snapshot.len(),
        restored,
        millis = started.elapsed().as_millis() as u64,
        "ontology loaded"
    );
    let snapshot = Arc::new(snapshot);
    let engines = match index_dir {
        Some(dir) => {
            let engines = Engines::build_persisted_from(snapshot, dir, early)
                .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot build the search index: {e}")))?;
            // Written once the index folder exists; again when the folder was rebuilt (and the
            // file deleted with it).
            if let Some(key) = key.filter(|_| !restored || !engines.search.index_reused()) {
                ontology::persisted::persist(dir, &key, &engines.snapshot, &report);
            }
            engines
        }
        None => Engines::build(snapshot),
    };
    tracing::info!(
        millis = started.elapsed().as_millis() as u64,
        index_reused = engines.search.index_reused(),
        "engines ready"
    );
    Ok(Arc::new(engines))
}

/// The effective settings of `serve`: defaults, file, environment, then the command-line flags.
fn serve_settings(
    config: Option<&std::path::Path>,
    ontology: Vec<String>,
    listen: Option<String>,
    log_json: bool,
    index_dir: Option<std::path::PathBuf>,
) -> Result<crate::settings::Settings, Failure> {
    let mut settings = crate::settings::Settings::load(config).map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?;
    if !ontology.is_empty() {
        settings.server.ontology = ontology;
    }
    if let Some(listen) = listen {
        settings.server.listen = listen;
    }
    if log_json {
        settings.log.format = crate::settings::LogFormat::Json;
    }
    if let Some(index_dir) = index_dir {
        settings.server.index_dir = index_dir;
    }
    Ok(settings)
}

fn print_settings_toml(settings: &crate::settings::Settings) -> Result<(), Failure> {
    // API keys are secrets: show how many there are, not what they are.
    let mut shown = settings.clone();
    for keys in [&mut shown.auth.admin_api_keys, &mut shown.auth.read_api_keys] {
        keys.iter_mut().for_each(|key| *key = "<redacted>".to_string());
    }
    let text = toml::to_string_pretty(&shown).map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))?;
    print!("{text}");
    Ok(())
}

fn serve(settings: &crate::settings::Settings) -> Result<(), Failure> {
    let listen: SocketAddr = settings.server.listen.parse().map_err(|_| {
        Failure::new(EXIT_USAGE, format!("server.listen: not an address:port: {:?}", settings.server.listen))
    })?;
    // The runtime first: it sets the allocator up (see `server::runtime`) before the engines allocate.
    let runtime =
        crate::server::runtime().map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot start the runtime: {e}")))?;
    let engines = load_engines(&settings.server.ontology, Some(&settings.server.index_dir))?;
    crate::server::release_free_memory();
    let settings = Arc::new(settings.clone());
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot listen on {listen}: {e}")))?;
        crate::server::serve(
            listener,
            crate::engine::LiveEngines::new(engines),
            settings,
            crate::server::shutdown_signal(),
        )
        .await
        .map_err(|e| Failure::new(EXIT_FAILURE, e.to_string()))
    })
}

fn synth_register(raw: &[String], seed: u64, courses: usize, out: &std::path::Path) -> Result<(), Failure> {
    let (snapshot, _) = load(raw)?;
    let register = crate::synth::generate(&snapshot, seed, courses);
    register
        .write(out)
        .map_err(|e| Failure::new(EXIT_FAILURE, format!("cannot write the register to {}: {e}", out.display())))?;
    println!(
        "wrote {courses} synthetic courses and {} providers (seed {seed}) to {}",
        crate::synth::PROVIDERS,
        out.display()
    );
    Ok(())
}

fn check(raw: &[String]) -> Result<(), Failure> {
    let (snapshot, report) = load(raw)?;
    print!("{report}");
    println!("ok: snapshot {} with {} concepts", snapshot.version(), snapshot.len());
    let stats = snapshot.stats();
    for (kind, count) in &stats.concepts {
        println!("  {kind:<16} {count:>8}");
    }
    for (kind, count) in &stats.relations {
        println!("  {:<16} {count:>8}", format!("→ {kind}"));
    }
    for source in snapshot.sources() {
        let sets = if source.label_sets > 0 { format!(", {} label sets", source.label_sets) } else { String::new() };
        println!(
            "  source {} ({}, {}): {} concepts, {} relations{sets}",
            source.name,
            source.format.as_str(),
            source.location,
            source.concepts,
            source.relations
        );
    }
    Ok(())
}

//! Logging setup: structured `tracing` output on stderr, human-readable or JSON.
//!
//! Privacy by construction: the code logs counts, timings and ontology ids only, never the
//! profiles or facts of people that requests carry.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `RUST_LOG` overrides `default_filter` (e.g. `info`).
pub fn init(default_filter: &str, json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    // A second init (tests start several servers) is harmless: the first subscriber stays.
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}

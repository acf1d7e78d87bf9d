//! The `vaardig` binary: parse the command line and hand over to [`vaardig::cli`].

use clap::Parser;

// The allocator: jemalloc (feature `jemalloc`, the default), chosen over the system's (glibc) and
// mimalloc for the least resident memory after start and after bursts of large requests at equal
// or better throughput (BENCHMARKS.md, "Allocators").
#[cfg(all(feature = "mimalloc", feature = "jemalloc"))]
compile_error!("pick one allocator feature: mimalloc or jemalloc (with --no-default-features)");
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read at its start (`MALLOC_CONF`'s format; the environment variable
/// `_RJEM_MALLOC_CONF` adds to them): a background thread returns freed memory to the system
/// (`dirty_decay_ms` after it was freed, at once from the muzzy state), so what a burst of large
/// requests took does not stay resident, without a purge on the request path.
#[cfg(feature = "jemalloc")]
#[allow(non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static malloc_conf: &[u8; 60] = b"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

fn main() -> std::process::ExitCode {
    vaardig::cli::run(vaardig::cli::Cli::parse())
}

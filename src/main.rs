//! The `vaardig` binary: parse the command line and hand over to [`vaardig::cli`].

use clap::Parser;

/// mimalloc rather than the system's allocator: 20–70 % more requests per second on the same 2
/// cores (allocation is up to a quarter of a request's instructions), for ~60 MB more resident
/// memory after start (BENCHMARKS.md, issue 13, "Allocators").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    vaardig::cli::run(vaardig::cli::Cli::parse())
}

//! The `vaardig` binary: parse the command line and hand over to [`vaardig::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    vaardig::cli::run(vaardig::cli::Cli::parse())
}

//! `vaardig import`: turn a real catalogue into a bundle whose free-text skills are linked to the
//! ontology (see [`crate::importers`]).

use std::path::Path;

use super::{EXIT_FAILURE, Failure};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// What the input is: `coursera` (the normalized Coursera CSV) or `sbb` (SBB kwalificatieprofielen JSON).
    #[arg(long)]
    pub format: String,
    /// The input file (CSV may be gzip-compressed).
    #[arg(long)]
    pub input: String,
    /// The ontology to link to (layered sources).
    #[arg(long = "ontology", value_name = "PATH", required = true)]
    pub ontology: Vec<String>,
    /// Where the search index is kept.
    #[arg(long, default_value = "index")]
    pub index_dir: String,
    /// Output folder for the bundle (created).
    #[arg(long)]
    pub out: String,
}

pub fn import(args: &ImportArgs) -> Result<(), Failure> {
    let fail = |m: String| Failure::new(EXIT_FAILURE, m);
    let bytes = std::fs::read(&args.input).map_err(|e| fail(format!("cannot read {}: {e}", args.input)))?;
    let engines = super::load_engines(&args.ontology, Some(Path::new(&args.index_dir)))?;
    let bundle = match args.format.as_str() {
        "coursera" => crate::importers::coursera(&engines, &bytes, &args.input),
        "sbb" => crate::importers::sbb(&engines, &bytes, &args.input),
        other => return Err(Failure::new(2, format!("--format `{other}` is not coursera or sbb"))),
    }
    .map_err(fail)?;
    let out = Path::new(&args.out);
    std::fs::create_dir_all(out).map_err(|e| fail(format!("cannot create {}: {e}", args.out)))?;
    for (name, text) in &bundle.files {
        std::fs::write(out.join(name), text).map_err(|e| fail(format!("cannot write {name}: {e}")))?;
    }
    println!(
        "{} records; {} skill phrases linked, {} not linked → {}",
        bundle.records, bundle.linked, bundle.unlinked, args.out
    );
    Ok(())
}

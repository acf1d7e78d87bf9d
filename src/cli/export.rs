//! `vaardig export`: the whole ontology as SKOS (Turtle), JSON-LD or CSV in ESCO's layout, made
//! here from `--ontology` sources, or streamed from a server (ExportOntology) without them.

use std::io::Write;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;

use super::client::{block_on, channel, status_failure};
use super::{ClientArgs, EXIT_FAILURE, EXIT_USAGE, Failure};
use crate::export::{DirSink, Format};
use crate::proto::v1 as pb;
use crate::proto::v1::concept_service_client::ConceptServiceClient;

/// `vaardig export --format F... [--ontology PATH...] --out DIR`
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// skos (Turtle: vaardig.ttl), jsonld (vaardig.jsonld) or csv (ESCO's CSV layout). Repeatable:
    /// the ontology is loaded once for all of them.
    #[arg(long = "format", value_name = "FORMAT", required = true)]
    pub formats: Vec<String>,
    /// Export these ontology sources (layered in order; `embedded` for the built-in default)
    /// instead of asking the server.
    #[arg(long = "ontology", value_name = "PATH")]
    pub ontology: Vec<String>,
    /// Folder to write the files into (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub client: ClientArgs,
}

fn write_failure(dir: &Path, error: std::io::Error) -> Failure {
    Failure::new(EXIT_FAILURE, format!("cannot write the export to {}: {error}", dir.display()))
}

pub fn export(args: &ExportArgs) -> Result<(), Failure> {
    let formats = args
        .formats
        .iter()
        .map(|name| {
            Format::parse(name)
                .ok_or_else(|| Failure::new(EXIT_USAGE, format!("--format `{name}` is not one of: {}", Format::NAMES)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut sink = DirSink::new(&args.out).map_err(|e| write_failure(&args.out, e))?;
    let version = if args.ontology.is_empty() {
        block_on(from_server(&args.client, &formats, &mut sink))?
    } else {
        let (snapshot, _) = super::load(&args.ontology)?;
        for format in &formats {
            crate::export::export(&snapshot, *format, &mut sink).map_err(|e| write_failure(&args.out, e))?;
        }
        snapshot.version().to_string()
    };
    for path in &sink.written {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        println!("{}\t{size}", path.display());
    }
    eprintln!("exported snapshot {version}: {} files", sink.written.len());
    Ok(())
}

/// Streams each format's files from the server into `dir`; the snapshot version they came from.
async fn from_server(client: &ClientArgs, formats: &[Format], sink: &mut DirSink) -> Result<String, Failure> {
    let mut concepts = ConceptServiceClient::new(channel(client).await?).max_decoding_message_size(8 << 20);
    let dir = sink.dir.clone();
    let mut version = String::new();
    for format in formats {
        let request = pb::ExportOntologyRequest { format: format.as_str().to_string() };
        let mut stream = concepts.export_ontology(request).await.map_err(status_failure)?.into_inner();
        let mut current: Option<(String, std::io::BufWriter<std::fs::File>)> = None;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(status_failure)?;
            if !version.is_empty() && version != chunk.snapshot_version {
                return Err(Failure::new(
                    EXIT_FAILURE,
                    format!("the server changed snapshot during the export ({version} → {})", chunk.snapshot_version),
                ));
            }
            version.clone_from(&chunk.snapshot_version);
            if current.as_ref().is_none_or(|(name, _)| *name != chunk.file_name) {
                if let Some((_, mut done)) = current.take() {
                    done.flush().map_err(|e| write_failure(&dir, e))?;
                }
                // A plain file name only: a server cannot write outside --out.
                let plain = Path::new(&chunk.file_name).file_name().and_then(|n| n.to_str()) == Some(&chunk.file_name);
                if !plain {
                    return Err(Failure::new(EXIT_FAILURE, format!("refused file name `{}`", chunk.file_name)));
                }
                let path = dir.join(&chunk.file_name);
                let file = std::fs::File::create(&path).map_err(|e| write_failure(&dir, e))?;
                sink.written.push(path);
                current = Some((chunk.file_name.clone(), std::io::BufWriter::with_capacity(1 << 20, file)));
            }
            if let Some((_, writer)) = current.as_mut() {
                writer.write_all(&chunk.data).map_err(|e| write_failure(&dir, e))?;
            }
        }
        if let Some((_, mut done)) = current.take() {
            done.flush().map_err(|e| write_failure(&dir, e))?;
        }
    }
    Ok(version)
}

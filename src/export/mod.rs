//! Export of a snapshot for other tools: SKOS in Turtle, JSON-LD, and CSV in ESCO's layout.
//!
//! People who use a skills ontology want the whole vocabulary in a form their own tools read: an
//! RDF store (SKOS with ESCO's vocabulary where ESCO has one, `docs/export/vocabulary.md` for the
//! rest), a JSON-LD processor (with the context published in `docs/export/context.jsonld`), or
//! the tools that read ESCO's CSV download. One description of each concept ([`rdf::describe`])
//! feeds both RDF forms, so Turtle and JSON-LD always hold the same triples.
//!
//! Exports write into a [`FileSink`]: files in a folder for `vaardig export`, chunks of a gRPC
//! stream for `ExportOntology`. Concepts come in id order, so an export of a snapshot is
//! byte-for-byte the same every time.

pub mod csv;
pub mod rdf;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::ontology::Snapshot;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// SKOS (and ESCO's and our vocabulary) in Turtle: one file `vaardig.ttl`.
    Skos,
    /// The same triples as JSON-LD: one file `vaardig.jsonld`.
    JsonLd,
    /// ESCO's CSV layout for the kinds ESCO has (occupations, skills, skill groups, ISCO groups)
    /// per language, and its relation files.
    Csv,
}

impl Format {
    pub const NAMES: &'static str = "skos, jsonld, csv";

    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "skos" | "turtle" | "ttl" => Some(Format::Skos),
            "jsonld" | "json-ld" => Some(Format::JsonLd),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Skos => "skos",
            Format::JsonLd => "jsonld",
            Format::Csv => "csv",
        }
    }
}

/// Where exported files go.
pub trait FileSink {
    /// A writer for the file `name` (a plain file name, no folders). The exporter writes the whole
    /// file, then calls `flush`, before it asks for the next one.
    fn create(&mut self, name: &str) -> io::Result<Box<dyn Write + '_>>;
}

/// Files in a folder (created when missing).
#[derive(Debug)]
pub struct DirSink {
    pub dir: PathBuf,
    /// The files written, in order.
    pub written: Vec<PathBuf>,
}

impl DirSink {
    pub fn new(dir: &Path) -> io::Result<DirSink> {
        std::fs::create_dir_all(dir)?;
        Ok(DirSink { dir: dir.to_path_buf(), written: Vec::new() })
    }
}

impl FileSink for DirSink {
    fn create(&mut self, name: &str) -> io::Result<Box<dyn Write + '_>> {
        let path = self.dir.join(name);
        let file = std::fs::File::create(&path)?;
        self.written.push(path);
        Ok(Box::new(io::BufWriter::with_capacity(1 << 20, file)))
    }
}

/// Writes the snapshot in `format` into `sink`.
pub fn export(snapshot: &Snapshot, format: Format, sink: &mut dyn FileSink) -> io::Result<()> {
    match format {
        Format::Skos => {
            let mut out = sink.create("vaardig.ttl")?;
            rdf::write_turtle(snapshot, &mut out)?;
            out.flush()
        }
        Format::JsonLd => {
            let mut out = sink.create("vaardig.jsonld")?;
            rdf::write_jsonld(snapshot, &mut out)?;
            out.flush()
        }
        Format::Csv => csv::write(snapshot, sink),
    }
}

//! The loaded ontology persisted beside the search index, so a restart on the same sources skips
//! reading them.
//!
//! Loading full ESCO (gunzip, CSV parsing, merging languages, validating the graph) was a third of a
//! restart's CPU. Its result depends only on the bytes of the source files and on the code that
//! read them, so after a load the snapshot — concepts, relations in edge order, the source list, the
//! load's warnings — is written to `<index dir>/<snapshot>/`[`FILE`] with [`crate::persist`]'s
//! header (format, build) and checksum, keyed by [`sources_key`]: a blake3 hash of every file of
//! every source, as it is on disk (names, lengths, the compressed bytes). Hashing the 9 MB of the
//! compressed ESCO export takes milliseconds where gunzip and parsing take a few hundred, and a real
//! content hash, unlike a size and modification time, cannot mistake one export for another.
//!
//! On the next start [`load`] computes the key, reads the file whose header carries it and serves
//! that snapshot. A file written by another build or for other sources is skipped; a truncated or
//! corrupt one is reported; in every such case the sources are read and the file written again
//! ([`persist`], once the engines and with them the index folder exist). The file lives in the
//! snapshot's index folder, so a stale index folder, which is deleted and rebuilt, takes it along.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::report::Report;
use super::snapshot::{LabelSet, Snapshot, SourceInfo};
use super::{LoadError, SourceSpec};
use crate::model::{Concept, Relation};

/// The file name inside the index folder of a snapshot.
pub const FILE: &str = "snapshot.bin";

/// How deep [`sources_key`] looks into a source folder: the importers read the folder and the
/// folders one level below it (an ESCO export's `en/`, `nl/`, `relations/`); one more level is
/// hashed to be safe.
const DEPTH: usize = 2;

/// What is written (borrowed from the loaded snapshot).
#[derive(Serialize)]
struct SnapshotOut<'a> {
    version: &'a str,
    sources: &'a [SourceInfo],
    concepts: &'a [Concept],
    edges: Vec<(u32, u32, Relation)>,
    label_sets: &'a [LabelSet],
    report: &'a Report,
}

/// What is read back.
#[derive(Deserialize)]
struct SnapshotIn {
    version: String,
    sources: Vec<SourceInfo>,
    concepts: Vec<Concept>,
    edges: Vec<(u32, u32, Relation)>,
    label_sets: Vec<LabelSet>,
    report: Report,
}

/// A snapshot and its load's report, from the sources or from the persisted file.
pub struct Loaded {
    pub snapshot: Snapshot,
    pub report: Report,
    /// The sources' [`sources_key`]; `None` when they could not be hashed (the load itself then
    /// said why, or succeeded and is simply not persisted).
    pub key: Option<String>,
    /// True when the snapshot was read from its persisted file.
    pub restored: bool,
}

/// A blake3 hash of every source's bytes as they are on disk, in order: the embedded bundle's
/// files, and for a folder its path as given (the snapshot records it) and every file in it and in
/// its subfolders ([`DEPTH`]), sorted by name, with name and length.
pub fn sources_key(sources: &[SourceSpec]) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"vaardig-sources-v1\0");
    for source in sources {
        match source {
            SourceSpec::Embedded => {
                hasher.update(b"embedded\0");
                hash_file(&mut hasher, "bundle.toml", super::embedded::MANIFEST.as_bytes());
                for (name, text) in super::embedded::FILES {
                    hash_file(&mut hasher, name, text.as_bytes());
                }
            }
            SourceSpec::Path(path) => {
                hasher.update(b"folder\0");
                hasher.update(path.as_os_str().as_encoded_bytes());
                hasher.update(b"\0");
                hash_folder(&mut hasher, path, "", DEPTH)?;
            }
        }
    }
    Ok(hasher.finalize().to_hex()[..32].to_string())
}

fn hash_file(hasher: &mut blake3::Hasher, name: &str, bytes: &[u8]) {
    hasher.update(name.as_bytes());
    hasher.update(b"\0");
    hasher.update(&(bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

fn hash_folder(hasher: &mut blake3::Hasher, folder: &Path, prefix: &str, depth: usize) -> std::io::Result<()> {
    let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(folder)?
        .map(|entry| entry.map(|e| (e.file_name().to_string_lossy().into_owned(), e.path())))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for (name, path) in entries {
        let name = format!("{prefix}{name}");
        // Follows symbolic links, as the importers do.
        let metadata = std::fs::metadata(&path)?;
        if metadata.is_file() {
            hash_file(hasher, &name, &std::fs::read(&path)?);
        } else if metadata.is_dir() && depth > 0 {
            hash_folder(hasher, &path, &format!("{name}/"), depth - 1)?;
        }
    }
    Ok(())
}

/// Loads `sources`, from the snapshot persisted under `dir` for the same sources and build when
/// there is one, from the sources otherwise.
pub fn load(sources: &[SourceSpec], dir: &Path) -> Result<Loaded, LoadError> {
    let started = Instant::now();
    let key = match sources_key(sources) {
        Ok(key) => Some(key),
        Err(e) => {
            tracing::debug!(error = %e, "cannot hash the sources; reading them");
            None
        }
    };
    let hashed = started.elapsed();
    if let Some(found) = key.as_deref().and_then(|key| find(dir, key)) {
        let (snapshot, report) = found;
        tracing::info!(
            snapshot = snapshot.version(),
            hash_ms = hashed.as_millis() as u64,
            read_ms = (started.elapsed() - hashed).as_millis() as u64,
            "ontology restored from its persisted file (sources unchanged)"
        );
        return Ok(Loaded { snapshot, report, key, restored: true });
    }
    let (snapshot, report) = super::load(sources)?;
    Ok(Loaded { snapshot, report, key, restored: false })
}

/// The snapshot persisted under `dir` for `key`, newest folder first; a file that fails a check is
/// skipped (and said so when it is damaged rather than simply another build's or other sources').
fn find(dir: &Path, key: &str) -> Option<(Snapshot, Report)> {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| {
            let path = entry.ok()?.path().join(FILE);
            Some((path.metadata().ok()?.modified().ok()?, path))
        })
        .collect();
    files.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    files.into_iter().find_map(|(_, path)| match read(&path, key) {
        Ok(found) => Some(found),
        Err(crate::persist::Rejected::Missing | crate::persist::Rejected::Stale) => None,
        Err(reason) => {
            tracing::warn!(path = %path.display(), %reason, "persisted ontology not used; reading the sources");
            None
        }
    })
}

/// Reads one file written for `key`; the snapshot is rebuilt from it (index by id, graph).
fn read(path: &Path, key: &str) -> Result<(Snapshot, Report), crate::persist::Rejected> {
    let file: SnapshotIn = crate::persist::read(path, key)?;
    // A file that passed the checksum was written by this build, but an index out of range would
    // panic while building the graph: refuse it rather than trust it.
    let n = file.concepts.len() as u32;
    let folder = path.parent().and_then(Path::file_name).and_then(|f| f.to_str());
    if file.edges.iter().any(|(from, to, _)| *from >= n || *to >= n) || folder != Some(file.version.as_str()) {
        return Err(crate::persist::Rejected::Corrupt);
    }
    let index = file.concepts.iter().enumerate().map(|(i, c)| (c.id.clone(), i as u32)).collect();
    let snapshot = Snapshot::new(file.version, file.sources, file.concepts, index, file.edges.into_iter())
        .with_label_sets(file.label_sets);
    Ok((snapshot, file.report))
}

/// Writes `snapshot` (loaded from the sources hashed to `key`) into its index folder under `dir`;
/// a failure is logged (the next start reads the sources again), never fatal.
pub fn persist(dir: &Path, key: &str, snapshot: &Snapshot, report: &Report) {
    let started = Instant::now();
    let path = dir.join(snapshot.version()).join(FILE);
    let (concepts, edges) = snapshot.parts();
    let file = SnapshotOut {
        version: snapshot.version(),
        sources: snapshot.sources(),
        concepts,
        edges: edges.collect(),
        label_sets: snapshot.label_sets(),
        report,
    };
    match crate::persist::write(&path, key, &file) {
        Ok(()) => tracing::info!(millis = started.elapsed().as_millis() as u64, "ontology persisted"),
        Err(e) => tracing::warn!(
            path = %path.display(),
            error = %e,
            "cannot persist the ontology; the next start reads the sources again"
        ),
    }
}

//! The search engine's in-memory structures persisted beside its tantivy index.
//!
//! The label analysis, the autocomplete list, the extraction gazetteer, the field words and the
//! title heads are most of a start-up (seconds on full ESCO) and depend only on the snapshot and the
//! code. [`super::SearchEngine::build_persisted`] writes them to `<index dir>/<snapshot>/`[`FILE`]
//! after a build and reads them back on the next start of the same binary on the same snapshot
//! (format, checks and sharing: [`crate::persist`]; two files, [`FILE`] and [`LOOKUPS_FILE`], read on two threads). The file lives inside the index folder, so a
//! stale or corrupt index, which is deleted and rebuilt, takes the file with it.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::extract::Gazetteer;
use super::field::FieldWords;
use super::labels::{LabelTable, Token, TokenData};
use super::postings::Postings;
use super::suggest::SuggestIndex;
use super::title::Heads;
use super::title_postings::TitlePostings;
use crate::persist::{SharedIn, SharedOut, deserialize_shared, serialize_shared};

/// The file name inside the index folder of a snapshot: the label table (with the tantivy content
/// hash).
pub const FILE: &str = "search-engine.bin";
/// The second file: autocomplete, gazetteer, field words, heads and postings. Two files, decoded on two
/// threads at start-up: one file took half a restart's CPU on one core while the other idled. Each
/// file shares its own strings; the autocomplete's words are therefore a second copy of the label
/// table's (a few MB).
pub const LOOKUPS_FILE: &str = "search-lookups.bin";

/// What is written (borrowed from the engine being built).
pub(super) struct PartsOut<'a> {
    pub labels: &'a LabelTable,
    pub suggest: &'a SuggestIndex,
    pub gazetteer: &'a Gazetteer,
    pub field: &'a FieldWords,
    pub heads: &'a Heads,
    pub postings: &'a Postings,
    pub titles: &'a TitlePostings,
    /// The tantivy index's content hash for this table ([`super::index`]), so the index is checked
    /// without hashing the table again.
    pub content: &'a str,
}

#[derive(Serialize)]
struct LabelsOut<'a> {
    labels: &'a LabelTable,
    content: &'a str,
}

#[derive(Serialize)]
struct LookupsOut<'a> {
    suggest: &'a SuggestIndex,
    gazetteer: &'a Gazetteer,
    field: &'a FieldWords,
    heads: &'a Heads,
    postings: &'a Postings,
    titles: &'a TitlePostings,
}

#[derive(Deserialize)]
struct LabelsIn {
    labels: LabelTable,
    content: String,
}

#[derive(Deserialize)]
struct LookupsIn {
    suggest: SuggestIndex,
    gazetteer: Gazetteer,
    field: FieldWords,
    heads: Heads,
    postings: Postings,
    titles: TitlePostings,
}

/// What is read back: the same fields, owned.
pub(super) struct Parts {
    pub labels: LabelTable,
    pub suggest: SuggestIndex,
    pub gazetteer: Gazetteer,
    pub field: FieldWords,
    pub heads: Heads,
    pub postings: Postings,
    pub titles: TitlePostings,
    pub content: String,
}

/// Reads the parts persisted for `snapshot` in its index folder under `dir` (both files at once, on
/// two threads); `None` (with the reason logged when there was a file) when they have to be built.
pub(super) fn read(dir: &Path, snapshot: &str) -> Option<Parts> {
    let folder = dir.join(snapshot);
    let (labels, lookups) = std::thread::scope(|scope| {
        let lookups = scope.spawn(|| read_one::<LookupsIn>(&folder.join(LOOKUPS_FILE), snapshot));
        let labels = read_one::<LabelsIn>(&folder.join(FILE), snapshot);
        (labels, lookups.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let (LabelsIn { labels, content }, LookupsIn { suggest, gazetteer, field, heads, postings, titles }) =
        (labels?, lookups?);
    Some(Parts { labels, suggest, gazetteer, field, heads, postings, titles, content })
}

fn read_one<T: serde::de::DeserializeOwned>(path: &Path, snapshot: &str) -> Option<T> {
    match crate::persist::read::<T>(path, snapshot) {
        Ok(parts) => Some(parts),
        Err(crate::persist::Rejected::Missing) => None,
        Err(reason) => {
            tracing::warn!(path = %path.display(), %reason, "persisted search engine not used; rebuilding it");
            None
        }
    }
}

/// The parts of the snapshot served last, read before the sources are loaded: a restart usually
/// serves the same data, and reading the file while the sources load takes the read off the
/// start-up's critical path (the two take one core each).
pub struct Early {
    /// The snapshot version they were written for (the folder's name, checked by the header).
    pub version: String,
    pub(super) parts: Parts,
}

impl std::fmt::Debug for Early {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Early").field("version", &self.version).finish()
    }
}

/// Reads the most recently written file under `dir` (any snapshot's), if one is usable.
pub fn read_latest(dir: &Path) -> Option<Early> {
    let newest = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| {
            let folder = entry.ok()?.path();
            let written = folder.join(FILE).metadata().ok()?.modified().ok()?;
            Some((written, folder))
        })
        .max_by_key(|(written, _)| *written)?
        .1;
    let version = newest.file_name()?.to_str()?.to_string();
    let started = std::time::Instant::now();
    let parts = read(dir, &version)?;
    tracing::info!(snapshot = %version, millis = started.elapsed().as_millis() as u64, "persisted search engine read");
    Some(Early { version, parts })
}

/// Writes the parts for `snapshot`; a failure is logged (the next start builds again), never fatal.
pub(super) fn write(dir: &Path, snapshot: &str, parts: &PartsOut<'_>) {
    let folder = dir.join(snapshot);
    let labels = LabelsOut { labels: parts.labels, content: parts.content };
    let lookups = LookupsOut {
        suggest: parts.suggest,
        gazetteer: parts.gazetteer,
        field: parts.field,
        heads: parts.heads,
        postings: parts.postings,
        titles: parts.titles,
    };
    let written = crate::persist::write(&folder.join(FILE), snapshot, &labels)
        .and_then(|()| crate::persist::write(&folder.join(LOOKUPS_FILE), snapshot, &lookups));
    if let Err(e) = written {
        tracing::warn!(path = %folder.display(), error = %e, "cannot persist the search engine; the next start builds it again");
    }
}

/// An analyzed word as written the first time.
#[derive(Serialize)]
struct TokenOut<'a> {
    word: SharedOut<'a>,
    key: SharedOut<'a>,
    parts: Vec<SharedOut<'a>>,
    stop: bool,
    verb: Option<SharedOut<'a>>,
}

#[derive(Deserialize)]
struct TokenIn {
    word: SharedIn,
    key: SharedIn,
    parts: Vec<SharedIn>,
    stop: bool,
    verb: Option<SharedIn>,
}

/// Tokens are shared whole: the same analyzed word (with its parts) occurs in thousands of rows.
impl Serialize for Token {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields = TokenOut {
            word: SharedOut(&self.word),
            key: SharedOut(&self.key),
            parts: self.parts.iter().map(SharedOut).collect(),
            stop: self.stop,
            verb: self.verb.as_ref().map(SharedOut),
        };
        serialize_shared(self, &fields, s)
    }
}

impl<'de> Deserialize<'de> for Token {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Token, D::Error> {
        deserialize_shared(d, |t: TokenIn| {
            Token::new(TokenData {
                word: t.word.0,
                key: t.key.0,
                parts: t.parts.into_iter().map(|p| p.0).collect::<Arc<[Arc<str>]>>(),
                stop: t.stop,
                verb: t.verb.map(|v| v.0),
            })
        })
    }
}

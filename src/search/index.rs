//! The tantivy index over the label table: candidate retrieval for Search and ExtractConcepts.
//!
//! One document per label row (and one per description), with the analysis already done by
//! [`super::analysis`]: fields hold space-separated normalized words (`exact`) and variant/stem keys
//! plus compound parts (`keys`), indexed with a whitespace tokenizer. The row id is a fast field, so
//! a hit maps straight back to the in-memory label table for re-ranking.
//!
//! The index is persisted under `<index dir>/<snapshot version>/`: a restart on the same snapshot
//! opens it instead of rebuilding; a folder without a valid completion marker, or whose document
//! count disagrees, is deleted and rebuilt — never served.

use std::path::{Path, PathBuf};

use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::labels::{LabelTable, Token};
use super::typo::FirstLetterFuzzy;
use crate::model::ConceptKind;

/// Bump when the schema or the analysis changes: older persisted indexes are then rebuilt.
const SCHEMA_VERSION: u32 = 2;
const MARKER: &str = "vaardig-index.json";
const TOKENIZER: &str = "vaardig_ws";

/// Why the index could not be built or opened.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index folder {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    row: Field,
    kind: Field,
    exact: Field,
    keys: Field,
    desc: Field,
    /// `exact` and `keys` again, for occupation and ISCO group labels only: a title search (those
    /// kinds) queries them without intersecting every clause with the kind filter.
    title_exact: Field,
    title_keys: Field,
}

/// The opened index.
pub struct TantivyIndex {
    /// The one searcher of the index: it is never reloaded (a snapshot's index does not change),
    /// so its segments, and the `row` column of each, are opened once rather than per search
    /// (opening the columns was 3 % of a search's instructions).
    searcher: Searcher,
    row_columns: Vec<Column<u64>>,
    fields: Fields,
    /// Where it lives on disk; `None` in memory.
    pub path: Option<PathBuf>,
    /// True when it was opened from disk rather than built now.
    pub reused: bool,
}

impl std::fmt::Debug for TantivyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TantivyIndex").field("path", &self.path).field("reused", &self.reused).finish()
    }
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |with_positions: bool| {
        let option =
            if with_positions { IndexRecordOption::WithFreqsAndPositions } else { IndexRecordOption::WithFreqs };
        TextOptions::default()
            .set_indexing_options(TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(option))
    };
    let row = builder.add_u64_field("row", NumericOptions::default().set_fast().set_indexed());
    let kind = builder.add_u64_field("kind", NumericOptions::default().set_indexed());
    let exact = builder.add_text_field("exact", text(true));
    let keys = builder.add_text_field("keys", text(false));
    let desc = builder.add_text_field("desc", text(false));
    let title_exact = builder.add_text_field("title_exact", text(false));
    let title_keys = builder.add_text_field("title_keys", text(false));
    (builder.build(), Fields { row, kind, exact, keys, desc, title_exact, title_keys })
}

fn register_tokenizer(index: &Index) {
    index.tokenizers().register(TOKENIZER, TextAnalyzer::builder(WhitespaceTokenizer::default()).build());
}

/// The kinds a job title names: their labels are also in the title fields.
pub(super) fn is_title_kind(kind: ConceptKind) -> bool {
    matches!(kind, ConceptKind::Occupation | ConceptKind::IscoGroup)
}

/// True for a search among occupations and ISCO groups only (a job title): it reads the title
/// fields, and no descriptions.
pub(super) fn is_title_search(kinds: &[ConceptKind]) -> bool {
    !kinds.is_empty() && kinds.iter().all(|k| is_title_kind(*k))
}

/// The content words of an analyzed query that get typo tolerance: words of four letters or more
/// that no reading of the query knows. A word that some reading knows (a label word, or a compound
/// of label words) is no typo, whatever its other readings make of it (a Dutch word read as
/// English); the Levenshtein walk over the term dictionary is the costliest clause. A word read by
/// its head alone may be a typo in its modifier (`heftruk…`).
pub(super) fn typo_candidates<'a>(table: &LabelTable, query: &'a [Token]) -> Vec<&'a Token> {
    let known = |t: &Token| table.df(&t.key) > 0 || (!t.parts.is_empty() && t.parts.iter().all(|p| table.df(p) > 0));
    let known_words: Vec<&str> = query.iter().filter(|t| known(t)).map(|t| &*t.word).collect();
    query.iter().filter(|t| !t.stop && t.word.chars().count() >= 4 && !known_words.contains(&&*t.word)).collect()
}

/// What a label found through a typo adds in retrieval: every such label alike, as tantivy's fuzzy
/// clause scored them (an exact word adds its BM25 weight × 2).
pub(super) const TYPO_BOOST: f32 = 0.5;

/// The edit distance a typo may be from the word it stands for.
pub(super) fn typo_distance(word: &str) -> u8 {
    if word.chars().count() >= 8 { 2 } else { 1 }
}

/// The number of the kind in the `kind` field.
pub fn kind_code(kind: ConceptKind) -> u64 {
    ConceptKind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u64
}

fn keys_text(tokens: &[Token]) -> String {
    let mut out = String::new();
    for t in tokens.iter().filter(|t| !t.stop) {
        for k in std::iter::once(&t.key).chain(t.parts.iter()).chain(t.verb.as_ref()) {
            out.push_str(k);
            out.push(' ');
        }
    }
    out
}

fn exact_text(tokens: &[Token]) -> String {
    tokens.iter().map(|t| &*t.word).collect::<Vec<_>>().join(" ")
}

/// The number of documents an index over `table` holds.
fn expected_docs(table: &LabelTable) -> u64 {
    (table.rows.len() + table.descriptions.len()) as u64
}

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Eq, Debug)]
struct Marker {
    schema_version: u32,
    snapshot: String,
    documents: u64,
    /// Hash of every indexed text: a binary whose analysis differs (same snapshot, new stemming
    /// rules) never serves an index built by another.
    content: String,
}

/// The hash of what [`fill`] writes, computed from the label table.
pub(super) fn content_hash(table: &LabelTable) -> String {
    let mut hasher = blake3::Hasher::new();
    for row in &table.rows {
        hasher.update(exact_text(&row.tokens).as_bytes());
        hasher.update(b"\0");
        hasher.update(keys_text(&row.tokens).as_bytes());
        hasher.update(&kind_code(row.kind).to_le_bytes());
    }
    for description in &table.descriptions {
        hasher.update(keys_text(&description.tokens).as_bytes());
        hasher.update(&kind_code(description.kind).to_le_bytes());
    }
    hasher.finalize().to_hex()[..32].to_string()
}

impl TantivyIndex {
    /// Builds the index in memory.
    pub fn build_in_ram(table: &LabelTable) -> Result<TantivyIndex, IndexError> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        register_tokenizer(&index);
        fill(&index, fields, table)?;
        Self::open_reader(index, fields, None, false)
    }

    /// Opens the persisted index of `snapshot` under `dir`, or builds and persists it.
    /// `content` is the table's [`content_hash`] (kept with a persisted table, so it is not
    /// computed again on every start).
    pub fn open_or_build(
        dir: &Path,
        snapshot: &str,
        table: &LabelTable,
        content: String,
    ) -> Result<TantivyIndex, IndexError> {
        let path = dir.join(snapshot);
        let io = |source| IndexError::Io { path: path.display().to_string(), source };
        let expected = Marker {
            schema_version: SCHEMA_VERSION,
            snapshot: snapshot.to_string(),
            documents: expected_docs(table),
            content,
        };
        if path.exists() {
            match Self::try_open(&path, &expected) {
                Some(index) => return Ok(index),
                None => {
                    tracing::warn!(path = %path.display(), "search index folder is stale, partial or corrupt; rebuilding");
                    std::fs::remove_dir_all(&path).map_err(io)?;
                }
            }
        }
        // Build into a temporary sibling and rename, so a crash never leaves a half-built folder
        // under the final name.
        let building = dir.join(format!("{snapshot}.building-{}", std::process::id()));
        if building.exists() {
            std::fs::remove_dir_all(&building).map_err(io)?;
        }
        std::fs::create_dir_all(&building).map_err(io)?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(&building, schema)?;
        register_tokenizer(&index);
        fill(&index, fields, table)?;
        let marker = serde_json::to_vec(&expected).unwrap_or_default();
        std::fs::write(building.join(MARKER), marker).map_err(io)?;
        drop(index);
        std::fs::rename(&building, &path).map_err(io)?;
        let index = Index::open_in_dir(&path)?;
        register_tokenizer(&index);
        Self::open_reader(index, fields, Some(path), false)
    }

    /// Opens a persisted index if its marker and document count match; `None` otherwise.
    fn try_open(path: &Path, expected: &Marker) -> Option<TantivyIndex> {
        let marker: Marker = serde_json::from_slice(&std::fs::read(path.join(MARKER)).ok()?).ok()?;
        if &marker != expected {
            return None;
        }
        let index = Index::open_in_dir(path).ok()?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return None;
        }
        register_tokenizer(&index);
        let opened = Self::open_reader(index, fields, Some(path.to_path_buf()), true).ok()?;
        (opened.searcher.num_docs() == expected.documents).then_some(opened)
    }

    fn open_reader(
        index: Index,
        fields: Fields,
        path: Option<PathBuf>,
        reused: bool,
    ) -> Result<TantivyIndex, IndexError> {
        let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let searcher = reader.searcher();
        let row_columns = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().u64("row"))
            .collect::<Result<_, _>>()?;
        Ok(TantivyIndex { searcher, row_columns, fields, path, reused })
    }

    /// The label rows (ids into the table; description docs are `rows.len() + i`) best matching the
    /// analyzed query, restricted to `kinds` (empty = all), at most `limit`; descriptions are
    /// searched only with `descriptions`.
    pub fn candidates(
        &self,
        query: &[Token],
        kinds: &[ConceptKind],
        typos: &[&Token],
        descriptions: bool,
        limit: usize,
    ) -> Result<Vec<u32>, IndexError> {
        let f = self.fields;
        // A search among occupations and ISCO groups only reads the title fields, which hold their
        // labels alone: a plain union of the query's words, not one intersected with the kind
        // filter (that intersection was a fifth of a title search's time).
        let titles = is_title_search(kinds);
        let (exact_field, keys_field) = if titles { (f.title_exact, f.title_keys) } else { (f.exact, f.keys) };
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let term = |field: Field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
        };
        for t in query.iter().filter(|t| !t.stop) {
            should.push((Occur::Should, Box::new(BoostQuery::new(term(exact_field, &t.word), 2.0))));
            should.push((Occur::Should, Box::new(BoostQuery::new(term(keys_field, &t.key), 1.5))));
            for part in t.parts.iter().chain(t.verb.as_ref()) {
                should.push((Occur::Should, term(keys_field, part)));
            }
            if descriptions {
                should.push((Occur::Should, Box::new(BoostQuery::new(term(f.desc, &t.key), 0.2))));
            }
            if typos.iter().any(|typo| typo.word == t.word) {
                // The label words the typo may stand for (see `search::typo`), scored alike.
                let distance = typo_distance(&t.word);
                let near = FirstLetterFuzzy::new(exact_field, &t.word, distance);
                should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(near), TYPO_BOOST))));
                if let Some(swapped) = FirstLetterFuzzy::swapped(exact_field, &t.word, distance) {
                    should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(swapped), TYPO_BOOST))));
                }
            }
        }
        if should.is_empty() {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(BooleanQuery::new(should)))];
        // Both title kinds need no filter in the title fields; one of them still does.
        let all_titles = titles && kinds.contains(&ConceptKind::Occupation) && kinds.contains(&ConceptKind::IscoGroup);
        if !kinds.is_empty() && !all_titles {
            let kind_clauses: Vec<(Occur, Box<dyn Query>)> = kinds
                .iter()
                .map(|k| -> (Occur, Box<dyn Query>) {
                    let t = Term::from_field_u64(f.kind, kind_code(*k));
                    (Occur::Should, Box::new(TermQuery::new(t, IndexRecordOption::Basic)))
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(kind_clauses))));
        }
        let hits = self.searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(limit).order_by_score())?;
        let mut rows = Vec::with_capacity(hits.len());
        for (_, address) in hits {
            if let Some(row) = self.row_columns.get(address.segment_ord as usize).and_then(|c| c.first(address.doc_id))
            {
                rows.push(row as u32);
            }
        }
        Ok(rows)
    }
}

fn fill(index: &Index, f: Fields, table: &LabelTable) -> Result<(), IndexError> {
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 40_000_000)?;
    for (i, row) in table.rows.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.row, i as u64);
        doc.add_u64(f.kind, kind_code(row.kind));
        doc.add_text(f.exact, exact_text(&row.tokens));
        doc.add_text(f.keys, keys_text(&row.tokens));
        if is_title_kind(row.kind) {
            doc.add_text(f.title_exact, exact_text(&row.tokens));
            doc.add_text(f.title_keys, keys_text(&row.tokens));
        }
        writer.add_document(doc)?;
    }
    let offset = table.rows.len();
    for (i, description) in table.descriptions.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.row, (offset + i) as u64);
        doc.add_u64(f.kind, kind_code(description.kind));
        doc.add_text(f.desc, keys_text(&description.tokens));
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

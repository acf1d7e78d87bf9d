//! The tantivy index over the label table: candidate retrieval for Search and ExtractConcepts.
//!
//! One document per label row (and one per description), with the analysis already done by
//! [`super::analysis`]: fields hold space-separated normalized words (`exact`) and variant/stem keys
//! plus compound parts (`keys`), indexed with a whitespace tokenizer. The row id is a fast field, so
//! a hit maps straight back to the in-memory label table for re-ranking.
//!
//! A search over every kind (or kinds other than the title kinds) reads the same clauses' posting
//! lists itself and adds tantivy's BM25 clause by clause into a dense array
//! ([`TantivyIndex::candidates_by_clause`]): the same candidates in the same order, without the
//! union and its top-k collection.
//!
//! The index is persisted under `<index dir>/<snapshot version>/`: a restart on the same snapshot
//! opens it instead of rebuilding; a folder without a valid completion marker, or whose document
//! count disagrees, is deleted and rebuilt — never served.

use std::path::{Path, PathBuf};

use std::sync::{Arc, OnceLock};

use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::InvertedIndexReader;
use tantivy::postings::Postings as _;
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TERMINATED, TantivyDocument, Term};

use super::labels::{LabelTable, Token};
use super::postings::{K1, LengthParts, Scores, idf};
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
    /// What scoring a clause outside tantivy's union reads ([`TantivyIndex::candidates_by_clause`]),
    /// opened on the first such search: opened at start, the fields' term dictionaries and the
    /// `row` column mapped 1.8 MB of the index in (RSS after a start; tantivy opens them on the
    /// first search too).
    scoring: OnceLock<ClauseScoring>,
    /// True when the documents are in the order of their rows (document `i` of the index, counted
    /// segment by segment, is row `i`): a kind filter then reads a document's kind by its row.
    /// Checked on the first search with a kind filter (see `scoring`).
    rows_in_order: OnceLock<bool>,
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

/// What [`TantivyIndex::candidates_by_clause`] reads besides the searcher.
struct ClauseScoring {
    /// Per segment, its fields' postings and lengths.
    segments: Vec<SegmentParts>,
    /// BM25's length parts of the `exact`, `keys` and `desc` fields, as tantivy computes them.
    bm25: [LengthParts; 3],
    /// The documents of the index (every segment's): BM25's `N`.
    docs: u64,
    /// Per kind ([`kind_code`]): what the kind filter's term adds to a document of that kind.
    kind_scores: Vec<f32>,
}

/// One segment's inverted index and field lengths of the `exact`, `keys` and `desc` fields, and
/// where its documents start in the index's numbering (segment by segment, as tantivy orders
/// document addresses).
struct SegmentParts {
    base: u32,
    inverted: [Arc<InvertedIndexReader>; 3],
    norms: [FieldNormReader; 3],
}

/// The label fields a clause reads, as positions in [`SegmentParts`] and `bm25`.
#[derive(Debug, Clone, Copy)]
enum Side {
    Exact = 0,
    Keys = 1,
    Desc = 2,
}

/// One Should clause of the candidate query, in the query's order: a term of a field with its
/// boost, or the label words a typo may stand for (every document holding one scores the boost).
enum Clause {
    Term { side: Side, field: Field, text: Arc<str>, boost: f32 },
    Typo(FirstLetterFuzzy),
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

/// The kinds a retrieval keeps, as a table indexed by [`kind_code`]: one lookup per document it
/// reads (the retrievals of titles, of other kinds and of the facets' candidates share it).
#[derive(Debug, Clone, Copy)]
pub(super) struct KindMask([bool; ConceptKind::ALL.len()]);

impl KindMask {
    /// Exactly `kinds` (none when it is empty).
    pub(super) fn of(kinds: &[ConceptKind]) -> KindMask {
        let mut mask = [false; ConceptKind::ALL.len()];
        for k in kinds {
            mask[kind_code(*k) as usize] = true;
        }
        KindMask(mask)
    }

    /// Every kind.
    pub(super) fn all() -> KindMask {
        KindMask([true; ConceptKind::ALL.len()])
    }

    /// Whether a document of kind code `code` is kept.
    #[inline]
    pub(super) fn has(self, code: u8) -> bool {
        self.0.get(usize::from(code)).copied().unwrap_or(false)
    }
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
        let row_columns: Vec<Column<u64>> = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().u64("row"))
            .collect::<Result<_, _>>()?;
        let (scoring, rows_in_order) = (OnceLock::new(), OnceLock::new());
        Ok(TantivyIndex { searcher, row_columns, scoring, rows_in_order, fields, path, reused })
    }

    /// True when [`Self::candidates_by_clause`] answers a search among `kinds`: every kind, or
    /// kinds other than the title kinds alone (those read the title fields) when a document's
    /// kind can be read by its row.
    pub(super) fn scores_clause_by_clause(&self, kinds: &[ConceptKind]) -> bool {
        kinds.is_empty() || (!is_title_search(kinds) && self.rows_in_order())
    }

    /// See `rows_in_order`.
    fn rows_in_order(&self) -> bool {
        *self.rows_in_order.get_or_init(|| {
            let mut base = 0;
            self.row_columns.iter().all(|rows| {
                let in_order = (0..rows.num_docs()).all(|doc| rows.first(doc) == Some(u64::from(base + doc)));
                base += rows.num_docs();
                in_order
            })
        })
    }

    /// See `scoring`.
    fn scoring(&self) -> Result<&ClauseScoring, IndexError> {
        if let Some(scoring) = self.scoring.get() {
            return Ok(scoring);
        }
        let opened = ClauseScoring::open(&self.searcher, self.fields)?;
        Ok(self.scoring.get_or_init(|| opened))
    }

    /// The clauses of the candidate query, in the order of its Should clauses.
    fn clauses(&self, query: &[Token], typos: &[&Token], titles: bool, descriptions: bool) -> Vec<Clause> {
        let f = self.fields;
        let (exact_field, keys_field) = if titles { (f.title_exact, f.title_keys) } else { (f.exact, f.keys) };
        let term = |side, field, text: &Arc<str>, boost| Clause::Term { side, field, text: Arc::clone(text), boost };
        let mut clauses = Vec::new();
        for t in query.iter().filter(|t| !t.stop) {
            clauses.push(term(Side::Exact, exact_field, &t.word, 2.0));
            clauses.push(term(Side::Keys, keys_field, &t.key, 1.5));
            for part in t.parts.iter().chain(t.verb.as_ref()) {
                clauses.push(term(Side::Keys, keys_field, part, 1.0));
            }
            if descriptions {
                clauses.push(term(Side::Desc, f.desc, &t.key, 0.2));
            }
            if typos.iter().any(|typo| typo.word == t.word) {
                // The label words the typo may stand for (see `search::typo`), scored alike.
                let distance = typo_distance(&t.word);
                clauses.push(Clause::Typo(FirstLetterFuzzy::new(exact_field, &t.word, distance)));
                if let Some(swapped) = FirstLetterFuzzy::swapped(exact_field, &t.word, distance) {
                    clauses.push(Clause::Typo(swapped));
                }
            }
        }
        clauses
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
        let should: Vec<(Occur, Box<dyn Query>)> = self
            .clauses(query, typos, titles, descriptions)
            .into_iter()
            .map(|clause| -> (Occur, Box<dyn Query>) {
                let query: Box<dyn Query> = match clause {
                    Clause::Term { field, text, boost, .. } => {
                        let term = TermQuery::new(Term::from_field_text(field, &text), IndexRecordOption::WithFreqs);
                        if boost == 1.0 { Box::new(term) } else { Box::new(BoostQuery::new(Box::new(term), boost)) }
                    }
                    Clause::Typo(near) => Box::new(BoostQuery::new(Box::new(near), TYPO_BOOST)),
                };
                (Occur::Should, query)
            })
            .collect();
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

    /// The label rows [`Self::candidates`] finds for a search among `kinds` (empty = every kind;
    /// see [`Self::scores_clause_by_clause`]), in its order, without tantivy's union: each
    /// clause's documents are read from its posting list and their scores added into `scores`
    /// (room for every document of the index), clause by clause, so every document's sum adds up
    /// in the order the union adds it; each term's score is tantivy's BM25 (its IDF over every
    /// document, the field's average length, the coded length and the term frequency). With a
    /// kind filter, the documents of other kinds (`kind_of` a row, [`kind_code`]) are left out
    /// and the filter's term adds its score, as tantivy's intersection does. The best `limit`,
    /// ties to the lower document as `TopDocs` breaks them. The union with its top-k collection
    /// was a third of a search over every kind (BENCHMARKS.md, "Search over all kinds, session
    /// 18").
    #[allow(clippy::too_many_arguments)]
    pub(super) fn candidates_by_clause(
        &self,
        query: &[Token],
        kinds: &[ConceptKind],
        typos: &[&Token],
        descriptions: bool,
        limit: usize,
        scores: &mut Scores,
        kind_of: impl Fn(u32) -> u8,
    ) -> Result<Vec<u32>, IndexError> {
        assert!(self.scores_clause_by_clause(kinds), "a search this retrieval answers");
        let scoring = self.scoring()?;
        assert!(scores.room() >= scoring.docs as usize, "room for every document of the index");
        for clause in self.clauses(query, typos, false, descriptions) {
            match clause {
                Clause::Term { side, field, text, boost } => scoring.add_term(side, field, &text, boost, scores)?,
                Clause::Typo(near) => {
                    let weight = near.weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
                    for (segment, reader) in scoring.segments.iter().zip(self.searcher.segment_readers()) {
                        weight.for_each_no_score(reader, &mut |docs| {
                            for doc in docs {
                                scores.add_one(segment.base + doc, TYPO_BOOST);
                            }
                        })?;
                    }
                }
            }
        }
        // Best first, ties to the lower document, as one integer (see `TitlePostings::top`).
        let mut found: Vec<u64> = Vec::with_capacity(scores.touched());
        let key = |doc: u32, score: f32| (u64::from(!score.to_bits()) << 32) | u64::from(doc);
        if kinds.is_empty() {
            scores.drain(|doc, score| found.push(key(doc, score)));
        } else {
            // The kinds asked for, and what a kind's filter term adds.
            let wanted = KindMask::of(kinds);
            scores.drain(|doc, score| {
                let code = kind_of(doc);
                if wanted.has(code) {
                    found.push(key(doc, score + scoring.kind_scores[usize::from(code)]));
                }
            });
        }
        if found.len() > limit {
            found.select_nth_unstable(limit);
            found.truncate(limit);
        }
        found.sort_unstable();
        let mut rows = Vec::with_capacity(found.len());
        for key in found {
            let doc = key as u32;
            let segment = scoring.segments.partition_point(|s| s.base <= doc) - 1;
            if let Some(row) = self.row_columns[segment].first(doc - scoring.segments[segment].base) {
                rows.push(row as u32);
            }
        }
        Ok(rows)
    }
}

impl ClauseScoring {
    /// Opens the postings and field lengths of every segment, and the BM25 statistics.
    fn open(searcher: &Searcher, fields: Fields) -> Result<ClauseScoring, IndexError> {
        let (exact, keys, desc) = (fields.exact, fields.keys, fields.desc);
        let (mut segments, mut docs, mut tokens) = (Vec::new(), 0u64, [0u64; 3]);
        for segment in searcher.segment_readers() {
            let inverted =
                [segment.inverted_index(exact)?, segment.inverted_index(keys)?, segment.inverted_index(desc)?];
            let norms = [
                segment.get_fieldnorms_reader(exact)?,
                segment.get_fieldnorms_reader(keys)?,
                segment.get_fieldnorms_reader(desc)?,
            ];
            for (total, inverted) in tokens.iter_mut().zip(&inverted) {
                *total += inverted.total_num_tokens();
            }
            segments.push(SegmentParts { base: docs as u32, inverted, norms });
            docs += u64::from(segment.max_doc());
        }
        // As tantivy's `Bm25Weight::for_terms`: a field's average length over every document.
        let bm25 = tokens.map(|total| LengthParts::new(total, docs, FieldNormReader::id_to_fieldnorm));
        let kind_scores = kind_scores(searcher, fields.kind)?;
        Ok(ClauseScoring { segments, bm25, docs, kind_scores })
    }

    /// Adds the BM25 score of `text` in `field` (times `boost`) to the documents holding it.
    fn add_term(
        &self,
        side: Side,
        field: Field,
        text: &str,
        boost: f32,
        scores: &mut Scores,
    ) -> Result<(), IndexError> {
        let term = Term::from_field_text(field, text);
        let side = side as usize;
        let mut found = Vec::with_capacity(self.segments.len());
        for segment in &self.segments {
            found.push(segment.inverted[side].get_term_info(&term).map_err(tantivy::TantivyError::from)?);
        }
        let doc_freq: u64 = found.iter().flatten().map(|info| u64::from(info.doc_freq)).sum();
        if doc_freq == 0 {
            return Ok(());
        }
        // tantivy's weight: IDF × (1 + K1), times the boost.
        let weight = idf(self.docs as f32, doc_freq as f32) * (1.0 + K1) * boost;
        let lengths = &self.bm25[side];
        for (segment, info) in self.segments.iter().zip(found) {
            let Some(info) = info else { continue };
            let mut postings = segment.inverted[side]
                .read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)
                .map_err(tantivy::TantivyError::from)?;
            let norms = &segment.norms[side];
            let mut doc = postings.doc();
            while doc != TERMINATED {
                let score = weight * lengths.tf(norms.fieldnorm_id(doc), postings.term_freq());
                scores.add_one(segment.base + doc, score);
                doc = postings.advance();
            }
        }
        Ok(())
    }
}

/// Per kind ([`kind_code`]), the score the kind filter's term gives a document of that kind, as
/// tantivy scores it (every document of a kind alike: the term is held once, in a field of one
/// value); 0 for a kind no document has.
fn kind_scores(searcher: &Searcher, kind: Field) -> Result<Vec<f32>, IndexError> {
    let mut scores = Vec::with_capacity(ConceptKind::ALL.len());
    for k in ConceptKind::ALL {
        let term = TermQuery::new(Term::from_field_u64(kind, kind_code(*k)), IndexRecordOption::Basic);
        let weight = term.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let mut score = 0.0;
        for segment in searcher.segment_readers() {
            let mut scorer = weight.scorer(segment, 1.0)?;
            if scorer.doc() != tantivy::TERMINATED {
                score = scorer.score();
                break;
            }
        }
        scores.push(score);
    }
    Ok(scores)
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::ontology::{self, SourceSpec};
    use crate::search::analysis::Lang;
    use crate::search::postings::Postings;

    /// Every label of `table` as a query in its language: as written, and with a typo in its
    /// longest word where [`mistyped`] makes one.
    pub(in crate::search) fn label_queries(table: &LabelTable) -> Vec<(String, Lang)> {
        let mut queries = Vec::new();
        for row in &table.rows {
            let lang = if &*row.lang == "en" { Lang::En } else { Lang::Nl };
            queries.push((row.text.to_string(), lang));
            let longest = row.tokens.iter().filter(|t| !t.stop).max_by_key(|t| t.word.chars().count());
            if let Some(typo) = longest.and_then(|t| mistyped(&t.word)) {
                queries.push((row.exact().replacen(&*longest.expect("a longest word").word, &typo, 1), lang));
            }
        }
        queries
    }

    /// A word with two of its letters after the second swapped (one edit, a typo no label has).
    fn mistyped(word: &str) -> Option<String> {
        let mut letters: Vec<char> = word.chars().collect();
        (letters.len() >= 6 && letters[3] != letters[4]).then(|| {
            letters.swap(3, 4);
            letters.into_iter().collect()
        })
    }

    /// On the default ontology, every label searched over every kind, among skills, and among
    /// three kinds (as written, and with a typo in its longest word) finds, scored clause by
    /// clause, the rows tantivy's query ranks, in its order.
    #[test]
    fn scoring_clause_by_clause_ranks_as_the_union_does() {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology loads").0;
        let table = LabelTable::build(&snapshot);
        let index = TantivyIndex::build_in_ram(&table).expect("index builds");
        let postings = Postings::build(&table);
        assert!(index.rows_in_order(), "an index built at once holds its rows in order");
        let skills = [ConceptKind::Skill];
        let mixed = [ConceptKind::Occupation, ConceptKind::Skill, ConceptKind::Qualification];
        let (mut queries, mut with_typos, mut found) = (0, 0, 0);
        for (text, lang) in label_queries(&table) {
            let query = table.analyze(&text, lang);
            let typos = typo_candidates(&table, &query);
            for (kinds, limit) in [(&[][..], 40), (&[][..], 400), (&skills[..], 100), (&mixed[..], 100)] {
                let expected = index.candidates(&query, kinds, &typos, true, limit).expect("tantivy answers");
                let ours = postings
                    .with_scores(|scores| {
                        index.candidates_by_clause(&query, kinds, &typos, true, limit, scores, |doc| postings.kind(doc))
                    })
                    .expect("the postings read");
                assert_eq!(ours, expected, "{text:?} among {kinds:?}, {limit} candidates");
                found += ours.len();
            }
            queries += 1;
            with_typos += usize::from(!typos.is_empty());
        }
        assert!(queries > 1000 && with_typos > 100 && found > 100_000, "{queries} queries, {with_typos} with typos");
    }
}

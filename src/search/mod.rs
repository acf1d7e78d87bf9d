//! Concept search: Dutch-grade, typo-tolerant search, autocomplete and extraction from free text.
//!
//! Built once per snapshot: the analyzed [`labels::LabelTable`], a tantivy index over it for
//! candidate retrieval (persisted per snapshot version when a folder is given; a search over all
//! kinds, or kinds other than titles, scores its clauses one by one outside tantivy's union,
//! [`index::TantivyIndex::candidates_by_clause`]), postings of the
//! table's keys in memory for the cheaper retrieval behind the facet counts, postings of the
//! occupation and ISCO group labels for the retrieval of a title search
//! ([`title_postings`]), the autocomplete word list and the extraction gazetteer. User text is never parsed as query syntax: queries are
//! built from analyzed words, so tantivy's operators in user text are just characters.

mod analysis;
mod crosswalk;
mod diversity;
mod extract;
mod field;
mod index;
mod labels;
mod lexicon;
mod persisted;
mod postings;
mod rank;
mod similarity;
mod suggest;
mod synonyms;
mod title;
mod title_postings;
mod typo;
mod verbs;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;
use std::sync::Arc;

use analysis::Lang;
use labels::{LabelKind, LabelTable};

use crate::model::{ConceptKind, Details, RelationKind, SkillType};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

pub use analysis::normalize;
pub use crosswalk::{MIN_CLOSE, Mapping, crosswalk};
pub use extract::{CredentialMention, Mention};
pub use index::IndexError;
pub use persisted::{Early, FILE as PERSISTED_FILE, LOOKUPS_FILE as PERSISTED_LOOKUPS_FILE, read_latest};
pub use rank::Reason;
pub use suggest::Suggestion;

/// How many label candidates tantivy hands to the re-ranker.
const CANDIDATES: usize = 400;
/// The same for a title search (occupations, ISCO groups): since the rows holding all or all but
/// one of a title's words join the candidates, 250 rank the title sets as 400 did, at a fifth
/// less work (BENCHMARKS.md, ninth round); skill phrases still lose below 400.
const TITLE_CANDIDATES: usize = 250;
/// Hits below this score are noise (a stop-word-like overlap).
const MIN_SCORE: f32 = 0.08;
/// The lowest search score at which a phrase without an exact mention is taken to name a concept.
pub const RESOLVE_MIN_SCORE: f32 = 0.6;
/// Candidate label rows for a derived reading of a title ([`title::readings`]). 100 answered the
/// title sets as well and was faster, but lost the language teacher of a graded title (a row
/// naming the subject's group ranks below 100 by BM25; BENCHMARKS.md "Search speed, session 9").
const DERIVED_CANDIDATES: usize = 150;
/// Candidate label rows for an equivalent label of a title ([`title::Equivalents`]): 150 (as a
/// derived reading) and 50 answered the title sets alike, and 50 cost less (BENCHMARKS.md,
/// issue 12, twenty-third round).
const EQUIVALENT_CANDIDATES: usize = 50;
/// How deep one reading of a query is retrieved.
#[derive(Debug, Clone, Copy)]
struct Depth {
    /// Label rows retrieved (before the rows holding all its words join them).
    candidates: usize,
    /// Whether a word no label has is looked for among the words a typo away.
    typos: bool,
}

/// Label rows holding every word of a reading that join its candidates ([`postings::Postings::all_words`];
/// 20, 50, 100 and 200 gave the same answers on the title and skill sets, BENCHMARKS.md).
const ALL_WORDS_CANDIDATES: usize = 50;
/// Label rows holding all words of a reading but one, per word left out (5: melo-bel 0.6202, 10
/// and 30: 0.6214; BENCHMARKS.md, ninth round).
const ALL_BUT_ONE_CANDIDATES: usize = 10;
/// Most content words a reading may have for the rows holding all its words but one: each word
/// left out is an intersection of the others, and a long phrase (a competence sentence, an
/// enumeration) paid for a dozen of them in the slowest searches.
const ALL_BUT_ONE_MAX_WORDS: usize = 6;
/// Candidate label rows for counting the kinds a search did not ask for (its facets).
const FACET_CANDIDATES: usize = 200;
/// A direct match at least this good is not also scored through the translation.
const STRONG_DIRECT: f32 = 0.9;
/// A match through the learned translation counts this much of a direct match: the lexicon is
/// statistical and may pick a near-synonym.
const TRANSLATION_FACTOR: f32 = 0.9;
/// Weight of a concept's best spelling similarity ([`similarity`], a cosine in [0, 1]) added to
/// its word-match score in searches other than titles: 0.15–1.0 all gained on the Flemish
/// competence labels, 0.3 most (BENCHMARKS.md, sixth round of issue 12).
const SPELLING_WEIGHT: f32 = 0.3;
/// How many of the best word matches the spelling similarity re-ranks.
const SPELLING_DEPTH: usize = 50;
/// Shortest word of a query that the spelling similarity reads (see `rank_by_spelling`).
const SPELLING_MIN_WORD: usize = 7;
/// How many of the concepts closest in spelling join the hits when no word found them (at their
/// similarity, which ranks them among the word matches: 10–20 gained most, BENCHMARKS.md).
const SPELLING_ONLY: usize = 20;
/// How many occupations (and ISCO groups) closest in spelling answer a title that no word of any
/// label matches, or join the word matches of one that some do (`rank_titles_by_spelling`; a first
/// cut of 20 answered both title sets alike).
const TITLE_SPELLING_ONLY: usize = 10;
/// The least spelling similarity of such an answer: below it the closest labels share only common
/// stretches of letters.
const TITLE_SPELLING_MIN: f32 = 0.5;
/// What an occupation or ISCO group closest in spelling to a title counts, × its cosine, when it
/// joins the title's word matches (`SearchEngine::add_titles_by_spelling`). 0.6 and 0.7 gained
/// most on both title sets, 0.4 and 1.0 least (BENCHMARKS.md, issue 12, twenty-fourth round).
const TITLE_SPELLING_JOINED: f32 = 0.6;
/// A hit of another kind than occupations that misses the head of a title asking for an occupation
/// ([`title::Heads`]) counts this much: "Frans" does not answer "Docent Frans".
const HEADLESS_FACTOR: f32 = 0.75;
/// An occupation (or ISCO group) label that misses the head of a title counts this much: it names
/// other work ("lasrobotoperator" for "Ervaren zelfstandig lasser" when it misses `lasser`).
const HEAD_MISSED_FACTOR: f32 = 0.9;
/// An occupation label whose own head is the title's head without its opening particle counts this
/// much: it names the other rank, not a kind of the title's work (`officier koninklijke landmacht`
/// for an `onderofficier`, the non-commissioned rank below). A plain missed head (× 0.9) let such a
/// label win on the modifiers it shares. 0.6–0.8 gave the same answers on both title sets, and 0.7
/// also answers a title with one modifier; this factor for every label with another head of its own
/// lost as many titles as it won (BENCHMARKS.md, twentieth round).
const OTHER_RANK_FACTOR: f32 = 0.7;
/// An ISCO group's label counts this much in a search that also asks for occupations: a title names
/// an occupation, and its ISCO group is the broader fallback when no occupation matches as well.
/// On the real title sets an ISCO group ranked first was wrong 20 times in 21, and the gold answer
/// is an ISCO group for 3 % of the UWV titles and none of the Flemish ones (BENCHMARKS.md).
const ISCO_GROUP_FACTOR: f32 = 0.7;
/// What an occupation's description using every word of a title adds to its score in a title
/// search ([`SearchEngine::credit_described_titles`]); less for fewer words. 0.06–0.1 gave both
/// title sets most (BENCHMARKS.md, fourteenth round).
const DESCRIBED_TITLE: f32 = 0.08;
/// Most hits one search ranks (pagination goes no deeper).
pub const MAX_RESULTS: usize = 500;

/// Filters of a search.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Occupations and ISCO groups whose ISCO code starts with this.
    pub isco_prefix: Option<String>,
    pub skill_type: Option<SkillType>,
    /// Qualifications of this mbo level.
    pub qualification_level: Option<u8>,
    /// Deprecated concepts too (left out by default: they are kept only so stored ids resolve).
    pub include_deprecated: bool,
}

/// A validated search request.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    /// Empty = every kind.
    pub kinds: Vec<ConceptKind>,
    /// Preferred language of labels (`nl` or `en`); matches in it rank slightly higher.
    pub lang: String,
    pub filters: Filters,
    pub offset: usize,
    pub limit: usize,
    /// Count matches per kind (costs a second retrieval when a kind filter is set).
    pub facets: bool,
}

/// One search hit.
#[derive(Debug, Clone)]
pub struct Hit {
    pub concept: ConceptIdx,
    pub score: f32,
    /// The label row that matched best (`None` for a description-only match).
    pub row: Option<u32>,
    pub reasons: Vec<Reason>,
    /// What the matched label explains of the query (`None` for a match of a description or of
    /// spelling alone): the first page shows more than one way of explaining it
    /// ([`diversity::diversify`]).
    pub explains: Option<diversity::Explains>,
    /// The query's equivalent label (another label of the same concept in a loaded label
    /// vocabulary, [`title::Equivalents`]) through which the hit was found, with reason
    /// EQUIVALENT_LABEL.
    pub via: Option<Arc<str>>,
}

/// The answer to a search.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Hits over all pages (up to [`MAX_RESULTS`]).
    pub total: usize,
    /// Matching concepts per kind, regardless of the kind filter: for the kinds asked for, the hits
    /// over all pages; for the others, what one retrieval among them finds.
    pub facets: BTreeMap<ConceptKind, usize>,
}

/// The search engine of one snapshot.
#[derive(Debug)]
pub struct SearchEngine {
    pub labels: LabelTable,
    index: index::TantivyIndex,
    suggest: suggest::SuggestIndex,
    gazetteer: extract::Gazetteer,
    field: field::FieldWords,
    heads: title::Heads,
    /// The titles' other labels in the label vocabularies loaded beside the ontology; made at start
    /// (a few milliseconds), not persisted.
    equivalents: title::Equivalents,
    /// The label table's keys in memory, for the cheap retrieval of the facet counts.
    postings: postings::Postings,
    /// The occupation and ISCO group labels' exact words: with `postings`, the candidate
    /// retrieval of a title search.
    titles: title_postings::TitlePostings,
    /// True when the structures above were read from their persisted file rather than built.
    restored: bool,
}

impl SearchEngine {
    /// Builds everything in memory.
    pub fn build(snapshot: &Snapshot) -> Result<SearchEngine, IndexError> {
        let labels = LabelTable::build(snapshot);
        let index = index::TantivyIndex::build_in_ram(&labels)?;
        Ok(Self::assemble(snapshot, labels, index))
    }

    /// Builds, persisting the tantivy index under `dir` keyed by the snapshot version (reused on
    /// the next start with the same snapshot).
    ///
    /// The engine's own structures are persisted beside the index ([`persisted`]) and read back
    /// instead of built when this binary starts again on the same snapshot.
    pub fn build_persisted(snapshot: &Snapshot, dir: &Path) -> Result<SearchEngine, IndexError> {
        Self::build_persisted_from(snapshot, dir, None)
    }

    /// [`Self::build_persisted`], given what [`persisted::read_latest`] read while the snapshot was
    /// still loading (used when it is of this snapshot, dropped otherwise).
    pub fn build_persisted_from(
        snapshot: &Snapshot,
        dir: &Path,
        early: Option<persisted::Early>,
    ) -> Result<SearchEngine, IndexError> {
        let started = std::time::Instant::now();
        let version = snapshot.version();
        let parts = match early {
            Some(early) if early.version == version => Some(early.parts),
            Some(early) => {
                tracing::info!(read = %early.version, loaded = version, "the data changed since the last start");
                drop(early);
                persisted::read(dir, version)
            }
            None => persisted::read(dir, version),
        };
        if let Some(parts) = parts {
            let read = started.elapsed();
            let index = index::TantivyIndex::open_or_build(dir, version, &parts.labels, parts.content.clone())?;
            let persisted::Parts { labels, suggest, gazetteer, field, heads, postings, titles, content } = parts;
            labels.prepare();
            let equivalents = title::Equivalents::build(snapshot.label_sets());
            let engine = SearchEngine {
                labels,
                index,
                suggest,
                gazetteer,
                field,
                heads,
                equivalents,
                postings,
                titles,
                restored: true,
            };
            if !engine.index.reused {
                // The index folder was rebuilt, and the file with it: write it again.
                engine.persist(dir, version, &content);
            }
            tracing::info!(
                labels = engine.labels.rows.len(),
                read_ms = read.as_millis() as u64,
                index_ms = (started.elapsed() - read).as_millis() as u64,
                index_reused = engine.index.reused,
                "search engine restored from its persisted file"
            );
            return Ok(engine);
        }
        let labels = LabelTable::build(snapshot);
        let analysed = started.elapsed();
        let vocabulary_titles: Vec<&labels::LabelRow> =
            labels.rows.iter().filter(|r| r.label_kind == LabelKind::Vocabulary).collect();
        let content = index::content_hash(&labels);
        let index = index::TantivyIndex::open_or_build(dir, version, &labels, content.clone())?;
        tracing::info!(
            labels = labels.rows.len(),
            vocabulary_titles = vocabulary_titles.len(),
            // (Rows are in concept order.)
            vocabulary_occupations = vocabulary_titles.windows(2).filter(|w| w[0].concept != w[1].concept).count()
                + usize::from(!vocabulary_titles.is_empty()),
            analysis_ms = analysed.as_millis() as u64,
            index_ms = (started.elapsed() - analysed).as_millis() as u64,
            reused = index.reused,
            "search index ready"
        );
        let engine = Self::assemble(snapshot, labels, index);
        engine.persist(dir, version, &content);
        Ok(engine)
    }

    /// The other labels of `title` that a search reads too, from the label vocabularies loaded
    /// beside the ontology ([`title::Equivalents`]).
    pub fn equivalents_of(&self, title: &str) -> Vec<Arc<str>> {
        self.equivalents.of(title)
    }

    /// Writes the structures to the index folder of `version` (see [`persisted`]).
    fn persist(&self, dir: &Path, version: &str, content: &str) {
        let started = std::time::Instant::now();
        let parts = persisted::PartsOut {
            labels: &self.labels,
            suggest: &self.suggest,
            gazetteer: &self.gazetteer,
            field: &self.field,
            heads: &self.heads,
            postings: &self.postings,
            titles: &self.titles,
            content,
        };
        persisted::write(dir, version, &parts);
        tracing::info!(millis = started.elapsed().as_millis() as u64, "search engine persisted");
    }

    fn assemble(snapshot: &Snapshot, labels: LabelTable, index: index::TantivyIndex) -> SearchEngine {
        let started = std::time::Instant::now();
        // Independent structures over the same table: build them on both cores.
        let (suggest, (gazetteer, field)) = std::thread::scope(|scope| {
            let suggest = scope.spawn(|| suggest::SuggestIndex::build(&labels));
            let gazetteer = extract::Gazetteer::build(&labels);
            let field = field::FieldWords::build(snapshot, &labels);
            (suggest.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), (gazetteer, field))
        });
        labels.prepare();
        let heads = title::Heads::build(&labels.rows);
        let postings = postings::Postings::build(&labels);
        let titles = title_postings::TitlePostings::build(&labels);
        tracing::info!(
            millis = started.elapsed().as_millis() as u64,
            postings_bytes = postings.heap_bytes(),
            title_postings_bytes = titles.heap_bytes(),
            "autocomplete, extraction, fields and postings ready"
        );
        let equivalents = title::Equivalents::build(snapshot.label_sets());
        SearchEngine { labels, index, suggest, gazetteer, field, heads, equivalents, postings, titles, restored: false }
    }

    /// True when the index was opened from disk rather than built.
    pub fn index_reused(&self) -> bool {
        self.index.reused
    }

    /// True when the engine was read from its persisted file rather than built.
    pub fn restored(&self) -> bool {
        self.restored
    }

    /// Ranks concepts for a query.
    pub fn search(&self, snapshot: &Snapshot, request: &SearchRequest) -> Result<SearchResults, IndexError> {
        let (ranked, query) = self.rank(snapshot, &request.query, &request.kinds, &request.lang, &request.filters)?;
        let mut facets = if request.facets { count_kinds(snapshot, &ranked) } else { BTreeMap::new() };
        // The kinds asked for count what the caller pages through; the others are counted from one
        // cheaper retrieval among them only (the query as written, fewer candidates).
        let others: Vec<ConceptKind> = if !request.facets || request.kinds.is_empty() {
            Vec::new()
        } else {
            ConceptKind::ALL.iter().copied().filter(|k| !request.kinds.contains(k)).collect()
        };
        if !others.is_empty() {
            let other_hits = self.rank_others(snapshot, &query, &others, &request.lang, &request.filters);
            facets.extend(count_kinds(snapshot, &other_hits));
        }
        let total = ranked.len();
        let hits = ranked.into_iter().skip(request.offset).take(request.limit).collect();
        Ok(SearchResults { hits, total, facets })
    }

    /// All hits for a query, best first, filtered: the best of the query's readings (see
    /// [`title::readings`]) per concept; and the query as written, analyzed (for the facet counts).
    fn rank(
        &self,
        snapshot: &Snapshot,
        query: &str,
        kinds: &[ConceptKind],
        lang: &str,
        filters: &Filters,
    ) -> Result<(Vec<Hit>, Reading), IndexError> {
        let candidates = if index::is_title_search(kinds) { TITLE_CANDIDATES } else { CANDIDATES };
        let mut readings = title::readings(query);
        // Where a reading came from another label of the title in a vocabulary, that label.
        let mut via: Vec<Option<Arc<str>>> = vec![None; readings.len()];
        for label in self.equivalents.of(query) {
            readings.push((label.to_string(), title::EQUIVALENT_FACTOR));
            via.push(Some(label));
        }
        // The first reading is the query as written.
        let written = self.analyze_reading(query);
        if readings.len() == 1 {
            let depth = Depth { candidates, typos: true };
            let mut hits = self.rank_reading(snapshot, &written, kinds, lang, filters, depth)?;
            self.add_titles_by_spelling(snapshot, &written, kinds, filters, &mut hits);
            if index::is_title_search(kinds) {
                self.credit_described_titles(snapshot, &written, &mut hits);
                sort_hits(snapshot, &mut hits);
            }
            diversity::diversify(&mut hits);
            return Ok((hits, written));
        }
        let mut best: HashMap<ConceptIdx, Hit> = HashMap::default();
        for (i, ((text, factor), via)) in readings.into_iter().zip(via).enumerate() {
            // A derived reading is shorter and more specific: fewer candidates serve it, and fewer
            // still an equivalent label, which is a title as its classification writes it (no
            // typos to tolerate either).
            let (reading, depth) = match (i, &via) {
                (0, _) => (None, Depth { candidates, typos: true }),
                (_, None) => (Some(self.analyze_reading(&text)), Depth { candidates: DERIVED_CANDIDATES, typos: true }),
                (_, Some(_)) => {
                    (Some(self.analyze_reading(&text)), Depth { candidates: EQUIVALENT_CANDIDATES, typos: false })
                }
            };
            let reading = reading.as_ref().unwrap_or(&written);
            for mut hit in self.rank_reading(snapshot, reading, kinds, lang, filters, depth)? {
                hit.score *= factor;
                if let Some(explains) = &mut hit.explains {
                    explains.reading = i.min(u8::MAX as usize) as u8;
                }
                match best.get(&hit.concept) {
                    Some(kept) if kept.score >= hit.score => {}
                    _ => {
                        if let Some(label) = &via {
                            // The route first: the reasons after it say how the equivalent matched.
                            hit.reasons.insert(0, Reason::EquivalentLabel);
                            hit.via = Some(label.clone());
                        }
                        best.insert(hit.concept, hit);
                    }
                }
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        self.add_titles_by_spelling(snapshot, &written, kinds, filters, &mut hits);
        if index::is_title_search(kinds) {
            self.credit_described_titles(snapshot, &written, &mut hits);
        }
        sort_hits(snapshot, &mut hits);
        hits.truncate(MAX_RESULTS);
        diversity::diversify(&mut hits);
        Ok((hits, written))
    }

    /// Adds to each occupation's score [`DESCRIBED_TITLE`] × the share of the title's words that
    /// its Dutch description also uses (a word starting alike, [`field::word_start`]), with reason
    /// DESCRIPTION. Where several occupations carry the same label (an alternative label two of
    /// them share) or match it about as well, the one whose description speaks of the title's
    /// words is the likelier meaning: `directeur jeugdcentrum` is a label of two occupations, and
    /// the description of one of them speaks of a centre.
    fn credit_described_titles(&self, snapshot: &Snapshot, written: &Reading, hits: &mut [Hit]) {
        let starts: Vec<Option<u32>> =
            written.nl.iter().filter(|t| !t.stop).map(|t| field::word_start(&t.word)).collect();
        let looked_for = starts.iter().flatten().count();
        if looked_for == 0 {
            return;
        }
        for hit in hits.iter_mut().filter(|h| snapshot.concept(h.concept).kind == ConceptKind::Occupation) {
            let described = starts.iter().flatten().filter(|s| self.field.describes(hit.concept, **s)).count();
            if described > 0 {
                hit.score += DESCRIBED_TITLE * described as f32 / looked_for as f32;
                hit.reasons.push(Reason::Description);
            }
        }
    }

    /// All hits for one analyzed reading of a query, best first, filtered, from `depth.candidates`
    /// label rows.
    fn rank_reading(
        &self,
        snapshot: &Snapshot,
        reading: &Reading,
        kinds: &[ConceptKind],
        lang: &str,
        filters: &Filters,
        depth: Depth,
    ) -> Result<Vec<Hit>, IndexError> {
        let candidates = depth.candidates;
        // A title search (occupations, ISCO groups) is matched on labels: descriptions changed no
        // answer on 1,607 real titles and cost a fifth of its time (BENCHMARKS.md). Other kinds
        // (a skill described in other words) search them.
        let descriptions = !index::is_title_search(kinds);
        let typos = if depth.typos { index::typo_candidates(&self.labels, &reading.retrieval) } else { Vec::new() };
        let mut rows = if index::is_title_search(kinds) {
            self.titles.top(&self.postings, &reading.retrieval, &typos, kinds, candidates)
        } else if self.index.scores_clause_by_clause(kinds) {
            // tantivy's candidates, scored clause by clause without its union.
            self.postings.with_scores(|scores| {
                let retrieval = &reading.retrieval;
                let kind_of = |row| self.postings.kind(row);
                self.index.candidates_by_clause(retrieval, kinds, &typos, descriptions, candidates, scores, kind_of)
            })?
        } else {
            self.index.candidates(&reading.retrieval, kinds, &typos, descriptions, candidates)?
        };
        // The rows that hold every word of the query join them: the union ranks a row by the sum
        // of its words' weights, and one common word can crowd them out.
        let mut present: rustc_hash::FxHashSet<u32> = rows.iter().copied().collect();
        let whole = self.postings.all_words(&reading.nl, None, kinds, ALL_WORDS_CANDIDATES, |_| &[]);
        rows.extend(whole.into_iter().filter(|row| present.insert(*row)));
        // A title of three words or more is seldom one label word for word: the rows holding all
        // its words but one join too (the rows holding a title's two telling words, which the
        // rows of its `medewerker` crowd out), a word also held by its learned synonyms
        // (`bedrijfsleider` by `manager`).
        let content = reading.nl.iter().filter(|t| !t.stop).count();
        if (3..=ALL_BUT_ONE_MAX_WORDS).contains(&content) {
            let synonyms = |key: &str| self.labels.synonyms.of(key);
            for some in self.postings.all_but_one(&reading.nl, kinds, ALL_BUT_ONE_CANDIDATES, synonyms) {
                rows.extend(some.into_iter().filter(|row| present.insert(*row)));
            }
        }
        let mut hits = self.score_rows(snapshot, reading, kinds, lang, filters, rows);
        let asks_occupations = kinds.is_empty() || kinds.contains(&ConceptKind::Occupation);
        if !asks_occupations && !index::is_title_search(kinds) {
            self.rank_by_spelling(snapshot, reading, kinds, filters, &mut hits);
        }
        Ok(hits)
    }

    /// Re-ranks the best word matches with the spelling similarity of each one's closest label
    /// (any of its labels, not only the candidates that matched words), and adds the concepts
    /// closest in spelling that no word found (reason SPELLING). Only where no occupations are
    /// asked for: it pulls a title towards the shortest similar label (a
    /// specialist's compound title towards the general occupation, `Docent Frans` towards the
    /// skill Frans; BENCHMARKS.md, sixth round of issue 12). Facet counts do not need it.
    fn rank_by_spelling(
        &self,
        snapshot: &Snapshot,
        reading: &Reading,
        kinds: &[ConceptKind],
        filters: &Filters,
        hits: &mut Vec<Hit>,
    ) {
        // A short fragment (`verpl`, typed while looking) is similar to every short label that
        // contains it: spelling speaks for a word long enough to be a compound or a derivation.
        let long_word = reading.nl.iter().any(|t| !t.stop && t.word.chars().count() >= SPELLING_MIN_WORD);
        if !long_word {
            return;
        }
        // Made here, not with the reading: titles and searches over every kind never need it.
        let mut trigrams = self.labels.trigrams.query(&reading.nl);
        if trigrams.is_empty() {
            return;
        }
        for h in hits.iter_mut().take(SPELLING_DEPTH) {
            let (_, closest) = self.closest_label(&mut trigrams, h.concept);
            h.score += SPELLING_WEIGHT * closest;
        }
        // The concepts closest in spelling join at their similarity when no word found them.
        let wanted = |c: ConceptIdx| {
            (kinds.is_empty() || kinds.contains(&snapshot.concept(c).kind)) && passes(snapshot, c, filters)
        };
        let closest =
            self.labels.trigrams.closest_concepts(&trigrams, similarity::Among::Others, SPELLING_ONLY, wanted);
        let present: rustc_hash::FxHashSet<ConceptIdx> = hits.iter().map(|h| h.concept).collect();
        for concept in closest.into_iter().filter(|c| !present.contains(c)) {
            let (row, score) = self.closest_label(&mut trigrams, concept);
            if score >= MIN_SCORE {
                hits.push(Hit { concept, score, row, reasons: vec![Reason::Spelling], explains: None, via: None });
            }
        }
        sort_hits(snapshot, hits);
    }

    /// The occupations and ISCO groups closest in spelling to a title (their closest own label's
    /// cosine, at least [`TITLE_SPELLING_MIN`]), best first, of the [`TITLE_SPELLING_ONLY`] closest
    /// less those `found` already (whose cosines it does not compute), with reason SPELLING. They
    /// answer a title that no label word matches (`Loodgietersknecht`: a compound whose head no
    /// label has) rather than nothing, and join the word matches of one that does
    /// ([`Self::add_titles_by_spelling`]). Only where occupations or ISCO groups are asked for,
    /// and only for a word long enough to be read by its letters ([`SPELLING_MIN_WORD`]).
    ///
    /// An ISCO group is read by its own labels, not its member occupations' (those are occupations
    /// of their own here): the same answers on both title sets, and a fifth of the cosines.
    fn rank_titles_by_spelling(
        &self,
        snapshot: &Snapshot,
        reading: &Reading,
        kinds: &[ConceptKind],
        filters: &Filters,
        found: &rustc_hash::FxHashSet<ConceptIdx>,
    ) -> Vec<Hit> {
        let title_kinds: Vec<ConceptKind> = [ConceptKind::Occupation, ConceptKind::IscoGroup]
            .into_iter()
            .filter(|k| kinds.is_empty() || kinds.contains(k))
            .collect();
        let long_word = reading.nl.iter().any(|t| !t.stop && t.word.chars().count() >= SPELLING_MIN_WORD);
        if title_kinds.is_empty() || !long_word {
            return Vec::new();
        }
        let mut trigrams = self.labels.trigrams.query(&reading.nl);
        if trigrams.is_empty() {
            return Vec::new();
        }
        let wanted = |c: ConceptIdx| title_kinds.contains(&snapshot.concept(c).kind) && passes(snapshot, c, filters);
        // The first cut by concept, then each ranked by its closest own label.
        let closest =
            self.labels.trigrams.closest_concepts(&trigrams, similarity::Among::Titles, TITLE_SPELLING_ONLY, wanted);
        let mut hits: Vec<Hit> = closest
            .into_iter()
            .filter(|concept| !found.contains(concept))
            .filter_map(|concept| {
                let own =
                    |row: &usize| !matches!(self.labels.rows[*row].label_kind, LabelKind::Member | LabelKind::Code);
                let (row, score) = self.closest_label_among(&mut trigrams, self.labels.rows_of(concept).filter(own));
                (score >= TITLE_SPELLING_MIN).then(|| Hit {
                    concept,
                    score,
                    row,
                    reasons: vec![Reason::Spelling],
                    explains: None,
                    via: None,
                })
            })
            .collect();
        sort_hits(snapshot, &mut hits);
        hits
    }

    /// The occupations and ISCO groups closest in spelling to the title as written
    /// ([`Self::rank_titles_by_spelling`]): the answer when no word matched; in a title search
    /// they also join the word matches that some did, those no word found at
    /// [`TITLE_SPELLING_JOINED`] × their cosine: a title written with a typo, another inflection or
    /// a compound the labels split (`…bakkerij` for a `…bakker`) finds its occupation among the
    /// first ten.
    fn add_titles_by_spelling(
        &self,
        snapshot: &Snapshot,
        written: &Reading,
        kinds: &[ConceptKind],
        filters: &Filters,
        hits: &mut Vec<Hit>,
    ) {
        if hits.is_empty() {
            *hits = self.rank_titles_by_spelling(snapshot, written, kinds, filters, &Default::default());
            return;
        }
        if !index::is_title_search(kinds) {
            return;
        }
        let found: rustc_hash::FxHashSet<ConceptIdx> = hits.iter().map(|h| h.concept).collect();
        let spelled = self.rank_titles_by_spelling(snapshot, written, kinds, filters, &found);
        hits.extend(spelled.into_iter().map(|mut h| {
            h.score *= TITLE_SPELLING_JOINED;
            h
        }));
    }

    /// A concept's label row closest in spelling to a query's trigrams, and its cosine.
    fn closest_label(&self, trigrams: &mut similarity::TrigramQuery, concept: ConceptIdx) -> (Option<u32>, f32) {
        self.closest_label_among(trigrams, self.labels.rows_of(concept))
    }

    /// The label row among `rows` closest in spelling to a query's trigrams, and its cosine.
    fn closest_label_among(
        &self,
        trigrams: &mut similarity::TrigramQuery,
        rows: impl Iterator<Item = usize>,
    ) -> (Option<u32>, f32) {
        rows.map(|i| (Some(i as u32), self.labels.trigrams.cosine(trigrams, i, &self.labels.rows[i])))
            .fold((None, 0.0f32), |best, this| if this.1 > best.1 { this } else { best })
    }

    /// The hits among the kinds a search did not ask for, to count them (its facets): what one
    /// retrieval of [`FACET_CANDIDATES`] documents among them finds, from [`postings::Postings`]
    /// (tantivy's union over the long lists of its large fields, and its typo walk over their
    /// term dictionary, were more than half of a title search; the counts differ a little, see
    /// BENCHMARKS.md "Search speed, session 8").
    fn rank_others(
        &self,
        snapshot: &Snapshot,
        reading: &Reading,
        others: &[ConceptKind],
        lang: &str,
        filters: &Filters,
    ) -> Vec<Hit> {
        let descriptions = !index::is_title_search(others);
        let typos = index::typo_candidates(&self.labels, &reading.retrieval);
        let rows = self.postings.top(&reading.retrieval, &typos, others, descriptions, FACET_CANDIDATES);
        self.score_rows(snapshot, reading, others, lang, filters, rows)
    }

    /// A query analyzed for retrieval and scoring: in Dutch, in English, translated, and the words
    /// retrieval looks for (all three, the learned synonyms and the groups of one-word skills).
    fn analyze_reading(&self, query: &str) -> Reading {
        let nl = self.labels.analyze(query, Lang::Nl);
        let en = self.labels.analyze(query, Lang::En);
        let (translated, translated_from) = self.labels.translate(&nl, &en).into_iter().unzip();
        let mut retrieval = nl.clone();
        // Learned synonyms and the groups of a one-word skill in the title ("talen" for "Frans")
        // bring the occupations named with them into the candidates.
        let alternatives: Vec<labels::Token> = nl
            .iter()
            .filter(|t| !t.stop)
            .flat_map(|t| self.labels.synonyms.of(&t.key).iter().chain(self.labels.broader.of(&t.key)))
            .map(|key| {
                labels::Token::new(labels::TokenData {
                    word: key.clone(),
                    key: key.clone(),
                    parts: std::sync::Arc::new([]),
                    stop: false,
                    verb: None,
                })
            })
            .collect();
        for t in en.iter().chain(&translated).chain(&alternatives) {
            if !retrieval.iter().any(|r| r.key == t.key) {
                retrieval.push(t.clone());
            }
        }
        Reading { nl, en, translated, translated_from, retrieval }
    }

    /// Scores the candidate `rows` (label rows, then descriptions as `rows.len() + i`) against a
    /// reading: the best per concept, best first, filtered.
    fn score_rows(
        &self,
        snapshot: &Snapshot,
        reading: &Reading,
        kinds: &[ConceptKind],
        lang: &str,
        filters: &Filters,
        rows: Vec<u32>,
    ) -> Vec<Hit> {
        let Reading { nl, en, translated, translated_from, .. } = reading;
        // What a label matched of the translation, said of the Dutch words: which Dutch content
        // word each translated content word stands for (a compound's parts, the compound).
        let nl_content: Vec<Option<usize>> = nl
            .iter()
            .scan(0usize, |next, t| {
                Some((!t.stop).then(|| {
                    *next += 1;
                    *next - 1
                }))
            })
            .collect();
        let translated_content: Vec<Option<usize>> =
            translated.iter().zip(translated_from).filter(|(t, _)| !t.stop).map(|(_, &i)| nl_content[i]).collect();
        let in_dutch = |matched: u64| {
            translated_content
                .iter()
                .enumerate()
                .filter(|(j, _)| *j < 64 && matched & (1 << j) != 0)
                .filter_map(|(_, i)| i.filter(|&i| i < 64))
                .fold(0u64, |bits, i| bits | (1 << i))
        };
        // The Dutch reading brings the learned synonyms and groups of its words; English labels
        // are matched by the words alone.
        let nl_synonyms = rank::query_alternatives(&self.labels, nl);
        let (mut nl_query, mut en_query, mut translated_query) = (
            rank::ScoredQuery::new(&self.labels, nl, nl_synonyms, false),
            rank::ScoredQuery::new(&self.labels, en, Vec::new(), false),
            rank::ScoredQuery::new(&self.labels, translated, Vec::new(), false),
        );
        let preferred = Lang::from_code(lang);
        let asks_occupations = kinds.is_empty() || kinds.contains(&ConceptKind::Occupation);
        let head = self.heads.of(nl);
        let mut best: HashMap<ConceptIdx, Hit> = HashMap::default();
        // Whether a skill's description names a query word (by the key's address: the query's keys).
        let mut described: HashMap<(ConceptIdx, usize), bool> = HashMap::default();
        let n_rows = self.labels.rows.len() as u32;
        for row_id in rows {
            let (concept, score, row, reasons, explains) = if row_id < n_rows {
                let row = &self.labels.rows[row_id as usize];
                let row_lang = row.language;
                let query = if row_lang == Lang::En { &mut en_query } else { &mut nl_query };
                let direct = rank::score_row(&self.labels, query, row);
                // An English label also answers the query's translation, a little below a direct
                // match (not worth scoring when the direct match is already nearly complete).
                let direct_strong = direct.as_ref().is_some_and(|d| d.score >= STRONG_DIRECT);
                let via_translation = (row_lang == Lang::En && !translated.is_empty() && !direct_strong)
                    .then(|| rank::score_row(&self.labels, &mut translated_query, row))
                    .flatten()
                    .map(|mut s| {
                        s.score *= TRANSLATION_FACTOR;
                        s.reasons.push(Reason::Translated);
                        s
                    });
                let (matched, mut s) = match (direct, via_translation) {
                    (Some(d), Some(t)) if t.score > d.score => (in_dutch(t.matched), t),
                    (Some(d), _) => (d.matched, d),
                    (None, Some(t)) => (in_dutch(t.matched), t),
                    (None, None) => continue,
                };
                let explains = diversity::Explains { kind: row.kind, reading: 0, matched };
                if row.kind == ConceptKind::Skill && !s.unmatched.is_empty() {
                    // A word the skill's label misses may be in what the skill is: its description,
                    // in Dutch or (most skills have only an English one) translated.
                    let concept = row.concept;
                    s.credit_description(row.label_kind.weight(), |key| {
                        // (A concept's other label rows ask again for the same query words.)
                        let asked = (concept, key.as_ptr() as usize);
                        *described.entry(asked).or_insert_with(|| self.describes(concept, key))
                    });
                }
                if row.kind == ConceptKind::Occupation && !s.unmatched.is_empty() {
                    let lexicon = &self.labels.lexicon;
                    s.credit_field(row.label_kind.weight(), |key| {
                        self.field.contains(row.concept, key)
                            || lexicon.translate(key).iter().any(|t| self.field.contains(row.concept, &t.token.key))
                    });
                }
                let lang_factor = if row_lang == preferred || row.label_kind == LabelKind::Code { 1.0 } else { 0.97 };
                let head_factor = match head {
                    Some(head) if !self.names_head(row, head) => match row.kind {
                        ConceptKind::Occupation | ConceptKind::IscoGroup
                            if row_lang == Lang::Nl && self.heads.names_head_without_particle(&row.tokens, head) =>
                        {
                            OTHER_RANK_FACTOR
                        }
                        ConceptKind::Occupation | ConceptKind::IscoGroup => HEAD_MISSED_FACTOR,
                        _ if asks_occupations => HEADLESS_FACTOR,
                        _ => 1.0,
                    },
                    _ => 1.0,
                };
                let kind_factor =
                    if row.kind == ConceptKind::IscoGroup && asks_occupations { ISCO_GROUP_FACTOR } else { 1.0 };
                (
                    row.concept,
                    s.score * lang_factor * head_factor * kind_factor,
                    Some(row_id),
                    s.reasons,
                    Some(explains),
                )
            } else {
                let d = &self.labels.descriptions[(row_id - n_rows) as usize];
                let Some(score) = rank::score_description(&self.labels, nl, &d.tokens)
                    .or_else(|| rank::score_description(&self.labels, en, &d.tokens))
                else {
                    continue;
                };
                (d.concept, score, None, vec![Reason::Description], None)
            };
            if score < MIN_SCORE || !passes(snapshot, concept, filters) {
                continue;
            }
            match best.entry(concept) {
                std::collections::hash_map::Entry::Occupied(mut kept) => {
                    if score > kept.get().score {
                        kept.insert(Hit { concept, score, row, reasons, explains, via: None });
                    }
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(Hit { concept, score, row, reasons, explains, via: None });
                }
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        sort_hits(snapshot, &mut hits);
        hits.truncate(MAX_RESULTS);
        hits
    }

    /// True when a description of `concept` names the word `key`, or (through the learned
    /// lexicon) one of its English translations.
    fn describes(&self, concept: ConceptIdx, key: &str) -> bool {
        let translations = self.labels.lexicon.translate(key);
        self.labels
            .descriptions_of(concept)
            .iter()
            .flat_map(|d| d.tokens.iter())
            .any(|t| !t.stop && (&*t.key == key || translations.iter().any(|tr| tr.token.key == t.key)))
    }

    /// True when a label row names the head of a title: the word, a compound ending in it
    /// (`magazijnmedewerker`), a learned synonym, or for an English label its translation.
    fn names_head(&self, row: &labels::LabelRow, head: &std::sync::Arc<str>) -> bool {
        let is_head = |key: &str| {
            row.tokens.iter().any(|t| !t.stop && (&*t.key == key || t.parts.last().is_some_and(|p| &**p == key)))
        };
        if row.language == Lang::En {
            return self.labels.lexicon.translate(head).iter().any(|t| is_head(&t.token.key));
        }
        is_head(head) || self.labels.synonyms.of(head).iter().any(|s| is_head(s))
    }

    /// Autocomplete suggestions for a prefix.
    /// Deprecated concepts are suggested only with `include_deprecated`.
    pub fn suggest(
        &self,
        prefix: &str,
        kinds: &[ConceptKind],
        lang: &str,
        limit: usize,
        include_deprecated: bool,
    ) -> Vec<Suggestion> {
        self.suggest.suggest(&self.labels, prefix, kinds, lang, limit, include_deprecated)
    }

    /// The concepts of `kind` a short phrase names ("lassen", "Voert verkoopgesprekken"): the
    /// mentions extraction finds, or else the best search hit when it is a clear match. Used to link
    /// the free-text skills of imported catalogues and qualification profiles.
    pub fn resolve_phrase(&self, snapshot: &Snapshot, phrase: &str, kind: ConceptKind, lang: &str) -> Vec<ConceptIdx> {
        let mut found: Vec<ConceptIdx> =
            self.extract(phrase).into_iter().map(|m| m.concept).filter(|c| snapshot.concept(*c).kind == kind).collect();
        if found.is_empty() {
            let request = SearchRequest {
                query: phrase.to_string(),
                kinds: vec![kind],
                lang: lang.to_string(),
                filters: Filters::default(),
                offset: 0,
                limit: 1,
                facets: false,
            };
            if let Ok(results) = self.search(snapshot, &request) {
                found.extend(results.hits.into_iter().filter(|h| h.score >= RESOLVE_MIN_SCORE).map(|h| h.concept));
            }
        }
        found.dedup();
        found
    }

    /// Skill and occupation mentions in a text.
    pub fn extract(&self, text: &str) -> Vec<Mention> {
        self.gazetteer.extract(&self.labels, text)
    }

    /// What a text tells of a person: its skill and occupation mentions of at least `min_confidence`,
    /// and the credentials it names with the skills each certifies (deprecated concepts, also among
    /// a mention's alternatives, only with `include_deprecated`). A CV's `EHBO-diploma` names no skill but certifies *eerste hulp
    /// verlenen*.
    pub fn extract_concepts(
        &self,
        snapshot: &Snapshot,
        text: &str,
        min_confidence: f32,
        include_deprecated: bool,
    ) -> Extraction {
        let shown = |c: ConceptIdx| include_deprecated || snapshot.concept(c).status == crate::model::Status::Released;
        let (mentions, credentials) = self.gazetteer.extract_with_credentials(&self.labels, text);
        let mentions = mentions
            .into_iter()
            .filter(|m| m.confidence >= min_confidence && shown(m.concept))
            .map(|mut m| {
                m.alternatives.retain(|a| shown(*a));
                m
            })
            .collect();
        let credentials = credentials
            .into_iter()
            .filter(|c| shown(c.concept))
            .map(|mention| {
                let certifies = snapshot
                    .relations(mention.concept, Dir::Outgoing, Some(RelationKind::Certifies))
                    .into_iter()
                    .map(|view| view.other)
                    .filter(|skill| snapshot.concept(*skill).kind == ConceptKind::Skill && shown(*skill))
                    .collect();
                NamedCredential { mention, certifies }
            })
            .collect();
        Extraction { mentions, credentials }
    }
}

/// What [`SearchEngine::extract_concepts`] found in a text.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// Skill and occupation mentions, in text order, never overlapping.
    pub mentions: Vec<Mention>,
    /// Credentials the text names, in text order (their words may also be a mention).
    pub credentials: Vec<NamedCredential>,
}

/// A credential a text names, and the skills it certifies.
#[derive(Debug, Clone)]
pub struct NamedCredential {
    pub mention: extract::CredentialMention,
    pub certifies: Vec<ConceptIdx>,
}

/// A query analyzed once for retrieval and scoring ([`SearchEngine::analyze_reading`]).
struct Reading {
    nl: Vec<labels::Token>,
    en: Vec<labels::Token>,
    /// The Dutch reading's learned English translation.
    translated: Vec<labels::Token>,
    /// For each translated token, the place in `nl` of the word it translates.
    translated_from: Vec<usize>,
    /// What retrieval looks for: the words of all three and their alternatives.
    retrieval: Vec<labels::Token>,
}

/// Best first; on equal scores occupations before ISCO groups before skills, then by concept.
fn sort_hits(snapshot: &Snapshot, hits: &mut [Hit]) {
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| kind_rank(snapshot, a.concept).cmp(&kind_rank(snapshot, b.concept)))
            .then(a.concept.cmp(&b.concept))
    });
}

/// Occupations before ISCO groups before skills on equal scores: a title search is most often
/// looking for an occupation.
fn kind_rank(snapshot: &Snapshot, idx: ConceptIdx) -> usize {
    ConceptKind::ALL.iter().position(|k| *k == snapshot.concept(idx).kind).unwrap_or(usize::MAX)
}

fn count_kinds(snapshot: &Snapshot, hits: &[Hit]) -> BTreeMap<ConceptKind, usize> {
    let mut counts = BTreeMap::new();
    for hit in hits {
        *counts.entry(snapshot.concept(hit.concept).kind).or_default() += 1;
    }
    counts
}

fn passes(snapshot: &Snapshot, idx: ConceptIdx, filters: &Filters) -> bool {
    let concept = snapshot.concept(idx);
    if !filters.include_deprecated && concept.status != crate::model::Status::Released {
        return false;
    }
    if let Some(prefix) = &filters.isco_prefix {
        let code = match &concept.details {
            Details::Occupation(o) => o.isco_code.as_deref(),
            Details::IscoGroup { code } => Some(&**code),
            _ => None,
        };
        if !code.is_some_and(|c| c.starts_with(prefix.as_str())) {
            return false;
        }
    }
    if let Some(skill_type) = filters.skill_type {
        if !matches!(&concept.details, Details::Skill(s) if s.skill_type == skill_type) {
            return false;
        }
    }
    if let Some(level) = filters.qualification_level {
        if !matches!(&concept.details, Details::Qualification(q) if q.mbo_level == level) {
            return false;
        }
    }
    true
}

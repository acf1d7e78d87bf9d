//! # vaardig
//!
//! The Dutch skills ontology (CompetentNL-style) as a gRPC service. vaardig holds a skills graph of
//! occupations, skills, mbo-kwalificaties, credentials, courses, providers and funding schemes, and
//! answers the questions of lifelong learning: what can this person do, what does that job ask,
//! what is missing, and which fundable training closes the gap.
//!
//! ```no_run
//! use vaardig::ontology::{self, SourceSpec};
//!
//! let (snapshot, _warnings) = ontology::load(&[SourceSpec::Embedded]).expect("the default ontology is valid");
//! let stap = snapshot.get("https://id.vaardig.nl/scheme/stap-budget");
//! println!("{} concepts in snapshot {}", snapshot.len(), snapshot.version());
//! # let _ = stap;
//! ```
//!
//! ## Layout
//!
//! Data flows one way: sources → [`ontology::Snapshot`] (immutable, versioned by content hash) →
//! engines → [`server`] / [`cli`]; a module imports only from the floors below it
//! (`docs/architecture.md` has the floors and what may import what). The engines `search`, `funding`,
//! `matching`, `planning` and `courses` keep their rooms private behind a `pub use` face in their
//! `mod.rs`, so no engine reaches into another's internals.
//!
//! - [`model`] — domain types: ids, concept kinds, concepts, relations, vocabularies, dates (today
//!   is the Europe/Amsterdam day), the display language [`model::Lang`], money [`model::Money`],
//!   the funding rule types. No protobuf, no I/O, no engine.
//! - [`csr`] — compressed sparse rows: the flat list storage the matching and course indexes share.
//! - [`ontology`] — sources (ESCO CSV export, vaardig bundles with their funding rules, the
//!   embedded default) → validated, immutable `Snapshot` with a petgraph graph of all relations.
//! - [`engine`] — the engines of one snapshot, built and swapped together.
//! - [`export`] — the snapshot for other tools: SKOS in Turtle, JSON-LD, CSV in ESCO's layout.
//! - [`search`] — Dutch-grade search, autocomplete and extraction (tantivy + own analysis).
//! - [`matching`] — skill gaps, occupation matching, career transitions and candidate ranking,
//!   with exact explanations.
//! - [`planning`] — training paths: candidates, an exact (≤ 40) or bounded optimiser, schedules
//!   with funding per calendar year.
//! - [`courses`] — the course finder: courses as compact columns, filters with facet counts,
//!   relevance to the person's gap, and the money per scheme; it is handed the engines it reads.
//! - [`funding`] — funding schemes as dated data (rules with their policy sources) and eligibility
//!   checks with a trace of every condition and counterfactuals.
//! - [`eval`] — answer quality: search (MRR, success@k), career transitions (precision@10) and
//!   extraction (precision, recall, F1) measured against judgements.
//! - [`importers`] — real catalogues (Coursera, SBB profiles) → bundles with linked skills.
//! - [`synth`] — a deterministic synthetic course register (a bundle) for tests and benchmarks;
//!   a source of data like the importers, not part of any engine.
//! - [`server`] — tonic services: one `request` module (wire → validated domain input), one
//!   `response` module (domain → wire), the one error table (engine errors → status), health and
//!   reflection, limits, and protocol faults answered as the client's.
//! - [`cli`] — the `vaardig` command line: `serve`, `check` and the client commands; answers for
//!   people come from one report model with a text and an HTML renderer.
//! - [`proto`] — the generated wire types of `proto/vaardig/v1` (the public contract).
//! - [`telemetry`] — logging setup; logs hold counts, timings and ontology ids only.
//! - [`history`] — concept history: per-version digests, changes between versions, replaced-by
//!   chains (JobTech's model).
//! - [`persist`] — engines (and the loaded snapshot, `ontology::persisted`) persisted in versioned,
//!   checksummed binary files beside the search index, so a restart on the same data skips
//!   rebuilding them.
//! - [`reload`] — hot reload: load, validate and build in the background, swap atomically.

pub mod cli;
pub mod courses;
pub mod csr;
pub mod engine;
pub mod eval;
pub mod export;
pub mod funding;
pub mod history;
pub mod importers;
pub mod matching;
pub mod model;
pub mod ontology;
pub mod persist;
pub mod planning;
pub mod proto;
pub mod reload;
pub mod search;
pub mod server;
pub mod settings;
pub mod synth;
pub mod telemetry;

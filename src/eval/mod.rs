//! Answer quality, measured: judgements in, the standard measures out.
//!
//! Three tasks, one per kind of answer the service gives about real words:
//!
//! - [`ranking`] — search: queries with their relevant concepts (TREC qrels) → MRR@10, success@k,
//!   recall@10;
//! - [`related`] — career transitions: an origin occupation with the occupations experts relate to
//!   it → precision@10, success@10 and the median rank of the first relevant one;
//! - [`extract`] — extraction: annotated texts with the concepts a careful reader links →
//!   micro precision, recall and F1 per concept kind.
//!
//! The measures are pure functions of ranked ids; reading files and asking the service is the
//! command line's job (`vaardig eval`), so the same measures serve a server and an offline run.

pub mod extract;
pub mod ranking;
pub mod related;

/// A line of a judgement file that could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct EvalInputError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

//! Matching: skill gaps, fitting occupations, career transitions and candidate ranking, each with an
//! exact explanation a career advisor can repeat to a person.
//!
//! Everything is one formula (see [`scoring`]): a requirement earns credit from the best skill the
//! person holds that reaches it through the graph (exact, via a narrower, broader or related skill),
//! weighted by the evidence for that skill; requirements weigh by importance and specificity
//! (IDF); coverage is the weighted share of requirements covered. It is asymmetric on purpose:
//! "how much of the occupation does this person cover", never "how much of the person does the
//! occupation use".
//!
//! - [`scoring`] — the numbers: evidence weights, match factors, importance, IDF, exact arithmetic.
//! - [`profile`] — validated, resolved profiles (never stored or logged).
//! - [`index`] — the per-snapshot [`MatchingIndex`]: requirement lists, IDF, inverted index, links.
//! - [`credit`] — from held skills to the best credit per reached skill.
//! - [`gap`] — ComputeSkillGap, and the per-requirement breakdown every other function reuses.
//! - [`occupations`] — MatchOccupations: every occupation ranked by coverage, filtered, paged.
//! - [`transitions`] — RelatedOccupations: career transitions from one occupation.
//! - [`candidates`] — RankCandidates: a bounded top-k over a stream of profiles.

pub mod candidates;
pub mod credit;
pub mod gap;
pub mod index;
pub mod kinship;
pub mod occupations;
pub mod profile;
pub mod scoring;
pub mod transitions;

pub use index::MatchingIndex;
pub use profile::{Profile, ProfileInput};
pub use scoring::{EvidenceLevel, MatchKind};

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

mod candidates;
mod credit;
mod described;
mod gap;
mod index;
mod kinship;
mod occupations;
mod profile;
mod scoring;
mod transitions;

// The face: what the server, the other engines (planning, courses), tests, benches and the tuning
// example may use. The rooms above stay private, so no one reaches into matching's internals.
pub use candidates::{DEFAULT_TOP_K, MAX_CANDIDATES, MAX_TOP_K, MAX_VACANCY_REQUIREMENTS, Ranker, Vacancy};
pub use credit::{Credits, FULL_CREDIT};
pub use gap::{Evaluation, Outcome, Status as GapStatus, compute as compute_gap, explain as explain_gap};
pub use index::{MatchingIndex, Requirement};
pub use kinship::HierarchyLink;
pub use occupations::{OccupationFilter, Scored, match_occupations, rank as rank_occupations, score_all};
pub use profile::{Basis, ClaimInput, Held, Profile, ProfileInput};
pub use scoring::{EXACT_FACTOR, EvidenceLevel, MatchKind, WEIGHT_QUANTUM, ratio};
pub use transitions::{
    Candidate as TransitionCandidate, RANKING, Ranking as TransitionRanking, Transition,
    candidates as transition_candidates, origin_profile, prepare as prepare_transitions,
    related as related_occupations,
};

//! The numbers of matching, in one place: evidence weights, graph match factors, importance factors,
//! requirement weights, and the arithmetic that makes every score exactly recomputable.
//!
//! # The coverage formula
//!
//! For a profile `P` and a set of requirements `R` (an occupation's, or a vacancy's):
//!
//! ```text
//! salience(r) = idf(r.skill) × explicit_weight(r)
//! weight(r)   = quantize(share(class of r) × salience(r) / Σ salience over r's class)
//! credit(r)   = max over held skills h of  match_factor(h → r) × held_weight(h)      (0 if none)
//! coverage    = Σ_r weight(r) × credit(r)  /  Σ_r weight(r)                          (0 if Σ weight = 0)
//! ```
//!
//! `essential_coverage` is the same sum over the essential requirements only.
//!
//! # Why the numbers are dyadic
//!
//! The classes are the essential and the optional requirements; `share` is 0.8 and 0.2 (1 for a
//! class that is alone), so the weights of a list sum to 1 (up to quantization) and a weight reads
//! as "the share of the occupation this requirement is".
//!
//! Every factor here is a multiple of 1/8 and every weight is quantized to a multiple of 2^-20.
//! Products and sums of such numbers are exact in `f64` (they stay far below 2^53 units), so
//! `Σ weight × credit` gives the same bits in *any* order of summation. A client that recomputes a
//! score from the returned breakdown (`Σ contribution / Σ weight`) therefore gets exactly the
//! returned score, and the fast paths (inverted index, candidate ranking) agree bit for bit with
//! the per-requirement explanation.

use crate::model::Importance;

/// How strongly a person's claim to a skill is backed. The weight is the share of a requirement's
/// credit the claim can earn at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EvidenceLevel {
    /// The caller did not grade the claim (a plain skill list from a CV parser or a vacancy
    /// system). Counted in full: callers who know the evidence grade it to have it weighted.
    Ungraded,
    /// The person says so; nobody has checked.
    SelfDeclared,
    /// Shown in work experience (a reference, a job held).
    Experience,
    /// Tested by an assessor or a test.
    Assessed,
    /// An EVC ervaringscertificaat: prior learning formally validated against a standard.
    Evc,
    /// A credential such as an mbo-certificaat, praktijkverklaring, microcredential or branche
    /// certificate.
    Credential,
    /// A diploma of a full qualification.
    Diploma,
}

impl EvidenceLevel {
    /// Every level, weakest claim first (ungraded is listed first but counts in full).
    pub const ALL: [EvidenceLevel; 7] = [
        EvidenceLevel::Ungraded,
        EvidenceLevel::SelfDeclared,
        EvidenceLevel::Experience,
        EvidenceLevel::Assessed,
        EvidenceLevel::Evc,
        EvidenceLevel::Credential,
        EvidenceLevel::Diploma,
    ];

    /// The evidence weight. Formal validation (diploma, credential, EVC) is full proof; an
    /// assessment is nearly as strong but narrower in scope; experience shows the skill was used
    /// but not at which level; a self-declaration is a plausible but unchecked claim, still worth
    /// more than half (people rarely claim what they never did).
    pub fn weight(self) -> f64 {
        match self {
            EvidenceLevel::Ungraded | EvidenceLevel::Diploma | EvidenceLevel::Credential | EvidenceLevel::Evc => 1.0,
            EvidenceLevel::Assessed => 0.875,
            EvidenceLevel::Experience => 0.75,
            EvidenceLevel::SelfDeclared => 0.625,
        }
    }

    /// The canonical name (JSON, CLI).
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceLevel::Ungraded => "ungraded",
            EvidenceLevel::SelfDeclared => "self_declared",
            EvidenceLevel::Experience => "experience",
            EvidenceLevel::Assessed => "assessed",
            EvidenceLevel::Evc => "evc",
            EvidenceLevel::Credential => "credential",
            EvidenceLevel::Diploma => "diploma",
        }
    }

    pub fn parse(text: &str) -> Option<EvidenceLevel> {
        EvidenceLevel::ALL.into_iter().find(|level| level.as_str() == text)
    }
}

/// How a held skill reaches a requirement through the skills graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchKind {
    /// The person holds the required skill itself.
    Exact,
    /// The person holds a narrower skill of the requirement (at any depth of `broader`).
    Narrower,
    /// The person holds a directly broader skill of the requirement.
    Broader,
    /// The person holds a skill related to the requirement (either direction).
    Related,
}

impl MatchKind {
    /// Preference among equal credits: the most direct explanation wins.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// Exact and narrower matches cover a requirement; broader and related ones cover it partly.
    pub fn covers(self) -> bool {
        matches!(self, MatchKind::Exact | MatchKind::Narrower)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Narrower => "narrower",
            MatchKind::Broader => "broader",
            MatchKind::Related => "related",
        }
    }
}

/// Holding the required skill itself.
pub const EXACT_FACTOR: f64 = 1.0;
/// Holding a narrower skill (MIG/MAG-lassen for "lassen"): it shows the broader skill in practice,
/// but only one of its forms.
pub const NARROWER_FACTOR: f64 = 0.875;
/// Holding only a broader skill ("lassen" for "TIG-lassen"): the basis is there, the specific
/// technique may not be.
pub const BROADER_FACTOR: f64 = 0.5;
/// A related skill that the graph marks essential (or a hand-curated relation without a mark).
pub const RELATED_FACTOR: f64 = 0.5;
/// A related skill marked optional: ESCO's loosest link (mostly knowledge–knowledge).
pub const RELATED_OPTIONAL_FACTOR: f64 = 0.25;

/// The share of an occupation (or vacancy) its essential requirements make up together, when it
/// has optional ones too. Fixing the shares, rather than weighing each optional requirement at a
/// fixed fraction of an essential one, keeps an occupation that lists forty optional skills from
/// being "mostly optional": whatever ESCO lists, a person who has every essential skill covers at
/// least 80% of the occupation.
pub const ESSENTIAL_SHARE: f64 = 0.8;
/// The share of the optional requirements together.
pub const OPTIONAL_SHARE: f64 = 0.2;

/// In career transitions, a worker in the origin occupation holds its essential skills fully and
/// its optional skills half (occupations are practised with some, not all, of them).
pub fn origin_held_weight(importance: Importance) -> f64 {
    match importance {
        Importance::Essential => 1.0,
        Importance::Optional => 0.5,
    }
}

/// Weights are multiples of this (see the module docs: exact sums).
pub const WEIGHT_QUANTUM: f64 = 1.0 / (1u64 << 20) as f64;

/// Rounds a weight to a multiple of [`WEIGHT_QUANTUM`]; a positive weight never rounds to zero.
pub fn quantize(weight: f64) -> f64 {
    if !weight.is_finite() || weight <= 0.0 {
        return 0.0;
    }
    ((weight / WEIGHT_QUANTUM).round().max(1.0)) * WEIGHT_QUANTUM
}

/// Specificity of a skill: `ln(1 + N / df)` with `N` the occupations that have requirements and
/// `df` those requiring the skill (at least 1). A skill few occupations ask for says more about
/// fitness for an occupation than one that every occupation asks for ("communicate").
pub fn idf(occupations: usize, document_frequency: usize) -> f64 {
    (1.0 + occupations as f64 / document_frequency.max(1) as f64).ln()
}

/// The weight of a requirement within its list before normalisation: specificity times the
/// explicit weight the source gives (1 when none).
pub fn salience(idf: f64, explicit: Option<f64>) -> f64 {
    idf * explicit.unwrap_or(1.0)
}

/// The weight of one requirement: its class's share (essential 0.8, optional 0.2; 1 for a class
/// that is alone, 0 for a class whose salience sums to 0), divided over the class in proportion
/// to salience, quantized. The weights of a list sum to 1 up to quantization.
pub fn requirement_weight(salience: f64, class_salience: f64, class_share: f64) -> f64 {
    if class_salience > 0.0 { quantize(class_share * salience / class_salience) } else { 0.0 }
}

/// The shares of the essential and the optional class given their total saliences.
pub fn class_shares(essential_salience: f64, optional_salience: f64) -> (f64, f64) {
    match (essential_salience > 0.0, optional_salience > 0.0) {
        (true, true) => (ESSENTIAL_SHARE, OPTIONAL_SHARE),
        (true, false) => (1.0, 0.0),
        (false, true) => (0.0, 1.0),
        (false, false) => (0.0, 0.0),
    }
}

/// `matched / total`, and 0 for an empty requirement set.
pub fn ratio(matched: f64, total: f64) -> f64 {
    if total > 0.0 { matched / total } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_names_round_trip_and_weights_are_ordered() {
        for level in EvidenceLevel::ALL {
            assert_eq!(EvidenceLevel::parse(level.as_str()), Some(level));
        }
        assert!(EvidenceLevel::SelfDeclared.weight() < EvidenceLevel::Experience.weight());
        assert!(EvidenceLevel::Experience.weight() < EvidenceLevel::Assessed.weight());
        assert!(EvidenceLevel::Assessed.weight() < EvidenceLevel::Diploma.weight());
    }

    #[test]
    fn weighted_sums_are_exact_in_any_order() {
        let saliences: Vec<f64> = (1..400).map(|i| salience(idf(3007, i), None)).collect();
        let class: f64 = saliences.iter().sum();
        let weights: Vec<f64> = saliences.iter().map(|&s| requirement_weight(s, class, ESSENTIAL_SHARE)).collect();
        let credits = [1.0, 0.875 * 0.625, 0.5 * 0.75, 0.25, 0.875];
        let terms: Vec<f64> = weights.iter().enumerate().map(|(i, w)| w * credits[i % credits.len()]).collect();
        let forward: f64 = terms.iter().sum();
        let backward: f64 = terms.iter().rev().sum();
        let mut shuffled = terms.clone();
        shuffled.sort_by(|a, b| b.total_cmp(a));
        assert_eq!(forward.to_bits(), backward.to_bits());
        assert_eq!(forward.to_bits(), shuffled.iter().sum::<f64>().to_bits());
    }

    #[test]
    fn quantize_keeps_positive_weights_positive() {
        assert_eq!(quantize(0.0), 0.0);
        assert_eq!(quantize(1e-12), WEIGHT_QUANTUM);
        assert_eq!(quantize(f64::NAN), 0.0);
        assert_eq!(quantize(1.0), 1.0);
    }
}

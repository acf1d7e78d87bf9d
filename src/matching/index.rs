//! The per-snapshot matching index: everything the matching functions read, derived once from the
//! snapshot so that a request only does arithmetic.
//!
//! - per-skill specificity (IDF over occupations), dense by concept index;
//! - per-occupation requirement lists with their weights, most important first;
//! - an inverted index skill → (occupation, requirement) for MatchOccupations and transitions;
//! - skill neighbourhoods for partial credit: which skills holding a skill gives credit to
//!   (`neighbours`), and the inverse, which skills give credit to a requirement (`creditors`).

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{ConceptKind, Details, Importance, RelationKind};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

use super::kinship::Kinship;
use super::scoring::{self, BROADER_FACTOR, MatchKind, NARROWER_FACTOR, RELATED_FACTOR, RELATED_OPTIONAL_FACTOR};
use super::transitions::Heads;

/// One requirement of an occupation or a vacancy, with its weight in the coverage formula.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requirement {
    pub skill: ConceptIdx,
    pub importance: Importance,
    /// Specificity of the skill (see [`scoring::idf`]).
    pub idf: f64,
    /// A weight in [0, 1] the source gives (a bundle's `weight`, a vacancy's weight), if any.
    pub explicit_weight: Option<f64>,
    /// The share of its list this requirement is (see [`scoring::requirement_weight`]).
    pub weight: f64,
}

/// An occupation with its requirements, most important first.
#[derive(Debug, Clone)]
pub struct OccupationEntry {
    pub concept: ConceptIdx,
    /// ISCO-08 unit group code, when known.
    pub isco: Option<Box<str>>,
    pub kansberoep: bool,
    /// Deprecated occupations are left out of matching and transitions unless asked for.
    pub deprecated: bool,
    /// Essential first, then by weight (specificity) descending, then by concept.
    pub requirements: Vec<Requirement>,
    pub total_weight: f64,
    pub essential_weight: f64,
}

impl OccupationEntry {
    /// The ISCO major group: the first digit of the code.
    pub fn isco_major_group(&self) -> Option<char> {
        self.isco.as_deref().and_then(|code| code.chars().next())
    }
}

/// A graph link that gives partial credit: holding one skill credits another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub skill: ConceptIdx,
    pub kind: MatchKind,
    pub factor: f64,
}

/// Where a skill is required: the occupation (by position in [`MatchingIndex::occupations`]) and
/// the position of the requirement in its list, with the requirement's weight and importance copied
/// in: scoring every occupation reads tens of thousands of postings per request, and reaching each
/// weight through its occupation's requirement list was two cache misses apiece.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Posting {
    pub occupation: u32,
    pub requirement: u32,
    /// The requirement's weight (equal to `requirements[requirement].weight`).
    pub weight: f64,
    pub importance: Importance,
}

/// Lists per concept, stored flat: see [`crate::csr`].
pub(crate) use crate::csr::Csr;

/// A requirement as the snapshot states it: skill, importance, explicit weight.
type RawRequirement = (ConceptIdx, Importance, Option<f64>);

/// The matching index of one snapshot.
#[derive(Debug)]
pub struct MatchingIndex {
    snapshot: Arc<Snapshot>,
    occupations: Vec<OccupationEntry>,
    /// Concept index → position in `occupations` (`u32::MAX` for other concepts).
    occupation_slot: Vec<u32>,
    /// Concept index → IDF (0 for concepts no occupation requires).
    idf: Vec<f64>,
    /// Occupations with at least one requirement: the `N` of the IDF.
    scored_occupations: usize,
    postings: Csr<Posting>,
    neighbours: Csr<Link>,
    creditors: Csr<Link>,
    /// Fields and hierarchy of the occupations, for ranking career transitions.
    kinship: Kinship,
    /// Each origin's best career transitions, computed on first use.
    transition_heads: Heads,
}

impl MatchingIndex {
    /// Builds the index; linear in the snapshot's size (tens of milliseconds on full ESCO).
    pub fn build(snapshot: Arc<Snapshot>) -> MatchingIndex {
        let n = snapshot.len();
        let is_skill = |idx: ConceptIdx| snapshot.concept(idx).kind == ConceptKind::Skill;

        // Requirements per occupation; one per skill (the builder already keeps one relation per
        // pair, but be explicit: essential wins over optional, the larger weight wins).
        let mut raw: Vec<(ConceptIdx, Vec<RawRequirement>)> = Vec::new();
        let mut document_frequency = vec![0usize; n];
        for (idx, _) in snapshot.concepts_of(ConceptKind::Occupation) {
            let mut by_skill: HashMap<ConceptIdx, (Importance, Option<f64>)> = HashMap::new();
            for view in snapshot.relations(idx, Dir::Outgoing, Some(RelationKind::Requires)) {
                if !is_skill(view.other) {
                    continue;
                }
                let importance = view.relation.importance.unwrap_or(Importance::Essential);
                let weight = view.relation.weight.map(f64::from);
                let entry = by_skill.entry(view.other).or_insert((importance, weight));
                entry.0 = entry.0.min(importance);
                entry.1 = match (entry.1, weight) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
            }
            for skill in by_skill.keys() {
                document_frequency[skill.0 as usize] += 1;
            }
            let mut list: Vec<_> = by_skill.into_iter().map(|(s, (i, w))| (s, i, w)).collect();
            list.sort_by_key(|(s, _, _)| *s);
            raw.push((idx, list));
        }
        let scored_occupations = raw.iter().filter(|(_, list)| !list.is_empty()).count();
        let idf: Vec<f64> = document_frequency
            .iter()
            .map(|&df| if df == 0 { 0.0 } else { scoring::idf(scored_occupations, df) })
            .collect();

        let mut occupation_slot = vec![u32::MAX; n];
        let mut postings: Vec<Vec<Posting>> = vec![Vec::new(); n];
        let mut occupations = Vec::with_capacity(raw.len());
        for (slot, (idx, list)) in raw.into_iter().enumerate() {
            let mut requirements: Vec<Requirement> = list
                .into_iter()
                .map(|(skill, importance, explicit)| Requirement {
                    skill,
                    importance,
                    idf: idf[skill.0 as usize],
                    explicit_weight: explicit,
                    weight: 0.0,
                })
                .collect();
            assign_weights(&mut requirements);
            for (position, r) in requirements.iter().enumerate() {
                postings[r.skill.0 as usize].push(Posting {
                    occupation: slot as u32,
                    requirement: position as u32,
                    weight: r.weight,
                    importance: r.importance,
                });
            }
            let (isco, kansberoep) = match &snapshot.concept(idx).details {
                Details::Occupation(o) => (o.isco_code.clone(), o.kansberoep),
                _ => (None, false),
            };
            occupation_slot[idx.0 as usize] = slot as u32;
            occupations.push(OccupationEntry {
                concept: idx,
                isco,
                kansberoep,
                deprecated: snapshot.concept(idx).status != crate::model::Status::Released,
                total_weight: total_weight(&requirements),
                essential_weight: essential_weight(&requirements),
                requirements,
            });
        }

        let (neighbours, creditors) = build_links(&snapshot);
        let kinship = Kinship::build(&snapshot, &occupations, &occupation_slot);
        let transition_heads = Heads::new(occupations.len(), super::transitions::HEAD);
        MatchingIndex {
            snapshot,
            occupations,
            occupation_slot,
            idf,
            scored_occupations,
            postings: Csr::from_lists(postings),
            neighbours,
            creditors,
            kinship,
            transition_heads,
        }
    }

    /// Fields and hierarchy of the occupations (see [`super::kinship`]).
    pub fn kinship(&self) -> &Kinship {
        &self.kinship
    }

    /// The same index with heads of `size` transitions (tests reach the fallback with small ones).
    #[cfg(test)]
    pub(super) fn with_transition_head(mut self, size: usize) -> MatchingIndex {
        self.transition_heads = Heads::new(self.occupations.len(), size);
        self
    }

    /// Each origin's best career transitions (see [`super::transitions`]).
    pub(super) fn transition_heads(&self) -> &Heads {
        &self.transition_heads
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Every occupation of the snapshot, in load order.
    pub fn occupations(&self) -> &[OccupationEntry] {
        &self.occupations
    }

    /// The position of an occupation concept in [`Self::occupations`].
    pub fn occupation_slot(&self, idx: ConceptIdx) -> Option<usize> {
        match self.occupation_slot.get(idx.0 as usize) {
            Some(&slot) if slot != u32::MAX => Some(slot as usize),
            _ => None,
        }
    }

    /// The specificity of a skill (see [`scoring::idf`]); a skill no occupation requires counts as
    /// maximally specific (document frequency 1).
    pub fn idf(&self, skill: ConceptIdx) -> f64 {
        match self.idf.get(skill.0 as usize) {
            Some(&idf) if idf > 0.0 => idf,
            _ => scoring::idf(self.scored_occupations, 1),
        }
    }

    /// Where `skill` is required.
    pub fn postings(&self, skill: ConceptIdx) -> &[Posting] {
        self.postings.get(skill.0 as usize)
    }

    /// The skills that holding `skill` gives partial or near-full credit to (not `skill` itself).
    pub fn neighbours(&self, skill: ConceptIdx) -> &[Link] {
        self.neighbours.get(skill.0 as usize)
    }

    /// The skills whose holders get credit for requirement `skill` (the inverse of `neighbours`).
    pub fn creditors(&self, skill: ConceptIdx) -> &[Link] {
        self.creditors.get(skill.0 as usize)
    }

    /// Requirements outside any occupation (a vacancy's), weighted like an occupation's.
    pub fn requirements(&self, list: &[RawRequirement]) -> Vec<Requirement> {
        let mut requirements: Vec<Requirement> = list
            .iter()
            .map(|&(skill, importance, explicit)| Requirement {
                skill,
                importance,
                idf: self.idf(skill),
                explicit_weight: explicit,
                weight: 0.0,
            })
            .collect();
        assign_weights(&mut requirements);
        requirements
    }
}

/// Sets the weight of every requirement of one list (see [`scoring::requirement_weight`]) and
/// puts the list in importance order.
pub fn assign_weights(requirements: &mut [Requirement]) {
    let class_salience = |importance: Importance| -> f64 {
        requirements
            .iter()
            .filter(|r| r.importance == importance)
            .map(|r| scoring::salience(r.idf, r.explicit_weight))
            .sum()
    };
    let (essential, optional) = (class_salience(Importance::Essential), class_salience(Importance::Optional));
    let (essential_share, optional_share) = scoring::class_shares(essential, optional);
    for r in requirements.iter_mut() {
        let (class, share) = match r.importance {
            Importance::Essential => (essential, essential_share),
            Importance::Optional => (optional, optional_share),
        };
        r.weight = scoring::requirement_weight(scoring::salience(r.idf, r.explicit_weight), class, share);
    }
    sort_by_importance(requirements);
}

/// Essential first, then heavier (more specific) first, then by concept for a stable order.
fn sort_by_importance(requirements: &mut [Requirement]) {
    requirements.sort_by(|a, b| {
        a.importance.cmp(&b.importance).then(b.weight.total_cmp(&a.weight)).then(a.skill.cmp(&b.skill))
    });
}

/// The partial-credit links of every skill:
/// - holding a skill credits every skill above it along `broader` (any depth): "via narrower";
/// - holding a skill credits the skills directly below it: "via broader";
/// - holding a skill credits the skills related to it, either direction: "via related".
///
/// Only skill–skill edges count (a skill group is not a requirement). When two paths link the same
/// pair, the stronger credit is kept.
fn build_links(snapshot: &Snapshot) -> (Csr<Link>, Csr<Link>) {
    let n = snapshot.len();
    let is_skill = |idx: ConceptIdx| snapshot.concept(idx).kind == ConceptKind::Skill;
    let mut parents: Vec<Vec<ConceptIdx>> = vec![Vec::new(); n];
    let mut related: Vec<Vec<(ConceptIdx, f64)>> = vec![Vec::new(); n];
    for (idx, concept) in snapshot.concepts() {
        if concept.kind != ConceptKind::Skill {
            continue;
        }
        for view in snapshot.relations(idx, Dir::Outgoing, None) {
            if !is_skill(view.other) || view.other == idx {
                continue;
            }
            match view.relation.kind {
                RelationKind::Broader => parents[idx.0 as usize].push(view.other),
                RelationKind::Related => {
                    let factor = match view.relation.importance {
                        Some(Importance::Optional) => RELATED_OPTIONAL_FACTOR,
                        _ => RELATED_FACTOR,
                    };
                    related[idx.0 as usize].push((view.other, factor));
                    related[view.other.0 as usize].push((idx, factor));
                }
                _ => {}
            }
        }
    }

    let mut neighbours: Vec<Vec<Link>> = vec![Vec::new(); n];
    let mut best: HashMap<ConceptIdx, Link> = HashMap::new();
    for (idx, concept) in snapshot.concepts() {
        if concept.kind != ConceptKind::Skill {
            continue;
        }
        best.clear();
        let mut offer = |link: Link| {
            if link.skill == idx {
                return;
            }
            let keep = best.get(&link.skill).is_none_or(|old| {
                link.factor > old.factor || (link.factor == old.factor && link.kind.rank() < old.kind.rank())
            });
            if keep {
                best.insert(link.skill, link);
            }
        };
        // Ancestors, breadth-first, each once (the builder rejects cycles, but be safe).
        let mut seen = vec![idx];
        let mut frontier = parents[idx.0 as usize].clone();
        while let Some(ancestor) = frontier.pop() {
            if seen.contains(&ancestor) {
                continue;
            }
            seen.push(ancestor);
            offer(Link { skill: ancestor, kind: MatchKind::Narrower, factor: NARROWER_FACTOR });
            frontier.extend(parents[ancestor.0 as usize].iter().copied());
        }
        for view in snapshot.relations(idx, Dir::Incoming, Some(RelationKind::Broader)) {
            if is_skill(view.other) {
                offer(Link { skill: view.other, kind: MatchKind::Broader, factor: BROADER_FACTOR });
            }
        }
        for &(other, factor) in &related[idx.0 as usize] {
            offer(Link { skill: other, kind: MatchKind::Related, factor });
        }
        let mut list: Vec<Link> = best.values().copied().collect();
        list.sort_by_key(|link| link.skill);
        neighbours[idx.0 as usize] = list;
    }

    let mut creditors: Vec<Vec<Link>> = vec![Vec::new(); n];
    for (source, links) in neighbours.iter().enumerate() {
        for link in links {
            creditors[link.skill.0 as usize].push(Link {
                skill: ConceptIdx(source as u32),
                kind: link.kind,
                factor: link.factor,
            });
        }
    }
    (Csr::from_lists(neighbours), Csr::from_lists(creditors))
}

/// The summed weight of a requirement list (the denominator of coverage).
pub(crate) fn total_weight(requirements: &[Requirement]) -> f64 {
    requirements.iter().map(|r| r.weight).sum()
}

/// The summed weight of the essential requirements (the denominator of essential coverage).
pub(crate) fn essential_weight(requirements: &[Requirement]) -> f64 {
    requirements.iter().filter(|r| r.importance == Importance::Essential).map(|r| r.weight).sum()
}

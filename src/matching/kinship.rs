//! How akin two occupations are beyond their identical skills: the same field of work, the same
//! place in the ISCO hierarchy, the same level of work, the same broader occupation.
//!
//! Experts who list an occupation's related occupations (O\*NET's Related Occupations) weigh more
//! than shared skills: a welder and a pipefitter share few identical ESCO skills but the same
//! skill *groups*, the same ISCO minor group and the same level. This module derives, once per
//! snapshot, what those judgements need:
//!
//! - a **field profile** per occupation: its requirement weights summed over the skill groups of
//!   the ESCO skill hierarchy (the nearest group of each skill, and that group's parent at half
//!   weight), L2-normalised, so two occupations compare by cosine;
//! - a **word profile** per occupation: how it is described ([`super::described`]), also by cosine;
//! - the **broader occupation** of each occupation (ESCO's occupation hierarchy);
//! - the **ISCO skill level** of an occupation's major group (ILO, ISCO-08 Part I, table 1).

use std::collections::HashMap;

use crate::model::{ConceptKind, RelationKind};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

use super::described::word_profiles;
use super::index::{Csr, OccupationEntry};

/// Weight of a skill's nearest skill group in a field profile.
const NEAREST_GROUP: f32 = 1.0;
/// Weight of that group's own broader group.
const PARENT_GROUP: f32 = 0.5;
/// How far up the `broader` chain of skills a skill group is looked for.
const MAX_SKILL_DEPTH: usize = 4;

/// Kinship data of one snapshot's occupations (by slot of [`super::MatchingIndex::occupations`]).
#[derive(Debug)]
pub struct Kinship {
    /// Skill-group profiles.
    fields: Profiles,
    /// Word profiles of the labels and descriptions.
    words: Profiles,
    /// The words of [`Self::words`] by id.
    vocabulary: Vec<Box<str>>,
    /// Per occupation slot: the slot of its broader occupation, or `u32::MAX`.
    parent: Vec<u32>,
}

/// Sparse, L2-normalised profiles of the occupations with their inverted lists, so that one
/// occupation's cosine with every other is one pass over the postings of its own dimensions.
#[derive(Debug)]
struct Profiles {
    /// Per occupation slot: (dimension, weight), sorted by dimension.
    rows: Csr<(u32, f32)>,
    /// Per dimension: (occupation slot, weight).
    postings: Csr<(u32, f32)>,
}

/// A profile sorted by dimension and scaled to length 1 (empty when it has no weight). Summed in
/// dimension order: over a map's (random) order the norm, and with it the ranking of near-tied
/// transitions, differed in the last bits from one start to the next.
fn normalized(mut profile: Vec<(u32, f32)>) -> Vec<(u32, f32)> {
    profile.sort_unstable_by_key(|(dimension, _)| *dimension);
    let norm = profile.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        profile.iter_mut().for_each(|(_, w)| *w /= norm);
    } else {
        profile.clear();
    }
    profile
}

impl Profiles {
    /// Profiles from raw weights per occupation slot, each [`normalized`].
    fn from_rows(rows: Vec<Vec<(u32, f32)>>) -> Profiles {
        let rows: Vec<Vec<(u32, f32)>> = rows.into_iter().map(normalized).collect();
        let dimensions = rows.iter().flatten().map(|(d, _)| *d as usize + 1).max().unwrap_or(0);
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); dimensions];
        for (slot, row) in rows.iter().enumerate() {
            for &(dimension, weight) in row {
                postings[dimension as usize].push((slot as u32, weight));
            }
        }
        Profiles { rows: Csr::from_lists(rows), postings: Csr::from_lists(postings) }
    }

    /// The cosine of the profile of `slot` with that of every occupation (by slot).
    fn cosines(&self, slot: usize, occupations: usize) -> Vec<f32> {
        let mut out = vec![0.0f32; occupations];
        for &(dimension, weight) in self.rows.get(slot) {
            for &(other, other_weight) in self.postings.get(dimension as usize) {
                out[other as usize] += weight * other_weight;
            }
        }
        out
    }
}

/// How two occupations stand in ESCO's occupation hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HierarchyLink {
    /// The other occupation is the broader occupation of this one.
    Broader,
    /// The other occupation is a narrower occupation of this one (a specialisation).
    Narrower,
    /// Both have the same broader occupation.
    Sibling,
}

impl Kinship {
    pub fn build(snapshot: &Snapshot, occupations: &[OccupationEntry], occupation_slot: &[u32]) -> Kinship {
        let mut field_ids: HashMap<ConceptIdx, u32> = HashMap::new();
        let mut groups_of_skill: HashMap<ConceptIdx, Vec<(u32, f32)>> = HashMap::new();
        let mut profiles = Vec::with_capacity(occupations.len());
        for entry in occupations {
            let mut profile: HashMap<u32, f32> = HashMap::new();
            for r in &entry.requirements {
                let groups = groups_of_skill
                    .entry(r.skill)
                    .or_insert_with(|| skill_groups(snapshot, r.skill, &mut field_ids))
                    .clone();
                for (field, share) in groups {
                    *profile.entry(field).or_default() += share * r.weight as f32;
                }
            }
            profiles.push(profile.into_iter().collect());
        }
        let described = word_profiles(snapshot, occupations);
        let parent = occupations
            .iter()
            .map(|entry| {
                snapshot
                    .relations(entry.concept, Dir::Outgoing, Some(RelationKind::Broader))
                    .iter()
                    .map(|view| occupation_slot[view.other.0 as usize])
                    .find(|slot| *slot != u32::MAX)
                    .unwrap_or(u32::MAX)
            })
            .collect();
        Kinship {
            fields: Profiles::from_rows(profiles),
            words: Profiles::from_rows(described.rows),
            vocabulary: described.vocabulary,
            parent,
        }
    }

    /// The cosine of the field profile of `slot` with that of every occupation (by slot).
    pub fn field_similarities(&self, slot: usize, occupations: usize) -> Vec<f32> {
        self.fields.cosines(slot, occupations)
    }

    /// The cosine of the word profile of `slot` with that of every occupation (by slot).
    pub fn description_similarities(&self, slot: usize, occupations: usize) -> Vec<f32> {
        self.words.cosines(slot, occupations)
    }

    /// The words that make `a` and `b` alike in description, the most telling first, at most `limit`.
    pub fn shared_words(&self, a: usize, b: usize, limit: usize) -> Vec<&str> {
        let (row_a, row_b) = (self.words.rows.get(a), self.words.rows.get(b));
        let mut shared: Vec<(f32, u32)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < row_a.len() && j < row_b.len() {
            match row_a[i].0.cmp(&row_b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared.push((row_a[i].1 * row_b[j].1, row_a[i].0));
                    i += 1;
                    j += 1;
                }
            }
        }
        shared.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        shared.into_iter().take(limit).map(|(_, id)| &*self.vocabulary[id as usize]).collect()
    }

    /// How `b` stands to `a` in the occupation hierarchy, if they are close in it.
    pub fn hierarchy_link(&self, a: usize, b: usize) -> Option<HierarchyLink> {
        let (pa, pb) = (self.parent[a], self.parent[b]);
        if pa == b as u32 {
            Some(HierarchyLink::Broader)
        } else if pb == a as u32 {
            Some(HierarchyLink::Narrower)
        } else if pa != u32::MAX && pa == pb {
            Some(HierarchyLink::Sibling)
        } else {
            None
        }
    }
}

/// The skill groups of a skill's field: the nearest skill groups up its `broader` chain
/// ([`NEAREST_GROUP`]) and their own broader groups ([`PARENT_GROUP`]), shares summing to 1.
fn skill_groups(snapshot: &Snapshot, skill: ConceptIdx, ids: &mut HashMap<ConceptIdx, u32>) -> Vec<(u32, f32)> {
    let broader = |idx: ConceptIdx| -> Vec<ConceptIdx> {
        snapshot.relations(idx, Dir::Outgoing, Some(RelationKind::Broader)).into_iter().map(|v| v.other).collect()
    };
    let is_group = |idx: ConceptIdx| snapshot.concept(idx).kind == ConceptKind::SkillGroup;
    let mut frontier = vec![skill];
    let mut nearest: Vec<ConceptIdx> = Vec::new();
    for _ in 0..MAX_SKILL_DEPTH {
        let next: Vec<ConceptIdx> = frontier.iter().flat_map(|s| broader(*s)).collect();
        nearest.extend(next.iter().copied().filter(|c| is_group(*c)));
        if !nearest.is_empty() {
            break;
        }
        frontier = next.into_iter().filter(|c| snapshot.concept(*c).kind == ConceptKind::Skill).collect();
        if frontier.is_empty() {
            break;
        }
    }
    nearest.sort_unstable();
    nearest.dedup();
    let mut weighted: Vec<(ConceptIdx, f32)> = Vec::new();
    for group in &nearest {
        weighted.push((*group, NEAREST_GROUP));
        weighted.extend(broader(*group).into_iter().filter(|g| is_group(*g)).map(|g| (g, PARENT_GROUP)));
    }
    let total: f32 = weighted.iter().map(|(_, w)| w).sum();
    let mut next_id = ids.len() as u32;
    weighted
        .into_iter()
        .map(|(group, w)| {
            let id = *ids.entry(group).or_insert_with(|| {
                next_id += 1;
                next_id - 1
            });
            (id, w / total)
        })
        .collect()
}

/// The ISCO-08 skill level of an occupation by its major group (ILO, *ISCO-08*, Vol. I, table 1:
/// major groups 1 and 2 at levels 3–4, 3 at level 3, 4–8 at level 2, 9 at level 1). Armed
/// forces (0) span levels and have none.
pub fn isco_skill_level(major_group: char) -> Option<u8> {
    match major_group {
        '1' | '2' => Some(4),
        '3' => Some(3),
        '4'..='8' => Some(2),
        '9' => Some(1),
        _ => None,
    }
}

/// How many leading digits two ISCO codes share (0–4).
pub fn isco_shared_digits(a: Option<&str>, b: Option<&str>) -> usize {
    match (a, b) {
        (Some(a), Some(b)) => a.chars().zip(b.chars()).take(4).take_while(|(x, y)| x == y).count(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isco_levels_and_shared_digits() {
        assert_eq!(isco_skill_level('2'), Some(4));
        assert_eq!(isco_skill_level('7'), Some(2));
        assert_eq!(isco_skill_level('0'), None);
        assert_eq!(isco_shared_digits(Some("7212"), Some("7214")), 3);
        assert_eq!(isco_shared_digits(Some("7212"), Some("2212")), 0);
        assert_eq!(isco_shared_digits(None, Some("2212")), 0);
    }
}

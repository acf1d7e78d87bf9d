//! Relevance to the person: the skills to learn, how much of them each course closes, and how
//! well a course matches the free text.
//!
//! The skills to learn are the skills asked for explicitly, and the gap of a profile for a target
//! occupation: every requirement whose credit (the matching engine's, so this agrees with
//! ComputeSkillGap) is below [`FULL_CREDIT`], weighted as the occupation weighs it. A course gives
//! credit to a skill to learn through any skill it teaches that reaches it in the graph (the same
//! links and factors as matching: exact, narrower, broader, related), at the strength of what the
//! course yields: a credential certifies (1.0), a course without one is taken as assessed (0.875)
//! — the training-path planner reads courses the same way. An EVC procedure teaches nothing: it
//! only lifts skills the person already shows to certified.
//!
//! The *gap share* of a course is `Σ weight × (credit − held)⁺ / Σ weight × (1 − held)` over the
//! skills to learn: the share of the person's remaining gap it closes.

use std::collections::HashMap;

use crate::matching::{Credits, EXACT_FACTOR, EvidenceLevel, FULL_CREDIT, MatchingIndex};
use crate::model::ConceptKind;
use crate::ontology::{ConceptIdx, Snapshot};
use crate::search::{Filters, IndexError, MAX_RESULTS, RESOLVE_MIN_SCORE, SearchEngine, SearchRequest};

use super::index::{CourseIndex, CourseRow};

/// A text match through a skill the course teaches counts this much of the skill's score: a
/// course titled after the query ranks above one that merely teaches a matching skill.
pub const SKILL_TEXT_FACTOR: f32 = 0.8;
/// At most this many skills matching the text lead to the courses that teach them.
pub const MAX_TEXT_SKILLS: usize = 20;

/// One skill to learn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkillToLearn {
    pub skill: ConceptIdx,
    /// Its share of the target occupation (matching weight), or 1 for an explicit skill without
    /// a target.
    pub weight: f64,
    /// The credit the person already holds for it, in [0, 1).
    pub held: f64,
}

/// A skill to learn that a course gives credit to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Closed {
    pub skill: ConceptIdx,
    /// The taught skill that reaches it (the skill itself for an exact match).
    pub via: ConceptIdx,
    /// The credit after the course, in (held, 1].
    pub credit: f64,
    /// `weight × (credit − held)`: what it adds to the person's coverage.
    pub gain: f64,
}

/// What one course closes of the skills to learn.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CourseGain {
    /// Share of the remaining gap it closes, in [0, 1].
    pub share: f64,
    /// Largest gain first.
    pub closes: Vec<Closed>,
}

/// The skills to learn: the gap of `credits` (a profile) for the occupation at `target` (a slot of
/// the matching index), and the `explicit` skills. An explicit skill weighs as much as the
/// heaviest requirement of the target (it was asked for by name), or 1 without a target. A skill
/// on both lists counts once, with the larger weight.
pub fn skills_to_learn(
    matching: &MatchingIndex,
    credits: &Credits,
    target: Option<usize>,
    explicit: &[ConceptIdx],
) -> Vec<SkillToLearn> {
    let held = |skill: ConceptIdx| credits.get(skill).map_or(0.0, |c| c.value);
    let mut learn: Vec<SkillToLearn> = Vec::new();
    let mut explicit_weight = 1.0;
    if let Some(slot) = target {
        let requirements = &matching.occupations()[slot].requirements;
        explicit_weight = requirements.iter().map(|r| r.weight).fold(0.0, f64::max);
        for r in requirements {
            let held = held(r.skill);
            if held < FULL_CREDIT {
                learn.push(SkillToLearn { skill: r.skill, weight: r.weight, held });
            }
        }
    }
    for &skill in explicit {
        match learn.iter_mut().find(|l| l.skill == skill) {
            Some(existing) => existing.weight = existing.weight.max(explicit_weight),
            None => learn.push(SkillToLearn { skill, weight: explicit_weight, held: held(skill) }),
        }
    }
    learn
}

/// The most credit a course can give a skill it teaches: certified when it leads to a credential,
/// else as assessed.
fn course_strength(row: &CourseRow) -> f64 {
    match (row.credential, row.evc) {
        (Some(_), true) => EvidenceLevel::Evc.weight(),
        (Some(_), false) => EvidenceLevel::Credential.weight(),
        (None, _) => EvidenceLevel::Assessed.weight(),
    }
}

/// What every course that gives credit to a skill to learn closes of them, by course slot.
pub fn gains(index: &CourseIndex, matching: &MatchingIndex, learn: &[SkillToLearn]) -> HashMap<u32, CourseGain> {
    let total: f64 = learn.iter().map(|l| l.weight * (1.0 - l.held)).sum();
    // Best credit per (course, skill to learn).
    let mut best: HashMap<(u32, u32), Closed> = HashMap::new();
    for (position, l) in learn.iter().enumerate() {
        let sources = std::iter::once((l.skill, EXACT_FACTOR))
            .chain(matching.creditors(l.skill).iter().map(|link| (link.skill, link.factor)));
        for (source, factor) in sources {
            for &slot in index.taught_by(source) {
                let row = &index.rows()[slot as usize];
                if row.evc && l.held <= 0.0 {
                    continue;
                }
                let credit = factor * course_strength(row);
                if credit <= l.held {
                    continue;
                }
                let candidate = Closed { skill: l.skill, via: source, credit, gain: l.weight * (credit - l.held) };
                let slot_entry = best.entry((slot, position as u32)).or_insert(candidate);
                if (candidate.credit, std::cmp::Reverse(candidate.via))
                    > (slot_entry.credit, std::cmp::Reverse(slot_entry.via))
                {
                    *slot_entry = candidate;
                }
            }
        }
    }
    // Summed in a fixed order (course, then skill): a sum in the map's random order differs in the
    // last bits from one call to the next, and courses of equal share then swap places.
    let mut best: Vec<((u32, u32), Closed)> = best.into_iter().collect();
    best.sort_unstable_by_key(|(key, _)| *key);
    let mut by_course: HashMap<u32, CourseGain> = HashMap::new();
    for ((slot, _), closed) in best {
        let entry = by_course.entry(slot).or_default();
        entry.share += closed.gain;
        entry.closes.push(closed);
    }
    for gain in by_course.values_mut() {
        gain.share = if total > 0.0 { (gain.share / total).min(1.0) } else { 0.0 };
        gain.closes.sort_by(|a, b| b.gain.total_cmp(&a.gain).then(a.skill.cmp(&b.skill)));
    }
    by_course
}

/// How well each course matches `query`, by course slot: its own labels through the search engine,
/// and the courses teaching a skill the query clearly names ([`RESOLVE_MIN_SCORE`]) at
/// [`SKILL_TEXT_FACTOR`] of that skill's score. Courses and skills are retrieved separately, so
/// that thousands of similar course titles cannot crowd out the skills.
pub fn text_scores(
    search: &SearchEngine,
    snapshot: &Snapshot,
    index: &CourseIndex,
    query: &str,
    lang: &str,
) -> Result<HashMap<u32, f32>, IndexError> {
    let request = |kind: ConceptKind| SearchRequest {
        query: query.to_string(),
        kinds: vec![kind],
        lang: lang.to_string(),
        filters: Filters::default(),
        offset: 0,
        limit: MAX_RESULTS,
        facets: false,
    };
    let mut scores: HashMap<u32, f32> = HashMap::new();
    let mut offer = |slot: u32, score: f32| {
        let entry = scores.entry(slot).or_insert(score);
        *entry = entry.max(score);
    };
    for hit in search.search(snapshot, &request(ConceptKind::Course))?.hits {
        if let Some(slot) = index.slot(hit.concept) {
            offer(slot, hit.score);
        }
    }
    let skills = search.search(snapshot, &request(ConceptKind::Skill))?.hits;
    for hit in skills.iter().filter(|h| h.score >= RESOLVE_MIN_SCORE).take(MAX_TEXT_SKILLS) {
        for &slot in index.taught_by(hit.concept) {
            offer(slot, hit.score * SKILL_TEXT_FACTOR);
        }
    }
    Ok(scores)
}

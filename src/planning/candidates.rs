//! Candidates: the courses (and credential procedures) that can close part of a gap, turned into an
//! abstract [`Instance`] for the optimiser.
//!
//! A course is a candidate when it gives credit to at least one essential requirement the profile
//! does not fully meet, fits the constraints (delivery mode, region or nationwide, hours per week,
//! a start date within the horizon) and its prerequisites can be met: a prerequisite course the
//! profile does not already cover comes along as an item of its own; a prerequisite skill the
//! profile does not hold is taught by the cheapest fitting course that teaches it.
//!
//! Credit reuses the matching engine: a course's skills count as held — certified at the
//! credential's level when it leads to a credential, else assessed — and get the very credit
//! [`Credits::expand`] (and so ComputeSkillGap) would give them, found from the requirement side
//! through the matching index's inverse links, so only links ending in the gap are touched. An EVC
//! procedure certifies only skills the person already shows (it validates prior learning; it
//! teaches nothing), so it lifts partial credit to full credit, often cheaper and faster than a
//! course.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use crate::matching::{Basis, Credits, EXACT_FACTOR, EvidenceLevel, MatchingIndex, Requirement};
use crate::model::{ConceptKind, CourseDetails, CredentialKind, Date, Details, RelationKind, Status};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

use super::Constraints;
use super::optimise::{Instance, Item};
use crate::matching::WEIGHT_QUANTUM;

pub use crate::matching::FULL_CREDIT;

/// One essential requirement the profile does not fully meet.
#[derive(Debug, Clone, Copy)]
pub struct GapRequirement {
    pub requirement: Requirement,
    /// The credit the profile already earns for it, in [0, 1).
    pub base: f64,
}

/// One course the optimiser may choose.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub course: ConceptIdx,
    /// Credit per gap requirement position, above the base.
    pub credits: Vec<(u32, f64)>,
    /// Candidate positions that must come first.
    pub prerequisites: Vec<u32>,
    /// Whether it is an EVC procedure (certifies what the person already shows).
    pub evc: bool,
}

/// The candidates of one request.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    pub gap: Vec<GapRequirement>,
    /// In topological order (prerequisites first).
    pub list: Vec<Candidate>,
    /// Gap positions some course teaches but none fits the constraints.
    pub filtered_out: BTreeSet<u32>,
    /// Courses that would credit the gap and fit every constraint but the start: none of their
    /// starts falls within the horizon. With their first start after it (`None`: the register
    /// publishes none) and the gap positions they credit.
    pub later: Vec<(ConceptIdx, Option<Date>, Vec<u32>)>,
}

/// The course details of a concept.
pub fn course_details(snapshot: &Snapshot, idx: ConceptIdx) -> Option<&CourseDetails> {
    match &snapshot.concept(idx).details {
        Details::Course(details) => Some(details),
        _ => None,
    }
}

/// The credential kinds a course leads to, with their concepts.
fn credentials(snapshot: &Snapshot, course: ConceptIdx) -> Vec<(ConceptIdx, CredentialKind)> {
    snapshot
        .relations(course, Dir::Outgoing, Some(RelationKind::LeadsTo))
        .into_iter()
        .filter_map(|view| match &snapshot.concept(view.other).details {
            Details::Credential(c) => Some((view.other, c.credential_kind)),
            _ => None,
        })
        .collect()
}

/// The weight of what a course proves about the skills it teaches, and whether it is an EVC
/// procedure: certified at the credential's level when it leads to one (an EVC ervaringscertificaat
/// at the EVC level), else assessed.
fn course_evidence(snapshot: &Snapshot, course: ConceptIdx) -> (f64, bool) {
    let creds = credentials(snapshot, course);
    let evc = creds.iter().any(|(_, k)| *k == CredentialKind::EvcErvaringscertificaat);
    let basis = match creds.first() {
        Some((credential, kind)) => Basis::Certified {
            credential: *credential,
            level: if *kind == CredentialKind::EvcErvaringscertificaat {
                EvidenceLevel::Evc
            } else {
                EvidenceLevel::Credential
            },
        },
        None => Basis::Claim(EvidenceLevel::Assessed),
    };
    (basis.weight(), evc)
}

/// Whether a course fits the constraints.
fn fits(details: &CourseDetails, constraints: &Constraints) -> bool {
    fits_except_start(details, constraints)
        && details.first_start(constraints.start, Some(constraints.horizon_end())).is_some()
}

/// Whether a course fits every constraint but the start date (mode, region, hours per week).
fn fits_except_start(details: &CourseDetails, constraints: &Constraints) -> bool {
    if !constraints.modes.is_empty() && !constraints.modes.contains(&details.delivery) {
        return false;
    }
    if let (Some(region), Some(course_region)) = (&constraints.region, &details.region)
        && **course_region != **region
        && details.delivery != crate::model::Delivery::Online
    {
        return false;
    }
    if let Some(hours) = constraints.hours_per_week
        && details.weeks > 0
        && details.hours.div_ceil(details.weeks) > hours
    {
        return false;
    }
    true
}

/// Finds the candidates for `requirements` (the target's list) and the profile's `credits`.
pub fn find(
    index: &MatchingIndex,
    requirements: &[Requirement],
    credits: &Credits,
    constraints: &Constraints,
) -> Candidates {
    let snapshot = index.snapshot();
    let gap: Vec<GapRequirement> = requirements
        .iter()
        .filter(|r| r.importance == crate::model::Importance::Essential)
        .map(|r| GapRequirement { requirement: *r, base: credits.get(r.skill).map_or(0.0, |c| c.value) })
        .filter(|g| g.base < FULL_CREDIT)
        .collect();

    // Credit per course and gap position, above the base, found from the requirement side: a
    // course teaching skill `s` gives requirement `r` the credit factor(s → r) × the weight of the
    // course's evidence, exactly what `Credits::expand` of the course's skills would give `r`, but
    // touching only the links that end in the gap (a register of 100,000 courses has thousands of
    // courses near a gap, each teaching skills with hundreds of links).
    let mut evidence: HashMap<ConceptIdx, (f64, bool)> = HashMap::new();
    let mut credit: BTreeMap<ConceptIdx, Vec<(u32, f64)>> = BTreeMap::new();
    for (position, g) in gap.iter().enumerate() {
        let skill = g.requirement.skill;
        let sources =
            std::iter::once((skill, EXACT_FACTOR)).chain(index.creditors(skill).iter().map(|l| (l.skill, l.factor)));
        for (source, factor) in sources {
            for view in snapshot.relations(source, Dir::Incoming, Some(RelationKind::Teaches)) {
                let course = view.other;
                let (weight, evc) = *evidence.entry(course).or_insert_with(|| course_evidence(snapshot, course));
                // An EVC procedure certifies only what the person already shows.
                if evc && credits.get(source).is_none() {
                    continue;
                }
                let value = factor * weight;
                if value <= g.base {
                    continue;
                }
                let list = credit.entry(course).or_default();
                match list.iter_mut().find(|(p, _)| *p == position as u32) {
                    Some(entry) => entry.1 = entry.1.max(value),
                    None => list.push((position as u32, value)),
                }
            }
        }
    }

    let usable = |idx: ConceptIdx| -> Option<&CourseDetails> {
        let concept = snapshot.concept(idx);
        if concept.kind != ConceptKind::Course || concept.status != Status::Released {
            return None;
        }
        let details = course_details(snapshot, idx)?;
        snapshot.lookup(&details.provider)?;
        fits(details, constraints).then_some(details)
    };
    let credit_of = |course: ConceptIdx| -> (Vec<(u32, f64)>, bool) {
        let evc = evidence.get(&course).is_some_and(|(_, evc)| *evc);
        let mut list = credit.get(&course).cloned().unwrap_or_default();
        list.sort_by_key(|(p, _)| *p);
        (list, evc)
    };

    let mut filtered_out = BTreeSet::new();
    let mut later = Vec::new();
    // Chosen courses and their prerequisite courses, by concept.
    let mut chosen: BTreeMap<ConceptIdx, (Vec<(u32, f64)>, bool)> = BTreeMap::new();
    for &course in credit.keys() {
        let (list, evc) = credit_of(course);
        if usable(course).is_none() {
            filtered_out.extend(list.iter().map(|(p, _)| *p));
            let released = snapshot.concept(course).status == Status::Released;
            if let Some(details) = course_details(snapshot, course)
                .filter(|d| released && snapshot.lookup(&d.provider).is_some() && fits_except_start(d, constraints))
            {
                let next = details.first_start(constraints.horizon_end(), None);
                later.push((course, next, list.iter().map(|(p, _)| *p).collect()));
            }
            continue;
        }
        chosen.insert(course, (list, evc));
    }

    // Prerequisite courses, transitively; a course whose prerequisites cannot be met is dropped.
    let covered_by_profile = |course: ConceptIdx| {
        snapshot
            .relations(course, Dir::Outgoing, Some(RelationKind::Teaches))
            .into_iter()
            .all(|view| credits.get(view.other).is_some_and(|c| c.kind.covers()))
    };
    let mut prerequisites: BTreeMap<ConceptIdx, Vec<ConceptIdx>> = BTreeMap::new();
    let mut queue: Vec<ConceptIdx> = chosen.keys().copied().collect();
    let mut dropped: BTreeSet<ConceptIdx> = BTreeSet::new();
    while let Some(course) = queue.pop() {
        if prerequisites.contains_key(&course) {
            continue;
        }
        let mut needs = Vec::new();
        for view in snapshot.relations(course, Dir::Outgoing, Some(RelationKind::Prerequisite)) {
            let other = snapshot.concept(view.other);
            let needed = match other.kind {
                ConceptKind::Course if covered_by_profile(view.other) => None,
                ConceptKind::Course => Some(view.other),
                ConceptKind::Skill if credits.get(view.other).is_some() => None,
                ConceptKind::Skill => snapshot
                    .relations(view.other, Dir::Incoming, Some(RelationKind::Teaches))
                    .into_iter()
                    .map(|v| v.other)
                    .filter(|c| *c != course && usable(*c).is_some())
                    .min_by_key(|c| (course_details(snapshot, *c).map_or(u64::MAX, |d| d.price_cents), *c)),
                _ => None,
            };
            match needed {
                Some(p) if usable(p).is_some() => {
                    needs.push(p);
                    queue.push(p);
                }
                Some(_) => {
                    dropped.insert(course);
                }
                None if other.kind == ConceptKind::Skill && credits.get(view.other).is_none() => {
                    dropped.insert(course);
                }
                None => {}
            }
        }
        prerequisites.insert(course, needs);
    }

    // Topological order (Kahn, lowest ready concept first); courses in cycles or with dropped
    // prerequisites never become ready and are left out.
    let mut waiting: HashMap<ConceptIdx, usize> = HashMap::new();
    let mut dependants: HashMap<ConceptIdx, Vec<ConceptIdx>> = HashMap::new();
    let mut ready: BinaryHeap<Reverse<ConceptIdx>> = BinaryHeap::new();
    for (&course, needs) in &prerequisites {
        if dropped.contains(&course) {
            continue;
        }
        waiting.insert(course, needs.len());
        for &p in needs {
            dependants.entry(p).or_default().push(course);
        }
        if needs.is_empty() {
            ready.push(Reverse(course));
        }
    }
    let mut order: Vec<ConceptIdx> = Vec::new();
    while let Some(Reverse(course)) = ready.pop() {
        order.push(course);
        for &dependant in dependants.get(&course).into_iter().flatten() {
            if let Some(left) = waiting.get_mut(&dependant) {
                *left -= 1;
                if *left == 0 {
                    ready.push(Reverse(dependant));
                }
            }
        }
    }
    let position: HashMap<ConceptIdx, u32> = order.iter().enumerate().map(|(i, c)| (*c, i as u32)).collect();
    let list: Vec<Candidate> = order
        .iter()
        .map(|&course| {
            let (credits, evc) = chosen.get(&course).cloned().unwrap_or_else(|| credit_of(course));
            let prerequisites = prerequisites[&course].iter().filter_map(|p| position.get(p).copied()).collect();
            Candidate { course, credits, prerequisites, evc }
        })
        .collect();
    for course in dropped.iter().filter_map(|c| chosen.get(c)) {
        filtered_out.extend(course.0.iter().map(|(p, _)| *p));
    }
    Candidates { gap, list, filtered_out, later }
}

/// The weight of a gain, in integer quanta.
pub fn quanta(weight: f64) -> u64 {
    (weight / WEIGHT_QUANTUM).round().max(0.0) as u64
}

impl Candidates {
    /// The optimiser's view: gains in quanta, the cost `cost` gives per course, durations.
    pub fn instance(&self, snapshot: &Snapshot, mut cost: impl FnMut(ConceptIdx) -> u64) -> Instance {
        let items = self
            .list
            .iter()
            .map(|c| Item {
                gains: c
                    .credits
                    .iter()
                    .map(|&(p, value)| {
                        let g = &self.gap[p as usize];
                        (p, quanta(g.requirement.weight * (value - g.base)))
                    })
                    .filter(|(_, q)| *q > 0)
                    .collect(),
                cost: cost(c.course),
                weeks: course_details(snapshot, c.course).map_or(0, |d| d.weeks),
                prerequisites: c.prerequisites.clone(),
            })
            .collect();
        Instance { requirements: self.gap.len(), items }
    }
}

/// Whether `date` is a planned start of `details` on or after `from` and before `until`.
pub fn next_start(details: &CourseDetails, from: Date, until: Date) -> Option<Date> {
    details.first_start(from, Some(until))
}

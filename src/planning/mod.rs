//! Training paths: which courses, credential procedures and funding close the gap between a
//! person and a target occupation, in which order and which years.
//!
//! [`suggest_path`] works in four steps:
//!
//! 1. [`candidates`] — the essential requirements the profile does not meet (the matching engine's
//!    credit, so a plan and ComputeSkillGap agree), and the courses that fit the constraints and
//!    credit at least one of them, with their prerequisites, in topological order.
//! 2. [`price_candidates`] — the person's own cost per course. Asking the funding engine is the
//!    expensive part, so a first [`optimise::reduce_with_cost_bounds`] drops the courses beaten
//!    even with the least they could cost (price less what the schemes' amount rules could pay),
//!    and the engine is asked once per application date whether any course can be eligible then.
//! 3. [`optimise`] — three choices over the priced candidates: the most complete, the cheapest for
//!    the person and the fastest (the latter two reaching [`GOOD_ENOUGH_SHARE`] of the most
//!    reachable value). A safe dominance reduction per objective, then an exact branch and bound
//!    up to 40 remaining candidates, a greedy beyond; an answer not proven optimal carries a bound
//!    certified for the request.
//! 4. [`schedule`] — dates, calendar years and funding per step: public schemes through the
//!    funding engine within their yearly caps (possible money counted too), then the employer
//!    budget, then own money; schemes that pay nothing say why.
//!
//! When the gap is too large to close in one go, [`stones`] finds the cheapest chain of career
//! transitions (stepping stones) from the person's occupation to the target.
//!
//! Everything is deterministic: the same request on the same snapshot gives the same plan. Person
//! facts and profiles live only for the call and are never stored or logged.

mod candidates;
mod optimise;
mod schedule;
mod stones;

use std::collections::BTreeSet;

use crate::funding::{Decision, FundingEngine, PersonFacts};
use crate::matching::{Credits, MatchingIndex, Profile};
use crate::model::{ConceptKind, Date, Delivery, Lang, RelationKind};
use crate::ontology::{ConceptIdx, Dir};

// The face: the rooms above stay private. Besides paths, it offers stepping stones (for the
// server and the engine set) and the optimiser's pieces the property tests and the bench's
// time breakdown measure one by one.
pub use candidates::{course_details, find as find_candidates};
pub use optimise::{
    Bound, EXACT_LIMIT, Instance, Item, Objective, brute_force, choose as choose_items, exact as choose_exactly,
    reduce as reduce_dominated, reduce_with_cost_bounds, target as value_target,
};
pub use schedule::{Declined, EMPLOYER_SCHEME, Funding, FundingAsker, Unplaced};
pub use stones::{
    Cost, DEFAULT_MAX_MOVES, Edge, Hop, MAX_MOVES, Start, SteppingStones, Stones, StonesError, TransitionGraph,
    suggest as suggest_stepping_stones,
};

/// The longest horizon a plan may have.
pub const MAX_HORIZON_YEARS: u32 = 10;
/// The cheapest and the fastest option must reach this share of the most reachable gap weight:
/// "cheapest" should not mean "do nothing".
pub const GOOD_ENOUGH_SHARE: f64 = 0.8;

/// The person's constraints.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraints {
    /// The plan starts on this day.
    pub start: Date,
    /// 1–10 years.
    pub horizon_years: u32,
    /// Hours available per week; a course needing more per week is not a candidate.
    pub hours_per_week: Option<u32>,
    /// Accepted delivery modes; empty = all.
    pub modes: Vec<Delivery>,
    /// Arbeidsmarktregio: courses elsewhere are out unless online.
    pub region: Option<String>,
    /// The most own money per calendar year; `None` = no limit.
    pub own_budget_per_year_cents: Option<u64>,
    /// What the employer (or O&O fund) pays at most over the whole plan.
    pub employer_budget_cents: u64,
}

impl Constraints {
    /// The first day after the horizon.
    pub fn horizon_end(&self) -> Date {
        let year = self.start.year() + self.horizon_years as i32;
        Date::new(year, self.start.month(), self.start.day().min(28)).unwrap_or(self.start)
    }
}

/// Why an essential requirement stays open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpenReason {
    /// No course in the ontology teaches it (or a skill that credits it).
    NoCourse,
    /// Courses teach it, but none fits the constraints (mode, region, hours, start dates within
    /// the horizon) or their prerequisites cannot be met.
    Constraints,
    /// A fitting course exists but could not be scheduled or paid within the horizon and budgets.
    NotScheduled,
    /// This option leaves it open on purpose (cheapest and fastest stop at the good-enough share).
    NotChosen,
}

impl OpenReason {
    pub fn as_str(self) -> &'static str {
        match self {
            OpenReason::NoCourse => "no_course",
            OpenReason::Constraints => "constraints",
            OpenReason::NotScheduled => "not_scheduled",
            OpenReason::NotChosen => "not_chosen",
        }
    }

    /// A sentence for a person, in `lang`'s wording.
    pub fn text(self, lang: Lang) -> &'static str {
        match (self, lang.is_english()) {
            (OpenReason::NoCourse, false) => "geen opleiding in het aanbod leert deze vaardigheid",
            (OpenReason::NoCourse, true) => "no course on offer teaches this skill",
            (OpenReason::Constraints, false) => {
                "opleidingen hiervoor passen niet binnen de voorwaarden (vorm, regio, uren, startdata, vooropleiding)"
            }
            (OpenReason::Constraints, true) => {
                "courses for it do not fit the constraints (mode, region, hours, start dates, prerequisites)"
            }
            (OpenReason::NotScheduled, false) => "niet in te plannen binnen de horizon en het eigen budget",
            (OpenReason::NotScheduled, true) => "cannot be scheduled within the horizon and own budget",
            (OpenReason::NotChosen, false) => "bewust opengelaten in deze variant",
            (OpenReason::NotChosen, true) => "left open on purpose in this option",
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub course: ConceptIdx,
    pub year: i32,
    pub start: Date,
    pub end: Date,
    /// Essential requirement skills it closes (or raises the credit of).
    pub closes: Vec<ConceptIdx>,
    /// The credential it leads to, if any.
    pub credential: Option<ConceptIdx>,
    /// Whether it is an EVC procedure.
    pub evc: bool,
    pub price_cents: u64,
    pub funding: Vec<Funding>,
    pub own_contribution_cents: u64,
    pub hours: u32,
    /// Public money that depends on facts not given (at most this much); counted against the
    /// yearly caps like a grant.
    pub possible_funding: Vec<Funding>,
    /// Public schemes that pay nothing for this step, with the funding engine's reason.
    pub declined_funding: Vec<Declined>,
    /// Later steps that need this one.
    pub needed_for: Vec<ConceptIdx>,
}

/// One option of the Pareto set.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOption {
    pub kind: Objective,
    pub steps: Vec<Step>,
    pub total_price_cents: u64,
    pub total_funding_cents: u64,
    pub total_own_cents: u64,
    pub total_hours: u64,
    /// The last day of the last step (the plan start when there are no steps).
    pub finish: Date,
    /// Essential requirement skills met after the plan (by the profile or a step).
    pub covered_essential: Vec<ConceptIdx>,
    /// Essential requirement skills still open, with why.
    pub missing_essential: Vec<(ConceptIdx, OpenReason)>,
    /// Share of the target's essential weight met after the plan, in [0, 1].
    pub essential_coverage: f64,
    /// `None`: optimal for its objective; else the approximation's bound.
    pub bound: Option<Bound>,
}

/// The answer of [`suggest_path`].
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub target: ConceptIdx,
    /// Cheapest, fastest, most complete.
    pub options: Vec<PlanOption>,
    /// How many candidates the optimiser weighed.
    pub candidates: usize,
    /// Essential coverage before any step.
    pub essential_coverage_before: f64,
    /// Courses that would close part of the gap if they started within the horizon, the first
    /// start first (see [`LaterCourse`]); at most [`MAX_LATER`].
    pub later: Vec<LaterCourse>,
    /// The first day after the horizon.
    pub horizon_end: Date,
}

/// A course that fits every constraint but the start: it starts only after the horizon, or its
/// register publishes no start (any more). An advisor can ask the provider for a start, or widen
/// the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct LaterCourse {
    pub course: ConceptIdx,
    /// Its first start after the horizon; `None` when none is published.
    pub next_start: Option<Date>,
    /// The essential requirement skills it would close (or raise the credit of).
    pub closes: Vec<ConceptIdx>,
}

/// The most courses a plan lists as fitting if they started later.
pub const MAX_LATER: usize = 10;

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("`{0}` is not an occupation")]
    NotAnOccupation(String),
}

/// Everything a plan reads about the person.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub target: ConceptIdx,
    pub profile: Profile,
    pub person: PersonFacts,
    pub constraints: Constraints,
}

/// The day the optimiser assumes a course's funding is applied for: its first start within the
/// horizon, applied for on the first of January of that year or the plan start, whichever is later.
fn estimate_dates(details: &crate::model::CourseDetails, c: &Constraints) -> Option<(Date, Date)> {
    let start = candidates::next_start(details, c.start, c.horizon_end())?;
    let application = c.start.max(Date::new(start.year(), 1, 1).unwrap_or(start)).min(start);
    Some((start, application))
}

/// Prices candidates for one request: the person's own cost per course, estimated alone in its
/// first start year (the schedule then decides the real split within the yearly caps).
struct Pricer<'a, 'b> {
    asker: &'b mut FundingAsker<'a>,
    schemes: &'b [ConceptIdx],
    constraints: &'b Constraints,
}

impl Pricer<'_, '_> {
    /// At most what the public schemes pay for the course alone: their amount rules on the
    /// application date, without checking the course. `price − this` is a lower bound on the own
    /// cost that needs no per-course eligibility check. A scheme that no course can get then (not
    /// valid, no window open, the person outside its rules) pays nothing.
    fn public_money_at_most(&mut self, details: &crate::model::CourseDetails) -> u64 {
        let Some((_, date)) = estimate_dates(details, self.constraints) else { return 0 };
        let mut left = details.price_cents;
        for &scheme in self.schemes {
            if self.asker.best_case(scheme, date) == Decision::Eligible {
                left -= self.asker.funding.amount_for(scheme, date, left, 0).map_or(0, |a| a.scheme_cents.min(left));
            }
        }
        details.price_cents - left
    }

    /// The own cost: the price less what every public scheme the funding engine finds ELIGIBLE for
    /// the course alone pays.
    fn own_cost(&mut self, course: ConceptIdx, details: &crate::model::CourseDetails) -> u64 {
        let Some((start, date)) = estimate_dates(details, self.constraints) else {
            return details.price_cents;
        };
        let mut left = details.price_cents;
        for &scheme in self.schemes {
            if left > 0 && self.asker.best_case(scheme, date) == Decision::Eligible {
                let answer = self.asker.ask(scheme, course, start, date, left, 0);
                if answer.decision == Decision::Eligible {
                    left -= answer.amount_cents;
                }
            }
        }
        left
    }
}

/// The optimiser's instance for a request: the candidates that survive dominance, priced.
pub struct Priced {
    pub found: candidates::Candidates,
    /// Items are the surviving candidates, with their own-cost estimates.
    pub instance: optimise::Instance,
    /// Per item of `instance`, its position in `found.list`.
    pub positions: Vec<u32>,
}

/// Finds and prices the candidates of a request. Pricing asks the funding engine per course, which
/// is the expensive part of a plan, so it is done only for candidates that survive a first
/// dominance reduction on cost bounds (at most the price, at least the price less what the public
/// schemes' amount rules could pay): a course beaten even then can never be part of an optimum.
pub fn price_candidates(
    index: &MatchingIndex,
    asker: &mut FundingAsker<'_>,
    constraints: &Constraints,
    requirements: &[crate::matching::Requirement],
    credits: &Credits,
) -> Priced {
    let snapshot = index.snapshot();
    let found = candidates::find(index, requirements, credits, constraints);
    let schemes = schedule::public_schemes(asker.funding, snapshot);
    let mut pricer = Pricer { asker, schemes: &schemes, constraints };
    let details = |course| candidates::course_details(snapshot, course);
    let upper = found.instance(snapshot, |course| details(course).map_or(0, |d| d.price_cents));
    let lower: Vec<u64> = found
        .list
        .iter()
        .map(|c| details(c.course).map_or(0, |d| d.price_cents - pricer.public_money_at_most(d)))
        .collect();
    let positions = optimise::reduce_with_cost_bounds(&upper, &lower);
    let mut instance = upper.subset(&positions);
    for (item, &position) in instance.items.iter_mut().zip(&positions) {
        let course = found.list[position as usize].course;
        if lower[position as usize] < item.cost
            && let Some(d) = details(course)
        {
            item.cost = pricer.own_cost(course, d);
        }
    }
    Priced { found, instance, positions }
}

/// How often an option is optimised again without the courses its schedule could not place.
const RESCHEDULE_ROUNDS: usize = 3;

/// The items of `instance` that are not excluded and whose prerequisites are all kept (items are
/// in topological order, so one pass suffices).
fn without_excluded(instance: &optimise::Instance, excluded: &BTreeSet<u32>) -> Vec<u32> {
    let mut kept = vec![false; instance.items.len()];
    for (i, item) in instance.items.iter().enumerate() {
        kept[i] = !excluded.contains(&(i as u32)) && item.prerequisites.iter().all(|p| kept[*p as usize]);
    }
    (0..instance.items.len() as u32).filter(|&i| kept[i as usize]).collect()
}

/// Suggests training paths from `request.profile` to the target occupation.
pub fn suggest_path(index: &MatchingIndex, funding: &FundingEngine, request: &PlanRequest) -> Result<Plan, PlanError> {
    let snapshot = index.snapshot();
    let slot = index
        .occupation_slot(request.target)
        .ok_or_else(|| PlanError::NotAnOccupation(snapshot.concept(request.target).id.to_string()))?;
    let entry = &index.occupations()[slot];
    let credits = Credits::expand(index, &request.profile.held);
    let mut asker = FundingAsker::new(funding, &request.person, request.constraints.start);
    let Priced { found, instance, positions } =
        price_candidates(index, &mut asker, &request.constraints, &entry.requirements, &credits);
    let schemes = schedule::public_schemes(funding, snapshot);
    let essential: Vec<_> =
        entry.requirements.iter().filter(|r| r.importance == crate::model::Importance::Essential).collect();
    let essential_weight: f64 = essential.iter().map(|r| r.weight).sum();
    let base_credit = |skill: ConceptIdx| credits.get(skill).map_or(0.0, |c| c.value);
    let before: f64 = essential.iter().map(|r| r.weight * base_credit(r.skill)).sum();

    // Why each gap requirement may stay open, whatever the option.
    let creditable: BTreeSet<u32> = found.list.iter().flat_map(|c| c.credits.iter().map(|(p, _)| *p)).collect();
    let open_reason = |position: u32| {
        if creditable.contains(&position) {
            OpenReason::NotChosen
        } else if found.filtered_out.contains(&position) {
            OpenReason::Constraints
        } else {
            OpenReason::NoCourse
        }
    };

    let target = optimise::target(instance.max_value(), GOOD_ENOUGH_SHARE);
    let mut options = Vec::new();
    for kind in [Objective::Cheapest, Objective::Fastest, Objective::MostComplete] {
        // The optimiser knows prices, weeks and prerequisites, not start dates, hours per week or
        // the horizon: a chosen course the schedule cannot place is left out and the objective is
        // optimised again without it, a few rounds at most, so that an option is judged by what
        // can really be scheduled (otherwise "most complete" could end below the cheapest).
        let mut excluded: BTreeSet<u32> = BTreeSet::new();
        let mut round = 0;
        let (choice, scheduled, unplaced) = loop {
            round += 1;
            let keep = without_excluded(&instance, &excluded);
            let available = instance.subset(&keep);
            let mut choice = optimise::choose(&available, kind, target.min(available.max_value()));
            for item in &mut choice.items {
                *item = keep[*item as usize];
            }
            let chosen: Vec<(u32, ConceptIdx, Vec<u32>)> = choice
                .items
                .iter()
                .map(|&i| {
                    let position = positions[i as usize];
                    let c = &found.list[position as usize];
                    (position, c.course, c.prerequisites.clone())
                })
                .collect();
            let (scheduled, unplaced) =
                schedule::schedule(snapshot, &mut asker, &schemes, &chosen, &request.constraints);
            if unplaced.is_empty() || round == RESCHEDULE_ROUNDS {
                break (choice, scheduled, unplaced);
            }
            let unplaced_candidates: BTreeSet<u32> = unplaced.iter().map(|(i, _)| *i).collect();
            excluded.extend(
                (0..instance.items.len() as u32).filter(|&i| unplaced_candidates.contains(&positions[i as usize])),
            );
        };
        let unplaced_positions: BTreeSet<u32> =
            unplaced.iter().flat_map(|(i, _)| found.list[*i as usize].credits.iter().map(|(p, _)| *p)).collect();

        // Credit per gap position after the plan.
        let mut after: Vec<f64> = found.gap.iter().map(|g| g.base).collect();
        let mut steps = Vec::new();
        for s in &scheduled {
            let c = &found.list[s.candidate as usize];
            let mut closes = Vec::new();
            for &(p, value) in &c.credits {
                let slot = &mut after[p as usize];
                if value > *slot {
                    *slot = value;
                }
                closes.push(found.gap[p as usize].requirement.skill);
            }
            let credential = snapshot
                .relations(c.course, Dir::Outgoing, Some(RelationKind::LeadsTo))
                .into_iter()
                .map(|v| v.other)
                .find(|o| snapshot.concept(*o).kind == ConceptKind::Credential);
            let needed_for = scheduled
                .iter()
                .filter(|other| found.list[other.candidate as usize].prerequisites.contains(&s.candidate))
                .map(|other| other.course)
                .collect();
            steps.push(Step {
                course: s.course,
                year: s.start.year(),
                start: s.start,
                end: s.end,
                closes,
                credential,
                evc: c.evc,
                price_cents: s.price_cents,
                funding: s.funding.clone(),
                own_contribution_cents: s.own_cents,
                hours: s.hours,
                possible_funding: s.possible_funding.clone(),
                declined_funding: s.declined.clone(),
                needed_for,
            });
        }
        let mut covered = Vec::new();
        let mut missing = Vec::new();
        let mut after_weight = 0.0;
        for r in &essential {
            let value = match found.gap.iter().position(|g| g.requirement.skill == r.skill) {
                Some(p) => {
                    let value = after[p];
                    if value < candidates::FULL_CREDIT {
                        let p = p as u32;
                        let reason = match open_reason(p) {
                            OpenReason::NotChosen if unplaced_positions.contains(&p) => OpenReason::NotScheduled,
                            other => other,
                        };
                        missing.push((r.skill, reason));
                    } else {
                        covered.push(r.skill);
                    }
                    value
                }
                None => {
                    covered.push(r.skill);
                    base_credit(r.skill)
                }
            };
            after_weight += r.weight * value;
        }
        let total_funding: u64 = steps.iter().flat_map(|s| s.funding.iter()).map(|f| f.amount_cents).sum();
        options.push(PlanOption {
            kind,
            total_price_cents: steps.iter().map(|s| s.price_cents).sum(),
            total_funding_cents: total_funding,
            total_own_cents: steps.iter().map(|s| s.own_contribution_cents).sum(),
            total_hours: steps.iter().map(|s| u64::from(s.hours)).sum(),
            finish: steps.iter().map(|s| s.end).max().unwrap_or(request.constraints.start),
            steps,
            covered_essential: covered,
            missing_essential: missing,
            essential_coverage: crate::matching::ratio(after_weight, essential_weight),
            bound: choice.bound,
        });
    }
    // "Most complete" is a promise: when scheduling left another option closing more of the gap,
    // that plan is the most complete one.
    let best = options
        .iter()
        .filter(|o| o.kind != Objective::MostComplete)
        .max_by(|a, b| a.essential_coverage.total_cmp(&b.essential_coverage))
        .cloned();
    if let (Some(best), Some(complete)) = (best, options.iter_mut().find(|o| o.kind == Objective::MostComplete))
        && best.essential_coverage > complete.essential_coverage + 1e-9
    {
        *complete = PlanOption { kind: Objective::MostComplete, ..best };
    }
    let mut later: Vec<LaterCourse> = found
        .later
        .iter()
        .map(|(course, next_start, positions)| LaterCourse {
            course: *course,
            next_start: *next_start,
            closes: positions.iter().map(|p| found.gap[*p as usize].requirement.skill).collect(),
        })
        .collect();
    // Most of the gap first, then the earliest start (none published last), then the id order.
    later.sort_by_key(|l| (std::cmp::Reverse(l.closes.len()), l.next_start.is_none(), l.next_start, l.course));
    later.truncate(MAX_LATER);
    Ok(Plan {
        target: request.target,
        options,
        candidates: found.list.len(),
        essential_coverage_before: crate::matching::ratio(before, essential_weight),
        later,
        horizon_end: request.constraints.horizon_end(),
    })
}

/// The reason a step is in a plan, for a person.
pub fn why(snapshot: &crate::ontology::Snapshot, step: &Step, lang: Lang) -> String {
    let english = lang.is_english();
    let label = |idx: ConceptIdx| snapshot.concept(idx).pref_label(&lang).to_string();
    let skills = step.closes.iter().map(|s| label(*s)).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    if !step.closes.is_empty() {
        parts.push(match (step.evc, english) {
            (true, false) => format!("Erkent wat je al kunt (EVC): {skills}"),
            (true, true) => format!("Certifies what you already know (EVC): {skills}"),
            (false, false) => format!("Sluit essentiële vaardigheden van het doelberoep: {skills}"),
            (false, true) => format!("Closes essential skills of the target occupation: {skills}"),
        });
    }
    if !step.needed_for.is_empty() {
        let list = step.needed_for.iter().map(|c| label(*c)).collect::<Vec<_>>().join(", ");
        parts.push(if english { format!("needed before {list}") } else { format!("nodig vóór {list}") });
    }
    if let Some(credential) = step.credential {
        let name = label(credential);
        parts.push(if english { format!("yields {name}") } else { format!("levert {name} op") });
    }
    parts.join("; ")
}

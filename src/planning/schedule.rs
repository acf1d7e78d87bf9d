//! From a chosen set of courses to a dated schedule with its funding.
//!
//! Courses run one at a time, in topological order (prerequisites first, then by earliest
//! possible start), each at its first planned start after the previous one ends; a course whose
//! hours per week exceed the person's never becomes a candidate, so one course at a time keeps
//! the week within them. Funding is decided per step, in order: every public person-level scheme
//! with money (the STAP-budget) is evaluated by the [`FundingEngine`] with what the plan already
//! drew from it in the calendar year of the application, and pays only when the answer is
//! ELIGIBLE; then the employer budget; then own money, within the own budget of that year. A step
//! whose own share does not fit that budget moves to a later start date. The application date is
//! the opening of the latest application window (tijdvak) before the start, else the start of the
//! plan or of the start's calendar year, whichever is later.

use std::collections::{BTreeMap, BTreeSet};

use crate::funding::{Application, Decision, FundingEngine, PersonFacts};
use crate::model::{Date, Instrument, SchemeLevel};
use crate::ontology::{ConceptIdx, Snapshot};

use super::Constraints;
use super::candidates::course_details;

/// The scheme that stands for the employer's (or O&O fund's) budget in a plan.
pub const EMPLOYER_SCHEME: &str = "https://id.vaardig.nl/scheme/werkgever-oo-fonds";
/// The scheme that stands for one's own money; not a source of funding.
pub const OWN_SCHEME: &str = "https://id.vaardig.nl/scheme/eigen-budget";

/// Money from one source for one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funding {
    /// Full scheme id.
    pub scheme: String,
    pub amount_cents: u64,
    pub application_date: Date,
}

/// One scheduled step.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheduled {
    /// Position in the candidate list.
    pub candidate: u32,
    pub course: ConceptIdx,
    pub start: Date,
    pub end: Date,
    pub price_cents: u64,
    pub funding: Vec<Funding>,
    pub own_cents: u64,
    pub hours: u32,
    /// Public money that may be available but depends on facts not given: (scheme, at most).
    pub unknown_funding: Vec<(String, u64)>,
}

/// A step that could not be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unplaced {
    /// No start date within the horizon after its prerequisites.
    NoStartDate,
    /// Its own share exceeds the own budget of every year it could start in.
    OverBudget,
    /// A prerequisite could not be placed.
    PrerequisiteUnplaced,
}

/// The public schemes the planner asks the funding engine about.
pub fn public_schemes(funding: &FundingEngine, snapshot: &Snapshot) -> Vec<ConceptIdx> {
    funding
        .schemes()
        .iter()
        .copied()
        .filter(|idx| {
            let id = &*snapshot.concept(*idx).id;
            funding.details(*idx).is_some_and(|d| {
                d.scheme_level == SchemeLevel::Person
                    && matches!(d.instrument, Instrument::Budget | Instrument::Subsidy)
                    && d.rules.as_ref().is_some_and(|r| !r.amounts.is_empty())
            }) && id != OWN_SCHEME
        })
        .collect()
}

/// The dates on which the planner would apply to `scheme` for a course starting on `start`.
fn application_dates(funding: &FundingEngine, scheme: ConceptIdx, plan_start: Date, start: Date) -> Vec<Date> {
    let year_start = Date::new(start.year(), 1, 1).unwrap_or(start);
    let fallback = plan_start.max(year_start).min(start);
    let Some(rules) = funding.details(scheme).and_then(|d| d.rules.as_deref()) else { return vec![fallback] };
    if rules.tijdvakken.is_empty() {
        return vec![fallback];
    }
    let mut dates: Vec<Date> = rules
        .tijdvakken
        .iter()
        .filter(|t| t.from <= start && t.to > plan_start)
        .map(|t| t.from.max(plan_start))
        .collect();
    dates.reverse();
    dates
}

/// Schedules `chosen` (candidate positions in topological order) and funds each step.
#[allow(clippy::too_many_arguments)]
pub fn schedule(
    snapshot: &Snapshot,
    funding: &FundingEngine,
    schemes: &[ConceptIdx],
    chosen: &[(u32, ConceptIdx, Vec<u32>)],
    constraints: &Constraints,
    person: &PersonFacts,
) -> (Vec<Scheduled>, Vec<(u32, Unplaced)>) {
    let mut steps: Vec<Scheduled> = Vec::new();
    let mut unplaced: Vec<(u32, Unplaced)> = Vec::new();
    let mut ends: BTreeMap<u32, Date> = BTreeMap::new();
    let mut granted: BTreeMap<(ConceptIdx, i32), u64> = BTreeMap::new();
    let mut own_spent: BTreeMap<i32, u64> = BTreeMap::new();
    let mut employer_left = constraints.employer_budget_cents;
    let mut cursor = constraints.start;
    let horizon_end = constraints.horizon_end();
    let mut failed: BTreeSet<u32> = BTreeSet::new();

    for (candidate, course, prerequisites) in chosen {
        let Some(details) = course_details(snapshot, *course) else { continue };
        if prerequisites.iter().any(|p| failed.contains(p)) {
            failed.insert(*candidate);
            unplaced.push((*candidate, Unplaced::PrerequisiteUnplaced));
            continue;
        }
        let earliest = prerequisites.iter().filter_map(|p| ends.get(p)).copied().fold(cursor, Date::max);
        let mut placed = None;
        let mut reason = Unplaced::NoStartDate;
        for &start in details.start_dates.iter().filter(|d| **d >= earliest && **d < horizon_end) {
            let price = details.price_cents;
            let mut lines = Vec::new();
            let mut unknown = Vec::new();
            let mut left = price;
            for &scheme in schemes {
                if left == 0 {
                    break;
                }
                for date in application_dates(funding, scheme, constraints.start, start) {
                    let year = date.year();
                    let already = granted.get(&(scheme, year)).copied().unwrap_or(0);
                    let facts = PersonFacts { already_granted_this_year_cents: Some(already), ..person.clone() };
                    let application =
                        Application { date, programme_year: None, course_grants_so_far: None, approval: None };
                    let Ok(evaluation) =
                        funding.evaluate(scheme, Some(*course), Some(start), Some(left), &facts, &application)
                    else {
                        break;
                    };
                    let amount = evaluation.amounts.as_ref().map_or(0, |a| a.scheme_cents.min(left));
                    match evaluation.decision {
                        Decision::Eligible if amount > 0 => {
                            lines.push((
                                scheme,
                                Funding {
                                    scheme: snapshot.concept(scheme).id.to_string(),
                                    amount_cents: amount,
                                    application_date: date,
                                },
                            ));
                            left -= amount;
                            break;
                        }
                        Decision::Unknown if amount > 0 => {
                            unknown.push((snapshot.concept(scheme).id.to_string(), amount));
                            break;
                        }
                        _ => {}
                    }
                }
            }
            let employer = left.min(employer_left);
            left -= employer;
            let own_year = start.year();
            if let Some(budget) = constraints.own_budget_per_year_cents
                && own_spent.get(&own_year).copied().unwrap_or(0) + left > budget
            {
                reason = Unplaced::OverBudget;
                continue;
            }
            let mut funding_lines: Vec<Funding> = Vec::new();
            for (scheme, line) in lines {
                let year = line.application_date.year();
                *granted.entry((scheme, year)).or_insert(0) += line.amount_cents;
                funding_lines.push(line);
            }
            if employer > 0 {
                employer_left -= employer;
                funding_lines.push(Funding {
                    scheme: EMPLOYER_SCHEME.to_string(),
                    amount_cents: employer,
                    application_date: start,
                });
            }
            *own_spent.entry(own_year).or_insert(0) += left;
            let end = Date::from_days(start.to_days() + 7 * i64::from(details.weeks.max(1)));
            placed = Some(Scheduled {
                candidate: *candidate,
                course: *course,
                start,
                end,
                price_cents: price,
                funding: funding_lines,
                own_cents: left,
                hours: details.hours,
                unknown_funding: unknown,
            });
            break;
        }
        match placed {
            Some(step) => {
                ends.insert(*candidate, step.end);
                cursor = step.end;
                steps.push(step);
            }
            None => {
                failed.insert(*candidate);
                unplaced.push((*candidate, reason));
            }
        }
    }
    (steps, unplaced)
}

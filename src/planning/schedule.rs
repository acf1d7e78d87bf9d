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
//!
//! An answer of UNKNOWN (a fact the plan cannot know, such as how many grants a course already
//! had) with an amount becomes *possible* money: shown as "at most", never counted as funding, but
//! counted against the yearly cap like a grant, so what a plan draws from a scheme in a calendar
//! year — certain and possible together — never exceeds the cap. A scheme that pays nothing is
//! listed as *declined* with the funding engine's reason (the explanations of the conditions that
//! failed), so a plan says why, for instance, no STAP money is claimed after 2024-01-01. What the
//! person says a scheme already granted them this year counts for the plan's first calendar year
//! (nothing when not given).

use std::collections::{BTreeMap, BTreeSet};

use std::collections::HashMap;

use crate::funding::{Application, Decision, FundingEngine, Outcome, PersonFacts, Text};
use crate::model::{Date, Instrument, SchemeLevel};
use crate::ontology::{ConceptIdx, Snapshot};

use super::Constraints;
use super::candidates::course_details;

pub use crate::funding::{EMPLOYER_SCHEME, OWN_SCHEME};

/// Money from one source for one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funding {
    /// Full scheme id.
    pub scheme: String,
    pub amount_cents: u64,
    pub application_date: Date,
}

/// A public scheme that pays nothing for a step, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declined {
    /// Full scheme id.
    pub scheme: String,
    /// The application date judged.
    pub application_date: Date,
    /// The explanations of the conditions that failed (or, when the answer is unknown without an
    /// amount, of those that could not be decided), in Dutch and English.
    pub reason: Text,
}

/// The funding engine's answers for one request, shared by every option and by pricing: options
/// share most courses, and whether a scheme can pay on a date at all is asked once per date.
pub struct FundingAsker<'a> {
    pub funding: &'a FundingEngine,
    person: &'a PersonFacts,
    /// The calendar year the person's `already_granted_this_year_cents` is about: the plan's.
    start_year: i32,
    /// Per scheme and application date: the best decision any course could get then.
    best: HashMap<(ConceptIdx, Date), Decision>,
    /// Per scheme, course, start, application date, cost and amount already drawn that year.
    answers: HashMap<(ConceptIdx, ConceptIdx, Date, Date, u64, u64), Answer>,
}

/// What a scheme answers for one application, reduced to what a schedule uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub decision: Decision,
    /// What it pays (ELIGIBLE) or may pay (UNKNOWN), at most the cost asked about.
    pub amount_cents: u64,
    /// Why it pays nothing, when it does not.
    pub reason: Option<Text>,
}

impl<'a> FundingAsker<'a> {
    /// An asker for a plan starting on `plan_start`.
    pub fn new(funding: &'a FundingEngine, person: &'a PersonFacts, plan_start: Date) -> FundingAsker<'a> {
        FundingAsker { funding, person, start_year: plan_start.year(), best: HashMap::new(), answers: HashMap::new() }
    }

    /// The person's facts for an application in `year` when the plan itself already draws
    /// `drawn_cents` from the scheme that year: what the person says was granted before the plan
    /// (in the plan's first year; nothing when not given) comes on top.
    fn facts(&self, year: i32, drawn_cents: u64) -> PersonFacts {
        let before = if year == self.start_year { self.person.already_granted_this_year_cents.unwrap_or(0) } else { 0 };
        PersonFacts { already_granted_this_year_cents: Some(before + drawn_cents), ..self.person.clone() }
    }

    fn application(date: Date) -> Application {
        Application::on(date)
    }

    /// The best decision any course could get from `scheme` on `date`, before the plan draws from
    /// it (drawing more only makes it worse): NOT_ELIGIBLE means no money, UNKNOWN at most possible
    /// money, ELIGIBLE that the course decides.
    pub fn best_case(&mut self, scheme: ConceptIdx, date: Date) -> Decision {
        if let Some(decision) = self.best.get(&(scheme, date)) {
            return *decision;
        }
        let facts = self.facts(date.year(), 0);
        let decision = self.funding.best_decision_for_any_course(scheme, &facts, &Self::application(date));
        self.best.insert((scheme, date), decision);
        decision
    }

    /// The answer of `scheme` for `course` starting on `start`, applied for on `date`, for a cost
    /// of `cost_cents`, when the plan already draws `already_cents` from the scheme that year.
    pub fn ask(
        &mut self,
        scheme: ConceptIdx,
        course: ConceptIdx,
        start: Date,
        date: Date,
        cost_cents: u64,
        already_cents: u64,
    ) -> Answer {
        let key = (scheme, course, start, date, cost_cents, already_cents);
        if let Some(answer) = self.answers.get(&key) {
            return answer.clone();
        }
        let facts = self.facts(date.year(), already_cents);
        let answer = match self.funding.evaluate(
            scheme,
            Some(course),
            Some(start),
            Some(cost_cents),
            &facts,
            &Self::application(date),
        ) {
            Ok(evaluation) => {
                let amount_cents = match evaluation.decision {
                    Decision::Eligible | Decision::Unknown => {
                        evaluation.amounts.as_ref().map_or(0, |a| a.scheme_cents.min(cost_cents))
                    }
                    Decision::NotEligible => 0,
                };
                let reason = (amount_cents == 0).then(|| {
                    let outcome =
                        if evaluation.decision == Decision::Unknown { Outcome::Unknown } else { Outcome::Failed };
                    let entries: Vec<_> = evaluation.trace.iter().filter(|t| t.outcome == outcome).collect();
                    Text::new(
                        entries.iter().map(|t| t.explanation.nl.as_str()).collect::<Vec<_>>().join(" "),
                        entries.iter().map(|t| t.explanation.en.as_str()).collect::<Vec<_>>().join(" "),
                    )
                });
                Answer { decision: evaluation.decision, amount_cents, reason }
            }
            Err(error) => Answer {
                decision: Decision::NotEligible,
                amount_cents: 0,
                reason: Some(Text::new(error.to_string(), error.to_string())),
            },
        };
        self.answers.insert(key, answer.clone());
        answer
    }
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
    /// Public money that may be available but depends on facts not given (at most this much).
    pub possible_funding: Vec<Funding>,
    /// Public schemes that pay nothing for this step, with why.
    pub declined: Vec<Declined>,
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
    // No window fits: judge the fallback date, so the answer says why (no window open, the scheme
    // ended).
    if dates.is_empty() {
        dates.push(fallback);
    }
    dates.reverse();
    dates
}

/// Schedules `chosen` (candidate positions in topological order) and funds each step.
pub fn schedule(
    snapshot: &Snapshot,
    asker: &mut FundingAsker<'_>,
    schemes: &[ConceptIdx],
    chosen: &[(u32, ConceptIdx, Vec<u32>)],
    constraints: &Constraints,
) -> (Vec<Scheduled>, Vec<(u32, Unplaced)>) {
    let funding = asker.funding;
    let mut steps: Vec<Scheduled> = Vec::new();
    let mut unplaced: Vec<(u32, Unplaced)> = Vec::new();
    let mut ends: BTreeMap<u32, Date> = BTreeMap::new();
    // What the plan draws per scheme and calendar year of application: certain and possible.
    let mut drawn: BTreeMap<(ConceptIdx, i32), u64> = BTreeMap::new();
    let mut own_spent: BTreeMap<i32, u64> = BTreeMap::new();
    let mut employer_left = constraints.employer_budget_cents;
    let mut cursor = constraints.start;
    let horizon_end = constraints.horizon_end();
    let mut failed: BTreeSet<u32> = BTreeSet::new();

    // Courses one at a time: among those whose prerequisites are settled, the one that can start
    // first (then the earliest in topological order).
    let in_plan: BTreeSet<u32> = chosen.iter().map(|(c, _, _)| *c).collect();
    let mut pending: Vec<&(u32, ConceptIdx, Vec<u32>)> = chosen.iter().collect();
    while !pending.is_empty() {
        let settled = |p: &u32| !in_plan.contains(p) || ends.contains_key(p) || failed.contains(p);
        let next = pending
            .iter()
            .enumerate()
            .filter(|(_, (_, _, prerequisites))| prerequisites.iter().all(settled))
            .min_by_key(|(at, (_, course, prerequisites))| {
                let earliest = prerequisites.iter().filter_map(|p| ends.get(p)).copied().fold(cursor, Date::max);
                let start = course_details(snapshot, *course).and_then(|d| d.first_start(earliest, Some(horizon_end)));
                (start.is_none(), start, *at)
            })
            .map(|(at, _)| at);
        let Some(at) = next else { break };
        let (candidate, course, prerequisites) = pending.remove(at);
        let Some(details) = course_details(snapshot, *course) else { continue };
        if prerequisites.iter().any(|p| failed.contains(p)) {
            failed.insert(*candidate);
            unplaced.push((*candidate, Unplaced::PrerequisiteUnplaced));
            continue;
        }
        let earliest = prerequisites.iter().filter_map(|p| ends.get(p)).copied().fold(cursor, Date::max);
        let mut placed = None;
        let mut reason = Unplaced::NoStartDate;
        for start in details.starts_between(earliest, Some(horizon_end)) {
            let price = details.price_cents;
            let mut lines: Vec<(ConceptIdx, Funding)> = Vec::new();
            let mut possible: Vec<(ConceptIdx, Funding)> = Vec::new();
            let mut declined = Vec::new();
            let mut left = price;
            for &scheme in schemes {
                if left == 0 {
                    break;
                }
                let dates = application_dates(funding, scheme, constraints.start, start);
                let mut outcome = None;
                for &date in &dates {
                    if asker.best_case(scheme, date) == Decision::NotEligible {
                        continue;
                    }
                    let already = drawn.get(&(scheme, date.year())).copied().unwrap_or(0);
                    let answer = asker.ask(scheme, *course, start, date, left, already);
                    if answer.amount_cents > 0 && answer.decision != Decision::NotEligible {
                        outcome = Some((answer, date));
                        break;
                    }
                }
                let id = snapshot.concept(scheme).id.to_string();
                match outcome {
                    Some((answer, date)) => {
                        let line = Funding { scheme: id, amount_cents: answer.amount_cents, application_date: date };
                        if answer.decision == Decision::Eligible {
                            left -= answer.amount_cents;
                            lines.push((scheme, line));
                        } else {
                            possible.push((scheme, line));
                        }
                    }
                    None => {
                        // Why not: the answer for the latest date considered.
                        let date = dates[0];
                        let already = drawn.get(&(scheme, date.year())).copied().unwrap_or(0);
                        let answer = asker.ask(scheme, *course, start, date, left, already);
                        let reason = answer.reason.unwrap_or_default();
                        declined.push(Declined { scheme: id, application_date: date, reason });
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
            for (scheme, line) in lines.iter().chain(&possible) {
                *drawn.entry((*scheme, line.application_date.year())).or_insert(0) += line.amount_cents;
            }
            let mut funding_lines: Vec<Funding> = lines.into_iter().map(|(_, line)| line).collect();
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
                possible_funding: possible.into_iter().map(|(_, line)| line).collect(),
                declined,
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

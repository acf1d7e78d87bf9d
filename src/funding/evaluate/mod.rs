//! The evaluator: one scheme's rules applied to the facts of one application.
//!
//! Every condition gives an outcome — passed, failed, unknown (a needed fact is missing) or not
//! applicable (the rule is not in force on the date) — with an explanation in Dutch and English and
//! the rule's source. The decision follows from the outcomes: any failure makes the person not
//! eligible, else any unknown makes the answer unknown, else eligible. So a tijdvak whose budget
//! ran out rejects an application whatever else holds, and money is never promised while a rule
//! fails: no amount is computed for a "not eligible" answer.
//!
//! A counterfactual is a single fact that, changed, would make the answer "eligible". Candidates
//! come from the blocking conditions; each is *checked* by evaluating again with the fact changed,
//! so a counterfactual is only offered when that one change really suffices.
//!
//! The rooms: [`result`] (what an evaluation answers), [`summary`] (how it is said), `checks`
//! (one check per kind of condition) and, here, the evaluator that runs the checks and decides.

mod checks;
pub mod result;
pub mod summary;

pub(super) use checks::{age_check, aow_threshold, exclusion_fact, finance_fact};
use checks::{check, entry, outcomes_only};
pub use result::*;
pub use summary::paid_to_text;

use crate::funding::person::PersonFacts;
use crate::funding::rules::{SchemeRules, Test};
use crate::model::Date;

/// Splits `cost_cents` for `rules` on `date`, given what the scheme already granted the person in
/// that calendar year. This is the amount function the training-path planner calls per course and
/// per year. `None` when no amount rule is in force on `date`.
///
/// A scheme that pays a share by NLQF level is taken at its largest share: an upper bound, as
/// without a course the level is unknown ([`amount_for_level`] knows it).
pub fn amount_for(
    rules: &SchemeRules,
    date: Date,
    cost_cents: u64,
    already_granted_this_year_cents: u64,
) -> Option<Amounts> {
    amount_for_level(rules, date, cost_cents, already_granted_this_year_cents, None)
}

/// [`amount_for`] for a course at `nlqf_level` (`None`: unknown, the largest share applies).
pub fn amount_for_level(
    rules: &SchemeRules,
    date: Date,
    cost_cents: u64,
    already_granted_this_year_cents: u64,
    nlqf_level: Option<u8>,
) -> Option<Amounts> {
    let rule = rules.amount_on(date)?;
    let share_percent = rule.share_for(nlqf_level);
    let mut scheme_cents = (u128::from(cost_cents) * u128::from(share_percent) / 100) as u64;
    if let Some(cap) = rule.cap_per_application_cents {
        scheme_cents = scheme_cents.min(cap);
    }
    let cap_left_this_year_cents =
        rule.cap_per_person_per_year_cents.map(|cap| cap.saturating_sub(already_granted_this_year_cents));
    if let Some(left) = cap_left_this_year_cents {
        scheme_cents = scheme_cents.min(left);
    }
    let remainder_cents = cost_cents - scheme_cents;
    Some(Amounts {
        cost_cents,
        scheme_cents,
        remainder_cents,
        share_percent,
        cap_left_this_year_cents,
        remainder_payers: if remainder_cents > 0 { rules.combines_with.clone() } else { Vec::new() },
        upper_bound: false,
        source: rule.source.clone(),
    })
}

/// Evaluates `scheme` for `facts`, with counterfactuals.
pub fn evaluate(scheme: Scheme<'_>, facts: &Facts) -> Evaluation {
    let mut evaluation = core(scheme, facts);
    if evaluation.decision != Decision::Eligible {
        evaluation.counterfactuals = crate::funding::counterfactual::counterfactuals(scheme, facts, &evaluation);
    }
    evaluation
}

/// The best decision any course could get from `scheme` for this person on `application.date`,
/// judged on the conditions that read no fact of the course: NOT_ELIGIBLE when one of them fails,
/// UNKNOWN when none fails but one is unknown, else ELIGIBLE (the course then decides). The
/// training-path planner asks this once per application date instead of evaluating every course.
pub fn best_decision_for_any_course(scheme: Scheme<'_>, person: &PersonFacts, application: &Application) -> Decision {
    let facts = Facts { person: person.clone(), application: application.clone(), course: None };
    outcomes_only(|| {
        decide_outcomes(
            scheme
                .rules
                .conditions
                .iter()
                .filter(|c| !reads_course_facts(&c.test))
                .map(|c| check(c, scheme, &facts).outcome),
        )
    })
}

/// Whether [`check`] reads the course's facts for `test`: every test it does not answer from the
/// person, the date, the scheme or the application hands over to `course_check`.
fn reads_course_facts(test: &Test) -> bool {
    !matches!(
        test,
        Test::DateWithinValidity
            | Test::AgeBetween { .. }
            | Test::LabourMarketTie
            | Test::LabourStatusAny(_)
            | Test::MaxEducationLevel(_)
            | Test::MinEducationLevel(_)
            | Test::HasStartkwalificatie(_)
            | Test::NotExcludedBy(_)
            | Test::ApprovalBy(_)
            | Test::ApplicantAny(_)
            | Test::AnnualCapNotReached
            | Test::ApplicationWindowOpen
            | Test::MaxGrantsPerCourse(_)
    )
}

/// Evaluates without counterfactuals: the decision, trace and amounts alone (the course finder
/// decides many courses per request and needs no counterfactuals for them).
pub fn core(scheme: Scheme<'_>, facts: &Facts) -> Evaluation {
    let rules = scheme.rules;
    let date = facts.application.date;
    let trace: Vec<TraceEntry> = rules.conditions.iter().map(|c| entry(c, check(c, scheme, facts))).collect();
    let decision = decide(&trace);
    let mut missing_facts: Vec<Fact> = trace.iter().flat_map(|e| e.missing.iter().copied()).collect();
    missing_facts.sort();
    missing_facts.dedup();

    let compartments = rules
        .compartments
        .iter()
        .map(|c| {
            if !c.applies.contains(date) {
                return CompartmentResult {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    outcome: Outcome::NotApplicable,
                    budget_cents: c.budget_cents,
                    source: c.source.clone(),
                    trace: Vec::new(),
                };
            }
            let trace: Vec<TraceEntry> = c.conditions.iter().map(|k| entry(k, check(k, scheme, facts))).collect();
            let outcome = match decide(&trace) {
                Decision::Eligible => Outcome::Passed,
                Decision::NotEligible => Outcome::Failed,
                Decision::Unknown => Outcome::Unknown,
            };
            CompartmentResult {
                id: c.id.clone(),
                label: c.label.clone(),
                outcome,
                budget_cents: c.budget_cents,
                source: c.source.clone(),
                trace,
            }
        })
        .collect();

    let notices = rules
        .notices
        .iter()
        .filter(|n| n.applies.contains(date))
        .filter(|n| outcomes_only(|| n.conditions.iter().all(|c| check(c, scheme, facts).outcome == Outcome::Passed)))
        .map(|n| NoticeResult { id: n.id.clone(), text: n.text.clone(), source: n.source.clone() })
        .collect();

    let amounts = match (&facts.course, decision) {
        (Some(course), Decision::Eligible | Decision::Unknown) => {
            let granted = facts.person.already_granted_this_year_cents;
            amount_for_level(rules, date, course.cost_cents, granted.unwrap_or(0), course.nlqf_level).map(|mut a| {
                a.upper_bound =
                    decision == Decision::Unknown || (granted.is_none() && a.cap_left_this_year_cents.is_some());
                a
            })
        }
        _ => None,
    };

    Evaluation {
        decision,
        date,
        course_start: facts.course.as_ref().and_then(|c| c.start),
        start_origin: facts.course.as_ref().map(|c| c.start_origin),
        trace,
        amounts,
        paid_to: rules.paid_to,
        paid_to_source: rules.paid_to_source.clone(),
        counterfactuals: Vec::new(),
        compartments,
        notices,
        missing_facts,
        needs_course: facts.course.is_none() && rules.needs_course(),
    }
}

/// Each condition's outcome, in rule order, and the decision they give: all a counterfactual needs
/// to know of the evaluation with its one fact changed. Unlike [`core`] it builds no trace entries
/// (their ids and sources copied), compartments, notices or amounts, which were most of the cost
/// of checking counterfactuals.
pub(in crate::funding) fn outcomes(scheme: Scheme<'_>, facts: &Facts) -> (Decision, Vec<Outcome>) {
    let outcomes: Vec<Outcome> =
        outcomes_only(|| scheme.rules.conditions.iter().map(|c| check(c, scheme, facts).outcome).collect());
    (decide_outcomes(outcomes.iter().copied()), outcomes)
}

fn decide(trace: &[TraceEntry]) -> Decision {
    decide_outcomes(trace.iter().map(|e| e.outcome))
}

/// Any failure: not eligible; else any unknown: unknown; else eligible.
fn decide_outcomes(outcomes: impl Iterator<Item = Outcome>) -> Decision {
    let mut decision = Decision::Eligible;
    for outcome in outcomes {
        match outcome {
            Outcome::Failed => return Decision::NotEligible,
            Outcome::Unknown => decision = Decision::Unknown,
            Outcome::Passed | Outcome::NotApplicable => {}
        }
    }
    decision
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aow_threshold_is_the_first_birth_date_below_the_aow_age() {
        // 66 on 2022-09-05 (AOW age 66y7m in 2022): born 1955-09-06 … 1956-09-05; those born on or
        // after 1956-02-06 are not yet 66y7m.
        assert_eq!(aow_threshold(66, "2022-09-05".parse().unwrap()), Some("1956-02-06".parse().unwrap()));
    }
}

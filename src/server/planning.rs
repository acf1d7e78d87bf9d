//! `vaardig.v1.PlanningService`: training paths and stepping stones.
//!
//! SuggestTrainingPath validates the request into a [`PlanRequest`] (collecting every bad field:
//! unknown ids, negative budgets, a horizon over ten years), calls [`planning::suggest_path`] once
//! on a blocking thread (tens of milliseconds on a large register) and converts the plan back. SuggestSteppingStones validates the occupations and the profile and
//! calls [`planning::suggest_stepping_stones`] on a blocking thread (the transition graph is built on first use).
//! Profiles and person facts are never logged: only the target id and counts are.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::error::{ApiError, Violations, invalid};
use super::request::{self, money, person_facts, profile_input, resolve};
use super::response::{self, cents};
use crate::engine::LiveEngines;
use crate::model::{ConceptKind, Date, Delivery};
use crate::ontology::{ConceptIdx, Snapshot};
use crate::planning::{self, Constraints, Objective, PlanRequest};
use crate::proto::v1 as pb;
use crate::proto::v1::planning_service_server::PlanningService;

/// The horizon when the request gives none.
pub const DEFAULT_HORIZON_YEARS: u32 = 3;

/// The planning service over the engines of one snapshot.
#[derive(Debug, Clone)]
pub struct PlanningApi {
    engines: Arc<LiveEngines>,
}

impl PlanningApi {
    pub fn new(engines: Arc<LiveEngines>) -> PlanningApi {
        PlanningApi { engines }
    }
}

/// The wire name of an option kind.
pub fn kind_name(kind: Objective) -> &'static str {
    match kind {
        Objective::Cheapest => "cheapest",
        Objective::Fastest => "fastest",
        Objective::MostComplete => "most_complete",
    }
}

/// The occupation an id field names; a violation when it is missing, unknown or not an occupation.
fn occupation(snapshot: &Snapshot, raw: &str, field: &str, violations: &mut Violations) -> Option<ConceptIdx> {
    let id = request::id(raw, field, violations)?;
    match snapshot.lookup(&id) {
        Some(idx) if snapshot.concept(idx).kind == ConceptKind::Occupation => Some(idx),
        Some(idx) => {
            violations.add(field, format!("`{id}` is a {}, not an occupation", snapshot.concept(idx).kind));
            None
        }
        None => {
            violations.add(field, format!("unknown occupation `{id}`"));
            None
        }
    }
}

/// The wire form of a move's cost.
fn move_cost(cost: planning::Cost) -> pb::MoveCost {
    pb::MoveCost { estimated_cost_cents: cents(cost.cents), unteachable_essential: cost.unteachable }
}

#[tonic::async_trait]
impl PlanningService for PlanningApi {
    async fn suggest_training_path(
        &self,
        request: Request<pb::SuggestTrainingPathRequest>,
    ) -> Result<Response<pb::SuggestTrainingPathResponse>, Status> {
        let started = std::time::Instant::now();
        super::limits::check_items(&request)?;
        let limits = super::limits::limits_of(&request);
        let request = request.into_inner();
        let current = self.engines.current();
        let engines = &*current;
        let snapshot = &*engines.snapshot;
        let mut violations = Violations::default();
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let target = occupation(snapshot, &request.target_occupation_id, "target_occupation_id", &mut violations);
        let start = if request.start_date.is_empty() {
            violations.add("start_date", "required (YYYY-MM-DD)");
            None
        } else {
            match request.start_date.parse::<Date>() {
                Ok(date) => Some(date),
                Err(_) => {
                    violations.add(
                        "start_date",
                        format!("`{}` is not a valid date (YYYY-MM-DD)", request::truncate(&request.start_date)),
                    );
                    None
                }
            }
        };
        let c = request.constraints.unwrap_or_default();
        let horizon_years = match c.horizon_years {
            0 => DEFAULT_HORIZON_YEARS,
            h if h > planning::MAX_HORIZON_YEARS => {
                violations.add(
                    "constraints.horizon_years",
                    format!("at most {} years, not {h}", planning::MAX_HORIZON_YEARS),
                );
                DEFAULT_HORIZON_YEARS
            }
            h => h,
        };
        if c.hours_per_week.is_some_and(|h| h == 0 || h > 168) {
            violations.add("constraints.hours_per_week", "must be 1–168");
        }
        let mut modes = Vec::new();
        for (i, mode) in c.modes.iter().enumerate() {
            match Delivery::parse(mode) {
                Some(m) => modes.push(m),
                None => violations.add(
                    format!("constraints.modes[{i}]"),
                    format!("`{}` is not online, klassikaal or blended", request::truncate(mode)),
                ),
            }
        }
        if !c.region.is_empty() && !crate::model::ARBEIDSMARKTREGIOS.contains(&c.region.as_str()) {
            violations.add("constraints.region", "not one of the 35 arbeidsmarktregio's");
        }
        let own_budget =
            c.own_budget_per_year_cents.map(|v| money(v, "constraints.own_budget_per_year_cents", &mut violations));
        let employer_budget = money(c.employer_budget_cents, "constraints.employer_budget_cents", &mut violations);
        let person = person_facts(request.person.unwrap_or_default(), start, &mut violations);
        let profile_raw = profile_input(request.profile.unwrap_or_default(), "profile", &mut violations);
        let (target, start, person) = match violations.check((target, start, person))? {
            (Some(target), Some(start), Some(person)) => (target, start, person),
            _ => return Err(invalid("target_occupation_id", "invalid request").into()),
        };
        let profile = resolve(snapshot, profile_raw, "profile")?;
        let constraints = Constraints {
            start,
            horizon_years,
            hours_per_week: c.hours_per_week.or(profile.hours_per_week),
            modes,
            region: Some(c.region).filter(|r| !r.is_empty()).or(profile.region.clone()),
            own_budget_per_year_cents: own_budget,
            employer_budget_cents: employer_budget,
        };
        let plan_request = PlanRequest { target, profile, person, constraints };
        // Up to hundreds of milliseconds on big registers (BENCHMARKS.md): off the async threads,
        // and not started when the deadline passed while it waited for a thread.
        let plan_engines = current.clone();
        let plan = super::limits::blocking(limits, move |_| {
            planning::suggest_path(&plan_engines.matching, &plan_engines.funding, &plan_request)
                .map_err(|e| Status::from(ApiError::from(e)))
        })
        .await?;
        tracing::info!(
            target = %snapshot.concept(target).id,
            candidates = plan.candidates,
            millis = started.elapsed().as_millis() as u64,
            "suggested training path"
        );

        let r = |idx| response::concept_ref(snapshot, idx, &lang);
        let scheme_ref = |id: &str| snapshot.lookup(id).map(r);
        let funding_line = |f: &planning::Funding| pb::StepFunding {
            scheme: scheme_ref(&f.scheme),
            amount_cents: cents(f.amount_cents),
            application_date: f.application_date.to_string(),
        };
        let options = plan
            .options
            .iter()
            .map(|o| pb::TrainingPathOption {
                kind: kind_name(o.kind).to_string(),
                steps: o
                    .steps
                    .iter()
                    .map(|s| pb::PlanStep {
                        course: Some(r(s.course)),
                        year: s.year,
                        start_date: s.start.to_string(),
                        end_date: s.end.to_string(),
                        closes: s.closes.iter().map(|k| r(*k)).collect(),
                        credential: s.credential.map(r),
                        evc: s.evc,
                        price_cents: cents(s.price_cents),
                        funding: s.funding.iter().map(funding_line).collect(),
                        own_contribution_cents: cents(s.own_contribution_cents),
                        hours: s.hours,
                        why: planning::why(snapshot, s, lang),
                        possible_funding: s.possible_funding.iter().map(funding_line).collect(),
                        declined_funding: s
                            .declined_funding
                            .iter()
                            .map(|d| pb::DeclinedFunding {
                                scheme: scheme_ref(&d.scheme),
                                application_date: d.application_date.to_string(),
                                reason: d.reason.get(lang).to_string(),
                            })
                            .collect(),
                    })
                    .collect(),
                total_price_cents: cents(o.total_price_cents),
                total_funding_cents: cents(o.total_funding_cents),
                total_own_cents: cents(o.total_own_cents),
                total_hours: o.total_hours,
                finish_date: o.finish.to_string(),
                covered_essential: o.covered_essential.iter().map(|k| r(*k)).collect(),
                missing_essential: o
                    .missing_essential
                    .iter()
                    .map(|(skill, reason)| pb::OpenSkill {
                        skill: Some(r(*skill)),
                        reason: reason.as_str().to_string(),
                        explanation: reason.text(lang).to_string(),
                    })
                    .collect(),
                essential_coverage: o.essential_coverage,
                bound: o.bound.as_ref().map(|b| pb::ApproximationBound {
                    cost_factor: b.cost_factor,
                    objective_lower_bound: b.objective_lower_bound,
                    value_upper_bound: b.value_upper_bound,
                }),
            })
            .collect();
        Ok(Response::new(pb::SuggestTrainingPathResponse {
            snapshot_version: snapshot.version().to_string(),
            target: Some(r(target)),
            options,
            candidates: plan.candidates as u32,
            essential_coverage_before: plan.essential_coverage_before,
            later: plan
                .later
                .iter()
                .map(|l| pb::LaterCourse {
                    course: Some(r(l.course)),
                    next_start_date: l.next_start.map(|d| d.to_string()).unwrap_or_default(),
                    closes: l.closes.iter().map(|k| r(*k)).collect(),
                })
                .collect(),
            horizon_end: plan.horizon_end.to_string(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn suggest_stepping_stones(
        &self,
        request: Request<pb::SuggestSteppingStonesRequest>,
    ) -> Result<Response<pb::SuggestSteppingStonesResponse>, Status> {
        let started = std::time::Instant::now();
        super::limits::check_items(&request)?;
        let limits = super::limits::limits_of(&request);
        let request = request.into_inner();
        let engines = self.engines.current();
        let snapshot = &*engines.snapshot;
        let mut violations = Violations::default();
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let target = occupation(snapshot, &request.target_occupation_id, "target_occupation_id", &mut violations);
        let from = if request.from_occupation_id.is_empty() {
            None
        } else {
            occupation(snapshot, &request.from_occupation_id, "from_occupation_id", &mut violations)
        };
        let max_moves = match request.max_moves as usize {
            0 => planning::DEFAULT_MAX_MOVES,
            m if m > planning::MAX_MOVES => {
                violations.add("max_moves", format!("at most {}, not {m}", planning::MAX_MOVES));
                planning::DEFAULT_MAX_MOVES
            }
            m => m,
        };
        let raw_profile = request.profile.unwrap_or_default();
        if request.from_occupation_id.is_empty()
            && raw_profile.skills.is_empty()
            && raw_profile.credential_ids.is_empty()
        {
            violations.add("from_occupation_id", "required when the profile holds no skills or credentials");
        }
        let profile_raw = profile_input(raw_profile, "profile", &mut violations);
        let Some(target) = violations.check(target)? else {
            return Err(invalid("target_occupation_id", "invalid request").into());
        };
        let profile = resolve(snapshot, profile_raw, "profile")?;
        // Building the transition graph on first use takes a moment: off the async workers.
        let worker = engines.clone();
        let stones = super::limits::blocking(limits, move |_| {
            let graph = worker.stones.graph(&worker.matching);
            planning::suggest_stepping_stones(&worker.matching, graph, &profile, from, target, max_moves)
                .map_err(|e| Status::from(ApiError::from(e)))
        })
        .await?;
        tracing::info!(
            target = %snapshot.concept(target).id,
            moves = stones.chain.as_ref().map_or(0, Vec::len),
            millis = started.elapsed().as_millis() as u64,
            "suggested stepping stones"
        );
        let r = |idx| response::concept_ref(snapshot, idx, &lang);
        let hop = |h: &planning::Hop| pb::SteppingStone {
            from: Some(r(h.from)),
            to: Some(r(h.to)),
            transition_score: h.score,
            cost: Some(move_cost(h.gap.cost)),
            essential_to_learn: h.gap.skills.iter().map(|s| r(*s)).collect(),
        };
        let (start_basis, start_coverage) = match stones.start_basis {
            planning::Start::Given => ("given", 0.0),
            planning::Start::BestFit { coverage } => ("best_fit", coverage),
        };
        Ok(Response::new(pb::SuggestSteppingStonesResponse {
            snapshot_version: snapshot.version().to_string(),
            start: Some(r(stones.start)),
            start_basis: start_basis.to_string(),
            start_coverage,
            target: Some(r(stones.target)),
            reachable: stones.chain.is_some(),
            steps: stones.chain.iter().flatten().map(hop).collect(),
            total: Some(move_cost(stones.total)),
            direct: Some(hop(&stones.direct)),
            direct_is_transition: stones.direct_is_transition,
        }))
    }
}

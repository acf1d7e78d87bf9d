//! `vaardig path`: a training path to a target occupation for career advisors, against a running
//! server. The person is built like `gap`/`match` do ([`SkillArgs`]) and the facts like
//! `eligibility` does; facts not given are unknown, not "no". `vaardig stepping-stones`: the
//! cheapest chain of career moves to the target when the direct gap is too large.

use std::fmt::Write;

use super::client::{block_on, channel, print_json, status_failure};
use super::funding::{PersonFactsArgs, euros};
use super::matching::SkillArgs;
use super::report::table::{Column, render};
use super::report::text::render_paths;
use super::report::{Named, Paths};
use super::{ClientArgs, Failure};
use crate::model::{Lang, Money, percent};
use crate::proto::v1 as pb;
use crate::proto::v1::planning_service_client::PlanningServiceClient;

/// The person, the target and the constraints of `vaardig path`.
#[derive(Debug, Clone, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct PathArgs {
    /// The target occupation (id).
    #[arg(long, value_name = "ID")]
    pub target: String,
    #[command(flatten)]
    pub person: SkillArgs,
    /// The plan starts on this day, YYYY-MM-DD. Default: today (in the Netherlands).
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    #[command(flatten)]
    pub facts: PersonFactsArgs,
    #[command(flatten)]
    pub constraints: ConstraintArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

/// The limits a training path must keep, as flags. Shared by `path` and `advise`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConstraintArgs {
    /// Years ahead to plan (1–10; default 3).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub horizon_years: u32,
    /// Hours available per week.
    #[arg(long, value_name = "N")]
    pub hours_per_week: Option<u32>,
    /// Accepted delivery mode (online, klassikaal, blended); repeatable. Default: all.
    #[arg(long = "mode", value_name = "MODE")]
    pub modes: Vec<String>,
    /// Arbeidsmarktregio; courses elsewhere count only when online.
    #[arg(long)]
    pub region: Option<String>,
    /// The most own money per calendar year, in euros. Default: no limit.
    #[arg(long, value_name = "EUR", value_parser = euros)]
    pub own_budget_eur: Option<i64>,
    /// What the employer or O&O fund pays at most over the whole plan, in euros.
    #[arg(long, value_name = "EUR", value_parser = euros)]
    pub employer_budget_eur: Option<i64>,
}

impl ConstraintArgs {
    /// The wire constraints; what is not given is left to the service's defaults.
    pub(super) fn to_pb(&self) -> pb::PlanConstraints {
        pb::PlanConstraints {
            horizon_years: self.horizon_years,
            hours_per_week: self.hours_per_week,
            modes: self.modes.clone(),
            region: self.region.clone().unwrap_or_default(),
            own_budget_per_year_cents: self.own_budget_eur,
            employer_budget_cents: self.employer_budget_eur.unwrap_or(0),
        }
    }
}

pub fn path(args: &PathArgs) -> Result<(), Failure> {
    let request = pb::SuggestTrainingPathRequest {
        profile: Some(args.person.profile(&args.client)?),
        target_occupation_id: args.target.clone(),
        person: Some(args.facts.to_pb(None)),
        start_date: args.start.clone().unwrap_or_else(|| crate::model::Date::today().to_string()),
        constraints: Some(args.constraints.to_pb()),
        lang: args.client.lang.to_string(),
    };
    let response = block_on(async {
        let mut client = PlanningServiceClient::new(channel(&args.client).await?);
        client.suggest_training_path(request).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    if args.client.json {
        print_json(&path_json(&response));
    } else {
        print!("{}", path_text(&response, args.client.lang));
    }
    Ok(())
}

pub(super) fn concept_json(c: &Option<pb::ConceptRef>) -> serde_json::Value {
    match c {
        Some(c) => serde_json::json!({"id": c.id, "label": c.label}),
        None => serde_json::Value::Null,
    }
}

fn id_of(c: &Option<pb::ConceptRef>) -> String {
    c.as_ref().map(|c| c.id.clone()).unwrap_or_default()
}

fn funding_json(list: &[pb::StepFunding]) -> Vec<serde_json::Value> {
    list.iter()
        .map(|f| {
            serde_json::json!({
                "scheme": id_of(&f.scheme),
                "scheme_label": f.scheme.as_ref().map(|s| s.label.clone()).unwrap_or_default(),
                "amount_cents": f.amount_cents,
                "application_date": f.application_date,
            })
        })
        .collect()
}

/// The answer as JSON: ids for courses, schemes and skills, money in cents.
pub fn path_json(r: &pb::SuggestTrainingPathResponse) -> serde_json::Value {
    let options: Vec<serde_json::Value> = r
        .options
        .iter()
        .map(|o| {
            let steps: Vec<serde_json::Value> = o
                .steps
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "course": id_of(&s.course),
                        "course_label": s.course.as_ref().map(|c| c.label.clone()).unwrap_or_default(),
                        "year": s.year,
                        "start_date": s.start_date,
                        "end_date": s.end_date,
                        "price_cents": s.price_cents,
                        "funding": funding_json(&s.funding),
                        "possible_funding": funding_json(&s.possible_funding),
                        "declined_funding": s.declined_funding.iter().map(|d| serde_json::json!({
                            "scheme": id_of(&d.scheme),
                            "application_date": d.application_date,
                            "reason": d.reason,
                        })).collect::<Vec<_>>(),
                        "own_contribution_cents": s.own_contribution_cents,
                        "hours": s.hours,
                        "closes": s.closes.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
                        "credential": s.credential.as_ref().map(|c| c.id.clone()),
                        "evc": s.evc,
                        "why": s.why,
                    })
                })
                .collect();
            serde_json::json!({
                "kind": o.kind,
                "steps": steps,
                "covered_essential": o.covered_essential.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
                "missing_essential": o.missing_essential.iter().map(|m| id_of(&m.skill)).collect::<Vec<_>>(),
                "missing_reasons": o.missing_essential.iter().map(|m| serde_json::json!({
                    "skill": id_of(&m.skill), "reason": m.reason, "explanation": m.explanation,
                })).collect::<Vec<_>>(),
                "total_price_cents": o.total_price_cents,
                "total_funding_cents": o.total_funding_cents,
                "total_own_cents": o.total_own_cents,
                "total_hours": o.total_hours,
                "finish_date": o.finish_date,
                "essential_coverage": o.essential_coverage,
                "approximate": o.bound.is_some(),
                "bound": o.bound.as_ref().map(|b| serde_json::json!({
                    "cost_factor": b.cost_factor,
                    "objective_lower_bound": b.objective_lower_bound,
                    "value_upper_bound": b.value_upper_bound,
                })),
            })
        })
        .collect();
    serde_json::json!({
        "version": r.snapshot_version,
        "target": concept_json(&r.target),
        "candidates": r.candidates,
        "essential_coverage_before": r.essential_coverage_before,
        "options": options,
        "horizon_end": r.horizon_end,
        "later": r.later.iter().map(|l| serde_json::json!({
            "course": concept_json(&l.course),
            "next_start_date": l.next_start_date,
            "closes": l.closes.iter().map(|c| serde_json::json!({"id": c.id, "label": c.label})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The answer as readable text: the report model's paths ([`Paths::from_response`]) in the
/// advisor report's layout (per option its totals and a table per calendar year).
pub fn path_text(r: &pb::SuggestTrainingPathResponse, text: Lang) -> String {
    let target = Named::from_ref(&r.target);
    let mut out = render_paths(&Paths::from_response(r), &target, text);
    let _ = writeln!(out, "\nsnapshot {}", r.snapshot_version);
    out
}

/// The person and the target of `vaardig stepping-stones`.
#[derive(Debug, Clone, clap::Args)]
pub struct StonesArgs {
    /// The target occupation (id).
    #[arg(long, value_name = "ID")]
    pub target: String,
    /// The occupation the person practises (id). Without it: the one their skills fit best.
    #[arg(long, value_name = "ID")]
    pub from: Option<String>,
    /// The most moves (job changes) the chain may have, 1–10 (default 4).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_moves: u32,
    #[command(flatten)]
    pub person: SkillArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

pub fn stepping_stones(args: &StonesArgs) -> Result<(), Failure> {
    let request = pb::SuggestSteppingStonesRequest {
        profile: Some(args.person.profile(&args.client)?),
        from_occupation_id: args.from.clone().unwrap_or_default(),
        target_occupation_id: args.target.clone(),
        lang: args.client.lang.to_string(),
        max_moves: args.max_moves,
    };
    let response = block_on(async {
        let mut client = PlanningServiceClient::new(channel(&args.client).await?);
        client.suggest_stepping_stones(request).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    if args.client.json {
        print_json(&stones_json(&response));
    } else {
        print!("{}", stones_text(&response, args.client.lang));
    }
    Ok(())
}

fn stone_json(s: &pb::SteppingStone) -> serde_json::Value {
    let cost = s.cost.unwrap_or_default();
    serde_json::json!({
        "from": id_of(&s.from),
        "from_label": s.from.as_ref().map(|c| c.label.clone()).unwrap_or_default(),
        "to": id_of(&s.to),
        "to_label": s.to.as_ref().map(|c| c.label.clone()).unwrap_or_default(),
        "transition_score": s.transition_score,
        "estimated_cost_cents": cost.estimated_cost_cents,
        "unteachable_essential": cost.unteachable_essential,
        "essential_to_learn": s.essential_to_learn.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
    })
}

/// The answer as JSON: ids for occupations and skills, money in cents.
pub fn stones_json(r: &pb::SuggestSteppingStonesResponse) -> serde_json::Value {
    let total = r.total.unwrap_or_default();
    serde_json::json!({
        "version": r.snapshot_version,
        "start": concept_json(&r.start),
        "start_basis": r.start_basis,
        "start_coverage": r.start_coverage,
        "target": concept_json(&r.target),
        "reachable": r.reachable,
        "steps": r.steps.iter().map(stone_json).collect::<Vec<_>>(),
        "total_estimated_cost_cents": total.estimated_cost_cents,
        "total_unteachable_essential": total.unteachable_essential,
        "direct": r.direct.as_ref().map(stone_json),
        "direct_is_transition": r.direct_is_transition,
    })
}

/// The answer as readable text: the chain as a table, then the direct move for comparison.
pub fn stones_text(r: &pb::SuggestSteppingStonesResponse, text: Lang) -> String {
    let money = |cents: i64| Money::from_cents(cents).format(text);
    let label = |c: &Option<pb::ConceptRef>| c.as_ref().map(|c| c.label.clone()).unwrap_or_default();
    let cost_words = |cost: Option<pb::MoveCost>| {
        let cost = cost.unwrap_or_default();
        let mut words = money(cost.estimated_cost_cents);
        if cost.unteachable_essential > 0 {
            let _ = write!(
                words,
                " + {} {}",
                cost.unteachable_essential,
                text.pick("vaardigheden zonder opleiding", "skills no course teaches")
            );
        }
        words
    };
    let mut out = String::new();
    let basis = match r.start_basis.as_str() {
        "best_fit" => format!(
            " ({} {})",
            text.pick("past het best bij het profiel:", "fits the profile best:"),
            percent(r.start_coverage)
        ),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{} {}{basis} → {}",
        text.pick("Opstapberoepen van", "Stepping stones from"),
        label(&r.start),
        label(&r.target)
    );
    if !r.reachable {
        let _ = writeln!(
            out,
            "   {}",
            text.pick(
                "geen keten van beroepsovergangen bereikt het doelberoep binnen het aantal stappen",
                "no chain of career transitions reaches the target within the number of moves"
            )
        );
    } else if r.steps.is_empty() {
        let _ = writeln!(out, "   {}", text.pick("het startberoep is het doelberoep", "the start is the target"));
    } else {
        let columns = [
            Column::right(text.pick("stap", "move"), 4),
            Column::left(text.pick("naar", "to"), 36),
            Column::right(text.pick("overlap", "overlap"), 7),
            Column::right(text.pick("geschatte opleidingskosten", "estimated training cost"), 26),
            Column::right(text.pick("te leren (essentieel)", "to learn (essential)"), 21),
        ];
        let rows: Vec<Vec<String>> = r
            .steps
            .iter()
            .enumerate()
            .map(|(n, s)| {
                vec![
                    (n + 1).to_string(),
                    label(&s.to),
                    percent(s.transition_score),
                    cost_words(s.cost),
                    s.essential_to_learn.len().to_string(),
                ]
            })
            .collect();
        out.push_str(&render(&columns, &rows, "     "));
        let _ = writeln!(out, "   {} {}", text.pick("totaal:", "total:"), cost_words(r.total));
    }
    if let Some(direct) = &r.direct {
        let transition = if r.direct_is_transition {
            text.pick("een gangbare overstap", "a common transition")
        } else {
            text.pick("geen gangbare overstap", "not a common transition")
        };
        let _ = writeln!(
            out,
            "   {} {} · {} {} · {}",
            text.pick("rechtstreeks:", "directly:"),
            cost_words(direct.cost),
            direct.essential_to_learn.len(),
            text.pick("essentiële vaardigheden te leren", "essential skills to learn"),
            transition
        );
    }
    let _ = writeln!(out, "\nsnapshot {}", r.snapshot_version);
    out
}

//! The advice report of `vaardig advise`: one model, rendered three ways — a Dutch (or English)
//! terminal report ([`text`]), a printable HTML development plan ([`html`]) and JSON (the model
//! serialised).
//!
//! The model is built from the services' answers (gap, matching, paths, eligibility) once, in
//! [`Advice::build`]; the renderers only lay it out, so the three outputs never disagree.

pub mod html;
pub mod table;
pub mod text;

use serde::Serialize;

use super::output::month_name;
use crate::funding::PaidTo;
use crate::funding::paid_to_text;
use crate::model::{Lang, Money, percent};
use crate::proto::v1 as pb;

/// A concept by id and label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: String,
    pub label: String,
}

impl Named {
    pub fn from_ref(c: &Option<pb::ConceptRef>) -> Named {
        let c = c.clone().unwrap_or_default();
        Named { id: c.id, label: c.label }
    }
}

/// Everything the advisor discusses with the person.
#[derive(Debug, Clone, Serialize)]
pub struct Advice {
    /// The ontology snapshot every answer came from.
    pub snapshot_version: String,
    pub lang: Lang,
    /// The day of the advice: the plan starts then, the schemes are checked on it.
    pub date: String,
    pub target: Named,
    pub current_occupation: Option<Named>,
    /// The person's skills, as in the profile file.
    pub profile: Vec<Named>,
    pub gap: Gap,
    /// Other occupations the person's skills fit, best first.
    pub alternatives: Vec<Alternative>,
    pub paths: Paths,
    pub funding: FundingCheck,
}

/// What the target occupation asks and how much of it the person covers.
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    pub coverage: f64,
    pub essential_coverage: f64,
    pub essential: Counts,
    pub optional: Counts,
    /// Covered first, then partly covered, then missing (most important first), as the service
    /// orders them.
    pub requirements: Vec<Requirement>,
}

/// Requirements of one importance class by coverage.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Counts {
    pub total: u32,
    pub covered: u32,
    pub partly_covered: u32,
    pub missing: u32,
}

/// One requirement of the target occupation.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub skill: Named,
    pub essential: bool,
    /// `covered`, `partly_covered` or `missing`.
    pub status: &'static str,
    /// Why it counts as covered (the matching service's reason), or where it is learnt.
    pub explanation: String,
}

/// An occupation the person's skills fit.
#[derive(Debug, Clone, Serialize)]
pub struct Alternative {
    pub occupation: Named,
    pub isco: String,
    pub kansberoep: bool,
    pub coverage: f64,
    pub essential_coverage: f64,
    /// The most important skills still to learn for it.
    pub to_learn: Vec<Named>,
}

/// The training paths to the target.
#[derive(Debug, Clone, Serialize)]
pub struct Paths {
    /// Courses the planner weighed.
    pub candidates: u32,
    pub essential_coverage_before: f64,
    /// Distinct options, best for the person first; identical options are merged (their `kinds`).
    pub options: Vec<PathOption>,
    /// The first day after the plan's horizon.
    pub horizon_end: String,
    /// Courses that would close part of the gap if they started within the horizon.
    pub later: Vec<LaterCourse>,
}

impl Paths {
    /// The report's view of a SuggestTrainingPath answer: what `vaardig path` prints, and part 3
    /// of the advice.
    pub fn from_response(r: &pb::SuggestTrainingPathResponse) -> Paths {
        Paths::with_options(r, options(r))
    }

    fn with_options(r: &pb::SuggestTrainingPathResponse, options: Vec<PathOption>) -> Paths {
        Paths {
            candidates: r.candidates,
            essential_coverage_before: r.essential_coverage_before,
            options,
            horizon_end: r.horizon_end.clone(),
            later: r
                .later
                .iter()
                .map(|l| LaterCourse {
                    course: Named::from_ref(&l.course),
                    next_start_date: l.next_start_date.clone(),
                    closes: l.closes.iter().map(|c| Named { id: c.id.clone(), label: c.label.clone() }).collect(),
                })
                .collect(),
        }
    }

    /// Whether no option has a step: the report then says what is missing and what to do now.
    pub fn dead_end(&self) -> bool {
        self.options.iter().all(|o| o.steps.is_empty())
    }
}

/// A course that would fit if it started within the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct LaterCourse {
    pub course: Named,
    /// Its first start after the horizon; empty when none is published.
    pub next_start_date: String,
    pub closes: Vec<Named>,
}

impl LaterCourse {
    /// Its next start in words, or that none is planned.
    pub fn next_start_words(&self, text: Lang) -> String {
        if self.next_start_date.is_empty() {
            text.pick("geen start gepland", "no start planned").to_string()
        } else {
            long_date(&self.next_start_date, text)
        }
    }
}

/// One training path.
#[derive(Debug, Clone, Serialize)]
pub struct PathOption {
    /// `cheapest`, `fastest`, `most_complete`: what this option is best at.
    pub kinds: Vec<String>,
    pub total_price_cents: i64,
    pub total_funding_cents: i64,
    pub total_own_cents: i64,
    pub total_hours: u64,
    pub finish_date: String,
    pub essential_coverage: f64,
    /// Found by the bounded (greedy) optimiser rather than exactly.
    pub approximate: bool,
    pub steps: Vec<Step>,
    /// Essential skills the path does not close, with why.
    pub still_open: Vec<OpenSkill>,
    /// The money per source over the whole path: schemes, then the person's own contribution.
    pub funding_by_source: Vec<SourceTotal>,
    /// Public money the path does not claim, once per scheme and reason.
    pub declined: Vec<DeclinedScheme>,
}

/// A scheme a path does not claim, and why.
#[derive(Debug, Clone, Serialize)]
pub struct DeclinedScheme {
    pub scheme: Named,
    pub reason: String,
}

impl PathOption {
    /// The steps per calendar year, years in order.
    pub fn by_year(&self) -> std::collections::BTreeMap<i32, Vec<&Step>> {
        let mut years: std::collections::BTreeMap<i32, Vec<&Step>> = std::collections::BTreeMap::new();
        for step in &self.steps {
            years.entry(step.year).or_default().push(step);
        }
        years
    }
}

/// One course (or EVC procedure) of a path.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub course: Named,
    pub year: i32,
    pub start_date: String,
    pub end_date: String,
    pub price_cents: i64,
    pub funding: Vec<FundingLine>,
    pub own_contribution_cents: i64,
    pub hours: u32,
    pub closes: Vec<Named>,
    pub credential: Option<Named>,
    pub evc: bool,
    pub why: String,
}

/// Money from one scheme for one step.
#[derive(Debug, Clone, Serialize)]
pub struct FundingLine {
    pub scheme: Named,
    pub amount_cents: i64,
    /// False for funding that depends on facts not known yet ("at most"); it is not counted in the
    /// step's funding, so the own contribution is what the person pays if it does not come.
    pub certain: bool,
}

/// The total from one source over a path.
#[derive(Debug, Clone, Serialize)]
pub struct SourceTotal {
    /// The scheme; `None` for the person's own contribution.
    pub scheme: Option<Named>,
    pub certain_cents: i64,
    pub possible_cents: i64,
}

/// An essential skill a path leaves open.
#[derive(Debug, Clone, Serialize)]
pub struct OpenSkill {
    pub skill: Named,
    pub explanation: String,
}

/// The funding schemes valid on the advice date, each checked for the person.
#[derive(Debug, Clone, Serialize)]
pub struct FundingCheck {
    pub date: String,
    /// The course checked against: the first step of the first path (the next application).
    pub course: Option<Named>,
    pub schemes: Vec<SchemeCheck>,
}

/// One scheme's answer, its trace summarised.
#[derive(Debug, Clone, Serialize)]
pub struct SchemeCheck {
    pub scheme: Named,
    /// `eligible`, `not_eligible`, `unknown`, or `needs_course` (a scheme about a course, checked
    /// without one: nothing about the person stands in the way, the course decides).
    pub decision: &'static str,
    /// Where the scheme's life span comes from (its `date_within_validity` rule).
    pub source: String,
    /// The conditions about the course, left open because no course was checked.
    pub about_course: Vec<String>,
    pub summary: String,
    pub amount_cents: Option<i64>,
    pub cost_cents: Option<i64>,
    /// The amount is a maximum: facts are missing.
    pub upper_bound: bool,
    /// Who is paid, in words.
    pub paid_to: String,
    pub passed: usize,
    pub failed: Vec<Condition>,
    pub unknown: Vec<Condition>,
    /// What, changed, would make the person eligible.
    pub would_change: Vec<String>,
    pub notices: Vec<String>,
    pub missing_facts: Vec<String>,
}

/// A condition that failed or could not be decided.
#[derive(Debug, Clone, Serialize)]
pub struct Condition {
    pub id: String,
    pub explanation: String,
    pub pending: bool,
    pub source: String,
}

/// The services' answers an advice is made of.
pub struct Answers<'a> {
    pub date: &'a str,
    pub lang: Lang,
    pub profile: Vec<Named>,
    pub current_occupation: Option<Named>,
    pub gap: &'a pb::ComputeSkillGapResponse,
    pub matches: &'a pb::MatchOccupationsResponse,
    pub alternatives: usize,
    pub path: &'a pb::SuggestTrainingPathResponse,
    pub checked_course: Option<Named>,
    pub checks: &'a [pb::CheckEligibilityResponse],
}

fn status_of(raw: i32) -> &'static str {
    match pb::CoverageStatus::try_from(raw) {
        Ok(pb::CoverageStatus::Covered) => "covered",
        Ok(pb::CoverageStatus::PartlyCovered) => "partly_covered",
        _ => "missing",
    }
}

fn decision_of(raw: i32) -> &'static str {
    match pb::EligibilityDecision::try_from(raw) {
        Ok(pb::EligibilityDecision::Eligible) => "eligible",
        Ok(pb::EligibilityDecision::NotEligible) => "not_eligible",
        _ => "unknown",
    }
}

fn source_text(source: &Option<pb::PolicySource>) -> String {
    match source {
        Some(s) => format!("{} ({}), {}", s.document, s.date, s.reference),
        None => String::new(),
    }
}

impl Advice {
    /// Lays the answers out as one advice.
    pub fn build(answers: Answers<'_>) -> Advice {
        let text = answers.lang;
        let options = options(answers.path);
        let gap = gap(answers.gap, options.first(), text);
        let excluded: Vec<&str> = std::iter::once(answers.gap.occupation.as_ref().map_or("", |c| c.id.as_str()))
            .chain(answers.current_occupation.as_ref().map(|c| c.id.as_str()))
            .collect();
        let alternatives = answers
            .matches
            .results
            .iter()
            .filter(|m| !excluded.contains(&m.occupation.as_ref().map_or("", |c| c.id.as_str())))
            .take(answers.alternatives)
            .map(|m| {
                let totals = m.totals.unwrap_or_default();
                Alternative {
                    occupation: Named::from_ref(&m.occupation),
                    isco: m.isco_code.clone(),
                    kansberoep: m.kansberoep,
                    coverage: totals.score,
                    essential_coverage: totals.essential_coverage,
                    to_learn: m.top_missing.iter().map(|r| Named::from_ref(&r.skill)).collect(),
                }
            })
            .collect();
        let schemes = answers.checks.iter().map(|c| scheme_check(c, text)).collect();
        Advice {
            snapshot_version: answers.gap.snapshot_version.clone(),
            lang: answers.lang,
            date: answers.date.to_string(),
            target: Named::from_ref(&answers.gap.occupation),
            current_occupation: answers.current_occupation,
            profile: answers.profile,
            gap,
            alternatives,
            paths: Paths::with_options(answers.path, options),
            funding: FundingCheck { date: answers.date.to_string(), course: answers.checked_course, schemes },
        }
    }

    /// Money in the report's language: `€ 1.350` or `€1,350`.
    pub fn money(&self, cents: i64) -> String {
        Money::from_cents(cents).format(self.lang)
    }

    /// A path's totals; see [`totals`].
    pub fn totals(&self, o: &PathOption) -> Vec<(&'static str, String)> {
        totals(o, self.lang)
    }

    pub fn english(&self) -> bool {
        self.lang.is_english()
    }

    pub fn text(&self) -> Lang {
        self.lang
    }
}

/// A path's totals as (caption, value) pairs, in the order every renderer shows them.
pub fn totals(o: &PathOption, t: Lang) -> Vec<(&'static str, String)> {
    let money = |cents: i64| Money::from_cents(cents).format(t);
    let mut parts = vec![
        (t.pick("prijs", "price"), money(o.total_price_cents)),
        (t.pick("subsidie", "funding"), money(o.total_funding_cents)),
        (t.pick("eigen bijdrage", "own contribution"), money(o.total_own_cents)),
        (t.pick("uren", "hours"), o.total_hours.to_string()),
        (t.pick("daarna essentieel gedekt", "essential covered afterwards"), percent(o.essential_coverage)),
    ];
    if !o.finish_date.is_empty() {
        parts.push((t.pick("klaar op", "done on"), long_date(&o.finish_date, t)));
    }
    parts
}

/// One funding line in words: "STAP-budget € 1.000", or "STAP-budget hooguit € 425" when it
/// depends on facts still missing.
pub fn funding_words(f: &FundingLine, t: Lang) -> String {
    let at_most = if f.certain { "" } else { t.pick("hooguit ", "at most ") };
    format!("{} {at_most}{}", f.scheme.label, Money::from_cents(f.amount_cents).format(t))
}

fn gap(r: &pb::ComputeSkillGapResponse, first_option: Option<&PathOption>, text: Lang) -> Gap {
    let totals = r.totals.unwrap_or_default();
    // Where the recommended path teaches a missing skill, or why it leaves it open: the gap's
    // explanation for what is missing.
    let learnt_in = |id: &str| -> Option<String> {
        let option = first_option?;
        let step = option.steps.iter().find(|s| s.closes.iter().any(|c| c.id == id));
        let open = option.still_open.iter().find(|o| o.skill.id == id);
        match (step, open) {
            (Some(step), None) => {
                Some(format!("{} {} ({})", text.pick("te leren in", "learnt in"), step.course.label, step.year))
            }
            // A step that raises the credit without covering it in full.
            (Some(step), Some(open)) => Some(format!(
                "{} {} ({}); {} {}",
                text.pick("deels te leren in", "partly learnt in"),
                step.course.label,
                step.year,
                text.pick("blijft open:", "stays open:"),
                open.explanation
            )),
            (None, Some(open)) => Some(format!("{} {}", text.pick("blijft open:", "stays open:"), open.explanation)),
            (None, None) => None,
        }
    };
    let requirements = r
        .covered
        .iter()
        .chain(&r.partly_covered)
        .chain(&r.missing)
        .map(|row| {
            let skill = Named::from_ref(&row.skill);
            let status = status_of(row.status);
            let explanation = match status {
                // The service's reason for a missing skill only repeats the status.
                "missing" => learnt_in(&skill.id).unwrap_or_default(),
                "partly_covered" => match learnt_in(&skill.id) {
                    Some(more) => format!("{}; {more}", row.reason),
                    None => row.reason.clone(),
                },
                _ => row.reason.clone(),
            };
            Requirement { skill, essential: row.importance == pb::Importance::Essential as i32, status, explanation }
        })
        .collect();
    Gap {
        coverage: totals.score,
        essential_coverage: totals.essential_coverage,
        essential: Counts {
            total: totals.essential_count,
            covered: totals.essential_covered,
            partly_covered: totals.essential_partly_covered,
            missing: totals.essential_missing,
        },
        optional: Counts {
            total: totals.optional_count,
            covered: totals.optional_covered,
            partly_covered: totals.optional_partly_covered,
            missing: totals.optional_missing,
        },
        requirements,
    }
}

fn options(r: &pb::SuggestTrainingPathResponse) -> Vec<PathOption> {
    let mut options: Vec<PathOption> = Vec::new();
    for o in &r.options {
        let steps: Vec<Step> = o
            .steps
            .iter()
            .map(|s| {
                let line = |f: &pb::StepFunding, certain| FundingLine {
                    scheme: Named::from_ref(&f.scheme),
                    amount_cents: f.amount_cents,
                    certain,
                };
                Step {
                    course: Named::from_ref(&s.course),
                    year: s.year,
                    start_date: s.start_date.clone(),
                    end_date: s.end_date.clone(),
                    price_cents: s.price_cents,
                    funding: s
                        .funding
                        .iter()
                        .map(|f| line(f, true))
                        .chain(s.possible_funding.iter().map(|f| line(f, false)))
                        .collect(),
                    own_contribution_cents: s.own_contribution_cents,
                    hours: s.hours,
                    closes: s.closes.iter().map(|c| Named { id: c.id.clone(), label: c.label.clone() }).collect(),
                    credential: s.credential.as_ref().map(|c| Named { id: c.id.clone(), label: c.label.clone() }),
                    evc: s.evc,
                    why: s.why.clone(),
                }
            })
            .collect();
        // The same courses on the same days are one option that is best in several ways.
        let same = |other: &PathOption| {
            other.steps.len() == steps.len()
                && other
                    .steps
                    .iter()
                    .zip(&steps)
                    .all(|(a, b)| a.course.id == b.course.id && a.start_date == b.start_date)
        };
        if let Some(existing) = options.iter_mut().find(|existing| same(existing)) {
            existing.kinds.push(o.kind.clone());
            continue;
        }
        let funding_by_source = by_source(&steps);
        let mut declined: Vec<DeclinedScheme> = Vec::new();
        for d in o.steps.iter().flat_map(|s| &s.declined_funding) {
            let scheme = Named::from_ref(&d.scheme);
            if !declined.iter().any(|x| x.scheme.id == scheme.id && x.reason == d.reason) {
                declined.push(DeclinedScheme { scheme, reason: d.reason.clone() });
            }
        }
        options.push(PathOption {
            kinds: vec![o.kind.clone()],
            total_price_cents: o.total_price_cents,
            total_funding_cents: o.total_funding_cents,
            total_own_cents: o.total_own_cents,
            total_hours: o.total_hours,
            finish_date: o.finish_date.clone(),
            essential_coverage: o.essential_coverage,
            approximate: o.bound.is_some(),
            steps,
            still_open: o
                .missing_essential
                .iter()
                .map(|m| OpenSkill { skill: Named::from_ref(&m.skill), explanation: m.explanation.clone() })
                .collect(),
            funding_by_source,
            declined,
        });
    }
    options
}

/// Totals per scheme in the order the schemes first appear, then the own contribution.
fn by_source(steps: &[Step]) -> Vec<SourceTotal> {
    let mut totals: Vec<SourceTotal> = Vec::new();
    for line in steps.iter().flat_map(|s| &s.funding) {
        let index = match totals.iter().position(|t| t.scheme.as_ref().is_some_and(|s| s.id == line.scheme.id)) {
            Some(index) => index,
            None => {
                totals.push(SourceTotal { scheme: Some(line.scheme.clone()), certain_cents: 0, possible_cents: 0 });
                totals.len() - 1
            }
        };
        if line.certain {
            totals[index].certain_cents += line.amount_cents;
        } else {
            totals[index].possible_cents += line.amount_cents;
        }
    }
    let own: i64 = steps.iter().map(|s| s.own_contribution_cents).sum();
    totals.push(SourceTotal { scheme: None, certain_cents: own, possible_cents: 0 });
    totals
}

fn scheme_check(r: &pb::CheckEligibilityResponse, text: Lang) -> SchemeCheck {
    let condition = |t: &pb::ConditionResult| Condition {
        id: t.condition_id.clone(),
        explanation: t.explanation.clone(),
        pending: t.pending,
        source: source_text(&t.source),
    };
    let about_course = |t: &pb::ConditionResult| t.missing_facts.iter().any(|f| f == "course_id");
    let with =
        |outcome: pb::ConditionOutcome| r.trace.iter().filter(move |t| t.outcome == outcome as i32 && !about_course(t));
    let paid_to = match PaidTo::parse(&r.paid_to) {
        Some(paid_to) => {
            let (nl, en) = paid_to_text(paid_to);
            text.pick(nl, en).to_string()
        }
        None => r.paid_to.clone(),
    };
    let decision = match decision_of(r.decision) {
        "unknown" if r.needs_course => "needs_course",
        other => other,
    };
    SchemeCheck {
        scheme: Named::from_ref(&r.scheme),
        decision,
        source: r
            .trace
            .iter()
            .find(|t| t.kind == "date_within_validity")
            .map(|t| source_text(&t.source))
            .unwrap_or_default(),
        about_course: r.trace.iter().filter(|t| about_course(t)).map(|t| t.condition_id.clone()).collect(),
        summary: r.summary.clone(),
        amount_cents: r.amounts.as_ref().map(|a| a.scheme_cents),
        cost_cents: r.amounts.as_ref().map(|a| a.cost_cents),
        upper_bound: r.amounts.as_ref().is_some_and(|a| a.upper_bound),
        paid_to,
        passed: with(pb::ConditionOutcome::Passed).count(),
        failed: with(pb::ConditionOutcome::Failed).map(condition).collect(),
        unknown: with(pb::ConditionOutcome::Unknown).map(condition).collect(),
        would_change: r.counterfactuals.iter().map(|c| c.explanation.clone()).collect(),
        notices: r.notices.iter().map(|n| n.text.clone()).collect(),
        missing_facts: r.missing_facts.iter().filter(|f| *f != "course_id").cloned().collect(),
    }
}

/// A missing fact (named as the request field that carries it) in words, with the `advise` flag
/// that gives it where there is one.
pub fn fact_words(fact: &str, text: Lang) -> String {
    let (nl, en, flag) = match fact {
        "person.age" => ("leeftijd", "age", "--age"),
        "person.birth_date" => ("geboortedatum", "birth date", "--birth-date"),
        "person.labour_market_tie" => ("band met de arbeidsmarkt", "tie to the labour market", "--labour-market-tie"),
        "person.labour_status" => ("arbeidssituatie", "labour status", "--labour-status"),
        "person.highest_education" => ("hoogst behaalde opleiding", "highest education", "--education"),
        "person.studiefinanciering_for_course" => {
            ("studiefinanciering voor de opleiding", "studiefinanciering for the course", "--studiefinanciering")
        }
        "person.lerarenbeurs_for_course" => {
            ("lerarenbeurs voor de opleiding", "lerarenbeurs for the course", "--lerarenbeurs")
        }
        "person.tegemoetkoming_for_course" => {
            ("tegemoetkoming voor de opleiding", "tegemoetkoming for the course", "--tegemoetkoming")
        }
        "person.already_granted_this_year_cents" => {
            ("wat de regeling dit jaar al toekende", "what the scheme already granted this year", "")
        }
        "course_grants_so_far" => ("toekenningen voor de opleiding tot nu toe", "grants for the course so far", ""),
        "approval" => ("instemming van werkgever, fonds of UWV", "approval of the employer, fund or UWV", ""),
        "applicant" => ("wie de aanvraag doet", "who applies", "--applicant"),
        "course_id" => ("een opleiding", "a course", "--course"),
        other => return other.to_string(),
    };
    let words = text.pick(nl, en);
    if flag.is_empty() { words.to_string() } else { format!("{words} ({flag})") }
}

/// `cheapest` → "goedkoopst voor de persoon"; several kinds joined ("goedkoopst … en snelst").
pub fn kinds_words(kinds: &[String], text: Lang) -> String {
    let words: Vec<&str> = kinds
        .iter()
        .map(|k| match k.as_str() {
            "cheapest" => text.pick("goedkoopst voor de persoon", "cheapest for the person"),
            "fastest" => text.pick("snelst", "fastest"),
            "most_complete" => text.pick("meest volledig", "most complete"),
            other => other,
        })
        .collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), text.pick("en", "and")),
    }
}

/// `2023-03-01` → "1 maart 2023" / "1 March 2023"; other text unchanged.
pub fn long_date(date: &str, text: Lang) -> String {
    match date.parse::<crate::model::Date>() {
        Ok(d) => {
            let name = month_name(d.month(), text);
            format!("{} {name} {}", d.day(), d.year())
        }
        Err(_) => date.to_string(),
    }
}

/// `2023-10-02` → "2 okt" (with `with_year`: "2 okt 2023"); other text unchanged.
pub fn short_date(date: &str, with_year: bool, text: Lang) -> String {
    const NL: [&str; 12] = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match date.parse::<crate::model::Date>() {
        Ok(d) => {
            let names = if text.pick("nl", "en") == "en" { EN } else { NL };
            let month = names[usize::from(d.month()) - 1];
            if with_year { format!("{} {month} {}", d.day(), d.year()) } else { format!("{} {month}", d.day()) }
        }
        Err(_) => date.to_string(),
    }
}

/// The decision in words.
pub fn decision_words(decision: &str, text: Lang) -> &'static str {
    match decision {
        "eligible" => text.pick("in aanmerking", "eligible"),
        "not_eligible" => text.pick("niet in aanmerking", "not eligible"),
        "needs_course" => text.pick("opleiding nodig", "needs a course"),
        _ => text.pick("nog onbekend", "not known yet"),
    }
}

/// The status of a requirement in words.
pub fn status_words(status: &str, text: Lang) -> &'static str {
    match status {
        "covered" => text.pick("gedekt", "covered"),
        "partly_covered" => text.pick("deels", "partly"),
        _ => text.pick("ontbreekt", "missing"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_kinds_read_as_words() {
        let nl = Lang::DUTCH;
        assert_eq!(long_date("2023-03-01", nl), "1 maart 2023");
        assert_eq!(long_date("2024-12-31", Lang::ENGLISH), "31 December 2024");
        assert_eq!(long_date("", nl), "");
        assert_eq!(short_date("2023-10-02", false, nl), "2 okt");
        assert_eq!(short_date("2027-08-30", true, Lang::ENGLISH), "30 Aug 2027");
        assert_eq!(kinds_words(&["cheapest".into(), "fastest".into()], nl), "goedkoopst voor de persoon en snelst");
    }

    #[test]
    fn money_per_source_separates_certain_possible_and_own() {
        let scheme = Named { id: "s".into(), label: "STAP-budget".into() };
        let step = |certain, amount, own| Step {
            course: Named { id: "c".into(), label: "c".into() },
            year: 2023,
            start_date: String::new(),
            end_date: String::new(),
            price_cents: 100_000,
            funding: vec![FundingLine { scheme: scheme.clone(), amount_cents: amount, certain }],
            own_contribution_cents: own,
            hours: 1,
            closes: vec![],
            credential: None,
            evc: false,
            why: String::new(),
        };
        let totals = by_source(&[step(true, 60_000, 40_000), step(false, 100_000, 100_000)]);
        assert_eq!(totals.len(), 2);
        assert_eq!((totals[0].certain_cents, totals[0].possible_cents), (60_000, 100_000));
        assert!(totals[1].scheme.is_none());
        assert_eq!(totals[1].certain_cents, 140_000);
    }
}

//! `vaardig courses`: the course finder for career advisors — against a server, or offline on a
//! local ontology (`--ontology`) through the very same service code.
//!
//! The person comes from a profile file (`--profile FILE`, see [`super::profile_file`]); their gap
//! for `--target` is what they want to learn, besides `--skill`. Funding facts are the flags of
//! `eligibility` ([`PersonFactsArgs`]); facts not given are unknown, not "no", so a course can be
//! "possibly fundable" until they are given.

use std::fmt::Write;
use std::path::PathBuf;

use super::client::{block_on, print_json, status_failure};
use super::funding::{PersonFactsArgs, decision_name, euros, is_short_scheme_id, resolve_scheme_id};
use super::planning::concept_json;
use super::profile_file::ProfileFile;
use super::report::table::{Column, render};
use super::{ClientArgs, Failure};
use crate::courses::Facet;
use crate::courses::value_label;
use crate::model::Lang;
use crate::model::Money;
use crate::model::{Delivery, Schedule, compact_id};
use crate::proto::v1 as pb;

/// Wrong usage of the command line.
const EXIT_USAGE: u8 = 2;

/// The question of `vaardig courses`.
#[derive(Debug, Clone, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct CoursesArgs {
    /// Free text: course titles, and the courses that teach a skill it names.
    pub query: Option<String>,
    /// A skill to learn (id); repeatable, or several after one --skill.
    #[arg(long = "skill", value_name = "ID", num_args = 1..)]
    pub skills: Vec<String>,
    /// Target occupation (id): the gap of --profile for it is what to learn.
    #[arg(long, value_name = "ID")]
    pub target: Option<String>,
    /// Profile file: {"version": 1, "skills": ["<id>", …], "current_occupation": "<id>" | null}.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Credential kind the course leads to (diploma, mbo_certificaat, praktijkverklaring,
    /// microcredential, branche_certificaat, evc_ervaringscertificaat, none); repeatable.
    #[arg(long = "credential-kind", value_name = "KIND")]
    pub credential_kinds: Vec<String>,
    /// mbo niveau 1–4 (0: none); repeatable.
    #[arg(long = "mbo-level", value_name = "N")]
    pub mbo_levels: Vec<u32>,
    /// NLQF level 1–8 (0: none); repeatable.
    #[arg(long = "nlqf", value_name = "N")]
    pub nlqf_levels: Vec<u32>,
    /// EQF level 1–8 (0: none); repeatable.
    #[arg(long = "eqf", value_name = "N")]
    pub eqf_levels: Vec<u32>,
    /// Arbeidsmarktregio (e.g. Rijnmond), `online` or `landelijk`; repeatable.
    #[arg(long = "region", value_name = "R")]
    pub regions: Vec<String>,
    /// Mode: klassikaal, online, blended (delivery) or voltijd, deeltijd, avond (schedule); repeatable.
    #[arg(long = "mode", value_name = "MODE")]
    pub modes: Vec<String>,
    /// Lowest price in euros.
    #[arg(long, value_name = "EUR", value_parser = euros)]
    pub min_price: Option<i64>,
    /// Highest price in euros.
    #[arg(long, value_name = "EUR", value_parser = euros)]
    pub max_price: Option<i64>,
    /// Fewest hours per week.
    #[arg(long, value_name = "N")]
    pub min_hours_per_week: Option<u32>,
    /// Most hours per week.
    #[arg(long, value_name = "N")]
    pub max_hours_per_week: Option<u32>,
    /// A start on or after this day, YYYY-MM-DD (default: --date).
    #[arg(long, value_name = "DATE")]
    pub start_from: Option<String>,
    /// A start on or before this day, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub start_until: Option<String>,
    /// Quality mark of the provider (ocw_erkend, nrto_keurmerk, nlqf_ingeschaald, branche_erkend,
    /// erkende_evc_aanbieder, none); repeatable.
    #[arg(long = "quality-mark", value_name = "MARK")]
    pub quality_marks: Vec<String>,
    /// Only courses this funding scheme may fund for the person on --date (e.g.
    /// vaardig:scheme/stap-budget): eligible, or unknown for facts not given.
    #[arg(long, value_name = "SCHEME")]
    pub fundable_by: Option<String>,
    /// With --fundable-by: only courses the scheme certainly funds.
    #[arg(long)]
    pub eligible_only: bool,
    /// A funding scheme to report per course; repeatable (default: the person's schemes on --date).
    #[arg(long = "scheme", value_name = "ID")]
    pub schemes: Vec<String>,
    /// The reference date, YYYY-MM-DD: funding is judged on it and courses start on or after it
    /// (default: today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    #[command(flatten)]
    pub facts: PersonFactsArgs,
    /// What the scheme already granted the person this calendar year, in euros.
    #[arg(long, value_name = "EUR", value_parser = euros)]
    pub already_granted_eur: Option<i64>,
    /// relevance, gap-per-euro, gap-per-hour, price or start-date.
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    /// Courses per page (1–100).
    #[arg(long, default_value_t = 10)]
    pub limit: i32,
    /// The next page: the token a previous answer printed.
    #[arg(long, value_name = "TOKEN")]
    pub page_token: Option<String>,
    /// Also print the counts per filter value (JSON always has them).
    #[arg(long)]
    pub facets: bool,
    #[command(flatten)]
    pub offline: super::services::OfflineArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

fn sort(name: &str) -> Result<pb::CourseSort, Failure> {
    Ok(match name {
        "relevance" => pb::CourseSort::Relevance,
        "gap-per-euro" | "gap_per_euro" => pb::CourseSort::GapPerEuro,
        "gap-per-hour" | "gap_per_hour" => pb::CourseSort::GapPerHour,
        "price" => pb::CourseSort::Price,
        "start-date" | "start_date" => pb::CourseSort::StartDate,
        other => {
            return Err(Failure::new(
                EXIT_USAGE,
                format!("--sort `{other}` is not one of: relevance, gap-per-euro, gap-per-hour, price, start-date"),
            ));
        }
    })
}

impl CoursesArgs {
    /// The request to send.
    pub fn request(&self) -> Result<pb::SearchCoursesRequest, Failure> {
        // Checked here so that the message speaks in the euros that were typed, not the cents sent.
        if let (Some(min), Some(max)) = (self.min_price, self.max_price) {
            if min > max {
                return Err(Failure::new(
                    EXIT_USAGE,
                    format!("--min-price {} is above --max-price {} (euros)", min as f64 / 100.0, max as f64 / 100.0),
                ));
            }
        }
        let mut deliveries = Vec::new();
        let mut schedules = Vec::new();
        for mode in &self.modes {
            if Delivery::parse(mode).is_some() {
                deliveries.push(mode.clone());
            } else if Schedule::parse(mode).is_some() {
                schedules.push(mode.clone());
            } else {
                return Err(Failure::new(
                    EXIT_USAGE,
                    format!("--mode `{mode}` is not one of: klassikaal, online, blended, voltijd, deeltijd, avond"),
                ));
            }
        }
        let profile = match &self.profile {
            Some(path) => Some(ProfileFile::read(path)?.to_pb()),
            None => None,
        };
        Ok(pb::SearchCoursesRequest {
            query: self.query.clone().unwrap_or_default(),
            skill_ids: self.skills.clone(),
            profile,
            target_occupation_id: self.target.clone().unwrap_or_default(),
            filters: Some(pb::CourseFilters {
                credential_kinds: self.credential_kinds.clone(),
                mbo_levels: self.mbo_levels.clone(),
                nlqf_levels: self.nlqf_levels.clone(),
                eqf_levels: self.eqf_levels.clone(),
                regions: self.regions.clone(),
                deliveries,
                schedules,
                min_price_cents: self.min_price,
                max_price_cents: self.max_price,
                min_hours_per_week: self.min_hours_per_week,
                max_hours_per_week: self.max_hours_per_week,
                start_from: self.start_from.clone().unwrap_or_default(),
                start_until: self.start_until.clone().unwrap_or_default(),
                quality_marks: self.quality_marks.clone(),
                fundable_by: self
                    .fundable_by
                    .as_ref()
                    .map(|scheme| pb::FundableBy { scheme_id: scheme.clone(), eligible_only: self.eligible_only }),
            }),
            person: Some(self.facts.to_pb(self.already_granted_eur)),
            date: self.date.clone().unwrap_or_default(),
            scheme_ids: self.schemes.clone(),
            sort: sort(&self.sort)? as i32,
            page_size: self.limit,
            page_token: self.page_token.clone().unwrap_or_default(),
            lang: self.client.lang.to_string(),
        })
    }
}

/// Asks a server, or the service code itself on a local ontology.
async fn ask(args: &CoursesArgs, mut request: pb::SearchCoursesRequest) -> Result<pb::SearchCoursesResponse, Failure> {
    let services = super::services::Services::open(&args.client, &args.offline).await?;
    // Short scheme ids (`stap-budget`) become the ids they name, asking for the list only then.
    let short_fundable =
        request.filters.as_ref().and_then(|f| f.fundable_by.as_ref()).is_some_and(|f| is_short_scheme_id(&f.scheme_id));
    if short_fundable || request.scheme_ids.iter().any(|id| is_short_scheme_id(id)) {
        let schemes = super::funding::all_schemes(|r| services.list_funding_schemes(r), "", Lang::DUTCH)
            .await
            .map_err(status_failure)?
            .schemes;
        if let Some(fundable) = request.filters.as_mut().and_then(|f| f.fundable_by.as_mut()) {
            if is_short_scheme_id(&fundable.scheme_id) {
                fundable.scheme_id = resolve_scheme_id(&fundable.scheme_id, &schemes, "--fundable-by")?;
            }
        }
        for id in request.scheme_ids.iter_mut().filter(|id| is_short_scheme_id(id)) {
            *id = resolve_scheme_id(id, &schemes, "--scheme")?;
        }
    }
    services.search_courses(request).await.map_err(status_failure)
}

pub fn courses(args: &CoursesArgs) -> Result<(), Failure> {
    let request = args.request()?;
    let response = block_on(ask(args, request))?;
    if args.client.json {
        print_json(&courses_json(&response));
    } else {
        print!("{}", courses_text(&response, args.client.lang, args.facets));
    }
    Ok(())
}

fn refs_json(list: &[pb::ConceptRef]) -> Vec<serde_json::Value> {
    list.iter().map(|c| serde_json::json!({"id": c.id, "label": c.label})).collect()
}

/// The answer as JSON: ids and labels, money in cents, enum values by name. Field names are
/// stable; new fields may be added.
pub fn courses_json(r: &pb::SearchCoursesResponse) -> serde_json::Value {
    let hits: Vec<serde_json::Value> = r
        .hits
        .iter()
        .map(|h| {
            let course = h.course.clone().unwrap_or_default();
            serde_json::json!({
                "id": course.id,
                "label": course.label,
                "provider": concept_json(&h.provider),
                "price_cents": h.price_cents,
                "own_cost_cents": h.own_cost_cents,
                "hours": h.hours,
                "weeks": h.weeks,
                "hours_per_week": h.hours_per_week,
                "delivery": h.delivery,
                "schedule": h.schedule,
                "region": h.region,
                "next_start_date": h.next_start_date,
                "start_dates": h.start_dates,
                "credential": concept_json(&h.credential),
                "credential_kind": h.credential_kind,
                "mbo_level": h.mbo_level,
                "nlqf_level": h.nlqf_level,
                "eqf_level": h.eqf_level,
                "quality_marks": h.quality_marks,
                "gap_share": h.gap_share,
                "text_score": h.text_score,
                "closes": h.closes.iter().map(|c| serde_json::json!({
                    "skill": c.skill.as_ref().map(|s| s.id.clone()),
                    "skill_label": c.skill.as_ref().map(|s| s.label.clone()),
                    "via": c.via.as_ref().map(|s| s.id.clone()),
                    "credit": c.credit,
                    "gain": c.gain,
                })).collect::<Vec<_>>(),
                "teaches_missing": refs_json(&h.teaches_missing),
                "funding": h.funding.iter().map(|f| serde_json::json!({
                    "scheme": f.scheme.as_ref().map(|s| s.id.clone()),
                    "scheme_label": f.scheme.as_ref().map(|s| s.label.clone()),
                    "decision": decision_name(f.decision),
                    "amount_cents": f.amount_cents,
                    "upper_bound": f.upper_bound,
                    "summary": f.summary,
                    "reasons": f.reasons,
                    "missing_facts": f.missing_facts,
                    "course_start_date": f.course_start_date,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let facets: serde_json::Map<String, serde_json::Value> = r
        .facets
        .iter()
        .map(|f| {
            let values: Vec<serde_json::Value> = f
                .values
                .iter()
                .map(|v| serde_json::json!({"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}))
                .collect();
            (f.name.clone(), serde_json::Value::from(values))
        })
        .collect();
    serde_json::json!({
        "version": r.snapshot_version,
        "date": r.date,
        "total": r.total_size,
        "next_page_token": r.next_page_token,
        "skills_to_learn": r.skills_to_learn.iter().map(|s| serde_json::json!({
            "id": s.skill.as_ref().map(|c| c.id.clone()),
            "label": s.skill.as_ref().map(|c| c.label.clone()),
            "weight": s.weight,
            "held": s.held,
        })).collect::<Vec<_>>(),
        "schemes": refs_json(&r.schemes),
        "hits": hits,
        "facets": facets,
    })
}

/// The name of a facet for people.
fn facet_title(name: &str, text: Lang) -> String {
    let (nl, en) = match name {
        "credential_kind" => ("levert op", "yields"),
        "mbo_level" => ("mbo-niveau", "mbo level"),
        "nlqf_level" => ("NLQF-niveau", "NLQF level"),
        "eqf_level" => ("EQF-niveau", "EQF level"),
        "region" => ("regio", "region"),
        "delivery" => ("lesvorm", "delivery"),
        "schedule" => ("rooster", "schedule"),
        "price" => ("prijs", "price"),
        "hours_per_week" => ("uren per week", "hours a week"),
        "start_month" => ("startmaand", "start month"),
        "quality_mark" => ("keurmerk aanbieder", "provider quality mark"),
        "fundable" => ("financiering", "funding"),
        other => (other, other),
    };
    text.pick(nl, en).to_string()
}

/// A table cell: a dash rather than nothing, so an empty cell reads as "none".
fn cell(text: String) -> String {
    if text.is_empty() { "–".to_string() } else { text }
}

/// The answer as readable text: a table of the courses, then per course what it teaches that the
/// person lacks and the money per scheme with the reason when there is none.
pub fn courses_text(r: &pb::SearchCoursesResponse, text: Lang, with_facets: bool) -> String {
    let money = |cents: i64| Money::from_cents(cents).format(text);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} · {} {}",
        r.total_size,
        text.pick("opleidingen gevonden", "courses found"),
        text.pick("peildatum", "reference date"),
        r.date
    );
    if !r.skills_to_learn.is_empty() {
        let skills: Vec<&str> =
            r.skills_to_learn.iter().filter_map(|s| s.skill.as_ref()).map(|s| s.label.as_str()).collect();
        let shown = skills.iter().take(12).copied().collect::<Vec<_>>().join(", ");
        let more = if skills.len() > 12 { format!(" (+{})", skills.len() - 12) } else { String::new() };
        let _ = writeln!(out, "{} {shown}{more}", text.pick("Te leren:", "To learn:"));
    }
    if r.hits.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            text.pick("Geen opleidingen die aan alle filters voldoen.", "No course meets every filter.")
        );
    }
    let funding_cell = |h: &pb::CourseHit| -> String {
        let parts: Vec<String> = h
            .funding
            .iter()
            .map(|f| {
                let label = f.scheme.as_ref().map(|s| s.label.clone()).unwrap_or_default();
                match pb::EligibilityDecision::try_from(f.decision) {
                    Ok(pb::EligibilityDecision::Eligible) => format!("{label} {}", money(f.amount_cents)),
                    Ok(pb::EligibilityDecision::Unknown) if f.amount_cents > 0 => {
                        format!("{label} {}{}?", text.pick("hooguit ", "at most "), money(f.amount_cents))
                    }
                    Ok(pb::EligibilityDecision::Unknown) => format!("{label} ?"),
                    _ => format!("{label} –"),
                }
            })
            .collect();
        parts.join("; ")
    };
    if !r.hits.is_empty() {
        let columns = [
            Column::right("#", 2),
            Column::left(text.pick("opleiding", "course"), 24),
            Column::left(text.pick("aanbieder", "provider"), 16),
            Column::right(text.pick("prijs", "price"), 9),
            Column::right(text.pick("eigen kosten", "own cost"), 9),
            Column::right(text.pick("uur/week", "hours/week"), 5),
            Column::left(text.pick("vorm", "mode"), 20),
            Column::left(text.pick("regio", "region"), 20),
            Column::left(text.pick("start", "start"), 10),
            Column::left(text.pick("levert op", "yields"), 22),
            Column::right(text.pick("dekt", "closes"), 5),
            Column::left(text.pick("financiering", "funding"), 28),
        ];
        let rows: Vec<Vec<String>> = r
            .hits
            .iter()
            .enumerate()
            .map(|(n, h)| {
                let course = h.course.clone().unwrap_or_default();
                let provider = h.provider.as_ref().map(|p| p.label.clone()).unwrap_or_default();
                let credential = match &h.credential {
                    Some(c) => {
                        format!("{} ({})", c.label, value_label(Facet::CredentialKind, &h.credential_kind, text))
                    }
                    None => String::new(),
                };
                let closes =
                    if r.skills_to_learn.is_empty() { String::new() } else { format!("{:.0}%", h.gap_share * 100.0) };
                vec![
                    (n + 1).to_string(),
                    cell(course.label),
                    cell(provider),
                    money(h.price_cents),
                    money(h.own_cost_cents),
                    h.hours_per_week.to_string(),
                    format!("{}/{}", h.delivery, h.schedule),
                    cell(h.region.clone()),
                    cell(h.next_start_date.clone()),
                    cell(credential),
                    cell(closes),
                    cell(funding_cell(h)),
                ]
            })
            .collect();
        let _ = write!(out, "\n{}", render(&columns, &rows, ""));
    }
    for (n, h) in r.hits.iter().enumerate() {
        let course = h.course.clone().unwrap_or_default();
        let _ = writeln!(out, "\n{}. {}  ({})", n + 1, course.label, compact_id(&course.id));
        if !h.closes.is_empty() {
            let skills: Vec<&str> =
                h.closes.iter().filter_map(|c| c.skill.as_ref()).map(|s| s.label.as_str()).collect();
            let _ = writeln!(
                out,
                "   {} {}",
                text.pick("dekt van het doelberoep:", "covers of the target:"),
                skills.join(", ")
            );
        }
        if !h.teaches_missing.is_empty() {
            let skills: Vec<&str> = h.teaches_missing.iter().map(|s| s.label.as_str()).collect();
            let _ =
                writeln!(out, "   {} {}", text.pick("leert wat je mist:", "teaches what you lack:"), skills.join(", "));
        }
        for f in &h.funding {
            let _ = writeln!(out, "   • {}", f.summary);
            for reason in &f.reasons {
                let _ = writeln!(out, "       {reason}");
            }
        }
    }
    if with_facets {
        let _ = writeln!(
            out,
            "\n{}",
            text.pick("Aantallen per filter (bij de andere filters):", "Counts per filter (under the other filters):")
        );
        for f in &r.facets {
            let values: Vec<String> = f
                .values
                .iter()
                .filter(|v| v.count > 0 || v.selected)
                .map(|v| format!("{}{} ({})", if v.selected { "*" } else { "" }, v.label, v.count))
                .collect();
            let values = if values.is_empty() { "–".to_string() } else { values.join(" · ") };
            let _ = writeln!(out, "  {}: {values}", facet_title(&f.name, text));
        }
    }
    if !r.next_page_token.is_empty() {
        let _ = writeln!(out, "\n{} --page-token {}", text.pick("volgende pagina:", "next page:"), r.next_page_token);
    }
    let _ = writeln!(out, "\nsnapshot {}", r.snapshot_version);
    out
}

//! `vaardig.v1.CourseService`: the course finder.
//!
//! The handler validates the request into a [`CourseQuery`] (every bad field at once: malformed or
//! unknown ids, ids of the wrong kind, unknown vocabulary values, negative prices, inverted ranges;
//! an unknown funding scheme is NOT_FOUND), calls [`courses::search`] once on the blocking pool and
//! converts the page back. Profiles and person facts are never logged: only counts and timings.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::error::{ApiError, Violations, invalid};
use super::request::{self, date, page_size, parse_page_token, person_facts, profile_input, resolve};
use super::response::{self, cents, decision, scheme_refs};
use crate::courses::{
    self, CourseFilters, CourseHit, CourseQuery, FundableFilter, SortBy, place_code, place_name, value_label,
};
use crate::engine::{Engines, LiveEngines};
use crate::funding::{Decision, Outcome};
use crate::model::{ConceptKind, CredentialKind, Date, Delivery, Lang, QualityMark, Schedule};
use crate::ontology::ConceptIdx;
use crate::proto::v1 as pb;
use crate::proto::v1::course_service_server::CourseService;

/// Longest free text accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1024;
/// Most skill ids one request may name.
pub const MAX_SKILLS: usize = 1000;
/// Most funding schemes one request may ask to report.
pub const MAX_SCHEMES: usize = 20;
/// Most values one filter may list.
pub const MAX_FILTER_VALUES: usize = 100;
const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 100;
/// The most a week holds.
const MAX_HOURS_PER_WEEK: u32 = 168;

/// The course service over the engines of one snapshot.
#[derive(Debug, Clone)]
pub struct CourseApi {
    engines: Arc<LiveEngines>,
}

impl CourseApi {
    pub fn new(engines: Arc<LiveEngines>) -> CourseApi {
        CourseApi { engines }
    }
}

/// Parses every value of a repeated vocabulary field; `field[i]` names a bad one.
fn values<T>(
    raw: &[String],
    field: &str,
    expected: &str,
    parse: impl Fn(&str) -> Option<T>,
    violations: &mut Violations,
) -> Vec<T> {
    if raw.len() > MAX_FILTER_VALUES {
        violations.add(field, format!("at most {MAX_FILTER_VALUES} values, not {}", raw.len()));
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, value) in raw.iter().enumerate() {
        match parse(value) {
            Some(v) => out.push(v),
            None => violations
                .add(format!("{field}[{i}]"), format!("`{}` is not one of: {expected}", request::truncate(value))),
        }
    }
    out
}

fn levels(raw: &[u32], field: &str, max: u32, violations: &mut Violations) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, level) in raw.iter().enumerate() {
        if *level > max {
            violations.add(format!("{field}[{i}]"), format!("must be 0 (none) or 1–{max}, not {level}"));
        } else {
            out.push(*level as u8);
        }
    }
    out
}

fn names<T: Copy + std::fmt::Display>(all: &[T]) -> String {
    all.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
}

/// `none` as `Some(None)`, a value of the vocabulary as `Some(Some(value))`.
fn none_or<T>(text: &str, parse: fn(&str) -> Option<T>) -> Option<Option<T>> {
    if text == "none" { Some(None) } else { parse(text).map(Some) }
}

/// Looks up an id that must name a concept of `kind`.
fn concept_of(
    snapshot: &crate::ontology::Snapshot,
    raw: &str,
    field: &str,
    kind: ConceptKind,
    violations: &mut Violations,
) -> Option<ConceptIdx> {
    let id = request::id(raw, field, violations)?;
    match snapshot.lookup(&id) {
        Some(idx) if snapshot.concept(idx).kind == kind => Some(idx),
        Some(idx) => {
            violations.add(field, format!("`{id}` is a {}, not a {kind}", snapshot.concept(idx).kind));
            None
        }
        None => {
            violations.add(field, format!("unknown {kind} `{id}`"));
            None
        }
    }
}

/// A funding scheme id: malformed or of another kind is a violation, unknown is NOT_FOUND.
fn scheme_of(
    snapshot: &crate::ontology::Snapshot,
    raw: &str,
    field: &str,
    violations: &mut Violations,
    unknown: &mut Vec<String>,
) -> Option<ConceptIdx> {
    let id = request::id(raw, field, violations)?;
    match snapshot.lookup(&id) {
        Some(idx) if snapshot.concept(idx).kind == ConceptKind::FundingScheme => Some(idx),
        Some(idx) => {
            violations.add(field, format!("`{id}` is a {}, not a funding scheme", snapshot.concept(idx).kind));
            None
        }
        None => {
            unknown.push(format!("{field}: funding scheme `{id}` not found"));
            None
        }
    }
}

fn sort(raw: i32, violations: &mut Violations) -> SortBy {
    match pb::CourseSort::try_from(raw) {
        Ok(pb::CourseSort::Unspecified | pb::CourseSort::Relevance) => SortBy::Relevance,
        Ok(pb::CourseSort::GapPerEuro) => SortBy::GapPerEuro,
        Ok(pb::CourseSort::GapPerHour) => SortBy::GapPerHour,
        Ok(pb::CourseSort::Price) => SortBy::Price,
        Ok(pb::CourseSort::StartDate) => SortBy::StartDate,
        Err(_) => {
            violations.add("sort", format!("unknown sort {raw}"));
            SortBy::Relevance
        }
    }
}

/// Validates the filters; the fundable-by scheme is resolved by the caller.
fn filters(f: &pb::CourseFilters, reference: Option<Date>, violations: &mut Violations) -> CourseFilters {
    let credential_expected = format!("{}, none", names(CredentialKind::ALL));
    let marks_expected = format!("{}, none", names(QualityMark::ALL));
    let credential_kinds = values(
        &f.credential_kinds,
        "filters.credential_kinds",
        &credential_expected,
        |t| none_or(t, CredentialKind::parse),
        violations,
    );
    let quality_marks = values(
        &f.quality_marks,
        "filters.quality_marks",
        &marks_expected,
        |t| none_or(t, QualityMark::parse),
        violations,
    );
    let places = values(
        &f.regions,
        "filters.regions",
        "one of the 35 arbeidsmarktregio's (e.g. Rijnmond), online, landelijk",
        place_code,
        violations,
    );
    let deliveries = values(&f.deliveries, "filters.deliveries", &names(Delivery::ALL), Delivery::parse, violations);
    let schedules = values(&f.schedules, "filters.schedules", &names(Schedule::ALL), Schedule::parse, violations);
    let money = |raw: Option<i64>, field: &str, violations: &mut Violations| match raw {
        Some(c) if c < 0 => {
            violations.add(field, format!("must be ≥ 0 cents, not {c}"));
            None
        }
        other => other.map(|c| c as u64),
    };
    let min_price_cents = money(f.min_price_cents, "filters.min_price_cents", violations);
    let max_price_cents = money(f.max_price_cents, "filters.max_price_cents", violations);
    if let (Some(min), Some(max)) = (min_price_cents, max_price_cents)
        && min > max
    {
        violations.add("filters.min_price_cents", format!("{min} is above max_price_cents {max}"));
    }
    for (value, field) in [(f.min_hours_per_week, "min_hours_per_week"), (f.max_hours_per_week, "max_hours_per_week")] {
        if value.is_some_and(|h| h > MAX_HOURS_PER_WEEK) {
            violations.add(format!("filters.{field}"), format!("must be 0–{MAX_HOURS_PER_WEEK}"));
        }
    }
    if let (Some(min), Some(max)) = (f.min_hours_per_week, f.max_hours_per_week)
        && min > max
    {
        violations.add("filters.min_hours_per_week", format!("{min} is above max_hours_per_week {max}"));
    }
    let start_from = date(&f.start_from, "filters.start_from", false, violations);
    let start_until = date(&f.start_until, "filters.start_until", false, violations);
    let from = start_from.or(reference);
    if let (Some(from), Some(until)) = (from, start_until)
        && from > until
    {
        let what = if start_from.is_some() { "start_from" } else { "the reference date" };
        violations.add("filters.start_until", format!("{until} lies before {what} {from}"));
    }
    CourseFilters {
        credential_kinds,
        mbo_levels: levels(&f.mbo_levels, "filters.mbo_levels", 4, violations),
        nlqf_levels: levels(&f.nlqf_levels, "filters.nlqf_levels", 8, violations),
        eqf_levels: levels(&f.eqf_levels, "filters.eqf_levels", 8, violations),
        places,
        deliveries,
        schedules,
        min_price_cents,
        max_price_cents,
        min_hours_per_week: f.min_hours_per_week,
        max_hours_per_week: f.max_hours_per_week,
        start_from,
        start_until,
        quality_marks,
        fundable: None,
    }
}

/// Validates a request into a query for `engines` (NOT_FOUND for unknown schemes after every
/// INVALID_ARGUMENT).
fn query(r: pb::SearchCoursesRequest, engines: &Engines) -> Result<CourseQuery, ApiError> {
    let snapshot = &*engines.snapshot;
    let mut violations = Violations::default();
    let mut unknown_schemes = Vec::new();
    let lang = request::lang(&r.lang, "lang", &mut violations);
    let text = Some(r.query.trim().to_string()).filter(|q| !q.is_empty());
    if r.query.len() > MAX_QUERY_BYTES {
        violations.add("query", format!("at most {MAX_QUERY_BYTES} bytes, not {}", r.query.len()));
    }
    if r.skill_ids.len() > MAX_SKILLS {
        violations.add("skill_ids", format!("at most {MAX_SKILLS} skills, not {}", r.skill_ids.len()));
    }
    let skills: Vec<ConceptIdx> = r
        .skill_ids
        .iter()
        .take(MAX_SKILLS)
        .enumerate()
        .filter_map(|(i, id)| concept_of(snapshot, id, &format!("skill_ids[{i}]"), ConceptKind::Skill, &mut violations))
        .collect();
    let target = if r.target_occupation_id.is_empty() {
        None
    } else {
        concept_of(snapshot, &r.target_occupation_id, "target_occupation_id", ConceptKind::Occupation, &mut violations)
    };
    let profile_given = r.profile.is_some();
    let profile_raw = profile_input(r.profile.unwrap_or_default(), "profile", &mut violations);
    let reference = if r.date.is_empty() { Some(Date::today()) } else { date(&r.date, "date", false, &mut violations) };
    let mut filters = filters(&r.filters.clone().unwrap_or_default(), reference, &mut violations);
    let fundable_raw = r.filters.and_then(|f| f.fundable_by).filter(|f| !f.scheme_id.is_empty());
    if let Some(f) = &fundable_raw {
        let scheme =
            scheme_of(snapshot, &f.scheme_id, "filters.fundable_by.scheme_id", &mut violations, &mut unknown_schemes);
        filters.fundable = scheme.map(|scheme| FundableFilter { scheme, eligible_only: f.eligible_only });
    }
    if r.scheme_ids.len() > MAX_SCHEMES {
        violations.add("scheme_ids", format!("at most {MAX_SCHEMES} schemes, not {}", r.scheme_ids.len()));
    }
    let schemes: Vec<ConceptIdx> = r
        .scheme_ids
        .iter()
        .take(MAX_SCHEMES)
        .enumerate()
        .filter_map(|(i, id)| {
            scheme_of(snapshot, id, &format!("scheme_ids[{i}]"), &mut violations, &mut unknown_schemes)
        })
        .collect();
    let person = person_facts(r.person.unwrap_or_default(), reference, &mut violations);
    let sort = sort(r.sort, &mut violations);
    let limit = page_size(r.page_size, DEFAULT_PAGE, MAX_PAGE, &mut violations);
    let (reference, person) = match violations.check((reference, person))? {
        (Some(reference), Some(person)) => (reference, person),
        _ => return Err(invalid("date", "invalid request")),
    };
    if !unknown_schemes.is_empty() {
        return Err(ApiError::NotFound(unknown_schemes.join("; ")));
    }
    let offset = parse_page_token(&r.page_token, snapshot.version())?;
    let profile = if profile_given { Some(resolve(snapshot, profile_raw, "profile")?) } else { None };
    let scheme_problem = |field: &str, scheme: ConceptIdx| {
        courses::check_scheme(&engines.funding, snapshot, scheme).err().map(|e| (field.to_string(), e))
    };
    let mut problems = Vec::new();
    problems.extend(filters.fundable.and_then(|f| scheme_problem("filters.fundable_by.scheme_id", f.scheme)));
    for (i, scheme) in schemes.iter().enumerate() {
        problems.extend(scheme_problem(&format!("scheme_ids[{i}]"), *scheme));
    }
    if !problems.is_empty() {
        return Err(ApiError::InvalidArgument(problems.into_iter().map(|(f, e)| (f, e.to_string())).collect()));
    }
    Ok(CourseQuery {
        text,
        skills,
        profile,
        target,
        filters,
        date: reference,
        person,
        schemes: (!schemes.is_empty()).then_some(schemes),
        sort,
        lang,
        offset,
        limit,
    })
}

/// One hit on the wire.
fn hit_pb(engines: &Engines, hit: &CourseHit, lang: Lang) -> pb::CourseHit {
    let snapshot = &*engines.snapshot;
    let r = |idx: ConceptIdx| response::concept_ref(snapshot, idx, &lang);
    let row = &engines.courses.rows()[hit.slot as usize];
    let funding = hit
        .funding
        .iter()
        .map(|f| {
            let e = &f.evaluation;
            let payer_ids = e.amounts.as_ref().map(|a| a.remainder_payers.clone()).unwrap_or_default();
            let payers: Vec<String> = scheme_refs(snapshot, &payer_ids, &lang).into_iter().map(|p| p.label).collect();
            let label = snapshot.concept(f.scheme).pref_label(&lang).to_string();
            let reasons_of = match e.decision {
                Decision::Eligible => None,
                Decision::NotEligible => Some(Outcome::Failed),
                Decision::Unknown => Some(Outcome::Unknown),
            };
            pb::CourseFunding {
                scheme: Some(r(f.scheme)),
                decision: decision(e.decision) as i32,
                amount_cents: e.amounts.as_ref().map_or(0, |a| cents(a.scheme_cents)),
                upper_bound: e.amounts.as_ref().is_some_and(|a| a.upper_bound),
                summary: e.summary(&label, &payers).get(lang).to_string(),
                reasons: e
                    .trace
                    .iter()
                    .filter(|t| Some(t.outcome) == reasons_of)
                    .map(|t| t.explanation.get(lang).to_string())
                    .collect(),
                missing_facts: e.missing_facts.iter().map(|m| m.to_string()).collect(),
                course_start_date: e.course_start.map(|d| d.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    pb::CourseHit {
        course: Some(r(hit.course)),
        provider: row.provider.map(|p| r(engines.courses.providers()[p as usize].concept)),
        price_cents: cents(row.price_cents),
        own_cost_cents: cents(hit.own_cost_cents),
        hours: row.hours,
        weeks: row.weeks,
        hours_per_week: row.hours_per_week,
        delivery: row.delivery.to_string(),
        schedule: row.schedule.to_string(),
        region: place_name(row.place).to_string(),
        next_start_date: hit.next_start.map(|d| d.to_string()).unwrap_or_default(),
        start_dates: hit.starts.iter().map(|d| d.to_string()).collect(),
        credential: row.credential.map(r),
        credential_kind: row.credential_kind.map(|k| k.to_string()).unwrap_or_default(),
        mbo_level: row.mbo_level.into(),
        nlqf_level: row.nlqf_level.into(),
        eqf_level: row.eqf_level.into(),
        quality_marks: hit.quality_marks.iter().map(|m| m.to_string()).collect(),
        gap_share: hit.gap_share,
        text_score: hit.text_score,
        closes: hit
            .closes
            .iter()
            .map(|c| pb::ClosedSkill { skill: Some(r(c.skill)), via: Some(r(c.via)), credit: c.credit, gain: c.gain })
            .collect(),
        teaches_missing: hit.teaches_missing.iter().map(|s| r(*s)).collect(),
        funding,
    }
}

#[tonic::async_trait]
impl CourseService for CourseApi {
    async fn search_courses(
        &self,
        request: Request<pb::SearchCoursesRequest>,
    ) -> Result<Response<pb::SearchCoursesResponse>, Status> {
        let started = std::time::Instant::now();
        super::limits::check_items(&request)?;
        let limits = super::limits::limits_of(&request);
        let engines = self.engines.current();
        let response = super::limits::blocking(limits, move |_| -> Result<pb::SearchCoursesResponse, Status> {
            let query = query(request.into_inner(), &engines)?;
            let page = courses::search(&engines, &query).map_err(ApiError::from)?;
            let snapshot = &*engines.snapshot;
            let lang = query.lang;
            let end = query.offset.saturating_add(page.hits.len());
            tracing::info!(
                results = page.total,
                skills_to_learn = page.skills_to_learn.len(),
                funding_evaluations = page.funding_evaluations,
                millis = started.elapsed().as_millis() as u64,
                "searched courses"
            );
            Ok(pb::SearchCoursesResponse {
                snapshot_version: snapshot.version().to_string(),
                hits: page.hits.iter().map(|h| hit_pb(&engines, h, lang)).collect(),
                total_size: i32::try_from(page.total).unwrap_or(i32::MAX),
                next_page_token: if end < page.total { format!("{}:{end}", snapshot.version()) } else { String::new() },
                facets: page
                    .facets
                    .iter()
                    .map(|f| pb::CourseFacet {
                        name: f.facet.to_string(),
                        values: f
                            .values
                            .iter()
                            .map(|v| pb::CourseFacetValue {
                                value: v.value.clone(),
                                label: value_label(f.facet, &v.value, lang),
                                count: v.count,
                                selected: v.selected,
                            })
                            .collect(),
                    })
                    .collect(),
                skills_to_learn: page
                    .skills_to_learn
                    .iter()
                    .map(|s| pb::SkillToLearn {
                        skill: Some(response::concept_ref(snapshot, s.skill, &lang)),
                        weight: s.weight,
                        held: s.held,
                    })
                    .collect(),
                date: query.date.to_string(),
                schemes: page.schemes.iter().map(|s| response::concept_ref(snapshot, *s, &lang)).collect(),
            })
        })
        .await?;
        Ok(Response::new(response))
    }
}

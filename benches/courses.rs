//! The course finder on full ESCO v1.1.1 with the embedded default (its funding schemes and 117
//! courses) and a synthetic register of 20,000 courses layered on top, generated in process by
//! `vaardig::synth` (seed 2026, as `vaardig synth-register` writes it).
//! `cargo bench --bench courses` (numbers in BENCHMARKS.md); the register size can be picked:
//! `cargo bench --bench courses -- 100000`.
//!
//! Every call of `courses::search` (what `CourseService.SearchCourses` calls once per request,
//! after validation) is timed and p50/p99/max printed per kind of request, all with facet counts:
//!
//! - `filters`: 1–4 random filters over every course (the full scan, no text, no skills);
//! - `filters+fundable`: the same and "fundable by the STAP-budget or the Levenlanglerenkrediet
//!   for this person on this date" (the funding evaluator per course signature);
//! - `gap`: a realistic profile's gap for a target occupation (half its essential skills held),
//!   random filters, fundable by STAP, sorted by gap share per euro;
//! - `text`: a skill's Dutch label as free text, random filters.
//!
//! Then the whole handler in process (validation, the search, conversion to the wire types) for
//! the `gap` requests, and a criterion group for the means.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use tonic::Request;
use vaardig::courses::place_code;
use vaardig::courses::{self, CourseFilters, CourseQuery, FundableFilter, SortBy};
use vaardig::engine::{Engines, LiveEngines};
use vaardig::funding::PersonFacts;
use vaardig::matching::{Basis, EvidenceLevel, Held, Profile};
use vaardig::model::{
    ARBEIDSMARKTREGIOS, ConceptKind, CredentialKind, Date, Delivery, EducationLevel, Importance, QualityMark, Schedule,
};
use vaardig::ontology::{self, SourceSpec};
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::course_service_server::CourseService;
use vaardig::server::courses::CourseApi;
use vaardig::synth::{self, Rng};

const SEED: u64 = 2026;
const STAP: &str = "https://id.vaardig.nl/scheme/stap-budget";
const LLK: &str = "https://id.vaardig.nl/scheme/levenlanglerenkrediet";

fn shared_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn report(name: &str, mut times: Vec<Duration>, results: usize) {
    times.sort();
    println!(
        "  {name:<18} n = {:>4}: p50 {} · p99 {} · max {} | avg {:.0} results",
        times.len(),
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap()),
        results as f64 / times.len() as f64
    );
}

fn person(rng: &mut Rng) -> PersonFacts {
    PersonFacts {
        age: Some(20 + rng.below(45) as u32),
        labour_market_tie: Some(true),
        education: Some([EducationLevel::Mbo2, EducationLevel::Mbo4, EducationLevel::Bachelor][rng.below(3)]),
        studiefinanciering: Some(false),
        lerarenbeurs: Some(false),
        tegemoetkoming: Some(false),
        already_granted_this_year_cents: if rng.chance(0.5) { Some(0) } else { None },
        ..PersonFacts::default()
    }
}

/// 1–4 random filters (each kind of filter about equally likely).
fn random_filters(rng: &mut Rng, on: Date) -> CourseFilters {
    let mut f = CourseFilters::default();
    for _ in 0..1 + rng.below(4) {
        match rng.below(9) {
            0 => f.credential_kinds = vec![None, Some(*rng.pick(CredentialKind::ALL))],
            1 => {
                f.places = vec![
                    place_code(ARBEIDSMARKTREGIOS[rng.below(ARBEIDSMARKTREGIOS.len())]).unwrap(),
                    place_code(ARBEIDSMARKTREGIOS[rng.below(ARBEIDSMARKTREGIOS.len())]).unwrap(),
                    place_code("online").unwrap(),
                ]
            }
            2 => f.deliveries = vec![*rng.pick(Delivery::ALL)],
            3 => f.schedules = vec![*rng.pick(Schedule::ALL)],
            4 => f.max_price_cents = Some([50_000, 100_000, 250_000][rng.below(3)]),
            5 => f.max_hours_per_week = Some([4, 8, 16][rng.below(3)]),
            6 => {
                f.start_from = Some(on);
                f.start_until = Some(Date::from_days(on.to_days() + 90 + rng.below(270) as i64));
            }
            7 => f.quality_marks = vec![Some(*rng.pick(QualityMark::ALL))],
            _ => f.mbo_levels = vec![0, 2, 3],
        }
    }
    f
}

/// The four kinds of request, in turn.
fn requests(engines: &Engines, rng: &mut Rng, n: usize) -> Vec<(&'static str, CourseQuery)> {
    let snapshot = &*engines.snapshot;
    let occupations = engines.matching.occupations();
    let skills: Vec<_> = snapshot.concepts_of(ConceptKind::Skill).map(|(idx, _)| idx).collect();
    let stap = snapshot.lookup(STAP).expect("the STAP-budget");
    let llk = snapshot.lookup(LLK).expect("the Levenlanglerenkrediet");
    let dates = [Date::new(2022, 9, 5).unwrap(), Date::new(2023, 3, 1).unwrap(), Date::new(2025, 1, 6).unwrap()];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let on = dates[rng.below(dates.len())];
        let mut q = CourseQuery::on(on);
        q.filters = random_filters(rng, on);
        let kind = match i % 4 {
            0 => "filters",
            1 => {
                q.filters.fundable =
                    Some(FundableFilter { scheme: if rng.chance(0.7) { stap } else { llk }, eligible_only: false });
                q.person = person(rng);
                "filters+fundable"
            }
            2 => {
                let origin = &occupations[rng.below(occupations.len())];
                let held = origin
                    .requirements
                    .iter()
                    .filter(|r| r.importance == Importance::Essential && rng.chance(0.5))
                    .map(|r| Held { skill: r.skill, basis: Basis::Claim(EvidenceLevel::Ungraded) })
                    .collect();
                q.profile = Some(Profile::of(held));
                q.target = Some(if rng.chance(0.5) {
                    origin.concept
                } else {
                    occupations[rng.below(occupations.len())].concept
                });
                q.filters.fundable = Some(FundableFilter { scheme: stap, eligible_only: false });
                q.person = person(rng);
                q.sort = SortBy::GapPerEuro;
                "gap"
            }
            _ => {
                let skill = snapshot.concept(*rng.pick(&skills));
                q.text = Some(skill.pref_label("nl").to_string());
                "text"
            }
        };
        out.push((kind, q));
    }
    out
}

/// The wire request of a `gap` query (for the handler in process).
fn wire(engines: &Engines, q: &CourseQuery) -> pb::SearchCoursesRequest {
    let snapshot = &*engines.snapshot;
    let id = |idx| snapshot.concept(idx).id.to_string();
    let f = &q.filters;
    pb::SearchCoursesRequest {
        profile: q.profile.as_ref().map(|p| pb::Profile {
            skills: p.held.iter().map(|h| pb::SkillClaim { skill_id: id(h.skill), ..Default::default() }).collect(),
            ..Default::default()
        }),
        target_occupation_id: q.target.map(id).unwrap_or_default(),
        filters: Some(pb::CourseFilters {
            credential_kinds: f.credential_kinds.iter().map(|k| k.map_or("none".into(), |k| k.to_string())).collect(),
            mbo_levels: f.mbo_levels.iter().map(|l| u32::from(*l)).collect(),
            regions: f.places.iter().map(|p| vaardig::courses::place_name(*p).to_string()).collect(),
            deliveries: f.deliveries.iter().map(|d| d.to_string()).collect(),
            schedules: f.schedules.iter().map(|s| s.to_string()).collect(),
            max_price_cents: f.max_price_cents.map(|c| c as i64),
            max_hours_per_week: f.max_hours_per_week,
            start_from: f.start_from.map(|d| d.to_string()).unwrap_or_default(),
            start_until: f.start_until.map(|d| d.to_string()).unwrap_or_default(),
            quality_marks: f.quality_marks.iter().map(|m| m.map_or("none".into(), |m| m.to_string())).collect(),
            fundable_by: f.fundable.map(|x| pb::FundableBy { scheme_id: id(x.scheme), eligible_only: x.eligible_only }),
            ..Default::default()
        }),
        person: Some(pb::PersonFacts {
            age: q.person.age.map(|a| a as i32),
            labour_market_tie: q.person.labour_market_tie,
            highest_education: q.person.education.map(|e| e.to_string()).unwrap_or_default(),
            studiefinanciering_for_course: q.person.studiefinanciering,
            lerarenbeurs_for_course: q.person.lerarenbeurs,
            tegemoetkoming_for_course: q.person.tegemoetkoming,
            already_granted_this_year_cents: q.person.already_granted_this_year_cents.map(|c| c as i64),
            ..Default::default()
        }),
        date: q.date.to_string(),
        sort: pb::CourseSort::GapPerEuro as i32,
        page_size: 20,
        ..Default::default()
    }
}

fn main() {
    // Positional numbers are register sizes; the values of criterion's options are not.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<usize> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || !args[i - 1].starts_with("--"))
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    let size = sizes.first().copied().unwrap_or(20_000);
    let esco = shared_data().join("esco-v1.1.1");
    let base = ontology::load(&[SourceSpec::Path(esco.clone()), SourceSpec::Embedded]).expect("ESCO + default").0;
    let dir = tempfile::tempdir().expect("a temporary folder");
    synth::generate(&base, SEED, size).write(dir.path()).expect("write the register");
    let (snapshot, _) =
        ontology::load(&[SourceSpec::Path(esco), SourceSpec::Embedded, SourceSpec::Path(dir.path().to_path_buf())])
            .expect("the synthetic register layers");
    let snapshot = Arc::new(snapshot);
    let started = Instant::now();
    let engines = Arc::new(Engines::build(snapshot.clone()));
    let all_engines = started.elapsed();
    let started = Instant::now();
    let index = courses::CourseIndex::build(snapshot.clone());
    let index_built = started.elapsed();
    println!(
        "course finder benchmark: ESCO v1.1.1 + embedded default + {size} synthetic courses (seed {SEED}): {} courses indexed in {} (all engines {})",
        index.len(),
        ms(index_built),
        ms(all_engines)
    );
    drop(index);

    let mut rng = Rng::new(SEED);
    let list = requests(&engines, &mut rng, 2000);
    // Warm up (page faults, caches), untimed.
    for (_, q) in list.iter().take(50) {
        let _ = courses::search(&engines, q).expect("valid queries");
    }
    let mut by_kind: Vec<(&str, Vec<Duration>, usize)> = Vec::new();
    let mut all = Vec::new();
    let mut evaluations = 0usize;
    for (kind, q) in &list {
        let started = Instant::now();
        let page = courses::search(&engines, q).expect("valid queries");
        let took = started.elapsed();
        all.push(took);
        evaluations += page.funding_evaluations;
        match by_kind.iter_mut().find(|(k, _, _)| k == kind) {
            Some((_, times, results)) => {
                times.push(took);
                *results += page.total;
            }
            None => by_kind.push((kind, vec![took], page.total)),
        }
    }
    println!("courses::search, facets on, page of 20 with funding per scheme:");
    for (kind, times, results) in by_kind {
        report(kind, times, results);
    }
    report("all", all, 0);
    println!("  fundable filter: {:.1} signature evaluations per request that asks it", evaluations as f64 / 1000.0);

    // The handler in process: validation, the search, conversion to the wire types.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let api = CourseApi::new(LiveEngines::new(engines.clone()));
    let gap: Vec<pb::SearchCoursesRequest> =
        list.iter().filter(|(k, _)| *k == "gap").map(|(_, q)| wire(&engines, q)).collect();
    let mut times = Vec::new();
    let mut results = 0;
    for request in &gap {
        let started = Instant::now();
        let response = runtime.block_on(api.search_courses(Request::new(request.clone()))).expect("valid requests");
        times.push(started.elapsed());
        results += response.into_inner().total_size as usize;
    }
    println!("SearchCourses handler in process (gap requests):");
    report("handler gap", times, results);

    // A register size on the command line is not a criterion filter.
    let c = Criterion::default().sample_size(30);
    let mut c = if sizes.is_empty() { c.configure_from_args() } else { c };
    let mut group = c.benchmark_group("courses_esco_20k");
    for kind in ["filters", "filters+fundable", "gap", "text"] {
        let queries: Vec<&CourseQuery> = list.iter().filter(|(k, _)| *k == kind).map(|(_, q)| q).collect();
        let mut i = 0usize;
        group.bench_function(kind, |b| {
            b.iter(|| {
                i += 1;
                courses::search(&engines, queries[i % queries.len()]).expect("valid queries")
            })
        });
    }
    group.finish();
    c.final_summary();
}

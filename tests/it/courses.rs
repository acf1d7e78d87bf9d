//! The course finder: facet counts against a brute-force count on seeded random filters over the
//! embedded default with a synthetic register layered on it; the fundable filter against the
//! funding rules (never a course outside the register on its start date or outside the scheme's
//! windows); SearchCourses over gRPC with bad input; `vaardig courses` end to end.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use tonic::Code;
use vaardig::courses::{self, CourseQuery, Facet, Fundability, FundableFilter, SortBy};
use vaardig::engine::Engines;
use vaardig::funding::{Decision, PersonFacts};
use vaardig::matching::{Basis, EvidenceLevel, Held, Profile};
use vaardig::model::starts;
use vaardig::model::{
    ARBEIDSMARKTREGIOS, ConceptKind, CredentialKind, Date, Delivery, Details, EducationLevel, QualityMark,
    RelationKind, Schedule, expand_id,
};
use vaardig::ontology::{self, ConceptIdx, Dir, SourceSpec};
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::course_service_client::CourseServiceClient;
use vaardig::synth::{self, Rng};

use crate::errors::bad_fields;
use crate::helpers::{embedded, spawn_server, spawn_server_thread};

const STAP: &str = "https://id.vaardig.nl/scheme/stap-budget";
const LLK: &str = "https://id.vaardig.nl/scheme/levenlanglerenkrediet";
const OMSCHOLING: &str = "https://id.vaardig.nl/scheme/omscholing-ict-techniek";
const PRAKTIJKLEREN: &str = "https://id.vaardig.nl/scheme/praktijkleren";
const LASSER: &str = "esco:occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b";

/// The embedded default with a synthetic register of 900 courses layered on it (seed 77).
fn with_register() -> Arc<Engines> {
    static ENGINES: OnceLock<Arc<Engines>> = OnceLock::new();
    ENGINES
        .get_or_init(|| {
            let base = ontology::load(&[SourceSpec::Embedded]).expect("embedded loads").0;
            let dir = tempfile::tempdir().unwrap();
            synth::generate(&base, 77, 900).write(dir.path()).unwrap();
            let sources = [SourceSpec::Embedded, SourceSpec::Path(dir.path().to_path_buf())];
            let snapshot = ontology::load(&sources).expect("embedded + synthetic register loads").0;
            Arc::new(Engines::build(Arc::new(snapshot)))
        })
        .clone()
}

fn idx(engines: &Engines, id: &str) -> ConceptIdx {
    engines.snapshot.lookup(&expand_id(id)).unwrap_or_else(|| panic!("{id} exists"))
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

fn query(on: &str) -> CourseQuery {
    CourseQuery::on(date(on))
}

/// Someone STAP could fund: 30, tied to the labour market, no other public money, nothing granted yet.
fn stap_person() -> PersonFacts {
    PersonFacts {
        age: Some(30),
        labour_market_tie: Some(true),
        studiefinanciering: Some(false),
        lerarenbeurs: Some(false),
        tegemoetkoming: Some(false),
        already_granted_this_year_cents: Some(0),
        ..PersonFacts::default()
    }
}

// ------------------------------------------------------------------------------------------------
// Brute force: every course read straight from the snapshot, every filter tested on its own.

/// What the filters read of a course, taken from the snapshot without the course index.
struct Plain {
    concept: ConceptIdx,
    credential: Option<CredentialKind>,
    mbo: u8,
    nlqf: u8,
    eqf: u8,
    place: String,
    delivery: Delivery,
    schedule: Schedule,
    price: u64,
    hours_per_week: u32,
    /// Dated starts, and the patterns whose starts the model's `first_start` and `starts_between`
    /// give (tested on their own in `model::starts`).
    starts: Vec<Date>,
    patterns: Vec<vaardig::model::StartPattern>,
    marks: Vec<QualityMark>,
    evc: bool,
    taught: Vec<ConceptIdx>,
}

fn plain_courses(engines: &Engines, on: Date) -> Vec<Plain> {
    let snapshot = &*engines.snapshot;
    let mut out = Vec::new();
    for (concept, c) in snapshot.concepts_of(ConceptKind::Course) {
        let Details::Course(d) = &c.details else { continue };
        let credential =
            snapshot.relations(concept, Dir::Outgoing, Some(RelationKind::LeadsTo)).into_iter().find_map(|v| {
                match &snapshot.concept(v.other).details {
                    Details::Credential(cr) => Some((v.other, cr.credential_kind, cr.nlqf_level)),
                    _ => None,
                }
            });
        let (mut mbo, mut nlqf, mut eqf) = (0, 0, 0);
        if let Some((credential, _, level)) = credential {
            nlqf = level.unwrap_or(0);
            for q in snapshot.relations(credential, Dir::Outgoing, Some(RelationKind::PartOf)) {
                if let Details::Qualification(q) = &snapshot.concept(q.other).details {
                    mbo = q.mbo_level;
                    if nlqf == 0 {
                        nlqf = q.nlqf_level;
                    }
                    eqf = q.eqf_level;
                }
            }
            if eqf == 0 {
                eqf = nlqf;
            }
        }
        let place = match (&d.region, d.delivery) {
            (Some(r), _) => r.to_string(),
            (None, Delivery::Online) => "online".to_string(),
            (None, _) => "landelijk".to_string(),
        };
        let marks = match snapshot.get(&d.provider).map(|p| &p.details) {
            Some(Details::Provider(p)) => {
                p.quality_marks.iter().filter(|g| g.validity.contains(on)).map(|g| g.mark).collect()
            }
            _ => Vec::new(),
        };
        let mut starts = d.start_dates.clone();
        starts.sort();
        out.push(Plain {
            concept,
            credential: credential.map(|c| c.1),
            mbo,
            nlqf,
            eqf,
            place,
            delivery: d.delivery,
            schedule: d.schedule,
            price: d.price_cents,
            hours_per_week: d.hours.div_ceil(d.weeks),
            starts,
            patterns: d.start_patterns.clone(),
            marks,
            evc: credential.is_some_and(|c| c.1 == CredentialKind::EvcErvaringscertificaat),
            taught: snapshot
                .relations(concept, Dir::Outgoing, Some(RelationKind::Teaches))
                .iter()
                .map(|v| v.other)
                .collect(),
        });
    }
    out
}

/// The facet values of one course, as the response names them.
fn facet_values(p: &Plain, facet: Facet, on: Date, decision: Option<Decision>) -> Vec<String> {
    let level = |l: u8| if l == 0 { "none".to_string() } else { l.to_string() };
    match facet {
        Facet::CredentialKind => vec![p.credential.map_or("none".to_string(), |k| k.to_string())],
        Facet::MboLevel => vec![level(p.mbo)],
        Facet::NlqfLevel => vec![level(p.nlqf)],
        Facet::EqfLevel => vec![level(p.eqf)],
        Facet::Region => vec![p.place.clone()],
        Facet::Delivery => vec![p.delivery.to_string()],
        Facet::Schedule => vec![p.schedule.to_string()],
        Facet::Price => {
            let euros = p.price / 100;
            let bounds = [(0, 250), (250, 500), (500, 1000), (1000, 2500), (2500, 5000)];
            let bucket = bounds.iter().find(|(from, to)| euros >= *from && euros < *to);
            vec![bucket.map_or("5000+".to_string(), |(from, to)| format!("{from}-{to}"))]
        }
        Facet::HoursPerWeek => {
            let h = p.hours_per_week;
            let bounds = [(0, 4), (5, 8), (9, 16), (17, 24)];
            let bucket = bounds.iter().find(|(from, to)| h >= *from && h <= *to);
            vec![bucket.map_or("25+".to_string(), |(from, to)| format!("{from}-{to}"))]
        }
        Facet::StartMonth => {
            let months: BTreeSet<String> = starts::starts_between(&p.starts, &p.patterns, on, None)
                .iter()
                .filter(|d| **d >= on)
                .filter(|d| (d.year() - on.year()) * 12 + i32::from(d.month()) - i32::from(on.month()) < 36)
                .map(|d| format!("{:04}-{:02}", d.year(), d.month()))
                .collect();
            months.into_iter().collect()
        }
        Facet::QualityMark => {
            if p.marks.is_empty() {
                vec!["none".to_string()]
            } else {
                p.marks.iter().map(|m| m.to_string()).collect()
            }
        }
        Facet::Fundable => decision.map(|d| vec![d.to_string()]).unwrap_or_default(),
    }
}

/// The first planned start inside the query's start window.
fn window_start(p: &Plain, q: &CourseQuery) -> Option<Date> {
    let from = q.filters.start_from.unwrap_or(q.date);
    let until = q.filters.start_until.map(|u| Date::from_days(u.to_days() + 1));
    starts::first_start(&p.starts, &p.patterns, from, until)
}

/// The decision of the fundable-by scheme for a course, by the full evaluator.
fn full_decision(engines: &Engines, q: &CourseQuery, p: &Plain) -> Option<Decision> {
    let f = q.filters.fundable?;
    let start = window_start(p, q).or_else(|| starts::first_start(&p.starts, &p.patterns, q.date, None));
    let slot = engines.courses.slot(p.concept).unwrap();
    Some(
        courses::evaluate_course(&engines.courses, &engines.funding, f.scheme, slot, start, &q.person, q.date)?
            .decision,
    )
}

/// Whether a course passes the filter of `facet`.
fn passes(p: &Plain, facet: Facet, q: &CourseQuery, decision: Option<Decision>) -> bool {
    let f = &q.filters;
    let any = |chosen: &[u8], value: u8| chosen.is_empty() || chosen.contains(&value);
    match facet {
        Facet::CredentialKind => f.credential_kinds.is_empty() || f.credential_kinds.contains(&p.credential),
        Facet::MboLevel => any(&f.mbo_levels, p.mbo),
        Facet::NlqfLevel => any(&f.nlqf_levels, p.nlqf),
        Facet::EqfLevel => any(&f.eqf_levels, p.eqf),
        Facet::Region => {
            f.places.is_empty() || f.places.iter().any(|code| vaardig::courses::place_name(*code) == p.place)
        }
        Facet::Delivery => f.deliveries.is_empty() || f.deliveries.contains(&p.delivery),
        Facet::Schedule => f.schedules.is_empty() || f.schedules.contains(&p.schedule),
        Facet::Price => {
            f.min_price_cents.is_none_or(|m| p.price >= m) && f.max_price_cents.is_none_or(|m| p.price <= m)
        }
        Facet::HoursPerWeek => {
            f.min_hours_per_week.is_none_or(|m| p.hours_per_week >= m)
                && f.max_hours_per_week.is_none_or(|m| p.hours_per_week <= m)
        }
        Facet::StartMonth => window_start(p, q).is_some(),
        Facet::QualityMark => {
            f.quality_marks.is_empty()
                || f.quality_marks.iter().any(|m| match m {
                    None => p.marks.is_empty(),
                    Some(m) => p.marks.contains(m),
                })
        }
        Facet::Fundable => match (f.fundable, decision) {
            (None, _) => true,
            (Some(filter), Some(d)) => filter.accepts(d),
            (Some(_), None) => false,
        },
    }
}

/// The courses a query's skills to learn reach (no profile: nothing is held).
fn base_set(engines: &Engines, q: &CourseQuery, courses: &[Plain]) -> Vec<usize> {
    if q.skills.is_empty() {
        return (0..courses.len()).collect();
    }
    let mut sources = BTreeSet::new();
    for &skill in &q.skills {
        sources.insert(skill);
        sources.extend(engines.matching.creditors(skill).iter().map(|l| l.skill));
    }
    (0..courses.len()).filter(|i| !courses[*i].evc && courses[*i].taught.iter().any(|s| sources.contains(s))).collect()
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T], most: usize) -> Vec<&'a T> {
    let n = 1 + rng.below(most);
    (0..n).map(|_| rng.pick(items)).collect()
}

/// A seeded random query: each filter set with some probability, random person facts.
fn random_query(engines: &Engines, rng: &mut Rng, courses: &[Plain]) -> CourseQuery {
    let dates = ["2022-06-01", "2022-09-05", "2023-03-01", "2023-09-20", "2024-05-01", "2025-02-01"];
    let mut q = query(dates[rng.below(dates.len())]);
    let f = &mut q.filters;
    if rng.chance(0.3) {
        let mut kinds: Vec<Option<CredentialKind>> = CredentialKind::ALL.iter().map(|k| Some(*k)).collect();
        kinds.push(None);
        f.credential_kinds = pick(rng, &kinds, 2).into_iter().copied().collect();
    }
    if rng.chance(0.2) {
        f.mbo_levels = pick(rng, &[0, 1, 2, 3, 4], 2).into_iter().copied().collect();
    }
    if rng.chance(0.15) {
        f.nlqf_levels = pick(rng, &[0, 2, 3, 4, 6], 2).into_iter().copied().collect();
    }
    if rng.chance(0.1) {
        f.eqf_levels = pick(rng, &[0, 2, 3, 4], 2).into_iter().copied().collect();
    }
    if rng.chance(0.3) {
        let mut places: Vec<&str> = ARBEIDSMARKTREGIOS.to_vec();
        places.extend(["online", "landelijk", "online"]);
        f.places = pick(rng, &places, 3).into_iter().filter_map(|p| vaardig::courses::place_code(p)).collect();
    }
    if rng.chance(0.3) {
        f.deliveries = pick(rng, Delivery::ALL, 2).into_iter().copied().collect();
    }
    if rng.chance(0.3) {
        f.schedules = pick(rng, Schedule::ALL, 2).into_iter().copied().collect();
    }
    if rng.chance(0.3) {
        f.min_price_cents = [None, Some(0), Some(20_000), Some(50_000)][rng.below(4)];
        f.max_price_cents = [None, Some(100_000), Some(300_000)][rng.below(3)];
    }
    if rng.chance(0.25) {
        f.min_hours_per_week = [None, Some(2), Some(6)][rng.below(3)];
        f.max_hours_per_week = [None, Some(8), Some(16), Some(30)][rng.below(4)];
    }
    if rng.chance(0.3) {
        let from = Date::from_days(q.date.to_days() + rng.below(400) as i64);
        f.start_from = Some(from);
        f.start_until = rng.chance(0.7).then(|| Date::from_days(from.to_days() + 60 + rng.below(400) as i64));
    }
    if rng.chance(0.25) {
        let mut marks: Vec<Option<QualityMark>> = QualityMark::ALL.iter().map(|m| Some(*m)).collect();
        marks.push(None);
        f.quality_marks = pick(rng, &marks, 2).into_iter().copied().collect();
    }
    if rng.chance(0.5) {
        let scheme = idx(engines, [STAP, LLK, STAP][rng.below(3)]);
        f.fundable = Some(FundableFilter { scheme, eligible_only: rng.chance(0.3) });
        q.person = PersonFacts {
            age: Some(16 + rng.below(55) as u32),
            labour_market_tie: [None, Some(true), Some(false)][rng.below(3)],
            education: [None, Some(EducationLevel::Mbo2), Some(EducationLevel::Bachelor)][rng.below(3)],
            studiefinanciering: [None, Some(false)][rng.below(2)],
            lerarenbeurs: [None, Some(false)][rng.below(2)],
            tegemoetkoming: [None, Some(false)][rng.below(2)],
            already_granted_this_year_cents: [None, Some(0), Some(60_000)][rng.below(3)],
            ..PersonFacts::default()
        };
    }
    if rng.chance(0.3) {
        for _ in 0..1 + rng.below(3) {
            let course = rng.pick(courses);
            if let Some(skill) = course.taught.first() {
                q.skills.push(*skill);
            }
        }
    }
    q.schemes = Some(Vec::new());
    q.limit = 5000;
    q
}

#[test]
fn courses_facet_counts_equal_a_brute_force_count_on_random_filters() {
    let engines = with_register();
    let mut rng = Rng::new(20_261_125);
    let mut courses_by_date: BTreeMap<Date, Vec<Plain>> = BTreeMap::new();
    let all = plain_courses(&engines, date("2024-01-01"));
    let mut nonzero_results = 0;
    let mut nonzero_counts = 0;
    for round in 0..60 {
        let q = random_query(&engines, &mut rng, &all);
        let courses = courses_by_date.entry(q.date).or_insert_with(|| plain_courses(&engines, q.date));
        let page = courses::search(&engines, &q).unwrap_or_else(|e| panic!("round {round}: {e}"));

        let base = base_set(&engines, &q, courses);
        let decisions: Vec<Option<Decision>> = courses.iter().map(|p| full_decision(&engines, &q, p)).collect();
        let mut expected: BTreeMap<Facet, BTreeMap<String, u32>> = BTreeMap::new();
        let mut results = BTreeSet::new();
        for &i in &base {
            let p = &courses[i];
            let failing: Vec<Facet> = Facet::ALL.iter().copied().filter(|f| !passes(p, *f, &q, decisions[i])).collect();
            if failing.is_empty() {
                results.insert(p.concept);
            }
            for &facet in Facet::ALL {
                if failing.iter().all(|f| *f == facet) {
                    for value in facet_values(p, facet, q.date, decisions[i]) {
                        *expected.entry(facet).or_default().entry(value).or_default() += 1;
                    }
                }
            }
        }
        assert_eq!(page.total, results.len(), "round {round}: total");
        let found: BTreeSet<ConceptIdx> = page.hits.iter().map(|h| h.course).collect();
        assert_eq!(found, results, "round {round}: the results themselves");
        if !results.is_empty() {
            nonzero_results += 1;
        }
        for facet in &page.facets {
            let want = expected.remove(&facet.facet).unwrap_or_default();
            for value in &facet.values {
                nonzero_counts += usize::from(value.count > 0);
                assert_eq!(
                    value.count,
                    want.get(&value.value).copied().unwrap_or(0),
                    "round {round}: facet {} value {}",
                    facet.facet,
                    value.value
                );
            }
            for (value, count) in &want {
                assert!(
                    facet.values.iter().any(|v| &v.value == value),
                    "round {round}: facet {} misses value {value} ({count})",
                    facet.facet
                );
            }
        }
        assert!(expected.is_empty(), "round {round}: facets not returned: {:?}", expected.keys().collect::<Vec<_>>());
    }
    assert!(nonzero_results >= 12, "the random filters should often leave results ({nonzero_results} of 60)");
    assert!(nonzero_counts >= 1000, "most facet values count something ({nonzero_counts})");
}

#[test]
fn courses_signature_decisions_equal_full_evaluations() {
    let engines = with_register();
    let index = &engines.courses;
    let people = [
        PersonFacts::default(),
        PersonFacts { education: Some(EducationLevel::Mbo3), ..stap_person() },
        PersonFacts { age: Some(57), education: Some(EducationLevel::Mbo4), ..PersonFacts::default() },
    ];
    let mut compared = 0;
    for scheme in [STAP, LLK, OMSCHOLING, PRAKTIJKLEREN] {
        let scheme = idx(&engines, scheme);
        for on in ["2022-03-01", "2022-09-05", "2023-03-01", "2023-10-01", "2025-01-06"] {
            for person in &people {
                let mut decider = Fundability::new(index, &engines.funding, scheme, person, date(on)).unwrap();
                let mut seen = BTreeSet::new();
                for slot in 0..index.len() as u32 {
                    let start = index.first_start(slot, date(on), None);
                    let fast = decider.decision(slot, start);
                    let full = courses::evaluate_course(index, &engines.funding, scheme, slot, start, person, date(on))
                        .unwrap()
                        .decision;
                    assert_eq!(
                        fast,
                        full,
                        "course {} on {on}",
                        engines.snapshot.concept(index.rows()[slot as usize].concept).id
                    );
                    seen.insert(fast);
                    compared += 1;
                }
                assert!(decider.evaluations() < 200, "signatures group courses: {}", decider.evaluations());
            }
        }
    }
    assert!(compared > 10_000);
}

/// Whether the STAP rules themselves allow a course starting on `start` for an application on
/// `on`: the scheme's life, an open window whose budget had not run out, the register at the start.
fn stap_allows(engines: &Engines, course: ConceptIdx, start: Option<Date>, on: Date) -> bool {
    let scheme = engines.funding.details(idx(engines, STAP)).unwrap();
    let rules = scheme.rules.as_deref().unwrap();
    let window = rules.tijdvakken.iter().find(|t| t.from <= on && on < t.to);
    let window_ok = window.is_some_and(|t| t.exhausted_on.is_none_or(|day| on <= day));
    let Details::Course(d) = &engines.snapshot.concept(course).details else { return false };
    let in_register = start.is_some_and(|s| {
        d.registers
            .iter()
            .any(|m| m.register == vaardig::model::Register::StapScholingsregister && m.validity.contains(s))
    });
    scheme.validity.contains(on) && window_ok && in_register
}

#[test]
fn courses_outside_the_register_or_the_window_are_never_fundable() {
    let engines = with_register();
    let stap = idx(&engines, STAP);
    let mut rng = Rng::new(8);
    let mut fundable_seen = 0;
    let mut rounds_without = 0;
    for round in 0..40 {
        let on = Date::from_days(date("2022-01-15").to_days() + rng.below(900) as i64);
        let mut q = query(&on.to_string());
        q.filters.fundable = Some(FundableFilter { scheme: stap, eligible_only: rng.chance(0.3) });
        q.person = stap_person();
        if rng.chance(0.4) {
            let from = Date::from_days(on.to_days() + rng.below(300) as i64);
            q.filters.start_from = Some(from);
        }
        q.limit = 5000;
        let page = courses::search(&engines, &q).unwrap();
        if page.total == 0 {
            rounds_without += 1;
        }
        for hit in &page.hits {
            let report = hit.funding.iter().find(|f| f.scheme == stap).expect("the fundable-by scheme is reported");
            assert_ne!(report.evaluation.decision, Decision::NotEligible, "round {round}");
            assert!(
                stap_allows(&engines, hit.course, report.evaluation.course_start, on),
                "round {round}: {} reported fundable on {on} (start {:?})",
                engines.snapshot.concept(hit.course).id,
                report.evaluation.course_start
            );
            fundable_seen += 1;
        }
    }
    assert!(fundable_seen > 50, "some courses are fundable on some dates ({fundable_seen})");
    assert!(rounds_without > 3, "on dates outside the windows nothing is ({rounds_without})");
}

#[test]
fn courses_stap_examples_on_the_embedded_default() {
    let engines = embedded();
    let stap = idx(&engines, STAP);
    let person = stap_person();
    let ids = |page: &courses::CoursePage| -> Vec<String> {
        page.hits.iter().map(|h| engines.snapshot.concept(h.course).id.to_string()).collect()
    };
    // 2023-03-01: window 2023-1 is open; digitaal lesgeven starts 2023-03-06, inside its register
    // membership (to 2023-07-01). Verpleegtechnische handelingen starts 2023-11-06, after its
    // membership ended (2023-01-01): never fundable.
    let mut q = query("2023-03-01");
    q.filters.fundable = Some(FundableFilter { scheme: stap, eligible_only: false });
    q.person = person.clone();
    q.limit = 200;
    let page = courses::search(&engines, &q).unwrap();
    let found = ids(&page);
    assert!(found.iter().any(|id| id.ends_with("course/digitaal-lesgeven-elo")), "{found:?}");
    assert!(!found.iter().any(|id| id.ends_with("course/verpleegtechnische-handelingen")), "{found:?}");
    let hit =
        page.hits.iter().find(|h| engines.snapshot.concept(h.course).id.ends_with("digitaal-lesgeven-elo")).unwrap();
    let stap_report = &hit.funding[0];
    assert_eq!(stap_report.scheme, stap, "the fundable-by scheme comes first");
    assert_eq!(stap_report.evaluation.course_start, Some(date("2023-03-06")));

    // The same course from August on starts 2023-09-04, outside its register membership.
    q.filters.start_from = Some(date("2023-08-01"));
    let page = courses::search(&engines, &q).unwrap();
    assert!(!ids(&page).iter().any(|id| id.ends_with("course/digitaal-lesgeven-elo")), "{:?}", ids(&page));

    // Between windows (2023-01-01 – 2023-02-28) nothing is fundable, and the facet says so.
    let mut q = query("2023-02-10");
    q.filters.fundable = Some(FundableFilter { scheme: stap, eligible_only: false });
    q.person = person.clone();
    let page = courses::search(&engines, &q).unwrap();
    assert_eq!(page.total, 0);
    let facet = page.facets.iter().find(|f| f.facet == Facet::Fundable).unwrap();
    let count = |v: &str| facet.values.iter().find(|x| x.value == v).unwrap().count;
    assert_eq!((count("eligible"), count("unknown")), (0, 0));
    assert!(count("not_eligible") > 0);

    // Without the filter the same courses are found, each with the reason STAP pays nothing.
    let mut q = query("2023-02-10");
    q.person = person;
    q.schemes = Some(vec![stap]);
    let page = courses::search(&engines, &q).unwrap();
    assert!(page.total > 0);
    for hit in &page.hits {
        let report = &hit.funding[0];
        assert_eq!(report.evaluation.decision, Decision::NotEligible);
        assert!(report.evaluation.amounts.is_none(), "no money is promised while a rule fails");
    }
}

#[test]
fn courses_for_a_gap_rank_by_the_share_they_close_and_say_what_they_teach() {
    let engines = embedded();
    let lasser = idx(&engines, LASSER);
    let mut q = query("2024-06-01");
    q.profile = Some(Profile::default());
    q.target = Some(lasser);
    q.limit = 50;
    let page = courses::search(&engines, &q).unwrap();
    assert!(!page.skills_to_learn.is_empty());
    assert!(page.total > 0);
    let shares: Vec<f64> = page.hits.iter().map(|h| h.gap_share).collect();
    assert!(shares.windows(2).all(|w| w[0] >= w[1]), "relevance = gap share first: {shares:?}");
    let best = &page.hits[0];
    assert!(best.gap_share > 0.0 && !best.closes.is_empty() && !best.teaches_missing.is_empty());
    let learn: BTreeSet<ConceptIdx> = page.skills_to_learn.iter().map(|s| s.skill).collect();
    assert!(best.closes.iter().all(|c| learn.contains(&c.skill)));
    let welding =
        page.hits.iter().any(|h| engines.snapshot.concept(h.course).id.ends_with("course/lassen-mig-mag-basis"));
    assert!(welding, "the basic welding course closes part of a welder's gap");

    // Holding a skill the course teaches: it is no longer listed as lacking.
    let hit =
        page.hits.iter().find(|h| engines.snapshot.concept(h.course).id.ends_with("lassen-mig-mag-basis")).unwrap();
    let held = hit.teaches_missing[0];
    q.profile = Some(Profile::of(vec![Held { skill: held, basis: Basis::Claim(EvidenceLevel::Ungraded) }]));
    let page = courses::search(&engines, &q).unwrap();
    let again = page.hits.iter().find(|h| h.course == hit.course).unwrap();
    assert!(!again.teaches_missing.contains(&held));

    // Per euro and per hour: the order follows share / cost and share / hours.
    for sort in [SortBy::GapPerEuro, SortBy::GapPerHour] {
        q.sort = sort;
        let page = courses::search(&engines, &q).unwrap();
        let key = |h: &courses::CourseHit| {
            let row = &engines.courses.rows()[h.slot as usize];
            match sort {
                SortBy::GapPerEuro => h.gap_share / (h.own_cost_cents as f64 / 100.0).max(1.0),
                _ => h.gap_share / f64::from(row.hours.max(1)),
            }
        };
        let keys: Vec<f64> = page.hits.iter().map(key).collect();
        assert!(keys.windows(2).all(|w| w[0] >= w[1]), "{sort:?}: {keys:?}");
    }
    q.sort = SortBy::Price;
    let prices: Vec<u64> = courses::search(&engines, &q)
        .unwrap()
        .hits
        .iter()
        .map(|h| engines.courses.rows()[h.slot as usize].price_cents)
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
}

#[test]
fn courses_text_finds_titles_and_courses_teaching_a_named_skill() {
    let engines = embedded();
    let mut q = query("2024-06-01");
    q.text = Some("lassen".to_string());
    q.limit = 50;
    let page = courses::search(&engines, &q).unwrap();
    let ids: Vec<String> = page.hits.iter().map(|h| engines.snapshot.concept(h.course).id.to_string()).collect();
    assert!(ids.iter().any(|id| id.ends_with("course/lassen-mig-mag-basis")), "{ids:?}");
    assert!(page.hits[0].text_score >= page.hits.last().unwrap().text_score);
    // Sorting by start date puts the earliest start first.
    q.sort = SortBy::StartDate;
    let starts: Vec<Date> = courses::search(&engines, &q).unwrap().hits.iter().filter_map(|h| h.next_start).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
}

// ------------------------------------------------------------------------------------------------
// gRPC

fn request(on: &str) -> pb::SearchCoursesRequest {
    pb::SearchCoursesRequest { date: on.to_string(), ..Default::default() }
}

#[tokio::test]
async fn search_courses_ranks_the_same_way_on_every_call() {
    // A course's gap share is a sum over the skills it closes; summed in a map's random order it
    // differed in the last bits between calls, and courses of equal share swapped places.
    let server = spawn_server(embedded()).await;
    let mut client = CourseServiceClient::new(server.channel().await);
    let engines = embedded();
    let occupations: Vec<String> =
        engines.snapshot.concepts_of(vaardig::model::ConceptKind::Occupation).map(|(_, c)| c.id.to_string()).collect();
    for occupation in &occupations {
        let mut r = request("2025-06-01");
        r.target_occupation_id = occupation.clone();
        r.page_size = 50;
        let answer = |page: pb::SearchCoursesResponse| -> Vec<(String, f64)> {
            page.hits.iter().map(|h| (h.course.as_ref().unwrap().id.clone(), h.gap_share)).collect()
        };
        let first = answer(client.search_courses(r.clone()).await.unwrap().into_inner());
        for _ in 0..5 {
            let again = answer(client.search_courses(r.clone()).await.unwrap().into_inner());
            assert_eq!(again, first, "{occupation}");
        }
    }
}

#[tokio::test]
async fn search_courses_over_grpc_pages_through_every_result_once() {
    let server = spawn_server(embedded()).await;
    let mut client = CourseServiceClient::new(server.channel().await);
    let mut r = request("2024-06-01");
    r.page_size = 7;
    r.filters = Some(pb::CourseFilters { regions: vec!["Rijnmond".into(), "online".into()], ..Default::default() });
    let mut seen = BTreeSet::new();
    let mut total = None;
    loop {
        let page = client.search_courses(r.clone()).await.unwrap().into_inner();
        total.get_or_insert(page.total_size);
        assert_eq!(Some(page.total_size), total);
        for hit in &page.hits {
            assert!(hit.region == "Rijnmond" || hit.region == "online", "{}", hit.region);
            assert!(seen.insert(hit.course.clone().unwrap().id), "no duplicates across pages");
        }
        let region = page.facets.iter().find(|f| f.name == "region").unwrap();
        assert!(region.values.iter().any(|v| v.value == "Rijnmond" && v.selected && v.count > 0));
        assert!(region.values.iter().any(|v| !v.selected && v.count > 0), "other regions are counted too");
        if page.next_page_token.is_empty() {
            break;
        }
        r.page_token = page.next_page_token;
    }
    assert_eq!(seen.len() as i32, total.unwrap());
    assert!(seen.len() > 7, "more than one page");

    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest { service: "vaardig.v1.CourseService".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.status, tonic_health::pb::health_check_response::ServingStatus::Serving as i32);
}

#[tokio::test]
async fn search_courses_rejects_bad_input_naming_every_field() {
    let server = spawn_server(embedded()).await;
    let mut client = CourseServiceClient::new(server.channel().await);

    let mut bad = request("2024-13-01");
    bad.skill_ids = vec!["geen id".into(), "vaardig:skill/bestaat-niet".into(), LASSER.into()];
    bad.target_occupation_id = "vaardig:skill/mig-mag-lassen".into();
    bad.page_size = 500;
    bad.sort = 99;
    bad.filters = Some(pb::CourseFilters {
        credential_kinds: vec!["certificaat".into()],
        mbo_levels: vec![5],
        regions: vec!["Utrecht".into()],
        deliveries: vec!["thuis".into()],
        min_price_cents: Some(-5),
        min_hours_per_week: Some(20),
        max_hours_per_week: Some(10),
        start_from: "2025-05-01".into(),
        start_until: "2025-01-01".into(),
        quality_marks: vec!["iso".into()],
        ..Default::default()
    });
    let status = client.search_courses(bad).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let fields = bad_fields(&status);
    for field in [
        "date",
        "skill_ids[0]",
        "skill_ids[1]",
        "skill_ids[2]",
        "target_occupation_id",
        "page_size",
        "sort",
        "filters.credential_kinds[0]",
        "filters.mbo_levels[0]",
        "filters.regions[0]",
        "filters.deliveries[0]",
        "filters.min_price_cents",
        "filters.min_hours_per_week",
        "filters.start_until",
        "filters.quality_marks[0]",
    ] {
        assert!(fields.contains(&field.to_string()), "{field} not in {fields:?}");
    }

    let mut inverted = request("2024-06-01");
    inverted.filters =
        Some(pb::CourseFilters { min_price_cents: Some(50_000), max_price_cents: Some(10_000), ..Default::default() });
    let status = client.search_courses(inverted).await.unwrap_err();
    assert_eq!(bad_fields(&status), vec!["filters.min_price_cents"]);

    let mut unknown = request("2024-06-01");
    unknown.filters = Some(pb::CourseFilters {
        fundable_by: Some(pb::FundableBy { scheme_id: "vaardig:scheme/bestaat-niet".into(), eligible_only: false }),
        ..Default::default()
    });
    let status = client.search_courses(unknown).await.unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(status.message().contains("https://id.vaardig.nl/scheme/bestaat-niet"), "{}", status.message());

    let mut not_a_scheme = request("2024-06-01");
    not_a_scheme.scheme_ids = vec!["vaardig:course/lassen-mig-mag-basis".into()];
    let status = client.search_courses(not_a_scheme).await.unwrap_err();
    assert_eq!(bad_fields(&status), vec!["scheme_ids[0]"]);

    let mut advice = request("2024-06-01");
    advice.filters = Some(pb::CourseFilters {
        fundable_by: Some(pb::FundableBy {
            scheme_id: "vaardig:scheme/stap-ontwikkeladvies".into(),
            eligible_only: true,
        }),
        ..Default::default()
    });
    let status = client.search_courses(advice).await.unwrap_err();
    assert_eq!(bad_fields(&status), vec!["filters.fundable_by.scheme_id"]);
    assert!(status.message().contains("does not fund courses"), "{}", status.message());

    let mut sort = request("2024-06-01");
    sort.sort = pb::CourseSort::GapPerEuro as i32;
    let status = client.search_courses(sort).await.unwrap_err();
    assert_eq!(bad_fields(&status), vec!["sort"]);

    let mut token = request("2024-06-01");
    token.page_token = "andere-versie:20".into();
    let status = client.search_courses(token).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::FailedPrecondition);
    assert!(status.message().contains("andere-versie"), "{}", status.message());
    let mut malformed = request("2024-06-01");
    malformed.page_token = "zonder-dubbele-punt".into();
    let status = client.search_courses(malformed).await.unwrap_err();
    assert_eq!(bad_fields(&status), vec!["page_token"]);

    let mut profile = request("2024-06-01");
    profile.profile = Some(pb::Profile {
        skills: vec![pb::SkillClaim { skill_id: "esco:skill/bestaat-niet".into(), ..Default::default() }],
        ..Default::default()
    });
    let status = client.search_courses(profile).await.unwrap_err();
    assert_eq!(bad_fields(&status), vec!["profile.skills[0].skill_id"]);

    let mut person = request("2024-06-01");
    person.person =
        Some(pb::PersonFacts { age: Some(-3), highest_education: "universiteit".into(), ..Default::default() });
    let status = client.search_courses(person).await.unwrap_err();
    assert_eq!(bad_fields(&status), vec!["person.age", "person.highest_education"]);
}

#[tokio::test]
async fn search_courses_reports_money_per_scheme_with_the_reason_when_none() {
    let server = spawn_server(embedded()).await;
    let mut client = CourseServiceClient::new(server.channel().await);
    let mut r = request("2023-03-01");
    r.query = "digitaal lesgeven".into();
    r.person = Some(pb::PersonFacts { age: Some(40), labour_market_tie: Some(true), ..Default::default() });
    r.scheme_ids = vec![STAP.into(), LLK.into()];
    r.filters = Some(pb::CourseFilters { start_from: "2023-08-01".into(), ..Default::default() });
    let page = client.search_courses(r).await.unwrap().into_inner();
    let hit = page
        .hits
        .iter()
        .find(|h| h.course.as_ref().unwrap().id.ends_with("course/digitaal-lesgeven-elo"))
        .expect("found by its title");
    assert_eq!(hit.funding.len(), 2);
    let stap = &hit.funding[0];
    assert_eq!(stap.decision, pb::EligibilityDecision::NotEligible as i32);
    assert_eq!(stap.amount_cents, 0);
    assert_eq!(stap.course_start_date, "2023-09-04");
    assert!(
        stap.reasons.iter().any(|r| r.contains("2023-09-04") && r.contains("scholingsregister")),
        "the reason is the register on the start date: {:?}",
        stap.reasons
    );
    assert!(!stap.summary.is_empty());
}

// ------------------------------------------------------------------------------------------------
// CLI

fn vaardig() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vaardig"))
}

#[test]
fn courses_command_prints_a_dutch_table_and_stable_json() {
    let (addr, _stop) = spawn_server_thread(embedded());
    let server = format!("http://{addr}");
    let output = vaardig()
        .args(["courses", "lassen", "--date", "2024-06-01", "--region", "Twente", "--facets", "--server", &server])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains("opleidingen gevonden · peildatum 2024-06-01"), "{text}");
    let header = |line: &str| line.split_whitespace().take(4).eq(["#", "opleiding", "aanbieder", "prijs"]);
    assert!(text.lines().any(header), "{text}");
    assert!(text.contains("Lassen MIG/MAG basis"), "{text}");
    assert!(text.contains("Aantallen per filter"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profiel.json");
    std::fs::write(&profile, r#"{"version": 1, "skills": [], "current_occupation": null}"#).unwrap();
    let output = vaardig()
        .args(["courses", "--target", LASSER, "--profile"])
        .arg(&profile)
        // The spellings people type: a short scheme id and "mbo-3".
        .args(["--fundable-by", "stap-budget", "--age", "30", "--education", "mbo-3"])
        .args(["--date", "2023-03-01", "--max-price", "2000", "--json", "--server", &server])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["date"], "2023-03-01");
    assert!(json["skills_to_learn"].as_array().unwrap().len() > 3);
    assert_eq!(json["schemes"][0]["id"], STAP);
    for hit in json["hits"].as_array().unwrap() {
        assert!(hit["price_cents"].as_i64().unwrap() <= 200_000);
        assert_ne!(hit["funding"][0]["decision"], "not_eligible");
        assert!(hit["gap_share"].as_f64().unwrap() > 0.0);
    }
    let fundable = json["facets"]["fundable"].as_array().unwrap();
    assert_eq!(fundable.len(), 3);

    // Errors: a bad profile file, a bad mode, an unknown scheme, a negative price.
    std::fs::write(&profile, r#"{"version": 1, "skils": []}"#).unwrap();
    let output = vaardig().args(["courses", "--profile"]).arg(&profile).args(["--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown field `skils`"));
    let output = vaardig().args(["courses", "--mode", "thuis", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output =
        vaardig().args(["courses", "--fundable-by", "vaardig:scheme/geen", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(4));
    // A negative price is refused as the flag it was typed as, in euros, before anything is sent.
    let output = vaardig().args(["courses", "--max-price", "-5", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--max-price") && stderr.contains("0 euros or more, not -5"), "{stderr}");
    let output = vaardig()
        .args(["courses", "--min-price", "500", "--max-price", "99,50", "--server", &server])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--min-price 500 is above --max-price 99.5 (euros)"), "{stderr}");
}

#[test]
fn courses_command_works_offline_on_a_local_ontology() {
    let dir = tempfile::tempdir().unwrap();
    let output = vaardig()
        .args(["courses", "heftruck", "--date", "2024-06-01", "--json", "--ontology", "embedded", "--index-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json["total"].as_i64().unwrap() > 0);
    let label = json["hits"][0]["label"].as_str().unwrap().to_lowercase();
    assert!(label.contains("heftruck"), "{label}");
}

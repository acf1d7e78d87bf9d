//! Training paths: the optimiser against brute force on seeded random instances, and plans on the
//! embedded default (prerequisites, yearly caps, STAP only inside its rules, unreachable targets).

use std::sync::Arc;

use vaardig::engine::Engines;
use vaardig::funding::PersonFacts;
use vaardig::matching::{Basis, EvidenceLevel, Held, Profile};
use vaardig::model::{Date, EducationLevel};
use vaardig::planning::{self, Constraints, Instance, Item, Objective, PlanRequest};

use crate::helpers::embedded;

/// A small deterministic generator (xorshift64*), so no dependency is needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_instance(rng: &mut Rng, items: usize) -> Instance {
    let requirements = 3 + rng.below(10) as usize;
    let list = (0..items)
        .map(|i| {
            let mut gains: Vec<(u32, u64)> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let r = rng.below(requirements as u64) as u32;
                if !gains.iter().any(|(q, _)| *q == r) {
                    gains.push((r, 1 + rng.below(8)));
                }
            }
            gains.sort();
            // Prerequisites point backwards only: a DAG in topological order.
            let prerequisites = if i > 0 && rng.below(4) == 0 { vec![rng.below(i as u64) as u32] } else { vec![] };
            Item { gains, cost: rng.below(5) * 25_000, weeks: 1 + rng.below(12) as u32, prerequisites }
        })
        .collect();
    Instance { requirements, items: list }
}

#[test]
fn planning_optimiser_agrees_with_brute_force_on_random_instances() {
    let mut rng = Rng(0x5eed_1234_abcd);
    for round in 0..150 {
        let n = 1 + (round % 16);
        let instance = random_instance(&mut rng, n);
        let target = planning::value_target(instance.max_value(), planning::GOOD_ENOUGH_SHARE);
        for objective in [Objective::MostComplete, Objective::Cheapest, Objective::Fastest] {
            let brute = planning::brute_force(&instance, objective, target);
            // The search alone, and the whole pipeline (reduction, then search).
            let exact = planning::choose_exactly(&instance, objective, target)
                .expect("small instances stay under the node limit");
            let chosen = planning::choose_items(&instance, objective, target);
            for (name, choice) in [("exact", &exact), ("choose", &chosen)] {
                assert!(choice.bound.is_none(), "{name} round {round} {objective:?}: not proven optimal");
                assert_eq!(
                    choice.totals.key(objective),
                    brute.key(objective),
                    "{name} round {round} {objective:?}: {instance:?}"
                );
                assert!(instance.feasible(&choice.items), "{name}: prerequisites violated in round {round}");
                assert_eq!(instance.totals(&choice.items), choice.totals);
            }
        }
    }
}

/// The reduction drops only items no optimum needs: brute force over the survivors finds the same
/// optimum as over all items, per objective, and for every objective at once when costs are only
/// known within bounds (whatever the exact costs turn out to be).
#[test]
fn planning_dominance_reduction_keeps_every_optimum() {
    let mut rng = Rng(0xd0e1_4a7e);
    let mut removed = 0;
    for round in 0..200 {
        let instance = random_instance(&mut rng, 4 + round % 13);
        let target = planning::value_target(instance.max_value(), planning::GOOD_ENOUGH_SHARE);
        for objective in [Objective::MostComplete, Objective::Cheapest, Objective::Fastest] {
            let keep = planning::reduce_dominated(&instance, objective);
            removed += instance.items.len() - keep.len();
            let reduced = instance.subset(&keep);
            assert_eq!(reduced.max_value(), instance.max_value());
            assert_eq!(
                planning::brute_force(&reduced, objective, target).key(objective),
                planning::brute_force(&instance, objective, target).key(objective),
                "round {round} {objective:?}: kept {keep:?} of {instance:?}"
            );
        }
        // Costs known only within [low, high]: `instance` carries the highest, the true ones lie between.
        let low: Vec<u64> = instance.items.iter().map(|i| i.cost - rng.below(i.cost + 1) / 2).collect();
        let keep = planning::reduce_with_cost_bounds(&instance, &low);
        let mut actual = instance.clone();
        for (item, low) in actual.items.iter_mut().zip(&low) {
            item.cost = low + rng.below(item.cost - low + 1);
        }
        let reduced = actual.subset(&keep);
        for objective in [Objective::MostComplete, Objective::Cheapest, Objective::Fastest] {
            assert_eq!(
                planning::brute_force(&reduced, objective, target).key(objective),
                planning::brute_force(&actual, objective, target).key(objective),
                "round {round} {objective:?} with cost bounds"
            );
        }
    }
    assert!(removed > 300, "the reduction should bite on random instances, removed {removed}");
}

#[test]
fn planning_exact_handles_forty_candidates_and_large_instances_report_a_certified_bound() {
    let mut rng = Rng(42);
    for _ in 0..8 {
        let instance = random_instance(&mut rng, 40);
        let target = planning::value_target(instance.max_value(), planning::GOOD_ENOUGH_SHARE);
        for objective in [Objective::MostComplete, Objective::Cheapest, Objective::Fastest] {
            let choice = planning::choose_items(&instance, objective, target);
            assert!(choice.bound.is_none(), "40 candidates are optimised exactly ({objective:?})");
            assert!(instance.feasible(&choice.items));
            // Checked against brute force whenever the reduction leaves few enough items.
            let reduced = instance.subset(&planning::reduce_dominated(&instance, objective));
            if reduced.items.len() <= 18 {
                assert_eq!(
                    choice.totals.key(objective),
                    planning::brute_force(&reduced, objective, target).key(objective)
                );
            }
        }
        let complete = planning::choose_items(&instance, Objective::MostComplete, 0);
        assert_eq!(complete.totals.value, instance.max_value());
    }
    // Beyond the exact limit: the greedy's (or a cut-off search's) answer with a bound that holds.
    let mut bounded = 0;
    for _ in 0..5 {
        let instance = wide_instance(&mut rng, 300);
        let target = planning::value_target(instance.max_value(), planning::GOOD_ENOUGH_SHARE);
        for objective in [Objective::MostComplete, Objective::Cheapest, Objective::Fastest] {
            let choice = planning::choose_items(&instance, objective, target);
            assert!(instance.feasible(&choice.items));
            let Some(bound) = choice.bound else { continue };
            bounded += 1;
            assert_eq!(bound.value_upper_bound, instance.max_value());
            let achieved = if objective == Objective::Fastest { choice.totals.weeks } else { choice.totals.cost };
            assert!(
                achieved >= bound.objective_lower_bound,
                "{objective:?}: {achieved} < {}",
                bound.objective_lower_bound
            );
            assert!(bound.cost_factor >= 1.0);
            if objective == Objective::MostComplete {
                assert_eq!(choice.totals.value, instance.max_value());
            } else {
                assert!(choice.totals.value >= target);
            }
        }
    }
    assert!(bounded >= 5, "wide instances end up approximate, with a bound ({bounded})");
}

/// Many requirements, items gaining on up to five of them, varied prices and durations: instances
/// the reduction cannot shrink to the exact limit.
fn wide_instance(rng: &mut Rng, items: usize) -> Instance {
    let requirements = 30;
    let list = (0..items)
        .map(|i| {
            let mut gains: Vec<(u32, u64)> = Vec::new();
            for _ in 0..1 + rng.below(5) {
                let r = rng.below(requirements as u64) as u32;
                if !gains.iter().any(|(q, _)| *q == r) {
                    gains.push((r, 1 + rng.below(20)));
                }
            }
            gains.sort();
            let prerequisites = if i > 0 && rng.below(8) == 0 { vec![rng.below(i as u64) as u32] } else { vec![] };
            Item { gains, cost: 100 * (1 + rng.below(300)), weeks: 1 + rng.below(30) as u32, prerequisites }
        })
        .collect();
    Instance { requirements, items: list }
}

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

fn idx(engines: &Engines, id: &str) -> vaardig::ontology::ConceptIdx {
    let full = vaardig::model::parse_id(id).map(|id| id.to_string()).unwrap_or_else(|_| id.to_string());
    engines.snapshot.lookup(&full).unwrap_or_else(|| panic!("{id} in the embedded ontology"))
}

fn request(engines: &Arc<Engines>, target: &str, skills: &[&str], start: &str) -> PlanRequest {
    let held =
        skills.iter().map(|s| Held { skill: idx(engines, s), basis: Basis::Claim(EvidenceLevel::Ungraded) }).collect();
    PlanRequest {
        target: idx(engines, target),
        profile: Profile::of(held),
        person: PersonFacts {
            age: Some(40),
            labour_market_tie: Some(true),
            education: Some(EducationLevel::Mbo4),
            studiefinanciering: Some(false),
            lerarenbeurs: Some(false),
            tegemoetkoming: Some(false),
            ..PersonFacts::default()
        },
        constraints: Constraints {
            start: d(start),
            horizon_years: 3,
            hours_per_week: None,
            modes: vec![],
            region: None,
            own_budget_per_year_cents: None,
            employer_budget_cents: 0,
        },
    }
}

const DATA_ANALIST: &str = "esco:occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2";

/// The invariants every plan keeps: prerequisites first, within the yearly caps (certain and
/// possible money together), STAP only for a course in the STAP register on its start date and
/// only before the scheme ended, every step paid in full.
fn assert_invariants(engines: &Engines, plan: &planning::Plan) {
    let stap = "https://id.vaardig.nl/scheme/stap-budget";
    // The most complete option closes at least as much of the essential gap as any other option.
    if let Some(complete) = plan.options.iter().find(|o| o.kind == planning::Objective::MostComplete) {
        for other in &plan.options {
            assert!(
                complete.essential_coverage + 1e-9 >= other.essential_coverage,
                "most complete {} < {:?} {}",
                complete.essential_coverage,
                other.kind,
                other.essential_coverage
            );
        }
    }
    for option in &plan.options {
        let mut per_year = std::collections::BTreeMap::new();
        for (i, step) in option.steps.iter().enumerate() {
            for view in engines.snapshot.relations(
                step.course,
                vaardig::ontology::Dir::Outgoing,
                Some(vaardig::model::RelationKind::Prerequisite),
            ) {
                if let Some(j) = option.steps.iter().position(|s| s.course == view.other) {
                    assert!(j < i && option.steps[j].end <= step.start, "prerequisite after its dependant");
                }
            }
            let funded: u64 = step.funding.iter().map(|f| f.amount_cents).sum();
            assert_eq!(funded + step.own_contribution_cents, step.price_cents);
            let Some(details) = vaardig::planning::course_details(&engines.snapshot, step.course) else {
                panic!("a step is a course")
            };
            for f in step.funding.iter().chain(&step.possible_funding).filter(|f| f.scheme == stap) {
                *per_year.entry(f.application_date.year()).or_insert(0u64) += f.amount_cents;
                assert!(f.application_date < d("2024-01-01"), "STAP ended on 2024-01-01");
                assert!(f.application_date <= step.start, "applied for before the start");
                let in_register = details.registers.iter().any(|m| {
                    m.register == vaardig::model::Register::StapScholingsregister && m.validity.contains(step.start)
                });
                assert!(in_register, "STAP for a course outside the register on its start date {}", step.start);
            }
        }
        assert!(per_year.values().all(|v| *v <= 100_000), "STAP yearly cap exceeded: {per_year:?}");
    }
}

#[test]
fn planning_data_analyst_path_orders_prerequisites_and_pays_no_stap_after_it_ended() {
    let engines = embedded();
    let request = request(&engines, DATA_ANALIST, &[], "2024-08-01");
    let plan = planning::suggest_path(&engines.matching, &engines.funding, &request).unwrap();
    assert_eq!(plan.options.len(), 3);
    assert!(plan.candidates > 0);
    assert_invariants(&engines, &plan);
    let complete = &plan.options[2];
    assert_eq!(complete.kind, Objective::MostComplete);
    assert!(!complete.steps.is_empty());
    assert!(complete.essential_coverage > plan.essential_coverage_before);
    for step in &complete.steps {
        assert!(step.funding.iter().all(|f| !f.scheme.ends_with("stap-budget")), "STAP ended before 2024-08");
        assert!(!planning::why(&engines.snapshot, step, vaardig::model::Lang::DUTCH).is_empty(), "every step says why");
    }
}

#[test]
fn planning_unreachable_target_says_what_stays_open_and_why() {
    let engines = embedded();
    // The embedded courses start on any date (their start patterns do not expire), so what makes
    // the target unreachable here is the time a week the person has: one hour fits no course.
    let mut request = request(&engines, DATA_ANALIST, &[], "2031-01-01");
    request.constraints.horizon_years = 1;
    request.constraints.hours_per_week = Some(1);
    let plan = planning::suggest_path(&engines.matching, &engines.funding, &request).unwrap();
    assert!(plan.later.is_empty(), "no course fits the hours, so none would fit later either");
    for option in &plan.options {
        assert!(option.steps.is_empty());
        assert!(!option.missing_essential.is_empty());
        assert!(
            option.missing_essential.iter().all(|(_, reason)| matches!(
                reason,
                planning::OpenReason::Constraints | planning::OpenReason::NoCourse
            ))
        );
    }
}

mod grpc {
    use vaardig::proto::v1 as pb;
    use vaardig::proto::v1::planning_service_client::PlanningServiceClient;

    use super::DATA_ANALIST;
    use crate::helpers::{embedded, spawn_server};

    fn request() -> pb::SuggestTrainingPathRequest {
        pb::SuggestTrainingPathRequest {
            profile: Some(pb::Profile::default()),
            target_occupation_id: DATA_ANALIST.into(),
            person: Some(pb::PersonFacts { age: Some(40), ..Default::default() }),
            start_date: "2024-08-01".into(),
            constraints: Some(pb::PlanConstraints { horizon_years: 3, ..Default::default() }),
            lang: String::new(),
        }
    }

    #[tokio::test]
    async fn planning_rpc_answers_three_options_and_names_bad_fields() {
        let server = spawn_server(embedded()).await;
        let mut client = PlanningServiceClient::new(server.channel().await);
        let answer = client.suggest_training_path(request()).await.unwrap().into_inner();
        let kinds: Vec<&str> = answer.options.iter().map(|o| o.kind.as_str()).collect();
        assert_eq!(kinds, ["cheapest", "fastest", "most_complete"]);
        assert!(answer.options[2].steps.iter().all(|s| !s.why.is_empty()));

        let mut bad = request();
        bad.target_occupation_id = "esco:occupation/does-not-exist".into();
        bad.constraints = Some(pb::PlanConstraints {
            horizon_years: 11,
            employer_budget_cents: -1,
            own_budget_per_year_cents: Some(-5),
            ..Default::default()
        });
        let status = client.suggest_training_path(bad).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        for field in [
            "target_occupation_id",
            "constraints.horizon_years",
            "constraints.employer_budget_cents",
            "constraints.own_budget_per_year_cents",
        ] {
            assert!(status.message().contains(field), "{field} in {}", status.message());
        }
        let mut bad_skill = request();
        bad_skill.profile = Some(pb::Profile {
            skills: vec![pb::SkillClaim { skill_id: "esco:skill/nope".into(), ..Default::default() }],
            ..Default::default()
        });
        let status = client.suggest_training_path(bad_skill).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().contains("profile.skills[0]"), "{}", status.message());

        // Every other bad field is named too, all in one answer.
        let mut bad = request();
        bad.target_occupation_id = "vaardig:skill/mig-mag-lassen".into();
        bad.start_date = "2024-02-30".into();
        bad.profile =
            Some(pb::Profile { credential_ids: vec!["vaardig:credential/nope".into()], ..Default::default() });
        bad.constraints = Some(pb::PlanConstraints {
            horizon_years: 3,
            hours_per_week: Some(0),
            modes: vec!["per-post".into()],
            region: "Atlantis".into(),
            ..Default::default()
        });
        let status = client.suggest_training_path(bad).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        for field in [
            "target_occupation_id",
            "start_date",
            "constraints.hours_per_week",
            "constraints.modes[0]",
            "constraints.region",
        ] {
            assert!(status.message().contains(field), "{field} in {}", status.message());
        }
        let mut bad = request();
        bad.profile =
            Some(pb::Profile { credential_ids: vec!["vaardig:credential/nope".into()], ..Default::default() });
        let status = client.suggest_training_path(bad).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().contains("profile.credential_ids[0]"), "{}", status.message());
    }

    /// A target that cannot be reached within the constraints is a valid answer: every essential
    /// skill that stays open, with the reason and its explanation.
    #[tokio::test]
    async fn planning_rpc_says_what_cannot_be_closed_and_why() {
        let server = spawn_server(embedded()).await;
        let mut client = PlanningServiceClient::new(server.channel().await);
        let mut unreachable = request();
        unreachable.start_date = "2031-01-01".into();
        unreachable.constraints =
            Some(pb::PlanConstraints { horizon_years: 1, hours_per_week: Some(1), ..Default::default() });
        unreachable.lang = "en".into();
        let answer = client.suggest_training_path(unreachable).await.unwrap().into_inner();
        assert_eq!(answer.options.len(), 3);
        for option in &answer.options {
            assert!(option.steps.is_empty());
            assert!(!option.missing_essential.is_empty());
            for open in &option.missing_essential {
                assert!(open.skill.as_ref().is_some_and(|s| !s.id.is_empty()));
                assert!(["constraints", "no_course"].contains(&open.reason.as_str()), "{}", open.reason);
                assert!(!open.explanation.is_empty());
            }
        }
    }
}

#[test]
fn planning_synthetic_register_is_deterministic_and_layers_on_the_default() {
    use vaardig::ontology::{self, SourceSpec};
    use vaardig::synth;

    let engines = embedded();
    let a = synth::generate(&engines.snapshot, 11, 300);
    assert_eq!(a, synth::generate(&engines.snapshot, 11, 300), "same seed, same files");
    assert_ne!(a.courses, synth::generate(&engines.snapshot, 12, 300).courses);
    assert!(a.manifest.contains("synthetic = true"));
    let lines: Vec<serde_json::Value> =
        a.courses.lines().filter(|l| !l.starts_with('#')).map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 300);
    let mut seen = std::collections::HashSet::new();
    let mut stap = 0;
    for course in &lines {
        let price = course["price_cents"].as_i64().unwrap();
        assert!((9_500..=600_000).contains(&price), "{price}");
        let taught = course["teaches"].as_array().unwrap().len();
        assert!((2..=6).contains(&taught), "{course}");
        for p in course["prerequisites"].as_array().into_iter().flatten() {
            assert!(seen.contains(p.as_str().unwrap()), "prerequisites point to earlier courses");
        }
        stap += usize::from(course["registers"].to_string().contains("stap_scholingsregister"));
        seen.insert(course["id"].as_str().unwrap().to_string());
    }
    assert!((120..=240).contains(&stap), "about 60% in the STAP register, not {stap}");

    let dir = tempfile::tempdir().unwrap();
    a.write(dir.path()).unwrap();
    let (snapshot, report) = ontology::load(&[SourceSpec::Embedded, SourceSpec::Path(dir.path().to_path_buf())])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.error_count(), 0);
    let courses = snapshot.concepts_of(vaardig::model::ConceptKind::Course).count();
    let before = engines.snapshot.concepts_of(vaardig::model::ConceptKind::Course).count();
    assert_eq!(courses, before + 300);
    assert!(snapshot.sources().iter().any(|s| s.synthetic));
}

// ---------------------------------------------------------------------------------------------
// The € 2,400 path of domain brief §2.12 / §8 cases 7–8: tests/data/stap-split layered over the
// embedded ontology holds a fictional occupation needing three skills and three courses of
// € 1,300, € 600 and € 500 in the STAP register, starting in 2022, 2023 and (again) in 2024.

const SPLIT_TARGET: &str = "vaardig:occupation/test-zonne-installateur";
const STAP: &str = "https://id.vaardig.nl/scheme/stap-budget";

fn stap_split() -> Arc<Engines> {
    static ENGINES: std::sync::OnceLock<Arc<Engines>> = std::sync::OnceLock::new();
    ENGINES
        .get_or_init(|| {
            use vaardig::ontology::{self, SourceSpec};
            let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/stap-split");
            let snapshot =
                ontology::load(&[SourceSpec::Embedded, SourceSpec::Path(dir)]).expect("the test bundle layers").0;
            Arc::new(Engines::build(Arc::new(snapshot)))
        })
        .clone()
}

/// STAP per calendar year of application: (certain, possible).
fn stap_per_year(option: &planning::PlanOption) -> std::collections::BTreeMap<i32, (u64, u64)> {
    let mut years = std::collections::BTreeMap::new();
    for step in &option.steps {
        for f in step.funding.iter().filter(|f| f.scheme == STAP) {
            years.entry(f.application_date.year()).or_insert((0, 0)).0 += f.amount_cents;
        }
        for f in step.possible_funding.iter().filter(|f| f.scheme == STAP) {
            years.entry(f.application_date.year()).or_insert((0, 0)).1 += f.amount_cents;
        }
    }
    years
}

#[test]
fn planning_a_2400_euro_path_splits_stap_over_calendar_years_within_the_yearly_cap() {
    let engines = stap_split();
    let request = request(&engines, SPLIT_TARGET, &[], "2022-09-01");
    let plan = planning::suggest_path(&engines.matching, &engines.funding, &request).unwrap();
    assert_invariants(&engines, &plan);
    for option in &plan.options {
        assert!(option.missing_essential.is_empty(), "{:?}: every skill closes", option.kind);
        assert_eq!(option.total_price_cents, 240_000, "{:?}: the whole € 2,400 path", option.kind);
        let courses: Vec<&str> = option.steps.iter().map(|s| &*engines.snapshot.concept(s.course).id).collect();
        assert_eq!(
            courses,
            [
                "https://id.vaardig.nl/course/test-zonnepanelen-basis",
                "https://id.vaardig.nl/course/test-omvormers",
                "https://id.vaardig.nl/course/test-thuisbatterijen"
            ]
        );
        let years = stap_per_year(option);
        // 2022: € 1,000 of the € 1,300 course, applied for in the open window 2022-4.
        assert_eq!(years.get(&2022), Some(&(100_000, 0)), "{years:?}");
        assert_eq!(option.steps[0].funding[0].application_date, d("2022-09-01"));
        assert_eq!(option.steps[0].own_contribution_cents, 30_000);
        // 2023: the 300-grants rule needs a count no plan can know, so the money is possible, not
        // certain — and the second course gets only what the yearly cap leaves: € 400 of € 500.
        assert_eq!(years.get(&2023), Some(&(0, 100_000)), "{years:?}");
        assert_eq!(option.steps[1].possible_funding[0].amount_cents, 60_000);
        assert_eq!(option.steps[2].possible_funding[0].amount_cents, 40_000);
        assert!(years.values().all(|(certain, possible)| certain + possible <= 100_000));
    }
}

#[test]
fn planning_claims_no_stap_after_it_ended_and_says_why() {
    let engines = stap_split();
    let request = request(&engines, SPLIT_TARGET, &[], "2024-02-01");
    let plan = planning::suggest_path(&engines.matching, &engines.funding, &request).unwrap();
    assert_invariants(&engines, &plan);
    for option in &plan.options {
        assert_eq!(option.steps.len(), 3);
        assert!(stap_per_year(option).is_empty(), "no STAP money, certain or possible, after 2024-01-01");
        assert_eq!(option.total_own_cents, 240_000);
        for step in &option.steps {
            let declined = step.declined_funding.iter().find(|d| d.scheme == STAP).expect("STAP is declined");
            assert!(declined.reason.nl.contains("beëindigd per 2024-01-01"), "{}", declined.reason.nl);
            assert!(declined.reason.en.contains("ended on 2024-01-01"), "{}", declined.reason.en);
        }
    }
}

#[test]
fn planning_path_json_of_the_cli_shows_the_stap_split_per_step() {
    let (addr, _stop) = crate::helpers::spawn_server_thread(stap_split());
    let server = format!("http://{addr}");
    let run = |start: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_vaardig"))
            .args(["path", "--target", SPLIT_TARGET, "--start", start, "--age", "40", "--education", "mbo4"])
            .args(["--labour-market-tie", "yes", "--no-other-public-finance", "--json", "--lang", "en"])
            .args(["--server", &server])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let json = run("2022-09-01");
    for option in json["options"].as_array().unwrap() {
        let steps = option["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 3, "{option}");
        let stap = |step: &serde_json::Value, field: &str| -> Vec<(i64, String)> {
            step[field]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["scheme"] == STAP)
                .map(|f| (f["amount_cents"].as_i64().unwrap(), f["application_date"].as_str().unwrap().to_string()))
                .collect()
        };
        assert_eq!(stap(&steps[0], "funding"), [(100_000, "2022-09-01".to_string())]);
        assert_eq!(steps[0]["own_contribution_cents"], 30_000);
        assert!(stap(&steps[1], "funding").is_empty() && stap(&steps[2], "funding").is_empty());
        assert_eq!(stap(&steps[1], "possible_funding"), [(60_000, "2023-02-28".to_string())]);
        assert_eq!(stap(&steps[2], "possible_funding"), [(40_000, "2023-02-28".to_string())]);
        assert_eq!(steps.iter().map(|s| s["year"].as_i64().unwrap()).collect::<Vec<_>>(), [2022, 2023, 2023]);
    }
    let json = run("2024-02-01");
    for option in json["options"].as_array().unwrap() {
        for step in option["steps"].as_array().unwrap() {
            assert!(step["funding"].as_array().unwrap().iter().all(|f| f["scheme"] != STAP), "{step}");
            let declined = &step["declined_funding"][0];
            assert_eq!(declined["scheme"], STAP);
            assert!(declined["reason"].as_str().unwrap().contains("ended on 2024-01-01"), "{declined}");
        }
    }
}

/// One language per answer: a regional English tag (`en-GB`) words both the reason a scheme was
/// declined and the "why" of the same step in English (the why was Dutch when only `en` counted).
#[test]
fn planning_path_in_en_gb_words_reasons_and_why_of_one_step_in_english() {
    let (addr, _stop) = crate::helpers::spawn_server_thread(stap_split());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vaardig"))
        .args(["path", "--target", SPLIT_TARGET, "--start", "2024-02-01", "--age", "40", "--education", "mbo4"])
        .args(["--labour-market-tie", "yes", "--no-other-public-finance", "--json", "--lang", "en-GB"])
        .args(["--server", &format!("http://{addr}")])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json = serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap();
    let steps = json["options"][0]["steps"].as_array().unwrap();
    assert!(!steps.is_empty(), "{json}");
    for step in steps {
        let declined = &step["declined_funding"][0];
        assert!(declined["reason"].as_str().unwrap().contains("ended on 2024-01-01"), "{declined}");
        let why = step["why"].as_str().unwrap();
        assert!(why.starts_with("Closes essential skills of the target occupation"), "{why}");
    }
}

/// The bars of the issue on many random requests over the embedded ontology with a synthetic
/// register (prerequisites, STAP register memberships and start dates of every kind): a yearly cap
/// is never exceeded (STAP € 1,000, the own budget), a prerequisite is never violated, STAP is never
/// claimed outside the register on the start date, after it ended, or for a person outside its
/// rules; the employer never pays more than its budget.
#[test]
fn planning_invariants_hold_for_random_requests_over_a_synthetic_register() {
    use vaardig::ontology::{self, SourceSpec};
    use vaardig::synth::{self, Rng as SynthRng};

    let base = embedded();
    let register = synth::generate(&base.snapshot, 77, 1_500);
    let dir = tempfile::tempdir().unwrap();
    register.write(dir.path()).unwrap();
    let snapshot = ontology::load(&[SourceSpec::Embedded, SourceSpec::Path(dir.path().to_path_buf())]).unwrap().0;
    let engines = Arc::new(Engines::build(Arc::new(snapshot)));
    let occupations = engines.matching.occupations();
    let mut rng = SynthRng::new(5);
    let (mut stap_steps, mut outside_rules) = (0, 0);
    for _ in 0..120 {
        let origin = &occupations[rng.below(occupations.len())];
        let held = origin
            .requirements
            .iter()
            .filter(|_| rng.chance(0.4))
            .map(|r| Held { skill: r.skill, basis: Basis::Claim(EvidenceLevel::Ungraded) })
            .collect::<Vec<_>>();
        let target = occupations[rng.below(occupations.len())].concept;
        let age = 15 + rng.below(60) as u32;
        let tie = [Some(true), Some(false), None][rng.below(3)];
        let studiefinanciering = [Some(false), Some(true), None][rng.below(3)];
        let person = PersonFacts {
            age: Some(age),
            labour_market_tie: tie,
            education: Some([EducationLevel::Mbo2, EducationLevel::Mbo4, EducationLevel::Bachelor][rng.below(3)]),
            studiefinanciering,
            lerarenbeurs: Some(false),
            tegemoetkoming: Some(false),
            already_granted_this_year_cents: [None, Some(0), Some(60_000)][rng.below(3)],
            ..PersonFacts::default()
        };
        let outside = age < 18 || tie == Some(false) || studiefinanciering == Some(true);
        let start = ["2022-03-01", "2022-09-01", "2023-01-15", "2023-06-01", "2024-02-01"][rng.below(5)];
        let own_budget = [None, Some(50_000), Some(250_000)][rng.below(3)];
        let employer = [0, 80_000, 300_000][rng.below(3)];
        let request = PlanRequest {
            target,
            profile: Profile::of(held),
            person,
            constraints: Constraints {
                start: d(start),
                horizon_years: 1 + rng.below(4) as u32,
                hours_per_week: [None, Some(8), Some(16)][rng.below(3)],
                modes: vec![],
                region: None,
                own_budget_per_year_cents: own_budget,
                employer_budget_cents: employer,
            },
        };
        let plan = planning::suggest_path(&engines.matching, &engines.funding, &request).unwrap();
        assert_invariants(&engines, &plan);
        for option in &plan.options {
            let mut own_per_year = std::collections::BTreeMap::new();
            let mut employer_paid = 0;
            for step in &option.steps {
                *own_per_year.entry(step.start.year()).or_insert(0u64) += step.own_contribution_cents;
                employer_paid += step
                    .funding
                    .iter()
                    .filter(|f| f.scheme == planning::EMPLOYER_SCHEME)
                    .map(|f| f.amount_cents)
                    .sum::<u64>();
                let stap: Vec<_> =
                    step.funding.iter().chain(&step.possible_funding).filter(|f| f.scheme == STAP).collect();
                stap_steps += usize::from(!stap.is_empty());
                if outside {
                    outside_rules += 1;
                    assert!(stap.is_empty(), "STAP for a person outside its rules: {:?}", request.person);
                }
            }
            assert!(employer_paid <= employer);
            // What the person already got this year counts against the plan's first year.
            let prior = request.person.already_granted_this_year_cents.unwrap_or(0);
            let first_year: u64 = option
                .steps
                .iter()
                .flat_map(|s| s.funding.iter().chain(&s.possible_funding))
                .filter(|f| f.scheme == STAP && f.application_date.year() == request.constraints.start.year())
                .map(|f| f.amount_cents)
                .sum();
            assert!(prior + first_year <= 100_000, "{prior} before the plan + {first_year} in its first year");
            if let Some(budget) = own_budget {
                assert!(own_per_year.values().all(|v| *v <= budget), "own budget exceeded: {own_per_year:?}");
            }
        }
    }
    assert!(
        stap_steps > 10 && outside_rules > 10,
        "the requests exercise STAP ({stap_steps}) and its rules ({outside_rules})"
    );
}

// ---------------------------------------------------------------------------------------------
// Stepping stones: Dijkstra over the transition graph, checked against all-pairs and
// single-source shortest paths computed independently on the same graph.

mod stepping_stones {
    use vaardig::engine::Engines;
    use vaardig::matching::{self, Basis, Credits, EvidenceLevel, Held, Profile, origin_profile};
    use vaardig::planning::{self, Cost, Edge, Stones, TransitionGraph};

    use super::{DATA_ANALIST, idx};
    use crate::helpers::{embedded, esco, spawn_server_thread};

    const WELDER: &str = "esco:occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b";
    const ORDER_PICKER: &str = "esco:occupation/cd94def5-3442-4c2e-ae3d-0761a3008bcb";
    const CNC_OPERATOR: &str = "esco:occupation/5c082067-ea18-4ccb-8c43-e70b18ad8120";

    /// A returned chain is a walk along graph edges from the start to the target whose costs add up
    /// to the total; the first move is priced for `first` (the person's credits).
    fn assert_chain_is_a_walk(engines: &Engines, graph: &TransitionGraph, answer: &Stones, first: &Credits) {
        let index = &engines.matching;
        let Some(chain) = &answer.chain else { return };
        let mut at = answer.start;
        let mut total = Cost::default();
        for (n, hop) in chain.iter().enumerate() {
            assert_eq!(hop.from, at, "move {n} starts where the last one ended");
            let from = index.occupation_slot(hop.from).unwrap();
            let to = index.occupation_slot(hop.to).unwrap();
            let edge = graph.edges(from).iter().find(|e| e.to as usize == to).expect("every move is a transition");
            let cost = if n == 0 { graph.gap_of(&matching::explain_gap(index, first, to)).cost } else { edge.gap.cost };
            assert_eq!(hop.gap.cost, cost, "move {n} is priced as its edge");
            total = total + cost;
            at = hop.to;
        }
        assert_eq!(at, answer.target, "the chain ends at the target");
        assert_eq!(total, answer.total);
    }

    /// The cheapest cost of a chain of at most `moves` moves from `start` to every occupation, by
    /// Bellman–Ford limited to that many rounds; moves out of `start` cost `first(edge)`.
    fn within(
        graph: &TransitionGraph,
        n: usize,
        start: usize,
        moves: usize,
        first: impl Fn(&Edge) -> Cost,
    ) -> Vec<Option<Cost>> {
        let mut d: Vec<Option<Cost>> = vec![None; n];
        d[start] = Some(Cost::default());
        for _ in 0..moves {
            let before = d.clone();
            for (from, base) in before.iter().enumerate() {
                let Some(base) = *base else { continue };
                for e in graph.edges(from) {
                    let cost = base + if from == start { first(e) } else { e.gap.cost };
                    let slot = &mut d[e.to as usize];
                    if slot.is_none_or(|c| cost < c) {
                        *slot = Some(cost);
                    }
                }
            }
        }
        d
    }

    #[test]
    fn stepping_stones_are_the_shortest_chains_on_the_embedded_ontology() {
        let engines = embedded();
        let index = &engines.matching;
        let graph = engines.stones.graph(index);
        let occupations = index.occupations();
        let n = occupations.len();
        let (mut reachable, mut longer) = (0, 0);
        for moves in [planning::DEFAULT_MAX_MOVES, planning::MAX_MOVES] {
            for a in 0..n {
                let practitioner = Credits::expand(index, &origin_profile(index, a).held);
                let best = within(graph, n, a, moves, |e| e.gap.cost);
                for b in 0..n {
                    let (from, to) = (Some(occupations[a].concept), occupations[b].concept);
                    let answer =
                        planning::suggest_stepping_stones(index, graph, &Profile::of(vec![]), from, to, moves).unwrap();
                    assert_eq!(answer.chain.is_some(), best[b].is_some(), "{a} → {b} in {moves}: reachability");
                    if let Some(cost) = best[b] {
                        reachable += 1;
                        assert_eq!(answer.total, cost, "{a} → {b} in {moves}: the cheapest chain");
                        let chain = answer.chain.as_ref().unwrap();
                        assert!(chain.len() <= moves);
                        longer += usize::from(chain.len() >= 2);
                    }
                    assert_chain_is_a_walk(&engines, graph, &answer, &practitioner);
                }
            }
        }
        assert!(reachable > n * (n - 1) && longer > 1000, "{reachable} reachable pairs, {longer} with stepping stones");

        // An order picker who already knows some CNC work: the first move is priced for the person.
        let picker = index.occupation_slot(idx(&engines, ORDER_PICKER)).unwrap();
        let cnc = index.occupation_slot(idx(&engines, CNC_OPERATOR)).unwrap();
        let mut held = origin_profile(index, cnc).held;
        held.truncate(3);
        let held: Vec<Held> =
            held.into_iter().map(|h| Held { skill: h.skill, basis: Basis::Claim(EvidenceLevel::Ungraded) }).collect();
        let profile = Profile::of(held.clone());
        let (from, to) = (Some(occupations[picker].concept), occupations[cnc].concept);
        let answer =
            planning::suggest_stepping_stones(index, graph, &profile, from, to, planning::DEFAULT_MAX_MOVES).unwrap();
        let mut person = origin_profile(index, picker).held;
        person.extend(held);
        let person = Credits::expand(index, &person);
        let first = |e: &Edge| graph.gap_of(&matching::explain_gap(index, &person, e.to as usize)).cost;
        let best = within(graph, n, picker, planning::DEFAULT_MAX_MOVES, first);
        assert_eq!(Some(answer.total), best[cnc]);
        assert_chain_is_a_walk(&engines, graph, &answer, &person);
        assert!(
            answer.chain.as_ref().is_some_and(|c| c.len() >= 2),
            "an order picker reaches CNC work through stepping stones"
        );
        assert!(!answer.direct_is_transition);
        // The direct move is priced for the person too.
        assert_eq!(answer.direct.gap.cost, graph.gap_of(&matching::explain_gap(index, &person, cnc)).cost);
        // One move is not enough.
        let one = planning::suggest_stepping_stones(index, graph, &profile, from, to, 1).unwrap();
        assert!(one.chain.is_none());
    }

    /// Every skill's price is the lowest price per taught skill over the courses teaching it.
    #[test]
    fn stepping_stones_price_a_skill_at_its_cheapest_share_of_a_course() {
        use vaardig::model::{ConceptKind, Details, RelationKind};
        use vaardig::ontology::Dir;
        let engines = embedded();
        let graph = engines.stones.graph(&engines.matching);
        let snapshot = &engines.snapshot;
        let mut checked = 0;
        for (skill, _) in snapshot.concepts_of(ConceptKind::Skill) {
            let shares: Vec<u64> = snapshot
                .relations(skill, Dir::Incoming, Some(RelationKind::Teaches))
                .iter()
                .filter_map(|v| match &snapshot.concept(v.other).details {
                    Details::Course(c) => {
                        let taught =
                            snapshot.relations(v.other, Dir::Outgoing, Some(RelationKind::Teaches)).len() as u64;
                        Some(c.price_cents.div_ceil(taught))
                    }
                    _ => None,
                })
                .collect();
            assert_eq!(graph.skill_cost(skill), shares.iter().copied().min());
            checked += usize::from(!shares.is_empty());
        }
        assert!(checked > 100);
    }

    /// On full ESCO: Dijkstra's chains against hop-limited Bellman–Ford from the same start.
    #[test]
    fn stepping_stones_are_the_shortest_chains_on_esco() {
        let engines = esco();
        let index = &engines.matching;
        let graph = engines.stones.graph(index);
        let occupations = index.occupations();
        let n = occupations.len();
        let mut rng = vaardig::synth::Rng::new(99);
        let mut multi = 0;
        for _ in 0..12 {
            let a = rng.below(n);
            let d = within(graph, n, a, planning::DEFAULT_MAX_MOVES, |e| e.gap.cost);
            let practitioner = Credits::expand(index, &origin_profile(index, a).held);
            // Two random targets (most lie in other fields, beyond four moves) and three that need
            // stepping stones.
            let far: Vec<usize> =
                (0..n).filter(|&b| d[b].is_some() && graph.edges(a).iter().all(|e| e.to as usize != b)).collect();
            let mut targets = vec![rng.below(n), rng.below(n)];
            for _ in 0..3 {
                if !far.is_empty() {
                    targets.push(far[rng.below(far.len())]);
                }
            }
            for b in targets {
                let (from, to) = (Some(occupations[a].concept), occupations[b].concept);
                let answer = planning::suggest_stepping_stones(
                    index,
                    graph,
                    &Profile::of(vec![]),
                    from,
                    to,
                    planning::DEFAULT_MAX_MOVES,
                )
                .unwrap();
                assert_eq!(answer.chain.is_some(), d[b].is_some(), "{a} → {b}");
                if let Some(best) = d[b] {
                    assert_eq!(answer.total, best, "{a} → {b}");
                    multi += usize::from(answer.chain.as_ref().unwrap().len() >= 2);
                }
                assert_chain_is_a_walk(&engines, graph, &answer, &practitioner);
            }
        }
        assert!(multi >= 20, "chains with stepping stones checked: {multi}");
    }

    #[test]
    fn stepping_stones_through_the_cli_and_grpc_errors_name_the_field() {
        let (addr, _stop) = spawn_server_thread(embedded());
        let server = format!("http://{addr}");
        let run = |args: &[&str]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_vaardig"))
                .arg("stepping-stones")
                .args(args)
                .args(["--server", &server])
                .output()
                .unwrap()
        };
        let output = run(&["--from", ORDER_PICKER, "--target", CNC_OPERATOR, "--json"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let full = |id: &str| vaardig::model::parse_id(id).unwrap().to_string();
        assert_eq!(json["start"]["id"], full(ORDER_PICKER));
        assert_eq!(json["start_basis"], "given");
        assert_eq!(json["reachable"], true);
        let steps = json["steps"].as_array().unwrap();
        assert!(steps.len() >= 2, "{json}");
        assert_eq!(steps[0]["from"], full(ORDER_PICKER));
        assert_eq!(steps.last().unwrap()["to"], full(CNC_OPERATOR));
        for pair in steps.windows(2) {
            assert_eq!(pair[0]["to"], pair[1]["from"]);
        }
        let sum: i64 = steps.iter().map(|s| s["estimated_cost_cents"].as_i64().unwrap()).sum();
        assert_eq!(json["total_estimated_cost_cents"].as_i64().unwrap(), sum);
        assert_eq!(json["direct"]["to"], full(CNC_OPERATOR));
        assert_eq!(json["direct_is_transition"], false);

        let text = run(&["--from", ORDER_PICKER, "--target", CNC_OPERATOR]);
        let stdout = String::from_utf8_lossy(&text.stdout);
        assert!(stdout.contains("Opstapberoepen van orderpicker") && stdout.contains("rechtstreeks:"), "{stdout}");
        let header = |line: &str| line.split_whitespace().take(3).eq(["stap", "naar", "overlap"]);
        assert!(stdout.lines().any(header), "{stdout}");

        // Without --from: the occupation the skills fit best.
        let engines = embedded();
        let welder = engines.matching.occupation_slot(idx(&engines, WELDER)).unwrap();
        let skills: Vec<String> = engines.matching.occupations()[welder]
            .requirements
            .iter()
            .map(|r| engines.snapshot.concept(r.skill).id.to_string())
            .collect();
        let mut args = vec!["--target", DATA_ANALIST, "--json", "--skill"];
        args.extend(skills.iter().map(String::as_str));
        let output = run(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(json["start_basis"], "best_fit");
        assert_eq!(json["start"]["id"], full(WELDER));
        assert!(json["start_coverage"].as_f64().unwrap() > 0.9);

        let bad = run(&["--from", "esco:skill/nope", "--target", "esco:occupation/nope"]);
        assert_eq!(bad.status.code(), Some(5), "INVALID_ARGUMENT → exit code 5");
        let stderr = String::from_utf8_lossy(&bad.stderr);
        // The CLI names the flags the person typed.
        assert!(stderr.contains("--target: ") && stderr.contains("--from: "), "{stderr}");
        let nothing = run(&["--target", DATA_ANALIST]);
        assert_eq!(nothing.status.code(), Some(5));
        assert!(String::from_utf8_lossy(&nothing.stderr).contains("--from: "));
        let too_many = run(&["--from", ORDER_PICKER, "--target", CNC_OPERATOR, "--max-moves", "11"]);
        assert_eq!(too_many.status.code(), Some(5));
        assert!(String::from_utf8_lossy(&too_many.stderr).contains("--max-moves: "));
        let one = run(&["--from", ORDER_PICKER, "--target", CNC_OPERATOR, "--max-moves", "1", "--json"]);
        let json: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
        assert_eq!(json["reachable"], false, "CNC work is no direct transition for an order picker");
        assert!(json["steps"].as_array().unwrap().is_empty());
        assert!(json["direct"]["estimated_cost_cents"].as_i64().unwrap() > 0);
    }
}

/// What the planner asks once per application date: the best decision any course could get from
/// the STAP-budget, judged on the rules that read no course fact.
#[test]
fn planning_asks_once_per_date_whether_any_course_can_get_stap() {
    use vaardig::funding::{Application, Decision};
    let engines = embedded();
    let stap = engines.snapshot.lookup(STAP).unwrap();
    let person = PersonFacts {
        age: Some(40),
        labour_market_tie: Some(true),
        studiefinanciering: Some(false),
        lerarenbeurs: Some(false),
        tegemoetkoming: Some(false),
        already_granted_this_year_cents: Some(0),
        ..PersonFacts::default()
    };
    let best = |date: &str, person: &PersonFacts| {
        let application = Application::on(d(date));
        engines.funding.best_decision_for_any_course(stap, person, &application)
    };
    // Window 2022-4 open: the course decides.
    assert_eq!(best("2022-09-01", &person), Decision::Eligible);
    // Window 2023-1 open, but the 300-grants rule needs a count no plan knows.
    assert_eq!(best("2023-03-01", &person), Decision::Unknown);
    // Window 2023-2's budget ran out on its first day; STAP ended on 2024-01-01.
    assert_eq!(best("2023-06-01", &person), Decision::NotEligible);
    assert_eq!(best("2024-02-01", &person), Decision::NotEligible);
    // Outside the person rules: 17, or the yearly € 1,000 already granted.
    assert_eq!(best("2022-09-01", &PersonFacts { age: Some(17), ..person.clone() }), Decision::NotEligible);
    let granted = PersonFacts { already_granted_this_year_cents: Some(100_000), ..person.clone() };
    assert_eq!(best("2022-09-01", &granted), Decision::NotEligible);
}

//! Funding: the golden cases of domain brief §8 for the STAP-budget, the STAP-ontwikkeladvies and
//! the Levenlanglerenkrediet, run on the embedded rules; the bars (no STAP money outside the
//! register or the rules); the FundingService over gRPC with its error codes; rule validation in
//! bundles; and the `vaardig eligibility` command.

use vaardig::funding::{Application, CheckRequest, Checked, Decision, Fact, Outcome, PaidTo, PersonFacts};
use vaardig::model::{Date, EducationLevel, LabourStatus, expand_id};

use crate::helpers::embedded;

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

/// A request under construction: the golden cases start from a typical eligible STAP applicant
/// and change one thing.
#[derive(Clone)]
struct Req(CheckRequest);

impl Req {
    fn new(scheme: &str, course: Option<&str>, date: &str) -> Req {
        Req(CheckRequest {
            scheme_id: expand_id(&format!("vaardig:scheme/{scheme}")),
            course_id: course.map(|c| expand_id(&format!("vaardig:course/{c}"))),
            course_start_date: None,
            cost_cents: None,
            application: Application {
                date: d(date),
                programme_year: None,
                course_grants_so_far: None,
                approval: None,
            },
            person: PersonFacts::default(),
        })
    }

    /// STAP for a 30-year-old with an mbo-3 diploma, a job in the Netherlands, no other public
    /// money for the course and no STAP grant yet this year: a forklift course (€ 395, in the
    /// register 2022-03-01 – 2024-01-01) starting 2022-10-03, applied for on 2022-09-05 (tijdvak
    /// 2022-4, whose budget we hold no exhaustion date for).
    fn stap() -> Req {
        Req::new("stap-budget", Some("heftruck-basis"), "2022-09-05").start("2022-10-03").person(|p| {
            p.age = Some(30);
            p.education = Some(EducationLevel::Mbo3);
            p.labour_market_tie = Some(true);
            p.labour_status = Some(LabourStatus::Werknemer);
            p.studiefinanciering = Some(false);
            p.lerarenbeurs = Some(false);
            p.tegemoetkoming = Some(false);
            p.already_granted_this_year_cents = Some(0);
        })
    }

    fn course(mut self, course: &str) -> Req {
        self.0.course_id = Some(expand_id(&format!("vaardig:course/{course}")));
        self
    }

    fn date(mut self, date: &str) -> Req {
        self.0.application.date = d(date);
        self
    }

    fn start(mut self, start: &str) -> Req {
        self.0.course_start_date = Some(d(start));
        self
    }

    fn cost(mut self, cents: u64) -> Req {
        self.0.cost_cents = Some(cents);
        self
    }

    fn programme_year(mut self, year: u32) -> Req {
        self.0.application.programme_year = Some(year);
        self
    }

    fn course_grants(mut self, grants: u32) -> Req {
        self.0.application.course_grants_so_far = Some(grants);
        self
    }

    fn person(mut self, change: impl FnOnce(&mut PersonFacts)) -> Req {
        change(&mut self.0.person);
        self
    }

    fn check(&self) -> Checked {
        embedded().funding.check(&self.0).unwrap_or_else(|e| panic!("{e}"))
    }
}

/// What a golden case must produce. Unlisted conditions must pass or be not applicable.
#[derive(Default)]
struct Expect {
    decision: Option<Decision>,
    scheme_cents: Option<u64>,
    remainder_cents: Option<u64>,
    failed: &'static [&'static str],
    unknown: &'static [&'static str],
    pending: &'static [&'static str],
    counterfactuals: &'static [Fact],
    notices: &'static [&'static str],
    compartments: &'static [(&'static str, Outcome)],
    paid_to: Option<PaidTo>,
}

fn eligible(scheme_cents: u64, remainder_cents: u64) -> Expect {
    Expect {
        decision: Some(Decision::Eligible),
        scheme_cents: Some(scheme_cents),
        remainder_cents: Some(remainder_cents),
        ..Expect::default()
    }
}

fn not_eligible(failed: &'static [&'static str]) -> Expect {
    Expect { decision: Some(Decision::NotEligible), failed, ..Expect::default() }
}

fn unknown(unknown: &'static [&'static str]) -> Expect {
    Expect { decision: Some(Decision::Unknown), unknown, ..Expect::default() }
}

/// Compares a result with its expectation; returns what differs.
fn differences(checked: &Checked, expect: &Expect) -> Vec<String> {
    let e = &checked.evaluation;
    let mut out = Vec::new();
    if let Some(decision) = expect.decision {
        if e.decision != decision {
            out.push(format!("decision {} (expected {decision})", e.decision));
        }
    }
    let ids = |outcome: Outcome| -> Vec<&str> {
        e.trace.iter().filter(|t| t.outcome == outcome).map(|t| t.condition_id.as_str()).collect()
    };
    if ids(Outcome::Failed) != expect.failed {
        out.push(format!("failed {:?} (expected {:?})", ids(Outcome::Failed), expect.failed));
    }
    if ids(Outcome::Unknown) != expect.unknown {
        out.push(format!("unknown {:?} (expected {:?})", ids(Outcome::Unknown), expect.unknown));
    }
    let pending: Vec<&str> = e.trace.iter().filter(|t| t.pending).map(|t| t.condition_id.as_str()).collect();
    if pending != expect.pending {
        out.push(format!("pending {pending:?} (expected {:?})", expect.pending));
    }
    let amounts = e.amounts.as_ref();
    if expect.scheme_cents != amounts.map(|a| a.scheme_cents) && expect.scheme_cents.is_some() {
        out.push(format!("scheme_cents {:?} (expected {:?})", amounts.map(|a| a.scheme_cents), expect.scheme_cents));
    }
    if expect.remainder_cents.is_some() && expect.remainder_cents != amounts.map(|a| a.remainder_cents) {
        out.push(format!(
            "remainder_cents {:?} (expected {:?})",
            amounts.map(|a| a.remainder_cents),
            expect.remainder_cents
        ));
    }
    if e.decision == Decision::NotEligible && amounts.is_some() {
        out.push("amounts given for a not-eligible answer".to_string());
    }
    let facts: Vec<Fact> = e.counterfactuals.iter().map(|c| c.fact).collect();
    if facts != expect.counterfactuals {
        out.push(format!("counterfactuals {facts:?} (expected {:?})", expect.counterfactuals));
    }
    let notices: Vec<&str> = e.notices.iter().map(|n| n.id.as_str()).collect();
    if notices != expect.notices {
        out.push(format!("notices {notices:?} (expected {:?})", expect.notices));
    }
    for (id, outcome) in expect.compartments {
        let actual = e.compartments.iter().find(|c| c.id == *id).map(|c| c.outcome);
        if actual != Some(*outcome) {
            out.push(format!("compartment {id} {actual:?} (expected {outcome})"));
        }
    }
    if let Some(paid_to) = expect.paid_to {
        if e.paid_to != paid_to {
            out.push(format!("paid_to {} (expected {paid_to})", e.paid_to));
        }
    }
    out
}

/// Runs a table of cases and reports every difference at once.
fn run(cases: Vec<(&str, Req, Expect)>) {
    let mut failures = Vec::new();
    for (name, request, expect) in &cases {
        let checked = request.check();
        let differences = differences(&checked, expect);
        if !differences.is_empty() {
            let trace: Vec<String> = checked
                .evaluation
                .trace
                .iter()
                .map(|t| format!("    {} {}: {}", t.outcome, t.condition_id, t.explanation.nl))
                .collect();
            failures.push(format!("{name}:\n  {}\n{}", differences.join("\n  "), trace.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn funding_golden_cases_stap_budget() {
    use EducationLevel::*;
    run(vec![
        (
            "baseline: forklift course € 395 in the register",
            Req::stap(),
            Expect { paid_to: Some(PaidTo::Provider), ..eligible(39_500, 0) },
        ),
        // §8.1 Age 17, employed → not eligible (min 18).
        (
            "§8.1 age 17",
            Req::stap().person(|p| p.age = Some(17)),
            Expect { counterfactuals: &[Fact::Age], ..not_eligible(&["leeftijd"]) },
        ),
        // §8.2 Age 18, jobseeker without benefit, belastingplichtig → eligible: the tie to the
        // labour market holds through tax liability, and non-workers are included.
        (
            "§8.2 age 18, jobseeker, belastingplichtig",
            Req::stap().person(|p| {
                p.age = Some(18);
                p.labour_market_tie = None;
                p.belastingplichtig = Some(true);
                p.labour_status = Some(LabourStatus::WerkzoekendZonderUitkering);
            }),
            eligible(39_500, 0),
        ),
        // §8.3 At or over the AOW age → not eligible. The AOW age in 2022 is 66 years 7 months.
        (
            "§8.3 born 1956-02-05: AOW age reached on 2022-09-05",
            Req::stap().person(|p| {
                p.age = None;
                p.birth_date = Some(d("1956-02-05"));
            }),
            Expect { counterfactuals: &[Fact::Age], ..not_eligible(&["leeftijd"]) },
        ),
        (
            "§8.3 born 1956-02-06: one day short of the AOW age",
            Req::stap().person(|p| {
                p.age = None;
                p.birth_date = Some(d("1956-02-06"));
            }),
            eligible(39_500, 0),
        ),
        (
            "§8.3 age 67 in 2022",
            Req::stap().person(|p| p.age = Some(67)),
            Expect { counterfactuals: &[Fact::Age], ..not_eligible(&["leeftijd"]) },
        ),
        ("§8.3 age 65 in 2022", Req::stap().person(|p| p.age = Some(65)), eligible(39_500, 0)),
        // Only whole years known and the AOW boundary inside that year: unknown, and the birth date
        // decides (born on or after 1956-02-06).
        (
            "§8.3 age 66 in whole years",
            Req::stap().person(|p| p.age = Some(66)),
            Expect { counterfactuals: &[Fact::BirthDate], ..unknown(&["leeftijd"]) },
        ),
        // §8.4 Studiefinanciering for that same course → excluded for that course; the same person,
        // for another course without studiefinanciering, is not excluded.
        (
            "§8.4 studiefinanciering for this course",
            Req::stap().person(|p| p.studiefinanciering = Some(true)),
            Expect { counterfactuals: &[Fact::Studiefinanciering], ..not_eligible(&["andere-publieke-financiering"]) },
        ),
        (
            "§8.4 same person, another course without studiefinanciering",
            Req::stap().course("reachtruck").start("2022-10-04"),
            eligible(44_500, 0),
        ),
        // §8.5 Teacher with a lerarenbeurs for the course → excluded.
        (
            "§8.5 lerarenbeurs",
            Req::stap().person(|p| p.lerarenbeurs = Some(true)),
            Expect { counterfactuals: &[Fact::Lerarenbeurs], ..not_eligible(&["andere-publieke-financiering"]) },
        ),
        // §8.6 Course not in the scholingsregister → not STAP-fundable; counterfactual: "eligible if
        // the course were in the register".
        (
            "§8.6 course in no register",
            Req::stap().course("sql-voor-beginners").start("2022-10-04"),
            Expect { counterfactuals: &[Fact::CourseRegister], ..not_eligible(&["scholingsregister"]) },
        ),
        // … and membership counts on the start date: this course left the register on 2023-01-01.
        (
            "§8.6 course out of the register by its start",
            Req::stap().course("tig-lassen-rvs-en-aluminium").start("2023-02-06"),
            Expect { counterfactuals: &[Fact::CourseRegister], ..not_eligible(&["scholingsregister"]) },
        ),
        // The provider's NRTO quality mark expired on 2023-07-01.
        (
            "provider lost its quality mark by the start",
            Req::stap().course("programmeren-in-python-basis").start("2023-08-07"),
            Expect { counterfactuals: &[Fact::ProviderQualityMarks], ..not_eligible(&["erkenning-aanbieder"]) },
        ),
        // §8.7 Price € 800 → STAP € 800 (100 %); price € 1,500 → STAP € 1,000, remainder € 500 from
        // the employer/O&O fund or own money.
        ("§8.7 cost € 800", Req::stap().cost(80_000), eligible(80_000, 0)),
        ("§8.7 cost € 1,500", Req::stap().cost(150_000), eligible(100_000, 50_000)),
        (
            "§8.7 welding course € 1,450",
            Req::stap().course("lassen-mig-mag-basis").start("2022-10-10"),
            eligible(100_000, 45_000),
        ),
        // §8.8 A second application in the same calendar year after € 1,000 was granted → rejected.
        (
            "§8.8 € 1,000 already granted this year",
            Req::stap().person(|p| p.already_granted_this_year_cents = Some(100_000)),
            Expect { counterfactuals: &[Fact::AlreadyGranted], ..not_eligible(&["jaarmaximum"]) },
        ),
        (
            "§8.8 € 600 granted: € 400 left",
            Req::stap().cost(80_000).person(|p| p.already_granted_this_year_cents = Some(60_000)),
            eligible(40_000, 40_000),
        ),
        // §8.9 The 2023 compartment: mbo-4 may use it; a bachelor only the regular funds. Both are
        // eligible for STAP itself. (From 2023-02-28 the 300-grants-per-course rule needs the count.)
        (
            "§8.9 mbo-4 in 2023: regular funds and the compartment",
            Req::stap().date("2023-03-01").start("2023-04-03").course_grants(12).person(|p| p.education = Some(Mbo4)),
            Expect { compartments: &[("praktisch-opgeleiden-2023", Outcome::Passed)], ..eligible(39_500, 0) },
        ),
        (
            "§8.9 havo counts as NLQF 4 like mbo-4",
            Req::stap().date("2023-03-01").start("2023-04-03").course_grants(12).person(|p| p.education = Some(Havo)),
            Expect { compartments: &[("praktisch-opgeleiden-2023", Outcome::Passed)], ..eligible(39_500, 0) },
        ),
        (
            "§8.9 bachelor in 2023: regular funds only",
            Req::stap()
                .date("2023-03-01")
                .start("2023-04-03")
                .course_grants(12)
                .person(|p| p.education = Some(Bachelor)),
            Expect { compartments: &[("praktisch-opgeleiden-2023", Outcome::Failed)], ..eligible(39_500, 0) },
        ),
        (
            "§8.9 the compartment does not exist in 2022",
            Req::stap(),
            Expect { compartments: &[("praktisch-opgeleiden-2023", Outcome::NotApplicable)], ..eligible(39_500, 0) },
        ),
        (
            "300 grants per course from 2023-02-28: count unknown",
            Req::stap().date("2023-03-01").start("2023-04-03"),
            Expect { counterfactuals: &[Fact::CourseGrants], ..unknown(&["max-300-per-opleiding"]) },
        ),
        (
            "300 grants per course from 2023-02-28: full",
            Req::stap().date("2023-03-01").start("2023-04-03").course_grants(300),
            Expect { counterfactuals: &[Fact::CourseGrants], ..not_eligible(&["max-300-per-opleiding"]) },
        ),
        // §8.10 Tijdvak budget exhausted → rejected irrespective of eligibility. The 2022-3 budget
        // ran out on its opening day 2022-07-01; the next tijdvak opened on 2022-09-01.
        (
            "§8.10 after the tijdvak budget ran out",
            Req::stap().date("2022-07-04").start("2022-10-03"),
            Expect { counterfactuals: &[Fact::Date], ..not_eligible(&["tijdvak"]) },
        ),
        (
            "§8.10 on the day the budget ran out",
            Req::stap().date("2022-07-01").start("2022-10-03"),
            Expect { counterfactuals: &[Fact::Date], ..unknown(&["tijdvak"]) },
        ),
        (
            "§8.10 between tijdvakken (January 2023)",
            Req::stap().date("2023-01-16").start("2023-04-03"),
            Expect { counterfactuals: &[], ..not_eligible(&["tijdvak"]) },
        ),
        // §8.11 EVC procedure at a recognised EVC provider → pending in 2022, with the alternative
        // route as a notice (the 2019 design would have funded it, 004 L269-282).
        (
            "§8.11 EVC procedure",
            Req::stap().course("evc-procedure-allround-timmerman").start("2022-10-03"),
            Expect { pending: &["evc"], notices: &["evc-andere-route"], ..not_eligible(&["evc"]) },
        ),
        // §8.12 Multi-year programme, year 2 → "vervolgjaar" not supported (2022), pending.
        (
            "§8.12 vervolgjaar in 2022",
            Req::stap().course("bbl-verzorgende-ig").start("2022-09-12").programme_year(2),
            Expect {
                pending: &["vervolgjaar"],
                counterfactuals: &[Fact::ProgrammeYear],
                ..not_eligible(&["vervolgjaar"])
            },
        ),
        (
            "§8.12 multi-year programme, year not given",
            Req::stap().course("bbl-verzorgende-ig").start("2022-09-12"),
            Expect { counterfactuals: &[Fact::ProgrammeYear], ..unknown(&["vervolgjaar"]) },
        ),
        (
            "§8.12 first year of the programme",
            Req::stap().course("bbl-verzorgende-ig").start("2022-09-12").programme_year(1),
            eligible(100_000, 285_000),
        ),
        // From July 2023 follow-up years were allowed (a data change: the rule's valid_to).
        (
            "§8.12 vervolgjaar in September 2023",
            Req::stap()
                .course("bbl-verzorgende-ig")
                .date("2023-09-05")
                .start("2023-10-02")
                .programme_year(2)
                .course_grants(0),
            eligible(100_000, 285_000),
        ),
        // §8.13 Payment goes to the provider, never to the person.
        (
            "§8.13 paid to the provider",
            Req::stap().cost(150_000),
            Expect { paid_to: Some(PaidTo::Provider), ..eligible(100_000, 50_000) },
        ),
        // §8.14 No startkwalificatie → eligible, with the praktijkverklaring/praktijkleren routes.
        (
            "§8.14 vmbo, no startkwalificatie",
            Req::stap().person(|p| p.education = Some(Vmbo)),
            Expect { notices: &["zonder-startkwalificatie"], ..eligible(39_500, 0) },
        ),
        // STAP ended on 2024-01-01: a request dated after it gets no STAP money, with that reason.
        (
            "STAP ended on 2024-01-01",
            Req::stap().date("2024-02-05").start("2024-03-12"),
            Expect { counterfactuals: &[], ..not_eligible(&["looptijd", "scholingsregister", "tijdvak"]) },
        ),
        // Nothing known about the person: unknown, naming what to ask.
        (
            "no person facts",
            Req::stap().person(|p| *p = PersonFacts::default()),
            Expect {
                counterfactuals: &[],
                ..unknown(&["leeftijd", "band-arbeidsmarkt", "andere-publieke-financiering", "jaarmaximum"])
            },
        ),
    ]);
}

#[test]
fn funding_golden_cases_ontwikkeladvies_and_levenlanglerenkrediet() {
    use EducationLevel::*;
    let advice = |education: EducationLevel| {
        Req::new("stap-ontwikkeladvies", None, "2022-06-01").person(move |p| {
            p.age = Some(45);
            p.education = Some(education);
        })
    };
    let llk = |date: &str| {
        Req::new("levenlanglerenkrediet", Some("software-developer-bol"), date).person(|p| {
            p.age = Some(55);
            p.studiefinanciering = Some(false);
        })
    };
    run(vec![
        // §8.16 At most mbo-2 → STAP-ontwikkeladvies (paid to the adviser; free for the person).
        (
            "§8.16 mbo-2 wants career advice",
            advice(Mbo2),
            Expect {
                decision: Some(Decision::Eligible),
                notices: &["opstap-naar-stap"],
                paid_to: Some(PaidTo::Adviser),
                ..Expect::default()
            },
        ),
        (
            "§8.16 no diploma",
            advice(Geen),
            Expect { decision: Some(Decision::Eligible), notices: &["opstap-naar-stap"], ..Expect::default() },
        ),
        // mbo-3 → not eligible, with the SLIM/O&O-fund/union alternative.
        (
            "§8.16 mbo-3",
            advice(Mbo3),
            Expect {
                counterfactuals: &[Fact::Education],
                notices: &["ander-ontwikkeladvies"],
                ..not_eligible(&["opleidingsniveau"])
            },
        ),
        (
            "§8.16 havo is above mbo-2",
            advice(Havo),
            Expect {
                counterfactuals: &[Fact::Education],
                notices: &["ander-ontwikkeladvies"],
                ..not_eligible(&["opleidingsniveau"])
            },
        ),
        (
            "§8.16 before it started (2022-04-01)",
            advice(Mbo2).date("2022-03-15"),
            Expect { counterfactuals: &[Fact::Date], notices: &["opstap-naar-stap"], ..not_eligible(&["looptijd"]) },
        ),
        // §8.15 Age 55, no studiefinanciering, an mbo-bol programme → eligible under "tot 56 jaar"
        // (2022). Our reading: "tot 56" = younger than 56, so 56 is not eligible. The loan is the
        // tuition, at most 5 × the wettelijk collegegeld (2023-2024: 5 × € 2,314 = € 11,570).
        (
            "§8.15 age 55, mbo-bol, 2024",
            llk("2024-08-15"),
            Expect { paid_to: Some(PaidTo::Person), ..eligible(437_100, 0) },
        ),
        (
            "§8.15 age 56, 2024",
            llk("2024-08-15").person(|p| p.age = Some(56)),
            Expect { counterfactuals: &[Fact::Age], ..not_eligible(&["leeftijd-tot-56"]) },
        ),
        // Under the 2018/2020 rule ("tot 55"), 55 was already excluded.
        (
            "§8.15 age 55 under the 'tot 55' rule (2021)",
            llk("2021-08-15").start("2021-09-01"),
            Expect { counterfactuals: &[Fact::Age], ..not_eligible(&["leeftijd-tot-55"]) },
        ),
        ("§8.15 cost above 5 × collegegeld", llk("2024-08-15").cost(1_500_000), eligible(1_157_000, 343_000)),
        (
            "§8.15 bbl is not for the LLK",
            llk("2024-08-15").course("bbl-verzorgende-ig"),
            Expect { counterfactuals: &[Fact::CourseEducationType], ..not_eligible(&["hbo-wo-of-mbo-bol"]) },
        ),
        (
            "§8.15 still entitled to studiefinanciering",
            llk("2024-08-15").person(|p| p.studiefinanciering = Some(true)),
            Expect { counterfactuals: &[Fact::Studiefinanciering], ..not_eligible(&["geen-studiefinanciering"]) },
        ),
    ]);
}

/// The bars: STAP money is never promised for a course outside the register on its start date,
/// for a person outside the rules, outside the scheme's life or a tijdvak with budget; and never
/// more than € 1,000 a year or more than the cost. Checked over every embedded course, two start
/// dates, four people and a date every fortnight from December 2021 to March 2024.
#[test]
fn funding_bars_stap_money_only_inside_the_rules() {
    use vaardig::model::{ConceptKind, Details, Register};
    let engines = embedded();
    let snapshot = &*engines.snapshot;
    let people = [
        Req::stap().0.person,
        Req::stap().person(|p| p.age = Some(17)).0.person,
        Req::stap().person(|p| p.age = Some(67)).0.person,
        Req::stap().person(|p| p.already_granted_this_year_cents = Some(70_000)).0.person,
    ];
    let mut dates = Vec::new();
    let mut day = d("2021-12-01");
    while day < d("2024-03-01") {
        dates.push(day);
        day = Date::from_days(day.to_days() + 14);
    }
    let (mut eligible, mut checked) = (0, 0);
    for (_, course) in snapshot.concepts_of(ConceptKind::Course) {
        let Details::Course(details) = &course.details else { unreachable!() };
        for date in &dates {
            for start in [None, Some(Date::from_days(date.to_days() + 28))] {
                for (p, person) in people.iter().enumerate() {
                    let mut request = Req::stap().date(&date.to_string());
                    request.0.course_id = Some(course.id.to_string());
                    request.0.course_start_date = start;
                    request.0.person = person.clone();
                    let evaluation = request.check().evaluation;
                    checked += 1;
                    if evaluation.decision == Decision::NotEligible {
                        assert!(evaluation.amounts.is_none(), "{} on {date}: amounts when not eligible", course.id);
                        continue;
                    }
                    let amounts = evaluation.amounts.as_ref().expect("STAP pays a share of the cost");
                    assert!(amounts.scheme_cents <= 100_000 && amounts.scheme_cents <= details.price_cents);
                    if p == 3 {
                        assert!(amounts.scheme_cents <= 30_000, "only € 300 left under the yearly cap");
                    }
                    if evaluation.decision != Decision::Eligible {
                        continue;
                    }
                    eligible += 1;
                    assert!(
                        p == 0 || p == 3,
                        "person {p} is outside the rules but {} on {date} is eligible",
                        course.id
                    );
                    let start = evaluation.course_start.expect("an eligible answer knows the start date");
                    assert!(
                        details
                            .registers
                            .iter()
                            .any(|r| r.register == Register::StapScholingsregister && r.validity.contains(start)),
                        "{} starting {start} is not in the register but eligible",
                        course.id
                    );
                    assert!(
                        *date >= d("2022-03-01") && *date < d("2024-01-01"),
                        "eligible outside STAP's life: {date}"
                    );
                }
            }
        }
    }
    assert!(eligible > 500, "the bars test must see eligible answers too ({eligible} of {checked})");
}

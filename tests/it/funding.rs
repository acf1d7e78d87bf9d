//! Funding: the golden cases of domain brief §8 for the STAP-budget, the STAP-ontwikkeladvies and
//! the Levenlanglerenkrediet, run on the embedded rules; the bars (no STAP money outside the
//! register or the rules); the FundingService over gRPC with its error codes; rule validation in
//! bundles; and the `vaardig eligibility` command.

use vaardig::funding::rules::Applicant;
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
            application: Application::on(d(date)),
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

    fn applicant(mut self, applicant: Applicant) -> Req {
        self.0.application.applicant = Some(applicant);
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

/// The Levenlanglerenkrediet's notices in 2024: that it is a loan, and that year's interest rate.
const LLK_2024: &[&str] = &["terugbetalen", "rente-2024"];

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
            Expect { paid_to: Some(PaidTo::Person), notices: LLK_2024, ..eligible(437_100, 0) },
        ),
        (
            "§8.15 age 56, 2024",
            llk("2024-08-15").person(|p| p.age = Some(56)),
            Expect { counterfactuals: &[Fact::Age], notices: LLK_2024, ..not_eligible(&["leeftijd-tot-56"]) },
        ),
        // Under the 2018/2020 rule ("tot 55"), 55 was already excluded.
        (
            "§8.15 age 55 under the 'tot 55' rule (2021)",
            llk("2021-08-15").start("2021-09-01"),
            Expect { counterfactuals: &[Fact::Age], notices: &["terugbetalen"], ..not_eligible(&["leeftijd-tot-55"]) },
        ),
        (
            "§8.15 cost above 5 × collegegeld",
            llk("2024-08-15").cost(1_500_000),
            Expect { notices: LLK_2024, ..eligible(1_157_000, 343_000) },
        ),
        (
            "§8.15 bbl is not for the LLK",
            llk("2024-08-15").course("bbl-verzorgende-ig"),
            Expect {
                counterfactuals: &[Fact::CourseEducationType],
                notices: LLK_2024,
                ..not_eligible(&["hbo-wo-of-mbo-bol"])
            },
        ),
        (
            "§8.15 still entitled to studiefinanciering",
            llk("2024-08-15").person(|p| p.studiefinanciering = Some(true)),
            Expect {
                counterfactuals: &[Fact::Studiefinanciering],
                notices: LLK_2024,
                ..not_eligible(&["geen-studiefinanciering"])
            },
        ),
    ]);
}

/// A closed tijdvak's counterfactual looks forward: to the next window that opens, saying when its
/// budget ran out too, never to a day before the application (domain brief §8.10).
#[test]
fn a_closed_window_points_to_the_next_one_and_says_when_its_budget_ran_out() {
    // 2022-05-10: tijdvak 2022-2 ran out on 2022-05-03; 2022-3 opened 2022-07-01 and ran out that
    // same day; 2022-4 opened 2022-09-01 with money left.
    let checked = Req::stap().date("2022-05-10").start("2022-10-03").check();
    assert_eq!(checked.evaluation.decision, Decision::NotEligible);
    let dates: Vec<_> = checked.evaluation.counterfactuals.iter().filter(|c| c.fact == Fact::Date).collect();
    assert_eq!(dates.len(), 1, "{:?}", checked.evaluation.counterfactuals);
    let en = &dates[0].explanation.en;
    assert!(en.contains("from 2022-07-01, in window 2022-3") && en.contains("also ran out, on 2022-07-01"), "{en}");
    assert!(!en.contains("2022-05-02"), "points back: {en}");
    assert!(
        dates[0].explanation.nl.contains("vanaf 2022-07-01 wordt gedaan, in tijdvak 2022-3"),
        "{}",
        dates[0].explanation.nl
    );

    // After 2022-3 ran out, the next window (2022-4) has money: a plain forward pointer.
    let checked = Req::stap().date("2022-07-04").start("2022-10-03").check();
    let en = &checked.evaluation.counterfactuals[0].explanation.en;
    assert!(en.contains("from 2022-09-01, in window 2022-4") && !en.contains("ran out"), "{en}");
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

// ---------------------------------------------------------------------------------------------
// The FundingService over gRPC.

mod api {
    use tonic::Code;
    use tonic_types::StatusExt;
    use vaardig::proto::v1 as pb;
    use vaardig::proto::v1::funding_service_client::FundingServiceClient;

    use crate::helpers::{embedded, spawn_server};

    fn bad_fields(status: &tonic::Status) -> Vec<String> {
        status
            .get_details_bad_request()
            .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
            .unwrap_or_default()
    }

    /// The § 8.7 welding course: € 1,450, so STAP pays € 1,000 and € 450 remains.
    fn welding() -> pb::CheckEligibilityRequest {
        pb::CheckEligibilityRequest {
            scheme_id: "vaardig:scheme/stap-budget".into(),
            course_id: "vaardig:course/lassen-mig-mag-basis".into(),
            date: "2022-09-05".into(),
            course_start_date: "2022-10-10".into(),
            person: Some(pb::PersonFacts {
                age: Some(30),
                highest_education: "mbo3".into(),
                labour_market_tie: Some(true),
                studiefinanciering_for_course: Some(false),
                lerarenbeurs_for_course: Some(false),
                tegemoetkoming_for_course: Some(false),
                already_granted_this_year_cents: Some(0),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn funding_check_eligibility_answers_with_trace_amounts_and_sources() {
        let server = spawn_server(embedded()).await;
        let mut client = FundingServiceClient::new(server.channel().await);
        let r = client.check_eligibility(welding()).await.unwrap().into_inner();
        assert_eq!(r.decision, pb::EligibilityDecision::Eligible as i32);
        assert_eq!(r.scheme.as_ref().unwrap().id, "https://id.vaardig.nl/scheme/stap-budget");
        assert_eq!(r.paid_to, "provider");
        assert!(r.paid_to_source.as_ref().unwrap().reference.contains("004 L317-322"));
        let amounts = r.amounts.as_ref().unwrap();
        assert_eq!((amounts.cost_cents, amounts.scheme_cents, amounts.remainder_cents), (145_000, 100_000, 45_000));
        let payers: Vec<&str> = amounts.remainder_payers.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            payers,
            ["https://id.vaardig.nl/scheme/werkgever-oo-fonds", "https://id.vaardig.nl/scheme/eigen-budget"]
        );
        assert!(!amounts.upper_bound);
        assert_eq!(r.trace.len(), 12);
        for entry in &r.trace {
            let source = entry.source.as_ref().expect("every condition has a source");
            assert!(!source.document.is_empty() && !source.reference.is_empty(), "{entry:?}");
            assert!(!entry.explanation.is_empty());
        }
        assert!(r.summary.starts_with("In aanmerking voor STAP-budget: € 1.000 van € 1.450"), "{}", r.summary);
        assert_eq!(r.course_start_origin, "given");

        // In English, for a 17-year-old: not eligible, no amount, and the counterfactual.
        let mut young = welding();
        young.lang = "en".into();
        young.person.as_mut().unwrap().age = Some(17);
        let r = client.check_eligibility(young).await.unwrap().into_inner();
        assert_eq!(r.decision, pb::EligibilityDecision::NotEligible as i32);
        assert!(r.amounts.is_none(), "no money is promised while a rule fails");
        let age = r.trace.iter().find(|t| t.condition_id == "leeftijd").unwrap();
        assert_eq!(age.outcome, pb::ConditionOutcome::Failed as i32);
        assert!(age.explanation.starts_with("Age 17 on 2022-09-05"), "{}", age.explanation);
        assert_eq!(r.counterfactuals.len(), 1);
        assert_eq!(r.counterfactuals[0].fact, "person.age");
        assert_eq!(r.counterfactuals[0].explanation, "Eligible if the person were 18 or older.");

        // Only whole years, at the AOW boundary: unknown, and the birth date is the missing fact.
        let mut boundary = welding();
        boundary.person.as_mut().unwrap().age = Some(66);
        let r = client.check_eligibility(boundary).await.unwrap().into_inner();
        assert_eq!(r.decision, pb::EligibilityDecision::Unknown as i32);
        assert_eq!(r.missing_facts, ["person.birth_date"]);
        assert!(r.amounts.as_ref().unwrap().upper_bound);
    }

    #[tokio::test]
    async fn funding_unknown_ids_are_not_found_and_bad_input_names_every_field() {
        let server = spawn_server(embedded()).await;
        let mut client = FundingServiceClient::new(server.channel().await);

        let status = client
            .check_eligibility(pb::CheckEligibilityRequest {
                scheme_id: "vaardig:scheme/bestaat-niet".into(),
                ..welding()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::NotFound);
        assert!(status.message().contains("https://id.vaardig.nl/scheme/bestaat-niet"), "{}", status.message());

        let status = client
            .check_eligibility(pb::CheckEligibilityRequest {
                course_id: "vaardig:course/bestaat-niet".into(),
                ..welding()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::NotFound);
        assert!(status.message().contains("https://id.vaardig.nl/course/bestaat-niet"), "{}", status.message());

        for (request, field) in [
            (
                pb::CheckEligibilityRequest { course_id: "vaardig:provider/roc-denkbeeldig".into(), ..welding() },
                "course_id",
            ),
            (
                pb::CheckEligibilityRequest { scheme_id: "vaardig:course/heftruck-basis".into(), ..welding() },
                "scheme_id",
            ),
        ] {
            let status = client.check_eligibility(request).await.unwrap_err();
            assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
            assert_eq!(bad_fields(&status), [field], "{}", status.message());
        }

        // No course for a scheme about one is not an error: the person is checked, the course
        // conditions stay open, and the answer says it needs a course.
        let r = client
            .check_eligibility(pb::CheckEligibilityRequest { course_id: String::new(), ..welding() })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.decision, pb::EligibilityDecision::Unknown as i32);
        assert!(r.needs_course);
        assert!(r.course.is_none() && r.amounts.is_none());
        assert!(r.missing_facts.contains(&"course_id".to_string()), "{:?}", r.missing_facts);
        let leeftijd = r.trace.iter().find(|t| t.condition_id == "leeftijd").unwrap();
        assert_eq!(leeftijd.outcome, pb::ConditionOutcome::Passed as i32, "the person is still checked");

        let mut bad = welding();
        bad.date = "2022-13-01".into();
        bad.cost_cents = Some(-1);
        bad.programme_year = Some(0);
        bad.course_grants_so_far = Some(-2);
        bad.applicant = "buurman".into();
        bad.lang = "nederlands!".into();
        let person = bad.person.as_mut().unwrap();
        person.age = Some(-3);
        person.highest_education = "universiteit".into();
        person.labour_status = "werkloos".into();
        person.already_granted_this_year_cents = Some(-100);
        let status = client.check_eligibility(bad).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(
            bad_fields(&status),
            [
                "date",
                "cost_cents",
                "programme_year",
                "course_grants_so_far",
                "applicant",
                "person.age",
                "person.labour_status",
                "person.highest_education",
                "person.already_granted_this_year_cents",
                "lang"
            ],
            "{}",
            status.message()
        );

        let status = client
            .check_eligibility(pb::CheckEligibilityRequest {
                scheme_id: String::new(),
                date: String::new(),
                ..welding()
            })
            .await
            .unwrap_err();
        assert_eq!(bad_fields(&status), ["scheme_id", "date"]);

        let mut mismatch = welding();
        mismatch.person.as_mut().unwrap().birth_date = "1950-01-01".into();
        let status = client.check_eligibility(mismatch).await.unwrap_err();
        assert_eq!(bad_fields(&status), ["person.age"]);
        assert!(status.message().contains("does not match birth_date"), "{}", status.message());

        let status = client
            .list_funding_schemes(pb::ListFundingSchemesRequest {
                date: "gisteren".into(),
                lang: String::new(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(bad_fields(&status), ["date"]);
        let status = client
            .get_funding_scheme(pb::GetFundingSchemeRequest { id: "vaardig:scheme/x".into(), lang: String::new() })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::NotFound);
        let status = client
            .get_funding_scheme(pb::GetFundingSchemeRequest {
                id: "vaardig:course/heftruck-basis".into(),
                lang: String::new(),
            })
            .await
            .unwrap_err();
        assert_eq!(bad_fields(&status), ["id"]);
    }

    #[tokio::test]
    async fn funding_schemes_are_listed_by_date_with_their_rules() {
        let server = spawn_server(embedded()).await;
        let mut client = FundingServiceClient::new(server.channel().await);
        let ids = |r: &pb::ListFundingSchemesResponse| -> Vec<String> {
            r.schemes
                .iter()
                .map(|s| s.scheme.as_ref().unwrap().id.replace("https://id.vaardig.nl/scheme/", ""))
                .collect()
        };
        let all = client.list_funding_schemes(pb::ListFundingSchemesRequest::default()).await.unwrap().into_inner();
        assert_eq!(all.schemes.len(), 10);
        assert!(all.schemes.iter().all(|s| s.has_rules && !s.paid_to.is_empty()));
        let in_2022 = client
            .list_funding_schemes(pb::ListFundingSchemesRequest {
                date: "2022-06-01".into(),
                lang: String::new(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(ids(&in_2022).contains(&"stap-budget".to_string()));
        let in_2024 = client
            .list_funding_schemes(pb::ListFundingSchemesRequest {
                date: "2024-06-01".into(),
                lang: String::new(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(!ids(&in_2024).contains(&"stap-budget".to_string()), "STAP ended on 2024-01-01");
        assert!(ids(&in_2024).contains(&"levenlanglerenkrediet".to_string()));
        assert!(!ids(&in_2024).contains(&"slim-scholingssubsidie".to_string()), "it starts on 2025-03-10");
        let in_2025 = client
            .list_funding_schemes(pb::ListFundingSchemesRequest {
                date: "2025-05-01".into(),
                lang: String::new(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(ids(&in_2025).contains(&"slim-scholingssubsidie".to_string()));

        // Today's scheme over the wire: who applies, the Ontwikkelpaden, the share by level, sources.
        let slim = client
            .get_funding_scheme(pb::GetFundingSchemeRequest {
                id: "vaardig:scheme/slim-scholingssubsidie".into(),
                lang: String::new(),
            })
            .await
            .unwrap()
            .into_inner();
        let rules = slim.rules.unwrap();
        let applicants = rules.conditions.iter().find(|c| c.id == "aanvrager-werkgever-of-collectief").unwrap();
        assert_eq!(applicants.kind, "applicant_any");
        assert_eq!(applicants.parameters["applicants"], "werkgever,collectief,gastouderbureau");
        assert_eq!(applicants.valid_from, "2025-09-01");
        let pad = rules.conditions.iter().find(|c| c.kind == "course_in_ontwikkelpad").unwrap();
        assert_eq!(pad.parameters["sectors"], "kinderopvang,techniek,zorg,groen,onderwijs,ict");
        let shares: Vec<(Vec<u32>, u32)> =
            rules.amounts[0].shares_by_nlqf_level.iter().map(|s| (s.levels.clone(), s.share_percent)).collect();
        assert_eq!(shares, [(vec![1, 2, 3], 90), (vec![4], 40)]);
        assert_eq!(rules.tijdvakken.len(), 2);
        assert!(slim.sources.iter().any(|s| s.reference.contains("stcrt-2025-7276")), "{:?}", slim.sources);
        assert!(rules.conditions.iter().all(|c| c.source.as_ref().is_some_and(|s| !s.reference.is_empty())));

        let stap = client
            .get_funding_scheme(pb::GetFundingSchemeRequest {
                id: "vaardig:scheme/stap-budget".into(),
                lang: String::new(),
            })
            .await
            .unwrap()
            .into_inner();
        let rules = stap.rules.unwrap();
        assert_eq!(rules.conditions.len(), 12);
        let age = &rules.conditions[1];
        assert_eq!((age.id.as_str(), age.kind.as_str()), ("leeftijd", "age_between"));
        assert_eq!(age.parameters.get("below").map(String::as_str), Some("aow_age"));
        assert_eq!(age.parameters.get("min_years").map(String::as_str), Some("18"));
        assert!(rules.conditions.iter().all(|c| c.source.as_ref().is_some_and(|s| !s.reference.is_empty())));
        assert_eq!(rules.amounts[0].cap_per_person_per_year_cents, Some(100_000));
        assert_eq!(rules.tijdvakken.len(), 10);
        assert_eq!(rules.compartments[0].conditions[0].parameters["level"], "mbo4");
        assert_eq!(rules.combines_with.len(), 2);
        assert!(!stap.sources.is_empty());
    }

    #[tokio::test]
    async fn funding_course_concepts_show_their_education_type() {
        let server = spawn_server(embedded()).await;
        let mut concepts = server.concepts().await;
        for (id, expected) in
            [("vaardig:course/software-developer-bol", "mbo_bol"), ("vaardig:course/heftruck-basis", "")]
        {
            let concept = concepts
                .get_concept(pb::GetConceptRequest { id: id.into(), lang: String::new(), ..Default::default() })
                .await
                .unwrap()
                .into_inner()
                .concept
                .unwrap();
            let Some(pb::concept::Details::Course(course)) = concept.details else { panic!("{id} is no course") };
            assert_eq!(course.education_type, expected, "{id}");
        }
    }

    #[tokio::test]
    async fn funding_service_reports_healthy() {
        let server = spawn_server(embedded()).await;
        let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
        let status = health
            .check(tonic_health::pb::HealthCheckRequest { service: "vaardig.v1.FundingService".into() })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(status.status, tonic_health::pb::health_check_response::ServingStatus::Serving as i32);
    }
}

// ---------------------------------------------------------------------------------------------
// Rules in bundles: every error names file, line and field.

mod bundles {
    use vaardig::ontology::{self, LoadError, SourceSpec};

    const SOURCE: &str = r#"{"document": "brief", "date": "2022-09-23", "reference": "L1"}"#;

    fn scheme(rules: &str) -> String {
        format!(
            r#"{{"id": "vaardig:scheme/s", "labels": {{"nl": {{"pref": "S"}}}}, "scheme_level": "person", "instrument": "budget", "valid_from": "2022-01-01", "sources": [{SOURCE}], "rules": {rules}}}"#
        )
    }

    fn errors(text: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bundle.toml"), "name = \"t\"\n").unwrap();
        std::fs::write(dir.path().join("funding_schemes.jsonl"), text).unwrap();
        match ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]) {
            Err(LoadError::Invalid { report }) => report.errors.iter().map(|e| e.to_string()).collect(),
            Ok(_) => panic!("accepted: {text}"),
            Err(other) => panic!("{other}"),
        }
    }

    fn assert_error(errors: &[String], field: &str, reason: &str) {
        let at = format!("funding_schemes.jsonl:1: field `{field}`");
        assert!(errors.iter().any(|e| e.contains(&at) && e.contains(reason)), "`{at}` … `{reason}` not in {errors:#?}");
    }

    fn with(conditions: &str) -> String {
        scheme(&format!(
            r#"{{"conditions": [{{"id": "looptijd", "kind": "date_within_validity", "source": {SOURCE}}}{conditions}], "payment": {{"paid_to": "provider", "source": {SOURCE}}}}}"#
        ))
    }

    #[test]
    fn funding_rules_errors_name_file_line_and_field() {
        let e = errors(&with(&format!(
            r#", {{"id": "x", "kind": "age_between", "min_years": 18, "below": "pensioen", "source": {SOURCE}}}"#
        )));
        assert_error(&e, "rules.conditions[1].below", "neither a number of years nor `aow_age`");

        let e = errors(&with(&format!(r#", {{"id": "x", "kind": "shoe_size", "source": {SOURCE}}}"#)));
        assert_error(&e, "rules.conditions[1].kind", "unknown value `shoe_size`");

        let e = errors(&with(&format!(
            r#", {{"id": "x", "kind": "labour_market_tie", "minimum": 3, "source": {SOURCE}}}"#
        )));
        assert!(
            e.iter().any(|e| e.contains("funding_schemes.jsonl:1") && e.contains("unknown field `minimum`")),
            "{e:#?}"
        );

        let e = errors(&with(&format!(
            r#", {{"id": "x", "kind": "max_education_level", "level": "universiteit", "source": {SOURCE}}}"#
        )));
        assert_error(&e, "rules.conditions[1].level", "unknown value `universiteit`");

        let e = errors(&scheme(&format!(
            r#"{{"conditions": [{{"id": "looptijd", "kind": "date_within_validity", "source": {SOURCE}}}], "amounts": [{{"share_percent": 100, "cap_per_application_cents": -5, "source": {SOURCE}}}], "payment": {{"paid_to": "provider", "source": {SOURCE}}}, "combination": {{"with": ["vaardig:scheme/onbekend"], "source": {SOURCE}}}}}"#
        )));
        assert_error(&e, "rules.amounts[0].cap_per_application_cents", "must be 1–");
        assert_error(&e, "rules.combination.with[0]", "unknown concept `https://id.vaardig.nl/scheme/onbekend`");

        let e =
            errors(&scheme(&format!(r#"{{"conditions": [], "payment": {{"paid_to": "bank", "source": {SOURCE}}}}}"#)));
        assert_error(&e, "rules.payment.paid_to", "unknown value `bank`");
    }

    #[test]
    fn funding_rules_round_trip_through_a_bundle() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bundle.toml"), "name = \"t\"\n").unwrap();
        std::fs::write(
            dir.path().join("funding_schemes.jsonl"),
            with(&format!(r#", {{"id": "leeftijd", "kind": "age_between", "below": 56, "valid_from": "2022-01-01", "source": {SOURCE}}}"#)),
        )
        .unwrap();
        let (snapshot, _) = ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]).unwrap();
        let vaardig::model::Details::FundingScheme(details) =
            &snapshot.get("https://id.vaardig.nl/scheme/s").unwrap().details
        else {
            panic!("not a scheme")
        };
        let rules = details.rules.as_ref().expect("rules are kept");
        assert_eq!(rules.conditions.len(), 2);
        assert_eq!(rules.conditions[1].test.parameters(), vec![("below", "56".to_string())]);
    }
}

// ---------------------------------------------------------------------------------------------
// The `vaardig eligibility` and `vaardig schemes` commands.

mod cli {
    use std::process::Command;

    use crate::helpers::{embedded, spawn_server_thread};

    fn vaardig() -> Command {
        Command::new(env!("CARGO_BIN_EXE_vaardig"))
    }

    #[test]
    fn funding_eligibility_command_prints_a_dutch_trace_and_json() {
        let (addr, _stop) = spawn_server_thread(embedded());
        let server = format!("http://{addr}");
        let base = [
            "eligibility",
            "--scheme",
            "vaardig:scheme/stap-budget",
            "--course",
            "vaardig:course/lassen-mig-mag-basis",
            "--date",
            "2022-09-05",
            "--course-start",
            "2022-10-10",
            "--education",
            "mbo3",
            "--labour-market-tie",
            "ja",
            "--no-other-public-finance",
            "--server",
            &server,
        ];
        let output = vaardig().args(base).args(["--age", "30", "--already-granted-eur", "0"]).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
        assert!(text.contains("Beslissing: IN AANMERKING"), "{text}");
        assert!(text.contains("€ 1.000 van € 1.450"), "{text}");
        assert!(text.contains("✓ scholingsregister"), "{text}");
        assert!(text.contains("bron: Kamerbrief LLO 23-09-2022"), "{text}");
        assert!(text.contains("Betaald aan: de opleider"), "{text}");

        let output =
            vaardig().args(base).args(["--age", "17", "--already-granted-eur", "0", "--json"]).output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(json["decision"], "not_eligible");
        assert_eq!(json["amounts"], serde_json::Value::Null);
        assert_eq!(json["counterfactuals"][0]["fact"], "person.age");
        assert_eq!(json["trace"][1]["id"], "leeftijd");
        assert_eq!(json["trace"][1]["outcome"], "failed");

        let output =
            vaardig().args(base).args(["--age", "30", "--already-granted-eur", "0", "--lang", "en"]).output().unwrap();
        assert!(String::from_utf8_lossy(&output.stdout).contains("Decision: ELIGIBLE"));
        // Without what was already granted this year, the answer is unknown and says what to ask.
        let output = vaardig().args(base).args(["--age", "30"]).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains("Beslissing: ONBEKEND") && text.contains("Ontbrekende gegevens: --already-granted-eur"),
            "{text}"
        );

        let unknown_scheme =
            base.map(|a| if a == "vaardig:scheme/stap-budget" { "vaardig:scheme/bestaat-niet" } else { a });
        let output = vaardig().args(unknown_scheme).args(["--age", "30"]).output().unwrap();
        assert_eq!(output.status.code(), Some(4), "NOT_FOUND → exit code 4");
        // Refused in the flag's own name and units, before anything is sent.
        let output = vaardig().args(base).args(["--age", "30", "--already-granted-eur", "-5"]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "wrong usage → exit code 2");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--already-granted-eur") && stderr.contains("0 euros or more, not -5"), "{stderr}");
        // A server refusal names the flag, not the wire field.
        let output = vaardig().args(base).args(["--age", "30", "--birth-date", "1990-13-45"]).output().unwrap();
        assert_eq!(output.status.code(), Some(5), "INVALID_ARGUMENT → exit code 5");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--birth-date") && !stderr.contains("person.birth_date"), "{stderr}");
        let output = vaardig().args(base).args(["--age", "30", "--labour-market-tie", "misschien"]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "wrong usage → exit code 2");

        // The spellings people type: a short scheme id and "mbo-3".
        let typed = base.map(|a| match a {
            "vaardig:scheme/stap-budget" => "stap-budget",
            "mbo3" => "mbo-3",
            other => other,
        });
        let output = vaardig().args(typed).args(["--age", "30", "--already-granted-eur", "0"]).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
        assert!(text.contains("Beslissing: IN AANMERKING"), "{text}");
        let education = |level| base.map(|a| if a == "mbo3" { level } else { a });
        let output = vaardig().args(education("MBO 3")).args(["--age", "30"]).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let output = vaardig().args(education("mbo9")).args(["--age", "30"]).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--education") && stderr.contains("mbo4"), "{stderr}");
        let unknown = typed.map(|a| if a == "stap-budget" { "stap-bugdet" } else { a });
        let output = vaardig().args(unknown).args(["--age", "30"]).output().unwrap();
        assert_eq!(output.status.code(), Some(4));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--scheme `stap-bugdet`") && stderr.contains("stap-budget"), "{stderr}");

        // Without --course-start, a course's start pattern gives the first start after the
        // application (its dated starts ended in 2023); the trace says it was planned, not given.
        let late = base.map(|a| match a {
            "2022-09-05" => "2026-03-01",
            "--course-start" => "--age",
            "2022-10-10" => "30",
            other => other,
        });
        let output = vaardig().args(late).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("eerste geplande start") && !text.contains("course_start_date"), "{text}");
        let output = vaardig().args(late).arg("--json").output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(json["course_start_date"].as_str().is_some_and(|d| d > "2026-03-01"), "{json}");
    }

    /// Today's scheme from the command line: the employer applies (`--applicant`), the share by
    /// NLQF level, the rules with their dated conditions; and a scheme about a course asked
    /// without one says it needs a course.
    #[test]
    fn eligibility_command_checks_the_slim_scholingssubsidie_and_schemes_without_a_course() {
        let (addr, _stop) = spawn_server_thread(embedded());
        let server = format!("http://{addr}");
        let slim = [
            "eligibility",
            "--scheme",
            "vaardig:scheme/slim-scholingssubsidie",
            "--course",
            "vaardig:course/certificaat-medicatie-vth",
            "--date",
            "2025-05-01",
            "--server",
            &server,
        ];
        let output = vaardig().args(slim).args(["--applicant", "werkgever"]).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
        assert!(text.contains("Beslissing: IN AANMERKING"), "{text}");
        assert!(text.contains("€ 1.215 van € 1.350"), "90% for NLQF 3: {text}");
        assert!(text.contains("ingeschaald op NLQF 3"), "{text}");
        assert!(text.contains("stcrt-2025-7276") || text.contains("cooster.nl"), "the rules' sources: {text}");
        let output = vaardig().args(slim).args(["--applicant", "persoon"]).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains("Beslissing: NIET IN AANMERKING") && text.contains("als de werkgever de aanvraag doet"),
            "{text}"
        );
        let output = vaardig().args(slim).args(["--applicant", "buurman"]).output().unwrap();
        assert_eq!(output.status.code(), Some(5), "INVALID_ARGUMENT → exit code 5");
        assert!(String::from_utf8_lossy(&output.stderr).contains("applicant"));

        let output = vaardig()
            .args(["eligibility", "--scheme", "vaardig:scheme/levenlanglerenkrediet", "--date", "2026-12-04"])
            .args(["--age", "35", "--no-other-public-finance", "--server", &server])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
        assert!(text.contains("Beslissing: HEEFT EEN OPLEIDING NODIG"), "{text}");
        assert!(text.contains("Rente tijdens het lenen in 2026"), "the rate of the year: {text}");

        let output =
            vaardig().args(["schemes", "vaardig:scheme/slim-scholingssubsidie", "--server", &server]).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("90% NLQF 1/2/3, 40% NLQF 4"), "{text}");
        assert!(text.contains("applicants=werkgever,collectief,gastouderbureau"), "{text}");
    }

    #[test]
    fn funding_schemes_command_lists_by_date_and_shows_rules() {
        let (addr, _stop) = spawn_server_thread(embedded());
        let server = format!("http://{addr}");
        let output =
            vaardig().args(["schemes", "--date", "2024-06-01", "--json", "--server", &server]).output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let ids: Vec<&str> = json["schemes"].as_array().unwrap().iter().filter_map(|s| s["id"].as_str()).collect();
        // Unknown or absent is null in JSON, never "" (schemes without an end date).
        assert!(!String::from_utf8_lossy(&output.stdout).contains("\"\""), "{json}");
        assert!(json["schemes"].as_array().unwrap().iter().any(|s| s["valid_to"].is_null()), "{json}");
        assert!(!ids.contains(&"https://id.vaardig.nl/scheme/stap-budget") && !ids.is_empty(), "{ids:?}");
        let output = vaardig().args(["schemes", "vaardig:scheme/stap-budget", "--server", &server]).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("leeftijd  age_between below=aow_age min_years=18"), "{text}");
        assert!(text.contains("2022-3  2022-07-01 – 2022-09-01 budget € 32.600.000 op sinds 2022-07-01"), "{text}");
    }
}

/// How the training-path planner uses the engine: per course and per calendar year, passing what
/// the plan already spends of the scheme in that year. The € 1,000 cap is per calendar year.
#[test]
fn funding_amounts_per_course_and_per_year_for_the_planner() {
    let engines = embedded();
    let funding = &engines.funding;
    let stap = engines.snapshot.lookup("https://id.vaardig.nl/scheme/stap-budget").unwrap();
    let course = |id: &str| engines.snapshot.lookup(&format!("https://id.vaardig.nl/course/{id}")).unwrap();
    // 2022: a € 800 course first, then the € 1,450 welding course: € 200 of the cap is left.
    let first = funding.amount_for(stap, d("2022-09-05"), 80_000, 0).unwrap();
    assert_eq!((first.scheme_cents, first.remainder_cents), (80_000, 0));
    let second = funding.amount_for(stap, d("2022-11-01"), 145_000, first.scheme_cents).unwrap();
    assert_eq!((second.scheme_cents, second.remainder_cents), (20_000, 125_000));
    assert_eq!(second.remainder_payers.len(), 2);
    // The next calendar year starts again at € 1,000.
    let next_year = funding.amount_for(stap, d("2023-03-01"), 145_000, 0).unwrap();
    assert_eq!(next_year.scheme_cents, 100_000);
    // After STAP ended there is no amount rule.
    assert!(funding.amount_for(stap, d("2024-03-01"), 145_000, 0).is_none());

    // The full check by index, as the planner would call it for one step of a path.
    let person = Req::stap().person(|p| p.already_granted_this_year_cents = Some(80_000)).0.person;
    let application = Application::on(d("2022-09-05"));
    let evaluation = funding
        .evaluate(stap, Some(course("lassen-mig-mag-basis")), Some(d("2022-10-10")), None, &person, &application)
        .unwrap();
    assert_eq!(evaluation.decision, Decision::Eligible);
    assert_eq!(evaluation.amounts.unwrap().scheme_cents, 20_000);
    // A course index that is no course is refused.
    let provider = engines.snapshot.lookup("https://id.vaardig.nl/provider/roc-denkbeeldig").unwrap();
    assert!(funding.evaluate(stap, Some(provider), None, None, &person, &application).is_err());
}

/// A counterfactual is one fact: when three exclusion facts are unknown, no single one suffices, so
/// none is offered; when only one is unknown, it is.
#[test]
fn funding_counterfactuals_are_single_facts() {
    let three_unknown = Req::stap().person(|p| {
        p.studiefinanciering = None;
        p.lerarenbeurs = None;
        p.tegemoetkoming = None;
    });
    let evaluation = three_unknown.check().evaluation;
    assert_eq!(evaluation.decision, Decision::Unknown);
    assert!(evaluation.counterfactuals.is_empty(), "{:?}", evaluation.counterfactuals);
    assert_eq!(evaluation.missing_facts, [Fact::Studiefinanciering, Fact::Lerarenbeurs, Fact::Tegemoetkoming]);

    let one_unknown = Req::stap().person(|p| p.tegemoetkoming = None);
    let evaluation = one_unknown.check().evaluation;
    let facts: Vec<Fact> = evaluation.counterfactuals.iter().map(|c| c.fact).collect();
    assert_eq!(facts, [Fact::Tegemoetkoming]);
    assert_eq!(
        evaluation.counterfactuals[0].explanation.nl,
        "In aanmerking als er voor deze opleiding geen recht is op een tegemoetkoming onderwijsbijdrage en schoolkosten."
    );
}

/// The generic sources of money that may pay what STAP leaves, and the retraining subsidy of §8.18.
/// The SLIM scholingssubsidie (from 10 March 2025, STAP's leftover budget): an employer (from
/// September 2025 also a collective) applies for a course in a sector's Ontwikkelpad; the share is
/// 90% for NLQF 1–3 and 40% for NLQF 4; applications only in the 2025 tijdvakken.
#[test]
fn funding_golden_cases_slim_scholingssubsidie() {
    let slim = |course: &str, date: &str| Req::new("slim-scholingssubsidie", Some(course), date);
    run(vec![
        (
            "employer, mbo-certificaat (NLQF 3) in the care Ontwikkelpad: 90%",
            slim("certificaat-medicatie-vth", "2025-05-01").applicant(Applicant::Werkgever),
            Expect {
                paid_to: Some(PaidTo::Employer),
                notices: &["start-binnen-13-weken"],
                ..eligible(121_500, 13_500)
            },
        ),
        (
            "employer, mbo-4 diploma in the ICT Ontwikkelpad: 40%",
            slim("software-developer-bol", "2025-08-01").applicant(Applicant::Werkgever),
            Expect { notices: &["start-binnen-13-weken"], ..eligible(174_840, 262_260) },
        ),
        (
            "the person applies: only an employer (or gastouderbureau) can, before September 2025",
            slim("certificaat-medicatie-vth", "2025-05-01").applicant(Applicant::Persoon),
            Expect {
                counterfactuals: &[Fact::Applicant],
                notices: &["start-binnen-13-weken"],
                ..not_eligible(&["aanvrager-werkgever"])
            },
        ),
        (
            "a collective applies in May 2025: not yet",
            slim("certificaat-medicatie-vth", "2025-05-01").applicant(Applicant::Collectief),
            Expect {
                counterfactuals: &[Fact::Applicant],
                notices: &["start-binnen-13-weken"],
                ..not_eligible(&["aanvrager-werkgever"])
            },
        ),
        (
            "a collective applies in October 2025: from September it may",
            slim("certificaat-medicatie-vth", "2025-10-01").applicant(Applicant::Collectief),
            Expect { notices: &["start-binnen-13-weken"], ..eligible(121_500, 13_500) },
        ),
        (
            "who applies is not said",
            slim("certificaat-medicatie-vth", "2025-05-01"),
            Expect {
                counterfactuals: &[Fact::Applicant],
                notices: &["start-binnen-13-weken"],
                ..unknown(&["aanvrager-werkgever"])
            },
        ),
        (
            "a course in no Ontwikkelpad and without NLQF level",
            slim("omgaan-met-agressie", "2025-05-01").applicant(Applicant::Werkgever),
            Expect { notices: &["start-binnen-13-weken"], ..not_eligible(&["ontwikkelpad", "nlqf-niveau"]) },
        ),
        (
            "a microcredential at NLQF 6: no share for that level",
            slim("mc-klinisch-redeneren", "2025-05-01").applicant(Applicant::Werkgever),
            Expect {
                counterfactuals: &[Fact::CourseNlqfLevel],
                notices: &["start-binnen-13-weken"],
                ..not_eligible(&["nlqf-niveau"])
            },
        ),
        (
            "between the windows (after 10 November 2025)",
            slim("certificaat-medicatie-vth", "2025-12-01").applicant(Applicant::Werkgever),
            Expect { notices: &["start-binnen-13-weken"], ..not_eligible(&["tijdvak"]) },
        ),
        (
            "before the scheme (2024)",
            slim("certificaat-medicatie-vth", "2024-12-01").applicant(Applicant::Werkgever),
            Expect {
                // Two changes of the date: into the scheme's life span, and to the next window.
                counterfactuals: &[Fact::Date, Fact::Date],
                notices: &["start-binnen-13-weken"],
                ..not_eligible(&["looptijd", "tijdvak"])
            },
        ),
    ]);
}

/// Without a course, a scheme about a course answers "needs a course": the conditions about the
/// person and the date are decided, those about the course are unknown with `course_id` missing.
#[test]
fn a_scheme_about_a_course_checked_without_one_needs_a_course() {
    let llk = |age: u32| {
        Req::new("levenlanglerenkrediet", None, "2026-12-04").person(|p| {
            p.age = Some(age);
            p.studiefinanciering = Some(false);
        })
    };
    let checked = llk(35).check();
    let e = &checked.evaluation;
    assert!(e.needs_course, "{e:?}");
    assert_eq!(e.decision, Decision::Unknown);
    assert_eq!(e.missing_facts, vec![Fact::Course]);
    let about_course: Vec<&str> =
        e.trace.iter().filter(|t| t.missing.contains(&Fact::Course)).map(|t| t.condition_id.as_str()).collect();
    assert_eq!(about_course, ["erkende-opleiding", "hbo-wo-of-mbo-bol"]);
    assert!(e.amounts.is_none(), "no money without a course");
    assert!(e.summary("Levenlanglerenkrediet", &[]).nl.contains("heeft een opleiding nodig"));
    // The rate of the year is shown as a dated fact; the age rule of today is "tot 57".
    let notices: Vec<&str> = e.notices.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(notices, ["terugbetalen", "rente-2026"]);
    let age = e.trace.iter().find(|t| t.condition_id == "leeftijd-tot-57").unwrap();
    assert_eq!(age.outcome, Outcome::Passed);
    // A person the rules exclude is told so without a course.
    let old = llk(57).check();
    assert_eq!(old.evaluation.decision, Decision::NotEligible);
    assert!(old.evaluation.needs_course);
}

/// The Levenlanglerenkrediet as it stands now: under 57 from study year 2024–2025, replacing the
/// "tot 56" rule from that date.
#[test]
fn the_levenlanglerenkrediet_age_limit_rose_to_57_in_2024() {
    let llk = |date: &str, age: u32| {
        Req::new("levenlanglerenkrediet", Some("software-developer-bol"), date).person(|p| {
            p.age = Some(age);
            p.studiefinanciering = Some(false);
        })
    };
    run(vec![
        (
            "56 in study year 2025-2026",
            llk("2025-08-15", 56).start("2025-09-01"),
            Expect { notices: &["terugbetalen", "rente-2025"], ..eligible(437_100, 0) },
        ),
        (
            "57 in 2026",
            llk("2026-12-04", 57),
            Expect {
                counterfactuals: &[Fact::Age],
                notices: &["terugbetalen", "rente-2026"],
                ..not_eligible(&["leeftijd-tot-57"])
            },
        ),
        (
            "56 before the change (2024-03-01)",
            llk("2024-03-01", 56).start("2024-09-01"),
            Expect {
                counterfactuals: &[Fact::Age],
                notices: &["terugbetalen", "rente-2024"],
                ..not_eligible(&["leeftijd-tot-56"])
            },
        ),
    ]);
}

#[test]
fn funding_golden_cases_generic_sources() {
    let employer = || Req::new("werkgever-oo-fonds", Some("lassen-mig-mag-basis"), "2022-09-05").start("2022-10-10");
    let mut approved = employer();
    approved.0.application.approval = Some(true);
    let mut refused = employer();
    refused.0.application.approval = Some(false);
    let mut retraining =
        Req::new("omscholing-ict-techniek", Some("full-stack-developer-bootcamp"), "2022-06-01").cost(750_000);
    retraining.0.application.approval = Some(true);
    let mut too_cheap = retraining.clone().cost(700_000);
    too_cheap.0.application.approval = Some(true);
    run(vec![
        // The employer or O&O fund decides: unknown until it does, with that as the counterfactual.
        (
            "employer/O&O fund, not asked yet",
            employer(),
            Expect { counterfactuals: &[Fact::Approval], ..unknown(&["akkoord-werkgever-of-fonds"]) },
        ),
        ("employer/O&O fund agrees", approved, Expect { paid_to: Some(PaidTo::Provider), ..eligible(145_000, 0) }),
        (
            "employer/O&O fund refuses",
            refused,
            Expect { counterfactuals: &[Fact::Approval], ..not_eligible(&["akkoord-werkgever-of-fonds"]) },
        ),
        // One's own money always can.
        ("own money", Req::new("eigen-budget", Some("lassen-mig-mag-basis"), "2022-09-05"), eligible(145_000, 0)),
        // §8.18 Retraining € 7,500 → employer subsidy € 3,750 (50 %), the rest from the employer/O&O fund.
        (
            "§8.18 retraining € 7,500",
            retraining,
            Expect { paid_to: Some(PaidTo::Employer), ..eligible(375_000, 375_000) },
        ),
        (
            "§8.18 retraining below € 7,500",
            too_cheap,
            Expect { counterfactuals: &[Fact::Cost], ..not_eligible(&["minimale-trajectkosten"]) },
        ),
    ]);
}

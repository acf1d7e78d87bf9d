"""The typed helpers against a running server: each answer equals what the raw stub says, and the
domain facts a user would check hold (a lasser's own skills close his gap, STAP paid € 395 for the
forklift course in 2022, the course finder's facet counts add up)."""
import grpc
import pytest

from vaardig_client import Client, pb

LASSER = "esco:occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"


@pytest.fixture()
def vaardig(server):
    with Client(server) as client:
        yield client


def test_search_and_suggest_find_the_welder(vaardig):
    hits = vaardig.search("lasser", kinds=["occupation"])
    assert hits and hits[0].concept.kind == "occupation"
    assert "lasser" in hits[0].concept.label.lower()
    assert hits[0].concept.id.startswith("http://data.europa.eu/esco/occupation/")
    suggestions = vaardig.suggest("verpleegk", kinds=["occupation"])
    assert any(s.concept.label.lower().startswith("verpleegkundige") for s in suggestions)


def test_concepts_follow_every_page(vaardig):
    small = list(vaardig.concepts(kind="funding_scheme", page_size=2))
    raw = vaardig.stub("FundingService").ListFundingSchemes(pb.ListFundingSchemesRequest())
    assert sorted(c.id for c in small) == sorted(s.scheme.id for s in raw.schemes)
    assert [c.id for c in small] == sorted(c.id for c in small)


def test_gap_counts_the_persons_skills(vaardig):
    relations = vaardig.stub("ConceptService").ListRelations(
        pb.ListRelationsRequest(id=LASSER, kind=pb.RELATION_KIND_REQUIRES, page_size=1000))
    essential = [r.concept.id for r in relations.relations if r.importance == "essential"]
    nothing = vaardig.gap(LASSER, skills=[])
    half = vaardig.gap(LASSER, skills=essential[: len(essential) // 2])
    everything = vaardig.gap(LASSER, skills=essential)
    assert nothing.essential_coverage == 0 and not nothing.covered
    assert 0 < half.essential_coverage < everything.essential_coverage == pytest.approx(1.0)
    assert {r.skill.id for r in everything.covered} >= set(essential)
    assert all(r.importance != "essential" for r in everything.missing)
    # The helper asks the FULL view: every requirement comes with its reason in words.
    assert all(r.reason for r in everything.covered + nothing.missing)


def test_path_offers_priced_options(vaardig):
    options = vaardig.path(LASSER, skills=[], start_date="2026-01-05", person={"age": 40})
    assert options, "no training path at all"
    for option in options:
        assert option.total_price_cents == sum(s.price_cents for s in option.steps)
        for step in option.steps:
            funded = sum(f.amount_cents for f in step.funding)
            assert step.own_contribution_cents == step.price_cents - funded


def test_eligibility_for_stap_in_2022(vaardig):
    person = {"age": 30, "highest_education": "mbo3", "labour_market_tie": True, "labour_status": "werknemer",
              "studiefinanciering_for_course": False, "lerarenbeurs_for_course": False,
              "tegemoetkoming_for_course": False, "already_granted_this_year_cents": 0}
    answer = vaardig.eligibility("vaardig:scheme/stap-budget", course="vaardig:course/heftruck-basis",
                                 date="2022-09-05", course_start_date="2022-10-03", person=person)
    assert answer.decision == "eligible", (answer.summary, answer.missing_facts)
    assert answer.scheme_cents == 39500 and answer.remainder_cents == 0
    assert all(c.outcome in ("passed", "not_applicable") for c in answer.trace)
    unknown = vaardig.eligibility("vaardig:scheme/stap-budget", course="vaardig:course/heftruck-basis",
                                  date="2022-09-05", course_start_date="2022-10-03")
    assert unknown.decision == "unknown" and unknown.missing_facts


def test_course_finder_prices_funding_and_facets(vaardig):
    results = vaardig.courses("heftruck", date="2022-09-05", page_size=50)
    assert results.total == len(results.courses) > 0
    for course in results.courses:
        assert course.own_cost_cents <= course.price_cents
    regions = results.facets.get("region") or results.facets.get("regions")
    assert regions is not None, results.facets.keys()
    assert sum(v.count for v in regions) >= results.total
    first = regions[0]
    narrowed = vaardig.courses("heftruck", date="2022-09-05", regions=[first.value], page_size=50)
    assert narrowed.total == first.count


def test_bad_input_names_the_field(vaardig):
    with pytest.raises(grpc.RpcError) as error:
        vaardig.search("", kinds=["occupation"])
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "query" in error.value.details()
    with pytest.raises(ValueError):
        vaardig.search("lasser", kinds=["beroep"])


def test_the_example_script_runs(server):
    import pathlib
    import subprocess
    import sys

    example = pathlib.Path(__file__).resolve().parents[1] / "examples" / "advise.py"
    done = subprocess.run([sys.executable, str(example), "--server", server, "lasser", "metaal bewerken"],
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(example.parents[1])})
    assert done.returncode == 0, done.stderr
    assert "of the essential skills covered" in done.stdout
    assert "courses close part of the gap" in done.stdout

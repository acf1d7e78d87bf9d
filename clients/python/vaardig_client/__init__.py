"""vaardig_client — a small Python client for the vaardig skills-ontology service.

Typed helpers for the calls most programs make (search, autocomplete, the skill gap, training
paths, funding eligibility, the course finder, listing the vocabulary) over the gRPC stubs that
`generate.py` makes from the repository's `proto/` with grpcio-tools. The raw stubs stay at hand
as `client.stub("SearchService")` and the messages as `vaardig_client.pb`, for everything else.

    from vaardig_client import Client
    with Client("127.0.0.1:50051") as vaardig:
        hit = vaardig.search("lasser", kinds=["occupation"])[0]
        gap = vaardig.gap(hit.concept.id, skills=["esco:skill/..."])

Amounts are euro cents, dates are "YYYY-MM-DD" strings, ids are full URIs in answers (requests
also take the compact `esco:…` / `vaardig:…` forms). Errors are `grpc.RpcError`s whose details name
the bad field, as the server sends them.
"""
from __future__ import annotations

import datetime
import pathlib
import sys
from dataclasses import dataclass, field
from typing import Iterator, Optional, Sequence

import grpc

_GEN = pathlib.Path(__file__).resolve().parent / "_gen"
if not (_GEN / "vaardig" / "v1" / "concepts_pb2.py").exists():
    raise ImportError("vaardig_client: the gRPC stubs are missing; run `python generate.py` in clients/python")
if str(_GEN) not in sys.path:
    sys.path.insert(0, str(_GEN))

from vaardig.v1 import (  # noqa: E402  (the generated modules need _gen on the path first)
    concepts_pb2,
    concepts_pb2_grpc,
    courses_pb2,
    courses_pb2_grpc,
    funding_pb2,
    funding_pb2_grpc,
    matching_pb2,
    matching_pb2_grpc,
    planning_pb2,
    planning_pb2_grpc,
    search_pb2,
    search_pb2_grpc,
)


class _Messages:
    """Every generated message and enum by name: `pb.SearchRequest`, `pb.CONCEPT_KIND_SKILL`."""

    def __getattr__(self, name: str):
        for module in (concepts_pb2, search_pb2, matching_pb2, planning_pb2, funding_pb2, courses_pb2):
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(name)


pb = _Messages()

KINDS = {
    "occupation": concepts_pb2.CONCEPT_KIND_OCCUPATION,
    "skill": concepts_pb2.CONCEPT_KIND_SKILL,
    "skill_group": concepts_pb2.CONCEPT_KIND_SKILL_GROUP,
    "isco_group": concepts_pb2.CONCEPT_KIND_ISCO_GROUP,
    "qualification": concepts_pb2.CONCEPT_KIND_QUALIFICATION,
    "credential": concepts_pb2.CONCEPT_KIND_CREDENTIAL,
    "course": concepts_pb2.CONCEPT_KIND_COURSE,
    "provider": concepts_pb2.CONCEPT_KIND_PROVIDER,
    "funding_scheme": concepts_pb2.CONCEPT_KIND_FUNDING_SCHEME,
}
_KIND_NAMES = {v: k for k, v in KINDS.items()}


def _kind(name: str) -> int:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"kind {name!r} is not one of {', '.join(KINDS)}") from None


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str
    label: str
    deprecated: bool = False
    replaced_by: str = ""

    @staticmethod
    def of(ref) -> "Concept":
        return Concept(ref.id, _KIND_NAMES.get(ref.kind, "unspecified"), ref.label, ref.deprecated, ref.replaced_by)


@dataclass(frozen=True)
class Hit:
    concept: Concept
    score: float
    matched_label: str


@dataclass(frozen=True)
class Requirement:
    skill: Concept
    importance: str
    status: str
    reason: str


@dataclass(frozen=True)
class Gap:
    occupation: Concept
    score: float
    essential_coverage: float
    covered: list
    missing: list


@dataclass(frozen=True)
class Funding:
    scheme: Concept
    amount_cents: int


@dataclass(frozen=True)
class PathStep:
    course: Concept
    year: int
    start_date: str
    price_cents: int
    own_contribution_cents: int
    funding: list
    closes: list


@dataclass(frozen=True)
class PathOption:
    kind: str
    steps: list
    total_price_cents: int
    total_funding_cents: int
    total_own_cents: int
    essential_coverage: float
    missing_essential: list


@dataclass(frozen=True)
class Condition:
    condition_id: str
    outcome: str
    explanation: str


@dataclass(frozen=True)
class Eligibility:
    decision: str
    summary: str
    cost_cents: int
    scheme_cents: int
    remainder_cents: int
    paid_to: str
    missing_facts: list
    trace: list


@dataclass(frozen=True)
class CourseFunding:
    scheme: Concept
    decision: str
    amount_cents: int
    upper_bound: bool


@dataclass(frozen=True)
class Course:
    course: Concept
    provider: Concept
    price_cents: int
    own_cost_cents: int
    region: str
    next_start_date: str
    gap_share: float
    closes: list
    funding: list


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class CourseResults:
    total: int
    courses: list
    facets: dict = field(default_factory=dict)
    next_page_token: str = ""


def _enum_name(enum, value: int, prefix: str) -> str:
    return enum.Name(value).removeprefix(prefix).lower()


def _person(facts: Optional[dict]):
    """PersonFacts from a dict of its fields (`{"age": 45, "labour_market_tie": True}`)."""
    return funding_pb2.PersonFacts(**(facts or {}))


def _profile(skills: Sequence[str], credentials: Sequence[str] = ()):
    return matching_pb2.Profile(
        skills=[matching_pb2.SkillClaim(skill_id=s) for s in skills], credential_ids=list(credentials)
    )


class Client:
    """A connection to a vaardig server (`host:port`, plaintext unless `credentials` are given)."""

    def __init__(self, target: str = "127.0.0.1:50051", *, lang: str = "nl", api_key: Optional[str] = None,
                 credentials: Optional[grpc.ChannelCredentials] = None, timeout: float = 30.0):
        target = target.removeprefix("http://").removeprefix("https://")
        self.channel = grpc.secure_channel(target, credentials) if credentials else grpc.insecure_channel(target)
        self.lang = lang
        self.timeout = timeout
        self.metadata = [("authorization", f"Bearer {api_key}")] if api_key else []
        self._stubs = {
            "ConceptService": concepts_pb2_grpc.ConceptServiceStub(self.channel),
            "SearchService": search_pb2_grpc.SearchServiceStub(self.channel),
            "MatchingService": matching_pb2_grpc.MatchingServiceStub(self.channel),
            "PlanningService": planning_pb2_grpc.PlanningServiceStub(self.channel),
            "FundingService": funding_pb2_grpc.FundingServiceStub(self.channel),
            "CourseService": courses_pb2_grpc.CourseServiceStub(self.channel),
        }

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        self.channel.close()

    def stub(self, service: str):
        """The generated stub of a service, e.g. `stub("HistoryService")` for what has no helper."""
        return self._stubs[service]

    def _call(self, service: str, method: str, request):
        return getattr(self._stubs[service], method)(request, timeout=self.timeout, metadata=self.metadata)

    # --- concepts and search ---

    def search(self, query: str, *, kinds: Sequence[str] = (), limit: int = 10,
               include_deprecated: bool = False) -> list:
        """Concepts for what people type, best first."""
        request = search_pb2.SearchRequest(query=query, kinds=[_kind(k) for k in kinds], lang=self.lang,
                                           page_size=limit, skip_facets=True,
                                           include_deprecated=include_deprecated)
        response = self._call("SearchService", "Search", request)
        return [Hit(Concept.of(h.concept), h.score, h.matched_label) for h in response.hits]

    def suggest(self, prefix: str, *, kinds: Sequence[str] = (), limit: int = 10) -> list:
        """Autocomplete: the concepts whose labels begin with what was typed."""
        request = search_pb2.SuggestRequest(prefix=prefix, kinds=[_kind(k) for k in kinds], lang=self.lang,
                                            limit=limit)
        response = self._call("SearchService", "Suggest", request)
        return [Hit(Concept.of(s.concept), s.score, s.label) for s in response.suggestions]

    def concepts(self, *, kind: Optional[str] = None, page_size: int = 1000, **filters) -> Iterator[Concept]:
        """Every concept of a kind (or all) in id order, following the pages; `filters` are
        ListConceptsRequest fields (`isco_prefix`, `skill_type`, `source`, `status`)."""
        request = concepts_pb2.ListConceptsRequest(kind=_kind(kind) if kind else 0, page_size=page_size,
                                                   lang=self.lang, **filters)
        while True:
            page = self._call("ConceptService", "ListConcepts", request)
            for c in page.concepts:
                yield Concept(c.id, _KIND_NAMES.get(c.kind, "unspecified"), c.preferred_label, c.deprecated,
                              c.replaced_by)
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    # --- matching, planning, funding, courses ---

    def gap(self, occupation: str, *, skills: Sequence[str], credentials: Sequence[str] = ()) -> Gap:
        """What a person covers and misses of an occupation, each requirement with its reason."""
        # FULL: the default (BASIC) view leaves the reasons out, and `Requirement.reason` carries them.
        request = matching_pb2.ComputeSkillGapRequest(occupation_id=occupation, profile=_profile(skills, credentials),
                                                      lang=self.lang, view=matching_pb2.EXPLANATION_VIEW_FULL)
        r = self._call("MatchingService", "ComputeSkillGap", request)

        def requirement(x) -> Requirement:
            return Requirement(Concept.of(x.skill), _enum_name(matching_pb2.Importance, x.importance, "IMPORTANCE_"),
                               _enum_name(matching_pb2.CoverageStatus, x.status, "COVERAGE_STATUS_"), x.reason)

        return Gap(Concept.of(r.occupation), r.totals.score, r.totals.essential_coverage,
                   [requirement(x) for x in list(r.covered) + list(r.partly_covered)],
                   [requirement(x) for x in r.missing])

    def path(self, target: str, *, skills: Sequence[str], start_date: str = "", person: Optional[dict] = None,
             horizon_years: int = 0) -> list:
        """Training paths to a target occupation: the cheapest, fastest and most complete options,
        starting on `start_date` (default: today)."""
        start_date = start_date or datetime.date.today().isoformat()
        request = planning_pb2.SuggestTrainingPathRequest(
            target_occupation_id=target, profile=_profile(skills), start_date=start_date, person=_person(person),
            constraints=planning_pb2.PlanConstraints(horizon_years=horizon_years), lang=self.lang)
        r = self._call("PlanningService", "SuggestTrainingPath", request)

        def step(s) -> PathStep:
            return PathStep(Concept.of(s.course), s.year, s.start_date, s.price_cents, s.own_contribution_cents,
                            [Funding(Concept.of(f.scheme), f.amount_cents) for f in s.funding],
                            [Concept.of(c) for c in s.closes])

        return [PathOption(o.kind, [step(s) for s in o.steps], o.total_price_cents, o.total_funding_cents,
                           o.total_own_cents, o.essential_coverage,
                           [Concept.of(m.skill) for m in o.missing_essential]) for o in r.options]

    def eligibility(self, scheme: str, *, date: str, course: str = "", course_start_date: str = "",
                    person: Optional[dict] = None) -> Eligibility:
        """Whether a person may use a funding scheme (for a course) on a date, with the trace."""
        request = funding_pb2.CheckEligibilityRequest(scheme_id=scheme, course_id=course, date=date,
                                                      course_start_date=course_start_date, person=_person(person),
                                                      lang=self.lang)
        r = self._call("FundingService", "CheckEligibility", request)
        return Eligibility(
            _enum_name(funding_pb2.EligibilityDecision, r.decision, "ELIGIBILITY_DECISION_"), r.summary,
            r.amounts.cost_cents, r.amounts.scheme_cents, r.amounts.remainder_cents, r.paid_to,
            list(r.missing_facts),
            [Condition(c.condition_id, _enum_name(funding_pb2.ConditionOutcome, c.outcome, "CONDITION_OUTCOME_"),
                       c.explanation) for c in r.trace])

    def courses(self, query: str = "", *, skills: Sequence[str] = (), target: str = "",
                profile_skills: Sequence[str] = (), regions: Sequence[str] = (),
                max_price_cents: Optional[int] = None, start_from: str = "", date: str = "",
                person: Optional[dict] = None, schemes: Sequence[str] = (), page_size: int = 20,
                page_token: str = "") -> CourseResults:
        """The course finder: courses for free text and/or skills (or a profile's gap for a target),
        with price, own cost, funding per scheme, the skills they close and facet counts."""
        filters = courses_pb2.CourseFilters(regions=list(regions), start_from=start_from)
        if max_price_cents is not None:
            filters.max_price_cents = max_price_cents
        request = courses_pb2.SearchCoursesRequest(
            query=query, skill_ids=list(skills), target_occupation_id=target, filters=filters,
            profile=_profile(profile_skills) if profile_skills else None, person=_person(person), date=date,
            scheme_ids=list(schemes), page_size=page_size, page_token=page_token, lang=self.lang)
        r = self._call("CourseService", "SearchCourses", request)
        hits = [Course(Concept.of(h.course), Concept.of(h.provider), h.price_cents, h.own_cost_cents, h.region,
                       h.next_start_date, h.gap_share, [Concept.of(c.skill) for c in h.closes],
                       [CourseFunding(Concept.of(f.scheme),
                                      _enum_name(funding_pb2.EligibilityDecision, f.decision, "ELIGIBILITY_DECISION_"),
                                      f.amount_cents, f.upper_bound) for f in h.funding])
                for h in r.hits]
        facets = {f.name: [FacetValue(v.value, v.label, v.count, v.selected) for v in f.values] for f in r.facets}
        return CourseResults(r.total_size, hits, facets, r.next_page_token)


__all__ = ["Client", "Concept", "Hit", "Gap", "Requirement", "PathOption", "PathStep", "Funding", "Eligibility",
           "Condition", "Course", "CourseFunding", "CourseResults", "FacetValue", "KINDS", "pb"]

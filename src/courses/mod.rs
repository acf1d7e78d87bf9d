//! The course finder of the Leeroverzicht: which training, and which money, is open to *this*
//! person.
//!
//! One call, [`search`], answers a [`CourseQuery`]: free text (course titles, and the courses that
//! teach a skill the text names) and/or the skills to learn (ids, or the gap of a profile for a
//! target occupation), narrowed by filters — credential kind, level, region or online, delivery
//! and schedule, price, hours per week, start window, quality mark, and "fundable by scheme S for
//! this person on the reference date" — with counts per facet, pages, and a sort by relevance to
//! the person (the share of their gap a course closes, also per euro and per hour), by price or by
//! start date. Every hit says which skills it teaches that the person lacks, the credential it
//! yields, and per scheme the money the person could get, or why none.
//!
//! - [`index`] — the per-snapshot [`CourseIndex`]: every course as compact columns.
//! - [`facets`] — filters compiled to bit sets, failure masks, facet counts (their semantics are
//!   documented there: a facet's counts apply every *other* filter).
//! - [`relevance`] — skills to learn, what each course closes of them, text scores.
//! - [`fundable`] — the fundable filter decided per course through the funding engine (grouped by
//!   what the rules can read of a course), and the per-scheme money of the courses shown.
//!
//! Profiles and person facts arrive with the request and live only for it: never stored, never
//! logged. The answer depends only on the snapshot and the request, so pages are stable.

mod facets;
mod fundable;
mod index;
mod relevance;

use std::cmp::Ordering;

use crate::funding::{Decision, Evaluation, FundingEngine, PersonFacts};
use crate::matching::{Credits, FULL_CREDIT, MatchingIndex, Profile};
use crate::model::{Date, Lang, QualityMark};
use crate::ontology::{ConceptIdx, Snapshot};
use crate::search::{IndexError, SearchEngine};

// The face: the rooms above stay private; the server, the CLI, tests and benches use only these.
pub use facets::{CourseFilters, Facet, FacetCounts, FacetValue, FundableFilter, value_label};
pub use fundable::{Fundability, check_scheme, evaluate_course};
pub use index::{CourseIndex, place_code, place_name};
pub use relevance::{Closed, SkillToLearn};

use facets::{Compiled, CourseValues, START_MONTHS, Tally, month_offset};

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// The share of the person's gap a course closes, then the text match, then the earliest
    /// start, then the lowest price.
    #[default]
    Relevance,
    /// Gap share per euro the person pays (the price minus what the fundable-by scheme certainly
    /// pays; the price without that filter).
    GapPerEuro,
    /// Gap share per hour of study.
    GapPerHour,
    /// Lowest price first.
    Price,
    /// Earliest start in the window first.
    StartDate,
}

impl SortBy {
    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Relevance => "relevance",
            SortBy::GapPerEuro => "gap_per_euro",
            SortBy::GapPerHour => "gap_per_hour",
            SortBy::Price => "price",
            SortBy::StartDate => "start_date",
        }
    }

    fn needs_skills(self) -> bool {
        matches!(self, SortBy::GapPerEuro | SortBy::GapPerHour)
    }
}

/// A validated course search.
#[derive(Debug, Clone)]
pub struct CourseQuery {
    /// Free text; `None` = no text condition.
    pub text: Option<String>,
    /// Skills to learn, named explicitly.
    pub skills: Vec<ConceptIdx>,
    /// The person's skills: with `target` their gap is learned; without it they decide which
    /// taught skills the person lacks.
    pub profile: Option<Profile>,
    /// Target occupation: its requirements the profile does not meet are skills to learn.
    pub target: Option<ConceptIdx>,
    pub filters: CourseFilters,
    /// The reference date: courses must start on or after it (unless the start window says
    /// otherwise), and funding is judged on it (the application date).
    pub date: Date,
    pub person: PersonFacts,
    /// The schemes to report per hit; `None` = [`fundable::default_schemes`]. The fundable-by
    /// scheme is always reported, first.
    pub schemes: Option<Vec<ConceptIdx>>,
    pub sort: SortBy,
    /// Preferred language of labels for text matching.
    pub lang: Lang,
    pub offset: usize,
    pub limit: usize,
}

impl CourseQuery {
    /// A query on `date` with nothing asked yet: every course starting on or after it, by
    /// relevance, 20 per page, labels in Dutch.
    pub fn on(date: Date) -> CourseQuery {
        CourseQuery {
            text: None,
            skills: Vec::new(),
            profile: None,
            target: None,
            filters: CourseFilters::default(),
            date,
            person: PersonFacts::default(),
            schemes: None,
            sort: SortBy::Relevance,
            lang: Lang::DUTCH,
            offset: 0,
            limit: 20,
        }
    }
}

/// Why a search cannot be answered.
#[derive(Debug, thiserror::Error)]
pub enum CourseError {
    #[error("`{0}` is not an occupation")]
    NotAnOccupation(String),
    #[error("sorting by {0} needs skills to learn: give skill ids, or a profile and a target occupation")]
    SortNeedsSkills(&'static str),
    #[error("{0}")]
    Scheme(#[from] fundable::SchemeProblem),
    #[error("search index: {0}")]
    Search(#[from] IndexError),
}

/// The money of one scheme for one course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeFunding {
    pub scheme: ConceptIdx,
    pub evaluation: Evaluation,
}

/// One course found.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseHit {
    pub slot: u32,
    pub course: ConceptIdx,
    /// The first planned start inside the start window.
    pub next_start: Option<Date>,
    /// Every planned start inside the window.
    pub starts: Vec<Date>,
    /// Share of the remaining gap it closes, in [0, 1] (0 without skills to learn).
    pub gap_share: f64,
    /// How well it matches the text (0 without text).
    pub text_score: f32,
    /// Skills to learn it gives credit to, largest gain first.
    pub closes: Vec<Closed>,
    /// Skills it teaches that the person lacks (all it teaches when no profile is given).
    pub teaches_missing: Vec<ConceptIdx>,
    /// Per scheme: the decision, the amount, the trace with the reason when there is no money.
    pub funding: Vec<SchemeFunding>,
    /// The price minus what the fundable-by scheme certainly pays (the price without that filter).
    pub own_cost_cents: u64,
    /// The provider's quality marks on the reference date.
    pub quality_marks: Vec<QualityMark>,
}

/// The answer to a [`CourseQuery`].
#[derive(Debug, Clone, PartialEq)]
pub struct CoursePage {
    pub hits: Vec<CourseHit>,
    /// Results over all pages.
    pub total: usize,
    pub facets: Vec<FacetCounts>,
    /// The skills to learn the search weighed (explicit and the gap).
    pub skills_to_learn: Vec<SkillToLearn>,
    /// The schemes reported per hit, in order.
    pub schemes: Vec<ConceptIdx>,
    /// Distinct course signatures the fundable filter evaluated (see [`fundable`]).
    pub funding_evaluations: usize,
}

/// One result before ordering.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    slot: u32,
    share: f64,
    text: f32,
    start: Option<Date>,
    price: u64,
    own_cost: u64,
    hours: u32,
    decision: Option<Decision>,
}

fn relevance_order(a: &Ranked, b: &Ranked) -> Ordering {
    b.share
        .total_cmp(&a.share)
        .then(b.text.total_cmp(&a.text))
        .then_with(|| match (a.start, b.start) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then(a.price.cmp(&b.price))
        .then(a.slot.cmp(&b.slot))
}

fn order(sort: SortBy) -> impl Fn(&Ranked, &Ranked) -> Ordering {
    move |a, b| {
        let first = match sort {
            SortBy::Relevance => Ordering::Equal,
            SortBy::GapPerEuro => {
                let per_euro = |r: &Ranked| r.share / (r.own_cost as f64 / 100.0).max(1.0);
                per_euro(b).total_cmp(&per_euro(a))
            }
            SortBy::GapPerHour => {
                let per_hour = |r: &Ranked| r.share / f64::from(r.hours.max(1));
                per_hour(b).total_cmp(&per_hour(a))
            }
            SortBy::Price => a.price.cmp(&b.price),
            SortBy::StartDate => match (a.start, b.start) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => Ordering::Equal,
            },
        };
        first.then_with(|| relevance_order(a, b))
    }
}

/// The quality marks a provider holds on `date`, as bits over [`QualityMark::ALL`].
fn marks_on(index: &CourseIndex, provider: Option<u32>, date: Date) -> u8 {
    let Some(p) = provider else { return 0 };
    index.providers()[p as usize]
        .marks
        .iter()
        .filter(|g| g.validity.contains(date))
        .fold(0u8, |acc, g| acc | 1 << QualityMark::ALL.iter().position(|m| *m == g.mark).unwrap_or(0))
}

/// The engines a course search reads, all of one snapshot, passed explicitly: the course finder
/// does not know how the engines are built or swapped (`crate::engine` knows, and turns its
/// `Engines` into this).
#[derive(Clone, Copy)]
pub struct Engines<'a> {
    pub courses: &'a CourseIndex,
    pub matching: &'a MatchingIndex,
    pub funding: &'a FundingEngine,
    pub search: &'a SearchEngine,
}

/// Finds courses for `query` on the engines of one snapshot.
pub fn search<'a>(engines: impl Into<Engines<'a>>, query: &CourseQuery) -> Result<CoursePage, CourseError> {
    let engines = engines.into();
    let index = engines.courses;
    let snapshot = index.snapshot();
    let matching = engines.matching;
    let funding = engines.funding;

    let credits = match &query.profile {
        Some(profile) => Credits::expand(matching, &profile.held),
        None => Credits::default(),
    };
    let target = match query.target {
        Some(target) => Some(
            matching
                .occupation_slot(target)
                .ok_or_else(|| CourseError::NotAnOccupation(snapshot.concept(target).id.to_string()))?,
        ),
        None => None,
    };
    let learn = relevance::skills_to_learn(matching, &credits, target, &query.skills);
    if query.sort.needs_skills() && learn.is_empty() {
        return Err(CourseError::SortNeedsSkills(query.sort.as_str()));
    }
    if let Some(f) = &query.filters.fundable {
        fundable::check_scheme(funding, snapshot, f.scheme)?;
    }
    let schemes = report_schemes(engines, snapshot, query)?;
    let asked_for_skills = !query.skills.is_empty() || query.target.is_some();
    let gains = asked_for_skills.then(|| relevance::gains(index, matching, &learn));
    let text = match &query.text {
        Some(text) => Some(relevance::text_scores(engines.search, snapshot, index, text, &query.lang)?),
        None => None,
    };
    let mut candidates: Vec<u32> = match (&gains, &text) {
        (Some(g), Some(t)) => g.keys().filter(|s| t.contains_key(s)).copied().collect(),
        (Some(g), None) => g.keys().copied().collect(),
        (None, Some(t)) => t.keys().copied().collect(),
        (None, None) => (0..index.len() as u32).collect(),
    };
    candidates.sort_unstable();

    let compiled = Compiled::new(&query.filters, query.date);
    let provider_marks: Vec<u8> =
        (0..index.providers().len() as u32).map(|p| marks_on(index, Some(p), query.date)).collect();
    let mut fundability = match query.filters.fundable {
        Some(f) => Fundability::new(index, funding, f.scheme, &query.person, query.date).map(|d| (f, d)),
        None => None,
    };
    let mut tally = Tally::default();
    let mut results: Vec<Ranked> = Vec::new();
    let mut months: Vec<usize> = Vec::new();
    for slot in candidates {
        let row = &index.rows()[slot as usize];
        let window_start = index.first_start(slot, compiled.start_from, compiled.start_until);
        let values = CourseValues {
            credential: facets::credential_value(row.credential_kind),
            mbo: row.mbo_level,
            nlqf: row.nlqf_level,
            eqf: row.eqf_level,
            place: row.place,
            delivery: delivery_position(row.delivery),
            schedule: schedule_position(row.schedule),
            price_cents: row.price_cents,
            hours_per_week: row.hours_per_week,
            starts_in_window: window_start.is_some(),
            marks: row.provider.map_or(0, |p| provider_marks[p as usize]),
        };
        let mut mask = facets::failures(&compiled, &values);
        let mut decision = None;
        if let Some((filter, fundability)) = &mut fundability {
            // Only a course failing at most one other filter can count anywhere (see `facets`).
            if mask.count_ones() <= 1 {
                let d = fundability.decision(slot, window_start.or_else(|| index.first_start(slot, query.date, None)));
                if !filter.accepts(d) {
                    mask |= Facet::Fundable.bit();
                }
                decision = Some(d);
            } else {
                mask |= Facet::Fundable.bit();
            }
        }
        if mask.count_ones() > 1 {
            continue;
        }
        months.clear();
        for d in &index.starts_between(slot, query.date, None) {
            let offset = month_offset(query.date, *d) as usize;
            if offset >= START_MONTHS {
                break;
            }
            if months.last() != Some(&offset) {
                months.push(offset);
            }
        }
        tally.add(mask, &values, &months, decision);
        if mask == 0 {
            results.push(Ranked {
                slot,
                share: gains.as_ref().and_then(|g| g.get(&slot)).map_or(0.0, |g| g.share),
                text: text.as_ref().and_then(|t| t.get(&slot)).copied().unwrap_or(0.0),
                start: window_start,
                price: row.price_cents,
                own_cost: row.price_cents,
                hours: row.hours,
                decision,
            });
        }
    }

    // What the person pays, where the ordering reads it.
    if let (SortBy::GapPerEuro, Some(f)) = (query.sort, &query.filters.fundable) {
        for r in &mut results {
            if r.decision == Some(Decision::Eligible) {
                let level = index.rows()[r.slot as usize].nlqf_level;
                let level = (level > 0).then_some(level);
                r.own_cost =
                    r.price - fundable::eligible_amount(funding, f.scheme, &query.person, query.date, r.price, level);
            }
        }
    }
    let total = results.len();
    let end = query.offset.saturating_add(query.limit).min(total);
    let compare = order(query.sort);
    if end < total && end > 0 {
        results.select_nth_unstable_by(end - 1, &compare);
        results.truncate(end);
    }
    results.sort_by(&compare);
    let page: Vec<Ranked> = results.into_iter().skip(query.offset).take(query.limit).collect();

    let empty = relevance::CourseGain::default();
    let hits = page
        .iter()
        .map(|r| {
            let row = &index.rows()[r.slot as usize];
            let funding_start = r.start.or_else(|| index.first_start(r.slot, query.date, None));
            let funding_list: Vec<SchemeFunding> = schemes
                .iter()
                .filter_map(|&scheme| {
                    fundable::evaluate_course(index, funding, scheme, r.slot, funding_start, &query.person, query.date)
                        .map(|evaluation| SchemeFunding { scheme, evaluation })
                })
                .collect();
            let own_cost = match &query.filters.fundable {
                Some(f) => funding_list
                    .iter()
                    .find(|s| s.scheme == f.scheme && s.evaluation.decision == Decision::Eligible)
                    .and_then(|s| s.evaluation.amounts.as_ref())
                    .map_or(row.price_cents, |a| row.price_cents.saturating_sub(a.scheme_cents)),
                None => row.price_cents,
            };
            let gain = gains.as_ref().and_then(|g| g.get(&r.slot)).unwrap_or(&empty);
            let marks = marks_on(index, row.provider, query.date);
            CourseHit {
                slot: r.slot,
                course: row.concept,
                next_start: r.start,
                starts: index.starts_between(r.slot, compiled.start_from, compiled.start_until),
                gap_share: gain.share,
                text_score: r.text,
                closes: gain.closes.clone(),
                teaches_missing: index
                    .taught(r.slot)
                    .iter()
                    .copied()
                    .filter(|s| credits.get(*s).is_none_or(|c| c.value < FULL_CREDIT))
                    .collect(),
                funding: funding_list,
                own_cost_cents: own_cost,
                quality_marks: QualityMark::ALL
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| marks & (1 << i) != 0)
                    .map(|(_, m)| *m)
                    .collect(),
            }
        })
        .collect();

    Ok(CoursePage {
        hits,
        total,
        facets: tally.facets(&query.filters, &compiled, query.date),
        skills_to_learn: learn,
        schemes,
        funding_evaluations: fundability.as_ref().map_or(0, |(_, f)| f.evaluations()),
    })
}

/// The schemes to report per hit: the fundable-by scheme first, then the request's list or the
/// default list, each once.
fn report_schemes(
    engines: Engines<'_>,
    snapshot: &Snapshot,
    query: &CourseQuery,
) -> Result<Vec<ConceptIdx>, CourseError> {
    let mut list: Vec<ConceptIdx> = query.filters.fundable.iter().map(|f| f.scheme).collect();
    let rest = match &query.schemes {
        Some(schemes) => schemes.clone(),
        None => fundable::default_schemes(engines.funding, snapshot, query.date),
    };
    for scheme in rest {
        fundable::check_scheme(engines.funding, snapshot, scheme)?;
        if !list.contains(&scheme) {
            list.push(scheme);
        }
    }
    Ok(list)
}

/// The value index of a delivery mode.
fn delivery_position(delivery: crate::model::Delivery) -> usize {
    crate::model::Delivery::ALL.iter().position(|d| *d == delivery).unwrap_or(0)
}

/// The value index of a schedule.
fn schedule_position(schedule: crate::model::Schedule) -> usize {
    crate::model::Schedule::ALL.iter().position(|s| *s == schedule).unwrap_or(0)
}

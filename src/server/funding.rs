//! `vaardig.v1.FundingService`: eligibility checks and the funding schemes with their rules.
//!
//! Handlers validate the request into domain facts (collecting every bad field), call the funding
//! engine once and convert the answer back. The rules and their evaluation live in
//! [`crate::funding`]. Person facts are never logged: only scheme and course ids are.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::error::{ApiError, Violations, invalid};
use super::request::{
    self, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, bound_page, date, page_size, parse_bound_page_token, person_facts,
};
use super::response::{self, cents, condition_result, decision, outcome, scheme_refs, source};
use crate::engine::{Engines, LiveEngines};
use crate::funding::rules::{Applicant, Condition, MAX_CENTS, Period};
use crate::funding::{Application, CheckRequest, CompartmentResult, FundingError, StartOrigin};
use crate::model::{Date, Details, Lang};
use crate::ontology::ConceptIdx;
use crate::proto::v1 as pb;
use crate::proto::v1::funding_service_server::FundingService;

/// The highest programme year accepted (multi-year programmes run 2–6 years).
pub const MAX_PROGRAMME_YEAR: i32 = 10;

/// The funding service over the engines of one snapshot.
#[derive(Debug, Clone)]
pub struct FundingApi {
    engines: Arc<LiveEngines>,
}

impl FundingApi {
    pub fn new(engines: Arc<LiveEngines>) -> FundingApi {
        FundingApi { engines }
    }
}

fn text(date: Option<Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

fn compartment_result(c: &CompartmentResult, lang: Lang) -> pb::CompartmentResult {
    pb::CompartmentResult {
        id: c.id.clone(),
        label: c.label.get(lang).to_string(),
        outcome: outcome(c.outcome) as i32,
        budget_cents: c.budget_cents.map(cents),
        source: Some(source(&c.source)),
        trace: c.trace.iter().map(|t| condition_result(t, lang)).collect(),
    }
}

fn summary(engines: &Engines, idx: ConceptIdx, lang: &str) -> pb::FundingSchemeSummary {
    let snapshot = &*engines.snapshot;
    let concept = snapshot.concept(idx);
    let details = engines.funding.details(idx);
    pb::FundingSchemeSummary {
        scheme: Some(response::concept_ref(snapshot, idx, lang)),
        scheme_level: details.map(|d| d.scheme_level.to_string()).unwrap_or_default(),
        instrument: details.map(|d| d.instrument.to_string()).unwrap_or_default(),
        valid_from: details.map(|d| d.validity.from.to_string()).unwrap_or_default(),
        valid_to: text(details.and_then(|d| d.validity.to)),
        has_rules: details.is_some_and(|d| d.rules.is_some()),
        paid_to: details.and_then(|d| d.rules.as_ref()).map(|r| r.paid_to.to_string()).unwrap_or_default(),
        description: concept.description(lang).unwrap_or_default().to_string(),
    }
}

fn rule_condition(c: &Condition) -> pb::RuleCondition {
    let Period { from, to } = c.applies;
    pb::RuleCondition {
        id: c.id.clone(),
        kind: c.test.kind().to_string(),
        parameters: c.test.parameters().into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        valid_from: text(from),
        valid_to: text(to),
        source: Some(source(&c.source)),
    }
}

#[tonic::async_trait]
impl FundingService for FundingApi {
    async fn check_eligibility(
        &self,
        request: Request<pb::CheckEligibilityRequest>,
    ) -> Result<Response<pb::CheckEligibilityResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let mut violations = Violations::default();
        let scheme_id = request::id(&request.scheme_id, "scheme_id", &mut violations);
        let course_id = if request.course_id.is_empty() {
            None
        } else {
            request::id(&request.course_id, "course_id", &mut violations)
        };
        let application_date = date(&request.date, "date", true, &mut violations);
        let course_start_date = date(&request.course_start_date, "course_start_date", false, &mut violations);
        let cost_cents = match request.cost_cents {
            Some(c) if !(0..=MAX_CENTS).contains(&c) => {
                violations.add("cost_cents", format!("must be 0–{MAX_CENTS} cents, not {c}"));
                None
            }
            other => other.map(|c| c as u64),
        };
        let programme_year = match request.programme_year {
            Some(y) if !(1..=MAX_PROGRAMME_YEAR).contains(&y) => {
                violations.add("programme_year", format!("must be 1–{MAX_PROGRAMME_YEAR}, not {y}"));
                None
            }
            other => other.map(|y| y as u32),
        };
        let course_grants_so_far = match request.course_grants_so_far {
            Some(n) if n < 0 => {
                violations.add("course_grants_so_far", format!("must be ≥ 0, not {n}"));
                None
            }
            other => other.map(|n| n as u32),
        };
        let applicant = match request.applicant.as_str() {
            "" => None,
            raw => match Applicant::parse(raw) {
                Some(a) => Some(a),
                None => {
                    let names: Vec<&str> = Applicant::ALL.iter().map(|a| a.as_str()).collect();
                    violations.add("applicant", format!("`{raw}` is not one of: {}", names.join(", ")));
                    None
                }
            },
        };
        let person = person_facts(request.person.unwrap_or_default(), application_date, &mut violations);
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let (scheme_id, application_date, person) = match violations.check((scheme_id, application_date, person))? {
            (Some(scheme_id), Some(date), Some(person)) => (scheme_id, date, person),
            // Every None above added a violation, so check() already returned.
            _ => return Err(invalid("scheme_id", "invalid request").into()),
        };

        let current = self.engines.current();
        let engines = &*current;
        let snapshot = &*engines.snapshot;
        let check = CheckRequest {
            scheme_id,
            course_id,
            course_start_date,
            cost_cents,
            application: Application {
                date: application_date,
                programme_year,
                course_grants_so_far,
                approval: request.approval,
                applicant,
            },
            person,
        };
        let checked = engines.funding.check(&check).map_err(ApiError::from)?;
        tracing::debug!(
            scheme = %snapshot.concept(checked.scheme).id,
            course = checked.course.map(|c| snapshot.concept(c).id.to_string()).unwrap_or_default(),
            "eligibility checked"
        );
        let e = &checked.evaluation;
        let payer_ids = e.amounts.as_ref().map(|a| a.remainder_payers.clone()).unwrap_or_default();
        let payers = scheme_refs(snapshot, &payer_ids, &lang);
        let payer_labels: Vec<String> = payers.iter().map(|p| p.label.clone()).collect();
        let scheme_label = snapshot.concept(checked.scheme).pref_label(&lang).to_string();
        Ok(Response::new(pb::CheckEligibilityResponse {
            snapshot_version: snapshot.version().to_string(),
            scheme: Some(engines.refs.get(snapshot, checked.scheme, &lang)),
            course: checked.course.map(|c| engines.refs.get(snapshot, c, &lang)),
            decision: decision(e.decision) as i32,
            summary: e.summary(&scheme_label, &payer_labels).get(lang).to_string(),
            date: e.date.to_string(),
            course_start_date: text(e.course_start),
            course_start_origin: match e.start_origin {
                Some(StartOrigin::Given) => "given",
                Some(StartOrigin::Planned) => "planned",
                Some(StartOrigin::Unknown) => "unknown",
                None => "",
            }
            .to_string(),
            amounts: e.amounts.as_ref().map(|a| pb::FundingAmounts {
                cost_cents: cents(a.cost_cents),
                scheme_cents: cents(a.scheme_cents),
                remainder_cents: cents(a.remainder_cents),
                share_percent: a.share_percent,
                cap_left_this_year_cents: a.cap_left_this_year_cents.map(cents),
                remainder_payers: payers,
                upper_bound: a.upper_bound,
                source: Some(source(&a.source)),
            }),
            paid_to: e.paid_to.to_string(),
            paid_to_source: Some(source(&e.paid_to_source)),
            trace: e.trace.iter().map(|t| condition_result(t, lang)).collect(),
            counterfactuals: e
                .counterfactuals
                .iter()
                .map(|c| pb::Counterfactual {
                    fact: c.fact.to_string(),
                    condition_ids: c.condition_ids.clone(),
                    explanation: c.explanation.get(lang).to_string(),
                })
                .collect(),
            compartments: e.compartments.iter().map(|c| compartment_result(c, lang)).collect(),
            notices: e
                .notices
                .iter()
                .map(|n| pb::FundingNotice {
                    id: n.id.clone(),
                    text: n.text.get(lang).to_string(),
                    source: Some(source(&n.source)),
                })
                .collect(),
            missing_facts: e.missing_facts.iter().map(|f| f.to_string()).collect(),
            needs_course: e.needs_course,
        }))
    }

    async fn list_funding_schemes(
        &self,
        request: Request<pb::ListFundingSchemesRequest>,
    ) -> Result<Response<pb::ListFundingSchemesResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let mut violations = Violations::default();
        let on = date(&request.date, "date", false, &mut violations);
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let size = page_size(request.page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, &mut violations);
        violations.check(())?;
        let current = self.engines.current();
        let engines = &*current;
        let version = engines.snapshot.version();
        let key = format!("date={}", request.date.trim());
        let offset = parse_bound_page_token(&request.page_token, version, &key)?;
        let all = engines.funding.schemes_on(on);
        let (page, next_page_token) = bound_page(&all, offset, size, version, &key);
        Ok(Response::new(pb::ListFundingSchemesResponse {
            snapshot_version: version.to_string(),
            schemes: page.iter().map(|idx| summary(engines, *idx, &lang)).collect(),
            next_page_token,
            total_size: i32::try_from(all.len()).unwrap_or(i32::MAX),
        }))
    }

    async fn get_funding_scheme(
        &self,
        request: Request<pb::GetFundingSchemeRequest>,
    ) -> Result<Response<pb::GetFundingSchemeResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let mut violations = Violations::default();
        let id = request::id(&request.id, "id", &mut violations);
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let id = violations.check(id)?.unwrap_or_default();
        let current = self.engines.current();
        let engines = &*current;
        let snapshot = &*engines.snapshot;
        let (idx, details) = engines.funding.scheme(&id).map_err(|e| match e {
            FundingError::NotAScheme { .. } => invalid("id", e.to_string()),
            other => ApiError::from(other),
        })?;
        let rules = details.rules.as_deref().map(|r| pb::FundingSchemeRules {
            conditions: r.conditions.iter().map(rule_condition).collect(),
            amounts: r
                .amounts
                .iter()
                .map(|a| pb::AmountRule {
                    valid_from: text(a.applies.from),
                    valid_to: text(a.applies.to),
                    share_percent: a.share_percent,
                    cap_per_person_per_year_cents: a.cap_per_person_per_year_cents.map(cents),
                    cap_per_application_cents: a.cap_per_application_cents.map(cents),
                    source: Some(source(&a.source)),
                    shares_by_nlqf_level: a
                        .shares_by_nlqf_level
                        .iter()
                        .map(|s| pb::LevelShare {
                            levels: s.levels.iter().map(|l| u32::from(*l)).collect(),
                            share_percent: s.share_percent,
                        })
                        .collect(),
                })
                .collect(),
            paid_to: r.paid_to.to_string(),
            paid_to_source: Some(source(&r.paid_to_source)),
            combines_with: scheme_refs(snapshot, &r.combines_with, &lang),
            combination_source: r.combination_source.as_ref().map(source),
            tijdvakken: r
                .tijdvakken
                .iter()
                .map(|t| pb::Tijdvak {
                    id: t.id.clone(),
                    from: t.from.to_string(),
                    to: t.to.to_string(),
                    budget_cents: t.budget_cents.map(cents),
                    exhausted_on: text(t.exhausted_on),
                    source: Some(source(&t.source)),
                })
                .collect(),
            compartments: r
                .compartments
                .iter()
                .map(|c| pb::Compartment {
                    id: c.id.clone(),
                    label: c.label.get(lang).to_string(),
                    valid_from: text(c.applies.from),
                    valid_to: text(c.applies.to),
                    budget_cents: c.budget_cents.map(cents),
                    conditions: c.conditions.iter().map(rule_condition).collect(),
                    source: Some(source(&c.source)),
                })
                .collect(),
            notices: r
                .notices
                .iter()
                .map(|n| pb::NoticeRule {
                    id: n.id.clone(),
                    text: n.text.get(lang).to_string(),
                    conditions: n.conditions.iter().map(rule_condition).collect(),
                    source: Some(source(&n.source)),
                    valid_from: text(n.applies.from),
                    valid_to: text(n.applies.to),
                })
                .collect(),
        });
        let sources = match &snapshot.concept(idx).details {
            Details::FundingScheme(d) => d.sources.iter().map(source).collect(),
            _ => Vec::new(),
        };
        Ok(Response::new(pb::GetFundingSchemeResponse {
            snapshot_version: snapshot.version().to_string(),
            scheme: Some(summary(engines, idx, &lang)),
            sources,
            rules,
        }))
    }
}

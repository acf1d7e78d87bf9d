//! `vaardig.v1.MatchingService`: skill gaps, occupation matching, career transitions and candidate
//! ranking.
//!
//! Each handler validates the request (every bad field at once), converts it to domain types, calls
//! one function of [`crate::matching`] and converts the answer back. Profiles are never logged:
//! only counts and timings are.

use std::sync::Arc;

use tonic::{Request, Response, Status, Streaming};

use super::error::{ApiError, Violations, invalid};
use super::refs::EncodedRefs;
use super::request::{self, page_size, parse_page_token, profile_input, resolve};
use super::response::evidence_to_pb;
use crate::engine::LiveEngines;
use crate::matching::{
    self, Basis, Evaluation, EvidenceLevel, GapStatus, HierarchyLink, MAX_VACANCY_REQUIREMENTS, MatchKind,
    MatchingIndex, OccupationFilter, Outcome, Ranker, Transition, Vacancy,
};
use crate::model::{ConceptKind, Importance, Lang};
use crate::ontology::{ConceptIdx, Snapshot};
use crate::proto::v1 as pb;
use crate::proto::v1::matching_service_server::MatchingService;

/// Default and maximum page size of MatchOccupations.
pub const DEFAULT_MATCH_PAGE_SIZE: usize = 20;
pub const MAX_MATCH_PAGE_SIZE: usize = 1000;
/// Default and maximum number of transitions.
pub const DEFAULT_RELATED_LIMIT: usize = 10;
pub const MAX_RELATED_LIMIT: usize = 100;
/// Default and maximum contributions / missing skills listed per result.
pub const DEFAULT_EXPLAIN_LIMIT: usize = 5;
pub const MAX_EXPLAIN_LIMIT: usize = 50;
/// Longest candidate id accepted.
pub const MAX_CANDIDATE_ID_LEN: usize = 128;

/// The matching service over the engines of one snapshot.
#[derive(Debug, Clone)]
pub struct MatchingApi {
    engines: Arc<LiveEngines>,
}

impl MatchingApi {
    pub fn new(engines: Arc<LiveEngines>) -> MatchingApi {
        MatchingApi { engines }
    }
}

#[tonic::async_trait]
impl MatchingService for MatchingApi {
    async fn compute_skill_gap(
        &self,
        request: Request<pb::ComputeSkillGapRequest>,
    ) -> Result<Response<pb::ComputeSkillGapResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let engines = self.engines.current();
        let index = &engines.matching;
        let snapshot = index.snapshot();
        let mut violations = Violations::default();
        let id = request::id(&request.occupation_id, "occupation_id", &mut violations);
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let view = explanation_view(request.view, &mut violations);
        let profile = profile_input(request.profile.unwrap_or_default(), "profile", &mut violations);
        let id = violations.check(id)?.unwrap_or_default();
        let (occupation, _) = occupation(index, &id, "occupation_id")?;
        let profile = resolve(snapshot, profile, "profile")?;

        let evaluation = matching::compute_gap(index, &profile, occupation)
            .ok_or_else(|| invalid("occupation_id", format!("`{id}` is not an occupation")))?;
        let refs = &engines.refs;
        let row = |o: &Outcome| requirement_pb(refs, snapshot, o, lang, view);
        let by_contribution = |status: GapStatus| {
            let mut list: Vec<&Outcome> = evaluation.with_status(status).collect();
            list.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
            list.into_iter().map(row).collect()
        };
        Ok(Response::new(pb::ComputeSkillGapResponse {
            snapshot_version: snapshot.version().to_string(),
            occupation: Some(refs.get(snapshot, occupation, &lang)),
            totals: Some(totals_pb(&evaluation)),
            covered: by_contribution(GapStatus::Covered),
            partly_covered: by_contribution(GapStatus::PartlyCovered),
            missing: evaluation.missing().map(row).collect(),
        }))
    }

    async fn match_occupations(
        &self,
        request: Request<pb::MatchOccupationsRequest>,
    ) -> Result<Response<pb::MatchOccupationsResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let engines = self.engines.current();
        let index = &engines.matching;
        let snapshot = index.snapshot();
        let mut violations = Violations::default();
        let profile = profile_input(request.profile.unwrap_or_default(), "profile", &mut violations);
        let filter = filter(request.filter.unwrap_or_default(), request.include_deprecated, "filter", &mut violations);
        let page_size = page_size(request.page_size, DEFAULT_MATCH_PAGE_SIZE, MAX_MATCH_PAGE_SIZE, &mut violations);
        let explain = explain_limit(request.explain_limit, &mut violations);
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let view = explanation_view(request.view, &mut violations);
        violations.check(())?;
        let offset = parse_page_token(&request.page_token, snapshot.version())?;
        let profile = resolve(snapshot, profile, "profile")?;

        let page = matching::match_occupations(index, &profile, &filter, offset, page_size);
        let end = offset.saturating_add(page.results.len());
        let refs = &engines.refs;
        let results = page
            .results
            .iter()
            .map(|r| occupation_match_pb(refs, index, r.scored.slot, &r.evaluation, explain, lang, view));
        Ok(Response::new(pb::MatchOccupationsResponse {
            snapshot_version: snapshot.version().to_string(),
            results: results.collect(),
            next_page_token: if end < page.total { format!("{}:{end}", snapshot.version()) } else { String::new() },
            total_size: i32::try_from(page.total).unwrap_or(i32::MAX),
        }))
    }

    async fn related_occupations(
        &self,
        request: Request<pb::RelatedOccupationsRequest>,
    ) -> Result<Response<pb::RelatedOccupationsResponse>, Status> {
        super::limits::check_items(&request)?;
        let request = request.into_inner();
        let engines = self.engines.current();
        let index = &engines.matching;
        let snapshot = index.snapshot();
        let mut violations = Violations::default();
        let id = request::id(&request.occupation_id, "occupation_id", &mut violations);
        let limit = match request.limit {
            0 => DEFAULT_RELATED_LIMIT,
            n if n < 0 || n as usize > MAX_RELATED_LIMIT => {
                violations.add("limit", format!("must be between 1 and {MAX_RELATED_LIMIT}, not {n}"));
                DEFAULT_RELATED_LIMIT
            }
            n => n as usize,
        };
        let filter = filter(request.filter.unwrap_or_default(), request.include_deprecated, "filter", &mut violations);
        let explain = explain_limit(request.explain_limit, &mut violations);
        let lang = request::lang(&request.lang, "lang", &mut violations);
        let view = explanation_view(request.view, &mut violations);
        let id = violations.check(id)?.unwrap_or_default();
        let (origin, slot) = occupation(index, &id, "occupation_id")?;

        let ranked = matching::related_occupations(index, slot, &filter, request.other_major_group_only, limit);
        let origin_major = index.occupations()[slot].isco_major_group();
        let results = ranked
            .iter()
            .map(|t| {
                let r = &t.ranked;
                let target = &index.occupations()[r.scored.slot];
                pb::Transition {
                    target: Some(occupation_match_pb(
                        &engines.refs,
                        index,
                        r.scored.slot,
                        &r.evaluation,
                        explain,
                        lang,
                        view,
                    )),
                    missing_essential: r.evaluation.count(Importance::Essential, GapStatus::Missing) as u32,
                    missing: r.evaluation.missing().count() as u32,
                    same_major_group: origin_major.is_some() && target.isco_major_group() == origin_major,
                    ranking: Some(transition_ranking_pb(index, t, lang, view)),
                }
            })
            .collect();
        Ok(Response::new(pb::RelatedOccupationsResponse {
            snapshot_version: snapshot.version().to_string(),
            origin: Some(engines.refs.get(snapshot, origin, &lang)),
            results,
        }))
    }

    async fn rank_candidates(
        &self,
        request: Request<Streaming<pb::RankCandidatesRequest>>,
    ) -> Result<Response<pb::RankCandidatesResponse>, Status> {
        let started = std::time::Instant::now();
        let max_items = super::limits::limits_of(&request)
            .map_or(crate::settings::DEFAULT_MAX_ITEMS_PER_FIELD, |l| l.max_items_per_field);
        let mut stream = request.into_inner();
        let engines = self.engines.current();
        let index = &engines.matching;
        let snapshot = index.snapshot();
        let first = stream
            .message()
            .await?
            .ok_or_else(|| invalid("vacancy", "the first message of the stream must carry the vacancy"))?;

        super::limits::check_message(&first, "", max_items)?;
        let mut violations = Violations::default();
        let top_k = match first.top_k as usize {
            0 => matching::DEFAULT_TOP_K,
            k if k > matching::MAX_TOP_K => {
                violations.add("top_k", format!("must be between 1 and {}, not {k}", matching::MAX_TOP_K));
                1
            }
            k => k,
        };
        let lang = request::lang(&first.lang, "lang", &mut violations);
        let vacancy = first.vacancy.unwrap_or_default();
        let (vacancy, occupation) = vacancy_domain(index, vacancy, &mut violations)?;
        violations.check(())?;

        let mut ranker = Ranker::new(index, vacancy, top_k);
        let mut batch = first.candidates;
        loop {
            for candidate in batch {
                let position = ranker.received();
                let field = format!("candidates[{position}]");
                let mut violations = Violations::default();
                if candidate.id.is_empty() || candidate.id.chars().count() > MAX_CANDIDATE_ID_LEN {
                    violations.add(format!("{field}.id"), format!("must be 1 to {MAX_CANDIDATE_ID_LEN} characters"));
                }
                let profile_field = format!("{field}.profile");
                let input = profile_input(candidate.profile.unwrap_or_default(), &profile_field, &mut violations);
                violations.check(())?;
                let profile = resolve(snapshot, input, &profile_field)?;
                ranker.push(candidate.id, &profile).map_err(|_| {
                    invalid(
                        "candidates",
                        format!(
                            "at most {} candidates per stream; split the candidates over several calls",
                            matching::MAX_CANDIDATES
                        ),
                    )
                })?;
            }
            match stream.message().await? {
                Some(message) => {
                    super::limits::check_message(&message, "", max_items)?;
                    let mut violations = Violations::default();
                    if message.vacancy.is_some() || message.top_k != 0 || !message.lang.is_empty() {
                        violations
                            .add("vacancy", "only the first message of the stream may carry vacancy, top_k or lang");
                    }
                    violations.check(())?;
                    batch = message.candidates;
                }
                None => break,
            }
        }

        let ranking = ranker.finish();
        tracing::info!(
            received = ranking.received,
            top_k,
            millis = started.elapsed().as_millis() as u64,
            "ranked candidates"
        );
        let ranked = ranking
            .ranked
            .iter()
            .enumerate()
            .map(|(i, candidate)| pb::RankedCandidate {
                id: candidate.id.clone(),
                rank: i as u32 + 1,
                totals: Some(totals_pb(&candidate.evaluation)),
                requirements: candidate
                    .evaluation
                    .outcomes
                    .iter()
                    .map(|o| requirement_pb(&engines.refs, snapshot, o, lang, ExplanationView::Full))
                    .collect(),
            })
            .collect();
        Ok(Response::new(pb::RankCandidatesResponse {
            snapshot_version: snapshot.version().to_string(),
            received: ranking.received as u32,
            occupation: occupation.map(|idx| engines.refs.get(snapshot, idx, &lang)),
            ranked,
        }))
    }
}

/// Looks up the subject occupation of a request: NOT_FOUND when unknown, INVALID_ARGUMENT when the
/// id names another kind of concept.
fn occupation(index: &MatchingIndex, id: &str, field: &str) -> Result<(ConceptIdx, usize), ApiError> {
    let snapshot = index.snapshot();
    let idx = snapshot.lookup(id).ok_or_else(|| ApiError::NotFound(format!("occupation `{id}` not found")))?;
    let slot = index
        .occupation_slot(idx)
        .ok_or_else(|| invalid(field, format!("`{id}` is a {}, not an occupation", snapshot.concept(idx).kind)))?;
    Ok((idx, slot))
}

fn importance_to_pb(importance: Importance) -> pb::Importance {
    match importance {
        Importance::Essential => pb::Importance::Essential,
        Importance::Optional => pb::Importance::Optional,
    }
}

fn match_kind_to_pb(kind: MatchKind) -> pb::MatchKind {
    match kind {
        MatchKind::Exact => pb::MatchKind::Exact,
        MatchKind::Narrower => pb::MatchKind::Narrower,
        MatchKind::Broader => pb::MatchKind::Broader,
        MatchKind::Related => pb::MatchKind::Related,
    }
}

fn status_to_pb(status: GapStatus) -> pb::CoverageStatus {
    match status {
        GapStatus::Covered => pb::CoverageStatus::Covered,
        GapStatus::PartlyCovered => pb::CoverageStatus::PartlyCovered,
        GapStatus::Missing => pb::CoverageStatus::Missing,
    }
}

fn filter(
    raw: pb::OccupationFilter,
    include_deprecated: bool,
    field: &str,
    violations: &mut Violations,
) -> OccupationFilter {
    let prefix = raw.isco_prefix.trim();
    if !prefix.is_empty() && (prefix.len() > 4 || !prefix.bytes().all(|b| b.is_ascii_digit())) {
        violations
            .add(format!("{field}.isco_prefix"), format!("`{}` is not 1 to 4 ISCO digits", request::truncate(prefix)));
    }
    if !(0.0..=1.0).contains(&raw.min_score) {
        violations.add(format!("{field}.min_score"), format!("must be between 0 and 1, not {}", raw.min_score));
    }
    OccupationFilter {
        isco_prefix: Some(prefix.to_string()).filter(|p| !p.is_empty()),
        kansberoep_only: raw.kansberoep_only,
        min_score: if raw.min_score.is_finite() { raw.min_score.clamp(0.0, 1.0) } else { 0.0 },
        include_deprecated,
    }
}

/// How much of each requirement row's explanation an answer carries (`ExplanationView` in the
/// proto; AIP-157): BASIC, the default for these list-shaped answers, leaves out the words and the
/// held skill or credential that earned a credit; FULL has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExplanationView {
    Basic,
    Full,
}

fn explanation_view(raw: i32, violations: &mut Violations) -> ExplanationView {
    match pb::ExplanationView::try_from(raw) {
        Ok(pb::ExplanationView::Unspecified | pb::ExplanationView::Basic) => ExplanationView::Basic,
        Ok(pb::ExplanationView::Full) => ExplanationView::Full,
        Err(_) => {
            violations.add("view", format!("unknown view {raw}: EXPLANATION_VIEW_BASIC or EXPLANATION_VIEW_FULL"));
            ExplanationView::Basic
        }
    }
}

fn explain_limit(raw: u32, violations: &mut Violations) -> usize {
    match raw as usize {
        0 => DEFAULT_EXPLAIN_LIMIT,
        n if n > MAX_EXPLAIN_LIMIT => {
            violations.add("explain_limit", format!("must be between 1 and {MAX_EXPLAIN_LIMIT}, not {n}"));
            DEFAULT_EXPLAIN_LIMIT
        }
        n => n,
    }
}

/// The vacancy of a RankCandidates stream: by occupation, or explicit requirements.
fn vacancy_domain(
    index: &MatchingIndex,
    raw: pb::Vacancy,
    violations: &mut Violations,
) -> Result<(Vacancy, Option<ConceptIdx>), ApiError> {
    let snapshot = index.snapshot();
    let by_occupation = !raw.occupation_id.is_empty();
    if by_occupation != raw.requirements.is_empty() {
        violations.add("vacancy", "give exactly one of occupation_id and requirements");
        return Ok((Vacancy { requirements: Vec::new() }, None));
    }
    if by_occupation {
        let Some(id) = request::id(&raw.occupation_id, "vacancy.occupation_id", violations) else {
            return Ok((Vacancy { requirements: Vec::new() }, None));
        };
        let (idx, slot) = occupation(index, &id, "vacancy.occupation_id")?;
        return Ok((Vacancy::of_occupation(index, slot), Some(idx)));
    }
    if raw.requirements.len() > MAX_VACANCY_REQUIREMENTS {
        violations.add(
            "vacancy.requirements",
            format!("at most {MAX_VACANCY_REQUIREMENTS} requirements, not {}", raw.requirements.len()),
        );
        return Ok((Vacancy { requirements: Vec::new() }, None));
    }
    let mut list = Vec::with_capacity(raw.requirements.len());
    let mut seen = std::collections::HashSet::new();
    for (i, requirement) in raw.requirements.iter().enumerate() {
        let field = format!("vacancy.requirements[{i}]");
        let importance = match pb::Importance::try_from(requirement.importance) {
            Ok(pb::Importance::Unspecified | pb::Importance::Essential) => Importance::Essential,
            Ok(pb::Importance::Optional) => Importance::Optional,
            Err(_) => {
                violations.add(format!("{field}.importance"), format!("unknown importance {}", requirement.importance));
                Importance::Essential
            }
        };
        if let Some(weight) = requirement.weight
            && !(0.0..=1.0).contains(&weight)
        {
            violations.add(format!("{field}.weight"), format!("must be between 0 and 1, not {weight}"));
        }
        let Some(id) = request::id(&requirement.skill_id, &format!("{field}.skill_id"), violations) else { continue };
        match snapshot.lookup(&id) {
            None => violations.add(format!("{field}.skill_id"), format!("unknown skill `{id}`")),
            Some(idx) if snapshot.concept(idx).kind != ConceptKind::Skill => violations
                .add(format!("{field}.skill_id"), format!("`{id}` is a {}, not a skill", snapshot.concept(idx).kind)),
            Some(idx) if !seen.insert(idx) => {
                violations.add(format!("{field}.skill_id"), format!("`{id}` is listed twice"))
            }
            Some(idx) => list.push((idx, importance, requirement.weight.filter(|w| (0.0..=1.0).contains(w)))),
        }
    }
    Ok((Vacancy::explicit(index, &list), None))
}

fn totals_pb(evaluation: &Evaluation) -> pb::ScoreTotals {
    let count = |importance, status| evaluation.count(importance, status) as u32;
    let all = |importance| evaluation.outcomes.iter().filter(|o| o.requirement.importance == importance).count() as u32;
    pb::ScoreTotals {
        score: evaluation.coverage(),
        essential_coverage: evaluation.essential_coverage(),
        matched_weight: evaluation.matched_weight,
        total_weight: evaluation.total_weight,
        essential_matched_weight: evaluation.essential_matched_weight,
        essential_weight: evaluation.essential_weight,
        essential_count: all(Importance::Essential),
        essential_covered: count(Importance::Essential, GapStatus::Covered),
        essential_partly_covered: count(Importance::Essential, GapStatus::PartlyCovered),
        essential_missing: count(Importance::Essential, GapStatus::Missing),
        optional_count: all(Importance::Optional),
        optional_covered: count(Importance::Optional, GapStatus::Covered),
        optional_partly_covered: count(Importance::Optional, GapStatus::PartlyCovered),
        optional_missing: count(Importance::Optional, GapStatus::Missing),
    }
}

fn occupation_match_pb(
    refs: &EncodedRefs,
    index: &MatchingIndex,
    slot: usize,
    evaluation: &Evaluation,
    explain: usize,
    lang: Lang,
    view: ExplanationView,
) -> pb::OccupationMatch {
    let snapshot = index.snapshot();
    let entry = &index.occupations()[slot];
    pb::OccupationMatch {
        occupation: Some(refs.get(snapshot, entry.concept, &lang)),
        isco_code: entry.isco.as_deref().unwrap_or_default().to_string(),
        kansberoep: entry.kansberoep,
        totals: Some(totals_pb(evaluation)),
        top_contributions: evaluation
            .contributions()
            .into_iter()
            .take(explain)
            .map(|o| requirement_pb(refs, snapshot, o, lang, view))
            .collect(),
        top_missing: evaluation
            .missing()
            .take(explain)
            .map(|o| requirement_pb(refs, snapshot, o, lang, view))
            .collect(),
    }
}

/// One row of a breakdown: its numbers, and in the FULL view the reason in words and what earned
/// the credit. The concept references come from the snapshot's encoded references.
fn requirement_pb(
    refs: &EncodedRefs,
    snapshot: &Snapshot,
    outcome: &Outcome,
    lang: Lang,
    view: ExplanationView,
) -> pb::RequirementCoverage {
    let r = outcome.requirement;
    let full = view == ExplanationView::Full;
    let mut row = pb::RequirementCoverage {
        skill: Some(refs.get(snapshot, r.skill, &lang)),
        importance: importance_to_pb(r.importance) as i32,
        idf: r.idf,
        explicit_weight: r.explicit_weight,
        weight: r.weight,
        status: status_to_pb(outcome.status()) as i32,
        contribution: outcome.contribution,
        reason: if full { reason(snapshot, outcome, lang) } else { String::new() },
        ..Default::default()
    };
    if let Some(credit) = outcome.credit {
        row.match_kind = match_kind_to_pb(credit.kind) as i32;
        row.match_factor = credit.factor;
        row.held_weight = credit.basis.weight();
        row.credit = credit.value;
        if full {
            row.via_skill = Some(refs.get(snapshot, credit.source, &lang));
        }
        match credit.basis {
            Basis::Claim(level) => row.evidence = evidence_to_pb(level) as i32,
            Basis::Certified { credential, level } => {
                row.evidence = evidence_to_pb(level) as i32;
                if full {
                    row.via_credential_id = snapshot.concept(credential).id.to_string();
                }
            }
            Basis::Requirement(importance) => row.origin_importance = importance_to_pb(importance) as i32,
        }
    }
    row
}

/// "exact", "via smallere vaardigheid ‘X’", … with the evidence where the caller graded it.
fn reason(snapshot: &Snapshot, outcome: &Outcome, lang: Lang) -> String {
    let english = lang.is_english();
    let pick = |nl: &'static str, en: &'static str| lang.pick(nl, en);
    let Some(credit) = outcome.credit else { return pick("ontbreekt", "missing").to_string() };
    let via = snapshot.concept(credit.source).pref_label(&lang);
    let mut text = match credit.kind {
        MatchKind::Exact => pick("exact", "exact").to_string(),
        MatchKind::Narrower => format!("{} ‘{via}’", pick("via smallere vaardigheid", "via narrower skill")),
        MatchKind::Broader => format!("{} ‘{via}’", pick("via bredere vaardigheid", "via broader skill")),
        MatchKind::Related => format!("{} ‘{via}’", pick("via verwante vaardigheid", "via related skill")),
    };
    match credit.basis {
        Basis::Claim(EvidenceLevel::Ungraded) => {}
        Basis::Claim(level) => text.push_str(&format!(" ({})", evidence_words(level, english))),
        Basis::Certified { credential, .. } => text.push_str(&format!(
            " ({} ‘{}’)",
            pick("gecertificeerd door", "certified by"),
            snapshot.concept(credential).pref_label(&lang)
        )),
        Basis::Requirement(Importance::Optional) => {
            text.push_str(pick(" (optioneel in het huidige beroep)", " (optional in the current occupation)"))
        }
        Basis::Requirement(Importance::Essential) => {}
    }
    text
}

/// From this cosine on, two descriptions count as alike enough to say so in the reasons.
const DESCRIBED_ALIKE: f64 = 0.1;

/// The evidence a transition is ranked by, with (in the FULL view) its reasons in words and the
/// words that make the two descriptions alike.
fn transition_ranking_pb(
    index: &MatchingIndex,
    t: &Transition,
    lang: Lang,
    view: ExplanationView,
) -> pb::TransitionRanking {
    let e = &t.evidence;
    let hierarchy = match e.hierarchy {
        Some(HierarchyLink::Broader) => "broader",
        Some(HierarchyLink::Narrower) => "narrower",
        Some(HierarchyLink::Sibling) => "sibling",
        None => "",
    };
    let full = view == ExplanationView::Full;
    let words = if full { t.shared_words(index) } else { Vec::new() };
    pb::TransitionRanking {
        value: t.value,
        reverse_coverage: e.reverse_coverage,
        field_similarity: e.field_similarity,
        description_similarity: e.description_similarity,
        shared_words: words.iter().map(|w| w.to_string()).collect(),
        isco_shared_digits: u32::from(e.isco_shared_digits),
        level_gap: u32::from(e.level_gap),
        hierarchy: hierarchy.to_string(),
        reasons: if full { ranking_reasons(t, &words, lang) } else { Vec::new() },
    }
}

/// The evidence of a transition's rank in words, strongest first.
fn ranking_reasons(t: &Transition, shared_words: &[&str], lang: Lang) -> Vec<String> {
    let pick = |nl: &'static str, en: &'static str| lang.pick(nl, en);
    let e = &t.evidence;
    let percent = |x: f64| (x * 100.0).round() as u32;
    let mut reasons = vec![format!(
        "{} {}%",
        pick("dekt van het doelberoep", "covers of the target occupation"),
        percent(e.coverage)
    )];
    if e.reverse_coverage >= 0.05 {
        reasons.push(format!(
            "{} {}%",
            pick("het doelberoep vraagt van het huidige beroep", "the target asks of the current occupation"),
            percent(e.reverse_coverage)
        ));
    }
    if e.field_similarity >= 0.3 {
        reasons.push(format!(
            "{} {}%",
            pick("vakgebied (vaardigheidsgroepen) gelijk voor", "field of work (skill groups) alike for"),
            percent(e.field_similarity)
        ));
    }
    if e.description_similarity >= DESCRIBED_ALIKE && !shared_words.is_empty() {
        reasons.push(format!(
            "{} {}% ({})",
            pick("omschrijving gelijk voor", "description alike for"),
            percent(e.description_similarity),
            shared_words.join(", ")
        ));
    }
    reasons.push(
        match e.isco_shared_digits {
            4 => pick("zelfde ISCO-beroepsgroep", "same ISCO unit group"),
            3 => pick("zelfde ISCO-subgroep", "same ISCO minor group"),
            2 => pick("zelfde ISCO-subhoofdgroep", "same ISCO sub-major group"),
            1 => pick("zelfde ISCO-hoofdgroep", "same ISCO major group"),
            _ => pick("andere ISCO-hoofdgroep", "other ISCO major group"),
        }
        .to_string(),
    );
    if e.level_gap > 0 {
        reasons.push(format!(
            "{} {}",
            pick("beroepsniveau (ISCO) verschilt", "ISCO skill level differs by"),
            e.level_gap
        ));
    }
    match e.hierarchy {
        Some(HierarchyLink::Broader) => reasons.push(pick("breder beroep", "broader occupation").to_string()),
        Some(HierarchyLink::Narrower) => {
            reasons.push(pick("specialisatie van het beroep", "specialisation of the occupation").to_string())
        }
        Some(HierarchyLink::Sibling) => {
            reasons.push(pick("zelfde bredere beroep", "same broader occupation").to_string())
        }
        None => {}
    }
    reasons
}

fn evidence_words(level: EvidenceLevel, english: bool) -> &'static str {
    match (level, english) {
        (EvidenceLevel::Ungraded, false) => "ongegradeerd",
        (EvidenceLevel::Ungraded, true) => "ungraded",
        (EvidenceLevel::SelfDeclared, false) => "zelf opgegeven",
        (EvidenceLevel::SelfDeclared, true) => "self-declared",
        (EvidenceLevel::Experience, false) => "werkervaring",
        (EvidenceLevel::Experience, true) => "work experience",
        (EvidenceLevel::Assessed, false) => "getoetst",
        (EvidenceLevel::Assessed, true) => "assessed",
        (EvidenceLevel::Evc, _) => "EVC",
        (EvidenceLevel::Credential, false) => "certificaat",
        (EvidenceLevel::Credential, true) => "credential",
        (EvidenceLevel::Diploma, _) => "diploma",
    }
}

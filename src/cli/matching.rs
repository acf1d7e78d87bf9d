//! Client commands of matching: `gap`, `match` and `related`, for career advisors.
//!
//! A person's skills are turned into skill claims (ids with evidence) *before* the server is asked,
//! in [`SkillArgs::profile`]: that is the one place where free text (`--skill-text "lassen,
//! heftruck rijden"`, resolved to skill ids through the search engine's extraction) plugs in, so
//! the matching requests themselves never change.

use std::fmt::Write;

use super::client::{block_on, print_json, status_failure};
use super::{ClientArgs, Failure};
use crate::matching::EvidenceLevel;
use crate::model::compact_id;
use crate::model::{Lang, percent};
use crate::proto::v1 as pb;
use crate::proto::v1::matching_service_client::MatchingServiceClient;

use super::EXIT_USAGE;

/// The person: skills and credentials.
#[derive(Debug, Clone, clap::Args)]
pub struct SkillArgs {
    /// A skill the person has (id: full URI or `esco:skill/…`); repeatable, or several after one --skill.
    #[arg(long = "skill", value_name = "ID", num_args = 1..)]
    pub skills: Vec<String>,
    /// A credential or qualification the person holds; the skills it certifies count.
    #[arg(long = "credential", value_name = "ID", num_args = 1..)]
    pub credentials: Vec<String>,
    /// What the person can do, in words (e.g. "lassen, heftruck rijden"): the skills mentioned are
    /// recognised by the server's concept extraction. Repeatable; combines with --skill.
    #[arg(long = "skill-text", value_name = "TEXT")]
    pub skill_text: Vec<String>,
    /// The evidence for every --skill: self_declared, experience, assessed, evc, credential or
    /// diploma. Without it the skills are ungraded and count in full.
    #[arg(long, value_name = "LEVEL")]
    pub evidence: Option<String>,
}

impl SkillArgs {
    /// The profile to send. `--skill-text` is resolved to skill ids here, before any matching
    /// request.
    pub fn profile(&self, client: &ClientArgs) -> Result<pb::Profile, Failure> {
        let evidence = match self.evidence.as_deref() {
            None => pb::EvidenceLevel::Unspecified,
            Some(name) => {
                let level = EvidenceLevel::parse(name).filter(|l| *l != EvidenceLevel::Ungraded).ok_or_else(|| {
                    Failure::new(
                        EXIT_USAGE,
                        format!(
                            "--evidence `{name}` is not one of: self_declared, experience, assessed, evc, credential, diploma"
                        ),
                    )
                })?;
                crate::server::response::evidence_to_pb(level)
            }
        };
        let mut skills = self.skills.clone();
        if !self.skill_text.is_empty() {
            for id in super::search::resolve_skill_text(client, &self.skill_text)? {
                if !skills.contains(&id) {
                    skills.push(id);
                }
            }
        }
        Ok(pb::Profile {
            skills: skills
                .iter()
                .map(|id| pb::SkillClaim { skill_id: id.clone(), evidence: evidence as i32, proficiency: None })
                .collect(),
            credential_ids: self.credentials.clone(),
            ..Default::default()
        })
    }
}

/// `vaardig gap`: what is missing for an occupation.
#[derive(Debug, clap::Args)]
pub struct GapArgs {
    /// The target occupation (id).
    #[arg(long, value_name = "ID")]
    pub target: String,
    #[command(flatten)]
    pub person: SkillArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

/// `vaardig match`: occupations that fit the person.
#[derive(Debug, clap::Args)]
pub struct MatchArgs {
    #[command(flatten)]
    pub person: SkillArgs,
    /// Only occupations whose ISCO-08 code starts with these digits.
    #[arg(long, value_name = "DIGITS")]
    pub isco: Option<String>,
    /// Only kansberoepen.
    #[arg(long)]
    pub kansberoep: bool,
    /// Only occupations with at least this coverage (0–1).
    #[arg(long, default_value_t = 0.0)]
    pub min_score: f64,
    /// Most occupations to print.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Also rank deprecated occupations (left out by default).
    #[arg(long)]
    pub include_deprecated: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

/// `vaardig related`: career transitions from an occupation.
#[derive(Debug, clap::Args)]
pub struct RelatedArgs {
    /// The occupation to move from (id).
    pub id: String,
    /// Most transitions to print (1–100).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Also rank deprecated occupations (left out by default).
    #[arg(long)]
    pub include_deprecated: bool,
    /// Only occupations in another ISCO major group (career switches).
    #[arg(long)]
    pub other_major_group: bool,
    #[command(flatten)]
    pub offline: super::services::OfflineArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

async fn connect(args: &ClientArgs) -> Result<MatchingServiceClient<super::client::ClientChannel>, Failure> {
    Ok(MatchingServiceClient::new(super::client::channel(args).await?))
}

fn label_of(concept: &Option<pb::ConceptRef>) -> (String, String) {
    let c = concept.clone().unwrap_or_default();
    (c.id, c.label)
}

fn importance_name(raw: i32) -> &'static str {
    match pb::Importance::try_from(raw) {
        Ok(pb::Importance::Essential) => "essential",
        Ok(pb::Importance::Optional) => "optional",
        _ => "",
    }
}

fn status_name(raw: i32) -> &'static str {
    match pb::CoverageStatus::try_from(raw) {
        Ok(pb::CoverageStatus::Covered) => "covered",
        Ok(pb::CoverageStatus::PartlyCovered) => "partly_covered",
        Ok(pb::CoverageStatus::Missing) => "missing",
        _ => "",
    }
}

fn match_name(raw: i32) -> &'static str {
    match pb::MatchKind::try_from(raw) {
        Ok(pb::MatchKind::Exact) => "exact",
        Ok(pb::MatchKind::Narrower) => "narrower",
        Ok(pb::MatchKind::Broader) => "broader",
        Ok(pb::MatchKind::Related) => "related",
        _ => "",
    }
}

fn requirement_json(row: &pb::RequirementCoverage) -> serde_json::Value {
    let (id, label) = label_of(&row.skill);
    serde_json::json!({
        "id": id,
        "label": label,
        "importance": importance_name(row.importance),
        "status": status_name(row.status),
        "match": match_name(row.match_kind),
        "via": row.via_skill.as_ref().map(|c| c.id.clone()),
        "via_credential": Some(row.via_credential_id.clone()).filter(|c| !c.is_empty()),
        "weight": row.weight,
        "credit": row.credit,
        "contribution": row.contribution,
        "reason": row.reason,
    })
}

fn totals_json(totals: &pb::ScoreTotals) -> serde_json::Value {
    serde_json::json!({
        "score": totals.score,
        "essential_coverage": totals.essential_coverage,
        "matched_weight": totals.matched_weight,
        "total_weight": totals.total_weight,
    })
}

pub fn gap(args: &GapArgs) -> Result<(), Failure> {
    let request = pb::ComputeSkillGapRequest {
        profile: Some(args.person.profile(&args.client)?),
        occupation_id: args.target.clone(),
        lang: args.client.lang.to_string(),
        // The rows are printed with their reasons.
        view: pb::ExplanationView::Full as i32,
    };
    let response = block_on(async {
        let mut client = connect(&args.client).await?;
        client.compute_skill_gap(request).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    let totals = response.totals.unwrap_or_default();
    let (id, label) = label_of(&response.occupation);
    let ids = |rows: &[pb::RequirementCoverage], importance: Option<pb::Importance>| -> Vec<String> {
        rows.iter()
            .filter(|r| importance.is_none_or(|i| r.importance == i as i32))
            .filter_map(|r| r.skill.as_ref().map(|s| s.id.clone()))
            .collect()
    };
    if args.client.json {
        let all: Vec<&pb::RequirementCoverage> =
            response.covered.iter().chain(&response.partly_covered).chain(&response.missing).collect();
        print_json(&serde_json::json!({
            "version": response.snapshot_version,
            "occupation": {"id": id, "label": label},
            "coverage": totals.score,
            "essential_coverage": totals.essential_coverage,
            "matched_weight": totals.matched_weight,
            "total_weight": totals.total_weight,
            "covered": ids(&response.covered, None),
            "partly_covered": ids(&response.partly_covered, None),
            "missing_essential": ids(&response.missing, Some(pb::Importance::Essential)),
            "missing_optional": ids(&response.missing, Some(pb::Importance::Optional)),
            "requirements": all.into_iter().map(requirement_json).collect::<Vec<_>>(),
        }));
        return Ok(());
    }
    let text = args.client.lang;
    let mut out = String::new();
    let _ = writeln!(out, "{label}  ({})", compact_id(&id));
    let _ = writeln!(
        out,
        "{} {} · {} {} ({} {} {} {})",
        text.pick("dekking", "coverage"),
        percent(totals.score),
        text.pick("essentieel", "essential"),
        percent(totals.essential_coverage),
        totals.essential_covered,
        text.pick("van", "of"),
        totals.essential_count,
        text.pick("essentiële vaardigheden gedekt", "essential skills covered"),
    );
    let essential = |row: &pb::RequirementCoverage| {
        if row.importance == pb::Importance::Essential as i32 { text.pick("[essentieel] ", "[essential] ") } else { "" }
    };
    for (caption, rows, mark) in [
        (text.pick("gedekt:", "covered:"), &response.covered, "✓"),
        (text.pick("deels gedekt:", "partly covered:"), &response.partly_covered, "~"),
        (text.pick("ontbreekt (belangrijkste eerst):", "missing (most important first):"), &response.missing, "✗"),
    ] {
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{caption}");
        for row in rows {
            let (_, skill) = label_of(&row.skill);
            let reason = if row.status == pb::CoverageStatus::Missing as i32 {
                String::new()
            } else {
                format!(" — {}", row.reason)
            };
            let _ = writeln!(out, "  {mark} {}{skill}{reason}", essential(row));
        }
    }
    let _ = writeln!(out, "snapshot {}", response.snapshot_version);
    print!("{out}");
    Ok(())
}

pub fn match_occupations(args: &MatchArgs) -> Result<(), Failure> {
    if args.limit == 0 || args.limit > 1000 {
        return Err(Failure::new(EXIT_USAGE, format!("--limit must be between 1 and 1000, not {}", args.limit)));
    }
    let request = pb::MatchOccupationsRequest {
        profile: Some(args.person.profile(&args.client)?),
        filter: Some(pb::OccupationFilter {
            isco_prefix: args.isco.clone().unwrap_or_default(),
            kansberoep_only: args.kansberoep,
            min_score: args.min_score,
        }),
        page_size: args.limit as i32,
        page_token: String::new(),
        explain_limit: 3,
        lang: args.client.lang.to_string(),
        include_deprecated: args.include_deprecated,
        // The contributions and the ranking are printed with their reasons.
        view: pb::ExplanationView::Full as i32,
    };
    let response = block_on(async {
        let mut client = connect(&args.client).await?;
        client.match_occupations(request).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    if args.client.json {
        let results: Vec<serde_json::Value> = response.results.iter().map(occupation_json).collect();
        print_json(&serde_json::json!({
            "version": response.snapshot_version,
            "total": response.total_size,
            "results": results,
        }));
        return Ok(());
    }
    let text = args.client.lang;
    for (rank, result) in response.results.iter().enumerate() {
        print!("{}", occupation_text(rank + 1, result, text));
    }
    println!(
        "{} {} {} · snapshot {}",
        response.results.len(),
        text.pick("van", "of"),
        response.total_size,
        response.snapshot_version
    );
    Ok(())
}

fn occupation_json(result: &pb::OccupationMatch) -> serde_json::Value {
    let (id, label) = label_of(&result.occupation);
    let totals = result.totals.unwrap_or_default();
    let skills = |rows: &[pb::RequirementCoverage]| -> Vec<serde_json::Value> {
        rows.iter()
            .map(|r| {
                let (id, label) = label_of(&r.skill);
                serde_json::json!({"id": id, "label": label, "importance": importance_name(r.importance), "contribution": r.contribution, "reason": r.reason})
            })
            .collect()
    };
    serde_json::json!({
        "id": id,
        "label": label,
        "score": totals.score,
        "essential_coverage": totals.essential_coverage,
        "isco": result.isco_code,
        "kansberoep": result.kansberoep,
        "totals": totals_json(&totals),
        "top_contributions": skills(&result.top_contributions),
        "top_missing": skills(&result.top_missing),
    })
}

fn occupation_text(rank: usize, result: &pb::OccupationMatch, text: Lang) -> String {
    let (id, label) = label_of(&result.occupation);
    let totals = result.totals.unwrap_or_default();
    let mut out = String::new();
    let kans = if result.kansberoep { text.pick(" · kansberoep", " · shortage occupation") } else { "" };
    let _ = writeln!(
        out,
        "{rank:>2}. {label}  {} ({} {}) · ISCO {}{kans}  {}",
        percent(totals.score),
        text.pick("essentieel", "essential"),
        percent(totals.essential_coverage),
        result.isco_code,
        compact_id(&id)
    );
    let names = |rows: &[pb::RequirementCoverage]| -> String {
        rows.iter().map(|r| label_of(&r.skill).1).collect::<Vec<_>>().join(", ")
    };
    if !result.top_contributions.is_empty() {
        let _ = writeln!(out, "    + {}", names(&result.top_contributions));
    }
    if !result.top_missing.is_empty() {
        let _ = writeln!(out, "    − {}", names(&result.top_missing));
    }
    out
}

pub fn related(args: &RelatedArgs) -> Result<(), Failure> {
    if args.limit == 0 || args.limit > 100 {
        return Err(Failure::new(EXIT_USAGE, format!("--limit must be between 1 and 100, not {}", args.limit)));
    }
    let request = pb::RelatedOccupationsRequest {
        occupation_id: args.id.clone(),
        limit: args.limit as i32,
        filter: None,
        other_major_group_only: args.other_major_group,
        explain_limit: 3,
        lang: args.client.lang.to_string(),
        include_deprecated: args.include_deprecated,
        // The contributions and the ranking are printed with their reasons.
        view: pb::ExplanationView::Full as i32,
    };
    let response = block_on(async {
        let services = super::services::Services::open(&args.client, &args.offline).await?;
        services.related_occupations(request).await.map_err(status_failure)
    })?;
    let (origin_id, origin_label) = label_of(&response.origin);
    if args.client.json {
        let results: Vec<serde_json::Value> = response
            .results
            .iter()
            .map(|t| {
                let mut value = occupation_json(&t.target.clone().unwrap_or_default());
                if let Some(object) = value.as_object_mut() {
                    object.insert("missing_essential".into(), t.missing_essential.into());
                    object.insert("missing".into(), t.missing.into());
                    object.insert("same_major_group".into(), t.same_major_group.into());
                    let ranking = t.ranking.clone().unwrap_or_default();
                    object.insert(
                        "ranking".into(),
                        serde_json::json!({
                            "value": ranking.value,
                            "reverse_coverage": ranking.reverse_coverage,
                            "field_similarity": ranking.field_similarity,
                            "description_similarity": ranking.description_similarity,
                            "shared_words": ranking.shared_words,
                            "isco_shared_digits": ranking.isco_shared_digits,
                            "level_gap": ranking.level_gap,
                            "hierarchy": if ranking.hierarchy.is_empty() { None } else { Some(ranking.hierarchy) },
                            "reasons": ranking.reasons,
                        }),
                    );
                }
                value
            })
            .collect();
        print_json(&serde_json::json!({
            "version": response.snapshot_version,
            "from": {"id": origin_id, "label": origin_label},
            "results": results,
        }));
        return Ok(());
    }
    let text = args.client.lang;
    println!("{} {origin_label}  ({})", text.pick("overstappen vanuit", "transitions from"), compact_id(&origin_id));
    for (rank, transition) in response.results.iter().enumerate() {
        print!("{}", occupation_text(rank + 1, &transition.target.clone().unwrap_or_default(), text));
        let switch = if transition.same_major_group {
            ""
        } else {
            text.pick(" · andere beroepsklasse", " · other major group")
        };
        println!(
            "    {} {}{switch}",
            transition.missing_essential,
            text.pick("essentiële vaardigheden te leren", "essential skills to learn")
        );
        if let Some(ranking) = &transition.ranking {
            println!("    {}: {}", text.pick("waarom hier", "why here"), ranking.reasons.join(" · "));
        }
    }
    println!("snapshot {}", response.snapshot_version);
    Ok(())
}

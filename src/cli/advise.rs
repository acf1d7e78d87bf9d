//! `vaardig advise`: from a saved profile and a target occupation to one report for the
//! conversation — the gap, the occupations that also fit, the best fundable training paths and the
//! funding schemes valid on the day — in the terminal (Dutch by default), as JSON, and as a
//! printable HTML development plan (`--html FILE`).
//!
//! The same code runs against a server or offline on a local ontology ([`Services`]), so the
//! report is identical either way. The profile is read from the advisor's file and sent with each
//! request; nothing about the person is stored by the services.

use std::path::PathBuf;

use super::client::block_on;
use super::funding::PersonFactsArgs;
use super::lookup;

use super::planning::ConstraintArgs;
use super::profile::{ADVISOR_EXIT_CODES, check_profile, write_out};
use super::profile_file::ProfileFile;
use super::report::html::render_html;
use super::report::text::render_text;
use super::report::{Advice, Answers, Named};
use super::services::{OfflineArgs, Services, explain};
use super::{ClientArgs, EXIT_FAILURE, Failure};
use crate::model::{ConceptKind, Date};
use crate::proto::v1 as pb;

/// Wrong usage of the command line.
const EXIT_USAGE: u8 = 2;

/// `vaardig advise`.
#[derive(Debug, Clone, clap::Args)]
#[command(allow_negative_numbers = true, after_help = ADVISOR_EXIT_CODES)]
pub struct AdviseArgs {
    /// The person's profile file (made with `vaardig profile --out FILE`).
    #[arg(long, value_name = "FILE")]
    pub profile: PathBuf,
    /// The occupation the person wants to move to: a name (e.g. "verpleegkundige") or an id.
    #[arg(long, value_name = "NAME|ID")]
    pub target: String,
    /// The day of the advice, YYYY-MM-DD: the plan starts then and the schemes valid on it are
    /// checked. Default: today.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    #[command(flatten)]
    pub facts: PersonFactsArgs,
    #[command(flatten)]
    pub constraints: ConstraintArgs,
    /// How many other fitting occupations to show (0–20).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub alternatives: usize,
    /// Also write the printable HTML development plan (ontwikkelplan) to this file.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    #[command(flatten)]
    pub offline: OfflineArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

pub fn advise(args: &AdviseArgs) -> Result<(), Failure> {
    let advice = build(args)?;
    let report = if args.client.json {
        // Straight from the model, so the fields keep the model's order.
        let mut json = serde_json::to_string_pretty(&advice).unwrap_or_default();
        json.push('\n');
        json
    } else {
        render_text(&advice)
    };
    write_out(&mut std::io::stdout().lock(), &report)?;
    if let Some(path) = &args.html {
        let text = args.client.lang;
        std::fs::write(path, render_html(&advice)).map_err(|e| {
            Failure::new(
                EXIT_FAILURE,
                format!(
                    "{} {}: {e}",
                    text.pick("kan het ontwikkelplan niet schrijven naar", "cannot write the development plan to"),
                    path.display()
                ),
            )
        })?;
        eprintln!("{} {}", text.pick("ontwikkelplan geschreven naar", "development plan written to"), path.display());
    }
    Ok(())
}

/// Asks the services and lays the answers out as one advice.
pub fn build(args: &AdviseArgs) -> Result<Advice, Failure> {
    let lang = args.client.lang;
    let text = lang;
    if args.alternatives > 20 {
        return Err(Failure::new(EXIT_USAGE, format!("--alternatives: {} 0–20", text.pick("kies", "choose"))));
    }
    let date = match &args.date {
        Some(raw) => {
            raw.parse::<Date>().map_err(|e| Failure::new(EXIT_USAGE, format!("--date `{raw}`: {e}")))?.to_string()
        }
        None => Date::today().to_string(),
    };
    let mut stored = ProfileFile::read(&args.profile).map_err(|e| Failure::new(e.exit_code(), e.describe(text)))?;
    block_on(async {
        let services = Services::open(&args.client, &args.offline).await?;
        check_profile(&services, &mut stored, &args.profile, lang).await?;
        let target = lookup::one(&services, &args.target, ConceptKind::Occupation, lang, "--target").await?;
        let profile = stored.to_pb();

        let doing = |what: &str| format!("{what} ({})", target.label);
        let gap = services
            .compute_skill_gap(pb::ComputeSkillGapRequest {
                profile: Some(profile.clone()),
                occupation_id: target.id.clone(),
                lang: lang.to_string(),
                // The report explains each requirement with the service's reason.
                view: pb::ExplanationView::Full as i32,
            })
            .await
            .map_err(|s| explain(s, &doing(text.pick("de vaardighedenkloof", "the skill gap")), text))?;
        // Two more than shown: the target and the current occupation may be among them.
        let matches = services
            .match_occupations(pb::MatchOccupationsRequest {
                profile: Some(profile.clone()),
                filter: None,
                page_size: (args.alternatives + 2).max(1) as i32,
                page_token: String::new(),
                explain_limit: 3,
                lang: lang.to_string(),
                include_deprecated: false,
                // Only the skills to learn are shown, not the reasons: the default BASIC view.
                view: pb::ExplanationView::Basic as i32,
            })
            .await
            .map_err(|s| explain(s, text.pick("passende beroepen", "fitting occupations"), text))?;
        let path = services
            .suggest_training_path(pb::SuggestTrainingPathRequest {
                profile: Some(profile.clone()),
                target_occupation_id: target.id.clone(),
                person: Some(args.facts.to_pb(None)),
                start_date: date.clone(),
                constraints: Some(args.constraints.to_pb()),
                lang: lang.to_string(),
            })
            .await
            .map_err(|s| explain(s, &doing(text.pick("het opleidingspad", "the training path")), text))?;

        // The schemes are checked for the next application the person would make: the first
        // course of the first path.
        let first_course = path.options.first().and_then(|o| o.steps.first()).and_then(|s| s.course.clone());
        let schemes = super::funding::all_schemes(|r| services.list_funding_schemes(r), &date, lang)
            .await
            .map_err(|s| explain(s, text.pick("de regelingen", "the schemes"), text))?;
        let mut checks = Vec::new();
        for scheme in schemes.schemes.iter().filter(|s| s.has_rules) {
            let scheme_id = scheme.scheme.as_ref().map(|c| c.id.clone()).unwrap_or_default();
            let check = services
                .check_eligibility(pb::CheckEligibilityRequest {
                    scheme_id,
                    course_id: first_course.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
                    date: date.clone(),
                    person: Some(args.facts.to_pb(None)),
                    lang: lang.to_string(),
                    ..Default::default()
                })
                .await
                .map_err(|s| {
                    explain(
                        s,
                        &format!(
                            "{} {}",
                            text.pick("toetsen van", "checking"),
                            scheme.scheme.as_ref().map_or("", |c| c.label.as_str())
                        ),
                        text,
                    )
                })?;
            checks.push(check);
        }

        let profile_named: Vec<Named> =
            stored.skills.iter().map(|id| Named { id: id.clone(), label: stored.label_of(id) }).collect();
        let current = stored.current_occupation.as_ref().map(|id| Named { id: id.clone(), label: stored.label_of(id) });
        Ok(Advice::build(Answers {
            date: &date,
            lang,
            profile: profile_named,
            current_occupation: current,
            gap: &gap,
            matches: &matches,
            alternatives: args.alternatives,
            path: &path,
            checked_course: first_course.map(|c| Named { id: c.id, label: c.label }),
            checks: &checks,
        }))
    })
}

//! `vaardig list`: the concepts of the ontology, a page at a time or all of them, from a server
//! or offline (`--ontology`), through ListConcepts.

use super::client::{block_on, status_failure};
use super::output::{concept_json, kind_name};
use super::services::{OfflineArgs, Services};
use super::{ClientArgs, EXIT_USAGE, Failure};
use crate::model::compact_id;
use crate::proto::v1 as pb;

/// `vaardig list [--kind K] [--status S] [--isco DIGITS] [--skill-type T] [--source NAME] …`
#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    /// Only this concept kind (occupation, skill, skill_group, isco_group, qualification,
    /// credential, course, provider, funding_scheme); default every kind.
    #[arg(long)]
    pub kind: Option<String>,
    /// any, released or deprecated.
    #[arg(long, default_value = "any")]
    pub status: String,
    /// Only occupations and ISCO groups whose ISCO-08 code starts with these digits.
    #[arg(long = "isco", value_name = "DIGITS")]
    pub isco: Option<String>,
    /// Only skills of this type: skill, knowledge or attitude.
    #[arg(long)]
    pub skill_type: Option<String>,
    /// Only concepts of the source of this name (see `vaardig stats`), e.g. ESCO.
    #[arg(long)]
    pub source: Option<String>,
    /// Every label, description and detail of each concept (ListConcepts' FULL view).
    #[arg(long)]
    pub full: bool,
    /// Concepts per page (1–1,000).
    #[arg(long, default_value_t = 100)]
    pub page_size: i32,
    /// Continue from this page (the token printed after the previous page).
    #[arg(long)]
    pub page_token: Option<String>,
    /// Follow every page to the end instead of stopping after one.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub offline: OfflineArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

fn status_filter(raw: &str) -> Result<pb::ConceptStatusFilter, Failure> {
    match raw {
        "any" => Ok(pb::ConceptStatusFilter::Unspecified),
        "released" => Ok(pb::ConceptStatusFilter::Released),
        "deprecated" => Ok(pb::ConceptStatusFilter::Deprecated),
        other => Err(Failure::new(EXIT_USAGE, format!("--status `{other}` is not one of: any, released, deprecated"))),
    }
}

/// Prints one page (or every page with `--all`): a line per concept, or with `--json` one JSON
/// object per line. The next page's token goes to standard error, so that the output stays data.
pub fn list(args: &ListArgs) -> Result<(), Failure> {
    let kind = super::search::parse_kinds(args.kind.as_slice())?.first().copied().unwrap_or_default();
    let mut request = pb::ListConceptsRequest {
        kind,
        status: status_filter(&args.status)? as i32,
        isco_prefix: args.isco.clone().unwrap_or_default(),
        skill_type: args.skill_type.clone().unwrap_or_default(),
        source: args.source.clone().unwrap_or_default(),
        page_size: args.page_size,
        page_token: args.page_token.clone().unwrap_or_default(),
        view: if args.full { pb::ConceptView::Full } else { pb::ConceptView::Basic } as i32,
        lang: args.client.lang.to_string(),
    };
    block_on(async {
        let services = Services::open(&args.client, &args.offline).await?;
        loop {
            let page = services.list_concepts(request.clone()).await.map_err(status_failure)?;
            for concept in &page.concepts {
                if args.client.json {
                    let mut value = concept_json(&page.snapshot_version, concept);
                    if !args.full {
                        if let Some(object) = value.as_object_mut() {
                            object.retain(|key, _| !matches!(key.as_str(), "labels" | "descriptions" | "details"));
                        }
                    }
                    println!("{value}");
                } else {
                    let status = match (concept.deprecated, concept.replaced_by.as_str()) {
                        (false, _) => String::new(),
                        (true, "") => "\tdeprecated".to_string(),
                        (true, next) => format!("\tdeprecated → {}", compact_id(next)),
                    };
                    println!(
                        "{}\t{}\t{}{status}",
                        compact_id(&concept.id),
                        kind_name(concept.kind),
                        concept.preferred_label
                    );
                }
            }
            if page.next_page_token.is_empty() {
                return Ok(());
            }
            if !args.all {
                eprintln!(
                    "{} of {} shown; next page: --page-token {}",
                    page.concepts.len(),
                    page.total_size,
                    page.next_page_token
                );
                return Ok(());
            }
            request.page_token = page.next_page_token;
        }
    })
}

//! `vaardig eligibility` and `vaardig schemes`: funding checks and funding schemes for career
//! advisors, against a running server.
//!
//! Facts the adviser does not give are sent as unknown, never as "no": the answer then says which
//! facts are missing. `--no-other-public-finance` is the one shortcut, for the common case of
//! someone with no studiefinanciering, lerarenbeurs or tegemoetkoming for the course.

use std::fmt::Write;

use super::client::{ClientChannel, block_on, channel, flag_for, print_json, status_failure, with_flags};
use super::{ClientArgs, EXIT_NOT_FOUND, EXIT_USAGE, Failure};
use crate::funding::PaidTo;
use crate::funding::paid_to_text;
use crate::model::Lang;
use crate::model::Money;
use crate::model::compact_id;
use crate::model::vocab::EducationLevel;
use crate::proto::v1 as pb;
use crate::proto::v1::funding_service_client::FundingServiceClient;

/// The facts of `vaardig eligibility`.
#[derive(Debug, Clone, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct EligibilityArgs {
    /// Funding scheme id: the full or compact id (vaardig:scheme/stap-budget) or its last part
    /// (stap-budget) when that names one scheme.
    #[arg(long)]
    pub scheme: String,
    /// Course id, e.g. vaardig:course/heftruck-basis. Without it, a scheme about a course is checked
    /// on the person and the date alone ("needs a course").
    #[arg(long)]
    pub course: Option<String>,
    /// Application date, YYYY-MM-DD.
    #[arg(long)]
    pub date: String,
    /// Start date of the course, YYYY-MM-DD (default: its first planned start on or after --date).
    #[arg(long, value_name = "DATE")]
    pub course_start: Option<String>,
    #[command(flatten)]
    pub person: PersonFactsArgs,
    /// What this scheme already granted the person this calendar year, in euros.
    #[arg(long, value_name = "EUR", value_parser = euros)]
    pub already_granted_eur: Option<i64>,
    /// The cost to fund in euros, when not the course's price.
    #[arg(long, value_name = "EUR", value_parser = euros)]
    pub cost_eur: Option<i64>,
    /// Study year of a multi-year programme the application is for (1 = the first).
    #[arg(long, value_name = "N")]
    pub programme_year: Option<i32>,
    /// Grants of this scheme already made for the course this year.
    #[arg(long, value_name = "N")]
    pub course_grants: Option<i32>,
    /// Whether the deciding employer, O&O fund or UWV approved: yes or no.
    #[arg(long, value_name = "YES|NO", value_parser = yes_no)]
    pub approval: Option<bool>,
    /// Who applies: persoon, werkgever, collectief (employers' and employees' organisations or
    /// O&O funds) or gastouderbureau.
    #[arg(long, value_name = "WHO")]
    pub applicant: Option<String>,
    #[command(flatten)]
    pub client: ClientArgs,
}

/// The facts about a person that funding rules ask for, as flags. Shared by `eligibility` and
/// `path`; facts not given are sent as unknown, never as "no".
#[derive(Debug, Clone, clap::Args)]
pub struct PersonFactsArgs {
    /// Age in whole years on the application (or plan start) date.
    #[arg(long)]
    pub age: Option<i32>,
    /// Birth date, YYYY-MM-DD (decides the AOW-age bound to the day).
    #[arg(long, value_name = "DATE")]
    pub birth_date: Option<String>,
    /// Highest completed education: geen, basisonderwijs, vmbo, mbo1, mbo2, mbo3, mbo4, havo, vwo,
    /// associate_degree, bachelor, master, doctorate; common spellings too (mbo-3, "MBO 3",
    /// hbo-bachelor, wo-master, entree).
    #[arg(long, value_name = "LEVEL", value_parser = education)]
    pub education: Option<String>,
    /// werknemer, zzp, werkzoekend_zonder_uitkering, ww, bijstand, wajong, wga or anders.
    #[arg(long, value_name = "STATUS")]
    pub labour_status: Option<String>,
    /// A tie to the Dutch labour market: yes or no.
    #[arg(long, value_name = "YES|NO", value_parser = yes_no)]
    pub labour_market_tie: Option<bool>,
    /// Liable to Dutch tax (counts as a tie to the labour market): yes or no.
    #[arg(long, value_name = "YES|NO", value_parser = yes_no)]
    pub belastingplichtig: Option<bool>,
    /// Insured for the Dutch volksverzekeringen (counts as a tie): yes or no.
    #[arg(long, value_name = "YES|NO", value_parser = yes_no)]
    pub volksverzekerd: Option<bool>,
    /// Entitled to studiefinanciering for the course: yes or no.
    #[arg(long, value_name = "YES|NO", value_parser = yes_no)]
    pub studiefinanciering: Option<bool>,
    /// Receives a lerarenbeurs for the course: yes or no.
    #[arg(long, value_name = "YES|NO", value_parser = yes_no)]
    pub lerarenbeurs: Option<bool>,
    /// Entitled to a tegemoetkoming onderwijsbijdrage en schoolkosten for the course: yes or no.
    #[arg(long, value_name = "YES|NO", value_parser = yes_no)]
    pub tegemoetkoming: Option<bool>,
    /// No studiefinanciering, lerarenbeurs or tegemoetkoming for the course (unless said otherwise).
    #[arg(long)]
    pub no_other_public_finance: bool,
}

impl PersonFactsArgs {
    /// The wire person facts; `already_granted_cents` is what the scheme granted this year.
    pub(super) fn to_pb(&self, already_granted_cents: Option<i64>) -> pb::PersonFacts {
        let other = if self.no_other_public_finance { Some(false) } else { None };
        pb::PersonFacts {
            age: self.age,
            birth_date: self.birth_date.clone().unwrap_or_default(),
            labour_market_tie: self.labour_market_tie,
            belastingplichtig: self.belastingplichtig,
            volksverzekerd: self.volksverzekerd,
            labour_status: self.labour_status.clone().unwrap_or_default(),
            highest_education: self.education.clone().unwrap_or_default(),
            studiefinanciering_for_course: self.studiefinanciering.or(other),
            lerarenbeurs_for_course: self.lerarenbeurs.or(other),
            tegemoetkoming_for_course: self.tegemoetkoming.or(other),
            already_granted_this_year_cents: already_granted_cents,
        }
    }
}

/// `yes` or `no` as documented, or the Dutch `ja` or `nee`, in any case; nothing else, so that a
/// typo is not read as an answer.
pub(super) fn yes_no(text: &str) -> Result<bool, String> {
    match text.to_lowercase().as_str() {
        "yes" | "ja" => Ok(true),
        "no" | "nee" => Ok(false),
        _ => Err(format!("`{text}` is not yes or no (or ja or nee)")),
    }
}

/// A highest-education level in a spelling people type ("mbo-3", "MBO 3", "hbo-bachelor"), as its
/// canonical name for the wire; an unknown one lists the levels (clap names the flag).
pub(super) fn education(text: &str) -> Result<String, String> {
    match EducationLevel::from_common_spelling(text) {
        Some(level) => Ok(level.as_str().to_string()),
        None => {
            let levels: Vec<&str> = EducationLevel::ALL.iter().map(|l| l.as_str()).collect();
            Err(format!(
                "`{text}` is not an education level; give one of {} (mbo-3, hbo-bachelor and the like work too)",
                levels.join(", ")
            ))
        }
    }
}

/// An amount in euros (`1000`, `1000.50` or `1000,50`, see [`Money::parse_euros`]) as cents;
/// never negative, so that the flag is refused in the units it was given in.
pub(super) fn euros(text: &str) -> Result<i64, String> {
    let money = Money::parse_euros(text).map_err(|e| e.to_string())?;
    if money.cents() < 0 {
        return Err(format!("must be 0 euros or more, not {text}"));
    }
    Ok(money.cents())
}

pub fn eligibility(args: &EligibilityArgs) -> Result<(), Failure> {
    let mut request = pb::CheckEligibilityRequest {
        scheme_id: String::new(),
        course_id: args.course.clone().unwrap_or_default(),
        date: args.date.clone(),
        course_start_date: args.course_start.clone().unwrap_or_default(),
        cost_cents: args.cost_eur,
        programme_year: args.programme_year,
        course_grants_so_far: args.course_grants,
        approval: args.approval,
        person: Some(args.person.to_pb(args.already_granted_eur)),
        lang: args.client.lang.to_string(),
        applicant: args.applicant.clone().unwrap_or_default(),
    };
    let response = block_on(async {
        let mut client = FundingServiceClient::new(channel(&args.client).await?);
        request.scheme_id = scheme_id(&mut client, &args.scheme).await?;
        client.check_eligibility(request).await.map(|r| r.into_inner()).map_err(status_failure)
    })?;
    if args.client.json {
        print_json(&eligibility_json(&response));
    } else {
        print!("{}", eligibility_text(&response, args.client.lang));
    }
    Ok(())
}

/// Every funding scheme (valid on `date`; empty = all) in one answer, following the pages of
/// ListFundingSchemes with `page` (a server's or the local service's), so a long list is never cut.
pub(super) async fn all_schemes<F, Fut>(
    mut page: F,
    date: &str,
    lang: Lang,
) -> Result<pb::ListFundingSchemesResponse, tonic::Status>
where
    F: FnMut(pb::ListFundingSchemesRequest) -> Fut,
    Fut: std::future::Future<Output = Result<pb::ListFundingSchemesResponse, tonic::Status>>,
{
    let mut request = pb::ListFundingSchemesRequest {
        date: date.to_string(),
        lang: lang.to_string(),
        page_size: crate::server::request::MAX_PAGE_SIZE as i32,
        ..Default::default()
    };
    let mut all = page(request.clone()).await?;
    while !all.next_page_token.is_empty() {
        request.page_token = std::mem::take(&mut all.next_page_token);
        let next = page(request.clone()).await?;
        all.schemes.extend(next.schemes);
        all.next_page_token = next.next_page_token;
    }
    Ok(all)
}

/// A FundingService client's ListFundingSchemes as a page function for [`all_schemes`].
fn pages(
    client: &FundingServiceClient<ClientChannel>,
) -> impl FnMut(
    pb::ListFundingSchemesRequest,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<pb::ListFundingSchemesResponse, tonic::Status>> + Send>,
> {
    let client = client.clone();
    move |request| {
        let mut client = client.clone();
        Box::pin(async move { client.list_funding_schemes(request).await.map(tonic::Response::into_inner) })
    }
}

/// The scheme id for the wire. An id with a namespace (`vaardig:scheme/stap-budget`, a full URI)
/// goes as given; a bare name (`stap-budget`, as people say it) is looked up among the server's
/// schemes by the last part of their ids, and must name exactly one.
async fn scheme_id(client: &mut FundingServiceClient<ClientChannel>, given: &str) -> Result<String, Failure> {
    if !is_short_scheme_id(given) {
        return Ok(given.trim().to_string());
    }
    let schemes = all_schemes(pages(client), "", Lang::DUTCH).await.map_err(status_failure)?.schemes;
    resolve_scheme_id(given, &schemes, "--scheme")
}

/// Whether `given` is a bare scheme name, to be looked up with [`resolve_scheme_id`].
pub(super) fn is_short_scheme_id(given: &str) -> bool {
    !given.trim().contains([':', '/'])
}

/// The one scheme among `schemes` whose id ends in `/given`; an error naming `flag` otherwise.
pub(super) fn resolve_scheme_id(
    given: &str,
    schemes: &[pb::FundingSchemeSummary],
    flag: &str,
) -> Result<String, Failure> {
    let given = given.trim();
    let ids: Vec<&str> = schemes.iter().filter_map(|s| s.scheme.as_ref().map(|c| c.id.as_str())).collect();
    let short = |id: &str| id.rsplit('/').next().unwrap_or(id).to_string();
    let matching: Vec<&str> = ids.iter().copied().filter(|id| short(id).eq_ignore_ascii_case(given)).collect();
    match matching.as_slice() {
        [one] => Ok(one.to_string()),
        [] => {
            let known: Vec<String> = ids.iter().map(|id| short(id)).collect();
            Err(Failure::new(
                EXIT_NOT_FOUND,
                format!("{flag} `{given}`: no funding scheme has that name; known: {}", known.join(", ")),
            ))
        }
        several => {
            let ids: Vec<String> = several.iter().map(|id| compact_id(id)).collect();
            Err(Failure::new(
                EXIT_USAGE,
                format!("{flag} `{given}` names several schemes ({}); give the full id", ids.join(", ")),
            ))
        }
    }
}

pub(super) fn decision_name(raw: i32) -> &'static str {
    match pb::EligibilityDecision::try_from(raw) {
        Ok(pb::EligibilityDecision::Eligible) => "eligible",
        Ok(pb::EligibilityDecision::NotEligible) => "not_eligible",
        Ok(pb::EligibilityDecision::Unknown) => "unknown",
        _ => "unspecified",
    }
}

fn outcome_name(raw: i32) -> &'static str {
    match pb::ConditionOutcome::try_from(raw) {
        Ok(pb::ConditionOutcome::Passed) => "passed",
        Ok(pb::ConditionOutcome::Failed) => "failed",
        Ok(pb::ConditionOutcome::Unknown) => "unknown",
        Ok(pb::ConditionOutcome::NotApplicable) => "not_applicable",
        _ => "unspecified",
    }
}

fn outcome_mark(raw: i32) -> &'static str {
    match pb::ConditionOutcome::try_from(raw) {
        Ok(pb::ConditionOutcome::Passed) => "✓",
        Ok(pb::ConditionOutcome::Failed) => "✗",
        Ok(pb::ConditionOutcome::Unknown) => "?",
        _ => "–",
    }
}

/// "provider" → "de opleider" / "the training provider".
fn paid_to_words(name: &str, text: Lang) -> String {
    match PaidTo::parse(name) {
        Some(paid_to) => {
            let (nl, en) = paid_to_text(paid_to);
            text.pick(nl, en).to_string()
        }
        None => name.to_string(),
    }
}

fn source_json(source: &Option<pb::PolicySource>) -> serde_json::Value {
    match source {
        Some(s) => serde_json::json!({"document": s.document, "date": s.date, "reference": s.reference}),
        None => serde_json::Value::Null,
    }
}

fn source_text(source: &Option<pb::PolicySource>) -> String {
    match source {
        Some(s) => format!("{} ({}), {}", s.document, s.date, s.reference),
        None => String::new(),
    }
}

fn conditions_json(trace: &[pb::ConditionResult]) -> Vec<serde_json::Value> {
    trace
        .iter()
        .map(|t| {
            serde_json::json!({
                "id": t.condition_id, "kind": t.kind, "outcome": outcome_name(t.outcome),
                "explanation": t.explanation, "pending": t.pending, "missing_facts": t.missing_facts,
                "source": source_json(&t.source),
            })
        })
        .collect()
}

/// The answer as JSON, enum values by name.
pub fn eligibility_json(r: &pb::CheckEligibilityResponse) -> serde_json::Value {
    let concept = |c: &Option<pb::ConceptRef>| match c {
        Some(c) => serde_json::json!({"id": c.id, "label": c.label}),
        None => serde_json::Value::Null,
    };
    let amounts = r.amounts.as_ref().map(|a| {
        serde_json::json!({
            "cost_cents": a.cost_cents, "scheme_cents": a.scheme_cents, "remainder_cents": a.remainder_cents,
            "share_percent": a.share_percent, "cap_left_this_year_cents": a.cap_left_this_year_cents,
            "remainder_payers": a.remainder_payers.iter().map(|p| serde_json::json!({"id": p.id, "label": p.label})).collect::<Vec<_>>(),
            "upper_bound": a.upper_bound, "source": source_json(&a.source),
        })
    });
    serde_json::json!({
        "version": r.snapshot_version,
        "scheme": concept(&r.scheme),
        "course": concept(&r.course),
        "decision": decision_name(r.decision),
        "summary": r.summary,
        "date": r.date,
        "course_start_date": r.course_start_date,
        "course_start_origin": r.course_start_origin,
        "amounts": amounts,
        "paid_to": r.paid_to,
        "paid_to_source": source_json(&r.paid_to_source),
        "trace": conditions_json(&r.trace),
        "counterfactuals": r.counterfactuals.iter().map(|c| serde_json::json!({
            "fact": c.fact, "condition_ids": c.condition_ids, "explanation": c.explanation,
        })).collect::<Vec<_>>(),
        "compartments": r.compartments.iter().map(|c| serde_json::json!({
            "id": c.id, "label": c.label, "outcome": outcome_name(c.outcome), "budget_cents": c.budget_cents,
            "source": source_json(&c.source), "trace": conditions_json(&c.trace),
        })).collect::<Vec<_>>(),
        "notices": r.notices.iter().map(|n| serde_json::json!({
            "id": n.id, "text": n.text, "source": source_json(&n.source),
        })).collect::<Vec<_>>(),
        "missing_facts": r.missing_facts,
        "needs_course": r.needs_course,
    })
}

/// The answer as readable text: decision, summary, the trace with sources, and what would change it.
pub fn eligibility_text(r: &pb::CheckEligibilityResponse, text: Lang) -> String {
    let money = |cents: i64| Money::from_cents(cents).format(text);
    let mut out = String::new();
    let scheme = r.scheme.clone().unwrap_or_default();
    match &r.course {
        Some(course) => {
            let _ = writeln!(out, "{} · {}", scheme.label, course.label);
        }
        None => {
            let _ = writeln!(out, "{}", scheme.label);
        }
    }
    let decision = match pb::EligibilityDecision::try_from(r.decision) {
        Ok(pb::EligibilityDecision::Eligible) => text.pick("IN AANMERKING", "ELIGIBLE"),
        Ok(pb::EligibilityDecision::NotEligible) => text.pick("NIET IN AANMERKING", "NOT ELIGIBLE"),
        _ if r.needs_course => text.pick("HEEFT EEN OPLEIDING NODIG", "NEEDS A COURSE"),
        _ => text.pick("ONBEKEND", "UNKNOWN"),
    };
    let _ = writeln!(out, "{} {decision}", text.pick("Beslissing:", "Decision:"));
    let _ = writeln!(out, "{}", r.summary);
    let mut dates = format!("{} {}", text.pick("aanvraag", "application"), r.date);
    if !r.course_start_date.is_empty() {
        let origin = match r.course_start_origin.as_str() {
            "given" => text.pick("opgegeven", "given"),
            "planned" => text.pick("eerste geplande start", "first planned start"),
            _ => "",
        };
        let _ = write!(dates, " · {} {} ({origin})", text.pick("start opleiding", "course start"), r.course_start_date);
    }
    let _ = writeln!(out, "{dates}\n");

    let _ = writeln!(out, "{}", text.pick("Voorwaarden:", "Conditions:"));
    let width = r.trace.iter().map(|t| t.condition_id.chars().count()).max().unwrap_or(0);
    for t in &r.trace {
        let pending = if t.pending { text.pick(" (in afwachting)", " (pending)") } else { "" };
        let explanation = with_flags(&t.explanation);
        let _ = writeln!(out, "  {} {:<width$}  {explanation}{pending}", outcome_mark(t.outcome), t.condition_id);
        let _ = writeln!(out, "    {:<width$}  {} {}", "", text.pick("bron:", "source:"), source_text(&t.source));
    }
    if let Some(a) = &r.amounts {
        let at_most = if a.upper_bound { text.pick("hooguit ", "at most ") } else { "" };
        let _ = writeln!(
            out,
            "\n{} {at_most}{} {} {} ({}%); {} {}",
            text.pick("Bedrag:", "Amount:"),
            money(a.scheme_cents),
            text.pick("van", "of"),
            money(a.cost_cents),
            a.share_percent,
            text.pick("rest", "remainder"),
            money(a.remainder_cents)
        );
        if !a.remainder_payers.is_empty() {
            let payers: Vec<&str> = a.remainder_payers.iter().map(|p| p.label.as_str()).collect();
            let _ = writeln!(
                out,
                "  {} {}",
                text.pick("de rest kan komen van:", "the rest may come from:"),
                payers.join(", ")
            );
        }
        let _ = writeln!(out, "  {} {}", text.pick("bron:", "source:"), source_text(&a.source));
    }
    let _ = writeln!(
        out,
        "{} {}  ({} {})",
        text.pick("Betaald aan:", "Paid to:"),
        paid_to_words(&r.paid_to, text),
        text.pick("bron:", "source:"),
        source_text(&r.paid_to_source)
    );
    if !r.compartments.is_empty() {
        let _ = writeln!(out, "\n{}", text.pick("Compartimenten:", "Compartments:"));
        for c in &r.compartments {
            let budget = c
                .budget_cents
                .map(|b| format!(" ({} {})", text.pick("budget", "budget"), money(b)))
                .unwrap_or_default();
            let _ = writeln!(out, "  {} {}  {}{budget}", outcome_mark(c.outcome), c.id, c.label);
            for t in &c.trace {
                let _ = writeln!(out, "      {} {}", outcome_mark(t.outcome), with_flags(&t.explanation));
            }
        }
    }
    if !r.counterfactuals.is_empty() {
        let _ = writeln!(out, "\n{}", text.pick("Wat het antwoord zou veranderen:", "What would change the answer:"));
        for c in &r.counterfactuals {
            let _ = writeln!(out, "  → {}", with_flags(&c.explanation));
        }
    }
    if !r.notices.is_empty() {
        let _ = writeln!(out, "\n{}", text.pick("Let op:", "Note:"));
        for n in &r.notices {
            let _ = writeln!(out, "  • {}", n.text);
            let _ = writeln!(out, "    {} {}", text.pick("bron:", "source:"), source_text(&n.source));
        }
    }
    if !r.missing_facts.is_empty() {
        // Named by the flag that gives each fact (course facts come from the data, not from a flag).
        let missing: Vec<&str> = r.missing_facts.iter().map(|f| flag_for(f).unwrap_or(f)).collect();
        let _ = writeln!(out, "\n{} {}", text.pick("Ontbrekende gegevens:", "Missing facts:"), missing.join(", "));
    }
    let _ = writeln!(out, "\nsnapshot {}", r.snapshot_version);
    out
}

/// `vaardig schemes [ID] [--date D]`: the list, or one scheme's rules.
pub fn schemes(args: &ClientArgs, id: Option<&str>, date: Option<&str>) -> Result<(), Failure> {
    let text = args.lang;
    match id {
        None => {
            let response = block_on(async {
                let client = FundingServiceClient::new(channel(args).await?);
                all_schemes(pages(&client), date.unwrap_or_default(), args.lang).await.map_err(status_failure)
            })?;
            if args.json {
                print_json(&serde_json::json!({
                    "version": response.snapshot_version,
                    "schemes": response.schemes.iter().map(summary_json).collect::<Vec<_>>(),
                }));
                return Ok(());
            }
            for s in &response.schemes {
                let c = s.scheme.clone().unwrap_or_default();
                let until = if s.valid_to.is_empty() { "…".to_string() } else { s.valid_to.clone() };
                println!(
                    "{}  {}  {}/{}  {} – {until}  {} {}",
                    c.label,
                    compact_id(&c.id),
                    s.scheme_level,
                    s.instrument,
                    s.valid_from,
                    text.pick("betaald aan:", "paid to:"),
                    if s.paid_to.is_empty() { "-" } else { s.paid_to.as_str() }
                );
            }
            println!(
                "{} {} · snapshot {}",
                response.schemes.len(),
                text.pick("regelingen", "schemes"),
                response.snapshot_version
            );
        }
        Some(id) => {
            let response = block_on(async {
                let mut client = FundingServiceClient::new(channel(args).await?);
                let request =
                    pb::GetFundingSchemeRequest { id: scheme_id(&mut client, id).await?, lang: args.lang.to_string() };
                client.get_funding_scheme(request).await.map(|r| r.into_inner()).map_err(status_failure)
            })?;
            if args.json {
                let rules = response.rules.as_ref().map(|r| serde_json::to_value(r).unwrap_or_default());
                print_json(&serde_json::json!({
                    "version": response.snapshot_version,
                    "scheme": response.scheme.as_ref().map(summary_json),
                    "sources": response.sources.iter().map(|s| source_json(&Some(s.clone()))).collect::<Vec<_>>(),
                    "rules": rules,
                }));
                return Ok(());
            }
            print!("{}", rules_text(&response, text));
        }
    }
    Ok(())
}

fn summary_json(s: &pb::FundingSchemeSummary) -> serde_json::Value {
    let c = s.scheme.clone().unwrap_or_default();
    serde_json::json!({
        "id": c.id, "label": c.label, "scheme_level": s.scheme_level, "instrument": s.instrument,
        "valid_from": s.valid_from, "valid_to": s.valid_to, "has_rules": s.has_rules,
        "paid_to": s.paid_to,
    })
}

fn rules_text(r: &pb::GetFundingSchemeResponse, text: Lang) -> String {
    let money = |cents: i64| Money::from_cents(cents).format(text);
    let mut out = String::new();
    let s = r.scheme.clone().unwrap_or_default();
    let c = s.scheme.clone().unwrap_or_default();
    let until = if s.valid_to.is_empty() { "…".to_string() } else { s.valid_to.clone() };
    let _ = writeln!(out, "{}  [{}]", c.label, compact_id(&c.id));
    let _ = writeln!(
        out,
        "{}/{} · {} {} – {until}",
        s.scheme_level,
        s.instrument,
        text.pick("geldig", "valid"),
        s.valid_from
    );
    let Some(rules) = &r.rules else {
        let _ = writeln!(out, "{}", text.pick("(geen regels in deze ontologie)", "(no rules in this ontology)"));
        return out;
    };
    let condition = |out: &mut String, c: &pb::RuleCondition, indent: &str| {
        let mut parameters: Vec<String> = c.parameters.iter().map(|(k, v)| format!("{k}={v}")).collect();
        parameters.sort();
        let mut when = String::new();
        if !c.valid_from.is_empty() || !c.valid_to.is_empty() {
            when = format!(" [{} – {}]", c.valid_from, c.valid_to);
        }
        let _ = writeln!(out, "{indent}{}  {} {}{when}", c.id, c.kind, parameters.join(" "));
        let _ = writeln!(out, "{indent}  {} {}", text.pick("bron:", "source:"), source_text(&c.source));
    };
    let _ = writeln!(out, "\n{}", text.pick("Voorwaarden:", "Conditions:"));
    for c in &rules.conditions {
        condition(&mut out, c, "  ");
    }
    if !rules.amounts.is_empty() {
        let _ = writeln!(out, "\n{}", text.pick("Bedragen:", "Amounts:"));
        for a in &rules.amounts {
            let caps = [
                a.cap_per_person_per_year_cents.map(|c| {
                    format!("{} {}", text.pick("max. per persoon per jaar", "max per person per year"), money(c))
                }),
                a.cap_per_application_cents
                    .map(|c| format!("{} {}", text.pick("max. per aanvraag", "max per application"), money(c))),
            ];
            let caps: Vec<String> = caps.into_iter().flatten().collect();
            let share = if a.shares_by_nlqf_level.is_empty() {
                format!("{}%", a.share_percent)
            } else {
                a.shares_by_nlqf_level
                    .iter()
                    .map(|s| {
                        let levels: Vec<String> = s.levels.iter().map(|l| l.to_string()).collect();
                        format!("{}% NLQF {}", s.share_percent, levels.join("/"))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(out, "  {share} [{} – {}] {}", a.valid_from, a.valid_to, caps.join(", "));
            let _ = writeln!(out, "    {} {}", text.pick("bron:", "source:"), source_text(&a.source));
        }
    }
    let _ = writeln!(
        out,
        "\n{} {}  ({})",
        text.pick("Betaald aan:", "Paid to:"),
        paid_to_words(&rules.paid_to, text),
        source_text(&rules.paid_to_source)
    );
    if !rules.combines_with.is_empty() {
        let with: Vec<&str> = rules.combines_with.iter().map(|c| c.label.as_str()).collect();
        let _ = writeln!(
            out,
            "{} {}  ({})",
            text.pick("Te combineren met:", "Combines with:"),
            with.join(", "),
            source_text(&rules.combination_source)
        );
    }
    if !rules.tijdvakken.is_empty() {
        let _ = writeln!(out, "\n{}", text.pick("Tijdvakken:", "Application windows:"));
        for t in &rules.tijdvakken {
            let budget = t.budget_cents.map(|b| format!(" budget {}", money(b))).unwrap_or_default();
            let exhausted = if t.exhausted_on.is_empty() {
                String::new()
            } else {
                format!(" {} {}", text.pick("op sinds", "exhausted on"), t.exhausted_on)
            };
            let _ = writeln!(out, "  {}  {} – {}{budget}{exhausted}", t.id, t.from, t.to);
        }
    }
    for c in &rules.compartments {
        let _ = writeln!(
            out,
            "\n{} {}: {} [{} – {}]",
            text.pick("Compartiment", "Compartment"),
            c.id,
            c.label,
            c.valid_from,
            c.valid_to
        );
        for k in &c.conditions {
            condition(&mut out, k, "  ");
        }
    }
    for n in &rules.notices {
        let period = match (n.valid_from.as_str(), n.valid_to.as_str()) {
            ("", "") => String::new(),
            (from, to) => format!(" [{from} – {to}]"),
        };
        let _ = writeln!(out, "\n{} {}{period}: {}", text.pick("Melding", "Notice"), n.id, n.text);
        for k in &n.conditions {
            condition(&mut out, k, "  ");
        }
    }
    let _ = writeln!(out, "\nsnapshot {}", r.snapshot_version);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euro_amounts_parse_to_cents() {
        assert_eq!(euros("1000"), Ok(100_000));
        assert_eq!(euros("999,5"), Ok(99_950));
        assert_eq!(euros("12.34"), Ok(1_234));
        assert_eq!(euros("-5"), Err("must be 0 euros or more, not -5".into()));
        assert!(euros("1.2.3").is_err() && euros("€10").is_err() && euros("").is_err() && euros("1,234").is_err());
    }

    #[test]
    fn yes_and_no_in_both_languages() {
        assert_eq!(yes_no("ja"), Ok(true));
        assert_eq!(yes_no("No"), Ok(false));
        assert_eq!(yes_no("NEE"), Ok(false));
        for typo in ["misschien", "y", "true", "0", ""] {
            assert!(yes_no(typo).is_err(), "{typo}");
        }
    }
}

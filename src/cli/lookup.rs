//! Names to concepts: what an advisor types (`lassen`, `verpleegkundige`, `esco:skill/…`) becomes
//! one concept, or a short list to choose from when the name fits several.
//!
//! An id is taken as it is (and checked to exist with the right kind). A name is searched (Search
//! for the whole name, Suggest for it as the prefix of a label) and taken only when one concept
//! clearly fits: an exact label match, the only hit, or a top hit well ahead of the next. Anything
//! less is a choice for the advisor, never a silent guess.

use super::services::{Services, explain};
use super::{EXIT_INVALID_ARGUMENT, EXIT_NOT_FOUND, Failure};
use crate::model::Lang;
use crate::model::{ConceptKind, compact_id, parse_id};
use crate::proto::v1 as pb;

/// The lowest score at which a top hit that is not an exact label match may be taken.
const CLEAR_MIN_SCORE: f32 = 0.77;
/// How far a top hit must be ahead of the next to be taken without asking.
const CLEAR_MARGIN: f32 = 0.1;
/// Choices shown when a name fits several concepts.
pub const MAX_CHOICES: usize = 8;

/// A concept found for a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub id: String,
    pub label: String,
    /// The label that matched the name, when it is not the preferred one (shown with choices).
    pub matched: Option<String>,
}

/// The outcome of looking a name up.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// One concept clearly fits.
    One(Found),
    /// Several fit; best first.
    Choices(Vec<Found>),
    /// Nothing fits.
    Nothing,
}

/// Whether `text` is written as a concept id rather than a name.
pub fn looks_like_id(text: &str) -> bool {
    let text = text.trim();
    (text.starts_with("esco:") || text.starts_with("vaardig:") || text.contains("://")) && parse_id(text).is_ok()
}

fn pb_kind(kind: ConceptKind) -> i32 {
    crate::server::response::kind_to_pb(kind) as i32
}

/// The name of a concept kind for people.
pub fn kind_words(kind: ConceptKind, text: Lang) -> &'static str {
    match kind {
        ConceptKind::Occupation => text.pick("beroep", "occupation"),
        ConceptKind::Skill => text.pick("vaardigheid", "skill"),
        _ => kind.as_str(),
    }
}

/// Looks `name` up among concepts of `kind`.
pub async fn lookup(services: &Services, name: &str, kind: ConceptKind, lang: Lang) -> Result<Lookup, Failure> {
    let text = lang;
    let name = name.trim();
    if looks_like_id(name) {
        return by_id(services, name, kind, lang).await.map(Lookup::One);
    }
    let doing = format!("{} “{name}”", text.pick("zoeken naar", "searching for"));
    let request = pb::SearchRequest {
        query: name.to_string(),
        kinds: vec![pb_kind(kind)],
        lang: lang.to_string(),
        page_size: MAX_CHOICES as i32,
        skip_facets: true,
        ..Default::default()
    };
    let hits = services.search(request).await.map_err(|s| explain(s, &doing, text))?.hits;
    let exact: Vec<&pb::SearchHit> =
        hits.iter().filter(|h| h.reasons.contains(&(pb::MatchReason::Exact as i32))).collect();
    let found = |c: &Option<pb::ConceptRef>, matched: &str| {
        let c = c.clone().unwrap_or_default();
        let matched = Some(matched.to_string()).filter(|m| !m.is_empty() && *m != c.label);
        Found { id: c.id, label: c.label, matched }
    };
    if let [only] = exact.as_slice() {
        return Ok(Lookup::One(found(&only.concept, &only.matched_label)));
    }
    let runner_up = hits.get(1).map_or(0.0, |h| h.score);
    if let Some(top) = hits.first()
        && exact.is_empty()
        && (hits.len() == 1 || (top.score >= CLEAR_MIN_SCORE && top.score - runner_up >= CLEAR_MARGIN))
    {
        return Ok(Lookup::One(found(&top.concept, &top.matched_label)));
    }
    let mut choices: Vec<Found> = hits.iter().map(|h| found(&h.concept, &h.matched_label)).collect();
    if choices.len() < MAX_CHOICES {
        // Suggest reads the name as the beginning of a label: `verpl` finds `verpleegkundige`.
        let request = pb::SuggestRequest {
            prefix: name.to_string(),
            kinds: vec![pb_kind(kind)],
            lang: lang.to_string(),
            limit: MAX_CHOICES as u32,
            include_deprecated: false,
        };
        let suggestions = services.suggest(request).await.map_err(|s| explain(s, &doing, text))?.suggestions;
        for s in suggestions {
            let candidate = found(&s.concept, &s.label);
            if choices.len() < MAX_CHOICES && !choices.iter().any(|c| c.id == candidate.id) {
                choices.push(candidate);
            }
        }
    }
    Ok(match choices.len() {
        0 => Lookup::Nothing,
        _ => Lookup::Choices(choices),
    })
}

/// An id, checked to exist and to be of `kind`, with its label.
async fn by_id(services: &Services, raw: &str, kind: ConceptKind, lang: Lang) -> Result<Found, Failure> {
    let text = lang;
    let request = pb::BatchGetConceptsRequest {
        ids: vec![raw.to_string()],
        lang: lang.to_string(),
        view: pb::ConceptView::Basic as i32,
    };
    let doing = format!("{} {raw}", text.pick("opzoeken van", "looking up"));
    let concept = services
        .batch_get_concepts(request)
        .await
        .map_err(|s| explain(s, &doing, text))?
        .concepts
        .into_iter()
        .next()
        .ok_or_else(|| Failure::new(EXIT_NOT_FOUND, format!("{doing}: {}", text.pick("niet gevonden", "not found"))))?;
    if concept.kind != pb_kind(kind) {
        return Err(Failure::new(
            EXIT_INVALID_ARGUMENT,
            format!(
                "{} ({}) {} {}",
                concept.preferred_label,
                compact_id(&concept.id),
                text.pick("is geen", "is not a"),
                kind_words(kind, text)
            ),
        ));
    }
    Ok(Found { id: concept.id, label: concept.preferred_label, matched: None })
}

/// The choices as numbered lines (`  1. verpleegkundige  esco:occupation/…`).
pub fn numbered(choices: &[Found]) -> String {
    choices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let matched = c.matched.as_ref().map(|m| format!(" (“{m}”)")).unwrap_or_default();
            format!("  {:>2}. {}{matched}  {}\n", i + 1, c.label, compact_id(&c.id))
        })
        .collect()
}

/// Exactly one concept for `name`, else a failure that lists the choices (exit code 5) or says
/// nothing was found (exit code 4). `what` names the option for the message (`--target`).
pub async fn one(services: &Services, name: &str, kind: ConceptKind, lang: Lang, what: &str) -> Result<Found, Failure> {
    let text = lang;
    match lookup(services, name, kind, lang).await? {
        Lookup::One(found) => Ok(found),
        Lookup::Nothing => Err(Failure::new(
            EXIT_NOT_FOUND,
            format!(
                "{what}: {} {} {} “{name}”",
                text.pick("geen", "no"),
                kind_words(kind, text),
                text.pick("gevonden voor", "found for")
            ),
        )),
        Lookup::Choices(choices) => Err(Failure::new(
            EXIT_INVALID_ARGUMENT,
            format!(
                "{what}: “{name}” {}\n{}{}",
                text.pick(
                    "past bij meerdere concepten; bedoelt u een van deze?",
                    "fits several concepts; did you mean one of these?"
                ),
                numbered(&choices),
                text.pick("Geef de naam preciezer of het id.", "Give a more precise name or the id."),
            ),
        )),
    }
}

//! The server's edge, inbound: wire fields → validated domain inputs.
//!
//! Every request field that more than one service reads is parsed here, once: languages, ids,
//! concept kinds, dates, money, page sizes and tokens, person facts and profiles. Each parser adds
//! a violation naming the field to [`Violations`] (so a client learns about every bad field at
//! once) and hands the handler a value the engines can trust. A handler reads: parse (here), call
//! one engine, convert back ([`super::response`]), with engine errors mapped by the one table in
//! [`super::error`].
//!
//! The parsers take `&mut Violations` rather than being `TryFrom` impls that stop at the first
//! problem: a request with three bad fields is answered with all three.

use super::error::{ApiError, SnapshotMismatch, Violations, invalid};
use super::response::{kind_to_pb, relation_kind_to_pb};
use crate::funding::{PersonFacts, PersonInput};
use crate::matching::EvidenceLevel;
use crate::matching::{ClaimInput, Profile, ProfileInput};
use crate::model::{self, ConceptKind, Date, RelationKind, parse_id};
use crate::ontology::{ConceptIdx, Snapshot};
use crate::proto::v1 as pb;

/// Parses a display language (see [`model::Lang`]: empty means Dutch); a bad tag is a violation
/// naming `field`.
pub fn lang(raw: &str, field: &str, violations: &mut Violations) -> model::Lang {
    model::Lang::parse(raw).unwrap_or_else(|e| {
        violations.add(field, e.to_string());
        model::Lang::DUTCH
    })
}

/// Validates a concept id field (full URI or compact form).
pub fn id(raw: &str, field: &str, violations: &mut Violations) -> Option<String> {
    match parse_id(raw) {
        Ok(id) => Some(id),
        Err(e) => {
            violations.add(field, format!("`{}`: {e}", truncate(raw)));
            None
        }
    }
}

/// Looks up an already validated id, NOT_FOUND naming it otherwise.
pub fn lookup(snapshot: &Snapshot, id: &str) -> Result<ConceptIdx, ApiError> {
    snapshot.lookup(id).ok_or_else(|| ApiError::NotFound(format!("concept `{id}` not found")))
}

/// Shortens user text quoted in an error message.
pub fn truncate(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

/// A concept-kind filter: `None` for unspecified (any kind).
pub fn kind_from_pb(raw: i32, field: &str, violations: &mut Violations) -> Option<ConceptKind> {
    match pb::ConceptKind::try_from(raw) {
        Ok(pb::ConceptKind::Unspecified) => None,
        Ok(kind) => ConceptKind::ALL.iter().copied().find(|k| kind_to_pb(*k) == kind),
        Err(_) => {
            violations.add(field, format!("unknown concept kind {raw}"));
            None
        }
    }
}

/// A relation-kind filter: `None` for unspecified (any kind).
pub fn relation_kind_from_pb(raw: i32, field: &str, violations: &mut Violations) -> Option<RelationKind> {
    match pb::RelationKind::try_from(raw) {
        Ok(pb::RelationKind::Unspecified) => None,
        Ok(kind) => RelationKind::ALL.iter().copied().find(|k| relation_kind_to_pb(*k) == kind),
        Err(_) => {
            violations.add(field, format!("unknown relation kind {raw}"));
            None
        }
    }
}

/// How much of a concept to send (AIP-157): BASIC leaves out the labels and descriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Basic,
    Full,
}

/// The `view` field of a request; unspecified is `default`, an unknown value a violation.
pub fn view(raw: i32, default: View, violations: &mut Violations) -> View {
    match pb::ConceptView::try_from(raw) {
        Ok(pb::ConceptView::Unspecified) => default,
        Ok(pb::ConceptView::Basic) => View::Basic,
        Ok(pb::ConceptView::Full) => View::Full,
        Err(_) => {
            violations.add("view", format!("unknown view {raw}: CONCEPT_VIEW_BASIC or CONCEPT_VIEW_FULL"));
            default
        }
    }
}

/// Default and maximum page size of ListRelations.
pub const DEFAULT_PAGE_SIZE: usize = 100;

pub const MAX_PAGE_SIZE: usize = 1000;

/// A page token is `<snapshot version>:<offset>`: opaque to clients, and a token from another
/// snapshot (issued before a reload, or by a replica of a fleet serving another version) is refused
/// with FAILED_PRECONDITION naming both versions, rather than silently mixing the pages of two
/// versions: the client starts paging again from the first page.
pub fn stale_page_token(token_version: &str, version: &str) -> ApiError {
    ApiError::SnapshotMismatch(SnapshotMismatch {
        subject: "page_token".into(),
        requested: token_version.into(),
        served: version.into(),
        advice: "start paging again from the first page (empty page_token)".into(),
    })
}

pub fn parse_page_token(token: &str, version: &str) -> Result<usize, ApiError> {
    if token.is_empty() {
        return Ok(0);
    }
    let (token_version, offset) =
        token.rsplit_once(':').ok_or_else(|| invalid("page_token", "malformed page token"))?;
    let offset = offset.parse().map_err(|_| invalid("page_token", "malformed page token"))?;
    if token_version != version {
        return Err(stale_page_token(token_version, version));
    }
    Ok(offset)
}

/// A page token bound to a snapshot version *and* to the filters of the request (AIP-158): the
/// hex form of `<version>:<filter digest>:<offset>`, opaque to clients. A token of another
/// snapshot is a [`SnapshotMismatch`] like [`parse_page_token`]'s; one used with other filters than
/// it was issued for, or malformed, is INVALID_ARGUMENT on `page_token` (the offset would point
/// into another list).
pub fn bound_page_token(version: &str, filters: &str, offset: usize) -> String {
    let digest = blake3::hash(filters.as_bytes()).to_hex();
    format!("{version}:{}:{offset}", &digest[..16]).bytes().map(|b| format!("{b:02x}")).collect()
}

/// Reads a [`bound_page_token`]: the offset, 0 for an empty token.
pub fn parse_bound_page_token(token: &str, version: &str, filters: &str) -> Result<usize, ApiError> {
    if token.is_empty() {
        return Ok(0);
    }
    let malformed = || invalid("page_token", "malformed page token (pass the next_page_token of the previous page)");
    let bytes: Option<Vec<u8>> = (token.len() % 2 == 0)
        .then(|| (0..token.len()).step_by(2).map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok()).collect())
        .flatten();
    let text = bytes.and_then(|b| String::from_utf8(b).ok()).ok_or_else(malformed)?;
    let mut parts = text.rsplitn(3, ':');
    let (Some(offset), Some(digest), Some(token_version)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(malformed());
    };
    let offset: usize = offset.parse().map_err(|_| malformed())?;
    if token_version != version {
        return Err(stale_page_token(token_version, version));
    }
    if digest != &blake3::hash(filters.as_bytes()).to_hex()[..16] {
        return Err(invalid("page_token", "the token was issued for other filters; keep the filters while paging"));
    }
    Ok(offset)
}

/// The page of `items` at `offset` and the token of the next page (empty on the last page).
pub fn bound_page<'a, T>(
    items: &'a [T],
    offset: usize,
    size: usize,
    version: &str,
    filters: &str,
) -> (&'a [T], String) {
    let start = offset.min(items.len());
    let end = (start + size).min(items.len());
    let next = if end < items.len() { bound_page_token(version, filters, end) } else { String::new() };
    (&items[start..end], next)
}

pub fn page_size(raw: i32, default: usize, max: usize, violations: &mut Violations) -> usize {
    match raw {
        0 => default,
        n if n < 0 || n as usize > max => {
            violations.add("page_size", format!("must be between 1 and {max}, not {n}"));
            default
        }
        n => n as usize,
    }
}

/// Parses a date field; empty is `None` (and a violation when `required`).
pub fn date(raw: &str, field: &str, required: bool, violations: &mut Violations) -> Option<Date> {
    if raw.is_empty() {
        if required {
            violations.add(field, "required (YYYY-MM-DD)");
        }
        return None;
    }
    match raw.parse::<Date>() {
        Ok(date) => Some(date),
        Err(_) => {
            violations.add(field, format!("`{}` is not a valid date (YYYY-MM-DD)", truncate(raw)));
            None
        }
    }
}

/// Validates the wire person facts for a date; every bad field is added to `violations`. Shared by
/// every service that takes a person (funding checks, training paths).
pub fn person_facts(person: pb::PersonFacts, on: Option<Date>, violations: &mut Violations) -> Option<PersonFacts> {
    let input = PersonInput {
        age: person.age.map(i64::from),
        birth_date: person.birth_date,
        labour_market_tie: person.labour_market_tie,
        belastingplichtig: person.belastingplichtig,
        volksverzekerd: person.volksverzekerd,
        labour_status: person.labour_status,
        highest_education: person.highest_education,
        studiefinanciering_for_course: person.studiefinanciering_for_course,
        lerarenbeurs_for_course: person.lerarenbeurs_for_course,
        tegemoetkoming_for_course: person.tegemoetkoming_for_course,
        already_granted_this_year_cents: person.already_granted_this_year_cents,
    };
    match PersonFacts::parse(&input, on, "person") {
        Ok(person) => Some(person),
        Err(problems) => {
            for (field, reason) in problems {
                violations.add(field, reason);
            }
            None
        }
    }
}

/// The wire profile as domain input; enum values are checked here, ids when resolving.
pub fn profile_input(profile: pb::Profile, field: &str, violations: &mut Violations) -> ProfileInput {
    let skills = profile
        .skills
        .into_iter()
        .enumerate()
        .map(|(i, claim)| ClaimInput {
            evidence: evidence_from_pb(claim.evidence, || format!("{field}.skills[{i}].evidence"), violations),
            skill_id: claim.skill_id,
            proficiency: claim.proficiency,
        })
        .collect();
    ProfileInput {
        skills,
        credentials: profile.credential_ids,
        region: Some(profile.region).filter(|r| !r.is_empty()),
        hours_per_week: profile.hours_per_week,
    }
}

/// Resolves a profile against the snapshot; every problem becomes a violation under `field`.
pub fn resolve(snapshot: &Snapshot, input: ProfileInput, field: &str) -> Result<Profile, ApiError> {
    Profile::resolve(snapshot, input).map_err(|problems| {
        ApiError::InvalidArgument(problems.into_iter().map(|p| (format!("{field}.{}", p.field), p.message)).collect())
    })
}

/// `field` names the field only when it is wrong: formatting it for every skill of every profile
/// was a `format!` per skill and request.
pub fn evidence_from_pb(raw: i32, field: impl FnOnce() -> String, violations: &mut Violations) -> EvidenceLevel {
    match pb::EvidenceLevel::try_from(raw) {
        Ok(level) => evidence_level(level),
        Err(_) => {
            violations.add(field(), format!("unknown evidence level {raw}"));
            EvidenceLevel::Ungraded
        }
    }
}

pub fn evidence_level(level: pb::EvidenceLevel) -> EvidenceLevel {
    match level {
        pb::EvidenceLevel::Unspecified => EvidenceLevel::Ungraded,
        pb::EvidenceLevel::SelfDeclared => EvidenceLevel::SelfDeclared,
        pb::EvidenceLevel::Experience => EvidenceLevel::Experience,
        pb::EvidenceLevel::Assessed => EvidenceLevel::Assessed,
        pb::EvidenceLevel::Evc => EvidenceLevel::Evc,
        pb::EvidenceLevel::Credential => EvidenceLevel::Credential,
        pb::EvidenceLevel::Diploma => EvidenceLevel::Diploma,
    }
}

pub fn money(raw: i64, field: &str, violations: &mut Violations) -> u64 {
    if raw < 0 {
        violations.add(field, format!("must be ≥ 0 cents, not {raw}"));
        0
    } else {
        raw as u64
    }
}

//! A person's profile as the matching engine sees it: validated, resolved to concepts, with the
//! basis of every held skill (a graded claim, a credential's certification, or — for career
//! transitions — a requirement of the origin occupation).
//!
//! Profiles arrive in requests and are never stored or logged: nothing here keeps a profile beyond
//! the call, and the problems reported name fields and ontology ids only.

use crate::model::{ARBEIDSMARKTREGIOS, ConceptKind, CredentialKind, Details, Importance, RelationKind, parse_id};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

use super::scoring::{EvidenceLevel, origin_held_weight};

/// Most skills one profile may list (a generous CV holds a few hundred).
pub const MAX_PROFILE_SKILLS: usize = 2000;
/// Most credentials and qualifications one profile may list.
pub const MAX_PROFILE_CREDENTIALS: usize = 200;
/// Proficiency levels run from 1 (basis) to 4 (expert), as `teaches` levels do.
pub const MAX_PROFICIENCY: u32 = 4;
/// A working week cannot have more hours than a week.
pub const MAX_HOURS_PER_WEEK: u32 = 168;

/// One skill claim as a request states it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimInput {
    /// A concept id, full or compact (`esco:skill/…`).
    pub skill_id: String,
    pub evidence: EvidenceLevel,
    /// 1 (basis) … 4 (expert), when the caller knows it.
    pub proficiency: Option<u32>,
}

/// A profile as a request states it, before validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileInput {
    pub skills: Vec<ClaimInput>,
    /// Credentials or qualifications held (full or compact ids).
    pub credentials: Vec<String>,
    /// Arbeidsmarktregio.
    pub region: Option<String>,
    pub hours_per_week: Option<u32>,
}

/// Why a skill counts as held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The person claims it, with this evidence.
    Claim(EvidenceLevel),
    /// A credential or qualification the person holds certifies it.
    Certified { credential: ConceptIdx, level: EvidenceLevel },
    /// Career transitions: the origin occupation requires it with this importance.
    Requirement(Importance),
}

impl Basis {
    /// The held weight: the most credit a requirement can earn from this skill.
    pub fn weight(self) -> f64 {
        match self {
            Basis::Claim(level) | Basis::Certified { level, .. } => level.weight(),
            Basis::Requirement(importance) => origin_held_weight(importance),
        }
    }

    /// A total order among bases of equal credit, so that explanations never depend on the order in
    /// which a profile lists its skills: stronger weight first, then claims before certifications,
    /// then the lowest credential.
    pub fn order_key(self) -> (std::cmp::Reverse<u64>, u8, u32) {
        let weight = std::cmp::Reverse(self.weight().to_bits());
        match self {
            Basis::Claim(level) => (weight, 0, level as u32),
            Basis::Certified { credential, .. } => (weight, 1, credential.0),
            Basis::Requirement(importance) => (weight, 2, importance as u32),
        }
    }
}

/// One skill a person holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub skill: ConceptIdx,
    pub basis: Basis,
}

/// A validated profile. Region and hours are validated and kept for the engines that use them
/// (training paths); occupation scores do not use them, since the ontology holds no regional
/// labour-market data or working hours per occupation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub held: Vec<Held>,
    pub region: Option<String>,
    pub hours_per_week: Option<u32>,
}

/// One problem with a profile: the field (relative to the profile) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileProblem {
    pub field: String,
    pub message: String,
}

impl ProfileProblem {
    fn new(field: impl Into<String>, message: impl Into<String>) -> ProfileProblem {
        ProfileProblem { field: field.into(), message: message.into() }
    }
}

impl Profile {
    /// A profile of held skills (career transitions, tests).
    pub fn of(held: Vec<Held>) -> Profile {
        Profile { held, region: None, hours_per_week: None }
    }

    /// Validates `input` against `snapshot`: every skill id must name a skill, every credential id
    /// a credential or qualification; the certified skills of each credential are added with the
    /// credential's evidence level. Reports every problem at once.
    pub fn resolve(snapshot: &Snapshot, input: ProfileInput) -> Result<Profile, Vec<ProfileProblem>> {
        let mut problems = Vec::new();
        if input.skills.len() > MAX_PROFILE_SKILLS {
            problems.push(ProfileProblem::new(
                "skills",
                format!("at most {MAX_PROFILE_SKILLS} skills per profile, not {}", input.skills.len()),
            ));
        }
        if input.credentials.len() > MAX_PROFILE_CREDENTIALS {
            problems.push(ProfileProblem::new(
                "credential_ids",
                format!("at most {MAX_PROFILE_CREDENTIALS} credentials per profile, not {}", input.credentials.len()),
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        let mut held = Vec::with_capacity(input.skills.len());
        for (i, claim) in input.skills.into_iter().enumerate() {
            if let Some(p) = claim.proficiency
                && !(1..=MAX_PROFICIENCY).contains(&p)
            {
                problems.push(ProfileProblem::new(
                    format!("skills[{i}].proficiency"),
                    format!("must be between 1 and {MAX_PROFICIENCY}, not {p}"),
                ));
            }
            let field = || format!("skills[{i}].skill_id");
            match resolve_id(snapshot, &claim.skill_id) {
                Err(message) => problems.push(ProfileProblem::new(field(), message)),
                Ok(None) => {
                    problems.push(ProfileProblem::new(field(), format!("unknown skill `{}`", short(&claim.skill_id))))
                }
                Ok(Some(idx)) => match snapshot.concept(idx).kind {
                    ConceptKind::Skill => held.push(Held { skill: idx, basis: Basis::Claim(claim.evidence) }),
                    kind => problems.push(ProfileProblem::new(
                        field(),
                        format!("`{}` is a {kind}, not a skill", snapshot.concept(idx).id),
                    )),
                },
            }
        }
        for (i, raw) in input.credentials.iter().enumerate() {
            let field = || format!("credential_ids[{i}]");
            match resolve_id(snapshot, raw) {
                Err(message) => problems.push(ProfileProblem::new(field(), message)),
                Ok(None) => problems.push(ProfileProblem::new(field(), format!("unknown credential `{}`", short(raw)))),
                Ok(Some(idx)) => match credential_level(snapshot, idx) {
                    Some(level) => {
                        for view in snapshot.relations(idx, Dir::Outgoing, Some(RelationKind::Certifies)) {
                            if snapshot.concept(view.other).kind == ConceptKind::Skill {
                                held.push(Held {
                                    skill: view.other,
                                    basis: Basis::Certified { credential: idx, level },
                                });
                            }
                        }
                    }
                    None => problems.push(ProfileProblem::new(
                        field(),
                        format!(
                            "`{}` is a {}, not a credential or qualification",
                            snapshot.concept(idx).id,
                            snapshot.concept(idx).kind
                        ),
                    )),
                },
            }
        }
        let region = input.region.filter(|r| !r.is_empty());
        if let Some(region) = &region
            && !ARBEIDSMARKTREGIOS.contains(&region.as_str())
        {
            problems.push(ProfileProblem::new(
                "region",
                format!("`{}` is not one of the 35 arbeidsmarktregio's (e.g. `Rijnmond`)", short(region)),
            ));
        }
        if let Some(hours) = input.hours_per_week
            && !(1..=MAX_HOURS_PER_WEEK).contains(&hours)
        {
            problems.push(ProfileProblem::new(
                "hours_per_week",
                format!("must be between 1 and {MAX_HOURS_PER_WEEK}, not {hours}"),
            ));
        }
        if problems.is_empty() {
            Ok(Profile { held, region, hours_per_week: input.hours_per_week })
        } else {
            Err(problems)
        }
    }
}

/// `Ok(None)` for a well-formed id that names nothing; `Err` for a malformed one.
fn resolve_id(snapshot: &Snapshot, raw: &str) -> Result<Option<ConceptIdx>, String> {
    let id = parse_id(raw).map_err(|e| format!("`{}`: {e}", short(raw)))?;
    Ok(snapshot.lookup(&id))
}

/// The evidence level a held credential or qualification gives its certified skills; `None` when
/// the concept is neither.
fn credential_level(snapshot: &Snapshot, idx: ConceptIdx) -> Option<EvidenceLevel> {
    match &snapshot.concept(idx).details {
        Details::Qualification(_) => Some(EvidenceLevel::Diploma),
        Details::Credential(c) => Some(match c.credential_kind {
            CredentialKind::Diploma => EvidenceLevel::Diploma,
            CredentialKind::EvcErvaringscertificaat => EvidenceLevel::Evc,
            _ => EvidenceLevel::Credential,
        }),
        _ => None,
    }
}

/// Shortens request text quoted in a problem (ids are at most 512 characters, but a hostile
/// request may send anything).
fn short(text: &str) -> String {
    const MAX: usize = 120;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

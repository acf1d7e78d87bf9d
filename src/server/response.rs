//! The server's edge, outbound: domain values → wire types shared by several services.
//!
//! Concepts and concept references in a language, kinds, money, eligibility decisions and
//! condition results; what only one service answers stays beside its handler.

use super::request::View;
use crate::funding::{Decision, Outcome, TraceEntry};
use crate::matching::EvidenceLevel;
use crate::model::{self, ConceptKind, Details, LabelForm, Lang, Money, PolicySource, RelationKind, Status};
use crate::ontology::{ConceptIdx, Snapshot};
use crate::proto::v1 as pb;

pub fn kind_to_pb(kind: ConceptKind) -> pb::ConceptKind {
    match kind {
        ConceptKind::Occupation => pb::ConceptKind::Occupation,
        ConceptKind::Skill => pb::ConceptKind::Skill,
        ConceptKind::SkillGroup => pb::ConceptKind::SkillGroup,
        ConceptKind::IscoGroup => pb::ConceptKind::IscoGroup,
        ConceptKind::Qualification => pb::ConceptKind::Qualification,
        ConceptKind::Credential => pb::ConceptKind::Credential,
        ConceptKind::Course => pb::ConceptKind::Course,
        ConceptKind::Provider => pb::ConceptKind::Provider,
        ConceptKind::FundingScheme => pb::ConceptKind::FundingScheme,
    }
}

pub fn relation_kind_to_pb(kind: RelationKind) -> pb::RelationKind {
    match kind {
        RelationKind::Requires => pb::RelationKind::Requires,
        RelationKind::Broader => pb::RelationKind::Broader,
        RelationKind::Related => pb::RelationKind::Related,
        RelationKind::Teaches => pb::RelationKind::Teaches,
        RelationKind::Certifies => pb::RelationKind::Certifies,
        RelationKind::PartOf => pb::RelationKind::PartOf,
        RelationKind::LeadsTo => pb::RelationKind::LeadsTo,
        RelationKind::Prerequisite => pb::RelationKind::Prerequisite,
        RelationKind::ExactMatch => pb::RelationKind::ExactMatch,
        RelationKind::CloseMatch => pb::RelationKind::CloseMatch,
        RelationKind::BroadMatch => pb::RelationKind::BroadMatch,
        RelationKind::NarrowMatch => pb::RelationKind::NarrowMatch,
    }
}

pub fn label_form_to_pb(form: LabelForm) -> pb::LabelForm {
    match form {
        LabelForm::Preferred => pb::LabelForm::Preferred,
        LabelForm::Alternative => pb::LabelForm::Alternative,
        LabelForm::Hidden => pb::LabelForm::Hidden,
    }
}

/// A reference to a concept with its display label.
pub fn concept_ref(snapshot: &Snapshot, idx: ConceptIdx, lang: &str) -> pb::ConceptRef {
    let concept = snapshot.concept(idx);
    // Field by field: the hand-written type (src/proto/concept_ref.rs) keeps its cache private.
    let mut reference = pb::ConceptRef::default();
    reference.id = concept.id.to_string();
    reference.kind = kind_to_pb(concept.kind) as i32;
    reference.label = snapshot.pref_label(idx, lang).to_string();
    reference.deprecated = concept.status != Status::Released;
    if let Status::Deprecated { replaced_by: Some(next) } = &concept.status {
        reference.replaced_by = next.to_string();
    }
    reference
}

pub fn date_text(date: Option<model::Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// A concept with kind-specific details and, in the FULL view, its labels (preferred first) and
/// descriptions.
pub fn concept(snapshot: &Snapshot, idx: ConceptIdx, lang: &str, view: View) -> pb::Concept {
    use pb::concept::Details as D;
    let concept = snapshot.concept(idx);
    let mut labels: Vec<&model::Label> = match view {
        View::Full => concept.labels.iter().collect(),
        View::Basic => Vec::new(),
    };
    labels.sort_by_key(|l| (l.form, &*l.lang != lang));
    let (deprecated, replaced_by) = match &concept.status {
        Status::Released => (false, String::new()),
        Status::Deprecated { replaced_by } => (true, replaced_by.as_deref().unwrap_or_default().to_string()),
    };
    let names = |values: &[&'static str]| values.iter().map(|v| v.to_string()).collect::<Vec<_>>();
    let details = match &concept.details {
        Details::Occupation(o) => D::Occupation(pb::OccupationDetails {
            isco_code: o.isco_code.as_deref().unwrap_or_default().to_string(),
            esco_code: o.esco_code.as_deref().unwrap_or_default().to_string(),
            kansberoep: o.kansberoep,
            sectors: names(&o.sectors.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            regulated: o.regulated,
        }),
        Details::Skill(s) => D::Skill(pb::SkillDetails {
            skill_type: s.skill_type.to_string(),
            reuse_level: s.reuse_level.map(|r| r.to_string()).unwrap_or_default(),
        }),
        Details::SkillGroup { code } => {
            D::Group(pb::GroupDetails { code: code.as_deref().unwrap_or_default().to_string() })
        }
        Details::IscoGroup { code } => D::Group(pb::GroupDetails { code: code.to_string() }),
        Details::Qualification(q) => D::Qualification(pb::QualificationDetails {
            crebo: q.crebo.to_string(),
            mbo_level: q.mbo_level.into(),
            nlqf_level: q.nlqf_level.into(),
            eqf_level: q.eqf_level.into(),
            leerwegen: names(&q.leerwegen.iter().map(|l| l.as_str()).collect::<Vec<_>>()),
        }),
        Details::Credential(c) => D::Credential(pb::CredentialDetails {
            credential_kind: c.credential_kind.to_string(),
            issuer: c.issuer.to_string(),
            ec: c.ec,
            nlqf_level: c.nlqf_level.map(Into::into),
        }),
        Details::Course(c) => D::Course(pb::CourseDetails {
            provider_id: c.provider.to_string(),
            provider_label: snapshot.get(&c.provider).map(|p| p.pref_label(lang).to_string()).unwrap_or_default(),
            price_cents: i64::try_from(c.price_cents).unwrap_or(i64::MAX),
            hours: c.hours,
            weeks: c.weeks,
            delivery: c.delivery.to_string(),
            schedule: c.schedule.to_string(),
            region: c.region.as_deref().unwrap_or_default().to_string(),
            start_dates: c.start_dates.iter().map(|d| d.to_string()).collect(),
            start_patterns: c.start_patterns.iter().map(start_pattern).collect(),
            ontwikkelpaden: c.ontwikkelpaden.iter().map(|s| s.to_string()).collect(),
            registers: c
                .registers
                .iter()
                .map(|r| pb::RegisterMembership {
                    register: r.register.to_string(),
                    valid_from: r.validity.from.to_string(),
                    valid_to: date_text(r.validity.to),
                })
                .collect(),
            education_type: c.education_type.map(|t| t.to_string()).unwrap_or_default(),
        }),
        Details::Provider(p) => D::Provider(pb::ProviderDetails {
            quality_marks: p
                .quality_marks
                .iter()
                .map(|m| pb::QualityMarkGrant {
                    mark: m.mark.to_string(),
                    valid_from: m.validity.from.to_string(),
                    valid_to: date_text(m.validity.to),
                })
                .collect(),
            kvk: p.kvk.as_deref().unwrap_or_default().to_string(),
        }),
        Details::FundingScheme(f) => D::FundingScheme(pb::FundingSchemeDetails {
            scheme_level: f.scheme_level.to_string(),
            instrument: f.instrument.to_string(),
            valid_from: f.validity.from.to_string(),
            valid_to: date_text(f.validity.to),
            sources: f
                .sources
                .iter()
                .map(|s| pb::PolicySource {
                    document: s.document.clone(),
                    date: s.date.to_string(),
                    reference: s.reference.clone(),
                })
                .collect(),
        }),
    };
    pb::Concept {
        id: concept.id.to_string(),
        kind: kind_to_pb(concept.kind) as i32,
        preferred_label: concept.pref_label(lang).to_string(),
        labels: labels
            .into_iter()
            .map(|l| pb::Label {
                lang: l.lang.to_string(),
                form: label_form_to_pb(l.form) as i32,
                text: l.text.to_string(),
            })
            .collect(),
        descriptions: match view {
            View::Full => concept
                .descriptions
                .iter()
                .map(|d| pb::LocalizedText { lang: d.lang.to_string(), text: d.text.to_string() })
                .collect(),
            View::Basic => Vec::new(),
        },
        deprecated,
        replaced_by,
        source: snapshot.sources().get(concept.source as usize).map(|s| s.name.clone()).unwrap_or_default(),
        details: Some(details),
    }
}

/// A start pattern on the wire.
pub fn start_pattern(p: &crate::model::StartPattern) -> pb::StartPattern {
    use crate::model::Recurrence;
    let (months, day, lead_days) = match &p.rule {
        Recurrence::Yearly { months, day } => (months.iter().map(|m| u32::from(*m)).collect(), u32::from(*day), 0),
        Recurrence::Monthly { day } => (Vec::new(), u32::from(*day), 0),
        Recurrence::OnRequest { lead_days } => (Vec::new(), 0, u32::from(*lead_days)),
        Recurrence::AnyTime => (Vec::new(), 0, 0),
    };
    pb::StartPattern {
        pattern: p.rule.name().to_string(),
        months,
        day,
        lead_days,
        valid_from: date_text(p.from),
        valid_to: date_text(p.to),
    }
}

/// Engine cents (unsigned) as the wire's signed cents.
pub fn cents(value: u64) -> i64 {
    Money::from(value).cents()
}

pub fn outcome(outcome: Outcome) -> pb::ConditionOutcome {
    match outcome {
        Outcome::Passed => pb::ConditionOutcome::Passed,
        Outcome::Failed => pb::ConditionOutcome::Failed,
        Outcome::Unknown => pb::ConditionOutcome::Unknown,
        Outcome::NotApplicable => pb::ConditionOutcome::NotApplicable,
    }
}

pub fn decision(decision: Decision) -> pb::EligibilityDecision {
    match decision {
        Decision::Eligible => pb::EligibilityDecision::Eligible,
        Decision::NotEligible => pb::EligibilityDecision::NotEligible,
        Decision::Unknown => pb::EligibilityDecision::Unknown,
    }
}

pub fn condition_result(entry: &TraceEntry, lang: Lang) -> pb::ConditionResult {
    pb::ConditionResult {
        condition_id: entry.condition_id.clone(),
        kind: entry.kind.to_string(),
        outcome: outcome(entry.outcome) as i32,
        explanation: entry.explanation.get(lang).to_string(),
        source: Some(source(&entry.source)),
        pending: entry.pending,
        missing_facts: entry.missing.iter().map(|f| f.to_string()).collect(),
    }
}

pub fn source(s: &PolicySource) -> pb::PolicySource {
    pb::PolicySource { document: s.document.clone(), date: s.date.to_string(), reference: s.reference.clone() }
}

/// References to schemes by full id, skipping ids the snapshot lacks (validation prevents that).
pub fn scheme_refs(snapshot: &Snapshot, ids: &[String], lang: &str) -> Vec<pb::ConceptRef> {
    ids.iter().filter_map(|id| snapshot.lookup(id)).map(|idx| concept_ref(snapshot, idx, lang)).collect()
}

pub fn evidence_to_pb(level: EvidenceLevel) -> pb::EvidenceLevel {
    match level {
        EvidenceLevel::Ungraded => pb::EvidenceLevel::Unspecified,
        EvidenceLevel::SelfDeclared => pb::EvidenceLevel::SelfDeclared,
        EvidenceLevel::Experience => pb::EvidenceLevel::Experience,
        EvidenceLevel::Assessed => pb::EvidenceLevel::Assessed,
        EvidenceLevel::Evc => pb::EvidenceLevel::Evc,
        EvidenceLevel::Credential => pb::EvidenceLevel::Credential,
        EvidenceLevel::Diploma => pb::EvidenceLevel::Diploma,
    }
}

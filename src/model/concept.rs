//! Concepts: the nodes of the skills graph, with their labels and kind-specific details.
//!
//! Relations between concepts (requires, broader, teaches, …) are not stored here but as edges of
//! the snapshot's graph, so that every relation is traversable in both directions the same way.

use super::date::{Date, Validity};
use super::lang::Lang;
use super::vocab::{
    ConceptKind, CredentialKind, Delivery, EducationType, Instrument, Leerweg, QualityMark, Register, ReuseLevel,
    Schedule, SchemeLevel, Sector, SkillType,
};

/// Preferred, alternative or hidden (search-only) label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum LabelForm {
    Preferred,
    Alternative,
    Hidden,
}

impl LabelForm {
    pub fn as_str(self) -> &'static str {
        match self {
            LabelForm::Preferred => "preferred",
            LabelForm::Alternative => "alternative",
            LabelForm::Hidden => "hidden",
        }
    }
}

/// One label of a concept in one language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Label {
    /// BCP-47 language code as the source gives it (`nl`, `en`, …).
    pub lang: Box<str>,
    pub form: LabelForm,
    pub text: Box<str>,
}

/// A text in one language (descriptions).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LocalizedText {
    pub lang: Box<str>,
    pub text: Box<str>,
}

/// Whether a concept is current. Concepts are never deleted, only deprecated (JobTech's model), so
/// that ids stored by client systems keep resolving.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Status {
    #[default]
    Released,
    Deprecated {
        replaced_by: Option<Box<str>>,
    },
}

/// A node of the skills graph.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Concept {
    /// Full URI (see [`super::id`]).
    pub id: Box<str>,
    pub kind: ConceptKind,
    pub labels: Vec<Label>,
    pub descriptions: Vec<LocalizedText>,
    pub status: Status,
    /// Index into the snapshot's source list: which source defined this concept.
    pub source: u16,
    pub details: Details,
}

/// Fields that only some kinds of concept have. Large variants are boxed so that the common kinds
/// (skills, occupations) stay small in memory.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Details {
    Occupation(OccupationDetails),
    Skill(SkillDetails),
    SkillGroup { code: Option<Box<str>> },
    IscoGroup { code: Box<str> },
    Qualification(Box<QualificationDetails>),
    Credential(Box<CredentialDetails>),
    Course(Box<CourseDetails>),
    Provider(Box<ProviderDetails>),
    FundingScheme(Box<FundingSchemeDetails>),
}

impl Details {
    /// The concept kind these details belong to.
    pub fn kind(&self) -> ConceptKind {
        match self {
            Details::Occupation(_) => ConceptKind::Occupation,
            Details::Skill(_) => ConceptKind::Skill,
            Details::SkillGroup { .. } => ConceptKind::SkillGroup,
            Details::IscoGroup { .. } => ConceptKind::IscoGroup,
            Details::Qualification(_) => ConceptKind::Qualification,
            Details::Credential(_) => ConceptKind::Credential,
            Details::Course(_) => ConceptKind::Course,
            Details::Provider(_) => ConceptKind::Provider,
            Details::FundingScheme(_) => ConceptKind::FundingScheme,
        }
    }
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct OccupationDetails {
    /// ISCO-08 unit group code (4 digits).
    pub isco_code: Option<Box<str>>,
    /// ESCO's own hierarchical code (e.g. `2654.1.7`).
    pub esco_code: Option<Box<str>>,
    /// Shortage occupation / occupation with good prospects, from a Dutch bundle.
    pub kansberoep: bool,
    pub sectors: Vec<Sector>,
    /// ESCO marks regulated professions; `None` when the source does not say.
    pub regulated: Option<bool>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SkillDetails {
    pub skill_type: SkillType,
    pub reuse_level: Option<ReuseLevel>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct QualificationDetails {
    /// Code in the Centraal register beroepsopleidingen (5 digits).
    pub crebo: Box<str>,
    /// mbo niveau 1–4.
    pub mbo_level: u8,
    pub nlqf_level: u8,
    pub eqf_level: u8,
    pub leerwegen: Vec<Leerweg>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CredentialDetails {
    pub credential_kind: CredentialKind,
    pub issuer: Box<str>,
    /// Study credits; microcredentials are 3–30 EC.
    pub ec: Option<f32>,
    pub nlqf_level: Option<u8>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CourseDetails {
    /// Id of the provider concept.
    pub provider: Box<str>,
    /// Price in euro cents, VAT included.
    pub price_cents: u64,
    pub hours: u32,
    pub weeks: u32,
    pub delivery: Delivery,
    pub schedule: Schedule,
    /// Arbeidsmarktregio; `None` = nationwide / online.
    pub region: Option<Box<str>>,
    /// Dated starts, in order; they expire.
    pub start_dates: Vec<Date>,
    /// Recurring starts ("every September", "on request"); they do not expire. See
    /// [`super::starts`].
    pub start_patterns: Vec<super::StartPattern>,
    /// The sectors whose Ontwikkelpad (a sector's map of functions and the training for them)
    /// lists the course; the SLIM scholingssubsidie pays only for those.
    pub ontwikkelpaden: Vec<Sector>,
    pub registers: Vec<RegisterMembership>,
    /// The kind of formal programme (mbo-bol, mbo-bbl, derde leerweg, hbo, wo); `None` for
    /// non-formal training. Funding rules such as the Levenlanglerenkrediet's test it.
    pub education_type: Option<EducationType>,
}

impl CourseDetails {
    /// The first start (dated or from a pattern) on or after `from` and before `until`.
    pub fn first_start(&self, from: Date, until: Option<Date>) -> Option<Date> {
        super::starts::first_start(&self.start_dates, &self.start_patterns, from, until)
    }

    /// Every start on or after `from` and before `until` (`None`: the next
    /// [`super::starts::OPEN_END_YEARS`] years), in order.
    pub fn starts_between(&self, from: Date, until: Option<Date>) -> Vec<Date> {
        super::starts::starts_between(&self.start_dates, &self.start_patterns, from, until)
    }
}

/// Membership of a course in a register (e.g. the STAP scholingsregister) for a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RegisterMembership {
    pub register: Register,
    pub validity: Validity,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ProviderDetails {
    pub quality_marks: Vec<QualityMarkGrant>,
    pub kvk: Option<Box<str>>,
}

/// A quality mark held by a provider for a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QualityMarkGrant {
    pub mark: QualityMark,
    pub validity: Validity,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FundingSchemeDetails {
    pub scheme_level: SchemeLevel,
    pub instrument: Instrument,
    pub validity: Validity,
    pub sources: Vec<PolicySource>,
    /// Who qualifies, for what, how much and paid to whom, as data (see `crate::funding`). `None`
    /// when a bundle states no rules: such a scheme is listed but cannot be checked.
    pub rules: Option<Box<super::rules::SchemeRules>>,
}

/// Where a rule or figure comes from: the policy letter, its date and the line reference.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySource {
    pub document: String,
    pub date: Date,
    pub reference: String,
}

impl Concept {
    /// The preferred label in `lang` (a tag such as `en-gb`), falling back as [`Lang::label_fallbacks`]
    /// says (its primary language, Dutch, English), then to any language.
    pub fn pref_label(&self, lang: &str) -> &str {
        let find = |l: &str| self.labels.iter().find(|label| label.form == LabelForm::Preferred && &*label.lang == l);
        Lang::label_fallbacks(lang)
            .find_map(find)
            .or_else(|| self.labels.iter().find(|label| label.form == LabelForm::Preferred))
            .map(|label| &*label.text)
            .unwrap_or(&self.id)
    }

    /// The description in `lang`, falling back as [`Lang::label_fallbacks`] says.
    pub fn description(&self, lang: &str) -> Option<&str> {
        let find = |l: &str| self.descriptions.iter().find(|d| &*d.lang == l).map(|d| &*d.text);
        Lang::label_fallbacks(lang).find_map(find)
    }

    /// Adds a label unless the same text in the same language and form is already there.
    pub fn add_label(&mut self, lang: &str, form: LabelForm, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let exists = self.labels.iter().any(|l| l.form == form && &*l.lang == lang && &*l.text == text);
        if !exists {
            self.labels.push(Label { lang: lang.into(), form, text: text.into() });
        }
    }

    /// Sets the description in `lang`, replacing an earlier one in that language.
    pub fn set_description(&mut self, lang: &str, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        match self.descriptions.iter_mut().find(|d| &*d.lang == lang) {
            Some(existing) => existing.text = text.into(),
            None => self.descriptions.push(LocalizedText { lang: lang.into(), text: text.into() }),
        }
    }
}

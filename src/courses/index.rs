//! The per-snapshot course index: every released course as one row of small, precomputed columns,
//! so that filtering and faceting tens of thousands of courses is a scan over plain values.
//!
//! What a request would otherwise chase through the graph is resolved once here: the credential a
//! course leads to and its kind, the mbo/NLQF/EQF level (through the credential's qualification),
//! where it is given (an arbeidsmarktregio, online or nationwide) as a small code, hours per week,
//! the provider as a slot with its quality-mark grants, start dates in order, the skills taught and
//! the inverse (skill → courses that teach it). Categorical values are small integers, so a request
//! turns a filter into a bit set and tests each course with one AND.

use std::collections::HashMap;
use std::sync::Arc;

use crate::csr::Csr;
use crate::model::starts::{self, StartPattern};
use crate::model::{
    ARBEIDSMARKTREGIOS, ConceptKind, CourseDetails, CredentialKind, Date, Delivery, Details, EducationType,
    QualityMarkGrant, RegisterMembership, RelationKind, Schedule, Sector, Status,
};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

/// Where a course is given, as a code: `0..35` an arbeidsmarktregio (index into
/// [`ARBEIDSMARKTREGIOS`]), then online, then nationwide (no region, not online).
pub type PlaceCode = u8;
/// Online courses (no region).
pub const PLACE_ONLINE: PlaceCode = ARBEIDSMARKTREGIOS.len() as PlaceCode;
/// Courses without a region that are not online: given nationwide ("landelijk").
pub const PLACE_NATIONWIDE: PlaceCode = PLACE_ONLINE + 1;
/// How many place codes there are.
pub const PLACES: usize = PLACE_NATIONWIDE as usize + 1;

/// The name of a place code: the region, `online` or `landelijk`.
pub fn place_name(code: PlaceCode) -> &'static str {
    match code {
        PLACE_ONLINE => "online",
        PLACE_NATIONWIDE => "landelijk",
        region => ARBEIDSMARKTREGIOS.get(region as usize).copied().unwrap_or("landelijk"),
    }
}

/// The place code of a name (`online`, `landelijk` or one of the 35 regions), exact match.
pub fn place_code(name: &str) -> Option<PlaceCode> {
    match name {
        "online" => Some(PLACE_ONLINE),
        "landelijk" => Some(PLACE_NATIONWIDE),
        _ => ARBEIDSMARKTREGIOS.iter().position(|r| *r == name).map(|i| i as PlaceCode),
    }
}

/// One course, resolved.
#[derive(Debug, Clone)]
pub struct CourseRow {
    pub concept: ConceptIdx,
    /// Slot in [`CourseIndex::providers`]; `None` when the provider is not in the snapshot.
    pub provider: Option<u32>,
    pub price_cents: u64,
    pub hours: u32,
    pub weeks: u32,
    /// `hours / weeks`, rounded up (what a week of the course asks).
    pub hours_per_week: u32,
    pub delivery: Delivery,
    pub schedule: Schedule,
    pub place: PlaceCode,
    /// The credential the course leads to (the first, when a source gives several).
    pub credential: Option<ConceptIdx>,
    pub credential_kind: Option<CredentialKind>,
    /// Every credential kind the course leads to, as a bit set over [`CredentialKind::ALL`]
    /// (funding rules test "leads to a credential of one of these kinds").
    pub credential_kinds: u8,
    /// mbo niveau 1–4 of the qualification the credential belongs to; 0 = none.
    pub mbo_level: u8,
    /// NLQF level 1–8 of the credential (or its qualification); 0 = none.
    pub nlqf_level: u8,
    /// EQF level 1–8: the qualification's, else the NLQF level (NLQF 1–8 are referenced to EQF
    /// 1–8 [not in letters: NLQF referencing report, nlqf.nl]); 0 = none.
    pub eqf_level: u8,
    pub education_type: Option<EducationType>,
    /// The sectors whose Ontwikkelpad lists the course, as a bit set over [`Sector::ALL`].
    pub ontwikkelpaden: u32,
    /// An EVC procedure (leads to an ervaringscertificaat): it certifies what a person already
    /// shows rather than teaching.
    pub evc: bool,
}

/// A provider and its quality-mark grants.
#[derive(Debug, Clone)]
pub struct ProviderRow {
    pub concept: ConceptIdx,
    pub marks: Vec<QualityMarkGrant>,
}

/// The course index of one snapshot.
#[derive(Debug)]
pub struct CourseIndex {
    snapshot: Arc<Snapshot>,
    rows: Vec<CourseRow>,
    /// Concept index → course slot (`u32::MAX` for other concepts).
    slot_of: Vec<u32>,
    providers: Vec<ProviderRow>,
    /// Dated starts per course slot, in date order, without duplicates.
    starts: Csr<Date>,
    /// Start patterns per course slot (`model::starts`): the starts that do not expire.
    patterns: Csr<StartPattern>,
    /// Register memberships per course slot (funding rules read them for every course, so they
    /// sit here in one flat list rather than behind each concept's details).
    registers: Csr<RegisterMembership>,
    /// Skills taught per course slot, in the order the source gives them.
    taught: Csr<ConceptIdx>,
    /// Course slots per concept index of a skill: the courses that teach it, in slot order.
    taught_by: Csr<u32>,
}

impl CourseIndex {
    /// Indexes every released course of `snapshot`; linear in the number of courses.
    pub fn build(snapshot: Arc<Snapshot>) -> CourseIndex {
        let n = snapshot.len();
        let mut provider_slot: HashMap<ConceptIdx, u32> = HashMap::new();
        let mut providers = Vec::new();
        let mut rows = Vec::new();
        let mut slot_of = vec![u32::MAX; n];
        let mut starts = Vec::new();
        let mut patterns = Vec::new();
        let mut registers = Vec::new();
        let mut taught = Vec::new();
        let mut taught_by: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (idx, concept) in snapshot.concepts_of(ConceptKind::Course) {
            let Details::Course(details) = &concept.details else { continue };
            if concept.status != Status::Released {
                continue;
            }
            let slot = rows.len() as u32;
            let provider = snapshot.lookup(&details.provider).map(|p| {
                *provider_slot.entry(p).or_insert_with(|| {
                    let marks = match &snapshot.concept(p).details {
                        Details::Provider(d) => d.quality_marks.clone(),
                        _ => Vec::new(),
                    };
                    providers.push(ProviderRow { concept: p, marks });
                    providers.len() as u32 - 1
                })
            });
            rows.push(row(&snapshot, idx, details, provider));
            slot_of[idx.0 as usize] = slot;
            let mut dates = details.start_dates.clone();
            dates.sort();
            dates.dedup();
            starts.push(dates);
            patterns.push(details.start_patterns.clone());
            registers.push(details.registers.clone());
            let skills: Vec<ConceptIdx> = snapshot
                .relations(idx, Dir::Outgoing, Some(RelationKind::Teaches))
                .into_iter()
                .map(|v| v.other)
                .filter(|s| snapshot.concept(*s).kind == ConceptKind::Skill)
                .collect();
            for skill in &skills {
                let list = &mut taught_by[skill.0 as usize];
                if list.last() != Some(&slot) {
                    list.push(slot);
                }
            }
            taught.push(skills);
        }
        CourseIndex {
            snapshot,
            rows,
            slot_of,
            providers,
            starts: Csr::from_lists(starts),
            patterns: Csr::from_lists(patterns),
            registers: Csr::from_lists(registers),
            taught: Csr::from_lists(taught),
            taught_by: Csr::from_lists(taught_by),
        }
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Every indexed course, by slot.
    pub fn rows(&self) -> &[CourseRow] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The slot of a course concept.
    pub fn slot(&self, idx: ConceptIdx) -> Option<u32> {
        match self.slot_of.get(idx.0 as usize) {
            Some(&slot) if slot != u32::MAX => Some(slot),
            _ => None,
        }
    }

    pub fn providers(&self) -> &[ProviderRow] {
        &self.providers
    }

    /// The starts of a course (dated and from its patterns) on or after `from` and, when given, on
    /// or before `until` (else the next `model::starts::OPEN_END_YEARS` years), in order.
    pub fn starts_between(&self, slot: u32, from: Date, until: Option<Date>) -> Vec<Date> {
        let until = until.map(|u| Date::from_days(u.to_days() + 1));
        starts::starts_between(self.starts.get(slot as usize), self.patterns.get(slot as usize), from, until)
    }

    /// The first start on or after `from` and, when given, on or before `until`.
    pub fn first_start(&self, slot: u32, from: Date, until: Option<Date>) -> Option<Date> {
        let until = until.map(|u| Date::from_days(u.to_days() + 1));
        starts::first_start(self.starts.get(slot as usize), self.patterns.get(slot as usize), from, until)
    }

    /// The register memberships of a course.
    pub fn registers(&self, slot: u32) -> &[RegisterMembership] {
        self.registers.get(slot as usize)
    }

    /// The skills a course teaches.
    pub fn taught(&self, slot: u32) -> &[ConceptIdx] {
        self.taught.get(slot as usize)
    }

    /// The courses that teach `skill`, by slot.
    pub fn taught_by(&self, skill: ConceptIdx) -> &[u32] {
        self.taught_by.get(skill.0 as usize)
    }
}

/// Resolves one course into its row.
fn row(snapshot: &Snapshot, idx: ConceptIdx, details: &CourseDetails, provider: Option<u32>) -> CourseRow {
    let mut credential = None;
    let mut credential_kind = None;
    let mut credential_kinds = 0u8;
    let (mut mbo_level, mut nlqf_level, mut eqf_level) = (0u8, 0u8, 0u8);
    for view in snapshot.relations(idx, Dir::Outgoing, Some(RelationKind::LeadsTo)) {
        let Details::Credential(c) = &snapshot.concept(view.other).details else { continue };
        credential_kinds |= kind_bit(c.credential_kind);
        if credential.is_some() {
            continue;
        }
        credential = Some(view.other);
        credential_kind = Some(c.credential_kind);
        nlqf_level = c.nlqf_level.unwrap_or(0);
        let qualification = snapshot
            .relations(view.other, Dir::Outgoing, Some(RelationKind::PartOf))
            .into_iter()
            .find_map(|q| match &snapshot.concept(q.other).details {
                Details::Qualification(q) => Some(q.clone()),
                _ => None,
            });
        if let Some(q) = qualification {
            mbo_level = q.mbo_level;
            if nlqf_level == 0 {
                nlqf_level = q.nlqf_level;
            }
            eqf_level = q.eqf_level;
        }
        if eqf_level == 0 {
            eqf_level = nlqf_level;
        }
    }
    let place = match (&details.region, details.delivery) {
        (Some(region), _) => place_code(region).unwrap_or(PLACE_NATIONWIDE),
        (None, Delivery::Online) => PLACE_ONLINE,
        (None, _) => PLACE_NATIONWIDE,
    };
    CourseRow {
        concept: idx,
        provider,
        price_cents: details.price_cents,
        hours: details.hours,
        weeks: details.weeks,
        hours_per_week: if details.weeks == 0 { details.hours } else { details.hours.div_ceil(details.weeks) },
        delivery: details.delivery,
        schedule: details.schedule,
        place,
        credential,
        credential_kind,
        credential_kinds,
        mbo_level,
        nlqf_level,
        eqf_level,
        education_type: details.education_type,
        ontwikkelpaden: details
            .ontwikkelpaden
            .iter()
            .map(|s| 1u32 << Sector::ALL.iter().position(|a| a == s).unwrap_or(0))
            .fold(0, |bits, bit| bits | bit),
        evc: credential_kinds & kind_bit(CredentialKind::EvcErvaringscertificaat) != 0,
    }
}

/// The bit of a credential kind in [`CourseRow::credential_kinds`].
pub fn kind_bit(kind: CredentialKind) -> u8 {
    1 << CredentialKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

//! How the evaluator words things in Dutch and English (money: [`crate::model::Money`]): periods, lists and the labels of
//! the vocabularies (education levels, registers, quality marks, …). Dutch is the first language;
//! the English follows the same sentences.

use super::rules::{Applicant, Party, Period, PublicFinance};
use crate::model::{CredentialKind, EducationLevel, EducationType, LabourStatus, QualityMark, Register, Validity};

pub(super) fn weeks_nl(weeks: u32) -> String {
    if weeks == 1 { "1 week".to_string() } else { format!("{weeks} weken") }
}

pub(super) fn weeks_en(weeks: u32) -> String {
    if weeks == 1 { "1 week".to_string() } else { format!("{weeks} weeks") }
}

pub(super) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) fn join(items: Vec<String>, last: &str) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} {last} {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

pub(super) fn list_nl<'a>(items: impl Iterator<Item = &'a str>) -> String {
    join(items.map(str::to_string).collect(), "en")
}

pub(super) fn list_en<'a>(items: impl Iterator<Item = &'a str>) -> String {
    join(items.map(str::to_string).collect(), "and")
}

pub(super) fn list_or_nl<'a>(items: impl Iterator<Item = &'a str>) -> String {
    join(items.map(str::to_string).collect(), "of")
}

pub(super) fn list_or_en<'a>(items: impl Iterator<Item = &'a str>) -> String {
    join(items.map(str::to_string).collect(), "or")
}

pub(super) fn period_text(period: &Period) -> (String, String) {
    match (period.from, period.to) {
        (Some(from), Some(to)) => (format!("van {from} tot {to}"), format!("from {from} until {to}")),
        (Some(from), None) => (format!("vanaf {from}"), format!("from {from}")),
        (None, Some(to)) => (format!("tot {to}"), format!("until {to}")),
        (None, None) => ("altijd".to_string(), "always".to_string()),
    }
}

pub(super) fn validity_nl(v: Validity) -> String {
    match v.to {
        Some(to) => format!("van {} tot {to}", v.from),
        None => format!("sinds {}", v.from),
    }
}

pub(super) fn validity_en(v: Validity) -> String {
    match v.to {
        Some(to) => format!("from {} until {to}", v.from),
        None => format!("since {}", v.from),
    }
}

pub fn education_nl(level: EducationLevel) -> &'static str {
    match level {
        EducationLevel::Geen => "geen diploma",
        EducationLevel::Basisonderwijs => "basisonderwijs",
        EducationLevel::Vmbo => "vmbo",
        EducationLevel::Mbo1 => "mbo-1",
        EducationLevel::Mbo2 => "mbo-2",
        EducationLevel::Mbo3 => "mbo-3",
        EducationLevel::Mbo4 => "mbo-4",
        EducationLevel::Havo => "havo",
        EducationLevel::Vwo => "vwo",
        EducationLevel::AssociateDegree => "associate degree",
        EducationLevel::Bachelor => "bachelor (hbo/wo)",
        EducationLevel::Master => "master",
        EducationLevel::Doctorate => "doctoraat",
    }
}

pub fn education_en(level: EducationLevel) -> &'static str {
    match level {
        EducationLevel::Geen => "no diploma",
        EducationLevel::Basisonderwijs => "primary school",
        EducationLevel::Vmbo => "vmbo (pre-vocational)",
        EducationLevel::Mbo1 => "mbo level 1",
        EducationLevel::Mbo2 => "mbo level 2",
        EducationLevel::Mbo3 => "mbo level 3",
        EducationLevel::Mbo4 => "mbo level 4",
        EducationLevel::Havo => "havo",
        EducationLevel::Vwo => "vwo",
        EducationLevel::AssociateDegree => "associate degree",
        EducationLevel::Bachelor => "bachelor",
        EducationLevel::Master => "master",
        EducationLevel::Doctorate => "doctorate",
    }
}

pub(super) fn status_nl(status: LabourStatus) -> &'static str {
    match status {
        LabourStatus::Werknemer => "werknemer",
        LabourStatus::Zzp => "zzp'er",
        LabourStatus::WerkzoekendZonderUitkering => "werkzoekend zonder uitkering",
        LabourStatus::Ww => "WW-gerechtigd",
        LabourStatus::Bijstand => "in de bijstand",
        LabourStatus::Wajong => "Wajong-gerechtigd",
        LabourStatus::Wga => "WGA-gerechtigd",
        LabourStatus::Anders => "in een andere situatie",
    }
}

pub(super) fn status_en(status: LabourStatus) -> &'static str {
    match status {
        LabourStatus::Werknemer => "an employee",
        LabourStatus::Zzp => "self-employed",
        LabourStatus::WerkzoekendZonderUitkering => "a jobseeker without benefit",
        LabourStatus::Ww => "on unemployment benefit (WW)",
        LabourStatus::Bijstand => "on social assistance",
        LabourStatus::Wajong => "on Wajong",
        LabourStatus::Wga => "on WGA",
        LabourStatus::Anders => "in another situation",
    }
}

pub(super) fn finance_nl(finance: PublicFinance) -> &'static str {
    match finance {
        PublicFinance::Studiefinanciering => "studiefinanciering",
        PublicFinance::Lerarenbeurs => "een lerarenbeurs",
        PublicFinance::Tegemoetkoming => "een tegemoetkoming onderwijsbijdrage en schoolkosten",
    }
}

pub(super) fn finance_en(finance: PublicFinance) -> &'static str {
    match finance {
        PublicFinance::Studiefinanciering => "student finance (studiefinanciering)",
        PublicFinance::Lerarenbeurs => "a teacher grant (lerarenbeurs)",
        PublicFinance::Tegemoetkoming => "a school-costs allowance (tegemoetkoming onderwijsbijdrage en schoolkosten)",
    }
}

pub(super) fn party_nl(party: Party) -> &'static str {
    match party {
        Party::Werkgever => "de werkgever",
        Party::WerkgeverOfOoFonds => "de werkgever of het O&O-fonds",
        Party::Uwv => "UWV",
    }
}

pub(super) fn party_en(party: Party) -> &'static str {
    match party {
        Party::Werkgever => "the employer",
        Party::WerkgeverOfOoFonds => "the employer or the O&O fund",
        Party::Uwv => "UWV",
    }
}

pub(super) fn applicant_nl(applicant: Applicant) -> &'static str {
    match applicant {
        Applicant::Persoon => "de persoon zelf",
        Applicant::Werkgever => "de werkgever",
        Applicant::Collectief => "een collectief van werkgevers- en werknemersorganisaties of O&O-fondsen",
        Applicant::Gastouderbureau => "een gastouderbureau",
    }
}

pub(super) fn applicant_en(applicant: Applicant) -> &'static str {
    match applicant {
        Applicant::Persoon => "the person",
        Applicant::Werkgever => "the employer",
        Applicant::Collectief => "a collective of employers' and employees' organisations or O&O funds",
        Applicant::Gastouderbureau => "a childminding agency (gastouderbureau)",
    }
}

pub(super) fn register_nl(register: Register) -> &'static str {
    match register {
        Register::StapScholingsregister => "STAP-scholingsregister van DUO",
        Register::Rio => "RIO-register van DUO (erkende opleidingen)",
    }
}

pub(super) fn register_en(register: Register) -> &'static str {
    match register {
        Register::StapScholingsregister => "STAP training register (DUO)",
        Register::Rio => "RIO register of recognised programmes (DUO)",
    }
}

pub fn mark_nl(mark: QualityMark) -> &'static str {
    match mark {
        QualityMark::OcwErkend => "OCW-erkenning",
        QualityMark::NrtoKeurmerk => "NRTO-keurmerk",
        QualityMark::NlqfIngeschaald => "NLQF-inschaling",
        QualityMark::BrancheErkend => "branche-erkenning",
        QualityMark::ErkendeEvcAanbieder => "erkenning als EVC-aanbieder",
    }
}

pub fn mark_en(mark: QualityMark) -> &'static str {
    match mark {
        QualityMark::OcwErkend => "recognition by the education ministry (OCW)",
        QualityMark::NrtoKeurmerk => "the NRTO quality mark",
        QualityMark::NlqfIngeschaald => "an NLQF level",
        QualityMark::BrancheErkend => "sector recognition",
        QualityMark::ErkendeEvcAanbieder => "recognition as an EVC provider",
    }
}

pub fn credential_nl(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::Diploma => "diploma",
        CredentialKind::MboCertificaat => "mbo-certificaat",
        CredentialKind::Praktijkverklaring => "praktijkverklaring",
        CredentialKind::Microcredential => "microcredential",
        CredentialKind::BrancheCertificaat => "branchecertificaat",
        CredentialKind::EvcErvaringscertificaat => "EVC-ervaringscertificaat",
    }
}

pub fn credential_en(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::Diploma => "diploma",
        CredentialKind::MboCertificaat => "mbo certificate",
        CredentialKind::Praktijkverklaring => "praktijkverklaring (statement of practical skills)",
        CredentialKind::Microcredential => "microcredential",
        CredentialKind::BrancheCertificaat => "sector certificate",
        CredentialKind::EvcErvaringscertificaat => "EVC certificate of experience",
    }
}

pub(super) fn education_type_nl(t: EducationType) -> &'static str {
    match t {
        EducationType::MboBol => "mbo-bol",
        EducationType::MboBbl => "mbo-bbl",
        EducationType::MboDerdeLeerweg => "mbo-derde-leerweg",
        EducationType::Hbo => "hbo",
        EducationType::Wo => "wo",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_join_with_the_right_word() {
        assert_eq!(list_nl(["a", "b", "c"].into_iter()), "a, b en c");
        assert_eq!(list_or_en(["x"].into_iter()), "x");
    }
}

//! Closed vocabularies of the domain: concept kinds, relation kinds and the enumerations that data
//! files use (credential kinds, quality marks, registers, sectors, regions, …).
//!
//! Each is an enum with one canonical lowercase name per value. That name is what bundle files,
//! JSON output and the CLI use, so a value has exactly one spelling everywhere.

/// Declares an enum whose values have one canonical name, with parsing, printing and serde.
macro_rules! named_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The canonical name used in data files, JSON and the CLI.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// Parses the canonical name.
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::parse(&text).ok_or_else(|| {
                    let expected: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    serde::de::Error::custom(format!(
                        "unknown value `{}`, expected one of: {}", text, expected.join(", ")
                    ))
                })
            }
        }
    };
}

// Other modules with closed vocabularies of their own (the funding rules) declare them the same way.
pub(crate) use named_enum;

named_enum! {
    /// What a concept is.
    pub enum ConceptKind {
        Occupation = "occupation",
        Skill = "skill",
        SkillGroup = "skill_group",
        IscoGroup = "isco_group",
        Qualification = "qualification",
        Credential = "credential",
        Course = "course",
        Provider = "provider",
        FundingScheme = "funding_scheme",
    }
}

named_enum! {
    /// A typed, directed relation between two concepts. `broader` points from the narrower concept
    /// to the broader one; "narrower" is the same edge read in the other direction.
    pub enum RelationKind {
        /// occupation → skill
        Requires = "requires",
        /// narrower → broader (skills, groups, occupations, ISCO groups)
        Broader = "broader",
        /// skill → skill
        Related = "related",
        /// course → skill
        Teaches = "teaches",
        /// qualification or credential → skill
        Certifies = "certifies",
        /// credential → qualification
        PartOf = "part_of",
        /// course → credential, qualification → occupation
        LeadsTo = "leads_to",
        /// course → course or skill that must come first
        Prerequisite = "prerequisite",
        ExactMatch = "exact_match",
        CloseMatch = "close_match",
        BroadMatch = "broad_match",
        NarrowMatch = "narrow_match",
    }
}

named_enum! {
    /// How strongly an occupation (or skill) needs a skill: ESCO's binary essential/optional.
    pub enum Importance {
        Essential = "essential",
        Optional = "optional",
    }
}

named_enum! {
    /// The type facet of a skill concept: *vaardigheid*, *kennis*, *houding* (domain brief §1.1).
    pub enum SkillType {
        Skill = "skill",
        Knowledge = "knowledge",
        Attitude = "attitude",
    }
}

named_enum! {
    /// ESCO's reuse level of a skill.
    pub enum ReuseLevel {
        Transversal = "transversal",
        CrossSector = "cross_sector",
        SectorSpecific = "sector_specific",
        OccupationSpecific = "occupation_specific",
    }
}

named_enum! {
    /// The kinds of credential of the Dutch lifelong-learning system (domain brief §1.3–1.6).
    pub enum CredentialKind {
        Diploma = "diploma",
        MboCertificaat = "mbo_certificaat",
        Praktijkverklaring = "praktijkverklaring",
        /// 3–30 EC (Kamerbrief LLO 23-09-2022, 001 L1530-1531)
        Microcredential = "microcredential",
        BrancheCertificaat = "branche_certificaat",
        EvcErvaringscertificaat = "evc_ervaringscertificaat",
    }
}

named_enum! {
    /// Quality marks of training providers (domain brief §1.5; STAP spending categories 004 L275-280).
    pub enum QualityMark {
        OcwErkend = "ocw_erkend",
        NrtoKeurmerk = "nrto_keurmerk",
        NlqfIngeschaald = "nlqf_ingeschaald",
        BrancheErkend = "branche_erkend",
        ErkendeEvcAanbieder = "erkende_evc_aanbieder",
    }
}

named_enum! {
    /// Training registers a course can be a member of.
    pub enum Register {
        /// DUO's scholingsregister for the STAP-budget (000 L46-50; 001 L439-441).
        StapScholingsregister = "stap_scholingsregister",
        /// DUO's Registratie Instellingen en Opleidingen.
        Rio = "rio",
    }
}

named_enum! {
    /// mbo learning pathway: school-based (bol) or work-based (bbl).
    pub enum Leerweg {
        Bol = "bol",
        Bbl = "bbl",
    }
}

named_enum! {
    /// How a course is delivered.
    pub enum Delivery {
        Online = "online",
        Klassikaal = "klassikaal",
        Blended = "blended",
    }
}

named_enum! {
    /// When a course takes place.
    pub enum Schedule {
        Voltijd = "voltijd",
        Deeltijd = "deeltijd",
        Avond = "avond",
    }
}

named_enum! {
    /// Sectors used to tag occupations (shortage sectors from 001 L43-44, 003 L52-54).
    pub enum Sector {
        Zorg = "zorg",
        Welzijn = "welzijn",
        Kinderopvang = "kinderopvang",
        Onderwijs = "onderwijs",
        Techniek = "techniek",
        Ict = "ict",
        Bouw = "bouw",
        Logistiek = "logistiek",
        Horeca = "horeca",
        Handel = "handel",
        Landbouw = "landbouw",
        /// The green sector (agriculture, horticulture, nature), as the Ontwikkelpaden name it.
        Groen = "groen",
        Overheid = "overheid",
        Financieel = "financieel",
        Cultuur = "cultuur",
        Overig = "overig",
    }
}

named_enum! {
    /// Who a funding scheme pays or who applies for it (domain brief §3 "Attach?" column).
    pub enum SchemeLevel {
        Person = "person",
        Employer = "employer",
        Sector = "sector",
        PublicBody = "public_body",
    }
}

named_enum! {
    /// What kind of money a funding scheme is.
    pub enum Instrument {
        Subsidy = "subsidy",
        Loan = "loan",
        Advice = "advice",
        Budget = "budget",
    }
}

named_enum! {
    /// What kind of formal programme a course is, where it is one (domain brief §9 item 7: bol, bbl,
    /// derde leerweg, hbo, wo). Funding rules test it: the Levenlanglerenkrediet is for "een erkende
    /// opleiding in het hbo, wo of mbo-bol" (000 L362-447), not for bbl or the derde leerweg.
    pub enum EducationType {
        /// mbo, school-based pathway (beroepsopleidende leerweg).
        MboBol = "mbo_bol",
        /// mbo, work-based pathway (beroepsbegeleidende leerweg).
        MboBbl = "mbo_bbl",
        /// mbo outside the funded system (derde leerweg), for adults.
        MboDerdeLeerweg = "mbo_derde_leerweg",
        Hbo = "hbo",
        Wo = "wo",
    }
}

named_enum! {
    /// Highest education a person has completed (domain brief §1.10). Ordered by NLQF level through
    /// [`EducationLevel::nlqf_rank`], which is what "maximaal mbo-2" and "maximaal mbo-4" compare.
    pub enum EducationLevel {
        /// No diploma at all.
        Geen = "geen",
        Basisonderwijs = "basisonderwijs",
        Vmbo = "vmbo",
        /// mbo niveau 1 (Entree).
        Mbo1 = "mbo1",
        Mbo2 = "mbo2",
        Mbo3 = "mbo3",
        Mbo4 = "mbo4",
        Havo = "havo",
        Vwo = "vwo",
        AssociateDegree = "associate_degree",
        Bachelor = "bachelor",
        Master = "master",
        Doctorate = "doctorate",
    }
}

impl EducationLevel {
    /// The NLQF level of the diploma, used to order levels for "at most" and "at least" rules.
    ///
    /// Our reading, since the letters do not fix it (domain brief §2.12, §4 "praktisch opgeleiden"):
    /// havo and vwo sit at NLQF 4 like mbo-4 (the NLQF places havo at 4 and vwo at 4+), so
    /// "maximaal een mbo-4 diploma" (001 L529-533) includes them and "maximaal mbo-2"
    /// (001 L376-385) does not. vmbo counts as NLQF 2 (its gemengde and theoretische leerweg; the
    /// basisberoepsgerichte leerweg is NLQF 1, which makes no difference to any rule we hold).
    /// No diploma and basisonderwijs are 0. [not in letters: NLQF levels per nlqf.nl]
    pub fn nlqf_rank(self) -> u8 {
        match self {
            EducationLevel::Geen | EducationLevel::Basisonderwijs => 0,
            EducationLevel::Mbo1 => 1,
            EducationLevel::Vmbo | EducationLevel::Mbo2 => 2,
            EducationLevel::Mbo3 => 3,
            EducationLevel::Mbo4 | EducationLevel::Havo | EducationLevel::Vwo => 4,
            EducationLevel::AssociateDegree => 5,
            EducationLevel::Bachelor => 6,
            EducationLevel::Master => 7,
            EducationLevel::Doctorate => 8,
        }
    }

    /// The level meant by a spelling people type: the canonical name in any case, with or without
    /// hyphens, spaces, dots or underscores ("MBO 3", "mbo-3", "mbo niveau 3", "Associate Degree"),
    /// and common names ("hbo-bachelor", "wo-master", "entree", "phd", "geen diploma"). Bare "hbo"
    /// and "wo" stay unrecognised: each spans associate degree (hbo), bachelor and master.
    pub fn from_common_spelling(text: &str) -> Option<EducationLevel> {
        let folded: String =
            text.chars().filter(|c| !matches!(c, ' ' | '-' | '_' | '.' | '\t')).flat_map(char::to_lowercase).collect();
        let folded = folded.replace("niveau", "").replace("level", "");
        if let Some(level) = EducationLevel::ALL.iter().find(|l| l.as_str().replace('_', "") == folded) {
            return Some(*level);
        }
        Some(match folded.as_str() {
            "geendiploma" | "none" | "nodiploma" => EducationLevel::Geen,
            "basisschool" | "primary" | "primaryschool" => EducationLevel::Basisonderwijs,
            "entree" | "mboentree" => EducationLevel::Mbo1,
            "ad" | "hboad" | "hboassociatedegree" => EducationLevel::AssociateDegree,
            "hbobachelor" | "wobachelor" | "bsc" | "ba" => EducationLevel::Bachelor,
            "hbomaster" | "womaster" | "msc" | "ma" => EducationLevel::Master,
            "phd" | "promotie" | "doctoraat" | "doctor" => EducationLevel::Doctorate,
            _ => return None,
        })
    }

    /// Whether the diploma is a startkwalificatie: havo, vwo, or mbo niveau 2 or higher (and
    /// anything above). Not vmbo and not mbo-1, although vmbo is at NLQF 2. [not in letters: the
    /// Leerplichtwet's definition; the letters use the term without defining it, domain brief §0]
    pub fn is_startkwalificatie(self) -> bool {
        !matches!(
            self,
            EducationLevel::Geen | EducationLevel::Basisonderwijs | EducationLevel::Vmbo | EducationLevel::Mbo1
        )
    }
}

named_enum! {
    /// A person's situation on the labour market (domain brief §1.10, §4).
    pub enum LabourStatus {
        /// In paid employment.
        Werknemer = "werknemer",
        /// Self-employed without staff.
        Zzp = "zzp",
        /// Looking for work without a benefit.
        WerkzoekendZonderUitkering = "werkzoekend_zonder_uitkering",
        /// Receiving unemployment benefit (WW).
        Ww = "ww",
        /// Receiving social assistance (Participatiewet).
        Bijstand = "bijstand",
        Wajong = "wajong",
        Wga = "wga",
        /// None of the above (e.g. not looking for work).
        Anders = "anders",
    }
}

/// The 35 arbeidsmarktregio's (Kamerbrief LLO 23-09-2022, 001 L641 and L654: "35 regio's").
/// Names as the regions call themselves; matching is exact.
pub const ARBEIDSMARKTREGIOS: [&str; 35] = [
    "Groningen",
    "Friesland",
    "Drenthe",
    "Regio Zwolle",
    "Twente",
    "Stedendriehoek en Noordwest Veluwe",
    "Achterhoek",
    "Midden-Gelderland",
    "Rijk van Nijmegen",
    "FoodValley",
    "Rivierenland",
    "Midden-Utrecht",
    "Amersfoort",
    "Gooi en Vechtstreek",
    "Zaanstreek/Waterland",
    "Groot Amsterdam",
    "Zuid-Kennemerland en IJmond",
    "Noord-Holland Noord",
    "Flevoland",
    "Holland Rijnland",
    "Zuid-Holland Centraal",
    "Haaglanden",
    "Midden-Holland",
    "Rijnmond",
    "Drechtsteden",
    "Gorinchem",
    "Zeeland",
    "West-Brabant",
    "Midden-Brabant",
    "Noordoost-Brabant",
    "Zuidoost-Brabant",
    "Helmond-De Peel",
    "Noord-Limburg",
    "Midden-Limburg",
    "Zuid-Limburg",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn education_levels_are_recognised_in_the_spellings_people_type() {
        for (typed, level) in [
            ("mbo-3", EducationLevel::Mbo3),
            ("MBO 3", EducationLevel::Mbo3),
            ("mbo niveau 2", EducationLevel::Mbo2),
            ("mbo4", EducationLevel::Mbo4),
            ("hbo-bachelor", EducationLevel::Bachelor),
            ("WO master", EducationLevel::Master),
            ("Associate Degree", EducationLevel::AssociateDegree),
            ("associate_degree", EducationLevel::AssociateDegree),
            ("Entree", EducationLevel::Mbo1),
            ("geen diploma", EducationLevel::Geen),
        ] {
            assert_eq!(EducationLevel::from_common_spelling(typed), Some(level), "{typed}");
        }
        for typed in ["mbo9", "hbo", "wo", "", "mbo"] {
            assert_eq!(EducationLevel::from_common_spelling(typed), None, "{typed}");
        }
    }

    #[test]
    fn names_round_trip_and_unknown_values_name_the_choices() {
        for kind in ConceptKind::ALL {
            assert_eq!(ConceptKind::parse(kind.as_str()), Some(*kind));
        }
        let err = serde_json::from_str::<CredentialKind>("\"certificaat\"").unwrap_err().to_string();
        assert!(err.contains("unknown value `certificaat`") && err.contains("mbo_certificaat"), "{err}");
    }

    #[test]
    fn education_levels_order_by_nlqf_and_know_the_startkwalificatie() {
        let at_most_mbo4: Vec<&str> =
            EducationLevel::ALL.iter().filter(|l| l.nlqf_rank() <= 4).map(|l| l.as_str()).collect();
        assert!(at_most_mbo4.contains(&"havo") && at_most_mbo4.contains(&"vwo") && !at_most_mbo4.contains(&"bachelor"));
        assert!(EducationLevel::Vmbo.nlqf_rank() <= EducationLevel::Mbo2.nlqf_rank());
        assert!(!EducationLevel::Vmbo.is_startkwalificatie() && EducationLevel::Mbo2.is_startkwalificatie());
        assert!(EducationLevel::Havo.is_startkwalificatie() && !EducationLevel::Mbo1.is_startkwalificatie());
    }

    #[test]
    fn there_are_35_distinct_regions() {
        let unique: std::collections::HashSet<_> = ARBEIDSMARKTREGIOS.iter().collect();
        assert_eq!(unique.len(), 35);
    }
}

//! CSV in the layout of ESCO's own CSV download (v1.1), so that tools reading ESCO's files read
//! ours: per language `occupations_<lang>.csv`, `skills_<lang>.csv`, `skillGroups_<lang>.csv` and
//! `ISCOGroups_<lang>.csv` (the columns ESCO has, multi-valued cells separated by newlines), and
//! the language-neutral `occupationSkillRelations.csv`, `skillSkillRelations.csv`,
//! `broaderRelationsOccPillar.csv` and `broaderRelationsSkillPillar.csv`.
//!
//! Only the kinds ESCO has are written (courses, credentials, … are in the RDF exports). The
//! English file of a kind lists every concept of that kind (ESCO's complete language, and where a
//! reader creates the concepts); other languages list the concepts with labels in them. The folder
//! reads back with vaardig's ESCO importer into the same concepts, labels and relations; what ESCO's
//! layout cannot say (replaced-by, relations without essential/optional) is left out.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::FileSink;
use crate::model::{Concept, ConceptKind, Details, Importance, LabelForm, RelationKind, ReuseLevel, SkillType, Status};
use crate::ontology::listing::ConceptFilter;
use crate::ontology::{ConceptIdx, Dir, Snapshot};

const KINDS: [(ConceptKind, &str, &[&str]); 4] = [
    (
        ConceptKind::Occupation,
        "occupations",
        &[
            "conceptType",
            "conceptUri",
            "iscoGroup",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "status",
            "regulatedProfessionNote",
            "description",
            "code",
        ],
    ),
    (
        ConceptKind::Skill,
        "skills",
        &[
            "conceptType",
            "conceptUri",
            "skillType",
            "reuseLevel",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "status",
            "description",
        ],
    ),
    (
        ConceptKind::SkillGroup,
        "skillGroups",
        &["conceptType", "conceptUri", "preferredLabel", "altLabels", "hiddenLabels", "status", "description", "code"],
    ),
    (
        ConceptKind::IscoGroup,
        "ISCOGroups",
        &["conceptType", "conceptUri", "code", "preferredLabel", "altLabels", "hiddenLabels", "status", "description"],
    ),
];

/// ESCO's `conceptType` of a kind.
fn concept_type(kind: ConceptKind) -> &'static str {
    match kind {
        ConceptKind::Occupation => "Occupation",
        ConceptKind::Skill => "KnowledgeSkillCompetence",
        ConceptKind::SkillGroup => "SkillGroup",
        _ => "ISCOGroup",
    }
}

fn labels(concept: &Concept, lang: &str, form: LabelForm) -> String {
    let texts: Vec<&str> =
        concept.labels.iter().filter(|l| l.form == form && &*l.lang == lang).map(|l| &*l.text).collect();
    texts.join("\n")
}

/// One cell per column of `columns`.
fn row(concept: &Concept, lang: &str, columns: &[&str]) -> Vec<String> {
    let details = &concept.details;
    columns
        .iter()
        .map(|column| match *column {
            "conceptType" => concept_type(concept.kind).to_string(),
            "conceptUri" => concept.id.to_string(),
            "preferredLabel" => labels(concept, lang, LabelForm::Preferred).lines().next().unwrap_or("").to_string(),
            "altLabels" => labels(concept, lang, LabelForm::Alternative),
            "hiddenLabels" => labels(concept, lang, LabelForm::Hidden),
            "status" => match concept.status {
                Status::Released => "released".into(),
                Status::Deprecated { .. } => "deprecated".into(),
            },
            "description" => {
                concept.descriptions.iter().find(|d| &*d.lang == lang).map(|d| d.text.to_string()).unwrap_or_default()
            }
            "iscoGroup" => match details {
                Details::Occupation(o) => o.isco_code.as_deref().unwrap_or_default().to_string(),
                _ => String::new(),
            },
            "regulatedProfessionNote" => match details {
                Details::Occupation(o) => match o.regulated {
                    Some(true) => "http://data.europa.eu/esco/regulated-professions/regulated".into(),
                    Some(false) => "http://data.europa.eu/esco/regulated-professions/unregulated".into(),
                    None => String::new(),
                },
                _ => String::new(),
            },
            "code" => match details {
                Details::Occupation(o) => o.esco_code.as_deref().unwrap_or_default().to_string(),
                Details::SkillGroup { code } => code.as_deref().unwrap_or_default().to_string(),
                Details::IscoGroup { code } => code.to_string(),
                _ => String::new(),
            },
            "skillType" => match details {
                Details::Skill(s) => match s.skill_type {
                    SkillType::Skill => "skill/competence",
                    SkillType::Knowledge => "knowledge",
                    SkillType::Attitude => "attitude",
                }
                .to_string(),
                _ => String::new(),
            },
            "reuseLevel" => match details {
                Details::Skill(s) => match s.reuse_level {
                    Some(ReuseLevel::Transversal) => "transversal",
                    Some(ReuseLevel::CrossSector) => "cross-sector",
                    Some(ReuseLevel::SectorSpecific) => "sector-specific",
                    Some(ReuseLevel::OccupationSpecific) => "occupation-specific",
                    None => "",
                }
                .to_string(),
                _ => String::new(),
            },
            _ => String::new(),
        })
        .collect()
}

fn write_rows(out: &mut dyn Write, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(header)?;
    for record in rows {
        writer.write_record(&record)?;
    }
    writer.flush()
}

/// Writes the CSV files into `sink`.
pub fn write(snapshot: &Snapshot, sink: &mut dyn FileSink) -> io::Result<()> {
    let esco_kind = |kind: ConceptKind| KINDS.iter().any(|(k, _, _)| *k == kind);
    let of_kind = |kind| snapshot.list(&ConceptFilter { kind: Some(kind), ..Default::default() });
    for (kind, stem, columns) in KINDS {
        let concepts = of_kind(kind);
        let mut langs: BTreeSet<String> =
            concepts.iter().flat_map(|idx| snapshot.concept(*idx).labels.iter().map(|l| l.lang.to_string())).collect();
        langs.insert("en".into());
        for lang in langs {
            let rows = concepts
                .iter()
                .map(|idx| snapshot.concept(*idx))
                .filter(|c| lang == "en" || c.labels.iter().any(|l| *l.lang == *lang))
                .map(|c| row(c, &lang, columns));
            let mut out = sink.create(&format!("{stem}_{lang}.csv"))?;
            write_rows(&mut out, columns, rows)?;
            out.flush()?;
        }
    }
    // Relations between concepts of ESCO's kinds, from their subject's side.
    let relations =
        |kinds: &[ConceptKind], relation: RelationKind| -> Vec<(ConceptIdx, ConceptIdx, Option<Importance>)> {
            kinds
                .iter()
                .flat_map(|kind| of_kind(*kind))
                .flat_map(|idx| {
                    snapshot
                        .relations(idx, Dir::Outgoing, Some(relation))
                        .into_iter()
                        .filter(|v| esco_kind(snapshot.concept(v.other).kind))
                        .map(move |v| (idx, v.other, v.relation.importance))
                })
                .collect()
        };
    let uri = |idx: ConceptIdx| snapshot.concept(idx).id.to_string();
    let kind_of = |idx: ConceptIdx| concept_type(snapshot.concept(idx).kind).to_string();
    let skill_type = |idx: ConceptIdx| match &snapshot.concept(idx).details {
        Details::Skill(s) if s.skill_type == SkillType::Knowledge => "knowledge".to_string(),
        _ => "skill/competence".to_string(),
    };
    let importance = |i: Importance| i.as_str().to_string();

    let requires = relations(&[ConceptKind::Occupation], RelationKind::Requires);
    let mut out = sink.create("occupationSkillRelations.csv")?;
    write_rows(
        &mut out,
        &["occupationUri", "relationType", "skillType", "skillUri"],
        requires
            .iter()
            .filter_map(|(from, to, i)| Some(vec![uri(*from), importance((*i)?), skill_type(*to), uri(*to)])),
    )?;
    out.flush()?;
    drop(out);

    let related = relations(&[ConceptKind::Skill], RelationKind::Related);
    let mut out = sink.create("skillSkillRelations.csv")?;
    write_rows(
        &mut out,
        &["originalSkillUri", "originalSkillType", "relationType", "relatedSkillType", "relatedSkillUri"],
        related.iter().filter_map(|(from, to, i)| {
            Some(vec![uri(*from), skill_type(*from), importance((*i)?), skill_type(*to), uri(*to)])
        }),
    )?;
    out.flush()?;
    drop(out);

    for (name, kinds) in [
        ("broaderRelationsOccPillar.csv", &[ConceptKind::Occupation, ConceptKind::IscoGroup][..]),
        ("broaderRelationsSkillPillar.csv", &[ConceptKind::Skill, ConceptKind::SkillGroup][..]),
    ] {
        let broader = relations(kinds, RelationKind::Broader);
        let mut out = sink.create(name)?;
        write_rows(
            &mut out,
            &["conceptType", "conceptUri", "broaderType", "broaderUri"],
            broader.iter().map(|(from, to, _)| vec![kind_of(*from), uri(*from), kind_of(*to), uri(*to)]),
        )?;
        out.flush()?;
    }
    Ok(())
}

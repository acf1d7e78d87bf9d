//! The RDF forms of the export: one description per concept, written as Turtle or as JSON-LD.
//!
//! Vocabulary (see `docs/export/vocabulary.md`): every concept is a `skos:Concept` with
//! `skos:prefLabel`/`altLabel`/`hiddenLabel` per language, `dct:description`,
//! `skos:broader`/`narrower`, `skos:exactMatch`/`closeMatch`/`broadMatch`/`narrowMatch` for
//! crosswalks, `dct:source` (the source it came from) and `dct:license` (that source's licence).
//! Occupations and skills are also `esco:Occupation`/`esco:Skill`, and occupations point to their
//! skills with ESCO's `esco:hasEssentialSkill`/`esco:hasOptionalSkill`. What ESCO has no term for
//! (courses, credentials, qualifications, providers, funding schemes and their details) uses the
//! vaardig vocabulary `https://id.vaardig.nl/def#` (prefix `vdg:`).

use std::io::{self, Write};

use crate::model::{Details, Importance, LabelForm, RelationKind, Status};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

/// The published JSON-LD context (also the prefixes of the Turtle file).
pub const CONTEXT: &str = include_str!("../../docs/export/context.jsonld");

/// Our namespace for terms ESCO and SKOS do not have.
pub const VDG: &str = "https://id.vaardig.nl/def#";

const PREFIXES: [(&str, &str); 7] = [
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("esco", "http://data.europa.eu/esco/model#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("vdg", VDG),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
];

/// The object of a triple.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Iri(String),
    /// A text in a language.
    Lang(String, String),
    Text(String),
    Integer(i64),
    Decimal(f64),
    Boolean(bool),
    /// YYYY-MM-DD.
    Date(String),
}

/// One concept as RDF: its classes and its (predicate as a compact IRI, object) pairs.
#[derive(Debug, Clone, Default)]
pub struct Description {
    pub id: String,
    pub classes: Vec<&'static str>,
    pub properties: Vec<(&'static str, Object)>,
}

/// The IRI of a source node, from its name.
pub fn source_iri(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect();
    format!("https://id.vaardig.nl/source/{safe}")
}

fn class_of(kind: crate::model::ConceptKind) -> &'static str {
    use crate::model::ConceptKind as K;
    match kind {
        K::Occupation => "esco:Occupation",
        K::Skill => "esco:Skill",
        K::SkillGroup => "vdg:SkillGroup",
        K::IscoGroup => "vdg:IscoGroup",
        K::Qualification => "vdg:Qualification",
        K::Credential => "vdg:Credential",
        K::Course => "vdg:Course",
        K::Provider => "vdg:Provider",
        K::FundingScheme => "vdg:FundingScheme",
    }
}

/// The predicate of an outgoing relation.
fn predicate(kind: RelationKind, importance: Option<Importance>) -> &'static str {
    match (kind, importance) {
        (RelationKind::Requires, Some(Importance::Essential)) => "esco:hasEssentialSkill",
        (RelationKind::Requires, Some(Importance::Optional)) => "esco:hasOptionalSkill",
        (RelationKind::Requires, None) => "vdg:requires",
        (RelationKind::Broader, _) => "skos:broader",
        (RelationKind::Related, Some(Importance::Essential)) => "vdg:essentialRelatedSkill",
        (RelationKind::Related, Some(Importance::Optional)) => "vdg:optionalRelatedSkill",
        (RelationKind::Related, None) => "skos:related",
        (RelationKind::Teaches, _) => "vdg:teaches",
        (RelationKind::Certifies, _) => "vdg:certifies",
        (RelationKind::PartOf, _) => "vdg:partOf",
        (RelationKind::LeadsTo, _) => "vdg:leadsTo",
        (RelationKind::Prerequisite, _) => "vdg:prerequisite",
        (RelationKind::ExactMatch, _) => "skos:exactMatch",
        (RelationKind::CloseMatch, _) => "skos:closeMatch",
        (RelationKind::BroadMatch, _) => "skos:broadMatch",
        (RelationKind::NarrowMatch, _) => "skos:narrowMatch",
    }
}

/// Everything the export says about one concept.
pub fn describe(snapshot: &Snapshot, idx: ConceptIdx) -> Description {
    let concept = snapshot.concept(idx);
    let mut p: Vec<(&'static str, Object)> = Vec::new();
    let text = |s: &str| Object::Text(s.to_string());
    let int = |n: i64| Object::Integer(n);
    for label in &concept.labels {
        let predicate = match label.form {
            LabelForm::Preferred => "skos:prefLabel",
            LabelForm::Alternative => "skos:altLabel",
            LabelForm::Hidden => "skos:hiddenLabel",
        };
        p.push((predicate, Object::Lang(label.text.to_string(), label.lang.to_string())));
    }
    for d in &concept.descriptions {
        p.push(("dct:description", Object::Lang(d.text.to_string(), d.lang.to_string())));
    }
    if let Status::Deprecated { replaced_by } = &concept.status {
        p.push(("owl:deprecated", Object::Boolean(true)));
        if let Some(next) = replaced_by {
            p.push(("dct:isReplacedBy", Object::Iri(next.to_string())));
        }
    }
    if let Some(source) = snapshot.sources().get(concept.source as usize) {
        p.push(("dct:source", Object::Iri(source_iri(&source.name))));
        if let Some(licence) = &source.licence {
            p.push(("dct:license", text(licence)));
        }
    }
    let date = |d: crate::model::Date| Object::Date(d.to_string());
    match &concept.details {
        Details::Occupation(o) => {
            if let Some(code) = &o.isco_code {
                p.push(("vdg:iscoCode", text(code)));
            }
            if let Some(code) = &o.esco_code {
                p.push(("skos:notation", text(code)));
            }
            if o.kansberoep {
                p.push(("vdg:kansberoep", Object::Boolean(true)));
            }
            p.extend(o.sectors.iter().map(|s| ("vdg:sector", text(s.as_str()))));
            if let Some(regulated) = o.regulated {
                p.push(("vdg:regulated", Object::Boolean(regulated)));
            }
        }
        Details::Skill(s) => {
            p.push(("vdg:skillType", text(s.skill_type.as_str())));
            if let Some(reuse) = s.reuse_level {
                p.push(("vdg:reuseLevel", text(reuse.as_str())));
            }
        }
        Details::SkillGroup { code } => p.extend(code.iter().map(|c| ("skos:notation", text(c)))),
        Details::IscoGroup { code } => p.push(("skos:notation", text(code))),
        Details::Qualification(q) => {
            p.push(("vdg:crebo", text(&q.crebo)));
            p.push(("vdg:mboLevel", int(q.mbo_level.into())));
            p.push(("vdg:nlqfLevel", int(q.nlqf_level.into())));
            p.push(("vdg:eqfLevel", int(q.eqf_level.into())));
            p.extend(q.leerwegen.iter().map(|l| ("vdg:leerweg", text(l.as_str()))));
        }
        Details::Credential(c) => {
            p.push(("vdg:credentialKind", text(c.credential_kind.as_str())));
            p.push(("vdg:issuer", text(&c.issuer)));
            if let Some(ec) = c.ec {
                p.push(("vdg:ec", Object::Decimal(ec.into())));
            }
            if let Some(level) = c.nlqf_level {
                p.push(("vdg:nlqfLevel", int(level.into())));
            }
        }
        Details::Course(c) => {
            p.push(("vdg:provider", Object::Iri(c.provider.to_string())));
            p.push(("vdg:priceCents", int(i64::try_from(c.price_cents).unwrap_or(i64::MAX))));
            p.push(("vdg:hours", int(c.hours.into())));
            p.push(("vdg:weeks", int(c.weeks.into())));
            p.push(("vdg:delivery", text(c.delivery.as_str())));
            p.push(("vdg:schedule", text(c.schedule.as_str())));
            p.extend(c.region.iter().map(|r| ("vdg:region", text(r))));
            p.extend(c.start_dates.iter().map(|d| ("vdg:startDate", date(*d))));
            p.extend(c.registers.iter().map(|r| ("vdg:register", text(r.register.as_str()))));
            p.extend(c.ontwikkelpaden.iter().map(|s| ("vdg:ontwikkelpad", text(s.as_str()))));
            p.extend(c.education_type.iter().map(|t| ("vdg:educationType", text(t.as_str()))));
        }
        Details::Provider(provider) => {
            p.extend(provider.quality_marks.iter().map(|m| ("vdg:qualityMark", text(m.mark.as_str()))));
            p.extend(provider.kvk.iter().map(|k| ("vdg:kvk", text(k))));
        }
        Details::FundingScheme(f) => {
            p.push(("vdg:schemeLevel", text(f.scheme_level.as_str())));
            p.push(("vdg:instrument", text(f.instrument.as_str())));
            p.push(("vdg:validFrom", date(f.validity.from)));
            p.extend(f.validity.to.map(|d| ("vdg:validTo", date(d))));
            p.extend(
                f.sources
                    .iter()
                    .map(|s| ("vdg:policySource", text(&format!("{} ({}), {}", s.document, s.date, s.reference)))),
            );
        }
    }
    for view in snapshot.relations(idx, Dir::Outgoing, None) {
        let other = snapshot.concept(view.other).id.to_string();
        p.push((predicate(view.relation.kind, view.relation.importance), Object::Iri(other)));
    }
    for view in snapshot.relations(idx, Dir::Incoming, Some(RelationKind::Broader)) {
        p.push(("skos:narrower", Object::Iri(snapshot.concept(view.other).id.to_string())));
    }
    Description { id: concept.id.to_string(), classes: vec!["skos:Concept", class_of(concept.kind)], properties: p }
}

/// The sources as nodes: name, version, licence and the attribution it requires.
fn describe_sources(snapshot: &Snapshot) -> Vec<Description> {
    snapshot
        .sources()
        .iter()
        .map(|s| {
            let mut properties = vec![("dct:title", Object::Text(s.name.clone()))];
            properties.extend(s.version.iter().map(|v| ("vdg:version", Object::Text(v.clone()))));
            properties.extend(s.licence.iter().map(|l| ("dct:license", Object::Text(l.clone()))));
            properties.extend(s.attribution.iter().map(|a| ("vdg:attribution", Object::Text(a.clone()))));
            properties.push(("vdg:synthetic", Object::Boolean(s.synthetic)));
            Description { id: source_iri(&s.name), classes: vec!["vdg:Source"], properties }
        })
        .collect()
}

/// Every concept (in id order), then the sources.
fn descriptions(snapshot: &Snapshot) -> impl Iterator<Item = Description> + '_ {
    let all = snapshot.list(&Default::default());
    all.into_iter().map(|idx| describe(snapshot, idx)).chain(describe_sources(snapshot))
}

/// A Turtle / N-Triples string literal body.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// An IRI in angle brackets, with the characters Turtle forbids in IRIs escaped.
fn iri(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('<');
    for c in text.chars() {
        match c {
            '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\' | ' ' => out.push_str(&format!("%{:02X}", c as u32)),
            c if (c as u32) <= 0x20 => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('>');
    out
}

fn turtle_object(object: &Object) -> String {
    match object {
        Object::Iri(i) => iri(i),
        Object::Lang(t, lang) => format!("\"{}\"@{lang}", escape(t)),
        Object::Text(t) => format!("\"{}\"", escape(t)),
        Object::Integer(n) => n.to_string(),
        Object::Decimal(x) => format!("\"{x}\"^^xsd:decimal"),
        Object::Boolean(b) => b.to_string(),
        Object::Date(d) => format!("\"{d}\"^^xsd:date"),
    }
}

/// The snapshot as Turtle: the prefixes, then one block per concept and per source.
pub fn write_turtle(snapshot: &Snapshot, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# vaardig export of snapshot {} (SKOS, ESCO and vaardig vocabularies)", snapshot.version())?;
    for source in snapshot.sources() {
        if let Some(attribution) = &source.attribution {
            writeln!(out, "# {}: {}", source.name, attribution.replace('\n', " "))?;
        }
    }
    for (prefix, namespace) in PREFIXES {
        writeln!(out, "@prefix {prefix}: <{namespace}> .")?;
    }
    for d in descriptions(snapshot) {
        write!(out, "\n{} a {}", iri(&d.id), d.classes.join(", "))?;
        for (predicate, object) in &d.properties {
            write!(out, " ;\n    {predicate} {}", turtle_object(object))?;
        }
        writeln!(out, " .")?;
    }
    Ok(())
}

fn jsonld_value(object: &Object) -> serde_json::Value {
    use serde_json::json;
    match object {
        Object::Iri(i) => json!({ "@id": i }),
        Object::Lang(t, lang) => json!({ "@value": t, "@language": lang }),
        Object::Text(t) => json!(t),
        Object::Integer(n) => json!({ "@value": n.to_string(), "@type": "xsd:integer" }),
        Object::Decimal(x) => json!({ "@value": x.to_string(), "@type": "xsd:decimal" }),
        Object::Boolean(b) => json!(b),
        Object::Date(d) => json!({ "@value": d, "@type": "xsd:date" }),
    }
}

/// The snapshot as one JSON-LD document: the published context and a `@graph` of one node per
/// concept and per source. Keys are compact IRIs (`skos:prefLabel`), so the document reads the
/// same with or without the context's friendlier terms.
pub fn write_jsonld(snapshot: &Snapshot, out: &mut dyn Write) -> io::Result<()> {
    let context: serde_json::Value = serde_json::from_str(CONTEXT).map_err(io::Error::other)?;
    let context = context.get("@context").cloned().unwrap_or_default();
    write!(out, "{{\"@context\":{},\n\"@graph\":[", serde_json::to_string(&context).map_err(io::Error::other)?)?;
    for (n, d) in descriptions(snapshot).enumerate() {
        let mut node = serde_json::Map::new();
        node.insert("@id".into(), d.id.clone().into());
        node.insert("@type".into(), d.classes.iter().map(|c| serde_json::Value::from(*c)).collect());
        for (predicate, object) in &d.properties {
            let values = node.entry(*predicate).or_insert_with(|| serde_json::Value::Array(Vec::new()));
            if let serde_json::Value::Array(values) = values {
                values.push(jsonld_value(object));
            }
        }
        if n > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut *out, &node).map_err(io::Error::other)?;
    }
    writeln!(out, "\n]}}")
}

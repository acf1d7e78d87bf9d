//! Rendering of answers for people (Dutch by default, English with `--lang en`) and as JSON.

use std::fmt::Write;

use crate::model::{ConceptKind, Lang, Money, RelationKind, compact_id};
use crate::proto::v1 as pb;

/// The canonical name of a wire concept kind (`occupation`, `skill`, …).
pub fn kind_name(raw: i32) -> &'static str {
    let kind = pb::ConceptKind::try_from(raw).unwrap_or(pb::ConceptKind::Unspecified);
    ConceptKind::ALL
        .iter()
        .find(|k| crate::server::response::kind_to_pb(**k) == kind)
        .map(|k| k.as_str())
        .unwrap_or("unknown")
}

/// The canonical name of a wire relation kind.
pub fn relation_name(raw: i32) -> &'static str {
    let kind = pb::RelationKind::try_from(raw).unwrap_or(pb::RelationKind::Unspecified);
    RelationKind::ALL
        .iter()
        .find(|k| crate::server::response::relation_kind_to_pb(**k) == kind)
        .map(|k| k.as_str())
        .unwrap_or("unknown")
}

fn form_name(raw: i32) -> &'static str {
    match pb::LabelForm::try_from(raw) {
        Ok(pb::LabelForm::Preferred) => "preferred",
        Ok(pb::LabelForm::Alternative) => "alternative",
        Ok(pb::LabelForm::Hidden) => "hidden",
        _ => "unknown",
    }
}

/// A concept as readable text.
pub fn concept_text(concept: &pb::Concept, version: &str, text: Lang) -> String {
    use pb::concept::Details as D;
    let mut out = String::new();
    let _ = writeln!(out, "{}  [{}]", concept.preferred_label, kind_name(concept.kind));
    let _ = writeln!(out, "id: {}", compact_id(&concept.id));
    if concept.deprecated {
        let _ = writeln!(
            out,
            "{} {}",
            text.pick("VEROUDERD; vervangen door:", "DEPRECATED; replaced by:"),
            compact_id(&concept.replaced_by)
        );
    }
    match &concept.details {
        Some(D::Occupation(o)) => {
            let _ = writeln!(
                out,
                "ISCO: {}{}",
                o.isco_code,
                if o.kansberoep { text.pick(" · kansberoep", " · shortage occupation") } else { "" }
            );
            if !o.sectors.is_empty() {
                let _ = writeln!(out, "{} {}", text.pick("sectoren:", "sectors:"), o.sectors.join(", "));
            }
        }
        Some(D::Skill(s)) => {
            let _ = writeln!(out, "{} {} · {}", text.pick("soort:", "type:"), s.skill_type, s.reuse_level);
        }
        Some(D::Group(g)) => {
            let _ = writeln!(out, "code: {}", g.code);
        }
        Some(D::Qualification(q)) => {
            let _ = writeln!(
                out,
                "crebo {} · mbo {} · NLQF {} · EQF {} · {}",
                q.crebo,
                q.mbo_level,
                q.nlqf_level,
                q.eqf_level,
                q.leerwegen.join("/")
            );
        }
        Some(D::Credential(c)) => {
            let _ = writeln!(out, "{} · {} {}", c.credential_kind, text.pick("uitgegeven door", "issued by"), c.issuer);
            if let Some(ec) = c.ec {
                let _ = writeln!(out, "{ec} EC");
            }
        }
        Some(D::Course(c)) => {
            let _ = writeln!(
                out,
                "{} {} · {} · {} {} · {} {}",
                text.pick("aanbieder:", "provider:"),
                c.provider_label,
                Money::from_cents(c.price_cents).format(text),
                c.hours,
                text.pick("uur", "hours"),
                c.weeks,
                text.pick("weken", "weeks")
            );
            let region = if c.region.is_empty() {
                text.pick("landelijk/online", "nationwide/online")
            } else {
                c.region.as_str()
            };
            let _ = writeln!(out, "{} / {} · {region}", c.delivery, c.schedule);
            if !c.start_dates.is_empty() {
                let _ = writeln!(out, "{} {}", text.pick("startdata:", "start dates:"), c.start_dates.join(", "));
            }
            for p in &c.start_patterns {
                let _ = writeln!(out, "{} {}", text.pick("start:", "starts:"), start_pattern_words(p, text));
            }
            if !c.ontwikkelpaden.is_empty() {
                let _ =
                    writeln!(out, "{} {}", text.pick("ontwikkelpad:", "ontwikkelpad:"), c.ontwikkelpaden.join(", "));
            }
            for r in &c.registers {
                let until = if r.valid_to.is_empty() { String::new() } else { format!(" – {}", r.valid_to) };
                let _ = writeln!(out, "register: {} {}{until}", r.register, r.valid_from);
            }
        }
        Some(D::Provider(p)) => {
            for m in &p.quality_marks {
                let until = if m.valid_to.is_empty() { String::new() } else { format!(" – {}", m.valid_to) };
                let _ = writeln!(out, "{} {} {}{until}", text.pick("keurmerk:", "quality mark:"), m.mark, m.valid_from);
            }
        }
        Some(D::FundingScheme(f)) => {
            let until = if f.valid_to.is_empty() { "…".to_string() } else { f.valid_to.clone() };
            let _ = writeln!(
                out,
                "{} · {} · {} {} – {until}",
                f.scheme_level,
                f.instrument,
                text.pick("geldig", "valid"),
                f.valid_from
            );
            for s in &f.sources {
                let _ = writeln!(out, "{} {} ({}), {}", text.pick("bron:", "source:"), s.document, s.date, s.reference);
            }
        }
        None => {}
    }
    let wanted = if text.pick("nl", "en") == "en" { "en" } else { "nl" };
    let description = concept.descriptions.iter().find(|d| d.lang == wanted).or_else(|| concept.descriptions.first());
    if let Some(d) = description {
        let _ = writeln!(out, "\n{}", d.text);
    }
    let alternatives: Vec<&str> = concept
        .labels
        .iter()
        .filter(|l| l.lang == wanted && form_name(l.form) == "alternative")
        .map(|l| l.text.as_str())
        .collect();
    if !alternatives.is_empty() {
        let _ = writeln!(out, "\n{} {}", text.pick("ook:", "also:"), alternatives.join(" · "));
    }
    let _ = writeln!(out, "\n{} {} · snapshot {version}", text.pick("bron:", "source:"), concept.source);
    out
}

/// A concept as JSON (enum values by name, not number).
pub fn concept_json(version: &str, concept: &pb::Concept) -> serde_json::Value {
    let details = concept
        .details
        .as_ref()
        .and_then(|d| serde_json::to_value(d).ok())
        .and_then(|v| v.as_object().and_then(|o| o.values().next().cloned()))
        .unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "version": version,
        "id": concept.id,
        "kind": kind_name(concept.kind),
        "label": concept.preferred_label,
        "labels": concept.labels.iter().map(|l| serde_json::json!({"lang": l.lang, "form": form_name(l.form), "text": l.text})).collect::<Vec<_>>(),
        "descriptions": concept.descriptions.iter().map(|d| (d.lang.clone(), serde_json::Value::from(d.text.clone()))).collect::<serde_json::Map<_, _>>(),
        "deprecated": concept.deprecated,
        "replaced_by": concept.replaced_by,
        "source": concept.source,
        "details": details,
    })
}

pub fn relation_json(entry: &pb::RelationEntry) -> serde_json::Value {
    let other = entry.concept.clone().unwrap_or_default();
    serde_json::json!({
        "kind": relation_name(entry.kind),
        "direction": if entry.direction == pb::Direction::Incoming as i32 { "incoming" } else { "outgoing" },
        "id": other.id,
        "label": other.label,
        "concept_kind": kind_name(other.kind),
        "importance": entry.importance,
        "weight": entry.weight,
        "level": entry.level,
        "confidence": entry.confidence,
    })
}

pub fn relation_line(entry: &pb::RelationEntry) -> String {
    let other = entry.concept.clone().unwrap_or_default();
    let arrow = if entry.direction == pb::Direction::Incoming as i32 { "←" } else { "→" };
    let importance = if entry.importance.is_empty() { String::new() } else { format!(" ({})", entry.importance) };
    format!("{arrow} {}{importance}  {}  {}", relation_name(entry.kind), other.label, compact_id(&other.id))
}

pub fn stats_json(stats: &pb::GetStatsResponse) -> serde_json::Value {
    let sorted = |map: &std::collections::HashMap<String, u64>| -> serde_json::Map<String, serde_json::Value> {
        let mut entries: Vec<_> = map.iter().collect();
        entries.sort();
        entries.into_iter().map(|(k, v)| (k.clone(), serde_json::Value::from(*v))).collect()
    };
    serde_json::json!({
        "version": stats.snapshot_version,
        "counts": sorted(&stats.concept_counts),
        "relations": sorted(&stats.relation_counts),
        "deprecated": stats.deprecated,
        "sources": stats.sources.iter().map(|s| serde_json::json!({
            "name": s.name, "format": s.format, "location": s.location, "version": s.version,
            "licence": s.licence, "attribution": s.attribution, "synthetic": s.synthetic,
            "concepts": s.concepts, "relations": s.relations,
        })).collect::<Vec<_>>(),
    })
}

pub fn stats_text(stats: &pb::GetStatsResponse, text: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "snapshot {}", stats.snapshot_version);
    let _ = writeln!(out, "{}", text.pick("concepten:", "concepts:"));
    for kind in ConceptKind::ALL {
        let count = stats.concept_counts.get(kind.as_str()).copied().unwrap_or(0);
        let _ = writeln!(out, "  {:<16} {count:>8}", kind.as_str());
    }
    let _ = writeln!(out, "{}", text.pick("relaties:", "relations:"));
    for kind in RelationKind::ALL {
        if let Some(count) = stats.relation_counts.get(kind.as_str()) {
            let _ = writeln!(out, "  {:<16} {count:>8}", kind.as_str());
        }
    }
    let _ = writeln!(out, "{}", text.pick("bronnen:", "sources:"));
    for s in &stats.sources {
        let _ = writeln!(
            out,
            "  {} {} ({}): {} {}",
            s.name,
            s.version,
            s.location,
            s.concepts,
            text.pick("concepten", "concepts")
        );
        if !s.attribution.is_empty() {
            let _ = writeln!(out, "    {}", s.attribution);
        }
    }
    out
}

/// The name of month 1–12, in Dutch or English.
pub fn month_name(month: u8, text: Lang) -> &'static str {
    const NL: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = usize::from(month.clamp(1, 12)) - 1;
    if text.pick("nl", "en") == "en" { EN[i] } else { NL[i] }
}

/// A start pattern in words: "elk jaar in september en februari", "op aanvraag (28 dagen)".
pub fn start_pattern_words(p: &pb::StartPattern, text: Lang) -> String {
    let months: Vec<&str> = p
        .months
        .iter()
        .filter_map(|m| u8::try_from(*m).ok().filter(|m| (1..=12).contains(m)).map(|m| month_name(m, text)))
        .collect();
    let and = text.pick(" en ", " and ");
    let months = match months.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}{and}{last}", rest.join(", ")),
        _ => months.join(""),
    };
    let words = match p.pattern.as_str() {
        "yearly" => {
            format!("{} {months} ({} {})", text.pick("elk jaar in", "every year in"), text.pick("dag", "day"), p.day)
        }
        "monthly" => format!("{} {}", text.pick("elke maand op dag", "every month on day"), p.day),
        "on_request" if p.lead_days > 0 => format!(
            "{} {} {}",
            text.pick("op aanvraag, start", "on request, starts"),
            p.lead_days,
            text.pick("dagen na de aanvraag", "days after asking")
        ),
        "on_request" => text.pick("op aanvraag", "on request").to_string(),
        "any_time" => text.pick("online, start wanneer u wilt", "online, start any time").to_string(),
        other => other.to_string(),
    };
    match (p.valid_from.as_str(), p.valid_to.as_str()) {
        ("", "") => words,
        (from, "") => format!("{words}, {} {from}", text.pick("vanaf", "from")),
        ("", to) => format!("{words}, {} {to}", text.pick("tot", "until")),
        (from, to) => format!("{words}, {from} – {to}"),
    }
}

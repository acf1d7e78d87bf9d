//! Importers that turn real catalogues into vaardig bundles, linking their free-text skills to the
//! ontology through the search engine (extraction first, a clear search hit otherwise).
//!
//! - **Coursera** (`coursera_courses_normalized.csv`): one course per row, its provider from the
//!   `organization` column, the `skills` column (pipe-separated, English) linked to skill concepts.
//!   The catalogue has no prices: they are estimated per credential type and say so.
//! - **SBB kwalificatieprofielen** (JSON): one qualification per profile; its werkprocessen linked to
//!   the skills it certifies, its profile name to the occupation it leads to. The sample has no crebo
//!   codes and unreliable levels: codes are illustrative (`9` + the profile id) and say so.
//!
//! Nothing is copied from the source beyond what a register entry needs (titles, names, the links).

use std::collections::BTreeMap;

use crate::engine::Engines;
use crate::model::{ConceptKind, compact_id};

/// A bundle ready to be written: file name → text, with what was linked.
#[derive(Debug, Default)]
pub struct ImportedBundle {
    pub files: BTreeMap<String, String>,
    /// Records imported.
    pub records: usize,
    /// Free-text phrases linked to a concept, and those that were not.
    pub linked: usize,
    pub unlinked: usize,
}

fn slug(text: &str) -> String {
    let normalized = crate::search::normalize(text);
    normalized.split_whitespace().collect::<Vec<_>>().join("-")
}

fn manifest(name: &str, title: &str, attribution: &str, version: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        "name = {}\ntitle = {}\nversion = {}\nattribution = {}\nsynthetic = false\n",
        q(name),
        q(title),
        q(version),
        q(attribution)
    )
}

/// Most skills one imported course is linked to (long skill lists are tags, not a curriculum).
const MAX_TAUGHT: usize = 12;

/// Links one free-text skill phrase, counting it as linked or not, and adds new skill ids to `ids`.
fn link_skill(engines: &Engines, phrase: &str, lang: &str, out: &mut ImportedBundle, ids: &mut Vec<String>) {
    let snapshot = &*engines.snapshot;
    let found = engines.search.resolve_phrase(snapshot, phrase, ConceptKind::Skill, lang);
    if found.is_empty() {
        out.unlinked += 1;
    } else {
        out.linked += 1;
    }
    for concept in found {
        let id = compact_id(&snapshot.concept(concept).id);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
}

/// Estimated prices in euro cents per Coursera credential type (the scrape has none): one month of
/// subscription for a course, several for the longer programmes. Marked as estimates in the data.
fn estimated_price_cents(credential_type: &str) -> i64 {
    match credential_type {
        "Guided Project" => 1_000,
        "Specialization" => 20_000,
        "Professional Certificate" => 27_000,
        _ => 4_500,
    }
}

/// (weeks, hours) from Coursera's duration text ("1 - 3 Months", "1 - 4 Weeks", "Less Than 2 Hours").
fn duration(text: &str) -> (i64, i64) {
    let numbers: Vec<f64> = text.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    let average = if numbers.is_empty() { 1.0 } else { numbers.iter().sum::<f64>() / numbers.len() as f64 };
    let lower = text.to_lowercase();
    if lower.contains("month") {
        let weeks = (average * 4.3).round().max(1.0) as i64;
        (weeks, weeks * 5)
    } else if lower.contains("week") {
        let weeks = average.round().max(1.0) as i64;
        (weeks, weeks * 5)
    } else {
        (1, average.round().max(1.0) as i64)
    }
}

/// Imports the normalized Coursera catalogue.
pub fn coursera(engines: &Engines, csv_bytes: &[u8], source: &str) -> Result<ImportedBundle, String> {
    let snapshot = &*engines.snapshot;
    let input = crate::ontology::decompressed(csv_bytes);
    let mut reader = csv::Reader::from_reader(input);
    let headers = reader.headers().map_err(|e| format!("{source}: {e}"))?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name).ok_or(format!("{source}: no column `{name}`"));
    let (id, title, org, kind, dur, skills) = (
        column("id")?,
        column("title")?,
        column("organization")?,
        column("credential_type")?,
        column("duration")?,
        column("skills")?,
    );
    let mut out = ImportedBundle::default();
    let mut providers = BTreeMap::new();
    let mut courses = String::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{source}:{}: {e}", i + 2))?;
        let get = |c: usize| record.get(c).unwrap_or_default().trim();
        if get(title).is_empty() || get(org).is_empty() {
            continue;
        }
        let provider_id = format!("vaardig:provider/coursera-{}", slug(get(org)));
        providers.entry(provider_id.clone()).or_insert_with(|| get(org).to_string());
        let mut teaches: Vec<String> = Vec::new();
        for phrase in get(skills).split('|').map(str::trim).filter(|p| !p.is_empty()) {
            link_skill(engines, phrase, "en", &mut out, &mut teaches);
        }
        teaches.truncate(MAX_TAUGHT);
        let (weeks, hours) = duration(get(dur));
        let line = serde_json::json!({
            "id": format!("vaardig:course/coursera-{}", slug(get(id))),
            "labels": {"en": {"pref": get(title)}},
            "description": {"nl": format!("{} van {} (Coursera). Prijs geschat naar soort ({}); de bron noemt geen prijs.", get(kind), get(org), get(kind))},
            "provider": provider_id,
            "price_cents": estimated_price_cents(get(kind)),
            "hours": hours,
            "weeks": weeks,
            "delivery": "online",
            "schedule": "deeltijd",
            "teaches": teaches.iter().map(|s| serde_json::json!({"skill": s})).collect::<Vec<_>>(),
        });
        courses.push_str(&format!("{line}\n"));
        out.records += 1;
    }
    let providers: String = providers
        .iter()
        .map(|(id, name)| {
            format!("{}\n", serde_json::json!({"id": id, "labels": {"en": {"pref": name}, "nl": {"pref": name}}}))
        })
        .collect();
    out.files.insert(
        "bundle.toml".into(),
        manifest(
            "coursera-import",
            "Coursera catalogue (2024 scrape)",
            "Coursera catalogue, scraped 2024 (JenyaGL/coursera-courses-dashboard); internal test use only",
            snapshot.version(),
        ),
    );
    out.files.insert("providers-coursera.jsonl".into(), providers);
    out.files.insert("courses-coursera.jsonl".into(), courses);
    Ok(out)
}

#[derive(serde::Deserialize)]
struct SbbProfile {
    id: i64,
    #[serde(default)]
    dossier: String,
    profiel: String,
    #[serde(default)]
    beroepsbeschrijving: String,
    #[serde(default)]
    kerntaken: Vec<SbbKerntaak>,
    #[serde(default)]
    niveau: serde_json::Value,
}

#[derive(serde::Deserialize)]
struct SbbKerntaak {
    #[serde(default)]
    werkprocessen: Vec<String>,
}

/// Imports SBB kwalificatieprofielen (the JSON sample).
pub fn sbb(engines: &Engines, json: &[u8], source: &str) -> Result<ImportedBundle, String> {
    let snapshot = &*engines.snapshot;
    let profiles: Vec<SbbProfile> = serde_json::from_slice(json).map_err(|e| format!("{source}: {e}"))?;
    let mut out = ImportedBundle::default();
    let mut lines = String::new();
    for profile in profiles {
        let name = profile.profiel.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            continue;
        }
        let mut certifies: Vec<String> = Vec::new();
        for werkproces in profile.kerntaken.iter().flat_map(|k| &k.werkprocessen) {
            let phrase = engines.search.labels.infinitive_phrase(werkproces);
            link_skill(engines, &phrase, "nl", &mut out, &mut certifies);
        }
        let leads_to: Vec<String> = engines
            .search
            .resolve_phrase(snapshot, &name, ConceptKind::Occupation, "nl")
            .into_iter()
            .map(|c| compact_id(&snapshot.concept(c).id))
            .collect();
        // The sample's levels are unreliable (often 1 or empty): only 2–4 are taken, else 2.
        let level = profile.niveau.as_i64().filter(|l| (2..=4).contains(l)).unwrap_or(2);
        let description = format!(
            "{} (kwalificatiedossier {}; crebo onbekend in de bron, code illustratief)",
            profile.beroepsbeschrijving.split_whitespace().take(40).collect::<Vec<_>>().join(" "),
            profile.dossier.trim()
        );
        let line = serde_json::json!({
            "id": format!("vaardig:qualification/sbb-{}", profile.id),
            "labels": {"nl": {"pref": name}},
            "description": {"nl": description},
            "crebo": format!("9{:04}", profile.id.rem_euclid(10_000)),
            "mbo_level": level,
            "leerwegen": ["bol", "bbl"],
            "certifies": certifies,
            "leads_to": leads_to,
        });
        lines.push_str(&format!("{line}\n"));
        out.records += 1;
    }
    out.files.insert(
        "bundle.toml".into(),
        manifest(
            "sbb-import",
            "SBB kwalificatieprofielen (sample)",
            "Bron: SBB kwalificatiedossiers mbo",
            snapshot.version(),
        ),
    );
    out.files.insert("qualifications-sbb.jsonl".into(), lines);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_become_weeks_and_hours() {
        assert_eq!(duration("1 - 3 Months"), (9, 45));
        assert_eq!(duration("1 - 4 Weeks"), (3, 15));
        assert_eq!(duration("Less Than 2 Hours"), (1, 2));
    }
}

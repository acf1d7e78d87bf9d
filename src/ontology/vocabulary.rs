//! Importer for a label vocabulary: another classification's concepts as lists of the labels that
//! name them, without relations (CompetentNL's UWV occupations as its label cache keeps them).
//!
//! The Dutch national ontology names an occupation the way Dutch employers and employment services
//! write it (`Bootsman`), with the other titles in use for it (`Bootspersoon`). Those titles are
//! evidence no ESCO label carries: that two titles mean the same work. Search reads a query that is
//! one of a vocabulary concept's labels also as its other labels ([`crate::search::title`]), and
//! says so in the answer. The concepts are not ours to answer with, so they add no concepts or
//! relations to the snapshot, only [`LabelSet`]s.
//!
//! A vocabulary is a folder of CSV files (plain or gzip) with the header
//! `concept_uri,pref_label,label,label_type` (`label_type` is `prefLabel` or `altLabel`), the
//! layout of the CompetentNL label cache in `../shared/data/competentnl`. Every file with that header
//! is read; other files are ignored. A row with an empty URI or label is an error naming its line.
//!
//! A label whose accented letters were once decoded in the wrong code page (UTF-8 read as the DOS
//! code page 850: `Co├Ârdinator` for `Coördinator`, 117 of CompetentNL's 7,525 titles) is repaired
//! and counted as a warning, so the title people type still finds it.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use super::LoadError;
use super::builder::SnapshotBuilder;
use super::report::Location;
use super::snapshot::{LabelSet, SourceFormat, SourceInfo};

/// The header that marks a vocabulary file.
const HEADER: [&str; 4] = ["concept_uri", "pref_label", "label", "label_type"];

/// How much of a file [`looks_like_vocabulary`] reads to find its header.
const HEADER_PROBE: u64 = 64 * 1024;

/// The CSV files of `dir` (plain or gzip), sorted by name: the files a vocabulary may hold.
fn csv_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".csv") || name.ends_with(".csv.gz")
        })
        .collect();
    files.sort();
    files
}

/// True when `bytes` (the file, or its start) open with [`HEADER`].
fn has_header(bytes: &[u8]) -> bool {
    let mut reader = csv::ReaderBuilder::new().from_reader(super::decompressed(bytes));
    reader.headers().map(|h| h.iter().map(|c| c.trim_start_matches('\u{feff}')).eq(HEADER)).unwrap_or(false)
}

/// True when `dir` holds at least one vocabulary file (a CSV file whose header is [`HEADER`]).
/// Only the start of each file is read.
pub fn looks_like_vocabulary(dir: &Path) -> bool {
    csv_files(dir).iter().any(|path| {
        let mut start = Vec::new();
        std::fs::File::open(path).and_then(|file| file.take(HEADER_PROBE).read_to_end(&mut start)).is_ok()
            && has_header(&start)
    })
}

/// Imports the vocabulary in `dir` into `builder` as one source of label sets.
pub fn import(builder: &mut SnapshotBuilder, dir: &Path) -> Result<(), LoadError> {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("vocabulary").to_string();
    builder.begin_source(SourceInfo {
        name,
        format: SourceFormat::Vocabulary,
        location: dir.display().to_string(),
        version: None,
        licence: None,
        attribution: None,
        synthetic: false,
        concepts: 0,
        relations: 0,
        label_sets: 0,
    });
    for path in csv_files(dir) {
        let display = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|source| LoadError::Io { path: display.clone(), source })?;
        if !has_header(&bytes) {
            continue;
        }
        builder.hash_input(path.file_name().and_then(|n| n.to_str()).unwrap_or(""), &bytes);
        match read(&display, &bytes, HEADER[0], HEADER[2]) {
            Ok(vocabulary) => {
                for (line, written) in vocabulary.repaired {
                    builder.report.warn(
                        "vocabulary.mis_decoded_label",
                        "label whose accented letters were decoded as code page 850; repaired",
                        || format!("{display}:{line}: {written}"),
                    );
                }
                builder.add_label_sets(vocabulary.sets)
            }
            Err((location, reason)) => builder.report.error(location, reason),
        }
    }
    Ok(())
}

/// One vocabulary file, read.
#[derive(Debug, Default)]
pub struct Vocabulary {
    pub sets: Vec<LabelSet>,
    /// The labels repaired by [`repair_code_page_850`]: line and the label as written.
    pub repaired: Vec<(usize, String)>,
}

/// Reads one vocabulary file (`name` for its messages): one [`LabelSet`] per id in `id_column`, with
/// the labels of `label_column`, the `prefLabel` (column `label_type`, when there is one) first and
/// each label once. An empty id or label, an id that is no URI, or a malformed record is an error
/// naming its line and column.
pub fn read(name: &str, bytes: &[u8], id_column: &str, label_column: &str) -> Result<Vocabulary, (Location, String)> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(super::decompressed(bytes));
    let headers = reader.headers().map_err(|e| (Location::file(name), e.to_string()))?.clone();
    let column = |wanted: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == wanted)
            .ok_or_else(|| (Location::file(name).with_field(wanted), "no such column".to_string()))
    };
    let (id_col, label_col) = (column(id_column)?, column(label_column)?);
    let type_col = headers.iter().position(|h| h == "label_type");
    // Id → position in `sets`, which keeps the order of first appearance.
    let mut sets: Vec<LabelSet> = Vec::new();
    let mut repaired = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            (Location::line(name, line), format!("malformed CSV: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let at = |column: &str| Location::line(name, line).with_field(column);
        let id = record.get(id_col).unwrap_or_default().trim();
        let label = record.get(label_col).unwrap_or_default().trim();
        if id.is_empty() || label.is_empty() {
            return Err((at(if id.is_empty() { id_column } else { label_column }), "empty".to_string()));
        }
        let id = crate::model::parse_id(id).map_err(|e| (at(id_column), e.to_string()))?;
        let label = match repair_code_page_850(label) {
            Some(fixed) => {
                repaired.push((line, label.to_string()));
                fixed
            }
            None => label.to_string(),
        };
        let index = *position.entry(id.clone()).or_insert_with(|| {
            sets.push(LabelSet { id, labels: Vec::new() });
            sets.len() - 1
        });
        let labels = &mut sets[index].labels;
        if labels.iter().any(|known| known.eq_ignore_ascii_case(&label)) {
            continue;
        }
        let preferred = type_col.and_then(|c| record.get(c)).is_some_and(|t| t.eq_ignore_ascii_case("prefLabel"));
        if preferred { labels.insert(0, label) } else { labels.push(label) }
    }
    Ok(Vocabulary { sets, repaired })
}

/// The upper half of the DOS code page 850 (bytes 0x80–0xFF), as Windows consoles print it.
const CODE_PAGE_850: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{ad}±‗¾¶§÷¸°¨·¹³²■\u{a0}";

/// `text` as it was before UTF-8 was decoded as code page 850, when it shows the signs of that: a
/// `├` or `┬` (the code page's 0xC3 and 0xC2, the first bytes of every accented Latin letter in
/// UTF-8), which no Dutch title has. `None` when it does not, or when the bytes are no UTF-8.
fn repair_code_page_850(text: &str) -> Option<String> {
    if !text.contains(['├', '┬']) {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            bytes.push(c as u8);
        } else {
            let position = CODE_PAGE_850.chars().position(|known| known == c)?;
            bytes.push(0x80 + position as u8);
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn a_concepts_labels_form_one_set_with_the_preferred_label_first() {
        let dir = folder(&[
            (
                "titles.csv",
                "concept_uri,pref_label,label,label_type\n\
                 u:1,Bootsman,Bootspersoon,altLabel\n\
                 u:1,Bootsman,Bootsman,prefLabel\n\
                 u:2,Zeilmaker,Zeilmaker,prefLabel\n\
                 u:1,Bootsman,bootspersoon,altLabel\n",
            ),
            ("notes.csv", "a,b\n1,2\n"),
        ]);
        assert!(looks_like_vocabulary(dir.path()));
        let mut builder = SnapshotBuilder::new();
        import(&mut builder, dir.path()).unwrap();
        let (snapshot, _) = builder.finish().unwrap();
        let sets = snapshot.label_sets();
        assert_eq!(sets.len(), 2);
        assert_eq!(sets[0].id, "u:1");
        let labels: Vec<&str> = sets[0].labels.iter().map(String::as_str).collect();
        assert_eq!(labels, ["Bootsman", "Bootspersoon"]);
        assert_eq!(snapshot.len(), 0, "a vocabulary adds no concepts");
    }

    #[test]
    fn an_empty_label_is_an_error_naming_its_line() {
        let dir = folder(&[(
            "titles.csv",
            "concept_uri,pref_label,label,label_type\nu:1,Zeilmaker,Zeilmaker,prefLabel\nu:2,,,altLabel\n",
        )]);
        let mut builder = SnapshotBuilder::new();
        import(&mut builder, dir.path()).unwrap();
        let Err(report) = builder.finish() else { panic!("an empty label is an error") };
        let text = report.to_string();
        assert!(text.contains("titles.csv:3: field `label`: empty"), "{text}");
    }

    #[test]
    fn accents_decoded_as_code_page_850_are_repaired_and_counted() {
        assert_eq!(CODE_PAGE_850.chars().count(), 128);
        assert_eq!(repair_code_page_850("Co├Ârdinator caf├®").as_deref(), Some("Coördinator café"));
        assert_eq!(repair_code_page_850("Conci├½rge").as_deref(), Some("Conciërge"));
        assert_eq!(repair_code_page_850("Coördinator"), None, "a label written well stays");
        let dir = folder(&[(
            "titles.csv",
            "concept_uri,pref_label,label,label_type\nu:1,Zeilmaker,Zeilmaker,prefLabel\nu:1,Zeilmaker,Zeilmaker caf├®,altLabel\n",
        )]);
        let mut builder = SnapshotBuilder::new();
        import(&mut builder, dir.path()).unwrap();
        let (snapshot, report) = builder.finish().unwrap();
        assert_eq!(snapshot.label_sets()[0].labels, ["Zeilmaker", "Zeilmaker café"]);
        let warning = report.warning("vocabulary.mis_decoded_label").expect("counted");
        assert_eq!(warning.count, 1);
        assert!(warning.examples[0].ends_with("titles.csv:3: Zeilmaker caf├®"), "{:?}", warning.examples);
    }

    #[test]
    fn a_folder_without_the_header_is_no_vocabulary() {
        let dir = folder(&[("titles.csv", "uri,label\nu:1,Zeilmaker\n")]);
        assert!(!looks_like_vocabulary(dir.path()));
    }
}

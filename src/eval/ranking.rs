//! Search quality: TREC-style queries and qrels in, MRR@10, success@k and recall@10 out.
//!
//! Queries: `query_id<TAB>text` per line. Qrels: `query_id 0 concept_id relevance` (whitespace
//! separated; relevance > 0 is relevant). Concept ids may be compact (`esco:…`).

use std::collections::{HashMap, HashSet};

use crate::model::parse_id;

/// A query with its relevant concept ids.
#[derive(Debug, Clone)]
pub struct Judged {
    pub id: String,
    pub text: String,
    pub relevant: HashSet<String>,
}

pub use super::EvalInputError;

/// Reads queries and qrels; queries without any relevant concept are left out (they cannot be
/// scored), and reported in the second return value.
pub fn read_judgements(
    queries_file: &str,
    queries: &str,
    qrels_file: &str,
    qrels: &str,
) -> Result<(Vec<Judged>, usize), EvalInputError> {
    let mut relevant: HashMap<String, HashSet<String>> = HashMap::new();
    for (i, line) in qrels.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fail = |reason: &str| EvalInputError { file: qrels_file.into(), line: i + 1, reason: reason.into() };
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() != 4 {
            return Err(fail("expected 4 columns: query_id 0 concept_id relevance"));
        }
        let relevance: f64 = cols[3].parse().map_err(|_| fail("relevance is not a number"))?;
        let id = parse_id(cols[2]).map_err(|e| fail(&format!("concept id: {e}")))?;
        if relevance > 0.0 {
            relevant.entry(cols[0].to_string()).or_default().insert(id);
        }
    }
    let mut out = Vec::new();
    let mut unjudged = 0;
    for (i, line) in queries.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((id, text)) = line.split_once('\t') else {
            return Err(EvalInputError {
                file: queries_file.into(),
                line: i + 1,
                reason: "expected query_id<TAB>text".into(),
            });
        };
        match relevant.get(id.trim()) {
            Some(rel) => {
                out.push(Judged { id: id.trim().to_string(), text: text.trim().to_string(), relevant: rel.clone() })
            }
            None => unjudged += 1,
        }
    }
    Ok((out, unjudged))
}

/// The measures over a query set.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Metrics {
    pub queries: usize,
    pub mrr_at_10: f64,
    pub success_at_1: f64,
    pub success_at_5: f64,
    pub success_at_10: f64,
    pub recall_at_10: f64,
}

/// Scores ranked answers (concept ids, best first) against the judgements.
pub fn metrics<'a>(runs: impl IntoIterator<Item = (&'a Judged, Vec<String>)>) -> Metrics {
    let mut m = Metrics::default();
    for (judged, ranked) in runs {
        m.queries += 1;
        let top: Vec<&String> = ranked.iter().take(10).collect();
        if let Some(rank) = top.iter().position(|id| judged.relevant.contains(*id)) {
            m.mrr_at_10 += 1.0 / (rank + 1) as f64;
            m.success_at_1 += f64::from(rank < 1);
            m.success_at_5 += f64::from(rank < 5);
            m.success_at_10 += 1.0;
        }
        let found = top.iter().filter(|id| judged.relevant.contains(**id)).count();
        m.recall_at_10 += found as f64 / judged.relevant.len() as f64;
    }
    let n = m.queries.max(1) as f64;
    m.mrr_at_10 /= n;
    m.success_at_1 /= n;
    m.success_at_5 /= n;
    m.success_at_10 /= n;
    m.recall_at_10 /= n;
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_trec_measures() {
        let (judged, unjudged) = read_judgements(
            "q.tsv",
            "1\tlasser\n2\tkok\n3\tgeen oordeel\n",
            "qrels.tsv",
            "1 0 esco:a/1 1\n2 0 esco:a/2 1\n2 0 esco:a/3 1\n",
        )
        .unwrap();
        assert_eq!(unjudged, 1);
        let id = |s: &str| parse_id(s).unwrap();
        let runs = vec![(&judged[0], vec![id("esco:a/9"), id("esco:a/1")]), (&judged[1], vec![id("esco:a/2")])];
        let m = metrics(runs);
        assert_eq!(m.queries, 2);
        assert!((m.mrr_at_10 - 0.75).abs() < 1e-9);
        assert!((m.success_at_1 - 0.5).abs() < 1e-9);
        assert!((m.success_at_10 - 1.0).abs() < 1e-9);
        assert!((m.recall_at_10 - 0.75).abs() < 1e-9);
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let err = read_judgements("q.tsv", "1\tx\n", "qrels.tsv", "1 0 esco:a/1\n").unwrap_err();
        assert_eq!(err.to_string(), "qrels.tsv:1: expected 4 columns: query_id 0 concept_id relevance");
    }
}

//! Career-transition quality: an origin occupation with the occupations experts relate to it
//! (O\*NET's Related Occupations carried over to ESCO) → precision@10, success@10 and the median
//! rank of the first relevant occupation.
//!
//! Input: a header line `origin<TAB>relevant`, then per line an origin id, a tab and the relevant
//! ids separated by spaces. Ids may be compact (`esco:…`).

use std::collections::HashSet;

use super::EvalInputError;
use crate::model::parse_id;

/// An origin with the occupations judged related to it.
#[derive(Debug, Clone)]
pub struct RelatedJudged {
    pub origin: String,
    pub relevant: HashSet<String>,
}

/// Reads the judgements; a header line starting with `origin` is skipped.
pub fn read_related(file: &str, text: &str) -> Result<Vec<RelatedJudged>, EvalInputError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') || (i == 0 && line.starts_with("origin")) {
            continue;
        }
        let fail = |reason: String| EvalInputError { file: file.into(), line: i + 1, reason };
        let (origin, relevant) =
            line.split_once('\t').ok_or_else(|| fail("expected origin<TAB>relevant ids".into()))?;
        let origin = parse_id(origin.trim()).map_err(|e| fail(format!("origin id: {e}")))?;
        let relevant = relevant
            .split_whitespace()
            .map(|id| parse_id(id).map_err(|e| fail(format!("relevant id `{id}`: {e}"))))
            .collect::<Result<HashSet<String>, _>>()?;
        if relevant.is_empty() {
            return Err(fail("no relevant ids".into()));
        }
        out.push(RelatedJudged { origin, relevant });
    }
    Ok(out)
}

/// The measures over a set of origins.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RelatedMetrics {
    pub origins: usize,
    /// Mean share of relevant occupations among the first 10 answers.
    pub precision_at_10: f64,
    /// Share of origins with a relevant occupation among the first 10.
    pub success_at_10: f64,
    /// Mean share of an origin's relevant occupations found in the first 10 (at most 10 can be).
    pub recall_at_10: f64,
    pub mrr_at_10: f64,
    /// Median rank (1-based) of the first relevant answer; `None` when more than half of the
    /// origins have none among the answers given.
    pub median_first_relevant_rank: Option<usize>,
    /// How deep the answers went (the rank at which a first relevant answer counts as not found).
    pub depth: usize,
}

/// Scores ranked answers (occupation ids, best first, the origin left out) per origin.
pub fn metrics<'a>(runs: impl IntoIterator<Item = (&'a RelatedJudged, Vec<String>)>, depth: usize) -> RelatedMetrics {
    let mut m = RelatedMetrics { depth, ..Default::default() };
    let mut first_ranks: Vec<usize> = Vec::new();
    for (judged, ranked) in runs {
        m.origins += 1;
        let top = ranked.iter().take(10);
        let hits = top.filter(|id| judged.relevant.contains(*id)).count();
        m.precision_at_10 += hits as f64 / 10.0;
        m.recall_at_10 += hits as f64 / judged.relevant.len().min(10) as f64;
        let first = ranked.iter().take(depth).position(|id| judged.relevant.contains(id));
        if let Some(rank) = first {
            if rank < 10 {
                m.success_at_10 += 1.0;
                m.mrr_at_10 += 1.0 / (rank + 1) as f64;
            }
        }
        first_ranks.push(first.map_or(usize::MAX, |r| r + 1));
    }
    let n = m.origins.max(1) as f64;
    m.precision_at_10 /= n;
    m.success_at_10 /= n;
    m.recall_at_10 /= n;
    m.mrr_at_10 /= n;
    first_ranks.sort_unstable();
    m.median_first_relevant_rank = first_ranks.get(first_ranks.len() / 2).copied().filter(|r| *r != usize::MAX);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_and_scores_precision_at_10() {
        let judged = read_related(
            "r.tsv",
            "origin\trelevant\nesco:occupation/a\tesco:occupation/b esco:occupation/c\nesco:occupation/d\tesco:occupation/e\n",
        )
        .unwrap();
        assert_eq!(judged.len(), 2);
        let id = |s: &str| parse_id(s).unwrap();
        let mut first = vec![id("esco:occupation/x"), id("esco:occupation/c"), id("esco:occupation/b")];
        first.extend((0..7).map(|i| id(&format!("esco:occupation/y{i}"))));
        let second: Vec<String> = (0..20).map(|i| id(&format!("esco:occupation/z{i}"))).collect();
        let m = metrics(vec![(&judged[0], first), (&judged[1], second)], 20);
        assert_eq!(m.origins, 2);
        assert!((m.precision_at_10 - 0.1).abs() < 1e-9, "{}", m.precision_at_10);
        assert!((m.success_at_10 - 0.5).abs() < 1e-9);
        assert!((m.recall_at_10 - 0.5).abs() < 1e-9);
        assert!((m.mrr_at_10 - 0.25).abs() < 1e-9);
        assert_eq!(m.median_first_relevant_rank, None, "one of two origins has no relevant answer");
    }

    #[test]
    fn a_line_without_tab_names_the_line() {
        let err = read_related("r.tsv", "origin\trelevant\nesco:occupation/a esco:occupation/b\n").unwrap_err();
        assert_eq!(err.to_string(), "r.tsv:2: expected origin<TAB>relevant ids");
    }
}

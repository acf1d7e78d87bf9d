//! Listing the concepts of a snapshot: every concept passing a filter, in id order.
//!
//! Users of the ontology first want the whole vocabulary (to index it, to fill dropdowns, to map
//! their own codes). The order is the concepts' ids, so that pages of one snapshot never overlap
//! or skip, whatever order the sources gave them in.

use super::{ConceptIdx, Snapshot};
use crate::model::{ConceptKind, Details, SkillType, Status};

/// Which concepts by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Released and deprecated alike.
    #[default]
    Any,
    Released,
    Deprecated,
}

/// The filters of a list; `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConceptFilter {
    pub kind: Option<ConceptKind>,
    pub status: StatusFilter,
    /// Leading digits of an ISCO-08 code: only occupations with such a code and ISCO groups
    /// with such a code match.
    pub isco_prefix: Option<String>,
    /// Only skills of this type.
    pub skill_type: Option<SkillType>,
    /// Only concepts defined by the source of this name.
    pub source: Option<String>,
}

impl ConceptFilter {
    /// A canonical text of the filter, to bind page tokens to it.
    pub fn key(&self) -> String {
        format!(
            "{}|{:?}|{}|{}|{}",
            self.kind.map(|k| k.as_str()).unwrap_or_default(),
            self.status,
            self.isco_prefix.as_deref().unwrap_or_default(),
            self.skill_type.map(|t| t.as_str()).unwrap_or_default(),
            self.source.as_deref().unwrap_or_default()
        )
    }
}

impl Snapshot {
    /// Every concept passing `filter`, ordered by id.
    pub fn list(&self, filter: &ConceptFilter) -> Vec<ConceptIdx> {
        let source = filter.source.as_deref().map(|name| self.sources().iter().position(|s| s.name == name));
        let mut found: Vec<ConceptIdx> = self
            .concepts()
            .filter(|(_, c)| filter.kind.is_none_or(|k| c.kind == k))
            .filter(|(_, c)| match filter.status {
                StatusFilter::Any => true,
                StatusFilter::Released => c.status == Status::Released,
                StatusFilter::Deprecated => c.status != Status::Released,
            })
            .filter(|(_, c)| {
                filter.isco_prefix.as_deref().is_none_or(|prefix| {
                    let code = match &c.details {
                        Details::Occupation(o) => o.isco_code.as_deref(),
                        Details::IscoGroup { code } => Some(&**code),
                        _ => None,
                    };
                    code.is_some_and(|code| code.starts_with(prefix))
                })
            })
            .filter(|(_, c)| {
                filter.skill_type.is_none_or(|t| matches!(&c.details, Details::Skill(s) if s.skill_type == t))
            })
            .filter(|(_, c)| source.is_none_or(|wanted| wanted == Some(c.source as usize)))
            .map(|(idx, _)| idx)
            .collect();
        found.sort_by(|a, b| self.concept(*a).id.cmp(&self.concept(*b).id));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontology::{SourceSpec, load};

    fn embedded() -> Snapshot {
        load(&[SourceSpec::Embedded]).unwrap().0
    }

    #[test]
    fn lists_every_concept_once_in_id_order() {
        let snapshot = embedded();
        let all = snapshot.list(&ConceptFilter::default());
        assert_eq!(all.len(), snapshot.len());
        let ids: Vec<&str> = all.iter().map(|i| &*snapshot.concept(*i).id).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "not strictly ordered by id");
    }

    #[test]
    fn filters_combine() {
        let snapshot = embedded();
        let knowledge = ConceptFilter { skill_type: Some(SkillType::Knowledge), ..Default::default() };
        let found = snapshot.list(&knowledge);
        assert!(!found.is_empty());
        assert!(found.iter().all(|i| matches!(&snapshot.concept(*i).details,
            Details::Skill(s) if s.skill_type == SkillType::Knowledge)));
        let nurses =
            ConceptFilter { kind: Some(ConceptKind::Occupation), isco_prefix: Some("71".into()), ..Default::default() };
        let found = snapshot.list(&nurses);
        assert!(!found.is_empty());
        assert!(found.iter().all(|i| matches!(&snapshot.concept(*i).details,
            Details::Occupation(o) if o.isco_code.as_deref().is_some_and(|c| c.starts_with("71")))));
        let nowhere = ConceptFilter { source: Some("no such source".into()), ..Default::default() };
        assert!(snapshot.list(&nowhere).is_empty());
    }
}

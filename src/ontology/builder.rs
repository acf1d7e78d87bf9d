//! Assembles concepts and relations from layered sources into an immutable [`Snapshot`].
//!
//! Importers add concepts and relations in source order. A relation may name a concept that a later
//! line or file defines, so references are resolved only in [`SnapshotBuilder::finish`], which also
//! checks the hierarchies for cycles and computes the content-hash version.

use std::collections::HashMap;

use super::report::{Location, Report};
use super::snapshot::{ConceptIdx, LabelSet, Snapshot, SourceInfo};
use crate::model::{Concept, ConceptKind, Details, LabelForm, Relation, RelationKind, Status};

/// A relation whose endpoints are resolved at the end of the load.
struct PendingRelation {
    from: Box<str>,
    to: Box<str>,
    relation: Relation,
    /// The kinds the target must have, where the field that named it implies one.
    expect_to: Option<&'static [ConceptKind]>,
    location: Location,
    source: u16,
}

/// A reference from a concept field (not a relation) that must resolve, e.g. a course's provider.
struct PendingReference {
    id: Box<str>,
    expect: &'static [ConceptKind],
    location: Location,
}

/// Collects the sources of one snapshot.
pub struct SnapshotBuilder {
    concepts: Vec<Concept>,
    index: HashMap<Box<str>, u32>,
    /// Resolved relations: (from, to, attributes, index of the source that stated it).
    edges: Vec<(u32, u32, Relation, u16)>,
    pending: Vec<PendingRelation>,
    references: Vec<PendingReference>,
    sources: Vec<SourceInfo>,
    label_sets: Vec<LabelSet>,
    hasher: blake3::Hasher,
    /// Errors and warnings so far; importers write into it directly.
    pub report: Report,
}

impl Default for SnapshotBuilder {
    fn default() -> Self {
        SnapshotBuilder::new()
    }
}

impl SnapshotBuilder {
    pub fn new() -> SnapshotBuilder {
        let mut hasher = blake3::Hasher::new();
        // Bump when the meaning of a snapshot changes for the same input bytes.
        hasher.update(b"vaardig-snapshot-v1\0");
        SnapshotBuilder {
            concepts: Vec::new(),
            index: HashMap::new(),
            edges: Vec::new(),
            pending: Vec::new(),
            references: Vec::new(),
            sources: Vec::new(),
            label_sets: Vec::new(),
            hasher,
            report: Report::default(),
        }
    }

    /// Starts a new source; concepts added from now on belong to it.
    pub fn begin_source(&mut self, info: SourceInfo) {
        self.hasher.update(info.name.as_bytes());
        self.hasher.update(b"\0");
        self.sources.push(info);
    }

    /// Feeds the bytes of a source file into the content hash.
    pub fn hash_input(&mut self, name: &str, bytes: &[u8]) {
        self.hasher.update(name.as_bytes());
        self.hasher.update(&(bytes.len() as u64).to_le_bytes());
        self.hasher.update(bytes);
    }

    /// Adds a label vocabulary's concepts ([`super::vocabulary`]).
    pub fn add_label_sets(&mut self, sets: Vec<LabelSet>) {
        if let Some(source) = self.source_mut() {
            source.label_sets += sets.len();
        }
        self.label_sets.extend(sets);
    }

    /// The sources begun so far, in order.
    pub fn sources(&self) -> &[SourceInfo] {
        &self.sources
    }

    fn current_source(&self) -> u16 {
        self.sources.len().saturating_sub(1) as u16
    }

    fn source_mut(&mut self) -> Option<&mut SourceInfo> {
        self.sources.last_mut()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    pub fn lookup(&self, id: &str) -> Option<ConceptIdx> {
        self.index.get(id).map(|&i| ConceptIdx(i))
    }

    pub fn concept_mut(&mut self, idx: ConceptIdx) -> &mut Concept {
        &mut self.concepts[idx.0 as usize]
    }

    pub fn concept(&self, idx: ConceptIdx) -> &Concept {
        &self.concepts[idx.0 as usize]
    }

    /// Adds a concept. When an earlier source already defined the id with the same kind, the new
    /// definition is layered onto it ([`merge_layer`]): that is how a Dutch bundle enriches ESCO
    /// concepts. The same id twice within one source, or with another kind, is an error.
    pub fn add_concept(&mut self, mut concept: Concept, location: impl FnOnce() -> Location) -> Option<ConceptIdx> {
        if let Some(&existing) = self.index.get(&concept.id) {
            let current = self.current_source();
            let first = &mut self.concepts[existing as usize];
            if first.source != current && first.kind == concept.kind {
                merge_layer(first, concept);
                return Some(ConceptIdx(existing));
            }
            let source = self.sources.get(first.source as usize).map(|s| s.name.as_str()).unwrap_or("?");
            let reason = if first.source == current {
                format!("duplicate id `{}`: defined twice in source `{source}`", concept.id)
            } else {
                format!("id `{}` is already a {} in source `{source}`, not a {}", concept.id, first.kind, concept.kind)
            };
            self.report.error(location().with_field("id"), reason);
            return None;
        }
        concept.source = self.current_source();
        let idx = self.concepts.len() as u32;
        self.index.insert(concept.id.clone(), idx);
        self.concepts.push(concept);
        if let Some(source) = self.source_mut() {
            source.concepts += 1;
        }
        Some(ConceptIdx(idx))
    }

    /// Adds a relation between two concepts that are known to exist.
    pub fn add_edge(&mut self, from: ConceptIdx, to: ConceptIdx, relation: Relation) {
        let source = self.current_source();
        self.edges.push((from.0, to.0, relation, source));
        if let Some(source) = self.source_mut() {
            source.relations += 1;
        }
    }

    /// Adds a relation by ids; it is resolved (and checked) when the load finishes.
    pub fn add_relation(
        &mut self,
        from: &str,
        to: &str,
        relation: Relation,
        expect_to: Option<&'static [ConceptKind]>,
        location: Location,
    ) {
        let source = self.current_source();
        self.pending.push(PendingRelation { from: from.into(), to: to.into(), relation, expect_to, location, source });
        if let Some(source) = self.source_mut() {
            source.relations += 1;
        }
    }

    /// Records a field reference that must resolve to a concept of one of `expect` kinds.
    pub fn expect_reference(&mut self, id: &str, expect: &'static [ConceptKind], location: Location) {
        self.references.push(PendingReference { id: id.into(), expect, location });
    }

    /// Resolves references, checks the hierarchies and freezes the snapshot. Returns the report
    /// (with its errors) when anything is invalid.
    pub fn finish(mut self) -> Result<(Snapshot, Report), Report> {
        self.resolve_pending();
        self.check_references();
        self.check_replacements();
        for kind in [RelationKind::Broader, RelationKind::Prerequisite] {
            self.check_acyclic(kind);
        }
        if self.report.has_errors() {
            return Err(self.report);
        }
        self.dedup_edges();
        let hash = self.hasher.finalize().to_hex();
        let version = format!("v{}", &hash.as_str()[..16]);
        let edges = self.edges.into_iter().map(|(from, to, relation, _)| (from, to, relation));
        let snapshot =
            Snapshot::new(version, self.sources, self.concepts, self.index, edges).with_label_sets(self.label_sets);
        Ok((snapshot, self.report))
    }

    /// One relation per (from, to, kind): when sources state the same relation twice (a Dutch
    /// bundle restating an ESCO requirement), the later statement wins, so a later layer can, for
    /// example, make an optional requirement essential.
    fn dedup_edges(&mut self) {
        let mut edges = std::mem::take(&mut self.edges);
        // Stable sort keeps source order within a group; keep the last of each group.
        edges.sort_by_key(|(from, to, relation, _)| (*from, *to, relation.kind));
        let mut kept: Vec<(u32, u32, Relation, u16)> = Vec::with_capacity(edges.len());
        for edge in edges {
            match kept.last_mut() {
                Some(last) if (last.0, last.1, last.2.kind) == (edge.0, edge.1, edge.2.kind) => *last = edge,
                _ => kept.push(edge),
            }
        }
        self.edges = kept;
    }

    fn resolve_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for p in pending {
            let from = self.index.get(&p.from).copied();
            let to = self.index.get(&p.to).copied();
            match (from, to) {
                (Some(from), Some(to)) => {
                    if let Some(expect) = p.expect_to {
                        let kind = self.concepts[to as usize].kind;
                        if !expect.contains(&kind) {
                            self.report
                                .error(p.location, format!("`{}` is a {kind}, expected {}", p.to, kinds_text(expect)));
                            continue;
                        }
                    }
                    self.edges.push((from, to, p.relation, p.source));
                }
                (None, _) => self.report.error(p.location, format!("unknown concept `{}`", p.from)),
                (_, None) => self.report.error(p.location, format!("unknown concept `{}`", p.to)),
            }
        }
    }

    fn check_references(&mut self) {
        let references = std::mem::take(&mut self.references);
        for r in references {
            match self.index.get(&r.id) {
                None => self.report.error(r.location, format!("unknown concept `{}`", r.id)),
                Some(&idx) => {
                    let kind = self.concepts[idx as usize].kind;
                    if !r.expect.contains(&kind) {
                        self.report
                            .error(r.location, format!("`{}` is a {kind}, expected {}", r.id, kinds_text(r.expect)));
                    }
                }
            }
        }
    }

    fn check_replacements(&mut self) {
        let mut problems = Vec::new();
        for concept in &self.concepts {
            if let Status::Deprecated { replaced_by: Some(target) } = &concept.status {
                if !self.index.contains_key(target) {
                    problems.push((concept.id.clone(), target.clone()));
                }
            }
        }
        for (id, target) in problems {
            let source = self.concepts[self.index[&id] as usize].source as usize;
            let file = self.sources.get(source).map(|s| s.location.clone()).unwrap_or_default();
            self.report.error(
                Location::file(file).with_field("replaced_by"),
                format!("`{id}` is replaced by unknown concept `{target}`"),
            );
        }
        self.check_replacement_loops();
    }

    /// A replaced-by chain that loops has no live end: client systems following it to repair a
    /// stored id would never arrive. Each loop is reported once, at its smallest id.
    fn check_replacement_loops(&mut self) {
        let successor = |concept: &Concept| match &concept.status {
            Status::Deprecated { replaced_by: Some(target) } => Some(target.clone()),
            _ => None,
        };
        let mut loops = Vec::new();
        for concept in &self.concepts {
            let mut chain = vec![concept.id.clone()];
            let mut current = successor(concept);
            while let Some(next) = current {
                if next == concept.id {
                    if chain.iter().all(|id| *id >= concept.id) {
                        chain.push(next);
                        loops.push((concept.source as usize, chain));
                    }
                    break;
                }
                if chain.contains(&next) || chain.len() > self.concepts.len() {
                    break; // a loop further on, reported from its own smallest id
                }
                current = self.index.get(&next).and_then(|&i| successor(&self.concepts[i as usize]));
                chain.push(next);
            }
        }
        for (source, chain) in loops {
            let file = self.sources.get(source).map(|s| s.location.clone()).unwrap_or_default();
            let path: Vec<&str> = chain.iter().map(|id| &**id).collect();
            self.report.error(
                Location::file(file).with_field("replaced_by"),
                format!("replaced_by loops: {}", path.join(" → ")),
            );
        }
    }

    /// Finds a cycle among the edges of `kind` with an iterative depth-first search (ESCO's
    /// hierarchies are deep enough that recursion is a risk) and reports its path.
    fn check_acyclic(&mut self, kind: RelationKind) {
        let n = self.concepts.len();
        // adjacency[from] = (to, source that stated the edge)
        let mut adjacency: Vec<Vec<(u32, u16)>> = vec![Vec::new(); n];
        for (from, to, relation, source) in &self.edges {
            if relation.kind == kind {
                adjacency[*from as usize].push((*to, *source));
            }
        }
        // 0 = unvisited, 1 = on the stack, 2 = done.
        let mut state = vec![0u8; n];
        for start in 0..n {
            if state[start] != 0 || adjacency[start].is_empty() {
                continue;
            }
            // (node, next child to try, source of the edge that led here)
            let mut stack: Vec<(u32, usize, u16)> = vec![(start as u32, 0, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next, _)) = stack.last_mut() {
                if let Some(&(child, source)) = adjacency[node as usize].get(*next) {
                    *next += 1;
                    match state[child as usize] {
                        0 => {
                            state[child as usize] = 1;
                            stack.push((child, 0, source));
                        }
                        1 => {
                            self.report_cycle(kind, &stack, child, source);
                            return;
                        }
                        _ => {}
                    }
                } else {
                    state[node as usize] = 2;
                    stack.pop();
                }
            }
        }
    }

    /// Reports the cycle that closes at `child`: each step names the source that stated it, and
    /// the error is located at the source of the closing edge.
    fn report_cycle(&mut self, kind: RelationKind, stack: &[(u32, usize, u16)], child: u32, closing: u16) {
        let source_name = |s: u16| self.sources.get(s as usize).map(|s| s.name.as_str()).unwrap_or("?");
        let position = stack.iter().position(|(n, _, _)| *n == child).unwrap_or(0);
        let mut path = vec![self.concepts[child as usize].id.to_string()];
        for (node, _, source) in &stack[position + 1..] {
            path.push(format!("{} (per {})", self.concepts[*node as usize].id, source_name(*source)));
        }
        path.push(format!("{} (per {})", self.concepts[child as usize].id, source_name(closing)));
        let message = format!("cycle in the `{kind}` hierarchy: {}", path.join(" → "));
        let file = self.sources.get(closing as usize).map(|s| s.location.clone()).unwrap_or_default();
        self.report.error(Location::file(file).with_field(kind.as_str()), message);
    }
}

/// Layers a later source's definition of a concept onto the earlier one. The earlier preferred
/// label of a language stays (a later one becomes an alternative), labels and descriptions in new
/// languages are added, and facts only the later source knows (kansberoep, sectors, codes) are set.
/// A funding scheme restated by a later source takes the later definition whole (validity, sources,
/// rules): that is how a policy change ships as a data layer instead of an edit of the default.
fn merge_layer(existing: &mut Concept, later: Concept) {
    if let (Details::FundingScheme(_), Details::FundingScheme(_)) = (&existing.details, &later.details) {
        existing.details = later.details.clone();
    }
    for label in later.labels {
        let has_pref = existing.labels.iter().any(|l| l.form == LabelForm::Preferred && l.lang == label.lang);
        let form = if label.form == LabelForm::Preferred && has_pref { LabelForm::Alternative } else { label.form };
        existing.add_label(&label.lang, form, &label.text);
    }
    for description in later.descriptions {
        if !existing.descriptions.iter().any(|d| d.lang == description.lang) {
            existing.set_description(&description.lang, &description.text);
        }
    }
    if let (Details::Occupation(old), Details::Occupation(new)) = (&mut existing.details, later.details) {
        old.kansberoep |= new.kansberoep;
        for sector in new.sectors {
            if !old.sectors.contains(&sector) {
                old.sectors.push(sector);
            }
        }
        if old.isco_code.is_none() {
            old.isco_code = new.isco_code;
        }
    }
}

fn kinds_text(kinds: &[ConceptKind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    names.join(" or ")
}

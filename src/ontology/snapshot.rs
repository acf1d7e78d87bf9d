//! The immutable, versioned ontology every engine reads.
//!
//! Concepts are interned to dense indices ([`ConceptIdx`]) so engines can keep per-concept data in
//! plain vectors; relations are the edges of a petgraph graph whose node `i` is concept `i`. A
//! snapshot never changes after it is built: a new ontology is a new snapshot with a new version.

use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap, VecDeque};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{Concept, ConceptKind, Relation, RelationKind};

/// Dense index of a concept inside one snapshot. Not stable across snapshots: use ids for that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct ConceptIdx(pub u32);

impl ConceptIdx {
    fn node(self) -> NodeIndex<u32> {
        NodeIndex::new(self.0 as usize)
    }
}

/// The format a source was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SourceFormat {
    /// The European Commission's ESCO CSV export.
    Esco,
    /// A vaardig bundle (JSON Lines).
    Bundle,
    /// A label vocabulary: another classification's concepts as label lists ([`super::vocabulary`]).
    Vocabulary,
}

impl SourceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Esco => "esco",
            SourceFormat::Bundle => "bundle",
            SourceFormat::Vocabulary => "vocabulary",
        }
    }
}

/// What one loaded source was and what it contributed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SourceInfo {
    pub name: String,
    pub format: SourceFormat,
    /// The path it was read from (`embedded:…` for the built-in default).
    pub location: String,
    pub version: Option<String>,
    pub licence: Option<String>,
    /// The attribution its licence requires.
    pub attribution: Option<String>,
    /// Generated data (e.g. a synthetic course register) is marked as such.
    pub synthetic: bool,
    pub concepts: usize,
    pub relations: usize,
    /// The label sets a label vocabulary added.
    #[serde(default)]
    pub label_sets: usize,
}

/// The labels of one concept of another classification, its preferred label first
/// ([`super::vocabulary`]): titles that mean the same work.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LabelSet {
    /// The concept's id in its own classification (a CompetentNL URI).
    pub id: String,
    pub labels: Vec<String>,
}

/// Which way to follow relations from a concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Relations where the concept is the subject (`from`).
    Outgoing,
    /// Relations where the concept is the object (`to`).
    Incoming,
}

impl Dir {
    fn petgraph(self) -> Direction {
        match self {
            Dir::Outgoing => Direction::Outgoing,
            Dir::Incoming => Direction::Incoming,
        }
    }
}

/// One relation seen from a concept: the other end and the edge attributes.
#[derive(Debug, Clone, Copy)]
pub struct RelationView {
    pub other: ConceptIdx,
    pub relation: Relation,
}

/// One concept reached in a hierarchy walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HierarchyNode {
    pub concept: ConceptIdx,
    /// 1 = direct parent (ancestors) or direct child (descendants).
    pub depth: u32,
    /// The concept through which this one was reached (the start concept for depth 1).
    pub via: ConceptIdx,
}

/// Ancestors and descendants of a concept along `broader`.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    pub ancestors: Vec<HierarchyNode>,
    pub descendants: Vec<HierarchyNode>,
    /// True when `max_nodes` cut a list short.
    pub truncated: bool,
}

/// Counts per concept kind and relation kind.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub concepts: BTreeMap<ConceptKind, usize>,
    pub relations: BTreeMap<RelationKind, usize>,
    pub deprecated: usize,
}

/// An immutable, versioned ontology.
#[derive(Debug)]
pub struct Snapshot {
    version: String,
    sources: Vec<SourceInfo>,
    concepts: Vec<Concept>,
    /// Id → position. FxHash: every request resolves its ids here (a skill gap up to 2,000), and
    /// SipHash was a tenth of a ComputeSkillGap; the table is built from the data, so a caller's
    /// ids cannot lengthen its probe sequences.
    index: FxHashMap<Box<str>, u32>,
    graph: DiGraph<(), Relation, u32>,
    stats: Stats,
    /// Per concept: where in its `labels` the display label in Dutch and in English is (what
    /// [`Concept::pref_label`] answers for `nl` and `en`; `u32::MAX` for the id). Answers name
    /// dozens of concepts each, and finding the label scanned the labels comparing language tags,
    /// a cache miss per tag.
    display: Vec<[u32; 2]>,
    /// Label vocabularies' concepts, in the order they were read.
    label_sets: Vec<LabelSet>,
}

/// The languages [`Snapshot::pref_label`] has precomputed, in the order of its table.
const DISPLAY_LANGS: [&str; 2] = ["nl", "en"];

impl Snapshot {
    pub(super) fn new(
        version: String,
        sources: Vec<SourceInfo>,
        concepts: Vec<Concept>,
        index: HashMap<Box<str>, u32>,
        edges: impl ExactSizeIterator<Item = (u32, u32, Relation)>,
    ) -> Snapshot {
        let mut graph: DiGraph<(), Relation, u32> = DiGraph::with_capacity(concepts.len(), edges.len());
        for _ in 0..concepts.len() {
            graph.add_node(());
        }
        for (from, to, relation) in edges {
            graph.add_edge(NodeIndex::new(from as usize), NodeIndex::new(to as usize), relation);
        }
        let mut stats = Stats::default();
        for kind in ConceptKind::ALL {
            stats.concepts.insert(*kind, 0);
        }
        for concept in &concepts {
            *stats.concepts.entry(concept.kind).or_default() += 1;
            if !matches!(concept.status, crate::model::Status::Released) {
                stats.deprecated += 1;
            }
        }
        for edge in graph.edge_weights() {
            *stats.relations.entry(edge.kind).or_default() += 1;
        }
        let index: FxHashMap<Box<str>, u32> = index.into_iter().collect();
        let display = concepts
            .iter()
            .map(|concept| {
                DISPLAY_LANGS.map(|lang| {
                    let text = concept.pref_label(lang);
                    concept
                        .labels
                        .iter()
                        .position(|label| std::ptr::eq(&*label.text, text))
                        .map_or(u32::MAX, |i| i as u32)
                })
            })
            .collect();
        Snapshot { version, sources, concepts, index, graph, stats, display, label_sets: Vec::new() }
    }

    /// The concept's preferred label in `lang`, exactly as [`Concept::pref_label`] answers it, from
    /// a table for Dutch and English.
    pub fn pref_label(&self, idx: ConceptIdx, lang: &str) -> &str {
        let concept = self.concept(idx);
        let Some(column) = DISPLAY_LANGS.iter().position(|l| *l == lang) else { return concept.pref_label(lang) };
        match self.display[idx.0 as usize][column] {
            u32::MAX => &concept.id,
            i => &concept.labels[i as usize].text,
        }
    }

    /// The concepts in index order and the relations in edge order, the parts [`Self::new`] takes
    /// (what [`super::persisted`] writes).
    pub(super) fn parts(&self) -> (&[Concept], impl Iterator<Item = (u32, u32, Relation)> + '_) {
        let edges =
            self.graph.raw_edges().iter().map(|e| (e.source().index() as u32, e.target().index() as u32, e.weight));
        (&self.concepts, edges)
    }

    /// The snapshot with the label vocabularies' concepts.
    pub(super) fn with_label_sets(mut self, label_sets: Vec<LabelSet>) -> Snapshot {
        self.label_sets = label_sets;
        self
    }

    /// The label vocabularies' concepts (another classification's titles for the same work).
    pub fn label_sets(&self) -> &[LabelSet] {
        &self.label_sets
    }

    /// The content-hash version id; every API answer carries it.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn sources(&self) -> &[SourceInfo] {
        &self.sources
    }

    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Looks up a concept by its full id (expand compact ids first, see [`crate::model::parse_id`]).
    pub fn lookup(&self, id: &str) -> Option<ConceptIdx> {
        self.index.get(id).map(|&i| ConceptIdx(i))
    }

    pub fn concept(&self, idx: ConceptIdx) -> &Concept {
        &self.concepts[idx.0 as usize]
    }

    pub fn get(&self, id: &str) -> Option<&Concept> {
        self.lookup(id).map(|idx| self.concept(idx))
    }

    pub fn concepts(&self) -> impl Iterator<Item = (ConceptIdx, &Concept)> {
        self.concepts.iter().enumerate().map(|(i, c)| (ConceptIdx(i as u32), c))
    }

    /// All concepts of one kind, in load order.
    pub fn concepts_of(&self, kind: ConceptKind) -> impl Iterator<Item = (ConceptIdx, &Concept)> {
        self.concepts().filter(move |(_, c)| c.kind == kind)
    }

    /// The relations of `idx` in direction `dir`, optionally of one kind, in a stable order
    /// (the order the sources gave them), so that pagination by offset is deterministic.
    pub fn relations(&self, idx: ConceptIdx, dir: Dir, kind: Option<RelationKind>) -> Vec<RelationView> {
        let mut views: Vec<(usize, RelationView)> = self
            .graph
            .edges_directed(idx.node(), dir.petgraph())
            .filter(|edge| kind.is_none_or(|k| edge.weight().kind == k))
            .map(|edge| {
                let other = match dir {
                    Dir::Outgoing => edge.target(),
                    Dir::Incoming => edge.source(),
                };
                (edge.id().index(), RelationView { other: ConceptIdx(other.index() as u32), relation: *edge.weight() })
            })
            .collect();
        views.sort_by_key(|(edge, _)| *edge);
        views.into_iter().map(|(_, view)| view).collect()
    }

    /// How many relations a concept takes part in, in both directions: a rough measure of how
    /// central it is (a skill many occupations require, a well-described occupation).
    pub fn degree(&self, idx: ConceptIdx) -> usize {
        self.graph.edges_directed(idx.node(), Direction::Outgoing).count()
            + self.graph.edges_directed(idx.node(), Direction::Incoming).count()
    }

    /// Walks `broader` up (ancestors) and down (descendants) breadth-first to `depth` levels,
    /// visiting each concept once and stopping after `max_nodes` per direction.
    pub fn hierarchy(&self, idx: ConceptIdx, depth: u32, max_nodes: usize) -> Hierarchy {
        let (ancestors, cut_up) = self.walk(idx, Dir::Outgoing, depth, max_nodes);
        let (descendants, cut_down) = self.walk(idx, Dir::Incoming, depth, max_nodes);
        Hierarchy { ancestors, descendants, truncated: cut_up || cut_down }
    }

    fn walk(&self, start: ConceptIdx, dir: Dir, depth: u32, max_nodes: usize) -> (Vec<HierarchyNode>, bool) {
        let mut seen = std::collections::HashSet::from([start]);
        let mut queue = VecDeque::from([(start, 0u32)]);
        let mut out = Vec::new();
        while let Some((node, d)) = queue.pop_front() {
            if d >= depth {
                continue;
            }
            for view in self.relations(node, dir, Some(RelationKind::Broader)) {
                if !seen.insert(view.other) {
                    continue;
                }
                if out.len() >= max_nodes {
                    return (out, true);
                }
                out.push(HierarchyNode { concept: view.other, depth: d + 1, via: node });
                queue.push_back((view.other, d + 1));
            }
        }
        (out, false)
    }
}

//! Concept history (JobTech's model): what changed between two snapshot versions, and where a
//! stored id leads now.
//!
//! Concepts are never deleted, only deprecated, with `replaced_by` naming a successor. Client
//! systems store concept ids for months (profiles, saved searches); after a data change they need
//! two answers: *which of my ids changed* ([`diff`] of two [`Digest`]s) and *what do I store
//! instead* ([`resolve`], following replaced-by chains to a live concept).
//!
//! A server cannot keep old snapshots (hundreds of MB each), so it keeps a compact [`Digest`] per
//! version — per id its kind, a 128-bit content hash and its status — in a bounded
//! [`HistoryStore`]: an estimated 150 bytes per concept (id, entry, hash-map slot), about 3 MB for
//! ESCO's 18,000 concepts.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, RwLock};

use crate::model::{ConceptKind, Status};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

/// One concept in a [`Digest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: ConceptKind,
    /// Hash of everything a client could see change: labels, descriptions, details and outgoing
    /// relations (not the status, which is compared on its own, nor the source index). Computed
    /// from the `Debug` form of the details, so it is comparable only within one build — digests
    /// live in memory and are never persisted.
    pub content: [u8; 16],
    pub status: Status,
}

/// The compact record of one snapshot version.
#[derive(Debug, Clone)]
pub struct Digest {
    pub version: String,
    /// When this server started serving the version (seconds since 1970, UTC).
    pub loaded_at_unix: u64,
    pub deprecated: usize,
    entries: HashMap<Box<str>, Entry>,
}

impl Digest {
    /// The digest of `snapshot`, stamped with the current time.
    pub fn of(snapshot: &Snapshot) -> Digest {
        let entries: HashMap<Box<str>, Entry> = snapshot
            .concepts()
            .map(|(idx, concept)| {
                let entry =
                    Entry { kind: concept.kind, content: content_hash(snapshot, idx), status: concept.status.clone() };
                (concept.id.clone(), entry)
            })
            .collect();
        let loaded_at_unix =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Digest {
            version: snapshot.version().to_string(),
            loaded_at_unix,
            deprecated: snapshot.stats().deprecated,
            entries,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id)
    }
}

fn content_hash(snapshot: &Snapshot, idx: ConceptIdx) -> [u8; 16] {
    let concept = snapshot.concept(idx);
    let mut hasher = blake3::Hasher::new();
    // Fields are separated by a byte no text contains, so that moving text between fields changes
    // the hash.
    let mut field = |text: &str| {
        hasher.update(text.as_bytes());
        hasher.update(&[0xff]);
    };
    field(concept.kind.as_str());
    for label in &concept.labels {
        field(&label.lang);
        field(label.form.as_str());
        field(&label.text);
    }
    for description in &concept.descriptions {
        field(&description.lang);
        field(&description.text);
    }
    field(&format!("{:?}", concept.details));
    let mut relations: Vec<String> = snapshot
        .relations(idx, Dir::Outgoing, None)
        .iter()
        .map(|view| format!("{}|{:?}", snapshot.concept(view.other).id, view.relation))
        .collect();
    relations.sort_unstable();
    for relation in &relations {
        field(relation);
    }
    let mut content = [0u8; 16];
    content.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    content
}

/// What happened to one concept between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Created,
    Updated,
    /// Deprecated without successor, or removed altogether.
    Deprecated,
    /// Deprecated with a successor, or given another successor.
    Replaced,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Created => "created",
            ChangeKind::Updated => "updated",
            ChangeKind::Deprecated => "deprecated",
            ChangeKind::Replaced => "replaced",
        }
    }
}

/// One change between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub change: ChangeKind,
    pub id: Box<str>,
    pub kind: ConceptKind,
    /// For [`ChangeKind::Replaced`]: the direct successor.
    pub replaced_by: Option<Box<str>>,
    /// For [`ChangeKind::Replaced`]: the live concept at the end of the chain in the new version.
    pub resolved: Option<Box<str>>,
    /// The concept is missing from the new version (a [`ChangeKind::Deprecated`]).
    pub removed: bool,
}

/// Counts per change kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeSummary {
    pub created: usize,
    pub updated: usize,
    pub deprecated: usize,
    pub replaced: usize,
}

impl ChangeSummary {
    pub fn of(changes: &[Change]) -> ChangeSummary {
        let mut summary = ChangeSummary::default();
        for change in changes {
            *match change.change {
                ChangeKind::Created => &mut summary.created,
                ChangeKind::Updated => &mut summary.updated,
                ChangeKind::Deprecated => &mut summary.deprecated,
                ChangeKind::Replaced => &mut summary.replaced,
            } += 1;
        }
        summary
    }
}

/// The changes from `from` to `to`, ordered by id.
pub fn diff(from: &Digest, to: &Digest) -> Vec<Change> {
    let mut changes = Vec::new();
    let lookup = |id: &str| to.get(id).map(|e| &e.status);
    for (id, new) in &to.entries {
        let change = |change: ChangeKind, replaced_by: Option<&str>| Change {
            change,
            id: id.clone(),
            kind: new.kind,
            replaced_by: replaced_by.map(Into::into),
            resolved: replaced_by.and_then(|_| resolve(lookup, id).live),
            removed: false,
        };
        match (from.get(id).map(|old| &old.status), &new.status) {
            (None, _) => changes.push(change(ChangeKind::Created, None)),
            (Some(Status::Released), Status::Deprecated { replaced_by: None }) => {
                changes.push(change(ChangeKind::Deprecated, None))
            }
            (Some(old), Status::Deprecated { replaced_by: Some(successor) }) if old != &new.status => {
                changes.push(change(ChangeKind::Replaced, Some(successor)))
            }
            // Same status (or reinstated): a change of content is an update.
            _ if from.get(id).is_some_and(|old| old.content != new.content || old.status != new.status) => {
                changes.push(change(ChangeKind::Updated, None))
            }
            _ => {}
        }
    }
    for (id, old) in &from.entries {
        if to.get(id).is_none() {
            changes.push(Change {
                change: ChangeKind::Deprecated,
                id: id.clone(),
                kind: old.kind,
                replaced_by: None,
                resolved: None,
                removed: true,
            });
        }
    }
    changes.sort_by(|a, b| a.id.cmp(&b.id));
    changes
}

/// Where a stored id leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The id is a live concept.
    Live,
    /// Deprecated; the chain ends at a live concept.
    Replaced,
    /// Deprecated (itself or further along the chain) without successor.
    Deprecated,
    /// The chain loops.
    Cycle,
    /// No concept with this id.
    Unknown,
}

/// The answer for one id: the chain followed and the live concept it ends at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub outcome: Outcome,
    /// From the id to the last concept reached; for a cycle it ends with the first id seen twice.
    pub chain: Vec<Box<str>>,
    /// The live concept, for [`Outcome::Live`] and [`Outcome::Replaced`].
    pub live: Option<Box<str>>,
}

/// Follows `replaced_by` from `id` through `status_of` (a snapshot's or a digest's) until a live
/// concept, a dead end or a loop. Bounded by the number of distinct ids, so it always ends.
pub fn resolve<'a>(status_of: impl Fn(&str) -> Option<&'a Status>, id: &str) -> Resolution {
    let mut chain: Vec<Box<str>> = vec![id.into()];
    let mut seen: HashSet<Box<str>> = HashSet::new();
    let mut current: Box<str> = id.into();
    loop {
        seen.insert(current.clone());
        let outcome = match status_of(&current) {
            None if chain.len() == 1 => Outcome::Unknown,
            // A successor missing from the data (validation forbids it in snapshots): a dead end.
            None => Outcome::Deprecated,
            Some(Status::Released) if chain.len() == 1 => {
                return Resolution { outcome: Outcome::Live, chain, live: Some(current) };
            }
            Some(Status::Released) => return Resolution { outcome: Outcome::Replaced, chain, live: Some(current) },
            Some(Status::Deprecated { replaced_by: None }) => Outcome::Deprecated,
            Some(Status::Deprecated { replaced_by: Some(next) }) => {
                chain.push(next.clone());
                if seen.contains(next) {
                    Outcome::Cycle
                } else {
                    current = next.clone();
                    continue;
                }
            }
        };
        return Resolution { outcome, chain, live: None };
    }
}

/// The digests of the versions served since start, oldest first, at most `capacity`.
///
/// Also tells followers ([`HistoryStore::subscribe`]) when a new version starts serving.
#[derive(Debug)]
pub struct HistoryStore {
    capacity: usize,
    digests: RwLock<VecDeque<Arc<Digest>>>,
    latest: tokio::sync::watch::Sender<Option<Arc<Digest>>>,
}

impl HistoryStore {
    pub fn new(capacity: usize) -> Arc<HistoryStore> {
        let (latest, _) = tokio::sync::watch::channel(None);
        Arc::new(HistoryStore { capacity: capacity.max(1), digests: RwLock::default(), latest })
    }

    /// The digest of `version`, if known.
    pub fn get(&self, version: &str) -> Option<Arc<Digest>> {
        self.read().iter().find(|d| d.version == version).cloned()
    }

    /// Every known digest, oldest first.
    pub fn versions(&self) -> Vec<Arc<Digest>> {
        self.read().iter().cloned().collect()
    }

    /// The digest of `snapshot` (the one serving), computed and recorded if it is not known yet:
    /// the startup snapshot is digested in the background, and whoever needs it first computes it.
    pub fn ensure(&self, snapshot: &Snapshot) -> Arc<Digest> {
        if let Some(digest) = self.get(snapshot.version()) {
            return digest;
        }
        let digest = Arc::new(Digest::of(snapshot));
        let mut digests = self.write();
        if let Some(raced) = digests.iter().find(|d| d.version == digest.version) {
            return raced.clone();
        }
        digests.push_back(digest.clone());
        self.trim(&mut digests);
        digest
    }

    /// Records the digest of a version that has just started serving (again) and tells followers.
    pub fn record(&self, digest: Arc<Digest>) {
        {
            let mut digests = self.write();
            digests.retain(|d| d.version != digest.version);
            digests.push_back(digest.clone());
            self.trim(&mut digests);
        }
        self.latest.send_replace(Some(digest));
    }

    /// Ends the followers' streams (they see `None`): the server is shutting down, and an open
    /// follow stream would otherwise hold the drain until its time limit.
    pub fn close(&self) {
        self.latest.send_replace(None);
    }

    /// Receives each digest [`HistoryStore::record`] records, and `None` when the store closes.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<Option<Arc<Digest>>> {
        self.latest.subscribe()
    }

    fn trim(&self, digests: &mut VecDeque<Arc<Digest>>) {
        while digests.len() > self.capacity {
            digests.pop_front();
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, VecDeque<Arc<Digest>>> {
        self.digests.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, VecDeque<Arc<Digest>>> {
        self.digests.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deprecated(next: Option<&str>) -> Status {
        Status::Deprecated { replaced_by: next.map(Into::into) }
    }

    #[test]
    fn resolve_follows_chains_and_stops_at_loops_and_dead_ends() {
        let table: HashMap<&str, Status> = [
            ("a", deprecated(Some("b"))),
            ("b", deprecated(Some("c"))),
            ("c", Status::Released),
            ("d", deprecated(None)),
            ("e", deprecated(Some("d"))),
            ("x", deprecated(Some("y"))),
            ("y", deprecated(Some("x"))),
        ]
        .into_iter()
        .collect();
        let status_of = |id: &str| table.get(id);
        let ids = |r: &Resolution| r.chain.iter().map(|s| s.to_string()).collect::<Vec<_>>();

        let r = resolve(status_of, "a");
        assert_eq!(
            (r.outcome, ids(&r), r.live.as_deref()),
            (Outcome::Replaced, vec!["a".into(), "b".into(), "c".into()], Some("c"))
        );
        let r = resolve(status_of, "c");
        assert_eq!((r.outcome, r.live.as_deref()), (Outcome::Live, Some("c")));
        let r = resolve(status_of, "e");
        assert_eq!((r.outcome, ids(&r), r.live), (Outcome::Deprecated, vec!["e".into(), "d".into()], None));
        let r = resolve(status_of, "x");
        assert_eq!((r.outcome, ids(&r)), (Outcome::Cycle, vec!["x".into(), "y".into(), "x".into()]));
        assert_eq!(resolve(status_of, "nope").outcome, Outcome::Unknown);
    }

    #[test]
    fn the_store_is_bounded_and_keeps_each_version_once() {
        let snapshot = crate::ontology::load(&[crate::ontology::SourceSpec::Embedded]).unwrap().0;
        let store = HistoryStore::new(2);
        let first = store.ensure(&snapshot);
        assert!(Arc::ptr_eq(&first, &store.ensure(&snapshot)), "computed once");
        let fake = |version: &str| Arc::new(Digest { version: version.into(), ..(*first).clone() });
        store.record(fake("v2"));
        store.record(fake("v3"));
        let versions: Vec<String> = store.versions().iter().map(|d| d.version.clone()).collect();
        assert_eq!(versions, ["v2", "v3"]);
        store.record(fake("v2"));
        let versions: Vec<String> = store.versions().iter().map(|d| d.version.clone()).collect();
        assert_eq!(versions, ["v3", "v2"]);
        assert!(store.get(snapshot.version()).is_none(), "the oldest was dropped");
        assert!(diff(&first, &first).is_empty());
    }
}

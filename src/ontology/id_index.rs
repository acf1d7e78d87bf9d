//! The snapshot's id → position table, laid out for the lookups of a request.
//!
//! A skill gap resolves every id of its profile (9–60 in the load generator's profiles, up to
//! 2,000) before anything else, and with a hash map of boxed strings each lookup was three or four
//! cache misses: the control bytes, the bucket, and the boxed key it points to (a profiled 10–15 %
//! of a skill gap's server time, half of it the comparison with the cold key). Here the ids are
//! stored inline in their entries, so a lookup reads one slot (8 bytes: a tag from the hash and the
//! entry's position) and the one entry whose tag matches, whose key is compared where it lies.
//! Ids longer than an entry holds (none in ESCO or the bundle today) go to an ordinary map.

use std::collections::HashMap;
use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};

/// The longest id kept inline (ESCO's are 37–80 bytes); an entry is then 96 bytes.
const KEY_BYTES: usize = 91;

/// One id with its position.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Entry {
    key: [u8; KEY_BYTES],
    len: u8,
    position: u32,
}

/// Exact lookups of ids; built once per snapshot.
#[derive(Debug)]
pub(super) struct IdIndex {
    /// Open addressing with linear probing, a power of two long, at most half full (so a probe
    /// always meets an empty slot): per slot the upper 32 bits of the id's hash and 1 + the index
    /// of its entry in `entries`; 0 is empty.
    slots: Box<[u64]>,
    entries: Box<[Entry]>,
    long: FxHashMap<Box<str>, u32>,
}

fn hash(id: &[u8]) -> u64 {
    FxBuildHasher.hash_one(id)
}

impl IdIndex {
    pub(super) fn build(ids: HashMap<Box<str>, u32>) -> IdIndex {
        let inline = ids.keys().filter(|id| id.len() <= KEY_BYTES).count();
        let capacity = (inline * 2).next_power_of_two().max(2);
        let mask = capacity - 1;
        let mut slots = vec![0u64; capacity];
        let mut entries = Vec::with_capacity(inline);
        let mut long = FxHashMap::default();
        for (id, position) in ids {
            if id.len() > KEY_BYTES {
                long.insert(id, position);
                continue;
            }
            let mut key = [0u8; KEY_BYTES];
            key[..id.len()].copy_from_slice(id.as_bytes());
            entries.push(Entry { key, len: id.len() as u8, position });
            let h = hash(id.as_bytes());
            let mut i = h as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = (h >> 32) << 32 | entries.len() as u64;
        }
        IdIndex { slots: slots.into(), entries: entries.into(), long }
    }

    pub(super) fn get(&self, id: &str) -> Option<u32> {
        let id = id.as_bytes();
        if id.len() > KEY_BYTES {
            return std::str::from_utf8(id).ok().and_then(|id| self.long.get(id).copied());
        }
        let h = hash(id);
        let tag = h >> 32;
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            if slot >> 32 == tag {
                let entry = &self.entries[(slot as u32 - 1) as usize];
                if &entry.key[..usize::from(entry.len)] == id {
                    return Some(entry.position);
                }
            }
            i = (i + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_found_at_its_position_and_nothing_else_is() {
        let long = format!("http://example.org/{}", "x".repeat(200));
        let mut ids: Vec<String> = (0..5000)
            .map(|i| format!("http://data.europa.eu/esco/skill/{i:08x}-5b5a-4a66-8aac-60e734beb1ab"))
            .collect();
        ids.extend([String::new(), "a".into(), "x".repeat(KEY_BYTES), "y".repeat(KEY_BYTES + 1), long.clone()]);
        let map: HashMap<Box<str>, u32> =
            ids.iter().enumerate().map(|(i, id)| (id.as_str().into(), i as u32)).collect();
        let index = IdIndex::build(map);
        assert_eq!(index.entries.len(), ids.len() - 2);
        assert_eq!(index.long.len(), 2);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(index.get(id), Some(i as u32), "{id}");
        }
        for unknown in [
            "http://data.europa.eu/esco/skill/00000000-5b5a-4a66-8aac-60e734beb1a",
            "http://data.europa.eu/esco/skill/00000000-5b5a-4a66-8aac-60e734beb1abc",
            "HTTP://data.europa.eu/esco/skill/00000000-5b5a-4a66-8aac-60e734beb1ab",
            "b",
            &"x".repeat(KEY_BYTES - 1),
            &format!("{long}z"),
        ] {
            assert_eq!(index.get(unknown), None, "{unknown}");
        }
        let empty = IdIndex::build(HashMap::new());
        assert_eq!(empty.get(""), None);
        assert_eq!(empty.get("a"), None);
    }
}

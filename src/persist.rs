//! Engines persisted in a versioned binary file, so a restart on the same data skips rebuilding them.
//!
//! Building the search engine's structures (label analysis, autocomplete, the extraction gazetteer,
//! the field words) is most of a start-up; their result depends only on the snapshot and on the code
//! that built them. A file written after a build holds them with a header naming both:
//!
//! ```text
//! magic "VAARDIG-ENGINES\n" | postcard header (format, code hash, snapshot, payload length, payload blake3) | postcard payload
//! ```
//!
//! A file is served only when its header matches the snapshot, this binary's [`CODE_HASH`] and
//! [`FORMAT`], and the payload's checksum is intact; anything else — stale, truncated, corrupt — is
//! reported as [`Rejected`] and the caller rebuilds and rewrites it. Files are written to a temporary
//! name and renamed, so a crash never leaves a half-written file under the final name.
//!
//! The file is memory-mapped for reading (no copy of the payload on the heap) and unmapped once
//! decoded: the engines own their data, so nothing keeps the mapping.
//!
//! **Sharing.** The structures share strings and analyzed words through `Arc`s: the same word occurs
//! in thousands of labels. Plain serde would write every occurrence and read back a separate
//! allocation for each, multiplying memory. Values marked shared (see [`shared`], [`shared_seq`], [`shared_keys`] and
//! the `Token` impls in `search/labels.rs`) are written once per file and then as the index of
//! their first occurrence; reading gives every occurrence the same `Arc`, sharing equal values even
//! where the build had separate copies.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hash;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bump when the layout of the file itself changes (the payload's types are covered by [`CODE_HASH`]).
pub const FORMAT: u32 = 1;
/// A hash of the source code and the dependency lock file this binary was built from (`build.rs`):
/// a binary whose analysis or structures differ never reads a file another one wrote.
pub const CODE_HASH: &str = env!("VAARDIG_CODE_HASH");
const MAGIC: &[u8; 16] = b"VAARDIG-ENGINES\n";

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    code: String,
    snapshot: String,
    length: u64,
    checksum: [u8; 32],
}

/// Why a persisted file was not used.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    #[error("no file")]
    Missing,
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a persisted engines file")]
    NotOurs,
    #[error("written by another build or for another snapshot")]
    Stale,
    #[error("truncated or corrupt")]
    Corrupt,
}

/// Writes `value` for `snapshot` to `path` (through a temporary file and a rename).
pub fn write<T: Serialize>(path: &Path, snapshot: &str, value: &T) -> std::io::Result<()> {
    let payload = with_tables(|| postcard::to_stdvec(value)).map_err(std::io::Error::other)?;
    let header = Header {
        format: FORMAT,
        code: CODE_HASH.to_string(),
        snapshot: snapshot.to_string(),
        length: payload.len() as u64,
        checksum: *blake3::hash(&payload).as_bytes(),
    };
    let header = postcard::to_stdvec(&header).map_err(std::io::Error::other)?;
    let temporary = temporary_path(path);
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(MAGIC)?;
    file.write_all(&header)?;
    file.write_all(&payload)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, path)
}

fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".writing-{}", std::process::id()));
    path.with_file_name(name)
}

/// Reads what [`write`] wrote for `snapshot`, if the file is this build's, intact, and for it.
pub fn read<T: DeserializeOwned>(path: &Path, snapshot: &str) -> Result<T, Rejected> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Rejected::Missing),
        Err(e) => return Err(Rejected::Io(e)),
    };
    // SAFETY: the file is only ever replaced by rename, never written in place, so the mapped
    // bytes do not change under us; a file truncated by someone else fails the checksum below
    // at worst with SIGBUS, which no writer of ours causes.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    let bytes = map.strip_prefix(MAGIC.as_slice()).ok_or(Rejected::NotOurs)?;
    let (header, payload): (Header, &[u8]) = postcard::take_from_bytes(bytes).map_err(|_| Rejected::Corrupt)?;
    if header.format != FORMAT || header.code != CODE_HASH || header.snapshot != snapshot {
        return Err(Rejected::Stale);
    }
    if payload.len() as u64 != header.length || blake3::hash(payload).as_bytes() != &header.checksum {
        return Err(Rejected::Corrupt);
    }
    with_tables(|| postcard::from_bytes(payload)).map_err(|_| Rejected::Corrupt)
}

// ---- sharing ------------------------------------------------------------------------------------

/// Per (de)serialization, per shared type: the values seen so far and their indices. A list, not
/// a map: there are two shared types (strings and tokens), and this is looked up per value.
#[derive(Default)]
struct Tables {
    written: Vec<(TypeId, Box<dyn Any>)>,
    read: Vec<(TypeId, Box<dyn Any>)>,
}

/// The table of type `T` in `tables`, made on first use.
fn table<T: Default + 'static>(tables: &mut Vec<(TypeId, Box<dyn Any>)>) -> Option<&mut T> {
    let id = TypeId::of::<T>();
    let at = match tables.iter().position(|(t, _)| *t == id) {
        Some(at) => at,
        None => {
            tables.push((id, Box::new(T::default())));
            tables.len() - 1
        }
    };
    tables[at].1.downcast_mut::<T>()
}

thread_local! {
    static TABLES: RefCell<Option<Tables>> = const { RefCell::new(None) };
}

/// Runs `f` (one whole serialization or deserialization) with empty sharing tables.
fn with_tables<R>(f: impl FnOnce() -> R) -> R {
    let outer = TABLES.with(|t| t.borrow_mut().replace(Tables::default()));
    let result = f();
    TABLES.with(|t| *t.borrow_mut() = outer);
    result
}

/// The index of `key` if it was written before in this file; otherwise registers it.
fn written_before<K: Hash + Eq + Clone + 'static>(key: &K) -> Option<u32> {
    TABLES.with(|t| {
        let mut tables = t.borrow_mut();
        let seen = table::<HashMap<K, u32>>(&mut tables.as_mut()?.written)?;
        if let Some(&i) = seen.get(key) {
            return Some(i);
        }
        let next = seen.len() as u32;
        seen.insert(key.clone(), next);
        None
    })
}

fn read_value<T: Clone + 'static>(i: u32) -> Option<T> {
    TABLES.with(|t| table::<Vec<T>>(&mut t.borrow_mut().as_mut()?.read)?.get(i as usize).cloned())
}

fn remember<T: Clone + 'static>(value: &T) {
    TABLES.with(|t| {
        if let Some(tables) = t.borrow_mut().as_mut()
            && let Some(seen) = table::<Vec<T>>(&mut tables.read)
        {
            seen.push(value.clone());
        }
    });
}

#[derive(Serialize)]
enum WireOut<'a, V: ?Sized> {
    New(&'a V),
    Earlier(u32),
}

#[derive(Deserialize)]
enum WireIn<W> {
    New(W),
    Earlier(u32),
}

/// Writes `key` in full the first time, then as the index of that first time; `fields` is what
/// is written in full.
pub fn serialize_shared<K, V, S>(key: &K, fields: &V, s: S) -> Result<S::Ok, S::Error>
where
    K: Hash + Eq + Clone + 'static,
    V: Serialize + ?Sized,
    S: Serializer,
{
    match written_before(key) {
        Some(i) => WireOut::<V>::Earlier(i).serialize(s),
        None => WireOut::New(fields).serialize(s),
    }
}

/// Reads what [`serialize_shared`] wrote: a value in full (`W`, made into a `T` by `make`) or the
/// index of an earlier one, which is shared.
pub fn deserialize_shared<'de, T, W, D>(d: D, make: impl FnOnce(W) -> T) -> Result<T, D::Error>
where
    T: Clone + 'static,
    W: Deserialize<'de>,
    D: Deserializer<'de>,
{
    match WireIn::<W>::deserialize(d)? {
        WireIn::Earlier(i) => read_value(i).ok_or_else(|| serde::de::Error::custom("reference to an unread value")),
        WireIn::New(fields) => {
            let value = make(fields);
            remember(&value);
            Ok(value)
        }
    }
}

/// A shared string, as written.
pub struct SharedOut<'a>(pub &'a Arc<str>);

impl Serialize for SharedOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_shared(self.0, &**self.0, s)
    }
}

/// A shared string, as read.
pub struct SharedIn(pub Arc<str>);

impl<'de> Deserialize<'de> for SharedIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SharedIn, D::Error> {
        deserialize_shared(d, |text: &'de str| Arc::<str>::from(text)).map(SharedIn)
    }
}

/// `#[serde(with = "crate::persist::shared")]` for an `Arc<str>` field.
pub mod shared {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
        SharedOut(value).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
        SharedIn::deserialize(d).map(|shared| shared.0)
    }
}

/// `#[serde(with = "crate::persist::opt_shared")]` for an `Option<Arc<str>>` field.
pub mod opt_shared {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<Arc<str>>, s: S) -> Result<S::Ok, S::Error> {
        value.as_ref().map(SharedOut).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<str>>, D::Error> {
        Option::<SharedIn>::deserialize(d).map(|shared| shared.map(|s| s.0))
    }
}

/// `#[serde(with = "crate::persist::shared_seq")]` for a collection of `Arc<str>` (`Vec`, `Arc<[_]>`,
/// `HashSet`).
pub mod shared_seq {
    use super::*;

    pub fn serialize<'a, C, S>(value: &'a C, s: S) -> Result<S::Ok, S::Error>
    where
        &'a C: IntoIterator<Item = &'a Arc<str>>,
        S: Serializer,
    {
        s.collect_seq(value.into_iter().map(SharedOut))
    }

    pub fn deserialize<'de, C, D>(d: D) -> Result<C, D::Error>
    where
        C: FromIterator<Arc<str>>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<SharedIn>::deserialize(d)?.into_iter().map(|shared| shared.0).collect())
    }
}

/// `#[serde(with = "crate::persist::shared_keys")]` for a `HashMap<Arc<str>, V>` (the keys shared).
pub mod shared_keys {
    use super::*;

    pub fn serialize<V: Serialize, H, S: Serializer>(value: &HashMap<Arc<str>, V, H>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(value.iter().map(|(k, v)| (SharedOut(k), v)))
    }

    pub fn deserialize<'de, V, H, D>(d: D) -> Result<HashMap<Arc<str>, V, H>, D::Error>
    where
        V: Deserialize<'de>,
        H: std::hash::BuildHasher + Default,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(SharedIn, V)>::deserialize(d)?.into_iter().map(|(k, v)| (k.0, v)).collect())
    }
}

/// `#[serde(with = "crate::persist::shared_lists")]` for a `HashMap<Arc<str>, Vec<Arc<str>>>` (keys
/// and values shared).
pub mod shared_lists {
    use super::*;

    /// Words and the words each stands for.
    type Lists<H> = HashMap<Arc<str>, Vec<Arc<str>>, H>;

    pub fn serialize<H, S: Serializer>(value: &Lists<H>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(value.iter().map(|(k, v)| (SharedOut(k), v.iter().map(SharedOut).collect::<Vec<_>>())))
    }

    pub fn deserialize<'de, H, D>(d: D) -> Result<Lists<H>, D::Error>
    where
        H: std::hash::BuildHasher + Default,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(SharedIn, Vec<SharedIn>)>::deserialize(d)?
            .into_iter()
            .map(|(k, v)| (k.0, v.into_iter().map(|s| s.0).collect()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Sample {
        #[serde(with = "shared")]
        one: Arc<str>,
        #[serde(with = "shared_seq")]
        many: Vec<Arc<str>>,
        #[serde(with = "shared_keys")]
        map: HashMap<Arc<str>, u32>,
    }

    fn sample() -> Sample {
        let word: Arc<str> = Arc::from("lasser");
        Sample {
            one: word.clone(),
            many: vec![Arc::from("lasser"), Arc::from("kok"), word.clone()],
            map: HashMap::from([(word, 3), (Arc::from("kok"), 4)]),
        }
    }

    #[test]
    fn equal_strings_are_read_back_as_one_allocation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.bin");
        write(&path, "v1", &sample()).unwrap();
        let back: Sample = read(&path, "v1").unwrap();
        assert_eq!(back, sample());
        assert!(Arc::ptr_eq(&back.one, &back.many[0]) && Arc::ptr_eq(&back.one, &back.many[2]));
        let key = back.map.keys().find(|k| &***k == "kok").unwrap();
        assert!(Arc::ptr_eq(key, &back.many[1]));
    }

    #[test]
    fn stale_truncated_and_corrupt_files_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.bin");
        assert!(matches!(read::<Sample>(&path, "v1"), Err(Rejected::Missing)));
        write(&path, "v1", &sample()).unwrap();
        assert!(matches!(read::<Sample>(&path, "v2"), Err(Rejected::Stale)));
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        assert!(matches!(read::<Sample>(&path, "v1"), Err(Rejected::Corrupt)));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x40;
        std::fs::write(&path, &flipped).unwrap();
        assert!(matches!(read::<Sample>(&path, "v1"), Err(Rejected::Corrupt)));
        std::fs::write(&path, b"something else").unwrap();
        assert!(matches!(read::<Sample>(&path, "v1"), Err(Rejected::NotOurs)));
        write(&path, "v1", &sample()).unwrap();
        assert_eq!(read::<Sample>(&path, "v1").unwrap(), sample());
    }
}

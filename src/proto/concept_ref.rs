//! `vaardig.v1.ConceptRef` written by hand (build.rs maps the proto message here with
//! `extern_path`), so that the server can send a reference it encoded once per snapshot and
//! language instead of copying the id and label into new strings for every row of every answer.
//!
//! The wire format is exactly the proto's: the fields are encoded as prost's generated code would
//! (proto3: default values are left out, fields in tag order), and a cached reference holds those
//! very bytes, made by encoding the plain reference ([`ConceptRef::cached`]). Decoding always
//! gives a plain reference, so clients (the CLI, the tests, the load generator) see the fields as
//! before. Equality, hashing and serde look through the cache: a cached reference equals and
//! serializes as the plain reference it was made from.
//!
//! What a caller must know: a cached reference's public fields are empty (it carries only the
//! bytes). The server makes cached references only for answers it hands straight to the encoder;
//! [`ConceptRef::to_plain`] gives the fields back when needed.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use prost::bytes::{Buf, BufMut};
use prost::encoding::{DecodeContext, WireType, bool as pbool, int32, skip_field, string};
use prost::{DecodeError, Message};

/// A concept as a reference: enough to show it in a list (see `proto/vaardig/v1/concepts.proto`).
#[derive(Clone, Default, Debug, serde::Serialize)]
#[serde(into = "PlainRef")]
pub struct ConceptRef {
    /// Full URI.
    pub id: String,
    /// A `ConceptKind` value.
    pub kind: i32,
    /// Preferred label in the requested language (with fallback).
    pub label: String,
    /// The concept is deprecated (kept so that stored ids resolve).
    pub deprecated: bool,
    /// For a deprecated concept: its successor's id, if any.
    pub replaced_by: String,
    /// The encoding of the fields above, when this reference was made from a cache: then it is
    /// what goes on the wire and the fields are empty.
    encoded: Option<Arc<[u8]>>,
}

/// The encoding of a plain [`ConceptRef`], made once and shared: what a cache of references keeps
/// (16 bytes a slot).
#[derive(Clone, Debug)]
pub struct EncodedRef(Arc<[u8]>);

impl EncodedRef {
    /// Encodes `plain` (its fields; a cached reference's bytes as they are).
    pub fn of(plain: &ConceptRef) -> EncodedRef {
        EncodedRef(plain.encode_to_vec().into())
    }

    /// A reference that goes on the wire as these bytes (another handle on them, no copy).
    pub fn to_ref(&self) -> ConceptRef {
        ConceptRef { encoded: Some(self.0.clone()), ..ConceptRef::default() }
    }
}

impl ConceptRef {
    /// A reference that encodes as `plain` does, carrying only `plain`'s encoding.
    pub fn cached(plain: &ConceptRef) -> ConceptRef {
        EncodedRef::of(plain).to_ref()
    }

    /// True when this reference carries an encoding instead of its fields.
    pub fn is_cached(&self) -> bool {
        self.encoded.is_some()
    }

    /// The reference with its fields filled in (decoded from the cached encoding, if any).
    pub fn to_plain(&self) -> ConceptRef {
        match &self.encoded {
            // The bytes were encoded from a plain reference by `cached`: they always decode.
            Some(bytes) => ConceptRef::decode(&bytes[..]).unwrap_or_default(),
            None => self.clone(),
        }
    }

    /// The `kind` field as the enum (an unknown value reads as unspecified), as prost's generated
    /// accessor does.
    pub fn kind(&self) -> super::v1::ConceptKind {
        super::v1::ConceptKind::try_from(self.to_plain().kind).unwrap_or_default()
    }

    /// Sets the `kind` field from the enum.
    pub fn set_kind(&mut self, kind: super::v1::ConceptKind) {
        self.materialize();
        self.kind = kind as i32;
    }

    /// Turns a cached reference into a plain one in place, before its fields are changed.
    fn materialize(&mut self) {
        if self.encoded.is_some() {
            *self = self.to_plain();
        }
    }
}

impl Message for ConceptRef {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        if let Some(bytes) = &self.encoded {
            buf.put_slice(bytes);
            return;
        }
        if !self.id.is_empty() {
            string::encode(1, &self.id, buf);
        }
        if self.kind != 0 {
            int32::encode(2, &self.kind, buf);
        }
        if !self.label.is_empty() {
            string::encode(3, &self.label, buf);
        }
        if self.deprecated {
            pbool::encode(4, &self.deprecated, buf);
        }
        if !self.replaced_by.is_empty() {
            string::encode(5, &self.replaced_by, buf);
        }
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        self.materialize();
        let field = match tag {
            1 => string::merge(wire_type, &mut self.id, buf, ctx),
            2 => int32::merge(wire_type, &mut self.kind, buf, ctx),
            3 => string::merge(wire_type, &mut self.label, buf, ctx),
            4 => pbool::merge(wire_type, &mut self.deprecated, buf, ctx),
            5 => string::merge(wire_type, &mut self.replaced_by, buf, ctx),
            _ => return skip_field(wire_type, tag, buf, ctx),
        };
        field.map_err(|mut error| {
            let name = ["id", "kind", "label", "deprecated", "replaced_by"][tag as usize - 1];
            error.push("ConceptRef", name);
            error
        })
    }

    fn encoded_len(&self) -> usize {
        if let Some(bytes) = &self.encoded {
            return bytes.len();
        }
        let mut len = 0;
        if !self.id.is_empty() {
            len += string::encoded_len(1, &self.id);
        }
        if self.kind != 0 {
            len += int32::encoded_len(2, &self.kind);
        }
        if !self.label.is_empty() {
            len += string::encoded_len(3, &self.label);
        }
        if self.deprecated {
            len += pbool::encoded_len(4, &self.deprecated);
        }
        if !self.replaced_by.is_empty() {
            len += string::encoded_len(5, &self.replaced_by);
        }
        len
    }

    fn clear(&mut self) {
        *self = ConceptRef::default();
    }
}

/// Equal when they encode the same: a cached reference equals the plain one it was made from.
impl PartialEq for ConceptRef {
    fn eq(&self, other: &ConceptRef) -> bool {
        match (&self.encoded, &other.encoded) {
            (None, None) => {
                self.id == other.id
                    && self.kind == other.kind
                    && self.label == other.label
                    && self.deprecated == other.deprecated
                    && self.replaced_by == other.replaced_by
            }
            _ => self.encode_to_vec() == other.encode_to_vec(),
        }
    }
}

impl Eq for ConceptRef {}

impl Hash for ConceptRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Consistent with `eq`: the encoding, whichever form holds it.
        match &self.encoded {
            Some(bytes) => bytes[..].hash(state),
            None => self.encode_to_vec()[..].hash(state),
        }
    }
}

/// What serde sees: the fields, decoded from the cache when there is one (the CLI prints answers
/// as JSON; names as in the generated types).
#[derive(serde::Serialize)]
struct PlainRef {
    id: String,
    kind: i32,
    label: String,
    deprecated: bool,
    replaced_by: String,
}

impl From<ConceptRef> for PlainRef {
    fn from(r: ConceptRef) -> PlainRef {
        let r = r.to_plain();
        PlainRef { id: r.id, kind: r.kind, label: r.label, deprecated: r.deprecated, replaced_by: r.replaced_by }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> ConceptRef {
        ConceptRef {
            id: "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab".into(),
            kind: 2,
            label: "heftrucks bedienen".into(),
            deprecated: true,
            replaced_by: "http://data.europa.eu/esco/skill/1".into(),
            encoded: None,
        }
    }

    #[test]
    fn a_cached_reference_encodes_decodes_compares_and_serializes_as_its_plain_one() {
        for original in [plain(), ConceptRef::default(), ConceptRef { kind: -3, ..plain() }] {
            let cached = ConceptRef::cached(&original);
            assert!(cached.is_cached() && cached.id.is_empty());
            assert_eq!(cached.encode_to_vec(), original.encode_to_vec());
            assert_eq!(cached.encoded_len(), original.encoded_len());
            assert_eq!(cached, original);
            assert_eq!(ConceptRef::decode(&cached.encode_to_vec()[..]).unwrap(), original);
            assert!(!ConceptRef::decode(&cached.encode_to_vec()[..]).unwrap().is_cached());
            assert_eq!(serde_json::to_value(&cached).unwrap(), serde_json::to_value(&original).unwrap());
            assert_eq!(cached.kind(), original.kind());
        }
        assert_ne!(ConceptRef::cached(&plain()), ConceptRef { label: "x".into(), ..plain() });
    }

    #[test]
    fn the_encoding_is_the_one_prost_derives_for_the_proto() {
        // prost's derive for the same message, as prost-build generates it from concepts.proto.
        #[derive(Clone, PartialEq, prost::Message)]
        struct Generated {
            #[prost(string, tag = "1")]
            id: String,
            #[prost(int32, tag = "2")]
            kind: i32,
            #[prost(string, tag = "3")]
            label: String,
            #[prost(bool, tag = "4")]
            deprecated: bool,
            #[prost(string, tag = "5")]
            replaced_by: String,
        }
        let p = plain();
        let generated = Generated {
            id: p.id.clone(),
            kind: p.kind,
            label: p.label.clone(),
            deprecated: p.deprecated,
            replaced_by: p.replaced_by.clone(),
        };
        assert_eq!(p.encode_to_vec(), generated.encode_to_vec());
        assert_eq!(ConceptRef::cached(&p).encode_to_vec(), generated.encode_to_vec());
        let back = ConceptRef::decode(&generated.encode_to_vec()[..]).unwrap();
        assert_eq!(back, p);
        // Merging into a cached reference first turns it into its fields.
        let mut merged = ConceptRef::cached(&p);
        merged.merge(&Generated { label: "ander".into(), ..Default::default() }.encode_to_vec()[..]).unwrap();
        assert_eq!(merged, ConceptRef { label: "ander".into(), ..p });
    }
}

//! Domain types: identifiers, concept kinds, concepts, relations and vocabularies.
//!
//! Nothing here knows about protobuf, files or the network: these are the types the engines work
//! on, and the server and the importers convert to and from them at the edges.

pub mod concept;
pub mod date;
pub mod id;
pub mod lang;
pub mod money;
pub mod relation;
pub mod rules;
pub mod starts;
pub mod vocab;

pub use concept::{
    Concept, CourseDetails, CredentialDetails, Details, FundingSchemeDetails, Label, LabelForm, LocalizedText,
    OccupationDetails, PolicySource, ProviderDetails, QualificationDetails, QualityMarkGrant, RegisterMembership,
    SkillDetails, Status,
};
pub use date::{Date, Validity};
pub use id::{compact_id, expand_id, parse_id};
pub use lang::{Lang, LangError};
pub use money::{Money, MoneyError, percent};
pub use relation::Relation;
pub use starts::{Recurrence, StartPattern};
pub use vocab::*;

//! The rules of a funding scheme, as the funding engine and its callers name them: the types live
//! on the ground floor ([`crate::model::rules`]), their parsing from a bundle in
//! [`crate::ontology::rules`]. This module only re-exports both, so `funding::rules::…` keeps
//! meaning what it meant.

pub use crate::model::rules::*;
pub use crate::ontology::rules::{MAX_CENTS, Problem, RulesRow, build};

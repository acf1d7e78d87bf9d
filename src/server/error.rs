//! The one mapping from request problems to gRPC status codes.
//!
//! The error table: every engine's error becomes an [`ApiError`] here (`From<XError>`), naming
//! the request field it is about, and every `ApiError` one `tonic::Status`. Handlers only write
//! `?` or `.map_err(ApiError::from)`.
//!
//! Handlers collect every bad field of a request in [`Violations`] (so a client learns about all of
//! them at once) and return [`ApiError`]; this module turns those into `tonic::Status` with a
//! `google.rpc.BadRequest` detail naming each field.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// What went wrong with a request, in domain terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Malformed input: (field, description) per bad field.
    InvalidArgument(Vec<(String, String)>),
    /// A named thing does not exist (the message names it).
    NotFound(String),
    /// The request is well-formed but belongs to another snapshot version than the one served
    /// (a page token from before a reload or from another replica, a required version): the
    /// client must start again or ask a replica that serves its version.
    SnapshotMismatch(SnapshotMismatch),
    /// A fault of the server (an index that cannot be read): INTERNAL, never the client's.
    Internal(String),
}

/// What a [`ApiError::SnapshotMismatch`] names: the field or header, and both versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotMismatch {
    /// `page_token`, or the `x-vaardig-snapshot` header.
    pub subject: String,
    /// The version the request belongs to or asks for.
    pub requested: String,
    /// The version this server serves.
    pub served: String,
    /// What the client should do about it.
    pub advice: String,
}

/// The `google.rpc.PreconditionFailure` violation type of a snapshot mismatch.
pub const SNAPSHOT_VERSION_VIOLATION: &str = "SNAPSHOT_VERSION";

impl From<SnapshotMismatch> for Status {
    fn from(m: SnapshotMismatch) -> Status {
        let message = format!(
            "{}: snapshot version {} was asked for, this server serves {}; {}",
            m.subject, m.requested, m.served, m.advice
        );
        let mut details = ErrorDetails::new();
        details.add_precondition_failure_violation(SNAPSHOT_VERSION_VIOLATION, m.subject, message.clone());
        Status::with_error_details(Code::FailedPrecondition, message, details)
    }
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Status {
        match error {
            ApiError::InvalidArgument(violations) => {
                let message = violations
                    .iter()
                    .map(|(field, description)| format!("{field}: {description}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                let mut details = ErrorDetails::new();
                for (field, description) in violations {
                    details.add_bad_request_violation(field, description);
                }
                Status::with_error_details(Code::InvalidArgument, message, details)
            }
            ApiError::NotFound(message) => Status::not_found(message),
            ApiError::SnapshotMismatch(mismatch) => mismatch.into(),
            ApiError::Internal(message) => Status::internal(message),
        }
    }
}

/// Collects the bad fields of one request.
#[derive(Debug, Default)]
pub struct Violations(Vec<(String, String)>);

impl Violations {
    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push((field.into(), description.into()));
    }

    /// `Ok(value)` when no field was bad, else the INVALID_ARGUMENT error.
    pub fn check<T>(self, value: T) -> Result<T, ApiError> {
        if self.0.is_empty() { Ok(value) } else { Err(ApiError::InvalidArgument(self.0)) }
    }
}

/// A single-field INVALID_ARGUMENT.
pub fn invalid(field: &str, description: impl Into<String>) -> ApiError {
    ApiError::InvalidArgument(vec![(field.to_string(), description.into())])
}

// The error table: engine errors → the request field they are about.

impl From<crate::funding::FundingError> for ApiError {
    fn from(error: crate::funding::FundingError) -> ApiError {
        use crate::funding::FundingError as E;
        match &error {
            E::UnknownScheme(_) | E::UnknownCourse(_) => ApiError::NotFound(error.to_string()),
            E::NotAScheme { .. } | E::NoRules(_) => invalid("scheme_id", error.to_string()),
            E::NotACourse { .. } => invalid("course_id", error.to_string()),
        }
    }
}

impl From<crate::courses::CourseError> for ApiError {
    fn from(error: crate::courses::CourseError) -> ApiError {
        use crate::courses::CourseError as E;
        match &error {
            E::NotAnOccupation(_) => invalid("target_occupation_id", error.to_string()),
            E::SortNeedsSkills(_) => invalid("sort", error.to_string()),
            E::Scheme(_) => invalid("scheme_ids", error.to_string()),
            E::Search(_) => ApiError::Internal(error.to_string()),
        }
    }
}

impl From<crate::planning::PlanError> for ApiError {
    fn from(error: crate::planning::PlanError) -> ApiError {
        match &error {
            crate::planning::PlanError::NotAnOccupation(_) => invalid("target_occupation_id", error.to_string()),
        }
    }
}

impl From<crate::planning::StonesError> for ApiError {
    fn from(error: crate::planning::StonesError) -> ApiError {
        use crate::planning::StonesError as E;
        match &error {
            E::NoStart => invalid("from_occupation_id", error.to_string()),
            E::NotAnOccupation(_) => invalid("target_occupation_id", error.to_string()),
        }
    }
}

impl From<crate::search::IndexError> for ApiError {
    fn from(error: crate::search::IndexError) -> ApiError {
        ApiError::Internal(error.to_string())
    }
}

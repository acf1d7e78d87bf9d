//! The one mapping from request problems to gRPC status codes.
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

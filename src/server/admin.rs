//! `vaardig.v1.AdminService`: operator RPCs (for now `Reload`). Access is checked by the auth
//! layer before a request gets here (see `auth.rs`); admin RPCs are exempt from load shedding so
//! that an overloaded server can still be given new data.

use std::sync::Arc;

use tonic::{Code, Request, Response, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::proto::v1 as pb;
use crate::proto::v1::admin_service_server::AdminService;
use crate::reload::{ReloadError, Reloader};

/// How many validation errors a rejected reload lists in its status (the count is always given).
const MAX_REPORTED_ERRORS: usize = 50;

/// The admin service over the server's reloader.
#[derive(Debug, Clone)]
pub struct AdminApi {
    reloader: Arc<Reloader>,
}

impl AdminApi {
    pub fn new(reloader: Arc<Reloader>) -> AdminApi {
        AdminApi { reloader }
    }
}

#[tonic::async_trait]
impl AdminService for AdminApi {
    async fn reload(&self, _request: Request<pb::ReloadRequest>) -> Result<Response<pb::ReloadResponse>, Status> {
        match self.reloader.reload().await {
            Ok(o) => Ok(Response::new(pb::ReloadResponse {
                previous_version: o.previous_version,
                snapshot_version: o.version,
                swapped: o.swapped,
                concepts: o.concepts as u64,
                relations: o.relations as u64,
                deprecated: o.deprecated as u64,
                warnings: o.warnings as u64,
                load_millis: o.load_millis,
                build_millis: o.build_millis,
                created: o.changes.created as u64,
                updated: o.changes.updated as u64,
                deprecated_since: o.changes.deprecated as u64,
                replaced: o.changes.replaced as u64,
            })),
            Err(ReloadError::InProgress) => {
                Err(Status::aborted("a reload is already in progress; retry when it has finished"))
            }
            Err(ReloadError::Invalid { report }) => {
                let mut details = ErrorDetails::new();
                let mut lines = Vec::new();
                for error in report.errors.iter().take(MAX_REPORTED_ERRORS) {
                    details.add_precondition_failure_violation("ontology", error.location.to_string(), &error.reason);
                    lines.push(error.to_string());
                }
                let more = report.error_count().saturating_sub(lines.len());
                if more > 0 {
                    lines.push(format!("… and {more} more"));
                }
                let message = format!(
                    "the new data is invalid ({} errors); the old snapshot keeps serving:\n{}",
                    report.error_count(),
                    lines.join("\n")
                );
                Err(Status::with_error_details(Code::FailedPrecondition, message, details))
            }
            Err(ReloadError::Failed(message)) => Err(Status::internal(message)),
        }
    }
}

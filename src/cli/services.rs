//! One way for the advisor's commands (`profile`, `advise`) to ask the vaardig services, whether
//! they run on a server (`--server`) or in this process on a local ontology (`--ontology`, for
//! advisors without a connection).
//!
//! Offline, the very service implementations the server runs (`server::*Api` over
//! [`LiveEngines`]) answer the same request messages, so validation, errors and answers — and
//! therefore every report — are identical either way.

use std::path::Path;

use tonic::{Code, Request, Response, Status};

use super::{ClientArgs, EXIT_FAILURE, EXIT_INVALID_ARGUMENT, EXIT_NOT_FOUND, EXIT_UNREACHABLE, Failure};
use crate::engine::LiveEngines;
use crate::model::Lang;
use crate::proto::v1 as pb;
use crate::proto::v1::concept_service_client::ConceptServiceClient;
use crate::proto::v1::concept_service_server::ConceptService;
use crate::proto::v1::course_service_client::CourseServiceClient;
use crate::proto::v1::course_service_server::CourseService;
use crate::proto::v1::funding_service_client::FundingServiceClient;
use crate::proto::v1::funding_service_server::FundingService;
use crate::proto::v1::matching_service_client::MatchingServiceClient;
use crate::proto::v1::matching_service_server::MatchingService;
use crate::proto::v1::planning_service_client::PlanningServiceClient;
use crate::proto::v1::planning_service_server::PlanningService;
use crate::proto::v1::search_service_client::SearchServiceClient;
use crate::proto::v1::search_service_server::SearchService;
use crate::server::concepts::ConceptApi;
use crate::server::courses::CourseApi;
use crate::server::funding::FundingApi;
use crate::server::matching::MatchingApi;
use crate::server::planning::PlanningApi;
use crate::server::search::SearchApi;

/// `--ontology` and `--index-dir`: work offline instead of asking a server.
#[derive(Debug, Clone, clap::Args)]
pub struct OfflineArgs {
    /// Work offline on these ontology sources instead of asking a server (repeatable, layered in
    /// order): an ESCO export folder, a bundle folder, or `embedded` for the built-in default.
    #[arg(long = "ontology", value_name = "PATH")]
    pub ontology: Vec<String>,
    /// Where an offline run keeps its search index (reused for the same snapshot).
    #[arg(long, value_name = "DIR", default_value = "index")]
    pub index_dir: String,
}

/// The services of one server connection or of one local snapshot.
pub enum Services {
    Remote(super::client::ClientChannel),
    Local(Box<Local>),
}

/// The service implementations over engines loaded in this process.
pub struct Local {
    concepts: ConceptApi,
    search: SearchApi,
    matching: MatchingApi,
    funding: FundingApi,
    planning: PlanningApi,
    courses: CourseApi,
}

/// A local service's answer as a client receives it: encoded and decoded, as over the wire. The
/// service implementations put concept references into their answers as bytes encoded once per
/// snapshot (`server::refs`), whose fields only a decode fills in.
pub fn as_received<M: prost::Message + Default>(answer: M) -> Result<M, Status> {
    M::decode(answer.encode_to_vec().as_slice())
        .map_err(|e| Status::internal(format!("the answer does not decode: {e}")))
}

/// One RPC, answered by the server or by the local service implementation of the same name.
macro_rules! rpc {
    ($method:ident, $service:ident, $client:ident, $request:ty, $response:ty) => {
        pub async fn $method(&self, request: $request) -> Result<$response, Status> {
            match self {
                Services::Local(local) => {
                    local.$service.$method(Request::new(request)).await.and_then(|r| as_received(r.into_inner()))
                }
                Services::Remote(channel) => {
                    $client::new(channel.clone()).$method(request).await.map(Response::into_inner)
                }
            }
        }
    };
}

impl Services {
    /// Loads the ontology of `--ontology` when given, else connects to `--server`.
    pub async fn open(client: &ClientArgs, offline: &OfflineArgs) -> Result<Services, Failure> {
        let text = client.lang;
        if !offline.ontology.is_empty() {
            let engines = super::load_engines(&offline.ontology, Some(Path::new(&offline.index_dir))).map_err(|f| {
                Failure::new(
                    f.code,
                    format!("{} {}", text.pick("kan de ontologie niet laden:", "cannot load the ontology:"), f.message),
                )
            })?;
            let live = LiveEngines::new(engines);
            return Ok(Services::Local(Box::new(Local {
                concepts: ConceptApi::new(live.clone()),
                search: SearchApi::new(live.clone()),
                matching: MatchingApi::new(live.clone()),
                funding: FundingApi::new(live.clone()),
                planning: PlanningApi::new(live.clone()),
                courses: CourseApi::new(live),
            })));
        }
        match super::client::channel(client).await {
            Ok(channel) => Ok(Services::Remote(channel)),
            Err(failure) if failure.code == EXIT_UNREACHABLE => Err(Failure::new(
                EXIT_UNREACHABLE,
                format!(
                    "{} {} {}",
                    text.pick("kan de vaardig-server niet bereiken op", "cannot reach the vaardig server at"),
                    client.server,
                    text.pick(
                        "— start hem met `vaardig serve`, geef een andere --server, of werk offline met --ontology embedded",
                        "— start it with `vaardig serve`, give another --server, or work offline with --ontology embedded",
                    )
                ),
            )),
            Err(failure) => Err(failure),
        }
    }

    rpc!(list_concepts, concepts, ConceptServiceClient, pb::ListConceptsRequest, pb::ListConceptsResponse);
    rpc!(batch_get_concepts, concepts, ConceptServiceClient, pb::BatchGetConceptsRequest, pb::BatchGetConceptsResponse);
    rpc!(search, search, SearchServiceClient, pb::SearchRequest, pb::SearchResponse);
    rpc!(suggest, search, SearchServiceClient, pb::SuggestRequest, pb::SuggestResponse);
    rpc!(extract_concepts, search, SearchServiceClient, pb::ExtractConceptsRequest, pb::ExtractConceptsResponse);
    rpc!(compute_skill_gap, matching, MatchingServiceClient, pb::ComputeSkillGapRequest, pb::ComputeSkillGapResponse);
    rpc!(
        related_occupations,
        matching,
        MatchingServiceClient,
        pb::RelatedOccupationsRequest,
        pb::RelatedOccupationsResponse
    );
    rpc!(match_occupations, matching, MatchingServiceClient, pb::MatchOccupationsRequest, pb::MatchOccupationsResponse);
    rpc!(check_eligibility, funding, FundingServiceClient, pb::CheckEligibilityRequest, pb::CheckEligibilityResponse);
    rpc!(
        list_funding_schemes,
        funding,
        FundingServiceClient,
        pb::ListFundingSchemesRequest,
        pb::ListFundingSchemesResponse
    );
    rpc!(
        suggest_training_path,
        planning,
        PlanningServiceClient,
        pb::SuggestTrainingPathRequest,
        pb::SuggestTrainingPathResponse
    );
    rpc!(search_courses, courses, CourseServiceClient, pb::SearchCoursesRequest, pb::SearchCoursesResponse);
}

/// A service error as a failure in plain language: what was being done (`doing`, already in the
/// chosen language), what kind of problem it is, and the service's own message naming the field or id.
pub fn explain(status: Status, doing: &str, text: Lang) -> Failure {
    let (code, kind) = match status.code() {
        Code::NotFound => (EXIT_NOT_FOUND, text.pick("niet gevonden", "not found")),
        Code::InvalidArgument => (EXIT_INVALID_ARGUMENT, text.pick("ongeldige invoer", "invalid input")),
        Code::Unavailable => (EXIT_UNREACHABLE, text.pick("de server is niet bereikbaar", "the server is unreachable")),
        Code::ResourceExhausted => (EXIT_INVALID_ARGUMENT, text.pick("te groot", "too large")),
        _ => (EXIT_FAILURE, text.pick("fout van de server", "server error")),
    };
    Failure::new(code, format!("{doing}: {kind}: {}", status.message()))
}

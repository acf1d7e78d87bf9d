//! The one integration-test binary: the real server on an ephemeral port, a generated client, the
//! embedded default ontology and the full ESCO export from `../shared/data`.

mod helpers;

mod advise;
mod browser;
mod bundle_validation;
mod cli;
mod concepts_embedded;
mod concepts_esco;
mod courses;
mod deprecated;
mod errors;
mod export;
mod fleet;
mod funding;
mod grpc_web;
mod history;
mod limits;
mod listing;
mod loadtest;
mod matching;
mod observability;
mod planning;
mod privacy;
mod protocol;
mod reload;
mod search;
mod served_binary;
mod shutdown;
mod telemetry;
mod tls;

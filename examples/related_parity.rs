//! Checks that two servers give the same RelatedOccupations answers, byte for byte: every
//! occupation of the ontology as the origin, under several filter/limit variants, in the FULL view
//! with the longest explanations (every number of the ranking and of the breakdown, the reasons
//! and the shared words). Used to show that a change to the transitions engine leaves its answers
//! as they were (BENCHMARKS.md, issue 13, "RelatedOccupations, fourth round"): run one server
//! built from the old commit and one from the new, on the same data.
//!
//! `cargo run --release --example related_parity -- http://127.0.0.1:50821 http://127.0.0.1:50822
//! ../shared/data/esco-v1.1.1 embedded` (the sources both servers were started with, to list the
//! occupations; about a minute on full ESCO).

use prost::Message;
use vaardig::model::ConceptKind;
use vaardig::ontology::{self, SourceSpec};
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::matching_service_client::MatchingServiceClient;

/// The variants each origin is asked under: what a default caller, a career switcher, a planner and
/// a narrow search ask.
fn variants(origin: &str) -> Vec<pb::RelatedOccupationsRequest> {
    let base = pb::RelatedOccupationsRequest {
        occupation_id: origin.to_string(),
        explain_limit: 50,
        lang: "nl".into(),
        view: pb::ExplanationView::Full as i32,
        ..Default::default()
    };
    let filter = |isco_prefix: &str, min_score: f64| {
        Some(pb::OccupationFilter { isco_prefix: isco_prefix.into(), min_score, ..Default::default() })
    };
    vec![
        base.clone(),
        pb::RelatedOccupationsRequest { other_major_group_only: true, limit: 25, ..base.clone() },
        pb::RelatedOccupationsRequest { filter: filter("2", 0.2), limit: 100, lang: "en".into(), ..base.clone() },
        pb::RelatedOccupationsRequest { include_deprecated: true, limit: 1, ..base.clone() },
        pb::RelatedOccupationsRequest { filter: filter("", 0.1), view: 0, explain_limit: 0, ..base },
    ]
}

/// The answer as bytes, or the error's code and message.
async fn ask(
    client: &mut MatchingServiceClient<tonic::transport::Channel>,
    request: pb::RelatedOccupationsRequest,
) -> Vec<u8> {
    match client.related_occupations(request).await {
        Ok(response) => response.into_inner().encode_to_vec(),
        Err(status) => format!("{:?}: {}", status.code(), status.message()).into_bytes(),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: related_parity SERVER_A SERVER_B SOURCE...");
        std::process::exit(2);
    }
    let sources: Vec<SourceSpec> = args[2..].iter().map(|s| SourceSpec::parse(s)).collect();
    let (snapshot, _) = ontology::load(&sources).expect("the sources load");
    let ids: Vec<String> =
        snapshot.concepts_of(ConceptKind::Occupation).map(|(_, concept)| concept.id.to_string()).collect();
    let mut a = MatchingServiceClient::connect(args[0].clone()).await.expect("server A answers");
    let mut b = MatchingServiceClient::connect(args[1].clone()).await.expect("server B answers");
    a = a.max_decoding_message_size(usize::MAX);
    b = b.max_decoding_message_size(usize::MAX);
    let (mut compared, mut differing, mut bytes) = (0usize, 0usize, 0usize);
    for id in &ids {
        for request in variants(id) {
            let (left, right) = tokio::join!(ask(&mut a, request.clone()), ask(&mut b, request.clone()));
            compared += 1;
            bytes += left.len();
            if left != right {
                differing += 1;
                if differing <= 5 {
                    eprintln!("differs: {request:?}");
                }
            }
        }
    }
    println!(
        "{} origins, {compared} requests, {differing} answers differ ({:.1} MB of answers compared)",
        ids.len(),
        bytes as f64 / 1e6
    );
    if differing > 0 {
        std::process::exit(1);
    }
}

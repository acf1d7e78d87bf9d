//! Concept history through the real server: ResolveIds follows replaced-by chains, WatchChanges
//! streams the changes between two versions it served (and, following, those of later reloads),
//! ListVersions, and NOT_FOUND for a version it does not know.

use futures_util::StreamExt;
use tonic::Code;
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::history_service_client::HistoryServiceClient;

use crate::reload::{deploy, reload, reloadable_server};

fn event_line(e: &pb::ChangeEvent) -> String {
    let kind =
        pb::ChangeType::try_from(e.r#type).unwrap().as_str_name().trim_start_matches("CHANGE_TYPE_").to_lowercase();
    let short = |s: &str| s.trim_start_matches("https://id.vaardig.nl/").to_string();
    let removed = if e.removed { "removed" } else { "" }.to_string();
    let parts = [kind, short(&e.id), short(&e.replaced_by), short(&e.resolved_id), removed];
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

async fn changes(
    client: &mut HistoryServiceClient<tonic::transport::Channel>,
    request: pb::WatchChangesRequest,
) -> Vec<String> {
    let mut stream = client.watch_changes(request).await.unwrap().into_inner();
    let mut lines = Vec::new();
    while let Some(event) = stream.next().await {
        lines.push(event_line(&event.unwrap()));
    }
    lines
}

#[tokio::test]
async fn resolve_ids_follows_replaced_by_chains_to_the_live_concept() {
    let s = reloadable_server("v2").await;
    let mut client = HistoryServiceClient::new(s.server.channel().await);
    let ids = [
        "vaardig:skill/hist-vliegplan-opstellen",
        "vaardig:skill/hist-drone-vliegen",
        "vaardig:skill/hist-kaartlezen",
        "vaardig:skill/hist-rpas-vergunning",
        "vaardig:skill/bestaat-niet",
    ];
    let response = client
        .resolve_ids(pb::ResolveIdsRequest { ids: ids.iter().map(|s| s.to_string()).collect(), lang: "en".into() })
        .await
        .unwrap()
        .into_inner();
    let row = |i: usize| {
        let r = &response.resolutions[i];
        let chain: Vec<&str> = r.chain.iter().map(|c| c.trim_start_matches("https://id.vaardig.nl/")).collect();
        let live = r.concept.as_ref().map(|c| (c.id.trim_start_matches("https://id.vaardig.nl/"), c.label.as_str()));
        (pb::ResolutionStatus::try_from(r.status).unwrap(), chain, live)
    };
    use pb::ResolutionStatus::*;
    assert_eq!(
        row(0),
        (
            Replaced,
            vec!["skill/hist-vliegplan-opstellen", "skill/hist-drone-vliegen", "skill/hist-drone-besturen"],
            Some(("skill/hist-drone-besturen", "operating drones"))
        )
    );
    assert_eq!(row(1).0, Replaced);
    assert_eq!(row(2), (Live, vec!["skill/hist-kaartlezen"], Some(("skill/hist-kaartlezen", "kaartlezen"))));
    assert_eq!(row(3), (Deprecated, vec!["skill/hist-rpas-vergunning"], None));
    assert_eq!(row(4), (Unknown, vec!["skill/bestaat-niet"], None));

    let status = client.resolve_ids(pb::ResolveIdsRequest::default()).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.message(), "ids: at least one id");
}

#[tokio::test]
async fn watch_changes_lists_the_changes_between_served_versions_and_follows_reloads() {
    let s = reloadable_server("v1").await;
    let mut client = HistoryServiceClient::new(s.server.channel().await);
    let v1 = client.list_versions(pb::ListVersionsRequest::default()).await.unwrap().into_inner().snapshot_version;
    deploy("v2", &s.data);
    let v2 = reload(&s.server).await.unwrap().snapshot_version;

    let all = changes(&mut client, pb::WatchChangesRequest { from_version: v1.clone(), ..Default::default() }).await;
    assert_eq!(
        all,
        [
            "updated occupation/hist-dronepiloot",
            "created skill/hist-drone-besturen",
            "replaced skill/hist-drone-vliegen skill/hist-drone-besturen skill/hist-drone-besturen",
            "updated skill/hist-luchtfoto-maken",
            "deprecated skill/hist-rpas-vergunning",
            "replaced skill/hist-vliegplan-opstellen skill/hist-drone-vliegen skill/hist-drone-besturen",
        ]
    );
    let occupations = changes(
        &mut client,
        pb::WatchChangesRequest {
            from_version: v1.clone(),
            to_version: v2.clone(),
            kinds: vec![pb::ConceptKind::Occupation as i32],
            follow: false,
        },
    )
    .await;
    assert_eq!(occupations, ["updated occupation/hist-dronepiloot"]);
    assert!(
        changes(&mut client, pb::WatchChangesRequest { from_version: v2.clone(), ..Default::default() })
            .await
            .is_empty()
    );

    let versions = client.list_versions(pb::ListVersionsRequest::default()).await.unwrap().into_inner();
    let listed: Vec<&str> = versions.versions.iter().map(|v| v.snapshot_version.as_str()).collect();
    assert_eq!(listed, [v1.as_str(), v2.as_str()]);
    assert_eq!(versions.snapshot_version, v2);
    assert_eq!(versions.total_size, 2);
    let first = client
        .list_versions(pb::ListVersionsRequest { page_size: 1, ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.versions[0].snapshot_version, v1);
    let second = client
        .list_versions(pb::ListVersionsRequest { page_size: 1, page_token: first.next_page_token })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(second.versions[0].snapshot_version, v2);
    assert!(second.next_page_token.is_empty());

    let status = client
        .watch_changes(pb::WatchChangesRequest { from_version: "v0123456789abcdef".into(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(
        status.message().starts_with("from_version: version `v0123456789abcdef` is not known"),
        "{}",
        status.message()
    );
    let status = client
        .watch_changes(pb::WatchChangesRequest {
            from_version: v1.clone(),
            to_version: "v-unknown".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(status.message().starts_with("to_version:"), "{}", status.message());

    // Following: the changes of the next reload arrive on the open stream.
    let mut stream = client
        .watch_changes(pb::WatchChangesRequest { from_version: v2.clone(), follow: true, ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    deploy("v1", &s.data);
    let back = reload(&s.server).await.unwrap().snapshot_version;
    assert_eq!(back, v1);
    let mut followed = Vec::new();
    while followed.len() < 6 {
        let event =
            tokio::time::timeout(std::time::Duration::from_secs(20), stream.next()).await.unwrap().unwrap().unwrap();
        assert_eq!((event.from_version.as_str(), event.to_version.as_str()), (v2.as_str(), v1.as_str()));
        followed.push(event_line(&event));
    }
    assert!(followed.contains(&"deprecated skill/hist-drone-besturen removed".to_string()), "{followed:?}");
    assert!(followed.contains(&"updated skill/hist-drone-vliegen".to_string()), "reinstated: {followed:?}");

    // Shutting the server down ends a follow stream cleanly instead of holding the drain.
    drop(s);
    let end = tokio::time::timeout(std::time::Duration::from_secs(1), stream.next()).await;
    assert!(matches!(end, Ok(None)), "the follow stream ended cleanly: {end:?}");
}

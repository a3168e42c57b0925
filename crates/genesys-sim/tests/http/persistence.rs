//! The state file: integrations and config versions survive a restart; tokens do not.

use genesys_sim::{SimConfig, DEFAULT_SECRET};
use reqwest::Method;

use crate::common::{quick_config, Harness, EB};

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim-state.json");
    let config = SimConfig {
        state_file: Some(file.clone()),
        ..quick_config()
    };
    let h = Harness::with(config.clone()).await;
    let api = h.admin().await;
    let id = api.create("kept", EB).await;
    api.configure(&id, 1, "s").await;
    let gone = api.create("deleted", "webhooks").await;
    api.delete(&format!("/api/v2/integrations/{gone}")).await;
    let old_token = api.token.clone();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(DEFAULT_SECRET),
        "no secrets in the state file"
    );
    assert!(!text.contains(&old_token), "no tokens in the state file");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temp files are renamed into place: {leftovers:?}"
    );
    h.sim.shutdown().await;

    let h = Harness::with(config.clone()).await;
    let r = reqwest::Client::new()
        .get(format!("{}/api/v2/integrations", h.base))
        .bearer_auth(&old_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "tokens are not persisted");
    let api = h.admin().await;
    let list = api.get("/api/v2/integrations?expand=config.current").await;
    assert_eq!(list.body["total"], 1);
    let i = &list.body["entities"][0];
    assert_eq!(i["id"], id);
    assert_eq!(i["name"], "kept");
    assert_eq!(i["config"]["current"]["version"], 2);
    assert_eq!(
        i["config"]["current"]["properties"]["eventSourceSuffix"],
        "s"
    );
    // The stale version is still stale after the restart.
    api.configure(&id, 1, "s")
        .await
        .assert_error(409, "conflict");

    // Reset empties the file too.
    assert_eq!(h.raw(Method::POST, "/sim/v1/reset").await.status, 204);
    h.sim.shutdown().await;
    let h = Harness::with(config).await;
    let api = h.admin().await;
    assert_eq!(api.get("/api/v2/integrations").await.body["total"], 0);
}

#[tokio::test]
async fn a_corrupt_state_file_fails_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, "{ nope").unwrap();
    let config = SimConfig {
        state_file: Some(file),
        ..quick_config()
    };
    let err = genesys_sim::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .err()
        .expect("start must fail");
    assert!(
        matches!(err, genesys_sim::StartError::StateFile(_)),
        "{err}"
    );
}

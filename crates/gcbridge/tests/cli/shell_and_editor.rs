//! Where users live: the config schema for editors, shell completions, man pages.

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn config_schema_prints_the_committed_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = gcbridge(dir.path(), &[], &["config-schema"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/gcbridge.schema.json"),
    )
    .unwrap();
    assert_eq!(out.stdout, committed);
    let schema = out.json();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    for key in ["genesys", "destination", "org"] {
        assert!(schema["properties"][key].is_object(), "{key}: {schema:#}");
    }
}

//! The emulator loses nothing it acknowledged: a change the state file cannot take is a 500 and
//! is undone; start-up refuses a state file it could not write, a read-only one, and one another
//! emulator holds.
//!
//! The suite may run as root, where permission bits stop no write. The failure used here works
//! for every user: the state file's directory is replaced by a regular file, so creating the
//! temp file next to the state file fails (ENOTDIR). Permission bits are tried too when not root.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use genesys_sim::{PersistError, SimConfig, StartError};
use reqwest::Method;
use serde_json::json;

use crate::common::{quick_config, Harness, EB};

fn with_state(file: &Path) -> SimConfig {
    SimConfig {
        state_file: Some(file.to_path_buf()),
        ..quick_config()
    }
}

async fn start_error(config: SimConfig) -> StartError {
    genesys_sim::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .err()
        .expect("start must be refused")
}

/// Starts on the state file `file` expecting a refusal because of it; asserts the refusal
/// names the file, and returns the state-file error and the refusal's text.
async fn state_file_refused(file: &Path) -> (PersistError, String) {
    let err = start_error(with_state(file)).await;
    let text = err.to_string();
    assert!(text.contains(&file.display().to_string()), "{text}");
    match err {
        StartError::StateFile(e) => (e, text),
        other => panic!("refused for another reason than the state file: {other}"),
    }
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(true)
}

/// Puts a regular file where `dir` was (the directory kept aside), and back.
struct DirReplaced {
    dir: PathBuf,
    aside: PathBuf,
}

impl DirReplaced {
    fn new(dir: &Path) -> Self {
        let aside = dir.with_extension("aside");
        std::fs::rename(dir, &aside).unwrap();
        std::fs::write(dir, "not a directory").unwrap();
        DirReplaced {
            dir: dir.to_path_buf(),
            aside,
        }
    }

    fn restore(self) {
        std::fs::remove_file(&self.dir).unwrap();
        std::fs::rename(&self.aside, &self.dir).unwrap();
    }
}

#[tokio::test]
async fn start_is_refused_when_the_state_file_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("plain-file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let file = not_a_dir.join("state.json");
    let (err, text) = state_file_refused(&file).await;
    assert!(matches!(err, PersistError::Unwritable { .. }), "{text}");

    if !is_root() {
        let locked = dir.path().join("ro");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        let err = start_error(with_state(&locked.join("state.json"))).await;
        assert!(
            matches!(err, StartError::StateFile(PersistError::Unwritable { .. })),
            "{err}"
        );
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[tokio::test]
async fn a_write_that_cannot_be_persisted_is_a_500_and_is_undone() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("state");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("sim-state.json");
    let h = Harness::with(with_state(&file)).await;
    let api = h.admin().await;
    let kept = api.create("kept", EB).await;
    let saved = std::fs::read(&file).unwrap();

    let gone = DirReplaced::new(&dir);
    let r = api
        .post(
            "/api/v2/integrations",
            json!({"name": "lost", "integrationType": {"id": EB}}),
        )
        .await;
    r.assert_error(500, "internal.server.error");
    let message = r.body["message"].as_str().unwrap();
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert!(!message.contains(genesys_sim::DEFAULT_SECRET), "{message}");
    let r = api.delete(&format!("/api/v2/integrations/{kept}")).await;
    r.assert_error(500, "internal.server.error");
    api.configure(&kept, 1, "s")
        .await
        .assert_error(500, "internal.server.error");
    assert_eq!(h.raw(Method::POST, "/sim/v1/reset").await.status, 500);

    let list = api.get("/api/v2/integrations").await;
    assert_eq!(list.body["total"], 1, "{}", list.body);
    assert_eq!(list.body["entities"][0]["id"], kept);
    let current = api
        .get(&format!("/api/v2/integrations/{kept}/config/current"))
        .await;
    assert_eq!(current.body["version"], 1, "{}", current.body);
    h.sim.shutdown().await;

    gone.restore();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        saved,
        "the file is as last acknowledged"
    );
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    let h = Harness::with(with_state(&file)).await;
    let list = h.admin().await.get("/api/v2/integrations").await;
    assert_eq!(list.body["total"], 1, "{}", list.body);
    assert_eq!(list.body["entities"][0]["name"], "kept");
    h.sim.shutdown().await;
}

#[tokio::test]
async fn a_second_emulator_on_the_same_state_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shared.json");
    let first = Harness::with(with_state(&file)).await;
    let (err, text) = state_file_refused(&file).await;
    assert!(matches!(err, PersistError::InUse { .. }), "{text}");
    assert!(
        text.contains(&format!("pid {}", std::process::id())),
        "names the holder: {text}"
    );
    first.sim.shutdown().await;
    // Stopped, the first releases the file.
    Harness::with(with_state(&file)).await.sim.shutdown().await;
}

#[tokio::test]
async fn a_read_only_state_file_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ro.json");
    let h = Harness::with(with_state(&file)).await;
    h.admin().await.create("kept", EB).await;
    h.sim.shutdown().await;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&file).unwrap();
    let inode = std::fs::metadata(&file).unwrap().ino();

    let err = start_error(with_state(&file)).await;
    assert!(
        matches!(err, StartError::StateFile(PersistError::ReadOnly { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("read-only"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&file).unwrap().ino(),
        inode,
        "not replaced"
    );
}

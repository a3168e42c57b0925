//! The demo's AWS: moto started by the project's launcher (`scripts/moto-server PORT`, which
//! installs the pinned moto into `.venv` on first use) in a process group of its own, stopped
//! as a whole when the guard is dropped (the end of the demo, an error, or a signal: the demo
//! runs under `signals::guarded`, which drops the work).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::failure::Failure;

/// Overrides where the launcher is (tests point it at a missing file to play "no python3").
pub const LAUNCHER_VAR: &str = "GCBRIDGE_MOTO_LAUNCHER";
/// A first start installs moto (about a minute); later ones answer in a few seconds.
const READY_LIMIT: Duration = Duration::from_secs(180);

/// Why the AWS half cannot run here, said plainly.
pub struct Unavailable(pub String);

/// The launcher: `$GCBRIDGE_MOTO_LAUNCHER`, else `scripts/moto-server` of the source tree this
/// binary was built from, else of a directory above the binary (a copied `target/`).
pub fn launcher() -> Result<PathBuf, Unavailable> {
    if let Some(p) = std::env::var_os(LAUNCHER_VAR).filter(|v| !v.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(Unavailable(format!(
                "the moto launcher {} ({LAUNCHER_VAR}) does not exist",
                p.display()
            )))
        };
    }
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/moto-server");
    let beside_exe = std::env::current_exe().ok().and_then(|exe| {
        exe.ancestors()
            .map(|d| d.join("scripts/moto-server"))
            .find(|p| p.is_file())
    });
    [Some(built_from), beside_exe]
        .into_iter()
        .flatten()
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Unavailable("scripts/moto-server was not found (not a source checkout)".into())
        })
}

/// Whether the launcher can run: its venv's python exists, or python3 is on PATH to make one.
pub fn python_ready(launcher: &Path) -> Result<(), Unavailable> {
    let root = launcher.parent().and_then(Path::parent);
    if root.is_some_and(|r| r.join(".venv/bin/python").exists()) {
        return Ok(());
    }
    let on_path = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join("python3").is_file()));
    if on_path {
        Ok(())
    } else {
        Err(Unavailable(
            "python3 was not found on PATH (moto needs it)".into(),
        ))
    }
}

/// A running moto; dropping it stops its whole process group.
pub struct Moto {
    child: Child,
    pub endpoint: String,
    pub log: PathBuf,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let group = self.child.id() as i32;
        // SAFETY: kill(2) with a negative pid signals the group the launcher leads; no memory is
        // touched.
        unsafe { libc::kill(-group, libc::SIGTERM) };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(3) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // SAFETY: as above.
        unsafe { libc::kill(-group, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

/// Starts moto on a free loopback port and waits until it answers.
pub async fn start(launcher: &Path) -> Result<Moto, Failure> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| Failure::failed(format!("cannot find a free loopback port: {e}")))?
        .port();
    let log = std::env::temp_dir().join(format!("gcbridge-demo-moto-{}.log", std::process::id()));
    let out = std::fs::File::create(&log)
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", log.display())))?;
    let err = out
        .try_clone()
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", log.display())))?;
    let child = std::os::unix::process::CommandExt::process_group(
        Command::new(launcher)
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err),
        0,
    )
    .spawn()
    .map_err(|e| Failure::failed(format!("cannot run {}: {e}", launcher.display())))?;
    let mut moto = Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
        log,
    };
    wait_ready(&mut moto).await?;
    Ok(moto)
}

async fn wait_ready(moto: &mut Moto) -> Result<(), Failure> {
    let started = Instant::now();
    let probe = format!("{}/moto-api/", moto.endpoint);
    loop {
        if let Ok(Some(status)) = moto.child.try_wait() {
            return Err(Failure::failed(format!(
                "moto exited ({status}) before answering; its log: {}",
                moto.log.display()
            )));
        }
        if reqwest::get(&probe).await.is_ok() {
            return Ok(());
        }
        if started.elapsed() > READY_LIMIT {
            return Err(Failure::failed(format!(
                "moto did not answer on {} within {} s; its log: {}",
                moto.endpoint,
                READY_LIMIT.as_secs(),
                moto.log.display()
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

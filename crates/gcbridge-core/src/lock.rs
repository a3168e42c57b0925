//! The advisory lock per org on one machine, so two local `apply`/`destroy` runs of the same org
//! take turns instead of racing (the org-level protocol of `genesys::settle` still covers runs
//! on different machines). A file lock (`fs4`, flock on Unix): the operating system releases it
//! when the process ends however it ends, so a killed run never leaves a stale lock.
//!
//! The file is named after the org id and the API host (the same org under two regions' hosts
//! is two orgs; the emulator gives every instance the same org id). Nothing secret goes into the
//! name or the file: the file holds the pid of the run holding it, for the waiting message.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use fs4::{FileExt, TryLockError};

/// Overrides where the lock files live (tests give each run its own or a shared folder).
pub const LOCK_DIR_VAR: &str = "GCBRIDGE_LOCK_DIR";

/// How often a waiting run tries the lock again.
const RETRY_EVERY: Duration = Duration::from_millis(200);

/// Where lock files live: [`LOCK_DIR_VAR`], else the user's runtime dir (`$XDG_RUNTIME_DIR`), else
/// the user's cache dir, else the temporary dir; a `gcbridge/locks` folder under it.
pub fn default_lock_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(LOCK_DIR_VAR).filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::runtime_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("gcbridge")
        .join("locks")
}

/// The lock file's name for an org at an API host (`host` or `host:port`).
pub fn lock_file_name(org_id: &str, api_host: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'a'..='z' | '0'..='9' | '-' | '.' => c,
                'A'..='Z' => c.to_ascii_lowercase(),
                _ => '_',
            })
            .collect()
    };
    format!("org-{}@{}.lock", clean(org_id), clean(api_host))
}

/// Who holds the lock a run is waiting for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The holder's process id, when it has written it yet.
    pub pid: Option<u32>,
}

/// How far a file's mtime may lag behind the clock (the kernel stamps it from a coarse clock).
const MTIME_SLACK: Duration = Duration::from_millis(20);

/// The lock, held until dropped.
#[derive(Debug)]
pub struct OrgLock {
    path: PathBuf,
    // Closing the file releases the lock.
    file: File,
    /// When another run last released the lock, as the file says; `None` when unknown or when
    /// this run had to wait for it.
    quiet_since: Option<SystemTime>,
}

impl OrgLock {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether no other run held or released the lock from `t` until this run took it, so what
    /// this run read of the org from `t` on is what it would have read under the lock. A run that
    /// was killed while holding it leaves no release mark: that case is left to the protocol
    /// through the org (`genesys::settle`), as for runs on other machines.
    pub fn untouched_since(&self, t: SystemTime) -> bool {
        self.quiet_since.is_some_and(|last| last + MTIME_SLACK < t)
    }
}

impl Drop for OrgLock {
    fn drop(&mut self) {
        // The release mark (the file's mtime) that `untouched_since` of the next run reads.
        let _ = self.file.set_len(0);
    }
}

/// Why the lock could not be taken (the folder cannot be created or the file opened).
#[derive(Debug, thiserror::Error)]
#[error("cannot take the lock file {}: {source}", path.display())]
pub struct LockError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Takes the lock of `org_id` at `api_host` in `dir`, waiting for as long as another run holds
/// it; `on_wait` is told once, when the lock turns out to be held.
pub async fn lock_org(
    dir: &Path,
    org_id: &str,
    api_host: &str,
    on_wait: &(dyn Fn(&Holder) + Sync),
) -> Result<OrgLock, LockError> {
    let path = dir.join(lock_file_name(org_id, api_host));
    let fail = |source| LockError {
        path: path.clone(),
        source,
    };
    create_private_dir(dir).map_err(fail)?;
    // No file yet: no run took this lock since the folder was made (one that creates it between
    // this look and the open below would have to take and release it within those microseconds).
    let fresh = !path.exists();
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(fail)?;
    let mut told = false;
    loop {
        match FileExt::try_lock(&file) {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) => {
                if !told {
                    on_wait(&Holder {
                        pid: holder_pid(&mut file),
                    });
                    told = true;
                }
                tokio::time::sleep(RETRY_EVERY).await;
            }
            Err(TryLockError::Error(e)) => return Err(fail(e)),
        }
    }
    // Read under the lock: the last release, or the take of a run killed while holding it.
    let last = match fresh {
        true => Some(SystemTime::UNIX_EPOCH),
        false => file.metadata().and_then(|m| m.modified()).ok(),
    };
    // The pid is only for the message of a run that waits: a failure to write it is no reason
    // to give up the lock.
    let _ = write_pid(&mut file);
    Ok(OrgLock {
        path,
        file,
        quiet_since: last.filter(|_| !told),
    })
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn holder_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

fn write_pid(file: &mut File) -> std::io::Result<()> {
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    writeln!(file, "{}", std::process::id())?;
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_carries_the_org_and_host_and_nothing_else() {
        assert_eq!(
            lock_file_name("4A6b-00", "api.mypurecloud.com"),
            "org-4a6b-00@api.mypurecloud.com.lock"
        );
        assert_eq!(
            lock_file_name("../x", "127.0.0.1:8080"),
            "org-.._x@127.0.0.1_8080.lock"
        );
    }

    #[tokio::test]
    async fn a_second_taker_waits_and_learns_the_holder_pid() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_org(dir.path(), "org", "h", &|_| panic!("free"))
            .await
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let dir2 = dir.path().to_path_buf();
        let second = tokio::spawn(async move {
            lock_org(&dir2, "ORG", "h", &move |h| tx.send(h.clone()).unwrap())
                .await
                .unwrap()
        });
        let holder = tokio::task::spawn_blocking(move || rx.recv().unwrap())
            .await
            .unwrap();
        assert_eq!(holder.pid, Some(std::process::id()));
        assert!(!second.is_finished());
        drop(first);
        let second = second.await.unwrap();
        assert!(second.path().starts_with(dir.path()));
    }
}

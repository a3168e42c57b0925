//! What `start` checks before it trusts a state file: that the emulator will be able to persist
//! every write it acknowledges (a probe file created and removed in the file's directory), that
//! an existing file is not read-only (a rename would silently replace it: on Unix renaming over
//! a read-only file succeeds), and that no other emulator uses the same file (an advisory lock,
//! `fs4`, on a sidecar `.NAME.lock`: the state file itself is replaced by every save, so a lock
//! on it would be lost at the first write). The lock file holds the holder's pid for the message.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use fs4::{FileExt, TryLockError};

use crate::persistence::{sidecar, PersistError};

/// The advisory lock on a state file, held (by the serving task) until the server stops.
#[derive(Debug)]
pub struct StateLock {
    // Closing the file releases the lock.
    _file: File,
}

/// Runs every start-up check on `path` and takes its lock.
pub fn acquire(path: &Path) -> Result<StateLock, PersistError> {
    probe_directory(path)?;
    refuse_read_only(path)?;
    lock(path)
}

fn probe_directory(path: &Path) -> Result<(), PersistError> {
    let probe = sidecar(path, &format!("probe-{}", std::process::id()));
    let unwritable = |source| PersistError::Unwritable {
        path: path.to_path_buf(),
        source,
    };
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(unwritable)?;
    std::fs::remove_file(&probe).map_err(unwritable)
}

fn refuse_read_only(path: &Path) -> Result<(), PersistError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(PersistError::Format {
            path: path.to_path_buf(),
            message: "it is a directory".into(),
        }),
        Ok(m) if m.permissions().readonly() => Err(PersistError::ReadOnly {
            path: path.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

fn lock(path: &Path) -> Result<StateLock, PersistError> {
    let lock_path: PathBuf = sidecar(path, "lock");
    let io = |source| PersistError::Io {
        path: lock_path.clone(),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(io)?;
    match FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(PersistError::InUse {
                path: path.to_path_buf(),
                holder: holder(&mut file),
            })
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    file.set_len(0).map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    write!(file, "{}", std::process::id()).map_err(io)?;
    Ok(StateLock { _file: file })
}

/// ` (pid N)` when the holder wrote its pid, else nothing.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    match text.trim().parse::<u32>() {
        Ok(pid) => format!(" (pid {pid})"),
        Err(_) => String::new(),
    }
}

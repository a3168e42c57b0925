//! The optional state file: the backend (orgs' integrations and their config versions)
//! as JSON, loaded at start and rewritten atomically (temp file + rename in the same
//! directory) after each change. Tokens and client secrets are never written.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::backend::Backend;

const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct StateFile {
    format: u32,
    backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("cannot read or write state file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("state file {path} is not a gcbridge sim state file: {message}")]
    Format { path: PathBuf, message: String },
    #[error("state file {path} cannot be written (a probe file in its directory failed: {source}); choose a writable directory for it")]
    Unwritable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("state file {path} is read-only; make it writable (chmod u+w) or choose another state file, it is not replaced")]
    ReadOnly { path: PathBuf },
    #[error("state file {path} is in use by another emulator{holder}; stop it or choose another state file")]
    InUse { path: PathBuf, holder: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PersistError + '_ {
    move |source| PersistError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads the state file; Ok(None) when it does not exist yet.
pub fn load(path: &Path) -> Result<Option<Backend>, PersistError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path)(e)),
    };
    let file: StateFile = serde_json::from_str(&text).map_err(|e| PersistError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if file.format != FORMAT {
        return Err(PersistError::Format {
            path: path.to_path_buf(),
            message: format!("format {} is not the supported {FORMAT}", file.format),
        });
    }
    Ok(Some(file.backend))
}

/// Writes the whole state so a crash leaves either the old or the new file, never half.
pub fn save(path: &Path, backend: &Backend) -> Result<(), PersistError> {
    let file = StateFile {
        format: FORMAT,
        backend: backend.clone(),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(|e| PersistError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let tmp = sidecar(path, &format!("tmp-{}", std::process::id()));
    let written =
        write_synced(&tmp, &json).and_then(|()| std::fs::rename(&tmp, path).map_err(io(path)));
    if written.is_err() {
        // A half-written temp file (disk full) must not outlive the failed save.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

fn write_synced(tmp: &Path, bytes: &[u8]) -> Result<(), PersistError> {
    let mut f = std::fs::File::create(tmp).map_err(io(tmp))?;
    f.write_all(bytes).map_err(io(tmp))?;
    f.sync_all().map_err(io(tmp))
}

/// `DIR/.NAME.WHAT`: a file next to the state file (its temp file, probe and lock), in the same
/// directory so the rename is atomic and the checks test the directory saves will use.
pub fn sidecar(path: &Path, what: &str) -> PathBuf {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    dir.join(format!(".{name}.{what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::integrations::CreateRequest;

    #[test]
    fn round_trip_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert!(load(&path).unwrap().is_none());
        let mut b = Backend::new(["o"]);
        b.org_mut("o")
            .unwrap()
            .create(
                CreateRequest {
                    name: Some("n".into()),
                    type_id: Some("webhooks".into()),
                },
                crate::clock::now(),
            )
            .unwrap();
        save(&path, &b).unwrap();
        assert_eq!(load(&path).unwrap().unwrap(), b);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temp file must be renamed away");
        std::fs::write(&path, "not json").unwrap();
        assert!(matches!(load(&path), Err(PersistError::Format { .. })));
    }
}

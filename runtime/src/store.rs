//! The artifact store: every version a service answered with, kept by the SHA-256 of its
//! bytes, so that a logged decision can be decided again under exactly that version.
//!
//! A store is a folder of files named `<sha256>.edictc`, each the artifact's bytes as
//! `edict build` writes them (the name is the hash of the whole file, as the decision log and
//! `GET /v1/policy` give it). Files are written once, through a temporary file and a rename,
//! and never changed; reading one checks its bytes against its name, so a damaged or swapped
//! file is an error, never a wrong answer.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::artifact::{sha256, Artifact, LoadError};

/// A folder of artifacts named by their SHA-256.
#[derive(Clone, Debug)]
pub struct ArtifactStore {
    dir: PathBuf,
}

/// Why an artifact could not be had from the store.
#[derive(Debug)]
pub enum StoreError {
    /// No file has that hash.
    Missing { sha256: String, path: PathBuf },
    /// The file is there and cannot be read.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file's bytes do not hash to its name.
    Altered { path: PathBuf, actual: String },
    /// The bytes hash right and do not load (an artifact of another format version).
    Load { path: PathBuf, error: LoadError },
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Missing { sha256, path } => write!(
                f,
                "the artifact {sha256} is not in the store (no file `{}`)",
                path.display()
            ),
            StoreError::Io { path, error } => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
            StoreError::Altered { path, actual } => write!(
                f,
                "`{}` is not the artifact its name says: its bytes hash to {actual}",
                path.display()
            ),
            StoreError::Load { path, error } => {
                write!(f, "cannot load `{}`: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for StoreError {}

/// Whether `text` is a SHA-256 in lower-case hex, as the store names files.
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Lower-case hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl ArtifactStore {
    /// The store in `dir`, made when absent.
    pub fn open(dir: &Path) -> std::io::Result<ArtifactStore> {
        std::fs::create_dir_all(dir)?;
        Ok(ArtifactStore {
            dir: dir.to_path_buf(),
        })
    }

    /// The store in `dir`, which must exist (for reading).
    pub fn existing(dir: &Path) -> std::io::Result<ArtifactStore> {
        if !dir.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("`{}` is not a folder", dir.display()),
            ));
        }
        Ok(ArtifactStore {
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the artifact with this hash is kept.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.edictc"))
    }

    /// Keeps an artifact's bytes (as `Artifact::to_bytes` gives them) and returns their hash.
    /// A version already kept is not written again.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha = hex(&sha256(bytes));
        let path = self.path_of(&sha);
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
            return Ok(sha);
        }
        write_atomically_with(&path, |f| f.write_all(bytes))?;
        Ok(sha)
    }

    /// The artifact with this hash, its bytes checked against it.
    pub fn get(&self, sha256_hex: &str) -> Result<Artifact, StoreError> {
        let path = self.path_of(sha256_hex);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Missing {
                    sha256: sha256_hex.to_string(),
                    path,
                })
            }
            Err(error) => return Err(StoreError::Io { path, error }),
        };
        let actual = hex(&sha256(&bytes));
        if actual != sha256_hex {
            return Err(StoreError::Altered { path, actual });
        }
        Artifact::from_bytes(&bytes).map_err(|error| StoreError::Load { path, error })
    }

    /// The hashes the store holds, sorted.
    pub fn list(&self) -> std::io::Result<Vec<String>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let name = entry?.file_name();
            if let Some(sha) = name.to_str().and_then(|n| n.strip_suffix(".edictc")) {
                if is_sha256(sha) {
                    out.push(sha.to_string());
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

/// Writes a file through a temporary file in the same folder, synced, then renamed over
/// `path`: a reader sees the old file or the whole new one, and a failed write leaves the old
/// one as it was.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let tmp = temporary_beside(path);
    let result = (|| {
        let mut f = File::create(&tmp)?;
        write(&mut f)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A temporary file's name in the same folder as `path` (`.NAME.PID.tmp`), for a write that
/// ends in a rename over `path`.
pub fn temporary_beside(path: &Path) -> PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("edict-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn a_stored_file_is_checked_against_its_name() {
        let d = dir("altered");
        let store = ArtifactStore::open(&d).unwrap();
        let sha = store.put(b"not an artifact").unwrap();
        assert!(is_sha256(&sha));
        assert_eq!(store.list().unwrap(), vec![sha.clone()]);
        // The bytes hash right and are no artifact: a load error, named.
        assert!(matches!(store.get(&sha), Err(StoreError::Load { .. })));
        std::fs::write(store.path_of(&sha), b"swapped").unwrap();
        assert!(matches!(store.get(&sha), Err(StoreError::Altered { .. })));
        let other = "0".repeat(64);
        let missing = store.get(&other).unwrap_err();
        assert!(matches!(missing, StoreError::Missing { .. }));
        assert!(missing.to_string().contains("is not in the store"));
        let _ = std::fs::remove_dir_all(&d);
    }
}

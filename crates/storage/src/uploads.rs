//! Uploaded files (photos of spaces) in the data directory, each named by the SHA-256 of its
//! bytes under a folder of the hash's first two digits: the same photo uploaded twice is
//! stored once, a name cannot be chosen by whoever uploads, and a file is never changed in
//! place. A file is written beside its final name and renamed into place, so a reader never
//! sees half of one. Rows in the database name the files; `lshub backup` carries both.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::StorageError;

/// The folder of uploaded files.
#[derive(Debug, Clone)]
pub struct Uploads {
    root: PathBuf,
}

/// The hash that names `bytes`.
pub fn hash_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `text` can name a file: 64 lowercase hex digits, so no path can be smuggled in.
pub fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn io_error(doing: &str, path: &Path, e: std::io::Error) -> StorageError {
    StorageError::Files(format!("{doing} {}: {e}", path.display()))
}

impl Uploads {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, hash: &str) -> PathBuf {
        self.root.join(&hash[..2]).join(hash)
    }

    /// Stores `bytes` under their hash, which it returns.
    pub fn put(&self, bytes: &[u8]) -> Result<String, StorageError> {
        let hash = hash_of(bytes);
        let path = self.path(&hash);
        if path.is_file() {
            return Ok(hash);
        }
        let folder = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(folder).map_err(|e| io_error("creating", folder, e))?;
        let partial = folder.join(format!(".{hash}.{}.partial", uuid::Uuid::now_v7()));
        let written = std::fs::File::create(&partial).and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        });
        if let Err(e) = written.and_then(|()| std::fs::rename(&partial, &path)) {
            // Best effort: the partial file is useless, and the error says what failed.
            let _ = std::fs::remove_file(&partial);
            return Err(io_error("writing", &path, e));
        }
        Ok(hash)
    }

    /// The file named `hash`, if there is one.
    pub fn get(&self, hash: &str) -> Result<Option<Vec<u8>>, StorageError> {
        if !is_hash(hash) {
            return Ok(None);
        }
        let path = self.path(hash);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("reading", &path, e)),
        }
    }

    /// The hash of every file, sorted.
    pub fn list(&self) -> Result<Vec<String>, StorageError> {
        let mut hashes = Vec::new();
        let folders = match std::fs::read_dir(&self.root) {
            Ok(folders) => folders,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(hashes),
            Err(e) => return Err(io_error("listing", &self.root, e)),
        };
        for folder in folders {
            let folder = folder.map_err(|e| io_error("listing", &self.root, e))?.path();
            if !folder.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&folder).map_err(|e| io_error("listing", &folder, e))? {
                let name = file.map_err(|e| io_error("listing", &folder, e))?.file_name();
                if let Some(name) = name.to_str().filter(|n| is_hash(n)) {
                    hashes.push(name.to_owned());
                }
            }
        }
        hashes.sort_unstable();
        Ok(hashes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_named_by_its_bytes_and_stored_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let uploads = Uploads::new(dir.path().join("uploads"));
        assert_eq!(uploads.list().expect("list"), Vec::<String>::new(), "no folder yet");
        let hash = uploads.put(b"a photo").expect("put");
        assert_eq!(hash, hash_of(b"a photo"));
        assert_eq!(uploads.put(b"a photo").expect("again"), hash);
        assert_eq!(uploads.get(&hash).expect("get"), Some(b"a photo".to_vec()));
        assert_eq!(uploads.list().expect("list"), vec![hash]);
        assert_eq!(uploads.get("../../etc/passwd").expect("refused"), None);
        assert_eq!(uploads.get(&hash_of(b"another")).expect("absent"), None);
    }
}

//! Opening an import file: plain or gzip-compressed, with or without a byte-order mark.
//!
//! The file is decoded completely before anything is parsed, so a damaged file is refused
//! as a whole instead of being imported up to the point where it breaks.

use std::io::Read;
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::ImportError;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const UTF8_BOM: char = '\u{feff}';

/// Reads the file at `path` as text, decompressing it when it is gzip (recognised by its
/// magic bytes, not its name, so a renamed download works too).
pub(crate) fn read_text(path: &Path) -> Result<String, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Unreadable { path: path.to_owned(), source })?;
    decode(bytes, path)
}

fn decode(bytes: Vec<u8>, path: &Path) -> Result<String, ImportError> {
    let bytes = if bytes.starts_with(&GZIP_MAGIC) { gunzip(&bytes, path)? } else { bytes };
    let text = String::from_utf8(bytes).map_err(|e| ImportError::NotText {
        path: path.to_owned(),
        reason: format!("invalid byte at offset {}", e.utf8_error().valid_up_to()),
    })?;
    let text = match text.strip_prefix(UTF8_BOM) {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.trim().is_empty() {
        return Err(ImportError::NoValidRecords {
            path: path.to_owned(),
            reason: "the file is empty".into(),
            rejected: Vec::new(),
        });
    }
    Ok(text)
}

/// Decompresses all gzip members (some tools write several).
fn gunzip(bytes: &[u8], path: &Path) -> Result<Vec<u8>, ImportError> {
    let mut out = Vec::with_capacity(bytes.len() * 4);
    MultiGzDecoder::new(bytes).read_to_end(&mut out).map_err(|e| {
        let reason = if e.kind() == std::io::ErrorKind::UnexpectedEof {
            "the gzip data ends unexpectedly".to_owned()
        } else {
            format!("the gzip data is corrupt ({e})")
        };
        ImportError::Damaged { path: path.to_owned(), reason }
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).expect("compress");
        encoder.finish().expect("compress")
    }

    fn decode_bytes(bytes: Vec<u8>) -> Result<String, ImportError> {
        decode(bytes, Path::new("test.json"))
    }

    #[test]
    fn plain_and_gzip_text_with_bom_read_the_same() {
        let text = "\u{feff}{\"a\": 1}\n";
        assert_eq!(decode_bytes(text.as_bytes().to_vec()).expect("plain"), "{\"a\": 1}\n");
        assert_eq!(decode_bytes(gzip(text.as_bytes())).expect("gzip"), "{\"a\": 1}\n");
    }

    #[test]
    fn concatenated_gzip_members_are_all_read() {
        let mut bytes = gzip(b"{\"a\": 1}\n");
        bytes.extend(gzip(b"{\"a\": 2}\n"));
        assert_eq!(decode_bytes(bytes).expect("two members"), "{\"a\": 1}\n{\"a\": 2}\n");
    }

    #[test]
    fn truncated_gzip_is_damaged() {
        let bytes = gzip("{\"a\": 1}\n".repeat(500).as_bytes());
        let error = decode_bytes(bytes[..bytes.len() / 2].to_vec()).expect_err("truncated");
        assert!(matches!(error, ImportError::Damaged { .. }), "{error:?}");
        assert!(error.to_string().contains("ends unexpectedly; nothing was imported"), "{error}");
    }

    #[test]
    fn invalid_utf8_and_empty_files_are_refused() {
        let error = decode_bytes(b"{\"name\": \"caf\xe9\"}".to_vec()).expect_err("latin-1");
        assert!(matches!(error, ImportError::NotText { .. }), "{error:?}");
        for empty in [&b""[..], b"\xef\xbb\xbf", b" \n\t\n"] {
            let error = decode_bytes(empty.to_vec()).expect_err("empty");
            assert!(error.to_string().contains("the file is empty"), "{error}");
        }
    }

    #[test]
    fn a_missing_file_is_unreadable() {
        let error = read_text(Path::new("/nonexistent/lshub/file.json")).expect_err("missing");
        assert!(matches!(error, ImportError::Unreadable { .. }), "{error:?}");
        assert!(error.to_string().contains("/nonexistent/lshub/file.json"), "{error}");
    }
}

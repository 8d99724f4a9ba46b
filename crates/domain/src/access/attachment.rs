//! Which documents may be attached to an application: a size limit and a list of types,
//! each recognised by its bytes as well as its name, so a renamed program is not taken for
//! a PDF.

use crate::Reason;

/// The default largest attachment, in bytes; the hub's setting can change it.
pub const DEFAULT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// (file name ending, content type, how its bytes begin; `None` for plain text).
const ALLOWED: [(&str, &str, Option<&[u8]>); 8] = [
    ("pdf", "application/pdf", Some(b"%PDF-")),
    ("png", "image/png", Some(b"\x89PNG\r\n\x1a\n")),
    ("jpg", "image/jpeg", Some(b"\xff\xd8\xff")),
    ("jpeg", "image/jpeg", Some(b"\xff\xd8\xff")),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Some(b"PK\x03\x04")),
    ("odt", "application/vnd.oasis.opendocument.text", Some(b"PK\x03\x04")),
    ("txt", "text/plain; charset=utf-8", None),
    ("csv", "text/csv; charset=utf-8", None),
];

/// The endings accepted, for forms and messages.
pub fn allowed_endings() -> String {
    ALLOWED.iter().map(|(ending, _, _)| *ending).collect::<Vec<_>>().join(", ")
}

/// The content type the attachment is stored and served with, or why it is refused.
pub fn content_type(filename: &str, bytes: &[u8], max_bytes: usize) -> Result<&'static str, Reason> {
    if bytes.is_empty() {
        return Err(Reason::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(Reason::TooLarge { max_bytes: max_bytes as u64 });
    }
    let ending = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let refused = || Reason::NotOneOf { value: filename.to_owned(), allowed: allowed_endings() };
    let (_, content_type, magic) = ALLOWED.iter().find(|(e, _, _)| *e == ending).ok_or_else(refused)?;
    let fits = match magic {
        Some(magic) => bytes.starts_with(magic),
        None => std::str::from_utf8(bytes).is_ok_and(|text| !text.contains('\0')),
    };
    if fits {
        Ok(content_type)
    } else {
        Err(refused())
    }
}

/// A file name safe to show and to offer for download: its last path part, without control
/// characters or quotes, at most 120 characters.
pub fn clean_filename(filename: &str) -> String {
    let last = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        last.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';')).take(120).collect();
    if cleaned.trim().is_empty() {
        "attachment".to_owned()
    } else {
        cleaned.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_recognised_by_name_and_bytes() {
        assert_eq!(content_type("plan.PDF", b"%PDF-1.7 ...", 100), Ok("application/pdf"));
        assert_eq!(content_type("data.csv", "a,b\n1,é\n".as_bytes(), 100), Ok("text/csv; charset=utf-8"));
        assert!(content_type("plan.pdf", b"MZ\x90\x00", 100).is_err());
        assert!(content_type("tool.exe", b"MZ\x90\x00", 100).is_err());
        assert!(content_type("notes.txt", b"a\0b", 100).is_err());
        assert_eq!(content_type("plan.pdf", b"%PDF-1.7 ...", 5), Err(Reason::TooLarge { max_bytes: 5 }));
        assert_eq!(content_type("plan.pdf", b"", 5), Err(Reason::Empty));
    }

    #[test]
    fn file_names_lose_their_folders_and_quotes() {
        assert_eq!(clean_filename("C:\\Users\\x\\\"plan\".pdf"), "plan.pdf");
        assert_eq!(clean_filename("../../"), "attachment");
    }
}

//! Reads a text as a stream of JSON records, whatever its layout: JSON lines, objects glued
//! together without separators (the EU portal export), or one top-level array (the ROR
//! data dump). A syntax error costs only the damaged record: reading resumes at the next
//! place where a record plausibly starts.

use std::fmt;

use serde_json::{Map, Value};

/// Where something starts in the (decompressed, BOM-less) text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    /// 1-based ordinal of the record; `None` for places between records.
    pub record: Option<usize>,
    /// 1-based line.
    pub line: usize,
    /// 0-based byte offset.
    pub byte: usize,
    /// Whether only whitespace precedes it on its line: then the line alone finds it.
    pub starts_line: bool,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.record {
            Some(record) => write!(f, "record {record} (")?,
            None => f.write_str("at ")?,
        }
        write!(f, "line {}", self.line)?;
        if !self.starts_line {
            write!(f, ", byte {}", self.byte)?;
        }
        if self.record.is_some() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// One record of the stream: a JSON object, or why there is none at this position.
#[derive(Debug)]
pub(crate) struct Entry {
    pub position: Position,
    pub object: Result<Map<String, Value>, String>,
}

/// Splits `text` into records. Top-level arrays are flattened into their elements.
pub(crate) fn read_records(text: &str) -> Vec<Entry> {
    let mut reader = Reader { text, lines: LineCounter::default(), entries: Vec::new(), ordinal: 0 };
    reader.run();
    reader.entries
}

struct Reader<'a> {
    text: &'a str,
    lines: LineCounter,
    entries: Vec<Entry>,
    ordinal: usize,
}

impl Reader<'_> {
    fn run(&mut self) {
        let bytes = self.text.as_bytes();
        let mut pos = 0;
        let mut in_array = false;
        // Inside an array, after an element only ',' or ']' may follow.
        let mut after_element = false;
        loop {
            pos = skip_whitespace(bytes, pos);
            let Some(&byte) = bytes.get(pos) else { break };
            if in_array && after_element {
                match byte {
                    b',' => after_element = false,
                    b']' => (in_array, after_element) = (false, false),
                    _ => {
                        self.reject_between(pos, "expected ',' or ']' after a record".into());
                        // The unexpected text may itself be the next record (a missing comma).
                        match next_record_start(self.text, pos) {
                            Some(start) => (pos, after_element) = (start, false),
                            None => return,
                        }
                        continue;
                    }
                }
                pos += 1;
                continue;
            }
            match byte {
                b'[' if !in_array => {
                    in_array = true;
                    pos += 1;
                    continue;
                }
                b']' if in_array => {
                    in_array = false;
                    pos += 1;
                    continue;
                }
                _ => {}
            }
            self.ordinal += 1;
            match parse_value(self.text, pos) {
                Ok((value, end)) => {
                    let position = self.position(Some(self.ordinal), pos);
                    self.entries.push(Entry { position, object: into_object(value) });
                    pos = end;
                    after_element = in_array;
                }
                Err((message, error_at)) => {
                    let position = self.position(Some(self.ordinal), pos);
                    let (line, column) = self.line_and_column(error_at);
                    let reason = format!("invalid JSON at line {line}, column {column}: {message}");
                    self.entries.push(Entry { position, object: Err(reason) });
                    match next_record_start(self.text, error_at.max(pos + 1)) {
                        Some(start) => (pos, after_element) = (start, false),
                        None => return,
                    }
                }
            }
        }
        if in_array {
            self.reject_between(
                bytes.len(),
                "the list of records is not closed with ']': the file may be truncated".into(),
            );
        }
    }

    fn reject_between(&mut self, at: usize, reason: String) {
        let position = self.position(None, at);
        self.entries.push(Entry { position, object: Err(reason) });
    }

    fn position(&mut self, record: Option<usize>, byte: usize) -> Position {
        let line = self.lines.line_at(self.text, byte);
        let before = &self.text.as_bytes()[..byte];
        let starts_line = before.iter().rev().take_while(|b| **b != b'\n').all(u8::is_ascii_whitespace);
        Position { record, line, byte, starts_line }
    }

    /// 1-based line and column (in characters) of a byte offset, for error messages.
    fn line_and_column(&mut self, byte: usize) -> (usize, usize) {
        let line = self.lines.line_at(self.text, byte);
        let line_start = self.text[..byte].rfind('\n').map_or(0, |i| i + 1);
        (line, self.text[line_start..byte].chars().count() + 1)
    }
}

/// Counts lines incrementally: the reader asks for ever later offsets, so the whole text
/// is scanned about once.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    newlines: usize,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, byte: usize) -> usize {
        if byte < self.byte {
            *self = LineCounter::default();
        }
        self.newlines += text.as_bytes()[self.byte..byte].iter().filter(|b| **b == b'\n').count();
        self.byte = byte;
        self.newlines + 1
    }
}

fn skip_whitespace(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
        pos += 1;
    }
    pos
}

/// Parses one JSON value starting at `start`: the value and the offset just after it, or
/// serde's message and the offset where the error was detected.
fn parse_value(text: &str, start: usize) -> Result<(Value, usize), (String, usize)> {
    let rest = &text[start..];
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
    match stream.next() {
        Some(Ok(value)) => Ok((value, start + stream.byte_offset())),
        Some(Err(error)) => {
            let full = error.to_string();
            let suffix = format!(" at line {} column {}", error.line(), error.column());
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
            Err((message, start + byte_offset_of(rest, error.line(), error.column())))
        }
        None => Err(("expected a JSON value".into(), start)),
    }
}

/// Converts `serde_json`'s 1-based line and byte column into an offset into `text`.
fn byte_offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start =
        if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1) };
    let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

fn into_object(value: Value) -> Result<Map<String, Value>, String> {
    let found = match value {
        Value::Object(map) => return Ok(map),
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
    };
    Err(format!("expected a JSON object, found {found}"))
}

/// The first offset at or after `from` where a new top-level object plausibly starts: a `{`
/// that begins a line (after optional whitespace) or follows a `}` (with optional
/// whitespace between), as between JSON lines or glued-together objects.
fn next_record_start(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut search = from;
    while let Some(found) = bytes.get(search..)?.iter().position(|b| *b == b'{') {
        let at = search + found;
        let gap_start = bytes[..at].iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
        let gap = &bytes[gap_start..at];
        if gap.contains(&b'\n') || (gap_start > 0 && bytes[gap_start - 1] == b'}') {
            return Some(at);
        }
        search = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each entry as `(position, Ok(value of "n") | Err(reason))`.
    fn summary(text: &str) -> Vec<(String, Result<i64, String>)> {
        read_records(text)
            .into_iter()
            .map(|e| {
                let value = e.object.map(|o| o.get("n").and_then(Value::as_i64).unwrap_or(-1));
                (e.position.to_string(), value)
            })
            .collect()
    }

    fn values(text: &str) -> Vec<Result<i64, String>> {
        summary(text).into_iter().map(|(_, v)| v).collect()
    }

    #[test]
    fn reads_json_lines() {
        let entries = summary("{\"n\": 1}\n{\"n\": 2}\r\n\n  {\"n\": 3}\n");
        assert_eq!(
            entries,
            vec![
                ("record 1 (line 1)".to_owned(), Ok(1)),
                ("record 2 (line 2)".to_owned(), Ok(2)),
                ("record 3 (line 4)".to_owned(), Ok(3)),
            ]
        );
    }

    #[test]
    fn reads_concatenated_objects() {
        let entries = summary("{\"n\":1}{\"n\":2} {\"n\":3}");
        assert_eq!(entries[1], ("record 2 (line 1, byte 7)".to_owned(), Ok(2)));
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2].1, Ok(3));
    }

    #[test]
    fn flattens_a_top_level_array() {
        let text = "[\n  {\"n\": 1},\n  {\"n\": 2}\n]\n";
        assert_eq!(
            summary(text),
            vec![("record 1 (line 2)".to_owned(), Ok(1)), ("record 2 (line 3)".to_owned(), Ok(2))]
        );
        assert_eq!(values("[]"), vec![]);
    }

    #[test]
    fn rejects_values_that_are_not_objects() {
        let entries = values("{\"n\": 1}\n42\n\"text\"\n[[1]]\n");
        assert_eq!(entries[0], Ok(1));
        assert_eq!(entries[1], Err("expected a JSON object, found a number".into()));
        assert_eq!(entries[2], Err("expected a JSON object, found a string".into()));
        assert_eq!(entries[3], Err("expected a JSON object, found a list".into()));
    }

    #[test]
    fn resynchronises_after_garbage_in_json_lines() {
        let entries = summary("{\"n\": 1}\n{\"n\": 2, oops}\n{\"n\": 3}\n");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].1, Ok(1));
        assert_eq!(entries[1].0, "record 2 (line 2)");
        let reason = entries[1].1.clone().expect_err("garbage");
        assert!(reason.starts_with("invalid JSON at line 2, column 10: key must be a string"), "{reason}");
        assert_eq!(entries[2], ("record 3 (line 3)".to_owned(), Ok(3)));
    }

    #[test]
    fn resynchronises_after_garbage_in_concatenated_objects() {
        let entries = values("{\"n\":1}{\"n\":2,\"x\":[1,}{\"n\":3}{\"n\":4}");
        assert_eq!(entries.len(), 4);
        assert!(entries[1].is_err());
        assert_eq!(entries[2..], [Ok(3), Ok(4)]);
    }

    #[test]
    fn a_record_cut_short_by_the_next_line_costs_only_itself() {
        let entries = values("{\"n\": 1, \"text\": \"cut\n{\"n\": 2}\n");
        assert_eq!(entries.len(), 2);
        assert!(entries[0].is_err());
        assert_eq!(entries[1], Ok(2));
    }

    #[test]
    fn a_truncated_last_record_is_rejected() {
        let entries = summary("{\"n\": 1}\n{\"n\": 2, \"title\": \"half");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].1, Ok(1));
        assert_eq!(entries[1].0, "record 2 (line 2)");
        let reason = entries[1].1.clone().expect_err("truncated");
        assert!(reason.contains("EOF while parsing a string"), "{reason}");
    }

    #[test]
    fn problems_in_an_array_are_reported() {
        let entries = values("[\n{\"n\": 1},\n{\"n\": 2 x},\n{\"n\": 3}\n]");
        assert_eq!(entries.len(), 3);
        assert!(entries[1].is_err());
        assert_eq!(entries[2], Ok(3));

        let unclosed = summary("[{\"n\": 1}, {\"n\": 2}");
        assert_eq!(unclosed.len(), 3);
        assert_eq!(unclosed[2].0, "at line 1, byte 19");
        assert!(unclosed[2].1.clone().expect_err("unclosed").contains("not closed"));

        let missing_comma = values("[{\"n\": 1}\n{\"n\": 2}]");
        assert_eq!(missing_comma, vec![Ok(1), Err("expected ',' or ']' after a record".into()), Ok(2)]);
    }

    #[test]
    fn text_without_any_record_start_is_one_rejection() {
        let entries = values("name,city\nSanquin,Amsterdam\n");
        assert_eq!(entries.len(), 1);
        let reason = entries[0].clone().expect_err("csv");
        assert_eq!(reason, "invalid JSON at line 1, column 2: expected ident");
    }
}

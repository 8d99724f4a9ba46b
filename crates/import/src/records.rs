//! Typed, forgiving access to the fields of one JSON record, and the loop that turns a
//! stream of records into valid domain values plus rejections.
//!
//! Every error names its field, so a rejection tells the user which value is wrong.
//! All text passes through mojibake repair, because sources mix clean and double-decoded UTF-8.

use std::collections::HashMap;
use std::fmt;

use lshub_domain::text::repair_mojibake;
use lshub_domain::ValidationError;
use serde_json::{Map, Value};

use crate::json_stream::read_records;
use crate::{Parsed, Rejection};

/// A problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    field: String,
    message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl From<ValidationError> for FieldError {
    fn from(error: ValidationError) -> Self {
        Self::new(error.field, error.reason.to_string())
    }
}

/// A JSON object with the path that leads to it (`addresses[0].`), for error messages.
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Self { map, path: String::new() }
    }

    fn name(&self, field: &str) -> String {
        format!("{}{field}", self.path)
    }

    /// An error about `field` of this object, named by its whole path.
    pub fn error(&self, field: &str, message: impl Into<String>) -> FieldError {
        FieldError::new(self.name(field), message)
    }

    fn wrong_type(&self, field: &str, expected: &str, found: &Value) -> FieldError {
        FieldError::new(self.name(field), format!("expected {expected}, found {}", describe(found)))
    }

    /// The value of `field`; JSON `null` counts as absent.
    fn get(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Repaired, trimmed text; absent or blank is `None`. Line breaks are kept.
    pub fn text(&self, field: &str) -> Result<Option<String>, FieldError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(non_empty(repair_mojibake(s).trim())),
            Some(other) => Err(self.wrong_type(field, "text", other)),
        }
    }

    /// Like [`Fields::text`], for one-line values such as names and titles: runs of spaces
    /// and line breaks become one space.
    pub fn line(&self, field: &str) -> Result<Option<String>, FieldError> {
        Ok(self.text(field)?.map(|t| one_line(&t)).and_then(|t| non_empty(&t)))
    }

    pub fn required_line(&self, field: &str) -> Result<String, FieldError> {
        self.line(field)?.ok_or_else(|| FieldError::new(self.name(field), "missing"))
    }

    /// A whole number; `150000.0` is accepted because some exports write all numbers as floats.
    pub fn integer(&self, field: &str) -> Result<Option<i64>, FieldError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| FieldError::new(self.name(field), format!("expected a whole number, found {n}"))),
            Some(other) => Err(self.wrong_type(field, "a whole number", other)),
        }
    }

    pub fn number(&self, field: &str) -> Result<Option<f64>, FieldError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(self.wrong_type(field, "a number", other)),
        }
    }

    /// A list of texts, repaired and trimmed, blanks dropped; absent is an empty list.
    pub fn text_list(&self, field: &str) -> Result<Vec<String>, FieldError> {
        let mut texts = Vec::new();
        for (i, item) in self.list(field)?.iter().enumerate() {
            match item {
                Value::Null => {}
                Value::String(s) => texts.extend(non_empty(&one_line(&repair_mojibake(s)))),
                other => {
                    let field = format!("{field}[{i}]");
                    return Err(self.wrong_type(&field, "text", other));
                }
            }
        }
        Ok(texts)
    }

    /// A list of objects; absent is an empty list.
    pub fn objects(&self, field: &str) -> Result<Vec<Fields<'a>>, FieldError> {
        let items = self.list(field)?;
        let mut objects = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let field = format!("{field}[{i}]");
            match item {
                Value::Object(map) => objects.push(Fields { map, path: format!("{}.", self.name(&field)) }),
                other => return Err(self.wrong_type(&field, "an object", other)),
            }
        }
        Ok(objects)
    }

    pub fn object(&self, field: &str) -> Result<Option<Fields<'a>>, FieldError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Fields { map, path: format!("{}.", self.name(field)) })),
            Some(other) => Err(self.wrong_type(field, "an object", other)),
        }
    }

    fn list(&self, field: &str) -> Result<&'a [Value], FieldError> {
        match self.get(field) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(self.wrong_type(field, "a list", other)),
        }
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// Collapses ASCII whitespace runs (including line breaks) to single spaces; a no-break
/// space is deliberate and stays.
pub(crate) fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_ascii_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Reads every record of `text`, maps the objects with `map`, and keeps the first of
/// records that share a `key` (a batch must not write one row twice). `key_field` names
/// the field that the duplicate rejection points at.
pub(crate) fn parse_records<T>(
    text: &str,
    key_field: &str,
    map: impl Fn(&Fields) -> Result<T, FieldError>,
    key: impl Fn(&T) -> &str,
) -> Parsed<T> {
    let mut parsed = Parsed::default();
    let mut first_seen: HashMap<String, String> = HashMap::new();
    for entry in read_records(text) {
        let position = entry.position.to_string();
        let outcome = entry.object.and_then(|object| map(&Fields::new(&object)).map_err(|e| e.to_string()));
        match outcome {
            Ok(record) => {
                if let Some(first) = first_seen.get(key(&record)) {
                    let reason =
                        format!("{key_field}: '{}' was already read in {first}; the first is kept", key(&record));
                    parsed.rejected.push(Rejection { position, reason });
                } else {
                    first_seen.insert(key(&record).to_owned(), position);
                    parsed.records.push(record);
                }
            }
            Err(reason) => parsed.rejected.push(Rejection { position, reason }),
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).expect("test object")
    }

    #[test]
    fn text_is_repaired_trimmed_and_blank_is_absent() {
        let map = object(r#"{"a": "  Caf\u00c3\u00a9 ", "b": "", "c": null, "d": 3, "e": "two\n lines"}"#);
        let fields = Fields::new(&map);
        assert_eq!(fields.text("a"), Ok(Some("Café".into())));
        assert_eq!(fields.text("b"), Ok(None));
        assert_eq!(fields.text("c"), Ok(None));
        assert_eq!(fields.text("missing"), Ok(None));
        assert_eq!(fields.text("d").map_err(|e| e.to_string()), Err("d: expected text, found a number".into()));
        assert_eq!(fields.line("e"), Ok(Some("two lines".into())));
        assert_eq!(fields.required_line("b").map_err(|e| e.to_string()), Err("b: missing".into()));
    }

    #[test]
    fn numbers_and_nested_errors_name_the_path() {
        let map = object(r#"{"n": 150000.0, "f": 1.5, "list": [{"lat": "x"}], "tags": ["a", " ", 3]}"#);
        let fields = Fields::new(&map);
        assert_eq!(fields.integer("n"), Ok(Some(150_000)));
        assert!(fields.integer("f").is_err());
        let nested = fields.objects("list").expect("objects");
        assert_eq!(
            nested[0].number("lat").map_err(|e| e.to_string()),
            Err("list[0].lat: expected a number, found text".into())
        );
        assert_eq!(
            fields.text_list("tags").map_err(|e| e.to_string()),
            Err("tags[2]: expected text, found a number".into())
        );
    }

    #[test]
    fn duplicates_keep_the_first_record() {
        let text = "{\"k\": \"a\", \"v\": 1}\n{\"k\": \"a\", \"v\": 2}\n{\"v\": 3}\n";
        let parsed = parse_records(
            text,
            "k",
            |f| Ok((f.required_line("k")?, f.integer("v")?)),
            |(k, _): &(String, Option<i64>)| k.as_str(),
        );
        assert_eq!(parsed.records, vec![("a".to_owned(), Some(1))]);
        assert_eq!(parsed.rejected.len(), 2);
        assert_eq!(
            parsed.rejected[0].to_string(),
            "record 2 (line 2): k: 'a' was already read in record 1 (line 1); the first is kept"
        );
        assert_eq!(parsed.rejected[1].to_string(), "record 3 (line 3): k: missing");
    }
}

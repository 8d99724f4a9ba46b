//! Validation errors name the field they are about, so that importers, forms and the API
//! can all point the user at the exact value that is wrong.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Rejects empty (after trimming) and overlong required text.
pub fn required_text(field: &'static str, value: &str, max_chars: usize) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    optional_text(field, Some(value), max_chars)
}

pub fn optional_text(field: &'static str, value: Option<&str>, max_chars: usize) -> Result<(), ValidationError> {
    match value {
        Some(v) if v.chars().count() > max_chars => {
            Err(ValidationError::new(field, format!("must be at most {max_chars} characters")))
        }
        Some(v) if v.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')) => {
            Err(ValidationError::new(field, "must not contain control characters"))
        }
        _ => Ok(()),
    }
}

/// Accepts absolute http(s) URLs only: anything else could become a `javascript:` link.
pub fn optional_web_url(field: &'static str, value: Option<&str>) -> Result<(), ValidationError> {
    let Some(value) = value else { return Ok(()) };
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(ValidationError::new(field, format!("'{value}' is not an http(s) web address"))),
    }
}

//! Fixed sets of choices (types, levels, stages) named by ids in forms, the API and stored
//! records, and lists typed as entries separated by commas or new lines.

use crate::validation::{Reason, ValidationError};

macro_rules! ids {
    ($type:ident { $($variant:ident => $id:literal),+ $(,)? }) => {
        impl $type {
            pub const ALL: &'static [$type] = &[$($type::$variant),+];

            pub fn id(self) -> &'static str {
                match self {
                    $($type::$variant => $id),+
                }
            }

            pub fn from_id(id: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|x| x.id() == id)
            }
        }
    };
}
pub(crate) use ids;

/// Reads one of a fixed set of ids, naming them all when the value is none of them.
pub(crate) fn one_of<T: Copy>(
    field: &'static str,
    value: &str,
    all: &[T],
    id: impl Fn(T) -> &'static str,
) -> Result<T, ValidationError> {
    let value = value.trim();
    all.iter().copied().find(|x| id(*x) == value).ok_or_else(|| {
        let allowed = all.iter().map(|x| id(*x)).collect::<Vec<_>>().join(", ");
        ValidationError::new(field, Reason::NotOneOf { value: value.to_owned(), allowed })
    })
}

/// Entries separated by commas or new lines, trimmed, repeats kept once.
pub(crate) fn entries(text: &str) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for value in text.split([',', '\n', '\r']).map(str::trim).filter(|v| !v.is_empty()) {
        if !values.iter().any(|v| v.eq_ignore_ascii_case(value)) {
            values.push(value.to_owned());
        }
    }
    values
}

//! Records the hub stores as JSON carry the version of their shape, so that a change to a
//! domain type never makes stored rows unreadable: older shapes are upgraded when read.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A type stored as a JSON record.
pub trait Versioned: Serialize + DeserializeOwned {
    /// The version of the shape this code writes. Rows written before versions were kept
    /// count as version 1.
    const RECORD_VERSION: u32;

    /// Upgrades a stored record of an older `version` by one step.
    fn upgrade(version: u32, record: serde_json::Value) -> Result<serde_json::Value, String> {
        let _ = record;
        Err(format!("no upgrade from record version {version}"))
    }
}

/// Reads a stored record of `version`, upgrading it one version at a time to the one this
/// code writes. A record from a newer version of the hub is refused rather than read wrongly.
pub fn read<T: Versioned>(version: i64, text: &str) -> Result<T, String> {
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let current = i64::from(T::RECORD_VERSION);
    if version > current {
        return Err(format!("record version {version} is newer than this hub's {current}; upgrade lshub"));
    }
    let mut at = version;
    while at < current {
        let step = u32::try_from(at).map_err(|_| format!("record version {at}"))?;
        value = T::upgrade(step, value)?;
        at += 1;
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    /// Version 2 renamed `name` to `title`.
    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Renamed {
        title: String,
    }

    impl Versioned for Renamed {
        const RECORD_VERSION: u32 = 2;

        fn upgrade(version: u32, mut record: serde_json::Value) -> Result<serde_json::Value, String> {
            match version {
                1 => {
                    let name = record.get_mut("name").map(serde_json::Value::take).ok_or("no name")?;
                    record["title"] = name;
                    Ok(record)
                }
                _ => Err(format!("no upgrade from record version {version}")),
            }
        }
    }

    #[test]
    fn older_records_are_upgraded_and_newer_ones_refused() {
        let expected = Renamed { title: "Sanquin".into() };
        assert_eq!(read::<Renamed>(1, r#"{"name": "Sanquin"}"#), Ok(expected));
        assert_eq!(read::<Renamed>(2, r#"{"title": "Sanquin"}"#).map(|r| r.title), Ok("Sanquin".into()));
        assert!(read::<Renamed>(3, r#"{"title": "Sanquin"}"#).is_err_and(|e| e.contains("newer")));
        assert!(read::<Renamed>(1, r#"{"title": "Sanquin"}"#).is_err(), "a broken upgrade is an error");
    }
}

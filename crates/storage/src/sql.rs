//! Turns sea-query statements into SQL for the backend in use, with their parameters bound
//! for sqlx's `Any` driver (which has no sea-query binder of its own).

use sea_query::{
    DeleteStatement, InsertStatement, PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder, UpdateStatement,
    Value, Values,
};
use sqlx::any::AnyArguments;
use sqlx::Arguments;

use crate::{Backend, StorageError};

/// Any statement the storage layer runs.
pub(crate) enum Statement {
    Select(SelectStatement),
    Insert(InsertStatement),
    Update(UpdateStatement),
    Delete(DeleteStatement),
}

impl Statement {
    pub(crate) fn build(&self, backend: Backend) -> Result<(String, AnyArguments<'static>), StorageError> {
        let (sql, values) = match backend {
            Backend::Sqlite => self.build_with(&SqliteQueryBuilder),
            Backend::Postgres => self.build_with(&PostgresQueryBuilder),
        };
        Ok((sql, bind(values)?))
    }

    fn build_with(&self, builder: &impl sea_query::QueryBuilder) -> (String, Values) {
        match self {
            Statement::Select(s) => s.build_any(builder),
            Statement::Insert(s) => s.build_any(builder),
            Statement::Update(s) => s.build_any(builder),
            Statement::Delete(s) => s.build_any(builder),
        }
    }
}

impl From<SelectStatement> for Statement {
    fn from(s: SelectStatement) -> Self {
        Statement::Select(s)
    }
}

impl From<&mut SelectStatement> for Statement {
    fn from(s: &mut SelectStatement) -> Self {
        Statement::Select(s.clone())
    }
}

impl From<&mut InsertStatement> for Statement {
    fn from(s: &mut InsertStatement) -> Self {
        Statement::Insert(s.clone())
    }
}

impl From<&mut UpdateStatement> for Statement {
    fn from(s: &mut UpdateStatement) -> Self {
        Statement::Update(s.clone())
    }
}

impl From<&mut DeleteStatement> for Statement {
    fn from(s: &mut DeleteStatement) -> Self {
        Statement::Delete(s.clone())
    }
}

fn bind(values: Values) -> Result<AnyArguments<'static>, StorageError> {
    let mut args = AnyArguments::default();
    for value in values.0 {
        let added = match value {
            Value::Bool(v) => args.add(v),
            Value::TinyInt(v) => args.add(v.map(i16::from)),
            Value::SmallInt(v) => args.add(v),
            Value::Int(v) => args.add(v),
            Value::BigInt(v) => args.add(v),
            Value::TinyUnsigned(v) => args.add(v.map(i16::from)),
            Value::SmallUnsigned(v) => args.add(v.map(i32::from)),
            Value::Unsigned(v) => args.add(v.map(i64::from)),
            Value::BigUnsigned(v) => {
                let v = v.map(i64::try_from).transpose().map_err(|e| StorageError::Bind(e.to_string()))?;
                args.add(v)
            }
            Value::Float(v) => args.add(v),
            Value::Double(v) => args.add(v),
            Value::String(v) => args.add(v),
            Value::Char(v) => args.add(v.map(String::from)),
            Value::Bytes(v) => args.add(v),
            other => return Err(StorageError::Bind(format!("unsupported value {other:?}"))),
        };
        added.map_err(|e| StorageError::Bind(e.to_string()))?;
    }
    Ok(args)
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
pub(crate) fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_are_literal() {
        assert_eq!(like_contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}

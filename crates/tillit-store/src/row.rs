//! Reading columns from rows of either backend, with the column named in any error.

use crate::StoreError;
use sqlx::any::AnyRow;
use sqlx::Row;

pub(crate) fn s(row: &AnyRow, col: &str) -> Result<String, StoreError> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn os(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

pub(crate) fn i(row: &AnyRow, col: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn role(row: &AnyRow, col: &str) -> Result<tillit_domain::role::Role, StoreError> {
    let k = s(row, col)?;
    tillit_domain::role::Role::from_key(&k)
        .ok_or_else(|| StoreError::Corrupt(format!("{col}: unknown role {k}")))
}

/// A consequence level (0–4) from its column, if set.
pub(crate) fn level_of(
    col: &str,
    v: Option<i64>,
) -> Result<Option<tillit_domain::classification::ConsequenceLevel>, StoreError> {
    v.map(|n| {
        tillit_domain::classification::ConsequenceLevel::from_number(n)
            .ok_or_else(|| StoreError::Corrupt(format!("{col}: level {n}")))
    })
    .transpose()
}

/// A role from its stored key.
pub(crate) fn role_of(col: &str, k: &str) -> Result<tillit_domain::role::Role, StoreError> {
    tillit_domain::role::Role::from_key(k)
        .ok_or_else(|| StoreError::Corrupt(format!("{col}: unknown role {k}")))
}

/// An organisation kind from its stored key.
pub(crate) fn kind_of(col: &str, k: &str) -> Result<tillit_domain::org::OrgKind, StoreError> {
    tillit_domain::org::OrgKind::parse(col, k)
        .map_err(|_| StoreError::Corrupt(format!("{col}: unknown kind {k}")))
}

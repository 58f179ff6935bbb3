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

pub(crate) fn kind(row: &AnyRow, col: &str) -> Result<tillit_domain::org::OrgKind, StoreError> {
    let k = s(row, col)?;
    tillit_domain::org::OrgKind::parse(col, &k)
        .map_err(|_| StoreError::Corrupt(format!("{col}: unknown kind {k}")))
}

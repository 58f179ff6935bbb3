//! The organisations' signing keys (ADR 0011): the public key as published, the private key only
//! sealed.

use crate::{now_timestamp, Store, StoreError, Tenant};
use serde::Serialize;

/// A signing key of an organisation.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SigningKeyRow {
    pub id: String,
    pub org_id: String,
    /// Hex, 32 bytes.
    pub public_key: String,
    /// Nonce then ciphertext, hex; opened only with the key-encryption key.
    #[serde(skip)]
    pub sealed_private_key: String,
    pub created_at: String,
    pub retired_at: Option<String>,
}

impl Store {
    /// The organisation's signing keys, newest first.
    pub async fn signing_keys(&self, t: &Tenant) -> Result<Vec<SigningKeyRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, org_id, public_key, sealed_private_key, created_at, retired_at FROM signing_keys
             WHERE org_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?)
    }

    /// Adds a key unless the organisation already has an active one; true when added.
    pub async fn add_signing_key(
        &self,
        t: &Tenant,
        id: &str,
        public_key: &str,
        sealed_private_key: &str,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "INSERT INTO signing_keys (id, org_id, public_key, sealed_private_key, created_at)
             SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE org_id = $2 AND retired_at IS NULL)",
        )
        .bind(id)
        .bind(t.id())
        .bind(public_key)
        .bind(sealed_private_key)
        .bind(now_timestamp())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Every organisation, as tenants (for giving each its key at start-up).
    pub async fn all_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM organisations ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(id,)| Tenant::checked(id)).collect())
    }
}

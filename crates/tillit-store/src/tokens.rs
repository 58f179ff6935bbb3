//! API tokens: one user's key to one organisation's API, with scopes. Only the SHA-256 of the
//! secret is stored; the secret is shown once, when the token is made.

use crate::audit::AuditEntry;
use crate::row::{os, s};
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::FromRow;
use tillit_domain::role::Scope;

#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// What a presented token authenticates.
#[derive(Debug, Clone)]
pub struct TokenAuth {
    pub token_id: String,
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub org_id: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

fn scopes(text: &str) -> Result<Vec<Scope>, StoreError> {
    text.split_whitespace()
        .map(|k| Scope::parse("scopes", k).map_err(|_| StoreError::Corrupt(format!("scope {k}"))))
        .collect()
}

/// The columns of a `ApiToken` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    id: String,
    scopes: String,
    name: String,
    prefix: String,
    created_at: String,
    expires_at: Option<String>,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
}

impl TokenRow {
    pub(crate) fn into_view(self) -> Result<ApiToken, StoreError> {
        let row = self;
        Ok(ApiToken {
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            scopes: scopes(&row.scopes)?,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        })
    }
}

fn token_from_row(r: &AnyRow) -> Result<ApiToken, StoreError> {
    TokenRow::from_row(r)?.into_view()
}

const TOKEN_COLUMNS: &str =
    "id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at";

impl Store {
    #[allow(clippy::too_many_arguments)]
    pub async fn create_token(
        &self,
        t: &Tenant,
        actor: &Actor,
        user_id: &str,
        name: &str,
        scope_list: &[Scope],
        token_hash: &str,
        prefix: &str,
        expires_at: Option<&str>,
    ) -> Result<ApiToken, StoreError> {
        let id = new_id();
        let scope_text = scope_list
            .iter()
            .map(|s| s.key())
            .collect::<Vec<_>>()
            .join(" ");
        let mut tx = self.work().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, org_id, name, token_hash, prefix, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(user_id)
        .bind(t.id())
        .bind(name)
        .bind(token_hash)
        .bind(prefix)
        .bind(&scope_text)
        .bind(now_timestamp())
        .bind(expires_at)
        .execute(tx.conn())
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "token.create",
                object_type: "api_token",
                object_id: &id,
                before: None,
                after: Some(json!({"name": name, "prefix": prefix, "scopes": scope_text, "user_id": user_id, "expires_at": expires_at})),
            },
        )
        .await?;
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1");
        let row = sqlx::query(&sql).bind(&id).fetch_one(tx.conn()).await?;
        tx.commit().await?;
        token_from_row(&row)
    }

    /// The user's own tokens in this organisation, newest first.
    pub async fn list_tokens(
        &self,
        t: &Tenant,
        user_id: &str,
    ) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE org_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC");
        let rows = sqlx::query(&sql)
            .bind(t.id())
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    pub async fn revoke_token(
        &self,
        t: &Tenant,
        actor: &Actor,
        user_id: &str,
        id: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.work().await?;
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE org_id = $1 AND user_id = $2 AND id = $3"
        );
        let row = sqlx::query(&sql)
            .bind(t.id())
            .bind(user_id)
            .bind(id)
            .fetch_optional(tx.conn())
            .await?;
        let token = token_from_row(&row.ok_or(StoreError::NotFound)?)?;
        if token.revoked_at.is_some() {
            return Ok(());
        }
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND id = $3")
            .bind(now_timestamp())
            .bind(t.id())
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "token.revoke",
                object_type: "api_token",
                object_id: id,
                before: Some(json!({"name": token.name, "prefix": token.prefix})),
                after: Some(json!({"revoked": true})),
            },
        )
        .await?;
        tx.commit().await
    }

    pub async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenAuth>, StoreError> {
        let row = sqlx::query(
            "SELECT t.id AS id, t.user_id AS user_id, u.email AS email, u.display_name AS display_name, u.locale AS locale,
                    t.org_id AS org_id, t.scopes AS scopes, t.expires_at AS expires_at, t.revoked_at AS revoked_at, t.last_used_at AS last_used_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(TokenAuth {
            token_id: s(&r, "id")?,
            user_id: s(&r, "user_id")?,
            email: s(&r, "email")?,
            display_name: s(&r, "display_name")?,
            locale: s(&r, "locale")?,
            org_id: s(&r, "org_id")?,
            scopes: scopes(&s(&r, "scopes")?)?,
            expires_at: os(&r, "expires_at")?,
            revoked_at: os(&r, "revoked_at")?,
            last_used_at: os(&r, "last_used_at")?,
        }))
    }

    pub async fn touch_token(&self, id: &str, now: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

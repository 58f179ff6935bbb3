//! Web sessions. The cookie holds a random secret; only its SHA-256 is stored, so a copy of the
//! database cannot be used to take over a session.

use crate::row::{i, os, s};
use crate::{Store, StoreError};

pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user_id: &'a str,
    pub org_id: Option<&'a str>,
    pub csrf_token: &'a str,
    pub now: &'a str,
    pub expires_at: &'a str,
    /// The identity provider the person signed in through (none: a password).
    pub sso_provider_id: Option<&'a str>,
}

/// A live session with what every page needs to know about its user.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id_hash: String,
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub must_change_password: bool,
    pub org_id: Option<String>,
    pub csrf_token: String,
    pub last_seen_at: String,
    pub expires_at: String,
    /// The identity provider the session was signed in through, and its organisation (none when
    /// the provider has since been switched off or removed: the session is over).
    pub sso_provider_id: Option<String>,
    pub sso_org_id: Option<String>,
}

impl Store {
    pub async fn create_session(&self, n: NewSession<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, org_id, csrf_token, created_at, last_seen_at, expires_at, sso_provider_id) VALUES ($1, $2, $3, $4, $5, $5, $6, $7)",
        )
        .bind(n.id_hash)
        .bind(n.user_id)
        .bind(n.org_id)
        .bind(n.csrf_token)
        .bind(n.now)
        .bind(n.expires_at)
        .bind(n.sso_provider_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionUser>, StoreError> {
        let row = sqlx::query(
            "SELECT s.id_hash AS id_hash, s.user_id AS user_id, u.email AS email, u.display_name AS display_name, u.locale AS locale,
                    u.must_change_password AS must_change_password, s.org_id AS org_id, s.csrf_token AS csrf_token,
                    s.last_seen_at AS last_seen_at, s.expires_at AS expires_at,
                    s.sso_provider_id AS sso_provider_id, p.org_id AS sso_org_id
             FROM sessions s JOIN users u ON u.id = s.user_id
             LEFT JOIN sso_providers p ON p.id = s.sso_provider_id AND p.enabled = 1
             WHERE s.id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(SessionUser {
            id_hash: s(&r, "id_hash")?,
            user_id: s(&r, "user_id")?,
            email: s(&r, "email")?,
            display_name: s(&r, "display_name")?,
            locale: s(&r, "locale")?,
            must_change_password: i(&r, "must_change_password")? != 0,
            org_id: os(&r, "org_id")?,
            csrf_token: s(&r, "csrf_token")?,
            last_seen_at: s(&r, "last_seen_at")?,
            expires_at: s(&r, "expires_at")?,
            sso_provider_id: os(&r, "sso_provider_id")?,
            sso_org_id: os(&r, "sso_org_id")?,
        }))
    }

    pub async fn touch_session(&self, id_hash: &str, now: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_session_org(&self, id_hash: &str, org_id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET org_id = $1 WHERE id_hash = $2")
            .bind(org_id)
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions idle since before `idle_before` or past their absolute expiry.
    pub async fn delete_expired_sessions(
        &self,
        now: &str,
        idle_before: &str,
    ) -> Result<u64, StoreError> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2")
            .bind(now)
            .bind(idle_before)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }
}

//! Single sign-on: the organisations' identity providers, the sign-ins under way, and the
//! subjects a provider has vouched for.

use crate::audit::AuditEntry;
use crate::row::{i, os, role, s};
use crate::{now_timestamp, Actor, Store, StoreError, Tenant};
use serde_json::json;
use sqlx::any::AnyRow;
use tillit_domain::role::Role;

/// An identity provider of an organisation. `client_secret` is stored as `sealed:<hex>` or
/// `env:<NAME>` and never leaves the application layer.
#[derive(Debug, Clone)]
pub struct SsoProvider {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub match_claim: String,
    pub create_members: bool,
    pub default_role: Role,
    pub enabled: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// A provider's settings as written.
pub struct SsoProviderRow<'a> {
    pub name: &'a str,
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// `None`: keep the stored secret.
    pub client_secret: Option<&'a str>,
    pub match_claim: &'a str,
    pub create_members: bool,
    pub default_role: Role,
    pub enabled: bool,
}

/// A sign-in under way.
#[derive(Debug, Clone)]
pub struct SsoLogin {
    pub provider_id: String,
    /// The callback address the sign-in was started with (the code is exchanged with the same).
    pub redirect_uri: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub return_to: String,
    pub created_at: String,
}

/// What taking a sign-in by its state found.
pub enum TakenLogin {
    /// First use: the sign-in, now spent.
    Fresh(SsoLogin),
    /// The state was used before: a replay.
    Replayed(SsoLogin),
    /// No such state (never issued, or swept away).
    Unknown,
}

const COLUMNS: &str =
    "p.id AS id, p.org_id AS org_id, o.name AS org_name, p.name AS name, p.issuer AS issuer,
    p.client_id AS client_id, p.client_secret AS client_secret, p.match_claim AS match_claim,
    p.create_members AS create_members, p.default_role AS default_role, p.enabled AS enabled,
    p.created_at AS created_at, p.updated_at AS updated_at";

fn provider_from(r: &AnyRow) -> Result<SsoProvider, StoreError> {
    Ok(SsoProvider {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?,
        org_name: s(r, "org_name")?,
        name: s(r, "name")?,
        issuer: s(r, "issuer")?,
        client_id: s(r, "client_id")?,
        client_secret: s(r, "client_secret")?,
        match_claim: s(r, "match_claim")?,
        create_members: i(r, "create_members")? != 0,
        default_role: role(r, "default_role")?,
        enabled: i(r, "enabled")? != 0,
        created_at: s(r, "created_at")?,
        updated_at: s(r, "updated_at")?,
    })
}

fn login_from(r: &AnyRow) -> Result<SsoLogin, StoreError> {
    Ok(SsoLogin {
        provider_id: s(r, "provider_id")?,
        redirect_uri: s(r, "redirect_uri")?,
        nonce: s(r, "nonce")?,
        pkce_verifier: s(r, "pkce_verifier")?,
        return_to: s(r, "return_to")?,
        created_at: s(r, "created_at")?,
    })
}

/// What the audit trail keeps of a provider's settings: never the secret, only where it is.
fn audited(x: &SsoProviderRow<'_>) -> serde_json::Value {
    json!({
        "name": x.name,
        "issuer": x.issuer,
        "client_id": x.client_id,
        "client_secret": x.client_secret.map(|s| if s.starts_with("env:") { s.to_string() } else { "(sealed)".into() }),
        "match_claim": x.match_claim,
        "create_members": x.create_members,
        "default_role": x.default_role.key(),
        "enabled": x.enabled,
    })
}

impl Store {
    /// The providers that `condition` picks (its `$n` bound to `binds`), in `order`.
    async fn providers_where(
        &self,
        condition: &str,
        binds: &[&str],
        order: &str,
    ) -> Result<Vec<SsoProvider>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM sso_providers p JOIN organisations o ON o.id = p.org_id
             WHERE {condition} ORDER BY {order}"
        );
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(*b);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(provider_from)
            .collect()
    }

    /// The organisation's identity providers, by name.
    pub async fn sso_providers(&self, t: &Tenant) -> Result<Vec<SsoProvider>, StoreError> {
        self.providers_where("p.org_id = $1", &[t.id()], "p.name, p.id")
            .await
    }

    pub async fn sso_provider(&self, t: &Tenant, id: &str) -> Result<SsoProvider, StoreError> {
        self.providers_where("p.org_id = $1 AND p.id = $2", &[t.id(), id], "p.id")
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// A provider by id, for a sign-in (before anyone is signed in, so in no tenant).
    pub async fn sso_provider_for_sign_in(
        &self,
        id: &str,
    ) -> Result<Option<SsoProvider>, StoreError> {
        Ok(self
            .providers_where("p.id = $1", &[id], "p.id")
            .await?
            .pop())
    }

    /// The organisation a provider belongs to, as a tenant: a provider the organisation's
    /// administrator set up and allowed to make members acts for it when it makes one.
    pub async fn sso_provider_tenant(
        &self,
        provider_id: &str,
    ) -> Result<Option<Tenant>, StoreError> {
        let r =
            sqlx::query("SELECT org_id FROM sso_providers WHERE id = $1 AND create_members = 1")
                .bind(provider_id)
                .fetch_optional(&self.pool)
                .await?;
        r.map(|r| Ok(Tenant::checked(s(&r, "org_id")?))).transpose()
    }

    /// Every enabled provider, for the sign-in page, by organisation and name.
    pub async fn enabled_sso_providers(&self) -> Result<Vec<SsoProvider>, StoreError> {
        self.providers_where("p.enabled = 1", &[], "o.name, p.name, p.id")
            .await
    }

    /// Adds a provider with the id the caller made (its secret is sealed to it).
    pub async fn create_sso_provider(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &str,
        x: &SsoProviderRow<'_>,
    ) -> Result<(), StoreError> {
        let now = now_timestamp();
        let mut w = self.work().await?;
        sqlx::query(
            "INSERT INTO sso_providers (id, org_id, name, issuer, client_id, client_secret, match_claim, create_members, default_role, enabled, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(id)
        .bind(t.id())
        .bind(x.name)
        .bind(x.issuer)
        .bind(x.client_id)
        .bind(x.client_secret.unwrap_or_default())
        .bind(x.match_claim)
        .bind(i64::from(x.create_members))
        .bind(x.default_role.key())
        .bind(i64::from(x.enabled))
        .bind(&now)
        .execute(w.conn())
        .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "sso_provider.create",
                object_type: "sso_provider",
                object_id: id,
                before: None,
                after: Some(audited(x)),
            },
        )
        .await?;
        w.commit().await
    }

    /// Changes a provider. Disabling it ends the sessions signed in through it.
    pub async fn update_sso_provider(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &str,
        x: &SsoProviderRow<'_>,
    ) -> Result<(), StoreError> {
        let before = self.sso_provider(t, id).await?;
        let mut w = self.work().await?;
        sqlx::query(
            "UPDATE sso_providers SET name = $1, issuer = $2, client_id = $3,
                 client_secret = COALESCE($4, client_secret), match_claim = $5, create_members = $6,
                 default_role = $7, enabled = $8, updated_at = $9
             WHERE org_id = $10 AND id = $11",
        )
        .bind(x.name)
        .bind(x.issuer)
        .bind(x.client_id)
        .bind(x.client_secret)
        .bind(x.match_claim)
        .bind(i64::from(x.create_members))
        .bind(x.default_role.key())
        .bind(i64::from(x.enabled))
        .bind(now_timestamp())
        .bind(t.id())
        .bind(id)
        .execute(w.conn())
        .await?;
        if !x.enabled || before.issuer != x.issuer || before.client_id != x.client_id {
            sqlx::query("DELETE FROM sessions WHERE sso_provider_id = $1")
                .bind(id)
                .execute(w.conn())
                .await?;
        }
        // Another issuer or client is another provider: its subjects are not the old one's, so
        // the links go (members are found by their address again).
        if before.issuer != x.issuer || before.client_id != x.client_id {
            sqlx::query("DELETE FROM sso_identities WHERE provider_id = $1")
                .bind(id)
                .execute(w.conn())
                .await?;
        }
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "sso_provider.update",
                object_type: "sso_provider",
                object_id: id,
                before: Some(json!({
                    "name": before.name, "issuer": before.issuer, "client_id": before.client_id,
                    "match_claim": before.match_claim, "create_members": before.create_members,
                    "default_role": before.default_role.key(), "enabled": before.enabled,
                })),
                after: Some(audited(x)),
            },
        )
        .await?;
        w.commit().await
    }

    /// Removes a provider, the subjects it vouched for, its sign-ins under way and the sessions
    /// signed in through it.
    pub async fn delete_sso_provider(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &str,
    ) -> Result<(), StoreError> {
        let before = self.sso_provider(t, id).await?;
        let mut w = self.work().await?;
        for sql in [
            "DELETE FROM sessions WHERE sso_provider_id = $1",
            "DELETE FROM sso_identities WHERE provider_id = $1",
            "DELETE FROM sso_logins WHERE provider_id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(w.conn()).await?;
        }
        sqlx::query("DELETE FROM sso_providers WHERE org_id = $1 AND id = $2")
            .bind(t.id())
            .bind(id)
            .execute(w.conn())
            .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "sso_provider.delete",
                object_type: "sso_provider",
                object_id: id,
                before: Some(json!({"name": before.name, "issuer": before.issuer})),
                after: None,
            },
        )
        .await?;
        w.commit().await
    }

    /// Whether the organisation accepts passwords.
    pub async fn password_sign_in(&self, t: &Tenant) -> Result<bool, StoreError> {
        let r = sqlx::query("SELECT password_sign_in FROM organisations WHERE id = $1")
            .bind(t.id())
            .fetch_one(&self.pool)
            .await?;
        Ok(i(&r, "password_sign_in")? != 0)
    }

    /// Lets the organisation's members sign in with a password, or not. Switched off, the
    /// password sessions stop acting in it at their next request.
    pub async fn set_password_sign_in(
        &self,
        t: &Tenant,
        actor: &Actor,
        allowed: bool,
    ) -> Result<(), StoreError> {
        let mut w = self.work().await?;
        sqlx::query("UPDATE organisations SET password_sign_in = $1 WHERE id = $2")
            .bind(i64::from(allowed))
            .bind(t.id())
            .execute(w.conn())
            .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "organisation.password_sign_in",
                object_type: "organisation",
                object_id: t.id(),
                before: Some(json!({"password_sign_in": !allowed})),
                after: Some(json!({"password_sign_in": allowed})),
            },
        )
        .await?;
        w.commit().await
    }

    pub async fn create_sso_login(
        &self,
        state_hash: &str,
        provider_id: &str,
        nonce: &str,
        pkce_verifier: &str,
        return_to: &str,
        redirect_uri: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sso_logins (state_hash, provider_id, nonce, pkce_verifier, return_to, created_at, redirect_uri)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(state_hash)
        .bind(provider_id)
        .bind(nonce)
        .bind(pkce_verifier)
        .bind(return_to)
        .bind(now_timestamp())
        .bind(redirect_uri)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Spends a sign-in by its state: only the first caller gets it fresh, on every instance.
    pub async fn take_sso_login(&self, state_hash: &str) -> Result<TakenLogin, StoreError> {
        let spent = sqlx::query(
            "UPDATE sso_logins SET used_at = $1 WHERE state_hash = $2 AND used_at IS NULL",
        )
        .bind(now_timestamp())
        .bind(state_hash)
        .execute(&self.pool)
        .await?
        .rows_affected();
        let row = sqlx::query(
            "SELECT provider_id, redirect_uri, nonce, pkce_verifier, return_to, created_at FROM sso_logins WHERE state_hash = $1",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match (row, spent) {
            (None, _) => TakenLogin::Unknown,
            (Some(r), 1) => TakenLogin::Fresh(login_from(&r)?),
            (Some(r), _) => TakenLogin::Replayed(login_from(&r)?),
        })
    }

    /// Forgets the sign-ins started before `before` (used or not).
    pub async fn delete_old_sso_logins(&self, before: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM sso_logins WHERE created_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// The person a provider's subject was linked to.
    pub async fn sso_identity(
        &self,
        provider_id: &str,
        subject: &str,
    ) -> Result<Option<String>, StoreError> {
        let r = sqlx::query(
            "SELECT user_id FROM sso_identities WHERE provider_id = $1 AND subject = $2",
        )
        .bind(provider_id)
        .bind(subject)
        .fetch_optional(&self.pool)
        .await?;
        r.map(|r| s(&r, "user_id")).transpose()
    }

    /// Links a provider's subject to a person (or notes its use again).
    pub async fn link_sso_identity(
        &self,
        provider_id: &str,
        subject: &str,
        user_id: &str,
    ) -> Result<(), StoreError> {
        // Two first sign-ins at once insert the same link: the second only notes its use.
        sqlx::query(
            "INSERT INTO sso_identities (provider_id, subject, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (provider_id, subject) DO UPDATE SET last_used_at = excluded.last_used_at",
        )
        .bind(provider_id)
        .bind(subject)
        .bind(user_id)
        .bind(now_timestamp())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many members each provider has vouched for: (provider id, count).
    pub async fn sso_identity_counts(
        &self,
        t: &Tenant,
    ) -> Result<Vec<(String, i64, Option<String>)>, StoreError> {
        sqlx::query(
            "SELECT p.id AS id, COUNT(i.subject) AS n, MAX(i.last_used_at) AS last
             FROM sso_providers p LEFT JOIN sso_identities i ON i.provider_id = p.id
             WHERE p.org_id = $1 GROUP BY p.id",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok((s(r, "id")?, i(r, "n")?, os(r, "last")?)))
        .collect()
    }
}

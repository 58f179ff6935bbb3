//! People and their memberships of organisations.

use crate::audit::AuditEntry;
use crate::row::s;
use crate::OneRow;
use crate::Unique;
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::FromRow;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_domain::user::Email;

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub must_change_password: bool,
    pub created_at: String,
}

/// A user with the password hash, for signing in only.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

/// One of a user's memberships, with the organisation it is in.
#[derive(Debug, Clone, Serialize)]
pub struct UserMembership {
    #[serde(skip)]
    tenant: Tenant,
    pub membership_id: String,
    pub org_id: String,
    pub org_name: String,
    pub org_kind: OrgKind,
    /// The requirement catalog version the organisation works against.
    pub catalog_version: String,
    pub role: Role,
    /// A delegated right to decide outsourcing cases: the delegation it rests on.
    pub outsourcing_delegation: Option<String>,
    /// Whether the organisation accepts password sign-in (else only its identity providers).
    pub accepts_passwords: bool,
}

const USER_COLUMNS: &str =
    "id, email, display_name, locale, must_change_password, created_at, password_hash";

/// The columns of a `UserCredentials` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: String,
    email: String,
    display_name: String,
    locale: String,
    must_change_password: i64,
    created_at: String,
    password_hash: String,
}

impl UserRow {
    pub(crate) fn into_view(self) -> Result<UserCredentials, StoreError> {
        let row = self;
        Ok(UserCredentials {
            user: User {
                id: row.id,
                email: row.email,
                display_name: row.display_name,
                locale: row.locale,
                must_change_password: row.must_change_password != 0,
                created_at: row.created_at,
            },
            password_hash: row.password_hash,
        })
    }
}

fn user_from_row(r: &AnyRow) -> Result<UserCredentials, StoreError> {
    UserRow::from_row(r)?.into_view()
}

impl UserMembership {
    /// The organisation of this membership, as a tenant the member may act in.
    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }
}

/// The columns of a `UserMembership` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct MembershipRow {
    org_id: String,
    membership_id: String,
    org_name: String,
    org_kind: String,
    catalog_version: String,
    role: String,
    outsourcing_delegation: Option<String>,
    password_sign_in: i64,
}

impl MembershipRow {
    pub(crate) fn into_view(self) -> Result<UserMembership, StoreError> {
        let row = self;
        let org_id = row.org_id;
        Ok(UserMembership {
            tenant: Tenant::checked(org_id.clone()),
            membership_id: row.membership_id,
            org_id,
            org_name: row.org_name,
            org_kind: crate::row::kind_of("org_kind", &row.org_kind)?,
            catalog_version: row.catalog_version,
            role: crate::row::role_of("role", &row.role)?,
            outsourcing_delegation: row.outsourcing_delegation,
            accepts_passwords: row.password_sign_in != 0,
        })
    }
}

fn membership_from_row(r: &AnyRow) -> Result<UserMembership, StoreError> {
    MembershipRow::from_row(r)?.into_view()
}

impl Store {
    pub async fn create_user(
        &self,
        actor: &Actor,
        email: &Email,
        display_name: &str,
        password_hash: &str,
        must_change_password: bool,
    ) -> Result<User, StoreError> {
        let now = now_timestamp();
        let user = User {
            id: new_id(),
            email: email.as_str().to_string(),
            display_name: display_name.to_string(),
            locale: "sv".into(),
            must_change_password,
            created_at: now.clone(),
        };
        let mut tx = self.work().await?;
        let res = sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, locale, must_change_password, created_at, password_changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(password_hash)
        .bind(&user.locale)
        .bind(i64::from(must_change_password))
        .bind(&now)
        .execute(tx.conn())
        .await;
        if let Err(e) = res {
            if StoreError::is_unique_violation(&e) {
                return Err(StoreError::Duplicate(Unique::Email));
            }
            return Err(e.into());
        }
        tx.record(
            actor,
            None,
            AuditEntry {
                action: "user.create",
                object_type: "user",
                object_id: &user.id,
                before: None,
                after: Some(json!({"email": user.email, "display_name": user.display_name})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserCredentials>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        let row = sqlx::query(&sql)
            .bind(email.to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user_by_id(&self, id: &str) -> Result<UserCredentials, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        user_from_row(&row.ok_or(StoreError::NotFound)?)
    }

    /// Sets a new password hash; every session of the user except `keep_session` ends.
    pub async fn set_password(
        &self,
        actor: &Actor,
        user_id: &str,
        password_hash: &str,
        must_change_password: bool,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.work().await?;
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3 WHERE id = $4")
            .bind(password_hash)
            .bind(i64::from(must_change_password))
            .bind(now_timestamp())
            .bind(user_id)
        .one_row(tx.conn())
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(keep_session.unwrap_or(""))
            .execute(tx.conn())
            .await?;
        // A new password ends every API token of the person too: a token made by whoever knew
        // the old password must not outlive it.
        let revoked = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now_timestamp())
        .bind(user_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        tx.record(
            actor,
            None,
            AuditEntry {
                action: if must_change_password {
                    "user.password_reset"
                } else {
                    "user.password_change"
                },
                object_type: "user",
                object_id: user_id,
                before: None,
                after: Some(json!({
                    "must_change_password": must_change_password,
                    "tokens_revoked": revoked,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_user_locale(
        &self,
        actor: &Actor,
        user_id: &str,
        locale: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.work().await?;
        let before = sqlx::query("SELECT locale FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = s(&before, "locale")?;
        if before == locale {
            return Ok(());
        }
        sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
            .bind(locale)
            .bind(user_id)
            .execute(tx.conn())
            .await?;
        tx.record(
            actor,
            None,
            AuditEntry {
                action: "user.locale",
                object_type: "user",
                object_id: user_id,
                before: Some(json!({"locale": before})),
                after: Some(json!({"locale": locale})),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Every organisation the user is a member of, by name.
    pub async fn memberships_of_user(
        &self,
        user_id: &str,
    ) -> Result<Vec<UserMembership>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.id AS membership_id, o.id AS org_id, o.name AS org_name, o.kind AS org_kind, o.catalog_version AS catalog_version, m.role AS role, m.outsourcing_delegation AS outsourcing_delegation, o.password_sign_in AS password_sign_in
             FROM memberships m JOIN organisations o ON o.id = m.org_id
             WHERE m.user_id = $1 ORDER BY o.name",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(membership_from_row).collect()
    }

    /// The tenant a user may act in, with their role there: `None` without a membership.
    pub async fn tenant_for_member(
        &self,
        user_id: &str,
        org_id: &str,
    ) -> Result<Option<(Tenant, UserMembership)>, StoreError> {
        let row = sqlx::query(
            "SELECT m.id AS membership_id, o.id AS org_id, o.name AS org_name, o.kind AS org_kind, o.catalog_version AS catalog_version, m.role AS role, m.outsourcing_delegation AS outsourcing_delegation, o.password_sign_in AS password_sign_in
             FROM memberships m JOIN organisations o ON o.id = m.org_id
             WHERE m.user_id = $1 AND m.org_id = $2",
        )
        .bind(user_id)
        .bind(org_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let m = membership_from_row(&r)?;
        Ok(Some((m.tenant.clone(), m)))
    }
}

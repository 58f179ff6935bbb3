//! Members of an organisation: who has which role. Tenant-scoped throughout.

use crate::audit::{AuditEntry, Work};
use crate::query::{fetch_page, Filter};
use crate::row::{i, role, s};
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use crate::{Reference, Unique};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use sqlx::FromRow;
use tillit_domain::ids::*;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::role::{check_keeps_an_admin, Role};
use tillit_domain::text::search_key;
use tillit_domain::ValidationErrors;

#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: MembershipId,
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// A delegated right to decide outsourcing cases: the delegation it rests on.
    pub outsourcing_delegation: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Default)]
pub struct MemberQuery {
    /// Free text matched against name and e-mail, case-insensitively.
    pub q: Option<String>,
    pub role: Option<Role>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleCount {
    pub role: Role,
    pub count: i64,
}

const MEMBER_COLUMNS: &str = "m.id AS id, m.user_id AS user_id, u.email AS email, u.display_name AS display_name, m.role AS role, \
    m.outsourcing_delegation AS outsourcing_delegation, m.created_at AS created_at";
const MEMBER_FROM: &str = "memberships m JOIN users u ON u.id = m.user_id";

/// The columns of a `Member` as the database returns them.
#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    id: String,
    user_id: String,
    email: String,
    display_name: String,
    role: String,
    outsourcing_delegation: Option<String>,
    created_at: String,
}

impl MemberRow {
    pub(crate) fn into_view(self) -> Result<Member, StoreError> {
        let row = self;
        Ok(Member {
            id: row.id.into(),
            user_id: row.user_id,
            email: row.email,
            display_name: row.display_name,
            role: crate::row::role_of("role", &row.role)?,
            outsourcing_delegation: row.outsourcing_delegation,
            created_at: row.created_at,
        })
    }
}

fn member_from_row(r: &AnyRow) -> Result<Member, StoreError> {
    MemberRow::from_row(r)?.into_view()
}

async fn member_in(conn: &mut AnyConnection, t: &Tenant, id: &str) -> Result<Member, StoreError> {
    let sql =
        format!("SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE m.org_id = $1 AND m.id = $2");
    let row = sqlx::query(&sql)
        .bind(t.id())
        .bind(id)
        .fetch_optional(conn)
        .await?;
    member_from_row(&row.ok_or(StoreError::NotFound)?)
}

async fn admins_in(conn: &mut AnyConnection, t: &Tenant) -> Result<usize, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM memberships WHERE org_id = $1 AND role IN ('admin', 'authority_admin')")
        .bind(t.id())
        .fetch_one(conn)
        .await?;
    Ok(usize::try_from(i(&row, "n")?).unwrap_or(0))
}

impl Store {
    pub async fn list_members(
        &self,
        t: &Tenant,
        q: &MemberQuery,
        page: PageRequest,
    ) -> Result<Page<Member>, StoreError> {
        let mut filter = Filter::tenant("m.org_id", t.id());
        if let Some(text) = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            // search_text is stored lower-cased (with Unicode rules) on both backends.
            filter.and_contains("m.search_text", text);
        }
        if let Some(r) = q.role {
            filter.and("m.role =", r.key().to_string());
        }
        fetch_page(
            &self.pool,
            MEMBER_COLUMNS,
            MEMBER_FROM,
            &filter,
            "u.display_name, u.email",
            page,
            MemberRow::into_view,
        )
        .await
    }

    pub async fn member(&self, t: &Tenant, id: &MembershipId) -> Result<Member, StoreError> {
        let id = id.as_str();
        let mut conn = self.pool.acquire().await?;
        member_in(&mut conn, t, id).await
    }

    pub async fn count_members_by_role(&self, t: &Tenant) -> Result<Vec<RoleCount>, StoreError> {
        let rows = sqlx::query("SELECT role, COUNT(*) AS n FROM memberships WHERE org_id = $1 GROUP BY role ORDER BY role")
            .bind(t.id())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(RoleCount {
                    role: role(r, "role")?,
                    count: i(r, "n")?,
                })
            })
            .collect()
    }

    /// Adds an existing user to the organisation with a role. A user is a member at most once.
    pub async fn add_member(
        &self,
        t: &Tenant,
        actor: &Actor,
        user_id: &str,
        role: Role,
    ) -> Result<Member, StoreError> {
        let mut tx = self.work().await?;
        let id = tx.add_member(t, actor, user_id, role, "member.add").await?;
        let m = member_in(tx.conn(), t, &id).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// Changes a member's role; the organisation keeps at least one administrator.
    pub async fn change_member_role(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &MembershipId,
        new_role: Role,
    ) -> Result<Member, StoreError> {
        let id = id.as_str();
        let mut tx = self.work().await?;
        let before = member_in(tx.conn(), t, id).await?;
        if before.role == new_role {
            return Ok(before);
        }
        let admins = admins_in(tx.conn(), t).await?;
        check_keeps_an_admin(before.role, Some(new_role), admins)
            .map_err(ValidationErrors::from)?;
        sqlx::query("UPDATE memberships SET role = $1 WHERE org_id = $2 AND id = $3")
            .bind(new_role.key())
            .bind(t.id())
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "member.role",
                object_type: "membership",
                object_id: id,
                before: Some(json!({"email": before.email, "role": before.role.key()})),
                after: Some(json!({"email": before.email, "role": new_role.key()})),
            },
        )
        .await?;
        let after = member_in(tx.conn(), t, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Grants a member a delegated right to decide outsourcing cases, resting on `delegation`, or
    /// withdraws it (`None`).
    pub async fn set_outsourcing_delegation(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &MembershipId,
        delegation: Option<&str>,
    ) -> Result<Member, StoreError> {
        let id = id.as_str();
        let mut tx = self.work().await?;
        let before = member_in(tx.conn(), t, id).await?;
        sqlx::query(
            "UPDATE memberships SET outsourcing_delegation = $1 WHERE org_id = $2 AND id = $3",
        )
        .bind(delegation)
        .bind(t.id())
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "member.outsourcing_delegation",
                object_type: "membership",
                object_id: id,
                before: Some(json!({"email": before.email, "outsourcing_delegation": before.outsourcing_delegation})),
                after: Some(json!({"email": before.email, "outsourcing_delegation": delegation})),
            },
        )
        .await?;
        let after = member_in(tx.conn(), t, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Removes a membership (the user keeps their account and other memberships). The user's API
    /// tokens for this organisation are revoked with it.
    pub async fn remove_member(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &MembershipId,
    ) -> Result<(), StoreError> {
        let id = id.as_str();
        let mut tx = self.work().await?;
        let before = member_in(tx.conn(), t, id).await?;
        let admins = admins_in(tx.conn(), t).await?;
        check_keeps_an_admin(before.role, None, admins).map_err(ValidationErrors::from)?;
        sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND id = $2")
            .bind(t.id())
            .bind(id)
            .execute(tx.conn())
            .await?;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(now_timestamp())
            .bind(t.id())
            .bind(&before.user_id)
            .execute(tx.conn())
            .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "member.remove",
                object_type: "membership",
                object_id: id,
                before: Some(json!({"user_id": before.user_id, "email": before.email, "role": before.role.key()})),
                after: None,
            },
        )
        .await?;
        tx.commit().await
    }
}

impl Work<'_> {
    /// Makes a person a member with a role; `action` names the audit event (`member.add` by an
    /// operator, `member.join` when the person accepts an invitation).
    pub(crate) async fn add_member(
        &mut self,
        t: &Tenant,
        actor: &Actor,
        user_id: &str,
        role: Role,
        action: &str,
    ) -> Result<String, StoreError> {
        let user = sqlx::query("SELECT email, display_name FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::UnknownReference(Reference::Person))?;
        let (email, name) = (s(&user, "email")?, s(&user, "display_name")?);
        let id = new_id();
        let res = sqlx::query(
            "INSERT INTO memberships (id, org_id, user_id, role, search_text, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(user_id)
        .bind(role.key())
        .bind(search_key(&[&name, &email]))
        .bind(now_timestamp())
        .execute(self.conn())
        .await;
        if let Err(e) = res {
            if StoreError::is_unique_violation(&e) {
                return Err(StoreError::Duplicate(Unique::Email));
            }
            return Err(e.into());
        }
        self.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action,
                object_type: "membership",
                object_id: &id,
                before: None,
                after: Some(json!({"user_id": user_id, "email": email, "role": role.key()})),
            },
        )
        .await?;
        Ok(id)
    }
}

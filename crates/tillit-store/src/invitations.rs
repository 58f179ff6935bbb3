//! Invitations to an organisation: an administrator offers a role to an e-mail address; the person
//! with that address takes it (signing in, or making an account). Only the invitation's token —
//! handed to the person as a link — finds it; the store keeps the token's hash.

use crate::audit::AuditEntry;
use crate::row::{kind_of, role_of};
use crate::OneRow;
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant, Unique};
use serde_json::json;
use sqlx::FromRow;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_domain::user::Email;

/// An invitation, with the organisation it is to.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub org_kind: OrgKind,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub invited_by: String,
    pub created_at: String,
    pub expires_at: String,
    pub accepted_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl Invitation {
    /// Open: neither taken nor withdrawn, and not expired at `now`.
    pub fn is_open(&self, now: &str) -> bool {
        self.accepted_at.is_none() && self.revoked_at.is_none() && self.expires_at.as_str() > now
    }
}

#[derive(FromRow)]
struct InvitationRow {
    id: String,
    org_id: String,
    org_name: String,
    org_kind: String,
    email: String,
    display_name: String,
    role: String,
    invited_by: String,
    created_at: String,
    expires_at: String,
    accepted_at: Option<String>,
    revoked_at: Option<String>,
}

impl InvitationRow {
    fn into_view(self) -> Result<Invitation, StoreError> {
        Ok(Invitation {
            org_kind: kind_of("org_kind", &self.org_kind)?,
            role: role_of("role", &self.role)?,
            id: self.id,
            org_id: self.org_id,
            org_name: self.org_name,
            email: self.email,
            display_name: self.display_name,
            invited_by: self.invited_by,
            created_at: self.created_at,
            expires_at: self.expires_at,
            accepted_at: self.accepted_at,
            revoked_at: self.revoked_at,
        })
    }
}

const COLUMNS: &str = "i.id AS id, i.org_id AS org_id, o.name AS org_name, o.kind AS org_kind, i.email AS email, \
    i.display_name AS display_name, i.role AS role, i.invited_by AS invited_by, i.created_at AS created_at, \
    i.expires_at AS expires_at, i.accepted_at AS accepted_at, i.revoked_at AS revoked_at";
const FROM: &str = "invitations i JOIN organisations o ON o.id = i.org_id";

/// What a new invitation is.
pub struct NewInvitation<'a> {
    pub email: &'a Email,
    pub display_name: &'a str,
    pub role: Role,
    pub token_hash: &'a str,
    pub expires_at: &'a str,
}

impl Store {
    /// Records an invitation. A person already a member is not invited again.
    pub async fn create_invitation(
        &self,
        t: &Tenant,
        actor: &Actor,
        n: NewInvitation<'_>,
    ) -> Result<Invitation, StoreError> {
        let mut tx = self.work().await?;
        let member = sqlx::query(
            "SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND u.email = $2",
        )
        .bind(t.id())
        .bind(n.email.as_str())
        .fetch_optional(tx.conn())
        .await?;
        if member.is_some() {
            return Err(StoreError::Duplicate(Unique::Email));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO invitations (id, org_id, email, display_name, role, token_hash, invited_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(n.email.as_str())
        .bind(n.display_name)
        .bind(n.role.key())
        .bind(n.token_hash)
        .bind(&actor.label)
        .bind(now_timestamp())
        .bind(n.expires_at)
        .execute(tx.conn())
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "member.invite",
                object_type: "invitation",
                object_id: &id,
                before: None,
                after: Some(json!({"email": n.email.as_str(), "role": n.role.key(), "expires_at": n.expires_at})),
            },
        )
        .await?;
        tx.commit().await?;
        self.invitation(t, &id).await
    }

    async fn invitation(&self, t: &Tenant, id: &str) -> Result<Invitation, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE i.org_id = $1 AND i.id = $2");
        sqlx::query_as::<_, InvitationRow>(&sql)
            .bind(t.id())
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?
            .into_view()
    }

    /// The invitation a token's hash names, whatever its state.
    pub async fn invitation_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<Invitation>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE i.token_hash = $1");
        sqlx::query_as::<_, InvitationRow>(&sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?
            .map(InvitationRow::into_view)
            .transpose()
    }

    /// The organisation's invitations not yet taken, withdrawn or expired, newest first.
    pub async fn open_invitations(&self, t: &Tenant) -> Result<Vec<Invitation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE i.org_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
               AND i.expires_at > $2 ORDER BY i.created_at DESC, i.id"
        );
        sqlx::query_as::<_, InvitationRow>(&sql)
            .bind(t.id())
            .bind(now_timestamp())
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(InvitationRow::into_view)
            .collect()
    }

    /// Withdraws an open invitation.
    pub async fn revoke_invitation(
        &self,
        t: &Tenant,
        actor: &Actor,
        id: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.work().await?;
        sqlx::query(
            "UPDATE invitations SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now_timestamp())
        .bind(t.id())
        .bind(id)
        .one_row(tx.conn())
        .await?;
        tx.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "member.invite_revoke",
                object_type: "invitation",
                object_id: id,
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await
    }

    /// The person takes an open invitation: they become a member with its role, once.
    pub async fn accept_invitation(
        &self,
        actor: &Actor,
        invitation: &Invitation,
        user_id: &str,
    ) -> Result<(), StoreError> {
        let t = Tenant::checked(invitation.org_id.clone());
        let mut tx = self.work().await?;
        let now = now_timestamp();
        // Taken in the same statement that checks it is open, so it is taken once.
        sqlx::query(
            "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
        )
        .bind(&now)
        .bind(&invitation.id)
        .one_row(tx.conn())
        .await?;
        tx.add_member(&t, actor, user_id, invitation.role, "member.join")
            .await?;
        sqlx::query("UPDATE users SET last_org_id = $1 WHERE id = $2")
            .bind(&invitation.org_id)
            .bind(user_id)
            .execute(tx.conn())
            .await?;
        tx.commit().await
    }

    /// Remembers the organisation a person acts in, for their next sign-in.
    pub async fn set_last_org(&self, user_id: &str, org_id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET last_org_id = $1 WHERE id = $2")
            .bind(org_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The organisation the person last acted in, if any.
    pub async fn last_org_of(&self, user_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT last_org_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => crate::row::os(&r, "last_org_id")?,
            None => None,
        })
    }
}

//! Who is acting: a signed-in person (by session or API token) in one organisation, with their role
//! there and the token's scopes. Made once per request by the web layer (or per task by a
//! background job), then handed to every command and query, which authorise with
//! [`Acting::require`] and scope every store call to [`Acting`]'s organisation.

use crate::error::{Error, Result};
use tillit_domain::org::OrgKind;
use tillit_domain::role::{Permission, Role, Scope};
use tillit_store::{Actor, Tenant, UserMembership};

/// How a person proved who they are.
#[derive(Clone, Debug)]
pub enum Via {
    Session {
        id_hash: String,
        org_id: Option<String>,
        /// The identity provider the session was signed in through, and its organisation
        /// (none: a password).
        provider: Option<(String, String)>,
    },
    Token {
        token_id: String,
        org_id: String,
        scopes: Vec<Scope>,
    },
}

/// A signed-in person, before an organisation is chosen.
#[derive(Clone, Debug)]
pub struct Auth {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub must_change_password: bool,
    pub locale: String,
    pub via: Via,
    /// The session's CSRF token (none for API tokens, which carry no ambient authority).
    pub csrf: Option<String>,
}

impl Auth {
    pub(crate) fn actor(&self) -> Actor {
        Actor::user(&self.user_id, &self.email)
    }
    pub fn session_hash(&self) -> Option<&str> {
        match &self.via {
            Via::Session { id_hash, .. } => Some(id_hash),
            Via::Token { .. } => None,
        }
    }
    pub fn is_token(&self) -> bool {
        matches!(self.via, Via::Token { .. })
    }
    /// The identity provider a session was signed in through (its id), if any.
    pub fn provider(&self) -> Option<&str> {
        match &self.via {
            Via::Session {
                provider: Some((id, _)),
                ..
            } => Some(id),
            _ => None,
        }
    }
    /// How the person signed in. An API token is not a sign-in: it is made by a member in a
    /// session of its organisation, acts only there, and is checked by its own rules (scopes,
    /// expiry, revocation), whatever the organisation's sign-in settings.
    pub fn method(&self) -> tillit_domain::sso::SignInMethod<'_> {
        match &self.via {
            Via::Session {
                provider: Some((_, org_id)),
                ..
            } => tillit_domain::sso::SignInMethod::Provider { org_id },
            _ => tillit_domain::sso::SignInMethod::Password,
        }
    }
}

/// A person acting in one organisation: the subject of every command and query.
#[derive(Clone, Debug)]
pub struct Acting {
    pub auth: Auth,
    membership: UserMembership,
    /// All the person's memberships (for the organisation switch).
    pub memberships: Vec<UserMembership>,
}

impl Acting {
    pub(crate) fn new(
        auth: Auth,
        membership: UserMembership,
        memberships: Vec<UserMembership>,
    ) -> Self {
        Acting {
            auth,
            membership,
            memberships,
        }
    }

    /// The one authorisation check: the role must allow it, and a token must carry the scope.
    pub fn require(&self, p: Permission) -> Result<()> {
        if !self.may(p) {
            return Err(Error::Forbidden);
        }
        self.require_scope(p.scope())
    }

    /// For actions on the person's own things (their tokens): only the token's scope is checked.
    pub fn require_scope(&self, scope: Scope) -> Result<()> {
        match &self.auth.via {
            Via::Token { scopes, .. } if !scopes.contains(&scope) => Err(Error::Forbidden),
            _ => Ok(()),
        }
    }

    /// Whether the role allows it, or a right an administrator has delegated to the member (to
    /// decide outsourcing cases); also for showing or hiding what the person may do.
    pub fn may(&self, p: Permission) -> bool {
        self.membership.role.permits(p)
            || (p == Permission::DecideOutsourcing
                && self.membership.outsourcing_delegation.is_some())
    }

    pub fn membership(&self) -> &UserMembership {
        &self.membership
    }
    pub fn role(&self) -> Role {
        self.membership.role
    }
    pub fn org_kind(&self) -> OrgKind {
        self.membership.org_kind
    }
    pub fn org_id(&self) -> &str {
        &self.membership.org_id
    }
    pub fn user_id(&self) -> &str {
        &self.auth.user_id
    }
    pub fn display_name(&self) -> &str {
        &self.auth.display_name
    }

    pub(crate) fn tenant(&self) -> &Tenant {
        self.membership.tenant()
    }
    pub(crate) fn actor(&self) -> Actor {
        self.auth.actor()
    }
}

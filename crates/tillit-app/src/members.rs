//! Members and their roles, the organisation, API tokens and the person's own password.

use crate::acting::Acting;
use crate::auth::TOKEN_PREFIX;
use crate::error::{Error, Result};
use crate::views::{ApiToken, Member, MemberQuery, Organisation, RoleCount, UserMembership};
use crate::App;
use serde::Deserialize;
use tillit_domain::ids::*;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::role::{Permission, Role, Scope};
use tillit_domain::user::check_new_password;
use tillit_domain::{text, Rule, ValidationError, ValidationErrors};
use tillit_store::format_timestamp;

/// The filter of the members list, as a query string gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberListParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub per_page: Option<String>,
}

impl MemberListParams {
    pub fn parse(&self) -> Result<(MemberQuery, PageRequest)> {
        let page = PageRequest::parse(self.page.as_deref(), self.per_page.as_deref())?;
        tillit_domain::paging::search_text(&self.q)?;
        let role = match self.role.trim() {
            "" => None,
            // Any role filters; one of the other side simply has no members here.
            r => Some(Role::parse("role", r).map_err(ValidationErrors::from)?),
        };
        Ok((
            MemberQuery {
                q: Some(self.q.clone()),
                role,
            },
            page,
        ))
    }
}

/// The organisation the person acts in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn organisation(app: &App, who: &Acting) -> Result<Organisation> {
    who.require(Permission::ViewOverview)?;
    Ok(app.store.organisation(who.tenant()).await?)
}

/// Replaces the organisation's facts (legal form, care, size, the answers on the Cybersecurity
/// Act and the data protection officer, the controllers): its administrator only.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_organisation_facts(
    app: &App,
    who: &Acting,
    d: &tillit_domain::org::OrgFactsDraft,
) -> Result<Organisation> {
    who.require(Permission::ManageOrganisation)?;
    if who.org_kind().side() != tillit_domain::org::Side::Provider {
        return Err(crate::Error::Forbidden);
    }
    let facts = tillit_domain::org::OrgFacts::try_from(d)?;
    Ok(app
        .store
        .set_organisation_facts(who.tenant(), &who.actor(), &facts)
        .await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_members(
    app: &App,
    who: &Acting,
    q: &MemberQuery,
    page: PageRequest,
) -> Result<Page<Member>> {
    who.require(Permission::ViewMembers)?;
    Ok(app.store.list_members(who.tenant(), q, page).await?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn member(app: &App, who: &Acting, id: &MembershipId) -> Result<Member> {
    who.require(Permission::ViewMembers)?;
    Ok(app.store.member(who.tenant(), id).await?)
}

/// How many members have each role (for the overview).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count_members_by_role(app: &App, who: &Acting) -> Result<Vec<RoleCount>> {
    who.require(Permission::ViewOverview)?;
    Ok(app.store.count_members_by_role(who.tenant()).await?)
}

/// Every member of the organisation (for choosing owners and deciders).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all_members(app: &App, who: &Acting) -> Result<Vec<Member>> {
    let q = MemberQuery::default();
    crate::all_pages(|page| app.store.list_members(who.tenant(), &q, page)).await
}

/// Changes a member's role (administrators). The last administrator keeps the role.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn change_member_role(
    app: &App,
    who: &Acting,
    id: &MembershipId,
    role: &str,
) -> Result<Member> {
    who.require(Permission::ManageMembers)?;
    let role = Role::parse_for("role", role, who.org_kind()).map_err(ValidationErrors::from)?;
    Ok(app
        .store
        .change_member_role(who.tenant(), &who.actor(), id, role)
        .await?)
}

/// Grants a member a delegated right to decide outsourcing cases, or withdraws it (administrators).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_outsourcing_delegation(
    app: &App,
    who: &Acting,
    id: &MembershipId,
    d: &tillit_domain::role::DelegationDraft,
) -> Result<Member> {
    who.require(Permission::ManageMembers)?;
    let delegation = match d.parse() {
        Ok(x) => x,
        Err(e) => {
            // An unknown member is "not found" before the form is judged.
            app.store.member(who.tenant(), id).await?;
            return Err(ValidationErrors::from(e).into());
        }
    };
    Ok(app
        .store
        .set_outsourcing_delegation(who.tenant(), &who.actor(), id, delegation.as_deref())
        .await?)
}

/// Removes a member (administrators). Their tokens for this organisation are revoked.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remove_member(app: &App, who: &Acting, id: &MembershipId) -> Result<()> {
    who.require(Permission::ManageMembers)?;
    Ok(app
        .store
        .remove_member(who.tenant(), &who.actor(), id)
        .await?)
}

/// The person's own API tokens in this organisation.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_tokens(app: &App, who: &Acting) -> Result<Vec<ApiToken>> {
    who.require_scope(Scope::Read)?;
    Ok(app.store.list_tokens(who.tenant(), who.user_id()).await?)
}

/// Revokes one of the person's own tokens.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke_token(app: &App, who: &Acting, id: &str) -> Result<()> {
    who.require_scope(Scope::Write)?;
    Ok(app
        .store
        .revoke_token(who.tenant(), &who.actor(), who.user_id(), id)
        .await?)
}

/// The person's memberships, for pages reachable before an organisation is chosen.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn memberships_of(app: &App, user_id: &str) -> Result<Vec<UserMembership>> {
    Ok(app.store.memberships_of_user(user_id).await?)
}

pub struct NewToken {
    pub token: ApiToken,
    pub secret: String,
}

/// Makes an API token for the member in their current organisation. The secret is returned once.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create_token(
    app: &App,
    who: &Acting,
    name: &str,
    scopes: &[String],
    expires_in_days: Option<&str>,
) -> Result<NewToken> {
    if who.auth.is_token() {
        // A token cannot mint tokens: new credentials need a signed-in person.
        return Err(Error::Forbidden);
    }
    let mut errs = ValidationErrors::new();
    let name = errs.check(text::required("name", name, 100));
    let scopes = errs.check(Scope::parse_list("scopes", scopes));
    let days = errs.check(
        match expires_in_days.map(str::trim).filter(|d| !d.is_empty()) {
            None => Ok(None),
            Some(d) => d
                .parse::<i64>()
                .map_err(|_| ValidationError::new("expires_in_days", Rule::InvalidFormat))
                .and_then(|n| {
                    if (1..=730).contains(&n) {
                        Ok(Some(n))
                    } else {
                        Err(ValidationError::new(
                            "expires_in_days",
                            Rule::OutOfRange { min: 1, max: 730 },
                        ))
                    }
                }),
        },
    );
    if let Some(scopes) = &scopes {
        // A token can never do more than its owner's role: admin scope needs an admin.
        if scopes.contains(&Scope::Admin) && !who.role().is_admin() {
            errs.push(ValidationError::new("scopes", Rule::NotPermittedForRole));
        }
    }
    errs.clone().into_result()?;
    let (Some(name), Some(scopes), Some(days)) = (name, scopes, days) else {
        return Err(Error::Invalid(errs));
    };
    let secret = format!("{TOKEN_PREFIX}{}", crate::security::random_secret());
    let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 8).collect();
    let expires = days.map(|d| format_timestamp(chrono::Utc::now() + chrono::Duration::days(d)));
    let token = app
        .store
        .create_token(
            who.tenant(),
            &who.actor(),
            who.user_id(),
            &name,
            &scopes,
            &crate::security::sha256_hex(&secret),
            &prefix,
            expires.as_deref(),
        )
        .await?;
    Ok(NewToken { token, secret })
}

/// A user's request to change their own password.
pub struct PasswordChange<'a> {
    pub user_id: &'a str,
    pub email: &'a str,
    /// The session that asked; it stays signed in while the user's other sessions end.
    pub keep_session: Option<&'a str>,
    pub current: &'a str,
    pub new: &'a str,
    pub confirm: &'a str,
    pub client_ip: &'a str,
}

/// Changes the signed-in user's own password after checking the current one. Other sessions end.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn change_password(app: &App, c: PasswordChange<'_>) -> Result<()> {
    let PasswordChange {
        user_id,
        email,
        keep_session,
        current,
        new,
        confirm,
        client_ip,
    } = c;
    let mut errs = ValidationErrors::new();
    if current.is_empty() {
        errs.push(ValidationError::new("current_password", Rule::Required));
    }
    errs.check(check_new_password("new_password", new, email));
    if new != confirm {
        errs.push(ValidationError::new("new_password_confirm", Rule::Mismatch));
    }
    errs.into_result()?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    let reservation = match app
        .throttle
        .reserve(&app.store, email, client_ip, now_ms)
        .await?
    {
        Ok(r) => r,
        Err(wait) => {
            return Err(Error::TooManyAttempts {
                retry_after_secs: u64::try_from(wait.as_millis().div_ceil(1000))
                    .unwrap_or(u64::MAX)
                    .max(1),
            })
        }
    };
    let creds = app.store.user_by_id(user_id).await?;
    if !app
        .hashing
        .verify(current.to_string(), creds.password_hash)
        .await
    {
        // The reservation stands as the failure.
        return Err(ValidationErrors::single("current_password", Rule::Incorrect).into());
    }
    app.throttle
        .record_success(&app.store, email, client_ip, &reservation)
        .await?;
    if current == new {
        return Err(ValidationErrors::single("new_password", Rule::AlreadyExists).into());
    }
    let hash = app
        .hashing
        .hash(new.to_string())
        .await
        .map_err(Error::internal)?;
    let actor = tillit_store::Actor::user(user_id, email);
    app.store
        .set_password(&actor, user_id, &hash, false, keep_session)
        .await?;
    Ok(())
}

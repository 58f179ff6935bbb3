//! Invitations: an administrator offers a role in the organisation to an e-mail address, and the
//! person with that address takes it — by signing in, or by making their account. Nobody becomes
//! a member of an organisation without taking the offer, and the administrator's answer is the
//! same whether the address has an account or not: a link to hand over.

use crate::acting::{Acting, Auth};
use crate::auth::{start_session, SignIn};
use crate::error::{Error, Result};
use crate::security::{random_secret, sha256_hex};
use crate::App;
use chrono::Utc;
use tillit_domain::role::{Permission, Role};
use tillit_domain::user::{check_new_password, parse_display_name, Email};
use tillit_domain::{Rule, ValidationError, ValidationErrors};
use tillit_store::{format_timestamp, now_timestamp, Actor, Invitation, NewInvitation};

/// How long an invitation can be taken.
pub const INVITATION_DAYS: i64 = 14;

/// A new invitation and its secret (the link's last part), shown once.
pub struct Invited {
    pub invitation: Invitation,
    pub secret: String,
}

/// Invites a person by e-mail address to a role in the acting organisation.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn invite(
    app: &App,
    who: &Acting,
    email: &str,
    display_name: &str,
    role: &str,
) -> Result<Invited> {
    who.require(Permission::ManageMembers)?;
    let mut errs = ValidationErrors::new();
    let email = errs.check(Email::parse("email", email));
    let name = errs.check(parse_display_name("display_name", display_name));
    let role = errs.check(Role::parse_for("role", role, who.org_kind()));
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return Err(Error::Invalid(errs));
    };
    let secret = random_secret();
    let expires_at = format_timestamp(Utc::now() + chrono::Duration::days(INVITATION_DAYS));
    let invitation = app
        .store
        .create_invitation(
            who.tenant(),
            &who.actor(),
            NewInvitation {
                email: &email,
                display_name: &name,
                role,
                token_hash: &sha256_hex(&secret),
                expires_at: &expires_at,
            },
        )
        .await?;
    Ok(Invited { invitation, secret })
}

/// The organisation's invitations not yet taken.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open_invitations(app: &App, who: &Acting) -> Result<Vec<Invitation>> {
    who.require(Permission::ManageMembers)?;
    Ok(app.store.open_invitations(who.tenant()).await?)
}

/// Withdraws an invitation not yet taken.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke_invitation(app: &App, who: &Acting, id: &str) -> Result<()> {
    who.require(Permission::ManageMembers)?;
    Ok(app
        .store
        .revoke_invitation(who.tenant(), &who.actor(), id)
        .await?)
}

/// What an invitation's link shows: the offer, and whether the address has an account (the link
/// is the invited person's; the administrator never learns it).
pub struct Offer {
    pub invitation: Invitation,
    pub account_exists: bool,
}

/// The open invitation a link's secret names; taken, withdrawn, expired or unknown ones are not
/// found alike.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn offer(app: &App, secret: &str) -> Result<Offer> {
    let invitation = open(app, secret).await?;
    let account_exists = app.store.user_by_email(&invitation.email).await?.is_some();
    Ok(Offer {
        invitation,
        account_exists,
    })
}

async fn open(app: &App, secret: &str) -> Result<Invitation> {
    if secret.len() != 64 {
        return Err(Error::NotFound);
    }
    app.store
        .invitation_by_token(&sha256_hex(secret))
        .await?
        .filter(|i| i.is_open(&now_timestamp()))
        .ok_or(Error::NotFound)
}

/// The signed-in person takes the invitation, if it is to their address; they then act in that
/// organisation.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn accept(app: &App, auth: &Auth, secret: &str) -> Result<()> {
    let invitation = open(app, secret).await?;
    if !invitation.email.eq_ignore_ascii_case(&auth.email) {
        return Err(Error::Forbidden);
    }
    app.store
        .accept_invitation(
            &Actor::user(&auth.user_id, &auth.email),
            &invitation,
            &auth.user_id,
        )
        .await?;
    if let Some(h) = auth.session_hash() {
        app.store.set_session_org(h, &invitation.org_id).await?;
    }
    Ok(())
}

/// What a person without an account gives to take an invitation.
pub struct Registration<'a> {
    pub display_name: &'a str,
    pub password: &'a str,
    pub password_confirm: &'a str,
    pub client_ip: &'a str,
}

/// A person without an account makes one with the invitation and takes it; they are signed in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn register(app: &App, secret: &str, r: Registration<'_>) -> Result<SignIn> {
    let invitation = open(app, secret).await?;
    if app.store.user_by_email(&invitation.email).await?.is_some() {
        // The address has an account: it signs in to take the invitation.
        return Err(ValidationErrors::single("email", Rule::AlreadyExists).into());
    }
    let mut errs = ValidationErrors::new();
    let name = errs.check(parse_display_name("display_name", r.display_name));
    errs.check(check_new_password(
        "new_password",
        r.password,
        &invitation.email,
    ));
    if r.password != r.password_confirm {
        errs.push(ValidationError::new("new_password_confirm", Rule::Mismatch));
    }
    let Some(name) = name.filter(|_| errs.is_empty()) else {
        return Err(Error::Invalid(errs));
    };
    let email = Email::parse("email", &invitation.email)?;
    let hash = app
        .hashing
        .hash(r.password.to_string())
        .await
        .map_err(Error::internal)?;
    let actor = Actor {
        user_id: None,
        label: format!("{} (invitation)", invitation.email),
    };
    let user = app
        .store
        .create_user(&actor, &email, &name, &hash, false)
        .await?;
    app.store
        .accept_invitation(&Actor::user(&user.id, &user.email), &invitation, &user.id)
        .await?;
    start_session(app, &user.id, &user.email, false, r.client_ip, None).await
}

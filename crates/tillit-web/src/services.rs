//! Actions shared by the pages and the API, so both apply the same rules.

use crate::context::{Member, TOKEN_PREFIX};
use crate::error::{AppError, AppResult};
use crate::security;
use crate::state::AppState;
use tillit_domain::role::{Role, Scope};
use tillit_domain::user::{check_new_password, parse_display_name, Email};
use tillit_domain::{text, Rule, ValidationError, ValidationErrors};
use tillit_store::{ApiToken, Member as StoredMember};

/// Adds a member by e-mail. An unknown address gets a new account with a one-time initial
/// password, returned to be handed over; the new user must change it at first sign-in.
pub async fn add_member(
    state: &AppState,
    m: &Member,
    email: &str,
    display_name: &str,
    role: &str,
) -> AppResult<(StoredMember, Option<String>)> {
    let mut errs = ValidationErrors::new();
    let email = errs.check(Email::parse("email", email));
    let role = errs.check(Role::parse_for("role", role, m.membership.org_kind));
    let name = errs.check(text::optional("display_name", display_name, 200));
    errs.clone().into_result()?;
    let (Some(email), Some(role), Some(name)) = (email, role, name) else {
        return Err(AppError::Invalid(errs));
    };
    let actor = m.auth.actor();
    let (user_id, initial) = match state.store.user_by_email(email.as_str()).await? {
        Some(existing) => (existing.user.id, None),
        None => {
            let name = parse_display_name("display_name", name.as_deref().unwrap_or(""))
                .map_err(ValidationErrors::from)?;
            let password = security::initial_password();
            let hash = state
                .hashing
                .hash(password.clone())
                .await
                .map_err(AppError::internal)?;
            let user = state
                .store
                .create_user(&actor, &email, &name, &hash, true)
                .await?;
            (user.id, Some(password))
        }
    };
    let member = state
        .store
        .add_member(&m.tenant, &actor, &user_id, role)
        .await?;
    Ok((member, initial))
}

pub struct NewToken {
    pub token: ApiToken,
    pub secret: String,
}

/// Makes an API token for the member in their current organisation. The secret is returned once.
pub async fn create_token(
    state: &AppState,
    m: &Member,
    name: &str,
    scopes: &[String],
    expires_in_days: Option<&str>,
) -> AppResult<NewToken> {
    if m.auth.is_token() {
        // A token cannot mint tokens: new credentials need a signed-in person.
        return Err(AppError::Forbidden);
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
        if scopes.contains(&Scope::Admin) && !m.membership.role.is_admin() {
            errs.push(ValidationError::new("scopes", Rule::NotPermittedForRole));
        }
    }
    errs.clone().into_result()?;
    let (Some(name), Some(scopes), Some(days)) = (name, scopes, days) else {
        return Err(AppError::Invalid(errs));
    };
    let secret = format!("{TOKEN_PREFIX}{}", security::random_secret());
    let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 8).collect();
    let expires = days
        .map(|d| tillit_store::format_timestamp(chrono::Utc::now() + chrono::Duration::days(d)));
    let token = state
        .store
        .create_token(
            &m.tenant,
            &m.auth.actor(),
            &m.auth.user_id,
            &name,
            &scopes,
            &security::sha256_hex(&secret),
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
pub async fn change_password(state: &AppState, c: PasswordChange<'_>) -> AppResult<()> {
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
    let now = std::time::Instant::now();
    if let Some(wait) = state.throttle.blocked(email, client_ip, now) {
        return Err(AppError::TooManyAttempts {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let creds = state.store.user_by_id(user_id).await?;
    if !state
        .hashing
        .verify(current.to_string(), creds.password_hash)
        .await
    {
        state.throttle.record_failure(email, client_ip, now);
        return Err(ValidationErrors::single("current_password", Rule::Incorrect).into());
    }
    if current == new {
        return Err(ValidationErrors::single("new_password", Rule::AlreadyExists).into());
    }
    let hash = state
        .hashing
        .hash(new.to_string())
        .await
        .map_err(AppError::internal)?;
    let actor = tillit_store::Actor::user(user_id, email);
    state
        .store
        .set_password(&actor, user_id, &hash, false, keep_session)
        .await?;
    Ok(())
}

/// Input about an object that may not be this organisation's: when the input is bad, the lookup
/// answers first, so another organisation's object is reported as not found (404), never as a
/// validation error (422). The lookup runs only on that path; a valid input goes to the store,
/// whose own lookup answers 404.
pub async fn valid_or_missing<X, T>(
    input: Result<X, ValidationErrors>,
    lookup: impl std::future::Future<Output = Result<T, tillit_store::StoreError>>,
) -> AppResult<X> {
    match input {
        Ok(x) => Ok(x),
        Err(e) => {
            lookup.await?;
            Err(AppError::Invalid(e))
        }
    }
}

/// The value of an aspect's level field (`confidentiality` …) from the four numbers in aspect
/// order, for the JSON bodies that carry levels.
pub fn level_field(key: &str, levels: [i64; 4]) -> Option<String> {
    tillit_domain::classification::Aspect::ALL
        .iter()
        .position(|a| a.key() == key)
        .map(|i| levels[i].to_string())
}

/// An optional whole number within bounds; spaces (as in "250 000") are allowed.
fn int_field(field: &str, value: &str, min: i64, max: i64) -> Result<Option<i64>, ValidationError> {
    let v = value.trim().replace([' ', '\u{a0}'], "");
    if v.is_empty() {
        return Ok(None);
    }
    let n: i64 = v
        .parse()
        .map_err(|_| ValidationError::new(field, Rule::InvalidFormat))?;
    if !(min..=max).contains(&n) {
        return Err(ValidationError::new(field, Rule::OutOfRange { min, max }));
    }
    Ok(Some(n))
}

/// Special categories of personal data (GDPR art. 9, and art. 10 for offences) an asset may hold.
pub const SPECIAL_CATEGORIES: &[&str] = &[
    "health",
    "genetic",
    "biometric",
    "ethnic_origin",
    "religion",
    "sex_life",
    "trade_union",
    "political",
    "offences",
];
/// Whom the personal data is about.
pub const DATA_SUBJECTS: &[&str] = &[
    "patients",
    "care_recipients",
    "children",
    "relatives",
    "staff",
    "public",
];

/// Reads an information asset's facts from a form or a JSON body (`get` for single values, `all`
/// for lists), with every broken rule named by its field.
pub fn parse_asset_input(
    get: impl Fn(&str) -> String,
    all: impl Fn(&str) -> Vec<String>,
) -> Result<tillit_store::AssetInput, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let name = errs.check(text::required("name", &get("name"), 200));
    let description = errs.check(text::optional("description", &get("description"), 4000));
    let owner = errs.check(text::optional(
        "owner_membership_id",
        &get("owner_membership_id"),
        100,
    ));
    let personal_data = match get("personal_data").trim() {
        "" | "false" | "no" | "0" => false,
        "true" | "yes" | "1" | "on" => true,
        _ => {
            errs.push(ValidationError::new("personal_data", Rule::InvalidFormat));
            false
        }
    };
    let keys = |field: &str, allowed: &[&str], errs: &mut ValidationErrors| -> Vec<String> {
        let mut out: Vec<String> = all(field)
            .into_iter()
            .flat_map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|s| !s.is_empty())
            .collect();
        if out.iter().any(|k| !allowed.contains(&k.as_str())) {
            errs.push(ValidationError::new(field, Rule::UnknownValue));
        }
        out.sort();
        out.dedup();
        out
    };
    let special_categories = keys("special_categories", SPECIAL_CATEGORIES, &mut errs);
    let data_subjects = keys("data_subjects", DATA_SUBJECTS, &mut errs);
    let individuals_approx = errs
        .check(int_field(
            "individuals_approx",
            &get("individuals_approx"),
            0,
            100_000_000,
        ))
        .flatten();
    let review_interval_months = errs
        .check(int_field(
            "review_interval_months",
            &get("review_interval_months"),
            1,
            60,
        ))
        .flatten()
        .unwrap_or(12);
    let provisions = errs.check(text::optional(
        "confidentiality_provisions",
        &get("confidentiality_provisions"),
        1000,
    ));
    let legal_basis = errs.check(text::optional("legal_basis", &get("legal_basis"), 1000));
    let confidentiality_strength = match get("confidentiality_strength").trim() {
        "" => None,
        k if tillit_store::CONFIDENTIALITY_STRENGTHS.contains(&k) => Some(k.to_string()),
        _ => {
            errs.push(ValidationError::new(
                "confidentiality_strength",
                Rule::UnknownValue,
            ));
            None
        }
    };
    if (!special_categories.is_empty() || !data_subjects.is_empty()) && !personal_data {
        errs.push(ValidationError::new("personal_data", Rule::Mismatch));
    }
    errs.clone().into_result()?;
    let (
        Some(name),
        Some(description),
        Some(owner_membership_id),
        Some(confidentiality_provisions),
        Some(legal_basis),
    ) = (name, description, owner, provisions, legal_basis)
    else {
        return Err(errs);
    };
    Ok(tillit_store::AssetInput {
        name,
        description,
        owner_membership_id,
        personal_data,
        special_categories,
        data_subjects,
        individuals_approx,
        confidentiality_provisions,
        confidentiality_strength,
        legal_basis,
        review_interval_months,
    })
}

/// Classifies an asset after checking the levels and the motivation.
pub async fn classify_asset(
    state: &AppState,
    m: &Member,
    id: &str,
    get: impl Fn(&str) -> String,
) -> AppResult<tillit_store::Asset> {
    use tillit_domain::classification::{parse_motivation, Levels};
    let mut errs = ValidationErrors::new();
    let levels = match Levels::parse(&get) {
        Ok(l) => Some(l),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let motivation = errs.check(parse_motivation(&get("motivation")));
    let parsed = match (levels, motivation) {
        (Some(l), Some(mo)) if errs.is_empty() => Ok((l, mo)),
        _ => Err(errs),
    };
    let (levels, motivation) = valid_or_missing(parsed, state.store.asset(&m.tenant, id)).await?;
    Ok(state
        .store
        .classify_asset(&m.tenant, &m.auth.actor(), id, &levels, &motivation)
        .await?)
}

/// Reads a system's facts from a form or JSON body.
pub fn parse_system_input(
    get: impl Fn(&str) -> String,
    all: impl Fn(&str) -> Vec<String>,
) -> Result<tillit_store::SystemInput, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let name = errs.check(text::required("name", &get("name"), 200));
    let description = errs.check(text::optional("description", &get("description"), 4000));
    let owner = errs.check(text::optional(
        "owner_membership_id",
        &get("owner_membership_id"),
        100,
    ));
    let supplier = errs.check(text::optional("supplier", &get("supplier"), 200));
    let country = errs.check(text::optional("country", &get("country"), 100));
    let hosting = get("hosting").trim().to_string();
    if hosting.is_empty() {
        errs.push(ValidationError::new("hosting", Rule::Required));
    } else if !tillit_store::HOSTING.contains(&hosting.as_str()) {
        errs.push(ValidationError::new("hosting", Rule::UnknownValue));
    }
    let review_interval_months = errs
        .check(int_field(
            "review_interval_months",
            &get("review_interval_months"),
            1,
            60,
        ))
        .flatten()
        .unwrap_or(12);
    let mut asset_ids: Vec<String> = all("asset_ids")
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    asset_ids.sort();
    asset_ids.dedup();
    if asset_ids.len() > 500 {
        errs.push(ValidationError::new(
            "asset_ids",
            Rule::TooLong { max: 500 },
        ));
    }
    errs.clone().into_result()?;
    let (Some(name), Some(description), Some(owner_membership_id), Some(supplier), Some(country)) =
        (name, description, owner, supplier, country)
    else {
        return Err(errs);
    };
    Ok(tillit_store::SystemInput {
        name,
        description,
        owner_membership_id,
        supplier,
        hosting,
        country,
        review_interval_months,
        asset_ids,
    })
}

/// Sets a system's own levels (with the motivation the deviation needs), or clears them.
pub async fn set_system_levels(
    state: &AppState,
    m: &Member,
    id: &str,
    clear: bool,
    get: impl Fn(&str) -> String,
) -> AppResult<tillit_store::System> {
    if clear {
        return Ok(state
            .store
            .set_system_levels(&m.tenant, &m.auth.actor(), id, None, "")
            .await?);
    }
    let parsed = tillit_domain::classification::Levels::parse(&get);
    let levels = valid_or_missing(parsed, state.store.system(&m.tenant, id)).await?;
    Ok(state
        .store
        .set_system_levels(
            &m.tenant,
            &m.auth.actor(),
            id,
            Some(&levels),
            &get("deviation_motivation"),
        )
        .await?)
}

/// The facts about a system that decide which requirements apply to it.
pub fn system_facts(
    sys: &tillit_store::System,
    kind: tillit_domain::org::OrgKind,
) -> tillit_domain::requirements::SystemFacts {
    let provisions = |needle: &str| {
        sys.assets.iter().any(|a| {
            a.input
                .confidentiality_provisions
                .as_deref()
                .is_some_and(|p| p.contains(needle))
        })
    };
    let subject = |k: &str| {
        sys.assets
            .iter()
            .any(|a| a.input.data_subjects.iter().any(|s| s == k))
    };
    tillit_domain::requirements::SystemFacts {
        levels: sys.effective(),
        // Patient data: patients among the data subjects, or health-care secrecy. Health data
        // about staff alone (sick leave) does not bring the Patient Data Act.
        health_data: subject("patients") || provisions("25 kap"),
        social_care: subject("care_recipients") || provisions("26 kap"),
        special_categories: sys
            .assets
            .iter()
            .any(|a| !a.input.special_categories.is_empty()),
        hosting: sys.input.hosting.clone(),
        country: sys.input.country.clone(),
        cybersecurity_act: covered_by_cybersecurity_act(kind),
    }
}

/// All regions and municipalities are covered by the Cybersecurity Act; whether a private provider
/// is depends on its size, which Tillit does not know yet.
pub fn covered_by_cybersecurity_act(kind: tillit_domain::org::OrgKind) -> bool {
    use tillit_domain::org::OrgKind;
    matches!(kind, OrgKind::Region | OrgKind::Municipality)
}

pub fn system_triggers(
    sys: &tillit_store::System,
    kind: tillit_domain::org::OrgKind,
) -> Vec<tillit_domain::requirements::Trigger> {
    tillit_domain::requirements::triggers(&system_facts(sys, kind))
}

/// The organisation-wide requirements: the baseline, and the Cybersecurity Act where it applies.
pub fn organisation_triggers(
    kind: tillit_domain::org::OrgKind,
) -> Vec<tillit_domain::requirements::Trigger> {
    use tillit_domain::requirements::Trigger;
    let mut t = vec![Trigger::Baseline];
    if covered_by_cybersecurity_act(kind) {
        t.push(Trigger::CybersecurityAct);
    }
    t
}

/// The triggers of an assessment scope: a system of the organisation, or the organisation.
pub async fn scope_triggers(
    state: &AppState,
    m: &Member,
    system_id: Option<&str>,
) -> AppResult<Vec<tillit_domain::requirements::Trigger>> {
    Ok(match system_id {
        Some(id) => system_triggers(
            &state.store.system(&m.tenant, id).await?,
            m.membership.org_kind,
        ),
        None => organisation_triggers(m.membership.org_kind),
    })
}

/// Records an assessment of a requirement, by the signed-in member.
pub async fn record_assessment(
    state: &AppState,
    m: &Member,
    system_id: Option<&str>,
    requirement_id: &str,
    get: impl Fn(&str) -> String,
) -> AppResult<tillit_store::Assessment> {
    let input = tillit_domain::assessment::parse_assessment(
        &get("status"),
        &get("motivation"),
        &get("comment"),
    )?;
    Ok(state
        .store
        .assess(
            &m.tenant,
            &m.auth.actor(),
            &m.auth.display_name,
            system_id,
            requirement_id,
            &input,
        )
        .await?)
}

/// Every item of a paginated list, fetching 200 at a time.
pub async fn all_pages<T, Fut>(
    mut fetch: impl FnMut(tillit_domain::paging::PageRequest) -> Fut,
) -> AppResult<Vec<T>>
where
    Fut: std::future::Future<
        Output = Result<tillit_domain::paging::Page<T>, tillit_store::StoreError>,
    >,
{
    let mut out = Vec::new();
    for page in 1.. {
        let p = fetch(tillit_domain::paging::PageRequest {
            page,
            per_page: 200,
        })
        .await?;
        let more = p.has_next();
        out.extend(p.items);
        if !more {
            break;
        }
    }
    Ok(out)
}

/// Every member of the request's organisation (for choosing owners and deciders).
pub async fn all_members(state: &AppState, m: &Member) -> AppResult<Vec<StoredMember>> {
    let q = tillit_store::MemberQuery::default();
    all_pages(|page| state.store.list_members(&m.tenant, &q, page)).await
}

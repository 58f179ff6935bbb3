//! HTML pages: the shell shared by every page (navigation, organisation switch, language), and the
//! page routes.

pub mod account;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod followup;
pub mod measures;
pub mod overview;
pub mod requirements;
pub mod risk;
pub mod systems;
pub mod transfer;
pub mod ui;

use crate::context::{Ctx, Member};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;
use tillit_domain::paging::Page;
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(auth::root))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/org/switch", post(auth::switch_org))
        .route("/overview", get(overview::overview))
        .route("/account", get(account::account_page))
        .route("/account/password", post(account::change_password))
        .route(
            "/account/tokens",
            get(account::tokens_page).post(account::create_token),
        )
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route(
            "/admin/members",
            get(admin::members_page).post(admin::add_member),
        )
        .route("/admin/members/{id}", get(admin::member_page))
        .route("/admin/members/{id}/role", post(admin::change_role))
        .route("/admin/members/{id}/remove", post(admin::remove_member))
        .route("/assets", get(assets::list).post(assets::create))
        .route("/assets/new", get(assets::new_form))
        .route("/assets/export", get(transfer::export_assets))
        .route(
            "/assets/import",
            get(transfer::import_assets_page)
                .post(transfer::import_assets)
                .layer(import_limit()),
        )
        .route("/systems/export", get(transfer::export_systems))
        .route("/measures/export", get(transfer::export_measures))
        .route("/risks/export", get(transfer::export_scenarios))
        .route("/requirements/export", get(transfer::export_assessments))
        .route(
            "/systems/import",
            get(transfer::import_systems_page)
                .post(transfer::import_systems)
                .layer(import_limit()),
        )
        .route("/assets/{id}", get(assets::show).post(assets::update))
        .route("/assets/{id}/edit", get(assets::edit_form))
        .route("/assets/{id}/classify", post(assets::classify))
        .route("/systems", get(systems::list).post(systems::create))
        .route("/systems/new", get(systems::new_form))
        .route("/systems/{id}", get(systems::show).post(systems::update))
        .route("/systems/{id}/edit", get(systems::edit_form))
        .route("/systems/{id}/levels", post(systems::set_levels))
        .route(
            "/systems/{id}/integrations",
            post(systems::set_integrations),
        )
        .route("/systems/{id}/requirements", get(requirements::for_system))
        .route(
            "/systems/{id}/requirements/{rid}",
            get(requirements::show_system_requirement)
                .post(requirements::assess_system_requirement),
        )
        .route(
            "/systems/{id}/requirements/{rid}/evidence",
            post(requirements::add_system_evidence).layer(evidence_limit()),
        )
        .route("/risks", get(risk::list).post(risk::create))
        .route("/risks/new", get(risk::new_form))
        .route(
            "/risks/matrix",
            get(risk::matrix_page).post(risk::set_matrix),
        )
        .route("/risks/{id}", get(risk::show).post(risk::update))
        .route("/risks/{id}/edit", get(risk::edit_form))
        .route("/risks/{id}/scenarios/new", get(risk::new_scenario_form))
        .route("/risks/{id}/scenarios", post(risk::create_scenario))
        .route(
            "/scenarios/{id}",
            get(risk::scenario_page).post(risk::update_scenario),
        )
        .route("/measures", get(measures::list).post(measures::create))
        .route("/measures/new", get(measures::new_form))
        .route("/measures/{id}", get(measures::show).post(measures::update))
        .route("/follow-up", get(followup::follow_up))
        .route("/assets/{id}/review", post(followup::review_asset))
        .route("/systems/{id}/review", post(followup::review_system))
        .route(
            "/systems/{id}/access-analysis",
            get(followup::access_page).post(followup::save_access),
        )
        .route("/requirements", get(requirements::for_organisation))
        .route(
            "/requirements/{rid}",
            get(requirements::show_org_requirement).post(requirements::assess_org_requirement),
        )
        .route(
            "/requirements/{rid}/evidence",
            post(requirements::add_org_evidence).layer(evidence_limit()),
        )
        .route("/evidence/{id}", get(requirements::download_evidence))
        .route("/evidence/{id}/remove", post(requirements::remove_evidence))
        .route("/admin/audit", get(admin::audit_page))
        .route("/admin/audit/{id}", get(admin::audit_event_page))
}

/// Register imports may be larger than the default body limit.
fn import_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(tillit_app::tabular::MAX_IMPORT_BYTES + 64 * 1024)
}

/// Evidence uploads may be larger than the default body limit.
fn evidence_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(crate::context::MAX_MULTIPART_BYTES)
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

pub struct OrgChoice {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

pub struct Shell {
    pub user_name: String,
    pub org_name: String,
    pub org_kind_label: String,
    pub role_label: String,
    pub authority: bool,
    pub orgs: Vec<OrgChoice>,
    pub nav: Vec<NavItem>,
}

/// What the base layout needs on every page.
pub struct PageCommon {
    pub t: Tr,
    pub csrf: String,
    pub path: String,
    pub title: String,
    pub shell: Option<Shell>,
    pub notice: Option<String>,
    pub asset_version: &'static str,
}

impl PageCommon {
    /// A page without navigation (sign-in, errors).
    pub fn bare(ctx: &Ctx, title: String) -> Self {
        PageCommon {
            t: ctx.tr.clone(),
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            title,
            shell: None,
            notice: None,
            asset_version: crate::assets::ASSET_VERSION,
        }
    }

    /// A page of a member, with the navigation their role allows. `current` is the nav entry to mark.
    pub fn member(m: &Member, title: String, current: &str) -> Self {
        let tr = &m.ctx.tr;
        let mut nav = vec![("/overview", "nav-overview")];
        if m.may(Permission::ViewRegisters) {
            nav.push(("/assets", "nav-assets"));
            nav.push(("/systems", "nav-systems"));
            nav.push(("/requirements", "nav-requirements"));
            nav.push(("/risks", "nav-risks"));
            nav.push(("/measures", "nav-measures"));
            nav.push(("/follow-up", "nav-follow-up"));
        }
        if m.may(Permission::ViewMembers) {
            nav.push(("/admin/members", "nav-members"));
        }
        if m.may(Permission::ViewAuditLog) {
            nav.push(("/admin/audit", "nav-audit"));
        }
        nav.push(("/account", "nav-account"));
        nav.push(("/account/tokens", "nav-tokens"));
        let shell = Shell {
            user_name: m.auth.display_name.clone(),
            org_name: m.membership.org_name.clone(),
            org_kind_label: tr.kind(m.membership.org_kind),
            role_label: tr.role(m.membership.role),
            authority: m.membership.org_kind.side() == tillit_domain::org::Side::Authority,
            orgs: m
                .memberships
                .iter()
                .map(|o| OrgChoice {
                    id: o.org_id.clone(),
                    name: o.org_name.clone(),
                    selected: o.org_id == m.membership.org_id,
                })
                .collect(),
            nav: nav
                .into_iter()
                .map(|(href, key)| NavItem {
                    href,
                    label: tr.t(key),
                    current: href == current,
                })
                .collect(),
        };
        let mut c = PageCommon::bare(&m.ctx, title);
        c.shell = Some(shell);
        c
    }

    pub fn with_notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice;
        self
    }
}

/// A field error as shown in the error summary, linking to the field.
pub struct FieldError {
    pub field: String,
    pub label: String,
    pub message: String,
}

impl FieldError {
    pub fn list(tr: &Tr, v: &ValidationErrors) -> Vec<FieldError> {
        v.0.iter()
            .map(|e| FieldError {
                field: e.field.clone(),
                label: tr.field(&e.field),
                message: tr.rule(e),
            })
            .collect()
    }
}

/// An option of a select or a checkbox group.
pub struct Choice {
    pub key: String,
    pub label: String,
    pub selected: bool,
}

/// Links to the neighbouring pages of a list, keeping its filters.
pub struct Pager {
    pub pages: i64,
    pub label: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new<T>(tr: &Tr, base: &str, params: &[(&str, String)], page: &Page<T>) -> Pager {
        let href = |n: i64| {
            let mut ps: Vec<(&str, String)> = params
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .cloned()
                .collect();
            ps.push(("page", n.to_string()));
            format!(
                "{base}?{}",
                serde_urlencoded::to_string(&ps).unwrap_or_default()
            )
        };
        Pager {
            pages: page.pages(),
            label: tr.f(
                "pager-position",
                &[
                    ("page", page.page.to_string()),
                    ("pages", page.pages().to_string()),
                ],
            ),
            prev: page.has_prev().then(|| href(page.page - 1)),
            next: page.has_next().then(|| href(page.page + 1)),
        }
    }
}

/// A stored timestamp as shown: local date and time to the minute (UTC is marked).
pub fn show_time(ts: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(ts) {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%d %H:%M UTC")
            .to_string(),
        Err(_) => ts.to_string(),
    }
}

/// A notice after a redirect, from a fixed list of keys (never echoes free text).
pub fn notice_from(tr: &Tr, done: Option<&str>) -> Option<String> {
    const KNOWN: &[&str] = &[
        "member-added",
        "member-updated",
        "member-removed",
        "password-changed",
        "token-revoked",
        "org-switched",
        "asset-saved",
        "asset-classified",
        "system-saved",
        "system-levels",
        "assessment-saved",
        "evidence-added",
        "evidence-removed",
        "risk-saved",
        "scenario-saved",
        "matrix-saved",
        "measure-saved",
        "reviewed",
        "access-saved",
    ];
    done.filter(|d| KNOWN.contains(d))
        .map(|d| tr.t(&format!("done-{d}")))
}

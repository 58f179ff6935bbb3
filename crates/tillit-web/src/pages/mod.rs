//! HTML pages: the shell shared by every page (navigation, organisation switch, language), and the
//! page routes. Each feature's pages live in its own module (`crate::assets::pages`, …).

pub mod record;
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
        .route("/", get(crate::auth::pages::root))
        .route(
            "/login",
            get(crate::auth::pages::login_page).post(crate::auth::pages::login),
        )
        .route("/logout", post(crate::auth::pages::logout))
        .route("/sso/{id}/start", get(crate::auth::sso::start))
        .route("/sso/callback", get(crate::auth::sso::callback))
        .route("/org/switch", post(crate::auth::pages::switch_org))
        .route("/overview", get(crate::overview::pages::overview))
        .route("/organisation", get(crate::organisation::pages::show))
        .route(
            "/organisation/edit",
            get(crate::organisation::pages::edit_form).post(crate::organisation::pages::save),
        )
        .route(
            "/organisation/sign-in",
            get(crate::organisation::sign_in::show),
        )
        .route(
            "/organisation/sign-in/passwords",
            post(crate::organisation::sign_in::set_passwords),
        )
        .route(
            "/organisation/sign-in/providers/new",
            get(crate::organisation::sign_in::new_form).post(crate::organisation::sign_in::create),
        )
        .route(
            "/organisation/sign-in/providers/{id}",
            get(crate::organisation::sign_in::edit_form).post(crate::organisation::sign_in::update),
        )
        .route(
            "/organisation/sign-in/providers/{id}/delete",
            post(crate::organisation::sign_in::delete),
        )
        .route("/catalog", get(crate::catalog::pages::overview))
        .route("/catalog/diff", get(crate::catalog::pages::diff))
        .route(
            "/catalog/upgrade",
            get(crate::catalog::pages::upgrade_form).post(crate::catalog::pages::upgrade),
        )
        .route(
            "/catalog/upgrade/export",
            get(crate::catalog::pages::upgrade_export),
        )
        .route("/account", get(crate::account::pages::account_page))
        .route(
            "/account/password",
            post(crate::account::pages::change_password),
        )
        .route(
            "/account/tokens",
            get(crate::account::pages::tokens_page).post(crate::account::pages::create_token),
        )
        .route(
            "/account/tokens/{id}/revoke",
            post(crate::account::pages::revoke_token),
        )
        .route(
            "/admin/members",
            get(crate::members::pages::members_page).post(crate::members::pages::add_member),
        )
        .route(
            "/admin/members/{id}",
            get(crate::members::pages::member_page),
        )
        .route(
            "/admin/members/{id}/role",
            post(crate::members::pages::change_role),
        )
        .route(
            "/admin/members/{id}/delegation",
            post(crate::members::pages::set_delegation),
        )
        .route(
            "/admin/invitations/{id}/revoke",
            post(crate::members::pages::revoke_invitation),
        )
        .route(
            "/invitations/{secret}",
            get(crate::invitations::pages::show),
        )
        .route(
            "/invitations/{secret}/accept",
            post(crate::invitations::pages::accept),
        )
        .route(
            "/invitations/{secret}/register",
            post(crate::invitations::pages::register),
        )
        .route(
            "/admin/members/{id}/remove",
            post(crate::members::pages::remove_member),
        )
        .route(
            "/assets",
            get(crate::assets::pages::list)
                .post(crate::register::create::<crate::assets::pages::Assets>),
        )
        .route(
            "/assets/new",
            get(crate::register::new_form::<crate::assets::pages::Assets>),
        )
        .route("/assets/export", get(crate::transfer::pages::export_assets))
        .route(
            "/assets/import",
            get(crate::transfer::pages::import_assets_page)
                .post(crate::transfer::pages::import_assets)
                .layer(import_limit()),
        )
        .route(
            "/systems/export",
            get(crate::transfer::pages::export_systems),
        )
        .route(
            "/measures/export",
            get(crate::transfer::pages::export_measures),
        )
        .route(
            "/risks/export",
            get(crate::transfer::pages::export_scenarios),
        )
        .route(
            "/requirements/export",
            get(crate::transfer::pages::export_assessments),
        )
        .route(
            "/suppliers/export",
            get(crate::transfer::pages::export_suppliers),
        )
        .route(
            "/suppliers/import",
            get(crate::transfer::pages::import_suppliers_page)
                .post(crate::transfer::pages::import_suppliers)
                .layer(import_limit()),
        )
        .route(
            "/systems/import",
            get(crate::transfer::pages::import_systems_page)
                .post(crate::transfer::pages::import_systems)
                .layer(import_limit()),
        )
        .route(
            "/assets/{id}",
            get(crate::assets::pages::show)
                .post(crate::register::update::<crate::assets::pages::Assets>),
        )
        .route(
            "/assets/{id}/edit",
            get(crate::register::edit_form::<crate::assets::pages::Assets>),
        )
        .route(
            "/assets/{id}/archive",
            post(crate::archive::pages::archive_asset),
        )
        .route(
            "/assets/{id}/restore",
            post(crate::archive::pages::restore_asset),
        )
        .route(
            "/systems/{id}/archive",
            post(crate::archive::pages::archive_system),
        )
        .route(
            "/systems/{id}/restore",
            post(crate::archive::pages::restore_system),
        )
        .route(
            "/risks/{id}/archive",
            post(crate::archive::pages::archive_analysis),
        )
        .route(
            "/risks/{id}/restore",
            post(crate::archive::pages::restore_analysis),
        )
        .route(
            "/scenarios/{id}/archive",
            post(crate::archive::pages::archive_scenario),
        )
        .route(
            "/scenarios/{id}/restore",
            post(crate::archive::pages::restore_scenario),
        )
        .route(
            "/measures/{id}/archive",
            post(crate::archive::pages::archive_measure),
        )
        .route(
            "/measures/{id}/restore",
            post(crate::archive::pages::restore_measure),
        )
        .route(
            "/assets/{id}/classify",
            post(crate::assets::pages::classify),
        )
        .route(
            "/assets/{id}/confirm-suggestion",
            post(crate::assets::pages::confirm_suggestion),
        )
        .route("/authority/national", get(crate::national::pages::show))
        .route(
            "/authority/national/marks",
            post(crate::national::pages::mark),
        )
        .route(
            "/authority/national/export",
            get(crate::national::pages::export),
        )
        .route("/start", get(crate::start::pages::guide))
        .route("/start/steps", post(crate::start::pages::mark_step))
        .route(
            "/start/kit",
            get(crate::start::pages::show).post(crate::start::pages::adopt),
        )
        .route(
            "/systems",
            get(crate::systems::pages::list)
                .post(crate::register::create::<crate::systems::pages::Systems>),
        )
        .route(
            "/systems/new",
            get(crate::register::new_form::<crate::systems::pages::Systems>),
        )
        .route(
            "/incidents",
            get(crate::incidents::pages::list)
                .post(crate::register::create::<crate::incidents::pages::Incidents>),
        )
        .route(
            "/incidents/new",
            get(crate::register::new_form::<crate::incidents::pages::Incidents>),
        )
        .route("/incidents/playbooks", get(crate::playbooks::pages::show))
        .route(
            "/incidents/playbooks/contacts",
            post(crate::playbooks::pages::save_contact),
        )
        .route(
            "/incidents/playbooks/pdf",
            get(crate::playbooks::pages::print),
        )
        .route(
            "/incidents/{id}/playbooks",
            post(crate::playbooks::pages::start),
        )
        .route(
            "/incidents/{id}/playbooks/{playbook}/steps",
            post(crate::playbooks::pages::tick),
        )
        .route(
            "/incidents/{id}/playbooks/{playbook}/pdf",
            get(crate::playbooks::pages::print_incident),
        )
        .route(
            "/submissions",
            get(crate::submissions::pages::list).post(crate::submissions::pages::submit),
        )
        .route(
            "/submissions/preview",
            get(crate::submissions::pages::preview),
        )
        .route(
            "/submissions/schedule",
            axum::routing::post(crate::submissions::pages::set_schedule),
        )
        .route("/submissions/{id}", get(crate::submissions::pages::show))
        .route(
            "/authority/cases",
            get(crate::supervision::pages::list).post(crate::supervision::pages::open),
        )
        .route(
            "/authority/cases/new",
            get(crate::supervision::pages::new_form),
        )
        .route(
            "/authority/cases/{id}",
            get(crate::supervision::pages::show),
        )
        .route(
            "/authority/cases/{id}/requests",
            post(crate::supervision::pages::send_request),
        )
        .route(
            "/authority/cases/{id}/decisions",
            post(crate::supervision::pages::decide),
        )
        .route(
            "/authority/cases/{id}/actions/{action}/verify",
            post(crate::supervision::pages::verify),
        )
        .route(
            "/authority/cases/{id}/close",
            post(crate::supervision::pages::close),
        )
        .route(
            "/authority/cases/{id}/notes",
            post(crate::supervision::pages::add_note),
        )
        .route(
            "/authority/cases/{id}/shares",
            post(crate::supervision::pages::share),
        )
        .route(
            "/authority/cases/{id}/shares/{partner}/revoke",
            post(crate::supervision::pages::revoke),
        )
        .route(
            "/authority/cases/{id}/answers/{answer}/extract",
            get(crate::supervision::pages::extract),
        )
        .route(
            "/authority/cases/{id}/files/{file}",
            get(crate::supervision::pages::file),
        )
        .route(
            "/authority/statistics",
            get(crate::supervision::pages::statistics),
        )
        .route(
            "/authority/statistics/targets",
            post(crate::supervision::pages::set_targets),
        )
        .route(
            "/authority/statistics/export",
            get(crate::supervision::pages::statistics_export),
        )
        .route(
            "/authority/guidance",
            post(crate::supervision::pages::publish),
        )
        .route("/guidance", get(crate::supervision::pages::guidance))
        .route(
            "/guidance/{id}",
            get(crate::supervision::pages::guidance_doc),
        )
        .route(
            "/guidance/{id}/catalog.json",
            get(crate::supervision::pages::guidance_catalog),
        )
        .route(
            "/guidance/{id}/adopt",
            post(crate::supervision::pages::adopt_catalog),
        )
        .route(
            "/authority/guidance/catalogs",
            post(crate::supervision::pages::publish_catalog).layer(evidence_limit()),
        )
        .route(
            "/supervision",
            get(crate::supervision::pages::provider_list),
        )
        .route("/supervision/{id}", get(crate::supervision::pages::show))
        .route(
            "/supervision/{id}/decisions/{decision}/pdf",
            get(crate::supervision::pages::decision_pdf),
        )
        .route(
            "/authority/cases/{id}/decisions/{decision}/pdf",
            get(crate::supervision::pages::decision_pdf),
        )
        .route(
            "/supervision/{id}/requests/{request}/answer",
            post(crate::supervision::pages::answer).layer(evidence_limit()),
        )
        .route(
            "/supervision/{id}/actions/{action}/report",
            post(crate::supervision::pages::report),
        )
        .route(
            "/supervision/{id}/answers/{answer}/extract",
            get(crate::supervision::pages::extract),
        )
        .route(
            "/supervision/{id}/files/{file}",
            get(crate::supervision::pages::file),
        )
        .route("/authority/ranking", get(crate::authority::pages::ranking))
        .route(
            "/authority/ranking/export",
            get(crate::authority::pages::ranking_export),
        )
        .route(
            "/authority/organisations/{id}",
            get(crate::authority::pages::entry),
        )
        .route(
            "/authority/registry",
            get(crate::authority::pages::registry),
        )
        .route(
            "/authority/registry/import",
            get(crate::authority::pages::registry_import_page)
                .post(crate::authority::pages::registry_import),
        )
        .route(
            "/authority/submissions",
            get(crate::authority::pages::received),
        )
        .route(
            "/authority/submissions/import",
            axum::routing::post(crate::authority::pages::import_submission),
        )
        .route(
            "/authority/submissions/{id}",
            get(crate::authority::pages::received_one),
        )
        .route(
            "/authority/model",
            get(crate::authority::pages::model).post(crate::authority::pages::save_model),
        )
        .route(
            "/authority/model/{version}",
            get(crate::authority::pages::model_version),
        )
        .route(
            "/submissions/{id}/file",
            get(crate::submissions::pages::file),
        )
        .route(
            "/submissions/{id}/receipt.pdf",
            get(crate::submissions::pages::receipt_pdf),
        )
        .route(
            "/incidents/{id}",
            get(crate::incidents::pages::show)
                .post(crate::register::update::<crate::incidents::pages::Incidents>),
        )
        .route(
            "/incidents/{id}/edit",
            get(crate::register::edit_form::<crate::incidents::pages::Incidents>),
        )
        .route(
            "/incidents/{id}/reports",
            post(crate::incidents::pages::mark_sent),
        )
        .route(
            "/incidents/{id}/attachments",
            post(crate::incidents::pages::attach).layer(evidence_limit()),
        )
        .route(
            "/incident-attachments/{id}",
            get(crate::incidents::pages::download_attachment),
        )
        .route(
            "/incidents/{id}/entries",
            post(crate::incidents::pages::add_entry),
        )
        .route(
            "/incidents/{id}/measure",
            post(crate::incidents::pages::lesson_to_measure),
        )
        .route(
            "/incidents/{id}/reports/{kind}",
            get(crate::incidents::drafts::show).post(crate::incidents::drafts::save),
        )
        .route(
            "/incidents/{id}/reports/{kind}/edit",
            get(crate::incidents::drafts::edit),
        )
        .route(
            "/incidents/{id}/reports/{kind}/pdf",
            get(crate::incidents::drafts::pdf),
        )
        .route(
            "/incidents/{id}/report.pdf",
            get(crate::incidents::pages::report_pdf),
        )
        .route(
            "/incidents/{id}/scenario",
            post(crate::incidents::pages::lesson_to_scenario),
        )
        .route(
            "/outsourcing",
            get(crate::outsourcing::pages::list)
                .post(crate::register::create::<crate::outsourcing::pages::Cases>),
        )
        .route(
            "/outsourcing/new",
            get(crate::register::new_form::<crate::outsourcing::pages::Cases>),
        )
        .route("/outsourcing/rules", get(crate::outsourcing::pages::rules))
        .route(
            "/outsourcing/{id}",
            get(crate::outsourcing::pages::show)
                .post(crate::register::update::<crate::outsourcing::pages::Cases>),
        )
        .route(
            "/outsourcing/{id}/edit",
            get(crate::register::edit_form::<crate::outsourcing::pages::Cases>),
        )
        .route(
            "/outsourcing/{id}/decision",
            post(crate::outsourcing::pages::decide),
        )
        .route(
            "/outsourcing/{id}/memo",
            get(crate::outsourcing::pages::memo),
        )
        .route(
            "/outsourcing/{id}/memo.pdf",
            get(crate::outsourcing::pages::memo_pdf),
        )
        .route(
            "/outsourcing/{id}/risk",
            post(crate::outsourcing::pages::add_risk),
        )
        .route(
            "/suppliers",
            get(crate::suppliers::pages::list)
                .post(crate::register::create::<crate::suppliers::pages::Suppliers>),
        )
        .route("/suppliers/new", get(crate::suppliers::pages::new_form))
        .route(
            "/suppliers/{id}",
            get(crate::suppliers::pages::show)
                .post(crate::register::update::<crate::suppliers::pages::Suppliers>),
        )
        .route(
            "/suppliers/{id}/edit",
            get(crate::register::edit_form::<crate::suppliers::pages::Suppliers>),
        )
        .route(
            "/systems/{id}",
            get(crate::systems::pages::show)
                .post(crate::register::update::<crate::systems::pages::Systems>),
        )
        .route(
            "/systems/{id}/edit",
            get(crate::register::edit_form::<crate::systems::pages::Systems>),
        )
        .route(
            "/systems/{id}/levels",
            post(crate::systems::pages::set_levels),
        )
        .route(
            "/systems/{id}/integrations",
            post(crate::systems::pages::set_integrations),
        )
        .route(
            "/systems/{id}/requirements",
            get(crate::requirements::pages::for_system),
        )
        .route(
            "/systems/{id}/requirements/{rid}",
            get(crate::requirements::pages::show_system_requirement)
                .post(crate::requirements::pages::assess_system_requirement),
        )
        .route(
            "/systems/{id}/requirements/{rid}/evidence",
            post(crate::requirements::pages::add_system_evidence).layer(evidence_limit()),
        )
        .route(
            "/risks",
            get(crate::risk::pages::list).post(crate::risk::pages::create),
        )
        .route("/risks/new", get(crate::risk::pages::new_form))
        .route(
            "/risks/matrix",
            get(crate::risk::pages::matrix_page).post(crate::risk::pages::set_matrix),
        )
        .route(
            "/risks/{id}",
            get(crate::risk::pages::show).post(crate::risk::pages::update),
        )
        .route("/risks/{id}/edit", get(crate::risk::pages::edit_form))
        .route(
            "/risks/{id}/scenarios/new",
            get(crate::risk::pages::new_scenario_form),
        )
        .route(
            "/risks/{id}/scenarios",
            post(crate::risk::pages::create_scenario),
        )
        .route(
            "/scenarios/{id}",
            get(crate::risk::pages::scenario_view).post(crate::risk::pages::update_scenario),
        )
        .route(
            "/scenarios/{id}/edit",
            get(crate::risk::pages::scenario_page),
        )
        .route(
            "/scenarios/{id}/acceptance",
            post(crate::risk::pages::answer_acceptance),
        )
        .route(
            "/measures",
            get(crate::measures::pages::list).post(crate::measures::pages::create),
        )
        .route("/measures/new", get(crate::measures::pages::new_form))
        .route(
            "/measures/{id}",
            get(crate::measures::pages::show).post(crate::measures::pages::update),
        )
        .route(
            "/measures/{id}/edit",
            get(crate::measures::pages::edit_form),
        )
        .route("/follow-up", get(crate::followup::pages::follow_up))
        .route("/search", get(crate::search::pages::search))
        .route("/design", get(crate::design::design))
        .route(
            "/reports/management-review.pdf",
            get(crate::reports::pages::management_review),
        )
        .route(
            "/risks/{id}/report.pdf",
            get(crate::reports::pages::risk_analysis),
        )
        .route(
            "/assets/{id}/review",
            post(crate::followup::pages::review_asset),
        )
        .route(
            "/systems/{id}/review",
            post(crate::followup::pages::review_system),
        )
        .route(
            "/systems/{id}/access-analysis.pdf",
            get(crate::access::pages::access_pdf),
        )
        .route(
            "/systems/{id}/access-analysis",
            get(crate::access::pages::access_page).post(crate::access::pages::save_access),
        )
        .route(
            "/systems/{id}/access-analysis/approval",
            post(crate::access::pages::answer_approval),
        )
        .route(
            "/requirements",
            get(crate::requirements::pages::for_organisation),
        )
        .route(
            "/requirements/{rid}",
            get(crate::requirements::pages::show_org_requirement)
                .post(crate::requirements::pages::assess_org_requirement),
        )
        .route(
            "/requirements/{rid}/evidence",
            post(crate::requirements::pages::add_org_evidence).layer(evidence_limit()),
        )
        .route(
            "/evidence/{id}",
            get(crate::requirements::pages::download_evidence),
        )
        .route(
            "/evidence/{id}/remove",
            post(crate::requirements::pages::remove_evidence),
        )
        .route(
            "/libraries",
            get(crate::libraries::pages::list)
                .post(crate::libraries::pages::import)
                .layer(evidence_limit()),
        )
        .route("/libraries/{id}", get(crate::libraries::pages::show))
        .route(
            "/libraries/{id}/remove",
            post(crate::libraries::pages::remove),
        )
        .route(
            "/libraries/{id}/catalog.json",
            get(crate::libraries::pages::download_catalog),
        )
        .route(
            "/catalog/oscal.json",
            get(crate::libraries::pages::download_builtin),
        )
        .route(
            "/systems/{id}/libraries",
            post(crate::libraries::pages::adopt),
        )
        .route(
            "/systems/{id}/libraries/{lid}",
            get(crate::libraries::pages::system_library),
        )
        .route(
            "/systems/{id}/libraries/{lid}/drop",
            post(crate::libraries::pages::drop_library),
        )
        .route(
            "/systems/{id}/libraries/{lid}/controls/{cid}",
            get(crate::libraries::pages::show_control)
                .post(crate::libraries::pages::assess_control),
        )
        .route(
            "/systems/{id}/oscal/{kind}",
            get(crate::libraries::pages::export),
        )
        .route("/admin/audit", get(crate::audit::pages::audit_page))
        .route(
            "/admin/audit/{id}",
            get(crate::audit::pages::audit_event_page),
        )
}

/// Register imports may be larger than the default body limit.
fn import_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(tillit_app::tabular::MAX_IMPORT_BYTES + 64 * 1024)
}

/// Evidence uploads may be larger than the default body limit.
fn evidence_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(crate::context::MAX_MULTIPART_BYTES)
}

/// The `done` parameter a page is redirected to after a change (`?done=saved`), for its notice.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Notice {
    pub done: Option<String>,
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
    /// A count beside the label (reports to send), with its words for a screen reader, and
    /// whether it is urgent (something overdue).
    pub badge: Option<(usize, String, bool)>,
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
    /// What the page is for, what good looks like and what requires it (pages of the cycle).
    pub help: Option<PageHelp>,
}

/// A page's short help, in the reader's language.
pub struct PageHelp {
    pub purpose: String,
    pub good: String,
    pub law: String,
}

/// The pages of the systematic work that carry help: the navigation entry they belong to and the
/// help's key.
const HELP: &[(&str, &str)] = &[
    ("/start", "start"),
    ("/assets", "assets"),
    ("/systems", "systems"),
    ("/requirements", "requirements"),
    ("/risks", "risks"),
    ("/measures", "measures"),
    ("/follow-up", "follow-up"),
    ("/incidents", "incidents"),
    ("/submissions", "submissions"),
    ("/outsourcing", "outsourcing"),
    ("/suppliers", "suppliers"),
];

impl PageHelp {
    pub fn for_nav(tr: &Tr, current: &str) -> Option<PageHelp> {
        let (_, key) = HELP.iter().find(|(href, _)| *href == current)?;
        Some(PageHelp {
            purpose: tr.t(&format!("help-{key}-purpose")),
            good: tr.t(&format!("help-{key}-good")),
            law: tr.t(&format!("help-{key}-law")),
        })
    }
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
            asset_version: crate::static_files::ASSET_VERSION,
            help: None,
        }
    }

    /// A page of a member, with the navigation their role allows. `current` is the nav entry to mark.
    pub fn member(m: &Member, title: String, current: &str) -> Self {
        let tr = &m.ctx.tr;
        let mut nav = vec![("/overview", "nav-overview")];
        if m.may(Permission::ViewRegisters) {
            nav.push(("/assets", "nav-assets"));
            nav.push(("/systems", "nav-systems"));
            if m.who.org_kind().side() == tillit_domain::org::Side::Provider {
                nav.insert(1, ("/start", "nav-start"));
                nav.push(("/suppliers", "nav-suppliers"));
                nav.push(("/outsourcing", "nav-outsourcing"));
                nav.push(("/incidents", "nav-incidents"));
                nav.push(("/submissions", "nav-submissions"));
                nav.push(("/supervision", "nav-supervision"));
                nav.push(("/guidance", "nav-guidance"));
            }
            nav.push(("/requirements", "nav-requirements"));
            nav.push(("/catalog", "nav-catalog"));
            nav.push(("/libraries", "nav-libraries"));
            nav.push(("/risks", "nav-risks"));
            nav.push(("/measures", "nav-measures"));
            nav.push(("/follow-up", "nav-follow-up"));
        }
        if m.may(Permission::ViewSupervision) {
            nav.push(("/authority/ranking", "nav-ranking"));
            nav.push(("/authority/cases", "nav-cases"));
            nav.push(("/authority/national", "nav-national"));
            nav.push(("/authority/registry", "nav-registry"));
            nav.push(("/authority/submissions", "nav-received"));
            nav.push(("/authority/model", "nav-model"));
            nav.push(("/guidance", "nav-guidance"));
        }
        if m.who.org_kind().side() == tillit_domain::org::Side::Provider {
            nav.push(("/organisation", "nav-organisation"));
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
            user_name: m.who.auth.display_name.clone(),
            org_name: m.who.membership().org_name.clone(),
            org_kind_label: tr.kind(m.who.membership().org_kind),
            role_label: tr.role(m.who.membership().role),
            authority: m.who.membership().org_kind.side() == tillit_domain::org::Side::Authority,
            orgs: m
                .who
                .memberships
                .iter()
                .map(|o| OrgChoice {
                    id: o.org_id.clone(),
                    name: o.org_name.clone(),
                    selected: o.org_id == m.who.membership().org_id,
                })
                .collect(),
            nav: nav
                .into_iter()
                .map(|(href, key)| NavItem {
                    href,
                    label: tr.t(key),
                    current: href == current,
                    badge: match href {
                        "/incidents" if !m.reports_due.is_empty() => {
                            let n = m.reports_due.len();
                            let now = chrono::Utc::now();
                            let overdue = m.reports_due.iter().filter(|d| d.overdue(now)).count();
                            Some((
                                n,
                                if overdue > 0 {
                                    tr.f(
                                        "nav-reports-due-overdue",
                                        &[
                                            ("count", n.to_string()),
                                            ("overdue", overdue.to_string()),
                                        ],
                                    )
                                } else {
                                    tr.f("nav-reports-due", &[("count", n.to_string())])
                                },
                                overdue > 0,
                            ))
                        }
                        "/supervision" if m.supervision_open > 0 => Some((
                            m.supervision_open,
                            tr.f(
                                "nav-supervision-open",
                                &[("count", m.supervision_open.to_string())],
                            ),
                            true,
                        )),
                        "/submissions" => m.submission_due.as_ref().map(|s| {
                            let left = s.days_left(tillit_app::today_date());
                            (
                                1,
                                tr.f("nav-submission-due", &[("date", s.next_due.to_string())]),
                                left < 0,
                            )
                        }),
                        _ => None,
                    },
                })
                .collect(),
        };
        let mut c = PageCommon::bare(&m.ctx, title);
        c.shell = Some(shell);
        if m.who.org_kind().side() == tillit_domain::org::Side::Provider {
            c.help = PageHelp::for_nav(tr, current);
        }
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
/// A stored time (UTC) as a Swedish user reads it: in Swedish time (Europe/Stockholm, with
/// summer time), to the minute.
pub fn show_time(ts: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(ts) {
        Ok(t) => t
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => ts.to_string(),
    }
}

/// A notice after a redirect, from a fixed list of keys (never echoes free text).
pub fn notice_from(tr: &Tr, done: Option<&str>) -> Option<String> {
    const KNOWN: &[&str] = &[
        "member-added",
        "sign-in-saved",
        "sign-in-removed",
        "member-updated",
        "member-removed",
        "password-changed",
        "token-revoked",
        "org-switched",
        "asset-saved",
        "acceptance-signed",
        "approval-signed",
        "approval-declined",
        "acceptance-declined",
        "asset-classified",
        "system-saved",
        "system-levels",
        "supplier-saved",
        "outsourcing-saved",
        "outsourcing-decided",
        "incident-saved",
        "report-sent",
        "report-draft-saved",
        "entry-added",
        "submitted",
        "schedule-saved",
        "registry-imported",
        "submission-imported",
        "model-saved",
        "attachment-added",
        "measure-exists",
        "assessment-saved",
        "evidence-added",
        "evidence-removed",
        "risk-saved",
        "scenario-saved",
        "scenario-exists",
        "matrix-saved",
        "measure-saved",
        "reviewed",
        "archived",
        "restored",
        "access-saved",
        "facts-saved",
        "catalog-upgraded",
        "library-imported",
        "library-removed",
        "library-adopted",
        "library-dropped",
        "library-adopted-published",
        "support-marked",
        "guide-saved",
        "checklist-started",
        "contact-saved",
    ];
    done.filter(|d| KNOWN.contains(d))
        .map(|d| tr.t(&format!("done-{d}")))
}

#[cfg(test)]
mod time_tests {
    #[test]
    fn times_are_shown_in_swedish_time_winter_and_summer() {
        assert_eq!(
            super::show_time("2026-12-01T14:42:10.123Z"),
            "2026-12-01 15:42"
        );
        assert_eq!(super::show_time("2026-07-01T14:42:00Z"), "2026-07-01 16:42");
        // The night summer time ends: 01:30 UTC is 02:30 in summer time, 02:30 UTC in winter.
        assert_eq!(super::show_time("2026-10-25T00:30:00Z"), "2026-10-25 02:30");
        assert_eq!(super::show_time("2026-10-25T01:30:00Z"), "2026-10-25 02:30");
        assert_eq!(super::show_time("not a time"), "not a time");
    }
}

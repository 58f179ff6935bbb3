//! The JSON API under `/api/v1`: its router and its OpenAPI 3.1 document, generated from the
//! handlers and types of each feature's `api.rs`. The API calls the same commands and queries of
//! `tillit-app` as the pages, so the same rules and authorisation apply; errors are RFC 9457
//! problem documents; lists are paginated.

use crate::state::AppState;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use tillit_domain::access::AccessAnalysisDraft;
use tillit_domain::assessment::AssessmentDraft;
use tillit_domain::asset::AssetDraft;
use tillit_domain::classification::{ClassificationDraft, SystemLevelsDraft};
use tillit_domain::measure::MeasureDraft;
use tillit_domain::national::SupportMarkDraft;
use tillit_domain::risk::{RiskAnalysisDraft, ScenarioDraft};
use tillit_domain::starter_kit::AdoptionDraft;
use tillit_domain::system::SystemDraft;
use utoipa::OpenApi;

mod rules;
pub mod shared;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(crate::account::api::me))
        .route("/organisation", get(crate::members::api::organisation))
        .route(
            "/organisation/facts",
            axum::routing::put(crate::members::api::put_facts),
        )
        .route("/catalog/versions", get(crate::catalog::api::versions))
        .route("/submission-preview", get(crate::submissions::api::preview))
        .route(
            "/submissions",
            get(crate::submissions::api::list).post(crate::submissions::api::submit),
        )
        .route("/submissions/{id}", get(crate::submissions::api::get_one))
        .route(
            "/submission-schedule",
            get(crate::submissions::api::get_schedule).put(crate::submissions::api::put_schedule),
        )
        .route("/authority/ranking", get(crate::authority::api::ranking))
        .route(
            "/authority/ranking/{id}",
            get(crate::authority::api::explain),
        )
        .route("/authority/registry", get(crate::authority::api::registry))
        .route(
            "/authority/submissions",
            get(crate::authority::api::received).post(crate::authority::api::import),
        )
        .route(
            "/authority/submissions/{id}",
            get(crate::authority::api::received_one),
        )
        .route(
            "/authority/model",
            get(crate::authority::api::model).post(crate::authority::api::save_model),
        )
        .route(
            "/authority/model/versions",
            get(crate::authority::api::model_versions),
        )
        .route(
            "/authority/cases",
            get(crate::supervision::api::list).post(crate::supervision::api::open),
        )
        .route("/authority/cases/{id}", get(crate::supervision::api::show))
        .route(
            "/authority/cases/{id}/requests",
            post(crate::supervision::api::send_request),
        )
        .route(
            "/authority/cases/{id}/decisions",
            post(crate::supervision::api::decide),
        )
        .route(
            "/authority/cases/{id}/actions/{action_id}/verification",
            post(crate::supervision::api::verify),
        )
        .route(
            "/authority/cases/{id}/close",
            post(crate::supervision::api::close),
        )
        .route(
            "/authority/cases/{id}/notes",
            post(crate::supervision::api::note),
        )
        .route(
            "/authority/cases/{id}/shares",
            post(crate::supervision::api::share),
        )
        .route(
            "/authority/cases/{id}/shares/{authority_id}",
            delete(crate::supervision::api::revoke),
        )
        .route(
            "/authority/case-statistics",
            get(crate::supervision::api::statistics),
        )
        .route(
            "/authority/case-targets",
            put(crate::supervision::api::set_targets),
        )
        .route(
            "/authority/guidance",
            // A document of 200,000 characters may be 2.4 MB as escaped JSON: the body is read
            // whole, so that a field over its limit is named (422), not refused as too large.
            post(crate::supervision::api::publish)
                .layer(axum::extract::DefaultBodyLimit::max(crate::forms::MAX_BODY)),
        )
        .route(
            "/supervision/cases",
            get(crate::supervision::api::provider_list),
        )
        .route(
            "/supervision/cases/{id}",
            get(crate::supervision::api::show),
        )
        .route(
            "/supervision/cases/{id}/requests/{request_id}/answer",
            post(crate::supervision::api::answer),
        )
        .route(
            "/supervision/cases/{id}/actions/{action_id}/report",
            post(crate::supervision::api::report),
        )
        .route("/guidance", get(crate::supervision::api::guidance))
        .route("/guidance/{id}", get(crate::supervision::api::guidance_doc))
        .route(
            "/guidance/{id}/catalog",
            get(crate::supervision::api::guidance_catalog),
        )
        .route(
            "/guidance/{id}/adopt",
            axum::routing::post(crate::supervision::api::adopt_catalog),
        )
        .route(
            "/authority/guidance/catalogs",
            axum::routing::post(crate::supervision::api::publish_catalog).layer(
                axum::extract::DefaultBodyLimit::max(
                    tillit_app::oscal::MAX_UPLOAD_BYTES + 64 * 1024,
                ),
            ),
        )
        .route("/catalog/diff", get(crate::catalog::api::diff))
        .route(
            "/catalog/upgrade",
            get(crate::catalog::api::plan).post(crate::catalog::api::upgrade),
        )
        .route(
            "/catalog/reassessments",
            get(crate::catalog::api::reassessments),
        )
        .route(
            "/members",
            get(crate::members::api::list_members).post(crate::members::api::add_member),
        )
        .route(
            "/members/{id}",
            get(crate::members::api::get_member)
                .patch(crate::members::api::change_member)
                .delete(crate::members::api::remove_member),
        )
        .route(
            "/members/{id}/outsourcing-delegation",
            axum::routing::put(crate::members::api::put_outsourcing_delegation),
        )
        .route(
            "/assets",
            get(crate::assets::api::list_assets).post(crate::assets::api::create_asset),
        )
        .route(
            "/assets/{id}",
            get(crate::assets::api::get_asset).put(crate::assets::api::update_asset),
        )
        .route(
            "/assets/{id}/classification",
            axum::routing::post(crate::assets::api::classify_asset),
        )
        .route(
            "/outsourcing-cases",
            get(crate::outsourcing::api::list_cases).post(crate::outsourcing::api::create_case),
        )
        .route(
            "/outsourcing-cases/{id}",
            get(crate::outsourcing::api::get_case).put(crate::outsourcing::api::update_case),
        )
        .route(
            "/outsourcing-cases/{id}/decision",
            axum::routing::post(crate::outsourcing::api::decide),
        )
        .route("/outsourcing-rules", get(crate::outsourcing::api::rules))
        .route(
            "/incidents",
            get(crate::incidents::api::list_incidents).post(crate::incidents::api::create_incident),
        )
        .route(
            "/incidents/{id}",
            get(crate::incidents::api::get_incident).put(crate::incidents::api::update_incident),
        )
        .route(
            "/incidents/{id}/reports",
            axum::routing::post(crate::incidents::api::mark_report_sent),
        )
        .route(
            "/incidents/{id}/timeline",
            get(crate::incidents::api::timeline),
        )
        .route(
            "/incidents/{id}/playbooks",
            get(crate::playbooks::api::of_incident).post(crate::playbooks::api::start),
        )
        .route(
            "/incidents/{id}/playbooks/{playbook}/steps",
            axum::routing::post(crate::playbooks::api::tick),
        )
        .route(
            "/incident-playbooks",
            get(crate::playbooks::api::checklists),
        )
        .route(
            "/incident-contacts",
            axum::routing::put(crate::playbooks::api::put_contact),
        )
        .route(
            "/incidents/{id}/entries",
            axum::routing::post(crate::incidents::api::add_entry),
        )
        .route(
            "/incidents/{id}/lesson-measures",
            axum::routing::post(crate::incidents::api::lesson_to_measure),
        )
        .route(
            "/suppliers",
            get(crate::suppliers::api::list_suppliers).post(crate::suppliers::api::create_supplier),
        )
        .route(
            "/suppliers/{id}",
            get(crate::suppliers::api::get_supplier).put(crate::suppliers::api::update_supplier),
        )
        .route(
            "/systems",
            get(crate::systems::api::list_systems).post(crate::systems::api::create_system),
        )
        .route(
            "/systems/{id}",
            get(crate::systems::api::get_system).put(crate::systems::api::update_system),
        )
        .route(
            "/systems/{id}/levels",
            axum::routing::put(crate::systems::api::set_system_levels)
                .delete(crate::systems::api::clear_system_levels),
        )
        .route(
            "/requirements",
            get(crate::requirements::api::organisation_requirements),
        )
        .route(
            "/requirements/{rid}/assessment",
            axum::routing::put(crate::requirements::api::assess_org_requirement),
        )
        .route(
            "/systems/{id}/requirements",
            get(crate::requirements::api::system_requirements),
        )
        .route(
            "/systems/{id}/requirements/{rid}/evidence",
            axum::routing::post(crate::requirements::api::add_system_evidence),
        )
        .route(
            "/requirements/{rid}/evidence",
            axum::routing::post(crate::requirements::api::add_org_evidence),
        )
        .route(
            "/assets/{id}/review",
            axum::routing::post(crate::followup::api::review_asset),
        )
        .route(
            "/systems/{id}/review",
            axum::routing::post(crate::followup::api::review_system),
        )
        .route(
            "/systems/{id}/integrations",
            get(crate::systems::api::get_integrations).put(crate::systems::api::put_integrations),
        )
        .route(
            "/systems/{id}/requirements/{rid}/assessment",
            axum::routing::put(crate::requirements::api::assess_system_requirement),
        )
        .route("/starter-kit", get(crate::start::api::offer))
        .route("/guide", get(crate::start::api::guide))
        .route(
            "/guide/steps",
            axum::routing::post(crate::start::api::mark_step),
        )
        .route(
            "/authority/national-figures",
            get(crate::national::api::figures),
        )
        .route(
            "/authority/support-marks",
            get(crate::national::api::marks).post(crate::national::api::create_mark),
        )
        .route(
            "/starter-kit/adoptions",
            axum::routing::post(crate::start::api::adopt),
        )
        .route(
            "/assets/{id}/suggested-classification/confirmation",
            axum::routing::post(crate::start::api::confirm),
        )
        .route(
            "/libraries",
            get(crate::libraries::api::list)
                .post(crate::libraries::api::import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    tillit_app::oscal::MAX_UPLOAD_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/libraries/{lid}",
            get(crate::libraries::api::show).delete(crate::libraries::api::remove),
        )
        .route(
            "/libraries/{lid}/catalog",
            get(crate::libraries::api::catalog),
        )
        .route(
            "/systems/{id}/libraries",
            get(crate::libraries::api::system_libraries),
        )
        .route(
            "/systems/{id}/libraries/{lid}",
            axum::routing::put(crate::libraries::api::adopt)
                .delete(crate::libraries::api::drop_library),
        )
        .route(
            "/systems/{id}/libraries/{lid}/controls",
            get(crate::libraries::api::controls),
        )
        .route(
            "/systems/{id}/libraries/{lid}/controls/{cid}/assessment",
            axum::routing::put(crate::libraries::api::assess),
        )
        .route(
            "/systems/{id}/oscal/{kind}",
            get(crate::libraries::api::export),
        )
        .route(
            "/systems/{id}/access-analysis",
            get(crate::access::api::get_access_analysis)
                .put(crate::access::api::put_access_analysis),
        )
        .route(
            "/systems/{id}/access-analysis/approval",
            post(crate::access::api::answer_approval),
        )
        .route(
            "/risk-matrix",
            get(crate::risk::api::get_risk_matrix).put(crate::risk::api::put_risk_matrix),
        )
        .route(
            "/risk-analyses",
            get(crate::risk::api::list_risk_analyses).post(crate::risk::api::create_risk_analysis),
        )
        .route(
            "/risk-analyses/{id}",
            get(crate::risk::api::get_risk_analysis).put(crate::risk::api::update_risk_analysis),
        )
        .route(
            "/risk-analyses/{id}/scenarios",
            get(crate::risk::api::list_scenarios).post(crate::risk::api::create_scenario),
        )
        .route(
            "/scenarios/{id}",
            get(crate::risk::api::get_scenario).put(crate::risk::api::update_scenario),
        )
        .route(
            "/scenarios/{id}/acceptance",
            post(crate::risk::api::answer_acceptance),
        )
        .route("/heat-map", get(crate::risk::api::heat_map))
        .route(
            "/measures",
            get(crate::measures::api::list_measures).post(crate::measures::api::create_measure),
        )
        .route(
            "/measures/{id}",
            get(crate::measures::api::get_measure).put(crate::measures::api::update_measure),
        )
        .route(
            "/assets/{id}/archive",
            axum::routing::post(crate::archive::api::archive_asset),
        )
        .route(
            "/assets/{id}/restore",
            axum::routing::post(crate::archive::api::restore_asset),
        )
        .route(
            "/systems/{id}/archive",
            axum::routing::post(crate::archive::api::archive_system),
        )
        .route(
            "/systems/{id}/restore",
            axum::routing::post(crate::archive::api::restore_system),
        )
        .route(
            "/risk-analyses/{id}/archive",
            axum::routing::post(crate::archive::api::archive_analysis),
        )
        .route(
            "/risk-analyses/{id}/restore",
            axum::routing::post(crate::archive::api::restore_analysis),
        )
        .route(
            "/scenarios/{id}/archive",
            axum::routing::post(crate::archive::api::archive_scenario),
        )
        .route(
            "/scenarios/{id}/restore",
            axum::routing::post(crate::archive::api::restore_scenario),
        )
        .route(
            "/measures/{id}/archive",
            axum::routing::post(crate::archive::api::archive_measure),
        )
        .route(
            "/measures/{id}/restore",
            axum::routing::post(crate::archive::api::restore_measure),
        )
        .route("/follow-up", get(crate::followup::api::follow_up))
        .route("/search", get(crate::search::api::search))
        .route("/audit-events", get(crate::audit::api::list_audit_events))
        .route(
            "/audit-events/{id}",
            get(crate::audit::api::get_audit_event),
        )
        .route(
            "/tokens",
            get(crate::account::api::list_tokens).post(crate::account::api::create_token),
        )
        .route(
            "/tokens/{id}",
            axum::routing::delete(crate::account::api::revoke_token),
        )
        .fallback(crate::pages::not_found)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Tillit API", version = "1", description = "Systematic, risk-based protection of personal data in Swedish health and social care. Authenticate with `Authorization: Bearer tlt_…` (an API token made under Account → API tokens) or a browser session with the `X-CSRF-Token` header on changes. Every request acts in the organisation of the token (or the session's chosen one)."),
    paths(crate::playbooks::api::checklists, crate::playbooks::api::put_contact, crate::playbooks::api::of_incident, crate::playbooks::api::start, crate::playbooks::api::tick, crate::start::api::guide, crate::start::api::mark_step, crate::national::api::figures, crate::national::api::marks, crate::national::api::create_mark, crate::start::api::offer, crate::start::api::adopt, crate::start::api::confirm, crate::libraries::api::list, crate::libraries::api::import, crate::libraries::api::show, crate::libraries::api::remove, crate::libraries::api::catalog, crate::libraries::api::system_libraries, crate::libraries::api::adopt, crate::libraries::api::drop_library, crate::libraries::api::controls, crate::libraries::api::assess, crate::libraries::api::export, crate::followup::api::review_asset, crate::followup::api::review_system, crate::search::api::search, crate::archive::api::archive_asset, crate::archive::api::restore_asset, crate::archive::api::archive_system, crate::archive::api::restore_system, crate::archive::api::archive_analysis, crate::archive::api::restore_analysis, crate::archive::api::archive_scenario, crate::archive::api::restore_scenario, crate::archive::api::archive_measure, crate::archive::api::restore_measure, crate::requirements::api::add_system_evidence, crate::requirements::api::add_org_evidence, crate::systems::api::get_integrations, crate::systems::api::put_integrations, crate::requirements::api::system_requirements, crate::requirements::api::organisation_requirements, crate::requirements::api::assess_system_requirement, crate::requirements::api::assess_org_requirement, crate::risk::api::get_risk_matrix, crate::risk::api::put_risk_matrix, crate::risk::api::list_risk_analyses, crate::risk::api::create_risk_analysis, crate::risk::api::get_risk_analysis, crate::risk::api::update_risk_analysis, crate::risk::api::list_scenarios, crate::risk::api::create_scenario, crate::risk::api::get_scenario, crate::risk::api::update_scenario, crate::risk::api::answer_acceptance, crate::risk::api::heat_map, crate::measures::api::list_measures, crate::measures::api::create_measure, crate::measures::api::get_measure, crate::measures::api::update_measure, crate::access::api::get_access_analysis, crate::access::api::put_access_analysis, crate::access::api::answer_approval, crate::followup::api::follow_up, crate::outsourcing::api::list_cases, crate::outsourcing::api::create_case, crate::outsourcing::api::get_case, crate::outsourcing::api::update_case, crate::outsourcing::api::decide, crate::outsourcing::api::rules, crate::incidents::api::list_incidents, crate::incidents::api::create_incident, crate::incidents::api::get_incident, crate::incidents::api::update_incident, crate::incidents::api::mark_report_sent, crate::incidents::api::lesson_to_measure, crate::incidents::api::timeline, crate::incidents::api::add_entry, crate::suppliers::api::list_suppliers, crate::suppliers::api::create_supplier, crate::suppliers::api::get_supplier, crate::suppliers::api::update_supplier, crate::systems::api::list_systems, crate::systems::api::create_system, crate::systems::api::get_system, crate::systems::api::update_system, crate::systems::api::set_system_levels, crate::systems::api::clear_system_levels, crate::assets::api::list_assets, crate::assets::api::create_asset, crate::assets::api::get_asset, crate::assets::api::update_asset, crate::assets::api::classify_asset, crate::account::api::me, crate::members::api::organisation, crate::members::api::put_facts, crate::catalog::api::versions, crate::submissions::api::preview, crate::submissions::api::list, crate::submissions::api::submit, crate::submissions::api::get_one, crate::submissions::api::get_schedule, crate::submissions::api::put_schedule, crate::authority::api::ranking, crate::authority::api::explain, crate::authority::api::registry, crate::authority::api::received, crate::authority::api::received_one, crate::authority::api::import, crate::authority::api::model, crate::authority::api::model_versions, crate::authority::api::save_model, crate::supervision::api::list, crate::supervision::api::open, crate::supervision::api::show, crate::supervision::api::send_request, crate::supervision::api::decide, crate::supervision::api::verify, crate::supervision::api::close, crate::supervision::api::note, crate::supervision::api::share, crate::supervision::api::revoke, crate::supervision::api::statistics, crate::supervision::api::set_targets, crate::supervision::api::provider_list, crate::supervision::api::answer, crate::supervision::api::report, crate::supervision::api::guidance, crate::supervision::api::guidance_doc, crate::supervision::api::publish, crate::supervision::api::publish_catalog, crate::supervision::api::guidance_catalog, crate::supervision::api::adopt_catalog, crate::catalog::api::diff, crate::catalog::api::plan, crate::catalog::api::upgrade, crate::catalog::api::reassessments, crate::members::api::list_members, crate::members::api::add_member, crate::members::api::get_member, crate::members::api::change_member, crate::members::api::put_outsourcing_delegation, crate::members::api::remove_member, crate::audit::api::list_audit_events, crate::audit::api::get_audit_event, crate::account::api::list_tokens, crate::account::api::create_token, crate::account::api::revoke_token),
    components(schemas(crate::playbooks::api::ContactDto, crate::playbooks::api::ContactRoleDto, crate::playbooks::api::NationalFunctionDto, crate::playbooks::api::PlaybookStepDto, crate::playbooks::api::PlaybookDto, crate::playbooks::api::ChecklistsDto, crate::playbooks::api::StartedStepDto, crate::playbooks::api::StartedDto, crate::playbooks::api::IncidentChecklistsDto, tillit_domain::playbook::ContactDraft, tillit_domain::playbook::StartDraft, tillit_domain::playbook::TickDraft, crate::start::api::GuideDto, crate::start::api::GuideStepDto, tillit_domain::guide::StepDraft, crate::national::api::NationalDto, crate::national::api::FiguresDto, crate::national::api::GroupDto, crate::national::api::AreaDto, crate::national::api::GapShareDto, crate::national::api::QuarterDto, crate::national::api::PeriodDto, crate::national::api::AreaPercentDto, crate::national::api::SupportMarkDto, SupportMarkDraft, crate::start::api::KitDto, crate::start::api::KitProfileDto, crate::start::api::KitItemDto, crate::start::api::AdoptionDto, crate::start::api::AdoptedDto, AdoptionDraft, crate::supervision::api::GuidanceCatalogBody, crate::supervision::api::AdoptedCatalogDto, crate::libraries::api::LibraryDto, crate::libraries::api::ControlDto, crate::libraries::api::LibraryDetailDto, crate::libraries::api::LibraryImportBody, crate::libraries::api::ControlStatusDto, crate::libraries::api::ControlAssessmentDto, crate::followup::api::ReviewDto, crate::archive::api::ArchiveDto, crate::requirements::api::EvidenceLinkBody, crate::requirements::api::EvidenceDto, crate::systems::api::IntegrationsBody, crate::systems::api::IntegrationsDto, crate::systems::api::SystemRefDto, crate::requirements::api::RequirementStatusDto, AssessmentDraft, crate::requirements::api::AssessmentDto, crate::risk::api::RiskMatrixDto, RiskAnalysisDraft, crate::risk::api::RiskAnalysisDto, crate::risk::api::RiskAnalysisPage, ScenarioDraft, crate::risk::api::ScenarioDto, crate::risk::api::HeatCellDto, crate::risk::api::HeatMapDto, MeasureDraft, crate::measures::api::MeasureDto, crate::measures::api::MeasurePage, crate::access::api::UserGroupDto, AccessAnalysisDraft, crate::access::api::AccessAnalysisDto, crate::followup::api::GapItemDto, crate::followup::api::GapDto, crate::followup::api::FollowUpDto, crate::followup::api::IncidentStatsDto, crate::followup::api::IncidentMonthDto, crate::outsourcing::api::CaseDto, crate::outsourcing::api::CasePage, crate::outsourcing::api::DecisionDto, crate::outsourcing::api::CaseAssessmentDto, tillit_domain::outsourcing_case::CaseDraft, tillit_domain::outsourcing_case::DecisionDraft, crate::incidents::api::IncidentDto, crate::incidents::api::IncidentPage, crate::incidents::api::ObligationDto, crate::incidents::api::SentReportDto, tillit_domain::incident_case::IncidentDraft, tillit_domain::incident_case::ReportSentDraft, tillit_domain::incident_case::LessonMeasureDraft, tillit_domain::incident_case::IncidentEntryDraft, crate::incidents::api::TimelineItemDto, crate::suppliers::api::SupplierDto, crate::suppliers::api::SupplierPage, crate::suppliers::api::SubprocessorDto, crate::suppliers::api::CertificationDto, tillit_domain::supplier::SupplierDraft, crate::systems::api::SystemDto, crate::systems::api::SystemPage, SystemDraft, SystemLevelsDraft, crate::assets::api::AssetDto, crate::assets::api::AssetPage, AssetDraft, crate::api::shared::LevelsDto, ClassificationDraft, crate::account::api::MeDto, crate::account::api::MembershipDto, crate::members::api::OrganisationDto, crate::members::api::SigningKeyDto, crate::submissions::api::SubmissionDto, tillit_domain::submission::SubmitDraft, crate::submissions::api::ScheduleDto, tillit_domain::submission::ScheduleDraft, crate::authority::api::RankDto, crate::authority::api::RankingDto, crate::authority::api::RegistryPageDto, crate::authority::api::ReceivedDto, crate::authority::api::ReceivedPageDto, crate::authority::api::ModelDto, tillit_domain::ranking::ModelDraft, tillit_domain::ranking::FactorDraft, tillit_domain::ranking::FactorKey, crate::supervision::api::SupervisionCaseDto, crate::supervision::api::SupervisionCasePageDto, crate::supervision::api::CreatedIdDto, crate::supervision::api::GuidanceDto, tillit_domain::supervision::FindingDraft, tillit_domain::supervision::ActionDraft, tillit_domain::supervision::CaseDraft, tillit_domain::supervision::RequestDraft, tillit_domain::supervision::DecisionDraft, tillit_domain::supervision::VerifyDraft, tillit_domain::supervision::CloseDraft, tillit_domain::supervision::NoteDraft, tillit_domain::supervision::ShareDraft, tillit_domain::supervision::TargetsDraft, tillit_domain::supervision::AnswerDraft, tillit_domain::supervision::ReportDraft, tillit_domain::supervision::GuidanceDraft, crate::members::api::OrganisationFactsDto, tillit_domain::org::OrgFactsDraft, crate::catalog::api::CatalogVersionDto, crate::catalog::api::PieceDto, crate::catalog::api::FieldChangeDto, crate::catalog::api::RequirementChangeDto, crate::catalog::api::CatalogDiffDto, crate::catalog::api::ScopeDto, crate::catalog::api::TouchedMeasureDto, crate::catalog::api::ImpactDto, crate::catalog::api::NewlyApplicableDto, crate::catalog::api::UpgradePlanDto, crate::catalog::api::UpgradeBody, crate::catalog::api::UpgradeOutcomeDto, crate::catalog::api::ReassessmentDto, crate::catalog::api::ReassessmentPage, crate::members::api::MemberDto, crate::members::api::MemberPage, crate::members::api::NewMemberDto, crate::members::api::InvitationDto, crate::members::api::RoleChangeDto, tillit_domain::role::DelegationDraft, crate::audit::api::AuditEventDto, crate::audit::api::AuditEventPage, crate::account::api::TokenDto, crate::account::api::NewTokenDto, crate::account::api::CreatedTokenDto, crate::api::shared::Problem, crate::api::shared::FieldProblem)),
    modifiers(&BearerAuth, &ProblemResponses),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// Documents what every operation can answer besides its own responses, as the API does it:
/// errors as `application/problem+json` (401 without credentials, 403 without the role or scope,
/// 404 for another organisation's or a missing object, 413/415/422 for a body, 422 for a query,
/// 429 after failed sign-ins, 503 past the request timeout). The rules of bodies and query
/// parameters are added by `rules`.
struct ProblemResponses;

impl utoipa::Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, Response};
        const PROBLEM: &str = "application/problem+json";
        let problem = |description: &str| {
            let content = utoipa::openapi::ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                .build();
            RefOr::T(
                utoipa::openapi::ResponseBuilder::new()
                    .description(description)
                    .content(PROBLEM, content)
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let path_has_id = path.contains('{');
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                // Problem documents are application/problem+json, not application/json.
                for r in op.responses.responses.values_mut() {
                    if let RefOr::T(Response { content, .. }) = r {
                        let is_problem = content.get("application/json").is_some_and(|c| {
                            matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"))
                        });
                        if is_problem {
                            if let Some(c) = content.shift_remove("application/json") {
                                content.insert(PROBLEM.to_string(), c);
                            }
                        }
                    }
                }
                if path == "/api/v1/openapi.json" {
                    continue;
                }
                let has_body = op.request_body.is_some();
                let has_query = op.parameters.as_ref().is_some_and(|ps| {
                    ps.iter().any(|p| {
                        matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query)
                    })
                });
                let mut add = |status: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| problem(description));
                };
                add(
                    "401",
                    "Not signed in: no, an unknown or an expired token or session.",
                );
                add("403", "The role or the token's scopes do not allow it (or a session without the CSRF token, or a one-time password not yet changed).");
                add(
                    "503",
                    "The request took longer than the server's request timeout.",
                );
                if path_has_id {
                    add(
                        "404",
                        "No such object in the organisation the request acts in.",
                    );
                }
                if has_body {
                    add("413", "The body is larger than accepted.");
                    add("415", "The body is not application/json.");
                    add(
                        "422",
                        "The body breaks a rule this document states; each error names the field and the rule.",
                    );
                    add("409", "The body is well formed but does not fit the organisation's records as they are now: an id it does not have, a name it already uses, a value beyond its risk matrix, a motivation its recorded levels call for, a member whose role does not allow it, or a date today's date rules out (signed after today, due before today). Each error names the field and the rule.");
                }
                if has_query {
                    add(
                        "422",
                        "A query parameter breaks a rule; each error names it.",
                    );
                }
            }
        }
    }
}

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document as served: the derived document with the domain's rules added.
pub fn document() -> serde_json::Value {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        rules::apply(&mut doc);
        doc
    })
    .clone()
}

async fn openapi() -> Response {
    Json(document()).into_response()
}

//! Requirements and self-assessment: what applies to a system and why, the organisation-wide
//! requirements, one requirement with its assessment, evidence and history.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::FormFields;
use crate::forms::Params;
use crate::i18n::Tr;
use crate::pages::Notice;
use crate::pages::{notice_from, show_time, Choice, FieldError, PageCommon};
use crate::render::{page, see_other};
use askama::Template;
use axum::extract::{Multipart, Path};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use tillit_app::library::{Applicable, Library};
use tillit_app::views::Assessment;
use tillit_domain::assessment::{Source, Status, Tally};
use tillit_domain::ids::*;
use tillit_domain::requirements::Trigger;
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

/// Where a requirement is assessed: one system, or the whole organisation.
#[derive(Clone)]
struct Scope {
    system_id: Option<String>,
    system_name: Option<String>,
    /// What selects the requirements that apply in this scope.
    triggers: Vec<Trigger>,
}

impl Scope {
    fn base(&self) -> String {
        match &self.system_id {
            Some(id) => format!("/systems/{id}/requirements"),
            None => "/requirements".into(),
        }
    }
}

pub fn trigger_label(tr: &Tr, t: &Trigger) -> String {
    match t {
        Trigger::Aspect { aspect, level } => tr.f(
            "trigger-aspect",
            &[
                ("aspect", tr.t(&format!("aspect-{}", aspect.aspect().key()))),
                ("level", level.to_string()),
                ("name", tr.t(&format!("level-{level}"))),
            ],
        ),
        other => tr.t(&format!("trigger-{}", other.profile())),
    }
}

pub fn status_label(tr: &Tr, s: Option<Status>) -> String {
    match s {
        Some(s) => tr.t(&format!("status-{}", s.key().replace('_', "-"))),
        None => tr.t("status-unassessed"),
    }
}

pub struct ReqRow {
    /// Assessed once for the whole organisation (shown on a system's list).
    pub from_organisation: bool,
    pub href: String,
    pub label: String,
    pub title: String,
    pub provisions: String,
    pub reasons: Vec<String>,
    pub status: String,
    pub status_key: String,
}

pub struct AreaBlock {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub rows: Vec<ReqRow>,
}

/// Groups applicable requirements by area, with the compliance of each area and of all.
fn area_blocks(
    tr: &Tr,
    lib: &Library,
    applicable: &[Applicable<'_>],
    assessed: &HashMap<String, (Status, Source)>,
    base: &str,
) -> (Vec<AreaBlock>, Tally) {
    let lang = tr.lang();
    let mut total = Tally::default();
    let mut blocks = Vec::new();
    for area in &lib.areas {
        let mut tally = Tally::default();
        let rows: Vec<ReqRow> = applicable
            .iter()
            .filter(|a| a.requirement.area == area.id)
            .map(|a| {
                let r = a.requirement;
                let found = assessed.get(&r.id).copied();
                let s = found.map(|(s, _)| s);
                tally.add(s);
                total.add(s);
                ReqRow {
                    from_organisation: matches!(found, Some((_, Source::Organisation))),
                    href: format!("{base}/{}", r.id),
                    label: r.label.clone(),
                    title: r.title(lang).to_string(),
                    provisions: r.provisions.join("; "),
                    reasons: a.reasons.iter().map(|t| trigger_label(tr, t)).collect(),
                    status: status_label(tr, s),
                    status_key: s.map(|s| s.key()).unwrap_or("unassessed").replace('_', "-"),
                }
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        blocks.push(AreaBlock {
            id: area.id.clone(),
            title: area.title(lang).to_string(),
            summary: tally_summary(tr, &tally),
            rows,
        });
    }
    (blocks, total)
}

pub fn tally_summary(tr: &Tr, t: &Tally) -> String {
    tr.f(
        "requirements-tally",
        &[
            ("assessed", t.assessed().to_string()),
            ("applicable", t.applicable.to_string()),
            (
                "compliance",
                t.compliance_percent()
                    .map(|p| format!("{p} %"))
                    .unwrap_or_else(|| "–".into()),
            ),
        ],
    )
}

#[derive(Template)]
#[template(path = "requirements.html")]
struct RequirementsPage {
    c: PageCommon,
    heading: String,
    intro: String,
    back: Option<(String, String)>,
    total: String,
    areas: Vec<AreaBlock>,
    library: String,
}

fn status_map(list: Vec<Assessment>) -> HashMap<String, (Status, Source)> {
    list.into_iter()
        .map(|a| (a.requirement_id, (a.status, Source::System)))
        .collect()
}

/// The requirements that apply to one system, grouped by area, with why and their status.
pub async fn for_system(m: Member, Path(id): Path<SystemId>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let sys = tillit_app::systems::system(m.app(), &m.who, &id).await?;
    let (facts, lib) = tillit_app::assessments::org_context(m.app(), &m.who).await?;
    let triggers = tillit_app::assessments::system_triggers(&sys, &facts);
    let applicable = lib.applicable(&triggers);
    let assessed = tillit_app::assessments::system_statuses(m.app(), &m.who, id.as_str()).await?;
    let base = format!("/systems/{id}/requirements");
    let (areas, total) = area_blocks(tr, &lib, &applicable, &assessed, &base);
    let mut intro = tr.t("requirements-system-intro");
    if sys.effective().is_none() {
        intro = format!("{intro} {}", tr.t("requirements-unclassified"));
    }
    let tpl = RequirementsPage {
        c: PageCommon::member(
            &m,
            tr.f(
                "requirements-system-heading",
                &[("name", sys.input.name.clone())],
            ),
            "/systems",
        ),
        heading: tr.f(
            "requirements-system-heading",
            &[("name", sys.input.name.clone())],
        ),
        intro,
        back: Some((
            format!("/systems/{id}"),
            tr.f("back-to", &[("name", sys.input.name)]),
        )),
        total: tally_summary(tr, &total),
        areas,
        library: library_line(tr, &lib),
    };
    Ok(page(StatusCode::OK, &tpl))
}

fn library_line(tr: &Tr, lib: &Library) -> String {
    tr.f(
        "requirements-library",
        &[
            ("title", lib.title.clone()),
            ("version", lib.version.clone()),
        ],
    )
}

/// The organisation-wide requirements (governance and incidents) and their assessment.
pub async fn for_organisation(m: Member) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let (facts, lib) = tillit_app::assessments::org_context(m.app(), &m.who).await?;
    let triggers = tillit_app::assessments::organisation_triggers(&facts);
    let applicable = lib.applicable(&triggers);
    let assessed = status_map(tillit_app::assessments::assessments(m.app(), &m.who, None).await?);
    let (areas, total) = area_blocks(tr, &lib, &applicable, &assessed, "/requirements");
    let tpl = RequirementsPage {
        c: PageCommon::member(&m, tr.t("requirements-org-heading"), "/requirements"),
        heading: tr.t("requirements-org-heading"),
        intro: tr.t("requirements-org-intro"),
        back: None,
        total: tally_summary(tr, &total),
        areas,
        library: library_line(tr, &lib),
    };
    Ok(page(StatusCode::OK, &tpl))
}

pub struct EvidenceRow {
    pub id: String,
    pub label: String,
    pub href: String,
    pub detail: String,
    pub by: String,
}

/// What a row of a link or file shows, whatever it is attached to.
pub struct FileFacts<'a> {
    pub id: String,
    /// Where a file downloads from.
    pub download: String,
    pub kind: &'a str,
    pub url: Option<&'a str>,
    pub file_name: Option<&'a str>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<&'a str>,
    pub added_by: &'a str,
    pub added_at: &'a str,
}

/// A link or a file as a list row: a file with its size and SHA-256, a link as itself.
pub fn file_row(tr: &Tr, f: &FileFacts<'_>) -> EvidenceRow {
    let by = format!("{}, {}", f.added_by, show_time(f.added_at));
    match f.kind {
        "file" => EvidenceRow {
            href: f.download.clone(),
            label: f.file_name.unwrap_or_default().to_string(),
            detail: tr.f(
                "evidence-file-detail",
                &[
                    (
                        "size",
                        ((f.size_bytes.unwrap_or(0) + 1023) / 1024).to_string(),
                    ),
                    ("sha", f.sha256.unwrap_or_default().to_string()),
                ],
            ),
            by,
            id: f.id.clone(),
        },
        _ => EvidenceRow {
            href: f.url.unwrap_or_default().to_string(),
            label: f.url.unwrap_or_default().to_string(),
            detail: tr.t("evidence-link"),
            by,
            id: f.id.clone(),
        },
    }
}

/// The form that attaches a link or a file (evidence, an incident's attachments).
pub struct AttachForm {
    pub action: String,
    pub errors: Vec<FieldError>,
    pub accept: String,
    pub help: String,
    pub submit: String,
}

impl AttachForm {
    pub fn new(tr: &Tr, action: String, submit: &str, errors: Option<&ValidationErrors>) -> Self {
        AttachForm {
            action,
            errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
            accept: accept(),
            help: file_help(tr),
            submit: tr.t(submit),
        }
    }
}

/// The help of a file field: the types and the largest size accepted.
pub fn file_help(tr: &Tr) -> String {
    tr.f(
        "evidence-file-help",
        &[(
            "mib",
            (tillit_domain::assessment::MAX_EVIDENCE_BYTES / (1024 * 1024)).to_string(),
        )],
    )
}

/// The file types a file field accepts, as its `accept` attribute.
pub fn accept() -> String {
    tillit_domain::assessment::EVIDENCE_TYPES
        .iter()
        .map(|(e, _)| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(",")
}

pub struct HistoryRow {
    pub at: String,
    pub status: String,
    pub motivation: String,
    pub comment: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "requirement.html")]
struct RequirementPage {
    c: PageCommon,
    action: String,
    back_href: String,
    back_label: String,
    label: String,
    title: String,
    statement: String,
    guidance: String,
    provisions: Vec<String>,
    iso: String,
    reasons: Vec<String>,
    current: Option<(String, String)>,
    statuses: Vec<Choice>,
    motivation: String,
    comment: String,
    may_assess: bool,
    assessed: bool,
    evidence: Vec<EvidenceRow>,
    history: Vec<HistoryRow>,
    errors: Vec<FieldError>,
    attach: AttachForm,
    /// The measures that answer the requirement in this scope: (id, title, status and due day).
    measures: Vec<(String, String, String)>,
    /// The new-measure form with this requirement filled in, for a user who may add one.
    new_measure: Option<String>,
}

struct Shown<'a> {
    form: Option<&'a FormFields>,
    errors: Option<&'a ValidationErrors>,
    evidence_errors: Option<&'a ValidationErrors>,
    status: StatusCode,
    notice: Option<String>,
}

async fn scope_of(m: &Member, system_id: Option<String>) -> AppResult<Scope> {
    let (facts, _) = tillit_app::assessments::org_context(m.app(), &m.who).await?;
    Ok(match system_id {
        Some(id) => {
            let s = tillit_app::systems::system(m.app(), &m.who, &SystemId::from(id)).await?;
            Scope {
                triggers: tillit_app::assessments::system_triggers(&s, &facts),
                system_id: Some(s.id.into()),
                system_name: Some(s.input.name),
            }
        }
        None => Scope {
            system_id: None,
            system_name: None,
            triggers: tillit_app::assessments::organisation_triggers(&facts),
        },
    })
}

async fn render_requirement(
    m: &Member,
    scope: &Scope,
    requirement_id: &str,
    shown: Shown<'_>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let lang = tr.lang();
    let lib = m.app().library(&m.who);
    let req = lib.requirement(requirement_id).ok_or(AppError::NotFound)?;
    let reasons = lib
        .reasons(&scope.triggers, requirement_id)
        .ok_or(AppError::NotFound)?;
    let current = tillit_app::assessments::assessment(
        m.app(),
        &m.who,
        scope.system_id.as_deref(),
        requirement_id,
    )
    .await?;
    let answers = tillit_domain::measure::RequirementRef {
        system_id: scope.system_id.clone(),
        requirement_id: req.id.clone(),
    };
    let measures = tillit_app::measures::all_measures(
        m.app(),
        &m.who,
        &tillit_app::views::MeasureQuery {
            answers: Some(answers.clone()),
            ..Default::default()
        },
        tillit_app::views::MeasureOrder::Due,
    )
    .await?
    .into_iter()
    .map(|x| {
        let detail = crate::measures::pages::status_and_due(tr, &x);
        (x.id.to_string(), x.input.title, detail)
    })
    .collect();
    let (evidence, history) = match &current {
        Some(a) => tillit_app::assessments::evidence_and_history(m.app(), &m.who, &a.id).await?,
        None => (vec![], vec![]),
    };
    let chosen = shown
        .form
        .map(|f| f.get("status").to_string())
        .or_else(|| current.as_ref().map(|a| a.status.key().to_string()))
        .unwrap_or_default();
    let statuses = Status::ALL
        .into_iter()
        .map(|s| Choice {
            key: s.key().to_string(),
            label: status_label(tr, Some(s)),
            selected: s.key() == chosen,
        })
        .collect();
    let keep = |k: &str, from: Option<String>| {
        shown
            .form
            .map(|f| f.get(k).to_string())
            .unwrap_or_else(|| from.unwrap_or_default())
    };
    let base = scope.base();
    let (back_href, back_label) = match (&scope.system_id, &scope.system_name) {
        (Some(_), Some(name)) => (
            base.clone(),
            tr.f("requirements-back-system", &[("name", name.clone())]),
        ),
        _ => (base.clone(), tr.t("requirements-back-org")),
    };
    let tpl = RequirementPage {
        c: PageCommon::member(
            m,
            format!("{} {}", req.label, req.title(lang)),
            if scope.system_id.is_some() {
                "/systems"
            } else {
                "/requirements"
            },
        )
        .with_notice(shown.notice),
        action: format!("{base}/{}", req.id),
        back_href,
        back_label,
        label: req.label.clone(),
        title: req.title(lang).to_string(),
        statement: req.statement(lang).to_string(),
        guidance: req.guidance(lang).to_string(),
        provisions: req.provisions.clone(),
        iso: req
            .iso
            .iter()
            .map(|n| format!("ISO/IEC 27002:2022 {n}"))
            .chain(
                req.iso27001
                    .iter()
                    .map(|n| format!("ISO/IEC 27001:2022 {n}")),
            )
            .collect::<Vec<_>>()
            .join(", "),
        reasons: reasons.iter().map(|t| trigger_label(tr, t)).collect(),
        current: current.as_ref().map(|a| {
            (
                status_label(tr, Some(a.status)),
                tr.f(
                    "requirements-assessed-by",
                    &[
                        ("by", a.assessed_by.clone()),
                        ("at", show_time(&a.assessed_at)),
                    ],
                ),
            )
        }),
        statuses,
        motivation: keep(
            "motivation",
            current.as_ref().and_then(|a| a.motivation.clone()),
        ),
        comment: keep("comment", current.as_ref().and_then(|a| a.comment.clone())),
        may_assess: m.may(Permission::Assess),
        measures,
        new_measure: m
            .may(Permission::EditRegisters)
            .then(|| format!("/measures/new?requirement={}", answers.key())),
        assessed: current.is_some(),
        evidence: evidence
            .into_iter()
            .map(|e| {
                file_row(
                    tr,
                    &FileFacts {
                        id: e.id.to_string(),
                        download: format!("/evidence/{}", e.id),
                        kind: &e.kind,
                        url: e.url.as_deref(),
                        file_name: e.file_name.as_deref(),
                        size_bytes: e.size_bytes,
                        sha256: e.sha256.as_deref(),
                        added_by: &e.added_by,
                        added_at: &e.added_at,
                    },
                )
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| HistoryRow {
                at: show_time(&h.assessed_at),
                status: status_label(tr, Some(h.status)),
                motivation: h.motivation.unwrap_or_default(),
                comment: h.comment.unwrap_or_default(),
                by: h.assessed_by,
            })
            .collect(),
        errors: shown
            .errors
            .map(|e| FieldError::list(tr, e))
            .unwrap_or_default(),
        attach: AttachForm::new(
            tr,
            format!("{base}/{}/evidence", req.id),
            "evidence-add",
            shown.evidence_errors,
        ),
    };
    Ok(page(shown.status, &tpl))
}

fn shown_ok(notice: Option<String>) -> Shown<'static> {
    Shown {
        form: None,
        errors: None,
        evidence_errors: None,
        status: StatusCode::OK,
        notice,
    }
}

pub async fn show_system_requirement(
    m: Member,
    Path((id, rid)): Path<(String, String)>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let scope = scope_of(&m, Some(id)).await?;
    let notice = notice_from(&m.ctx.tr, notice.done.as_deref());
    render_requirement(&m, &scope, &rid, shown_ok(notice)).await
}

pub async fn show_org_requirement(
    m: Member,
    Path(rid): Path<String>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let scope = scope_of(&m, None).await?;
    let notice = notice_from(&m.ctx.tr, notice.done.as_deref());
    render_requirement(&m, &scope, &rid, shown_ok(notice)).await
}

async fn assess(m: &Member, scope: Scope, rid: &str, form: &FormFields) -> AppResult<Response> {
    m.require(Permission::Assess)?;
    if m.app()
        .library(&m.who)
        .reasons(&scope.triggers, rid)
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    let result = match form.draft::<tillit_domain::assessment::AssessmentDraft>() {
        Ok(d) => {
            tillit_app::assessments::assess(m.app(), &m.who, scope.system_id.as_deref(), rid, &d)
                .await
                .map_err(AppError::from)
        }
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "{}/{rid}?done=assessment-saved",
            scope.base()
        ))),
        Err(AppError::Invalid(v)) => {
            render_requirement(
                m,
                &scope,
                rid,
                Shown {
                    form: Some(form),
                    errors: Some(&v),
                    evidence_errors: None,
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    notice: None,
                },
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn assess_system_requirement(
    m: Member,
    Path((id, rid)): Path<(String, String)>,
    form: FormFields,
) -> AppResult<Response> {
    let scope = scope_of(&m, Some(id)).await?;
    assess(&m, scope, &rid, &form).await
}

pub async fn assess_org_requirement(
    m: Member,
    Path(rid): Path<String>,
    form: FormFields,
) -> AppResult<Response> {
    let scope = scope_of(&m, None).await?;
    assess(&m, scope, &rid, &form).await
}

fn malformed() -> AppError {
    AppError::Invalid(ValidationErrors::single(
        "file",
        tillit_domain::Rule::InvalidFormat,
    ))
}

/// The fields of an evidence form (link or file), read from a multipart body.
#[derive(Default)]
pub(crate) struct EvidenceForm {
    pub url: String,
    pub file_name: String,
    pub content: Vec<u8>,
}

pub(crate) async fn read_evidence_form(mut mp: Multipart) -> AppResult<EvidenceForm> {
    let mut f = EvidenceForm::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge)
            }
            Err(_) => return Err(malformed()),
        };
        match field.name().unwrap_or("") {
            "url" => f.url = field.text().await.map_err(|_| malformed())?,
            "file" => {
                f.file_name = field.file_name().unwrap_or("").to_string();
                f.content = field
                    .bytes()
                    .await
                    .map_err(|e| {
                        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                            AppError::PayloadTooLarge
                        } else {
                            malformed()
                        }
                    })?
                    .to_vec();
            }
            _ => {}
        }
    }
    Ok(f)
}

async fn add_evidence(m: &Member, scope: Scope, rid: &str, mp: Multipart) -> AppResult<Response> {
    m.require(Permission::Assess)?;
    let form = read_evidence_form(mp).await?;
    let is_file = !form.content.is_empty() || !form.file_name.is_empty();
    let added = if !is_file && form.url.trim().is_empty() {
        // Neither given: say that either will do, not that the link is required.
        Err(tillit_app::Error::Invalid(ValidationErrors::single(
            "url",
            tillit_domain::Rule::LinkOrFile,
        )))
    } else if is_file {
        tillit_app::assessments::add_evidence_file(
            m.app(),
            &m.who,
            scope.system_id.as_deref(),
            rid,
            &form.file_name,
            &form.content,
        )
        .await
    } else {
        tillit_app::assessments::add_evidence_link(
            m.app(),
            &m.who,
            scope.system_id.as_deref(),
            rid,
            &form.url,
        )
        .await
    };
    match added {
        Ok(_) => Ok(see_other(&format!(
            "{}/{rid}?done=evidence-added",
            scope.base()
        ))),
        Err(tillit_app::Error::Invalid(v)) => {
            render_requirement(
                m,
                &scope,
                rid,
                Shown {
                    form: None,
                    errors: None,
                    evidence_errors: Some(&v),
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    notice: None,
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn add_system_evidence(
    m: Member,
    Path((id, rid)): Path<(String, String)>,
    mp: Multipart,
) -> AppResult<Response> {
    let scope = scope_of(&m, Some(id)).await?;
    add_evidence(&m, scope, &rid, mp).await
}

pub async fn add_org_evidence(
    m: Member,
    Path(rid): Path<String>,
    mp: Multipart,
) -> AppResult<Response> {
    let scope = scope_of(&m, None).await?;
    add_evidence(&m, scope, &rid, mp).await
}

/// Downloads an evidence file as an attachment (never shown inline).
pub async fn download_evidence(m: Member, Path(id): Path<EvidenceId>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let (ev, content) = tillit_app::assessments::evidence_file(m.app(), &m.who, &id).await?;
    Ok(download(
        ev.file_name.as_deref().unwrap_or("evidence"),
        ev.media_type.as_deref(),
        content,
    ))
}

/// A stored file as a download (never shown inline): its name made safe for the header, its
/// media type as recorded.
pub(crate) fn download(name: &str, media_type: Option<&str>, content: Vec<u8>) -> Response {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut res = content.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media_type.unwrap_or("application/octet-stream"))
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// Removes a piece of evidence and returns to the requirement it belonged to.
pub async fn remove_evidence(
    m: Member,
    Path(id): Path<EvidenceId>,
    _form: FormFields,
) -> AppResult<Response> {
    m.require(Permission::Assess)?;
    let back = tillit_app::assessments::remove_evidence(m.app(), &m.who, &id).await?;
    let base = match back.system_id {
        Some(s) => format!("/systems/{s}/requirements"),
        None => "/requirements".into(),
    };
    Ok(see_other(&format!(
        "{base}/{}?done=evidence-removed",
        back.requirement_id
    )))
}

//! Additional libraries (OSCAL imports) and OSCAL exports: `/libraries` (list and import),
//! `/libraries/{id}` (its controls, the systems assessed against it), a system's assessment
//! against a library (`/systems/{id}/libraries/{lid}`) control by control, and a system's OSCAL
//! documents (`/systems/{id}/oscal/{kind}`).

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::{FormFields, Params};
use crate::pages::{notice_from, show_time, Choice, FieldError, Notice, PageCommon};
use crate::render::{page, see_other};
use crate::requirements::pages::{download, status_label};
use askama::Template;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::oscal::{ExportKind, Upload};
use tillit_app::views::OscalLibrary;
use tillit_domain::assessment::{AssessmentDraft, Status};
use tillit_domain::ids::SystemId;
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;
use tillit_oscal::Format;

pub struct LibraryRow {
    pub href: String,
    pub title: String,
    pub version: String,
    pub source: String,
    pub controls: i64,
    pub systems: i64,
    pub imported: String,
}

#[derive(Template)]
#[template(path = "libraries.html")]
struct LibrariesPage {
    c: PageCommon,
    rows: Vec<LibraryRow>,
    may_import: bool,
    errors: Vec<FieldError>,
    own_catalog_link: String,
}

fn source_of(tr: &crate::i18n::Tr, l: &OscalLibrary) -> String {
    match &l.profile_title {
        Some(p) => tr.f(
            "libraries-source-profile",
            &[("catalog", l.catalog_title.clone()), ("profile", p.clone())],
        ),
        None => l.catalog_title.clone(),
    }
}

async fn render_list(
    m: &Member,
    errors: Option<&ValidationErrors>,
    status: StatusCode,
    notice: Option<String>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let list = tillit_app::oscal::libraries(m.app(), &m.who).await?;
    let rows = list
        .iter()
        .map(|l| LibraryRow {
            href: format!("/libraries/{}", l.id),
            title: l.title.clone(),
            version: l.version.clone(),
            source: source_of(tr, l),
            controls: l.control_count,
            systems: l.systems,
            imported: format!("{} ({})", show_time(&l.imported_at), l.imported_by),
        })
        .collect();
    let tpl = LibrariesPage {
        c: PageCommon::member(m, tr.t("libraries-title"), "/libraries").with_notice(notice),
        rows,
        may_import: m.may(Permission::UpgradeCatalog),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
        own_catalog_link: tr.f(
            "libraries-own-catalog-link",
            &[("version", m.app().library(&m.who).key.clone())],
        ),
    };
    Ok(page(status, &tpl))
}

pub async fn list(m: Member, Params(notice): Params<Notice>) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, notice.done.as_deref());
    render_list(&m, None, StatusCode::OK, notice).await
}

fn malformed() -> AppError {
    AppError::Invalid(ValidationErrors::single(
        "catalog",
        tillit_domain::Rule::InvalidFormat,
    ))
}

/// The catalog and profile files of the import form.
async fn read_upload(mut mp: Multipart) -> AppResult<(Upload, Option<Upload>)> {
    let mut catalog = Upload {
        name: String::new(),
        bytes: Vec::new(),
    };
    let mut profile = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge)
            }
            Err(_) => return Err(malformed()),
        };
        let name = field.name().unwrap_or("").to_string();
        if name != "catalog" && name != "profile" {
            continue;
        }
        let file_name = field.file_name().unwrap_or("").to_string();
        let bytes = field
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
        let u = Upload {
            name: file_name,
            bytes,
        };
        if name == "catalog" {
            catalog = u;
        } else if !u.bytes.is_empty() {
            profile = Some(u);
        }
    }
    Ok((catalog, profile))
}

pub async fn import(m: Member, mp: Multipart) -> AppResult<Response> {
    m.require(Permission::UpgradeCatalog)?;
    let (catalog, profile) = match read_upload(mp).await {
        Ok(x) => x,
        Err(AppError::Invalid(v)) => {
            return render_list(&m, Some(&v), StatusCode::UNPROCESSABLE_ENTITY, None).await
        }
        Err(e) => return Err(e),
    };
    match tillit_app::oscal::import_library(m.app(), &m.who, catalog, profile).await {
        Ok(l) => Ok(see_other(&format!(
            "/libraries/{}?done=library-imported",
            l.id
        ))),
        Err(tillit_app::Error::Invalid(v)) => {
            render_list(&m, Some(&v), StatusCode::UNPROCESSABLE_ENTITY, None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct ControlLine {
    pub label: String,
    pub title: String,
    pub href: Option<String>,
    pub enhancement: bool,
    pub status: String,
    pub status_key: String,
}

pub struct GroupBlock {
    pub title: String,
    pub controls: Vec<ControlLine>,
}

fn groups_of(lines: Vec<(Option<String>, ControlLine)>) -> Vec<GroupBlock> {
    let mut out: Vec<GroupBlock> = Vec::new();
    for (group, line) in lines {
        let title = group.unwrap_or_default();
        match out.last_mut() {
            Some(g) if g.title == title => g.controls.push(line),
            _ => out.push(GroupBlock {
                title,
                controls: vec![line],
            }),
        }
    }
    out
}

#[derive(Template)]
#[template(path = "library.html")]
struct LibraryPage {
    c: PageCommon,
    id: String,
    title: String,
    facts: Vec<(String, String)>,
    groups: Vec<GroupBlock>,
    systems: Vec<(String, String)>,
    may_remove: bool,
    errors: Vec<FieldError>,
}

async fn render_library(
    m: &Member,
    id: &str,
    errors: Option<&ValidationErrors>,
    status: StatusCode,
    notice: Option<String>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let v = tillit_app::oscal::library(m.app(), &m.who, id).await?;
    let l = &v.library;
    let facts = vec![
        (tr.t("libraries-version"), l.version.clone()),
        (tr.t("libraries-source"), source_of(tr, l)),
        (tr.t("libraries-oscal-version"), l.oscal_version.clone()),
        (tr.t("libraries-controls"), l.control_count.to_string()),
        (
            tr.t("libraries-imported"),
            format!("{} ({})", show_time(&l.imported_at), l.imported_by),
        ),
        (tr.t("libraries-sha256"), l.sha256.clone()),
    ];
    let lines = v
        .controls
        .iter()
        .map(|c| {
            (
                c.group_title.clone(),
                ControlLine {
                    label: c.label.clone(),
                    title: c.title.clone(),
                    href: None,
                    enhancement: c.parent_id.is_some(),
                    status: String::new(),
                    status_key: String::new(),
                },
            )
        })
        .collect();
    let tpl = LibraryPage {
        c: PageCommon::member(m, l.title.clone(), "/libraries").with_notice(notice),
        id: l.id.clone(),
        title: l.title.clone(),
        facts,
        groups: groups_of(lines),
        may_remove: m.may(Permission::UpgradeCatalog) && v.systems.is_empty(),
        systems: v.systems.clone(),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(status, &tpl))
}

pub async fn show(
    m: Member,
    Path(id): Path<String>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, notice.done.as_deref());
    render_library(&m, &id, None, StatusCode::OK, notice).await
}

pub async fn remove(m: Member, Path(id): Path<String>, _form: FormFields) -> AppResult<Response> {
    match tillit_app::oscal::remove_library(m.app(), &m.who, &id).await {
        Ok(()) => Ok(see_other("/libraries?done=library-removed")),
        Err(tillit_app::Error::Invalid(v)) => {
            render_library(&m, &id, Some(&v), StatusCode::CONFLICT, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The resolved catalog of a library as imported.
pub async fn download_catalog(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    let doc = tillit_app::oscal::library_catalog(m.app(), &m.who, &id).await?;
    let text = tillit_app::oscal::write(&doc, Format::Json)?;
    Ok(download(
        &format!("library-{id}-catalog.json"),
        Some("application/oscal.catalog+json"),
        text.into_bytes(),
    ))
}

/// The organisation's version of Tillit's own catalog, as OSCAL.
pub async fn download_builtin(m: Member) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let key = m.app().library(&m.who).key.clone();
    let bytes = tillit_app::library::builtin_catalog_json(&key).ok_or(AppError::NotFound)?;
    Ok(download(
        &format!("tillit-vard-omsorg-v{key}-catalog.json"),
        Some("application/oscal.catalog+json"),
        bytes.to_vec(),
    ))
}

/// Starts assessing a system against a library.
pub async fn adopt(m: Member, Path(id): Path<SystemId>, form: FormFields) -> AppResult<Response> {
    let lib = form.get("library_id").to_string();
    if lib.is_empty() {
        return Err(AppError::Invalid(ValidationErrors::single(
            "library_id",
            tillit_domain::Rule::Required,
        )));
    }
    tillit_app::oscal::adopt_library(m.app(), &m.who, &id, &lib).await?;
    Ok(see_other(&format!(
        "/systems/{id}/libraries/{lib}?done=library-adopted"
    )))
}

pub async fn drop_library(
    m: Member,
    Path((id, lib)): Path<(SystemId, String)>,
    _form: FormFields,
) -> AppResult<Response> {
    tillit_app::oscal::drop_library(m.app(), &m.who, &id, &lib).await?;
    Ok(see_other(&format!("/systems/{id}?done=library-dropped")))
}

#[derive(Template)]
#[template(path = "system_library.html")]
struct SystemLibraryPage {
    c: PageCommon,
    system_id: String,
    system_name: String,
    back_label: String,
    library_id: String,
    title: String,
    summary: String,
    tally: Vec<(String, String, usize)>,
    groups: Vec<GroupBlock>,
    may_assess: bool,
}

pub async fn system_library(
    m: Member,
    Path((id, lib)): Path<(SystemId, String)>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let v = tillit_app::oscal::system_library(m.app(), &m.who, &id, &lib).await?;
    let base = format!("/systems/{id}/libraries/{lib}/controls");
    let lines = v
        .rows
        .iter()
        .map(|r| {
            let status = r.assessment.as_ref().map(|a| a.status);
            (
                r.control.group_title.clone(),
                ControlLine {
                    label: r.control.label.clone(),
                    title: r.control.title.clone(),
                    href: Some(format!("{base}/{}", r.control.id)),
                    enhancement: r.control.parent_id.is_some(),
                    status: status_label(tr, status),
                    status_key: status.map(|s| s.key()).unwrap_or("unassessed").to_string(),
                },
            )
        })
        .collect();
    let mut tally: Vec<(String, String, usize)> = Status::ALL
        .into_iter()
        .map(|s| {
            (
                s.key().to_string(),
                status_label(tr, Some(s)),
                v.counts.get(s.key()).copied().unwrap_or(0),
            )
        })
        .collect();
    tally.push((
        "unassessed".into(),
        status_label(tr, None),
        v.rows.len() - v.assessed,
    ));
    let tpl = SystemLibraryPage {
        c: PageCommon::member(
            &m,
            format!("{} — {}", v.system.input.name, v.library.title),
            "/systems",
        )
        .with_notice(notice_from(tr, notice.done.as_deref())),
        system_id: id.to_string(),
        system_name: v.system.input.name.clone(),
        back_label: tr.f("back-to", &[("name", v.system.input.name.clone())]),
        library_id: lib.clone(),
        title: v.library.title.clone(),
        summary: tr.f(
            "libraries-assessed-summary",
            &[
                ("assessed", v.assessed.to_string()),
                ("total", v.rows.len().to_string()),
            ],
        ),
        tally,
        groups: groups_of(lines),
        may_assess: m.may(Permission::Assess),
    };
    Ok(page(StatusCode::OK, &tpl))
}

pub struct HistoryLine {
    pub at: String,
    pub status: String,
    pub motivation: String,
    pub comment: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "library_control.html")]
struct ControlPage {
    c: PageCommon,
    back_href: String,
    back_label: String,
    action: String,
    label: String,
    title: String,
    /// Each line with how deep the catalog nests it (0–3).
    statement: Vec<(usize, String)>,
    guidance: String,
    group: String,
    current: Option<(String, String)>,
    statuses: Vec<Choice>,
    motivation: String,
    comment: String,
    may_assess: bool,
    errors: Vec<FieldError>,
    history: Vec<HistoryLine>,
}

async fn render_control(
    m: &Member,
    ids: (&SystemId, &str, &str),
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
    status: StatusCode,
    notice: Option<String>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let (sid, lib, cid) = ids;
    let v = tillit_app::oscal::control(m.app(), &m.who, sid, lib, cid).await?;
    let chosen = form
        .map(|f| f.get("status").to_string())
        .or_else(|| v.current.as_ref().map(|a| a.status.key().to_string()))
        .unwrap_or_default();
    let keep = |k: &str, from: Option<String>| {
        form.map(|f| f.get(k).to_string())
            .unwrap_or_else(|| from.unwrap_or_default())
    };
    let tpl = ControlPage {
        c: PageCommon::member(
            m,
            format!("{} {}", v.control.label, v.control.title),
            "/systems",
        )
        .with_notice(notice),
        back_href: format!("/systems/{sid}/libraries/{lib}"),
        back_label: tr.f(
            "libraries-back-system",
            &[
                ("system", v.system.input.name.clone()),
                ("library", v.library.title.clone()),
            ],
        ),
        action: format!("/systems/{sid}/libraries/{lib}/controls/{cid}"),
        label: v.control.label.clone(),
        title: v.control.title.clone(),
        statement: v
            .control
            .statement
            .lines()
            .map(|l| {
                let text = l.trim_start();
                (((l.len() - text.len()) / 2).min(3), text.to_string())
            })
            .collect(),
        guidance: v.control.guidance.clone(),
        group: v.control.group_title.clone().unwrap_or_default(),
        current: v.current.as_ref().map(|a| {
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
        statuses: Status::ALL
            .into_iter()
            .map(|s| Choice {
                key: s.key().to_string(),
                label: status_label(tr, Some(s)),
                selected: s.key() == chosen,
            })
            .collect(),
        motivation: keep(
            "motivation",
            v.current.as_ref().and_then(|a| a.motivation.clone()),
        ),
        comment: keep(
            "comment",
            v.current.as_ref().and_then(|a| a.comment.clone()),
        ),
        may_assess: m.may(Permission::Assess),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
        history: v
            .history
            .iter()
            .map(|h| HistoryLine {
                at: show_time(&h.assessed_at),
                status: status_label(tr, Some(h.status)),
                motivation: h.motivation.clone().unwrap_or_default(),
                comment: h.comment.clone().unwrap_or_default(),
                by: h.assessed_by.clone(),
            })
            .collect(),
    };
    Ok(page(status, &tpl))
}

pub async fn show_control(
    m: Member,
    Path((id, lib, cid)): Path<(SystemId, String, String)>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, notice.done.as_deref());
    render_control(&m, (&id, &lib, &cid), None, None, StatusCode::OK, notice).await
}

pub async fn assess_control(
    m: Member,
    Path((id, lib, cid)): Path<(SystemId, String, String)>,
    form: FormFields,
) -> AppResult<Response> {
    m.require(Permission::Assess)?;
    let result = match form.draft::<AssessmentDraft>() {
        Ok(d) => tillit_app::oscal::assess_control(m.app(), &m.who, &id, &lib, &cid, &d)
            .await
            .map_err(AppError::from),
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/systems/{id}/libraries/{lib}/controls/{cid}?done=assessment-saved"
        ))),
        Err(AppError::Invalid(v)) => {
            render_control(
                &m,
                (&id, &lib, &cid),
                Some(&form),
                Some(&v),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// `?format=json|yaml&library=ID` of an OSCAL export.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportParams {
    pub format: Option<String>,
    pub library: Option<String>,
}

/// Reads the export's parameters: the kind from the path, the format and library from the query.
pub(crate) fn export_args(
    kind: &str,
    p: &ExportParams,
) -> AppResult<(ExportKind, Format, Option<String>)> {
    let kind = ExportKind::from_key(kind).ok_or(AppError::NotFound)?;
    let format = match p.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => Format::Json,
        Some("yaml") => Format::Yaml,
        Some(_) => {
            return Err(AppError::Invalid(ValidationErrors::single(
                "format",
                tillit_domain::Rule::UnknownValue,
            )))
        }
    };
    let library = p
        .library
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    Ok((kind, format, library))
}

/// The media type and file extension of an OSCAL document.
pub(crate) fn media(kind: ExportKind, format: Format) -> (String, &'static str) {
    let model = match kind {
        ExportKind::Catalog => "catalog",
        ExportKind::Profile => "profile",
        ExportKind::AssessmentResults => "assessment-results",
        ExportKind::Poam => "poam",
    };
    match format {
        Format::Json => (format!("application/oscal.{model}+json"), "json"),
        Format::Yaml => (format!("application/oscal.{model}+yaml"), "yaml"),
    }
}

/// A system's OSCAL document, downloaded.
pub async fn export(
    m: Member,
    Path((id, kind)): Path<(SystemId, String)>,
    Params(p): Params<ExportParams>,
) -> AppResult<Response> {
    let (kind, format, library) = export_args(&kind, &p)?;
    let doc = tillit_app::oscal::export(
        m.app(),
        &m.who,
        &id,
        kind,
        library.as_deref(),
        m.ctx.tr.lang(),
    )
    .await?;
    let text = tillit_app::oscal::write(&doc, format)?;
    let (media_type, ext) = media(kind, format);
    Ok(download(
        &format!("system-{id}-{}.{ext}", kind.key()),
        Some(&media_type),
        text.into_bytes(),
    ))
}

//! The preview of a submission: exactly what would be sent, its SHA-256, and the key that would
//! sign it.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::pages::PageCommon;
use crate::render::page;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_domain::role::Permission;

#[derive(Template)]
#[template(path = "submission_preview.html")]
struct PreviewPage {
    c: PageCommon,
    json: String,
    sha256: String,
    key: String,
}

pub async fn preview(m: Member) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let report = tillit_app::submissions::status_report(m.app(), &m.who).await?;
    let canonical = tillit_domain::submission::canonical(&report).map_err(AppError::internal)?;
    let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(canonical.as_bytes()));
    let key = tillit_app::signing::public_keys(m.app(), &m.who)
        .await?
        .into_iter()
        .find(|k| k.retired_at.is_none())
        .map(|k| k.public_key)
        .unwrap_or_default();
    let tpl = PreviewPage {
        c: PageCommon::member(&m, tr.t("submission-preview-title"), "/submissions"),
        json: serde_json::to_string_pretty(&report).map_err(AppError::internal)?,
        sha256,
        key,
    };
    Ok(page(StatusCode::OK, &tpl))
}

#[derive(Template)]
#[template(path = "submissions.html")]
struct ListPage {
    c: PageCommon,
    authorities: Vec<(String, String)>,
    /// (id, when, to, by, sha256, superseded)
    rows: Vec<(String, String, String, String, String, bool)>,
    may_submit: bool,
    errors: Vec<crate::pages::FieldError>,
    /// The schedule: its line (or none), the period chosen and the authorities chosen.
    schedule_line: Option<(String, bool)>,
    periods: Vec<(String, String, bool)>,
    scheduled_to: Vec<String>,
}

async fn list_page(
    m: &Member,
    notice: Option<&str>,
    errors: Option<&tillit_domain::ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let list = tillit_app::submissions::submissions(m.app(), &m.who).await?;
    let schedule = tillit_app::submissions::schedule(m.app(), &m.who).await?;
    let superseded: std::collections::HashSet<String> =
        list.iter().filter_map(|s| s.supersedes.clone()).collect();
    let rows = list
        .into_iter()
        .map(|s| {
            (
                s.id.clone(),
                crate::pages::show_time(&s.submitted_at),
                s.recipients,
                s.submitted_by_name,
                s.sha256,
                superseded.contains(&s.id),
            )
        })
        .collect();
    let tpl = ListPage {
        c: PageCommon::member(m, tr.t("submissions-title"), "/submissions")
            .with_notice(crate::pages::notice_from(tr, notice)),
        authorities: tillit_app::submissions::authorities(m.app(), &m.who).await?,
        rows,
        may_submit: m.may(Permission::Submit),
        errors: errors
            .map(|e| crate::pages::FieldError::list(tr, e))
            .unwrap_or_default(),
        schedule_line: schedule.as_ref().map(|s| {
            let left = s.days_left(tillit_app::today_date());
            (
                tr.f(
                    "schedule-line",
                    &[
                        (
                            "period",
                            tr.t(&format!(
                                "schedule-period-{}",
                                period_key(s.period_months).replace('_', "-")
                            )),
                        ),
                        ("date", s.next_due.to_string()),
                        (
                            "authorities",
                            s.authorities
                                .iter()
                                .map(|a| a.1.clone())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ],
                ),
                left < 0,
            )
        }),
        periods: std::iter::once("none")
            .chain(tillit_domain::submission::PERIODS.iter().map(|p| p.0))
            .map(|k| {
                let chosen = match &schedule {
                    Some(s) => period_key(s.period_months) == k,
                    None => k == "none",
                };
                (
                    k.to_string(),
                    tr.t(&format!("schedule-period-{}", k.replace('_', "-"))),
                    chosen,
                )
            })
            .collect(),
        scheduled_to: schedule
            .as_ref()
            .map(|s| s.authorities.iter().map(|a| a.0.clone()).collect())
            .unwrap_or_default(),
    };
    Ok(page(crate::pages::ui::form_status(errors), &tpl))
}

pub async fn list(
    m: Member,
    crate::forms::Params(n): crate::forms::Params<crate::pages::Notice>,
) -> AppResult<Response> {
    list_page(&m, n.done.as_deref(), None).await
}

pub async fn submit(m: Member, form: crate::forms::FormFields) -> AppResult<Response> {
    let result = form
        .submit(async |d: tillit_app::submissions::SubmitDraft| {
            tillit_app::submissions::submit(m.app(), &m.who, &d).await
        })
        .await;
    crate::forms::answer(
        result,
        |id: String| format!("/submissions/{id}?done=submitted"),
        async |e| list_page(&m, None, Some(&e)).await,
    )
    .await
}

fn period_key(months: u32) -> &'static str {
    tillit_domain::submission::PERIODS
        .iter()
        .find(|p| p.1 == months)
        .map(|p| p.0)
        .unwrap_or("none")
}

pub async fn set_schedule(m: Member, form: crate::forms::FormFields) -> AppResult<Response> {
    let result = form
        .submit(async |d: tillit_app::submissions::ScheduleDraft| {
            tillit_app::submissions::set_schedule(m.app(), &m.who, &d).await
        })
        .await;
    crate::forms::answer(
        result,
        |_: ()| "/submissions?done=schedule-saved".to_string(),
        async |e| {
            // The schedule's own authority boxes, not the submit form's.
            let mut e = e;
            for x in e.0.iter_mut().filter(|x| x.field == "authority_ids") {
                x.field = "schedule_authority_ids".into();
            }
            list_page(&m, None, Some(&e)).await
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "submission.html")]
struct OnePage {
    c: PageCommon,
    id: String,
    heading: String,
    to: String,
    by: String,
    sha256: String,
    key_id: String,
    valid: bool,
    check: String,
    summary: Vec<(String, String)>,
    json: String,
}

pub async fn show(
    m: Member,
    axum::extract::Path(id): axum::extract::Path<String>,
    crate::forms::Params(n): crate::forms::Params<crate::pages::Notice>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let (s, envelope, check) = tillit_app::submissions::submission(m.app(), &m.who, &id).await?;
    let content = serde_json::from_str::<serde_json::Value>(&envelope)
        .ok()
        .map(|e| e["submission"].clone())
        .unwrap_or_default();
    let heading = tr.f(
        "submission-heading",
        &[("at", crate::pages::show_time(&s.submitted_at))],
    );
    let tpl = OnePage {
        c: PageCommon::member(&m, heading.clone(), "/submissions")
            .with_notice(crate::pages::notice_from(tr, n.done.as_deref())),
        id: s.id,
        heading,
        to: s.recipients,
        by: s.submitted_by_name,
        sha256: s.sha256,
        key_id: s.key_id,
        valid: check.is_ok(),
        check: match check {
            Ok(()) => tr.t("submission-valid"),
            Err(e) => tr.f("submission-invalid", &[("reason", e)]),
        },
        summary: crate::authority::pages::report_summary(tr, &content),
        json: serde_json::to_string_pretty(&content).map_err(AppError::internal)?,
    };
    Ok(page(StatusCode::OK, &tpl))
}

/// The submission as a file, to keep or to import in another Tillit.
pub async fn file(
    m: Member,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> AppResult<Response> {
    let (s, envelope, _) = tillit_app::submissions::submission(m.app(), &m.who, &id).await?;
    let day = tillit_app::day_of(&s.submitted_at);
    Ok(crate::requirements::pages::download(
        &format!(
            "inlamning-{day}-{}.json",
            &s.sha256[..12.min(s.sha256.len())]
        ),
        Some("application/json"),
        envelope.into_bytes(),
    ))
}

/// The receipt of a submission as a document: what was submitted, when, by whom and to whom,
/// its SHA-256 and signing key, whether the signature holds, and the figures it reported.
pub async fn receipt_pdf(
    m: Member,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> AppResult<Response> {
    use tillit_app::reports::{Block, Section};
    let tr = &m.ctx.tr;
    let (s, envelope, check) = tillit_app::submissions::submission(m.app(), &m.who, &id).await?;
    let content = serde_json::from_str::<serde_json::Value>(&envelope)
        .ok()
        .map(|e| e["submission"].clone())
        .unwrap_or_default();
    let at = crate::pages::show_time(&s.submitted_at);
    let facts = vec![
        (tr.t("report-submitted-at"), at.clone()),
        (tr.t("report-submitted-by"), s.submitted_by_name.clone()),
        (tr.t("report-submitted-to"), s.recipients.clone()),
    ];
    let check = match check {
        Ok(()) => tr.t("submission-valid"),
        Err(e) => tr.f("submission-invalid", &[("reason", e)]),
    };
    let sections = vec![
        Section::new(
            tr.t("report-receipt-seal"),
            vec![
                Block::Paragraph {
                    text: tr.t("report-receipt-help"),
                },
                Block::Facts {
                    rows: vec![
                        ("SHA-256".to_string(), s.sha256.clone()),
                        (tr.t("report-signing-key"), s.key_id.clone()),
                        (tr.t("report-signature"), check),
                    ],
                },
            ],
        ),
        Section::new(
            tr.t("report-receipt-content"),
            vec![Block::Facts {
                rows: crate::authority::pages::report_summary(tr, &content),
            }],
        ),
    ];
    let mut doc = crate::reports::document(
        &m,
        tr.t("report-receipt-title"),
        Some(tr.f("submission-heading", &[("at", at)])),
        facts,
        sections,
    );
    doc.outline = false;
    let day = tillit_app::day_of(&s.submitted_at);
    crate::reports::pdf(
        &m.state,
        &format!(
            "kvitto-inlamning-{day}-{}",
            &s.sha256[..12.min(s.sha256.len())]
        ),
        doc,
    )
    .await
}

//! Supervision pages. The authority: its cases (own and shared), a case with its timeline,
//! requests, answers, decisions and follow-up, the handling-time statistics and targets, and its
//! guidance. The provider: the cases concerning it, where it answers requests (text, files and a
//! signed extract of the objects it chooses) and reports on a decision's required actions. Every
//! organisation: the published guidance.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::{FormFields, Params};
use crate::i18n::Tr;
use crate::pages::{show_time, FieldError, Notice, PageCommon, Pager};
use crate::render::{page, see_other};
use askama::Template;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::supervision::{self as sup, CaseAccess, CaseListParams, CaseView, StatsParams};
use tillit_domain::role::Permission;
use tillit_domain::supervision::{
    AnswerDraft, CaseDraft, CaseType, CloseDraft, DecisionDraft, GuidanceDraft, NoteDraft, Outcome,
    ReportDraft, RequestDraft, ShareDraft, TargetsDraft, VerifyDraft,
};
use tillit_domain::ValidationErrors;

fn type_label(tr: &Tr, t: CaseType) -> String {
    tr.t(&t.label_key())
}

fn state_label(tr: &Tr, k: &str) -> String {
    tr.t(&format!("case-state-{k}"))
}

fn day(ts: &str) -> String {
    tillit_domain::time::day_of(ts)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

fn days(x: f64) -> String {
    format!("{x:.0}")
}

fn sek(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    format!("{out} kr")
}

pub struct CaseLine {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub org: String,
    pub org_number: String,
    pub case_type: String,
    pub state: String,
    pub state_key: String,
    pub opened: String,
    pub officer: String,
    pub authority: String,
    pub open_requests: i64,
    pub open_label: String,
}

pub(crate) fn case_line(tr: &Tr, c: &sup::CaseRow) -> CaseLine {
    CaseLine {
        id: c.id.clone(),
        reference: c.reference.clone(),
        title: c.title.clone(),
        org: c.org_name.clone(),
        org_number: c.org_number.clone(),
        case_type: CaseType::from_key(&c.case_type)
            .map(|t| type_label(tr, t))
            .unwrap_or_default(),
        state: state_label(tr, &c.state),
        state_key: c.state.clone(),
        opened: day(&c.opened_at),
        officer: c.officer_name.clone(),
        authority: c.authority_name.clone(),
        open_requests: c.open_requests,
        open_label: tr.f(
            "case-open-requests",
            &[("count", c.open_requests.to_string())],
        ),
    }
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    c: PageCommon,
    lines: Vec<CaseLine>,
    pager: Pager,
    scope: String,
    state: String,
    case_type: String,
    q: String,
    types: Vec<(String, String)>,
    states: Vec<(String, String)>,
    may_open: bool,
    open_form: bool,
    form: CaseForm,
    officers: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

#[derive(Default)]
struct CaseForm {
    org_number: String,
    case_type: String,
    title: String,
    background: String,
    origin_ref: String,
    officer_id: String,
    ranking_score: String,
}

#[derive(serde::Deserialize, Default)]
pub struct NewParams {
    #[serde(default)]
    org_number: String,
    #[serde(default)]
    ranking_score: String,
    #[serde(default)]
    title: String,
}

async fn cases_page(
    m: &Member,
    p: &CaseListParams,
    form: CaseForm,
    open_form: bool,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::ViewSupervision)?;
    let tr = &m.ctx.tr;
    let list = sup::cases(m.app(), &m.who, p).await?;
    let pager = Pager::new(
        tr,
        "/authority/cases",
        &[
            ("scope", p.scope.clone()),
            ("state", p.state.clone()),
            ("case_type", p.case_type.clone()),
            ("q", p.q.clone()),
        ],
        &list,
    );
    let officers = if m.may(Permission::HandleCases) {
        tillit_app::members::all_members(m.app(), &m.who)
            .await?
            .into_iter()
            .filter(|x| x.role.permits(Permission::HandleCases))
            .map(|x| (x.user_id, x.display_name))
            .collect()
    } else {
        vec![]
    };
    let tpl = CasesPage {
        c: PageCommon::member(m, tr.t("cases-title"), "/authority/cases"),
        lines: list.items.iter().map(|c| case_line(tr, c)).collect(),
        pager,
        scope: p.scope.clone(),
        state: p.state.clone(),
        case_type: p.case_type.clone(),
        q: p.q.clone(),
        types: CaseType::ALL
            .into_iter()
            .map(|t| (t.key().to_string(), type_label(tr, t)))
            .collect(),
        states: ["open", "decided", "closed"]
            .iter()
            .map(|k| (k.to_string(), tr.t(&format!("case-state-filter-{k}"))))
            .collect(),
        may_open: m.may(Permission::HandleCases),
        open_form: open_form || errors.is_some(),
        form,
        officers,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(crate::pages::ui::form_status(errors), &tpl))
}

pub async fn list(m: Member, Params(p): Params<CaseListParams>) -> AppResult<Response> {
    cases_page(&m, &p, CaseForm::default(), false, None).await
}

/// The list with the new-case form open, filled from the ranking (organisation and score).
pub async fn new_form(m: Member, Params(n): Params<NewParams>) -> AppResult<Response> {
    m.require(Permission::HandleCases)?;
    let form = CaseForm {
        org_number: n.org_number,
        case_type: "planned".into(),
        ranking_score: n.ranking_score,
        title: n.title,
        ..CaseForm::default()
    };
    cases_page(&m, &CaseListParams::default(), form, true, None).await
}

pub async fn open(m: Member, form: FormFields) -> AppResult<Response> {
    let result = form
        .submit(async |d: CaseDraft| sup::open_case(m.app(), &m.who, &d).await)
        .await;
    let keep = CaseForm {
        org_number: form.get("org_number").into(),
        case_type: form.get("case_type").into(),
        title: form.get("title").into(),
        background: form.get("background").into(),
        origin_ref: form.get("origin_ref").into(),
        officer_id: form.get("officer_id").into(),
        ranking_score: form.get("ranking_score").into(),
    };
    crate::forms::answer(
        result,
        |id| format!("/authority/cases/{id}?done=case-opened"),
        async |v| cases_page(&m, &CaseListParams::default(), keep, true, Some(&v)).await,
    )
    .await
}

pub struct RequestLine {
    pub id: String,
    pub sent: String,
    pub sent_by: String,
    pub questions: String,
    pub documents: Vec<String>,
    pub deadline: String,
    pub overdue: bool,
    pub answered: Option<AnswerLine>,
}

pub struct AnswerLine {
    pub id: String,
    pub at: String,
    pub by: String,
    pub text: String,
    pub files: Vec<(String, String, String)>,
    pub extract: Vec<(String, String)>,
    pub extract_sha: String,
    pub extract_valid: bool,
}

pub struct DecisionLine {
    pub id: String,
    pub outcome: String,
    pub decided_on: String,
    pub by: String,
    pub summary: String,
    pub findings: Vec<(String, String, String)>,
    pub amounts: Vec<(String, String)>,
    pub corrected: bool,
    pub correction_of: bool,
}

pub struct ActionLine {
    pub id: String,
    pub text: String,
    pub due: String,
    pub report: Option<String>,
    pub reported: String,
    pub verdict_key: String,
    pub verdict: String,
    pub reason: Option<String>,
    pub verified: String,
    pub measure: Option<String>,
}

pub struct EventLine {
    pub at: String,
    pub kind: String,
    pub who: String,
    pub text: String,
}

pub struct Choice {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    c: PageCommon,
    base: String,
    back: (String, String),
    heading: String,
    provider_view: bool,
    partner_view: bool,
    facts: Vec<(String, String)>,
    state_key: String,
    state: String,
    milestones: Vec<(String, String)>,
    stretches: Vec<(String, String)>,
    age: String,
    alerts: Vec<String>,
    requests: Vec<RequestLine>,
    decisions: Vec<DecisionLine>,
    actions: Vec<ActionLine>,
    progress: String,
    in_force: String,
    events: Vec<EventLine>,
    shares: Vec<(String, String, String, bool)>,
    partners: Vec<(String, String)>,
    may: sup::CaseMay,
    outcomes: Vec<(String, String)>,
    today: String,
    assets: Vec<Choice>,
    systems: Vec<Choice>,
    measures: Vec<Choice>,
    analyses: Vec<Choice>,
    errors: Vec<FieldError>,
    /// Which form the errors belong to (its anchor).
    failed: String,
}

/// The case's facts in the reader's words (the ranking score only for the authority).
pub fn case_facts(tr: &Tr, v: &CaseView, provider: bool) -> Vec<(String, String)> {
    let c = &v.case;
    let mut facts = vec![
        (tr.t("case-reference"), c.reference.clone()),
        (tr.t("case-authority"), c.authority_name.clone()),
        (
            tr.t("received-organisation"),
            format!("{} ({})", c.org_name, c.org_number),
        ),
        (tr.t("field-case-type"), type_label(tr, v.case_type)),
        (tr.t("case-officer"), c.officer_name.clone()),
    ];
    if !v.team.is_empty() {
        facts.push((
            tr.t("case-team"),
            v.team
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    if let Some(o) = &c.origin_ref {
        facts.push((tr.t("field-origin-ref"), o.clone()));
    }
    if let (Some(s), false) = (c.ranking_score, provider) {
        facts.push((tr.t("case-ranking-score"), format!("{},{}", s / 10, s % 10)));
    }
    if let Some(b) = &c.background {
        facts.push((tr.t("field-background"), b.clone()));
    }
    if let Some(mo) = &c.close_motivation {
        facts.push((tr.t("field-motivation"), mo.clone()));
    }
    facts
}

/// The case's decisions in the reader's words, oldest first.
pub fn decision_lines(tr: &Tr, v: &CaseView) -> Vec<DecisionLine> {
    v.decisions
        .iter()
        .map(|d| {
            let mut amounts = Vec::new();
            if let Some(f) = d.fine_sek {
                amounts.push((tr.t("field-fine-sek"), sek(f)));
            }
            if let Some(f) = d.penalty_sek {
                amounts.push((tr.t("field-penalty-sek"), sek(f)));
            }
            if let Some(g) = &d.legal_ground {
                amounts.push((tr.t("field-legal-ground"), g.clone()));
            }
            if let Some(r) = &d.referral_to {
                amounts.push((tr.t("field-referral-to"), r.clone()));
            }
            DecisionLine {
                id: d.id.clone(),
                outcome: tr.t(&d.outcome.label_key()),
                decided_on: d.decided_on.clone(),
                by: d.decided_by_name.clone(),
                summary: d.summary.clone(),
                findings: d
                    .findings
                    .iter()
                    .map(|f| {
                        (
                            f.requirement_id.clone(),
                            f.provision.clone(),
                            f.text.clone(),
                        )
                    })
                    .collect(),
                amounts,
                corrected: d.corrected,
                correction_of: d.corrects_id.is_some(),
            }
        })
        .collect()
}

/// The required actions of the case's orders, with what the provider reported and the verdict.
pub fn action_lines(tr: &Tr, v: &CaseView, provider: bool) -> Vec<ActionLine> {
    v.actions
        .iter()
        .map(|a| ActionLine {
            id: a.id.clone(),
            text: a.text.clone(),
            due: a.due_on.clone(),
            report: a.report.clone(),
            reported: a.reported_at.as_deref().map(show_time).unwrap_or_default(),
            verdict_key: a.verdict.clone(),
            verdict: tr.t(&a.verdict().label_key()),
            reason: a.verdict_reason.clone(),
            verified: a
                .verified_at
                .as_deref()
                .map(|t| {
                    format!(
                        "{} {}",
                        show_time(t),
                        a.verified_by_name.clone().unwrap_or_default()
                    )
                })
                .unwrap_or_default(),
            measure: if provider { a.measure_id.clone() } else { None },
        })
        .collect()
}

async fn case_page(
    m: &Member,
    id: &str,
    notice: Option<&str>,
    errors: Option<(&ValidationErrors, &str)>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let v: CaseView = sup::case(m.app(), &m.who, id).await?;
    let provider = v.access == CaseAccess::Provider;
    let base = if provider {
        format!("/supervision/{id}")
    } else {
        format!("/authority/cases/{id}")
    };
    let c = &v.case;
    let facts = case_facts(tr, &v, provider);
    let milestones = v
        .milestones
        .iter()
        .map(|(k, at)| {
            (
                tr.t(&format!("milestone-{}", k.replace('_', "-"))),
                at.as_deref().map(show_time).unwrap_or_else(|| "–".into()),
            )
        })
        .collect();
    let stretches = v
        .stretches
        .iter()
        .map(|s| {
            (
                tr.f(
                    "stretch",
                    &[
                        (
                            "from",
                            tr.t(&format!("milestone-{}", s.from_key.replace('_', "-"))),
                        ),
                        (
                            "to",
                            tr.t(&format!("milestone-{}", s.to_key.replace('_', "-"))),
                        ),
                    ],
                ),
                s.days
                    .map(|d| tr.f("days-n", &[("n", days(d))]))
                    .unwrap_or_else(|| "–".into()),
            )
        })
        .collect();
    let age = tr.f(
        "case-age",
        &[
            ("total", days(v.span.total_days)),
            ("waiting", days(v.span.waiting_days)),
            ("own", days(v.span.authority_days())),
        ],
    );
    let mut alerts = Vec::new();
    if v.over_target {
        alerts.push(tr.f(
            "case-over-target",
            &[("days", v.target_days.unwrap_or(0).to_string())],
        ));
    }
    if v.over_six_months && !provider {
        alerts.push(tr.t("case-over-six-months"));
    }
    if v.complaint_over_three_months && !provider {
        alerts.push(tr.t("case-complaint-three-months"));
    }
    let requests = v
        .requests
        .iter()
        .map(|r| RequestLine {
            id: r.request.id.clone(),
            sent: show_time(&r.request.sent_at),
            sent_by: r.request.sent_by_name.clone(),
            questions: r.request.questions.clone(),
            documents: r.documents.clone(),
            deadline: r.request.deadline.clone(),
            overdue: r.overdue,
            answered: r.answer.as_ref().map(|a| AnswerLine {
                id: a.id.clone(),
                at: show_time(&a.answered_at),
                by: a.answered_by_name.clone(),
                text: a.text.clone(),
                files: r
                    .files
                    .iter()
                    .map(|f| {
                        (
                            f.id.clone(),
                            f.file_name.clone().unwrap_or_default(),
                            f.sha256.clone().unwrap_or_default(),
                        )
                    })
                    .collect(),
                extract: r
                    .extract_objects
                    .iter()
                    .map(|(k, _, n)| {
                        (
                            tr.t(&format!("extract-kind-{}", k.replace('_', "-"))),
                            n.clone(),
                        )
                    })
                    .collect(),
                extract_sha: a.extract_sha256.clone().unwrap_or_default(),
                extract_valid: r.extract_valid.unwrap_or(false),
            }),
        })
        .collect();
    let in_force = v
        .decisions
        .iter()
        .rev()
        .find(|d| !d.corrected)
        .map(|d| d.id.clone())
        .unwrap_or_default();
    let decisions = decision_lines(tr, &v);
    let actions = action_lines(tr, &v, provider);
    let progress = tr.f(
        "actions-progress",
        &[
            ("accepted", v.accepted_actions.to_string()),
            ("count", v.actions.len().to_string()),
        ],
    );
    let events = v
        .events
        .iter()
        .map(|e| EventLine {
            at: show_time(&e.at),
            kind: tr.t(&format!("case-event-{}", e.kind.replace('_', "-"))),
            who: format!("{} ({})", e.actor_name, e.actor_org_name),
            text: e.text.clone().unwrap_or_default(),
        })
        .collect();
    let shares = v
        .shares
        .iter()
        .map(|s| {
            (
                s.partner_org_id.clone(),
                s.partner_name.clone(),
                match &s.revoked_at {
                    None => tr.f("case-shared-since", &[("at", show_time(&s.shared_at))]),
                    Some(r) => tr.f("case-share-revoked", &[("at", show_time(r))]),
                },
                s.revoked_at.is_none(),
            )
        })
        .collect();
    let partners = if v.may.share {
        sup::share_partners(m.app(), &m.who).await?
    } else {
        vec![]
    };
    let choose = v.may.answer && v.requests.iter().any(|r| r.answer.is_none());
    let (assets, systems, measures, analyses) = if choose {
        let app = m.app();
        (
            tillit_app::assets::all_assets(app, &m.who)
                .await?
                .into_iter()
                .map(|a| Choice {
                    id: a.id.to_string(),
                    name: a.input.name,
                })
                .collect(),
            tillit_app::systems::all_systems(app, &m.who)
                .await?
                .into_iter()
                .map(|s| Choice {
                    id: s.id.to_string(),
                    name: s.input.name,
                })
                .collect(),
            tillit_app::measures::all_measures(
                app,
                &m.who,
                &tillit_app::views::MeasureQuery::default(),
                tillit_app::views::MeasureOrder::Due,
            )
            .await?
            .into_iter()
            .map(|x| Choice {
                id: x.id.to_string(),
                name: x.input.title,
            })
            .collect(),
            tillit_app::risk::all_risk_analyses(app, &m.who)
                .await?
                .into_iter()
                .map(|x| Choice {
                    id: x.id.to_string(),
                    name: x.input.title,
                })
                .collect(),
        )
    } else {
        (vec![], vec![], vec![], vec![])
    };
    let heading = format!("{} · {}", c.reference, c.title);
    let tpl = CasePage {
        c: PageCommon::member(
            m,
            heading.clone(),
            if provider {
                "/supervision"
            } else {
                "/authority/cases"
            },
        )
        .with_notice(notice.map(|n| tr.t(&format!("done-{n}")))),
        base,
        back: if provider {
            ("/supervision".into(), tr.t("supervision-title"))
        } else {
            ("/authority/cases".into(), tr.t("cases-title"))
        },
        heading,
        provider_view: provider,
        partner_view: v.access == CaseAccess::Partner,
        facts,
        state_key: v.state.key().to_string(),
        state: tr.t(&v.state.label_key()),
        milestones,
        stretches,
        age,
        alerts,
        requests,
        decisions,
        actions,
        progress,
        in_force,
        events,
        shares,
        partners,
        outcomes: Outcome::ALL
            .into_iter()
            .map(|o| (o.key().to_string(), tr.t(&o.label_key())))
            .collect(),
        today: tillit_app::today(),
        may: v.may.clone(),
        assets,
        systems,
        measures,
        analyses,
        errors: errors
            .map(|(e, _)| FieldError::list(tr, e))
            .unwrap_or_default(),
        failed: errors.map(|(_, f)| f.to_string()).unwrap_or_default(),
    };
    Ok(page(
        crate::pages::ui::form_status(errors.map(|(e, _)| e)),
        &tpl,
    ))
}

const CASE_NOTICES: &[&str] = &[
    "case-opened",
    "request-sent",
    "answer-sent",
    "decision-issued",
    "action-reported",
    "action-verified",
    "case-closed",
    "note-added",
    "case-shared",
    "share-revoked",
];

fn notice(n: &Notice) -> Option<&str> {
    n.done.as_deref().filter(|d| CASE_NOTICES.contains(d))
}

pub async fn show(
    m: Member,
    Path(id): Path<String>,
    Params(n): Params<Notice>,
) -> AppResult<Response> {
    case_page(&m, &id, notice(&n), None).await
}

/// Answers a case form: back to the case with a notice, or the case with the errors at `anchor`.
async fn after(
    m: &Member,
    id: &str,
    result: Result<(), AppError>,
    done: &str,
    anchor: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => {
            let base = if m.who.org_kind().side() == tillit_domain::org::Side::Provider {
                "/supervision"
            } else {
                "/authority/cases"
            };
            Ok(see_other(&format!("{base}/{id}?done={done}#{anchor}")))
        }
        Err(AppError::Invalid(v)) => case_page(m, id, None, Some((&v, anchor))).await,
        Err(e) => Err(e),
    }
}

pub async fn send_request(
    m: Member,
    Path(id): Path<String>,
    form: FormFields,
) -> AppResult<Response> {
    let r = form
        .submit(async |d: RequestDraft| sup::send_request(m.app(), &m.who, &id, &d).await)
        .await
        .map(|_| ());
    after(&m, &id, r, "request-sent", "requests").await
}

/// A decision from the form: its rows of findings and actions (`finding_requirement`,
/// `finding_provision`, `finding_text`; `action_text`, `action_due`, repeated) gathered into the
/// draft's lists, rows left empty left out.
fn decision_draft(form: &FormFields) -> DecisionDraft {
    let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    let blank = |xs: &[&String]| xs.iter().all(|x| x.trim().is_empty());
    let (fr, fp, ft) = (
        form.all("finding_requirement"),
        form.all("finding_provision"),
        form.all("finding_text"),
    );
    let (at_, ad) = (form.all("action_text"), form.all("action_due"));
    DecisionDraft {
        outcome: form.get("outcome").into(),
        summary: form.get("summary").into(),
        decided_on: form.get("decided_on").into(),
        findings: (0..fr.len().max(fp.len()).max(ft.len()))
            .map(|i| tillit_domain::supervision::FindingDraft {
                requirement_id: at(&fr, i),
                provision: at(&fp, i),
                text: at(&ft, i),
            })
            .filter(|f| !blank(&[&f.requirement_id, &f.provision, &f.text]))
            .collect(),
        actions: (0..at_.len().max(ad.len()))
            .map(|i| tillit_domain::supervision::ActionDraft {
                text: at(&at_, i),
                due_on: at(&ad, i),
            })
            .filter(|a| !blank(&[&a.text, &a.due_on]))
            .collect(),
        fine_sek: form.get("fine_sek").into(),
        penalty_sek: form.get("penalty_sek").into(),
        legal_ground: form.get("legal_ground").into(),
        referral_to: form.get("referral_to").into(),
        corrects: form.get("corrects").into(),
    }
}

pub async fn decide(m: Member, Path(id): Path<String>, form: FormFields) -> AppResult<Response> {
    let r = sup::decide(m.app(), &m.who, &id, &decision_draft(&form))
        .await
        .map(|_| ())
        .map_err(AppError::from);
    after(&m, &id, r, "decision-issued", "decisions").await
}

pub async fn verify(
    m: Member,
    Path((id, action)): Path<(String, String)>,
    form: FormFields,
) -> AppResult<Response> {
    let r = form
        .submit(async |d: VerifyDraft| sup::verify_action(m.app(), &m.who, &id, &action, &d).await)
        .await;
    after(&m, &id, r, "action-verified", "actions").await
}

pub async fn close(m: Member, Path(id): Path<String>, form: FormFields) -> AppResult<Response> {
    let r = form
        .submit(async |d: CloseDraft| sup::close(m.app(), &m.who, &id, &d).await)
        .await;
    after(&m, &id, r, "case-closed", "close").await
}

pub async fn add_note(m: Member, Path(id): Path<String>, form: FormFields) -> AppResult<Response> {
    let r = form
        .submit(async |d: NoteDraft| sup::note(m.app(), &m.who, &id, &d).await)
        .await;
    after(&m, &id, r, "note-added", "timeline").await
}

pub async fn share(m: Member, Path(id): Path<String>, form: FormFields) -> AppResult<Response> {
    let r = form
        .submit(async |d: ShareDraft| sup::share(m.app(), &m.who, &id, &d).await)
        .await;
    after(&m, &id, r, "case-shared", "sharing").await
}

pub async fn revoke(m: Member, Path((id, partner)): Path<(String, String)>) -> AppResult<Response> {
    let r = sup::revoke_share(m.app(), &m.who, &id, &partner)
        .await
        .map_err(AppError::from);
    after(&m, &id, r, "share-revoked", "sharing").await
}

/// The provider's answer: a multipart form with the text, the objects chosen for the extract
/// and any files.
pub async fn answer(
    m: Member,
    Path((id, request)): Path<(String, String)>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let mut d = AnswerDraft::default();
    let mut uploads = Vec::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge)
            }
            Err(_) => {
                return Err(
                    ValidationErrors::single("files", tillit_domain::Rule::InvalidFormat).into(),
                )
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "files" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|_| {
                AppError::from(ValidationErrors::single(
                    "files",
                    tillit_domain::Rule::InvalidFormat,
                ))
            })?;
            if !file_name.is_empty() || !bytes.is_empty() {
                uploads.push(sup::AnswerUpload {
                    file_name,
                    content: bytes.to_vec(),
                });
            }
            continue;
        }
        let value = field.text().await.unwrap_or_default();
        match name.as_str() {
            "text" => d.text = value,
            "asset_ids" => d.asset_ids.push(value),
            "system_ids" => d.system_ids.push(value),
            "measure_ids" => d.measure_ids.push(value),
            "analysis_ids" => d.analysis_ids.push(value),
            _ => {}
        }
    }
    let r = sup::answer(m.app(), &m.who, &id, &request, &d, &uploads)
        .await
        .map(|_| ())
        .map_err(AppError::from);
    after(&m, &id, r, "answer-sent", &format!("request-{request}")).await
}

pub async fn report(
    m: Member,
    Path((id, action)): Path<(String, String)>,
    form: FormFields,
) -> AppResult<Response> {
    let r = form
        .submit(async |d: ReportDraft| sup::report_action(m.app(), &m.who, &id, &action, &d).await)
        .await;
    after(&m, &id, r, "action-reported", "actions").await
}

/// An answer's signed extract as a file (checkable with `tillit submission verify`).
pub async fn extract(m: Member, Path((id, answer)): Path<(String, String)>) -> AppResult<Response> {
    let (a, envelope, _) = sup::answer_extract(m.app(), &m.who, &id, &answer).await?;
    Ok(crate::requirements::pages::download(
        &format!("utdrag-{}.json", &a.id),
        Some("application/json"),
        envelope.into_bytes(),
    ))
}

pub async fn file(m: Member, Path((id, file)): Path<(String, String)>) -> AppResult<Response> {
    let (f, content) = sup::answer_file(m.app(), &m.who, &id, &file).await?;
    Ok(crate::requirements::pages::download(
        f.file_name.as_deref().unwrap_or("bilaga"),
        f.media_type.as_deref(),
        content,
    ))
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct ProviderCasesPage {
    c: PageCommon,
    lines: Vec<CaseLine>,
}

/// The provider's list of the supervision cases concerning it.
pub async fn provider_list(m: Member) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let list = sup::provider_cases(m.app(), &m.who).await?;
    let tpl = ProviderCasesPage {
        c: PageCommon::member(&m, tr.t("supervision-title"), "/supervision"),
        lines: list.iter().map(|c| case_line(tr, c)).collect(),
    };
    Ok(page(StatusCode::OK, &tpl))
}

pub struct StatLine {
    pub label: String,
    pub target: String,
    pub opened: usize,
    pub decided: usize,
    pub median: String,
    pub p90: String,
    pub own_median: String,
    pub own_p90: String,
    pub within: String,
    pub closed: usize,
    pub close_median: String,
    pub open: usize,
    pub bands: [usize; 4],
    pub over_target: usize,
    pub over_six: usize,
    pub all: bool,
}

pub struct BarRow {
    pub label: String,
    pub parts: Vec<(f64, f64, usize, &'static str)>,
    pub y: f64,
}

pub struct AttentionLine {
    pub id: String,
    pub reference: String,
    pub org: String,
    pub case_type: String,
    pub opened: String,
    pub age: String,
    pub over_target: bool,
    pub over_six: bool,
}

#[derive(Template)]
#[template(path = "case_stats.html")]
struct StatsPage {
    c: PageCommon,
    years: Vec<(String, bool)>,
    quarters: Vec<(String, bool)>,
    period: String,
    lines: Vec<StatLine>,
    attention: Vec<AttentionLine>,
    /// "The 100 oldest of N", when there are more than the list shows.
    attention_more: Option<String>,
    bars: Vec<BarRow>,
    band_labels: Vec<String>,
    chart_height: f64,
    targets: Vec<(String, String, String)>,
    may_set_targets: bool,
    export_query: String,
    errors: Vec<FieldError>,
}

async fn stats_page(
    m: &Member,
    p: &StatsParams,
    notice: Option<&str>,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::ViewSupervision)?;
    let tr = &m.ctx.tr;
    let s = sup::statistics(m.app(), &m.who, p).await?;
    let opt = |x: Option<f64>| x.map(days).unwrap_or_else(|| "–".into());
    let lines: Vec<StatLine> = s
        .rows
        .iter()
        .map(|r| StatLine {
            label: r
                .case_type
                .map(|t| type_label(tr, t))
                .unwrap_or_else(|| tr.t("stats-all-types")),
            target: r
                .target_days
                .map(|d| tr.f("days-n", &[("n", d.to_string())]))
                .unwrap_or_else(|| "–".into()),
            opened: r.opened,
            decided: r.to_decision.count,
            median: opt(r.to_decision.median),
            p90: opt(r.to_decision.p90),
            own_median: opt(r.to_decision.authority_median),
            own_p90: opt(r.to_decision.authority_p90),
            within: if r.target_days.is_some() && r.to_decision.count > 0 {
                format!(
                    "{} %",
                    (100 * r.decided_within_target) / r.to_decision.count
                )
            } else {
                "–".into()
            },
            closed: r.to_close.count,
            close_median: opt(r.to_close.median),
            open: r.open,
            bands: r.open_by_age,
            over_target: r.over_target,
            over_six: r.over_six_months,
            all: r.case_type.is_none(),
        })
        .collect();
    // Open cases by age, one stacked bar per case type.
    let max = s
        .rows
        .iter()
        .filter(|r| r.case_type.is_some())
        .map(|r| r.open)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    const COLOURS: [&str; 4] = ["band-0", "band-1", "band-2", "band-3"];
    let bars = s
        .rows
        .iter()
        .filter(|r| r.case_type.is_some())
        .enumerate()
        .map(|(i, r)| {
            let mut x = 0.0;
            let parts = r
                .open_by_age
                .iter()
                .enumerate()
                .map(|(b, n)| {
                    let w = 460.0 * (*n as f64) / max;
                    let part = (x, w, *n, COLOURS[b]);
                    x += w;
                    part
                })
                .collect();
            BarRow {
                label: r.case_type.map(|t| type_label(tr, t)).unwrap_or_default(),
                parts,
                y: 10.0 + 34.0 * i as f64,
            }
        })
        .collect::<Vec<_>>();
    let chart_height = 20.0 + 34.0 * bars.len() as f64;
    let attention = s
        .attention
        .iter()
        .map(|c| AttentionLine {
            id: c.id.clone(),
            reference: c.reference.clone(),
            org: c.org_name.clone(),
            case_type: type_label(tr, c.case_type),
            opened: day(&c.opened_at),
            age: tr.f(
                "case-age",
                &[
                    ("total", days(c.total_days)),
                    ("waiting", days(c.waiting_days)),
                    ("own", days(c.authority_days)),
                ],
            ),
            over_target: c.over_target,
            over_six: c.over_six_months,
        })
        .collect();
    let targets = sup::targets(m.app(), &m.who)
        .await?
        .into_iter()
        .map(|(t, d)| {
            (
                t.key().to_string(),
                type_label(tr, t),
                d.map(|d| d.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let this_year = chrono::Datelike::year(&tillit_app::today_date());
    let period = match s.quarter {
        None => s.year.to_string(),
        Some(q) => format!("{} Q{q}", s.year),
    };
    let tpl = StatsPage {
        c: PageCommon::member(m, tr.t("stats-title"), "/authority/statistics")
            .with_notice(notice.map(|n| tr.t(&format!("done-{n}")))),
        years: (this_year - 5..=this_year)
            .rev()
            .map(|y| (y.to_string(), y == s.year))
            .collect(),
        quarters: (1..=4)
            .map(|q| (q.to_string(), s.quarter == Some(q)))
            .collect(),
        period,
        lines,
        attention_more: (s.attention_total > s.attention.len()).then(|| {
            tr.f(
                "stats-attention-more",
                &[
                    ("shown", s.attention.len().to_string()),
                    ("total", s.attention_total.to_string()),
                ],
            )
        }),
        attention,
        bars,
        band_labels: ["0–30", "31–90", "91–180", "> 180"]
            .iter()
            .map(|b| tr.f("days-band", &[("band", b.to_string())]))
            .collect(),
        chart_height,
        targets,
        may_set_targets: m.may(Permission::LeadSupervision),
        export_query: format!(
            "year={}&quarter={}",
            s.year,
            s.quarter.map(|q| q.to_string()).unwrap_or_default()
        ),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(crate::pages::ui::form_status(errors), &tpl))
}

#[derive(serde::Deserialize, Default)]
pub struct StatsQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    format: String,
}

impl StatsQuery {
    fn params(&self) -> StatsParams {
        StatsParams {
            year: self.year.clone(),
            quarter: self.quarter.clone(),
        }
    }
}

pub async fn statistics(m: Member, Params(q): Params<StatsQuery>) -> AppResult<Response> {
    let n = q.done.as_deref().filter(|d| *d == "targets-saved");
    stats_page(&m, &q.params(), n, None).await
}

pub async fn set_targets(m: Member, form: FormFields) -> AppResult<Response> {
    let r = form
        .submit(async |d: TargetsDraft| sup::set_targets(m.app(), &m.who, &d).await)
        .await;
    crate::forms::answer(
        r,
        |_| "/authority/statistics?done=targets-saved".to_string(),
        async |v| stats_page(&m, &StatsParams::default(), None, Some(&v)).await,
    )
    .await
}

pub async fn statistics_export(m: Member, Params(q): Params<StatsQuery>) -> AppResult<Response> {
    m.require(Permission::ViewSupervision)?;
    let (year, cases) = sup::statistics_cases(m.app(), &m.who, &q.params()).await?;
    let lang = m.ctx.tr.lang();
    let table = sup::statistics_table(&cases, lang);
    let stem = if lang == "en" {
        "handling-times"
    } else {
        "handlaggningstider"
    };
    match q.format.as_str() {
        "xlsx" => Ok(crate::requirements::pages::download(
            &format!("{stem}-{year}.xlsx"),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            tillit_app::tabular::write_xlsx(&table, "Ärenden").map_err(AppError::internal)?,
        )),
        "csv" | "" => Ok(crate::requirements::pages::download(
            &format!("{stem}-{year}.csv"),
            Some("text/csv; charset=utf-8"),
            tillit_app::tabular::write_csv(&table),
        )),
        _ => Err(ValidationErrors::single("format", tillit_domain::Rule::UnknownValue).into()),
    }
}

pub struct GuidanceLine {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub authority: String,
    pub version: i64,
    pub published: String,
    pub topics: String,
    /// The version publishes a requirement catalog.
    pub catalog: bool,
}

#[derive(Template)]
#[template(path = "guidance.html")]
struct GuidancePage {
    c: PageCommon,
    lines: Vec<GuidanceLine>,
    may_publish: bool,
    kinds: Vec<(String, String)>,
    form: (String, String, String, String, String),
    errors: Vec<FieldError>,
}

async fn guidance_page(
    m: &Member,
    form: (String, String, String, String, String),
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let list = sup::guidance(m.app(), &m.who).await?;
    let tpl = GuidancePage {
        c: PageCommon::member(m, tr.t("guidance-title"), "/guidance"),
        lines: list
            .into_iter()
            .map(|g| GuidanceLine {
                id: g.id,
                title: g.title,
                summary: g.summary,
                authority: g.authority_name,
                version: g.version,
                published: day(&g.published_at),
                topics: g.topics.replace(';', ", "),
                catalog: g.library_id.is_some(),
            })
            .collect(),
        may_publish: m.may(Permission::LeadSupervision),
        kinds: tillit_domain::org::OrgKind::ALL
            .into_iter()
            .filter(|k| k.side() == tillit_domain::org::Side::Provider)
            .map(|k| (k.key().to_string(), tr.kind(k)))
            .collect(),
        form,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(crate::pages::ui::form_status(errors), &tpl))
}

pub async fn guidance(m: Member) -> AppResult<Response> {
    guidance_page(&m, Default::default(), None).await
}

pub async fn publish(m: Member, form: FormFields) -> AppResult<Response> {
    let r = form
        .submit(async |d: GuidanceDraft| sup::publish_guidance(m.app(), &m.who, &d, None).await)
        .await;
    let keep = (
        form.get("doc_key").to_string(),
        form.get("title").to_string(),
        form.get("summary").to_string(),
        form.get("body").to_string(),
        form.all("topics").join(", "),
    );
    crate::forms::answer(
        r,
        |g| format!("/guidance/{}", g.id),
        async |v| guidance_page(&m, keep, Some(&v)).await,
    )
    .await
}

/// Publishes a guidance version that carries a requirement catalog (OSCAL files, multipart).
pub async fn publish_catalog(m: Member, mut mp: axum::extract::Multipart) -> AppResult<Response> {
    m.require(Permission::LeadSupervision)?;
    let malformed = || {
        crate::error::AppError::Invalid(ValidationErrors::single(
            "catalog",
            tillit_domain::Rule::InvalidFormat,
        ))
    };
    let mut d = GuidanceDraft::default();
    let mut catalog = tillit_app::oscal::Upload {
        name: String::new(),
        bytes: Vec::new(),
    };
    let mut profile = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(crate::error::AppError::PayloadTooLarge)
            }
            Err(_) => return Err(malformed()),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "catalog" || name == "profile" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    crate::error::AppError::PayloadTooLarge
                } else {
                    malformed()
                }
            })?;
            let u = tillit_app::oscal::Upload {
                name: file_name,
                bytes: bytes.to_vec(),
            };
            if name == "catalog" {
                catalog = u;
            } else if !u.bytes.is_empty() {
                profile = Some(u);
            }
            continue;
        }
        let text = field.text().await.map_err(|_| malformed())?;
        match name.as_str() {
            "doc_key" => d.doc_key = text,
            "title" => d.title = text,
            "summary" => d.summary = text,
            "body" => d.body = text,
            "topics" if !text.trim().is_empty() => d.topics.push(text),
            "org_kinds" => d.org_kinds.push(text),
            _ => {}
        }
    }
    let keep = (
        d.doc_key.clone(),
        d.title.clone(),
        d.summary.clone(),
        d.body.clone(),
        d.topics.join(", "),
    );
    match sup::publish_guidance(m.app(), &m.who, &d, Some((catalog, profile))).await {
        Ok(g) => Ok(see_other(&format!("/guidance/{}", g.id))),
        Err(tillit_app::Error::Invalid(v)) => guidance_page(&m, keep, Some(&v)).await,
        Err(e) => Err(e.into()),
    }
}

/// Adopts the catalog a guidance version publishes as the organisation's own library.
pub async fn adopt_catalog(
    m: Member,
    Path(id): Path<String>,
    _form: FormFields,
) -> AppResult<Response> {
    let a = tillit_app::oscal::adopt_published(m.app(), &m.who, &id).await?;
    Ok(see_other(&format!(
        "/libraries/{}?done=library-adopted-published",
        a.library.id
    )))
}

pub struct TouchedLine {
    pub change: String,
    pub control: String,
    pub system_href: String,
    pub system: String,
    pub status: String,
}

/// The catalog part of a guidance page.
pub struct CatalogBlock {
    pub title: String,
    pub facts: String,
    pub download: String,
    pub since: Option<String>,
    pub changes: Vec<(String, String, String)>,
    pub adopted: Option<String>,
    pub earlier: Option<String>,
    pub touched: Vec<TouchedLine>,
    /// (change, control, measure link, measure title, scope)
    pub touched_measures: Vec<(String, String, String, String, String)>,
    pub may_adopt: bool,
    pub controls: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "guidance_doc.html")]
struct GuidanceDocPage {
    c: PageCommon,
    title: String,
    meta: String,
    summary: String,
    html: String,
    versions: Vec<(String, i64, String, bool)>,
    changes: Vec<tillit_domain::diff::Piece>,
    has_changes: bool,
    may_publish: bool,
    doc_key: String,
    doc_id: String,
    catalog: Option<CatalogBlock>,
}

fn catalog_block(
    tr: &crate::i18n::Tr,
    id: &str,
    c: &tillit_app::oscal::PublishedCatalogView,
) -> CatalogBlock {
    let change = |k: tillit_app::oscal::ControlChange| tr.t(&format!("catalog-change-{}", k.key()));
    CatalogBlock {
        title: c.library.title.clone(),
        facts: tr.f(
            "published-catalog-facts",
            &[
                ("version", c.library.version.clone()),
                ("controls", c.library.control_count.to_string()),
            ],
        ),
        download: format!("/guidance/{id}/catalog.json"),
        since: c
            .changes
            .as_ref()
            .map(|(v, _)| tr.f("published-catalog-since", &[("version", v.to_string())])),
        changes: c
            .changes
            .iter()
            .flat_map(|(_, list)| list.iter())
            .map(|(k, x)| {
                (
                    k.key().to_string(),
                    change(*k),
                    format!("{} {}", x.label, x.title),
                )
            })
            .collect(),
        adopted: c.adopted.as_ref().map(|l| format!("/libraries/{}", l.id)),
        earlier: c.earlier.as_ref().map(|(l, v)| {
            tr.f(
                "published-catalog-earlier",
                &[("version", v.to_string()), ("title", l.title.clone())],
            )
        }),
        touched: c
            .touched
            .iter()
            .map(|t| TouchedLine {
                change: change(t.change),
                control: format!("{} {}", t.control.label, t.control.title),
                system_href: format!("/systems/{}", t.system_id),
                system: t.system_name.clone(),
                status: crate::requirements::pages::status_label(tr, Some(t.status)),
            })
            .collect(),
        touched_measures: c
            .touched_measures
            .iter()
            .map(|t| {
                (
                    change(t.change),
                    format!("{} {}", t.control.label, t.control.title),
                    format!("/measures/{}", t.measure_id),
                    t.measure_title.clone(),
                    t.system_name
                        .clone()
                        .unwrap_or_else(|| tr.t("published-catalog-whole-organisation")),
                )
            })
            .collect(),
        may_adopt: c.may_adopt,
        controls: c
            .controls
            .iter()
            .map(|x| (x.label.clone(), x.title.clone(), x.parent_id.is_some()))
            .collect(),
    }
}

/// The OSCAL catalog a guidance version publishes, as resolved at publishing.
pub async fn guidance_catalog(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    let doc = tillit_app::oscal::published_catalog_document(m.app(), &m.who, &id).await?;
    let text = tillit_app::oscal::write(&doc, tillit_oscal::Format::Json)?;
    Ok(crate::requirements::pages::download(
        &format!("guidance-{id}-catalog.json"),
        Some("application/oscal.catalog+json"),
        text.into_bytes(),
    ))
}

pub async fn guidance_doc(
    m: Member,
    Path(id): Path<String>,
    Params(notice): Params<crate::pages::Notice>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let notice = crate::pages::notice_from(tr, notice.done.as_deref());
    let v = sup::guidance_doc(m.app(), &m.who, &id).await?;
    let meta = tr.f(
        "guidance-meta",
        &[
            ("authority", v.doc.authority_name.clone()),
            ("version", v.doc.version.to_string()),
            ("date", day(&v.doc.published_at)),
        ],
    );
    let tpl = GuidanceDocPage {
        c: PageCommon::member(&m, v.doc.title.clone(), "/guidance").with_notice(notice),
        title: v.doc.title.clone(),
        meta,
        summary: v.doc.summary.clone(),
        html: crate::markdown::to_html(&v.doc.body),
        versions: v
            .versions
            .iter()
            .map(|g| {
                (
                    g.id.clone(),
                    g.version,
                    day(&g.published_at),
                    g.id == v.doc.id,
                )
            })
            .collect(),
        has_changes: v.changes.is_some(),
        changes: v.changes.unwrap_or_default(),
        may_publish: m.may(Permission::LeadSupervision) && v.doc.authority_org_id == m.who.org_id(),
        doc_key: v.doc.doc_key.clone(),
        catalog: v.catalog.as_ref().map(|c| catalog_block(tr, &v.doc.id, c)),
        doc_id: v.doc.id.clone(),
    };
    Ok(page(StatusCode::OK, &tpl))
}

/// A decision as a document (the authority's, read by both sides): the case, the outcome with
/// any amounts and grounds, the findings with the requirement and provision each concerns, and
/// the required actions with what the provider reported and the case officer's verdict.
pub async fn decision_pdf(
    m: Member,
    Path((id, decision)): Path<(String, String)>,
) -> AppResult<Response> {
    use tillit_app::reports::{Block, Section};
    let tr = &m.ctx.tr;
    let v: CaseView = sup::case(m.app(), &m.who, &id).await?;
    let provider = v.access == CaseAccess::Provider;
    let Some(index) = v.decisions.iter().position(|d| d.id == decision) else {
        return Err(AppError::NotFound);
    };
    let line = decision_lines(tr, &v).swap_remove(index);
    let actions: Vec<Vec<String>> = action_lines(tr, &v, provider)
        .into_iter()
        .zip(v.actions.iter())
        .filter(|(_, a)| a.decision_id == decision)
        .map(|(a, _)| {
            vec![
                a.text,
                a.due,
                a.report.unwrap_or_else(|| "–".into()),
                match a.reason {
                    Some(r) => format!("{} – {r}", a.verdict),
                    None => a.verdict,
                },
            ]
        })
        .collect();
    let mut outcome = vec![
        (tr.t("field-outcome"), line.outcome.clone()),
        (tr.t("field-decided-on"), line.decided_on.clone()),
        (tr.t("report-decided-by"), line.by.clone()),
    ];
    outcome.extend(line.amounts.iter().cloned());
    let mut first = vec![Block::Facts { rows: outcome }];
    if line.corrected {
        first.push(Block::Note {
            text: tr.t("report-decision-corrected"),
        });
    }
    let sections = vec![
        Section::new(tr.t("report-decision"), first),
        Section::new(
            tr.t("report-decision-reasons"),
            vec![Block::Paragraph {
                text: line.summary.clone(),
            }],
        ),
        Section::new(
            tr.t("report-findings"),
            vec![crate::reports::table_or(
                tr,
                "report-no-findings",
                vec![
                    tr.t("report-requirement"),
                    tr.t("report-provision"),
                    tr.t("report-finding"),
                ],
                line.findings
                    .iter()
                    .map(|(r, p, t)| vec![r.clone(), p.clone(), t.clone()])
                    .collect(),
                vec![2, 3, 6],
            )],
        ),
        Section::new(
            tr.t("report-required-actions"),
            vec![crate::reports::table_or(
                tr,
                "report-no-actions",
                vec![
                    tr.t("report-action"),
                    tr.t("field-due-on"),
                    tr.t("report-provider-report"),
                    tr.t("report-verdict"),
                ],
                actions,
                vec![4, 2, 4, 3],
            )],
        ),
    ];
    let mut doc = crate::reports::document(
        &m,
        tr.f(
            "report-decision-title",
            &[("outcome", line.outcome.clone())],
        ),
        Some(format!("{} · {}", v.case.reference, v.case.org_name)),
        case_facts(tr, &v, provider),
        sections,
    );
    // A decision is the authority's document, whoever downloads it.
    doc.organisation = v.case.authority_name.clone();
    crate::reports::pdf(
        &m.state,
        &format!(
            "beslut-{}-{}",
            crate::reports::slug(&v.case.reference),
            line.decided_on
        ),
        doc,
    )
    .await
}

//! The overview after sign-in: where the organisation stands and what to do first.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::Params;
use crate::pages::Notice;
use crate::pages::{notice_from, show_time, PageCommon};
use crate::render::page;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::views::AuditFilter;
use tillit_domain::org::Side;
use tillit_domain::paging::PageRequest;
use tillit_domain::role::{Permission, Role};

pub struct Step {
    pub label: String,
    pub help: String,
    pub href: Option<&'static str>,
    pub done: bool,
}

pub struct RoleRow {
    pub label: String,
    pub count: i64,
}

pub struct RecentEvent {
    pub id: String,
    pub time: String,
    pub actor: String,
    pub action: String,
}

/// One of the highest in the ranking: (entry id, name, score, without a submission).
type RankTop = (String, String, String, bool);

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    c: PageCommon,
    intro: String,
    steps: Vec<Step>,
    roles: Vec<RoleRow>,
    may_manage: bool,
    method_heading: String,
    method_text: String,
    phases: Vec<String>,
    recent: Option<Vec<RecentEvent>>,
    gaps: Option<Vec<crate::followup::pages::GapView>>,
    /// Incident reports still to send, soonest first.
    reports: Vec<crate::incidents::pages::DueRow>,
    reports_more: String,
    /// The next scheduled submission, when due within two weeks: (line, overdue).
    submission_due: Option<(String, bool)>,
    supervision_open: String,
    /// An authority's ranking at a glance: its summary and the five highest (entry id, name,
    /// score, flagged for no submission).
    ranking_top: Option<(String, Vec<RankTop>)>,
    may_read_submissions: bool,
    /// A care provider that has registered nothing yet: told where to begin.
    empty: bool,
    /// The guided start while a step is left: (progress, the next step's title).
    guide: Option<(String, String)>,
    /// Decisions that wait on this member, the information owner: (href, title, detail).
    awaiting: Vec<(String, String, String)>,
}

/// An action as people read it; unknown actions are shown by their key.
pub fn action_label(tr: &crate::i18n::Tr, action: &str) -> String {
    let key = format!("action-{}", action.replace(['.', '_'], "-"));
    let label = tr.t(&key);
    if label == key {
        action.to_string()
    } else {
        label
    }
}

pub async fn overview(m: Member, Params(notice): Params<Notice>) -> AppResult<Response> {
    m.require(Permission::ViewOverview)?;
    let tr = &m.ctx.tr;
    let counts = tillit_app::members::count_members_by_role(m.app(), &m.who).await?;
    let count_of = |r: Role| {
        counts
            .iter()
            .find(|c| c.role == r)
            .map(|c| c.count)
            .unwrap_or(0)
    };
    let total: i64 = counts.iter().map(|c| c.count).sum();
    let may_manage = m.may(Permission::ManageMembers);
    let members_href = if may_manage {
        Some("/admin/members")
    } else {
        None
    };
    let authority = m.who.membership().org_kind.side() == Side::Authority;
    let step = |label: &str, help: &str, href: Option<&'static str>, done: bool| Step {
        label: tr.t(label),
        help: tr.t(help),
        href,
        done,
    };
    let steps = if authority {
        vec![
            step(
                "step-authority-members",
                "step-authority-members-help",
                members_href,
                total > 1,
            ),
            step(
                "step-case-officer",
                "step-case-officer-help",
                members_href,
                count_of(Role::CaseOfficer) > 0,
            ),
            step(
                "step-supervision-lead",
                "step-supervision-lead-help",
                members_href,
                count_of(Role::SupervisionLead) > 0,
            ),
            step(
                "step-tokens",
                "step-tokens-help",
                Some("/account/tokens"),
                false,
            ),
        ]
    } else {
        vec![
            step("step-members", "step-members-help", members_href, total > 1),
            step(
                "step-coordinator",
                "step-coordinator-help",
                members_href,
                count_of(Role::Coordinator) > 0,
            ),
            step(
                "step-owner",
                "step-owner-help",
                members_href,
                count_of(Role::Owner) > 0,
            ),
            step(
                "step-dpo",
                "step-dpo-help",
                members_href,
                count_of(Role::Dpo) > 0,
            ),
        ]
    };
    let roles = Role::for_kind(m.who.membership().org_kind)
        .into_iter()
        .map(|r| RoleRow {
            label: tr.role(r),
            count: count_of(r),
        })
        .collect();
    let recent = if m.may(Permission::ViewAuditLog) {
        let page_req = PageRequest {
            page: 1,
            per_page: 5,
        };
        let events = tillit_app::audit::list_audit_events(
            m.app(),
            &m.who,
            &AuditFilter::default(),
            page_req,
        )
        .await?;
        Some(
            events
                .items
                .into_iter()
                .map(|e| RecentEvent {
                    time: show_time(&e.occurred_at),
                    actor: crate::audit::pages::actor_label(tr, &e.actor_label),
                    action: action_label(tr, &e.action),
                    id: e.id,
                })
                .collect(),
        )
    } else {
        None
    };
    let (method_heading, method_text, phase_keys) = if authority {
        (
            "overview-supervision-heading",
            "overview-supervision-text",
            [
                "phase-authority-1",
                "phase-authority-2",
                "phase-authority-3",
                "phase-authority-4",
            ],
        )
    } else {
        (
            "overview-method-heading",
            "overview-method-text",
            ["phase-1", "phase-2", "phase-3", "phase-4"],
        )
    };
    let intro = tr.f(
        "overview-intro",
        &[
            ("org", m.who.membership().org_name.clone()),
            ("role", tr.role(m.who.membership().role)),
            ("kind", tr.kind(m.who.membership().org_kind)),
        ],
    );
    let (reports, reports_more) = if !m.reports_due.is_empty() {
        let due = &m.reports_due;
        let shown =
            crate::incidents::pages::due_rows(tr, &due[..due.len().min(8)], &chrono::Utc::now());
        let more = due.len().saturating_sub(8);
        let more = if more > 0 {
            tr.f("overview-reports-more", &[("count", more.to_string())])
        } else {
            String::new()
        };
        (shown, more)
    } else {
        (vec![], String::new())
    };
    let (gaps, empty) = if m.may(Permission::ViewRegisters) {
        match crate::followup::pages::overview_gaps(&m).await? {
            Some(g) => (Some(g), false),
            None => (None, true),
        }
    } else {
        (None, false)
    };
    let guide = if m.may(Permission::ViewRegisters)
        && m.who.org_kind().side() == tillit_domain::org::Side::Provider
    {
        let g = tillit_app::guide::guide(m.app(), &m.who).await?;
        g.next.map(|next| {
            (
                tr.f(
                    "overview-guide-text",
                    &[
                        ("done", g.done.to_string()),
                        ("total", g.total.to_string()),
                        ("next", tr.t(&format!("guide-{}-title", next.key()))),
                    ],
                ),
                next.key().to_string(),
            )
        })
    } else {
        None
    };
    let awaiting = if m.may(Permission::ViewRegisters) {
        let approvals = tillit_app::access::approvals_awaiting_me(m.app(), &m.who)
            .await?
            .into_iter()
            .map(|(id, name)| {
                (
                    format!("/systems/{id}/access-analysis"),
                    tr.f("awaiting-access-approval", &[("name", name)]),
                    String::new(),
                )
            });
        tillit_app::risk::acceptances_awaiting_me(m.app(), &m.who)
            .await?
            .into_iter()
            .map(|x| {
                (
                    format!("/scenarios/{}", x.id),
                    x.input.title,
                    tr.f(
                        "awaiting-asked-by",
                        &[("name", x.acceptance_requested_by.unwrap_or_default())],
                    ),
                )
            })
            .chain(approvals)
            .collect()
    } else {
        vec![]
    };
    let tpl = OverviewPage {
        c: PageCommon::member(&m, tr.t("overview-title"), "/overview")
            .with_notice(notice_from(tr, notice.done.as_deref())),
        intro,
        steps,
        roles,
        may_manage,
        method_heading: tr.t(method_heading),
        method_text: tr.t(method_text),
        phases: phase_keys.iter().map(|k| tr.t(k)).collect(),
        recent,
        gaps,
        reports,
        reports_more,
        ranking_top: if m.may(Permission::ViewSupervision) {
            let view = tillit_app::authority::ranking(
                m.app(),
                &m.who,
                &Default::default(),
                tillit_domain::paging::PageRequest {
                    page: 1,
                    per_page: 5,
                },
            )
            .await?;
            Some((
                tr.f(
                    "overview-ranking-summary",
                    &[
                        ("count", view.page.total.to_string()),
                        ("missing", view.without_submission.to_string()),
                        ("version", view.model_version.to_string()),
                    ],
                ),
                view.page
                    .items
                    .into_iter()
                    .map(|r| {
                        (
                            r.entry_id,
                            r.name,
                            format!("{},{}", r.score_tenths / 10, r.score_tenths % 10),
                            r.missing_submission != 0,
                        )
                    })
                    .collect(),
            ))
        } else {
            None
        },
        awaiting,
        may_read_submissions: m.may(Permission::ReadSubmissions),
        supervision_open: if m.supervision_open > 0 {
            tr.f(
                "overview-supervision-open",
                &[("count", m.supervision_open.to_string())],
            )
        } else {
            String::new()
        },
        submission_due: m.submission_due.as_ref().map(|s| {
            let left = s.days_left(tillit_app::today_date());
            (
                tr.f(
                    if left < 0 {
                        "overview-submission-overdue"
                    } else {
                        "overview-submission-due"
                    },
                    &[
                        ("date", s.next_due.to_string()),
                        ("days", left.abs().to_string()),
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
        empty,
        guide,
    };
    Ok(page(StatusCode::OK, &tpl))
}

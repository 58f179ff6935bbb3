//! The starter kit page (`/start/kit`): what the kit offers the organisation, adopted in one step.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::{FormFields, Params};
use crate::pages::{show_time, Choice, FieldError, PageCommon};
use crate::render::{page, see_other};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_domain::classification::{Aspect, Levels};
use tillit_domain::role::Permission;
use tillit_domain::starter_kit::AdoptionDraft;
use tillit_domain::ValidationErrors;

pub struct KitItemRow {
    pub id: String,
    pub dom_id: String,
    pub name: String,
    pub description: String,
    /// Label and value pairs: confidentiality, suggested levels, what a system processes.
    pub facts: Vec<(String, String)>,
    pub motivation: String,
    pub adopted_href: Option<String>,
    pub checked: bool,
}

pub struct KitProfile {
    pub key: String,
    pub title: String,
    pub intro: String,
    pub assets: Vec<KitItemRow>,
    pub systems: Vec<KitItemRow>,
}

#[derive(Template)]
#[template(path = "start_kit.html")]
struct KitPage {
    c: PageCommon,
    intro: String,
    version_line: String,
    profiles: Vec<KitProfile>,
    may_adopt: bool,
    owners: Vec<Choice>,
    errors: Vec<FieldError>,
}

/// The query after an adoption: how many objects were made.
#[derive(Debug, Default, serde::Deserialize)]
pub struct KitNotice {
    #[serde(default)]
    pub done: Option<String>,
    #[serde(default)]
    pub count: Option<String>,
}

/// "K 3 · R 3 · T 3 · S 3" with the aspects' names for screen readers in the title.
fn levels_line(tr: &crate::i18n::Tr, l: &Levels) -> String {
    Aspect::ALL
        .into_iter()
        .map(|a| {
            format!(
                "{} {}",
                tr.t(&format!("aspect-{}", a.key())),
                l.get(a).number()
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

async fn render(
    m: &Member,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
    notice: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let lang = tr.lang();
    let offer = tillit_app::starter_kit::offer(m.app(), &m.who, lang).await?;
    let chosen = form.map(|f| f.all("items")).unwrap_or_default();
    let words = |keys: &[String], prefix: &str| {
        keys.iter()
            .map(|k| tr.t(&format!("{prefix}-{}", k.replace('_', "-"))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let profiles = offer
        .profiles
        .iter()
        .map(|p| {
            let row = |i: &tillit_app::starter_kit::OfferedItem| {
                let mut facts = Vec::new();
                if i.kind == "information_asset" {
                    if !i.data_subjects.is_empty() {
                        facts.push((
                            tr.t("field-data-subjects"),
                            words(&i.data_subjects, "subject"),
                        ));
                    }
                    if !i.special_categories.is_empty() {
                        facts.push((
                            tr.t("field-special-categories"),
                            words(&i.special_categories, "special"),
                        ));
                    }
                    facts.push((
                        tr.t("field-confidentiality-provisions"),
                        i.provisions
                            .clone()
                            .or_else(|| i.confidentiality_note.clone())
                            .unwrap_or_else(|| tr.t("kit-no-provisions")),
                    ));
                    if let Some(l) = &i.suggested {
                        facts.push((tr.t("kit-suggested-levels"), levels_line(tr, l)));
                    }
                } else {
                    facts.push((tr.t("kit-processes"), i.processes.join(", ")));
                    facts.push((tr.t("kit-threats"), i.threats.join(" · ")));
                }
                let href = i.adopted_id.as_ref().map(|id| {
                    if i.kind == "system" {
                        format!("/systems/{id}")
                    } else {
                        format!("/assets/{id}")
                    }
                });
                KitItemRow {
                    dom_id: format!("kit-{}-{}", p.key, i.id),
                    checked: chosen.contains(&i.id),
                    id: i.id.clone(),
                    name: i.name.clone(),
                    description: i.description.clone(),
                    facts,
                    motivation: i.motivation.clone().unwrap_or_default(),
                    adopted_href: href,
                }
            };
            KitProfile {
                key: p.key.clone(),
                title: p.title.clone(),
                intro: p.intro.clone(),
                assets: p
                    .items
                    .iter()
                    .filter(|i| i.kind == "information_asset")
                    .map(row)
                    .collect(),
                systems: p
                    .items
                    .iter()
                    .filter(|i| i.kind == "system")
                    .map(row)
                    .collect(),
            }
        })
        .collect();
    let may_adopt = m.may(Permission::EditRegisters);
    let mut owners = vec![Choice {
        key: String::new(),
        label: tr.t("kit-owner-later"),
        selected: true,
    }];
    if may_adopt && m.may(Permission::ViewMembers) {
        let now = form
            .map(|f| f.get("owner_membership_id").to_string())
            .unwrap_or_default();
        owners[0].selected = now.is_empty();
        let members = tillit_app::members::all_members(m.app(), &m.who).await?;
        owners.extend(members.into_iter().map(|x| Choice {
            selected: x.id == now,
            key: x.id.into(),
            label: format!("{} ({})", x.display_name, tr.role(x.role)),
        }));
    }
    let tpl = KitPage {
        c: PageCommon::member(m, offer.title.clone(), "/start").with_notice(notice),
        intro: offer.intro.clone(),
        version_line: tr.f(
            "kit-version-line",
            &[
                ("version", offer.version.clone()),
                ("published", offer.published.clone()),
                (
                    "bound",
                    tr.t(if offer.bound_by_osl {
                        "kit-bound-osl"
                    } else {
                        "kit-bound-private"
                    }),
                ),
            ],
        ),
        profiles,
        may_adopt,
        owners,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(status, &tpl))
}

pub async fn show(m: Member, Params(n): Params<KitNotice>) -> AppResult<Response> {
    let notice = match (n.done.as_deref(), n.count.as_deref().map(str::parse::<u32>)) {
        (Some("kit-adopted"), Some(Ok(count))) => Some(
            m.ctx
                .tr
                .f("done-kit-adopted", &[("count", count.to_string())]),
        ),
        _ => None,
    };
    render(&m, None, None, notice, StatusCode::OK).await
}

/// Adopts the chosen items and shows the kit again with what was done.
pub async fn adopt(m: Member, form: FormFields) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let lang = m.ctx.tr.lang().to_string();
    let result = form
        .submit(async |d: AdoptionDraft| {
            tillit_app::starter_kit::adopt(m.app(), &m.who, &d, &lang).await
        })
        .await;
    match result {
        Ok(done) => {
            let created = done
                .iter()
                .filter(|d| d.outcome == tillit_app::starter_kit::Outcome::Created)
                .count();
            Ok(see_other(&format!(
                "/start/kit?done=kit-adopted&count={created}"
            )))
        }
        Err(AppError::Invalid(v)) => {
            render(
                &m,
                Some(&form),
                Some(&v),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub struct StepRow {
    pub key: &'static str,
    pub title: String,
    pub why: String,
    pub law: String,
    pub auto: String,
    pub href: &'static str,
    pub do_label: String,
    pub state_label: String,
    pub state_class: &'static str,
    pub status_class: &'static str,
    pub marked: Option<String>,
    /// Open: not finished (its explanation shown).
    pub open: bool,
    pub next: bool,
    pub can_mark: bool,
    pub can_undo: bool,
}

#[derive(Template)]
#[template(path = "start.html")]
struct GuidePage {
    c: PageCommon,
    progress: String,
    done: usize,
    total: usize,
    finished: bool,
    steps: Vec<StepRow>,
    may_mark: bool,
    errors: Vec<FieldError>,
}

async fn render_guide(
    m: &Member,
    errors: Option<&ValidationErrors>,
    notice: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let g = tillit_app::guide::guide(m.app(), &m.who).await?;
    use tillit_domain::guide::{State, Step};
    let steps = g
        .steps
        .iter()
        .map(|s| {
            let k = s.step.key();
            let (label, class, status) = match s.state {
                State::Done | State::MarkedDone => ("guide-step-done", "done", "status-met"),
                State::Skipped => ("guide-step-skipped", "skipped", "status-not-applicable"),
                State::Todo => ("guide-step-todo", "todo", "status-unassessed"),
            };
            StepRow {
                key: k,
                title: tr.t(&format!("guide-{k}-title")),
                why: tr.t(&format!("guide-{k}-why")),
                law: tr.t(&format!("guide-{k}-law")),
                auto: tr.t(&format!("guide-{k}-auto")),
                href: s.step.href(),
                do_label: if s.step == Step::Adopt {
                    tr.t("guide-kit-link")
                } else {
                    tr.t("guide-do")
                },
                state_label: tr.t(label),
                state_class: class,
                status_class: status,
                marked: match (&s.marked_by, &s.marked_at) {
                    (Some(by), Some(at)) => {
                        Some(format!("{} · {by} · {}", tr.t(label), show_time(at)))
                    }
                    _ => None,
                },
                open: s.state == State::Todo,
                next: g.next == Some(s.step),
                can_mark: s.state == State::Todo,
                can_undo: matches!(s.state, State::MarkedDone | State::Skipped),
            }
        })
        .collect();
    let tpl = GuidePage {
        c: PageCommon::member(m, tr.t("guide-title"), "/start").with_notice(notice),
        progress: tr.f(
            "guide-progress",
            &[("done", g.done.to_string()), ("total", g.total.to_string())],
        ),
        done: g.done,
        total: g.total,
        finished: g.next.is_none(),
        steps,
        may_mark: m.may(Permission::EditRegisters),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    };
    Ok(page(status, &tpl))
}

/// The guided start (`/start`).
pub async fn guide(m: Member, Params(n): Params<crate::pages::Notice>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let notice = crate::pages::notice_from(&m.ctx.tr, n.done.as_deref());
    render_guide(&m, None, notice, StatusCode::OK).await
}

/// A member marks a step done or skipped, or takes the mark back.
pub async fn mark_step(m: Member, form: FormFields) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let result = form
        .submit(async |d: tillit_domain::guide::StepDraft| {
            tillit_app::guide::mark(m.app(), &m.who, &d).await
        })
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/start?done=guide-saved#step-{}",
            tillit_domain::guide::Step::parse(form.get("step"))
                .map(|s| s.key())
                .unwrap_or("members")
        ))),
        Err(AppError::Invalid(v)) => {
            render_guide(&m, Some(&v), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

//! The register of information systems and IT services, with the classification they inherit.

use crate::assets::pages::level_label;
use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::FormFields;
use crate::forms::Params;
use crate::pages::ui::{form_status, owner_choices};
use crate::pages::Notice;
use crate::pages::{notice_from, show_time, Choice, FieldError, PageCommon, Pager};
use crate::render::{page, see_other};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::views::System;
use tillit_domain::classification::SystemLevelsDraft;
use tillit_domain::classification::{Aspect, ConsequenceLevel};
use tillit_domain::ids::*;
use tillit_domain::role::Permission;
use tillit_domain::system::{SystemDraft, HOSTING};
use tillit_domain::ValidationErrors;

pub struct SystemRow {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub hosting: String,
    pub assets: usize,
    pub levels: Vec<String>,
    pub deviates: bool,
}

#[derive(Template)]
#[template(path = "systems.html")]
struct SystemsPage {
    c: PageCommon,
    archived_view: bool,
    list_base: &'static str,
    q: String,
    rows: Vec<SystemRow>,
    summary: String,
    pager: Pager,
    may_edit: bool,
    aspects: Vec<String>,
    hosting_options: Vec<Choice>,
    patient_options: Vec<Choice>,
    sort_options: Vec<Choice>,
}

fn aspect_headers(tr: &crate::i18n::Tr) -> Vec<String> {
    Aspect::ALL
        .into_iter()
        .map(|a| tr.t(&format!("aspect-{}", a.key())))
        .collect()
}

pub async fn list(
    m: Member,
    Params(p): Params<tillit_app::systems::SystemListParams>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let (query, page_req) = p.parse()?;
    let text = p.q.clone();
    let list = tillit_app::systems::list_systems_by(m.app(), &m.who, &query, page_req).await?;
    let pager = Pager::new(
        tr,
        "/systems",
        &[
            ("q", text.clone()),
            ("hosting", p.hosting.clone()),
            ("patient_data", p.patient_data.clone()),
            ("sort", p.sort.clone()),
            ("archived", p.archived.clone()),
            ("per_page", p.per_page.clone().unwrap_or_default()),
        ],
        &list,
    );
    let choice = |key: &str, label: String, now: &str| Choice {
        key: key.to_string(),
        selected: key == now,
        label,
    };
    let hosting_options = std::iter::once(choice("", tr.t("filter-all"), &p.hosting))
        .chain(HOSTING.iter().map(|h| {
            choice(
                h,
                tr.t(&tillit_domain::words::Hosting::label_key_of(h)),
                &p.hosting,
            )
        }))
        .collect();
    let patient_options = vec![
        choice("", tr.t("filter-all"), &p.patient_data),
        choice("yes", tr.t("systems-patient-yes"), &p.patient_data),
        choice("no", tr.t("systems-patient-no"), &p.patient_data),
    ];
    let sort_now = match p.sort.clone().as_str() {
        "" => "name".to_string(),
        other => other.to_string(),
    };
    let sort_options = vec![
        choice("name", tr.t("sort-name"), &sort_now),
        choice("updated", tr.t("sort-updated"), &sort_now),
        choice("review", tr.t("sort-review"), &sort_now),
    ];
    let summary = tr.f("systems-summary", &[("count", list.total.to_string())]);
    let rows = list
        .items
        .into_iter()
        .map(|s| SystemRow {
            levels: s
                .effective()
                .map(|l| {
                    Aspect::ALL
                        .into_iter()
                        .map(|a| l.get(a).number().to_string())
                        .collect()
                })
                .unwrap_or_default(),
            deviates: s.deviation.is_some(),
            owner: s
                .owner_name
                .clone()
                .unwrap_or_else(|| tr.t("assets-no-owner")),
            hosting: tr.t(&tillit_domain::words::Hosting::label_key_of(
                &s.input.hosting,
            )),
            assets: s.assets.len(),
            name: s.input.name,
            id: s.id.into(),
        })
        .collect();
    let tpl = SystemsPage {
        archived_view: query.archived,
        list_base: "/systems",
        c: PageCommon::member(&m, tr.t("systems-title"), "/systems")
            .with_notice(notice_from(tr, notice.done.as_deref())),
        q: text,
        rows,
        summary,
        pager,
        may_edit: m.may(Permission::EditRegisters),
        aspects: aspect_headers(tr),
        hosting_options,
        patient_options,
        sort_options,
    };
    Ok(page(StatusCode::OK, &tpl))
}

pub struct SystemForm {
    pub name: String,
    pub description: String,
    pub review_interval_months: String,
    /// What to choose, or that a supplier written before the register is not linked yet.
    pub supplier_hint: String,
    /// Where to add a supplier to the register (with the name written before, if any).
    pub add_supplier_href: String,
    /// That a country written before the list names none of its countries.
    pub country_hint: Option<String>,
}

#[derive(Template)]
#[template(path = "system_form.html")]
struct SystemFormPage {
    c: PageCommon,
    action: String,
    heading: String,
    f: SystemForm,
    owners: Vec<Choice>,
    hosting: Vec<Choice>,
    suppliers: Vec<Choice>,
    countries: Vec<Choice>,
    assets: Vec<Choice>,
    errors: Vec<FieldError>,
}

/// The register's form handlers (`crate::register`).
pub struct Systems;

impl crate::register::Register for Systems {
    type Id = SystemId;
    type Draft = SystemDraft;
    type Item = System;

    async fn save(
        m: &Member,
        id: Option<&SystemId>,
        d: &SystemDraft,
    ) -> tillit_app::Result<System> {
        match id {
            Some(id) => tillit_app::systems::update_system(m.app(), &m.who, id, d).await,
            None => tillit_app::systems::create_system(m.app(), &m.who, d).await,
        }
    }

    async fn load(m: &Member, id: &SystemId) -> tillit_app::Result<System> {
        tillit_app::systems::system(m.app(), &m.who, id).await
    }

    fn saved(s: &System) -> String {
        format!("/systems/{}?done=system-saved", s.id)
    }

    async fn form(
        m: &Member,
        existing: Option<&System>,
        form: Option<&FormFields>,
        errors: Option<&ValidationErrors>,
    ) -> AppResult<Response> {
        m.require(Permission::EditRegisters)?;
        let tr = &m.ctx.tr;
        let input = existing.map(|s| &s.input);
        let val = |k: &str, from: String| form.map(|f| f.get(k).to_string()).unwrap_or(from);
        let stored_owner = input.and_then(|i| i.owner_membership_id.as_deref());
        let owners = owner_choices(m, form, stored_owner).await?;
        let hosting_now = val(
            "hosting",
            input.map(|i| i.hosting.clone()).unwrap_or_default(),
        );
        let hosting = HOSTING
            .iter()
            .map(|h| Choice {
                key: h.to_string(),
                label: tr.t(&tillit_domain::words::Hosting::label_key_of(h)),
                selected: *h == hosting_now,
            })
            .collect();
        let supplier_now = val(
            "supplier_id",
            input
                .and_then(|i| i.supplier_id.clone())
                .unwrap_or_default(),
        );
        let mut suppliers = vec![Choice {
            key: String::new(),
            label: tr.t("systems-no-supplier"),
            selected: supplier_now.is_empty(),
        }];
        suppliers.extend(
            tillit_app::suppliers::supplier_names(m.app(), &m.who)
                .await?
                .into_iter()
                .map(|(id, name)| Choice {
                    selected: id == supplier_now,
                    key: id,
                    label: name,
                }),
        );
        // A new system is in Sweden until told otherwise.
        let country_stored = match existing {
            Some(s) => s.input.country.clone(),
            None => Some("SE".to_string()),
        };
        let countries =
            crate::suppliers::pages::country_select(tr, form, "country", country_stored.as_deref());
        let linked = input.map(|i| i.asset_ids.clone()).unwrap_or_default();
        let all = tillit_app::assets::asset_choices(m.app(), &m.who).await?;
        let assets = crate::pages::ui::choices(
            form,
            "asset_ids",
            &linked,
            crate::pages::ui::linkable(tr, form, "asset_ids", &linked, all),
        );
        let f = SystemForm {
            name: val("name", input.map(|i| i.name.clone()).unwrap_or_default()),
            description: val(
                "description",
                input
                    .and_then(|i| i.description.clone())
                    .unwrap_or_default(),
            ),
            supplier_hint: match existing.and_then(|s| s.unlinked_supplier.clone()) {
                Some(name) => tr.f("systems-unlinked-supplier-hint", &[("name", name)]),
                None => tr.t("systems-supplier-hint"),
            },
            add_supplier_href: match existing.and_then(|s| s.unlinked_supplier.as_deref()) {
                Some(name) => format!("/suppliers/new?name={}", crate::render::urlencode(name)),
                None => "/suppliers/new".to_string(),
            },
            country_hint: existing
                .and_then(|s| s.unmatched_country.clone())
                .filter(|_| existing.is_some_and(|s| s.input.country.is_none()))
                .map(|text| tr.f("systems-unmatched-country-hint", &[("text", text)])),
            review_interval_months: val(
                "review_interval_months",
                input
                    .map(|i| i.review_interval_months.to_string())
                    .unwrap_or_else(|| "12".into()),
            ),
        };
        let (action, heading) = match existing {
            Some(s) => (
                format!("/systems/{}", s.id),
                tr.f("systems-edit-heading", &[("name", s.input.name.clone())]),
            ),
            None => ("/systems".to_string(), tr.t("systems-new-heading")),
        };
        let tpl = SystemFormPage {
            c: PageCommon::member(m, heading.clone(), "/systems"),
            action,
            heading,
            f,
            owners,
            hosting,
            suppliers,
            countries,
            assets,
            errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
        };
        Ok(page(form_status(errors), &tpl))
    }
}

pub struct LevelRow {
    pub aspect: String,
    pub inherited: String,
    pub chosen: String,
    pub differs: bool,
}

pub struct AspectChoice {
    pub key: &'static str,
    pub label: String,
    pub options: Vec<Choice>,
}

pub struct AssetLine {
    pub id: String,
    pub name: String,
    pub levels: String,
}

#[derive(Template)]
#[template(path = "system.html")]
struct SystemPage {
    c: PageCommon,
    archive: crate::archive::ArchiveBox,
    id: String,
    name: String,
    facts: Vec<(String, String)>,
    assets: Vec<AssetLine>,
    rows: Vec<LevelRow>,
    has_inherited: bool,
    deviates: bool,
    deviation_motivation: String,
    may_edit: bool,
    may_classify: bool,
    aspects: Vec<AspectChoice>,
    motivation: String,
    errors: Vec<FieldError>,
    integrations_to: Vec<(String, String)>,
    integrations_from: Vec<(String, String)>,
    integration_choices: Vec<Choice>,
    /// (id, title) of the libraries the system is assessed against.
    libraries: Vec<(String, String)>,
    /// The organisation's other libraries, to assess the system against.
    adoptable: Vec<Choice>,
    may_assess: bool,
    /// How many measures the system's action plan holds.
    plan_size: usize,
    /// Where the system stands: key figures (label, value, asks for attention, link).
    kpis: Vec<(String, String, bool, String)>,
    /// Its requirements in a line: assessed of applicable, and how many through the organisation.
    requirements_line: String,
    /// The risks of the analyses that cover it: (href, title, score text, above tolerance).
    risks: Vec<(String, String, String, bool)>,
    /// Its action plan: (href, title, status and due day).
    measures: Vec<(String, String, String)>,
}

async fn render_system(
    m: &Member,
    id: &str,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
    status: StatusCode,
    notice: Option<String>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let s = tillit_app::systems::system(m.app(), &m.who, &SystemId::from(id)).await?;
    let summary = tillit_app::systems::system_summary(m.app(), &m.who, &s).await?;
    let req = &summary.requirements;
    let above = summary.above_tolerance();
    let overdue = summary.overdue_measures();
    let kpis = vec![
        (
            tr.t("figure-compliance"),
            req.compliance_percent()
                .map(|p| format!("{p} %"))
                .unwrap_or_else(|| "–".into()),
            false,
            format!("/systems/{}/requirements", s.id),
        ),
        (
            tr.t("system-risks"),
            summary.scenarios.len().to_string(),
            false,
            "#system-risks".into(),
        ),
        (
            tr.t("figure-above-tolerance"),
            above.to_string(),
            above > 0,
            "#system-risks".into(),
        ),
        (
            tr.t("figure-open-measures"),
            summary.open_measures().to_string(),
            false,
            "#system-measures".into(),
        ),
        (
            tr.t("figure-overdue-measures"),
            overdue.to_string(),
            overdue > 0,
            "#system-measures".into(),
        ),
    ];
    let requirements_line = tr.f(
        "system-requirements-line",
        &[
            ("assessed", req.assessed().to_string()),
            ("applicable", req.applicable.to_string()),
            ("organisation", summary.from_organisation.to_string()),
        ],
    );
    let risks = summary
        .scenarios
        .iter()
        .map(|x| {
            let p = x.input.residual;
            (
                format!("/scenarios/{}", x.id),
                x.input.title.clone(),
                format!(
                    "{} × {} = {}",
                    p.likelihood,
                    p.consequence,
                    summary.matrix.score(p)
                ),
                summary.matrix.above_tolerance(p),
            )
        })
        .collect();
    let measures = summary
        .measures
        .iter()
        .map(|x| {
            (
                format!("/measures/{}", x.id),
                x.input.title.clone(),
                crate::measures::pages::status_and_due(tr, x),
            )
        })
        .collect();
    let i = &s.input;
    let dash = || "–".to_string();
    let facts = vec![
        (
            tr.t("field-description"),
            i.description.clone().unwrap_or_else(dash),
        ),
        (
            tr.t("field-system-owner"),
            s.owner_name
                .clone()
                .unwrap_or_else(|| tr.t("assets-no-owner")),
        ),
        (
            tr.t("field-supplier"),
            match (&s.supplier_name, &s.unlinked_supplier) {
                (Some(n), _) => n.clone(),
                (None, Some(text)) => tr.f("systems-unlinked-supplier", &[("name", text.clone())]),
                (None, None) => dash(),
            },
        ),
        (
            tr.t("field-hosting"),
            tr.t(&tillit_domain::words::Hosting::label_key_of(&i.hosting)),
        ),
        (
            tr.t("field-country"),
            match (&i.country, &s.unmatched_country) {
                (Some(c), _) => crate::suppliers::pages::country_name(tr, Some(c)),
                (None, Some(text)) => tr.f("systems-unmatched-country", &[("text", text.clone())]),
                (None, None) => dash(),
            },
        ),
        (
            tr.t("field-review-interval-months"),
            i.review_interval_months.to_string(),
        ),
        (tr.t("systems-updated"), show_time(&s.updated_at)),
    ];
    let mut facts = facts;
    let (last, next) = tillit_app::followup::next_review_of(
        m.app(),
        &m.who,
        tillit_app::views::Reviewed::System,
        s.id.as_str(),
    )
    .await?;
    facts.push((tr.t("review-last"), last.unwrap_or_else(dash)));
    facts.push((tr.t("review-next"), next.unwrap_or_else(dash)));
    let show = |l: Option<ConsequenceLevel>| l.map(|l| level_label(tr, l)).unwrap_or_else(dash);
    let rows = Aspect::ALL
        .into_iter()
        .map(|a| {
            let inh = s.inherited.map(|l| l.get(a));
            let dev = s.deviation.map(|l| l.get(a));
            LevelRow {
                aspect: tr.t(&format!("aspect-{}", a.key())),
                inherited: show(inh),
                chosen: show(dev.or(inh)),
                differs: dev.is_some() && dev != inh,
            }
        })
        .collect();
    let selected = |a: Aspect| {
        form.map(|f| f.get(a.key()).to_string()).unwrap_or_else(|| {
            s.effective()
                .map(|l| l.get(a).number().to_string())
                .unwrap_or_default()
        })
    };
    let aspects = Aspect::ALL
        .into_iter()
        .map(|a| AspectChoice {
            key: a.key(),
            label: tr.t(&format!("aspect-{}", a.key())),
            options: ConsequenceLevel::ALL
                .into_iter()
                .map(|l| Choice {
                    key: l.number().to_string(),
                    label: level_label(tr, l),
                    selected: selected(a) == l.number().to_string(),
                })
                .collect(),
        })
        .collect();
    let assets = s
        .assets
        .iter()
        .map(|a| AssetLine {
            id: a.id.to_string(),
            name: a.input.name.clone(),
            levels: a
                .levels
                .map(|l| {
                    Aspect::ALL
                        .into_iter()
                        .map(|x| l.get(x).number().to_string())
                        .collect::<Vec<_>>()
                        .join(" / ")
                })
                .unwrap_or_else(|| tr.t("assets-unclassified")),
        })
        .collect();
    let (integrations_to, integrations_from) =
        tillit_app::systems::integrations(m.app(), &m.who, &s.id).await?;
    let mut names: Vec<(String, String)> = tillit_app::systems::system_names(m.app(), &m.who)
        .await?
        .into_iter()
        .filter(|(id, _)| s.id != *id)
        .collect();
    names.sort_by(|a, b| a.1.cmp(&b.1));
    let integration_choices = names
        .into_iter()
        .map(|(id, name)| Choice {
            selected: integrations_to.iter().any(|(i, _)| *i == id),
            key: id,
            label: name,
        })
        .collect();
    let adopted = tillit_app::oscal::system_libraries(m.app(), &m.who, &s.id).await?;
    let adoptable = tillit_app::oscal::libraries(m.app(), &m.who)
        .await?
        .into_iter()
        .filter(|l| !adopted.iter().any(|a| a.id == l.id))
        .map(|l| Choice {
            key: l.id,
            label: format!("{} {}", l.title, l.version),
            selected: false,
        })
        .collect();
    let archive =
        crate::archive::archive_box(m, tillit_domain::archive::Archivable::System, s.id.as_str())
            .await?;
    let tpl = SystemPage {
        archive,
        libraries: adopted
            .into_iter()
            .map(|l| (l.id, format!("{} {}", l.title, l.version)))
            .collect(),
        adoptable,
        may_assess: m.may(Permission::Assess),
        plan_size: summary.measures.len(),
        kpis,
        requirements_line,
        risks,
        measures,
        c: PageCommon::member(m, s.input.name.clone(), "/systems").with_notice(notice),
        id: s.id.to_string(),
        name: s.input.name.clone(),
        facts,
        assets,
        rows,
        has_inherited: s.inherited.is_some(),
        deviates: s.deviation.is_some(),
        deviation_motivation: s.deviation_motivation.clone().unwrap_or_default(),
        may_edit: m.may(Permission::EditRegisters),
        may_classify: m.may(Permission::Classify),
        aspects,
        motivation: form
            .map(|f| f.get("deviation_motivation").to_string())
            .unwrap_or_default(),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
        integrations_to,
        integrations_from,
        integration_choices,
    };
    Ok(page(status, &tpl))
}

/// Replaces the systems this one integrates with.
pub async fn set_integrations(
    m: Member,
    Path(id): Path<SystemId>,
    form: FormFields,
) -> AppResult<Response> {
    tillit_app::systems::set_integrations(m.app(), &m.who, &id, &form.all("integration_ids"))
        .await?;
    Ok(see_other(&format!("/systems/{id}?done=system-saved")))
}

pub async fn show(
    m: Member,
    Path(id): Path<String>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, notice.done.as_deref());
    render_system(&m, &id, None, None, StatusCode::OK, notice).await
}

pub async fn set_levels(
    m: Member,
    Path(id): Path<SystemId>,
    form: FormFields,
) -> AppResult<Response> {
    m.require(Permission::Classify)?;
    let result = if form.get("clear") == "yes" {
        tillit_app::systems::clear_system_levels(m.app(), &m.who, &id).await
    } else {
        let d = SystemLevelsDraft {
            confidentiality: form.get("confidentiality").to_string(),
            integrity: form.get("integrity").to_string(),
            availability: form.get("availability").to_string(),
            traceability: form.get("traceability").to_string(),
            deviation_motivation: form.get("deviation_motivation").to_string(),
        };
        tillit_app::systems::set_system_levels(m.app(), &m.who, &id, &d).await
    };
    match result.map_err(AppError::from) {
        Ok(_) => Ok(see_other(&format!("/systems/{id}?done=system-levels"))),
        Err(AppError::Invalid(v)) => {
            render_system(
                &m,
                id.as_str(),
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

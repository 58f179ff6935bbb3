//! The register of information assets (informationsmängder) and their classification.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::FormFields;
use crate::forms::Params;
use crate::i18n::Tr;
use crate::pages::ui::{form_status, owner_choices};
use crate::pages::Notice;
use crate::pages::{notice_from, show_time, Choice, FieldError, PageCommon, Pager};
use crate::render::{page, see_other};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::views::Asset;
use tillit_domain::asset::{
    AssetDraft, CONFIDENTIALITY_STRENGTHS, DATA_SUBJECTS, SPECIAL_CATEGORIES,
};
use tillit_domain::classification::ClassificationDraft;
use tillit_domain::classification::{Aspect, ConsequenceLevel, Levels};
use tillit_domain::ids::*;
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

pub struct AssetRow {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub personal: String,
    pub levels: Vec<String>,
    pub classified: bool,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "assets.html")]
struct AssetsPage {
    c: PageCommon,
    archived_view: bool,
    list_base: &'static str,
    q: String,
    classified_options: Vec<Choice>,
    sort_options: Vec<Choice>,
    rows: Vec<AssetRow>,
    summary: String,
    pager: Pager,
    may_edit: bool,
    aspects: Vec<String>,
}

pub fn level_label(tr: &Tr, l: ConsequenceLevel) -> String {
    format!("{} {}", l.number(), tr.t(&format!("level-{}", l.number())))
}

fn aspect_headers(tr: &Tr) -> Vec<String> {
    Aspect::ALL
        .into_iter()
        .map(|a| tr.t(&format!("aspect-{}", a.key())))
        .collect()
}

pub async fn list(
    m: Member,
    Params(p): Params<tillit_app::assets::AssetListParams>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let (query, page_req) = p.parse()?;
    let text = p.q.clone();
    let list = tillit_app::assets::list_assets(m.app(), &m.who, &query, page_req).await?;
    let pager = Pager::new(
        tr,
        "/assets",
        &[
            ("q", text.clone()),
            ("classified", p.classified.clone()),
            ("sort", p.sort.clone()),
            ("archived", p.archived.clone()),
            ("per_page", p.per_page.clone().unwrap_or_default()),
        ],
        &list,
    );
    let summary = tr.f("assets-summary", &[("count", list.total.to_string())]);
    let rows = list
        .items
        .into_iter()
        .map(|a| AssetRow {
            levels: match &a.levels {
                Some(l) => Aspect::ALL
                    .into_iter()
                    .map(|x| l.get(x).number().to_string())
                    .collect(),
                None => vec![],
            },
            classified: a.levels.is_some(),
            owner: a
                .owner_name
                .clone()
                .unwrap_or_else(|| tr.t("assets-no-owner")),
            personal: tr.t(if a.input.personal_data { "yes" } else { "no" }),
            updated: show_time(&a.updated_at),
            name: a.input.name,
            id: a.id.into(),
        })
        .collect();
    let choice = |key: &str, label: &str, current: &str| Choice {
        key: key.into(),
        label: tr.t(label),
        selected: key == current,
    };
    let tpl = AssetsPage {
        archived_view: query.archived,
        list_base: "/assets",
        c: PageCommon::member(&m, tr.t("assets-title"), "/assets")
            .with_notice(notice_from(tr, notice.done.as_deref())),
        q: text,
        classified_options: vec![
            choice("", "filter-all", &p.classified),
            choice("yes", "assets-classified", &p.classified),
            choice("no", "assets-unclassified", &p.classified),
        ],
        sort_options: vec![
            choice("name", "sort-name", &p.sort),
            choice("level", "sort-level", &p.sort),
            choice("updated", "sort-updated", &p.sort),
        ],
        rows,
        summary,
        pager,
        may_edit: m.may(Permission::EditRegisters),
        aspects: aspect_headers(tr),
    };
    Ok(page(StatusCode::OK, &tpl))
}

pub struct AssetForm {
    pub name: String,
    pub description: String,
    pub personal_data: bool,
    pub offences: bool,
    pub individuals_approx: String,
    pub confidentiality_provisions: String,
    pub legal_basis: String,
    pub review_interval_months: String,
}

#[derive(Template)]
#[template(path = "asset_form.html")]
struct AssetFormPage {
    c: PageCommon,
    action: String,
    heading: String,
    f: AssetForm,
    owners: Vec<Choice>,
    special: Vec<Choice>,
    subjects: Vec<Choice>,
    strengths: Vec<Choice>,
    errors: Vec<FieldError>,
}

/// The register's form handlers (`crate::register`).
pub struct Assets;

impl crate::register::Register for Assets {
    type Id = AssetId;
    type Draft = AssetDraft;
    type Item = Asset;

    async fn save(m: &Member, id: Option<&AssetId>, d: &AssetDraft) -> tillit_app::Result<Asset> {
        match id {
            Some(id) => tillit_app::assets::update_asset(m.app(), &m.who, id, d).await,
            None => tillit_app::assets::create_asset(m.app(), &m.who, d).await,
        }
    }

    async fn load(m: &Member, id: &AssetId) -> tillit_app::Result<Asset> {
        tillit_app::assets::asset(m.app(), &m.who, id).await
    }

    fn saved(a: &Asset) -> String {
        format!("/assets/{}?done=asset-saved", a.id)
    }

    async fn form(
        m: &Member,
        existing: Option<&Asset>,
        form: Option<&FormFields>,
        errors: Option<&ValidationErrors>,
    ) -> AppResult<Response> {
        m.require(Permission::EditRegisters)?;
        let tr = &m.ctx.tr;
        let val =
            |k: &str, from_asset: String| form.map(|f| f.get(k).to_string()).unwrap_or(from_asset);
        let input = existing.map(|a| &a.input);
        let stored_owner = input.and_then(|i| i.owner_membership_id.as_deref());
        let owners = owner_choices(m, form, stored_owner).await?;
        let chosen = |k: &str, from: Vec<String>| form.map(|f| f.all(k)).unwrap_or(from);
        let sc = chosen(
            "special_categories",
            input
                .map(|i| i.special_categories.clone())
                .unwrap_or_default(),
        );
        let ds = chosen(
            "data_subjects",
            input.map(|i| i.data_subjects.clone()).unwrap_or_default(),
        );
        let opts = |keys: &[&str], label_key: fn(&str) -> String, chosen: &[String]| {
            keys.iter()
                .map(|k| Choice {
                    key: k.to_string(),
                    label: tr.t(&label_key(k)),
                    selected: chosen.iter().any(|c| c == k),
                })
                .collect()
        };
        let f = AssetForm {
            name: val("name", input.map(|i| i.name.clone()).unwrap_or_default()),
            description: val(
                "description",
                input
                    .and_then(|i| i.description.clone())
                    .unwrap_or_default(),
            ),
            personal_data: form
                .map(|f| !f.get("personal_data").is_empty())
                .unwrap_or(input.is_some_and(|i| i.personal_data)),
            offences: form
                .map(|f| !f.get("offences").is_empty())
                .unwrap_or(input.is_some_and(|i| i.offences)),
            individuals_approx: val(
                "individuals_approx",
                input
                    .and_then(|i| i.individuals_approx)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            ),
            confidentiality_provisions: val(
                "confidentiality_provisions",
                input
                    .and_then(|i| i.confidentiality_provisions.clone())
                    .unwrap_or_default(),
            ),
            legal_basis: val(
                "legal_basis",
                input
                    .and_then(|i| i.legal_basis.clone())
                    .unwrap_or_default(),
            ),
            review_interval_months: val(
                "review_interval_months",
                input
                    .map(|i| i.review_interval_months.to_string())
                    .unwrap_or_else(|| "12".into()),
            ),
        };
        let (action, heading) = match existing {
            Some(a) => (
                format!("/assets/{}", a.id),
                tr.f("assets-edit-heading", &[("name", a.input.name.clone())]),
            ),
            None => ("/assets".to_string(), tr.t("assets-new-heading")),
        };
        let strength_now = form
            .map(|f| f.get("confidentiality_strength").to_string())
            .or_else(|| existing.and_then(|a| a.input.confidentiality_strength.clone()))
            .unwrap_or_default();
        let mut strengths = vec![Choice {
            key: String::new(),
            label: tr.t("strength-none"),
            selected: strength_now.is_empty(),
        }];
        strengths.extend(CONFIDENTIALITY_STRENGTHS.iter().map(|k| Choice {
            key: k.to_string(),
            label: tr.t(&tillit_domain::words::ConfidentialityStrength::label_key_of(k)),
            selected: *k == strength_now,
        }));
        let tpl = AssetFormPage {
            c: PageCommon::member(m, heading.clone(), "/assets"),
            action,
            heading,
            f,
            owners,
            special: opts(
                SPECIAL_CATEGORIES,
                tillit_domain::words::SpecialCategory::label_key_of,
                &sc,
            ),
            subjects: opts(
                DATA_SUBJECTS,
                tillit_domain::words::DataSubject::label_key_of,
                &ds,
            ),
            strengths,
            errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
        };
        Ok(page(form_status(errors), &tpl))
    }
}

pub struct HistoryRow {
    pub levels: Vec<String>,
    pub motivation: String,
    pub by: String,
    pub at: String,
}

pub struct AspectChoice {
    pub key: &'static str,
    pub label: String,
    pub help: String,
    pub options: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "asset.html")]
struct AssetPage {
    c: PageCommon,
    archive: crate::archive::ArchiveBox,
    id: String,
    name: String,
    facts: Vec<(String, String)>,
    current: Vec<(String, String)>,
    classified: bool,
    may_edit: bool,
    may_classify: bool,
    aspects: Vec<AspectChoice>,
    aspect_headers: Vec<String>,
    motivation: String,
    history: Vec<HistoryRow>,
    errors: Vec<FieldError>,
    suggestion: Option<SuggestionBox>,
}

/// The starter kit's suggested classification, while it waits on the information owner.
pub struct SuggestionBox {
    pub source: String,
    pub levels: Vec<(String, String)>,
    pub motivation: String,
    /// Who must confirm it, or that an owner must be chosen first.
    pub waiting: String,
    pub may_confirm: bool,
}

async fn render_asset(
    m: &Member,
    id: &str,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
    status: StatusCode,
    notice: Option<String>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let a = tillit_app::assets::asset(m.app(), &m.who, &AssetId::from(id)).await?;
    let history =
        tillit_app::assets::asset_classifications(m.app(), &m.who, &AssetId::from(id)).await?;
    let list_of = |keys: &[String], prefix: &str| {
        if keys.is_empty() {
            "–".to_string()
        } else {
            keys.iter()
                .map(|k| tr.t(&format!("{prefix}-{}", k.replace('_', "-"))))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let i = &a.input;
    let facts = vec![
        (
            tr.t("field-description"),
            i.description.clone().unwrap_or_else(|| "–".into()),
        ),
        (
            tr.t("field-owner-membership-id"),
            a.owner_name
                .clone()
                .unwrap_or_else(|| tr.t("assets-no-owner")),
        ),
        (
            tr.t("field-personal-data"),
            tr.t(if i.personal_data { "yes" } else { "no" }),
        ),
        (
            tr.t("field-special-categories"),
            list_of(&i.special_categories, "special"),
        ),
        (
            tr.t("field-offences"),
            tr.t(if i.offences { "yes" } else { "no" }),
        ),
        (
            tr.t("field-data-subjects"),
            list_of(&i.data_subjects, "subject"),
        ),
        (
            tr.t("field-individuals-approx"),
            i.individuals_approx
                .map(|n| n.to_string())
                .unwrap_or_else(|| "–".into()),
        ),
        (
            tr.t("field-confidentiality-provisions"),
            i.confidentiality_provisions
                .clone()
                .unwrap_or_else(|| "–".into()),
        ),
        (
            tr.t("field-confidentiality-strength"),
            i.confidentiality_strength
                .as_deref()
                .map(|k| tr.t(&tillit_domain::words::ConfidentialityStrength::label_key_of(k)))
                .unwrap_or_else(|| "–".into()),
        ),
        (
            tr.t("field-legal-basis"),
            i.legal_basis.clone().unwrap_or_else(|| "–".into()),
        ),
        (
            tr.t("field-review-interval-months"),
            i.review_interval_months.to_string(),
        ),
    ];
    let mut facts = facts;
    let (last, next) = tillit_app::followup::next_review_of(
        m.app(),
        &m.who,
        tillit_app::views::Reviewed::Asset,
        a.id.as_str(),
    )
    .await?;
    facts.push((tr.t("review-last"), last.unwrap_or_else(|| "–".into())));
    facts.push((tr.t("review-next"), next.unwrap_or_else(|| "–".into())));
    let current = match &a.levels {
        Some(l) => Aspect::ALL
            .into_iter()
            .map(|x| {
                (
                    tr.t(&format!("aspect-{}", x.key())),
                    level_label(tr, l.get(x)),
                )
            })
            .collect(),
        None => vec![],
    };
    let adoption = tillit_app::starter_kit::asset_adoption(m.app(), &m.who, &a.id).await?;
    let pending = adoption
        .as_ref()
        .filter(|k| a.levels.is_none() && k.confirmed_at.is_none())
        .and_then(|k| Some((k, k.suggested?, k.suggested_motivation.clone()?)));
    let suggested = pending.as_ref().map(|(_, l, _)| *l);
    let suggestion = pending.map(|(k, l, motivation)| {
        let own = a.input.owner_membership_id.as_deref() == Some(&m.who.membership().membership_id);
        SuggestionBox {
            source: tr.f(
                "kit-suggestion-source",
                &[
                    ("version", k.kit_version.clone()),
                    ("date", show_time(&k.adopted_at)),
                    ("name", k.adopted_by_name.clone()),
                ],
            ),
            levels: Aspect::ALL
                .into_iter()
                .map(|x| {
                    (
                        tr.t(&format!("aspect-{}", x.key())),
                        level_label(tr, l.get(x)),
                    )
                })
                .collect(),
            motivation,
            waiting: match (&a.owner_name, own) {
                (_, true) => tr.t("kit-suggestion-yours"),
                (Some(name), false) => tr.f("kit-suggestion-waits", &[("name", name.clone())]),
                (None, false) => tr.t("kit-suggestion-no-owner"),
            },
            may_confirm: own && m.may(Permission::Classify),
        }
    });
    let selected = |x: Aspect| -> String {
        form.map(|f| f.get(x.key()).to_string()).unwrap_or_else(|| {
            a.levels
                .or(suggested)
                .map(|l| l.get(x).number().to_string())
                .unwrap_or_default()
        })
    };
    let aspects = Aspect::ALL
        .into_iter()
        .map(|x| AspectChoice {
            key: x.key(),
            label: tr.t(&format!("aspect-{}", x.key())),
            help: tr.t(&format!("aspect-{}-question", x.key())),
            options: ConsequenceLevel::ALL
                .into_iter()
                .map(|l| Choice {
                    key: l.number().to_string(),
                    label: format!(
                        "{} — {}",
                        level_label(tr, l),
                        tr.t(&format!("level-{}-{}", x.key(), l.number()))
                    ),
                    selected: selected(x) == l.number().to_string(),
                })
                .collect(),
        })
        .collect();
    let levels_of = |l: &Levels| {
        Aspect::ALL
            .into_iter()
            .map(|x| l.get(x).number().to_string())
            .collect()
    };
    let archive =
        crate::archive::archive_box(m, tillit_domain::archive::Archivable::Asset, a.id.as_str())
            .await?;
    let tpl = AssetPage {
        archive,
        c: PageCommon::member(m, a.input.name.clone(), "/assets").with_notice(notice),
        id: a.id.to_string(),
        name: a.input.name.clone(),
        facts,
        current,
        classified: a.levels.is_some(),
        may_edit: m.may(Permission::EditRegisters),
        may_classify: m.may(Permission::Classify),
        aspects,
        aspect_headers: aspect_headers(tr),
        motivation: form
            .map(|f| f.get("motivation").to_string())
            .unwrap_or_default(),
        history: history
            .iter()
            .map(|h| HistoryRow {
                levels: levels_of(&h.levels),
                motivation: h.motivation.clone(),
                by: h.classified_by.clone(),
                at: show_time(&h.classified_at),
            })
            .collect(),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
        suggestion,
    };
    Ok(page(status, &tpl))
}

/// The information owner confirms the starter kit's suggested classification.
pub async fn confirm_suggestion(
    m: Member,
    Path(id): Path<AssetId>,
    _form: FormFields,
) -> AppResult<Response> {
    m.require(Permission::Classify)?;
    match tillit_app::starter_kit::confirm_suggestion(m.app(), &m.who, &id, m.ctx.tr.lang()).await {
        Ok(()) => Ok(see_other(&format!("/assets/{id}?done=asset-classified"))),
        Err(tillit_app::Error::Invalid(v)) => {
            render_asset(
                &m,
                id.as_str(),
                None,
                Some(&v),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn show(
    m: Member,
    Path(id): Path<String>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let notice = notice_from(&m.ctx.tr, notice.done.as_deref());
    render_asset(&m, &id, None, None, StatusCode::OK, notice).await
}

pub async fn classify(m: Member, Path(id): Path<AssetId>, form: FormFields) -> AppResult<Response> {
    m.require(Permission::Classify)?;
    let result = match form.draft::<ClassificationDraft>() {
        Ok(d) => tillit_app::assets::classify_asset(m.app(), &m.who, &id, &d)
            .await
            .map_err(AppError::from),
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/assets/{id}?done=asset-classified"))),
        Err(AppError::Invalid(v)) => {
            render_asset(
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

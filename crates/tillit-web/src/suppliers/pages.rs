//! The supplier register's pages: the list, one supplier, and its form.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::{FormFields, Params};
use crate::i18n::Tr;
use crate::pages::ui::{choices, form_status, value, Fill, FormPage, Input};
use crate::pages::{notice_from, show_time, Choice, FieldError, Notice, PageCommon, Pager};
use crate::render::page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::views::Supplier;
use tillit_domain::country;
use tillit_domain::ids::SupplierId;
use tillit_domain::role::Permission;
use tillit_domain::supplier::{certification_lines, subprocessor_lines, SupplierDraft};
use tillit_domain::ValidationErrors;

pub struct SupplierRow {
    pub id: String,
    pub name: String,
    pub country: String,
    pub parent: String,
    pub dpa: String,
    pub outside_eea: bool,
}

#[derive(Template)]
#[template(path = "suppliers.html")]
struct SuppliersPage {
    c: PageCommon,
    q: String,
    rows: Vec<SupplierRow>,
    summary: String,
    pager: Pager,
    may_edit: bool,
}

/// A country's name in the page's language, or "unknown" (never taken as inside the EU/EEA).
pub fn country_name(tr: &Tr, code: Option<&str>) -> String {
    match code.and_then(country::by_code) {
        Some(c) => c.name(tr.lang()).to_string(),
        None => tr.t("country-unknown"),
    }
}

fn countries_text(tr: &Tr, codes: &[String]) -> String {
    if codes.is_empty() {
        return tr.t("country-unknown");
    }
    codes
        .iter()
        .map(|c| country_name(tr, Some(c)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn yes_no_unknown(tr: &Tr, v: Option<bool>) -> String {
    tr.t(match v {
        Some(true) => "answer-yes",
        Some(false) => "answer-no",
        None => "answer-unknown",
    })
}

pub async fn list(
    m: Member,
    Params(p): Params<tillit_app::suppliers::SupplierListParams>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let (q, page_req) = p.parse()?;
    let list =
        tillit_app::suppliers::list_suppliers(m.app(), &m.who, q.as_deref(), page_req).await?;
    let pager = Pager::new(
        tr,
        "/suppliers",
        &[
            ("q", p.q.clone()),
            ("per_page", p.per_page.clone().unwrap_or_default()),
        ],
        &list,
    );
    let summary = tr.f("suppliers-summary", &[("count", list.total.to_string())]);
    let rows = list
        .items
        .into_iter()
        .map(|s| {
            let i = &s.input;
            let outside = [&i.country, &i.parent_country]
                .into_iter()
                .flatten()
                .chain(i.data_locations.iter())
                .any(|c| country::in_eea(c) != Some(true));
            SupplierRow {
                country: country_name(tr, i.country.as_deref()),
                parent: match (&i.parent_company, &i.parent_country) {
                    (Some(p), c) => format!("{p} ({})", country_name(tr, c.as_deref())),
                    (None, _) => "–".into(),
                },
                dpa: i
                    .dpa_signed_on
                    .clone()
                    .unwrap_or_else(|| tr.t("suppliers-no-dpa")),
                outside_eea: outside,
                name: i.name.clone(),
                id: s.id.to_string(),
            }
        })
        .collect();
    let tpl = SuppliersPage {
        c: PageCommon::member(&m, tr.t("suppliers-title"), "/suppliers")
            .with_notice(notice_from(tr, notice.done.as_deref())),
        q: p.q.clone(),
        rows,
        summary,
        pager,
        may_edit: m.may(Permission::EditRegisters),
    };
    Ok(page(StatusCode::OK, &tpl))
}

#[derive(Template)]
#[template(path = "supplier.html")]
struct SupplierPage {
    c: PageCommon,
    id: String,
    name: String,
    facts: Vec<(String, String)>,
    agreements: Vec<(String, String)>,
    subprocessors: Vec<(String, String)>,
    certifications: Vec<(String, String)>,
    /// The systems that name this supplier: (id, name).
    systems: Vec<(String, String)>,
    exposure: String,
    may_edit: bool,
}

pub async fn show(
    m: Member,
    Path(id): Path<SupplierId>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    let s = tillit_app::suppliers::supplier(m.app(), &m.who, &id).await?;
    let tr = &m.ctx.tr;
    let i = &s.input;
    let dash = || "–".to_string();
    let facts = vec![
        (
            tr.t("field-org-number"),
            i.org_number.clone().unwrap_or_else(dash),
        ),
        (
            tr.t("field-supplier-country"),
            country_name(tr, i.country.as_deref()),
        ),
        (
            tr.t("field-parent-company"),
            match &i.parent_company {
                Some(p) => format!("{p} ({})", country_name(tr, i.parent_country.as_deref())),
                None => dash(),
            },
        ),
        (
            tr.t("field-jurisdictions"),
            if i.jurisdictions.is_empty() {
                dash()
            } else {
                countries_text(tr, &i.jurisdictions)
            },
        ),
        (
            tr.t("field-data-locations"),
            countries_text(tr, &i.data_locations),
        ),
        (
            tr.t("field-support-locations"),
            countries_text(tr, &i.support_locations),
        ),
        (tr.t("field-notes"), i.notes.clone().unwrap_or_else(dash)),
        (tr.t("systems-updated"), show_time(&s.updated_at)),
    ];
    let agreements = vec![
        (
            tr.t("field-dpa-signed-on"),
            i.dpa_signed_on
                .clone()
                .unwrap_or_else(|| tr.t("suppliers-no-dpa")),
        ),
        (
            tr.t("field-confidentiality-undertaking"),
            yes_no_unknown(tr, i.confidentiality_undertaking),
        ),
        (
            tr.t("field-audit-rights"),
            yes_no_unknown(tr, i.audit_rights),
        ),
        (
            tr.t("field-subprocessor-approval"),
            yes_no_unknown(tr, i.subprocessor_approval),
        ),
        (tr.t("field-exit-terms"), yes_no_unknown(tr, i.exit_terms)),
    ];
    let subprocessors = i
        .subprocessors
        .iter()
        .map(|x| (x.name.clone(), country_name(tr, x.country.as_deref())))
        .collect();
    let certifications = i
        .certifications
        .iter()
        .map(|x| (x.name.clone(), x.valid_until.clone().unwrap_or_else(dash)))
        .collect();
    let systems = tillit_app::systems::all_systems_by(
        m.app(),
        &m.who,
        &tillit_app::views::SystemQuery {
            supplier_id: Some(s.id.to_string()),
            ..Default::default()
        },
    )
    .await?
    .into_iter()
    .map(|x| (x.id.to_string(), x.input.name))
    .collect();
    let exposure = tr.t(match i.foreign_law_exposure() {
        Some(true) => "suppliers-exposure-yes",
        Some(false) => "suppliers-exposure-no",
        None => "suppliers-exposure-unknown",
    });
    let tpl = SupplierPage {
        c: PageCommon::member(&m, i.name.clone(), "/suppliers")
            .with_notice(notice_from(tr, notice.done.as_deref())),
        id: s.id.to_string(),
        name: i.name.clone(),
        facts,
        agreements,
        subprocessors,
        certifications,
        systems,
        exposure,
        may_edit: m.may(Permission::EditRegisters),
    };
    Ok(page(StatusCode::OK, &tpl))
}

/// Every country, "Sverige (SE)", marked when chosen.
fn country_choices(
    tr: &Tr,
    form: Option<&FormFields>,
    name: &str,
    stored: &[String],
) -> Vec<Choice> {
    choices(
        form,
        name,
        stored,
        country::all().iter().map(|c| {
            (
                c.code.clone(),
                format!("{} ({})", c.name(tr.lang()), c.code),
            )
        }),
    )
}

/// One country, with "not known" first.
pub(crate) fn country_select(
    tr: &Tr,
    form: Option<&FormFields>,
    name: &str,
    stored: Option<&str>,
) -> Vec<Choice> {
    let stored: Vec<String> = stored.map(str::to_string).into_iter().collect();
    let mut out = vec![Choice {
        key: String::new(),
        label: tr.t("country-unknown"),
        selected: form.map_or(stored.is_empty(), |f| f.get(name).is_empty()),
    }];
    out.extend(country_choices(tr, form, name, &stored));
    out
}

fn answer_choices(
    tr: &Tr,
    form: Option<&FormFields>,
    name: &str,
    stored: Option<bool>,
) -> Vec<Choice> {
    let now = match stored {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    choices(
        form,
        name,
        &[now.to_string()],
        [
            (String::new(), tr.t("answer-unknown")),
            ("yes".to_string(), tr.t("answer-yes")),
            ("no".to_string(), tr.t("answer-no")),
        ],
    )
}

async fn form_page(
    m: &Member,
    existing: Option<&Supplier>,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let tr = &m.ctx.tr;
    let fill = Fill::new(tr, form);
    let x = existing.map(|s| &s.input);
    let text = |name: &str, label: &str, stored: Option<String>| {
        Input::text(
            name,
            tr.t(label),
            value(form, name, || stored.unwrap_or_default()),
        )
    };
    let fields = vec![
        text("name", "field-name", x.map(|x| x.name.clone())),
        text(
            "org_number",
            "field-org-number",
            x.and_then(|x| x.org_number.clone()),
        )
        .hint(tr.t("field-org-number-hint")),
        Input::select(
            "country",
            tr.t("field-supplier-country"),
            country_select(tr, form, "country", x.and_then(|x| x.country.as_deref())),
        ),
        text(
            "parent_company",
            "field-parent-company",
            x.and_then(|x| x.parent_company.clone()),
        ),
        Input::select(
            "parent_country",
            tr.t("field-parent-country"),
            country_select(
                tr,
                form,
                "parent_country",
                x.and_then(|x| x.parent_country.as_deref()),
            ),
        ),
        Input::multi(
            "jurisdictions",
            tr.t("field-jurisdictions"),
            country_choices(
                tr,
                form,
                "jurisdictions",
                x.map(|x| x.jurisdictions.as_slice()).unwrap_or_default(),
            ),
        )
        .hint(tr.t("field-jurisdictions-hint")),
        fill.area(
            "subprocessors",
            x.map(|x| subprocessor_lines(&x.subprocessors)),
        )
        .hint(tr.t("field-subprocessors-hint")),
        Input::multi(
            "data_locations",
            tr.t("field-data-locations"),
            country_choices(
                tr,
                form,
                "data_locations",
                x.map(|x| x.data_locations.as_slice()).unwrap_or_default(),
            ),
        ),
        Input::multi(
            "support_locations",
            tr.t("field-support-locations"),
            country_choices(
                tr,
                form,
                "support_locations",
                x.map(|x| x.support_locations.as_slice())
                    .unwrap_or_default(),
            ),
        ),
        fill.date("dpa_signed_on", x.and_then(|x| x.dpa_signed_on.clone()))
            .hint(tr.t("field-dpa-signed-on-hint")),
        Input::radios(
            "confidentiality_undertaking",
            tr.t("field-confidentiality-undertaking"),
            answer_choices(
                tr,
                form,
                "confidentiality_undertaking",
                x.and_then(|x| x.confidentiality_undertaking),
            ),
        ),
        Input::radios(
            "audit_rights",
            tr.t("field-audit-rights"),
            answer_choices(tr, form, "audit_rights", x.and_then(|x| x.audit_rights)),
        ),
        Input::radios(
            "subprocessor_approval",
            tr.t("field-subprocessor-approval"),
            answer_choices(
                tr,
                form,
                "subprocessor_approval",
                x.and_then(|x| x.subprocessor_approval),
            ),
        ),
        Input::radios(
            "exit_terms",
            tr.t("field-exit-terms"),
            answer_choices(tr, form, "exit_terms", x.and_then(|x| x.exit_terms)),
        ),
        fill.area(
            "certifications",
            x.map(|x| certification_lines(&x.certifications)),
        )
        .hint(tr.t("field-certifications-hint")),
        fill.area("notes", x.and_then(|x| x.notes.clone())),
    ];
    let (heading, action, back) = match existing {
        Some(s) => (
            tr.f("suppliers-edit-heading", &[("name", s.input.name.clone())]),
            format!("/suppliers/{}", s.id),
            format!("/suppliers/{}", s.id),
        ),
        None => (
            tr.t("suppliers-new-heading"),
            "/suppliers".to_string(),
            "/suppliers".to_string(),
        ),
    };
    Ok(FormPage {
        c: PageCommon::member(m, heading.clone(), "/suppliers"),
        back_href: back,
        back_label: tr.t("back"),
        heading,
        intro: tr.t("suppliers-form-intro"),
        action,
        submit: tr.t("save"),
        fields,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    }
    .render(form_status(errors)))
}

/// The new-supplier form may start from a name (`?name=`), as the system form's link to add a
/// supplier written before the register gives it.
#[derive(serde::Deserialize, Default)]
pub struct NewSupplier {
    #[serde(default)]
    name: String,
}

pub async fn new_form(m: Member, Params(p): Params<NewSupplier>) -> AppResult<Response> {
    let name = p.name.trim();
    let start = (!name.is_empty() && name.chars().count() <= 200)
        .then(|| FormFields(vec![("name".to_string(), name.to_string())]));
    form_page(&m, None, start.as_ref(), None).await
}

/// The register's form handlers (`crate::register`).
pub struct Suppliers;

impl crate::register::Register for Suppliers {
    type Id = SupplierId;
    type Draft = SupplierDraft;
    type Item = Supplier;

    async fn save(
        m: &Member,
        id: Option<&SupplierId>,
        d: &SupplierDraft,
    ) -> tillit_app::Result<Supplier> {
        match id {
            Some(id) => tillit_app::suppliers::update_supplier(m.app(), &m.who, id, d).await,
            None => tillit_app::suppliers::create_supplier(m.app(), &m.who, d).await,
        }
    }

    async fn load(m: &Member, id: &SupplierId) -> tillit_app::Result<Supplier> {
        tillit_app::suppliers::supplier(m.app(), &m.who, id).await
    }

    fn saved(s: &Supplier) -> String {
        format!("/suppliers/{}?done=supplier-saved", s.id)
    }

    async fn form(
        m: &Member,
        existing: Option<&Supplier>,
        form: Option<&FormFields>,
        errors: Option<&ValidationErrors>,
    ) -> AppResult<Response> {
        form_page(m, existing, form, errors).await
    }
}

//! Import and export of the registers (information assets, systems, suppliers) as CSV or XLSX. An import is
//! checked row by row first; with errors, or as a dry run, nothing is saved and each row's result
//! is shown (row number, what would happen, every field error).

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::forms::Params;
use crate::pages::{FieldError, PageCommon};
use crate::render::page;
use crate::state::AppState;
use askama::Template;
use axum::extract::Multipart;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use tillit_app::tabular::{self, Table};
use tillit_app::transfer::{Import, Register, RowAction};
use tillit_app::views::{Asset, System};
use tillit_domain::classification::{Aspect, Levels};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};

async fn all_assets(m: &Member) -> AppResult<Vec<Asset>> {
    Ok(tillit_app::assets::all_assets(m.app(), &m.who).await?)
}

async fn all_systems(m: &Member) -> AppResult<Vec<System>> {
    Ok(tillit_app::systems::all_systems(m.app(), &m.who).await?)
}

/// Membership id ↔ e-mail of the organisation's members.
async fn member_emails(m: &Member) -> AppResult<Vec<(String, String)>> {
    Ok(tillit_app::members::all_members(m.app(), &m.who)
        .await?
        .into_iter()
        .map(|x| (x.id.into_string(), x.email.to_lowercase()))
        .collect())
}

/// The list columns of a register whose cells are words of a closed list: (column, the list's
/// keys, each key's translation key).
/// A list column: its key, the list's keys, and each key's translation key.
type WordColumn = (&'static str, &'static [&'static str], fn(&str) -> String);

fn word_columns(reg: Register) -> Vec<WordColumn> {
    use tillit_domain::words::{ConfidentialityStrength, DataSubject, Hosting, SpecialCategory};
    match reg {
        Register::Assets => vec![
            (
                "special_categories",
                SpecialCategory::KEYS,
                SpecialCategory::label_key_of,
            ),
            (
                "data_subjects",
                DataSubject::KEYS,
                DataSubject::label_key_of,
            ),
            (
                "confidentiality_strength",
                ConfidentialityStrength::KEYS,
                ConfidentialityStrength::label_key_of,
            ),
        ],
        Register::Systems => vec![("hosting", Hosting::KEYS, Hosting::label_key_of)],
        Register::Suppliers => vec![],
    }
}

/// The headings and words of a register's export in both languages, which its import reads.
fn aliases(state: &AppState, reg: Register) -> tillit_app::transfer::Aliases {
    use crate::i18n::Locale;
    let mut a = tillit_app::transfer::Aliases::default();
    for l in [Locale::Sv, Locale::En] {
        for key in reg.columns() {
            a.heading(&state.i18n.message(l, &column_key(key)), key);
        }
        for (column, keys, label) in word_columns(reg) {
            for k in keys {
                a.word(column, &state.i18n.message(l, &label(k)), k);
            }
        }
    }
    a
}

/// A register column's heading: `col-{key}`.
fn column_key(key: &str) -> String {
    format!("col-{}", key.replace('_', "-"))
}

/// The words of a list cell (keys separated by commas) as their labels.
fn word_labels(tr: &crate::i18n::Tr, keys: &[String], label: fn(&str) -> String) -> String {
    keys.iter()
        .flat_map(|k| k.split(','))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| tr.t(&label(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn level_cells(l: Option<Levels>) -> Vec<String> {
    Aspect::ALL
        .into_iter()
        .map(|a| l.map(|l| l.get(a).number().to_string()).unwrap_or_default())
        .collect()
}

/// The supplier register's rows, as its import reads them: countries as codes separated by
/// commas, sub-processors and certifications one per line, unanswered questions empty.
async fn supplier_rows(m: &Member) -> AppResult<Vec<Vec<String>>> {
    let tr = &m.ctx.tr;
    let answer = |v: Option<bool>| match v {
        Some(true) => tr.t("audit-yes"),
        Some(false) => tr.t("audit-no"),
        None => String::new(),
    };
    Ok(tillit_app::suppliers::all_suppliers(m.app(), &m.who)
        .await?
        .into_iter()
        .map(|x| {
            let i = x.input;
            vec![
                i.name,
                i.org_number.unwrap_or_default(),
                i.country.unwrap_or_default(),
                i.parent_company.unwrap_or_default(),
                i.parent_country.unwrap_or_default(),
                i.jurisdictions.join(","),
                i.subprocessors
                    .iter()
                    .map(|p| match &p.country {
                        Some(c) => format!("{}; {c}", p.name),
                        None => p.name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                i.dpa_signed_on.unwrap_or_default(),
                answer(i.confidentiality_undertaking),
                answer(i.audit_rights),
                answer(i.subprocessor_approval),
                answer(i.exit_terms),
                i.certifications
                    .iter()
                    .map(|c| match &c.valid_until {
                        Some(d) => format!("{}; {d}", c.name),
                        None => c.name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                i.data_locations.join(","),
                i.support_locations.join(","),
                i.notes.unwrap_or_default(),
            ]
        })
        .collect())
}

async fn table_of(m: &Member, reg: Register) -> AppResult<Table> {
    use tillit_domain::words::{ConfidentialityStrength, DataSubject, Hosting, SpecialCategory};
    let tr = &m.ctx.tr;
    let yes_no = |b: bool| tr.t(if b { "audit-yes" } else { "audit-no" });
    let emails: HashMap<String, String> = member_emails(m).await?.into_iter().collect();
    let email = |id: &Option<String>| {
        id.as_ref()
            .and_then(|i| emails.get(i).cloned())
            .unwrap_or_default()
    };
    let rows = match reg {
        Register::Assets => all_assets(m)
            .await?
            .into_iter()
            .map(|a| {
                let i = a.input;
                let mut r = vec![
                    i.name,
                    i.description.unwrap_or_default(),
                    email(&i.owner_membership_id),
                    yes_no(i.personal_data),
                    word_labels(tr, &i.special_categories, SpecialCategory::label_key_of),
                    yes_no(i.offences),
                    word_labels(tr, &i.data_subjects, DataSubject::label_key_of),
                    i.individuals_approx
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    i.confidentiality_provisions.unwrap_or_default(),
                    word_labels(
                        tr,
                        i.confidentiality_strength.as_slice(),
                        ConfidentialityStrength::label_key_of,
                    ),
                    i.legal_basis.unwrap_or_default(),
                    i.review_interval_months.to_string(),
                ];
                r.extend(level_cells(a.levels));
                r.push(String::new());
                r
            })
            .collect(),
        Register::Suppliers => supplier_rows(m).await?,
        Register::Systems => all_systems(m)
            .await?
            .into_iter()
            .map(|s| {
                let levels = s.effective();
                let i = s.input;
                let mut r = vec![
                    i.name,
                    i.description.unwrap_or_default(),
                    email(&i.owner_membership_id),
                    s.supplier_name.or(s.unlinked_supplier).unwrap_or_default(),
                    word_labels(tr, std::slice::from_ref(&i.hosting), Hosting::label_key_of),
                    i.country.or(s.unmatched_country).unwrap_or_default(),
                    i.review_interval_months.to_string(),
                    s.assets
                        .iter()
                        .map(|a| a.input.name.clone())
                        .collect::<Vec<_>>()
                        .join(";"),
                ];
                r.extend(level_cells(levels));
                r
            })
            .collect(),
    };
    Ok(Table {
        headers: headings(tr, reg.columns()),
        rows,
    })
}

async fn export(m: &Member, reg: Register, q: &Download) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let table = table_of(m, reg).await?;
    send_table(&table, reg.key(), q)
}

/// The format of a download: `?format=csv` (the default) or `?format=xlsx`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Download {
    pub format: Option<String>,
}

/// A table as a CSV or XLSX download (`format`), named after the register and the day.
pub fn send_table(table: &Table, name: &str, q: &Download) -> AppResult<Response> {
    let day = tillit_app::today();
    let (bytes, media, ext) = match q.format.as_deref().unwrap_or("csv") {
        "csv" => (tabular::write_csv(table), "text/csv; charset=utf-8", "csv"),
        "xlsx" => (
            tabular::write_xlsx(table, name).map_err(AppError::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        _ => return Err(ValidationErrors::single("format", Rule::UnknownValue).into()),
    };
    let mut res = bytes.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"tillit-{name}-{day}.{ext}\""
    )) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// Column headings in the reader's language: `col-{key}`.
fn headings(tr: &crate::i18n::Tr, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| tr.t(&column_key(k))).collect()
}

/// A requirement a measure answers as people know it: "LOG-2 (Journalsystemet)".
fn requirement_ref(
    tr: &crate::i18n::Tr,
    lib: &tillit_app::library::Library,
    names: &HashMap<String, String>,
    r: &tillit_domain::measure::RequirementRef,
) -> String {
    let label = lib
        .requirement(&r.requirement_id)
        .map(|q| q.label.clone())
        .unwrap_or_else(|| r.requirement_id.to_uppercase());
    let scope = match &r.system_id {
        Some(s) => names.get(s).cloned().unwrap_or_else(|| s.clone()),
        None => tr.t("measure-scope-organisation"),
    };
    format!("{label} ({scope})")
}

/// The action plan as a table, in the reader's language.
pub async fn export_measures(m: Member, Params(q): Params<Download>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let query = tillit_app::views::MeasureQuery::default();
    let list = tillit_app::measures::all_measures(
        m.app(),
        &m.who,
        &query,
        tillit_app::views::MeasureOrder::Due,
    )
    .await?;
    let names = tillit_app::systems::system_names(m.app(), &m.who).await?;
    let lib = m.app().library(&m.who);
    let table = Table {
        headers: headings(
            tr,
            &[
                "title",
                "description",
                "owner",
                "due_on",
                "status",
                "cost_sek",
                "verification",
                "verified_by",
                "scenarios",
                "requirements",
            ],
        ),
        rows: list
            .into_iter()
            .map(|x| {
                vec![
                    x.input.title,
                    x.input.description.unwrap_or_default(),
                    x.owner_name.unwrap_or_default(),
                    x.input.due_on.unwrap_or_default(),
                    crate::measures::pages::status_label(tr, x.input.status),
                    x.input.cost_sek.map(|c| c.to_string()).unwrap_or_default(),
                    x.input.verification.unwrap_or_default(),
                    x.verified_by.unwrap_or_default(),
                    x.scenarios
                        .into_iter()
                        .map(|(_, t)| t)
                        .collect::<Vec<_>>()
                        .join("; "),
                    x.input
                        .requirements
                        .iter()
                        .map(|r| requirement_ref(tr, &lib, &names, r))
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect(),
    };
    send_table(&table, "measures", &q)
}

/// Every risk scenario of every analysis as a table, in the reader's language.
pub async fn export_scenarios(m: Member, Params(q): Params<Download>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let matrix = tillit_app::risk::risk_matrix(m.app(), &m.who).await?;
    let analyses = tillit_app::risk::all_risk_analyses(m.app(), &m.who).await?;
    let yes_no = |b: bool| tr.t(if b { "audit-yes" } else { "audit-no" });
    let mut rows = Vec::new();
    for a in analyses {
        for s in tillit_app::risk::scenarios(m.app(), &m.who, &a.id).await? {
            let threat = crate::risk::pages::threat_label(tr, &s);
            let x = s.input;
            rows.push(vec![
                a.input.title.clone(),
                x.title,
                threat,
                x.vulnerability.unwrap_or_default(),
                s.assets
                    .into_iter()
                    .map(|(_, n)| n)
                    .collect::<Vec<_>>()
                    .join("; "),
                x.aspects
                    .iter()
                    .map(|a| tr.t(&format!("aspect-{a}")))
                    .collect::<Vec<_>>()
                    .join(", "),
                x.inherent.likelihood.to_string(),
                x.inherent.consequence.to_string(),
                matrix.score(x.inherent).to_string(),
                x.treatment
                    .map(|t| crate::risk::pages::treatment_label(tr, Some(t)))
                    .unwrap_or_default(),
                x.residual.likelihood.to_string(),
                x.residual.consequence.to_string(),
                matrix.score(x.residual).to_string(),
                yes_no(matrix.above_tolerance(x.residual)),
                s.accepted_by_name.unwrap_or_default(),
                x.acceptance.map(|a| a.decided_on).unwrap_or_default(),
            ]);
        }
    }
    let table = Table {
        headers: headings(
            tr,
            &[
                "analysis",
                "title",
                "threat",
                "vulnerability",
                "assets",
                "aspects",
                "inherent_likelihood",
                "inherent_consequence",
                "inherent_score",
                "treatment",
                "residual_likelihood",
                "residual_consequence",
                "residual_score",
                "above_tolerance",
                "accepted_by",
                "accepted_on",
            ],
        ),
        rows,
    };
    send_table(&table, "risk-scenarios", &q)
}

/// Every recorded self-assessment as a table (scope, requirement, status, who and when), in the
/// reader's language.
pub async fn export_assessments(m: Member, Params(q): Params<Download>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let names = tillit_app::systems::system_names(m.app(), &m.who).await?;
    let lang = tr.lang();
    // The organisation's own assessments first, then each system's, systems by name.
    let mut all = tillit_app::assessments::all_assessments(m.app(), &m.who).await?;
    let scope_name = |a: &tillit_app::views::Assessment| {
        a.system_id
            .as_ref()
            .map(|s| names.get(s).cloned().unwrap_or_default())
    };
    all.sort_by(|a, b| {
        (scope_name(a), &a.system_id, &a.requirement_id).cmp(&(
            scope_name(b),
            &b.system_id,
            &b.requirement_id,
        ))
    });
    let mut rows = Vec::new();
    let lib = m.app().library(&m.who);
    for a in all {
        let req = lib.requirement(&a.requirement_id);
        rows.push(vec![
            a.system_id
                .as_ref()
                .and_then(|s| names.get(s).cloned())
                .unwrap_or_else(|| tr.t("measure-scope-organisation")),
            req.map(|r| r.label.clone())
                .unwrap_or_else(|| a.requirement_id.clone()),
            req.map(|r| r.title(lang).to_string()).unwrap_or_default(),
            crate::requirements::pages::status_label(tr, Some(a.status)),
            a.motivation.unwrap_or_default(),
            a.comment.unwrap_or_default(),
            a.assessed_by,
            crate::pages::show_time(&a.assessed_at),
        ]);
    }
    let table = Table {
        headers: headings(
            tr,
            &[
                "scope",
                "requirement",
                "title",
                "status",
                "motivation",
                "comment",
                "assessed_by",
                "assessed_at",
            ],
        ),
        rows,
    };
    send_table(&table, "assessments", &q)
}

pub async fn export_assets(m: Member, Params(q): Params<Download>) -> AppResult<Response> {
    export(&m, Register::Assets, &q).await
}

pub async fn export_systems(m: Member, Params(q): Params<Download>) -> AppResult<Response> {
    export(&m, Register::Systems, &q).await
}

pub async fn export_suppliers(m: Member, Params(q): Params<Download>) -> AppResult<Response> {
    export(&m, Register::Suppliers, &q).await
}

pub async fn import_suppliers_page(m: Member) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    Ok(render(
        &m,
        Register::Suppliers,
        vec![],
        vec![],
        String::new(),
        true,
        StatusCode::OK,
    ))
}

pub async fn import_suppliers(m: Member, mp: Multipart) -> AppResult<Response> {
    import(&m, Register::Suppliers, mp).await
}

pub struct RowResult {
    pub line: usize,
    pub name: String,
    pub action: String,
    pub errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    c: PageCommon,
    register: &'static str,
    heading: String,
    back: String,
    columns: String,
    help: String,
    errors: Vec<FieldError>,
    results: Vec<RowResult>,
    summary: String,
    dry_run: bool,
}

fn render(
    m: &Member,
    reg: Register,
    file_errors: Vec<FieldError>,
    results: Vec<RowResult>,
    summary: String,
    dry_run: bool,
    status: StatusCode,
) -> Response {
    let tr = &m.ctx.tr;
    let heading = tr.t(&format!("import-{}-heading", reg.key()));
    let tpl = ImportPage {
        c: PageCommon::member(m, heading.clone(), &format!("/{}", reg.key())),
        register: reg.key(),
        heading,
        back: tr.t(&format!("{}-title", reg.key())),
        columns: headings(tr, reg.columns()).join(", "),
        help: tr.t(&format!("import-{}-help", reg.key())),
        errors: file_errors,
        results,
        summary,
        dry_run,
    };
    page(status, &tpl)
}

pub async fn import_assets_page(m: Member) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    Ok(render(
        &m,
        Register::Assets,
        vec![],
        vec![],
        String::new(),
        true,
        StatusCode::OK,
    ))
}

pub async fn import_systems_page(m: Member) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    Ok(render(
        &m,
        Register::Systems,
        vec![],
        vec![],
        String::new(),
        true,
        StatusCode::OK,
    ))
}

/// The file, its name and the dry-run box of an upload form.
pub(crate) async fn read_upload(mut mp: Multipart) -> AppResult<(String, Vec<u8>, bool)> {
    let mut name = String::new();
    let mut bytes = Vec::new();
    let mut dry_run = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge)
            }
            Err(_) => return Err(ValidationErrors::single("file", Rule::InvalidFormat).into()),
        };
        match field.name().unwrap_or("") {
            "file" => {
                name = field.file_name().unwrap_or("").to_string();
                bytes = field
                    .bytes()
                    .await
                    .map_err(|_| {
                        AppError::from(ValidationErrors::single("file", Rule::InvalidFormat))
                    })?
                    .to_vec();
            }
            "dry_run" => dry_run = field.text().await.unwrap_or_default() == "yes",
            _ => {}
        }
    }
    Ok((name, bytes, dry_run))
}

async fn import(m: &Member, reg: Register, mp: Multipart) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let tr = &m.ctx.tr;
    let (name, bytes, dry_run) = read_upload(mp).await?;
    let outcome = tillit_app::transfer::import(
        m.app(),
        &m.who,
        reg,
        &name,
        &bytes,
        dry_run,
        &aliases(&m.state, reg),
    )
    .await?;
    let (rows, saved) = match outcome {
        Import::FileRefused(v) => {
            return Ok(render(
                m,
                reg,
                FieldError::list(tr, &v),
                vec![],
                String::new(),
                dry_run,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
        Import::Rows { rows, saved } => (rows, saved),
    };
    let results: Vec<RowResult> = rows
        .into_iter()
        .map(|r| RowResult {
            line: r.line,
            name: r.name,
            action: match r.action {
                RowAction::Update => tr.t("import-update"),
                RowAction::Create => tr.t("import-create"),
                RowAction::Nothing => "–".into(),
            },
            errors: FieldError::list(tr, &r.errors)
                .into_iter()
                .map(|mut e| {
                    // A supplier's own country, not the country of processing of a system.
                    if reg == Register::Suppliers && e.field == "country" {
                        e.label = tr.t("field-supplier-country");
                    }
                    e
                })
                .collect(),
        })
        .collect();
    let failed = results.iter().filter(|r| !r.errors.is_empty()).count();
    let summary_args = [
        ("rows", results.len().to_string()),
        ("failed", failed.to_string()),
    ];
    let (key, status) = if failed > 0 {
        ("import-summary-errors", StatusCode::UNPROCESSABLE_ENTITY)
    } else if saved {
        ("import-summary-saved", StatusCode::OK)
    } else {
        ("import-summary-dry-run", StatusCode::OK)
    };
    Ok(render(
        m,
        reg,
        vec![],
        results,
        tr.f(key, &summary_args),
        dry_run && !saved,
        status,
    ))
}

pub async fn import_assets(m: Member, mp: Multipart) -> AppResult<Response> {
    import(&m, Register::Assets, mp).await
}

pub async fn import_systems(m: Member, mp: Multipart) -> AppResult<Response> {
    import(&m, Register::Systems, mp).await
}

//! Import and export of the registers (information assets, systems) as CSV or XLSX. An import is
//! checked row by row first; with errors, or as a dry run, nothing is saved and each row's result
//! is shown (row number, what would happen, every field error).

use super::{FieldError, PageCommon};
use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::render::page;
use crate::services;
use crate::state::AppState;
use crate::tabular::{self, Table};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, HashSet};
use tillit_domain::classification::{parse_motivation, Aspect, Levels};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationError, ValidationErrors};
use tillit_store::{Asset, System};

/// Which register a file is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Assets,
    Systems,
}

impl Register {
    fn key(self) -> &'static str {
        match self {
            Register::Assets => "assets",
            Register::Systems => "systems",
        }
    }
    /// The columns, in export order. Import reads them by name (any order; missing ones empty).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Register::Assets => &[
                "name",
                "description",
                "owner_email",
                "personal_data",
                "special_categories",
                "data_subjects",
                "individuals_approx",
                "confidentiality_provisions",
                "confidentiality_strength",
                "legal_basis",
                "review_interval_months",
                "confidentiality",
                "integrity",
                "availability",
                "traceability",
                "classification_motivation",
            ],
            Register::Systems => &[
                "name",
                "description",
                "owner_email",
                "supplier",
                "hosting",
                "country",
                "review_interval_months",
                "assets",
                "confidentiality",
                "integrity",
                "availability",
                "traceability",
            ],
        }
    }
}

async fn all_assets(state: &AppState, m: &Member) -> AppResult<Vec<Asset>> {
    let q = Default::default();
    services::all_pages(|page| state.store.list_assets(&m.tenant, &q, page)).await
}

async fn all_systems(state: &AppState, m: &Member) -> AppResult<Vec<System>> {
    services::all_pages(|page| state.store.list_systems(&m.tenant, None, page)).await
}

/// Membership id ↔ e-mail of the organisation's members.
async fn member_emails(state: &AppState, m: &Member) -> AppResult<Vec<(String, String)>> {
    Ok(services::all_members(state, m)
        .await?
        .into_iter()
        .map(|x| (x.id, x.email.to_lowercase()))
        .collect())
}

fn level_cells(l: Option<Levels>) -> Vec<String> {
    Aspect::ALL
        .into_iter()
        .map(|a| l.map(|l| l.get(a).number().to_string()).unwrap_or_default())
        .collect()
}

async fn table_of(state: &AppState, m: &Member, reg: Register) -> AppResult<Table> {
    let emails: HashMap<String, String> = member_emails(state, m).await?.into_iter().collect();
    let email = |id: &Option<String>| {
        id.as_ref()
            .and_then(|i| emails.get(i).cloned())
            .unwrap_or_default()
    };
    let rows = match reg {
        Register::Assets => all_assets(state, m)
            .await?
            .into_iter()
            .map(|a| {
                let i = a.input;
                let mut r = vec![
                    i.name,
                    i.description.unwrap_or_default(),
                    email(&i.owner_membership_id),
                    if i.personal_data { "yes" } else { "no" }.to_string(),
                    i.special_categories.join(","),
                    i.data_subjects.join(","),
                    i.individuals_approx
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    i.confidentiality_provisions.unwrap_or_default(),
                    i.confidentiality_strength.unwrap_or_default(),
                    i.legal_basis.unwrap_or_default(),
                    i.review_interval_months.to_string(),
                ];
                r.extend(level_cells(a.levels));
                r.push(String::new());
                r
            })
            .collect(),
        Register::Systems => all_systems(state, m)
            .await?
            .into_iter()
            .map(|s| {
                let levels = s.effective();
                let i = s.input;
                let mut r = vec![
                    i.name,
                    i.description.unwrap_or_default(),
                    email(&i.owner_membership_id),
                    i.supplier.unwrap_or_default(),
                    i.hosting,
                    i.country.unwrap_or_default(),
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
        headers: reg.columns().iter().map(|c| c.to_string()).collect(),
        rows,
    })
}

async fn export(
    state: &AppState,
    m: &Member,
    reg: Register,
    q: &HashMap<String, String>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let table = table_of(state, m, reg).await?;
    send_table(&table, reg.key(), q)
}

/// A table as a CSV or XLSX download (`format`), named after the register and the day.
pub fn send_table(table: &Table, name: &str, q: &HashMap<String, String>) -> AppResult<Response> {
    let day = chrono::Utc::now().format("%Y-%m-%d");
    let (bytes, media, ext) = match q.get("format").map(String::as_str).unwrap_or("csv") {
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

/// The action plan as a table.
pub async fn export_measures(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let query = tillit_store::MeasureQuery::default();
    let list = services::all_pages(|page| {
        state
            .store
            .list_measures(&m.tenant, &query, tillit_store::MeasureOrder::Due, page)
    })
    .await?;
    let table = Table {
        headers: [
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
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: list
            .into_iter()
            .map(|x| {
                vec![
                    x.input.title,
                    x.input.description.unwrap_or_default(),
                    x.owner_name.unwrap_or_default(),
                    x.input.due_on.unwrap_or_default(),
                    x.input.status.key().to_string(),
                    x.input.cost_sek.map(|c| c.to_string()).unwrap_or_default(),
                    x.input.verification.unwrap_or_default(),
                    x.verified_by.unwrap_or_default(),
                    x.scenarios
                        .into_iter()
                        .map(|(_, t)| t)
                        .collect::<Vec<_>>()
                        .join(";"),
                    x.input
                        .requirements
                        .iter()
                        .map(|r| r.key())
                        .collect::<Vec<_>>()
                        .join(";"),
                ]
            })
            .collect(),
    };
    send_table(&table, "measures", &q)
}

/// Every risk scenario of every analysis as a table.
pub async fn export_scenarios(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let matrix = state.store.risk_matrix(&m.tenant).await?;
    let analyses =
        services::all_pages(|page| state.store.list_risk_analyses(&m.tenant, page)).await?;
    let mut rows = Vec::new();
    for a in analyses {
        for s in state.store.scenarios(&m.tenant, &a.id).await? {
            let x = s.input;
            rows.push(vec![
                a.input.title.clone(),
                x.title,
                x.threat_key.unwrap_or_default(),
                x.threat_text.unwrap_or_default(),
                x.vulnerability.unwrap_or_default(),
                s.assets
                    .into_iter()
                    .map(|(_, n)| n)
                    .collect::<Vec<_>>()
                    .join(";"),
                x.aspects.join(","),
                x.inherent.likelihood.to_string(),
                x.inherent.consequence.to_string(),
                matrix.score(x.inherent).to_string(),
                x.treatment.map(|t| t.key().to_string()).unwrap_or_default(),
                x.residual.likelihood.to_string(),
                x.residual.consequence.to_string(),
                matrix.score(x.residual).to_string(),
                if matrix.above_tolerance(x.residual) {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
                s.accepted_by_name.unwrap_or_default(),
                x.acceptance.map(|a| a.decided_on).unwrap_or_default(),
            ]);
        }
    }
    let table = Table {
        headers: [
            "analysis",
            "title",
            "threat_key",
            "threat_text",
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
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows,
    };
    send_table(&table, "risk-scenarios", &q)
}

/// Every recorded self-assessment as a table (scope, requirement, status, who and when).
pub async fn export_assessments(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let names = state.store.system_names(&m.tenant).await?;
    let lang = m.ctx.tr.lang();
    let mut rows = Vec::new();
    let mut scopes: Vec<Option<String>> = vec![None];
    let mut ids: Vec<String> = names.keys().cloned().collect();
    ids.sort_by(|a, b| names[a].cmp(&names[b]));
    scopes.extend(ids.into_iter().map(Some));
    for scope in scopes {
        for a in state.store.assessments(&m.tenant, scope.as_deref()).await? {
            let req = state.library.requirement(&a.requirement_id);
            rows.push(vec![
                scope
                    .as_ref()
                    .and_then(|s| names.get(s).cloned())
                    .unwrap_or_else(|| "organisation".into()),
                req.map(|r| r.label.clone())
                    .unwrap_or_else(|| a.requirement_id.clone()),
                req.map(|r| r.title(lang).to_string()).unwrap_or_default(),
                a.status.key().to_string(),
                a.motivation.unwrap_or_default(),
                a.comment.unwrap_or_default(),
                a.assessed_by,
                a.assessed_at,
            ]);
        }
    }
    let table = Table {
        headers: [
            "scope",
            "requirement",
            "title",
            "status",
            "motivation",
            "comment",
            "assessed_by",
            "assessed_at",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows,
    };
    send_table(&table, "assessments", &q)
}

pub async fn export_assets(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    export(&state, &m, Register::Assets, &q).await
}

pub async fn export_systems(
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    export(&state, &m, Register::Systems, &q).await
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
        columns: reg.columns().join(", "),
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

/// One row checked: what to save, or its errors.
enum Planned {
    Asset {
        existing: Option<String>,
        input: tillit_store::AssetInput,
        classification: Option<(Levels, String)>,
    },
    System {
        existing: Option<String>,
        input: tillit_store::SystemInput,
    },
}

async fn read_upload(mut mp: Multipart) -> AppResult<(String, Vec<u8>, bool)> {
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

fn yes_no(v: &str) -> String {
    match v.trim().to_lowercase().as_str() {
        "ja" | "j" | "yes" | "y" | "true" | "1" | "x" => "yes".into(),
        "nej" | "n" | "no" | "false" | "0" => "no".into(),
        other => other.to_string(),
    }
}

async fn import(state: &AppState, m: &Member, reg: Register, mp: Multipart) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let tr = &m.ctx.tr;
    let (name, bytes, dry_run) = read_upload(mp).await?;
    let table = match tabular::read(&name, &bytes) {
        Ok(t) => t,
        Err(e) => {
            let v = ValidationErrors::from(e);
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
    };
    if !table.headers.iter().any(|h| h == "name") {
        let v = ValidationErrors::single("name", Rule::Required);
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
    let emails = member_emails(state, m).await?;
    let by_email: HashMap<String, String> = emails.into_iter().map(|(id, e)| (e, id)).collect();
    let assets: HashMap<String, String> = all_assets(state, m)
        .await?
        .into_iter()
        .map(|a| (a.input.name, a.id))
        .collect();
    let systems: HashMap<String, String> = match reg {
        Register::Systems => all_systems(state, m)
            .await?
            .into_iter()
            .map(|s| (s.input.name, s.id))
            .collect(),
        Register::Assets => HashMap::new(),
    };
    let may_classify = m.may(Permission::Classify);
    let mut seen = HashSet::new();
    let mut results = Vec::new();
    let mut plan = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let line = i + 2;
        let cell = |k: &str| table.get(row, k).to_string();
        let mut errs = ValidationErrors::new();
        let owner = match cell("owner_email").to_lowercase() {
            e if e.is_empty() => String::new(),
            e => match by_email.get(&e) {
                Some(id) => id.clone(),
                None => {
                    errs.push(ValidationError::new("owner_email", Rule::NotFound));
                    String::new()
                }
            },
        };
        let get = |k: &str| match k {
            "owner_membership_id" => owner.clone(),
            "personal_data" => yes_no(&cell("personal_data")),
            other => cell(other),
        };
        let row_name = cell("name");
        if !row_name.is_empty() && !seen.insert(row_name.clone()) {
            errs.push(ValidationError::new("name", Rule::AlreadyExists));
        }
        let planned = match reg {
            Register::Assets => {
                let parsed = services::parse_asset_input(get, |k| vec![cell(k)]);
                let levels_given = Aspect::ALL.iter().any(|a| !cell(a.key()).is_empty());
                let classification = if levels_given {
                    let l = Levels::parse(cell);
                    let mo = parse_motivation(&cell("classification_motivation"))
                        .map_err(|e| ValidationError::new("classification_motivation", e.rule));
                    if !may_classify {
                        errs.push(ValidationError::new(
                            "confidentiality",
                            Rule::NotPermittedForRole,
                        ));
                    }
                    match (l, mo) {
                        (Ok(l), Ok(mo)) => Some((l, mo)),
                        (l, mo) => {
                            if let Err(v) = l {
                                errs.0.extend(v.0);
                            }
                            if let Err(e) = mo {
                                errs.push(e);
                            }
                            None
                        }
                    }
                } else {
                    None
                };
                match parsed {
                    Ok(input) => Some(Planned::Asset {
                        existing: assets.get(&input.name).cloned(),
                        input,
                        classification,
                    }),
                    Err(v) => {
                        errs.0.extend(v.0);
                        None
                    }
                }
            }
            Register::Systems => {
                let mut ids = Vec::new();
                for n in cell("assets")
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    match assets.get(n) {
                        Some(id) => ids.push(id.clone()),
                        None => errs.push(ValidationError::new("assets", Rule::NotFound)),
                    }
                }
                match services::parse_system_input(get, |k| {
                    if k == "asset_ids" {
                        ids.clone()
                    } else {
                        vec![]
                    }
                }) {
                    Ok(input) => Some(Planned::System {
                        existing: systems.get(&input.name).cloned(),
                        input,
                    }),
                    Err(v) => {
                        errs.0.extend(v.0);
                        None
                    }
                }
            }
        };
        let action = match &planned {
            Some(Planned::Asset {
                existing: Some(_), ..
            })
            | Some(Planned::System {
                existing: Some(_), ..
            }) => tr.t("import-update"),
            Some(_) => tr.t("import-create"),
            None => "–".into(),
        };
        results.push(RowResult {
            line,
            name: row_name,
            action,
            errors: FieldError::list(tr, &errs),
        });
        if errs.is_empty() {
            if let Some(p) = planned {
                plan.push(p);
            }
        }
    }
    let failed = results.iter().filter(|r| !r.errors.is_empty()).count();
    let summary_args = [
        ("rows", results.len().to_string()),
        ("failed", failed.to_string()),
    ];
    if failed > 0 || dry_run {
        let key = if failed > 0 {
            "import-summary-errors"
        } else {
            "import-summary-dry-run"
        };
        let status = if failed > 0 {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        return Ok(render(
            m,
            reg,
            vec![],
            results,
            tr.f(key, &summary_args),
            dry_run,
            status,
        ));
    }
    let actor = m.auth.actor();
    for p in plan {
        match p {
            Planned::Asset {
                existing,
                input,
                classification,
            } => {
                let a = match existing {
                    Some(id) => {
                        state
                            .store
                            .update_asset(&m.tenant, &actor, &id, &input)
                            .await?
                    }
                    None => state.store.create_asset(&m.tenant, &actor, &input).await?,
                };
                if let Some((l, mo)) = classification {
                    if a.levels != Some(l) {
                        state
                            .store
                            .classify_asset(&m.tenant, &actor, &a.id, &l, &mo)
                            .await?;
                    }
                }
            }
            Planned::System { existing, input } => {
                match existing {
                    Some(id) => {
                        state
                            .store
                            .update_system(&m.tenant, &actor, &id, &input)
                            .await?
                    }
                    None => state.store.create_system(&m.tenant, &actor, &input).await?,
                };
            }
        }
    }
    Ok(render(
        m,
        reg,
        vec![],
        results,
        tr.f("import-summary-saved", &summary_args),
        false,
        StatusCode::OK,
    ))
}

pub async fn import_assets(
    State(state): State<AppState>,
    m: Member,
    mp: Multipart,
) -> AppResult<Response> {
    import(&state, &m, Register::Assets, mp).await
}

pub async fn import_systems(
    State(state): State<AppState>,
    m: Member,
    mp: Multipart,
) -> AppResult<Response> {
    import(&state, &m, Register::Systems, mp).await
}

//! Import of the registers (information assets, systems, suppliers) from CSV or XLSX: every row is checked
//! first against the same rules as a form; with any error, or as a dry run, nothing is saved and
//! each row's outcome is given (row number, what would happen, every field error). The rows are
//! stored in one transaction: all of them or none.

use crate::acting::Acting;
use crate::error::Result;
use crate::tabular::{self, Table};
use crate::App;
use std::collections::{HashMap, HashSet};
use tillit_domain::asset::{AssetDraft, AssetInput};
use tillit_domain::classification::{parse_motivation, Aspect, Levels};
use tillit_domain::ids::{AssetId, SupplierId, SystemId};
use tillit_domain::role::Permission;
use tillit_domain::supplier::{SupplierDraft, SupplierInput};
use tillit_domain::system::{SystemDraft, SystemInput};
use tillit_domain::{Rule, ValidationError, ValidationErrors};

/// Which register a file is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Register {
    Assets,
    Systems,
    Suppliers,
}

impl Register {
    pub fn key(self) -> &'static str {
        match self {
            Register::Assets => "assets",
            Register::Systems => "systems",
            Register::Suppliers => "suppliers",
        }
    }
    /// The columns, in export order. Import reads them by name, in any order. A column the file
    /// leaves out is empty on a new row and keeps its stored value on an existing one.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Register::Assets => &[
                "name",
                "description",
                "owner_email",
                "personal_data",
                "special_categories",
                "offences",
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
            Register::Suppliers => &[
                "name",
                "org_number",
                "country",
                "parent_company",
                "parent_country",
                "jurisdictions",
                "subprocessors",
                "dpa_signed_on",
                "confidentiality_undertaking",
                "audit_rights",
                "subprocessor_approval",
                "exit_terms",
                "certifications",
                "data_locations",
                "support_locations",
                "notes",
            ],
        }
    }
}

/// Other names a file may give a column or a word — the headings and labels of an export in
/// Swedish or English — matched without regard to case; the technical names are always read.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    headings: HashMap<String, &'static str>,
    words: HashMap<&'static str, HashMap<String, &'static str>>,
}

impl Aliases {
    /// A heading that names the column `key`.
    pub fn heading(&mut self, label: &str, key: &'static str) {
        self.headings.insert(label.trim().to_lowercase(), key);
    }

    /// A label that stands for the word `key` in the list column `column`.
    pub fn word(&mut self, column: &'static str, label: &str, key: &'static str) {
        self.words
            .entry(column)
            .or_default()
            .insert(label.trim().to_lowercase(), key);
    }

    /// The table with its headings and words as the import reads them: a heading or word it
    /// knows becomes its key; anything else stays as written (for the rules to name).
    pub fn apply(&self, mut table: Table) -> Table {
        for h in &mut table.headers {
            if let Some(k) = self.headings.get(&h.trim().to_lowercase()) {
                *h = (*k).to_string();
            }
        }
        for (column, words) in &self.words {
            let Some(i) = table.headers.iter().position(|h| h == column) else {
                continue;
            };
            for row in &mut table.rows {
                if let Some(cell) = row.get_mut(i) {
                    *cell = cell
                        .split(',')
                        .map(|w| {
                            let w = w.trim();
                            words
                                .get(&w.to_lowercase())
                                .map(|k| (*k).to_string())
                                .unwrap_or_else(|| w.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(",");
                }
            }
        }
        table
    }
}

/// What an import would do with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    Create,
    Update,
    /// The row has errors.
    Nothing,
}

/// One row's outcome: its line in the file (the header is line 1), name, action and errors.
#[derive(Debug, Clone)]
pub struct RowOutcome {
    pub line: usize,
    pub name: String,
    pub action: RowAction,
    pub errors: ValidationErrors,
}

enum Planned {
    Asset {
        /// The asset of that name already in the register, and its current levels.
        existing: Option<(AssetId, Option<Levels>)>,
        input: AssetInput,
        classification: Option<(Levels, String)>,
    },
    System {
        existing: Option<SystemId>,
        input: SystemInput,
    },
    Supplier {
        existing: Option<SupplierId>,
        input: SupplierInput,
    },
}

/// The outcome of an import: either the file itself is refused, or every row's outcome, and
/// whether the rows were saved.
pub enum Import {
    FileRefused(ValidationErrors),
    Rows { rows: Vec<RowOutcome>, saved: bool },
}

fn yes_no(v: &str) -> String {
    match v.trim().to_lowercase().as_str() {
        "ja" | "j" | "yes" | "y" | "true" | "1" | "x" => "yes".into(),
        "nej" | "n" | "no" | "false" | "0" => "no".into(),
        "vet ej" | "vet inte" | "okänt" | "okänd" | "unknown" | "?" => "unknown".into(),
        other => other.to_string(),
    }
}

/// A country cell: a code, or a Swedish or English name, as its code; anything else as written
/// (for the domain to refuse, naming the field).
fn country_cell(v: &str) -> String {
    tillit_domain::country::match_text(v)
        .map(|c| c.code.clone())
        .unwrap_or_else(|| v.trim().to_string())
}

/// A cell listing countries, separated by commas.
fn countries_cell(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(country_cell)
        .collect()
}

/// Imports a file into a register. Nothing is saved when any row has an error, or in a dry run.
/// Headings and words may be written as an export in either language writes them (`aliases`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn import(
    app: &App,
    who: &Acting,
    reg: Register,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
    aliases: &Aliases,
) -> Result<Import> {
    who.require(Permission::EditRegisters)?;
    let table = match read_file(app, file_name, bytes).await? {
        Ok(t) => aliases.apply(t),
        Err(e) => return Ok(Import::FileRefused(e.into())),
    };
    if !table.headers.iter().any(|h| h == "name") {
        return Ok(Import::FileRefused(ValidationErrors::single(
            "name",
            Rule::Required,
        )));
    }
    let (rows, plan) = plan(app, who, reg, &table).await?;
    let failed = rows.iter().any(|r| !r.errors.is_empty());
    if failed || dry_run {
        return Ok(Import::Rows { rows, saved: false });
    }
    apply(app, who, plan).await?;
    Ok(Import::Rows { rows, saved: true })
}

/// Reads the file on a blocking thread, never on the async workers, and at most
/// [`crate::IMPORT_SLOTS`] files at a time, so that imports cannot stall other requests or add up
/// to more memory than their limits allow together.
pub(crate) async fn read_file(
    app: &App,
    file_name: &str,
    bytes: &[u8],
) -> Result<std::result::Result<Table, ValidationError>> {
    let _slot = app
        .import_slots
        .acquire()
        .await
        .map_err(crate::Error::internal)?;
    let (name, bytes) = (file_name.to_string(), bytes.to_vec());
    tokio::task::spawn_blocking(move || tabular::read(&name, &bytes))
        .await
        .map_err(crate::Error::internal)
}

async fn plan(
    app: &App,
    who: &Acting,
    reg: Register,
    table: &Table,
) -> Result<(Vec<RowOutcome>, Vec<Planned>)> {
    let by_email: HashMap<String, String> = crate::members::all_members(app, who)
        .await?
        .into_iter()
        .map(|m| (m.email.to_lowercase(), m.id.into_string()))
        .collect();
    let email_of: HashMap<&str, &str> = by_email
        .iter()
        .map(|(email, id)| (id.as_str(), email.as_str()))
        .collect();
    let email = |id: &Option<String>| {
        id.as_deref()
            .and_then(|i| email_of.get(i))
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    // What an existing row keeps in a column the file leaves out, by the name rows match on.
    let mut stored: HashMap<String, HashMap<&'static str, String>> = HashMap::new();
    let asset_list = crate::assets::all_assets(app, who).await?;
    if reg == Register::Assets {
        for a in &asset_list {
            stored.insert(
                a.input.name.clone(),
                asset_cells(&a.input, email(&a.input.owner_membership_id)),
            );
        }
    }
    let assets: HashMap<String, (AssetId, Option<Levels>)> = asset_list
        .into_iter()
        .map(|a| (a.input.name, (a.id, a.levels)))
        .collect();
    let suppliers: HashMap<String, String> = match reg {
        Register::Systems | Register::Suppliers => app
            .store
            .supplier_names(who.tenant())
            .await?
            .into_iter()
            .map(|(id, name)| (name.to_lowercase(), id))
            .collect(),
        Register::Assets => HashMap::new(),
    };
    // A system's stored links by id, kept as they are where the file has no such column (by
    // name they could miss an archived asset or a supplier whose name differs only in case).
    let mut system_links: HashMap<String, (Vec<String>, String)> = HashMap::new();
    let systems: HashMap<String, SystemId> = match reg {
        Register::Systems => crate::systems::all_systems(app, who)
            .await?
            .into_iter()
            .map(|s| {
                let cells = system_cells(&s, email(&s.input.owner_membership_id));
                stored.insert(s.input.name.clone(), cells);
                let links = (
                    s.input.asset_ids.clone(),
                    s.input.supplier_id.clone().unwrap_or_default(),
                );
                system_links.insert(s.input.name.clone(), links);
                (s.input.name, s.id)
            })
            .collect(),
        Register::Assets | Register::Suppliers => HashMap::new(),
    };
    if reg == Register::Suppliers {
        for s in crate::suppliers::all_suppliers(app, who).await? {
            stored.insert(s.input.name.to_lowercase(), supplier_cells(&s.input));
        }
    }
    let today = crate::today();
    let may_classify = who.may(Permission::Classify);
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    let mut plan = Vec::new();
    // A column the file does not have: an existing row keeps what is stored in it.
    let absent = |k: &str| !table.headers.iter().any(|h| h == k);
    for (i, row) in table.rows.iter().enumerate() {
        let line = i + 2;
        let row_name = table.get(row, "name").to_string();
        let kept = stored.get(&match reg {
            Register::Suppliers => row_name.to_lowercase(),
            Register::Assets | Register::Systems => row_name.clone(),
        });
        let cell = |k: &str| match kept {
            Some(kept) if absent(k) => kept.get(k).cloned().unwrap_or_default(),
            _ => table.get(row, k).to_string(),
        };
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
        if !row_name.is_empty() && !seen.insert(row_name.clone()) {
            errs.push(ValidationError::new("name", Rule::AlreadyExists));
        }
        let planned = match reg {
            Register::Assets => {
                let draft = AssetDraft {
                    name: cell("name"),
                    description: cell("description"),
                    owner_membership_id: owner,
                    personal_data: yes_no(&cell("personal_data")),
                    special_categories: vec![cell("special_categories")],
                    offences: yes_no(&cell("offences")),
                    data_subjects: vec![cell("data_subjects")],
                    individuals_approx: cell("individuals_approx"),
                    confidentiality_provisions: cell("confidentiality_provisions"),
                    confidentiality_strength: cell("confidentiality_strength"),
                    legal_basis: cell("legal_basis"),
                    review_interval_months: cell("review_interval_months"),
                };
                let levels_given = Aspect::ALL.iter().any(|a| !cell(a.key()).is_empty());
                let classification = if levels_given {
                    let values = Aspect::ALL.map(|a| cell(a.key()));
                    let l = Levels::parse_each([&values[0], &values[1], &values[2], &values[3]]);
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
                match AssetInput::try_from(&draft) {
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
                let links = system_links.get(&row_name);
                let mut ids = Vec::new();
                match links {
                    Some((kept, _)) if absent("assets") => ids.clone_from(kept),
                    _ => {
                        for n in cell("assets")
                            .split(';')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                        {
                            match assets.get(n) {
                                Some((id, _)) => ids.push(id.to_string()),
                                None => errs.push(ValidationError::new("assets", Rule::NotFound)),
                            }
                        }
                    }
                }
                // The supplier by its name in the register; the country by code or name.
                let supplier_id = match links {
                    Some((_, kept)) if absent("supplier") => kept.clone(),
                    _ => match cell("supplier").trim().to_lowercase() {
                        n if n.is_empty() => String::new(),
                        n => suppliers.get(&n).cloned().unwrap_or_else(|| {
                            errs.push(ValidationError::new("supplier", Rule::NotFound));
                            String::new()
                        }),
                    },
                };
                let country = cell("country");
                let country = tillit_domain::country::match_text(&country)
                    .map(|c| c.code.clone())
                    .unwrap_or(country);
                let draft = SystemDraft {
                    name: cell("name"),
                    description: cell("description"),
                    owner_membership_id: owner,
                    supplier_id,
                    supplier: String::new(),
                    hosting: cell("hosting"),
                    country,
                    review_interval_months: cell("review_interval_months"),
                    asset_ids: ids,
                };
                match SystemInput::try_from(&draft) {
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
            Register::Suppliers => {
                let draft = SupplierDraft {
                    name: cell("name"),
                    org_number: cell("org_number"),
                    country: country_cell(&cell("country")),
                    parent_company: cell("parent_company"),
                    parent_country: country_cell(&cell("parent_country")),
                    jurisdictions: countries_cell(&cell("jurisdictions")),
                    subprocessors: cell("subprocessors"),
                    dpa_signed_on: cell("dpa_signed_on"),
                    confidentiality_undertaking: yes_no(&cell("confidentiality_undertaking")),
                    audit_rights: yes_no(&cell("audit_rights")),
                    subprocessor_approval: yes_no(&cell("subprocessor_approval")),
                    exit_terms: yes_no(&cell("exit_terms")),
                    certifications: cell("certifications"),
                    data_locations: countries_cell(&cell("data_locations")),
                    support_locations: countries_cell(&cell("support_locations")),
                    notes: cell("notes"),
                };
                match SupplierInput::parse(&draft, &today) {
                    Ok(input) => Some(Planned::Supplier {
                        existing: suppliers
                            .get(&input.name.to_lowercase())
                            .map(|id| SupplierId::from(id.as_str())),
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
            })
            | Some(Planned::Supplier {
                existing: Some(_), ..
            }) => RowAction::Update,
            Some(_) => RowAction::Create,
            None => RowAction::Nothing,
        };
        if errs.is_empty() {
            if let Some(p) = planned {
                plan.push(p);
            }
        }
        rows.push(RowOutcome {
            line,
            name: row_name,
            action,
            errors: errs,
        });
    }
    Ok((rows, plan))
}

/// An asset's stored facts as the import reads them (keys, not labels). Its classification is
/// left out: without level columns, an import leaves the classification as it is.
fn asset_cells(a: &AssetInput, owner_email: String) -> HashMap<&'static str, String> {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    HashMap::from([
        ("description", a.description.clone().unwrap_or_default()),
        ("owner_email", owner_email),
        ("personal_data", yes_no(a.personal_data)),
        ("special_categories", a.special_categories.join(",")),
        ("offences", yes_no(a.offences)),
        ("data_subjects", a.data_subjects.join(",")),
        (
            "individuals_approx",
            a.individuals_approx
                .map(|n| n.to_string())
                .unwrap_or_default(),
        ),
        (
            "confidentiality_provisions",
            a.confidentiality_provisions.clone().unwrap_or_default(),
        ),
        (
            "confidentiality_strength",
            a.confidentiality_strength.clone().unwrap_or_default(),
        ),
        ("legal_basis", a.legal_basis.clone().unwrap_or_default()),
        (
            "review_interval_months",
            a.review_interval_months.to_string(),
        ),
    ])
}

/// A system's stored facts as the import reads them. Its links (assets, supplier) are kept by id
/// (`system_links`); a country that matched no code stays as the store keeps it.
fn system_cells(s: &crate::views::System, owner_email: String) -> HashMap<&'static str, String> {
    let i = &s.input;
    HashMap::from([
        ("description", i.description.clone().unwrap_or_default()),
        ("owner_email", owner_email),
        ("hosting", i.hosting.clone()),
        ("country", i.country.clone().unwrap_or_default()),
        (
            "review_interval_months",
            i.review_interval_months.to_string(),
        ),
    ])
}

/// A supplier's stored facts as the import reads them (the export's forms, with codes and keys).
fn supplier_cells(i: &SupplierInput) -> HashMap<&'static str, String> {
    let answer = |v: Option<bool>| match v {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => String::new(),
    };
    let pairs = |xs: Vec<(String, Option<String>)>| {
        xs.into_iter()
            .map(|(name, extra)| match extra {
                Some(e) => format!("{name}; {e}"),
                None => name,
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    HashMap::from([
        ("org_number", i.org_number.clone().unwrap_or_default()),
        ("country", i.country.clone().unwrap_or_default()),
        (
            "parent_company",
            i.parent_company.clone().unwrap_or_default(),
        ),
        (
            "parent_country",
            i.parent_country.clone().unwrap_or_default(),
        ),
        ("jurisdictions", i.jurisdictions.join(",")),
        (
            "subprocessors",
            pairs(
                i.subprocessors
                    .iter()
                    .map(|p| (p.name.clone(), p.country.clone()))
                    .collect(),
            ),
        ),
        ("dpa_signed_on", i.dpa_signed_on.clone().unwrap_or_default()),
        (
            "confidentiality_undertaking",
            answer(i.confidentiality_undertaking),
        ),
        ("audit_rights", answer(i.audit_rights)),
        ("subprocessor_approval", answer(i.subprocessor_approval)),
        ("exit_terms", answer(i.exit_terms)),
        (
            "certifications",
            pairs(
                i.certifications
                    .iter()
                    .map(|c| (c.name.clone(), c.valid_until.clone()))
                    .collect(),
            ),
        ),
        ("data_locations", i.data_locations.join(",")),
        ("support_locations", i.support_locations.join(",")),
        ("notes", i.notes.clone().unwrap_or_default()),
    ])
}

/// Stores the planned rows in one unit of work: every row or none (a failure in any row, or a
/// lost connection, leaves the registers as they were), one audit event per change.
async fn apply(app: &App, who: &Acting, plan: Vec<Planned>) -> Result<()> {
    let (t, actor) = (who.tenant(), who.actor());
    let mut work = app.store.work().await?;
    for p in plan {
        match p {
            Planned::Asset {
                existing,
                input,
                classification,
            } => match (existing, classification) {
                (None, Some((l, mo))) => {
                    work.create_classified_asset(t, &actor, &input, &l, &mo)
                        .await?;
                }
                (None, None) => {
                    work.create_asset(t, &actor, &input).await?;
                }
                (Some((id, levels)), classification) => {
                    work.update_asset(t, &actor, &id, &input).await?;
                    if let Some((l, mo)) = classification.filter(|(l, _)| levels != Some(*l)) {
                        work.classify_asset(t, &actor, &id, &l, &mo).await?;
                    }
                }
            },
            Planned::System { existing, input } => {
                match existing {
                    Some(id) => work.update_system(t, &actor, &id, &input).await?,
                    None => work.create_system(t, &actor, &input).await.map(drop)?,
                };
            }
            Planned::Supplier { existing, input } => {
                match existing {
                    Some(id) => work.update_supplier(t, &actor, &id, &input).await?,
                    None => work.create_supplier(t, &actor, &input).await.map(drop)?,
                };
            }
        }
    }
    work.commit().await?;
    Ok(())
}

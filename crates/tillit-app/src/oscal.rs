//! OSCAL in and out: additional requirement libraries imported as an OSCAL catalog (resolved
//! through a profile when one is given, e.g. NIST SP 800-53 with the MODERATE baseline), systems
//! assessed against them control by control; and a system's results written as OSCAL — its
//! applicable requirements as a resolved catalog and the profile that selects them, its
//! self-assessment as assessment-results, its action plan as a plan of action and milestones.

use crate::acting::Acting;
use crate::assessments::system_triggers;
use crate::error::{Error, Result};
use crate::library::{builtin_catalog, NS};
use crate::App;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use tillit_domain::assessment::{AssessmentDraft, AssessmentInput, Status};
use tillit_domain::error::{Rule, ValidationError, ValidationErrors};
use tillit_domain::ids::*;
use tillit_domain::role::Permission;
use tillit_oscal::model::*;
use tillit_oscal::{Document, Format, OscalError, ResolveOptions};
use tillit_store::{ControlAssessment, LibraryControl, NewLibrary, OscalLibrary, System};

/// The OSCAL version Tillit writes.
pub const OSCAL_VERSION: &str = "1.1.2";
/// An imported catalog may hold at most this many assessable controls.
pub const MAX_CONTROLS: usize = 5_000;
/// An uploaded document may be at most this large.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

/// A file as uploaded: its name (which tells JSON from YAML) and content.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

fn invalid(field: &str, detail: impl Into<String>) -> Error {
    Error::Invalid(ValidationErrors::from(ValidationError::new(
        field,
        Rule::InvalidDocument {
            detail: detail.into(),
        },
    )))
}

fn format_of(u: &Upload) -> Format {
    let lower = u.name.to_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return Format::Yaml;
    }
    if lower.ends_with(".json") {
        return Format::Json;
    }
    // No telling extension: JSON starts with a brace.
    match u.bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::Json,
        _ => Format::Yaml,
    }
}

/// What an import produced, before it is stored.
pub(crate) struct Prepared {
    title: String,
    version: String,
    oscal_version: String,
    catalog_title: String,
    profile_title: Option<String>,
    json: String,
    sha256: String,
    controls: Vec<LibraryControl>,
}

fn short(s: &str, max: usize) -> String {
    let t = s.trim();
    match t.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}

/// Reads, resolves and flattens an upload (blocking: run off the async threads).
fn prepare(catalog: &Upload, profile: Option<&Upload>) -> Result<Prepared> {
    let read = |field: &str, u: &Upload| -> Result<Document> {
        if u.bytes.is_empty() {
            return Err(Error::Invalid(ValidationErrors::from(
                ValidationError::new(field, Rule::Required),
            )));
        }
        if u.bytes.len() > MAX_UPLOAD_BYTES {
            return Err(Error::Invalid(ValidationErrors::from(
                ValidationError::new(
                    field,
                    Rule::OutOfRange {
                        min: 1,
                        max: MAX_UPLOAD_BYTES as i64,
                    },
                ),
            )));
        }
        let name = if u.name.trim().is_empty() {
            field
        } else {
            u.name.trim()
        };
        tillit_oscal::read_document(&u.bytes, format_of(u), name)
            .map_err(|e| invalid(field, e.to_string()))
    };
    let cat = match read("catalog", catalog)? {
        Document::Catalog(c) => c,
        other => {
            return Err(invalid(
                "catalog",
                format!("expected a catalog, found a {}", other.model_name()),
            ))
        }
    };
    let (resolved, profile_title) = match profile {
        None => (cat.clone(), None),
        Some(p) => {
            let p = match read("profile", p)? {
                Document::Profile(p) => p,
                other => {
                    return Err(invalid(
                        "profile",
                        format!("expected a profile, found a {}", other.model_name()),
                    ))
                }
            };
            let resolved = tillit_oscal::resolve_against(
                &p,
                &cat,
                &short(&p.metadata.title, 80),
                &ResolveOptions::default(),
            )
            .map_err(|e| match e {
                OscalError::Write(w) => Error::internal(w),
                e => invalid("profile", e.to_string()),
            })?;
            (resolved, Some(short(&p.metadata.title, 300)))
        }
    };
    let flat = tillit_oscal::flatten::flatten(&resolved);
    if flat.is_empty() {
        return Err(invalid(
            if profile_title.is_some() {
                "profile"
            } else {
                "catalog"
            },
            "no controls to assess (every control is withdrawn, or the profile selects none)",
        ));
    }
    if flat.len() > MAX_CONTROLS {
        return Err(invalid(
            "catalog",
            format!(
                "{} controls; at most {MAX_CONTROLS} are accepted",
                flat.len()
            ),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = flat.iter().find(|c| !seen.insert(c.id.as_str())) {
        return Err(invalid(
            "catalog",
            format!("the control id {} occurs twice", dup.id),
        ));
    }
    let json =
        tillit_oscal::write_json(&Document::Catalog(resolved.clone())).map_err(Error::internal)?;
    let sha256 = hex::encode(Sha256::digest(json.as_bytes()));
    let cap = |s: &str, n: usize| short(s, n);
    let controls = flat
        .into_iter()
        .map(|c| LibraryControl {
            id: cap(&c.id, 200),
            label: cap(&c.label, 200),
            title: cap(&c.title, 500),
            group_id: c.group_id.map(|g| cap(&g, 200)),
            group_title: c.group_title.map(|g| cap(&g, 500)),
            parent_id: c.parent_id.map(|g| cap(&g, 200)),
            statement: c.statement,
            guidance: c.guidance,
        })
        .collect();
    Ok(Prepared {
        title: short(&resolved.metadata.title, 300),
        version: short(&resolved.metadata.version, 100),
        oscal_version: short(&resolved.metadata.oscal_version, 50),
        catalog_title: short(&cat.metadata.title, 300),
        profile_title,
        json,
        sha256,
        controls,
    })
}

impl Prepared {
    pub(crate) fn as_new(&self) -> NewLibrary<'_> {
        NewLibrary {
            title: &self.title,
            version: &self.version,
            oscal_version: &self.oscal_version,
            catalog_title: &self.catalog_title,
            profile_title: self.profile_title.as_deref(),
            catalog_json: &self.json,
            sha256: &self.sha256,
            controls: &self.controls,
        }
    }
}

/// Reads, resolves and flattens an upload on a blocking thread, one of the import slots.
pub(crate) async fn prepared(
    app: &App,
    catalog: Upload,
    profile: Option<Upload>,
) -> Result<Prepared> {
    let _slot = app.import_slots.acquire().await.map_err(Error::internal)?;
    tokio::task::spawn_blocking(move || prepare(&catalog, profile.as_ref()))
        .await
        .map_err(Error::internal)?
}

/// Imports an OSCAL catalog, with a profile that selects from it, as an additional library.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn import_library(
    app: &App,
    who: &Acting,
    catalog: Upload,
    profile: Option<Upload>,
) -> Result<OscalLibrary> {
    who.require(Permission::UpgradeCatalog)?;
    let p = prepared(app, catalog, profile).await?;
    Ok(app
        .store
        .import_library(who.tenant(), &who.actor(), who.display_name(), &p.as_new())
        .await?)
}

/// The organisation's imported libraries.
pub async fn libraries(app: &App, who: &Acting) -> Result<Vec<OscalLibrary>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.libraries(who.tenant()).await?)
}

/// A library with its controls and the systems assessed against it.
pub struct LibraryView {
    pub library: OscalLibrary,
    pub controls: Vec<LibraryControl>,
    /// (id, name)
    pub systems: Vec<(String, String)>,
}

pub async fn library(app: &App, who: &Acting, id: &str) -> Result<LibraryView> {
    who.require(Permission::ViewRegisters)?;
    let library = app.store.library(who.tenant(), id).await?;
    Ok(LibraryView {
        controls: app.store.library_controls(who.tenant(), id).await?,
        systems: app.store.library_systems(who.tenant(), id).await?,
        library,
    })
}

/// The resolved catalog of a library as imported (OSCAL JSON).
pub async fn library_catalog(app: &App, who: &Acting, id: &str) -> Result<Document> {
    who.require(Permission::ViewRegisters)?;
    let json = app.store.library_catalog_json(who.tenant(), id).await?;
    tillit_oscal::read_document(json.as_bytes(), Format::Json, "library").map_err(Error::internal)
}

/// Removes a library that no system is or was assessed against.
pub async fn remove_library(app: &App, who: &Acting, id: &str) -> Result<()> {
    who.require(Permission::UpgradeCatalog)?;
    Ok(app
        .store
        .remove_library(who.tenant(), &who.actor(), id)
        .await?)
}

/// The libraries a system is assessed against.
pub async fn system_libraries(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
) -> Result<Vec<OscalLibrary>> {
    who.require(Permission::ViewRegisters)?;
    app.store.system(who.tenant(), system_id).await?;
    Ok(app
        .store
        .system_libraries(who.tenant(), system_id.as_str())
        .await?)
}

/// Starts assessing a system against a library.
pub async fn adopt_library(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
    library_id: &str,
) -> Result<()> {
    who.require(Permission::Assess)?;
    Ok(app
        .store
        .adopt_library(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            system_id.as_str(),
            library_id,
        )
        .await?)
}

/// Stops assessing a system against a library (its assessments are kept).
pub async fn drop_library(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
    library_id: &str,
) -> Result<()> {
    who.require(Permission::Assess)?;
    Ok(app
        .store
        .drop_library(who.tenant(), &who.actor(), system_id.as_str(), library_id)
        .await?)
}

/// One control of a system's assessment against a library.
pub struct ControlRow {
    pub control: LibraryControl,
    pub assessment: Option<ControlAssessment>,
}

/// A system's assessment against one library.
pub struct SystemLibraryView {
    pub system: System,
    pub library: OscalLibrary,
    pub rows: Vec<ControlRow>,
    /// How many controls have each status; the rest are not assessed.
    pub counts: BTreeMap<&'static str, usize>,
    pub assessed: usize,
}

async fn adopted(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
    library_id: &str,
) -> Result<(System, OscalLibrary)> {
    who.require(Permission::ViewRegisters)?;
    let system = app.store.system(who.tenant(), system_id).await?;
    let library = app
        .store
        .system_libraries(who.tenant(), system_id.as_str())
        .await?
        .into_iter()
        .find(|l| l.id == library_id)
        .ok_or(Error::NotFound)?;
    Ok((system, library))
}

pub async fn system_library(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
    library_id: &str,
) -> Result<SystemLibraryView> {
    let (system, library) = adopted(app, who, system_id, library_id).await?;
    let controls = app.store.library_controls(who.tenant(), library_id).await?;
    let mut by_control: HashMap<String, ControlAssessment> = app
        .store
        .control_assessments(who.tenant(), system_id.as_str(), library_id)
        .await?
        .into_iter()
        .map(|a| (a.control_id.clone(), a))
        .collect();
    let mut counts = BTreeMap::new();
    let rows: Vec<ControlRow> = controls
        .into_iter()
        .map(|control| {
            let assessment = by_control.remove(&control.id);
            if let Some(a) = &assessment {
                *counts.entry(a.status.key()).or_insert(0) += 1;
            }
            ControlRow {
                control,
                assessment,
            }
        })
        .collect();
    let assessed = counts.values().sum();
    Ok(SystemLibraryView {
        system,
        library,
        rows,
        counts,
        assessed,
    })
}

/// One control for one system: the control, its current assessment and the history.
pub struct ControlView {
    pub system: System,
    pub library: OscalLibrary,
    pub control: LibraryControl,
    pub current: Option<ControlAssessment>,
    pub history: Vec<ControlAssessment>,
}

pub async fn control(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
    library_id: &str,
    control_id: &str,
) -> Result<ControlView> {
    let (system, library) = adopted(app, who, system_id, library_id).await?;
    let control = app
        .store
        .library_control(who.tenant(), library_id, control_id)
        .await?;
    let (current, history) = match app
        .store
        .control_assessment(who.tenant(), system_id.as_str(), library_id, control_id)
        .await?
    {
        Some((c, h)) => (Some(c), h),
        None => (None, Vec::new()),
    };
    Ok(ControlView {
        system,
        library,
        control,
        current,
        history,
    })
}

/// Records the assessment of one control for a system assessed against the library.
pub async fn assess_control(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
    library_id: &str,
    control_id: &str,
    d: &AssessmentDraft,
) -> Result<ControlAssessment> {
    who.require(Permission::Assess)?;
    adopted(app, who, system_id, library_id).await?;
    let input = AssessmentInput::try_from(d)?;
    Ok(app
        .store
        .assess_control(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            system_id.as_str(),
            library_id,
            control_id,
            &input,
        )
        .await?)
}

// ---- Exports ----

/// What a system's OSCAL export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// The applicable requirements, resolved.
    Catalog,
    /// The profile that selects them from Tillit's catalog.
    Profile,
    /// The self-assessment (of Tillit's requirements, or of a library's controls).
    AssessmentResults,
    /// The action plan.
    Poam,
}

impl ExportKind {
    pub const ALL: [ExportKind; 4] = [
        ExportKind::Catalog,
        ExportKind::Profile,
        ExportKind::AssessmentResults,
        ExportKind::Poam,
    ];
    pub fn key(self) -> &'static str {
        match self {
            ExportKind::Catalog => "catalog",
            ExportKind::Profile => "profile",
            ExportKind::AssessmentResults => "assessment-results",
            ExportKind::Poam => "poam",
        }
    }
    pub fn from_key(k: &str) -> Option<ExportKind> {
        ExportKind::ALL.into_iter().find(|x| x.key() == k)
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn metadata(title: String, version: &str) -> Metadata {
    Metadata {
        title,
        published: None,
        last_modified: now(),
        version: version.to_string(),
        oscal_version: OSCAL_VERSION.into(),
        revisions: None,
        document_ids: None,
        props: vec![],
        links: vec![],
        roles: None,
        locations: None,
        parties: None,
        responsible_parties: None,
        actions: None,
        remarks: None,
    }
}

fn tprop(name: &str, value: impl Into<String>) -> Property {
    Property {
        name: name.into(),
        uuid: None,
        ns: Some(NS.into()),
        value: value.into(),
        class: None,
        group: None,
        remarks: None,
    }
}

/// A stable UUID for an object of the organisation: the same export twice names the same things
/// alike, and other tools can follow an object from one export to the next.
fn stable_uuid(org: &str, kind: &str, id: &str) -> String {
    let digest = Sha256::digest(format!("tillit:{org}:{kind}:{id}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    uuid::Builder::from_sha1_bytes(b).into_uuid().to_string()
}

/// A text OSCAL accepts in a required string field (it may not be empty).
fn nonempty(s: &str, fallback: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        fallback.to_string()
    } else {
        t.to_string()
    }
}

fn l<'a>(lang: &str, sv: &'a str, en: &'a str) -> &'a str {
    if lang == "en" {
        en
    } else {
        sv
    }
}

/// The profile that selects a system's applicable requirements from Tillit's catalog.
fn system_profile(
    who: &Acting,
    system: &System,
    catalog: &Catalog,
    version: &str,
    ids: Vec<String>,
    lang: &str,
) -> Profile {
    let resource = stable_uuid(who.org_id(), "catalog", version);
    Profile {
        uuid: stable_uuid(who.org_id(), "profile", system.id.as_str()),
        metadata: metadata(
            format!(
                "{}: {}",
                l(lang, "Krav som gäller", "Applicable requirements"),
                system.input.name
            ),
            version,
        ),
        imports: vec![Import {
            href: format!("#{resource}"),
            include_all: None,
            include_controls: vec![SelectControls {
                with_child_controls: None,
                with_ids: ids,
                matching: vec![],
            }],
            exclude_controls: vec![],
        }],
        merge: Some(Merge {
            combine: None,
            flat: None,
            as_is: Some(true),
            custom: None,
        }),
        modify: None,
        back_matter: Some(BackMatter {
            resources: vec![Resource {
                uuid: resource,
                title: Some(catalog.metadata.title.clone()),
                description: None,
                props: vec![],
                document_ids: None,
                citation: None,
                rlinks: vec![Rlink {
                    href: format!("tillit-vard-omsorg-v{version}-catalog.json"),
                    media_type: Some("application/oscal.catalog+json".into()),
                    hashes: None,
                }],
                base64: None,
                remarks: None,
            }],
        }),
    }
}

/// A system's OSCAL document of the kind asked for. `library` picks an imported library for the
/// assessment results (Tillit's own requirements when `None`).
pub async fn export(
    app: &App,
    who: &Acting,
    system_id: &SystemId,
    kind: ExportKind,
    library: Option<&str>,
    lang: &str,
) -> Result<Document> {
    who.require(Permission::ViewRegisters)?;
    let system = app.store.system(who.tenant(), system_id).await?;
    match (kind, library) {
        (ExportKind::AssessmentResults, Some(lib)) => {
            library_results(app, who, &system, lib, lang).await
        }
        (ExportKind::Poam, _) => poam(app, who, &system, lang).await,
        (ExportKind::Catalog | ExportKind::Profile, Some(_)) => Err(Error::Invalid(
            ValidationErrors::from(ValidationError::new("library", Rule::UnknownValue)),
        )),
        (kind, None) => {
            let org = app.store.organisation(who.tenant()).await?;
            let lib = app.catalogs.for_org(&org.catalog_version).clone();
            let triggers = system_triggers(&system, &org.facts);
            let applicable = lib.applicable(&triggers);
            let catalog = builtin_catalog(&lib.key)
                .ok_or_else(|| Error::internal("the built-in catalog is missing"))?;
            let ids: Vec<String> = applicable
                .iter()
                .map(|a| a.requirement.id.clone())
                .collect();
            let reasons: HashMap<&str, Vec<String>> = applicable
                .iter()
                .map(|a| {
                    (
                        a.requirement.id.as_str(),
                        a.reasons.iter().map(|t| t.profile()).collect(),
                    )
                })
                .collect();
            let profile = system_profile(who, &system, &catalog, &lib.key, ids.clone(), lang);
            match kind {
                ExportKind::Profile => Ok(Document::Profile(profile)),
                ExportKind::Catalog => {
                    let mut resolved = tillit_oscal::resolve_against(
                        &profile,
                        &catalog,
                        "system profile",
                        &ResolveOptions::default(),
                    )
                    .map_err(Error::internal)?;
                    resolved.uuid = stable_uuid(who.org_id(), "resolved", system.id.as_str());
                    // Why each requirement applies: the profiles (triggers) that selected it.
                    for g in &mut resolved.groups {
                        for c in &mut g.controls {
                            for r in reasons.get(c.id.as_str()).into_iter().flatten() {
                                c.props.push(tprop("applies-because", r.clone()));
                            }
                        }
                    }
                    Ok(Document::Catalog(resolved))
                }
                _ => tillit_results(app, who, &system, &lib.key, &ids, lang).await,
            }
        }
    }
}

fn status_state(s: Status) -> &'static str {
    match s {
        Status::Met | Status::NotApplicable => "satisfied",
        Status::PartlyMet | Status::NotMet => "not-satisfied",
    }
}

/// One assessed requirement or control, as the results need it.
struct Assessed<'a> {
    control_id: &'a str,
    title: String,
    status: Status,
    motivation: Option<&'a str>,
    comment: Option<&'a str>,
    by: &'a str,
    at: &'a str,
}

fn results_document(
    who: &Acting,
    system: &System,
    subject: &str,
    version: &str,
    reviewed: &[String],
    assessed: &[Assessed<'_>],
    lang: &str,
) -> Document {
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    for a in assessed {
        let obs = stable_uuid(
            who.org_id(),
            "observation",
            &format!("{subject}/{}/{}", a.control_id, a.at),
        );
        let mut text = vec![format!(
            "{}: {} ({})",
            l(lang, "Egenbedömning", "Self-assessment"),
            a.status.key(),
            a.by
        )];
        text.extend(a.motivation.map(str::to_string));
        text.extend(a.comment.map(str::to_string));
        observations.push(serde_json::json!({
            "uuid": obs,
            "title": a.title,
            "description": text.join("\n\n"),
            "props": [{"name": "assessment-status", "ns": NS, "value": a.status.key()}],
            "methods": ["EXAMINE"],
            "collected": a.at,
        }));
        findings.push(serde_json::json!({
            "uuid": stable_uuid(who.org_id(), "finding", &format!("{subject}/{}", a.control_id)),
            "title": a.title,
            "description": nonempty(a.motivation.unwrap_or_default(), &a.title),
            "target": {
                "type": "objective-id",
                "target-id": a.control_id,
                "status": {"state": status_state(a.status)},
                "props": [{"name": "assessment-status", "ns": NS, "value": a.status.key()}],
            },
            "related-observations": [{"observation-uuid": obs}],
        }));
    }
    let start = assessed
        .iter()
        .map(|a| a.at)
        .min()
        .map(str::to_string)
        .unwrap_or_else(now);
    let end = assessed.iter().map(|a| a.at).max().map(str::to_string);
    let mut selection = serde_json::Map::new();
    selection.insert(
        "include-controls".into(),
        serde_json::Value::Array(
            reviewed
                .iter()
                .map(|id| serde_json::json!({"control-id": id}))
                .collect(),
        ),
    );
    let plan = stable_uuid(
        who.org_id(),
        "assessment-plan",
        &format!("{}/{subject}", system.id.as_str()),
    );
    Document::AssessmentResults(AssessmentResults {
        uuid: stable_uuid(who.org_id(), "assessment-results", &format!("{}/{subject}", system.id.as_str())),
        metadata: metadata(
            format!(
                "{}: {}",
                l(lang, "Egenbedömning", "Self-assessment"),
                system.input.name
            ),
            version,
        ),
        import_ap: ImportHref {
            href: format!("#{plan}"),
            remarks: Some(
                l(
                    lang,
                    "Tillit för ingen separat bedömningsplan: egenbedömningen görs mot de krav som gäller för systemet.",
                    "Tillit keeps no separate assessment plan: the self-assessment is made against the requirements that apply to the system.",
                )
                .into(),
            ),
        },
        local_definitions: None,
        results: vec![AssessmentResult {
            uuid: stable_uuid(who.org_id(), "result", &format!("{}/{subject}", system.id.as_str())),
            title: format!("{} — {subject}", system.input.name),
            description: format!(
                "{} {} {} {}.",
                assessed.len(),
                l(lang, "av", "of"),
                reviewed.len(),
                l(lang, "är bedömda", "are assessed")
            ),
            start,
            end,
            props: vec![tprop("system", system.id.as_str())],
            links: vec![],
            local_definitions: None,
            reviewed_controls: serde_json::json!({"control-selections": [selection]}),
            attestations: None,
            assessment_log: None,
            observations: (!observations.is_empty()).then_some(observations),
            risks: None,
            findings: (!findings.is_empty()).then_some(findings),
            remarks: None,
        }],
        back_matter: Some(BackMatter {
            resources: vec![Resource {
                uuid: plan,
                title: Some(
                    l(lang, "Egenbedömning i Tillit", "Self-assessment in Tillit").into(),
                ),
                description: Some(format!(
                    "{} {subject}.",
                    l(
                        lang,
                        "Systemets egenbedömning mot",
                        "The system's self-assessment against"
                    )
                )),
                props: vec![],
                document_ids: None,
                citation: None,
                rlinks: vec![],
                base64: None,
                remarks: None,
            }],
        }),
    })
}

async fn tillit_results(
    app: &App,
    who: &Acting,
    system: &System,
    version: &str,
    ids: &[String],
    lang: &str,
) -> Result<Document> {
    let lib = app.library(who);
    let current = app
        .store
        .assessments(who.tenant(), Some(system.id.as_str()))
        .await?;
    let assessed: Vec<Assessed<'_>> = current
        .iter()
        .filter(|a| ids.contains(&a.requirement_id))
        .map(|a| Assessed {
            control_id: &a.requirement_id,
            title: lib
                .requirement(&a.requirement_id)
                .map(|r| format!("{} {}", r.label, r.title(lang)))
                .unwrap_or_else(|| a.requirement_id.clone()),
            status: a.status,
            motivation: a.motivation.as_deref(),
            comment: a.comment.as_deref(),
            by: &a.assessed_by,
            at: &a.assessed_at,
        })
        .collect();
    Ok(results_document(
        who,
        system,
        &format!("Tillit v{version}"),
        version,
        ids,
        &assessed,
        lang,
    ))
}

async fn library_results(
    app: &App,
    who: &Acting,
    system: &System,
    library_id: &str,
    lang: &str,
) -> Result<Document> {
    let view = system_library(app, who, &system.id, library_id).await?;
    let reviewed: Vec<String> = view.rows.iter().map(|r| r.control.id.clone()).collect();
    let assessed: Vec<Assessed<'_>> = view
        .rows
        .iter()
        .filter_map(|r| {
            r.assessment.as_ref().map(|a| Assessed {
                control_id: &r.control.id,
                title: format!("{} {}", r.control.label, r.control.title),
                status: a.status,
                motivation: a.motivation.as_deref(),
                comment: a.comment.as_deref(),
                by: &a.assessed_by,
                at: &a.assessed_at,
            })
        })
        .collect();
    Ok(results_document(
        who,
        system,
        &view.library.title,
        &view.library.version,
        &reviewed,
        &assessed,
        lang,
    ))
}

async fn poam(app: &App, who: &Acting, system: &System, lang: &str) -> Result<Document> {
    let measures = app
        .store
        .measures_for_system(who.tenant(), system.id.as_str())
        .await?;
    if measures.is_empty() {
        return Err(Error::Invalid(ValidationErrors::from(
            ValidationError::new("measures", Rule::RequiredByRecords),
        )));
    }
    let lib = app.library(who);
    // A risk is being remediated while any measure that treats it is still to be carried out.
    let mut remediating = std::collections::HashSet::new();
    for m in measures.iter().filter(|m| m.input.status.is_open()) {
        remediating.extend(m.scenarios.iter().map(|(id, _)| id.as_str()));
    }
    let mut risks: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    let mut items = Vec::new();
    for m in &measures {
        let mut props = vec![tprop("status", m.input.status.key())];
        if let Some(d) = &m.input.due_on {
            props.push(tprop("due-on", d.clone()));
        }
        if let Some(o) = &m.owner_name {
            props.push(tprop("owner", o.clone()));
        }
        for r in &m.input.requirements {
            if r.system_id
                .as_deref()
                .is_none_or(|s| s == system.id.as_str())
            {
                props.push(tprop("requirement", r.requirement_id.clone()));
            }
        }
        let mut related = Vec::new();
        for (sid, _) in &m.scenarios {
            let uuid = stable_uuid(who.org_id(), "risk", sid);
            if !risks.contains_key(&uuid) {
                let Ok(sc) = app
                    .store
                    .scenario(who.tenant(), &ScenarioId::from(sid.as_str()))
                    .await
                else {
                    continue;
                };
                let x = &sc.input;
                let statement = format!(
                    "{}: {}×{}. {}: {}×{}.",
                    l(lang, "Inneboende risk", "Inherent risk"),
                    x.inherent.likelihood,
                    x.inherent.consequence,
                    l(lang, "Kvarvarande risk", "Residual risk"),
                    x.residual.likelihood,
                    x.residual.consequence
                );
                // An acceptance counts once the owner has signed it.
                let status = if x.acceptance.is_some() && sc.acceptance_signed_at.is_some() {
                    "deviation-approved"
                } else if remediating.contains(sid.as_str()) {
                    "remediating"
                } else {
                    "open"
                };
                risks.insert(
                    uuid.clone(),
                    serde_json::json!({
                        "uuid": uuid,
                        "title": x.title,
                        "description": nonempty(
                            &[x.threat_text.as_deref(), x.vulnerability.as_deref()]
                                .into_iter().flatten().collect::<Vec<_>>().join(" — "),
                            &x.title),
                        "statement": statement,
                        "status": status,
                        "props": [{"name": "scenario", "ns": NS, "value": sid}],
                    }),
                );
            }
            related.push(serde_json::json!({"risk-uuid": uuid}));
        }
        items.push(PoamItem {
            uuid: Some(stable_uuid(who.org_id(), "measure", m.id.as_str())),
            title: nonempty(&m.input.title, "–"),
            description: nonempty(
                m.input.description.as_deref().unwrap_or_default(),
                &m.input.title,
            ),
            props,
            links: vec![],
            origins: None,
            related_findings: None,
            related_observations: None,
            related_risks: (!related.is_empty()).then_some(related),
            remarks: m.input.verification.clone(),
        });
    }
    Ok(Document::PlanOfActionAndMilestones(
        PlanOfActionAndMilestones {
            uuid: stable_uuid(who.org_id(), "poam", system.id.as_str()),
            metadata: metadata(
                format!(
                    "{}: {}",
                    l(lang, "Handlingsplan", "Plan of action and milestones"),
                    system.input.name
                ),
                &lib.key,
            ),
            import_ssp: None,
            system_id: Some(serde_json::json!({
                "identifier-type": format!("{NS}/system"),
                "id": system.id.as_str(),
            })),
            local_definitions: None,
            observations: None,
            risks: (!risks.is_empty()).then(|| risks.into_values().collect()),
            findings: None,
            poam_items: items,
            back_matter: None,
        },
    ))
}

/// A document as the format asks: JSON or YAML.
pub fn write(doc: &Document, format: Format) -> Result<String> {
    match format {
        Format::Json => tillit_oscal::write_json(doc),
        Format::Yaml => tillit_oscal::write_yaml(doc),
    }
    .map_err(Error::internal)
}

// ---- Catalogs published by an authority ----

/// How one control changed from the previous published version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlChange {
    Added,
    Changed,
    Removed,
}

impl ControlChange {
    pub fn key(self) -> &'static str {
        match self {
            ControlChange::Added => "added",
            ControlChange::Changed => "changed",
            ControlChange::Removed => "removed",
        }
    }
}

/// The controls that differ between two versions: added, changed (title or statement) and
/// removed, in the newer version's order (removed ones last, in the older order).
pub fn control_changes(
    old: &[LibraryControl],
    new: &[LibraryControl],
) -> Vec<(ControlChange, LibraryControl)> {
    let before: HashMap<&str, &LibraryControl> = old.iter().map(|c| (c.id.as_str(), c)).collect();
    let after: HashMap<&str, &LibraryControl> = new.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut out: Vec<(ControlChange, LibraryControl)> = new
        .iter()
        .filter_map(|c| match before.get(c.id.as_str()) {
            None => Some((ControlChange::Added, c.clone())),
            Some(o) if o.title != c.title || o.statement != c.statement => {
                Some((ControlChange::Changed, c.clone()))
            }
            Some(_) => None,
        })
        .collect();
    out.extend(
        old.iter()
            .filter(|c| !after.contains_key(c.id.as_str()))
            .map(|c| (ControlChange::Removed, c.clone())),
    );
    out
}

/// An assessment of the organisation's that a new version touches: its control changed or was
/// removed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Touched {
    pub change: ControlChange,
    pub control: LibraryControl,
    pub system_id: String,
    pub system_name: String,
    pub status: Status,
}

/// A measure of the organisation's that a new version touches: it answers a requirement of the
/// same id as a control the version changes or removes (an authority's catalog drawn from
/// Tillit's shares its requirements' ids).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TouchedMeasure {
    pub change: ControlChange,
    pub control: LibraryControl,
    pub measure_id: String,
    pub measure_title: String,
    pub status: tillit_domain::measure::MeasureStatus,
    /// The system it answers the requirement for; `None`: the whole organisation.
    pub system_id: Option<String>,
    pub system_name: Option<String>,
}

/// A requirement catalog published with a guidance version, as an organisation sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublishedCatalogView {
    pub library: OscalLibrary,
    pub controls: Vec<LibraryControl>,
    /// From the previous version that published a catalog, if there is one: its version number
    /// and the changed controls.
    pub changes: Option<(i64, Vec<(ControlChange, LibraryControl)>)>,
    /// A provider's copy of this version, if it adopted it.
    pub adopted: Option<OscalLibrary>,
    /// A provider's newest copy of an earlier version, with its version number.
    pub earlier: Option<(OscalLibrary, i64)>,
    /// The provider's assessments in that earlier copy that this version changes or removes.
    pub touched: Vec<Touched>,
    /// The provider's measures answering a requirement this version changes or removes.
    pub touched_measures: Vec<TouchedMeasure>,
    pub may_adopt: bool,
}

/// The catalog a guidance version publishes, with what changed and what it touches for the
/// acting organisation; `None` when the version publishes no catalog.
pub async fn published_catalog(
    app: &App,
    who: &Acting,
    doc: &tillit_store::Guidance,
    versions: &[tillit_store::Guidance],
) -> Result<Option<PublishedCatalogView>> {
    let Some(library_id) = &doc.library_id else {
        return Ok(None);
    };
    let library = app.store.published_library(library_id).await?;
    let controls = app.store.published_controls(library_id).await?;
    let changes = match versions
        .iter()
        .filter(|v| v.version < doc.version)
        .find_map(|v| v.library_id.as_ref().map(|l| (v.version, l)))
    {
        Some((v, prev)) => Some((
            v,
            control_changes(&app.store.published_controls(prev).await?, &controls),
        )),
        None => None,
    };
    let provider = who.org_kind().side() == tillit_domain::org::Side::Provider;
    let (mut adopted, mut earlier, mut touched) = (None, None, Vec::new());
    let mut touched_measures = Vec::new();
    if provider && who.may(Permission::ViewRegisters) {
        let changed: HashMap<&str, &(ControlChange, LibraryControl)> = changes
            .iter()
            .flat_map(|(_, list)| list.iter())
            .filter(|(c, _)| *c != ControlChange::Added)
            .map(|x| (x.1.id.as_str(), x))
            .collect();
        if !changed.is_empty() {
            let ids: Vec<String> = changed.keys().map(|k| k.to_string()).collect();
            let names = app.store.system_names(who.tenant()).await?;
            for (m, requirement, system) in app.store.measures_answering(who.tenant(), &ids).await?
            {
                if let Some((change, control)) = changed.get(requirement.as_str()) {
                    touched_measures.push(TouchedMeasure {
                        change: *change,
                        control: control.clone(),
                        measure_id: m.id.to_string(),
                        measure_title: m.input.title.clone(),
                        status: m.input.status,
                        system_name: system.as_ref().and_then(|s| names.get(s).cloned()),
                        system_id: system,
                    });
                }
            }
        }
        let copies = app
            .store
            .adopted_copies(who.tenant(), &doc.authority_org_id, &doc.doc_key)
            .await?;
        adopted = copies
            .iter()
            .find(|(l, _)| l.adopted_from.as_deref() == Some(doc.id.as_str()))
            .map(|(l, _)| l.clone());
        earlier = copies.into_iter().find(|(_, v)| *v < doc.version);
        if let Some((old, _)) = &earlier {
            let old_controls = app.store.library_controls(who.tenant(), &old.id).await?;
            let diff: HashMap<String, (ControlChange, LibraryControl)> =
                control_changes(&old_controls, &controls)
                    .into_iter()
                    .filter(|(c, _)| *c != ControlChange::Added)
                    .map(|(c, x)| (x.id.clone(), (c, x)))
                    .collect();
            let names = app.store.system_names(who.tenant()).await?;
            for a in app
                .store
                .assessments_in_library(who.tenant(), &old.id)
                .await?
            {
                if let Some((change, control)) = diff.get(&a.control_id) {
                    touched.push(Touched {
                        change: *change,
                        control: control.clone(),
                        system_name: names.get(&a.system_id).cloned().unwrap_or_default(),
                        system_id: a.system_id,
                        status: a.status,
                    });
                }
            }
        }
    }
    Ok(Some(PublishedCatalogView {
        library,
        controls,
        changes,
        may_adopt: provider && who.may(Permission::UpgradeCatalog) && adopted.is_none(),
        adopted,
        earlier,
        touched,
        touched_measures,
    }))
}

/// What adopting a published catalog did.
pub struct Adopted {
    pub library: OscalLibrary,
    /// Systems now assessed against the new version (those of the earlier copy).
    pub systems: usize,
    /// Assessments carried over from the earlier copy (controls that did not change).
    pub carried: usize,
}

/// Adopts the catalog a guidance version publishes as the organisation's own library.
pub async fn adopt_published(app: &App, who: &Acting, guidance_id: &str) -> Result<Adopted> {
    who.require(Permission::UpgradeCatalog)?;
    if who.org_kind().side() != tillit_domain::org::Side::Provider {
        return Err(Error::Forbidden);
    }
    let (library, systems, carried) = app
        .store
        .adopt_published(who.tenant(), &who.actor(), who.display_name(), guidance_id)
        .await?;
    Ok(Adopted {
        library,
        systems,
        carried,
    })
}

/// The OSCAL catalog a guidance version publishes (public, like the guidance).
pub async fn published_catalog_document(
    app: &App,
    who: &Acting,
    guidance_id: &str,
) -> Result<Document> {
    who.require(Permission::ViewOverview)?;
    let g = app.store.guidance_by_id(guidance_id).await?;
    let library = g.library_id.ok_or(Error::NotFound)?;
    let json = app.store.published_catalog_json(&library).await?;
    tillit_oscal::read_document(json.as_bytes(), Format::Json, "catalog").map_err(Error::internal)
}

//! The authority's workspace: its registry of the organisations in its remit, the submissions it
//! received (each read audited), its versioned ranking model and the risk-based ranking
//! (ADR 0012). An authority reads only what providers sent it: none of these touch a provider's
//! registers.

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::tabular::Table;
use crate::App;
use serde::Serialize;
use std::collections::HashMap;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::ranking::{self, FactorKey, Model, RegistryFacts, Score};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationError, ValidationErrors};
use tillit_store::{
    ModelVersion, NewRank, NewRegistryEntry, RankRow, Received, RegistryEntry, RemitFilter,
};

/// The registry's columns: the English name first, then the Swedish one an import also reads.
pub const REGISTRY_COLUMNS: [(&str, &str); 9] = [
    ("name", "namn"),
    ("org_number", "organisationsnummer"),
    ("kind", "typ"),
    ("county", "län"),
    ("individuals", "antal_individer"),
    ("kinds_of_care", "vårdformer"),
    ("nis2_class", "nis2"),
    ("last_supervised_on", "senaste_tillsyn"),
    ("public_key", "publik_nyckel"),
];

/// One row of a registry import and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct RowOutcome {
    pub line: usize,
    pub name: String,
    pub errors: ValidationErrors,
}

/// What a registry import did.
#[derive(Debug, Clone, Serialize)]
pub enum RegistryImport {
    /// The file could not be read at all.
    FileRefused(ValidationErrors),
    /// Every row read, with its errors; saved only when none has any and it was no dry run.
    Rows {
        rows: Vec<RowOutcome>,
        saved: bool,
        added: usize,
        replaced: usize,
    },
}

fn cell<'a>(t: &'a Table, row: &'a [String], col: (&str, &str)) -> &'a str {
    let v = t.get(row, col.0);
    if v.is_empty() {
        t.get(row, col.1)
    } else {
        v
    }
}

/// Reads one registry row.
pub fn registry_row(
    t: &Table,
    row: &[String],
) -> std::result::Result<NewRegistryEntry, ValidationErrors> {
    let c = |i: usize| cell(t, row, REGISTRY_COLUMNS[i]);
    let mut errs = ValidationErrors::new();
    let name = errs.check(tillit_domain::text::required("name", c(0), 300));
    let number = errs.check(tillit_domain::org::OrgNumber::parse("org_number", c(1)));
    let kind = errs.check(ranking::registry_kind("kind", c(2)));
    let county = errs
        .check(tillit_domain::text::optional("county", c(3), 100))
        .flatten()
        .unwrap_or_default();
    let individuals = match c(4).replace([' ', '\u{a0}'], "") {
        s if s.is_empty() => None,
        s => match s.parse::<i64>() {
            Ok(n) if (0..=20_000_000).contains(&n) => Some(n),
            _ => {
                errs.push(ValidationError::new(
                    "individuals",
                    Rule::OutOfRange {
                        min: 0,
                        max: 20_000_000,
                    },
                ));
                None
            }
        },
    };
    let care: Vec<String> = c(5)
        .split([';', ','])
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    if care.len() > 20 || care.iter().any(|s| s.chars().count() > 100) {
        errs.push(ValidationError::new(
            "kinds_of_care",
            Rule::TooLong { max: 100 },
        ));
    }
    let nis2 = errs.check(ranking::nis2_class("nis2_class", c(6)));
    let last = match c(7) {
        "" => None,
        s => match chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
            Ok(d) if d <= crate::today_date() => Some(d.to_string()),
            Ok(_) => {
                errs.push(ValidationError::new(
                    "last_supervised_on",
                    Rule::InTheFuture,
                ));
                None
            }
            Err(_) => {
                errs.push(ValidationError::new(
                    "last_supervised_on",
                    Rule::InvalidFormat,
                ));
                None
            }
        },
    };
    let key = c(8).to_lowercase();
    if !key.is_empty() && (key.len() != 64 || !key.chars().all(|c| c.is_ascii_hexdigit())) {
        errs.push(ValidationError::new("public_key", Rule::InvalidFormat));
    }
    errs.clone().into_result()?;
    match (name, number, kind, nis2) {
        (Some(name), Some(number), Some(kind), Some(nis2)) => Ok(NewRegistryEntry {
            org_number: number.as_str().to_string(),
            name,
            kind,
            county,
            individuals,
            kinds_of_care: care.join(";"),
            nis2_class: nis2,
            last_supervised_on: last,
            public_key: key,
            generated: false,
        }),
        _ => Err(errs),
    }
}

/// Imports the registry from a CSV or XLSX file: a row whose organisation number is already in
/// the registry replaces it. Nothing is saved when any row has an error, or in a dry run.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn import_registry(
    app: &App,
    who: &Acting,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> Result<RegistryImport> {
    who.require(Permission::ManageRegistry)?;
    let table = match crate::transfer::read_file(app, file_name, bytes).await? {
        Ok(t) => t,
        Err(e) => return Ok(RegistryImport::FileRefused(e.into())),
    };
    for need in [
        REGISTRY_COLUMNS[0],
        REGISTRY_COLUMNS[1],
        REGISTRY_COLUMNS[2],
    ] {
        if !table.headers.iter().any(|h| h == need.0 || h == need.1) {
            return Ok(RegistryImport::FileRefused(ValidationErrors::single(
                need.0,
                Rule::Required,
            )));
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    let mut entries = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let name = cell(&table, row, REGISTRY_COLUMNS[0]).to_string();
        let errors = match registry_row(&table, row) {
            Ok(e) => {
                if seen.insert(e.org_number.clone()) {
                    entries.push(e);
                    ValidationErrors::new()
                } else {
                    ValidationErrors::single("org_number", Rule::AlreadyExists)
                }
            }
            Err(e) => e,
        };
        rows.push(RowOutcome {
            line: i + 2,
            name,
            errors,
        });
    }
    if rows.iter().any(|r| !r.errors.is_empty()) || dry_run {
        return Ok(RegistryImport::Rows {
            rows,
            saved: false,
            added: 0,
            replaced: 0,
        });
    }
    // A row that replaces one keeps what is stored in a column the file does not have.
    let has = |i: usize| {
        let (en, sv) = REGISTRY_COLUMNS[i];
        table.headers.iter().any(|h| h == en || h == sv)
    };
    if (3..REGISTRY_COLUMNS.len()).any(|i| !has(i)) {
        let filter = RemitFilter::default();
        let stored: HashMap<String, RegistryEntry> =
            crate::all_pages(|page| app.store.registry(who.tenant(), &filter, page))
                .await?
                .into_iter()
                .map(|e| (e.org_number.clone(), e))
                .collect();
        for e in &mut entries {
            if let Some(old) = stored.get(&e.org_number) {
                keep_absent(e, old, has);
            }
        }
    }
    let (added, replaced) = app
        .store
        .import_registry(who.tenant(), &who.actor(), file_name, &entries)
        .await?;
    Ok(RegistryImport::Rows {
        rows,
        saved: true,
        added,
        replaced,
    })
}

/// The stored values of the columns a registry file does not have (`has` by column index).
fn keep_absent(e: &mut NewRegistryEntry, old: &RegistryEntry, has: impl Fn(usize) -> bool) {
    if !has(3) {
        e.county = old.county.clone();
    }
    if !has(4) {
        e.individuals = old.individuals;
    }
    if !has(5) {
        e.kinds_of_care = old.kinds_of_care.clone();
    }
    if !has(6) {
        e.nis2_class = old.nis2_class.clone();
    }
    if !has(7) {
        e.last_supervised_on = old.last_supervised_on.clone();
    }
    if !has(8) {
        e.public_key = old.public_key.clone();
    }
}

/// Adds registry rows made by a program (the demo's generated remit), replacing rows with the
/// same organisation number.
pub async fn add_registry_rows(
    app: &App,
    who: &Acting,
    label: &str,
    rows: &[NewRegistryEntry],
) -> Result<(usize, usize)> {
    who.require(Permission::ManageRegistry)?;
    Ok(app
        .store
        .import_registry(who.tenant(), &who.actor(), label, rows)
        .await?)
}

/// The registry, filtered.
pub async fn registry(
    app: &App,
    who: &Acting,
    f: &RemitFilter,
    page: PageRequest,
) -> Result<Page<RegistryEntry>> {
    who.require(Permission::ViewSupervision)?;
    Ok(app.store.registry(who.tenant(), f, page).await?)
}

/// The counties named in the registry (for the filters).
pub async fn counties(app: &App, who: &Acting) -> Result<Vec<String>> {
    who.require(Permission::ViewSupervision)?;
    Ok(app.store.registry_counties(who.tenant()).await?)
}

/// One submission received, its metadata only.
pub async fn received_meta(app: &App, who: &Acting, id: &str) -> Result<Received> {
    who.require(Permission::ViewSupervision)?;
    Ok(app.store.received_submission(who.tenant(), id).await?)
}

/// The submissions the authority received, newest first (their metadata; the content is read
/// one at a time, audited).
pub async fn received(
    app: &App,
    who: &Acting,
    org_number: Option<&str>,
    page: PageRequest,
) -> Result<Page<Received>> {
    who.require(Permission::ViewSupervision)?;
    Ok(app
        .store
        .received_submissions(who.tenant(), org_number, page)
        .await?)
}

/// Why a received submission verifies or not, against the keys the organisation published.
fn check(envelope: &str, keys: &[String]) -> std::result::Result<(), String> {
    let env = tillit_domain::submission::verify(envelope, None).map_err(|e| e.to_string())?;
    if keys.is_empty() {
        return Err("the organisation has published no key to check against".into());
    }
    if keys.contains(&env.public_key) {
        Ok(())
    } else {
        Err(tillit_domain::submission::SubmissionError::OtherKey {
            expected: keys.join(", "),
            actual: env.public_key,
        }
        .to_string())
    }
}

/// The keys an organisation number had published on the day `as_of` (YYYY-MM-DD…): its keys in
/// this Tillit that were not retired before that day; only for an organisation not in this Tillit,
/// the key the authority's registry holds for it (so that nobody who edits the registry can
/// stand in for a provider who publishes its keys here).
async fn published_keys(
    app: &App,
    who: &Acting,
    org_number: &str,
    as_of: &str,
) -> Result<Vec<String>> {
    let here = app.store.public_keys_of_number(org_number).await?;
    let in_tillit = match tillit_domain::org::OrgNumber::parse("org_number", org_number) {
        Ok(n) => app
            .store
            .organisation_by_number(&n)
            .await?
            .is_some_and(|o| o.kind.side() == tillit_domain::org::Side::Provider),
        Err(_) => false,
    };
    if in_tillit || !here.is_empty() {
        let day = as_of.get(..10).unwrap_or(as_of);
        return Ok(here
            .into_iter()
            .filter(|(_, retired)| {
                retired
                    .as_deref()
                    .is_none_or(|r| crate::day_of(r).as_str() >= day)
            })
            .map(|(k, _)| k)
            .collect());
    }
    Ok(app
        .store
        .registry_entry_by_number(who.tenant(), org_number)
        .await?
        .map(|e| e.public_key)
        .filter(|k| !k.is_empty())
        .into_iter()
        .collect())
}

/// One received submission: its metadata, the envelope (the file) and its signature checked
/// against the organisation's published keys. The read is audited.
pub async fn read_received(
    app: &App,
    who: &Acting,
    id: &str,
) -> Result<(Received, String, std::result::Result<(), String>)> {
    who.require(Permission::ReadSubmissions)?;
    let (r, envelope) = app
        .store
        .read_received_submission(who.tenant(), &who.actor(), id)
        .await?;
    let keys = published_keys(app, who, &r.org_number, &r.submitted_at).await?;
    let verdict = check(&envelope, &keys);
    Ok((r, envelope, verdict))
}

fn refused(reason: &str) -> Error {
    Error::Invalid(ValidationErrors::single(
        "file",
        Rule::SubmissionRefused {
            reason: reason.to_string(),
        },
    ))
}

/// Imports a submission file sent from another Tillit. It is refused, with the reason, when it is
/// not a submission, has been changed, comes from an organisation not in the registry, cannot be
/// checked against a published key, was signed with another key, or was already received.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn import_submission(app: &App, who: &Acting, bytes: &[u8]) -> Result<String> {
    who.require(Permission::ImportSubmissions)?;
    if bytes.is_empty() {
        return Err(ValidationErrors::single("file", Rule::Required).into());
    }
    if bytes.len() > 2 * 1024 * 1024 {
        return Err(ValidationErrors::single(
            "file",
            Rule::TooLong {
                max: 2 * 1024 * 1024,
            },
        )
        .into());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| refused("not_a_submission"))?;
    let env = match tillit_domain::submission::verify(text, None) {
        Ok(e) => e,
        Err(tillit_domain::submission::SubmissionError::Malformed(_))
        | Err(tillit_domain::submission::SubmissionError::NotAnObject)
        | Err(tillit_domain::submission::SubmissionError::NotWholeNumber(_)) => {
            return Err(refused("not_a_submission"))
        }
        Err(_) => return Err(refused("tampered")),
    };
    let whole: tillit_domain::submission::Envelope =
        serde_json::from_str(text).map_err(|_| refused("not_a_submission"))?;
    let c = &whole.submission;
    let number = c["organisation"]["org_number"]
        .as_str()
        .and_then(|n| tillit_domain::org::OrgNumber::parse("org_number", n).ok())
        .ok_or_else(|| refused("not_a_submission"))?;
    let entry = app
        .store
        .registry_entry_by_number(who.tenant(), number.as_str())
        .await?
        .ok_or_else(|| refused("not_in_registry"))?;
    let as_of = c["as_of"].as_str().unwrap_or("");
    let submitted_at = match chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d") {
        Ok(d) if d <= crate::today_date() => format!("{d}T00:00:00.000Z"),
        _ => return Err(refused("not_a_submission")),
    };
    let keys = published_keys(app, who, number.as_str(), as_of).await?;
    if keys.is_empty() {
        return Err(refused("no_published_key"));
    }
    if !keys.contains(&env.public_key) {
        return Err(refused("other_key"));
    }
    let figures = ranking::figures_of(c).to_string();
    let canonical = serde_json::to_string(&whole).map_err(Error::internal)?;
    let id = app
        .store
        .import_submission(
            who.tenant(),
            &who.actor(),
            &tillit_store::NewReceived {
                org_number: number.as_str(),
                org_name: &entry.name,
                submission_id: None,
                envelope: Some(&canonical),
                sha256: &env.sha256,
                key_id: &env.key_id,
                submitted_at: &submitted_at,
                received_by_name: who.display_name(),
                figures: &figures,
            },
        )
        .await
        .map_err(|e| match e {
            tillit_store::StoreError::Duplicate(_) => refused("already_received"),
            e => e.into(),
        })?;
    Ok(id)
}

/// The model in force and its version; an authority that never saved one gets Tillit's standard
/// model, stored as its version 1.
pub async fn model(app: &App, who: &Acting) -> Result<(i64, Model)> {
    who.require(Permission::ViewSupervision)?;
    let t = who.tenant();
    let current = match app.store.current_ranking_model(t).await? {
        Some(m) => m,
        None => {
            let doc = serde_json::to_string(&Model::standard()).map_err(Error::internal)?;
            app.store
                .save_ranking_model(t, &tillit_store::Actor::system(), &doc, "Tillit")
                .await?;
            app.store
                .current_ranking_model(t)
                .await?
                .ok_or_else(|| Error::internal("the model just saved is missing"))?
        }
    };
    Ok((current.version, parse_model(&current)?))
}

fn parse_model(v: &ModelVersion) -> Result<Model> {
    serde_json::from_str(&v.document)
        .map_err(|e| Error::internal(format!("ranking model {}: {e}", v.version)))
}

/// Every version of the model, newest first.
pub async fn model_versions(app: &App, who: &Acting) -> Result<Vec<(ModelVersion, Model)>> {
    model(app, who).await?;
    app.store
        .ranking_models(who.tenant())
        .await?
        .into_iter()
        .map(|v| {
            let m = parse_model(&v)?;
            Ok((v, m))
        })
        .collect()
}

/// Publishes a new version of the model (the supervision lead) and ranks again with it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn save_model(
    app: &App,
    who: &Acting,
    d: tillit_domain::ranking::ModelDraft,
) -> Result<i64> {
    who.require(Permission::EditRankingModel)?;
    model(app, who).await?;
    let m = d.into_model()?;
    let doc = serde_json::to_string(&m).map_err(Error::internal)?;
    let v = app
        .store
        .save_ranking_model(who.tenant(), &who.actor(), &doc, who.display_name())
        .await?;
    rerank(app, who).await?;
    Ok(v)
}

fn registry_facts(
    individuals: Option<i64>,
    nis2: &str,
    care: &str,
    last: Option<String>,
    updated: &str,
) -> RegistryFacts {
    RegistryFacts {
        individuals,
        nis2_class: nis2.to_string(),
        kinds_of_care: care
            .split(';')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        last_supervised_on: last,
        as_of: tillit_domain::time::day_of(updated).map(|d| d.to_string()),
    }
}

fn permille(x: f64) -> i64 {
    (x * 1000.0).round() as i64
}

/// Ranks every organisation in the remit again with the model in force, as of today. Returns
/// how many were ranked.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rerank(app: &App, who: &Acting) -> Result<usize> {
    who.require(Permission::ViewSupervision)?;
    let _one_at_a_time = app.ranking_lock.lock().await;
    let (version, model) = model(app, who).await?;
    let today = crate::today_date();
    let (entries, latest) = app.store.ranking_inputs(who.tenant()).await?;
    let latest: HashMap<String, (serde_json::Value, String)> = latest
        .into_iter()
        .map(|(n, f, at)| (n, (serde_json::from_str(&f).unwrap_or_default(), at)))
        .collect();
    let rows: Vec<NewRank> = entries
        .into_iter()
        .map(|e| {
            let facts = registry_facts(
                e.individuals,
                &e.nis2_class,
                &e.kinds_of_care,
                e.last_supervised_on,
                &e.updated_at,
            );
            let sub = latest.get(&e.org_number);
            let inputs = ranking::inputs(&facts, sub.map(|(f, at)| (f, at.as_str())), today);
            let s = ranking::score(&model, &inputs);
            let top = s
                .parts
                .iter()
                .filter(|p| p.half == ranking::Half::Likelihood)
                .max_by(|a, b| a.points.total_cmp(&b.points))
                .map(|p| p.key.key())
                .unwrap_or("");
            NewRank {
                entry_id: e.id,
                name: e.name,
                org_number: e.org_number,
                generated: e.generated != 0,
                score_tenths: (s.score * 10.0).round() as i64,
                likelihood_permille: permille(s.likelihood),
                consequence_permille: permille(s.consequence),
                top_factor: top.to_string(),
                missing_submission: sub.is_none(),
                county: e.county,
                kind: e.kind,
                nis2_class: e.nis2_class,
            }
        })
        .collect();
    app.store
        .replace_ranking(who.tenant(), version, &today.to_string(), &rows)
        .await?;
    Ok(rows.len())
}

/// Ranks again when the stored ranking is out of date: another model version, another day, or a
/// change to the registry or the submissions since.
async fn ensure_ranking(app: &App, who: &Acting) -> Result<(i64, String)> {
    let (version, _) = model(app, who).await?;
    let today = crate::today();
    let fresh = |r: &Option<tillit_store::RankingRun>| {
        r.as_ref()
            .is_some_and(|r| r.model_version == version && r.computed_on == today && r.stale == 0)
    };
    let run = app.store.ranking_run(who.tenant()).await?;
    if !fresh(&run) {
        rerank(app, who).await?;
    }
    let run = app
        .store
        .ranking_run(who.tenant())
        .await?
        .ok_or_else(|| Error::internal("no ranking after ranking"))?;
    Ok((run.model_version, run.computed_at))
}

/// A page of the ranking with the distribution of scores.
#[derive(Debug, Clone, Serialize)]
pub struct RankingView {
    pub model_version: i64,
    pub computed_at: String,
    pub page: Page<RankRow>,
    /// How many fall in each tenth of the score (0–10, 10–20, … 90–100).
    pub distribution: [i64; 10],
    pub without_submission: i64,
}

/// The ranking, filtered, highest score first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ranking(
    app: &App,
    who: &Acting,
    f: &RemitFilter,
    page: PageRequest,
) -> Result<RankingView> {
    who.require(Permission::ViewSupervision)?;
    let (model_version, computed_at) = ensure_ranking(app, who).await?;
    let list = app.store.ranking(who.tenant(), f, page).await?;
    let (buckets, without) = app.store.ranking_distribution(who.tenant(), f).await?;
    let mut distribution = [0; 10];
    for (b, n) in buckets {
        if let Some(slot) = distribution.get_mut(b.clamp(0, 9) as usize) {
            *slot += n;
        }
    }
    Ok(RankingView {
        model_version,
        computed_at,
        page: list,
        distribution,
        without_submission: without,
    })
}

/// One organisation's place and score explained.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub entry: RegistryEntry,
    pub model_version: i64,
    pub place: i64,
    pub of: i64,
    pub score: Score,
    /// What would lower the score most: the factor, the score and the place it would give.
    pub changes: Vec<(FactorKey, f64, i64)>,
}

/// Explains one organisation's score factor by factor, with what would change its rank most. It
/// shows the figures of the organisation's latest submission, so it is a read of that submission:
/// only for those who read submissions, and audited.
pub async fn explain(app: &App, who: &Acting, entry_id: &str) -> Result<Explanation> {
    who.require(Permission::ReadSubmissions)?;
    let (model_version, _) = ensure_ranking(app, who).await?;
    let model = app
        .store
        .ranking_models(who.tenant())
        .await?
        .into_iter()
        .find(|v| v.version == model_version)
        .ok_or(Error::NotFound)
        .and_then(|v| parse_model(&v))?;
    let t = who.tenant();
    let entry = app.store.registry_entry(t, entry_id).await?;
    let facts = registry_facts(
        entry.individuals,
        &entry.nis2_class,
        &entry.kinds_of_care,
        entry.last_supervised_on.clone(),
        &entry.updated_at,
    );
    let latest = app.store.latest_figures(t, &entry.org_number).await?;
    if let Some((_, at)) = &latest {
        app.store
            .record_event(
                &who.actor(),
                Some(t.id()),
                "submission.read",
                "registry_entry",
                entry_id,
                serde_json::json!({"org_number": entry.org_number, "org_name": entry.name,
                                   "submitted_at": at, "read_as": "ranking_explanation"}),
            )
            .await?;
    }
    let latest = latest.map(|(f, at)| (serde_json::from_str(&f).unwrap_or_default(), at));
    let inputs = ranking::inputs(
        &facts,
        latest
            .as_ref()
            .map(|(f, at): &(serde_json::Value, String)| (f, at.as_str())),
        crate::today_date(),
    );
    let score = ranking::score(&model, &inputs);
    let (own, place) = app
        .store
        .rank_of(t, entry_id)
        .await?
        .unwrap_or((0, app.store.ranked_count(t).await? + 1));
    let mut changes = Vec::new();
    for (k, s) in ranking::what_would_change(&model, &inputs)
        .into_iter()
        .take(4)
    {
        let tenths = (s * 10.0).round() as i64;
        // Its own stored score is among the higher ones; it would no longer be.
        let p = app.store.place_of_score(t, tenths).await? - i64::from(own > tenths);
        changes.push((k, s, p));
    }
    Ok(Explanation {
        entry,
        model_version,
        place,
        of: app.store.ranked_count(t).await?,
        score,
        changes,
    })
}

/// The whole ranking (every page), for the export.
pub async fn ranking_all(app: &App, who: &Acting, f: &RemitFilter) -> Result<Vec<RankRow>> {
    who.require(Permission::ViewSupervision)?;
    ensure_ranking(app, who).await?;
    crate::all_pages(|page| app.store.ranking(who.tenant(), f, page)).await
}

/// The filters of the registry and the ranking, as a query string gives them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RemitParams {
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub nis2_class: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub per_page: Option<String>,
}

impl RemitParams {
    pub fn parse(&self) -> Result<(RemitFilter, PageRequest)> {
        let page = PageRequest::parse(self.page.as_deref(), self.per_page.as_deref())?;
        let mut errs = ValidationErrors::new();
        let word = |field: &str,
                    v: &str,
                    allowed: &[&str]|
         -> std::result::Result<Option<String>, ValidationError> {
            match v {
                "" => Ok(None),
                w if allowed.contains(&w) => Ok(Some(w.to_string())),
                _ => Err(ValidationError::new(field, Rule::UnknownValue)),
            }
        };
        let kind = errs
            .check(word("kind", &self.kind, &ranking::REGISTRY_KINDS))
            .flatten();
        let nis2 = errs
            .check(word("nis2_class", &self.nis2_class, &ranking::NIS2_CLASSES))
            .flatten();
        if self.county.chars().count() > 100 {
            errs.push(ValidationError::new("county", Rule::TooLong { max: 100 }));
        }
        if self.q.chars().count() > 200 {
            errs.push(ValidationError::new("q", Rule::TooLong { max: 200 }));
        }
        errs.into_result()?;
        Ok((
            RemitFilter {
                county: Some(self.county.trim().to_string()).filter(|s| !s.is_empty()),
                kind,
                nis2_class: nis2,
                q: Some(self.q.trim().to_string()).filter(|s| !s.is_empty()),
            },
            page,
        ))
    }
}

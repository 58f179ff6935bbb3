//! Catalog versions and their impact: what changed between two versions of the requirement
//! catalog, what an upgrade would touch of the organisation's assessments, evidence and measures,
//! the upgrade itself, and what it leaves to be assessed.

use crate::acting::Acting;
use crate::assessments::{organisation_triggers, system_triggers};
use crate::error::{Error, Result};
use crate::library::{Library, Requirement};
use crate::App;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tillit_domain::assessment::Status;
use tillit_domain::diff::{words, Piece};
use tillit_domain::role::Permission;
use tillit_store::{NewReassessment, ReassessReason, Reassessment, RequirementMeasure};

/// How a requirement differs between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One changed field of a requirement, with the words marked.
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    /// `title`, `statement`, `guidance`, `provisions`, `iso`, `params` or `area`.
    pub field: &'static str,
    /// `sv` or `en` for the texts written in both languages.
    pub lang: Option<&'static str>,
    pub before: String,
    pub after: String,
    pub pieces: Vec<Piece>,
}

/// A requirement added, removed or changed between two versions.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementChange {
    pub id: String,
    pub label: String,
    pub area: String,
    /// The title in the version it is read from (the newer when it exists there), sv and en.
    pub title: [String; 2],
    pub kind: ChangeKind,
    pub fields: Vec<FieldChange>,
    /// What the requirement asks changed: its statement, guidance, citations or parameters.
    /// A change of only the title, area or ISO numbers is editorial: assessments carry over.
    pub material: bool,
}

/// The fields whose change changes what a requirement asks, so that its assessment must be made
/// again.
const MATERIAL: &[&str] = &["statement", "guidance", "provisions", "params"];

/// What changed from one version of a catalog to another.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogDiff {
    pub from: String,
    pub to: String,
    pub changes: Vec<RequirementChange>,
    pub unchanged: usize,
}

impl CatalogDiff {
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
    pub fn change(&self, id: &str) -> Option<&RequirementChange> {
        self.changes.iter().find(|c| c.id == id)
    }
}

fn iso_line(r: &Requirement) -> String {
    let mut parts: Vec<String> = r
        .iso
        .iter()
        .map(|n| format!("ISO/IEC 27002:2022 {n}"))
        .collect();
    parts.extend(r.iso27001.iter().map(|n| format!("ISO/IEC 27001:2022 {n}")));
    parts.join("; ")
}

fn params_line(r: &Requirement) -> String {
    r.params
        .iter()
        .map(|p| format!("{} ({}): {}", p.id, p.label, p.values.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The fields of one requirement that differ between two versions.
fn field_changes(a: &Requirement, b: &Requirement) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut cmp = |field: &'static str, lang: Option<&'static str>, x: String, y: String| {
        if x.split_whitespace().ne(y.split_whitespace()) {
            out.push(FieldChange {
                field,
                lang,
                pieces: words(&x, &y),
                before: x,
                after: y,
            });
        }
    };
    cmp("area", None, a.area.clone(), b.area.clone());
    for (i, lang) in ["sv", "en"].into_iter().enumerate() {
        cmp("title", Some(lang), a.title[i].clone(), b.title[i].clone());
    }
    for (i, lang) in ["sv", "en"].into_iter().enumerate() {
        cmp(
            "statement",
            Some(lang),
            a.statement[i].clone(),
            b.statement[i].clone(),
        );
    }
    for (i, lang) in ["sv", "en"].into_iter().enumerate() {
        cmp(
            "guidance",
            Some(lang),
            a.guidance[i].clone(),
            b.guidance[i].clone(),
        );
    }
    cmp(
        "provisions",
        None,
        a.provisions.join("; "),
        b.provisions.join("; "),
    );
    cmp("iso", None, iso_line(a), iso_line(b));
    cmp("params", None, params_line(a), params_line(b));
    out
}

/// What changed from `from` to `to`: requirements added, removed and changed (in `to`'s order,
/// removed ones last), each changed one with its changed fields.
pub fn diff(from: &Library, to: &Library) -> CatalogDiff {
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for b in &to.requirements {
        match from.requirement(&b.id) {
            None => changes.push(RequirementChange {
                id: b.id.clone(),
                label: b.label.clone(),
                area: b.area.clone(),
                title: b.title.clone(),
                kind: ChangeKind::Added,
                fields: Vec::new(),
                material: true,
            }),
            Some(a) => {
                let fields = field_changes(a, b);
                if fields.is_empty() {
                    unchanged += 1;
                } else {
                    let material = fields.iter().any(|f| MATERIAL.contains(&f.field));
                    changes.push(RequirementChange {
                        id: b.id.clone(),
                        label: b.label.clone(),
                        area: b.area.clone(),
                        title: b.title.clone(),
                        kind: ChangeKind::Changed,
                        fields,
                        material,
                    });
                }
            }
        }
    }
    for a in &from.requirements {
        if to.requirement(&a.id).is_none() {
            changes.push(RequirementChange {
                id: a.id.clone(),
                label: a.label.clone(),
                area: a.area.clone(),
                title: a.title.clone(),
                kind: ChangeKind::Removed,
                fields: Vec::new(),
                material: true,
            });
        }
    }
    CatalogDiff {
        from: from.key.clone(),
        to: to.key.clone(),
        changes,
        unchanged,
    }
}

/// One version of the catalog, as the version list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    pub key: String,
    pub title: String,
    pub version: String,
    pub last_modified: String,
    pub remarks: String,
    pub requirements: usize,
    pub areas: usize,
    /// The acting organisation works against this version.
    pub current: bool,
}

/// Every version of the catalog, oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub fn versions(app: &App, who: &Acting) -> Result<Vec<VersionInfo>> {
    who.require(Permission::ViewRegisters)?;
    let current = &who.membership().catalog_version;
    Ok(app
        .catalogs
        .all()
        .iter()
        .map(|l| VersionInfo {
            key: l.key.clone(),
            title: l.title.clone(),
            version: l.version.clone(),
            last_modified: l.last_modified.clone(),
            remarks: l.remarks.clone(),
            requirements: l.requirements.len(),
            areas: l.areas.len(),
            current: &l.key == current,
        })
        .collect())
}

fn version(app: &App, key: &str) -> Result<Arc<Library>> {
    app.catalogs.get(key).cloned().ok_or(Error::NotFound)
}

/// What changed between two versions (any two, either way round).
#[tracing::instrument(level = "debug", skip_all)]
pub fn diff_versions(app: &App, who: &Acting, from: &str, to: &str) -> Result<CatalogDiff> {
    who.require(Permission::ViewRegisters)?;
    let (a, b) = (version(app, from)?, version(app, to)?);
    Ok(diff(&a, &b))
}

/// One assessment an upgrade touches.
#[derive(Debug, Clone, Serialize)]
pub struct TouchedAssessment {
    pub system_id: Option<String>,
    pub system_name: Option<String>,
    pub status: Status,
    pub evidence: i64,
    /// The requirement still applies to the scope in the new version (so it is to be
    /// re-assessed); otherwise the assessment is kept but no longer counted.
    pub still_applies: bool,
}

/// What one changed or removed requirement touches of the organisation's work.
#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    pub requirement_id: String,
    pub kind: ChangeKind,
    pub assessments: Vec<TouchedAssessment>,
    pub measures: Vec<RequirementMeasure>,
}

/// A requirement that will apply to a scope after the upgrade and did not before.
#[derive(Debug, Clone, Serialize)]
pub struct NewlyApplicable {
    pub system_id: Option<String>,
    pub system_name: Option<String>,
    pub requirement_id: String,
}

/// Everything the organisation sees before it accepts an upgrade.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradePlan {
    pub from: String,
    pub to: String,
    pub diff: CatalogDiff,
    /// Per changed or removed requirement the organisation has assessed or traced a measure to.
    pub impacts: Vec<Impact>,
    /// Requirements that will apply to a scope and are not yet assessed there.
    pub newly_applicable: Vec<NewlyApplicable>,
    /// Assessments carried over unchanged.
    pub carried_over: usize,
}

/// How many scopes a summary names; the rest are counted.
pub const SCOPES_NAMED: usize = 12;

/// A scope (a system, or the organisation with `None`) with its name.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeRef {
    pub system_id: Option<String>,
    pub system_name: Option<String>,
}

/// What one changed or removed requirement touches, counted (for pages and the API, which must
/// stay small when thousands of systems have assessed it).
#[derive(Debug, Clone, Serialize)]
pub struct ImpactSummary {
    pub requirement_id: String,
    pub kind: ChangeKind,
    /// Assessments of the requirement, in any scope.
    pub assessments: usize,
    /// Of them, those to be re-assessed (the requirement still applies to the scope).
    pub to_reassess: usize,
    /// Pieces of evidence attached to those assessments.
    pub evidence: i64,
    /// The first scopes, by name.
    pub scopes: Vec<ScopeRef>,
    pub measures: Vec<RequirementMeasure>,
}

/// A requirement that newly applies, with the scopes it applies to.
#[derive(Debug, Clone, Serialize)]
pub struct AddedSummary {
    pub requirement_id: String,
    pub scopes: usize,
    /// The first scopes, by name.
    pub named: Vec<ScopeRef>,
}

impl UpgradePlan {
    /// Each touched requirement with its assessments counted and its first scopes named.
    pub fn impact_summaries(&self) -> Vec<ImpactSummary> {
        self.impacts
            .iter()
            .map(|i| {
                let mut scopes: Vec<ScopeRef> = i
                    .assessments
                    .iter()
                    .map(|a| ScopeRef {
                        system_id: a.system_id.clone(),
                        system_name: a.system_name.clone(),
                    })
                    .collect();
                scopes.sort_by(|a, b| {
                    (a.system_id.is_some(), &a.system_name)
                        .cmp(&(b.system_id.is_some(), &b.system_name))
                });
                scopes.truncate(SCOPES_NAMED);
                ImpactSummary {
                    requirement_id: i.requirement_id.clone(),
                    kind: i.kind,
                    assessments: i.assessments.len(),
                    to_reassess: i
                        .assessments
                        .iter()
                        .filter(|a| i.kind == ChangeKind::Changed && a.still_applies)
                        .count(),
                    evidence: i.assessments.iter().map(|a| a.evidence).sum(),
                    scopes,
                    measures: i.measures.clone(),
                }
            })
            .collect()
    }

    /// Each newly applicable requirement with the number of scopes and the first named, in
    /// catalog order of the new version as the plan lists them.
    pub fn added_summaries(&self) -> Vec<AddedSummary> {
        let mut out: Vec<AddedSummary> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for n in &self.newly_applicable {
            let i = *index.entry(&n.requirement_id).or_insert_with(|| {
                out.push(AddedSummary {
                    requirement_id: n.requirement_id.clone(),
                    scopes: 0,
                    named: Vec::new(),
                });
                out.len() - 1
            });
            let s = &mut out[i];
            s.scopes += 1;
            if s.named.len() < SCOPES_NAMED {
                s.named.push(ScopeRef {
                    system_id: n.system_id.clone(),
                    system_name: n.system_name.clone(),
                });
            }
        }
        out
    }

    /// The assessments to be re-assessed: of changed requirements that still apply.
    pub fn to_reassess(&self) -> usize {
        self.impacts
            .iter()
            .filter(|i| i.kind == ChangeKind::Changed)
            .flat_map(|i| &i.assessments)
            .filter(|a| a.still_applies)
            .count()
    }
}

/// The requirement ids that apply to each scope (`None` the organisation) under a library.
type Applicability = HashMap<Option<String>, BTreeSet<String>>;

fn applicable_ids(
    lib: &Library,
    triggers: &[tillit_domain::requirements::Trigger],
) -> BTreeSet<String> {
    lib.applicable(triggers)
        .into_iter()
        .map(|a| a.requirement.id.clone())
        .collect()
}

/// The upgrade on offer, in brief: the versions, how many requirements changed or were added,
/// and how many of the organisation's assessments concern a changed or removed requirement.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeOffer {
    pub from: String,
    pub to: String,
    pub changed: usize,
    pub added: usize,
    pub assessments_touched: usize,
}

/// The upgrade on offer without working out each scope's requirements (for the catalog page);
/// `None` when the organisation is on the newest version.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn upgrade_offer(app: &App, who: &Acting) -> Result<Option<UpgradeOffer>> {
    who.require(Permission::ViewRegisters)?;
    let org = app.store.organisation(who.tenant()).await?;
    let to = app.catalogs.latest().clone();
    if org.catalog_version == to.key {
        return Ok(None);
    }
    let from = app.catalogs.for_org(&org.catalog_version).clone();
    let d = diff(&from, &to);
    let changed: Vec<&str> = d
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Added && c.material)
        .map(|c| c.id.as_str())
        .collect();
    let touched = usize::try_from(
        app.store
            .count_assessments_of(who.tenant(), &changed)
            .await?,
    )
    .unwrap_or(0);
    Ok(Some(UpgradeOffer {
        changed: d.count(ChangeKind::Changed),
        added: d.count(ChangeKind::Added),
        from: from.key.clone(),
        to: to.key.clone(),
        assessments_touched: touched,
    }))
}

/// The plan of the upgrade from the organisation's version to the newest; `None` when it is on
/// the newest already.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn upgrade_plan(app: &App, who: &Acting) -> Result<Option<UpgradePlan>> {
    who.require(Permission::ViewRegisters)?;
    let t = who.tenant();
    let org = app.store.organisation(t).await?;
    let to = app.catalogs.latest().clone();
    if org.catalog_version == to.key {
        return Ok(None);
    }
    let from = app.catalogs.for_org(&org.catalog_version).clone();
    let d = diff(&from, &to);
    // Which requirements apply to each scope before and after.
    let mut names: HashMap<Option<String>, Option<String>> = HashMap::new();
    let mut before: Applicability = HashMap::new();
    let mut after: Applicability = HashMap::new();
    let org_t = organisation_triggers(&org.facts);
    before.insert(None, applicable_ids(&from, &org_t));
    after.insert(None, applicable_ids(&to, &org_t));
    names.insert(None, None);
    // Every system with its assets, 200 at a time (the assets of a page in one query).
    let every = tillit_store::SystemQuery::default();
    let systems = crate::all_pages(|page| app.store.list_systems_by(t, &every, page)).await?;
    for sys in systems {
        let trig = system_triggers(&sys, &org.facts);
        let id = sys.id.to_string();
        before.insert(Some(id.clone()), applicable_ids(&from, &trig));
        after.insert(Some(id.clone()), applicable_ids(&to, &trig));
        names.insert(Some(id), Some(sys.input.name));
    }
    let assessments = app.store.all_assessments(t).await?;
    let evidence = app.store.evidence_counts(t).await?;
    let measures = app.store.requirement_measures(t).await?;
    let mut impacts: Vec<Impact> = Vec::new();
    let mut carried_over = 0;
    for c in d.changes.iter().filter(|c| c.kind != ChangeKind::Added) {
        let touched: Vec<TouchedAssessment> = assessments
            .iter()
            .filter(|a| a.requirement_id == c.id)
            .map(|a| TouchedAssessment {
                system_name: names.get(&a.system_id).cloned().flatten(),
                system_id: a.system_id.clone(),
                status: a.status,
                evidence: evidence.get(&a.id).copied().unwrap_or(0),
                still_applies: after
                    .get(&a.system_id)
                    .is_some_and(|ids| ids.contains(&c.id)),
            })
            .collect();
        let ms: Vec<RequirementMeasure> = measures
            .iter()
            .filter(|m| m.requirement_id == c.id)
            .cloned()
            .collect();
        if !touched.is_empty() || !ms.is_empty() {
            impacts.push(Impact {
                requirement_id: c.id.clone(),
                kind: c.kind,
                assessments: touched,
                measures: ms,
            });
        }
    }
    for a in &assessments {
        if d.change(&a.requirement_id).is_none_or(|c| !c.material) {
            carried_over += 1;
        }
    }
    let assessed: BTreeSet<(Option<String>, String)> = assessments
        .iter()
        .map(|a| (a.system_id.clone(), a.requirement_id.clone()))
        .collect();
    let mut newly_applicable = Vec::new();
    let mut scopes: Vec<&Option<String>> = after.keys().collect();
    scopes.sort_by_key(|s| (s.is_some(), names.get(*s).cloned().flatten()));
    for scope in scopes {
        let old = before.get(scope).cloned().unwrap_or_default();
        for id in &after[scope] {
            if !old.contains(id) && !assessed.contains(&(scope.clone(), id.clone())) {
                newly_applicable.push(NewlyApplicable {
                    system_id: scope.clone(),
                    system_name: names.get(scope).cloned().flatten(),
                    requirement_id: id.clone(),
                });
            }
        }
    }
    Ok(Some(UpgradePlan {
        from: from.key.clone(),
        to: to.key.clone(),
        diff: d,
        impacts,
        newly_applicable,
        carried_over,
    }))
}

/// What an upgrade did.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeOutcome {
    pub from: String,
    pub to: String,
    pub to_reassess: usize,
    pub to_assess: usize,
    pub carried_over: usize,
}

/// Moves the organisation to the newest version. Assessments of unchanged requirements carry
/// over; those of changed requirements are kept and marked for re-assessment; requirements that
/// newly apply are listed as not yet assessed. `expected_from` is the version the person saw the
/// plan for: if the organisation has moved since, nothing happens.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn upgrade(app: &App, who: &Acting, expected_from: &str) -> Result<UpgradeOutcome> {
    who.require(Permission::UpgradeCatalog)?;
    let plan = upgrade_plan(app, who).await?.ok_or(Error::NotFound)?;
    if plan.from != expected_from {
        return Err(
            tillit_domain::ValidationErrors::from(tillit_domain::ValidationError::new(
                "catalog_version",
                tillit_domain::Rule::Mismatch,
            ))
            .into(),
        );
    }
    let mut items: Vec<NewReassessment<'_>> = Vec::new();
    for i in plan
        .impacts
        .iter()
        .filter(|i| i.kind == ChangeKind::Changed)
    {
        for a in i.assessments.iter().filter(|a| a.still_applies) {
            items.push(NewReassessment {
                system_id: a.system_id.as_deref(),
                requirement_id: &i.requirement_id,
                reason: ReassessReason::Changed,
            });
        }
    }
    let to_reassess = items.len();
    for n in &plan.newly_applicable {
        items.push(NewReassessment {
            system_id: n.system_id.as_deref(),
            requirement_id: &n.requirement_id,
            reason: ReassessReason::Added,
        });
    }
    app.store
        .upgrade_catalog(who.tenant(), &who.actor(), &plan.from, &plan.to, &items)
        .await?;
    Ok(UpgradeOutcome {
        from: plan.from.clone(),
        to: plan.to.clone(),
        to_reassess,
        to_assess: plan.newly_applicable.len(),
        carried_over: plan.carried_over,
    })
}

/// What the organisation's upgrades ask to be assessed and is not yet, a page at a time.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn reassessments(
    app: &App,
    who: &Acting,
    page: tillit_domain::paging::PageRequest,
) -> Result<tillit_domain::paging::Page<Reassessment>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.reassessments(who.tenant(), page).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Catalogs;

    #[test]
    fn the_diff_of_a_version_with_itself_is_empty_and_v1_to_v2_names_the_corrections() {
        let c = Catalogs::builtin().unwrap();
        let (v1, v2) = (c.get("1").unwrap(), c.get("2").unwrap());
        let same = diff(v2, v2);
        assert!(same.changes.is_empty());
        assert_eq!(same.unchanged, v2.requirements.len());
        let d = diff(v1, v2);
        // log-2: "fortlöpande" became "återkommande", marked word by word.
        let log2 = d.change("log-2").expect("log-2 changed");
        assert_eq!(log2.kind, ChangeKind::Changed);
        let title = log2
            .fields
            .iter()
            .find(|f| f.field == "title" && f.lang == Some("sv"))
            .unwrap();
        assert!(title
            .pieces
            .iter()
            .any(|p| matches!(p, Piece::Removed(w) if w.contains("fortlöpande"))));
        assert!(title
            .pieces
            .iter()
            .any(|p| matches!(p, Piece::Added(w) if w.contains("återkommande"))));
        // New requirements are added; every v1 id is either kept or listed as removed.
        assert!(
            d.count(ChangeKind::Added) >= 18,
            "{}",
            d.count(ChangeKind::Added)
        );
        for r in &v1.requirements {
            assert!(v2.requirement(&r.id).is_some() || d.change(&r.id).is_some());
        }
        // Reversed, added and removed swap.
        let back = diff(v2, v1);
        assert_eq!(back.count(ChangeKind::Removed), d.count(ChangeKind::Added));
        assert_eq!(back.count(ChangeKind::Added), d.count(ChangeKind::Removed));
    }
}

//! The requirement library: Tillit's own OSCAL catalog for Swedish health and social care and its
//! profiles (`catalogs/tillit-vard-omsorg/v*/`), built into the binary, every version kept. At
//! start every profile of every version is resolved with `tillit-oscal`, so the requirements that
//! apply to a system are the union of the resolved profiles it triggers, each with the triggers that
//! brought it in. An organisation works against one version ([`Catalogs::get`]). Any directory in
//! the same shape loads the same way ([`Library::load`]), so a catalog need not come from Tillit.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tillit_domain::requirements::Trigger;
use tillit_oscal::model::{Catalog, Control, Document, Part, Property};
use tillit_oscal::resolve::{control_ids, resolve_profile_file, ResolveOptions};

/// The namespace of Tillit's own properties and parts in the catalog.
pub const NS: &str = "https://tillit.se/ns/oscal";

/// Tillit's own catalog, every version (`v1/`, `v2/`, …), each a directory with `catalog.json` and
/// `profiles/`.
static BUILTIN: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/../../catalogs/tillit-vard-omsorg");

/// The version new organisations start on and older ones are offered.
pub const LATEST: &str = "2";

/// The built-in catalog of one version as it is written (OSCAL JSON); `None` for no such version.
pub fn builtin_catalog_json(key: &str) -> Option<&'static [u8]> {
    BUILTIN
        .get_file(format!("v{key}/catalog.json"))
        .map(|f| f.contents())
}

/// The built-in catalog of one version, read.
pub fn builtin_catalog(key: &str) -> Option<Catalog> {
    match tillit_oscal::read_document(
        builtin_catalog_json(key)?,
        tillit_oscal::Format::Json,
        "catalog.json",
    ) {
        Ok(Document::Catalog(c)) => Some(c),
        _ => None,
    }
}

/// One requirement of the catalog, in both languages.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub id: String,
    pub label: String,
    pub area: String,
    pub title: [String; 2],
    pub statement: [String; 2],
    pub guidance: [String; 2],
    /// The provisions it derives from, as cited in the catalog.
    pub provisions: Vec<String>,
    /// ISO/IEC 27002:2022 control numbers (numbers only).
    pub iso: Vec<String>,
    /// ISO/IEC 27001:2022 clause numbers (numbers only).
    pub iso27001: Vec<String>,
    /// The parameters the statement refers to, each `(id, label, values)`.
    pub params: Vec<Param>,
}

/// A parameter of a requirement: a value the organisation's practice fills in (an interval).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub id: String,
    pub label: String,
    pub values: Vec<String>,
}

impl Requirement {
    /// Index 0 is Swedish, 1 English.
    fn idx(lang: &str) -> usize {
        usize::from(lang == "en")
    }
    pub fn title(&self, lang: &str) -> &str {
        &self.title[Self::idx(lang)]
    }
    /// The statement with its parameters filled in (their values, or their label in brackets).
    pub fn statement(&self, lang: &str) -> String {
        let mut text = self.statement[Self::idx(lang)].clone();
        for p in &self.params {
            let value = if p.values.is_empty() {
                format!("[{}]", p.label)
            } else {
                p.values.join(", ")
            };
            for pattern in [
                format!("{{{{ insert: param, {} }}}}", p.id),
                format!("{{{{insert: param, {}}}}}", p.id),
            ] {
                text = text.replace(&pattern, &value);
            }
        }
        text
    }
    pub fn guidance(&self, lang: &str) -> &str {
        &self.guidance[Self::idx(lang)]
    }
}

/// A requirement area (a group of the catalog).
#[derive(Debug, Clone)]
pub struct Area {
    pub id: String,
    pub title: [String; 2],
}

impl Area {
    pub fn title(&self, lang: &str) -> &str {
        &self.title[Requirement::idx(lang)]
    }
}

/// A requirement that applies, with every trigger that selected it.
#[derive(Debug, Clone)]
pub struct Applicable<'a> {
    pub requirement: &'a Requirement,
    pub reasons: Vec<Trigger>,
}

pub struct Library {
    /// The version an organisation names (`1`, `2`, …): the directory `v1`, `v2`.
    pub key: String,
    pub title: String,
    /// The catalog's own version (metadata).
    pub version: String,
    pub last_modified: String,
    pub remarks: String,
    pub areas: Vec<Area>,
    /// In catalog order.
    pub requirements: Vec<Requirement>,
    index: HashMap<String, usize>,
    /// Profile name → indexes of the requirements its resolution selects.
    profiles: HashMap<String, Vec<usize>>,
}

fn prop<'a>(props: &'a [Property], name: &str) -> impl Iterator<Item = &'a str> + 'a {
    let name = name.to_string();
    props
        .iter()
        .filter(move |p| p.name == name)
        .map(|p| p.value.as_str())
}

fn prose(parts: &[Part], name: &str) -> String {
    parts
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.prose.clone())
        .unwrap_or_default()
}

fn requirement(c: &Control, area: &str) -> Requirement {
    let title_en = prop(&c.props, "title-en")
        .next()
        .unwrap_or(&c.title)
        .to_string();
    Requirement {
        id: c.id.clone(),
        label: prop(&c.props, "label").next().unwrap_or(&c.id).to_string(),
        area: area.to_string(),
        title: [c.title.clone(), title_en],
        statement: [
            prose(&c.parts, "statement"),
            prose(&c.parts, "statement-en"),
        ],
        guidance: [prose(&c.parts, "guidance"), prose(&c.parts, "guidance-en")],
        provisions: prop(&c.props, "provision").map(str::to_string).collect(),
        iso: prop(&c.props, "iso-iec-27002-2022")
            .map(str::to_string)
            .collect(),
        iso27001: prop(&c.props, "iso-iec-27001-2022")
            .map(str::to_string)
            .collect(),
        params: c
            .params
            .iter()
            .map(|p| Param {
                id: p.id.clone(),
                label: p.label.clone().unwrap_or_default(),
                values: p.values.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

/// Every version of a catalog, oldest first.
pub struct Catalogs {
    versions: Vec<Arc<Library>>,
}

impl Catalogs {
    /// Tillit's own catalog, every version built into the binary. The files are written to a
    /// private temporary directory for the resolver (which reads imports from files) and removed
    /// afterwards.
    pub fn builtin() -> Result<Catalogs, String> {
        let dir = std::env::temp_dir().join(format!(
            "tillit-library-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        let result = BUILTIN
            .extract(&dir)
            .map_err(|e| format!("requirement library: {e}"))
            .and_then(|()| Self::load(&dir));
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    /// Loads every version under a directory: each subdirectory `v<N>` is version `N`.
    pub fn load(root: &Path) -> Result<Catalogs, String> {
        let mut versions = Vec::new();
        let entries = std::fs::read_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name().to_string_lossy().to_string();
            let Some(key) = name.strip_prefix('v') else {
                continue;
            };
            if key.parse::<u32>().is_err() || !entry.path().is_dir() {
                continue;
            }
            let mut lib = Library::load(&entry.path())?;
            lib.key = key.to_string();
            versions.push(Arc::new(lib));
        }
        versions.sort_by_key(|l| l.key.parse::<u32>().unwrap_or(0));
        if versions.is_empty() {
            return Err(format!(
                "{}: no catalog version (v1/, v2/, …)",
                root.display()
            ));
        }
        Ok(Catalogs { versions })
    }

    /// One version; `None` when there is no such version.
    pub fn get(&self, key: &str) -> Option<&Arc<Library>> {
        self.versions.iter().find(|l| l.key == key)
    }

    /// The newest version.
    pub fn latest(&self) -> &Arc<Library> {
        // `load` refuses an empty set.
        &self.versions[self.versions.len() - 1]
    }

    /// Every version, oldest first.
    pub fn all(&self) -> &[Arc<Library>] {
        &self.versions
    }

    /// The version an organisation works against, or the newest when it names none known.
    pub fn for_org(&self, key: &str) -> &Arc<Library> {
        self.get(key).unwrap_or_else(|| self.latest())
    }
}

impl Library {
    /// Loads a library directory (`catalog.json` and `profiles/NAME.json`).
    pub fn load(dir: &Path) -> Result<Library, String> {
        let catalog: Catalog = match tillit_oscal::io::read_document_file(&dir.join("catalog.json"))
            .map_err(|e| e.to_string())?
        {
            Document::Catalog(c) => c,
            other => return Err(format!("catalog.json is a {}", other.model_name())),
        };
        let mut areas = Vec::new();
        let mut requirements = Vec::new();
        for g in &catalog.groups {
            let id = g.id.clone().unwrap_or_default();
            let en = prop(&g.props, "title-en")
                .next()
                .unwrap_or(&g.title)
                .to_string();
            areas.push(Area {
                id: id.clone(),
                title: [g.title.clone(), en],
            });
            for c in &g.controls {
                requirements.push(requirement(c, &id));
            }
        }
        let index: HashMap<String, usize> = requirements
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let mut profiles = HashMap::new();
        for t in Trigger::all() {
            let name = t.profile();
            let path = dir.join("profiles").join(format!("{name}.json"));
            // A version need not have every profile: an older one lacks the newer triggers'.
            if !path.exists() {
                continue;
            }
            let resolved = resolve_profile_file(&path, &ResolveOptions::default())
                .map_err(|e| format!("profile {name}: {e}"))?;
            let mut selected = Vec::new();
            for id in control_ids(&resolved) {
                let i = index
                    .get(&id)
                    .ok_or_else(|| format!("profile {name}: {id} is not in the catalog"))?;
                selected.push(*i);
            }
            profiles.insert(name, selected);
        }
        Ok(Library {
            key: catalog.metadata.version.clone(),
            title: catalog.metadata.title.clone(),
            version: catalog.metadata.version.clone(),
            last_modified: catalog.metadata.last_modified.clone(),
            remarks: catalog.metadata.remarks.clone().unwrap_or_default(),
            areas,
            requirements,
            index,
            profiles,
        })
    }

    /// Whether the library has a profile for the trigger.
    pub fn has_profile(&self, t: &Trigger) -> bool {
        self.profiles.contains_key(&t.profile())
    }

    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.index.get(id).map(|i| &self.requirements[*i])
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// Why one requirement applies under these triggers; `None` when it does not apply.
    pub fn reasons(&self, triggers: &[Trigger], requirement_id: &str) -> Option<Vec<Trigger>> {
        let i = *self.index.get(requirement_id)?;
        let reasons: Vec<Trigger> = triggers
            .iter()
            .filter(|t| {
                self.profiles
                    .get(&t.profile())
                    .is_some_and(|p| p.contains(&i))
            })
            .copied()
            .collect();
        (!reasons.is_empty()).then_some(reasons)
    }

    /// The requirements the triggers select, in catalog order, each with its reasons.
    pub fn applicable(&self, triggers: &[Trigger]) -> Vec<Applicable<'_>> {
        let mut reasons: Vec<Vec<Trigger>> = vec![Vec::new(); self.requirements.len()];
        for t in triggers {
            for i in self.profiles.get(&t.profile()).into_iter().flatten() {
                if !reasons[*i].contains(t) {
                    reasons[*i].push(*t);
                }
            }
        }
        self.requirements
            .iter()
            .zip(reasons)
            .filter(|(_, r)| !r.is_empty())
            .map(|(requirement, reasons)| Applicable {
                requirement,
                reasons,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tillit_domain::requirements::AspectKey;

    fn latest() -> Arc<Library> {
        Catalogs::builtin().unwrap().latest().clone()
    }

    fn ids(lib: &Library, t: &[Trigger]) -> Vec<String> {
        lib.applicable(t)
            .into_iter()
            .map(|a| a.requirement.id.clone())
            .collect()
    }

    #[test]
    fn every_version_is_built_in_and_the_newest_is_the_one_new_organisations_get() {
        let c = Catalogs::builtin().unwrap();
        let keys: Vec<&str> = c.all().iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys, vec!["1", "2"]);
        assert_eq!(c.latest().key, LATEST);
        assert_eq!(c.get("1").unwrap().requirements.len(), 50);
        // An unknown version falls back to the newest; `get` says there is none.
        assert!(c.get("9").is_none());
        assert_eq!(c.for_org("9").key, LATEST);
    }

    #[test]
    fn the_built_in_library_resolves_and_every_requirement_is_reachable() {
        let lib = latest();
        assert!(lib.requirements.len() >= 65, "{}", lib.requirements.len());
        for t in Trigger::all() {
            assert!(lib.has_profile(&t), "no profile {}", t.profile());
        }
        let all = ids(&lib, &Trigger::all());
        assert_eq!(
            all.len(),
            lib.requirements.len(),
            "a requirement no profile selects"
        );
        for r in &lib.requirements {
            assert!(!r.provisions.is_empty(), "{} cites no provision", r.id);
            for lang in ["sv", "en"] {
                assert!(
                    !r.statement(lang).is_empty() && !r.guidance(lang).is_empty(),
                    "{} {lang}",
                    r.id
                );
                assert!(!r.statement(lang).contains("{{"), "{} {lang}", r.id);
            }
        }
    }

    #[test]
    fn the_reasons_of_one_requirement_are_those_the_full_list_gives() {
        let lib = latest();
        let triggers = [Trigger::Baseline, Trigger::HealthData, Trigger::Outsourced];
        let all = lib.applicable(&triggers);
        for r in &lib.requirements {
            let expected = all
                .iter()
                .find(|a| a.requirement.id == r.id)
                .map(|a| a.reasons.clone());
            assert_eq!(lib.reasons(&triggers, &r.id), expected, "{}", r.id);
        }
        assert_eq!(lib.reasons(&triggers, "no-such"), None);
    }

    #[test]
    fn a_higher_level_includes_the_requirements_of_the_levels_below() {
        let lib = latest();
        for aspect in [
            AspectKey::Confidentiality,
            AspectKey::Integrity,
            AspectKey::Availability,
            AspectKey::Traceability,
        ] {
            let at = |level| ids(&lib, &[Trigger::Aspect { aspect, level }]);
            for level in 2..=4 {
                let lower = at(level - 1);
                let higher = at(level);
                assert!(
                    lower.iter().all(|id| higher.contains(id)),
                    "{aspect:?} {level}"
                );
            }
        }
    }

    #[test]
    fn health_data_selects_the_needs_and_risk_analysis_citing_both_provisions() {
        let lib = latest();
        let app = lib.applicable(&[Trigger::Baseline, Trigger::HealthData]);
        let needs = app.iter().find(|a| a.requirement.id == "beh-2").unwrap();
        assert_eq!(needs.reasons, vec![Trigger::HealthData]);
        for p in [
            "4 kap. 2 § patientdatalagen (2008:355)",
            "4 kap. 2 § HSLF-FS 2016:40",
        ] {
            assert!(needs.requirement.provisions.iter().any(|x| x == p), "{p}");
        }
        assert!(!ids(&lib, &[Trigger::Baseline]).contains(&"beh-2".to_string()));
    }

    /// The provisions domain-facts writes, exactly as it writes them. A requirement may cite
    /// nothing else, so no new requirement can cite an invented section.
    const KNOWN: &[&str] = &[
        "GDPR art. 5.1 f",
        "GDPR art. 6",
        "GDPR art. 9.2 h",
        "GDPR art. 9.3",
        "GDPR art. 10",
        "GDPR art. 24",
        "GDPR art. 25",
        "GDPR art. 28",
        "GDPR art. 30",
        "GDPR art. 32",
        "GDPR art. 33",
        "GDPR art. 34",
        "GDPR art. 35",
        "GDPR art. 36",
        "GDPR art. 37",
        "GDPR art. 38",
        "GDPR art. 39",
        "GDPR art. 44",
        "GDPR kapitel V (art. 44–50)",
        "2 kap. patientdatalagen (2008:355)",
        "4 kap. 1 § patientdatalagen (2008:355)",
        "4 kap. 2 § patientdatalagen (2008:355)",
        "4 kap. 3 § patientdatalagen (2008:355)",
        "4 kap. 4 § patientdatalagen (2008:355)",
        "4 kap. patientdatalagen (2008:355)",
        "6 kap. patientdatalagen (2008:355)",
        "Patientdatalagen (2008:355)",
        "HSLF-FS 2016:40",
        "4 kap. 2 § HSLF-FS 2016:40",
        "4 kap. 9 a § HSLF-FS 2016:40",
        "HSLF-FS 2017:40",
        "SOSFS 2011:9",
        "10 kap. 2 a § OSL",
        "25 kap. 1 § OSL",
        "26 kap. 1 § OSL",
        "Lag (2020:914) om tystnadsplikt vid utkontraktering av teknisk bearbetning eller lagring av uppgifter",
        "3 kap. 5 § patientsäkerhetslagen (2010:659)",
        "6 kap. 12 § patientsäkerhetslagen (2010:659)",
        "Socialtjänstlagen (2025:400)",
        "29 § LSS",
        "LSS",
        "Cybersäkerhetslag (2025:1506)",
        "2 kap. 2 § cybersäkerhetslagen (2025:1506)",
        "2 kap. 5–8 §§ cybersäkerhetslagen (2025:1506)",
        "5 § cybersäkerhetsförordningen (2025:1507)",
        "6 § cybersäkerhetsförordningen (2025:1507)",
        "NIS2 art. 20",
        "NIS2 art. 21",
        "NIS2 art. 23",
        "1 kap. 1 § säkerhetsskyddslagen (2018:585)",
        "2 kap. 1 § säkerhetsskyddslagen (2018:585)",
        "Säkerhetsskyddslagen (2018:585)",
    ];

    #[test]
    fn every_provision_is_one_the_domain_facts_name() {
        let lib = latest();
        for r in &lib.requirements {
            for p in &r.provisions {
                assert!(KNOWN.contains(&p.as_str()), "{}: {p}", r.id);
            }
        }
    }

    fn texts(r: &Requirement) -> Vec<String> {
        let mut t = r.title.to_vec();
        t.extend(r.statement.iter().cloned());
        t.extend(r.guidance.iter().cloned());
        t
    }

    /// The errors a lawyer found in version 1, each refused in the newest version.
    #[test]
    fn the_errors_found_in_version_one_are_corrected() {
        let lib = latest();
        let req = |id: &str| lib.requirement(id).unwrap_or_else(|| panic!("{id}"));
        // 1. PDL 4 kap. 3 §: systematic and *recurring* checks, never "continuous".
        for r in lib.requirements.iter().filter(|r| {
            r.provisions
                .iter()
                .any(|p| p == "4 kap. 3 § patientdatalagen (2008:355)")
        }) {
            for t in texts(r) {
                let t = t.to_lowercase();
                assert!(
                    !t.contains("fortlöpande") && !t.contains("continuous"),
                    "{}: {t}",
                    r.id
                );
            }
        }
        assert!(req("log-2").title[0].contains("återkommande"));
        assert!(req("log-2").title[1].to_lowercase().contains("recurring"));
        // 2. The needs-and-risk analysis cites both PDL 4:2 and HSLF-FS 2016:40 4:2.
        for id in ["beh-2", "beh-6"] {
            assert!(req(id)
                .provisions
                .contains(&"4 kap. 2 § HSLF-FS 2016:40".to_string()));
        }
        // 3. PDL 4 kap. 1 §: staff in health care; no "hen".
        assert!(req("beh-1").statement[0].contains("hälso- och sjukvården"));
        for r in &lib.requirements {
            for t in texts(r) {
                assert!(
                    !t.split(|c: char| !c.is_alphanumeric()).any(|w| w == "hen"),
                    "{}",
                    r.id
                );
            }
        }
        // 4. Log content includes the actions taken; no retention period is stated.
        let log3 = req("log-3");
        assert!(
            log3.statement[0].contains("åtgärd"),
            "{}",
            log3.statement[0]
        );
        for t in texts(log3) {
            assert!(!t.contains(" år") && !t.contains("years"), "{t}");
        }
        // 5. Strong authentication cites the regulation, not a guessed section.
        assert!(req("beh-4")
            .provisions
            .iter()
            .all(|p| !p.contains("§") || !p.contains("HSLF-FS")));
        // 6. The Cybersecurity Act's final report: one month after the incident notification.
        let inc4 = req("inc-4");
        assert!(
            inc4.statement[0].contains("en månad"),
            "{}",
            inc4.statement[0]
        );
        assert!(inc4.statement[0].contains("24"));
        assert!(inc4.statement[0].contains("72"));
        // 8. Art. 30's Swedish term.
        assert!(req("sty-2").title[0].contains("Register över behandling"));
        // 9 and 10. No MSB-era model names, no risk-assessment control of ISO/IEC 27002.
        assert!(req("sty-4").iso.is_empty());
        assert_eq!(req("sty-4").iso27001, vec!["6.1.2", "8.2"]);
        for r in &lib.requirements {
            for n in &r.iso {
                let (major, minor) = n.split_once('.').unwrap_or(("", ""));
                let max = match major {
                    "5" => 37,
                    "6" => 8,
                    "7" => 14,
                    "8" => 34,
                    _ => 0,
                };
                let minor: u32 = minor.parse().unwrap_or(0);
                assert!((1..=max).contains(&minor), "{}: ISO/IEC 27002 {n}", r.id);
            }
            for t in texts(r) {
                assert!(!t.contains("MSB:s modell") && !t.contains("MSB's model"));
            }
        }
        // NIS2 duties are cited only by what binds covered organisations.
        let cyber = ids(
            &lib,
            &[
                Trigger::CybersecurityAct,
                Trigger::CybersecurityActOrganisation,
            ],
        );
        for r in &lib.requirements {
            if r.provisions
                .iter()
                .any(|p| p.starts_with("NIS2") || p.contains("ybersäkerhetslag"))
            {
                assert!(
                    cyber.contains(&r.id),
                    "{} cites NIS2 outside its profile",
                    r.id
                );
            }
        }
    }

    #[test]
    fn osl_requirements_bind_public_bodies_and_psl_binds_private_health_care() {
        let lib = latest();
        let osl: Vec<String> = lib
            .requirements
            .iter()
            .filter(|r| r.provisions.iter().any(|p| p.contains("OSL")))
            .map(|r| r.id.clone())
            .collect();
        assert!(osl.len() >= 4);
        // Every trigger of a private provider's system with patient data, run by a supplier.
        let private = [
            Trigger::Baseline,
            Trigger::HealthData,
            Trigger::PslHealth,
            Trigger::SocialCare,
            Trigger::PrivateSocialCare,
            Trigger::SpecialCategories,
            Trigger::Outsourced,
            Trigger::OutsourcedPrivate,
        ];
        let got = ids(&lib, &private);
        for id in &osl {
            assert!(
                !got.contains(id),
                "{id} (OSL) applies to a private provider"
            );
        }
        assert!(got.contains(&"sek-4".to_string()));
        let public = [
            Trigger::Baseline,
            Trigger::HealthData,
            Trigger::OslHealth,
            Trigger::Outsourced,
            Trigger::OutsourcedPublic,
        ];
        let got = ids(&lib, &public);
        for id in ["sek-1", "sek-3", "lev-2", "lev-3"] {
            assert!(got.contains(&id.to_string()), "{id}");
        }
        assert!(!got.contains(&"sek-4".to_string()));
    }

    #[test]
    fn parameters_are_filled_into_the_statement() {
        let mut r = latest().requirements[0].clone();
        r.statement[0] = "Var {{ insert: param, x-1 }} ska det göras.".into();
        r.params = vec![Param {
            id: "x-1".into(),
            label: "intervall".into(),
            values: vec!["tolfte månad".into()],
        }];
        assert_eq!(r.statement("sv"), "Var tolfte månad ska det göras.");
        r.params[0].values.clear();
        assert_eq!(r.statement("sv"), "Var [intervall] ska det göras.");
    }
}

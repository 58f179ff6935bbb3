//! The requirement library: Tillit's own OSCAL catalog for Swedish health and social care and its
//! profiles (`catalogs/tillit-vard-omsorg/`), built into the binary. At start every profile is
//! resolved with `tillit-oscal`, so the requirements that apply to a system are the union of the
//! resolved profiles it triggers, each with the triggers that brought it in.

use std::collections::HashMap;
use std::path::Path;
use tillit_domain::requirements::Trigger;
use tillit_oscal::model::{Catalog, Control, Document, Part, Property};
use tillit_oscal::resolve::{control_ids, resolve_profile_file, ResolveOptions};

/// The namespace of Tillit's own properties and parts in the catalog.
pub const NS: &str = "https://tillit.se/ns/oscal";

const CATALOG: &str = include_str!("../../../catalogs/tillit-vard-omsorg/catalog.json");
const PROFILES: &[(&str, &str)] = &[
    (
        "profiles/availability-1.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/availability-1.json"),
    ),
    (
        "profiles/availability-2.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/availability-2.json"),
    ),
    (
        "profiles/availability-3.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/availability-3.json"),
    ),
    (
        "profiles/availability-4.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/availability-4.json"),
    ),
    (
        "profiles/baseline.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/baseline.json"),
    ),
    (
        "profiles/confidentiality-1.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/confidentiality-1.json"),
    ),
    (
        "profiles/confidentiality-2.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/confidentiality-2.json"),
    ),
    (
        "profiles/confidentiality-3.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/confidentiality-3.json"),
    ),
    (
        "profiles/confidentiality-4.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/confidentiality-4.json"),
    ),
    (
        "profiles/cybersecurity-act.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/cybersecurity-act.json"),
    ),
    (
        "profiles/health-data.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/health-data.json"),
    ),
    (
        "profiles/integrity-1.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/integrity-1.json"),
    ),
    (
        "profiles/integrity-2.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/integrity-2.json"),
    ),
    (
        "profiles/integrity-3.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/integrity-3.json"),
    ),
    (
        "profiles/integrity-4.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/integrity-4.json"),
    ),
    (
        "profiles/outsourced.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/outsourced.json"),
    ),
    (
        "profiles/public-cloud.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/public-cloud.json"),
    ),
    (
        "profiles/social-care.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/social-care.json"),
    ),
    (
        "profiles/special-categories.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/special-categories.json"),
    ),
    (
        "profiles/third-country.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/third-country.json"),
    ),
    (
        "profiles/traceability-1.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/traceability-1.json"),
    ),
    (
        "profiles/traceability-2.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/traceability-2.json"),
    ),
    (
        "profiles/traceability-3.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/traceability-3.json"),
    ),
    (
        "profiles/traceability-4.json",
        include_str!("../../../catalogs/tillit-vard-omsorg/profiles/traceability-4.json"),
    ),
];

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
}

impl Requirement {
    /// Index 0 is Swedish, 1 English.
    fn idx(lang: &str) -> usize {
        usize::from(lang == "en")
    }
    pub fn title(&self, lang: &str) -> &str {
        &self.title[Self::idx(lang)]
    }
    pub fn statement(&self, lang: &str) -> &str {
        &self.statement[Self::idx(lang)]
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
    pub title: String,
    pub version: String,
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
    }
}

impl Library {
    /// Reads the built-in catalog and resolves every profile a [`Trigger`] can name. The files are
    /// written to a private temporary directory for the resolver (which reads imports from files)
    /// and removed afterwards.
    pub fn builtin() -> Result<Library, String> {
        let dir = std::env::temp_dir().join(format!(
            "tillit-library-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        let result = Self::unpack_and_load(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    fn unpack_and_load(dir: &Path) -> Result<Library, String> {
        let io = |e: std::io::Error| format!("requirement library: {e}");
        std::fs::create_dir_all(dir.join("profiles")).map_err(io)?;
        std::fs::write(dir.join("catalog.json"), CATALOG).map_err(io)?;
        for (name, text) in PROFILES {
            std::fs::write(dir.join(name), text).map_err(io)?;
        }
        Self::load(dir)
    }

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
            title: catalog.metadata.title.clone(),
            version: catalog.metadata.version.clone(),
            areas,
            requirements,
            index,
            profiles,
        })
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

    fn ids(lib: &Library, t: &[Trigger]) -> Vec<String> {
        lib.applicable(t)
            .into_iter()
            .map(|a| a.requirement.id.clone())
            .collect()
    }

    #[test]
    fn the_built_in_library_resolves_and_every_requirement_is_reachable() {
        let lib = Library::builtin().unwrap();
        assert!(lib.requirements.len() >= 40);
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
            }
        }
    }

    #[test]
    fn the_reasons_of_one_requirement_are_those_the_full_list_gives() {
        let lib = Library::builtin().unwrap();
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
        let lib = Library::builtin().unwrap();
        let at = |level| {
            ids(
                &lib,
                &[Trigger::Aspect {
                    aspect: AspectKey::Confidentiality,
                    level,
                }],
            )
        };
        for level in 2..=4 {
            let lower = at(level - 1);
            let higher = at(level);
            assert!(lower.iter().all(|id| higher.contains(id)), "level {level}");
        }
        assert!(at(3).len() > at(1).len());
    }

    #[test]
    fn health_data_selects_the_patient_data_act_requirements_with_the_reason() {
        let lib = Library::builtin().unwrap();
        let app = lib.applicable(&[Trigger::Baseline, Trigger::HealthData]);
        let needs = app
            .iter()
            .find(|a| {
                a.requirement
                    .provisions
                    .iter()
                    .any(|p| p.starts_with("4 kap. 2 § patientdatalagen"))
            })
            .unwrap();
        assert_eq!(needs.reasons, vec![Trigger::HealthData]);
        assert!(!ids(&lib, &[Trigger::Baseline]).contains(&needs.requirement.id));
    }

    /// Provisions are cited only in the forms the domain facts give (no invented section numbers).
    #[test]
    fn every_provision_is_one_the_domain_facts_name() {
        const KNOWN: &[&str] = &[
            "GDPR art. 5.1 f", "GDPR art. 24", "GDPR art. 25", "GDPR art. 28", "GDPR art. 30",
            "GDPR art. 32", "GDPR art. 33", "GDPR art. 34", "GDPR art. 35",
            "GDPR kapitel V (art. 44–49)",
            "4 kap. 1 § patientdatalagen (2008:355)", "4 kap. 2 § patientdatalagen (2008:355)",
            "4 kap. 3 § patientdatalagen (2008:355)", "HSLF-FS 2016:40", "4 kap. 9 a § HSLF-FS 2016:40",
            "10 kap. 2 a § OSL", "25 kap. 1 § OSL", "26 kap. 1 § OSL",
            "Lag (2020:914) om tystnadsplikt vid utkontraktering av teknisk bearbetning eller lagring av uppgifter",
            "Cybersäkerhetslag (2025:1506)", "NIS2 art. 21", "NIS2 art. 23",
        ];
        let lib = Library::builtin().unwrap();
        for r in &lib.requirements {
            for p in &r.provisions {
                assert!(KNOWN.contains(&p.as_str()), "{}: {p}", r.id);
            }
        }
    }
}

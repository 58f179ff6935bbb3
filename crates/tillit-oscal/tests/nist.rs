//! Conformance with NIST: reading and writing NIST's files loses nothing, and resolving the
//! SP 800-53 rev 5 LOW and MODERATE profiles (imports pointed at the HIGH resolved catalog) gives
//! NIST's published resolved catalogs, ignoring uuids, timestamps and resolver-identifying props.
//! The data lives in `../shared/data/oscal` beside the repository; without it the tests say so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::PathBuf;
use tillit_oscal::{read_document_file, resolve_profile_file, Document, ResolveOptions};

fn nist_dir() -> Option<PathBuf> {
    let dir = std::env::var("TILLIT_OSCAL_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oscal")
        })
        .join("nist-sp800-53-rev5");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("NIST OSCAL data not found at {} — conformance with NIST NOT checked (set TILLIT_OSCAL_DATA)", dir.display());
        None
    }
}

fn json(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Drops what the comparison ignores, and empty arrays (absent and empty are the same in OSCAL).
fn normalise(v: &mut Value) {
    if let Some(cat) = v.get_mut("catalog").and_then(Value::as_object_mut) {
        cat.remove("uuid");
        if let Some(md) = cat.get_mut("metadata").and_then(Value::as_object_mut) {
            md.remove("last-modified");
            if let Some(Value::Array(props)) = md.get_mut("props") {
                props.retain(|p| p["name"] != "resolution-tool");
            }
            if let Some(Value::Array(links)) = md.get_mut("links") {
                links.retain(|l| l["rel"] != "source-profile");
            }
        }
    }
    fn drop_empty(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.retain(|_, x| !matches!(x, Value::Array(a) if a.is_empty()));
                m.values_mut().for_each(drop_empty);
            }
            Value::Array(a) => a.iter_mut().for_each(drop_empty),
            _ => {}
        }
    }
    drop_empty(v);
}

#[test]
fn reading_and_writing_nist_files_loses_nothing() {
    let Some(dir) = nist_dir() else { return };
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let doc = read_document_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let written: Value =
            serde_json::from_str(&tillit_oscal::write_json(&doc).unwrap()).unwrap();
        assert_eq!(
            written,
            json(&path),
            "{} changed in a round trip",
            path.display()
        );
        let yaml = tillit_oscal::write_yaml(&doc).unwrap();
        let back = tillit_oscal::read_document(yaml.as_bytes(), tillit_oscal::Format::Yaml, "yaml")
            .unwrap();
        assert_eq!(back, doc, "{} changed through YAML", path.display());
        n += 1;
    }
    assert_eq!(n, 8, "all eight NIST files read");
}

fn resolves_like_nist(level: &str) {
    let Some(dir) = nist_dir() else { return };
    // The profile imports the full catalog by a path that is not here; point it at the HIGH
    // resolved catalog, which holds every control LOW and MODERATE select (see the data README).
    let tmp = std::env::temp_dir().join(format!("tillit-oscal-{level}-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut profile = json(&dir.join(format!("NIST_SP-800-53_rev5_{level}-baseline_profile.json")));
    let high = dir.join("NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json");
    profile["profile"]["back-matter"]["resources"][0]["rlinks"] = serde_json::json!([{"href": high.display().to_string(), "media-type": "application/oscal.catalog+json"}]);
    let profile_path = tmp.join(format!("NIST_SP-800-53_rev5_{level}-baseline_profile.json"));
    std::fs::write(&profile_path, profile.to_string()).unwrap();

    let resolved = resolve_profile_file(&profile_path, &ResolveOptions::default()).unwrap();
    let mut ours = serde_json::to_value(Document::Catalog(resolved)).unwrap();
    let mut theirs = json(&dir.join(format!(
        "NIST_SP-800-53_rev5_{level}-baseline-resolved-profile_catalog.json"
    )));
    normalise(&mut ours);
    normalise(&mut theirs);
    let ids = |v: &Value| -> Vec<String> {
        v["catalog"]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["controls"].as_array().unwrap().iter())
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&ours),
        ids(&theirs),
        "{level}: the same top-level controls in the same order"
    );
    assert!(
        ids(&ours).len() > 100,
        "{level}: a real baseline was resolved ({} controls)",
        ids(&ours).len()
    );
    for key in ["metadata", "groups", "back-matter"] {
        assert_eq!(
            ours["catalog"][key], theirs["catalog"][key],
            "{level}: {key} differs"
        );
    }
    assert_eq!(ours, theirs, "{level}: the whole resolved catalog");
    let _ = std::fs::remove_dir_all(tmp);
}

#[test]
fn low_baseline_resolves_like_nist() {
    resolves_like_nist("LOW");
}

#[test]
fn moderate_baseline_resolves_like_nist() {
    resolves_like_nist("MODERATE");
}

fn official_schema() -> Option<tillit_oscal::schema::Schema> {
    let path = nist_dir()?
        .parent()?
        .join("schema/oscal_complete_schema-1.2.2.json");
    Some(tillit_oscal::schema::Schema::compile(&json(&path)).unwrap())
}

#[test]
fn every_document_tillit_writes_validates_against_the_official_schema() {
    let (Some(schema), Some(dir)) = (official_schema(), nist_dir()) else {
        return;
    };
    // Resolutions of Tillit's own catalog with the features that change structure.
    let small =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small-catalog.json");
    let tmp = std::env::temp_dir().join(format!("tillit-oscal-schema-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let profiles = [
        serde_json::json!({"as-is": true}),
        serde_json::json!({"flat": {}}),
        serde_json::json!({"custom": {"groups": [{"id": "x", "title": "X", "insert-controls": [{"include-all": {}}]}]}}),
    ];
    let mut written = vec![];
    for (i, merge) in profiles.iter().enumerate() {
        let p = serde_json::json!({"profile": {
            "uuid": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
            "metadata": {"title": "T", "last-modified": "2026-11-22T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
            "imports": [{"href": small.display().to_string(), "include-all": {}}],
            "merge": merge,
            "modify": {"set-parameters": [{"param-id": "a-1_prm_1", "values": ["årligen"]}],
                       "alters": [{"control-id": "a-2", "adds": [{"parts": [{"id": "a-2_gdn", "name": "guidance", "prose": "Svensk vägledning."}]}]}]}
        }});
        let path = tmp.join(format!("p{i}.json"));
        std::fs::write(&path, p.to_string()).unwrap();
        written.push(Document::Catalog(
            resolve_profile_file(&path, &ResolveOptions::default()).unwrap(),
        ));
    }
    for level in ["LOW", "MODERATE"] {
        let mut profile =
            json(&dir.join(format!("NIST_SP-800-53_rev5_{level}-baseline_profile.json")));
        let high = dir.join("NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json");
        profile["profile"]["back-matter"]["resources"][0]["rlinks"] =
            serde_json::json!([{"href": high.display().to_string()}]);
        let path = tmp.join(format!("{level}.json"));
        std::fs::write(&path, profile.to_string()).unwrap();
        written.push(Document::Catalog(
            resolve_profile_file(&path, &ResolveOptions::default()).unwrap(),
        ));
    }
    written.push(
        read_document_file(&dir.join("NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"))
            .unwrap(),
    );
    for doc in &written {
        let text = tillit_oscal::write_json(doc).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let problems = schema.violations(&v, 10);
        assert!(problems.is_empty(), "{}: {problems:#?}", doc.model_name());
    }
    // The validator does find problems: a control without a title, and a bad uuid.
    let mut bad: Value =
        serde_json::from_str(&tillit_oscal::write_json(&written[0]).unwrap()).unwrap();
    bad["catalog"]["groups"][0]["controls"][0]
        .as_object_mut()
        .unwrap()
        .remove("title");
    bad["catalog"]["uuid"] = Value::String("not-a-uuid".into());
    let problems = schema.violations(&bad, 10);
    assert!(
        problems.iter().any(|p| p.path == "$.catalog.uuid"),
        "{problems:#?}"
    );
    // The schema wraps groups in a combinator, so the missing title is reported at its group.
    assert!(
        problems
            .iter()
            .any(|p| p.path.starts_with("$.catalog.groups[0]")),
        "{problems:#?}"
    );
    assert!(schema
        .violations(
            &serde_json::from_str(&tillit_oscal::write_json(&written[0]).unwrap()).unwrap(),
            10
        )
        .is_empty());
    let _ = std::fs::remove_dir_all(tmp);
}

#[test]
fn assessment_results_and_poams_round_trip_and_validate() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let schema = official_schema();
    for (file, model) in [
        ("assessment-results.json", "assessment-results"),
        ("poam.json", "plan-of-action-and-milestones"),
    ] {
        let path = data.join(file);
        let doc = read_document_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc.model_name(), model);
        let written: Value =
            serde_json::from_str(&tillit_oscal::write_json(&doc).unwrap()).unwrap();
        assert_eq!(written, json(&path), "{file} changed in a round trip");
        if let Some(schema) = &schema {
            let problems = schema.violations(&written, 10);
            assert!(problems.is_empty(), "{file}: {problems:#?}");
        }
    }
}

/// What an organisation importing NIST MODERATE with the catalog in hand gets: the same controls
/// NIST's resolved catalog holds, each readable as one assesses it.
#[test]
fn moderate_resolved_against_a_catalog_in_hand_flattens_to_nists_controls() {
    let Some(dir) = nist_dir() else { return };
    let read = |name: &str| read_document_file(&dir.join(name)).unwrap();
    let Document::Profile(profile) = read("NIST_SP-800-53_rev5_MODERATE-baseline_profile.json")
    else {
        panic!("not a profile")
    };
    let Document::Catalog(high) =
        read("NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json")
    else {
        panic!("not a catalog")
    };
    let resolved =
        tillit_oscal::resolve_against(&profile, &high, "moderate", &ResolveOptions::default())
            .unwrap();
    let flat = tillit_oscal::flatten::flatten(&resolved);
    let Document::Catalog(nist) =
        read("NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json")
    else {
        panic!("not a catalog")
    };
    let theirs = tillit_oscal::flatten::flatten(&nist);
    assert_eq!(flat.len(), theirs.len());
    assert!(flat.len() > 250, "{}", flat.len());
    assert_eq!(flat, theirs, "the same controls, read the same way");
    let ac2 = flat.iter().find(|c| c.id == "ac-2").unwrap();
    assert_eq!(ac2.label, "AC-2");
    assert_eq!(ac2.group_title.as_deref(), Some("Access Control"));
    assert!(
        ac2.statement.contains(
            "c. Require [Assignment: prerequisites and criteria] for group and role membership;"
        ),
        "{}",
        ac2.statement
    );
    assert!(ac2
        .statement
        .contains("\n  1. Authorized users of the system;"));
    assert!(
        !flat.iter().any(|c| c.statement.contains("{{")),
        "every parameter filled in"
    );
    let enh = flat.iter().find(|c| c.id == "ac-2.1").unwrap();
    assert_eq!(enh.parent_id.as_deref(), Some("ac-2"));
    // A profile that imports two documents cannot be resolved against one catalog.
    let mut two = profile.clone();
    two.imports.push(two.imports[0].clone());
    let err = tillit_oscal::resolve_against(&two, &high, "two", &ResolveOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("imports 2 documents"), "{err}");
}

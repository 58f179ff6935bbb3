//! Tillit's own requirement library (`catalogs/tillit-vard-omsorg/v*`, every version) is valid
//! OSCAL: each version's catalog and every profile pass NIST's JSON schema, and every profile resolves to a catalog that passes
//! it too. The schema lives in `../shared/data/oscal` beside the repository; without it the test
//! says that schema validity was not checked (resolution is checked regardless).

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;
use tillit_oscal::schema::Schema;
use tillit_oscal::{resolve_profile_file, write_json, Document, ResolveOptions};

fn library(version: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../catalogs/tillit-vard-omsorg")
        .join(version)
}

fn schema() -> Option<Schema> {
    let dir = std::env::var("TILLIT_OSCAL_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oscal")
        });
    let path = dir.join("schema/oscal_complete_schema-1.2.2.json");
    let text = std::fs::read_to_string(&path).ok()?;
    Schema::compile(&serde_json::from_str(&text).ok()?).ok()
}

#[test]
fn the_library_and_every_resolved_profile_are_valid_oscal() {
    let schema = schema();
    if schema.is_none() {
        eprintln!("OSCAL schema not found — schema validity of Tillit's catalog NOT checked");
    }
    let check = |label: &str, text: &str| {
        if let Some(s) = &schema {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            let bad = s.violations(&v, 5);
            assert!(bad.is_empty(), "{label}: {bad:?}");
        }
    };
    // Version 1 is kept as it was shipped; version 2 adds the profiles of who each rule binds.
    for (version, expected) in [("v1", 24), ("v2", 37)] {
        let n = check_version(&check, version);
        assert_eq!(n, expected, "{version}");
    }
}

fn check_version(check: &dyn Fn(&str, &str), version: &str) -> usize {
    let library = || library(version);
    check(
        &format!("{version}/catalog.json"),
        &std::fs::read_to_string(library().join("catalog.json")).unwrap(),
    );
    let mut profiles = 0;
    for entry in std::fs::read_dir(library().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        check(
            &path.display().to_string(),
            &std::fs::read_to_string(&path).unwrap(),
        );
        let resolved = resolve_profile_file(&path, &ResolveOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            !tillit_oscal::resolve::control_ids(&resolved).is_empty(),
            "{} selects nothing",
            path.display()
        );
        check(
            &format!("resolved {}", path.display()),
            &write_json(&Document::Catalog(resolved)).unwrap(),
        );
        profiles += 1;
    }
    profiles
}

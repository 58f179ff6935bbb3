//! `tillit oscal`: resolve, convert and validate from the command line, with exit codes a script
//! can rely on (0 valid, 2 invalid) and errors that name the JSON path.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tillit(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn workdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tillit-oscal-cli-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&d).unwrap();
    let catalog =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tillit-oscal/tests/data/small-catalog.json");
    std::fs::copy(catalog, d.join("catalog.json")).unwrap();
    std::fs::write(
        d.join("profile.json"),
        r#"{"profile": {"uuid": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "metadata": {"title": "Skyddsnivå 2", "last-modified": "2026-11-22T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
            "imports": [{"href": "catalog.json", "include-controls": [{"with-ids": ["a-1", "b-1"]}]}], "merge": {"as-is": true}}}"#,
    )
    .unwrap();
    d
}

#[test]
fn resolve_convert_and_validate_from_the_command_line() {
    let d = workdir();
    let p = |n: &str| d.join(n).display().to_string();
    let (code, _, err) = tillit(&[
        "oscal",
        "resolve",
        &p("profile.json"),
        "-o",
        &p("resolved.yaml"),
    ]);
    assert_eq!(code, 0, "{err}");
    let yaml = std::fs::read_to_string(d.join("resolved.yaml")).unwrap();
    assert!(
        yaml.starts_with("catalog:") && yaml.contains("Skyddsnivå 2") && yaml.contains("id: b-1"),
        "{yaml}"
    );
    assert!(!yaml.contains("id: a-2"), "a-2 was not selected");
    let (code, _, err) = tillit(&[
        "oscal",
        "convert",
        &p("resolved.yaml"),
        "--to",
        "json",
        "-o",
        &p("resolved.json"),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = tillit(&["oscal", "validate", &p("resolved.json")]);
    assert_eq!(code, 0, "{out}");

    std::fs::write(
        d.join("bad.json"),
        r#"{"catalog": {"uuid": "u", "metadata": {"title": 7}}}"#,
    )
    .unwrap();
    let (code, out, _) = tillit(&["oscal", "validate", &p("bad.json")]);
    assert_eq!(code, 2);
    assert!(out.contains("$.catalog.metadata.title"), "{out}");
    let (code, _, err) = tillit(&["oscal", "convert", &p("resolved.json"), "--to", "xml"]);
    assert_ne!(code, 0);
    assert!(err.contains("--to"), "{err}");
    let (code, _, err) = tillit(&["oscal", "resolve", &p("catalog.json")]);
    assert_ne!(code, 0);
    assert!(err.contains("expected a profile"), "{err}");

    // With the official schema, when the reference data is beside the repository.
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/oscal/schema/oscal_complete_schema-1.2.2.json");
    if schema.exists() {
        let (code, out, _) = tillit(&[
            "oscal",
            "validate",
            &p("resolved.json"),
            "--schema",
            &schema.display().to_string(),
        ]);
        assert_eq!(code, 0, "{out}");
        let text = std::fs::read_to_string(d.join("resolved.json"))
            .unwrap()
            .replacen("\"uuid\": \"", "\"uuid\": \"X", 1);
        std::fs::write(d.join("bad-uuid.json"), text).unwrap();
        let (code, out, _) = tillit(&[
            "oscal",
            "validate",
            &p("bad-uuid.json"),
            "--schema",
            &schema.display().to_string(),
        ]);
        assert_eq!(code, 2);
        assert!(out.contains("INVALID $.catalog.uuid"), "{out}");
    } else {
        eprintln!("OSCAL schema not found beside the repository; schema validation from the CLI NOT checked");
    }
    let _ = std::fs::remove_dir_all(d);
}

/// Copies a directory tree (a requirement library version).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn two_versions_of_any_library_are_compared_from_the_command_line() {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalogs/tillit-vard-omsorg");
    // Another publisher's next version: one statement reworded, one requirement added.
    let d = std::env::temp_dir().join(format!("tillit-diff-{}", uuid::Uuid::new_v4().simple()));
    copy_dir(&lib.join("v2"), &d);
    let path = d.join("catalog.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let group = &mut doc["catalog"]["groups"][0];
    group["controls"][0]["parts"][0]["prose"] =
        serde_json::json!("Ledningen ska fastställa och varje år se över en policy.");
    let mut extra = group["controls"][1].clone();
    extra["id"] = serde_json::json!("sty-99");
    for p in extra["parts"].as_array_mut().unwrap() {
        let id = p["id"].as_str().unwrap().replace("sty-2", "sty-99");
        p["id"] = serde_json::json!(id);
    }
    group["controls"].as_array_mut().unwrap().push(extra);
    std::fs::write(&path, serde_json::to_string(&doc).unwrap()).unwrap();

    let from = lib.join("v2").display().to_string();
    let to = d.display().to_string();
    let (code, out, err) = tillit(&["oscal", "diff", &from, &to, "--json"]);
    assert_eq!(code, 0, "{err}");
    let diff: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changes = diff["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[0]["id"], "sty-1");
    assert_eq!(changes[0]["kind"], "changed");
    assert_eq!(changes[0]["material"], true);
    assert_eq!(changes[1]["id"], "sty-99");
    assert_eq!(changes[1]["kind"], "added");
    let (code, out, _) = tillit(&["oscal", "diff", &from, &to]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("2.0 → 2.0: 1 added, 0 removed, 1 changed"),
        "{out}"
    );
    // A directory that is no library is an error that names the file.
    let (code, _, err) = tillit(&["oscal", "diff", &from, "/no/such/dir"]);
    assert_eq!(code, 1);
    assert!(err.contains("/no/such/dir/catalog.json"), "{err}");
    let _ = std::fs::remove_dir_all(&d);
}

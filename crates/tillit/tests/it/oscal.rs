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

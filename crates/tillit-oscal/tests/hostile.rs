//! Malformed and hostile documents are refused with errors that say where and why; never a panic,
//! a stack overflow or unbounded memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tillit_oscal::{read_document, Format, OscalError};

fn parse_err(text: &str, format: Format) -> OscalError {
    read_document(text.as_bytes(), format, "input").unwrap_err()
}

#[test]
fn wrong_types_and_missing_fields_name_the_json_path() {
    let e = parse_err(r#"{"catalog": {"uuid": 5}}"#, Format::Json);
    assert!(
        matches!(&e, OscalError::Parse { at, .. } if at == "$.catalog.uuid"),
        "{e}"
    );
    let e = parse_err(
        r#"{"catalog": {"uuid": "u", "metadata": {"title": "t", "last-modified": "x", "version": "1", "oscal-version": "1.1.2"}, "groups": [{"title": "g", "controls": [{"id": "c"}]}]}}"#,
        Format::Json,
    );
    assert!(
        e.to_string().contains("$.catalog.groups[0].controls[0]")
            && e.to_string().contains("title"),
        "{e}"
    );
    let e = parse_err(r#"{"catalog": {"uuid": "u", "sneaky": 1}}"#, Format::Json);
    assert!(
        e.to_string().contains("sneaky"),
        "unknown keys are refused, not dropped: {e}"
    );
    let e = parse_err("catalog:\n  uuid: [1, 2]\n", Format::Yaml);
    assert!(
        matches!(&e, OscalError::Parse { at, .. } if at == "$.catalog.uuid"),
        "{e}"
    );
}

#[test]
fn an_unknown_model_is_named_as_such() {
    assert!(matches!(
        parse_err(r#"{"component-definition": {}}"#, Format::Json),
        OscalError::UnknownModel { .. }
    ));
    assert!(matches!(
        parse_err(r#"[1, 2, 3]"#, Format::Json),
        OscalError::Parse { .. } | OscalError::UnknownModel { .. }
    ));
    assert!(matches!(
        parse_err("", Format::Json),
        OscalError::Parse { .. }
    ));
    assert!(matches!(
        parse_err(r#"{"catalog": {}} trailing"#, Format::Json),
        OscalError::Parse { .. }
    ));
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    let nested = format!(
        "{}{}",
        r#"{"name": "p", "parts": ["#.repeat(depth),
        "]}".repeat(depth)
    );
    let deep_parts = format!(
        r#"{{"catalog": {{"uuid": "u", "metadata": {{"title": "t", "last-modified": "x", "version": "1", "oscal-version": "1"}}, "controls": [{{"id": "c", "title": "t", "parts": [{nested}]}}]}}}}"#
    );
    assert!(matches!(
        parse_err(&deep_parts, Format::Json),
        OscalError::Parse { .. }
    ));
    let deep_value = format!(
        r#"{{"assessment-results": {}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(matches!(
        parse_err(&deep_value, Format::Json),
        OscalError::Parse { .. }
    ));
    let deep_yaml = format!(
        "catalog:\n  uuid: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(parse_err(&deep_yaml, Format::Yaml)
        .to_string()
        .contains("nesting deeper"));
    let indented: String = (0..3000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    assert!(parse_err(&indented, Format::Yaml)
        .to_string()
        .contains("indentation"));
}

#[test]
fn oversized_documents_are_refused_before_parsing() {
    let huge = vec![b' '; (tillit_oscal::io::MAX_DOCUMENT_BYTES + 1) as usize];
    assert!(matches!(
        read_document(&huge, Format::Json, "huge").unwrap_err(),
        OscalError::TooLarge { .. }
    ));
}

#[test]
fn yaml_is_oscal_yaml_with_the_model_as_a_key() {
    let text = "catalog:\n  uuid: 6f0b7a3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c\n  metadata:\n    title: T\n    last-modified: '2026-11-22T00:00:00Z'\n    version: '1'\n    oscal-version: 1.1.2\n  controls:\n  - id: c-1\n    title: 'Kontroll: \"citat\" [x]'\n";
    let doc = read_document(text.as_bytes(), Format::Yaml, "y").unwrap();
    let out = tillit_oscal::write_yaml(&doc).unwrap();
    assert!(out.starts_with("catalog:"), "{out}");
    assert!(!out.contains('!'), "no YAML tags: {out}");
}

#[test]
fn yaml_aliases_cannot_blow_up() {
    // A "billion laughs" document: the YAML reader refuses runaway alias expansion.
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        doc.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    doc.push_str("catalog: *a11\n");
    assert!(read_document(doc.as_bytes(), Format::Yaml, "laughs").is_err());
}

#[test]
fn imports_of_devices_and_directories_are_refused() {
    for target in ["/dev/zero", "/tmp"] {
        let dir = std::env::temp_dir().join(format!("tillit-oscal-dev-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let profile = format!(
            r#"{{"profile": {{"uuid": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "metadata": {{"title": "P", "last-modified": "2026-11-22T00:00:00Z", "version": "1", "oscal-version": "1.1.2"}}, "imports": [{{"href": "{target}", "include-all": {{}}}}]}}}}"#
        );
        std::fs::write(dir.join("p.json"), profile).unwrap();
        let e = tillit_oscal::resolve_profile_file(&dir.join("p.json"), &Default::default())
            .unwrap_err();
        assert!(
            e.to_string().contains("not a regular file"),
            "{target}: {e}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}

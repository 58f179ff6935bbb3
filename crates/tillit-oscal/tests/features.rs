//! Every feature of profile resolution on Tillit's own small catalog (tests/data/small-catalog.json):
//! selection, nested imports, back-matter hrefs, merge modes, modify, back-matter pruning, and the
//! errors for cycles, missing, remote and wrong imports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tillit_oscal::{
    resolve::control_ids, resolve_profile_file, Catalog, OscalError, ResolveOptions,
};

struct Dir(PathBuf);
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn dir() -> Dir {
    let d = std::env::temp_dir().join(format!("tillit-oscal-{}", uuid_like()));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small-catalog.json"),
        d.join("catalog.json"),
    )
    .unwrap();
    Dir(d)
}

fn uuid_like() -> String {
    format!(
        "{:x}{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

fn profile(
    imports: Value,
    merge: Option<Value>,
    modify: Option<Value>,
    back_matter: Option<Value>,
) -> Value {
    let mut p = json!({"profile": {
        "uuid": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
        "metadata": {"title": "Test profile", "last-modified": "2026-11-22T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
        "imports": imports
    }});
    if let Some(m) = merge {
        p["profile"]["merge"] = m;
    }
    if let Some(m) = modify {
        p["profile"]["modify"] = m;
    }
    if let Some(b) = back_matter {
        p["profile"]["back-matter"] = b;
    }
    p
}

fn write(d: &Dir, name: &str, v: &Value) -> PathBuf {
    let p = d.0.join(name);
    std::fs::write(&p, v.to_string()).unwrap();
    p
}

fn resolve(d: &Dir, v: &Value) -> Catalog {
    resolve_profile_file(&write(d, "profile.json", v), &ResolveOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn err(d: &Dir, v: &Value) -> OscalError {
    resolve_profile_file(&write(d, "profile.json", v), &ResolveOptions::default()).unwrap_err()
}

fn as_is() -> Option<Value> {
    Some(json!({"as-is": true}))
}

#[test]
fn include_all_keeps_everything_and_as_is_keeps_the_groups() {
    let d = dir();
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-all": {}}]),
            as_is(),
            None,
            None,
        ),
    );
    assert_eq!(
        control_ids(&c),
        ["c-1", "a-1", "a-1.1", "a-1.2", "a-2", "b-1", "b-1.1"]
    );
    assert_eq!(c.groups.len(), 2);
    assert_eq!(c.params.len(), 1, "catalog-level parameters are kept");
    assert_eq!(c.metadata.title, "Test profile");
    assert!(c.metadata.props.iter().any(|p| p.name == "resolution-tool"));
    assert!(c
        .metadata
        .links
        .iter()
        .any(|l| l.rel.as_deref() == Some("source-profile") && l.href == "profile.json"));
}

#[test]
fn with_ids_selects_only_those_and_empty_groups_go() {
    let d = dir();
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-controls": [{"with-ids": ["a-1", "a-1.2"]}]}]),
            as_is(),
            None,
            None,
        ),
    );
    assert_eq!(control_ids(&c), ["a-1", "a-1.2"]);
    assert_eq!(c.groups.len(), 1, "group b had nothing selected");
    assert_eq!(
        c.groups[0].controls[0].controls.len(),
        1,
        "a-1.2 stays nested under a-1"
    );
}

#[test]
fn with_child_controls_and_matching_patterns() {
    let d = dir();
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-controls": [{"with-ids": ["b-1"], "with-child-controls": "yes"}, {"matching": [{"pattern": "a-?"}]}]}]),
            as_is(),
            None,
            None,
        ),
    );
    assert_eq!(control_ids(&c), ["a-1", "a-2", "b-1", "b-1.1"]);
}

#[test]
fn exclusion_wins_and_an_orphan_child_takes_its_parents_place() {
    let d = dir();
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-all": {}, "exclude-controls": [{"with-ids": ["a-1", "c-1"]}]}]),
            as_is(),
            None,
            None,
        ),
    );
    assert_eq!(control_ids(&c), ["a-1.1", "a-1.2", "a-2", "b-1", "b-1.1"]);
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-all": {}, "exclude-controls": [{"with-ids": ["a-1"], "with-child-controls": "yes"}]}]),
            as_is(),
            None,
            None,
        ),
    );
    assert_eq!(control_ids(&c), ["c-1", "a-2", "b-1", "b-1.1"]);
}

#[test]
fn without_merge_the_result_is_flat() {
    let d = dir();
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-all": {}}]),
            None,
            None,
            None,
        ),
    );
    assert!(c.groups.is_empty());
    assert_eq!(
        c.controls.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["c-1", "a-1", "a-2", "b-1"]
    );
}

#[test]
fn custom_merge_builds_new_groups() {
    let d = dir();
    let merge = json!({"custom": {"groups": [
        {"id": "x", "title": "Viktigast", "insert-controls": [{"include-controls": [{"with-ids": ["b-1", "a-2"]}], "order": "ascending"}]}
    ]}});
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-all": {}}]),
            Some(merge),
            None,
            None,
        ),
    );
    assert_eq!(c.groups.len(), 1);
    assert_eq!(c.groups[0].title, "Viktigast");
    assert_eq!(
        c.groups[0]
            .controls
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["a-2", "b-1"]
    );
}

#[test]
fn nested_profiles_and_back_matter_hrefs_with_relative_rlinks() {
    let d = dir();
    let inner = profile(
        json!([{"href": "#bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "include-controls": [{"with-ids": ["a-1", "a-2", "b-1"]}]}]),
        as_is(),
        None,
        Some(
            json!({"resources": [{"uuid": "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "rlinks": [{"href": "catalog.xml", "media-type": "application/oscal.catalog+xml"}, {"href": "catalog.json", "media-type": "application/oscal.catalog+json"}]}]}),
        ),
    );
    write(&d, "inner.json", &inner);
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "inner.json", "include-controls": [{"with-ids": ["a-2", "b-1"]}]}]),
            as_is(),
            None,
            None,
        ),
    );
    assert_eq!(control_ids(&c), ["a-2", "b-1"]);
}

#[test]
fn two_imports_of_the_same_controls_keep_the_first() {
    let d = dir();
    let c = resolve(
        &d,
        &profile(
            json!([
                {"href": "catalog.json", "include-controls": [{"with-ids": ["a-2"]}]},
                {"href": "catalog.json", "include-controls": [{"with-ids": ["a-2", "b-1"]}]}
            ]),
            Some(json!({"as-is": true, "combine": {"method": "use-first"}})),
            None,
            None,
        ),
    );
    assert_eq!(control_ids(&c), ["a-2", "b-1"]);
    assert_eq!(c.groups.len(), 2);
}

#[test]
fn set_parameters_replaces_values_and_adds_props() {
    let d = dir();
    let modify = json!({"set-parameters": [{"param-id": "a-1_prm_1", "values": ["årligen"], "props": [{"name": "tillit", "value": "x"}]}]});
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-all": {}}]),
            as_is(),
            Some(modify),
            None,
        ),
    );
    let p = &c.groups[0].controls[0].params[0];
    assert_eq!(p.values.as_deref(), Some(&["årligen".to_string()][..]));
    assert_eq!(
        p.label.as_deref(),
        Some("frequency"),
        "what is not set stays"
    );
    assert_eq!(p.props.len(), 1);
}

#[test]
fn alters_add_at_every_position_and_remove_by_every_key() {
    let d = dir();
    let part = |id: &str| json!({"id": id, "name": "guidance", "prose": id});
    let modify = json!({"alters": [{"control-id": "a-1",
        "removes": [{"by-id": "a-1_gdn"}, {"by-ns": "https://tillit.example/ns"}, {"by-item-name": "link"}],
        "adds": [
            {"position": "starting", "props": [{"name": "first", "value": "1"}]},
            {"position": "ending", "parts": [part("end")]},
            {"position": "before", "by-id": "a-1_smt", "parts": [part("before-smt")]},
            {"position": "after", "by-id": "a-1_smt", "parts": [part("after-smt")]},
            {"position": "ending", "by-id": "a-1_smt", "parts": [part("inside-end")]},
            {"position": "starting", "by-id": "a-1_smt", "parts": [part("inside-start")]},
            {"title": "Access policy (Tillit)"}
        ]},
        {"control-id": "a-2", "removes": [{"by-name": "nothing-here"}], "adds": [{"params": [{"id": "a-2_prm", "label": "new"}]}]}
    ]});
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-all": {}}]),
            as_is(),
            Some(modify),
            None,
        ),
    );
    let a1 = &c.groups[0].controls[0];
    assert_eq!(a1.title, "Access policy (Tillit)");
    assert_eq!(
        a1.props.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["first", "label"],
        "ns-matched prop removed, new one first"
    );
    assert!(a1.links.is_empty(), "links removed by item name");
    let ids: Vec<_> = a1.parts.iter().map(|p| p.id.clone().unwrap()).collect();
    assert_eq!(
        ids,
        ["before-smt", "a-1_smt", "after-smt", "end"],
        "guidance removed by id; parts placed"
    );
    let inner: Vec<_> = a1.parts[1]
        .parts
        .iter()
        .map(|p| p.id.clone().unwrap())
        .collect();
    assert_eq!(inner, ["inside-start", "a-1_smt.a", "inside-end"]);
    assert_eq!(c.groups[0].controls[1].params[0].id, "a-2_prm");
}

#[test]
fn back_matter_keeps_only_what_the_result_refers_to() {
    let d = dir();
    let c = resolve(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-controls": [{"with-ids": ["a-1"]}]}]),
            as_is(),
            None,
            None,
        ),
    );
    let kept: Vec<_> = c
        .back_matter
        .unwrap()
        .resources
        .into_iter()
        .map(|r| r.title.unwrap())
        .collect();
    assert_eq!(
        kept,
        ["Referenced by a-1"],
        "a-1.1 was not selected, and r3 is referenced by nothing"
    );
}

#[test]
fn cycles_missing_remote_and_wrong_imports_are_clear_errors() {
    let d = dir();
    write(
        &d,
        "p1.json",
        &profile(
            json!([{"href": "p2.json", "include-all": {}}]),
            None,
            None,
            None,
        ),
    );
    write(
        &d,
        "p2.json",
        &profile(
            json!([{"href": "p1.json", "include-all": {}}]),
            None,
            None,
            None,
        ),
    );
    let e = resolve_profile_file(&d.0.join("p1.json"), &ResolveOptions::default()).unwrap_err();
    assert!(
        matches!(&e, OscalError::ImportCycle { chain } if chain.len() == 3 && chain[0].ends_with("p1.json") && chain[1].ends_with("p2.json")),
        "{e}"
    );

    let e = err(
        &d,
        &profile(
            json!([{"href": "nowhere.json", "include-all": {}}]),
            None,
            None,
            None,
        ),
    );
    assert!(
        e.to_string().contains("nowhere.json") && e.to_string().contains("does not exist"),
        "{e}"
    );
    let e = err(
        &d,
        &profile(
            json!([{"href": "https://example.org/catalog.json", "include-all": {}}]),
            None,
            None,
            None,
        ),
    );
    assert!(e.to_string().contains("never fetches"), "{e}");
    let e = err(
        &d,
        &profile(
            json!([{"href": "#cccccccc-cccc-4ccc-8ccc-cccccccccccc", "include-all": {}}]),
            None,
            None,
            None,
        ),
    );
    assert!(e.to_string().contains("no back-matter resource"), "{e}");
    let e = err(
        &d,
        &profile(json!([{"href": "catalog.json"}]), None, None, None),
    );
    assert!(e.to_string().contains("selects nothing"), "{e}");
    let e = err(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-all": {}}]),
            None,
            Some(json!({"alters": [{"control-id": "zz-9"}]})),
            None,
        ),
    );
    assert!(e.to_string().contains("zz-9"), "{e}");
    let e = err(
        &d,
        &profile(
            json!([{"href": "catalog.json", "include-all": {}}]),
            None,
            Some(json!({"set-parameters": [{"param-id": "nope"}]})),
            None,
        ),
    );
    assert!(e.to_string().contains("nope"), "{e}");
    // A profile given where a profile is expected, but it is a catalog.
    let e =
        resolve_profile_file(&d.0.join("catalog.json"), &ResolveOptions::default()).unwrap_err();
    assert!(
        matches!(
            e,
            OscalError::WrongModel {
                found: "catalog",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn glob_patterns() {
    use tillit_oscal::resolve::glob_match;
    assert!(glob_match("ac-*", "ac-2.1"));
    assert!(glob_match("a?-1", "ac-1"));
    assert!(!glob_match("ac-?", "ac-10"));
    assert!(glob_match("*", ""));
    assert!(!glob_match("a*c", "abd"));
}

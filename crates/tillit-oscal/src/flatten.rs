//! A catalog as the list of controls one assesses: every control and enhancement in catalog order,
//! withdrawn ones left out, each with its label, group and its statement and guidance as readable
//! text (parameters filled in with their values, or "[Assignment: …]" / "[Selection: …]" as NIST
//! prints them; items indented under their labels).

use crate::model::{Catalog, Control, Group, Parameter, Part, Property};
use serde_json::Value;
use std::collections::HashMap;

/// One assessable control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatControl {
    pub id: String,
    /// The control's label ("AC-2(1)"), or its id when it has none.
    pub label: String,
    pub title: String,
    pub group_id: Option<String>,
    pub group_title: Option<String>,
    /// The control an enhancement belongs to.
    pub parent_id: Option<String>,
    pub statement: String,
    pub guidance: String,
}

fn label(props: &[Property]) -> Option<&str> {
    let labels = || props.iter().filter(|p| p.name == "label");
    labels()
        .find(|p| p.class.is_none())
        .or_else(|| labels().next())
        .map(|p| p.value.as_str())
}

fn withdrawn(c: &Control) -> bool {
    c.props
        .iter()
        .any(|p| p.name == "status" && p.value.eq_ignore_ascii_case("withdrawn"))
}

/// The parameters in scope: the catalog's, the group's, the control's and its parents'.
type Params<'a> = HashMap<&'a str, &'a Parameter>;

/// How a parameter reads in a statement; a choice may itself insert a parameter (declared before
/// or after it), followed a few levels deep.
fn param_text(p: &Parameter, params: &Params<'_>, depth: usize) -> String {
    if let Some(values) = p.values.as_ref().filter(|v| !v.is_empty()) {
        return values.join(", ");
    }
    if let Some(select) = &p.select {
        let choices: Vec<String> = select
            .get("choice")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|c| fill(c, params, depth + 1))
                    .collect()
            })
            .unwrap_or_default();
        let many = select.get("how-many").and_then(Value::as_str) == Some("one-or-more");
        return format!(
            "[Selection{}: {}]",
            if many { " (one or more)" } else { "" },
            choices.join("; ")
        );
    }
    format!("[Assignment: {}]", p.label.as_deref().unwrap_or(&p.id))
}

/// Replaces `{{ insert: param, id }}` by the parameter's text.
fn fill(text: &str, params: &Params<'_>, depth: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + len];
        let mut fields = inner.split(',').map(str::trim);
        let kind = fields.next().unwrap_or_default();
        let id = fields.next().unwrap_or_default();
        match (kind, params.get(id)) {
            ("insert: param", Some(p)) if depth < 8 => out.push_str(&param_text(p, params, depth)),
            _ => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

fn render(parts: &[Part], depth: usize, params: &Params<'_>, out: &mut Vec<String>) {
    for p in parts {
        let mut line = "  ".repeat(depth);
        if let Some(l) = label(&p.props) {
            line.push_str(l);
            line.push(' ');
        }
        if let Some(prose) = &p.prose {
            line.push_str(&fill(prose.trim(), params, 0));
        }
        if !line.trim().is_empty() {
            out.push(line.trim_end().to_string());
        }
        render(&p.parts, depth + 1, params, out);
    }
}

fn text_of(c: &Control, name: &str, params: &Params<'_>) -> String {
    let mut lines = Vec::new();
    for p in c.parts.iter().filter(|p| p.name == name) {
        if let Some(prose) = &p.prose {
            lines.push(fill(prose.trim(), params, 0));
        }
        render(&p.parts, 0, params, &mut lines);
    }
    lines.join("\n")
}

struct Walk<'a> {
    out: Vec<FlatControl>,
    group: Option<&'a Group>,
}

impl<'a> Walk<'a> {
    fn control(&mut self, c: &'a Control, parent: Option<&str>, inherited: &Params<'a>) {
        let mut params = inherited.clone();
        for p in &c.params {
            params.insert(&p.id, p);
        }
        if !withdrawn(c) {
            self.out.push(FlatControl {
                id: c.id.clone(),
                label: label(&c.props).unwrap_or(&c.id).to_string(),
                title: c.title.clone(),
                group_id: self.group.and_then(|g| g.id.clone()),
                group_title: self.group.map(|g| g.title.clone()),
                parent_id: parent.map(str::to_string),
                statement: text_of(c, "statement", &params),
                guidance: text_of(c, "guidance", &params),
            });
        }
        for child in &c.controls {
            self.control(child, Some(&c.id), &params);
        }
    }

    fn group(&mut self, g: &'a Group, inherited: &Params<'a>) {
        let mut params = inherited.clone();
        for p in &g.params {
            params.insert(&p.id, p);
        }
        let outer = self.group;
        self.group = Some(g);
        for c in &g.controls {
            self.control(c, None, &params);
        }
        for sub in &g.groups {
            self.group(sub, &params);
        }
        self.group = outer;
    }
}

/// Every assessable control of the catalog, in catalog order.
pub fn flatten(cat: &Catalog) -> Vec<FlatControl> {
    let params: Params<'_> = cat.params.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut w = Walk {
        out: Vec::new(),
        group: None,
    };
    for c in &cat.controls {
        w.control(c, None, &params);
    }
    for g in &cat.groups {
        w.group(g, &params);
    }
    w.out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn catalog(json: &str) -> Catalog {
        match crate::io::read_document(json.as_bytes(), crate::Format::Json, "t").unwrap() {
            crate::Document::Catalog(c) => c,
            _ => unreachable!(),
        }
    }

    const CAT: &str = r#"{"catalog": {"uuid": "4a0c2b52-3c4b-4a8e-9d2e-0c1f0b4b1a11",
      "metadata": {"title": "T", "last-modified": "2026-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
      "groups": [{"id": "ac", "title": "Access Control", "controls": [
        {"id": "ac-1", "title": "Policy", "props": [{"name": "label", "value": "AC-01", "class": "zero-padded"}, {"name": "label", "value": "AC-1"}],
         "params": [{"id": "ac-1_prm_1", "label": "personnel"},
                    {"id": "ac-1_prm_2", "select": {"how-many": "one-or-more", "choice": ["yearly", "when {{ insert: param, ac-1_prm_1 }} says"]}},
                    {"id": "ac-1_prm_3", "values": ["every year"]}],
         "parts": [{"id": "ac-1_smt", "name": "statement", "parts": [
            {"id": "ac-1_smt.a", "name": "item", "props": [{"name": "label", "value": "a."}], "prose": "Give it to {{ insert: param, ac-1_prm_1 }}:",
             "parts": [{"id": "ac-1_smt.a.1", "name": "item", "props": [{"name": "label", "value": "1."}], "prose": "review {{ insert: param, ac-1_prm_2 }};"}]},
            {"id": "ac-1_smt.b", "name": "item", "props": [{"name": "label", "value": "b."}], "prose": "Update {{ insert: param, ac-1_prm_3 }}."}]},
           {"id": "ac-1_gdn", "name": "guidance", "prose": "Why it matters."}],
         "controls": [{"id": "ac-1.1", "title": "Enhancement", "props": [{"name": "label", "value": "AC-1(1)"}],
                       "parts": [{"id": "ac-1.1_smt", "name": "statement", "prose": "Also {{ insert: param, ac-1_prm_3 }}."}]},
                      {"id": "ac-1.2", "title": "Gone", "props": [{"name": "status", "value": "withdrawn"}]}]}]}]}}"#;

    #[test]
    fn controls_are_listed_with_labels_groups_and_readable_statements() {
        let flat = flatten(&catalog(CAT));
        let ids: Vec<&str> = flat.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, vec!["ac-1", "ac-1.1"], "the withdrawn one is left out");
        let c = &flat[0];
        assert_eq!(c.label, "AC-1", "the unclassed label wins");
        assert_eq!(c.group_title.as_deref(), Some("Access Control"));
        assert_eq!(
            c.statement,
            "a. Give it to [Assignment: personnel]:\n  1. review [Selection (one or more): yearly; when [Assignment: personnel] says];\nb. Update every year."
        );
        assert_eq!(c.guidance, "Why it matters.");
        let e = &flat[1];
        assert_eq!(e.parent_id.as_deref(), Some("ac-1"));
        assert_eq!(
            e.statement, "Also every year.",
            "an enhancement reads its parent's parameters"
        );
    }

    #[test]
    fn an_unknown_insertion_is_kept_as_written() {
        let params = Params::new();
        assert_eq!(
            fill("x {{ insert: param, nope }} y", &params, 0),
            "x {{ insert: param, nope }} y"
        );
        assert_eq!(
            fill("open {{ never closed", &params, 0),
            "open {{ never closed"
        );
    }
}

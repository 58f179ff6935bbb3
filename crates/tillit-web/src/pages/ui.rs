//! Building blocks for the register forms: one field description rendered by `_fields.html`, and
//! one form page (`form_page.html`) shared by the registers that need nothing more.

use super::{Choice, FieldError, PageCommon};
use crate::forms::FormFields;
use crate::render::page;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::views::Linkable;
use tillit_domain::ValidationErrors;

/// One form field.
pub struct Input {
    /// text, number, date, datetime, textarea, select, multiselect, checks or radios
    pub kind: &'static str,
    pub name: String,
    pub label: String,
    pub value: String,
    pub hint: String,
    pub max: usize,
    pub options: Vec<Choice>,
}

impl Input {
    fn new(kind: &'static str, name: &str, label: String, value: String) -> Input {
        Input {
            kind,
            name: name.to_string(),
            label,
            value,
            hint: String::new(),
            max: 200,
            options: vec![],
        }
    }
    pub fn text(name: &str, label: String, value: String) -> Input {
        Input::new("text", name, label, value)
    }
    pub fn number(name: &str, label: String, value: String) -> Input {
        Input::new("number", name, label, value)
    }
    pub fn date(name: &str, label: String, value: String) -> Input {
        Input::new("date", name, label, value)
    }
    /// A date and time in Swedish local time.
    pub fn datetime(name: &str, label: String, value: String) -> Input {
        Input::new("datetime", name, label, value)
    }
    /// A secret: typed, never shown (not even after an error).
    pub fn secret(name: &str, label: String) -> Input {
        Input::new("secret", name, label, String::new())
    }
    pub fn area(name: &str, label: String, value: String) -> Input {
        Input::new("textarea", name, label, value)
    }
    pub fn select(name: &str, label: String, options: Vec<Choice>) -> Input {
        Input {
            options,
            ..Input::new("select", name, label, String::new())
        }
    }
    pub fn checks(name: &str, label: String, options: Vec<Choice>) -> Input {
        Input {
            options,
            ..Input::new("checks", name, label, String::new())
        }
    }
    /// One choice of a few, as radio buttons.
    pub fn radios(name: &str, label: String, options: Vec<Choice>) -> Input {
        Input {
            options,
            ..Input::new("radios", name, label, String::new())
        }
    }
    /// Several choices of a long list (countries), as a list box.
    pub fn multi(name: &str, label: String, options: Vec<Choice>) -> Input {
        Input {
            options,
            ..Input::new("multiselect", name, label, String::new())
        }
    }
    pub fn hint(mut self, hint: String) -> Input {
        self.hint = hint;
        self
    }
}

/// Fills a form's fields: the label is the field's own (`field-` and its name), the value what
/// was posted when the form is shown again, else the stored one.
pub struct Fill<'a> {
    tr: &'a crate::i18n::Tr,
    form: Option<&'a FormFields>,
}

impl<'a> Fill<'a> {
    pub fn new(tr: &'a crate::i18n::Tr, form: Option<&'a FormFields>) -> Fill<'a> {
        Fill { tr, form }
    }
    fn input(&self, kind: &'static str, name: &str, stored: Option<String>) -> Input {
        let label = self.tr.t(&format!("field-{}", name.replace('_', "-")));
        let value = value(self.form, name, || stored.unwrap_or_default());
        Input::new(kind, name, label, value)
    }
    pub fn text(&self, name: &str, stored: Option<String>) -> Input {
        self.input("text", name, stored)
    }
    pub fn area(&self, name: &str, stored: Option<String>) -> Input {
        self.input("textarea", name, stored)
    }
    pub fn date(&self, name: &str, stored: Option<String>) -> Input {
        self.input("date", name, stored)
    }
    pub fn number(&self, name: &str, stored: Option<String>) -> Input {
        self.input("number", name, stored)
    }
    pub fn datetime(&self, name: &str, stored: Option<String>) -> Input {
        self.input("datetime", name, stored)
    }
    fn options(
        &self,
        kind: &'static str,
        name: &str,
        stored: &[String],
        options: impl IntoIterator<Item = (String, String)>,
    ) -> Input {
        let label = self.tr.t(&format!("field-{}", name.replace('_', "-")));
        Input {
            options: choices(self.form, name, stored, options),
            ..Input::new(kind, name, label, String::new())
        }
    }
    pub fn select(
        &self,
        name: &str,
        stored: &[String],
        options: impl IntoIterator<Item = (String, String)>,
    ) -> Input {
        self.options("select", name, stored, options)
    }
    pub fn checks(
        &self,
        name: &str,
        stored: &[String],
        options: impl IntoIterator<Item = (String, String)>,
    ) -> Input {
        self.options("checks", name, stored, options)
    }
    pub fn radios(
        &self,
        name: &str,
        stored: &[String],
        options: impl IntoIterator<Item = (String, String)>,
    ) -> Input {
        self.options("radios", name, stored, options)
    }
    pub fn multi(
        &self,
        name: &str,
        stored: &[String],
        options: impl IntoIterator<Item = (String, String)>,
    ) -> Input {
        self.options("multiselect", name, stored, options)
    }
    /// Check boxes linking the object to others of a register: see [`linkable`].
    pub fn links(&self, name: &str, stored: &[String], all: Vec<Linkable>) -> Input {
        let options = linkable(self.tr, self.form, name, stored, all);
        self.checks(name, stored, options)
    }
}

/// The choices of a field that links to objects of a register: every object in use, and the
/// archived ones the field links to already, marked as archived. Offering only those in use
/// would drop the links to archived ones whenever the form is saved.
pub fn linkable(
    tr: &crate::i18n::Tr,
    form: Option<&FormFields>,
    name: &str,
    stored: &[String],
    all: Vec<Linkable>,
) -> Vec<(String, String)> {
    let posted = form.map(|f| f.all(name)).unwrap_or_default();
    all.into_iter()
        .filter(|o| !o.archived || stored.contains(&o.id) || posted.contains(&o.id))
        .map(|o| {
            let label = if o.archived {
                tr.f("archive-choice", &[("name", o.name)])
            } else {
                o.name
            };
            (o.id, label)
        })
        .collect()
}

/// The value a field shows: what was posted (when showing the form again), else the stored one.
pub fn value(form: Option<&FormFields>, name: &str, stored: impl FnOnce() -> String) -> String {
    form.map(|f| f.get(name).to_string()).unwrap_or_else(stored)
}

/// Options marked by the posted (or stored) values.
pub fn choices(
    form: Option<&FormFields>,
    name: &str,
    stored: &[String],
    options: impl IntoIterator<Item = (String, String)>,
) -> Vec<Choice> {
    let chosen: Vec<String> = form.map(|f| f.all(name)).unwrap_or_else(|| stored.to_vec());
    options
        .into_iter()
        .map(|(key, label)| Choice {
            selected: chosen.contains(&key),
            key,
            label,
        })
        .collect()
}

/// The owner select of a register form: "no owner" first, then every member of the
/// organisation by name and role, with the posted (or stored) membership marked.
pub async fn owner_choices(
    m: &crate::context::Member,
    form: Option<&FormFields>,
    stored: Option<&str>,
) -> crate::error::AppResult<Vec<Choice>> {
    let tr = &m.ctx.tr;
    let now = value(form, "owner_membership_id", || {
        stored.unwrap_or_default().to_string()
    });
    let members = tillit_app::members::all_members(m.app(), &m.who).await?;
    let mut owners = vec![Choice {
        key: String::new(),
        label: tr.t("assets-no-owner"),
        selected: now.is_empty(),
    }];
    owners.extend(members.into_iter().map(|x| Choice {
        selected: x.id == now,
        key: x.id.into(),
        label: format!("{} ({})", x.display_name, tr.role(x.role)),
    }));
    Ok(owners)
}

#[derive(Template)]
#[template(path = "form_page.html")]
pub struct FormPage {
    pub c: PageCommon,
    pub back_href: String,
    pub back_label: String,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub submit: String,
    pub fields: Vec<Input>,
    pub errors: Vec<FieldError>,
}

impl FormPage {
    pub fn render(self, status: StatusCode) -> Response {
        page(status, &self)
    }
}

/// The status and field errors a form is shown with.
pub fn form_status(errors: Option<&ValidationErrors>) -> StatusCode {
    if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

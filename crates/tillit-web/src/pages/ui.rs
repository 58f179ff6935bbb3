//! Building blocks for the register forms: one field description rendered by `_fields.html`, and
//! one form page (`form_page.html`) shared by the registers that need nothing more.

use super::{Choice, FieldError, PageCommon};
use crate::forms::FormFields;
use crate::render::page;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
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

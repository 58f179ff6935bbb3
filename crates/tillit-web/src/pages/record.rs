//! The read view of one register object: its facts as a summary list, the lists of what traces
//! to it, and an edit button for a user who may change it. Scenarios and measures open here;
//! their forms are one click further.

use super::PageCommon;
use askama::Template;

/// One row of the summary list: a value, or a list of (href, label) links (an empty href is
/// shown as text).
pub struct Fact {
    pub label: String,
    pub value: String,
    pub links: Vec<(String, String)>,
}

impl Fact {
    pub fn text(label: String, value: impl Into<String>) -> Self {
        Fact {
            label,
            value: value.into(),
            links: vec![],
        }
    }
    pub fn links(label: String, links: Vec<(String, String)>) -> Self {
        Fact {
            label,
            value: String::new(),
            links,
        }
    }
}

/// A list of related objects: (href, label, detail), what to say when there are none, and an
/// action under it (href, label).
pub struct RecordList {
    pub id: &'static str,
    pub heading: String,
    pub items: Vec<(String, String, String)>,
    pub empty: String,
    pub action: Option<(String, String)>,
}

/// A decision that waits on the member reading the page (an information owner asked to accept
/// a risk): the request, a note, and the two answers.
pub struct DecisionBox {
    pub action: String,
    pub heading: String,
    pub text: String,
    pub note: String,
    /// The hint under the note field.
    pub hint: String,
    pub errors: Vec<crate::pages::FieldError>,
    pub accept: String,
    pub decline: String,
}

#[derive(Template)]
#[template(path = "record.html")]
pub struct Record {
    pub c: PageCommon,
    pub back_href: String,
    pub back_label: String,
    pub heading: String,
    /// (class, text) of the status chips under the heading.
    pub chips: Vec<(String, String)>,
    pub edit: Option<String>,
    pub facts: Vec<Fact>,
    pub lists: Vec<RecordList>,
    pub archive: crate::archive::ArchiveBox,
    pub decision: Option<DecisionBox>,
}

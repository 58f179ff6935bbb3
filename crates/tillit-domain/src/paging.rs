//! Pagination of lists: which page, how many per page, and the page's place in the whole.

use crate::error::{Rule, ValidationError, ValidationErrors};
use serde::Serialize;

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 200;
pub const MAX_PAGE: i64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl PageRequest {
    /// Parses optional `page` and `per_page` query values.
    pub fn parse(
        page: Option<&str>,
        per_page: Option<&str>,
    ) -> Result<PageRequest, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let page = errs.check(parse_int("page", page, 1, 1, MAX_PAGE));
        let per_page = errs.check(parse_int(
            "per_page",
            per_page,
            DEFAULT_PER_PAGE,
            1,
            MAX_PER_PAGE,
        ));
        errs.into_result()?;
        Ok(PageRequest {
            page: page.unwrap_or(1),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE),
        })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

fn parse_int(
    field: &str,
    v: Option<&str>,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, ValidationError> {
    match v.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => {
            let n: i64 = s
                .parse()
                .map_err(|_| ValidationError::new(field, Rule::InvalidFormat))?;
            if n < min || n > max {
                return Err(ValidationError::new(field, Rule::OutOfRange { min, max }));
            }
            Ok(n)
        }
    }
}

/// One page of a list, with what is needed to show the way to the others.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, req: PageRequest, total: i64) -> Self {
        Self {
            items,
            page: req.page,
            per_page: req.per_page,
            total,
        }
    }
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
}

/// The longest search text a list takes (`q`).
pub const MAX_SEARCH: usize = 200;

/// A list's search text (`q`): at most [`MAX_SEARCH`] characters.
pub fn search_text(q: &str) -> Result<&str, ValidationErrors> {
    if q.chars().count() > MAX_SEARCH {
        return Err(ValidationErrors::single(
            "q",
            Rule::TooLong { max: MAX_SEARCH },
        ));
    }
    Ok(q)
}

/// A yes/no filter of a list: empty is no filter, `yes` and `no` filter, any other word is
/// refused in the field's name.
pub fn yes_no(field: &str, v: &str) -> Result<Option<bool>, ValidationErrors> {
    match v {
        "" => Ok(None),
        "yes" => Ok(Some(true)),
        "no" => Ok(Some(false)),
        _ => Err(ValidationErrors::single(field, Rule::UnknownValue)),
    }
}

/// Whether a list shows the archived objects instead of those in use (`archived=yes`).
pub fn archived(v: &str) -> Result<bool, ValidationErrors> {
    Ok(yes_no("archived", v)? == Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_filter_is_yes_no_or_nothing_and_names_its_field_otherwise() {
        assert_eq!(yes_no("patient_data", ""), Ok(None));
        assert_eq!(yes_no("patient_data", "yes"), Ok(Some(true)));
        assert_eq!(yes_no("patient_data", "no"), Ok(Some(false)));
        let e = yes_no("patient_data", "ja").unwrap_err();
        assert_eq!(e.0[0].field, "patient_data");
        assert_eq!(e.0[0].rule, Rule::UnknownValue);
        assert_eq!(archived(""), Ok(false));
        assert_eq!(archived("no"), Ok(false));
        assert_eq!(archived("yes"), Ok(true));
        assert_eq!(archived("alla").unwrap_err().0[0].field, "archived");
    }

    #[test]
    fn a_search_text_is_at_most_two_hundred_characters() {
        assert_eq!(search_text(&"å".repeat(200)).map(str::len), Ok(400));
        let e = search_text(&"å".repeat(201)).unwrap_err();
        assert_eq!(e.0[0].rule, Rule::TooLong { max: 200 });
    }

    #[test]
    fn page_parameters_are_bounded_and_named() {
        assert_eq!(
            PageRequest::parse(None, None).unwrap(),
            PageRequest::default()
        );
        assert_eq!(
            PageRequest::parse(Some("3"), Some("20")).unwrap().offset(),
            40
        );
        let e = PageRequest::parse(Some("0"), Some("x")).unwrap_err();
        assert_eq!(e.0[0].field, "page");
        assert_eq!(e.0[1].field, "per_page");
        assert_eq!(e.0[1].rule, Rule::InvalidFormat);
        assert!(PageRequest::parse(None, Some("201")).is_err());
    }

    #[test]
    fn page_count_rounds_up() {
        let p: Page<()> = Page::new(
            vec![],
            PageRequest {
                page: 2,
                per_page: 50,
            },
            101,
        );
        assert_eq!(p.pages(), 3);
        assert!(p.has_prev() && p.has_next());
    }
}

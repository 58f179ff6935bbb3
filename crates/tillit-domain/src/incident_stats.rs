//! Incident statistics for the follow-up: how many incidents the organisation became aware of
//! per month (in Swedish time), by cause, and by type — a personal data breach, a significant
//! incident under the Cybersecurity Act, a (risk of) serious care injury (lex Maria), a serious
//! wrong in social care (lex Sarah), or none of these.

use crate::incident_case::{IncidentInput, CAUSES};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The types an incident can be of (one incident can be several).
pub const TYPES: &[&str] = &[
    "personal_data_breach",
    "significant",
    "care_injury",
    "social_care_wrong",
    "other",
];

/// The key of an incident whose cause is not recorded.
pub const UNKNOWN_CAUSE: &str = "unknown";

/// One month's incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    /// YYYY-MM
    pub month: String,
    pub total: usize,
    /// Counts in the order of [`causes`].
    pub by_cause: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentStats {
    /// The months, oldest first, ending with the current one.
    pub months: Vec<MonthRow>,
    /// (type, count) over the months, in the order of [`TYPES`].
    pub by_type: Vec<(String, usize)>,
    /// (cause, count) over the months, in the order of [`causes`].
    pub by_cause: Vec<(String, usize)>,
    pub total: usize,
}

/// The cause keys counted: the register's causes, then "unknown".
pub fn causes() -> Vec<&'static str> {
    let mut c = CAUSES.to_vec();
    c.push(UNKNOWN_CAUSE);
    c
}

/// The types of an incident.
pub fn types_of(x: &IncidentInput) -> Vec<&'static str> {
    let mut t = Vec::new();
    if x.personal_data == Some(true) {
        t.push("personal_data_breach");
    }
    if x.significant == Some(true) {
        t.push("significant");
    }
    if x.serious_care_injury == Some(true) {
        t.push("care_injury");
    }
    if x.serious_social_care_wrong == Some(true) {
        t.push("social_care_wrong");
    }
    if t.is_empty() {
        t.push("other");
    }
    t
}

/// The first day of the month `back` months before `d`'s.
fn month_start(d: NaiveDate, back: u32) -> NaiveDate {
    let index = d.year() * 12 + d.month0() as i32 - back as i32;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

/// The statistics of the incidents the organisation became aware of in the `months` months
/// ending with `today`'s (Swedish dates).
pub fn statistics(incidents: &[IncidentInput], today: NaiveDate, months: u32) -> IncidentStats {
    let months = months.max(1);
    let causes = causes();
    let mut rows: Vec<MonthRow> = (0..months)
        .rev()
        .map(|back| MonthRow {
            month: month_start(today, back).format("%Y-%m").to_string(),
            total: 0,
            by_cause: vec![0; causes.len()],
        })
        .collect();
    let mut by_type = vec![0usize; TYPES.len()];
    let mut total = 0;
    for x in incidents {
        let month = crate::time::swedish_day(x.aware_at)
            .format("%Y-%m")
            .to_string();
        let Some(row) = rows.iter_mut().find(|r| r.month == month) else {
            continue;
        };
        total += 1;
        row.total += 1;
        let cause = x.cause.as_deref().unwrap_or(UNKNOWN_CAUSE);
        let ci = causes
            .iter()
            .position(|c| *c == cause)
            .unwrap_or(causes.len() - 1);
        row.by_cause[ci] += 1;
        for t in types_of(x) {
            if let Some(i) = TYPES.iter().position(|k| *k == t) {
                by_type[i] += 1;
            }
        }
    }
    let by_cause = causes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.to_string(), rows.iter().map(|r| r.by_cause[i]).sum()))
        .collect();
    IncidentStats {
        by_type: TYPES
            .iter()
            .zip(by_type)
            .map(|(t, n)| (t.to_string(), n))
            .collect(),
        by_cause,
        months: rows,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident_case::{parse_incident, IncidentDraft};

    fn incident(aware: &str, cause: &str, personal_data: &str, significant: &str) -> IncidentInput {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-02T12:00:00Z")
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_default();
        parse_incident(
            &IncidentDraft {
                title: "x".into(),
                aware_at: aware.into(),
                cause: cause.into(),
                personal_data: personal_data.into(),
                significant: significant.into(),
                ..Default::default()
            },
            now,
        )
        .unwrap_or_else(|e| unreachable!("{e:?}"))
    }

    #[test]
    fn incidents_are_counted_by_swedish_month_cause_and_type() {
        let list = [
            // 23:30 UTC on 31 October is 00:30 on 1 November in Sweden (after the autumn change).
            incident("2026-10-31T23:30:00Z", "attack", "yes", "yes"),
            incident("2026-11-15T09:00", "mistake", "yes", "no"),
            incident("2026-11-20T09:00", "", "no", "no"),
            incident("2026-12-01T09:00", "supplier", "", ""),
            // Outside the three months.
            incident("2026-08-30T09:00", "attack", "yes", "yes"),
        ];
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default();
        let s = statistics(&list, today, 3);
        let months: Vec<(&str, usize)> = s
            .months
            .iter()
            .map(|m| (m.month.as_str(), m.total))
            .collect();
        assert_eq!(months, vec![("2026-10", 0), ("2026-11", 3), ("2026-12", 1)]);
        assert_eq!(s.total, 4);
        let count = |list: &[(String, usize)], k: &str| {
            list.iter()
                .find(|(x, _)| x == k)
                .map(|(_, n)| *n)
                .unwrap_or(99)
        };
        assert_eq!(count(&s.by_cause, "attack"), 1);
        assert_eq!(count(&s.by_cause, "unknown"), 1);
        assert_eq!(count(&s.by_type, "personal_data_breach"), 2);
        assert_eq!(count(&s.by_type, "significant"), 1);
        assert_eq!(count(&s.by_type, "other"), 2);
        let nov = &s.months[1];
        assert_eq!(nov.by_cause.iter().sum::<usize>(), 3);
    }

    #[test]
    fn twelve_months_cross_a_year_end() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap_or_default();
        let s = statistics(&[], today, 12);
        assert_eq!(s.months.first().map(|m| m.month.as_str()), Some("2025-02"));
        assert_eq!(s.months.last().map(|m| m.month.as_str()), Some("2026-01"));
    }
}

//! Handling times of supervision cases: how long a case has been with the authority, with the
//! time it waited for the provider (a request sent and not yet answered) counted separately, and
//! the statistics an authority follows them by.
//!
//! Förvaltningslagen 9 § asks that cases be handled as simply, quickly and cost-effectively as
//! possible without compromising legal certainty: the authority sets its own targets and sees the
//! cases older than them. Förvaltningslagen 12 § lets a party who started a case ask for a
//! decision after six months; a supervision case is started by the authority, so there the six
//! months are a yardstick, not a right.

use chrono::{DateTime, Months, Utc};

/// A stretch of time the case waited for the provider: from a request sent to its answer (none:
/// still waiting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

/// The time between `from` and `to` (or `now`), split into the authority's own time and the time
/// it waited for the provider; overlapping waits (several requests out at once) count once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// Days in all.
    pub total_days: f64,
    /// Days the case waited for the provider.
    pub waiting_days: f64,
}

impl Span {
    /// Days with the authority: the whole less the waiting.
    pub fn authority_days(&self) -> f64 {
        (self.total_days - self.waiting_days).max(0.0)
    }
}

fn days(d: chrono::Duration) -> f64 {
    d.num_seconds() as f64 / 86_400.0
}

/// The span from `from` to `to` (or `now` while open), with the waits inside it merged.
pub fn span(
    from: DateTime<Utc>,
    to: Option<DateTime<Utc>>,
    waits: &[Wait],
    now: DateTime<Utc>,
) -> Span {
    let end = to.unwrap_or(now).max(from);
    let mut parts: Vec<(DateTime<Utc>, DateTime<Utc>)> = waits
        .iter()
        .map(|w| (w.from.max(from), w.to.unwrap_or(end).min(end)))
        .filter(|(a, b)| a < b)
        .collect();
    parts.sort();
    let mut waiting = chrono::Duration::zero();
    let mut current: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
    for (a, b) in parts {
        current = match current {
            Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                waiting += cb - ca;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((ca, cb)) = current {
        waiting += cb - ca;
    }
    Span {
        total_days: days(end - from),
        waiting_days: days(waiting),
    }
}

/// How an open case stands against the authority's target and the six months of
/// förvaltningslagen 12 §.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age {
    /// The authority's own days (waiting excluded) exceed its target.
    pub over_target: bool,
    /// Six calendar months have passed since the case was opened (waiting included: the
    /// provision counts from when the case started).
    pub over_six_months: bool,
}

pub fn age(
    opened: DateTime<Utc>,
    waits: &[Wait],
    now: DateTime<Utc>,
    target_days: Option<u32>,
) -> Age {
    let s = span(opened, None, waits, now);
    Age {
        over_target: target_days.is_some_and(|t| s.authority_days() > f64::from(t)),
        over_six_months: opened
            .checked_add_months(Months::new(6))
            .is_some_and(|six| now >= six),
    }
}

/// The `p`th percentile (0–100) by nearest rank; none of no values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let p = p.clamp(0.0, 100.0);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v.get(rank.clamp(1, v.len()) - 1).copied()
}

/// The median (the 50th percentile by nearest rank).
pub fn median(values: &[f64]) -> Option<f64> {
    percentile(values, 50.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn waiting_for_the_provider_is_counted_apart_and_overlaps_once() {
        let opened = at("2026-01-01T00:00:00Z");
        let closed = at("2026-03-02T00:00:00Z"); // 60 days
        let waits = [
            Wait {
                from: at("2026-01-10T00:00:00Z"),
                to: Some(at("2026-01-20T00:00:00Z")),
            },
            // Overlaps the first by five days: together 15 days, not 20.
            Wait {
                from: at("2026-01-15T00:00:00Z"),
                to: Some(at("2026-01-25T00:00:00Z")),
            },
            Wait {
                from: at("2026-02-01T00:00:00Z"),
                to: Some(at("2026-02-06T00:00:00Z")),
            },
        ];
        let s = span(opened, Some(closed), &waits, at("2026-06-01T00:00:00Z"));
        assert_eq!(s.total_days, 60.0);
        assert_eq!(s.waiting_days, 20.0);
        assert_eq!(s.authority_days(), 40.0);
    }

    #[test]
    fn an_open_case_ages_until_now_and_an_unanswered_request_waits_until_now() {
        let opened = at("2026-01-01T00:00:00Z");
        let now = at("2026-01-31T00:00:00Z");
        let waits = [Wait {
            from: at("2026-01-21T00:00:00Z"),
            to: None,
        }];
        let s = span(opened, None, &waits, now);
        assert_eq!((s.total_days, s.waiting_days), (30.0, 10.0));
        // A wait outside the span does not count.
        let late = [Wait {
            from: at("2026-03-01T00:00:00Z"),
            to: None,
        }];
        assert_eq!(span(opened, None, &late, now).waiting_days, 0.0);
    }

    #[test]
    fn six_months_are_calendar_months_and_the_target_counts_the_authoritys_days() {
        let opened = at("2026-01-31T12:00:00Z");
        let waits = [Wait {
            from: at("2026-02-01T00:00:00Z"),
            to: Some(at("2026-04-01T00:00:00Z")),
        }];
        // 31 January + six months is 31 July.
        let a = age(opened, &waits, at("2026-07-31T11:59:00Z"), Some(120));
        assert!(!a.over_six_months);
        let a = age(opened, &waits, at("2026-07-31T12:00:00Z"), Some(120));
        assert!(a.over_six_months);
        // 181 days in all, 59 of them waiting: 122 > 120.
        assert!(a.over_target);
        assert!(!age(opened, &waits, at("2026-07-31T12:00:00Z"), Some(150)).over_target);
        assert!(!age(opened, &waits, at("2026-07-31T12:00:00Z"), None).over_target);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(median(&v), Some(5.0));
        assert_eq!(percentile(&v, 90.0), Some(9.0));
        assert_eq!(percentile(&v, 100.0), Some(10.0));
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[f64::NAN, 3.0], 50.0), Some(3.0));
    }
}

//! Handling times of supervision cases: how long a case has been with the authority, with the
//! time it waited for the provider (a request sent and not yet answered) counted separately, and
//! the statistics an authority follows them by.
//!
//! Förvaltningslagen 9 § asks that cases be handled as simply, quickly and cost-effectively as
//! possible without compromising legal certainty. The targets are the authority's own choice;
//! Tillit shows the cases older than them. Förvaltningslagen 12 § lets a party who started a case ask for a
//! decision after six months; a supervision case is started by the authority, so there the six
//! months are a yardstick, not a right.

use crate::supervision::CaseType;
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
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
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

/// A case's handling-time facts as the store keeps them, so that statistics over many cases
/// need no request rows: the waits closed so far as a running total, and the start of the wait
/// still open (requests out and not all answered).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseTimes {
    pub case_type: CaseType,
    pub opened: DateTime<Utc>,
    pub decided: Option<DateTime<Utc>>,
    pub closed: Option<DateTime<Utc>>,
    /// Seconds waited for the provider in waits that have ended (overlaps counted once).
    pub waited_seconds: i64,
    /// When the current wait began, if the case is waiting now.
    pub waiting_since: Option<DateTime<Utc>>,
    /// Seconds waited before the first decision (taken when it was issued).
    pub waited_before_decision: Option<i64>,
}

impl CaseTimes {
    /// Days waited up to `until` (the current wait counted up to it).
    fn waited_days(&self, until: DateTime<Utc>) -> f64 {
        let open = self
            .waiting_since
            .map(|s| (until - s).num_seconds().max(0))
            .unwrap_or(0);
        (self.waited_seconds + open) as f64 / 86_400.0
    }
    /// From opening to the first decision: in all, and the authority's own days.
    pub fn to_decision(&self) -> Option<Span> {
        let d = self.decided?;
        Some(Span {
            total_days: days(d - self.opened).max(0.0),
            waiting_days: self.waited_before_decision.unwrap_or(0) as f64 / 86_400.0,
        })
    }
    /// From opening to closing.
    pub fn to_close(&self) -> Option<Span> {
        let c = self.closed?;
        Some(Span {
            total_days: days(c - self.opened).max(0.0),
            waiting_days: self.waited_days(c),
        })
    }
    /// An open case's age now.
    pub fn open_span(&self, now: DateTime<Utc>) -> Span {
        Span {
            total_days: days(now - self.opened).max(0.0),
            waiting_days: self.waited_days(now),
        }
    }
}

/// Median and 90th percentile of some durations in days, in all and the authority's own.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Summary {
    pub count: usize,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    pub authority_median: Option<f64>,
    pub authority_p90: Option<f64>,
}

impl Summary {
    pub fn of(spans: &[Span]) -> Summary {
        let total: Vec<f64> = spans.iter().map(|s| s.total_days).collect();
        let own: Vec<f64> = spans.iter().map(Span::authority_days).collect();
        Summary {
            count: spans.len(),
            median: median(&total),
            p90: percentile(&total, 90.0),
            authority_median: median(&own),
            authority_p90: percentile(&own, 90.0),
        }
    }
}

/// The age bands open cases are counted in: up to 30 days, 31–90, 91–180, over 180.
pub const AGE_BANDS: [u32; 3] = [30, 90, 180];

/// The statistics of one case type (or of all, `case_type` none) over a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TypeStatistics {
    pub case_type: Option<CaseType>,
    pub target_days: Option<u32>,
    /// Cases opened in the period.
    pub opened: usize,
    /// Cases whose first decision fell in the period, and their times to it.
    pub to_decision: Summary,
    /// Of those, decided within the target (authority's days).
    pub decided_within_target: usize,
    /// Cases closed in the period, and their times to closing.
    pub to_close: Summary,
    /// Cases open now, by age band (total days).
    pub open: usize,
    pub open_by_age: [usize; 4],
    /// Open now and undecided past the target (authority's days).
    pub over_target: usize,
    /// Open now and opened more than six calendar months ago.
    pub over_six_months: usize,
}

/// Statistics per case type and for all together (last), for the period `[from, to)`; open cases
/// are counted as they stand `now`. Targets are days to a decision, the authority's own days.
pub fn statistics(
    cases: &[CaseTimes],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
    targets: &[(CaseType, u32)],
) -> Vec<TypeStatistics> {
    let target_of = |t: CaseType| targets.iter().find(|(k, _)| *k == t).map(|(_, d)| *d);
    let within = |d: &DateTime<Utc>| *d >= from && *d < to;
    let mut out = Vec::new();
    for case_type in CaseType::ALL.into_iter().map(Some).chain([None]) {
        let mine: Vec<&CaseTimes> = cases
            .iter()
            .filter(|c| case_type.is_none_or(|t| c.case_type == t))
            .collect();
        let decided: Vec<(&CaseTimes, Span)> = mine
            .iter()
            .filter(|c| c.decided.as_ref().is_some_and(within))
            .filter_map(|c| c.to_decision().map(|s| (*c, s)))
            .collect();
        let closed: Vec<Span> = mine
            .iter()
            .filter(|c| c.closed.as_ref().is_some_and(within))
            .filter_map(|c| c.to_close())
            .collect();
        let mut open_by_age = [0usize; 4];
        let (mut open, mut over_target, mut over_six_months) = (0, 0, 0);
        for c in mine.iter().filter(|c| c.closed.is_none()) {
            open += 1;
            let s = c.open_span(now);
            let band = AGE_BANDS
                .iter()
                .position(|b| s.total_days <= f64::from(*b))
                .unwrap_or(AGE_BANDS.len());
            open_by_age[band] += 1;
            let undecided_over = c.decided.is_none()
                && target_of(c.case_type).is_some_and(|t| s.authority_days() > f64::from(t));
            if undecided_over {
                over_target += 1;
            }
            if c.opened
                .checked_add_months(Months::new(6))
                .is_some_and(|six| now >= six)
            {
                over_six_months += 1;
            }
        }
        let spans: Vec<Span> = decided.iter().map(|(_, s)| *s).collect();
        out.push(TypeStatistics {
            case_type,
            target_days: case_type.and_then(target_of),
            opened: mine.iter().filter(|c| within(&c.opened)).count(),
            decided_within_target: decided
                .iter()
                .filter(|(c, s)| {
                    target_of(c.case_type).is_some_and(|t| s.authority_days() <= f64::from(t))
                })
                .count(),
            to_decision: Summary::of(&spans),
            to_close: Summary::of(&closed),
            open,
            open_by_age,
            over_target,
            over_six_months,
        });
    }
    out
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

    fn times(t: CaseType, opened: &str, decided: Option<&str>, closed: Option<&str>) -> CaseTimes {
        CaseTimes {
            case_type: t,
            opened: at(opened),
            decided: decided.map(at),
            closed: closed.map(at),
            waited_seconds: 0,
            waiting_since: None,
            waited_before_decision: decided.map(|_| 0),
        }
    }

    #[test]
    fn statistics_count_the_period_exclude_waiting_and_age_open_cases() {
        let now = at("2026-12-01T00:00:00Z");
        let (from, to) = (at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"));
        let mut waited = times(
            CaseType::Planned,
            "2026-01-01T00:00:00Z",
            Some("2026-04-11T00:00:00Z"), // 100 days
            Some("2026-05-01T00:00:00Z"),
        );
        waited.waited_before_decision = Some(40 * 86_400);
        waited.waited_seconds = 40 * 86_400;
        let cases = [
            waited,
            times(
                CaseType::Planned,
                "2026-02-01T00:00:00Z",
                Some("2026-02-21T00:00:00Z"), // 20 days
                None,
            ),
            // Decided before the period: not in its times.
            times(
                CaseType::Planned,
                "2025-01-01T00:00:00Z",
                Some("2025-02-01T00:00:00Z"),
                Some("2025-03-01T00:00:00Z"),
            ),
            // Open, undecided, 200 days old, waiting for the provider for the last 100.
            CaseTimes {
                waiting_since: Some(at("2026-08-23T00:00:00Z")),
                ..times(CaseType::Complaint, "2026-05-15T00:00:00Z", None, None)
            },
        ];
        let s = statistics(
            &cases,
            from,
            to,
            now,
            &[(CaseType::Planned, 30), (CaseType::Complaint, 90)],
        );
        let planned = &s[0];
        assert_eq!(planned.case_type, Some(CaseType::Planned));
        assert_eq!(planned.opened, 2);
        assert_eq!(planned.to_decision.count, 2);
        // Nearest rank of [20, 100]: the median is 20, the 90th percentile 100.
        assert_eq!(planned.to_decision.median, Some(20.0));
        assert_eq!(planned.to_decision.p90, Some(100.0));
        // The authority's own days: 20 and 60.
        assert_eq!(planned.to_decision.authority_p90, Some(60.0));
        assert_eq!(planned.decided_within_target, 1);
        assert_eq!(planned.to_close.count, 1);
        assert_eq!(planned.to_close.authority_median, Some(80.0));
        assert_eq!(planned.open, 1);
        assert_eq!(
            planned.over_target, 0,
            "decided cases are not over the target to a decision"
        );
        let complaint = &s[1];
        assert_eq!(complaint.open, 1);
        assert_eq!(complaint.open_by_age, [0, 0, 0, 1]);
        // 200 days old, 100 of them waiting: 100 > 90.
        assert_eq!(complaint.over_target, 1);
        assert_eq!(complaint.over_six_months, 1);
        let all = s.last().unwrap();
        assert_eq!(all.case_type, None);
        assert_eq!((all.opened, all.open, all.to_decision.count), (3, 2, 2));
    }
}

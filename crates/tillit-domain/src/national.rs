//! National figures for a supervising authority: what the submissions it has received say about
//! the providers, aggregated per county, kind of organisation and requirement area — and the rule
//! that keeps any one organisation from being seen in them.
//!
//! **The rule.** No figure is shown for a group of fewer than [`MIN_GROUP`] organisations. Groups
//! below it are merged into one group of the rest ("Övriga"). Because the table's total is shown
//! too, a single small group would be found by subtracting the shown groups from the total, so the
//! rest always holds at least [`MIN_GROUP`] organisations: when the small groups together are
//! fewer, the smallest shown groups join them until the rest is large enough. When the whole
//! population is below the threshold, nothing is shown.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The fewest organisations a shown figure may rest on.
pub const MIN_GROUP: i64 = 5;

/// The figures of one submission that the national figures read (from the figures kept beside
/// every submission an authority receives: [`crate::ranking::figures_of`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SubmissionFigures {
    /// region, municipality or private_provider, as the provider said.
    pub kind: String,
    pub compliance_percent: Option<i64>,
    /// Requirement area → per cent met.
    pub areas: Vec<(String, i64)>,
    pub latest_risk_analysis: Option<NaiveDate>,
    pub latest_access_approval: Option<NaiveDate>,
    pub incidents_12m: i64,
    pub unclassified: i64,
    pub untreated_risks: i64,
    pub overdue_measures: i64,
    pub missing_access_analyses: i64,
    pub overdue_reports: i64,
}

impl SubmissionFigures {
    /// Reads the kept figures; a missing or malformed value reads as absent or zero.
    pub fn from_figures(f: &serde_json::Value) -> SubmissionFigures {
        let n = |v: &serde_json::Value| v.as_i64().unwrap_or(0).max(0);
        let day = |v: &serde_json::Value| v.as_str().and_then(crate::time::day_of);
        let areas = f["compliance"]["areas"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| {
                        Some((
                            x["area"].as_str()?.to_string(),
                            x["percent_met"].as_i64()?.clamp(0, 100),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        SubmissionFigures {
            kind: f["organisation"]["kind"].as_str().unwrap_or("").to_string(),
            compliance_percent: f["compliance"]["percent_met"]
                .as_i64()
                .map(|p| p.clamp(0, 100)),
            areas,
            latest_risk_analysis: day(&f["risk"]["latest_risk_analysis"]),
            latest_access_approval: day(&f["access_needs_analysis"]["latest_approved"]),
            incidents_12m: n(&f["incidents"]["last_12_months"]),
            unclassified: n(&f["classification"]["unclassified"]),
            untreated_risks: n(&f["risk"]["above_tolerance_untreated"]),
            overdue_measures: n(&f["measures"]["overdue"]),
            missing_access_analyses: n(
                &f["access_needs_analysis"]["systems_with_patient_data_missing_one"]
            ),
            overdue_reports: n(&f["incidents"]["reports_overdue_now"]),
        }
    }
}

/// Whether an analysis made on `made` was current when a submission was made on `on`: made
/// within the twelve months before it.
pub fn current_on(made: Option<NaiveDate>, on: NaiveDate) -> bool {
    match made {
        Some(d) => d <= on && on - d <= chrono::Duration::days(365),
        None => false,
    }
}

/// The quarter a day falls in, as `2026-4`.
pub fn quarter_of(d: NaiveDate) -> String {
    format!("{}-{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// The sums a group's figures are made of, so that groups can be merged before anything is
/// divided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sums {
    /// Organisations in the group.
    pub orgs: i64,
    /// Of them, those with a compliance figure, and its sum.
    pub with_compliance: i64,
    pub compliance_sum: i64,
    pub risk_current: i64,
    pub access_current: i64,
    pub incidents: i64,
    pub with_unclassified: i64,
    pub with_untreated_risks: i64,
    pub with_overdue_measures: i64,
    pub with_missing_access: i64,
    pub with_overdue_reports: i64,
}

impl std::ops::AddAssign for Sums {
    fn add_assign(&mut self, o: Sums) {
        self.orgs += o.orgs;
        self.with_compliance += o.with_compliance;
        self.compliance_sum += o.compliance_sum;
        self.risk_current += o.risk_current;
        self.access_current += o.access_current;
        self.incidents += o.incidents;
        self.with_unclassified += o.with_unclassified;
        self.with_untreated_risks += o.with_untreated_risks;
        self.with_overdue_measures += o.with_overdue_measures;
        self.with_missing_access += o.with_missing_access;
        self.with_overdue_reports += o.with_overdue_reports;
    }
}

impl Sums {
    /// The sums of one organisation's submission made on `on`.
    pub fn of(f: &SubmissionFigures, on: NaiveDate) -> Sums {
        Sums {
            orgs: 1,
            with_compliance: i64::from(f.compliance_percent.is_some()),
            compliance_sum: f.compliance_percent.unwrap_or(0),
            risk_current: i64::from(current_on(f.latest_risk_analysis, on)),
            access_current: i64::from(current_on(f.latest_access_approval, on)),
            incidents: f.incidents_12m,
            with_unclassified: i64::from(f.unclassified > 0),
            with_untreated_risks: i64::from(f.untreated_risks > 0),
            with_overdue_measures: i64::from(f.overdue_measures > 0),
            with_missing_access: i64::from(f.missing_access_analyses > 0),
            with_overdue_reports: i64::from(f.overdue_reports > 0),
        }
    }

    /// Mean compliance in per cent, rounded; none when no organisation had a figure.
    pub fn compliance(&self) -> Option<i64> {
        ratio(self.compliance_sum, self.with_compliance, 1)
    }
    pub fn risk_share(&self) -> Option<i64> {
        ratio(self.risk_current, self.orgs, 100)
    }
    pub fn access_share(&self) -> Option<i64> {
        ratio(self.access_current, self.orgs, 100)
    }
    /// Incidents per organisation in tenths (12 = 1.2).
    pub fn incidents_per_org_tenths(&self) -> Option<i64> {
        ratio(self.incidents, self.orgs, 10)
    }
    /// The share (per cent) of organisations with each kind of gap, in a fixed order.
    pub fn gap_shares(&self) -> [(GapKind, Option<i64>); 5] {
        [
            (
                GapKind::Unclassified,
                ratio(self.with_unclassified, self.orgs, 100),
            ),
            (
                GapKind::UntreatedRisks,
                ratio(self.with_untreated_risks, self.orgs, 100),
            ),
            (
                GapKind::OverdueMeasures,
                ratio(self.with_overdue_measures, self.orgs, 100),
            ),
            (
                GapKind::MissingAccessAnalysis,
                ratio(self.with_missing_access, self.orgs, 100),
            ),
            (
                GapKind::OverdueIncidentReports,
                ratio(self.with_overdue_reports, self.orgs, 100),
            ),
        ]
    }
}

fn ratio(num: i64, den: i64, scale: i64) -> Option<i64> {
    if den <= 0 {
        return None;
    }
    // Rounded half up, in whole numbers (no float drift between backends).
    Some((2 * num * scale + den) / (2 * den))
}

/// The gaps the national figures count organisations by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    Unclassified,
    UntreatedRisks,
    OverdueMeasures,
    MissingAccessAnalysis,
    OverdueIncidentReports,
}

impl GapKind {
    pub fn key(self) -> &'static str {
        match self {
            GapKind::Unclassified => "unclassified",
            GapKind::UntreatedRisks => "untreated_risks",
            GapKind::OverdueMeasures => "overdue_measures",
            GapKind::MissingAccessAnalysis => "missing_access_analysis",
            GapKind::OverdueIncidentReports => "overdue_incident_reports",
        }
    }
}

/// A row of a protected table: one group as it is, the rest merged, or the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The group's key; for the rest, the keys merged into it (never shown with figures of
    /// their own).
    pub keys: Vec<String>,
    pub rest: bool,
    pub sums: Sums,
}

/// A table of groups with the rule applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Protected {
    /// Groups shown on their own, largest first, then the rest (if any).
    pub rows: Vec<Row>,
    pub total: Sums,
    /// Nothing may be shown: the whole population is below the threshold.
    pub suppressed: bool,
}

/// Applies the rule to a partition of the organisations into groups: (key, sums).
pub fn protect(groups: Vec<(String, Sums)>) -> Protected {
    let mut total = Sums::default();
    for (_, s) in &groups {
        total += *s;
    }
    if total.orgs < MIN_GROUP {
        return Protected {
            rows: vec![],
            total: Sums::default(),
            suppressed: true,
        };
    }
    let mut groups: Vec<(String, Sums)> = groups.into_iter().filter(|(_, s)| s.orgs > 0).collect();
    // Largest first; equal sizes by key, so the result does not depend on the input's order.
    groups.sort_by(|a, b| b.1.orgs.cmp(&a.1.orgs).then_with(|| a.0.cmp(&b.0)));
    let (mut shown, mut small): (Vec<_>, Vec<_>) =
        groups.into_iter().partition(|(_, s)| s.orgs >= MIN_GROUP);
    let mut rest = Sums::default();
    for (_, s) in &small {
        rest += *s;
    }
    // A rest smaller than the threshold would be found by subtraction: the smallest shown
    // groups join it until it is large enough.
    while !small.is_empty() && rest.orgs < MIN_GROUP {
        match shown.pop() {
            Some(g) => {
                rest += g.1;
                small.push(g);
            }
            None => break,
        }
    }
    let mut rows: Vec<Row> = shown
        .into_iter()
        .map(|(k, s)| Row {
            keys: vec![k],
            rest: false,
            sums: s,
        })
        .collect();
    if !small.is_empty() {
        let mut keys: Vec<String> = small.into_iter().map(|(k, _)| k).collect();
        keys.sort();
        rows.push(Row {
            keys,
            rest: true,
            sums: rest,
        });
    }
    Protected {
        rows,
        total,
        suppressed: false,
    }
}

/// A mean of a figure over organisations, shown only when it rests on enough of them.
pub fn protected_mean(sum: i64, orgs: i64) -> Option<i64> {
    if orgs < MIN_GROUP {
        None
    } else {
        ratio(sum, orgs, 1)
    }
}

/// A mark of published support as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SupportMarkBody))]
#[serde(deny_unknown_fields)]
pub struct SupportMarkDraft {
    /// What was published: a guidance document, a method, a training effort.
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub title: String,
    /// The day it was published (YYYY-MM-DD), today or earlier.
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub published_on: String,
    /// The authority's guidance document it was, if published in Tillit.
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub guidance_doc_key: String,
    /// The requirement areas it concerns (none: compliance as a whole).
    #[serde(default, deserialize_with = "crate::draft::texts")]
    pub areas: Vec<String>,
    /// The kinds of organisation it concerns (none: all): region, municipality, private_provider.
    #[serde(default, deserialize_with = "crate::draft::texts")]
    pub org_kinds: Vec<String>,
    /// The months before and after to compare: 3, 6 or 12 (default 6).
    #[serde(default, deserialize_with = "crate::draft::number")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub window_months: String,
}

/// A mark, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportMark {
    pub title: String,
    pub published_on: NaiveDate,
    pub guidance_doc_key: Option<String>,
    pub areas: Vec<String>,
    pub org_kinds: Vec<String>,
    pub window_months: i64,
}

/// The kinds of organisation a mark may concern.
pub const MARK_KINDS: &[&str] = &["region", "municipality", "private_provider"];

impl SupportMarkDraft {
    /// Checks the mark against the requirement areas known and today's date.
    pub fn parse(
        &self,
        known_area: impl Fn(&str) -> bool,
        today: NaiveDate,
    ) -> Result<SupportMark, crate::ValidationErrors> {
        use crate::{Rule, ValidationError};
        let mut errs = crate::ValidationErrors::new();
        let title = errs.check(crate::text::required("title", &self.title, 200));
        let published_on = match NaiveDate::parse_from_str(self.published_on.trim(), "%Y-%m-%d") {
            _ if self.published_on.trim().is_empty() => {
                errs.push(ValidationError::new("published_on", Rule::Required));
                None
            }
            Ok(d) if d > today => {
                errs.push(ValidationError::new("published_on", Rule::InTheFuture));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errs.push(ValidationError::new("published_on", Rule::InvalidFormat));
                None
            }
        };
        let guidance = errs
            .check(crate::text::optional(
                "guidance_doc_key",
                &self.guidance_doc_key,
                100,
            ))
            .flatten();
        let clean = |v: &[String]| {
            let mut out: Vec<String> = v
                .iter()
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect();
            out.sort();
            out.dedup();
            out
        };
        let areas = clean(&self.areas);
        // An area the authority's catalog does not hold depends on the catalog it works against.
        if areas.iter().any(|a| !known_area(a)) {
            errs.push(ValidationError::new("areas", Rule::NotFound));
        }
        let org_kinds = clean(&self.org_kinds);
        if org_kinds.iter().any(|k| !MARK_KINDS.contains(&k.as_str())) {
            errs.push(ValidationError::new("org_kinds", Rule::UnknownValue));
        }
        let window_months = match self.window_months.trim() {
            "" => Some(6),
            "3" => Some(3),
            "6" => Some(6),
            "12" => Some(12),
            _ => {
                errs.push(ValidationError::new("window_months", Rule::UnknownValue));
                None
            }
        };
        errs.into_result()?;
        match (title, published_on, window_months) {
            (Some(title), Some(published_on), Some(window_months)) => Ok(SupportMark {
                title,
                published_on,
                guidance_doc_key: guidance,
                areas,
                org_kinds,
                window_months,
            }),
            _ => Err(crate::ValidationErrors::single("title", Rule::Required)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(key: &str, orgs: i64) -> (String, Sums) {
        (
            key.to_string(),
            Sums {
                orgs,
                with_compliance: orgs,
                compliance_sum: orgs * 50,
                ..Sums::default()
            },
        )
    }

    fn shown_keys(p: &Protected) -> Vec<Vec<String>> {
        p.rows.iter().map(|r| r.keys.clone()).collect()
    }

    #[test]
    fn a_group_of_five_is_shown_and_a_group_of_four_is_not() {
        let p = protect(vec![
            group("Uppsala län", 5),
            group("Gotlands län", 4),
            group("Skåne län", 9),
        ]);
        // Gotland (4) cannot stand alone; with Uppsala (5) joined to it the rest holds 9.
        assert_eq!(
            shown_keys(&p),
            vec![
                vec!["Skåne län".to_string()],
                vec!["Gotlands län".into(), "Uppsala län".into()]
            ]
        );
        assert!(p.rows.iter().all(|r| r.sums.orgs >= MIN_GROUP));
        assert_eq!(p.total.orgs, 18);
        let five = protect(vec![group("Uppsala län", 5), group("Skåne län", 9)]);
        assert_eq!(five.rows.len(), 2);
        assert!(
            !five.rows.iter().any(|r| r.rest),
            "two groups of five or more stand alone"
        );
    }

    #[test]
    fn a_small_group_is_never_found_by_subtraction_from_the_total() {
        // Shown: 10 and 7; total 21. A lone group of 4 would be 21 − 10 − 7 = 4: it must be
        // merged with the smallest shown group instead.
        let p = protect(vec![group("A", 10), group("B", 7), group("C", 4)]);
        let rest = p.rows.iter().find(|r| r.rest).unwrap();
        assert_eq!(rest.keys, vec!["B".to_string(), "C".into()]);
        assert_eq!(rest.sums.orgs, 11);
        // Whatever is shown, total minus the groups shown alone is never below the threshold.
        for sizes in [
            vec![5, 1],
            vec![6, 6, 1],
            vec![20, 1, 1, 1],
            vec![5, 5, 5, 4],
            vec![9, 3, 2],
        ] {
            let groups: Vec<_> = sizes
                .iter()
                .enumerate()
                .map(|(i, n)| group(&format!("g{i}"), *n))
                .collect();
            let p = protect(groups);
            let alone: i64 = p.rows.iter().filter(|r| !r.rest).map(|r| r.sums.orgs).sum();
            let hidden = p.total.orgs - alone;
            assert!(
                hidden == 0 || hidden >= MIN_GROUP,
                "{sizes:?}: {hidden} found by subtraction"
            );
            assert!(p.rows.iter().all(|r| r.sums.orgs >= MIN_GROUP), "{sizes:?}");
        }
    }

    #[test]
    fn small_groups_are_merged_into_the_rest() {
        let p = protect(vec![group("A", 12), group("B", 3), group("C", 2)]);
        assert_eq!(
            shown_keys(&p),
            vec![vec!["A".to_string()], vec!["B".into(), "C".into()]]
        );
        assert_eq!(p.rows[1].sums.orgs, 5);
        assert_eq!(p.rows[1].sums.compliance(), Some(50));
    }

    #[test]
    fn fewer_than_five_organisations_in_all_shows_nothing() {
        let p = protect(vec![group("A", 2), group("B", 2)]);
        assert!(p.suppressed);
        assert!(p.rows.is_empty());
        assert_eq!(p.total, Sums::default(), "not even the total");
    }

    #[test]
    fn means_round_half_up_in_whole_numbers() {
        let s = Sums {
            orgs: 3,
            with_compliance: 3,
            compliance_sum: 200,
            risk_current: 2,
            ..Sums::default()
        };
        assert_eq!(s.compliance(), Some(67));
        assert_eq!(s.risk_share(), Some(67));
        assert_eq!(protected_mean(200, 3), None);
        assert_eq!(protected_mean(250, 5), Some(50));
    }

    #[test]
    fn an_analysis_is_current_for_twelve_months() {
        let on = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert!(current_on(NaiveDate::from_ymd_opt(2025, 12, 1), on));
        assert!(!current_on(NaiveDate::from_ymd_opt(2025, 11, 30), on));
        assert!(
            !current_on(NaiveDate::from_ymd_opt(2026, 12, 2), on),
            "made after the submission"
        );
        assert!(!current_on(None, on));
    }

    #[test]
    fn a_mark_names_each_bad_field() {
        use crate::Rule;
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let d = SupportMarkDraft {
            title: "".into(),
            published_on: "2027-01-01".into(),
            areas: vec!["sty".into(), "moon".into()],
            org_kinds: vec!["authority".into()],
            window_months: "5".into(),
            ..Default::default()
        };
        let e = d.parse(|a| a == "sty", today).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "title",
                "published_on",
                "areas",
                "org_kinds",
                "window_months"
            ]
        );
        assert_eq!(e.0[2].rule, Rule::NotFound);
        let ok = SupportMarkDraft {
            title: "Vägledning om behörigheter".into(),
            published_on: "2026-06-01".into(),
            areas: vec!["sty".into()],
            ..Default::default()
        }
        .parse(|a| a == "sty", today)
        .unwrap();
        assert_eq!(ok.window_months, 6);
        assert!(ok.org_kinds.is_empty());
    }

    #[test]
    fn figures_are_read_from_a_submission_leniently() {
        let f = serde_json::json!({
            "organisation": {"kind": "municipality"},
            "compliance": {"percent_met": 140, "areas": [{"area": "sty", "percent_met": 40}, {"area": 3}]},
            "risk": {"latest_risk_analysis": "2026-03-01", "above_tolerance_untreated": 2},
            "incidents": {"last_12_months": -3},
        });
        let s = SubmissionFigures::from_figures(&f);
        assert_eq!(s.kind, "municipality");
        assert_eq!(s.compliance_percent, Some(100));
        assert_eq!(s.areas, vec![("sty".to_string(), 40)]);
        assert_eq!(s.incidents_12m, 0);
        assert_eq!(s.untreated_risks, 2);
        assert_eq!(s.latest_access_approval, None);
        assert_eq!(
            quarter_of(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            "2026-4"
        );
    }
}

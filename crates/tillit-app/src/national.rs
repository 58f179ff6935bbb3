//! National figures for a supervising authority: compliance and its trend, the common gaps, the
//! share of organisations with a current risk analysis and access-needs analysis, and incident
//! counts, aggregated per county, kind of organisation and requirement area from the submissions
//! the authority has received — never for fewer than five organisations
//! (`tillit_domain::national`). And the marks of support it published, with the figures before
//! and after.

use crate::acting::Acting;
use crate::error::Result;
use crate::App;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use tillit_domain::national::{
    protect, protected_mean, GapKind, Protected, Sums, SupportMarkDraft, MIN_GROUP,
};
use tillit_domain::role::Permission;
use tillit_store::{NewSupportMark, SupportMark};

/// A requirement area's mean compliance over the organisations that reported it.
#[derive(Debug, Clone, Serialize)]
pub struct AreaFigure {
    pub area: String,
    pub title: String,
    pub orgs: i64,
    /// None when fewer than five organisations reported the area.
    pub percent: Option<i64>,
}

/// One quarter of the trend; `sums` is None when fewer than five organisations submitted.
#[derive(Debug, Clone, Serialize)]
pub struct QuarterFigure {
    pub quarter: String,
    pub sums: Option<Sums>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NationalFigures {
    pub as_of: String,
    /// The first day of any submission the figures rest on.
    pub since: Option<String>,
    /// Every organisation's latest submission, protected as a whole: none below five.
    pub total: Option<Sums>,
    pub by_county: Protected,
    pub by_kind: Protected,
    pub areas: Vec<AreaFigure>,
    /// The share of organisations with each kind of gap, most common first.
    pub gaps: Vec<(GapKind, i64)>,
    pub trend: Vec<QuarterFigure>,
}

/// Figures computed once per authority, language and day, with the version they were computed
/// at. Any change they read raises the version (in the same transaction), so a hit is never out
/// of date; the day is part of the key because "current" and the periods depend on it.
#[derive(Default)]
pub struct Cache {
    entries: std::sync::Mutex<HashMap<(String, String), Cached>>,
}

#[derive(Clone)]
struct Cached {
    version: i64,
    day: NaiveDate,
    figures: Option<Arc<NationalFigures>>,
    marks: Option<Arc<Vec<MarkFigures>>>,
}

impl Cache {
    fn get(&self, key: &(String, String), version: i64, day: NaiveDate) -> Option<Cached> {
        let map = self.entries.lock().ok()?;
        map.get(key)
            .filter(|c| c.version == version && c.day == day)
            .cloned()
    }

    fn put(
        &self,
        key: (String, String),
        version: i64,
        day: NaiveDate,
        f: impl FnOnce(&mut Cached),
    ) {
        if let Ok(mut map) = self.entries.lock() {
            let e = map.entry(key).or_insert(Cached {
                version,
                day,
                figures: None,
                marks: None,
            });
            if e.version != version || e.day != day {
                *e = Cached {
                    version,
                    day,
                    figures: None,
                    marks: None,
                };
            }
            f(e);
        }
    }
}

/// The national figures of the acting authority.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn figures(app: &App, who: &Acting, lang: &str) -> Result<Arc<NationalFigures>> {
    who.require(Permission::ViewSupervision)?;
    let key = (who.org_id().to_string(), lang.to_string());
    let version = app.store.national_version(who.tenant()).await?;
    let day = crate::today_date();
    if let Some(f) = app
        .national_cache
        .get(&key, version, day)
        .and_then(|c| c.figures)
    {
        return Ok(f);
    }
    let f = Arc::new(compute(app, who, lang).await?);
    let kept = f.clone();
    app.national_cache
        .put(key, version, day, |c| c.figures = Some(kept));
    Ok(f)
}

async fn compute(app: &App, who: &Acting, lang: &str) -> Result<NationalFigures> {
    let t = who.tenant();
    let ((county, kind), areas, trend, since) = tokio::try_join!(
        app.store.national_groups(t),
        app.store.national_areas(t),
        app.store.national_trend(t),
        app.store.national_first_day(t),
    )?;
    let by_county = protect(county);
    let by_kind = protect(kind);
    let total = (!by_kind.suppressed).then_some(by_kind.total);
    let lib = app.library(who);
    let titles: HashMap<&str, &str> = lib
        .areas
        .iter()
        .map(|a| (a.id.as_str(), a.title(lang)))
        .collect();
    let areas = areas
        .into_iter()
        .map(|(area, orgs, sum)| AreaFigure {
            title: titles
                .get(area.as_str())
                .copied()
                .unwrap_or(&area)
                .to_string(),
            percent: protected_mean(sum, orgs),
            area,
            orgs,
        })
        .collect();
    let mut gaps: Vec<(GapKind, i64)> = total
        .map(|t| {
            t.gap_shares()
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?)))
                .collect()
        })
        .unwrap_or_default();
    gaps.sort_by_key(|g| std::cmp::Reverse(g.1));
    let trend = trend
        .into_iter()
        .map(|(quarter, s)| QuarterFigure {
            quarter,
            sums: (s.orgs >= MIN_GROUP).then_some(s),
        })
        .collect();
    Ok(NationalFigures {
        as_of: crate::today(),
        since,
        total,
        by_county,
        by_kind,
        areas,
        gaps,
        trend,
    })
}

/// The figures of one period of a mark: the organisations concerned, each with its last
/// submission in the period. Every figure is None below five organisations.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodFigures {
    pub from: String,
    /// The day after the period's last day.
    pub until: String,
    pub orgs: i64,
    pub compliance: Option<i64>,
    pub risk_share: Option<i64>,
    pub access_share: Option<i64>,
    /// Per area concerned: the mean, when enough organisations reported it.
    pub areas: Vec<(String, Option<i64>)>,
}

/// The organisations that submitted in both periods, and how their figures changed.
#[derive(Debug, Clone, Serialize)]
pub struct Paired {
    pub orgs: i64,
    /// The mean change of compliance in percentage points (after − before); None below five.
    pub compliance_change: Option<i64>,
    pub areas: Vec<(String, Option<i64>)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MarkFigures {
    pub mark: SupportMark,
    pub area_titles: Vec<String>,
    pub before: PeriodFigures,
    pub after: PeriodFigures,
    pub paired: Paired,
    /// The after period has not ended yet.
    pub after_running: bool,
}

/// The marks of the acting authority, newest first, each with its figures before and after.
pub async fn marks(app: &App, who: &Acting, lang: &str) -> Result<Arc<Vec<MarkFigures>>> {
    who.require(Permission::ViewSupervision)?;
    let key = (who.org_id().to_string(), lang.to_string());
    let version = app.store.national_version(who.tenant()).await?;
    let day = crate::today_date();
    if let Some(m) = app
        .national_cache
        .get(&key, version, day)
        .and_then(|c| c.marks)
    {
        return Ok(m);
    }
    let lib = app.library(who);
    let mut out = Vec::new();
    for mark in app.store.support_marks(who.tenant()).await? {
        out.push(mark_figures(app, who, mark, &lib, lang, day).await?);
    }
    let out = Arc::new(out);
    let kept = out.clone();
    app.national_cache
        .put(key, version, day, |c| c.marks = Some(kept));
    Ok(out)
}

/// A quarter as (year, 1–4).
pub type Quarter = (i32, u32);

/// The quarter of a day.
fn quarter(d: NaiveDate) -> (i32, u32) {
    (d.year(), (d.month() - 1) / 3 + 1)
}

fn quarter_start((y, q): (i32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, (q - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
}

fn step((y, q): (i32, u32), by: i32) -> (i32, u32) {
    let n = y * 4 + (q as i32 - 1) + by;
    (n.div_euclid(4), (n.rem_euclid(4) + 1) as u32)
}

fn key((y, q): (i32, u32)) -> String {
    format!("{y}-{q}")
}

/// The whole quarters before and after a day of publication: `n` quarters that ended before it,
/// and `n` that began on it or later (a quarter it falls in the middle of belongs to neither).
pub fn periods(published: NaiveDate, n: i32) -> (Vec<Quarter>, Vec<Quarter>) {
    let q = quarter(published);
    let first_after = if quarter_start(q) == published {
        q
    } else {
        step(q, 1)
    };
    let last_before = step(q, -1);
    let before = (0..n).map(|i| step(last_before, -(n - 1 - i))).collect();
    let after = (0..n).map(|i| step(first_after, i)).collect();
    (before, after)
}

async fn mark_figures(
    app: &App,
    who: &Acting,
    mark: SupportMark,
    lib: &crate::library::Library,
    lang: &str,
    today: NaiveDate,
) -> Result<MarkFigures> {
    let t = who.tenant();
    let published = NaiveDate::parse_from_str(&mark.published_on, "%Y-%m-%d")
        .map_err(crate::Error::internal)?;
    let n = i32::try_from(mark.window_months / 3).unwrap_or(2).max(1);
    let (before_q, after_q) = periods(published, n);
    let now = quarter(today);
    // Quarters of the period after that have begun; the period runs until its last has ended.
    let after_begun: Vec<(i32, u32)> = after_q.iter().copied().filter(|q| *q <= now).collect();
    let running = after_q.last().is_some_and(|q| *q >= now);
    let from = before_q
        .first()
        .copied()
        .map(quarter_start)
        .unwrap_or(published);
    let end_before = before_q
        .last()
        .map(|q| quarter_start(step(*q, 1)))
        .unwrap_or(published);
    let from_after = after_q
        .first()
        .copied()
        .map(quarter_start)
        .unwrap_or(published);
    let until = after_q
        .last()
        .map(|q| quarter_start(step(*q, 1)))
        .unwrap_or(published);
    let areas = mark.areas.clone();
    let kinds = mark.org_kinds.clone();
    let before_keys: Vec<String> = before_q.iter().copied().map(key).collect();
    let after_keys: Vec<String> = after_begun.iter().copied().map(key).collect();
    let (before, after) = tokio::try_join!(
        app.store.national_period(t, &before_keys, &kinds, &areas),
        app.store.national_period(t, &after_keys, &kinds, &areas),
    )?;
    let period = |rows: &[tillit_store::PeriodRow], from: NaiveDate, until: NaiveDate| {
        let mut s = Sums::default();
        for r in rows {
            s += r.sums;
        }
        let enough = s.orgs >= MIN_GROUP;
        PeriodFigures {
            from: from.to_string(),
            until: until.to_string(),
            orgs: s.orgs,
            compliance: if s.with_compliance >= MIN_GROUP {
                s.compliance()
            } else {
                None
            },
            risk_share: s.risk_share().filter(|_| enough),
            access_share: s.access_share().filter(|_| enough),
            areas: areas
                .iter()
                .map(|a| {
                    let vals: Vec<i64> = rows
                        .iter()
                        .filter_map(|r| r.areas.iter().find(|(x, _)| x == a).map(|(_, p)| *p))
                        .collect();
                    (
                        a.clone(),
                        protected_mean(vals.iter().sum(), vals.len() as i64),
                    )
                })
                .collect(),
        }
    };
    // The same organisations before and after: how their own figures moved.
    let before_by_org: HashMap<&str, &tillit_store::PeriodRow> =
        before.iter().map(|r| (r.org_number.as_str(), r)).collect();
    let pairs: Vec<(&tillit_store::PeriodRow, &tillit_store::PeriodRow)> = after
        .iter()
        .filter_map(|a| before_by_org.get(a.org_number.as_str()).map(|b| (*b, a)))
        .collect();
    let changes: Vec<i64> = pairs
        .iter()
        .filter(|(b, a)| b.sums.with_compliance == 1 && a.sums.with_compliance == 1)
        .map(|(b, a)| a.sums.compliance_sum - b.sums.compliance_sum)
        .collect();
    let paired = Paired {
        orgs: pairs.len() as i64,
        compliance_change: protected_change(&changes),
        areas: areas
            .iter()
            .map(|area| {
                let d: Vec<i64> = pairs
                    .iter()
                    .filter_map(|(b, a)| {
                        let pb = b.areas.iter().find(|(x, _)| x == area)?.1;
                        let pa = a.areas.iter().find(|(x, _)| x == area)?.1;
                        Some(pa - pb)
                    })
                    .collect();
                (area.clone(), protected_change(&d))
            })
            .collect(),
    };
    let titles = areas
        .iter()
        .map(|a| {
            lib.areas
                .iter()
                .find(|x| &x.id == a)
                .map(|x| x.title(lang).to_string())
                .unwrap_or_else(|| a.clone())
        })
        .collect();
    Ok(MarkFigures {
        before: period(&before, from, end_before),
        after: period(&after, from_after, until),
        paired,
        after_running: running,
        area_titles: titles,
        mark,
    })
}

/// The mean of changes (which may be negative), rounded half away from zero; None below five.
fn protected_change(d: &[i64]) -> Option<i64> {
    let n = d.len() as i64;
    if n < MIN_GROUP {
        return None;
    }
    let sum: i64 = d.iter().sum();
    let m = (2 * sum.abs() + n) / (2 * n);
    Some(if sum < 0 { -m } else { m })
}

/// Marks a piece of published support for follow-up (the supervision lead).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_support(app: &App, who: &Acting, d: &SupportMarkDraft) -> Result<SupportMark> {
    who.require(Permission::LeadSupervision)?;
    let lib = app.library(who);
    let m = d.parse(|a| lib.areas.iter().any(|x| x.id == a), crate::today_date())?;
    if let Some(key) = &m.guidance_doc_key {
        let known = app.store.guidance_versions(who.org_id(), key).await?;
        if known.is_empty() {
            return Err(tillit_domain::ValidationErrors::single(
                "guidance_doc_key",
                tillit_domain::Rule::NotFound,
            )
            .into());
        }
    }
    Ok(app
        .store
        .create_support_mark(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            &NewSupportMark {
                title: m.title,
                published_on: m.published_on.to_string(),
                guidance_doc_key: m.guidance_doc_key,
                areas: m.areas,
                org_kinds: m.org_kinds,
                window_months: m.window_months,
            },
        )
        .await?)
}

/// The requirement areas of the authority's catalog: (id, title).
pub fn areas(app: &App, who: &Acting, lang: &str) -> Vec<(String, String)> {
    app.library(who)
        .areas
        .iter()
        .map(|a| (a.id.clone(), a.title(lang).to_string()))
        .collect()
}

/// The figures as one table for export: one row per group of each breakdown, with the rule
/// applied as on the page (the rest named by the groups merged into it).
pub fn table(
    f: &NationalFigures,
    lang: &str,
    kind_label: &dyn Fn(&str) -> String,
    rest_label: &str,
) -> crate::tabular::Table {
    let en = lang == "en";
    let h = |sv: &str, e: &str| if en { e.to_string() } else { sv.to_string() };
    let headers = vec![
        h("Indelning", "Breakdown"),
        h("Grupp", "Group"),
        h("Organisationer", "Organisations"),
        h("Efterlevnad (%)", "Compliance (%)"),
        h("Aktuell riskanalys (%)", "Current risk analysis (%)"),
        h(
            "Aktuell behovs- och riskanalys (%)",
            "Current access-needs analysis (%)",
        ),
        h(
            "Incidenter per organisation (12 mån)",
            "Incidents per organisation (12 months)",
        ),
    ];
    let num = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    let tenths = |v: Option<i64>| {
        v.map(|t| format!("{}.{}", t / 10, t % 10))
            .unwrap_or_default()
    };
    let row = |breakdown: &str, group: String, s: &Sums| {
        vec![
            breakdown.to_string(),
            group,
            s.orgs.to_string(),
            num(s.compliance()),
            num(s.risk_share()),
            num(s.access_share()),
            tenths(s.incidents_per_org_tenths()),
        ]
    };
    let mut rows = Vec::new();
    if let Some(t) = &f.total {
        rows.push(row(&h("Totalt", "Total"), h("Alla", "All"), t));
    }
    let groups =
        |p: &Protected, name: &str, label: &dyn Fn(&str) -> String, rows: &mut Vec<Vec<String>>| {
            for r in &p.rows {
                let group = if r.rest {
                    format!(
                        "{rest_label} ({})",
                        r.keys
                            .iter()
                            .map(|k| label(k))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    label(&r.keys[0])
                };
                rows.push(row(name, group, &r.sums));
            }
        };
    let county = |k: &str| {
        if k.is_empty() {
            h("Län okänt", "County unknown")
        } else {
            k.to_string()
        }
    };
    groups(&f.by_county, &h("Län", "County"), &county, &mut rows);
    groups(
        &f.by_kind,
        &h("Slag av organisation", "Kind of organisation"),
        kind_label,
        &mut rows,
    );
    for a in &f.areas {
        rows.push(vec![
            h("Kravområde", "Requirement area"),
            a.title.clone(),
            a.orgs.to_string(),
            num(a.percent),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for q in &f.trend {
        match &q.sums {
            Some(s) => rows.push(row(&h("Kvartal", "Quarter"), q.quarter.clone(), s)),
            None => rows.push(vec![
                h("Kvartal", "Quarter"),
                q.quarter.clone(),
                h("färre än fem", "fewer than five"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]),
        }
    }
    crate::tabular::Table { headers, rows }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_are_whole_quarters_around_the_day_of_publication() {
        // Published on the first day of a quarter: that quarter is the first after.
        assert_eq!(
            super::periods(d("2026-04-01"), 1),
            (vec![(2026, 1)], vec![(2026, 2)])
        );
        // In the middle of a quarter: the quarter belongs to neither.
        assert_eq!(
            super::periods(d("2026-05-15"), 2),
            (vec![(2025, 4), (2026, 1)], vec![(2026, 3), (2026, 4)])
        );
        assert_eq!(
            super::periods(d("2026-01-01"), 2),
            (vec![(2025, 3), (2025, 4)], vec![(2026, 1), (2026, 2)])
        );
    }

    #[test]
    fn a_mean_change_rounds_away_from_zero_and_needs_five() {
        assert_eq!(super::protected_change(&[1, 2, 3, 4]), None);
        assert_eq!(super::protected_change(&[1, 2, 3, 4, 5]), Some(3));
        assert_eq!(super::protected_change(&[-1, -2, -3, -4, -5]), Some(-3));
        assert_eq!(super::protected_change(&[0, 0, 0, 1, 2]), Some(1));
    }
}

//! The reporting obligations of an incident: a pure function from the incident's facts and the
//! organisation's to what must be reported to whom, by when, on which provision, and why it
//! applies or not.
//!
//! Time is handled the way the law counts it. Hours are elapsed time from awareness (a
//! daylight-saving change moves the local time shown, never the instant). A month is a calendar
//! month in Swedish time that ends at the end of the matching day (31 January plus one month ends
//! with the last day of February). Where a deadline falls on a Saturday, Sunday, public holiday,
//! midsommarafton, julafton or nyårsafton, the next weekday is given too, since lag (1930:173) may
//! move it there; both are shown.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Stockholm;
use serde::Serialize;

/// Whether a fact is known, and what it is.
pub type Known = Option<bool>;

/// The organisation's part in the processing the breach concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataRole {
    Controller,
    Processor,
}

/// The risk a personal data breach poses to people, as assessed (GDPR arts. 33–34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachRisk {
    /// Not assessed yet: the notification is due until someone assesses otherwise.
    Unassessed,
    /// Unlikely to result in a risk to people's rights and freedoms: no notification, but the
    /// assessment is documented (art. 33.5).
    Unlikely,
    Risk,
    HighRisk,
}

/// Why people need not be told of a high-risk breach (art. 34.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Art34Exception {
    /// The data was unintelligible to anyone not authorised (e.g. encrypted).
    Unintelligible,
    /// Measures taken since make the high risk no longer likely.
    RiskNoLongerLikely,
    /// Telling each person would take disproportionate effort: a public communication instead.
    DisproportionateEffort,
}

/// What the incident's register holds that the obligations depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentFacts {
    /// When the organisation became aware: the legal clock.
    pub aware_at: DateTime<Utc>,
    /// Personal data was involved (a personal data breach).
    pub personal_data: Known,
    pub role: DataRole,
    pub risk: BreachRisk,
    pub art34_exception: Option<Art34Exception>,
    /// A significant incident under the Cybersecurity Act, as assessed.
    pub significant: Known,
    /// When the incident notification to the CSIRT was sent (the final report's clock).
    pub nis2_notification_sent_at: Option<DateTime<Utc>>,
    /// Still ongoing when the final report falls due (a progress report instead, then a final one).
    pub ongoing: bool,
    /// A progress report has been sent to the CSIRT: the final report is then due one month after
    /// the incident has been handled (NIS2 art. 23.4).
    pub nis2_progress_report_sent: bool,
    /// Caused or could have caused a serious vårdskada (lex Maria).
    pub serious_care_injury: Known,
    /// An allvarligt missförhållande or a påtaglig risk för one in social care (lex Sarah).
    pub serious_social_care_wrong: Known,
}

/// What the organisation's facts say about the obligations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgContext {
    pub cybersecurity_act: bool,
    pub health_care: bool,
    pub social_care: bool,
}

/// An obligation to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Early warning to the CSIRT (Cybersecurity Act).
    Nis2EarlyWarning,
    /// Personal data breach notification to IMY (art. 33).
    ImyNotification,
    /// A processor notifies the controller (art. 33.2).
    ControllerNotification,
    /// Incident notification to the CSIRT.
    Nis2Notification,
    /// Communication to the data subjects (art. 34).
    DataSubjects,
    /// Lex Maria report to IVO.
    LexMaria,
    /// Lex Sarah report to IVO.
    LexSarah,
    /// Progress report to the CSIRT when the incident is still ongoing at the final report's time.
    Nis2ProgressReport,
    /// Final report to the CSIRT.
    Nis2FinalReport,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Nis2EarlyWarning,
        Kind::ImyNotification,
        Kind::ControllerNotification,
        Kind::Nis2Notification,
        Kind::DataSubjects,
        Kind::LexMaria,
        Kind::LexSarah,
        Kind::Nis2ProgressReport,
        Kind::Nis2FinalReport,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Kind::Nis2EarlyWarning => "nis2_early_warning",
            Kind::ImyNotification => "imy_notification",
            Kind::ControllerNotification => "controller_notification",
            Kind::Nis2Notification => "nis2_notification",
            Kind::DataSubjects => "data_subjects",
            Kind::LexMaria => "lex_maria",
            Kind::LexSarah => "lex_sarah",
            Kind::Nis2ProgressReport => "nis2_progress_report",
            Kind::Nis2FinalReport => "nis2_final_report",
        }
    }
    pub fn from_key(k: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|x| x.key() == k)
    }
    /// Who receives the report.
    pub fn recipient(self) -> Recipient {
        match self {
            Kind::ImyNotification => Recipient::Imy,
            Kind::ControllerNotification => Recipient::Controller,
            Kind::DataSubjects => Recipient::DataSubjects,
            Kind::LexMaria | Kind::LexSarah => Recipient::Ivo,
            Kind::Nis2EarlyWarning
            | Kind::Nis2Notification
            | Kind::Nis2ProgressReport
            | Kind::Nis2FinalReport => Recipient::Csirt,
        }
    }
    /// The provision the obligation rests on, written as the law is cited.
    pub fn provision(self) -> &'static str {
        match self {
            Kind::ImyNotification => "GDPR art. 33",
            Kind::ControllerNotification => "GDPR art. 33.2",
            Kind::DataSubjects => "GDPR art. 34",
            Kind::Nis2EarlyWarning
            | Kind::Nis2Notification
            | Kind::Nis2ProgressReport
            | Kind::Nis2FinalReport => "cybersäkerhetslag (2025:1506) 2 kap. 5–8 §§",
            Kind::LexMaria => "patientsäkerhetslagen (2010:659) 3 kap. 5 §",
            Kind::LexSarah => "socialtjänstlagen (2025:400); LSS",
        }
    }
}

/// Who a report goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    Imy,
    /// The controller the organisation processes for.
    Controller,
    DataSubjects,
    /// The CSIRT unit (cybersäkerhetsförordning (2025:1507) 6 §); its home may move, so the
    /// organisation's settings name it.
    Csirt,
    Ivo,
}

/// Whether the obligation applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    Yes,
    No,
    /// A fact it depends on is not known yet; it is shown as due until it is.
    NotYetKnown,
}

/// When a report is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Due {
    /// By an instant.
    By { at: DateTime<Utc> },
    /// Without undue delay and, where feasible, by an instant (art. 33).
    WithoutUndueDelayBy { at: DateTime<Utc> },
    /// Without undue delay, with no hour fixed (art. 33.2, art. 34).
    WithoutUndueDelay,
    /// As soon as possible ("snarast": lex Maria, lex Sarah).
    Snarast,
    /// Within one month of the incident having been handled (the final report after a progress
    /// report): no instant until it is handled.
    MonthAfterHandled,
}

impl Due {
    /// The instant, when the obligation has one.
    pub fn at(&self) -> Option<DateTime<Utc>> {
        match self {
            Due::By { at } | Due::WithoutUndueDelayBy { at } => Some(*at),
            Due::WithoutUndueDelay | Due::Snarast | Due::MonthAfterHandled => None,
        }
    }
}

/// Why an obligation applies or not: a reason key (for the words) — never prose here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    PersonalDataBreach,
    NoPersonalData,
    PersonalDataNotKnown,
    RiskUnlikelyDocumented,
    RiskNotAssessed,
    ProcessorTellsController,
    ControllerTellsImy,
    HighRisk,
    HighRiskException,
    NotHighRisk,
    NotCoveredByCybersecurityAct,
    SignificantIncident,
    NotSignificant,
    SignificanceNotAssessed,
    FinalReportAfterNotification,
    FinalReportFromNotificationDeadline,
    StillOngoing,
    FinalReportAfterHandling,
    SeriousCareInjury,
    NoSeriousCareInjury,
    CareInjuryNotAssessed,
    NoHealthCare,
    SeriousSocialCareWrong,
    NoSeriousSocialCareWrong,
    SocialCareWrongNotAssessed,
    NoSocialCare,
}

/// One obligation as the engine computes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Obligation {
    pub kind: Kind,
    pub recipient: Recipient,
    pub applies: Applies,
    pub due: Due,
    /// When the deadline falls on a day lag (1930:173) may move past, the next weekday.
    pub next_weekday: Option<NaiveDate>,
    pub provision: &'static str,
    pub reason: Reason,
}

/// Every obligation of the incident, in the order they fall due, those that do not apply last.
pub fn obligations(f: &IncidentFacts, org: &OrgContext) -> Vec<Obligation> {
    let mut out = breach_notification(f);
    out.extend([data_subjects(f), lex_maria(f, org), lex_sarah(f, org)]);
    out.extend(nis2(f, org));
    out.sort_by_key(|o| {
        (
            o.applies == Applies::No,
            o.due.at().unwrap_or(DateTime::<Utc>::MAX_UTC),
            o.kind,
        )
    });
    out
}

fn obligation(kind: Kind, applies: Applies, due: Due, reason: Reason) -> Obligation {
    Obligation {
        kind,
        recipient: kind.recipient(),
        applies,
        next_weekday: due.at().and_then(next_weekday_if_moved),
        due,
        provision: kind.provision(),
        reason,
    }
}

/// Art. 33: to IMY within 72 hours of awareness where feasible, unless unlikely to result in a
/// risk; a processor tells the controller instead, without undue delay. Both are answered: the
/// one the organisation's part does not call for says whose it is.
fn breach_notification(f: &IncidentFacts) -> Vec<Obligation> {
    let mine = own_breach_notification(f);
    let other = match f.role {
        DataRole::Controller => obligation(
            Kind::ControllerNotification,
            Applies::No,
            Due::WithoutUndueDelay,
            Reason::ControllerTellsImy,
        ),
        DataRole::Processor => obligation(
            Kind::ImyNotification,
            Applies::No,
            Due::WithoutUndueDelayBy {
                at: f.aware_at + Duration::hours(72),
            },
            Reason::ProcessorTellsController,
        ),
    };
    vec![mine, other]
}

fn own_breach_notification(f: &IncidentFacts) -> Obligation {
    let by = f.aware_at + Duration::hours(72);
    let (kind, due, yes_reason) = match f.role {
        DataRole::Controller => (
            Kind::ImyNotification,
            Due::WithoutUndueDelayBy { at: by },
            Reason::ControllerTellsImy,
        ),
        DataRole::Processor => (
            Kind::ControllerNotification,
            Due::WithoutUndueDelay,
            Reason::ProcessorTellsController,
        ),
    };
    match (f.personal_data, f.role, f.risk) {
        (Some(false), ..) => obligation(kind, Applies::No, due, Reason::NoPersonalData),
        (None, ..) => obligation(
            kind,
            Applies::NotYetKnown,
            due,
            Reason::PersonalDataNotKnown,
        ),
        // A processor tells its controller of every breach; the controller assesses the risk.
        (Some(true), DataRole::Processor, _) => obligation(kind, Applies::Yes, due, yes_reason),
        (Some(true), DataRole::Controller, BreachRisk::Unlikely) => {
            obligation(kind, Applies::No, due, Reason::RiskUnlikelyDocumented)
        }
        (Some(true), DataRole::Controller, BreachRisk::Unassessed) => {
            obligation(kind, Applies::NotYetKnown, due, Reason::RiskNotAssessed)
        }
        (Some(true), DataRole::Controller, _) => obligation(kind, Applies::Yes, due, yes_reason),
    }
}

/// Art. 34: the people concerned, without undue delay, when the risk is high — unless an
/// exception of art. 34.3 is recorded. A processor leaves this to the controller.
fn data_subjects(f: &IncidentFacts) -> Obligation {
    let due = Due::WithoutUndueDelay;
    let k = Kind::DataSubjects;
    match (f.personal_data, f.role, f.risk, f.art34_exception) {
        (Some(false), ..) => obligation(k, Applies::No, due, Reason::NoPersonalData),
        (_, DataRole::Processor, ..) => {
            obligation(k, Applies::No, due, Reason::ProcessorTellsController)
        }
        (None, ..) => obligation(k, Applies::NotYetKnown, due, Reason::PersonalDataNotKnown),
        (Some(true), _, BreachRisk::Unassessed, _) => {
            obligation(k, Applies::NotYetKnown, due, Reason::RiskNotAssessed)
        }
        (Some(true), _, BreachRisk::HighRisk, Some(_)) => {
            obligation(k, Applies::No, due, Reason::HighRiskException)
        }
        (Some(true), _, BreachRisk::HighRisk, None) => {
            obligation(k, Applies::Yes, due, Reason::HighRisk)
        }
        (Some(true), ..) => obligation(k, Applies::No, due, Reason::NotHighRisk),
    }
}

fn lex_maria(f: &IncidentFacts, org: &OrgContext) -> Obligation {
    let k = Kind::LexMaria;
    if !org.health_care {
        return obligation(k, Applies::No, Due::Snarast, Reason::NoHealthCare);
    }
    match f.serious_care_injury {
        Some(true) => obligation(k, Applies::Yes, Due::Snarast, Reason::SeriousCareInjury),
        Some(false) => obligation(k, Applies::No, Due::Snarast, Reason::NoSeriousCareInjury),
        None => obligation(
            k,
            Applies::NotYetKnown,
            Due::Snarast,
            Reason::CareInjuryNotAssessed,
        ),
    }
}

fn lex_sarah(f: &IncidentFacts, org: &OrgContext) -> Obligation {
    let k = Kind::LexSarah;
    if !org.social_care {
        return obligation(k, Applies::No, Due::Snarast, Reason::NoSocialCare);
    }
    match f.serious_social_care_wrong {
        Some(true) => obligation(
            k,
            Applies::Yes,
            Due::Snarast,
            Reason::SeriousSocialCareWrong,
        ),
        Some(false) => obligation(
            k,
            Applies::No,
            Due::Snarast,
            Reason::NoSeriousSocialCareWrong,
        ),
        None => obligation(
            k,
            Applies::NotYetKnown,
            Due::Snarast,
            Reason::SocialCareWrongNotAssessed,
        ),
    }
}

/// The Cybersecurity Act: early warning within 24 hours and incident notification within 72 hours
/// of awareness; the final report one month after the incident notification (a progress report
/// then instead, when the incident is still ongoing).
fn nis2(f: &IncidentFacts, org: &OrgContext) -> Vec<Obligation> {
    let early = Due::By {
        at: f.aware_at + Duration::hours(24),
    };
    let notification_by = f.aware_at + Duration::hours(72);
    let notification = Due::By {
        at: notification_by,
    };
    let (final_from, final_reason) = match f.nis2_notification_sent_at {
        Some(sent) => (sent, Reason::FinalReportAfterNotification),
        None => (notification_by, Reason::FinalReportFromNotificationDeadline),
    };
    let final_due = Due::By {
        at: one_month_after(final_from),
    };
    let all = [
        (Kind::Nis2EarlyWarning, early),
        (Kind::Nis2Notification, notification),
        (Kind::Nis2ProgressReport, final_due),
        (Kind::Nis2FinalReport, final_due),
    ];
    let (applies, reason) = match (org.cybersecurity_act, f.significant) {
        (false, _) => (Applies::No, Reason::NotCoveredByCybersecurityAct),
        (true, Some(false)) => (Applies::No, Reason::NotSignificant),
        (true, None) => (Applies::NotYetKnown, Reason::SignificanceNotAssessed),
        (true, Some(true)) => (Applies::Yes, Reason::SignificantIncident),
    };
    all.into_iter()
        .map(|(kind, due)| match kind {
            Kind::Nis2ProgressReport if applies != Applies::No && !f.ongoing => {
                obligation(kind, Applies::No, due, Reason::FinalReportAfterNotification)
            }
            Kind::Nis2ProgressReport if applies != Applies::No => {
                obligation(kind, applies, due, Reason::StillOngoing)
            }
            // Ongoing with a progress report sent: the final report one month after handling.
            Kind::Nis2FinalReport
                if applies != Applies::No && f.ongoing && f.nis2_progress_report_sent =>
            {
                obligation(
                    kind,
                    applies,
                    Due::MonthAfterHandled,
                    Reason::FinalReportAfterHandling,
                )
            }
            Kind::Nis2FinalReport if applies != Applies::No => {
                obligation(kind, applies, due, final_reason)
            }
            _ => obligation(kind, applies, due, reason),
        })
        .collect()
}

/// The end of the matching day one calendar month later, in Swedish time (the last day of a
/// shorter month when it has no matching day).
pub fn one_month_after(t: DateTime<Utc>) -> DateTime<Utc> {
    let local = t.with_timezone(&Stockholm).date_naive();
    let (y, m) = if local.month() == 12 {
        (local.year() + 1, 1)
    } else {
        (local.year(), local.month() + 1)
    };
    let mut day = local.day();
    let date = loop {
        if let Some(d) = NaiveDate::from_ymd_opt(y, m, day) {
            break d;
        }
        day -= 1;
    };
    end_of_swedish_day(date)
}

/// The last instant of a day in Sweden (23:59:59 local time).
pub fn end_of_swedish_day(d: NaiveDate) -> DateTime<Utc> {
    let next = d.succ_opt().unwrap_or(d);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Midnight exists on every Swedish day (the clocks change at 02:00 and 03:00).
    match Stockholm.from_local_datetime(&midnight).earliest() {
        Some(t) => t.with_timezone(&Utc) - Duration::seconds(1),
        None => Utc.from_utc_datetime(&midnight),
    }
}

/// When an instant falls on a Saturday, Sunday, public holiday, midsommarafton, julafton or
/// nyårsafton in Sweden: the next day that is none of these (lag (1930:173)).
pub fn next_weekday_if_moved(t: DateTime<Utc>) -> Option<NaiveDate> {
    let d = t.with_timezone(&Stockholm).date_naive();
    if is_working_day(d) {
        return None;
    }
    let mut n = d;
    loop {
        n = n.succ_opt()?;
        if is_working_day(n) {
            return Some(n);
        }
    }
}

/// A weekday that is not a Swedish public holiday nor midsommarafton, julafton or nyårsafton.
pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday_or_eve(d)
}

/// Swedish public holidays (Easter and Midsummer computed) and the three eves lag
/// (1930:173) treats the same way.
pub fn is_holiday_or_eve(d: NaiveDate) -> bool {
    let (m, day) = (d.month(), d.day());
    let fixed = matches!(
        (m, day),
        (1, 1) | (1, 6) | (5, 1) | (6, 6) | (12, 24) | (12, 25) | (12, 26) | (12, 31)
    );
    if fixed {
        return true;
    }
    let easter = easter_sunday(d.year());
    let from_easter = (d - easter).num_days();
    // Good Friday, Easter Sunday, Easter Monday, Ascension Day, Whit Sunday.
    if matches!(from_easter, -2 | 0 | 1 | 39 | 49) {
        return true;
    }
    // Midsummer Eve (Friday 19–25 June) and Midsummer Day (Saturday 20–26 June).
    if m == 6
        && ((d.weekday() == Weekday::Fri && (19..=25).contains(&day))
            || (d.weekday() == Weekday::Sat && (20..=26).contains(&day)))
    {
        return true;
    }
    // All Saints' Day: the Saturday 31 October – 6 November.
    d.weekday() == Weekday::Sat && ((m == 10 && day == 31) || (m == 11 && day <= 6))
}

/// Easter Sunday of a year (the Gregorian computus, anonymous algorithm).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or_default()
}

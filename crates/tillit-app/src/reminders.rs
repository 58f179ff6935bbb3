//! E-mail reminders of incident reporting deadlines.
//!
//! A background task (started by the web server when SMTP is configured) asks, every interval,
//! which reminders are due: for each report an incident calls for and that is not marked sent,
//! the latest configured point before its deadline that has come (12 and 2 hours by default),
//! or `overdue` once the deadline has passed. Only the latest point is planned, so an incident
//! registered an hour before a deadline gets one reminder, not two. Each reminder is planned
//! once per recipient (stored, so a restart neither loses nor repeats it) and sent over SMTP; a
//! failure is retried with a doubling pause. Sending never runs in a request.

use crate::error::Result;
use crate::App;
use chrono::{DateTime, Utc};
use std::time::Duration;
use tillit_domain::incident::{Applies, Kind, Obligation};
use tillit_store::Tenant;
pub use tillit_store::{Contact, NewReminder, Reminder};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// STARTTLS on a plain connection (port 587).
    StartTls,
    /// TLS from the start (port 465).
    Tls,
    /// No encryption: only for a server on the same host or a test.
    None,
}

impl SmtpSecurity {
    pub fn parse(s: &str) -> Option<SmtpSecurity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Some(SmtpSecurity::StartTls),
            "tls" => Some(SmtpSecurity::Tls),
            "none" => Some(SmtpSecurity::None),
            _ => None,
        }
    }
}

/// The SMTP server and the reminders' schedule. The password is never printed.
#[derive(Clone)]
pub struct MailConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub user: Option<String>,
    pub password: Option<String>,
    /// The sender address (`Tillit <tillit@region.example>`).
    pub from: String,
    /// The address Tillit is reached at, for links in messages (`https://tillit.region.example`).
    pub public_url: Option<String>,
    /// Hours before a deadline to remind (default 12 and 2).
    pub hours_before: Vec<u32>,
    /// How often the task looks for reminders to plan and send.
    pub interval: Duration,
    /// The pause after a first failure; it doubles with each further one, up to an hour.
    pub retry_base: Duration,
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("from", &self.from)
            .field("hours_before", &self.hours_before)
            .finish()
    }
}

impl MailConfig {
    pub fn new(host: String, port: u16, security: SmtpSecurity, from: String) -> MailConfig {
        MailConfig {
            host,
            port,
            security,
            user: None,
            password: None,
            from,
            public_url: None,
            hours_before: vec![12, 2],
            interval: Duration::from_secs(60),
            retry_base: Duration::from_secs(30),
        }
    }
}

/// The most attempts made to send one reminder.
pub const MAX_ATTEMPTS: i64 = 30;

/// Sends e-mail over SMTP.
#[derive(Clone)]
pub struct Mailer {
    transport: lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl Mailer {
    pub fn new(c: &MailConfig) -> std::result::Result<Mailer, String> {
        use lettre::transport::smtp::authentication::Credentials;
        use lettre::transport::smtp::client::{Tls, TlsParameters};
        use lettre::AsyncSmtpTransport;
        let from: lettre::message::Mailbox = c
            .from
            .parse()
            .map_err(|e| format!("smtp from {:?}: {e}", c.from))?;
        let tls =
            || TlsParameters::new(c.host.clone()).map_err(|e| format!("smtp tls {}: {e}", c.host));
        let mut b = AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous(&c.host)
            .port(c.port)
            .timeout(Some(Duration::from_secs(20)));
        b = match c.security {
            SmtpSecurity::StartTls => b.tls(Tls::Required(tls()?)),
            SmtpSecurity::Tls => b.tls(Tls::Wrapper(tls()?)),
            SmtpSecurity::None => b.tls(Tls::None),
        };
        if let (Some(u), Some(p)) = (&c.user, &c.password) {
            b = b.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(Mailer {
            transport: b.build(),
            from,
        })
    }

    /// Sends one plain-text message.
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
    ) -> std::result::Result<(), String> {
        use lettre::AsyncTransport;
        let to: lettre::message::Mailbox =
            to.parse().map_err(|e| format!("recipient {to:?}: {e}"))?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// A reminder whose time has come, before it is written for each recipient.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub tenant: Tenant,
    pub incident_id: String,
    pub incident_title: String,
    pub obligation: Obligation,
    /// `before_12h`, `before_2h` or `overdue`.
    pub point: String,
    /// The hours before the deadline of a `before_…` point.
    pub hours_before: Option<u32>,
    pub recipients: Vec<Contact>,
}

/// The point of the reminder schedule a deadline has reached at `now`: overdue once it has
/// passed, else the closest configured point before it that has come, else none.
pub fn point_reached(
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    hours_before: &[u32],
) -> Option<(String, Option<u32>)> {
    if now >= due {
        return Some(("overdue".into(), None));
    }
    hours_before
        .iter()
        .copied()
        .filter(|h| due - chrono::Duration::hours(i64::from(*h)) <= now)
        .min()
        .map(|h| (format!("before_{h}h"), Some(h)))
}

/// Who is reminded: the organisation's information-security coordinators and administrators,
/// and for a personal data breach its data protection officer too. Read once per organisation:
/// (everyone but the DPO, with the DPO).
async fn recipients(app: &App, t: &Tenant) -> Result<(Vec<Contact>, Vec<Contact>)> {
    Ok((
        app.store
            .contacts_with_roles(t, &["coordinator", "admin"])
            .await?,
        app.store
            .contacts_with_roles(t, &["coordinator", "admin", "dpo"])
            .await?,
    ))
}

/// Every reminder whose time has come at `now`, in every care provider.
pub async fn due_reminders(
    app: &App,
    now: DateTime<Utc>,
    hours_before: &[u32],
) -> Result<Vec<DueReminder>> {
    let mut out = Vec::new();
    for t in app.store.provider_tenants().await? {
        let views = crate::incidents::all_views(app, &t).await?;
        let mut people = None;
        for v in views {
            for o in &v.obligations {
                if o.sent.is_some() || o.obligation.applies == Applies::No {
                    continue;
                }
                let Some(due) = o.obligation.due.at() else {
                    continue;
                };
                let Some((point, hours)) = point_reached(due, now, hours_before) else {
                    continue;
                };
                if people.is_none() {
                    people = Some(recipients(app, &t).await?);
                }
                let Some((others, with_dpo)) = people.as_ref() else {
                    continue;
                };
                let gdpr = matches!(
                    o.obligation.kind,
                    Kind::ImyNotification | Kind::ControllerNotification | Kind::DataSubjects
                );
                out.push(DueReminder {
                    tenant: t.clone(),
                    incident_id: v.incident.id.clone(),
                    incident_title: v.incident.input.title.clone(),
                    obligation: o.obligation.clone(),
                    point,
                    hours_before: hours,
                    recipients: if gdpr { with_dpo } else { others }.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// A submission schedule whose next submission is near, due or overdue.
#[derive(Debug, Clone)]
pub struct DueSubmission {
    pub tenant: Tenant,
    pub next_due: chrono::NaiveDate,
    /// `before_14d`, `due` (the day itself) or `overdue`.
    pub point: String,
    /// The authorities' names.
    pub authorities: Vec<String>,
    pub recipients: Vec<Contact>,
}

/// How many days before a scheduled submission is due the first reminder comes.
pub const SUBMISSION_NOTICE_DAYS: i64 = 14;

/// Every provider whose scheduled submission has come near (two weeks), is due today or is
/// overdue at `now` (the day in Sweden), with whom to remind: its coordinators and administrators.
pub async fn due_submissions(app: &App, now: DateTime<Utc>) -> Result<Vec<DueSubmission>> {
    let today = tillit_domain::time::swedish_day(now);
    let mut out = Vec::new();
    for t in app.store.provider_tenants().await? {
        let Some(s) = crate::submissions::schedule_of(app, &t).await? else {
            continue;
        };
        let point = match s.days_left(today) {
            l if l < 0 => "overdue",
            0 => "due",
            l if l <= SUBMISSION_NOTICE_DAYS => "before_14d",
            _ => continue,
        };
        out.push(DueSubmission {
            next_due: s.next_due,
            point: point.to_string(),
            authorities: s.authorities.into_iter().map(|(_, n)| n).collect(),
            recipients: app
                .store
                .contacts_with_roles(&t, &["coordinator", "admin"])
                .await?,
            tenant: t,
        });
    }
    Ok(out)
}

/// A supervision request whose deadline is near (three days), today or past, with whom to remind
/// on one side: the provider's coordinators and administrators, or the case officer.
#[derive(Debug, Clone)]
pub struct DueCaseRequest {
    /// The organisation the reminder is planned in (the provider or the authority).
    pub org_id: String,
    pub request_id: String,
    pub case_id: String,
    pub reference: String,
    pub title: String,
    pub authority: String,
    pub deadline: chrono::NaiveDate,
    /// `before_3d`, `due` or `overdue`.
    pub point: String,
    /// True for the provider's side, false for the authority's.
    pub provider_side: bool,
    pub recipients: Vec<Contact>,
}

/// How many days before a request's deadline the first reminder comes.
pub const REQUEST_NOTICE_DAYS: i64 = 3;

/// Every unanswered request whose deadline has come near, is today or has passed at `now`, once
/// for the provider (when it uses this Tillit) and once for the case officer.
pub async fn due_case_requests(app: &App, now: DateTime<Utc>) -> Result<Vec<DueCaseRequest>> {
    let today = tillit_domain::time::swedish_day(now);
    let until = today + chrono::Duration::days(REQUEST_NOTICE_DAYS);
    let mut out = Vec::new();
    for r in app.store.requests_due(&until.to_string()).await? {
        let Ok(deadline) = chrono::NaiveDate::parse_from_str(&r.deadline, "%Y-%m-%d") else {
            continue;
        };
        let point = match (deadline - today).num_days() {
            l if l < 0 => "overdue",
            0 => "due",
            _ => "before_3d",
        };
        let base = |org_id: String, provider_side: bool, recipients: Vec<Contact>| DueCaseRequest {
            org_id,
            request_id: r.request_id.clone(),
            case_id: r.case_id.clone(),
            reference: r.reference.clone(),
            title: r.title.clone(),
            authority: r.authority_name.clone(),
            deadline,
            point: point.to_string(),
            provider_side,
            recipients,
        };
        if let Some(p) = &r.provider_org_id {
            let people = app.store.contacts_in(p, &["coordinator", "admin"]).await?;
            out.push(base(p.clone(), true, people));
        }
        if let Some(officer) = &r.officer_id {
            if let Some(c) = app.store.user_contact(officer).await? {
                out.push(base(r.authority_org_id.clone(), false, vec![c]));
            }
        }
    }
    Ok(out)
}

/// Plans a reminder of a request's deadline for one recipient; true when it is new.
pub async fn plan_case_request(app: &App, d: &DueCaseRequest, r: &NewReminder<'_>) -> Result<bool> {
    Ok(app
        .store
        .plan_request_reminder(&d.org_id, &d.request_id, r)
        .await?)
}

/// Plans a reminder of a submission schedule for one recipient; true when it is new.
pub async fn plan_submission(app: &App, t: &Tenant, r: &NewReminder<'_>) -> Result<bool> {
    Ok(app.store.plan_schedule_reminder(t, r).await?)
}

/// Plans a reminder for one recipient; true when it was not planned before.
pub async fn plan(app: &App, t: &Tenant, r: &NewReminder<'_>) -> Result<bool> {
    Ok(app.store.plan_reminder(t, r).await?)
}

/// The pause before the next attempt after `attempts` failed ones: `base`, doubling, at most an
/// hour.
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let factor = 2u32.saturating_pow(u32::try_from(attempts.clamp(0, 16)).unwrap_or(16));
    base.saturating_mul(factor).min(Duration::from_secs(3600))
}

/// Sends the planned reminders that are due, each claimed so that one instance sends it.
/// Returns how many were sent and how many failed.
pub async fn send_due(
    app: &App,
    mailer: &Mailer,
    config: &MailConfig,
    now: DateTime<Utc>,
) -> Result<(usize, usize)> {
    let claimed = app
        .store
        .claim_reminders(now, now + chrono::Duration::minutes(5), MAX_ATTEMPTS, 100)
        .await?;
    let (mut sent, mut failed) = (0, 0);
    for r in claimed {
        match mailer.send(&r.recipient, &r.subject, &r.body).await {
            Ok(()) => {
                app.store.reminder_sent(&r.id, Utc::now()).await?;
                sent += 1;
            }
            Err(e) => {
                let pause = backoff(config.retry_base, r.attempts);
                let next = Utc::now()
                    + chrono::Duration::from_std(pause).unwrap_or(chrono::Duration::hours(1));
                tracing::warn!(reminder = %r.id, attempts = r.attempts + 1, error = %e, "reminder e-mail failed; retrying later");
                app.store.reminder_failed(&r.id, &e, next).await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// The reminders of an incident, for its page.
pub async fn of_incident(
    app: &App,
    who: &crate::acting::Acting,
    id: &str,
) -> Result<Vec<Reminder>> {
    who.require(tillit_domain::role::Permission::ViewRegisters)?;
    Ok(app.store.reminders_of_incident(who.tenant(), id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn the_latest_point_reached_is_the_one_planned() {
        let due = at("2026-12-03T12:00:00Z");
        let h = [12, 2];
        assert_eq!(point_reached(due, at("2026-12-02T23:59:00Z"), &h), None);
        assert_eq!(
            point_reached(due, at("2026-12-03T00:00:00Z"), &h),
            Some(("before_12h".into(), Some(12)))
        );
        assert_eq!(
            point_reached(due, at("2026-12-03T10:30:00Z"), &h),
            Some(("before_2h".into(), Some(2)))
        );
        assert_eq!(
            point_reached(due, at("2026-12-03T12:00:00Z"), &h),
            Some(("overdue".into(), None))
        );
    }

    #[test]
    fn the_pause_doubles_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 0), Duration::from_secs(30));
        assert_eq!(backoff(base, 1), Duration::from_secs(60));
        assert_eq!(backoff(base, 3), Duration::from_secs(240));
        assert_eq!(backoff(base, 20), Duration::from_secs(3600));
    }
}

//! The reminder task: every interval it plans the reminders whose time has come — each written
//! in its recipient's language — and sends those due over SMTP. It runs beside the server and
//! never in a request; with no SMTP configured it does not run.

use crate::i18n::{Locale, Tr};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use tillit_app::reminders::{Contact, DueReminder, MailConfig, Mailer, NewReminder};
use tillit_domain::incident::{Applies, Due, Kind};

/// The subject and body of a reminder to one recipient.
pub fn message(
    tr: &Tr,
    r: &DueReminder,
    to: &Contact,
    public_url: Option<&str>,
    now: DateTime<Utc>,
) -> (String, String) {
    let o = &r.obligation;
    let kind = tr.t(&format!("obligation-{}", o.kind.key().replace('_', "-")));
    let recipient = tr.t(&format!(
        "recipient-{}",
        serde_json::to_value(o.recipient)
            .ok()
            .and_then(|v| v.as_str().map(|s| s.replace('_', "-")))
            .unwrap_or_default()
    ));
    let due = o.due.at().unwrap_or(now);
    let at = tillit_domain::time::swedish_minute(due);
    let args = |extra: Vec<(&'static str, String)>| {
        let mut a = vec![
            ("obligation", kind.clone()),
            ("recipient", recipient.clone()),
            ("at", at.clone()),
            ("title", r.incident_title.clone()),
            ("name", to.display_name.clone()),
        ];
        a.extend(extra);
        a
    };
    let overdue = r.point == "overdue";
    let subject = if overdue {
        tr.f("reminder-subject-overdue", &args(vec![]))
    } else {
        tr.f("reminder-subject-before", &args(vec![]))
    };
    let (countdown, _) = super::pages::countdown(tr, &due, &now);
    let mut body = vec![tr.f("reminder-greeting", &args(vec![]))];
    let countdown = vec![("countdown", countdown)];
    body.push(match (overdue, o.due, o.kind) {
        (true, _, Kind::ImyNotification) => tr.f("reminder-line-overdue-imy", &args(countdown)),
        (true, _, _) => tr.f("reminder-line-overdue", &args(countdown)),
        (false, Due::WithoutUndueDelayBy { .. }, _) => {
            tr.f("reminder-line-without-delay-by", &args(countdown))
        }
        // The CSIRT's early warning and notification: without undue delay and at the latest by;
        // the progress and final reports: at the latest by.
        (false, _, Kind::Nis2EarlyWarning | Kind::Nis2Notification) => {
            tr.f("reminder-line-by", &args(countdown))
        }
        (false, _, _) => tr.f("reminder-line-latest", &args(countdown)),
    });
    if o.applies == Applies::NotYetKnown {
        body.push(tr.t("reminder-not-yet-assessed"));
    }
    if let Some(d) = o.next_weekday {
        body.push(tr.f("incident-next-weekday", &[("date", d.to_string())]));
    }
    body.push(tr.f(
        "reminder-provision",
        &[("provision", o.provision.to_string())],
    ));
    let link = format!(
        "{}/incidents/{}",
        public_url.unwrap_or("").trim_end_matches('/'),
        r.incident_id
    );
    body.push(tr.f("reminder-open", &[("link", link)]));
    body.push(tr.t("reminder-how-to-stop"));
    body.push(tr.t("reminder-why-you"));
    (subject, body.join("\n\n"))
}

/// The subject and body of a reminder of a scheduled submission to one recipient.
pub fn submission_message(
    tr: &Tr,
    d: &tillit_app::reminders::DueSubmission,
    to: &Contact,
    public_url: Option<&str>,
) -> (String, String) {
    let args = [
        ("authorities", d.authorities.join(", ")),
        ("date", d.next_due.to_string()),
        ("name", to.display_name.clone()),
    ];
    let (subject, line) = match d.point.as_str() {
        "overdue" => (
            "submission-reminder-subject-overdue",
            "submission-reminder-line-overdue",
        ),
        "due" => (
            "submission-reminder-subject-due",
            "submission-reminder-line-due",
        ),
        _ => (
            "submission-reminder-subject-before",
            "submission-reminder-line-before",
        ),
    };
    let link = format!(
        "{}/submissions",
        public_url.unwrap_or("").trim_end_matches('/')
    );
    let body = [
        tr.f("reminder-greeting", &args),
        tr.f(line, &args),
        tr.f("submission-reminder-open", &[("link", link)]),
        tr.t("submission-reminder-why-you"),
    ];
    (tr.f(subject, &args), body.join("\n\n"))
}

/// The e-mail reminding one side of a supervision request's deadline.
pub fn request_message(
    tr: &Tr,
    d: &tillit_app::reminders::DueCaseRequest,
    to: &Contact,
    public_url: Option<&str>,
) -> (String, String) {
    let args = [
        ("authority", d.authority.clone()),
        ("reference", d.reference.clone()),
        ("title", d.title.clone()),
        ("date", d.deadline.to_string()),
        ("name", to.display_name.clone()),
    ];
    let side = if d.provider_side {
        "provider"
    } else {
        "authority"
    };
    let when = match d.point.as_str() {
        "overdue" => "overdue",
        "due" => "due",
        _ => "before",
    };
    let path = if d.provider_side {
        format!("/supervision/{}", d.case_id)
    } else {
        format!("/authority/cases/{}", d.case_id)
    };
    let link = format!("{}{path}", public_url.unwrap_or("").trim_end_matches('/'));
    let body = [
        tr.f("reminder-greeting", &args),
        tr.f(&format!("request-reminder-{side}-{when}"), &args),
        tr.f("request-reminder-open", &[("link", link)]),
        tr.t(&format!("request-reminder-why-{side}")),
    ];
    (
        tr.f(&format!("request-reminder-subject-{when}"), &args),
        body.join("\n\n"),
    )
}

/// Plans the reminders whose time has come and sends those due. Returns (planned, sent, failed).
pub async fn run_once(
    state: &AppState,
    mailer: &Mailer,
    config: &MailConfig,
    now: DateTime<Utc>,
) -> Result<(usize, usize, usize), tillit_app::Error> {
    let app = &state.app;
    let mut planned = 0;
    for r in tillit_app::reminders::due_reminders(app, now, &config.hours_before).await? {
        for to in &r.recipients {
            let locale = Locale::parse(&to.locale).unwrap_or(Locale::Sv);
            let tr = Tr::new(state.i18n.clone(), locale);
            let (subject, body) = message(&tr, &r, to, config.public_url.as_deref(), now);
            let Some(due_at) = r.obligation.due.at() else {
                continue;
            };
            let new = tillit_app::reminders::plan(
                app,
                &r.tenant,
                &NewReminder {
                    incident_id: &r.incident_id,
                    obligation: r.obligation.kind.key(),
                    point: &r.point,
                    due_at,
                    recipient: &to.email,
                    subject: &subject,
                    body: &body,
                },
            )
            .await?;
            if new {
                planned += 1;
            }
        }
    }
    for d in tillit_app::reminders::due_submissions(app, now).await? {
        for to in &d.recipients {
            let locale = Locale::parse(&to.locale).unwrap_or(Locale::Sv);
            let tr = Tr::new(state.i18n.clone(), locale);
            let (subject, body) = submission_message(&tr, &d, to, config.public_url.as_deref());
            let new = tillit_app::reminders::plan_submission(
                app,
                &d.tenant,
                &NewReminder {
                    incident_id: "",
                    obligation: "submission",
                    point: &d.point,
                    due_at: d.next_due.and_time(chrono::NaiveTime::MIN).and_utc(),
                    recipient: &to.email,
                    subject: &subject,
                    body: &body,
                },
            )
            .await?;
            if new {
                planned += 1;
            }
        }
    }
    for d in tillit_app::reminders::due_case_requests(app, now).await? {
        for to in &d.recipients {
            let locale = Locale::parse(&to.locale).unwrap_or(Locale::Sv);
            let tr = Tr::new(state.i18n.clone(), locale);
            let (subject, body) = request_message(&tr, &d, to, config.public_url.as_deref());
            let new = tillit_app::reminders::plan_case_request(
                app,
                &d,
                &NewReminder {
                    incident_id: "",
                    obligation: if d.provider_side {
                        "case_request_provider"
                    } else {
                        "case_request_authority"
                    },
                    point: &d.point,
                    due_at: d.deadline.and_time(chrono::NaiveTime::MIN).and_utc(),
                    recipient: &to.email,
                    subject: &subject,
                    body: &body,
                },
            )
            .await?;
            if new {
                planned += 1;
            }
        }
    }
    let (sent, failed) = tillit_app::reminders::send_due(app, mailer, config, now).await?;
    Ok((planned, sent, failed))
}

/// Runs the reminder task until the returned handle is aborted.
pub fn spawn(state: AppState, config: MailConfig) -> Option<tokio::task::JoinHandle<()>> {
    let mailer = match Mailer::new(&config) {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "e-mail reminders are off: the SMTP settings are not usable");
            return None;
        }
    };
    tracing::info!(host = %config.host, port = config.port, "e-mail reminders on");
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(config.interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_once(&state, &mailer, &config, Utc::now()).await {
                Ok((planned, sent, failed)) if planned + sent + failed > 0 => {
                    tracing::info!(planned, sent, failed, "reminders");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reminders: a run failed"),
            }
        }
    }))
}

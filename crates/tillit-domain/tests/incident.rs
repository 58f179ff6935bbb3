//! The deadline engine, case by case, from GDPR arts. 33–34, the Cybersecurity Act's reporting,
//! lex Maria and lex Sarah (`../shared/docs/domain-facts.md`): who must be told, by when, on which
//! provision — and time counted as the law counts it, across both daylight-saving changes and a
//! month end.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;
use tillit_domain::incident::*;

/// An instant given in Swedish local time.
fn se(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    Stockholm
        .from_local_datetime(&naive)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

/// The instant as a Swede reads it.
fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Stockholm)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A personal data breach at a controller, assessed as a risk, nothing else known.
fn breach() -> IncidentFacts {
    IncidentFacts {
        aware_at: se("2026-11-10 09:00"),
        personal_data: Some(true),
        role: DataRole::Controller,
        risk: BreachRisk::Risk,
        art34_exception: None,
        significant: Some(false),
        nis2_notification_sent_at: None,
        ongoing: false,
        nis2_progress_report_sent: false,
        serious_care_injury: Some(false),
        serious_social_care_wrong: Some(false),
    }
}

const REGION: OrgContext = OrgContext {
    cybersecurity_act: true,
    health_care: true,
    social_care: false,
};
const HOME_CARE_COMPANY: OrgContext = OrgContext {
    cybersecurity_act: false,
    health_care: false,
    social_care: true,
};

fn get(os: &[Obligation], k: Kind) -> &Obligation {
    os.iter().find(|o| o.kind == k).unwrap()
}

fn applying(os: &[Obligation]) -> Vec<Kind> {
    os.iter()
        .filter(|o| o.applies == Applies::Yes)
        .map(|o| o.kind)
        .collect()
}

/// (name, facts, organisation, the obligations that apply).
fn cases() -> Vec<(&'static str, IncidentFacts, OrgContext, Vec<Kind>)> {
    use Kind::*;
    vec![
        (
            "a breach with a risk: IMY only",
            breach(),
            REGION,
            vec![ImyNotification],
        ),
        (
            "a breach with a high risk: IMY and the people concerned",
            IncidentFacts {
                risk: BreachRisk::HighRisk,
                ..breach()
            },
            REGION,
            vec![ImyNotification, DataSubjects],
        ),
        (
            "high risk, but the data was encrypted (art. 34.3): IMY only",
            IncidentFacts {
                risk: BreachRisk::HighRisk,
                art34_exception: Some(Art34Exception::Unintelligible),
                ..breach()
            },
            REGION,
            vec![ImyNotification],
        ),
        (
            "unlikely to result in a risk: nothing to report, documented",
            IncidentFacts {
                risk: BreachRisk::Unlikely,
                ..breach()
            },
            REGION,
            vec![],
        ),
        (
            "no personal data: no GDPR obligation",
            IncidentFacts {
                personal_data: Some(false),
                ..breach()
            },
            REGION,
            vec![],
        ),
        (
            "a processor tells its controller, not IMY",
            IncidentFacts {
                role: DataRole::Processor,
                risk: BreachRisk::HighRisk,
                ..breach()
            },
            REGION,
            vec![ControllerNotification],
        ),
        (
            "a significant incident at a covered region: the CSIRT's three reports",
            IncidentFacts {
                personal_data: Some(false),
                significant: Some(true),
                ..breach()
            },
            REGION,
            vec![Nis2EarlyWarning, Nis2Notification, Nis2FinalReport],
        ),
        (
            "significant but the organisation is not covered: no CSIRT report",
            IncidentFacts {
                personal_data: Some(false),
                significant: Some(true),
                ..breach()
            },
            HOME_CARE_COMPANY,
            vec![],
        ),
        (
            "covered, but not a significant incident: no CSIRT report",
            IncidentFacts {
                personal_data: Some(false),
                ..breach()
            },
            REGION,
            vec![],
        ),
        (
            "still ongoing at the final report: a progress report as well",
            IncidentFacts {
                personal_data: Some(false),
                significant: Some(true),
                ongoing: true,
                ..breach()
            },
            REGION,
            vec![
                Nis2EarlyWarning,
                Nis2Notification,
                Nis2ProgressReport,
                Nis2FinalReport,
            ],
        ),
        (
            "a serious vårdskada in health care: lex Maria",
            IncidentFacts {
                personal_data: Some(false),
                serious_care_injury: Some(true),
                ..breach()
            },
            REGION,
            vec![LexMaria],
        ),
        (
            "lex Maria does not bind a provider without health care",
            IncidentFacts {
                personal_data: Some(false),
                serious_care_injury: Some(true),
                ..breach()
            },
            HOME_CARE_COMPANY,
            vec![],
        ),
        (
            "an allvarligt missförhållande in social care: lex Sarah",
            IncidentFacts {
                personal_data: Some(false),
                serious_social_care_wrong: Some(true),
                ..breach()
            },
            HOME_CARE_COMPANY,
            vec![LexSarah],
        ),
        (
            "ransomware on a lab system: every clock at once",
            IncidentFacts {
                risk: BreachRisk::HighRisk,
                significant: Some(true),
                serious_care_injury: Some(true),
                ..breach()
            },
            REGION,
            vec![
                Nis2EarlyWarning,
                ImyNotification,
                Nis2Notification,
                DataSubjects,
                LexMaria,
                Nis2FinalReport,
            ],
        ),
    ]
}

#[test]
fn each_obligation_applies_alone_and_together_as_the_law_says() {
    for (name, f, org, expected) in cases() {
        let os = obligations(&f, &org);
        let mut got = applying(&os);
        let mut want = expected.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{name}");
        assert_eq!(
            os.len(),
            Kind::ALL.len(),
            "{name}: every obligation is answered"
        );
    }
}

#[test]
fn what_is_not_known_yet_is_shown_as_due_not_dropped() {
    let f = IncidentFacts {
        personal_data: None,
        significant: None,
        serious_care_injury: None,
        ..breach()
    };
    let os = obligations(&f, &REGION);
    for k in [
        Kind::ImyNotification,
        Kind::DataSubjects,
        Kind::Nis2EarlyWarning,
        Kind::Nis2Notification,
        Kind::LexMaria,
    ] {
        assert_eq!(get(&os, k).applies, Applies::NotYetKnown, "{k:?}");
    }
    let f = IncidentFacts {
        risk: BreachRisk::Unassessed,
        ..breach()
    };
    let imy = get(&obligations(&f, &REGION), Kind::ImyNotification).clone();
    assert_eq!(
        (imy.applies, imy.reason),
        (Applies::NotYetKnown, Reason::RiskNotAssessed)
    );
}

#[test]
fn the_unlikely_risk_is_a_documented_no_with_its_provision() {
    let f = IncidentFacts {
        risk: BreachRisk::Unlikely,
        ..breach()
    };
    let imy = get(&obligations(&f, &REGION), Kind::ImyNotification).clone();
    assert_eq!(imy.applies, Applies::No);
    assert_eq!(imy.reason, Reason::RiskUnlikelyDocumented);
    assert_eq!(imy.provision, "GDPR art. 33");
}

#[test]
fn imy_within_72_hours_where_feasible_and_the_people_without_undue_delay() {
    let os = obligations(
        &IncidentFacts {
            risk: BreachRisk::HighRisk,
            ..breach()
        },
        &REGION,
    );
    let imy = get(&os, Kind::ImyNotification);
    assert_eq!(
        imy.due,
        Due::WithoutUndueDelayBy {
            at: se("2026-11-13 09:00")
        }
    );
    assert_eq!(imy.recipient, Recipient::Imy);
    assert_eq!(get(&os, Kind::DataSubjects).due, Due::WithoutUndueDelay);
}

#[test]
fn lex_maria_and_lex_sarah_are_due_snarast_to_ivo() {
    let f = IncidentFacts {
        serious_care_injury: Some(true),
        serious_social_care_wrong: Some(true),
        ..breach()
    };
    let both = OrgContext {
        health_care: true,
        social_care: true,
        cybersecurity_act: true,
    };
    let os = obligations(&f, &both);
    for k in [Kind::LexMaria, Kind::LexSarah] {
        let o = get(&os, k);
        assert_eq!(
            (o.due, o.recipient),
            (Due::Snarast, Recipient::Ivo),
            "{k:?}"
        );
    }
    assert_eq!(
        get(&os, Kind::LexMaria).provision,
        "patientsäkerhetslagen (2010:659) 3 kap. 5 §"
    );
}

#[test]
fn hours_are_elapsed_time_across_the_spring_change() {
    // 28 March 2026 10:00 (UTC+1); the clocks go forward at 02:00 on 29 March.
    let f = IncidentFacts {
        aware_at: se("2026-03-28 10:00"),
        significant: Some(true),
        ..breach()
    };
    let os = obligations(&f, &REGION);
    let early = get(&os, Kind::Nis2EarlyWarning).due.at().unwrap();
    assert_eq!((early - f.aware_at).num_hours(), 24);
    assert_eq!(
        local(early),
        "2026-03-29 11:00",
        "24 hours later reads an hour later"
    );
    let imy = get(&os, Kind::ImyNotification).due.at().unwrap();
    assert_eq!(local(imy), "2026-03-31 11:00");
}

#[test]
fn hours_are_elapsed_time_across_the_autumn_change() {
    // 24 October 2026 10:00 (UTC+2); the clocks go back at 03:00 on 25 October.
    let f = IncidentFacts {
        aware_at: se("2026-10-24 10:00"),
        significant: Some(true),
        ..breach()
    };
    let os = obligations(&f, &REGION);
    let early = get(&os, Kind::Nis2EarlyWarning).due.at().unwrap();
    assert_eq!((early - f.aware_at).num_hours(), 24);
    assert_eq!(
        local(early),
        "2026-10-25 09:00",
        "24 hours later reads an hour earlier"
    );
    let notification = get(&os, Kind::Nis2Notification).due.at().unwrap();
    assert_eq!(local(notification), "2026-10-27 09:00");
}

#[test]
fn a_month_is_a_calendar_month_ending_at_the_end_of_the_matching_day() {
    let end = |s: &str| local(one_month_after(se(s)));
    assert_eq!(
        end("2026-01-31 14:00"),
        "2026-02-28 23:59",
        "no 31 February"
    );
    assert_eq!(end("2028-01-31 14:00"), "2028-02-29 23:59", "a leap year");
    assert_eq!(end("2026-03-15 08:00"), "2026-04-15 23:59");
    assert_eq!(
        end("2026-12-20 08:00"),
        "2027-01-20 23:59",
        "across the year"
    );
    // The notification sent just after midnight Swedish time counts that Swedish day.
    assert_eq!(end("2026-05-01 00:30"), "2026-06-01 23:59");
}

#[test]
fn the_final_report_runs_from_the_notification_sent_or_its_deadline() {
    let f = IncidentFacts {
        aware_at: se("2026-01-28 16:00"),
        personal_data: Some(false),
        significant: Some(true),
        ..breach()
    };
    // Not sent yet: from the notification's deadline, 31 January 16:00.
    let fin = get(&obligations(&f, &REGION), Kind::Nis2FinalReport).clone();
    assert_eq!(local(fin.due.at().unwrap()), "2026-02-28 23:59");
    assert_eq!(fin.reason, Reason::FinalReportFromNotificationDeadline);
    // Sent on 30 January: one month from then.
    let sent = IncidentFacts {
        nis2_notification_sent_at: Some(se("2026-01-30 11:00")),
        ..f
    };
    let fin = get(&obligations(&sent, &REGION), Kind::Nis2FinalReport).clone();
    assert_eq!(local(fin.due.at().unwrap()), "2026-02-28 23:59");
    assert_eq!(fin.reason, Reason::FinalReportAfterNotification);
    let sent = IncidentFacts {
        nis2_notification_sent_at: Some(se("2026-01-29 11:00")),
        ..f
    };
    let fin = get(&obligations(&sent, &REGION), Kind::Nis2FinalReport).clone();
    assert_eq!(local(fin.due.at().unwrap()), "2026-02-28 23:59");
    let sent = IncidentFacts {
        nis2_notification_sent_at: Some(se("2026-01-27 11:00")),
        ..f
    };
    let fin = get(&obligations(&sent, &REGION), Kind::Nis2FinalReport).clone();
    assert_eq!(local(fin.due.at().unwrap()), "2026-02-27 23:59");
}

#[test]
fn after_a_progress_report_the_final_report_waits_for_the_incident_to_be_handled() {
    let f = IncidentFacts {
        personal_data: Some(false),
        significant: Some(true),
        ongoing: true,
        nis2_notification_sent_at: Some(se("2026-11-12 09:00")),
        ..breach()
    };
    // Before a progress report: the final report (or, if still ongoing then, a progress report)
    // one month after the notification.
    let o = obligations(&f, &REGION);
    let progress = get(&o, Kind::Nis2ProgressReport).clone();
    assert_eq!(local(progress.due.at().unwrap()), "2026-12-12 23:59");
    assert_eq!(progress.reason, Reason::StillOngoing);
    // The progress report sent: the final report has no hour until the incident is handled.
    let sent = IncidentFacts {
        nis2_progress_report_sent: true,
        ..f
    };
    let fin = get(&obligations(&sent, &REGION), Kind::Nis2FinalReport).clone();
    assert_eq!(fin.due, Due::MonthAfterHandled);
    assert_eq!(fin.due.at(), None);
    assert_eq!(fin.reason, Reason::FinalReportAfterHandling);
    // Handled (closed): one month after the notification again, as the facts hold no other date.
    let closed = IncidentFacts {
        ongoing: false,
        ..sent
    };
    let fin = get(&obligations(&closed, &REGION), Kind::Nis2FinalReport).clone();
    assert!(fin.due.at().is_some());
}

#[test]
fn a_deadline_on_a_weekend_or_holiday_shows_the_next_weekday_too() {
    // Aware Wednesday 23 December 2026 12:00: 72 hours is Saturday 26 December (Boxing Day
    // falls on it), and the next weekday after Christmas is Monday 28 December.
    let f = IncidentFacts {
        aware_at: se("2026-12-23 12:00"),
        ..breach()
    };
    let imy = get(&obligations(&f, &REGION), Kind::ImyNotification).clone();
    assert_eq!(local(imy.due.at().unwrap()), "2026-12-26 12:00");
    assert_eq!(imy.next_weekday, Some(day("2026-12-28")));
    // A Tuesday deadline stays.
    let f = IncidentFacts {
        aware_at: se("2026-11-07 12:00"),
        ..breach()
    };
    let imy = get(&obligations(&f, &REGION), Kind::ImyNotification).clone();
    assert_eq!(local(imy.due.at().unwrap()), "2026-11-10 12:00");
    assert_eq!(imy.next_weekday, None);
    // Good Friday 2027 (26 March) moves to the Tuesday after Easter Monday.
    assert_eq!(
        next_weekday_if_moved(se("2027-03-26 10:00")),
        Some(day("2027-03-30"))
    );
    // Midsummer Eve 2026 is Friday 19 June: the next weekday is Monday 22 June.
    assert_eq!(
        next_weekday_if_moved(se("2026-06-19 10:00")),
        Some(day("2026-06-22"))
    );
}

#[test]
fn swedish_public_holidays_are_computed_easter_and_all() {
    assert_eq!(easter_sunday(2026), day("2026-04-05"));
    assert_eq!(easter_sunday(2027), day("2027-03-28"));
    assert_eq!(easter_sunday(2030), day("2030-04-21"));
    for d in [
        "2026-01-01",
        "2026-01-06",
        "2026-04-03",
        "2026-04-06",
        "2026-05-01",
        "2026-05-14",
        "2026-06-06",
        "2026-06-19",
        "2026-12-24",
        "2026-12-31",
    ] {
        assert!(!is_working_day(day(d)), "{d} is not a working day");
    }
    for d in ["2026-04-07", "2026-06-18", "2026-11-02", "2026-12-30"] {
        assert!(is_working_day(day(d)), "{d} is a working day");
    }
    // All Saints' Day 2026 is Saturday 31 October; in 2027 Saturday 6 November.
    assert!(is_holiday_or_eve(day("2026-10-31")));
    assert!(is_holiday_or_eve(day("2027-11-06")));
    assert!(!is_holiday_or_eve(day("2027-10-31")));
}

#[test]
fn changing_the_awareness_time_moves_every_clock() {
    let f = IncidentFacts {
        significant: Some(true),
        ..breach()
    };
    let later = IncidentFacts {
        aware_at: f.aware_at + chrono::Duration::hours(5),
        ..f.clone()
    };
    let (a, b) = (obligations(&f, &REGION), obligations(&later, &REGION));
    for k in [
        Kind::ImyNotification,
        Kind::Nis2EarlyWarning,
        Kind::Nis2Notification,
    ] {
        let (x, y) = (get(&a, k).due.at().unwrap(), get(&b, k).due.at().unwrap());
        assert_eq!((y - x).num_hours(), 5, "{k:?}");
    }
}

#[test]
fn obligations_come_in_the_order_they_fall_due_and_those_that_do_not_apply_last() {
    let f = IncidentFacts {
        risk: BreachRisk::HighRisk,
        significant: Some(true),
        ..breach()
    };
    let os = obligations(&f, &REGION);
    assert_eq!(os[0].kind, Kind::Nis2EarlyWarning);
    assert_eq!(os[1].kind, Kind::ImyNotification);
    assert_eq!(os[2].kind, Kind::Nis2Notification);
    let first_no = os.iter().position(|o| o.applies == Applies::No).unwrap();
    assert!(os[first_no..].iter().all(|o| o.applies == Applies::No));
}

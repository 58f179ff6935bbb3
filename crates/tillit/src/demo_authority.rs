//! The demo's authority side: IMY's and IVO's registries — the demo providers and a generated
//! remit of hundreds of municipalities and private providers, each row marked as generated — and
//! the region's and the private provider's signed submissions to both. Åsby kommun has submitted
//! nothing, so the ranking shows what that does. Idempotent: a registry that has rows and an
//! organisation that has submitted are left as they are.

use tillit_app::App;
use tillit_domain::org::luhn_check_digit;
use tillit_store::NewRegistryEntry;

/// The 21 counties.
pub const COUNTIES: [&str; 21] = [
    "Stockholms län",
    "Uppsala län",
    "Södermanlands län",
    "Östergötlands län",
    "Jönköpings län",
    "Kronobergs län",
    "Kalmar län",
    "Gotlands län",
    "Blekinge län",
    "Skåne län",
    "Hallands län",
    "Västra Götalands län",
    "Värmlands län",
    "Örebro län",
    "Västmanlands län",
    "Dalarnas län",
    "Gävleborgs län",
    "Västernorrlands län",
    "Jämtlands län",
    "Västerbottens län",
    "Norrbottens län",
];

/// The demo signing key of a generated organisation (derived from its number, so that every
/// demo has the same keys; never a real organisation's key).
fn generated_key(org_number: &str) -> ed25519_dalek::SigningKey {
    use sha2::Digest;
    let seed: [u8; 32] = sha2::Sha256::digest(format!("tillit-demo-generated:{org_number}")).into();
    ed25519_dalek::SigningKey::from_bytes(&seed)
}

/// A generated organisation's status report, as a provider's Tillit would make it.
fn generated_report(e: &NewRegistryEntry, r: &mut Lcg, as_of: &str) -> serde_json::Value {
    let assets = 20 + r.below(200);
    let above = r.below(12);
    serde_json::json!({
        "report_version": tillit_app::submissions::REPORT_VERSION,
        "as_of": as_of,
        "organisation": {"name": e.name, "org_number": e.org_number, "kind": e.kind},
        "catalog": {"version": tillit_app::library::LATEST},
        "classification": {"information_assets": assets, "unclassified": r.below(assets / 3 + 1),
                           "systems": 5 + r.below(60), "highest_confidentiality": 2 + r.below(3)},
        "compliance": {"percent_met": 35 + r.below(60), "areas": []},
        "risk": {"residual_heat_map": [], "above_tolerance": above,
                 "above_tolerance_untreated": r.below(above + 1),
                 "latest_risk_analysis": if r.below(5) == 0 { serde_json::Value::Null } else {
                     serde_json::json!(format!("{}-{:02}-10", 2023 + r.below(3), 1 + r.below(12))) }},
        "measures": {"open": 5 + r.below(40), "overdue": r.below(25)},
        "incidents": {"last_12_months": r.below(15), "by_type": {}, "reports_overdue_now": r.below(4) / 3},
        "access_needs_analysis": {"latest_approved": if r.below(3) == 0 { serde_json::Value::Null } else {
            serde_json::json!(format!("{}-{:02}-20", 2023 + r.below(3), 1 + r.below(12))) },
            "systems_with_patient_data_missing_one": r.below(3)},
    })
}

/// How many generated rows of each kind.
pub const GENERATED_MUNICIPALITIES: usize = 280;
pub const GENERATED_PRIVATE: usize = 120;

fn org_number(prefix: &str, n: usize) -> String {
    // prefix (6 digits) + 3-digit sequence + Luhn digit.
    let body = format!("{prefix}{n:03}");
    let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
    let check = luhn_check_digit(&digits);
    format!("{}-{}{}", &body[..6], &body[6..], check)
}

/// A small deterministic generator, so that every demo has the same remit.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn row(
    (number, name, kind, county): (&str, &str, &str, &str),
    individuals: i64,
    care: &str,
    nis2: &str,
    last: Option<&str>,
    generated: bool,
) -> NewRegistryEntry {
    NewRegistryEntry {
        org_number: number.to_string(),
        name: name.to_string(),
        kind: kind.to_string(),
        county: county.to_string(),
        individuals: Some(individuals),
        kinds_of_care: care.to_string(),
        nis2_class: nis2.to_string(),
        last_supervised_on: last.map(str::to_string),
        public_key: String::new(),
        generated,
    }
}

/// The registry rows of an authority: the demo providers and the generated remit.
pub fn registry_rows(seed: u64) -> Vec<NewRegistryEntry> {
    let mut rows = vec![
        row(
            (
                "232100-9991",
                "Region Norrfjäll",
                "region",
                "Norrbottens län",
            ),
            250_000,
            "sjukhusvård;primärvård;psykiatri;tandvård",
            "essential",
            Some("2022-05-10"),
            false,
        ),
        row(
            (
                "212000-9994",
                "Åsby kommun",
                "municipality",
                "Jämtlands län",
            ),
            1_800,
            "äldreomsorg;lss;individ- och familjeomsorg;elevhälsa",
            "not_covered",
            None,
            false,
        ),
        row(
            (
                "212000-9986",
                "Östervik kommun",
                "municipality",
                "Västernorrlands län",
            ),
            3_400,
            "äldreomsorg;lss;elevhälsa",
            "not_covered",
            Some("2023-09-01"),
            false,
        ),
        row(
            (
                "556999-1234",
                "Omsorgshuset Linden AB",
                "private_provider",
                "Västerbottens län",
            ),
            420,
            "äldreomsorg;lss",
            "not_covered",
            None,
            false,
        ),
    ];
    let mut r = Lcg(seed);
    let cares_m = [
        "äldreomsorg;lss;individ- och familjeomsorg;elevhälsa",
        "äldreomsorg;lss;elevhälsa",
        "äldreomsorg;individ- och familjeomsorg",
    ];
    for i in 0..GENERATED_MUNICIPALITIES {
        let county = COUNTIES[r.below(21) as usize];
        let last = match r.below(4) {
            0 => None,
            _ => Some(format!("{}-{:02}-15", 2016 + r.below(9), 1 + r.below(12))),
        };
        rows.push(row(
            (
                &org_number("212001", i),
                &format!("Genererad kommun {:03}", i + 1),
                "municipality",
                county,
            ),
            (300 + r.below(40_000)) as i64,
            cares_m[r.below(3) as usize],
            if r.below(10) == 0 {
                "important"
            } else {
                "not_covered"
            },
            last.as_deref(),
            true,
        ));
    }
    let cares_p = [
        "primärvård",
        "äldreomsorg",
        "lss",
        "psykiatri",
        "tandvård",
        "sjukhusvård;primärvård",
    ];
    for i in 0..GENERATED_PRIVATE {
        let care = cares_p[r.below(6) as usize];
        rows.push(row(
            (
                &org_number("559001", i),
                &format!("Genererad vårdgivare {:03} AB", i + 1),
                "private_provider",
                COUNTIES[r.below(21) as usize],
            ),
            (50 + r.below(60_000)) as i64,
            care,
            if care.contains("sjukhusvård") {
                "important"
            } else {
                "not_covered"
            },
            if r.below(3) == 0 {
                Some("2021-03-01")
            } else {
                None
            },
            true,
        ));
    }
    // Two of three generated organisations have published a key (and, below, submitted).
    for (i, e) in rows.iter_mut().filter(|e| e.generated).enumerate() {
        if i % 3 != 0 {
            e.public_key = hex::encode(generated_key(&e.org_number).verifying_key().to_bytes());
        }
    }
    rows
}

/// Seeds the authority side of the demo. Needs the app (with the key-encryption key) so that
/// the providers' submissions are signed for real.
pub async fn seed(app: &App) -> Result<(), String> {
    let e = |e: tillit_app::Error| e.to_string();
    for (admin, number, seed) in [
        ("admin@imy.example", "202100-9994", 7),
        ("admin@ivo.example", "202100-9986", 11),
    ] {
        let who = tillit_app::auth::acting_as_member(app, admin, number)
            .await
            .map_err(e)?;
        let existing = tillit_app::authority::registry(
            app,
            &who,
            &Default::default(),
            tillit_domain::paging::PageRequest::default(),
        )
        .await
        .map_err(e)?;
        if existing.total == 0 {
            let rows = registry_rows(seed);
            tillit_app::authority::add_registry_rows(app, &who, "demo (genererat register)", &rows)
                .await
                .map_err(e)?;
            // The generated organisations' submissions arrive as files, checked like any other.
            let lead = match number {
                "202100-9994" => "handlaggare@imy.example",
                _ => "handlaggare@ivo.example",
            };
            let officer = tillit_app::auth::acting_as_member(app, lead, number)
                .await
                .map_err(e)?;
            let mut r = Lcg(seed + 100);
            let today = tillit_app::today_date();
            for g in rows.iter().filter(|g| !g.public_key.is_empty()) {
                let as_of = today - chrono::Duration::days(r.below(500) as i64);
                let report = generated_report(g, &mut r, &as_of.to_string());
                let env = tillit_domain::submission::sign(
                    report,
                    &generated_key(&g.org_number),
                    "demo-generated",
                )
                .map_err(|x| x.to_string())?;
                let text = serde_json::to_string(&env).map_err(|x| x.to_string())?;
                tillit_app::authority::import_submission(app, &officer, text.as_bytes())
                    .await
                    .map_err(e)?;
            }
        }
    }
    let authorities = {
        let who = tillit_app::auth::acting_as_member(app, "admin@norrfjall.example", "232100-9991")
            .await
            .map_err(e)?;
        tillit_app::submissions::authorities(app, &who)
            .await
            .map_err(e)?
            .into_iter()
            .map(|(id, _)| id)
            .collect::<Vec<_>>()
    };
    for (coordinator, number) in [
        ("samordnare@norrfjall.example", "232100-9991"),
        ("admin@linden.example", "556999-1234"),
    ] {
        let who = tillit_app::auth::acting_as_member(app, coordinator, number)
            .await
            .map_err(e)?;
        if tillit_app::submissions::submissions(app, &who)
            .await
            .map_err(e)?
            .is_empty()
        {
            tillit_app::submissions::submit(
                app,
                &who,
                &tillit_domain::submission::SubmitDraft {
                    authority_ids: authorities.clone(),
                },
            )
            .await
            .map_err(e)?;
        }
    }
    Ok(())
}

fn ago(days: i64) -> String {
    tillit_store::format_timestamp(chrono::Utc::now() - chrono::Duration::days(days))
}

/// The supervision side of the demo: IMY's targets and a guidance note; a planned case on Åsby
/// kommun with an order whose follow-up is half verified, shared with IVO; a closed complaint
/// case on Linden Vård with its handling times; and a year of earlier cases (generated) so that
/// the statistics have figures.
pub async fn seed_cases(app: &App, store: &tillit_store::Store) -> Result<(), String> {
    use tillit_domain::supervision as sup;
    let e = |e: tillit_app::Error| e.to_string();
    let imy = "202100-9994";
    let officer = tillit_app::auth::acting_as_member(app, "handlaggare@imy.example", imy)
        .await
        .map_err(e)?;
    let existing = tillit_app::supervision::cases(
        app,
        &officer,
        &tillit_app::supervision::CaseListParams::default(),
    )
    .await
    .map_err(e)?;
    if existing.total > 0 {
        return Ok(());
    }
    let lead = tillit_app::auth::acting_as_member(app, "tillsyn@imy.example", imy)
        .await
        .map_err(e)?;
    tillit_app::supervision::set_targets(
        app,
        &lead,
        &sup::TargetsDraft {
            planned: "120".into(),
            complaint: "90".into(),
            incident: "60".into(),
            follow_up: "60".into(),
        },
    )
    .await
    .map_err(e)?;
    tillit_app::supervision::publish_guidance(
        app,
        &lead,
        &sup::GuidanceDraft {
            title: "Behörigheter och logguppföljning i socialtjänsten".into(),
            summary: "Vad IMY förväntar sig av behörighetstilldelning och logguppföljning i kommunernas socialtjänst och äldreomsorg.".into(),
            body: "# Behörigheter och logguppföljning i socialtjänsten\n\n\
                Personuppgifter i socialtjänsten ska skyddas med lämpliga tekniska och organisatoriska åtgärder \
                (GDPR art. 32). Åtkomst ska begränsas till dem som behöver uppgifterna i sitt arbete.\n\n\
                ## Det här förväntar vi oss\n\n\
                - En dokumenterad analys av vilka behov av åtkomst varje yrkesroll har.\n\
                - Behörigheter som tilldelas efter analysen och ses över minst en gång om året.\n\
                - Loggar som följs upp systematiskt, med dokumenterade kontroller.\n\n\
                ## Vanliga brister\n\n\
                | Brist | Varför det spelar roll |\n|---|---|\n\
                | Alla i verksamheten kan läsa alla akter | Fler än nödvändigt tar del av känsliga uppgifter |\n\
                | Loggar finns men granskas aldrig | Otillåten åtkomst upptäcks inte |\n"
                .into(),
            topics: vec!["åtkomst".into(), "loggning".into()],
            org_kinds: vec!["municipality".into()],
            ..Default::default()
        },
        None,
    )
    .await
    .map_err(e)?;

    publish_demo_catalog(app, &lead).await?;

    // The planned case on Åsby kommun.
    let asby_number = "212000-9994";
    let case_id = tillit_app::supervision::open_case(
        app,
        &officer,
        &sup::CaseDraft {
            org_number: asby_number.into(),
            case_type: "planned".into(),
            title: "Behörigheter och loggar i äldreomsorgens verksamhetssystem".into(),
            background: "Åsby kommun ligger högt i rangordningen: saknad behovs- och riskanalys och ett molnsystem utanför EU.".into(),
            ..Default::default()
        },
    )
    .await
    .map_err(e)?;
    let deadline = (tillit_app::today_date() + chrono::Duration::days(14)).to_string();
    let request_id = tillit_app::supervision::send_request(
        app,
        &officer,
        &case_id,
        &sup::RequestDraft {
            questions: "Beskriv hur behörigheter i verksamhetssystemet för äldreomsorgen tilldelas och följs upp, och hur loggarna kontrolleras.".into(),
            documents: "Behovs- och riskanalys för systemet\nRutin för logguppföljning".into(),
            deadline,
        },
    )
    .await
    .map_err(e)?;
    let asby = tillit_app::auth::acting_as_member(app, "admin@asby.example", asby_number)
        .await
        .map_err(e)?;
    let systems: Vec<String> = tillit_app::systems::all_systems(app, &asby)
        .await
        .map_err(e)?
        .into_iter()
        .take(1)
        .map(|s| s.id.to_string())
        .collect();
    tillit_app::supervision::answer(
        app,
        &asby,
        &case_id,
        &request_id,
        &sup::AnswerDraft {
            text: "Behörigheter tilldelas av enhetscheferna efter yrkesroll. En behovs- och riskanalys saknas; loggarna kontrolleras inte systematiskt. Systemet bifogas ur vårt register.".into(),
            system_ids: systems,
            ..Default::default()
        },
        &[],
    )
    .await
    .map_err(e)?;
    // The case has run for eleven weeks: opened, asked a week later, answered after a month.
    let imy_tenant = store
        .operator_tenant(
            &tillit_domain::org::OrgNumber::parse("n", imy).map_err(|x| x.to_string())?,
        )
        .await
        .map_err(|x| x.to_string())?
        .0;
    store
        .backdate_undecided_case(&imy_tenant, &case_id, &ago(77), &ago(70), &ago(38))
        .await
        .map_err(|x| x.to_string())?;
    let due = |days: i64| (tillit_app::today_date() + chrono::Duration::days(days)).to_string();
    tillit_app::supervision::decide(
        app,
        &officer,
        &case_id,
        &sup::DecisionDraft {
            outcome: "order".into(),
            summary: "Socialnämnden i Åsby kommun har behandlat personuppgifter i strid med artiklarna 5.1 f och 32 i dataskyddsförordningen genom att inte begränsa åtkomsten till uppgifterna i äldreomsorgens verksamhetssystem efter behov och inte följa upp loggarna. IMY förelägger med stöd av artikel 58.2 i dataskyddsförordningen nämnden att vidta åtgärderna nedan.".into(),
            findings: vec![
                sup::FindingDraft {
                    requirement_id: "beh-11".into(),
                    provision: String::new(),
                    text: "Alla användare kan läsa alla brukares uppgifter; ingen analys av behoven finns.".into(),
                },
                sup::FindingDraft {
                    requirement_id: "log-9".into(),
                    provision: String::new(),
                    text: "Loggarna i systemet granskas inte.".into(),
                },
            ],
            actions: vec![
                sup::ActionDraft {
                    text: "Gör en analys av behoven av åtkomst per yrkesroll och begränsa behörigheterna efter den.".into(),
                    due_on: due(30),
                },
                sup::ActionDraft {
                    text: "Inför systematiska och dokumenterade kontroller av loggarna.".into(),
                    due_on: due(60),
                },
            ],
            ..Default::default()
        },
    )
    .await
    .map_err(e)?;
    let view = tillit_app::supervision::case(app, &officer, &case_id)
        .await
        .map_err(e)?;
    let reports = [
        "Analysen är gjord och behörigheterna är begränsade efter yrkesroll sedan förra månaden; analysen finns i vårt register.",
        "Vi har tagit fram en rutin för logguppföljning; första kontrollen görs nästa månad.",
    ];
    for (a, r) in view.actions.iter().zip(reports) {
        tillit_app::supervision::report_action(
            app,
            &asby,
            &case_id,
            &a.id,
            &sup::ReportDraft { report: r.into() },
        )
        .await
        .map_err(e)?;
    }
    if let Some(first) = view.actions.first() {
        tillit_app::supervision::verify_action(
            app,
            &officer,
            &case_id,
            &first.id,
            &sup::VerifyDraft {
                verdict: "accepted".into(),
                reason: String::new(),
            },
        )
        .await
        .map_err(e)?;
    }
    let ivo_id = tillit_app::supervision::share_partners(app, &officer)
        .await
        .map_err(e)?
        .into_iter()
        .find(|(_, n)| n.starts_with("Inspektionen"))
        .map(|(id, _)| id)
        .ok_or("IVO is not in the demo")?;
    tillit_app::supervision::share(
        app,
        &officer,
        &case_id,
        &sup::ShareDraft {
            authority_id: ivo_id,
        },
    )
    .await
    .map_err(e)?;
    let ivo = tillit_app::auth::acting_as_member(app, "handlaggare@ivo.example", "202100-9986")
        .await
        .map_err(e)?;
    tillit_app::supervision::note(
        app,
        &ivo,
        &case_id,
        &sup::NoteDraft {
            text: "IVO granskar samtidigt kommunens hemtjänst; vi samordnar besöket.".into(),
        },
    )
    .await
    .map_err(e)?;

    // A closed complaint case on Linden Vård, and a year of generated cases.
    let entries = tillit_app::authority::ranking_all(app, &officer, &Default::default())
        .await
        .map_err(e)?;
    let linden = entries
        .iter()
        .find(|r| r.org_number == "556999-1234")
        .map(|r| r.name.clone())
        .unwrap_or_else(|| "Linden Vård AB".into());
    let linden_id = store
        .organisation_by_number(
            &tillit_domain::org::OrgNumber::parse("n", "556999-1234").map_err(|x| x.to_string())?,
        )
        .await
        .map_err(|x| x.to_string())?
        .map(|o| o.id);
    let mut cases = vec![tillit_store::HistoricCase {
        org_number: "556999-1234".into(),
        org_name: linden,
        provider_org_id: linden_id,
        case_type: "complaint".into(),
        title: "Klagomål: anhörig fick läsa journal utan behörighet".into(),
        officer_name: officer.display_name().to_string(),
        opened_at: ago(150),
        request_at: Some(ago(140)),
        answered_at: Some(ago(105)),
        decided_at: Some(ago(70)),
        outcome: "reprimand".into(),
        closed_at: Some(ago(68)),
    }];
    let generated: Vec<&tillit_store::RankRow> = entries
        .iter()
        .filter(|r| r.generated != 0)
        .take(60)
        .collect();
    let types = ["planned", "complaint", "incident", "follow_up"];
    let outcomes = ["no_remark", "reprimand", "order", "no_remark"];
    let mut r = Lcg(42);
    for (i, g) in generated.iter().enumerate() {
        let opened = 20 + r.below(340) as i64;
        let request = opened - 3 - r.below(20) as i64;
        let answered = request - 5 - r.below(40) as i64;
        let decided = answered - 5 - r.below(80) as i64;
        let open_case = i % 5 == 0;
        let (answered, decided) = if open_case {
            (answered.max(1), -1)
        } else {
            (answered, decided)
        };
        cases.push(tillit_store::HistoricCase {
            org_number: g.org_number.clone(),
            org_name: g.name.clone(),
            provider_org_id: None,
            case_type: types[i % types.len()].into(),
            title: format!("Tillsyn {}", i + 1),
            officer_name: officer.display_name().to_string(),
            opened_at: ago(opened),
            request_at: (request > 0).then(|| ago(request)),
            // Of the open cases, every other one still waits for the provider's answer.
            answered_at: (answered > 0 && !(open_case && i % 10 == 0)).then(|| ago(answered)),
            decided_at: (decided > 0).then(|| ago(decided)),
            outcome: outcomes[i % outcomes.len()].into(),
            closed_at: (decided > 10 && i % 3 != 0).then(|| ago(decided - 5)),
        });
    }
    store
        .seed_case_histories(&imy_tenant, &cases)
        .await
        .map_err(|x| x.to_string())?;
    Ok(())
}

/// IMY's review points for systems with sensitive personal data: a selection of Tillit's catalog
/// published in two versions. Åsby kommun adopted the first and assessed its social-services
/// system against it; the second drops a control Åsby assessed and adds one, so Åsby's page of
/// the second version shows what changed and which assessment it touches.
async fn publish_demo_catalog(app: &App, lead: &tillit_app::Acting) -> Result<(), String> {
    use tillit_domain::supervision as sup;
    let e = |x: tillit_app::Error| format!("demo catalog: {x}");
    let catalog = tillit_app::library::builtin_catalog_json(tillit_app::library::LATEST)
        .ok_or("demo catalog: the built-in catalog is missing")?;
    let profile = |ids: &[&str], version: &str| {
        serde_json::json!({"profile": {
            "uuid": "5b0e7f39-8a7d-4c61-9a41-3c2f0d6e9b10",
            "metadata": {"title": "IMY:s granskningspunkter", "last-modified": "2026-11-30T00:00:00Z",
                         "version": version, "oscal-version": "1.1.2"},
            "imports": [{"href": "tillit-vard-omsorg.json", "include-controls": [{"with-ids": ids}]}],
            "merge": {"as-is": true}}})
        .to_string()
        .into_bytes()
    };
    let publish = |ids: &'static [&'static str], version: &'static str, summary: &'static str| {
        let draft = sup::GuidanceDraft {
            doc_key: "granskningspunkter-kansliga-system".into(),
            title: "Granskningspunkter för system med känsliga personuppgifter".into(),
            summary: summary.into(),
            body: "# Granskningspunkter

De krav IMY utgår från när vi granskar behörigheter och \
                   loggning i system med känsliga personuppgifter. Katalogen kan antas som ett kravbibliotek \
                   och systemen bedömas mot den."
                .into(),
            topics: vec!["åtkomst".into(), "loggning".into()],
            ..Default::default()
        };
        let upload = tillit_app::oscal::Upload {
            name: "tillit-vard-omsorg.json".into(),
            bytes: catalog.to_vec(),
        };
        let selection = tillit_app::oscal::Upload {
            name: "profil.json".into(),
            bytes: profile(ids, version),
        };
        async move {
            tillit_app::supervision::publish_guidance(
                app,
                lead,
                &draft,
                Some((upload, Some(selection))),
            )
            .await
        }
    };
    let v1 = publish(
        &["beh-1", "beh-2", "beh-4", "log-2", "log-3"],
        "1",
        "Första versionen: behörigheter och logguppföljning.",
    )
    .await
    .map_err(e)?;
    let asby = tillit_app::auth::acting_as_member(app, "admin@asby.example", "212000-9994")
        .await
        .map_err(e)?;
    let copy = tillit_app::oscal::adopt_published(app, &asby, &v1.id)
        .await
        .map_err(e)?;
    let mut systems: Vec<(String, String)> = tillit_app::systems::system_names(app, &asby)
        .await
        .map_err(e)?
        .into_iter()
        .collect();
    systems.sort_by(|a, b| a.1.cmp(&b.1));
    if let Some((system, _)) = systems.first() {
        let system = tillit_domain::ids::SystemId::from(system.as_str());
        tillit_app::oscal::adopt_library(app, &asby, &system, &copy.library.id)
            .await
            .map_err(e)?;
        for (control, status, motivation) in [
            (
                "beh-4",
                "partly_met",
                "Stark autentisering används inte för åtkomst utifrån.",
            ),
            ("log-2", "not_met", "Loggarna granskas inte återkommande."),
            ("beh-1", "met", ""),
        ] {
            let d = tillit_domain::assessment::AssessmentDraft {
                status: status.into(),
                motivation: motivation.into(),
                ..Default::default()
            };
            tillit_app::oscal::assess_control(app, &asby, &system, &copy.library.id, control, &d)
                .await
                .map_err(e)?;
        }
    }
    publish(
        &["beh-1", "beh-2", "beh-6", "log-2", "log-3"],
        "2",
        "Andra versionen: uppföljningen av behörigheter ersätter kravet på stark autentisering.",
    )
    .await
    .map_err(e)?;
    Ok(())
}

/// The demo region's identity provider, when a test provider runs: `TILLIT_DEMO_OIDC_ISSUER`
/// names its issuer (e.g. the one `node e2e/oidc/provider.mjs` prints), `TILLIT_DEMO_OIDC_CLIENT_ID`
/// its client (default `tillit`); the client secret stays in the environment, in
/// `TILLIT_OIDC_DEMO_SECRET`, and the provider is set up to read it from there. New
/// people the provider vouches for become readers.
pub async fn seed_sign_in(app: &App) -> Result<(), String> {
    let Ok(issuer) = std::env::var("TILLIT_DEMO_OIDC_ISSUER") else {
        return Ok(());
    };
    let e = |e: tillit_app::Error| e.to_string();
    let who = tillit_app::auth::acting_as_member(app, "admin@norrfjall.example", "232100-9991")
        .await
        .map_err(e)?;
    let settings = tillit_app::sso::settings(app, &who).await.map_err(e)?;
    if !settings.providers.is_empty() {
        return Ok(());
    }
    let draft = tillit_domain::sso::SsoProviderDraft {
        name: "Region Norrfjälls identitetsleverantör".into(),
        issuer,
        client_id: std::env::var("TILLIT_DEMO_OIDC_CLIENT_ID").unwrap_or_else(|_| "tillit".into()),
        client_secret: "env:TILLIT_OIDC_DEMO_SECRET".into(),
        match_claim: "email".into(),
        create_members: "yes".into(),
        default_role: "reader".into(),
        enabled: "yes".into(),
    };
    tillit_app::sso::create_provider(app, &who, &draft)
        .await
        .map_err(e)?;
    tracing::info!("demo: Region Norrfjäll signs in through its identity provider too");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_numbers_are_valid_and_unique() {
        let rows = super::registry_rows(7);
        let mut seen = std::collections::HashSet::new();
        for r in &rows {
            tillit_domain::org::OrgNumber::parse("org_number", &r.org_number).unwrap();
            assert!(seen.insert(r.org_number.clone()), "{}", r.org_number);
        }
        assert_eq!(
            rows.iter().filter(|r| r.generated).count(),
            super::GENERATED_MUNICIPALITIES + super::GENERATED_PRIVATE
        );
        assert!(rows
            .iter()
            .filter(|r| r.generated)
            .all(|r| r.name.starts_with("Genererad")));
    }
}

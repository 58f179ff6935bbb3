//! Starting Tillit for a test, and a browser-like client.

use reqwest::header::HeaderMap;
use reqwest::{Client, Response, StatusCode};
use std::path::PathBuf;
use tillit_app::security::PasswordHashing;
use tillit_domain::org::{luhn_check_digit, OrgKind, OrgNumber};
use tillit_domain::role::Role;
use tillit_domain::user::Email;
use tillit_store::{Actor, Organisation, Store, Tenant, User};
use tillit_web::{AppState, WebConfig};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "korrekt häst batteri";

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub database_url: String,
    pub hashing: PasswordHashing,
    dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn is_postgres() -> bool {
    std::env::var("TILLIT_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty())
}

async fn database_url(dir: &std::path::Path) -> String {
    match std::env::var("TILLIT_TEST_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("connect to the test PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let (base, _) = admin.rsplit_once('/').expect("URL with a database name");
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", dir.join("tillit.db").display()),
    }
}

pub fn test_config() -> WebConfig {
    // The real algorithm (Argon2id) at a low cost, so the suite stays fast.
    WebConfig {
        argon2_memory_kib: 1024,
        argon2_iterations: 1,
        signing_kek: Some(tillit_app::signing::Kek([7; 32])),
        // The test identity provider runs on this machine.
        sso_loopback: true,
        design_page: true,
        ..WebConfig::default()
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(test_config()).await
    }

    pub async fn spawn_with(config: WebConfig) -> TestApp {
        let dir = std::env::temp_dir().join(format!("tillit-it-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let database_url = database_url(&dir).await;
        let store = Store::connect(&database_url).await.unwrap();
        store.migrate().await.unwrap();
        let hashing =
            PasswordHashing::new(config.argon2_memory_kib, config.argon2_iterations).unwrap();
        let app = tillit_app::App::new(store.clone(), AppState::app_config(&config)).unwrap();
        let state = AppState::new(app, config).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(tillit_web::serve(listener, state, async move {
            let _ = rx.await;
        }));
        TestApp {
            base,
            store,
            database_url,
            hashing,
            dir,
            stop: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn org(&self, name: &str, kind: OrgKind) -> (Tenant, Organisation) {
        self.org_on(name, kind, tillit_app::library::LATEST).await
    }

    /// An organisation working against a given version of the requirement catalog.
    pub async fn org_on(&self, name: &str, kind: OrgKind, version: &str) -> (Tenant, Organisation) {
        let number = unique_org_number();
        let n = OrgNumber::parse("org_number", &number).unwrap();
        self.store
            .create_organisation(&Actor::operator(), name, &n, kind, version)
            .await
            .unwrap();
        self.store.operator_tenant(&n).await.unwrap()
    }

    pub async fn user(&self, email: &str) -> User {
        let hash = self.hashing.hash(PASSWORD.to_string()).await.unwrap();
        let e = Email::parse("email", email).unwrap();
        self.store
            .create_user(
                &Actor::operator(),
                &e,
                &format!("Test {email}"),
                &hash,
                false,
            )
            .await
            .unwrap()
    }

    /// A new user with a role in the organisation; returns the membership id.
    pub async fn member(&self, tenant: &Tenant, email: &str, role: Role) -> String {
        let u = match self.store.user_by_email(email).await.unwrap() {
            Some(u) => u.user,
            None => self.user(email).await,
        };
        self.store
            .add_member(tenant, &Actor::operator(), &u.id, role)
            .await
            .unwrap()
            .id
            .into_string()
    }

    pub fn browser(&self) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Browser {
            client: Client::builder()
                .cookie_provider(jar.clone())
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: self.base.clone(),
            csrf: String::new(),
            jar,
        }
    }

    /// A signed-in browser session.
    pub async fn login(&self, email: &str) -> Browser {
        let mut b = self.browser();
        let res = b.sign_in(email, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign-in of {email}");
        b.refresh_csrf().await;
        b
    }

    /// A new member of the organisation, signed in.
    pub async fn member_signed_in(&self, tenant: &Tenant, email: &str, role: Role) -> Browser {
        self.member(tenant, email, role).await;
        self.login(email).await
    }

    /// A client that sends an API token and no cookies.
    pub fn api(&self, token: &str) -> Api {
        Api {
            client: Client::new(),
            base: self.base.clone(),
            token: token.to_string(),
        }
    }
}

pub fn unique_org_number() -> String {
    // 55 + third digit 6 (a legal person), then six random digits and the check digit.
    let n: u32 = rand_u32() % 1_000_000;
    let first9 = format!("556{n:06}");
    let digits: Vec<u32> = first9.chars().filter_map(|c| c.to_digit(10)).collect();
    format!(
        "{}-{}{}",
        &first9[..6],
        &first9[6..],
        luhn_check_digit(&digits)
    )
}

fn rand_u32() -> u32 {
    let u = uuid::Uuid::new_v4();
    let b = u.as_bytes();
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

pub fn csrf_in(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[i..i + 64].to_string())
}

pub struct Browser {
    pub client: Client,
    pub base: String,
    pub csrf: String,
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
}

impl Browser {
    /// The value of a cookie the browser holds for this site.
    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let s = r.status();
        (s, r.text().await.unwrap())
    }

    /// Reads the CSRF token from a page's forms, as a browser holds it.
    pub async fn refresh_csrf(&mut self) {
        let (_, html) = self.get_text("/account").await;
        self.csrf = csrf_in(&html).expect("a form with a CSRF token on /account");
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Response {
        let (_, html) = self.get_text("/login").await;
        self.csrf = csrf_in(&html).expect("CSRF token on the sign-in page");
        self.post_form("/login", &[("email", email), ("password", password)])
            .await
    }

    /// Posts a form with the CSRF token, as the page's form would.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &self.csrf));
        self.client
            .post(format!("{}{}", self.base, path))
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    /// Posts a multipart form (a file upload) with the CSRF token as its first field.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, Vec<u8>)>,
    ) -> Response {
        let mut form = reqwest::multipart::Form::new().text("csrf", self.csrf.clone());
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        if let Some((name, bytes)) = file {
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        }
        self.client
            .post(format!("{}{}", self.base, path))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_form_without_csrf(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}{}", self.base, path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// A JSON request from the page's scripts (htmx): session cookie plus the CSRF header.
    pub async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Response {
        let mut r = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }
}

#[derive(Clone)]
pub struct Api {
    pub client: Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub async fn req(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Response {
        let mut r = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }
    pub async fn get(&self, path: &str) -> Response {
        self.req(reqwest::Method::GET, path, None).await
    }
    pub async fn delete(&self, path: &str) -> Response {
        self.req(reqwest::Method::DELETE, path, None).await
    }
    pub async fn post(&self, path: &str, body: serde_json::Value) -> Response {
        self.req(reqwest::Method::POST, path, Some(body)).await
    }
    /// A POST with no body: an action on the object in the path.
    pub async fn post_empty(&self, path: &str) -> Response {
        self.req(reqwest::Method::POST, path, None).await
    }
    pub async fn put(&self, path: &str, body: serde_json::Value) -> Response {
        self.req(reqwest::Method::PUT, path, Some(body)).await
    }
    pub async fn patch(&self, path: &str, body: serde_json::Value) -> Response {
        self.req(reqwest::Method::PATCH, path, Some(body)).await
    }
    pub async fn get_json(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let r = self.req(reqwest::Method::GET, path, None).await;
        let s = r.status();
        (s, r.json().await.unwrap_or(serde_json::Value::Null))
    }
}

pub fn location(h: &HeaderMap) -> String {
    h.get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Makes an API token through the page, as a user would, and returns its secret.
pub async fn make_token(b: &Browser, name: &str, scopes: &[&str]) -> String {
    let mut fields = vec![("name", name), ("expires_in_days", "30")];
    for s in scopes {
        fields.push(("scopes", s));
    }
    let res = b.post_form("/account/tokens", &fields).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let html = res.text().await.unwrap();
    let i = html
        .find("id=\"new-token\">")
        .expect("the new token is shown")
        + "id=\"new-token\">".len();
    html[i..i + 4 + 64].to_string()
}

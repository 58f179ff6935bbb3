//! Configuration, layered: built-in defaults, then a TOML file (`--config`), then environment
//! variables and command-line flags (clap reads both; a flag wins over its variable).

use serde::Deserialize;
use std::path::{Path, PathBuf};
use tillit_web::WebConfig;

/// The TOML file. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub secure_cookies: Option<bool>,
    pub session_idle_minutes: Option<i64>,
    pub session_max_hours: Option<i64>,
    pub argon2_memory_kib: Option<u32>,
    pub argon2_iterations: Option<u32>,
    pub log_format: Option<String>,
    /// Addresses or networks of reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Option<Vec<String>>,
    pub request_timeout_seconds: Option<u64>,
    pub header_read_timeout_seconds: Option<u64>,
    /// The key that signs audit checkpoints (default: `DATA_DIR.checkpoint.key`, beside the
    /// data directory, not in it).
    pub checkpoint_key_file: Option<PathBuf>,
    /// Where checkpoints are appended (default: `DATA_DIR.checkpoints.jsonl`).
    pub checkpoint_file: Option<PathBuf>,
    pub max_connections: Option<usize>,
    /// The key that seals the organisations' signing keys (default: `DATA_DIR.signing.key`,
    /// beside the data directory; instances sharing a database share it).
    pub signing_key_file: Option<PathBuf>,
    /// The address Tillit is reached at, for links in e-mail (`https://tillit.region.example`).
    pub public_url: Option<String>,
    /// SMTP for e-mail reminders of incident deadlines; without it e-mail is off.
    pub smtp: Option<SmtpFile>,
    /// Let identity providers be on this machine over plain HTTP (a test provider). Default off.
    pub sso_allow_loopback: Option<bool>,
}

/// The `[smtp]` table. Every key can also come from the environment (`TILLIT_SMTP_HOST`,
/// `TILLIT_SMTP_PORT`, `TILLIT_SMTP_SECURITY`, `TILLIT_SMTP_USER`, `TILLIT_SMTP_PASSWORD` or
/// `TILLIT_SMTP_PASSWORD_FILE`, `TILLIT_SMTP_FROM`), which wins over the file. The password is
/// read from the environment or a file, never from this file itself.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpFile {
    pub host: Option<String>,
    pub port: Option<u16>,
    /// starttls (default), tls or none.
    pub security: Option<String>,
    pub user: Option<String>,
    pub password_file: Option<PathBuf>,
    pub from: Option<String>,
    /// Hours before a deadline to remind (default [12, 2]).
    pub reminder_hours_before: Option<Vec<u32>>,
    pub reminder_interval_seconds: Option<u64>,
    /// The pause after a first failed attempt; it doubles up to an hour (default 30).
    pub retry_seconds: Option<u64>,
}

/// The SMTP settings from the file and the environment (`env` looks a variable up); none when
/// no host is given anywhere.
pub fn mail_config(
    file: Option<SmtpFile>,
    public_url: Option<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<tillit_app::reminders::MailConfig>, String> {
    use tillit_app::reminders::{MailConfig, SmtpSecurity};
    let f = file.unwrap_or_default();
    let var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let Some(host) = var("TILLIT_SMTP_HOST").or(f.host) else {
        return Ok(None);
    };
    let security = match var("TILLIT_SMTP_SECURITY").or(f.security) {
        None => SmtpSecurity::StartTls,
        Some(v) => SmtpSecurity::parse(&v)
            .ok_or_else(|| format!("smtp security: must be starttls, tls or none, not {v}"))?,
    };
    let port = match var("TILLIT_SMTP_PORT") {
        Some(p) => p
            .trim()
            .parse::<u16>()
            .map_err(|_| format!("TILLIT_SMTP_PORT: must be a port number, not {p}"))?,
        None => f.port.unwrap_or(match security {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::None => 25,
        }),
    };
    let from = var("TILLIT_SMTP_FROM")
        .or(f.from)
        .ok_or("smtp from: the sender address is required with an SMTP host")?;
    let mut c = MailConfig::new(host, port, security, from);
    c.user = var("TILLIT_SMTP_USER").or(f.user);
    let password_file = var("TILLIT_SMTP_PASSWORD_FILE")
        .map(PathBuf::from)
        .or(f.password_file);
    c.password = match (var("TILLIT_SMTP_PASSWORD"), password_file) {
        (Some(p), _) => Some(p),
        (None, Some(path)) => Some(
            std::fs::read_to_string(&path)
                .map_err(|e| format!("smtp password file {}: {e}", path.display()))?
                .trim_end_matches(['\n', '\r'])
                .to_string(),
        ),
        (None, None) => None,
    };
    if c.password.is_some() && c.user.is_none() {
        return Err("smtp: a password needs a user".into());
    }
    if let Some(h) = f.reminder_hours_before {
        if h.is_empty() || h.iter().any(|h| !(1..=720).contains(h)) {
            return Err("smtp reminder_hours_before: one or more hours between 1 and 720".into());
        }
        c.hours_before = h;
    }
    if let Some(s) = f.reminder_interval_seconds {
        if !(1..=3600).contains(&s) {
            return Err("smtp reminder_interval_seconds: must be between 1 and 3600".into());
        }
        c.interval = std::time::Duration::from_secs(s);
    }
    if let Some(s) = f.retry_seconds {
        if !(1..=3600).contains(&s) {
            return Err("smtp retry_seconds: must be between 1 and 3600".into());
        }
        c.retry_base = std::time::Duration::from_secs(s);
    }
    c.public_url = var("TILLIT_PUBLIC_URL").or(public_url);
    Ok(Some(c))
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub web: WebConfig,
    pub log_json: bool,
    pub checkpoint_key_file: PathBuf,
    pub checkpoint_file: PathBuf,
    pub signing_key_file: PathBuf,
}

/// A file beside the data directory: `DIR` + `suffix` (`./tillit-data.checkpoint.key`).
fn beside(data_dir: &Path, suffix: &str) -> PathBuf {
    let mut name = data_dir
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "tillit-data".into());
    name.push(suffix);
    data_dir.with_file_name(name)
}

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./tillit-data";

pub fn read_file(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The SQLite URL of the database in a data directory.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("tillit.db").display())
}

pub struct Overrides<'a> {
    pub bind: Option<&'a str>,
    pub data_dir: Option<&'a Path>,
    pub database_url: Option<&'a str>,
    pub secure_cookies: Option<bool>,
    pub log_format: Option<&'a str>,
    pub trusted_proxies: Option<&'a str>,
}

pub fn settings(file: FileConfig, o: Overrides<'_>) -> Result<Settings, String> {
    let data_dir = o
        .data_dir
        .map(Path::to_path_buf)
        .or(file.data_dir)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
    let database_url = o
        .database_url
        .map(str::to_string)
        .or(file.database_url)
        .unwrap_or_else(|| sqlite_url(&data_dir));
    let mut web = WebConfig::default();
    if let Some(s) = o.secure_cookies.or(file.secure_cookies) {
        web.secure_cookies = s;
    }
    if let Some(m) = file.session_idle_minutes {
        if !(1..=24 * 60).contains(&m) {
            return Err("session_idle_minutes: must be between 1 and 1440".into());
        }
        web.session_idle = chrono::Duration::minutes(m);
    }
    if let Some(h) = file.session_max_hours {
        if !(1..=24 * 7).contains(&h) {
            return Err("session_max_hours: must be between 1 and 168".into());
        }
        web.session_absolute = chrono::Duration::hours(h);
    }
    if let Some(m) = file.argon2_memory_kib {
        web.argon2_memory_kib = m;
    }
    if let Some(i) = file.argon2_iterations {
        web.argon2_iterations = i;
    }
    let proxies = o
        .trusted_proxies
        .map(str::to_string)
        .or(file.trusted_proxies.map(|v| v.join(",")));
    if let Some(p) = proxies {
        web.trusted_proxies = tillit_web::middleware::client::TrustedProxies::parse(&p)?;
    }
    if let Some(t) = file.request_timeout_seconds {
        if !(1..=3600).contains(&t) {
            return Err("request_timeout_seconds: must be between 1 and 3600".into());
        }
        web.request_timeout = std::time::Duration::from_secs(t);
    }
    if let Some(t) = file.header_read_timeout_seconds {
        if !(1..=300).contains(&t) {
            return Err("header_read_timeout_seconds: must be between 1 and 300".into());
        }
        web.header_read_timeout = std::time::Duration::from_secs(t);
    }
    if let Some(n) = file.max_connections {
        if !(1..=100_000).contains(&n) {
            return Err("max_connections: must be between 1 and 100000".into());
        }
        web.max_connections = n;
    }
    web.sso_loopback = file.sso_allow_loopback.unwrap_or(false);
    // The environment wins over the file, as for e-mail.
    web.public_url = std::env::var("TILLIT_PUBLIC_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| file.public_url.clone())
        .map(|u| u.trim_end_matches('/').to_string());
    web.mail = mail_config(file.smtp, file.public_url, |k| std::env::var(k).ok())?;
    let log_format = o
        .log_format
        .map(str::to_string)
        .or(file.log_format)
        .unwrap_or_else(|| "text".into());
    let log_json = match log_format.as_str() {
        "text" => false,
        "json" => true,
        other => return Err(format!("log_format: must be text or json, not {other}")),
    };
    Ok(Settings {
        bind: o
            .bind
            .map(str::to_string)
            .or(file.bind)
            .unwrap_or_else(|| DEFAULT_BIND.into()),
        checkpoint_key_file: file
            .checkpoint_key_file
            .unwrap_or_else(|| beside(&data_dir, ".checkpoint.key")),
        checkpoint_file: file
            .checkpoint_file
            .unwrap_or_else(|| beside(&data_dir, ".checkpoints.jsonl")),
        signing_key_file: file
            .signing_key_file
            .unwrap_or_else(|| beside(&data_dir, ".signing.key")),
        data_dir,
        database_url,
        web,
        log_json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn without_a_host_e_mail_is_off() {
        assert!(mail_config(None, None, env(&[]))
            .unwrap_or_default()
            .is_none());
    }

    #[test]
    fn the_environment_wins_and_the_password_comes_from_a_file_never_printed() {
        let dir = std::env::temp_dir().join(format!("tillit-smtp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let secret = dir.join("password");
        std::fs::write(&secret, "hemligt-lösen\n").unwrap_or_default();
        let file = SmtpFile {
            host: Some("smtp.fil.example".into()),
            user: Some("tillit".into()),
            password_file: Some(secret),
            from: Some("Tillit <tillit@region.example>".into()),
            reminder_hours_before: Some(vec![24, 4]),
            ..SmtpFile::default()
        };
        let c = mail_config(
            Some(file),
            Some("https://tillit.region.example".into()),
            env(&[("TILLIT_SMTP_HOST", "smtp.env.example")]),
        )
        .ok()
        .flatten();
        let Some(c) = c else {
            unreachable!("configured")
        };
        assert_eq!(c.host, "smtp.env.example");
        assert_eq!(c.port, 587, "STARTTLS's port by default");
        assert_eq!(c.password.as_deref(), Some("hemligt-lösen"));
        assert_eq!(c.hours_before, vec![24, 4]);
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hemligt") && shown.contains("(hidden)"),
            "{shown}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_settings_are_named() {
        let err = |file: SmtpFile, vars: &[(&str, &str)]| {
            mail_config(Some(file), None, env(vars))
                .err()
                .unwrap_or_default()
        };
        let host = || SmtpFile {
            host: Some("smtp.example".into()),
            from: Some("tillit@region.example".into()),
            ..SmtpFile::default()
        };
        assert!(err(
            SmtpFile {
                from: None,
                ..host()
            },
            &[]
        )
        .contains("smtp from"));
        assert!(err(host(), &[("TILLIT_SMTP_SECURITY", "ssl3")]).contains("security"));
        assert!(err(host(), &[("TILLIT_SMTP_PORT", "99999")]).contains("TILLIT_SMTP_PORT"));
        assert!(err(host(), &[("TILLIT_SMTP_PASSWORD", "x")]).contains("needs a user"));
        assert!(err(
            SmtpFile {
                reminder_hours_before: Some(vec![0]),
                ..host()
            },
            &[]
        )
        .contains("reminder_hours_before"));
    }
}

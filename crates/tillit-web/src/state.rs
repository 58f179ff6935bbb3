//! What every handler shares: the application layer, the translations and the web settings.

use crate::i18n::I18n;
use crate::startup::WebConfig;
use std::sync::Arc;
use tillit_app::{App, AppConfig};

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub i18n: Arc<I18n>,
    pub config: Arc<WebConfig>,
    /// The key that signs anonymous CSRF tokens, read from the installation once.
    csrf_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
}

impl AppState {
    pub fn new(app: App, config: WebConfig) -> Result<AppState, String> {
        Ok(AppState {
            app,
            i18n: Arc::new(I18n::new()?),
            config: Arc::new(config),
            csrf_key: Arc::new(tokio::sync::OnceCell::new()),
        })
    }

    /// The key that signs the anonymous CSRF tokens (the same for every instance).
    pub async fn csrf_key(&self) -> Result<&[u8], tillit_app::Error> {
        self.csrf_key
            .get_or_try_init(|| async {
                let hex_key = self.app.instance_secret("anonymous_csrf").await?;
                hex::decode(hex_key).map_err(tillit_app::Error::internal)
            })
            .await
            .map(Vec::as_slice)
    }

    /// The application configuration a web configuration implies.
    pub fn app_config(config: &WebConfig) -> AppConfig {
        AppConfig {
            session_idle: config.session_idle,
            session_absolute: config.session_absolute,
            argon2_memory_kib: config.argon2_memory_kib,
            argon2_iterations: config.argon2_iterations,
            throttle: config.throttle,
            signing_kek: config.signing_kek.clone(),
            sso_loopback: config.sso_loopback,
        }
    }
}

//! What every handler shares.

use crate::i18n::I18n;
use crate::library::Library;
use crate::security::PasswordHashing;
use crate::startup::WebConfig;
use crate::throttle::Throttle;
use std::sync::Arc;
use tillit_store::Store;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub i18n: Arc<I18n>,
    /// The built-in requirement library, resolved at start.
    pub library: Arc<Library>,
    pub config: Arc<WebConfig>,
    pub throttle: Arc<Throttle>,
    pub hashing: PasswordHashing,
    /// A hash to verify against when the account does not exist, so both cases take as long.
    pub dummy_hash: Arc<String>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Result<AppState, String> {
        let hashing = PasswordHashing::new(config.argon2_memory_kib, config.argon2_iterations)?;
        let dummy_hash = hashing.hash_blocking("tillit-dummy-password-for-timing")?;
        Ok(AppState {
            store,
            i18n: Arc::new(I18n::new()?),
            library: Arc::new(Library::builtin()?),
            throttle: Arc::new(Throttle::new(config.throttle)),
            config: Arc::new(config),
            hashing,
            dummy_hash: Arc::new(dummy_hash),
        })
    }
}

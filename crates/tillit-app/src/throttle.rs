//! Sign-in throttling by progressive delays, never a hard lock. Failed attempts are counted per
//! account and address together, per account from anywhere, and per address across accounts;
//! past each count's free attempts, the next attempt must wait a delay that doubles with every
//! further failure (1 s, 2 s, 4 s, … at most 15 minutes). So a person guessing at one account
//! from one address is slowed at once, while someone failing at an account from elsewhere slows
//! its real user only after many failures, and only progressively.
//!
//! An attempt is reserved before its password is checked ([`Throttle::reserve`]), so parallel
//! attempts cannot all pass the check. The counts live in the database (`sign_in_attempts`): every
//! instance on it counts the same attempts, and a restart does not clear them. Failures are
//! forgotten after the window (15 minutes). The rule itself ([`Throttle::wait`]) is a plain
//! function of the failure times.

use std::time::Duration;
use tillit_store::{Store, StoreError};

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Failures older than this are forgotten.
    pub window: Duration,
    /// Failures of one account from one address before delays begin.
    pub free_per_pair: usize,
    /// Failures of one account from any address before delays begin.
    pub free_per_account: usize,
    /// Failures from one address on any account before delays begin.
    pub free_per_address: usize,
    /// The first delay; each further failure doubles it.
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            free_per_pair: 5,
            free_per_account: 20,
            free_per_address: 20,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15 * 60),
        }
    }
}

impl ThrottlePolicy {
    /// The delay after `failures` failures of a count that allows `free` of them.
    fn delay(&self, failures: usize, free: usize) -> Option<Duration> {
        let over = failures.checked_sub(free)?;
        let factor = 1u32.checked_shl(u32::try_from(over).unwrap_or(u32::MAX));
        Some(
            factor
                .and_then(|f| self.first_delay.checked_mul(f))
                .map_or(self.max_delay, |d| d.min(self.max_delay)),
        )
    }
}

/// A reserved attempt, given back by [`Throttle::record_success`].
#[derive(Debug, Clone)]
pub struct Reservation(String);

pub struct Throttle {
    policy: ThrottlePolicy,
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Throttle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self { policy }
    }

    /// The three counts an attempt touches (pair, account, address), with the failures each
    /// allows before delays.
    fn keys(&self, account: &str, address: &str) -> [(String, usize); 3] {
        let account = account.to_lowercase();
        [
            (format!("p:{account}|{address}"), self.policy.free_per_pair),
            (format!("a:{account}"), self.policy.free_per_account),
            (format!("ip:{address}"), self.policy.free_per_address),
        ]
    }

    /// How long an attempt at `now_ms` must wait, given each count's failure times (in the order
    /// of the keys, oldest first, milliseconds since the epoch); `None` when it may go ahead.
    pub fn wait(&self, free: [usize; 3], failures: &[Vec<i64>], now_ms: i64) -> Option<Duration> {
        let window = millis(self.policy.window);
        let mut wait: Option<Duration> = None;
        for (times, free) in failures.iter().zip(free) {
            let recent: Vec<i64> = times
                .iter()
                .copied()
                .filter(|t| now_ms.saturating_sub(*t) < window)
                .collect();
            let (Some(delay), Some(last)) = (self.policy.delay(recent.len(), free), recent.last())
            else {
                continue;
            };
            let since = u64::try_from(now_ms.saturating_sub(*last)).unwrap_or(0);
            let w = delay.saturating_sub(Duration::from_millis(since));
            if !w.is_zero() {
                wait = Some(wait.map_or(w, |x| x.max(w)));
            }
        }
        wait
    }

    /// Checks and reserves one attempt in the same step: the attempt counts as a failure from
    /// now on, so parallel attempts (on any instance) cannot all pass the check before any
    /// failure is recorded. `Ok(Err(wait))` when it must wait.
    pub async fn reserve(
        &self,
        store: &Store,
        account: &str,
        address: &str,
        now_ms: i64,
    ) -> Result<Result<Reservation, Duration>, StoreError> {
        let keys = self.keys(account, address);
        let free = [keys[0].1, keys[1].1, keys[2].1];
        let names: Vec<String> = keys.into_iter().map(|(k, _)| k).collect();
        let since = now_ms.saturating_sub(millis(self.policy.window));
        Ok(store
            .reserve_sign_in(&names, now_ms, since, |lists| {
                self.wait(free, lists, now_ms)
            })
            .await?
            .map(Reservation))
    }

    /// A successful sign-in clears the account's failures (from this address and from anywhere),
    /// and gives back the address's reservation; the address's earlier failures on other
    /// accounts stay.
    pub async fn record_success(
        &self,
        store: &Store,
        account: &str,
        address: &str,
        r: &Reservation,
    ) -> Result<(), StoreError> {
        let [(pair, _), (acct, _), _] = self.keys(account, address);
        store.sign_in_succeeded(&[pair, acct], &r.0).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// The counts as the database keeps them, in memory: the same `wait` rule decides.
    struct Counts {
        t: Throttle,
        map: HashMap<String, Vec<i64>>,
    }

    impl Counts {
        fn new() -> Counts {
            Counts {
                t: Throttle::new(ThrottlePolicy::default()),
                map: HashMap::new(),
            }
        }
        fn blocked(&self, account: &str, address: &str, now: i64) -> Option<Duration> {
            let keys = self.t.keys(account, address);
            let lists: Vec<Vec<i64>> = keys
                .iter()
                .map(|(k, _)| self.map.get(k).cloned().unwrap_or_default())
                .collect();
            self.t.wait([keys[0].1, keys[1].1, keys[2].1], &lists, now)
        }
        fn record_failure(&mut self, account: &str, address: &str, now: i64) {
            for (k, _) in self.t.keys(account, address) {
                self.map.entry(k).or_default().push(now);
            }
        }
        fn reserve(&mut self, account: &str, address: &str, now: i64) -> Result<(), Duration> {
            if let Some(w) = self.blocked(account, address, now) {
                return Err(w);
            }
            self.record_failure(account, address, now);
            Ok(())
        }
    }

    const T0: i64 = 1_800_000_000_000;
    fn at(secs: i64) -> i64 {
        T0 + secs * 1000
    }

    #[test]
    fn after_five_failures_from_one_address_each_further_attempt_waits_twice_as_long() {
        let mut c = Counts::new();
        for i in 0..5 {
            assert!(
                c.reserve("Anna@x.se", "1.2.3.4", at(0)).is_ok(),
                "attempt {i}"
            );
        }
        assert_eq!(c.reserve("anna@x.se", "1.2.3.4", at(0)), Err(s(1)));
        assert!(c.reserve("anna@x.se", "1.2.3.4", at(1)).is_ok());
        assert_eq!(c.reserve("anna@x.se", "1.2.3.4", at(1)), Err(s(2)));
        assert!(c.reserve("anna@x.se", "1.2.3.4", at(3)).is_ok());
        assert_eq!(c.reserve("anna@x.se", "1.2.3.4", at(3)), Err(s(4)));
        // The real user at another address is not slowed by these seven failures.
        assert!(c.blocked("anna@x.se", "5.6.7.8", at(3)).is_none());
    }

    #[test]
    fn failures_from_anywhere_slow_an_account_only_after_twenty_and_never_lock_it() {
        let mut c = Counts::new();
        for i in 0..20 {
            c.record_failure("anna@x.se", &format!("10.0.0.{i}"), at(0));
        }
        assert_eq!(c.blocked("anna@x.se", "5.6.7.8", at(0)), Some(s(1)));
        assert!(c.blocked("anna@x.se", "5.6.7.8", at(1)).is_none());
        // Many more failures: the delay grows to at most 15 minutes, then failures age out.
        for i in 0..40 {
            c.record_failure("anna@x.se", &format!("10.0.1.{i}"), at(0));
        }
        assert_eq!(c.blocked("anna@x.se", "5.6.7.8", at(0)), Some(s(900)));
        assert!(c.blocked("anna@x.se", "5.6.7.8", at(901)).is_none());
    }

    #[test]
    fn an_address_failing_at_many_accounts_is_slowed_across_accounts() {
        let mut c = Counts::new();
        for i in 0..20 {
            c.record_failure(&format!("user{i}@x.se"), "9.9.9.9", at(0));
        }
        assert!(c.blocked("new@x.se", "9.9.9.9", at(0)).is_some());
        assert!(c.blocked("new@x.se", "9.9.9.8", at(0)).is_none());
    }

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let mut c = Counts::new();
        for _ in 0..6 {
            c.record_failure("a@x.se", "1.1.1.1", at(0));
        }
        assert!(c.blocked("a@x.se", "1.1.1.1", at(0)).is_some());
        assert!(c.blocked("a@x.se", "1.1.1.1", at(15 * 60)).is_none());
    }
}

//! Login throttling per account and per client address: failed attempts within a window are
//! counted, and past the limit further attempts are refused until the oldest failure ages out.
//!
//! The throttle fails closed: every attempt is checked and every failure counted, even after a
//! panic elsewhere poisoned the lock (the counts are recovered and used, never skipped).

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub max_per_account: usize,
    pub max_per_address: usize,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            max_per_account: 5,
            max_per_address: 20,
        }
    }
}

pub struct Throttle {
    policy: ThrottlePolicy,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

const MAX_KEYS: usize = 100_000;

impl Throttle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self {
            policy,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The counts, also after a panic while they were held: they are plain counters, always whole.
    fn counts(&self) -> MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn keys(account: &str, address: &str) -> [(String, usize); 2] {
        [
            (format!("a:{}", account.to_lowercase()), 0),
            (format!("ip:{address}"), 1),
        ]
    }

    /// `Some(wait)` when the account or the address must wait before trying again.
    pub fn blocked(&self, account: &str, address: &str, now: Instant) -> Option<Duration> {
        let mut map = self.counts();
        Self::wait(&self.policy, &mut map, account, address, now)
    }

    fn wait(
        policy: &ThrottlePolicy,
        map: &mut HashMap<String, VecDeque<Instant>>,
        account: &str,
        address: &str,
        now: Instant,
    ) -> Option<Duration> {
        let mut wait: Option<Duration> = None;
        for (key, which) in Self::keys(account, address) {
            let limit = if which == 0 {
                policy.max_per_account
            } else {
                policy.max_per_address
            };
            if let Some(q) = map.get_mut(&key) {
                while q
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= policy.window)
                {
                    q.pop_front();
                }
                if q.len() >= limit {
                    let oldest = q.front().copied().unwrap_or(now);
                    let w = policy.window.saturating_sub(now.duration_since(oldest));
                    wait = Some(wait.map_or(w, |x| x.max(w)));
                }
            }
        }
        wait
    }

    fn push(
        map: &mut HashMap<String, VecDeque<Instant>>,
        account: &str,
        address: &str,
        now: Instant,
    ) {
        for (key, _) in Self::keys(account, address) {
            let q = map.entry(key).or_default();
            q.push_back(now);
            if q.len() > 1000 {
                q.pop_front();
            }
        }
    }

    /// Checks and reserves one attempt in the same step: the attempt counts as a failure from
    /// now on, so parallel attempts cannot all pass the check before any failure is recorded.
    /// `Err(wait)` when the account or the address must wait. A successful attempt gives its
    /// reservation back with [`Throttle::record_success`].
    pub fn reserve(&self, account: &str, address: &str, now: Instant) -> Result<(), Duration> {
        let mut map = self.counts();
        if let Some(wait) = Self::wait(&self.policy, &mut map, account, address, now) {
            return Err(wait);
        }
        Self::push(&mut map, account, address, now);
        Ok(())
    }

    pub fn record_failure(&self, account: &str, address: &str, now: Instant) {
        let mut map = self.counts();
        if map.len() > MAX_KEYS {
            let window = self.policy.window;
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        Self::push(&mut map, account, address, now);
    }

    /// A successful sign-in clears the account's failures, and gives back the address's
    /// reservation made at `reserved_at` (the address's earlier failures stay).
    pub fn record_success(&self, account: &str, address: &str, reserved_at: Instant) {
        let mut map = self.counts();
        map.remove(&format!("a:{}", account.to_lowercase()));
        if let Some(q) = map.get_mut(&format!("ip:{address}")) {
            if let Some(i) = q.iter().rposition(|t| *t == reserved_at) {
                q.remove(i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_blocked_after_five_failures_until_the_window_passes() {
        let t = Throttle::new(ThrottlePolicy::default());
        let start = Instant::now();
        for i in 0..5 {
            assert!(
                t.blocked("anna@x.se", "1.2.3.4", start).is_none(),
                "attempt {i}"
            );
            t.record_failure("Anna@x.se", "1.2.3.4", start);
        }
        let wait = t.blocked("anna@x.se", "5.6.7.8", start).unwrap();
        assert_eq!(wait, Duration::from_secs(900));
        assert!(t
            .blocked("anna@x.se", "5.6.7.8", start + Duration::from_secs(901))
            .is_none());
        assert!(t.blocked("bertil@x.se", "5.6.7.8", start).is_none());
    }

    #[test]
    fn an_address_is_blocked_across_accounts() {
        let t = Throttle::new(ThrottlePolicy::default());
        let now = Instant::now();
        for i in 0..20 {
            t.record_failure(&format!("user{i}@x.se"), "9.9.9.9", now);
        }
        assert!(t.blocked("new@x.se", "9.9.9.9", now).is_some());
        assert!(t.blocked("new@x.se", "9.9.9.8", now).is_none());
    }

    #[test]
    fn a_poisoned_lock_still_counts_and_refuses() {
        let t = std::sync::Arc::new(Throttle::new(ThrottlePolicy::default()));
        let now = Instant::now();
        for _ in 0..5 {
            t.record_failure("a@x.se", "3.3.3.3", now);
        }
        let t2 = t.clone();
        let _ = std::thread::spawn(move || {
            let _held = t2.failures.lock();
            panic!("a panic while the counts are held");
        })
        .join();
        assert!(t.failures.is_poisoned());
        assert!(t.blocked("a@x.se", "4.4.4.4", now).is_some());
        t.record_failure("b@x.se", "4.4.4.4", now);
        assert_eq!(t.counts().get("a:b@x.se").map(VecDeque::len), Some(1));
    }

    #[test]
    fn success_clears_the_account() {
        let t = Throttle::new(ThrottlePolicy::default());
        let now = Instant::now();
        for _ in 0..5 {
            t.record_failure("a@x.se", "1.1.1.1", now);
        }
        t.record_success("a@x.se", "1.1.1.1", now);
        assert!(t.blocked("a@x.se", "2.2.2.2", now).is_none());
    }

    #[test]
    fn a_reservation_counts_at_once_and_a_success_gives_it_back() {
        let t = Throttle::new(ThrottlePolicy::default());
        let now = Instant::now();
        // Five attempts in flight at once: the sixth is refused before any has been checked.
        for _ in 0..5 {
            assert!(t.reserve("a@x.se", "1.1.1.1", now).is_ok());
        }
        assert!(t.reserve("a@x.se", "1.1.1.1", now).is_err());
        // A success clears the account and returns its own reservation to the address.
        let u = Throttle::new(ThrottlePolicy::default());
        for _ in 0..19 {
            u.record_failure("other@x.se", "9.9.9.9", now);
        }
        assert!(u.reserve("b@x.se", "9.9.9.9", now).is_ok());
        u.record_success("b@x.se", "9.9.9.9", now);
        assert!(
            u.reserve("c@x.se", "9.9.9.9", now).is_ok(),
            "19 failures, 20 allowed"
        );
        assert!(u.reserve("d@x.se", "9.9.9.9", now).is_err());
    }
}

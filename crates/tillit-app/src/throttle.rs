//! Sign-in throttling by progressive delays, never a hard lock. Failed attempts are counted per
//! account and address together, per account from anywhere, and per address across accounts;
//! past each count's free attempts, the next attempt must wait a delay that doubles with every
//! further failure (1 s, 2 s, 4 s, … at most 15 minutes). So a person guessing at one account
//! from one address is slowed at once, while someone failing at an account from elsewhere slows
//! its real user only after many failures, and only progressively.
//!
//! An attempt is reserved before its password is checked ([`Throttle::reserve`]), so parallel
//! attempts cannot all pass the check. The throttle fails closed: after a panic that poisoned its
//! lock, the counts are recovered and used, never skipped. Failures are forgotten after the
//! window (15 minutes). The counts live in the process: a restart clears them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

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

    /// The three counts an attempt touches, with the failures each allows before delays.
    fn keys(&self, account: &str, address: &str) -> [(String, usize); 3] {
        let account = account.to_lowercase();
        [
            (format!("p:{account}|{address}"), self.policy.free_per_pair),
            (format!("a:{account}"), self.policy.free_per_account),
            (format!("ip:{address}"), self.policy.free_per_address),
        ]
    }

    /// How long the attempt must wait, if at all.
    fn wait(
        &self,
        map: &mut HashMap<String, VecDeque<Instant>>,
        account: &str,
        address: &str,
        now: Instant,
    ) -> Option<Duration> {
        let mut wait: Option<Duration> = None;
        for (key, free) in self.keys(account, address) {
            let Some(q) = map.get_mut(&key) else {
                continue;
            };
            while q
                .front()
                .is_some_and(|t| now.duration_since(*t) >= self.policy.window)
            {
                q.pop_front();
            }
            let (Some(delay), Some(last)) = (self.policy.delay(q.len(), free), q.back()) else {
                continue;
            };
            let w = delay.saturating_sub(now.duration_since(*last));
            if !w.is_zero() {
                wait = Some(wait.map_or(w, |x| x.max(w)));
            }
        }
        wait
    }

    fn push(
        &self,
        map: &mut HashMap<String, VecDeque<Instant>>,
        account: &str,
        address: &str,
        now: Instant,
    ) {
        if map.len() > MAX_KEYS {
            let window = self.policy.window;
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        for (key, _) in self.keys(account, address) {
            let q = map.entry(key).or_default();
            q.push_back(now);
            if q.len() > 1000 {
                q.pop_front();
            }
        }
    }

    /// `Some(wait)` when the attempt must wait before it may be made (what `reserve` checks).
    #[cfg(test)]
    fn blocked(&self, account: &str, address: &str, now: Instant) -> Option<Duration> {
        let mut map = self.counts();
        self.wait(&mut map, account, address, now)
    }

    /// Checks and reserves one attempt in the same step: the attempt counts as a failure from
    /// now on, so parallel attempts cannot all pass the check before any failure is recorded.
    /// `Err(wait)` when it must wait. A successful attempt gives its reservation back with
    /// [`Throttle::record_success`].
    pub fn reserve(&self, account: &str, address: &str, now: Instant) -> Result<(), Duration> {
        let mut map = self.counts();
        if let Some(wait) = self.wait(&mut map, account, address, now) {
            return Err(wait);
        }
        self.push(&mut map, account, address, now);
        Ok(())
    }

    /// Records a failure that was not reserved.
    #[cfg(test)]
    fn record_failure(&self, account: &str, address: &str, now: Instant) {
        let mut map = self.counts();
        self.push(&mut map, account, address, now);
    }

    /// A successful sign-in clears the account's failures (from this address and from anywhere),
    /// and gives back the address's reservation made at `reserved_at`; the address's earlier
    /// failures on other accounts stay.
    pub fn record_success(&self, account: &str, address: &str, reserved_at: Instant) {
        let mut map = self.counts();
        let [(pair, _), (acct, _), (ip, _)] = self.keys(account, address);
        map.remove(&pair);
        map.remove(&acct);
        if let Some(q) = map.get_mut(&ip) {
            if let Some(i) = q.iter().rposition(|t| *t == reserved_at) {
                q.remove(i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn after_five_failures_from_one_address_each_further_attempt_waits_twice_as_long() {
        let t = Throttle::new(ThrottlePolicy::default());
        let start = Instant::now();
        for i in 0..5 {
            assert!(
                t.reserve("Anna@x.se", "1.2.3.4", start).is_ok(),
                "attempt {i}"
            );
        }
        assert_eq!(t.reserve("anna@x.se", "1.2.3.4", start), Err(s(1)));
        assert!(t.reserve("anna@x.se", "1.2.3.4", start + s(1)).is_ok());
        assert_eq!(t.reserve("anna@x.se", "1.2.3.4", start + s(1)), Err(s(2)));
        assert!(t.reserve("anna@x.se", "1.2.3.4", start + s(3)).is_ok());
        assert_eq!(t.reserve("anna@x.se", "1.2.3.4", start + s(3)), Err(s(4)));
        // The real user at another address is not slowed by these seven failures.
        assert!(t.blocked("anna@x.se", "5.6.7.8", start + s(3)).is_none());
    }

    #[test]
    fn failures_from_anywhere_slow_an_account_only_after_twenty_and_never_lock_it() {
        let t = Throttle::new(ThrottlePolicy::default());
        let now = Instant::now();
        for i in 0..20 {
            t.record_failure("anna@x.se", &format!("10.0.0.{i}"), now);
        }
        assert_eq!(t.blocked("anna@x.se", "5.6.7.8", now), Some(s(1)));
        assert!(t.blocked("anna@x.se", "5.6.7.8", now + s(1)).is_none());
        // Many more failures: the delay grows to at most 15 minutes, then failures age out.
        for i in 0..40 {
            t.record_failure("anna@x.se", &format!("10.0.1.{i}"), now);
        }
        assert_eq!(t.blocked("anna@x.se", "5.6.7.8", now), Some(s(900)));
        assert!(t.blocked("anna@x.se", "5.6.7.8", now + s(901)).is_none());
    }

    #[test]
    fn an_address_failing_at_many_accounts_is_slowed_across_accounts() {
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
        assert!(t.blocked("a@x.se", "3.3.3.3", now).is_some());
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
        assert!(t.blocked("a@x.se", "1.1.1.1", now).is_none());
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
        // A success returns its own reservation to the address.
        let u = Throttle::new(ThrottlePolicy::default());
        for i in 0..19 {
            u.record_failure(&format!("other{i}@x.se"), "9.9.9.9", now);
        }
        assert!(u.reserve("b@x.se", "9.9.9.9", now).is_ok());
        u.record_success("b@x.se", "9.9.9.9", now);
        assert!(
            u.reserve("c@x.se", "9.9.9.9", now).is_ok(),
            "19 failures, 20 free"
        );
        assert!(u.reserve("d@x.se", "9.9.9.9", now).is_err());
    }
}

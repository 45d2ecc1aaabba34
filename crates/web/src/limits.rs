//! The limits each instance keeps in memory: registrations per client address and minute, and
//! how many passwords are verified at once. The limits that must hold across instances (failed
//! sign-ins, ticket re-sends) are counted in the database (`persistence`).

use crate::client::{ClientAddr, TrustedProxies};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The abuse limits, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Who may name the client in `X-Forwarded-For`.
    pub trusted_proxies: TrustedProxies,
    /// New registrations a client address may send a minute, form and API together, on each
    /// instance; 0: no limit.
    pub registrations_per_minute: u32,
    /// Password verifications under way at once on each instance (each holds some 19 MiB for
    /// argon2); beyond it a sign-in is answered 503 at once.
    pub password_checks: NonZeroU32,
    /// A browser session unused for this long ends (a desk laptop left signed in); it ends 12
    /// hours after sign-in in any case.
    pub browser_idle: chrono::TimeDelta,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            trusted_proxies: TrustedProxies::default(),
            registrations_per_minute: 20,
            password_checks: default_password_checks(),
            browser_idle: DEFAULT_BROWSER_IDLE,
        }
    }
}

/// Two hours: a desk's lunch break, not a night.
pub const DEFAULT_BROWSER_IDLE: chrono::TimeDelta = chrono::TimeDelta::hours(2);

/// Two password verifications per core: enough to keep every core busy hashing, while a flood of
/// sign-ins can hold no more than that many argon2 buffers.
pub fn default_password_checks() -> NonZeroU32 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    u32::try_from(cores * 2)
        .ok()
        .and_then(NonZeroU32::new)
        .unwrap_or(NonZeroU32::MIN)
}

/// Keys not seen for this long are forgotten (their bucket is full again anyway).
const FORGET_EVERY: Duration = Duration::from_secs(60);

/// Registrations per client address and minute, on this instance (GCRA: up to the limit at once,
/// then one every 60/limit seconds). In memory: behind a load balancer each instance counts its
/// own share, which is enough against one script hammering one address.
#[derive(Debug)]
pub struct RegistrationLimiter {
    limiter: Option<DefaultKeyedRateLimiter<IpNet>>,
    last_forgotten: Mutex<Instant>,
}

impl RegistrationLimiter {
    /// `per_minute` registrations per client address and minute; 0: no limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            limiter: NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n))),
            last_forgotten: Mutex::new(Instant::now()),
        }
    }

    /// Counts one registration from `client`: `Err(wait)` when it is over the limit, with how
    /// long until the next one may be sent.
    pub fn check(&self, client: ClientAddr) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        self.forget_idle(limiter);
        limiter
            .check_key(&client.limit_key())
            .map_err(|not_until| not_until.wait_time_from(limiter.clock().now()))
    }

    /// Drops, about once a minute, the addresses whose allowance is whole again, so that the
    /// map holds only the recent clients.
    fn forget_idle(&self, limiter: &DefaultKeyedRateLimiter<IpNet>) {
        let Ok(mut last) = self.last_forgotten.try_lock() else {
            return;
        };
        if last.elapsed() >= FORGET_EVERY {
            limiter.retain_recent();
            limiter.shrink_to_fit();
            *last = Instant::now();
        }
    }
}

/// The cap on password verifications under way at once on this instance.
#[derive(Debug, Clone)]
pub struct PasswordChecks(Arc<Semaphore>);

impl PasswordChecks {
    pub fn new(at_once: NonZeroU32) -> Self {
        let permits = usize::try_from(at_once.get()).unwrap_or(usize::MAX);
        Self(Arc::new(Semaphore::new(permits)))
    }

    /// A place for one verification, held until the permit is dropped; `None` when all are taken
    /// (never a wait: a queue of sign-ins would only grow under a flood).
    pub fn try_start(&self) -> Option<OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().ok()
    }
}

/// Whole seconds for a `Retry-After` header: rounded up, at least 1.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(text: &str) -> ClientAddr {
        ClientAddr::new(text.parse().expect("an address"))
    }

    #[test]
    fn registrations_beyond_the_limit_wait_and_each_address_counts_alone() {
        let limiter = RegistrationLimiter::new(3);
        for _ in 0..3 {
            assert_eq!(limiter.check(client("192.0.2.1")), Ok(()));
        }
        let wait = limiter
            .check(client("192.0.2.1"))
            .expect_err("over the limit");
        // One registration comes back every 20 seconds.
        assert!(
            wait > Duration::from_secs(15) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert_eq!(limiter.check(client("192.0.2.2")), Ok(()));
        // An IPv6 client cannot escape by changing its address within its /64.
        for n in 1..=3 {
            assert_eq!(limiter.check(client(&format!("2001:db8::{n}"))), Ok(()));
        }
        assert!(limiter.check(client("2001:db8::99")).is_err());
    }

    #[test]
    fn a_zero_limit_is_no_limit() {
        let limiter = RegistrationLimiter::new(0);
        for _ in 0..1000 {
            assert_eq!(limiter.check(client("192.0.2.1")), Ok(()));
        }
    }

    #[test]
    fn password_checks_beyond_the_cap_are_refused_at_once() {
        let checks = PasswordChecks::new(NonZeroU32::new(2).expect("two"));
        let first = checks.try_start().expect("a first place");
        let second = checks.try_start().expect("a second place");
        assert!(checks.try_start().is_none());
        drop(first);
        assert!(checks.try_start().is_some());
        drop(second);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(2500)), 3);
        assert_eq!(retry_after_seconds(Duration::from_secs(20)), 20);
    }

    #[test]
    fn two_password_checks_per_core_by_default() {
        assert!(default_password_checks().get() >= 2);
        assert_eq!(default_password_checks().get() % 2, 0);
    }
}

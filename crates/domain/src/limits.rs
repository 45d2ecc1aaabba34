//! How much one client may ask of guichet, as rules: the numbers and windows of the limits that
//! must hold across instances. The counting is `persistence`'s (in the database, so that every
//! instance on one database sees the same counts); the per-instance registration rate is `web`'s.

use chrono::{DateTime, TimeDelta, Utc};

/// Failed sign-ins that block further attempts: per (account, client address) and per client
/// address, over a sliding window. Per pair and not per account, so that wrong passwords typed
/// from one place never lock the account for a colleague elsewhere; per address too, so that
/// one client cannot try a few passwords on every account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// Attempts older than this are forgotten (and may be pruned).
    pub window: TimeDelta,
    /// Failed (or still running) attempts for one account from one client address.
    pub per_account_and_address: u64,
    /// Failed (or still running) attempts from one client address, whatever the account.
    pub per_address: u64,
    /// Wrong second-factor codes for one account, from any address (they follow the right
    /// password, so only its holder can use them up).
    pub codes_per_account: u64,
}

impl LoginLimits {
    /// 5 per account and address, 30 per address (a venue's shared Wi-Fi has several clerks), in
    /// 15 minutes.
    pub const DEFAULT: LoginLimits = LoginLimits {
        window: TimeDelta::minutes(15),
        per_account_and_address: 5,
        per_address: 30,
        codes_per_account: 10,
    };

    /// The oldest attempt that still counts at `now`.
    pub fn counted_since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }
}

/// Tickets sent again at a participant's request (registering again with the same address, or
/// "send my ticket again"): at most `max` in any `window`, per registration. Beyond it the
/// request is answered as usual and no email is queued: whoever asks learns nothing, and an
/// inbox cannot be flooded through guichet. Organisers' re-sends are not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResendLimit {
    pub window: TimeDelta,
    pub max: u64,
}

impl ResendLimit {
    /// 3 an hour.
    pub const DEFAULT: ResendLimit = ResendLimit {
        window: TimeDelta::hours(1),
        max: 3,
    };

    /// Whether one more may be sent, `earlier` having been sent within the window.
    pub fn allows_another(&self, earlier: u64) -> bool {
        earlier < self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fourth_resend_within_the_hour_is_withheld() {
        let limit = ResendLimit::DEFAULT;
        assert!(limit.allows_another(0));
        assert!(limit.allows_another(2));
        assert!(!limit.allows_another(3));
    }

    #[test]
    fn login_attempts_count_for_fifteen_minutes() {
        let now = DateTime::parse_from_rfc3339("2008-07-07T09:00:00+02:00")
            .expect("instant")
            .with_timezone(&Utc);
        assert_eq!(
            LoginLimits::DEFAULT.counted_since(now),
            now - TimeDelta::minutes(15)
        );
    }
}

//! The one source of "now". Every rule reads the time from an injected [`Clock`], never from the
//! system directly, so that `serve --clock 2008-07-07T08:59:00+02:00` rehearses the desk before the
//! day and tests can stand at any instant.

use chrono::{DateTime, TimeDelta, Utc};
use std::fmt;
use std::time::Instant;

/// Tells the current instant.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant, in UTC: local times are derived from it with the event's zone.
    fn now(&self) -> DateTime<Utc>;

    /// Whether this clock shows the real time. The desk says so when it does not, so that a
    /// rehearsal cannot be mistaken for the day.
    fn is_real(&self) -> bool;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn is_real(&self) -> bool {
        true
    }
}

/// A clock set to a chosen instant when it was made, and running on from there at real speed.
#[derive(Debug, Clone, Copy)]
pub struct RunningClock {
    start: DateTime<Utc>,
    started: Instant,
}

impl RunningClock {
    /// A clock that shows `start` now and runs on.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            start,
            started: Instant::now(),
        }
    }
}

impl Clock for RunningClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = TimeDelta::from_std(self.started.elapsed()).unwrap_or(TimeDelta::MAX);
        self.start + elapsed
    }

    fn is_real(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_clock_starts_at_the_given_instant_and_runs_on() {
        let start = DateTime::parse_from_rfc3339("2008-07-07T08:59:00+02:00")
            .map(|t| t.with_timezone(&Utc))
            .expect("valid instant");
        let clock = RunningClock::starting_at(start);
        let first = clock.now();
        assert!(first >= start && first - start < TimeDelta::seconds(1));
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(clock.now() - start >= TimeDelta::milliseconds(20));
        assert!(!clock.is_real());
        assert!(SystemClock.is_real());
    }
}

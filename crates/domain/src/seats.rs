//! An event's seats: who gets one, and when a freed seat goes to the waitlist. The rule lives
//! here alone; persistence reads the counter under the event's lock, applies these functions, and
//! writes the counter back in the same transaction, so it holds across instances.

use crate::registration::Status;

/// An event's capacity and the seats confirmed registrations hold, as read under its lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    capacity: i32,
    confirmed: i32,
}

impl Seats {
    /// `confirmed` may exceed `capacity` when an organiser lowered it: then no seat is free until
    /// enough are given back.
    pub fn new(capacity: i32, confirmed: i32) -> Self {
        Self {
            capacity,
            confirmed,
        }
    }

    /// Seats held by confirmed registrations.
    pub fn confirmed(self) -> i32 {
        self.confirmed
    }

    /// Whether a seat is free.
    pub fn has_free(self) -> bool {
        self.confirmed < self.capacity
    }

    /// The status a new registration gets: confirmed while a seat is free, waitlisted after.
    pub fn status_for_newcomer(self) -> Status {
        if self.has_free() {
            Status::Confirmed
        } else {
            Status::Waitlisted
        }
    }

    /// Counts a registration that now has `status`: a confirmed one takes a seat.
    pub fn take(&mut self, status: Status) {
        if status == Status::Confirmed {
            self.confirmed += 1;
        }
    }

    /// Counts a registration leaving `status` (cancelled): a confirmed one gives its seat back.
    /// Returns whether a seat was freed.
    pub fn release(&mut self, status: Status) -> bool {
        let held = status == Status::Confirmed;
        if held {
            self.confirmed -= 1;
        }
        held
    }

    /// Promotes the first of the waitlist if a seat is free, taking it; false when none is.
    pub fn promote(&mut self) -> bool {
        let free = self.has_free();
        if free {
            self.confirmed += 1;
        }
        free
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newcomers_are_confirmed_until_the_last_seat_then_waitlisted() {
        let mut seats = Seats::new(2, 0);
        let mut statuses = Vec::new();
        for _ in 0..4 {
            let status = seats.status_for_newcomer();
            seats.take(status);
            statuses.push(status);
        }
        use Status::{Confirmed, Waitlisted};
        assert_eq!(statuses, [Confirmed, Confirmed, Waitlisted, Waitlisted]);
        assert_eq!(seats.confirmed(), 2);
    }

    #[test]
    fn a_cancelled_seat_goes_to_the_waitlist_once() {
        let mut seats = Seats::new(2, 2);
        assert!(!seats.promote(), "full: nobody is promoted");
        assert!(
            !seats.release(Status::Waitlisted),
            "a waitlisted place is no seat"
        );
        assert!(seats.release(Status::Confirmed));
        assert!(seats.promote());
        assert!(!seats.promote(), "the freed seat is given once");
        assert_eq!(seats.confirmed(), 2);
    }

    #[test]
    fn a_lowered_capacity_frees_nothing_until_enough_seats_are_given_back() {
        let mut seats = Seats::new(2, 3);
        assert_eq!(seats.status_for_newcomer(), Status::Waitlisted);
        assert!(seats.release(Status::Confirmed));
        assert!(
            !seats.promote(),
            "3 held for 2 seats: one back is not enough"
        );
        assert!(seats.release(Status::Confirmed));
        assert!(seats.promote());
    }
}

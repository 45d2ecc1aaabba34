//! sea-orm entities: the rows as stored. Repositories turn them into domain types; nothing outside
//! this crate sees them.
//!
//! A column that holds one of a closed set of values (a status, a kind, a role) is an active enum
//! stored as text, the same on SQLite and PostgreSQL; each is declared beside its entity, with its
//! one mapping to the domain's enum when the domain has one.

pub mod access_log;
pub mod agenda_item;
pub mod agenda_person;
pub mod audit_log;
pub mod checkin;
pub mod event;
pub mod event_category;
pub mod login_address;
pub mod login_attempt;
pub mod outbox;
pub mod registration;
pub mod scan_log;
pub mod session_checkin;
pub mod staff;
pub mod staff_grant;
pub mod staff_invitation;
pub mod staff_login_challenge;
pub mod staff_recovery_code;
pub mod staff_session;

#[cfg(test)]
mod tests {
    //! Rows written before these columns were typed hold the domain's names: each stored value
    //! must stay that name, and map back to the same domain value.
    use super::{agenda_item, outbox, registration, staff_grant};
    use sea_orm::ActiveEnum;

    #[test]
    fn registration_statuses_are_stored_under_the_domain_names() {
        use domain::Status;
        for status in [Status::Confirmed, Status::Waitlisted, Status::Cancelled] {
            let stored = registration::Status::from(status);
            assert_eq!(stored.to_value(), status.as_str());
            assert_eq!(Status::from(stored), status);
        }
    }

    #[test]
    fn email_kinds_are_stored_under_the_domain_names() {
        for kind in domain::EmailKind::ALL {
            let stored = outbox::Kind::from(kind);
            assert_eq!(stored.to_value(), kind.as_str());
            assert_eq!(domain::EmailKind::from(stored), kind);
        }
    }

    #[test]
    fn staff_roles_are_stored_under_the_domain_names() {
        use domain::Role;
        for role in [Role::Organiser, Role::Desk] {
            let stored = staff_grant::Role::from(role);
            assert_eq!(stored.to_value(), role.as_str());
            assert_eq!(Role::from(stored), role);
        }
    }

    #[test]
    fn access_actions_are_stored_under_the_names_the_catalogs_follow() {
        use sea_orm::Iterable;
        for action in crate::AccessAction::iter() {
            assert_eq!(action.to_value(), action.as_str());
        }
    }

    #[test]
    fn agenda_item_kinds_are_stored_under_the_domain_names() {
        use domain::ItemKind;
        for kind in [
            ItemKind::Registration,
            ItemKind::Opening,
            ItemKind::Session,
            ItemKind::Break,
            ItemKind::Closing,
            ItemKind::Other,
        ] {
            let stored = agenda_item::Kind::from(kind);
            assert_eq!(stored.to_value(), kind.as_str());
            assert_eq!(ItemKind::from(stored), kind);
        }
    }
}

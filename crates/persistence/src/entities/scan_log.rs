use sea_orm::entity::prelude::*;

/// Every scan attempt at the desk, with the answer it got (typed: see [`Outcome`]), and undos.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scan_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub registration_id: Option<i32>,
    pub staff_id: i32,
    pub at: DateTimeUtc,
    pub scanned: String,
    pub outcome: Outcome,
    pub nonce: Option<String>,
    /// `ok`: the day attendance was recorded for; `undone`: the day whose check-in was removed.
    pub day: Option<Date>,
    /// `already_checked_in`: the day's first check-in, and who made it.
    pub first_at: Option<DateTimeUtc>,
    pub first_staff_id: Option<i32>,
    /// `too_early`: when the desk opens.
    pub opens_at: Option<DateTimeUtc>,
    /// The desk's own name, if the device has one.
    pub desk: Option<String>,
    /// An offline scan: when it reached the server (`at` is when it was made).
    pub received_at: Option<DateTimeUtc>,
    /// One of two scans of a ticket on one day that two desks both let in.
    pub conflict: bool,
    /// A scan at an agenda item's door: its key (`domain::ItemKey`), and which way (`in`, `out`).
    pub item: Option<String>,
    pub direction: Option<String>,
}

/// What a line of the scan log records: the desk's outcomes, and an undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Outcome {
    #[sea_orm(string_value = "ok")]
    Ok,
    #[sea_orm(string_value = "already_checked_in")]
    AlreadyCheckedIn,
    #[sea_orm(string_value = "too_early")]
    TooEarly,
    #[sea_orm(string_value = "closed")]
    Closed,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    #[sea_orm(string_value = "not_confirmed")]
    NotConfirmed,
    #[sea_orm(string_value = "unknown")]
    Unknown,
    /// A check-in removed by the desk.
    #[sea_orm(string_value = "undone")]
    Undone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

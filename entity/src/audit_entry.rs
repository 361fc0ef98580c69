//! One line of the audit log: who changed what, when and from where.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: DateTimeUtc,
    /// `user`, `invitee`, `gateway` or `system`.
    pub who_kind: String,
    pub user_id: Option<i32>,
    pub invitation_id: Option<i32>,
    /// `mail`, `sms`… for gateway entries, the job name for system ones; empty otherwise.
    pub gateway: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// JSON `{field: [old, new]}`.
    #[sea_orm(column_type = "Text")]
    pub changes: String,
    pub ip: String,
}

impl ActiveModelBehavior for ActiveModel {}

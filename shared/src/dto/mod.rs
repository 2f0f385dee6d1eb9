//! Request and response bodies, one module per resource.

pub mod account;
pub mod auth;
pub mod health;
pub mod outbox;
pub mod security_log;

pub use account::{AccountDto, CurrentSessionDto, MeResponse};
pub use auth::{LoginRequest, SignupRequest};
pub use health::HealthDto;
pub use outbox::{OutboxMessageDto, OutboxPage, OutboxQuery};
pub use security_log::{
    ExportFormat, SecurityEventDto, SecurityEventKind, SecurityLogExportQuery, SecurityLogPage,
    SecurityLogQuery,
};

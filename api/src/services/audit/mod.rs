//! The security log: recording and reading events, and folding refused API
//! calls into it. Serves `routes/security_log.rs`.

pub mod chain;
pub mod refused_calls;
pub mod security_log;
pub mod stream;
pub mod stream_delivery;

//! Portal sign-in and the sessions it opens: the sign-in steps and their abuse
//! limits, the codes that hold a sign-in, trusted devices, the live sessions,
//! their inactivity timeout, the login history and the portal IP allowlist.
//! Serves `routes/{auth, sessions, devices, session_timeout, login_history,
//! portal_allowlist}.rs`.

pub mod active_sessions;
pub mod codes;
pub mod devices;
pub mod guess_queue;
pub mod login;
pub mod login_history;
pub mod passkey_sign_in;
pub mod portal_allowlist;
pub mod portal_session;
pub mod session_timeout;
pub mod throttle;

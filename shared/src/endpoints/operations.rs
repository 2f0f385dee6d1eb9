//! Health checks and the development outbox.

use super::{Endpoint, Method};
use crate::dto::{HealthDto, OutboxPage, OutboxQuery};
use crate::routes::{DEV_OUTBOX, LIVEZ, READYZ};

/// Whether the process is up.
#[derive(Debug, Clone, Copy)]
pub struct Livez;

impl Endpoint for Livez {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = LIVEZ;
    type Path = ();
    type Request = ();
    type Response = HealthDto;
}

/// Whether storage is reachable (`503` when not).
#[derive(Debug, Clone, Copy)]
pub struct Readyz;

impl Endpoint for Readyz {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = READYZ;
    type Path = ();
    type Request = ();
    type Response = HealthDto;
}

/// Development only: messages stored instead of sent (`404` unless enabled).
#[derive(Debug, Clone, Copy)]
pub struct DevOutbox;

impl Endpoint for DevOutbox {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = DEV_OUTBOX;
    type Path = ();
    type Request = OutboxQuery;
    type Response = OutboxPage;
}

//! Portcullis API: the customer portal's sessions and the integrator REST API
//! of an SMS gateway. See the README for how to run it.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod links;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod routes;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod tls;

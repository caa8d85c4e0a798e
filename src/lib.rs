//! genesys-presence: a native client for the Genesys Cloud Presence API.
//!
//! The Rust API is [`Client`] with one typed method per operation (and
//! [`Client::call`] by `operationId`); the C ABI in [`ffi`] wraps it for C, C++,
//! Python and .NET. The [`operations::OPERATIONS`] table describes every
//! operation; everything else derives from it.

mod auth;
pub use auth::{TokenCallback, TokenGrant};
pub mod bulk;
pub mod cancel;
pub mod client;
pub mod config;
pub mod config_keys;
pub mod error;
pub mod ffi;
pub mod log;
pub mod models;
pub mod operations;
mod pacing;
mod retry;
mod transport;
pub mod watch;

pub use cancel::{CallOptions, Cancel};
pub use client::Client;
pub use config::Config;
pub use error::{Error, ErrorKind, Result};
pub use watch::{Watch, WatchEvent, WatchOptions};

//! The Genesys Cloud client of Callflow Studio, written as protocols over plain values.
//!
//! Nothing here opens a socket, reads a clock or draws a random number. Each protocol
//! ([`deploy::Deployer`] and its [`deploy::DryRun`], [`execution::TestRun`],
//! [`catalog::CatalogLoader`], [`whoami::WhoAmI`]) is a [`Protocol`]: it hands out the next
//! [`http::HttpRequest`] to send or a wait to observe, and is fed the [`http::HttpResponse`] that
//! came back. Each transport runs them all with one loop: the browser app with `fetch` and timers in
//! its async driver; the CLI and the tests with [`protocol::drive`], over the blocking transport in
//! [`native`] (feature `native`) or a script. One piece of logic therefore decides retries, backoff,
//! Retry-After, what a 401 or 403 means and when a deploy is done, for every shell alike.
//!
//! Invariant: this crate and the sandbox are the only code that knows HTTP paths and status codes;
//! the core knows none of it.

pub mod catalog;
pub mod deploy;
pub mod execution;
pub mod http;
pub mod pkce;
pub mod project_deploy;
pub mod protocol;
pub mod region;
pub mod requests;
pub mod retry;
pub mod whoami;

#[cfg(feature = "native")]
pub mod native;

pub use http::{ApiError, HttpRequest, HttpResponse, Method};
pub use protocol::{Protocol, Step, Wait, WaitReason};
pub use region::{Region, REGIONS};
pub use retry::RetryPolicy;

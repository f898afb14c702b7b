//! `callflow-sandbox`: a local Genesys Cloud org that speaks the platform's HTTP for Callflow
//! Studio's workshops and tests (reference: shared/reference/genesys-cloud.md).
//!
//! It is a login host (Authorization Code with PKCE S256, client credentials) and an API host
//! (users/me, flows with paging and schemas, Architect jobs with a presigned upload, flow
//! executions, queues), answering errors in the platform's ErrorBody shape with per-token rate
//! limits, plus faults on demand from a seeded plan. State lives in memory, optionally saved to a
//! data directory. `org/` holds the rules (one file per area: OAuth, API access, flows, jobs,
//! executions, persistence); `server.rs` is the HTTP layer; `job_check.rs` is what a job checks in
//! the uploaded YAML; `wire.rs` holds the wire shapes and helpers (ErrorBody, encoding, paging,
//! random ids, dates). Modules depend one way: `server` → `org` → `job_check`; both use `wire`.

// ApiErr is the API's answer, built once per refused request; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod faults;
pub mod job_check;
pub mod org;
pub mod seed;
pub mod server;
pub mod wire;

use std::net::SocketAddr;

pub use org::{Limits, Org};
pub use seed::Seed;
pub use server::Shared;

/// A sandbox running on its own thread (for tests and benchmarks): its address and its org.
pub struct Running {
    pub address: SocketAddr,
    pub shared: Shared,
}

impl Running {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }
}

/// Starts a sandbox on 127.0.0.1 with a free port, on a background thread with its own runtime.
pub fn spawn(org: Org) -> std::io::Result<Running> {
    let shared = Shared::new(org);
    let (sender, receiver) = std::sync::mpsc::channel();
    let serving = shared.clone();
    std::thread::Builder::new().name("callflow-sandbox".to_owned()).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(runtime) => runtime,
            Err(error) => {
                let _ = sender.send(Err(error));
                return;
            }
        };
        let ready = sender.clone();
        let result = runtime.block_on(server::serve(serving, SocketAddr::from(([127, 0, 0, 1], 0)), move |address| {
            let _ = ready.send(Ok(address));
        }));
        if let Err(error) = result {
            let _ = sender.send(Err(error));
        }
    })?;
    let address = receiver.recv().map_err(|error| std::io::Error::other(error.to_string()))??;
    Ok(Running { address, shared })
}

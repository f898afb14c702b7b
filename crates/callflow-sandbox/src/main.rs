//! `callflow-sandbox`: runs the local org. Glue over the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use callflow_sandbox::faults::FaultPlan;
use callflow_sandbox::{server, Limits, Org, Seed, Shared};
use clap::Parser;

#[derive(Parser)]
#[command(
    name = "callflow-sandbox",
    version,
    about = "A local Genesys Cloud org for Callflow Studio: OAuth PKCE, flows, Architect jobs, executions."
)]
struct Args {
    /// Address to listen on (loopback only is wise: the admin endpoints have no token).
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// The org's content (users, clients, modules, workflows, queues); the built-in demo org when absent.
    #[arg(long)]
    seed: Option<PathBuf>,
    /// Keep published flows here so a workshop survives a restart.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Another redirect URI to accept for every Authorization Code client (repeatable).
    #[arg(long = "allow-redirect")]
    allow_redirect: Vec<String>,
    /// Requests per token per minute before 429.
    #[arg(long, default_value_t = 300)]
    rate_limit: u32,
    /// Authorization code lifetime in seconds.
    #[arg(long, default_value_t = 60)]
    code_ttl: u64,
    /// Seed for the random faults.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
    /// Percent of API calls answered 503.
    #[arg(long, default_value_t = 0)]
    server_error_percent: u32,
    /// Percent of API calls answered 429.
    #[arg(long, default_value_t = 0)]
    rate_limit_percent: u32,
    /// Percent of jobs forced to fail.
    #[arg(long, default_value_t = 0)]
    job_failure_percent: u32,
    /// Delay before every API answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let seed = match &args.seed {
        None => Seed::demo(),
        Some(path) => match std::fs::read_to_string(path).map_err(|e| e.to_string()).and_then(|t| Seed::parse(&t)) {
            Ok(seed) => seed,
            Err(error) => {
                eprintln!("callflow-sandbox: cannot use {}: {error}", path.display());
                return std::process::ExitCode::from(2);
            }
        },
    };
    let limits = Limits { requests_per_minute: args.rate_limit, code_ttl_seconds: args.code_ttl, ..Limits::default() };
    let mut org = Org::new(seed, limits, args.allow_redirect.clone(), args.data_dir.clone());
    org.faults.replace(FaultPlan {
        seed: args.fault_seed,
        server_error_percent: args.server_error_percent,
        rate_limit_percent: args.rate_limit_percent,
        job_failure_percent: args.job_failure_percent,
        latency_ms: args.latency_ms,
        ..FaultPlan::default()
    });
    let shared = Shared::new(org);
    let result = server::serve(shared, args.listen, |address| {
        println!("callflow-sandbox listening on http://{address}");
        println!("  sign in from the designer: Deploy → region \"Local sandbox\" (http://{address}), client id callflow-studio-local");
        println!("  CI: callflow deploy FILE --region local=http://{address} --client-id callflow-ci --client-secret sandbox-ci-secret");
    })
    .await;
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("callflow-sandbox: cannot listen on {}: {error}", args.listen);
            std::process::ExitCode::from(2)
        }
    }
}

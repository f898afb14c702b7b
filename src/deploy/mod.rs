//! The org connection and the deploy client's shell in the browser: the connect settings
//! (`settings.rs`, localStorage), sign-in by Authorization Code + PKCE and the session
//! (`session.rs`: token in memory and sessionStorage, never localStorage), the one async driver
//! that runs every `callflow-deploy` protocol and turns Retry-After into a countdown
//! (`driver.rs`), and the browser IO it carries them with (`fetch.rs`). What to send and what an
//! answer means is the deploy crate's alone; this module only carries bytes and shows progress.

pub mod driver;
pub mod fetch;
pub mod session;
pub mod settings;

pub use driver::{drive, Progress};
pub use session::{use_connection, Connection};
pub use settings::{Settings, LOCAL_REGION};

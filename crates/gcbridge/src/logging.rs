//! Logs on stderr at the level -v asks for. The client never logs secrets or tokens; this only
//! chooses how much of the rest is shown.

use tracing_subscriber::EnvFilter;

pub fn init(verbosity: u8) {
    let level = match verbosity {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    // Third-party crates stay at info even at -vvv: their trace output is noise, and hyper's could
    // include header values.
    let filter = format!(
        "{level},hyper=info,hyper_util=info,reqwest=info,h2=info,rustls=info,tower=info,axum=info"
    );
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(verbosity >= 2)
        .try_init();
}

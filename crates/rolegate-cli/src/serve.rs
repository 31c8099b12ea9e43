//! `rolegate serve`: start the STS and IAM server (the work is in `rolegate-server`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use rolegate_server::ServerConfig;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:4599")]
    listen: SocketAddr,
    /// Where the SQLite store, the key ring and the audit log live.
    #[arg(long, default_value = "./rolegate-data")]
    data_dir: PathBuf,
    /// YAML or JSON file naming accounts, root keys, users, roles and policies to create if
    /// absent (applied on every start).
    #[arg(long)]
    bootstrap: Option<PathBuf>,
    /// Without --bootstrap, create account 000000000000 with root key test / test.
    #[arg(long)]
    dev: bool,
    /// Session key ring as base64 of a key-ring file (`base64 -w0 <data-dir>/keyring`), instead
    /// of `<data-dir>/keyring`.
    #[arg(long, env = "ROLEGATE_KEYRING", hide_env_values = true)]
    keyring: Option<String>,
    /// Testing only: seconds added to the server's clock (to reach session expiry).
    #[arg(
        long,
        env = "ROLEGATE_TEST_CLOCK_OFFSET",
        default_value_t = 0,
        hide = true
    )]
    test_clock_offset: i64,
    /// Threads serving requests; each connection stays on one. [default: one per CPU]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    workers: Option<u16>,
    /// Seconds a connection may take to send a request head once it is ready for one (an idle
    /// keep-alive connection too); it is closed after that.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout: u64,
    /// Connections served at once; more are closed as they are accepted.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: u64,
}

pub fn run(args: ServeArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ROLEGATE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = ServerConfig {
        listen: args.listen,
        data_dir: args.data_dir,
        bootstrap: args.bootstrap,
        dev: args.dev,
        keyring: args.keyring,
        clock_offset_seconds: args.test_clock_offset,
        workers: args.workers.map_or_else(
            || std::thread::available_parallelism().map_or(1, usize::from),
            usize::from,
        ),
        limits: rolegate_server::ConnectionLimits {
            header_timeout: std::time::Duration::from_secs(args.header_timeout),
            max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        },
    };
    // This runtime opens the store and accepts connections; requests are served on the
    // server's worker threads, each with a runtime of its own.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("rolegate serve: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(rolegate_server::serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rolegate serve: {e}");
            ExitCode::FAILURE
        }
    }
}

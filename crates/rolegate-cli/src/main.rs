//! The `rolegate` binary: a thin layer over the library crates.
//!
//! Each subcommand lives in its own module and only parses arguments, calls a library, and
//! prints; the logic is in `rolegate-policy`, `rolegate-analyzer` and `rolegate-server`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod analyze;
mod endpoint;
mod input;
mod policy;
mod serve;

// The server allocates many small short-lived buffers per request (glibc malloc was about a
// fifth of AssumeRole's in-process profile); mimalloc's thread-local free lists suit that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "rolegate",
    version,
    about = "Self-hostable IAM roles, trust policies and STS"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the STS and IAM server.
    Serve(serve::ServeArgs),
    /// Validate and evaluate IAM policy documents offline.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Report risky trust-policy patterns (findings TP001-TP040).
    Lint(analyze::LintArgs),
    /// List every principal a trust policy admits, with a witness each.
    WhoCanAssume(analyze::WhoCanAssumeArgs),
    /// Show who gains and who loses access between two trust policies.
    Diff(analyze::DiffArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Policy(command) => policy::run(command),
        Command::Lint(args) => analyze::lint(args),
        Command::WhoCanAssume(args) => analyze::who_can_assume(args),
        Command::Diff(args) => analyze::diff(args),
    }
}

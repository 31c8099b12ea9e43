//! The `rolegate` binary: a thin layer over the library crates.
//!
//! Each subcommand lives in its own module and only parses arguments, calls a library, and
//! prints; the logic is in `rolegate-policy`, `rolegate-analyzer` and `rolegate-server`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod policy;

#[derive(Debug, Parser)]
#[command(name = "rolegate", version, about = "Self-hostable IAM roles, trust policies and STS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate and evaluate IAM policy documents offline.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Policy(command) => policy::run(command),
    }
}

//! `rolegate serve`: start the STS and IAM server (owned by the server work).

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {}

pub fn run(_args: ServeArgs) -> ExitCode {
    eprintln!("rolegate serve: the server is not built yet");
    ExitCode::FAILURE
}

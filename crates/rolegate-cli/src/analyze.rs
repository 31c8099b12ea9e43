//! `rolegate lint | who-can-assume | diff`: the trust-policy analyzer on files.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct LintArgs {}
#[derive(Debug, clap::Args)]
pub struct WhoCanAssumeArgs {}
#[derive(Debug, clap::Args)]
pub struct DiffArgs {}

pub fn lint(_args: LintArgs) -> ExitCode {
    ExitCode::FAILURE
}
pub fn who_can_assume(_args: WhoCanAssumeArgs) -> ExitCode {
    ExitCode::FAILURE
}
pub fn diff(_args: DiffArgs) -> ExitCode {
    ExitCode::FAILURE
}

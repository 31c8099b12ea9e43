//! `rolegate policy check|eval`: the policy engine on files.
//!
//! `check` validates one document for a policy type; `eval` answers one authorization request
//! per input line (JSON Lines in, JSON Lines out) so scripts and tests can drive the engine.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use rolegate_policy::{PolicyType, check_json, eval_json};

use crate::input;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate a policy document as AWS would for the given policy type (exit 0 when valid).
    Check {
        /// Which kind of policy the document is.
        #[arg(long = "type", value_enum)]
        policy_type: PolicyKind,
        /// The document, or `-` for standard input.
        file: String,
        /// Print `{"valid": ...}` JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Evaluate authorization requests, one JSON object per line, printing one result per line.
    Eval {
        /// The requests (JSON Lines), or `-` for standard input.
        file: String,
    },
}

/// The policy types, as named on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PolicyKind {
    Trust,
    Identity,
    Resource,
    Session,
    Boundary,
    Scp,
    Rcp,
}

impl From<PolicyKind> for PolicyType {
    fn from(kind: PolicyKind) -> Self {
        match kind {
            PolicyKind::Trust => PolicyType::Trust,
            PolicyKind::Identity => PolicyType::Identity,
            PolicyKind::Resource => PolicyType::Resource,
            PolicyKind::Session => PolicyType::Session,
            PolicyKind::Boundary => PolicyType::PermissionsBoundary,
            PolicyKind::Scp => PolicyType::Scp,
            PolicyKind::Rcp => PolicyType::Rcp,
        }
    }
}

pub fn run(command: PolicyCommand) -> ExitCode {
    let result = match command {
        PolicyCommand::Check {
            policy_type,
            file,
            json,
        } => check(policy_type.into(), &file, json),
        PolicyCommand::Eval { file } => eval(&file),
    };
    result.unwrap_or_else(|error| {
        eprintln!("rolegate policy: {error:#}");
        ExitCode::from(2)
    })
}

fn check(policy_type: PolicyType, file: &str, json: bool) -> anyhow::Result<ExitCode> {
    let text = input::read_to_string(file)?;
    let verdict = check_json::check(&text, policy_type);
    let valid = verdict.get("valid").and_then(serde_json::Value::as_bool) == Some(true);
    if json {
        println!("{verdict}");
    } else if valid {
        println!("{file}: valid {policy_type:?} policy");
    } else {
        let field = |name: &str| {
            verdict
                .get(name)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
        };
        println!("{file}: {}: {}", field("code"), field("message"));
    }
    Ok(if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn eval(file: &str) -> anyhow::Result<ExitCode> {
    let reader = input::open(file)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        writeln!(out, "{}", eval_json::evaluate_line(&line))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

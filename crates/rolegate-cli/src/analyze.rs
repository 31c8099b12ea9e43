//! `rolegate lint | who-can-assume | diff`: the trust-policy analyzer on files.
//!
//! Thin: read files (or, for `lint --endpoint`, a server's inventory), call `rolegate-analyzer`,
//! print one string from its printer layer, exit.
//! Exit codes: 0 clean, 1 a finding at or above `--fail-on` (lint) or access gained (diff),
//! 2 unreadable input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rolegate_analyzer::parallel::map_ordered;
use rolegate_analyzer::{Inventory, LintOptions, Severity, TrustPolicy, report};

use crate::endpoint;

/// Options shared by the analyzer commands.
#[derive(Debug, clap::Args)]
pub struct AccountArgs {
    /// The role's own account (cross-account judgements need it).
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// The role's ARN (self-trust, TP038); also gives the account when --account is absent.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// Another account inside the zone of trust (your organization); repeatable.
    #[arg(long = "org-account", value_name = "ID")]
    pub org_accounts: Vec<String>,
}

impl AccountArgs {
    fn options(&self) -> LintOptions {
        LintOptions {
            account: self.account.clone(),
            zone_of_trust: self.org_accounts.clone(),
            role_arn: self.role_arn.clone(),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Trust policy JSON files.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print {"findings": [...]}.
    #[arg(long, conflicts_with = "sarif")]
    pub json: bool,
    /// Print SARIF 2.1.0.
    #[arg(long)]
    pub sarif: bool,
    /// Exit 1 when a finding at or above this severity exists (Critical, High, Error, Medium,
    /// Warning, Low, Info).
    #[arg(long, value_name = "SEVERITY", default_value = "High")]
    pub fail_on: Severity,
    #[command(flatten)]
    pub accounts: AccountArgs,
    /// A directory of `aws iam get-account-authorization-details` JSON files (one per account):
    /// adds role-chain reachability, cycles, transitive exposure and ExternalId reuse.
    #[arg(long, value_name = "DIR", conflicts_with = "endpoint")]
    pub inventory: Option<PathBuf>,
    /// Read the inventory from a running Rolegate server instead (http:// only): calls IAM
    /// GetAccountAuthorizationDetails for the account of AWS_ACCESS_KEY_ID /
    /// AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), signed for AWS_REGION or AWS_DEFAULT_REGION
    /// (default us-east-1).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct WhoCanAssumeArgs {
    /// The trust policy JSON file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub accounts: AccountArgs,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The trust policy before the change.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The trust policy after the change.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub accounts: AccountArgs,
}

fn load(path: &Path) -> Result<TrustPolicy, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    TrustPolicy::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())
}

fn input_error(message: &str) -> ExitCode {
    eprintln!("rolegate: {message}");
    ExitCode::from(2)
}

/// The inventory `--inventory DIR` or `--endpoint URL` names, if any.
fn load_inventory(args: &LintArgs) -> Result<Option<Inventory>, String> {
    if let Some(dir) = &args.inventory {
        return Inventory::load_dir(dir)
            .map(Some)
            .map_err(|e| e.to_string());
    }
    let Some(url) = &args.endpoint else {
        return Ok(None);
    };
    let details = endpoint::Credentials::from_env()
        .and_then(|credentials| endpoint::fetch_authorization_details(url, &credentials))
        .map_err(|e| format!("--endpoint {url}: {e}"))?;
    let mut inventory = Inventory::default();
    inventory
        .add_json(url, &details.to_string())
        .map_err(|e| e.to_string())?;
    Ok(Some(inventory))
}

pub fn lint(args: LintArgs) -> ExitCode {
    if args.files.is_empty() && args.inventory.is_none() && args.endpoint.is_none() {
        return input_error(
            "nothing to lint: give trust policy files, --inventory DIR or --endpoint URL",
        );
    }
    let mut options = args.accounts.options();
    let mut findings = Vec::new();
    match load_inventory(&args) {
        Ok(Some(inventory)) => {
            options
                .zone_of_trust
                .extend(inventory.accounts.iter().cloned());
            findings.extend(rolegate_analyzer::inventory::analyze(&inventory));
        }
        Ok(None) => {}
        Err(e) => return input_error(&e),
    }
    // Read, parse and lint on every core (`lint_all`'s ordered map, one file at a time so no
    // more than a few parsed policies are held at once); findings keep the files' order and the
    // first unreadable file in argument order is the one reported.
    let linted = map_ordered(&args.files, |file| {
        load(file).map(|policy| rolegate_analyzer::lint(&policy, &options))
    });
    for result in linted {
        match result {
            Ok(own) => findings.extend(own),
            Err(e) => return input_error(&e),
        }
    }
    let text = if args.sarif {
        report::findings_sarif(&findings)
    } else if args.json {
        report::findings_json(&findings)
    } else {
        report::findings_text(&findings)
    };
    println!("{}", text.trim_end());
    if findings.iter().any(|f| f.severity >= args.fail_on) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

pub fn who_can_assume(args: WhoCanAssumeArgs) -> ExitCode {
    let policy = match load(&args.file) {
        Ok(policy) => policy,
        Err(e) => return input_error(&e),
    };
    let set = rolegate_analyzer::who_can_assume(&policy, &args.accounts.options());
    let text = if args.json {
        report::admitted_json(&set)
    } else {
        report::admitted_text(&set)
    };
    println!("{}", text.trim_end());
    ExitCode::SUCCESS
}

pub fn diff(args: DiffArgs) -> ExitCode {
    let (old, new) = match (load(&args.old), load(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => return input_error(&e),
    };
    let diff = rolegate_analyzer::diff(&old, &new, &args.accounts.options());
    let text = if args.json {
        report::diff_json(&diff)
    } else {
        report::diff_text(&diff)
    };
    println!("{}", text.trim_end());
    if diff.gains_access() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

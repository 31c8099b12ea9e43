//! Rolegate's trust-policy analyzer: who can assume a role, whether its trust policy is safe, and
//! what a change to it opens, answered exactly (trust-findings.md, TP001–TP040).
//!
//! A trust policy is compiled into languages (`compile`: principal, action and every condition key
//! become automata over one alphabet) and sets of requests (`symbolic`: finite unions of cubes).
//! The linter (`lint`, rules in `rules/`) reads findings from them; `who_can_assume` enumerates
//! the admitted set; `diff` subtracts two of them; `inventory` joins many roles; `parallel`
//! (`lint_all`) lints many policies on every core. Every witness is replayed through
//! `rolegate_policy::evaluate_policy`, the evaluator STS itself uses.

pub mod admitted;
pub mod automata;
pub mod compile;
pub mod diff;
pub mod finding;
pub mod inventory;
pub mod issuers;
pub mod lint;
pub mod model;
pub mod parallel;
pub mod report;
pub mod rules;
pub mod symbolic;
pub mod witness;

pub use admitted::{AdmittedSet, Entry, who_can_assume};
pub use diff::{Change, TrustDiff, diff};
pub use finding::{Finding, Severity};
pub use inventory::{Inventory, InventoryError};
pub use lint::{LintOptions, lint};
pub use model::{LoadError, TrustPolicy};
pub use parallel::lint_all;
pub use witness::Witness;

//! AWS's published catalogues, shipped as data: the AWS-managed policies
//! (`arn:aws:iam::aws:policy/...`) and the service-linked roles that CreateServiceLinkedRole knows.
//!
//! The data files under `data/` are embedded in the binary and parsed once, on first use. Nothing
//! here does I/O or reads a clock; where each file came from is in its `*.SOURCE.md` beside it.
//! Library code never panics on the data: a line that does not parse is left out and reported by
//! [`check`], which a server calls at start-up (and this crate's tests assert is clean).
//!
//! ```
//! let admin = rolegate_catalog::managed_policy("/AdministratorAccess").unwrap();
//! assert_eq!(admin.arn("aws-cn"), "arn:aws-cn:iam::aws:policy/AdministratorAccess");
//! assert_eq!(admin.policy_id().len(), 21);
//! assert!(rolegate_catalog::managed_policy("/AWSLambdaBasicExecutionRole").is_none());
//!
//! let slr = rolegate_catalog::service_linked_role("autoscaling.amazonaws.com").unwrap();
//! assert_eq!(slr.role_name, "AWSServiceRoleForAutoScaling");
//! assert!(slr.custom_suffix);
//! assert!(!slr.managed_policy().unwrap().is_attachable());
//! ```

mod error;
mod managed;
mod service_linked;

pub use error::CatalogError;
pub use managed::{
    ManagedPolicy, is_attachable, managed_policies, managed_policy, managed_policy_by_arn,
    policy_id,
};
pub use service_linked::{ServiceLinkedRole, service_linked_role, service_linked_roles};

use std::sync::LazyLock;

/// Every problem found while loading the embedded data, from both catalogues and the checks
/// between them (an SLR naming a policy the policy catalogue lacks).
static ERRORS: LazyLock<Vec<CatalogError>> = LazyLock::new(|| {
    let mut errors = managed::load_errors().to_vec();
    errors.extend_from_slice(service_linked::load_errors());
    errors.extend(service_linked::cross_check());
    errors
});

/// Whether the embedded catalogues loaded whole. `Err` lists what was left out or inconsistent;
/// the lookups still work on the rest. The shipped data is checked by this crate's tests, so an
/// error here means the data files were edited without running them.
pub fn check() -> Result<(), &'static [CatalogError]> {
    if ERRORS.is_empty() {
        Ok(())
    } else {
        Err(&ERRORS)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_data_loads_cleanly() {
        assert_eq!(super::check(), Ok(()));
    }
}

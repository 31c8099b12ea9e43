//! The service-linked roles Rolegate can create: service principal → role name, whether a
//! `CustomSuffix` is accepted, and the `/aws-service-role/` policy attached to the role, from
//! `data/service-linked-roles.json` (see its SOURCE.md). A principal not listed is refused.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::CatalogError;
use crate::managed::{ManagedPolicy, managed_policy};

const FILE: &str = "service-linked-roles.json";
static TEXT: &str = include_str!("../data/service-linked-roles.json");

/// The path of every service-linked role's policy, and the prefix of every such role's path.
const SERVICE_ROLE_PATH: &str = "/aws-service-role/";

/// What CreateServiceLinkedRole makes for one `AWSServiceName`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLinkedRole {
    /// The service principal, `AWSServiceName`, e.g. `autoscaling.amazonaws.com`.
    pub service: &'static str,
    /// The role's name without a suffix, e.g. `AWSServiceRoleForAutoScaling`; with a
    /// `CustomSuffix` it is `{role_name}_{suffix}`.
    pub role_name: &'static str,
    /// Whether the service takes a `CustomSuffix`. False where no source says it does.
    pub custom_suffix: bool,
    /// The name of the permissions policy attached to the role, an AWS-managed policy under
    /// `/aws-service-role/`; `None` where no source names one that the catalogue has.
    pub policy: Option<&'static str>,
}

impl ServiceLinkedRole {
    /// The role's path, `/aws-service-role/{service}/`.
    pub fn path(&self) -> String {
        format!("{SERVICE_ROLE_PATH}{}/", self.service)
    }

    /// The attached policy in the managed-policy catalogue.
    pub fn managed_policy(&self) -> Option<&'static ManagedPolicy> {
        managed_policy(&format!("{SERVICE_ROLE_PATH}{}", self.policy?))
    }
}

/// Every known service-linked role, sorted by service principal.
pub fn service_linked_roles() -> &'static [ServiceLinkedRole] {
    &CATALOGUE.roles
}

/// The service-linked role of `service_principal`, matched case-sensitively as AWS matches
/// `AWSServiceName`; `None` for a principal that has none (or that Rolegate does not know).
pub fn service_linked_role(service_principal: &str) -> Option<&'static ServiceLinkedRole> {
    let roles = service_linked_roles();
    let index = roles
        .binary_search_by(|r| r.service.cmp(service_principal))
        .ok()?;
    roles.get(index)
}

/// One row of the data file, borrowing from the embedded text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Row<'a> {
    service: &'a str,
    role_name: &'a str,
    custom_suffix: bool,
    policy: Option<&'a str>,
    /// Where the row came from; required, not kept.
    source: &'a str,
}

struct Catalogue {
    /// Sorted by service, services unique.
    roles: Vec<ServiceLinkedRole>,
    errors: Vec<CatalogError>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| parse(TEXT));

pub(crate) fn load_errors() -> &'static [CatalogError] {
    &CATALOGUE.errors
}

/// The checks against the other catalogue: every policy named exists under `/aws-service-role/`.
pub(crate) fn cross_check() -> Vec<CatalogError> {
    service_linked_roles()
        .iter()
        .filter_map(|role| {
            let policy = role.policy?;
            role.managed_policy().is_none().then(|| {
                CatalogError::new(
                    FILE,
                    0,
                    format!(
                        "{}: policy {SERVICE_ROLE_PATH}{policy} is not in the managed-policy catalogue",
                        role.service
                    ),
                )
            })
        })
        .collect()
}

fn parse(text: &'static str) -> Catalogue {
    let rows: Vec<Row<'static>> = match serde_json::from_str(text) {
        Ok(rows) => rows,
        Err(e) => {
            return Catalogue {
                roles: Vec::new(),
                errors: vec![CatalogError::new(FILE, e.line(), e.to_string())],
            };
        }
    };
    let mut errors = Vec::new();
    let mut roles = Vec::with_capacity(rows.len());
    for row in rows {
        if row.service.is_empty() || row.role_name.is_empty() || row.source.is_empty() {
            errors.push(CatalogError::new(
                FILE,
                0,
                format!("{}: empty service, role name or source", row.service),
            ));
            continue;
        }
        roles.push(ServiceLinkedRole {
            service: row.service,
            role_name: row.role_name,
            custom_suffix: row.custom_suffix,
            policy: row.policy,
        });
    }
    roles.sort_by(|a, b| a.service.cmp(b.service));
    roles.dedup_by(|later, earlier| {
        let duplicate = later.service == earlier.service;
        if duplicate {
            errors.push(CatalogError::new(
                FILE,
                0,
                format!("service {} appears twice", later.service),
            ));
        }
        duplicate
    });
    Catalogue { roles, errors }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn loads_and_is_sorted() {
        let catalogue = parse(TEXT);
        assert!(catalogue.errors.is_empty(), "{:?}", catalogue.errors);
        let roles = service_linked_roles();
        assert!(roles.len() >= 40);
        assert!(roles.windows(2).all(|w| w[0].service < w[1].service));
        let names: HashSet<&str> = roles.iter().map(|r| r.role_name).collect();
        assert_eq!(names.len(), roles.len(), "role names are unique");
        for role in roles {
            assert!(role.role_name.starts_with("AWSServiceRoleFor"), "{role:?}");
        }
    }

    #[test]
    fn auto_scaling_takes_a_suffix_and_elasticsearch_does_not() {
        let role = service_linked_role("autoscaling.amazonaws.com").unwrap();
        assert_eq!(role.role_name, "AWSServiceRoleForAutoScaling");
        assert!(role.custom_suffix);
        assert_eq!(role.policy, Some("AutoScalingServiceRolePolicy"));
        assert_eq!(role.path(), "/aws-service-role/autoscaling.amazonaws.com/");
        let es = service_linked_role("es.amazonaws.com").unwrap();
        assert!(!es.custom_suffix);
        let with_suffix: Vec<&str> = service_linked_roles()
            .iter()
            .filter(|r| r.custom_suffix)
            .map(|r| r.service)
            .collect();
        assert_eq!(
            with_suffix,
            [
                "autoscaling.amazonaws.com",
                "connect.amazonaws.com",
                "lexv2.amazonaws.com"
            ]
        );
    }

    #[test]
    fn lookup_is_exact() {
        assert!(service_linked_role("AutoScaling.amazonaws.com").is_none());
        assert!(service_linked_role("autoscaling").is_none());
        assert!(service_linked_role("s3.amazonaws.com").is_none());
        assert!(service_linked_role("").is_none());
    }

    #[test]
    fn every_policy_named_is_a_service_role_policy() {
        let mut named = 0;
        for role in service_linked_roles() {
            let Some(name) = role.policy else { continue };
            let policy = role
                .managed_policy()
                .unwrap_or_else(|| panic!("{}: {name} not in the catalogue", role.service));
            assert_eq!(policy.path, "/aws-service-role/", "{name}");
            assert!(!policy.is_attachable());
            named += 1;
        }
        assert!(named > 0);
        assert!(cross_check().is_empty());
    }

    #[test]
    fn a_bad_file_is_reported_not_fatal() {
        let catalogue = parse(r#"[{"service": "x.amazonaws.com"}]"#);
        assert!(catalogue.roles.is_empty());
        assert_eq!(catalogue.errors.len(), 1);
        let catalogue = parse(concat!(
            r#"[{"service":"a","role_name":"A","custom_suffix":false,"policy":null,"source":"s"},"#,
            r#" {"service":"a","role_name":"B","custom_suffix":true,"policy":null,"source":"s"}]"#
        ));
        assert_eq!(catalogue.roles.len(), 1);
        assert_eq!(catalogue.errors.len(), 1);
        // A row with an empty field is left out and reported, beside a duplicate.
        let catalogue = parse(concat!(
            r#"[{"service":"a","role_name":"","custom_suffix":false,"policy":null,"source":"s"},"#,
            r#" {"service":"b","role_name":"B","custom_suffix":false,"policy":null,"source":"s"},"#,
            r#" {"service":"b","role_name":"C","custom_suffix":false,"policy":null,"source":"s"}]"#
        ));
        assert_eq!(catalogue.roles.len(), 1);
        assert_eq!(catalogue.errors.len(), 2, "{:?}", catalogue.errors);
    }
}

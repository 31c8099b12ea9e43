//! The AWS-managed policy catalogue: every `arn:aws:iam::aws:policy{path}{name}` with its
//! default version's document, from `data/managed-policies.jsonl` (see its SOURCE.md).
//!
//! What the data lacks and IAM returns is derived here: the `PolicyId` from the name, so it is
//! the same in every snapshot, and `IsAttachable` from the path.

use std::sync::LazyLock;

use aws_lc_rs::digest;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::CatalogError;

const FILE: &str = "managed-policies.jsonl";
static TEXT: &str = include_str!("../data/managed-policies.jsonl");

/// The account that owns every AWS-managed policy, in every partition.
const OWNER: &str = "aws";

/// Path of the policies that only service-linked roles take.
const SERVICE_ROLE_PATH: &str = "/aws-service-role/";

/// One AWS-managed policy at its default (latest) version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// `PolicyName`, e.g. `AWSLambdaBasicExecutionRole`. Unique across the catalogue.
    pub name: &'static str,
    /// `Path`, beginning and ending with `/`, e.g. `/service-role/`.
    pub path: &'static str,
    /// `CreateDate`.
    pub created: OffsetDateTime,
    /// `UpdateDate`: when the default version last changed.
    pub updated: OffsetDateTime,
    /// `DefaultVersionId`, `vN`. Only this version's document is shipped.
    pub default_version_id: &'static str,
    /// The default version's document, compact JSON (not URL-encoded).
    pub document: String,
}

impl ManagedPolicy {
    /// `arn:{partition}:iam::aws:policy{path}{name}`; the owner is the literal account `aws` in
    /// every partition (`arn:aws-cn:iam::aws:policy/AmazonS3FullAccess`).
    pub fn arn(&self, partition: &str) -> String {
        format!(
            "arn:{partition}:iam::{OWNER}:policy{}{}",
            self.path, self.name
        )
    }

    /// The ARN's resource part after `policy`, `{path}{name}`: the key of [`managed_policy`].
    pub fn path_and_name(&self) -> String {
        format!("{}{}", self.path, self.name)
    }

    /// The policy's `PolicyId`; see [`policy_id`].
    pub fn policy_id(&self) -> String {
        policy_id(self.name)
    }

    /// `IsAttachable`; see [`is_attachable`].
    pub fn is_attachable(&self) -> bool {
        is_attachable(self.path)
    }
}

/// Every AWS-managed policy, sorted by name (byte order, so `AWSLambda…` before `Amazon…`).
///
/// Names are unique across paths, so the name alone orders them; this is the order for
/// ListPolicies (`Scope=AWS`), which lists by name within the listing, whatever the path.
pub fn managed_policies() -> &'static [ManagedPolicy] {
    &CATALOGUE.policies
}

/// The policy whose ARN ends in `policy{path_and_name}`, e.g. `/AdministratorAccess` or
/// `/service-role/AWSLambdaBasicExecutionRole`. Case-sensitive, and the path must match:
/// `/AWSLambdaBasicExecutionRole` is not found. A binary search by name.
pub fn managed_policy(path_and_name: &str) -> Option<&'static ManagedPolicy> {
    let (_, name) = path_and_name.rsplit_once('/')?;
    let path = path_and_name.strip_suffix(name)?;
    let policies = managed_policies();
    let index = policies.binary_search_by(|p| p.name.cmp(name)).ok()?;
    policies.get(index).filter(|p| p.path == path)
}

/// The policy with this ARN in any partition (`arn:aws:iam::aws:policy/ReadOnlyAccess`,
/// `arn:aws-us-gov:iam::aws:policy/AdministratorAccess`); `None` for a customer-managed ARN.
pub fn managed_policy_by_arn(arn: &str) -> Option<&'static ManagedPolicy> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    if partition.is_empty() {
        return None;
    }
    managed_policy(rest.strip_prefix("iam::aws:policy")?)
}

/// The `PolicyId` Rolegate gives an AWS-managed policy: `ANPA` and 17 characters of the
/// base32 alphabet (`A-Z2-7`), 21 in all, like AWS's. The data has no ids, so this is derived
/// from the name alone (the first 85 bits of its SHA-256, RFC 4648 base32): the same in every
/// snapshot and on every server, distinct across the catalogue (checked by the tests), but not
/// the id AWS itself shows for the policy.
pub fn policy_id(name: &str) -> String {
    const PREFIX: &str = "ANPA";
    const LEN: usize = 21;
    let hash = digest::digest(&digest::SHA256, name.as_bytes());
    let mut id = String::with_capacity(LEN);
    id.push_str(PREFIX);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in hash.as_ref() {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 && id.len() < LEN {
            bits -= 5;
            id.push(base32_char((buffer >> bits) & 0x1f));
        }
        buffer &= (1 << bits) - 1;
        if id.len() == LEN {
            break;
        }
    }
    id
}

/// RFC 4648 base32: 0..=25 are `A-Z`, 26..=31 are `2-7`.
fn base32_char(value: u32) -> char {
    let offset = u8::try_from(value & 0x1f).unwrap_or(0);
    char::from(if offset < 26 {
        b'A' + offset
    } else {
        b'2' + (offset - 26)
    })
}

/// `IsAttachable` of an AWS-managed policy at `path`: false under `/aws-service-role/`, whose
/// policies only service-linked roles take (AttachRolePolicy answers PolicyNotAttachable), true
/// elsewhere.
///
/// `/root-task/` (the task policies of `sts:AssumeRoot`) is reported attachable here; whether AWS
/// says so, or lets them be attached, is unconfirmed.
pub fn is_attachable(path: &str) -> bool {
    !path.starts_with(SERVICE_ROLE_PATH)
}

/// One line of the data file, borrowing from the embedded text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line<'a> {
    name: &'a str,
    path: &'a str,
    created: &'a str,
    updated: &'a str,
    version: &'a str,
    document: String,
}

pub(crate) struct Catalogue {
    /// Sorted by name, names unique.
    pub(crate) policies: Vec<ManagedPolicy>,
    pub(crate) errors: Vec<CatalogError>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| parse(TEXT));

pub(crate) fn load_errors() -> &'static [CatalogError] {
    &CATALOGUE.errors
}

/// Parses the whole file; a line that does not make a valid policy is left out and reported.
pub(crate) fn parse(text: &'static str) -> Catalogue {
    let mut policies = Vec::with_capacity(text.lines().count());
    let mut errors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(policy) => policies.push(policy),
            Err(message) => errors.push(CatalogError::new(FILE, index + 1, message)),
        }
    }
    policies.sort_by(|a, b| a.name.cmp(b.name));
    policies.dedup_by(|later, earlier| {
        let duplicate = later.name == earlier.name;
        if duplicate {
            errors.push(CatalogError::new(
                FILE,
                0,
                format!("policy name {} appears twice", later.name),
            ));
        }
        duplicate
    });
    Catalogue { policies, errors }
}

fn parse_line(line: &'static str) -> Result<ManagedPolicy, String> {
    let raw: Line<'static> = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let valid_path = raw.path.starts_with('/') && raw.path.ends_with('/');
    if raw.name.is_empty() || raw.name.contains('/') || !valid_path {
        return Err(format!("bad name or path: {}{}", raw.path, raw.name));
    }
    let valid_version = raw
        .version
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !valid_version {
        return Err(format!("{}: bad version id {}", raw.name, raw.version));
    }
    let date = |value: &str| {
        OffsetDateTime::parse(value, &Rfc3339).map_err(|e| format!("{}: {value}: {e}", raw.name))
    };
    serde_json::from_str::<serde::de::IgnoredAny>(&raw.document)
        .map_err(|e| format!("{}: document is not JSON: {e}", raw.name))?;
    Ok(ManagedPolicy {
        name: raw.name,
        path: raw.path,
        created: date(raw.created)?,
        updated: date(raw.updated)?,
        default_version_id: raw.version,
        document: raw.document,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::time::Instant;

    #[test]
    fn parses_whole_catalogue_quickly() {
        let started = Instant::now();
        let catalogue = parse(TEXT);
        let elapsed = started.elapsed();
        println!(
            "parsed {} managed policies in {elapsed:?}",
            catalogue.policies.len()
        );
        assert!(catalogue.errors.is_empty(), "{:?}", catalogue.errors);
        assert!(catalogue.policies.len() > 1000);
        assert_eq!(catalogue.policies.len(), TEXT.lines().count());
    }

    #[test]
    fn sorted_by_name_and_names_unique() {
        let policies = managed_policies();
        assert!(policies.windows(2).all(|w| w[0].name < w[1].name));
    }

    #[test]
    fn administrator_access() {
        let policy = managed_policy("/AdministratorAccess").unwrap();
        assert_eq!(policy.path, "/");
        assert_eq!(policy.default_version_id, "v1");
        assert_eq!(
            policy.arn("aws"),
            "arn:aws:iam::aws:policy/AdministratorAccess"
        );
        let document: serde_json::Value = serde_json::from_str(&policy.document).unwrap();
        let expected: serde_json::Value = serde_json::from_str(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        )
        .unwrap();
        assert_eq!(document, expected);
        assert_eq!(
            policy.created,
            time::macros::datetime!(2015-02-06 18:39:46 UTC)
        );
        assert!(policy.is_attachable());
    }

    #[test]
    fn lookup_needs_the_right_path() {
        let lambda = managed_policy("/service-role/AWSLambdaBasicExecutionRole").unwrap();
        assert_eq!(lambda.path, "/service-role/");
        assert_eq!(
            lambda.path_and_name(),
            "/service-role/AWSLambdaBasicExecutionRole"
        );
        assert!(managed_policy("/AWSLambdaBasicExecutionRole").is_none());
        assert!(managed_policy("/administratoraccess").is_none());
        assert!(managed_policy("AdministratorAccess").is_none());
        assert!(managed_policy("/").is_none());
        assert!(managed_policy("").is_none());
        assert!(managed_policy("/job-function/ViewOnlyAccess").is_some());
    }

    #[test]
    fn lookup_by_arn_in_any_partition() {
        for arn in [
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws-us-gov:iam::aws:policy/AdministratorAccess",
        ] {
            assert_eq!(
                managed_policy_by_arn(arn).unwrap().name,
                "AdministratorAccess"
            );
        }
        let slr = managed_policy_by_arn(
            "arn:aws-cn:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy",
        )
        .unwrap();
        assert!(!slr.is_attachable());
        for arn in [
            "arn:aws:iam::aws:policy/AWSLambdaRole", // really under /service-role/
            "arn:aws:iam::123456789012:policy/AdministratorAccess",
            "arn::iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:role/AdministratorAccess",
        ] {
            assert!(managed_policy_by_arn(arn).is_none(), "{arn}");
        }
    }

    #[test]
    fn every_document_is_a_policy_object() {
        for policy in managed_policies() {
            let document: serde_json::Value = serde_json::from_str(&policy.document).unwrap();
            assert!(document.get("Statement").is_some(), "{}", policy.name);
            assert!(policy.created <= policy.updated, "{}", policy.name);
        }
    }

    #[test]
    fn paths_and_attachability() {
        let paths: HashSet<&str> = managed_policies().iter().map(|p| p.path).collect();
        for path in [
            "/",
            "/service-role/",
            "/aws-service-role/",
            "/job-function/",
        ] {
            assert!(paths.contains(path), "{path}");
        }
        assert!(!is_attachable("/aws-service-role/"));
        assert!(is_attachable("/"));
        assert!(is_attachable("/service-role/"));
        assert!(is_attachable("/root-task/"));
    }

    #[test]
    fn policy_ids_are_stable_unique_and_aws_shaped() {
        // Golden values (Python: "ANPA" + base64.b32encode(sha256(name)).decode()[:17]): a change
        // here changes every id a running server has handed out.
        assert_eq!(policy_id("AdministratorAccess"), "ANPA34SN6YCLNSZWWPS7E");
        assert_eq!(policy_id(""), "ANPA4OYMIQUY7QOBJGX36");
        let mut seen = HashSet::new();
        for policy in managed_policies() {
            let id = policy.policy_id();
            assert_eq!(id.len(), 21, "{id}");
            assert!(id.starts_with("ANPA"), "{id}");
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)),
                "{id}"
            );
            assert_eq!(id, policy_id(policy.name));
            assert!(seen.insert(id), "duplicate id for {}", policy.name);
        }
    }

    #[test]
    fn bad_lines_are_reported_not_fatal() {
        let text: &'static str = concat!(
            r#"{"name":"A","path":"/","created":"2015-02-06T18:39:46Z","updated":"2015-02-06T18:39:46Z","version":"v1","document":"{}"}"#,
            "\n",
            r#"{"name":"B","path":"/","created":"yesterday","updated":"2015-02-06T18:39:46Z","version":"v1","document":"{}"}"#,
            "\n",
            r#"{"name":"C","path":"/","created":"2015-02-06T18:39:46Z","updated":"2015-02-06T18:39:46Z","version":"v1","document":"{"}"#,
            "\n",
            r#"{"name":"D","path":"x","created":"2015-02-06T18:39:46Z","updated":"2015-02-06T18:39:46Z","version":"v1","document":"{}"}"#,
            "\n",
            r#"{"name":"A","path":"/","created":"2015-02-06T18:39:46Z","updated":"2015-02-06T18:39:46Z","version":"v1","document":"{}"}"#,
            "\n",
            "not json\n",
        );
        let catalogue = parse(text);
        assert_eq!(catalogue.policies.len(), 1);
        let lines: Vec<usize> = catalogue.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 6, 0]);
    }
}

//! Service-linked roles, one file per action: roles an AWS service owns, named and given a
//! policy by the catalogue (`rolegate_catalog::service_linked_role`), trusted by that service
//! only, and changed by no customer call (`roles::ensure_modifiable`). They are deleted through
//! DeleteServiceLinkedRole, whose task is finished when the call returns.

pub mod create_service_linked_role;
pub mod delete_service_linked_role;
pub mod get_service_linked_role_deletion_status;

use rolegate_store::SERVICE_ROLE_PATH;

/// The trust policy of `service`'s role, as AWS writes it (one-element arrays).
pub fn trust_policy(service: &str) -> String {
    // `service` is a catalogue principal (`[\w.-]+`): nothing in it needs JSON escaping, and
    // the member order is AWS's.
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{{"Service":["{service}"]}}}}]}}"#
    )
}

/// The service a service-linked role's path names (`/aws-service-role/<service>/`).
pub fn service_of(path: &str) -> Option<&str> {
    path.strip_prefix(SERVICE_ROLE_PATH)?
        .strip_suffix('/')
        .filter(|s| !s.is_empty() && !s.contains('/'))
}

/// `task/aws-service-role/<service>/<role>/<uuid>`.
pub fn task_id(service: &str, role: &str, uuid: &str) -> String {
    format!("task{SERVICE_ROLE_PATH}{service}/{role}/{uuid}")
}

/// The service and role a task id names.
pub fn parse_task_id(id: &str) -> Option<(&str, &str)> {
    let rest = id.strip_prefix("task")?.strip_prefix(SERVICE_ROLE_PATH)?;
    let mut parts = rest.split('/');
    let (service, role, uuid) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || [service, role, uuid].iter().any(|p| p.is_empty()) {
        return None;
    }
    Some((service, role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trust_policy_is_awss_shape() {
        let parsed: serde_json::Value =
            serde_json::from_str(&trust_policy("a.amazonaws.com")).unwrap();
        assert_eq!(
            parsed["Statement"][0]["Principal"]["Service"][0],
            "a.amazonaws.com"
        );
        assert_eq!(
            trust_policy("lex.amazonaws.com"),
            r#"{"Version":"2012-10-17","Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"Service":["lex.amazonaws.com"]}}]}"#
        );
    }

    #[test]
    fn task_ids_round_trip() {
        let id = task_id("lex.amazonaws.com", "AWSServiceRoleForLexBots", "1a2b");
        assert_eq!(
            id,
            "task/aws-service-role/lex.amazonaws.com/AWSServiceRoleForLexBots/1a2b"
        );
        assert_eq!(
            parse_task_id(&id),
            Some(("lex.amazonaws.com", "AWSServiceRoleForLexBots"))
        );
        for bad in [
            "",
            "task/",
            "task/aws-service-role/a/b",
            "task/aws-service-role/a/b/c/d",
            "x/aws-service-role/a/b/c",
        ] {
            assert_eq!(parse_task_id(bad), None, "{bad}");
        }
        assert_eq!(
            service_of("/aws-service-role/lex.amazonaws.com/"),
            Some("lex.amazonaws.com")
        );
        assert_eq!(service_of("/app/"), None);
    }
}

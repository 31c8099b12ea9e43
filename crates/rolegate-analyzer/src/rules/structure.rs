//! TP001–TP006: documents IAM refuses or statements that can never apply, read from the AST.

use rolegate_policy::ast::{Effect, PrincipalKind};
use rolegate_policy::wildcard::Pattern;

use crate::finding::Severity;
use crate::lint::{Ctx, conditions_on};
use crate::model::principal_values;

/// Which assume action each principal type needs.
fn entry_action(kind: Option<PrincipalKind>, value: &str) -> Option<&'static str> {
    match kind {
        Some(PrincipalKind::Aws | PrincipalKind::Service) => Some("sts:AssumeRole"),
        Some(PrincipalKind::Federated) if value.contains(":saml-provider/") => {
            Some("sts:AssumeRoleWithSAML")
        }
        Some(PrincipalKind::Federated) => Some("sts:AssumeRoleWithWebIdentity"),
        _ => None,
    }
}

const ENTRY_ACTIONS: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
];

pub fn check(ctx: &mut Ctx<'_>) {
    let policy = ctx.policy;
    for (index, statement) in policy.statements() {
        let spath = policy.statement_path(index);
        // TP001
        if let Some(block) = &statement.principal
            && block.negated
        {
            let message = if statement.effect == Effect::Allow {
                "NotPrincipal with Allow admits everyone except the named principals, anonymous callers included; IAM rejects NotPrincipal in role trust policies"
            } else {
                "IAM rejects NotPrincipal in role trust policies"
            };
            let witness = (statement.effect == Effect::Allow)
                .then(|| ctx.statement_witness(index))
                .flatten();
            ctx.report(
                    "TP001",
                    Severity::Error,
                    Some(index),
                    policy.principal_path(index, None, true),
                    message.to_owned(),
                    witness,
                    "Use Principal; to exclude principals add a Deny statement with ArnNotEquals on aws:PrincipalArn",
                );
        }
        // TP002
        if policy.principal_is_string_star(index) {
            ctx.report(
                "TP002",
                Severity::Error,
                Some(index),
                policy.principal_path(index, None, false),
                "\"Principal\": \"*\" (string form) is not supported in role trust policies"
                    .to_owned(),
                None,
                "Name the principals, or use {\"AWS\": \"*\"} bounded by aws:PrincipalOrgID",
            );
        }
        for (kind, value) in principal_values(statement) {
            let partial = value != "*" && (value.contains('*') || value.contains('?'));
            if partial {
                ctx.report(
                    "TP002",
                    Severity::Error,
                    Some(index),
                    policy.principal_path(index, kind, statement.principal.as_ref().is_some_and(|p| p.negated)),
                    format!("'{value}' uses a partial wildcard; IAM does not allow a wildcard to match part of a principal"),
                    None,
                    "Name each principal; or use {\"AWS\": \"*\"} with ArnLike on aws:PrincipalArn with the account pinned",
                );
            }
        }
        // TP003
        if let Some(resource) = &statement.resource {
            let element = if resource.negated {
                "NotResource"
            } else {
                "Resource"
            };
            ctx.report(
                "TP003",
                Severity::Error,
                Some(index),
                format!("{spath}.{element}"),
                format!("{element} is not allowed in a trust policy (AssumeRole policy must not contain resources)"),
                None,
                "Remove the element: the role itself is the resource of a trust policy",
            );
        }
        // TP004: every principal type needs its entry action among the statement's actions.
        let actions = &statement.action;
        let grants = |action: &str| {
            actions
                .values
                .iter()
                .any(|p| Pattern::new_case_insensitive(p).matches(action))
                != actions.negated
        };
        let grants_entry = ENTRY_ACTIONS.iter().any(|a| grants(a));
        if grants_entry {
            for (kind, value) in principal_values(statement) {
                if let Some(needed) = entry_action(kind, value)
                    && !grants(needed)
                {
                    let kind_name = kind.map_or("*", PrincipalKind::as_str);
                    ctx.report(
                            "TP004",
                            Severity::Error,
                            Some(index),
                            format!("{spath}.Action"),
                            format!("{kind_name} principal '{value}' can only use {needed}, which this statement does not allow"),
                            None,
                            &format!("Allow {needed} for this principal (and only the actions it can use)"),
                        );
                }
            }
        }
        // TP005
        let roles_anywhere = principal_values(statement).iter().any(|(k, v)| {
            *k == Some(PrincipalKind::Service)
                && v.eq_ignore_ascii_case("rolesanywhere.amazonaws.com")
        });
        if roles_anywhere && statement.effect == Effect::Allow {
            let missing: Vec<&str> = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
                .into_iter()
                .filter(|a| !grants(a))
                .collect();
            if !missing.is_empty() {
                ctx.report(
                    "TP005",
                    Severity::Error,
                    Some(index),
                    format!("{spath}.Action"),
                    format!("IAM Roles Anywhere needs sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession; missing {}", missing.join(", ")),
                    None,
                    "Allow all three actions for rolesanywhere.amazonaws.com",
                );
            }
        }
        // TP006: keys a service principal never sends make the statement dead.
        let services: Vec<&str> = principal_values(statement)
            .iter()
            .filter(|(k, _)| *k == Some(PrincipalKind::Service))
            .map(|(_, v)| *v)
            .collect();
        let only_services =
            !services.is_empty() && services.len() == principal_values(statement).len();
        if only_services && statement.effect == Effect::Allow {
            for condition in &statement.conditions {
                let key = condition.key.to_lowercase();
                let op = condition.operator;
                // Only a condition that needs the key present can never be satisfied.
                let needs_key = op.base != rolegate_policy::ast::Operator::Null
                    && !op.base.is_negated()
                    && !op.if_exists
                    && op.qualifier != Some(rolegate_policy::ast::SetQualifier::ForAllValues);
                if !needs_key {
                    continue;
                }
                let facts = ctx.services;
                let never_sent = facts
                    .principal_keys_never_sent
                    .iter()
                    .any(|k| key.starts_with(k.as_str()))
                    || is_provider_claim(&key)
                    || services.iter().any(|s| {
                        facts
                            .unsupported_keys
                            .get(&s.to_lowercase())
                            .is_some_and(|keys| keys.contains(&key))
                    });
                if never_sent && conditions_on(statement, &condition.key).count() > 0 {
                    ctx.report(
                        "TP006",
                        Severity::Error,
                        Some(index),
                        policy.condition_path(index, condition),
                        format!("{} is never sent when {} assumes a role, so this statement never applies", condition.key, services.join(", ")),
                        None,
                        "Remove the condition, or use keys the service sends (aws:SourceAccount, aws:SourceArn)",
                    );
                }
            }
        }
    }
}

/// Whether a key is an identity provider's claim (`token.actions.githubusercontent.com:sub`).
fn is_provider_claim(key: &str) -> bool {
    match key.rsplit_once(':') {
        Some((prefix, _)) => {
            prefix.contains('.') && !prefix.starts_with("aws") && !prefix.starts_with("sts")
        }
        None => false,
    }
}

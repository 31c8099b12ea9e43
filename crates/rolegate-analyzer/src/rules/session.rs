//! Session tags and source identity: over-grants (TP028, TP029) and omissions that break
//! sign-in (TP030).

use rolegate_policy::ast::{PrincipalKind, Statement};
use rolegate_policy::wildcard::Pattern;

use crate::finding::Severity;
use crate::lint::{Ctx, conditions_on};
use crate::model::principal_values;
use crate::witness::Hints;

fn grants(statement: &Statement, action: &str) -> bool {
    statement
        .action
        .values
        .iter()
        .any(|p| Pattern::new_case_insensitive(p).matches(action))
        != statement.action.negated
}

/// Whether the caller (not a service) chooses the session's tags or source identity.
fn caller_chosen(statement: &Statement) -> bool {
    principal_values(statement)
        .iter()
        .any(|(k, _)| !matches!(k, Some(PrincipalKind::Service)))
}

pub fn check(ctx: &mut Ctx<'_>) {
    let policy = ctx.policy;
    let allows = ctx.allow_statements();
    for (index, statement) in &allows {
        let index = *index;
        let apath = format!("{}.Action", policy.statement_path(index));
        if grants(statement, "sts:TagSession") && caller_chosen(statement) {
            let bounded = statement.conditions.iter().any(|c| {
                let k = c.key.to_lowercase();
                k == "aws:tagkeys"
                    || k.starts_with("aws:requesttag/")
                    || k == "sts:transitivetagkeys"
            });
            if !bounded {
                let witness = {
                    let hints = Hints {
                        preferred: [("aws:tagkeys".to_owned(), vec!["team".to_owned()])].into(),
                        ..Hints::default()
                    };
                    ctx.allowed_witness(ctx.admitted_of(index), &hints)
                        .filter(|w| w.action == "sts:TagSession")
                        .or_else(|| {
                            let cubes = ctx.admitted_of(index);
                            let policy = ctx.policy;
                            let role = ctx.role_arn.clone();
                            cubes.into_iter().find_map(|cube| {
                                crate::witness::find(&ctx.space, cube, &hints, &mut |w| {
                                    w.action == "sts:TagSession"
                                        && w.decision(policy, &role)
                                            == rolegate_policy::PolicyDecision::Allow
                                })
                            })
                        })
                };
                ctx.report(
                    "TP028",
                    Severity::Medium,
                    Some(index),
                    apath.clone(),
                    "sts:TagSession is allowed with no aws:TagKeys or aws:RequestTag bound: the caller can set any principal tag, which defeats ABAC on aws:PrincipalTag (and transitive tags persist through role chains)".to_owned(),
                    witness,
                    "Constrain keys with ForAllValues:StringEquals on aws:TagKeys (plus Null false) and values with aws:RequestTag/KEY",
                );
            }
        }
        if grants(statement, "sts:SetSourceIdentity")
            && caller_chosen(statement)
            && conditions_on(statement, "sts:SourceIdentity").count() == 0
        {
            ctx.report(
                "TP029",
                Severity::Low,
                Some(index),
                apath.clone(),
                "sts:SetSourceIdentity is allowed with no sts:SourceIdentity condition: the caller chooses the identity audit logs will record".to_owned(),
                None,
                "Add a condition on sts:SourceIdentity (e.g. StringLike \"${aws:username}\" or the IdP's user attribute)",
            );
        }
    }
    // TP030: SAML providers usually pass session tags and source identity; without the matching
    // actions in any statement for that provider, sign-in fails.
    for (index, statement) in &allows {
        for (kind, value) in principal_values(statement) {
            if kind != Some(PrincipalKind::Federated) || !value.contains(":saml-provider/") {
                continue;
            }
            let provider_statements: Vec<&&Statement> = allows
                .iter()
                .filter(|(_, s)| {
                    principal_values(s)
                        .iter()
                        .any(|(k, v)| *k == Some(PrincipalKind::Federated) && *v == value)
                })
                .map(|(_, s)| s)
                .collect();
            let tags = provider_statements
                .iter()
                .any(|s| grants(s, "sts:TagSession"));
            let source = provider_statements
                .iter()
                .any(|s| grants(s, "sts:SetSourceIdentity"));
            if !tags || !source {
                let missing: Vec<&str> = [
                    (!tags).then_some("sts:TagSession"),
                    (!source).then_some("sts:SetSourceIdentity"),
                ]
                .into_iter()
                .flatten()
                .collect();
                ctx.report(
                    "TP030",
                    Severity::Warning,
                    Some(*index),
                    format!("{}.Action", policy.statement_path(*index)),
                    format!("{value} may pass session tags or a source identity, but the role does not allow {}: AssumeRoleWithSAML then fails", missing.join(" or ")),
                    None,
                    "Allow the missing actions for this provider (bounded by aws:TagKeys / sts:SourceIdentity), or make sure the IdP sends none",
                );
            }
        }
    }
}

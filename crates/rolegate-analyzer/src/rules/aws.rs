//! AWS principals: public trust (TP007–TP009), cross-account delegation (TP010, TP011, TP031,
//! TP033), ExternalId strength (TP012), service principals (TP013, TP014), principal hygiene
//! (TP032, TP034) and explicit self-trust (TP038).

use rolegate_policy::ast::{Effect, Operator, PrincipalKind, Statement};

use crate::automata::{CharSet, Piece, literal_pieces};
use crate::compile::is_unique_id;
use crate::finding::Severity;
use crate::lint::{Ctx, arn_account, conditions_on, is_pin};
use crate::model::principal_values;
use crate::witness::{Hints, Witness};

/// Keys an outside caller cannot choose: they describe where the caller sits, not what it says.
const BOUNDING_KEYS: [&str; 10] = [
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:vpcsourceip",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

/// The account a principal value names, if any.
fn value_account(value: &str) -> Option<&str> {
    if rolegate_types::AccountId::is_valid(value) {
        Some(value)
    } else {
        arn_account(value)
    }
}

fn is_root_delegation(value: &str) -> bool {
    rolegate_types::AccountId::is_valid(value)
        || (value.starts_with("arn:") && value.ends_with(":root"))
}

/// Whether the statement requires MFA of the caller.
fn requires_mfa(statement: &Statement) -> bool {
    statement.conditions.iter().any(|c| {
        let key = c.key.to_lowercase();
        !c.operator.if_exists
            && ((key == "aws:multifactorauthpresent"
                && c.operator.base == Operator::Bool
                && c.values.iter().all(|v| v.eq_ignore_ascii_case("true")))
                || (key == "aws:multifactorauthage"
                    && matches!(
                        c.operator.base,
                        Operator::NumericLessThan | Operator::NumericLessThanEquals
                    )))
    })
}

fn requires_external_id(statement: &Statement) -> bool {
    conditions_on(statement, "sts:ExternalId").any(is_pin)
}

fn names_any_aws(statement: &Statement) -> bool {
    principal_values(statement)
        .iter()
        .any(|(k, v)| *v == "*" && matches!(k, None | Some(PrincipalKind::Aws)))
}

/// Shannon entropy of `text` in bits (per-character frequencies times length).
fn entropy_bits(text: &str) -> f64 {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len() as f64;
    if chars.is_empty() {
        return 0.0;
    }
    let mut counts = std::collections::BTreeMap::new();
    for c in &chars {
        *counts.entry(*c).or_insert(0usize) += 1;
    }
    -counts
        .values()
        .map(|&k| (k as f64 / n) * (k as f64 / n).log2())
        .sum::<f64>()
        * n
}

/// Why an ExternalId value is weak, if it is.
pub fn external_id_weakness(value: &str) -> Option<String> {
    if rolegate_types::AccountId::is_valid(value) {
        return Some("equals an account id".to_owned());
    }
    if value.chars().count() < 12 {
        return Some(format!("is only {} characters", value.chars().count()));
    }
    let bits = entropy_bits(value);
    if bits < 48.0 {
        return Some(format!("has about {bits:.0} bits of entropy"));
    }
    None
}

pub fn check(ctx: &mut Ctx<'_>) {
    public_trust(ctx);
    cross_account(ctx);
    external_ids(ctx);
    service_principals(ctx);
    hygiene(ctx);
}

/// TP007–TP009.
fn public_trust(ctx: &mut Ctx<'_>) {
    let policy = ctx.policy;
    for (index, statement) in ctx.allow_statements() {
        if !names_any_aws(statement) {
            continue;
        }
        let ppath = policy.principal_path(
            index,
            if policy.principal_is_string_star(index) {
                None
            } else {
                Some(PrincipalKind::Aws)
            },
            false,
        );
        // TP009: a PrincipalArn pattern that leaves the account or partition open.
        let mut wide_arn = None;
        for condition in conditions_on(statement, "aws:PrincipalArn") {
            for value in &condition.values {
                let parts: Vec<&str> = value.splitn(6, ':').collect();
                let partition = parts.get(1).copied().unwrap_or("*");
                let account = parts.get(4).copied().unwrap_or("*");
                let wild = |s: &str| s.contains('*') || s.contains('?');
                if is_pin(condition) && (wild(partition) || wild(account)) {
                    wide_arn = Some((condition, value.clone()));
                }
            }
        }
        let outside = ctx.outside_account.clone();
        let hints = Hints {
            outside_account: Some(outside.clone()),
            forced_absent: BOUNDING_KEYS.iter().map(|k| (*k).to_owned()).collect(),
            ..Hints::default()
        };
        if let Some((condition, value)) = wide_arn {
            let inside = |w: &Witness| {
                let parts: Vec<&str> = w.principal.splitn(6, ':').collect();
                let partition = parts.get(1).copied().unwrap_or_default();
                let account = parts.get(4).copied().unwrap_or_default();
                partition == "aws" && ctx.options.is_inside(account)
            };
            let role = ctx.role_arn.clone();
            let witness = ctx.admitted_of(index).find_map(|cube| {
                crate::witness::find(&ctx.space, cube, &hints, &mut |w: &Witness| {
                    w.decision(policy, &role) == rolegate_policy::PolicyDecision::Allow
                        && !inside(w)
                })
            });
            ctx.report(
                "TP009",
                Severity::High,
                Some(index),
                policy.condition_path(index, condition),
                format!("aws:PrincipalArn pattern '{value}' under AWS:* leaves the account or partition open: anyone can create a matching principal in their own account"),
                witness,
                "Pin the account (and partition) in the pattern, or add aws:PrincipalOrgID / aws:PrincipalAccount",
            );
            continue;
        }
        let role = ctx.role_arn.clone();
        let witness = ctx.admitted_of(index).find_map(|cube| {
            crate::witness::find(&ctx.space, cube, &hints, &mut |w: &Witness| {
                w.decision(policy, &role) == rolegate_policy::PolicyDecision::Allow
                    && arn_account(&w.principal) == Some(outside.as_str())
            })
        });
        let Some(witness) = witness else { continue };
        if statement.conditions.is_empty() {
            ctx.report(
                "TP007",
                Severity::Critical,
                Some(index),
                ppath,
                "any AWS principal in any account can assume this role: the trust names AWS:* with no condition".to_owned(),
                Some(witness),
                "Name the trusted principals, or bound AWS:* with aws:PrincipalOrgID, aws:PrincipalAccount or an account-pinned aws:PrincipalArn",
            );
        } else {
            let keys: Vec<&str> = statement
                .conditions
                .iter()
                .map(|c| c.key.as_str())
                .collect();
            ctx.report(
                "TP008",
                Severity::High,
                Some(index),
                ppath,
                format!("AWS:* is bounded only by keys the caller controls ({}): a principal in any account can satisfy them", keys.join(", ")),
                Some(witness),
                "Bound the principal set with aws:PrincipalOrgID, aws:PrincipalAccount or an account-pinned aws:PrincipalArn",
            );
        }
    }
}

/// TP010, TP011, TP031, TP033.
fn cross_account(ctx: &mut Ctx<'_>) {
    let policy = ctx.policy;
    for (index, statement) in ctx.allow_statements() {
        let ppath = policy.principal_path(index, Some(PrincipalKind::Aws), false);
        let external_id = requires_external_id(statement);
        let mfa = requires_mfa(statement);
        for (kind, value) in principal_values(statement) {
            if kind != Some(PrincipalKind::Aws) || value == "*" {
                continue;
            }
            let Some(account) = value_account(value) else {
                continue;
            };
            if !ctx.options.is_other_account(account) {
                continue;
            }
            let account = account.to_owned();
            let witness = account_witness(ctx, index, &account);
            if !external_id && !mfa {
                ctx.report(
                    "TP010",
                    Severity::High,
                    Some(index),
                    ppath.clone(),
                    format!("'{value}' in account {account} can assume the role with no sts:ExternalId (machines) or MFA (humans) condition: a confused deputy"),
                    witness.clone(),
                    "Add StringEquals on sts:ExternalId (vendor-generated, per customer) or require aws:MultiFactorAuthPresent",
                );
            }
            if is_root_delegation(value) {
                ctx.report(
                    "TP011",
                    Severity::Medium,
                    Some(index),
                    ppath.clone(),
                    format!("'{value}' delegates to every principal in account {account} whose own policies allow sts:AssumeRole, not only its root user"),
                    witness.clone(),
                    "Name the specific role ARNs that need access (they are pinned to unique ids)",
                );
            }
            let human = value.contains(":user/")
                || is_root_delegation(value)
                || value.contains(":role/AWSReservedSSO_");
            if human && !mfa {
                ctx.report(
                    "TP031",
                    Severity::Medium,
                    Some(index),
                    ppath.clone(),
                    format!("'{value}' lets people in account {account} assume the role without MFA"),
                    witness,
                    "Add \"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"} (and a NumericLessThan on aws:MultiFactorAuthAge)",
                );
            }
        }
        // TP033: by-name trust through aws:PrincipalArn to accounts outside the zone of trust.
        for condition in conditions_on(statement, "aws:PrincipalArn") {
            if !is_pin(condition) {
                continue;
            }
            for value in &condition.values {
                let Some(account) = arn_account(value) else {
                    continue;
                };
                if account.contains('*') || account.contains('?') {
                    continue;
                }
                if ctx.options.is_other_account(account) && !ctx.options.is_inside(account) {
                    let witness = account_witness(ctx, index, account);
                    ctx.report(
                        "TP033",
                        Severity::Medium,
                        Some(index),
                        policy.condition_path(index, condition),
                        format!("aws:PrincipalArn '{value}' trusts a name in account {account}, outside the zone of trust: whoever controls that account can delete and recreate the principal and keep access"),
                        witness,
                        "Name the principal in Principal instead (IAM pins it to its unique id), or keep by-name trust inside your organization",
                    );
                }
            }
        }
    }
}

/// A request from `account` admitted through statement `index`.
fn account_witness(ctx: &Ctx<'_>, index: usize, account: &str) -> Option<Witness> {
    let hints = Hints {
        outside_account: Some(account.to_owned()),
        ..Hints::default()
    };
    let role = ctx.role_arn.clone();
    let policy = ctx.policy;
    ctx.admitted_of(index).find_map(|cube| {
        crate::witness::find(&ctx.space, cube, &hints, &mut |w: &Witness| {
            w.decision(policy, &role) == rolegate_policy::PolicyDecision::Allow
                && arn_account(&w.principal) == Some(account)
        })
    })
}

/// TP012 (single-policy part; reuse across roles is in the inventory analysis).
fn external_ids(ctx: &mut Ctx<'_>) {
    let policy = ctx.policy;
    for (index, statement) in policy.statements() {
        if statement.effect != Effect::Allow {
            continue;
        }
        for condition in conditions_on(statement, "sts:ExternalId") {
            let pattern = matches!(condition.operator.base, Operator::StringLike)
                && condition
                    .values
                    .iter()
                    .any(|v| v.contains('*') || v.contains('?'));
            let mut reasons: Vec<String> = Vec::new();
            if pattern {
                reasons.push("is matched with a wildcard pattern".to_owned());
            }
            for value in &condition.values {
                if let Some(why) = external_id_weakness(value.trim_end_matches('*')) {
                    reasons.push(format!("'{value}' {why}"));
                }
            }
            if !reasons.is_empty() {
                ctx.report(
                    "TP012",
                    Severity::Medium,
                    Some(index),
                    policy.condition_path(index, condition),
                    format!("weak sts:ExternalId: {}", reasons.join("; ")),
                    None,
                    "Use a vendor-generated, per-customer random ExternalId (a UUID) with StringEquals",
                );
            }
        }
    }
}

/// TP013, TP014.
fn service_principals(ctx: &mut Ctx<'_>) {
    let policy = ctx.policy;
    for (index, statement) in ctx.allow_statements() {
        let services: Vec<String> = principal_values(statement)
            .iter()
            .filter(|(k, _)| *k == Some(PrincipalKind::Service))
            .map(|(_, v)| v.to_lowercase())
            .collect();
        if services.is_empty() {
            continue;
        }
        let deputies: Vec<&String> = services
            .iter()
            .filter(|s| ctx.services.confused_deputy.contains(s))
            .collect();
        let bound = ctx
            .services
            .source_binding_keys
            .iter()
            .any(|k| conditions_on(statement, k).any(is_pin));
        if !deputies.is_empty() && !bound {
            let hints = Hints {
                forced_absent: ctx.services.source_binding_keys.clone(),
                preferred: [(
                    crate::symbolic::PRINCIPAL_KEY.to_owned(),
                    deputies.iter().map(|s| (*s).clone()).collect(),
                )]
                .into(),
                ..Hints::default()
            };
            let witness = ctx.allowed_witness(ctx.admitted_of(index), &hints);
            let names: Vec<&str> = deputies.iter().map(|s| s.as_str()).collect();
            ctx.report(
                "TP013",
                Severity::High,
                Some(index),
                policy.principal_path(index, Some(PrincipalKind::Service), false),
                format!("{} can be induced to use this role on behalf of a resource in another account: no aws:SourceAccount or aws:SourceArn condition", names.join(", ")),
                witness,
                "Add StringEquals on aws:SourceAccount (your account) and ArnLike on aws:SourceArn (your resource)",
            );
        }
        // TP014: source conditions that still match other accounts.
        let outside = ctx.outside_account.clone();
        for key in ["aws:SourceAccount", "aws:SourceArn"] {
            let Some(condition) = conditions_on(statement, key).find(|c| is_pin(c)) else {
                continue;
            };
            let language = ctx.present_language(index, &key.to_lowercase());
            let probe = if key == "aws:SourceAccount" {
                language.intersect(&ctx.space.dfa(&[literal_pieces(&outside, false)]))
            } else {
                let non_colon = CharSet::single(':').complement();
                let pieces = [
                    literal_pieces("arn:", false),
                    vec![Piece::Many(non_colon.clone())],
                    literal_pieces(":", false),
                    vec![Piece::Many(non_colon.clone())],
                    literal_pieces(":", false),
                    vec![Piece::Many(non_colon)],
                    literal_pieces(&format!(":{outside}:"), false),
                    vec![Piece::Many(CharSet::any())],
                ]
                .concat();
                language.intersect(&ctx.space.dfa(&[pieces]))
            };
            let Some(value) = probe.witness() else {
                continue;
            };
            let hints = Hints {
                preferred: [(key.to_lowercase(), vec![value.clone()])].into(),
                ..Hints::default()
            };
            let witness = ctx.allowed_witness(ctx.admitted_of(index), &hints);
            ctx.report(
                "TP014",
                Severity::Medium,
                Some(index),
                policy.condition_path(index, condition),
                format!("{key} also matches '{value}', a resource in account {outside}: the confused-deputy guard does not hold"),
                witness,
                "Pin the account: StringEquals on aws:SourceAccount and an aws:SourceArn with your account id",
            );
        }
    }
}

/// TP032, TP034, TP038.
fn hygiene(ctx: &mut Ctx<'_>) {
    let policy = ctx.policy;
    for (index, statement) in policy.statements() {
        let values = principal_values(statement);
        let ppath = policy.principal_path(
            index,
            Some(PrincipalKind::Aws),
            statement.principal.as_ref().is_some_and(|p| p.negated),
        );
        for (kind, value) in &values {
            if *kind == Some(PrincipalKind::Aws) && is_unique_id(value) {
                ctx.report(
                    "TP032",
                    Severity::Low,
                    Some(index),
                    ppath.clone(),
                    format!("'{value}' is a unique id: IAM shows this when the trusted principal was deleted, and it no longer matches anyone"),
                    None,
                    "Remove the dangling id; recreate the trust by ARN if the access is still needed",
                );
            }
        }
        // TP034: a role and one of its sessions in the same Principal.
        for (kind, value) in &values {
            if *kind != Some(PrincipalKind::Aws) {
                continue;
            }
            let Some((head, rest)) = value.split_once(":assumed-role/") else {
                continue;
            };
            let role_name = rest.split('/').next().unwrap_or_default();
            let account = arn_account(value).unwrap_or_default();
            let parent = values.iter().find(|(k, v)| {
                *k == Some(PrincipalKind::Aws)
                    && v.contains(":role/")
                    && arn_account(v) == Some(account)
                    && v.rsplit('/').next() == Some(role_name)
            });
            if let Some((_, parent)) = parent {
                ctx.report(
                    "TP034",
                    Severity::Low,
                    Some(index),
                    ppath.clone(),
                    format!("'{value}' is redundant: its role '{parent}' is also trusted, which admits every session of it"),
                    None,
                    "Keep one of them (the session ARN if only that session should be trusted)",
                );
                let _ = head;
            }
        }
        // TP038: explicit self-trust.
        if statement.effect == Effect::Allow
            && let Some(role) = ctx.options.role_arn.clone()
        {
            let name = role.rsplit('/').next().unwrap_or_default();
            let account = arn_account(&role).unwrap_or_default();
            let names_self = values.iter().any(|(k, v)| {
                *k == Some(PrincipalKind::Aws)
                    && (*v == role
                        || (v.contains(":role/")
                            && arn_account(v) == Some(account)
                            && v.rsplit('/').next() == Some(name)))
            });
            if names_self {
                let session = format!("arn:aws:sts::{account}:assumed-role/{name}/juggled");
                let hints = Hints {
                    preferred: [(crate::symbolic::PRINCIPAL_KEY.to_owned(), vec![session])].into(),
                    ..Hints::default()
                };
                let witness = ctx.allowed_witness(ctx.admitted_of(index), &hints);
                ctx.report(
                        "TP038",
                        Severity::Low,
                        Some(index),
                        ppath.clone(),
                        format!("the role trusts itself ({role}): a stolen session can re-assume the role forever and outlive session revocation"),
                        witness,
                        "Remove the self-trust unless the role must re-assume itself (e.g. to add session tags)",
                    );
            }
        }
    }
}

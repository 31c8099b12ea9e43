//! `GenerateCredentialReport`: starts a report unless one younger than four hours exists, as
//! AWS does. The report is cheap here, so it is generated within the call; AWS's states stay:
//! `STARTED` (with AWS's `No report exists…` the first time), `COMPLETE` once there is a recent
//! report, and `INPROGRESS` while another call is generating it.

use std::collections::HashSet;

use rolegate_protocol::{Service, Shape, ShapeWriter};
use rolegate_store::{AccessKey, KeyOwner, KeyStatus, ReportStart, SigningCertificate, StoreError};

use super::credential_report::{self, Certificate, Holder, Key, Password, ROOT_USER, Row};
use crate::authorize::Resource;
use crate::credentials::password;
use crate::error::StoreResultExt as _;
use crate::error::{Error, texts};
use crate::operation::{Ctx, Input, Operation, Output};

/// How long a report stands before a new one may be generated (IAM User Guide).
pub const MAX_AGE: time::Duration = time::Duration::hours(4);
/// A generation that has not finished after this long is taken to have died and is restarted.
pub const ABANDONED_AFTER: time::Duration = time::Duration::minutes(5);

pub struct GenerateCredentialReport;

pub struct Generation {
    state: &'static str,
    description: Option<&'static str>,
}

impl Shape for Generation {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.string("State", self.state);
        w.optional("Description", self.description);
    }
}

impl Output for Generation {}

impl Operation for GenerateCredentialReport {
    const NAME: &'static str = "GenerateCredentialReport";
    const SERVICE: Service = Service::Iam;
    type Output = Generation;

    fn parse(_: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self)
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Generation, Error> {
        ctx.authorize("iam:GenerateCredentialReport", &Resource::arn("*"))?;
        let account = ctx.account_id();
        let now = ctx.facts.now;
        let start = ctx
            .store()
            .start_credential_report(account, now, MAX_AGE, ABANDONED_AFTER)
            .await?;
        let first = match start {
            ReportStart::Complete => {
                return Ok(Generation {
                    state: "COMPLETE",
                    description: None,
                });
            }
            ReportStart::InProgress => {
                return Ok(Generation {
                    state: "INPROGRESS",
                    description: None,
                });
            }
            ReportStart::Started { first } => first,
        };
        let csv = credential_report::render(&rows(ctx).await?);
        match ctx
            .store()
            .finish_credential_report(account, now, ctx.facts.now, csv.as_bytes())
            .await
        {
            // Taken over by a later generation: its report is the one that stands.
            Ok(()) | Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        // AWS's text for regenerating an expired report is unrecorded; only the first report's
        // is, so a regeneration says `STARTED` alone.
        Ok(Generation {
            state: "STARTED",
            description: first.then_some(texts::REPORT_STARTED),
        })
    }
}

/// The report's rows: the root, then each user by name.
async fn rows(ctx: &Ctx<'_>) -> Result<Vec<Row>, Error> {
    let store = ctx.store();
    let account_id = ctx.account_id();
    let partition = ctx.facts.partition.as_str();
    let uses = ctx.state.last_used.account_keys(store, account_id).await?;
    let keys = |list: Vec<AccessKey>| -> Vec<Key> {
        list.into_iter()
            .take(2)
            .map(|key| Key {
                active: key.status == KeyStatus::Active,
                created_at: key.created_at,
                last_used: uses.get(&key.access_key_id).cloned(),
            })
            .collect()
    };
    let certificates = |list: Vec<SigningCertificate>| -> Vec<Certificate> {
        list.into_iter()
            .take(2)
            .map(|certificate| Certificate {
                active: certificate.status == KeyStatus::Active,
                uploaded_at: certificate.uploaded_at,
            })
            .collect()
    };
    let policy = store.get_password_policy(account_id).await.found()?;
    let account = store.get_account(account_id).await?;
    let mut rows = vec![Row {
        holder: Holder::Root,
        user: ROOT_USER.to_owned(),
        arn: format!("arn:{partition}:iam::{account_id}:root"),
        created_at: account.created_at,
        password: None,
        // The root has no MFA device in Rolegate (virtual devices are users').
        mfa_active: false,
        keys: keys(store.list_access_keys(account_id, &KeyOwner::Root).await?),
        certificates: certificates(
            store
                .list_signing_certificates(account_id, &KeyOwner::Root)
                .await?,
        ),
    }];
    let with_mfa: HashSet<String> = store
        .list_mfa_devices(account_id, None)
        .await?
        .into_iter()
        .filter_map(|device| device.user_name.map(|name| name.to_lowercase()))
        .collect();
    for user in store.list_users(account_id, None).await? {
        let owner = KeyOwner::User(user.name.clone());
        let user_keys = store.list_access_keys(account_id, &owner).await?;
        let user_certificates = store.list_signing_certificates(account_id, &owner).await?;
        let profile = store
            .get_login_profile(account_id, &user.name)
            .await
            .found()?;
        rows.push(Row {
            holder: Holder::User,
            arn: user.arn(partition),
            created_at: user.created_at,
            password: profile.map(|profile| Password {
                last_used: None,
                last_changed: profile.password_changed_at,
                next_rotation: password::expires_at(policy.as_ref(), &profile),
            }),
            mfa_active: with_mfa.contains(&user.name.to_lowercase()),
            keys: keys(user_keys),
            certificates: certificates(user_certificates),
            user: user.name,
        });
    }
    Ok(rows)
}

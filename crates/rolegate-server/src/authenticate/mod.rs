//! Authenticate: SigV4 (Authorization header or presigned query) → the [`Caller`].
//!
//! Long-term keys are looked up in the [`Directory`](crate::directory::Directory) (cached);
//! temporary keys are authenticated by opening the sealed session token, with no database
//! read. GetSessionToken's keys are good for IAM only when their session proved MFA. Failures
//! carry AWS's codes and texts in AWS's order: malformed signature, time and scope, unknown key
//! or bad token, then the signature itself.

mod caller;

use std::sync::Arc;

use rolegate_protocol::{AwsError, Service};
use rolegate_sigv4::{HttpRequest, SigV4Error, VerifyOptions};
use time::OffsetDateTime;

pub use caller::{Caller, CallerKind};

use crate::credentials::TokenError;
use crate::directory::KeyIdentity;
use crate::state::AppState;

/// The SigV4 signing names this server answers to.
const SERVICES: &[&str] = &["sts", "iam"];

/// Who signed the request, and for which service (the credential scope's).
#[derive(Debug)]
pub struct Authenticated {
    pub caller: Caller,
    pub service: Service,
    pub region: String,
}

fn sigv4_error(error: &SigV4Error) -> AwsError {
    AwsError::new(error.code(), error.http_status(), error.message())
}

/// Authenticates `request` at `now`.
pub async fn authenticate(
    state: &AppState,
    request: &HttpRequest<'_>,
    now: OffsetDateTime,
) -> Result<Authenticated, AwsError> {
    let auth = rolegate_sigv4::parse(request).map_err(|e| sigv4_error(&e))?;
    let options = VerifyOptions {
        signing_key_cache: Some(&state.signing_keys),
        ..VerifyOptions::new(SERVICES)
    };
    rolegate_sigv4::prevalidate(&auth, now, &options).map_err(|e| sigv4_error(&e))?;
    let service = if auth.scope.service == "iam" {
        Service::Iam
    } else {
        Service::Sts
    };
    let region = auth.scope.region.clone();
    let partition = rolegate_types::Partition::of_region(&region);

    let caller = match &auth.security_token {
        Some(token) => {
            let session = state
                .sealer
                .open(token, &auth.access_key_id, now.unix_timestamp())
                .map_err(|e| match e {
                    TokenError::Expired { .. } => AwsError::expired_token(),
                    _ => AwsError::invalid_client_token_id(),
                })?;
            rolegate_sigv4::verify(
                request,
                &auth,
                session.secret_access_key.expose(),
                now,
                &options,
            )
            .map_err(|e| sigv4_error(&e))?;
            // GetSessionToken's credentials reach IAM only when the session proved MFA; AWS
            // refuses them as an invalid token.
            if service == Service::Iam
                && session.is_token_session()
                && session.mfa_authenticated_at().is_none()
            {
                return Err(AwsError::invalid_client_token_id());
            }
            caller::from_session(state, session, partition).await?
        }
        None => {
            let entry = state
                .directory
                .key(&auth.access_key_id, &state.sealer)
                .await
                .map_err(|e| crate::respond::internal(&e))?
                .filter(|entry| entry.key.status == rolegate_store::KeyStatus::Active)
                .ok_or_else(AwsError::invalid_client_token_id)?;
            rolegate_sigv4::verify(request, &auth, &entry.secret, now, &options)
                .map_err(|e| sigv4_error(&e))?;
            // GetAccessKeyLastUsed's ServiceName and Region are the signing scope's.
            state
                .last_used
                .key_used(&entry.key.access_key_id, now, &auth.scope.service, &region);
            let account = Arc::clone(&entry.account);
            match &entry.owner {
                KeyIdentity::Root => Caller::root(account, &entry.key.access_key_id, partition),
                KeyIdentity::User(user) => {
                    Caller::user(account, user, &entry.key.access_key_id, partition)
                }
                KeyIdentity::Service(name) => {
                    Caller::service(account, name, &entry.key.access_key_id)
                }
            }
        }
    };
    Ok(Authenticated {
        caller,
        service,
        region,
    })
}

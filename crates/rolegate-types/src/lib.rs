//! Rolegate's shared vocabulary: the names every other crate uses for AWS things.
//!
//! Pure and I/O-free: parsing here only checks shape (an ARN has six parts, an account id has
//! twelve digits); whether a thing exists is the store's business.

mod account;
mod arn;
mod partition;
mod principal;

pub use account::{AccountId, AccountIdError};
pub use arn::{Arn, ArnError, ArnParts, split_colon};
pub use partition::Partition;
pub use principal::{
    WEB_IDENTITY_PROVIDERS, is_service_principal, is_unique_id, is_web_identity_provider,
};

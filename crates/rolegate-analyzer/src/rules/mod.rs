//! The lint rules, one file per family of principals; each adds findings to a [`crate::lint::Ctx`].

pub mod aws;
pub mod federated;
pub mod session;
pub mod structure;

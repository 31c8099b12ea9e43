//! Act: every operation, one file per action, grouped by service and by what they act on.
//! Each parses its typed input, authorizes through `Ctx::authorize`, acts on the store in its
//! transactions and returns a typed output (see [`crate::operation`]).

pub mod iam;
pub mod sts;

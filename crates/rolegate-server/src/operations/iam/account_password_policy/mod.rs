//! The account password policy, one file per action. It governs the console passwords of the
//! account's IAM users (see `login_profiles`): UpdateAccountPasswordPolicy replaces it whole,
//! and with `AllowUsersToChangePassword` IAM lets every user read it without an identity policy.

pub mod delete_account_password_policy;
pub mod get_account_password_policy;
pub mod update_account_password_policy;

//! The credential report's CSV, from what the account holds: AWS's columns in AWS's order, the
//! root first, then every user by name. Cells are `true`/`false`, ISO 8601 times with
//! `+00:00`, `N/A` where a credential is absent, `not_supported` where the root has no such
//! setting and `no_information` for a password never used (IAM User Guide, "Getting credential
//! reports").
//!
//! Rolegate has no console sign-in, so a password's `password_last_used` is always
//! `no_information`.

use rolegate_store::AccessKeyUse;
use time::{OffsetDateTime, UtcOffset};

/// The header line, exactly as AWS writes it.
pub const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,\
password_last_changed,password_next_rotation,mfa_active,access_key_1_active,\
access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,\
access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,\
access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,\
cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// The root's `user` cell.
pub const ROOT_USER: &str = "<root_account>";

const NOT_APPLICABLE: &str = "N/A";
const NOT_SUPPORTED: &str = "not_supported";
const NO_INFORMATION: &str = "no_information";

/// Whose row it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Root,
    User,
}

/// A user's console password (its login profile).
#[derive(Debug, Clone)]
pub struct Password {
    pub last_used: Option<OffsetDateTime>,
    pub last_changed: OffsetDateTime,
    pub next_rotation: Option<OffsetDateTime>,
}

/// One access key's cells.
#[derive(Debug, Clone)]
pub struct Key {
    pub active: bool,
    /// When it was created (AWS's `last_rotated`).
    pub created_at: OffsetDateTime,
    pub last_used: Option<AccessKeyUse>,
}

/// One row.
#[derive(Debug, Clone)]
pub struct Row {
    pub holder: Holder,
    pub user: String,
    pub arn: String,
    pub created_at: OffsetDateTime,
    pub password: Option<Password>,
    pub mfa_active: bool,
    /// The first two keys, oldest first.
    pub keys: Vec<Key>,
    /// The first two signing certificates, oldest first.
    pub certificates: Vec<Certificate>,
}

/// One signing certificate's cells.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub active: bool,
    /// When it was uploaded (AWS's `last_rotated`).
    pub uploaded_at: OffsetDateTime,
}

/// `2017-06-10T02:35:07+00:00`.
pub fn iso_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn flag(value: bool) -> String {
    if value { "true" } else { "false" }.to_owned()
}

/// `password_enabled`, `password_last_used`, `password_last_changed`, `password_next_rotation`.
/// The root always has a password on AWS, of which Rolegate records no use; its other password
/// cells are `not_supported`.
pub fn password_columns(holder: Holder, password: Option<&Password>) -> [String; 4] {
    let last_used = |password: Option<&Password>| {
        password
            .and_then(|p| p.last_used)
            .map_or_else(|| NO_INFORMATION.to_owned(), iso_time)
    };
    match (holder, password) {
        (Holder::Root, password) => [
            NOT_SUPPORTED.to_owned(),
            last_used(password),
            NOT_SUPPORTED.to_owned(),
            NOT_SUPPORTED.to_owned(),
        ],
        (Holder::User, None) => [
            flag(false),
            NOT_APPLICABLE.to_owned(),
            NOT_APPLICABLE.to_owned(),
            NOT_APPLICABLE.to_owned(),
        ],
        (Holder::User, Some(password)) => [
            flag(true),
            last_used(Some(password)),
            iso_time(password.last_changed),
            password
                .next_rotation
                .map_or_else(|| NOT_APPLICABLE.to_owned(), iso_time),
        ],
    }
}

/// `access_key_N_active`, `_last_rotated`, `_last_used_date`, `_last_used_region`,
/// `_last_used_service`.
fn key_columns(key: Option<&Key>) -> [String; 5] {
    let na = || NOT_APPLICABLE.to_owned();
    match key {
        None => [flag(false), na(), na(), na(), na()],
        Some(key) => {
            let (date, region, service) = match &key.last_used {
                Some(used) => (
                    iso_time(used.used_at),
                    used.region.clone(),
                    used.service.clone(),
                ),
                None => (na(), na(), na()),
            };
            [
                flag(key.active),
                iso_time(key.created_at),
                date,
                region,
                service,
            ]
        }
    }
}

/// A cell, quoted as RFC 4180 has it when it holds a comma or a quote (IAM names may hold
/// commas).
fn cell(out: &mut String, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// The whole report: the header and one line per row, lines joined by `\n`.
pub fn render(rows: &[Row]) -> String {
    let mut out = String::from(HEADER);
    for row in rows {
        out.push('\n');
        let mut cells: Vec<String> = Vec::with_capacity(22);
        cells.push(row.user.clone());
        cells.push(row.arn.clone());
        cells.push(iso_time(row.created_at));
        cells.extend(password_columns(row.holder, row.password.as_ref()));
        cells.push(flag(row.mfa_active));
        cells.extend(key_columns(row.keys.first()));
        cells.extend(key_columns(row.keys.get(1)));
        for slot in 0..2 {
            match row.certificates.get(slot) {
                Some(certificate) => {
                    cells.push(flag(certificate.active));
                    cells.push(iso_time(certificate.uploaded_at));
                }
                None => {
                    cells.push(flag(false));
                    cells.push(NOT_APPLICABLE.to_owned());
                }
            }
        }
        for (index, text) in cells.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            cell(&mut out, text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(seconds).unwrap()
    }

    #[test]
    fn rows_are_written_as_aws_writes_them() {
        let rows = [
            Row {
                holder: Holder::Root,
                user: ROOT_USER.to_owned(),
                arn: "arn:aws:iam::111122223333:root".to_owned(),
                created_at: at(1_497_062_107),
                password: None,
                mfa_active: false,
                keys: vec![],
                certificates: vec![],
            },
            Row {
                holder: Holder::User,
                user: "fakeuser".to_owned(),
                arn: "arn:aws:iam::111122223333:user/fakeuser".to_owned(),
                created_at: at(1_498_875_488),
                password: None,
                mfa_active: true,
                keys: vec![
                    Key {
                        active: true,
                        created_at: at(1_508_659_959),
                        last_used: Some(AccessKeyUse {
                            access_key_id: "AKIA1".to_owned(),
                            used_at: at(1_510_166_340),
                            service: "ec2".to_owned(),
                            region: "ap-southeast-1".to_owned(),
                        }),
                    },
                    Key {
                        active: false,
                        created_at: at(1_508_659_959),
                        last_used: None,
                    },
                ],
                certificates: vec![Certificate {
                    active: true,
                    uploaded_at: at(1_508_659_959),
                }],
            },
        ];
        let csv = render(&rows);
        let lines: Vec<&str> = csv.split('\n').collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].split(',').count(), 22);
        assert_eq!(
            lines[1],
            "<root_account>,arn:aws:iam::111122223333:root,2017-06-10T02:35:07+00:00,\
             not_supported,no_information,not_supported,not_supported,false,false,N/A,N/A,N/A,\
             N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        );
        assert_eq!(
            lines[2],
            "fakeuser,arn:aws:iam::111122223333:user/fakeuser,2017-07-01T02:18:08+00:00,false,\
             N/A,N/A,N/A,true,true,2017-10-22T08:12:39+00:00,2017-11-08T18:39:00+00:00,\
             ap-southeast-1,ec2,false,2017-10-22T08:12:39+00:00,N/A,N/A,N/A,true,\
             2017-10-22T08:12:39+00:00,false,N/A"
        );
    }

    #[test]
    fn a_password_fills_its_columns() {
        let password = Password {
            last_used: None,
            last_changed: at(0),
            next_rotation: None,
        };
        assert_eq!(
            password_columns(Holder::User, Some(&password)),
            ["true", "no_information", "1970-01-01T00:00:00+00:00", "N/A"]
        );
    }

    #[test]
    fn commas_are_quoted() {
        let mut out = String::new();
        cell(&mut out, "a,b\"c");
        assert_eq!(out, "\"a,b\"\"c\"");
    }
}

//! Users' SSH public keys (for CodeCommit), one file per action. A key is read for real
//! (`pki::ssh`): RSA of 2048 to 16384 bits, as an `ssh-rsa` line or PEM; it is kept in its
//! canonical SSH form, at most five per user, each key once per user.

pub mod delete_ssh_public_key;
pub mod get_ssh_public_key;
pub mod list_ssh_public_keys;
pub mod update_ssh_public_key;
pub mod upload_ssh_public_key;

use rolegate_protocol::ShapeWriter;
use rolegate_store::SshPublicKey;

/// `SSHPublicKey`, with the body in the encoding asked for.
pub fn write_key(w: &mut impl ShapeWriter, key: &SshPublicKey, body: &str) {
    w.string("UserName", &key.user_name);
    w.string("SSHPublicKeyId", &key.key_id);
    w.string("Fingerprint", &key.fingerprint);
    w.string("SSHPublicKeyBody", body);
    w.string("Status", key.status.as_str());
    w.timestamp("UploadDate", key.uploaded_at);
}

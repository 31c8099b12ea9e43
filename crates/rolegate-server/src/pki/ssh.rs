//! SSH public keys: an OpenSSH `ssh-rsa <base64> [comment]` line or an RSA public key in PEM
//! (`PUBLIC KEY` or `RSA PUBLIC KEY`), RSA of 2048 to 16384 bits, as IAM accepts them for
//! CodeCommit. A key has one canonical SSH form (no comment), which IAM returns and which
//! tells two uploads of one key apart from two keys; its fingerprint is the MD5 of the
//! SSH wire blob, as `ssh-keygen -l -E md5` prints it.

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{PublicKey, PublicKeyComponents};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use md5::Digest as _;
use x509_cert::der::oid::db::rfc5912::RSA_ENCRYPTION;
use x509_cert::der::pem::{self, LineEnding};
use x509_cert::der::{Decode as _, asn1::AnyRef};
use x509_cert::spki::SubjectPublicKeyInfo;

use super::PkiError;

/// The key type IAM accepts.
const SSH_RSA: &str = "ssh-rsa";
/// IAM's bounds on the modulus (IAM User Guide, "Use SSH keys and SSH with CodeCommit").
const MIN_BITS: usize = 2048;
const MAX_BITS: usize = 16384;

/// An RSA public key, its integers big-endian without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshPublicKey {
    modulus: Vec<u8>,
    exponent: Vec<u8>,
}

impl SshPublicKey {
    /// Reads a key as `UploadSSHPublicKey` is given it.
    pub fn parse(text: &str) -> Result<Self, PkiError> {
        let text = text.trim();
        let key = if text.starts_with("-----BEGIN ") {
            Self::from_pem(text)?
        } else {
            Self::from_openssh(text)?
        };
        key.check()?;
        Ok(key)
    }

    fn from_openssh(line: &str) -> Result<Self, PkiError> {
        let mut fields = line.split_ascii_whitespace();
        if fields.next() != Some(SSH_RSA) {
            return Err(PkiError::UnrecognizedKeyEncoding);
        }
        let data = fields
            .next()
            .ok_or(PkiError::MalformedPublicKey("no key data"))?;
        let blob = STANDARD
            .decode(data)
            .map_err(|_| PkiError::MalformedPublicKey("key data is not base64"))?;
        let mut reader = Blob(&blob);
        if reader.string()? != SSH_RSA.as_bytes() {
            return Err(PkiError::MalformedPublicKey(
                "key type does not match its data",
            ));
        }
        let exponent = reader.mpint()?;
        let modulus = reader.mpint()?;
        if !reader.0.is_empty() {
            return Err(PkiError::MalformedPublicKey("data after the key"));
        }
        Ok(Self { modulus, exponent })
    }

    fn from_pem(text: &str) -> Result<Self, PkiError> {
        let (label, der) = pem::decode_vec(text.as_bytes())
            .map_err(|_| PkiError::MalformedPublicKey("not PEM"))?;
        match label {
            "PUBLIC KEY" => {
                let spki = SubjectPublicKeyInfo::<AnyRef<'_>, x509_cert::der::asn1::BitStringRef<'_>>::from_der(&der)
                    .map_err(|_| PkiError::MalformedPublicKey("not a SubjectPublicKeyInfo"))?;
                if spki.algorithm.oid != RSA_ENCRYPTION {
                    return Err(PkiError::UnrecognizedKeyEncoding);
                }
            }
            "RSA PUBLIC KEY" => {}
            _ => return Err(PkiError::UnrecognizedKeyEncoding),
        }
        let key = PublicKey::from_der(&der)
            .map_err(|_| PkiError::MalformedPublicKey("not an RSA public key"))?;
        Ok(Self {
            modulus: key.modulus().big_endian_without_leading_zero().to_vec(),
            exponent: key.exponent().big_endian_without_leading_zero().to_vec(),
        })
    }

    /// The size rule, and that the integers make an RSA key.
    fn check(&self) -> Result<(), PkiError> {
        let bits = bit_length(&self.modulus);
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(PkiError::PublicKeySize(bits));
        }
        let der = self.spki_der()?;
        PublicKey::from_der(&der).map_err(|_| PkiError::MalformedPublicKey("not an RSA key"))?;
        Ok(())
    }

    fn spki_der(&self) -> Result<Vec<u8>, PkiError> {
        let components = PublicKeyComponents {
            n: self.modulus.as_slice(),
            e: self.exponent.as_slice(),
        };
        components
            .as_der()
            .map(|der| der.as_ref().to_vec())
            .map_err(|_| PkiError::MalformedPublicKey("not an RSA key"))
    }

    /// The SSH wire form: `string "ssh-rsa"`, `mpint e`, `mpint n`.
    fn blob(&self) -> Vec<u8> {
        let mut blob = Vec::with_capacity(self.modulus.len() + self.exponent.len() + 24);
        put_string(&mut blob, SSH_RSA.as_bytes());
        put_mpint(&mut blob, &self.exponent);
        put_mpint(&mut blob, &self.modulus);
        blob
    }

    /// `ssh-rsa <base64>`: the key without a comment.
    pub fn to_ssh(&self) -> String {
        format!("{SSH_RSA} {}", STANDARD.encode(self.blob()))
    }

    /// `-----BEGIN PUBLIC KEY-----` … `-----END PUBLIC KEY-----\n`.
    pub fn to_pem(&self) -> Result<String, PkiError> {
        let der = self.spki_der()?;
        pem::encode_string("PUBLIC KEY", LineEnding::LF, &der)
            .map_err(|_| PkiError::MalformedPublicKey("not encodable"))
    }

    /// The MD5 of the SSH blob in colon-separated lower-case hex.
    pub fn fingerprint(&self) -> String {
        let digest = md5::Md5::digest(self.blob());
        let mut out = String::with_capacity(digest.len() * 3);
        for (i, byte) in digest.iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            out.push_str(&format!("{byte:02x}"));
        }
        out
    }
}

/// Bits in a big-endian unsigned integer without leading zeros.
fn bit_length(bytes: &[u8]) -> usize {
    match bytes.first() {
        None => 0,
        Some(first) => {
            let top = usize::try_from(8 - first.leading_zeros()).unwrap_or(0);
            top + 8 * (bytes.len() - 1)
        }
    }
}

/// The SSH wire format being read (RFC 4251 §5).
struct Blob<'a>(&'a [u8]);

impl<'a> Blob<'a> {
    fn string(&mut self) -> Result<&'a [u8], PkiError> {
        let truncated = PkiError::MalformedPublicKey("truncated key data");
        let (length, rest) = self.0.split_first_chunk::<4>().ok_or(truncated)?;
        let length = usize::try_from(u32::from_be_bytes(*length)).map_err(|_| truncated)?;
        if rest.len() < length {
            return Err(truncated);
        }
        let (value, rest) = rest.split_at(length);
        self.0 = rest;
        Ok(value)
    }

    /// A non-negative `mpint`, without its leading zeros.
    fn mpint(&mut self) -> Result<Vec<u8>, PkiError> {
        let value = self.string()?;
        if value.first().is_some_and(|b| b & 0x80 != 0) {
            return Err(PkiError::MalformedPublicKey("negative integer"));
        }
        let start = value.iter().position(|b| *b != 0).unwrap_or(value.len());
        Ok(value.get(start..).unwrap_or_default().to_vec())
    }
}

fn put_string(out: &mut Vec<u8>, value: &[u8]) {
    let length = u32::try_from(value.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(value);
}

/// An unsigned integer as an `mpint`: a leading zero byte when its top bit is set.
fn put_mpint(out: &mut Vec<u8>, value: &[u8]) {
    if value.first().is_some_and(|b| b & 0x80 != 0) {
        let length = u32::try_from(value.len() + 1).unwrap_or(u32::MAX);
        out.extend_from_slice(&length.to_be_bytes());
        out.push(0);
        out.extend_from_slice(value);
    } else {
        put_string(out, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2048-bit key and its MD5 fingerprint, both from `ssh-keygen` (`-l -E md5`).
    const KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC2vFMvN3h4Rdgi7puW7xi1eVbgYm2V46nms5sQPAuFOWAdImyHdvlZ638ribNZeOp0U9ZaBT+KREGirD+BOP03GSyUAN6EzS/7Kv3Vm+Qa+KZn2b4spx8bbd0WjC519jElzYjdEv0AFKqezUoo2gX5gF4WnWRFjWYgXaH09IgRW0D5J7mBMCw0UHWWHrWkxKvP6ikU3SySFuPebfeomwCU+Fo2LFvrwAOJ8umGGRuTKe3eRfdLBJhU4O9c+vSIA52WJuOkhRP1oH2iMlJTccSxVlgBpd7WbmNNX1Xy0ochFYQ16smE4H6klolHmUkZjrbYJfSvWK8SZ5vf6ZIMsL/F alice@example";
    const FINGERPRINT: &str = "6e:6f:36:80:26:0a:ef:71:5b:91:51:44:6a:83:e3:ed";

    #[test]
    fn reads_an_openssh_line_and_drops_its_comment() {
        let key = SshPublicKey::parse(KEY).unwrap();
        assert_eq!(
            key.to_ssh(),
            KEY.trim_end_matches(" alice@example"),
            "the canonical form is the line without its comment"
        );
        assert_eq!(key.fingerprint(), FINGERPRINT);
        assert_eq!(key.fingerprint().len(), 47);
    }

    #[test]
    fn pem_round_trips_to_the_same_key() {
        let key = SshPublicKey::parse(KEY).unwrap();
        let pem = key.to_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert!(pem.ends_with("-----END PUBLIC KEY-----\n"));
        assert_eq!(SshPublicKey::parse(&pem).unwrap(), key);
    }

    #[test]
    fn refuses_other_encodings_and_bad_keys() {
        let ed25519 =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKzvfE+qS09w+okgrO0gY7jryF0lSCxdEO/O0UaUhuZe x";
        for text in [ed25519, "hello", "", "---- BEGIN SSH2 PUBLIC KEY ----"] {
            assert_eq!(
                SshPublicKey::parse(text),
                Err(PkiError::UnrecognizedKeyEncoding),
                "{text}"
            );
        }
        for text in [
            "ssh-rsa",
            "ssh-rsa !!!",
            "ssh-rsa AAAA",
            "-----BEGIN PUBLIC KEY-----\nxx",
        ] {
            assert!(
                matches!(
                    SshPublicKey::parse(text),
                    Err(PkiError::MalformedPublicKey(_))
                ),
                "{text}"
            );
        }
        // A 1024-bit key.
        let short = SshPublicKey {
            modulus: [0xC1; 128].to_vec(),
            exponent: vec![1, 0, 1],
        };
        let line = short.to_ssh();
        assert_eq!(
            SshPublicKey::parse(&line),
            Err(PkiError::PublicKeySize(1024))
        );
    }

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0x80, 0]), 16);
    }
}

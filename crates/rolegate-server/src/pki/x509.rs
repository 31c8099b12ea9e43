//! X.509 certificates in PEM, as IAM checks them for signing and server certificates: parsed
//! (RFC 5280, through RustCrypto's `x509-cert`), valid at the time of the request, signed as a
//! chain claims (each certificate by the next one, the body by the chain's first), and matched
//! against an unencrypted RSA or EC private key. Signatures and keys go through aws-lc-rs.

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rsa::KeyPair as RsaKeyPair;
use aws_lc_rs::signature::{self, EcdsaKeyPair, EcdsaSigningAlgorithm, KeyPair as _};
use subtle::ConstantTimeEq as _;
use time::OffsetDateTime;
use x509_cert::Certificate as X509;
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::oid::db::rfc5912::{
    ECDSA_WITH_SHA_256, ECDSA_WITH_SHA_384, ECDSA_WITH_SHA_512, ID_EC_PUBLIC_KEY, RSA_ENCRYPTION,
    SECP_256_R_1, SECP_384_R_1, SHA_1_WITH_RSA_ENCRYPTION, SHA_256_WITH_RSA_ENCRYPTION,
    SHA_384_WITH_RSA_ENCRYPTION, SHA_512_WITH_RSA_ENCRYPTION,
};
use x509_cert::der::{DecodePem as _, Encode as _, pem};
use zeroize::Zeroizing;

use super::PkiError;

/// The public key of a certificate, as the signature and key-pair checks need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    EcP256,
    EcP384,
    Other,
}

/// A parsed certificate.
#[derive(Debug, Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Vec<u8>,
    signature_algorithm: ObjectIdentifier,
    signature: Vec<u8>,
    key: KeyKind,
    /// The subjectPublicKey bits: an `RSAPublicKey` for RSA, the point for EC.
    public_key: Vec<u8>,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

impl Certificate {
    /// Exactly one PEM certificate.
    pub fn parse(text: &str) -> Result<Self, PkiError> {
        let parsed =
            X509::from_pem(text.trim().as_bytes()).map_err(|_| PkiError::UnparseableCertificate)?;
        Self::from_x509(&parsed)
    }

    /// One or more PEM certificates, in order.
    pub fn parse_chain(text: &str) -> Result<Vec<Self>, PkiError> {
        let chain = X509::load_pem_chain(text.trim().as_bytes())
            .map_err(|_| PkiError::UnparseableCertificate)?;
        if chain.is_empty() {
            return Err(PkiError::UnparseableCertificate);
        }
        chain.iter().map(Self::from_x509).collect()
    }

    fn from_x509(parsed: &X509) -> Result<Self, PkiError> {
        let unparseable = |_| PkiError::UnparseableCertificate;
        let tbs = parsed.tbs_certificate();
        let spki = tbs.subject_public_key_info();
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        let key = match (spki.algorithm.oid, curve) {
            (RSA_ENCRYPTION, _) => KeyKind::Rsa,
            (ID_EC_PUBLIC_KEY, Some(SECP_256_R_1)) => KeyKind::EcP256,
            (ID_EC_PUBLIC_KEY, Some(SECP_384_R_1)) => KeyKind::EcP384,
            _ => KeyKind::Other,
        };
        let validity = tbs.validity();
        Ok(Self {
            der: parsed.to_der().map_err(unparseable)?,
            tbs: tbs.to_der().map_err(unparseable)?,
            signature_algorithm: parsed.signature_algorithm().oid,
            signature: parsed.signature().raw_bytes().to_vec(),
            key,
            public_key: spki.subject_public_key.raw_bytes().to_vec(),
            not_before: unix_time(validity.not_before.to_unix_duration())?,
            not_after: unix_time(validity.not_after.to_unix_duration())?,
        })
    }

    /// NotAfter.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// The SHA-256 of the certificate's DER, in hex: the same certificate, however its PEM is
    /// laid out.
    pub fn fingerprint(&self) -> String {
        digest(&SHA256, &self.der)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// NotBefore ≤ `now` ≤ NotAfter.
    pub fn check_current(&self, now: OffsetDateTime) -> Result<(), PkiError> {
        if self.not_before <= now && now <= self.not_after {
            Ok(())
        } else {
            Err(PkiError::CertificateNotCurrent)
        }
    }

    /// An RSA or ECDSA P-256/P-384 public key that aws-lc-rs accepts.
    pub fn check_public_key(&self) -> Result<(), PkiError> {
        let usable = match self.key {
            KeyKind::Rsa => aws_lc_rs::rsa::PublicKey::from_der(&self.public_key).is_ok(),
            KeyKind::EcP256 | KeyKind::EcP384 => self.public_key.first() == Some(&0x04),
            KeyKind::Other => false,
        };
        if usable {
            Ok(())
        } else {
            Err(PkiError::UnsupportedCertificateKey)
        }
    }

    /// Whether `issuer`'s key made this certificate's signature.
    pub fn is_signed_by(&self, issuer: &Certificate) -> bool {
        let algorithm: &'static dyn signature::VerificationAlgorithm =
            match (self.signature_algorithm, issuer.key) {
                (SHA_256_WITH_RSA_ENCRYPTION, KeyKind::Rsa) => {
                    &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
                }
                (SHA_384_WITH_RSA_ENCRYPTION, KeyKind::Rsa) => {
                    &signature::RSA_PKCS1_2048_8192_SHA384
                }
                (SHA_512_WITH_RSA_ENCRYPTION, KeyKind::Rsa) => {
                    &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
                }
                (SHA_1_WITH_RSA_ENCRYPTION, KeyKind::Rsa) => {
                    &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
                }
                (ECDSA_WITH_SHA_256, KeyKind::EcP256) => &signature::ECDSA_P256_SHA256_ASN1,
                (ECDSA_WITH_SHA_384, KeyKind::EcP256) => &signature::ECDSA_P256_SHA384_ASN1,
                (ECDSA_WITH_SHA_512, KeyKind::EcP256) => &signature::ECDSA_P256_SHA512_ASN1,
                (ECDSA_WITH_SHA_256, KeyKind::EcP384) => &signature::ECDSA_P384_SHA256_ASN1,
                (ECDSA_WITH_SHA_384, KeyKind::EcP384) => &signature::ECDSA_P384_SHA384_ASN1,
                (ECDSA_WITH_SHA_512, KeyKind::EcP384) => &signature::ECDSA_P384_SHA512_ASN1,
                _ => return false,
            };
        signature::UnparsedPublicKey::new(algorithm, &issuer.public_key)
            .verify(&self.tbs, &self.signature)
            .is_ok()
    }

    /// The chain as IAM requires it: the body signed by the chain's first certificate, and
    /// each chain certificate by the one after it.
    pub fn check_chain(&self, chain: &[Certificate]) -> Result<(), PkiError> {
        let Some(first) = chain.first() else {
            return Ok(());
        };
        if !self.is_signed_by(first) {
            return Err(PkiError::InvalidChain(-1));
        }
        for (index, pair) in chain.windows(2).enumerate() {
            if let [child, parent] = pair
                && !child.is_signed_by(parent)
            {
                return Err(PkiError::InvalidChain(
                    i64::try_from(index).unwrap_or(i64::MAX),
                ));
            }
        }
        Ok(())
    }

    /// That `private_key` (PEM: `RSA PRIVATE KEY`, `EC PRIVATE KEY` or an unencrypted PKCS #8
    /// `PRIVATE KEY`) is the key of this certificate.
    pub fn check_private_key(&self, private_key: &str) -> Result<(), PkiError> {
        let (label, der) = pem::decode_vec(private_key.trim().as_bytes())
            .map_err(|_| PkiError::UnparseablePrivateKey)?;
        let der = Zeroizing::new(der);
        let public = match label {
            "RSA PRIVATE KEY" => rsa_public(RsaKeyPair::from_der(&der).ok())?,
            "EC PRIVATE KEY" => ec_public(&der, EcdsaKeyPair::from_private_key_der)?,
            "PRIVATE KEY" => match RsaKeyPair::from_pkcs8(&der) {
                Ok(pair) => rsa_public(Some(pair))?,
                Err(_) => ec_public(&der, EcdsaKeyPair::from_pkcs8)?,
            },
            _ => return Err(PkiError::UnparseablePrivateKey),
        };
        if bool::from(public.as_slice().ct_eq(self.public_key.as_slice())) {
            Ok(())
        } else {
            Err(PkiError::KeyPairMismatch)
        }
    }
}

fn rsa_public(pair: Option<RsaKeyPair>) -> Result<Vec<u8>, PkiError> {
    pair.map(|p| p.public_key().as_ref().to_vec())
        .ok_or(PkiError::UnparseablePrivateKey)
}

/// The public point of an EC key on P-256 or P-384.
fn ec_public<E>(
    der: &[u8],
    parse: fn(&'static EcdsaSigningAlgorithm, &[u8]) -> Result<EcdsaKeyPair, E>,
) -> Result<Vec<u8>, PkiError> {
    [
        &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
    ]
    .into_iter()
    .find_map(|algorithm| parse(algorithm, der).ok())
    .map(|pair| pair.public_key().as_ref().to_vec())
    .ok_or(PkiError::UnparseablePrivateKey)
}

fn unix_time(since_epoch: std::time::Duration) -> Result<OffsetDateTime, PkiError> {
    i64::try_from(since_epoch.as_secs())
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .ok_or(PkiError::UnparseableCertificate)
}

#[cfg(test)]
mod tests {
    //! `testdata/` holds throwaway test material made with `openssl`: a CA, a leaf it signed
    //! (with its PKCS #8 key) and a self-signed P-256 certificate (with its SEC 1 key), valid
    //! for a hundred years from 2026.

    use super::*;

    const CA: &str = include_str!("testdata/ca.pem");
    const LEAF: &str = include_str!("testdata/leaf.pem");
    const LEAF_KEY: &str = include_str!("testdata/leaf.key");
    const EC: &str = include_str!("testdata/ec.pem");
    const EC_KEY: &str = include_str!("testdata/ec.key");

    fn at(year: i32) -> OffsetDateTime {
        time::Date::from_calendar_date(year, time::Month::June, 1)
            .unwrap()
            .midnight()
            .assume_utc()
    }

    #[test]
    fn reads_certificates_and_their_validity() {
        let leaf = Certificate::parse(LEAF).unwrap();
        assert!(leaf.not_after().year() > 2100);
        assert_eq!(leaf.check_current(at(2030)), Ok(()));
        assert_eq!(
            leaf.check_current(at(2200)),
            Err(PkiError::CertificateNotCurrent)
        );
        assert_eq!(
            leaf.check_current(at(2000)),
            Err(PkiError::CertificateNotCurrent)
        );
        assert_eq!(leaf.check_public_key(), Ok(()));
        assert_eq!(Certificate::parse(EC).unwrap().check_public_key(), Ok(()));
        assert_eq!(leaf.fingerprint().len(), 64);
        let reflowed = LEAF.replace('\n', "\r\n");
        assert_eq!(
            Certificate::parse(&reflowed).unwrap().fingerprint(),
            leaf.fingerprint()
        );
        let truncated = LEAF.get(..LEAF.len() / 2).unwrap_or_default();
        for bad in ["", "hello", LEAF_KEY, truncated] {
            assert_eq!(
                Certificate::parse(bad).map(|_| ()),
                Err(PkiError::UnparseableCertificate)
            );
        }
    }

    #[test]
    fn checks_chains() {
        let ca = Certificate::parse(CA).unwrap();
        let leaf = Certificate::parse(LEAF).unwrap();
        let ec = Certificate::parse(EC).unwrap();
        assert!(leaf.is_signed_by(&ca));
        assert!(ca.is_signed_by(&ca));
        assert!(ec.is_signed_by(&ec));
        assert!(!leaf.is_signed_by(&ec));
        assert_eq!(leaf.check_chain(&[]), Ok(()));
        assert_eq!(leaf.check_chain(std::slice::from_ref(&ca)), Ok(()));
        assert_eq!(leaf.check_chain(&[ca.clone(), ca.clone()]), Ok(()));
        assert_eq!(
            leaf.check_chain(std::slice::from_ref(&ec)),
            Err(PkiError::InvalidChain(-1))
        );
        assert_eq!(
            leaf.check_chain(&[ca.clone(), ec.clone()]),
            Err(PkiError::InvalidChain(0))
        );
        let both = format!("{CA}{EC}");
        assert_eq!(Certificate::parse_chain(&both).unwrap().len(), 2);
        assert!(Certificate::parse_chain("junk").is_err());
    }

    #[test]
    fn matches_private_keys() {
        let leaf = Certificate::parse(LEAF).unwrap();
        let ec = Certificate::parse(EC).unwrap();
        assert_eq!(leaf.check_private_key(LEAF_KEY), Ok(()));
        assert_eq!(ec.check_private_key(EC_KEY), Ok(()));
        assert_eq!(
            leaf.check_private_key(EC_KEY),
            Err(PkiError::KeyPairMismatch)
        );
        assert_eq!(
            ec.check_private_key(LEAF_KEY),
            Err(PkiError::KeyPairMismatch)
        );
        assert_eq!(
            leaf.check_private_key(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
            ),
            Err(PkiError::UnparseablePrivateKey)
        );
        assert_eq!(
            leaf.check_private_key(LEAF),
            Err(PkiError::UnparseablePrivateKey)
        );
    }
}

//! Public keys and certificates as IAM reads them: SSH public keys (`ssh-rsa` lines and PEM) and
//! X.509 certificates, chains and private keys in PEM. Reading is a stage of its own: what comes
//! out is a typed key or certificate, checked (key size, validity period, signatures, key pair),
//! and every refusal is a [`PkiError`] that the error table turns into IAM's code and text.

pub mod ssh;
pub mod x509;

/// Why a key or certificate was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PkiError {
    /// Neither an `ssh-rsa` line nor an RSA public key in PEM (ed25519, ECDSA, DSA keys too).
    #[error("unsupported or unrecognized public key encoding")]
    UnrecognizedKeyEncoding,
    /// An `ssh-rsa` or PEM key that does not decode, or is not a usable RSA key.
    #[error("malformed public key: {0}")]
    MalformedPublicKey(&'static str),
    /// An RSA key outside 2048..=16384 bits.
    #[error("public key of {0} bits")]
    PublicKeySize(usize),
    /// Not one PEM certificate.
    #[error("certificate is not PEM")]
    UnparseableCertificate,
    /// Not yet valid, or expired.
    #[error("certificate outside its validity period")]
    CertificateNotCurrent,
    /// A certificate whose public key is neither RSA nor ECDSA P-256/P-384.
    #[error("unsupported certificate public key")]
    UnsupportedCertificateKey,
    /// Not an unencrypted RSA or EC private key in PEM.
    #[error("private key is not PEM")]
    UnparseablePrivateKey,
    /// The private key is not the certificate's.
    #[error("private key does not match the certificate")]
    KeyPairMismatch,
    /// The chain does not verify; `-1` when its first certificate did not sign the body, else
    /// the index of the chain certificate that its successor did not sign.
    #[error("certificate chain does not verify at {0}")]
    InvalidChain(i64),
}

//! TLS termination: the server's rustls configuration from PEM files.

use std::sync::Arc;

use anyhow::Context;
use rustls::{
    crypto::ring,
    pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    version::{TLS12, TLS13},
    ServerConfig, SupportedProtocolVersion,
};

use crate::config::TlsFiles;

/// TLS 1.3 first, TLS 1.2 for older clients; rustls has no TLS 1.0/1.1 at all,
/// and its cipher suites are AEAD with forward secrecy only.
pub const PROTOCOL_VERSIONS: &[&SupportedProtocolVersion] = &[&TLS13, &TLS12];

/// Reads the certificate chain and key, and checks that they belong together.
pub fn server_config(files: &TlsFiles) -> anyhow::Result<ServerConfig> {
    let cert_file = files.cert_file.display();
    let certificates = CertificateDer::pem_file_iter(&files.cert_file)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .with_context(|| format!("cannot read the certificates in {cert_file}"))?;
    if certificates.is_empty() {
        anyhow::bail!("{cert_file} holds no PEM CERTIFICATE section");
    }
    let key = PrivateKeyDer::from_pem_file(&files.key_file).with_context(|| {
        format!(
            "cannot read the private key in {}",
            files.key_file.display()
        )
    })?;
    ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_protocol_versions(PROTOCOL_VERSIONS)
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(certificates, key)
        .with_context(|| {
            format!(
                "the key in {} does not suit the certificate in {cert_file}",
                files.key_file.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &std::path::Path) -> TlsFiles {
        TlsFiles {
            cert_file: dir.join("cert.pem"),
            key_file: dir.join("key.pem"),
        }
    }

    #[test]
    fn a_matching_pair_loads_and_offers_only_tls_1_2_and_1_3() {
        let dir = tempfile::tempdir().unwrap();
        let certified = rcgen::generate_simple_self_signed(["localhost".to_owned()]).unwrap();
        std::fs::write(dir.path().join("cert.pem"), certified.cert.pem()).unwrap();
        std::fs::write(
            dir.path().join("key.pem"),
            certified.key_pair.serialize_pem(),
        )
        .unwrap();
        server_config(&files(dir.path())).expect("loads");
        let versions: Vec<_> = PROTOCOL_VERSIONS.iter().map(|v| v.version).collect();
        assert_eq!(
            versions,
            [
                rustls::ProtocolVersion::TLSv1_3,
                rustls::ProtocolVersion::TLSv1_2
            ]
        );
    }

    #[test]
    fn missing_garbled_and_mismatched_files_are_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = format!("{:#}", server_config(&files(dir.path())).unwrap_err());
        assert!(error.contains("cert.pem"), "{error}");

        std::fs::write(dir.path().join("cert.pem"), "not a certificate").unwrap();
        let error = format!("{:#}", server_config(&files(dir.path())).unwrap_err());
        assert!(error.contains("holds no PEM CERTIFICATE"), "{error}");

        let one = rcgen::generate_simple_self_signed(["localhost".to_owned()]).unwrap();
        let other = rcgen::KeyPair::generate().unwrap();
        std::fs::write(dir.path().join("cert.pem"), one.cert.pem()).unwrap();
        std::fs::write(dir.path().join("key.pem"), other.serialize_pem()).unwrap();
        let error = format!("{:#}", server_config(&files(dir.path())).unwrap_err());
        assert!(error.contains("does not suit"), "{error}");
    }
}

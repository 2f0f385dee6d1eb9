//! Secrets sealed at rest with the key-encryption key (KEK): the signing keys'
//! private halves and the TOTP secrets. Here: finding the KEK at start-up,
//! sealing rows still in clear (the "migration" SQL cannot do), refusing to run
//! with the wrong key, and moving every row to a new key (`portcullis keys rewrap`).
//!
//! The SMS webhook credential (`PORTCULLIS_SMS_WEBHOOK_TOKEN`) lives in the
//! configuration, not in storage: it may be given sealed with the same key
//! (`portcullis keys seal`), so no file or environment dump holds it in clear
//! ([`open_setting`]).

use std::{io::Write, path::Path};

use anyhow::Context;

use crate::{
    config::{Config, Environment, KekSetting},
    db::{
        security_streams as stream_rows, tokens as token_rows, two_factor as factor_rows,
        DbConnection,
    },
    domain::{
        kek::{sealed_by, OpenError, SEALED_PREFIX},
        Kek, SealedAt,
    },
    error::{ApiError, ApiResult},
};

/// Where development keeps the key it generated (next to the default SQLite file).
pub const DEVELOPMENT_KEK_FILE: &str = "data/portcullis.kek";

/// The settings that may be given sealed (`pcs1.…`, from `portcullis keys seal`).
pub const SEALABLE_SETTINGS: [&str; 1] = ["PORTCULLIS_SMS_WEBHOOK_TOKEN"];

/// The place of a sealed setting: the setting's name is its associated data,
/// so a sealed value given to another setting does not open.
pub fn setting_at(name: &str) -> SealedAt<'_> {
    SealedAt {
        table: "settings",
        column: "value",
        row: name,
    }
}

/// The value of the setting `name`: opened with `kek` when it was given
/// sealed, as it is otherwise.
pub fn open_setting(
    kek: &Kek,
    name: &str,
    value: &str,
) -> anyhow::Result<zeroize::Zeroizing<String>> {
    if value.starts_with(SEALED_PREFIX) {
        open_text(kek, &setting_at(name), value.trim())
            .with_context(|| format!("{name} is sealed, but not with this key-encryption key"))
    } else {
        Ok(zeroize::Zeroizing::new(value.to_owned()))
    }
}

/// The place of a signing key's private half.
pub fn signing_key_at(kid: &str) -> SealedAt<'_> {
    SealedAt {
        table: "signing_keys",
        column: "private_key",
        row: kid,
    }
}

/// The place of a TOTP factor's secret.
pub fn totp_secret_at(factor_id: &str) -> SealedAt<'_> {
    SealedAt {
        table: "second_factors",
        column: "totp_secret",
        row: factor_id,
    }
}

/// The place of a security-log stream's signing secret.
pub fn stream_secret_at(stream_id: &str) -> SealedAt<'_> {
    SealedAt {
        table: "security_streams",
        column: "secret",
        row: stream_id,
    }
}

/// Opens a stored value as text. A value that does not open is an error the
/// caller turns into a 500 (logged with the place): never used, never guessed around.
pub fn open_text(
    kek: &Kek,
    at: &SealedAt<'_>,
    stored: &str,
) -> anyhow::Result<zeroize::Zeroizing<String>> {
    let plain = kek
        .open(at, stored)
        .map_err(|e| anyhow::anyhow!("the secret in {at} does not open: {e}"))?;
    String::from_utf8(plain.to_vec())
        .map(zeroize::Zeroizing::new)
        .map_err(|_| anyhow::anyhow!("the secret in {at} is not text"))
}

/// The configured key; in development without one, the key in
/// [`DEVELOPMENT_KEK_FILE`], generated (0600) the first time.
pub fn load_kek(config: &Config) -> anyhow::Result<Kek> {
    match &config.kek {
        Some(KekSetting::Value(kek)) => Ok(kek.clone()),
        Some(KekSetting::File(path)) => read_kek_file(path),
        None if config.environment == Environment::Production => anyhow::bail!(
            "production needs a key-encryption key (PORTCULLIS_KEK_FILE or PORTCULLIS_KEK)"
        ),
        None => development_kek(Path::new(DEVELOPMENT_KEK_FILE)),
    }
}

/// Reads a key file (64 hex digits or base64 of 32 bytes).
pub fn read_kek_file(path: &Path) -> anyhow::Result<Kek> {
    let text =
        zeroize::Zeroizing::new(std::fs::read_to_string(path).with_context(|| {
            format!("cannot read the key-encryption key file {}", path.display())
        })?);
    Kek::parse(&text).with_context(|| format!("in {}", path.display()))
}

fn development_kek(path: &Path) -> anyhow::Result<Kek> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            let kek = Kek::generate();
            file.write_all(kek.to_hex().as_bytes())
                .and_then(|()| file.write_all(b"\n"))
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            tracing::warn!(
                file = %path.display(),
                kek_id = kek.id(),
                "development: generated a key-encryption key (set PORTCULLIS_KEK_FILE in production)"
            );
            Ok(kek)
        }
        // Another process got there first, or an earlier run did.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let kek = read_kek_file(path)?;
            tracing::info!(file = %path.display(), kek_id = kek.id(), "development: using the generated key-encryption key");
            Ok(kek)
        }
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// What start-up found and did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sealing {
    /// Rows that were in clear and are now sealed.
    pub sealed: usize,
}

/// Run in one transaction at start-up: seals the rows still in clear, then
/// refuses (an error naming both key ids) if any row was sealed by another key.
/// Idempotent, and safe when two processes start at once: each row is replaced
/// only if it still holds the clear value that was read.
pub fn seal_at_start(conn: &mut DbConnection, kek: &Kek) -> ApiResult<Sealing> {
    let mut sealed = 0;
    for row in token_rows::list_signing_keys(conn)? {
        if !row.private_key.starts_with(SEALED_PREFIX) {
            let value = kek.seal(&signing_key_at(&row.kid), row.private_key.as_bytes());
            sealed += usize::from(token_rows::replace_private_key(
                conn,
                &row.kid,
                &row.private_key,
                &value,
            )?);
        } else {
            refuse_other_key(kek, &signing_key_at(&row.kid), &row.private_key)?;
        }
    }
    for (id, clear) in factor_rows::totp_secrets_without_prefix(conn, SEALED_PREFIX)? {
        let value = kek.seal(&totp_secret_at(&id), clear.as_bytes());
        sealed += usize::from(factor_rows::replace_totp_secret(conn, &id, &clear, &value)?);
    }
    let mine = format!("{SEALED_PREFIX}{}.", kek.id());
    if let Some((id, stored)) = factor_rows::totp_secrets_without_prefix(conn, &mine)?
        .into_iter()
        .next()
    {
        refuse_other_key(kek, &totp_secret_at(&id), &stored)?;
    }
    Ok(Sealing { sealed })
}

fn refuse_other_key(kek: &Kek, at: &SealedAt<'_>, stored: &str) -> ApiResult<()> {
    match sealed_by(stored) {
        Some(id) if id == kek.id() => Ok(()),
        Some(id) => Err(ApiError::internal(anyhow::anyhow!(
            "the stored secrets were sealed with key-encryption key {id}, but the configured key is {}: \
             start with the key they were sealed with (see `portcullis keys rewrap` to change keys)",
            kek.id()
        ))),
        None => Err(ApiError::internal(anyhow::anyhow!(
            "the secret in {at} is damaged: it is neither in clear nor sealed"
        ))),
    }
}

/// Re-seals every secret from `from` to `to`, in the caller's transaction.
/// Rows already sealed by `to` are left as they are (a rewrap that was
/// interrupted before its commit did nothing; one run twice does nothing more);
/// rows still in clear are sealed by `to`. Answers how many rows it changed.
pub fn rewrap(conn: &mut DbConnection, from: &Kek, to: &Kek) -> ApiResult<usize> {
    let reseal = |at: &SealedAt<'_>, stored: &str| -> ApiResult<Option<String>> {
        if sealed_by(stored) == Some(to.id()) {
            return Ok(None);
        }
        let plain = match from.open(at, stored) {
            Ok(plain) => plain,
            Err(OpenError::NotSealed) => zeroize::Zeroizing::new(stored.as_bytes().to_vec()),
            Err(e) => {
                return Err(ApiError::internal(anyhow::anyhow!(
                    "the secret in {at} does not open with the current key {}: {e}",
                    from.id()
                )))
            }
        };
        Ok(Some(to.seal(at, &plain)))
    };
    let mut changed = 0;
    for row in token_rows::list_signing_keys(conn)? {
        if let Some(value) = reseal(&signing_key_at(&row.kid), &row.private_key)? {
            changed += usize::from(token_rows::replace_private_key(
                conn,
                &row.kid,
                &row.private_key,
                &value,
            )?);
        }
    }
    for (id, stored) in factor_rows::totp_secrets_without_prefix(conn, "")? {
        if let Some(value) = reseal(&totp_secret_at(&id), &stored)? {
            changed += usize::from(factor_rows::replace_totp_secret(
                conn, &id, &stored, &value,
            )?);
        }
    }
    for (id, stored) in stream_rows::secrets(conn)? {
        if let Some(value) = reseal(&stream_secret_at(&id), &stored)? {
            changed += usize::from(stream_rows::replace_secret(
                conn, &id, &stored, &value, None,
            )?);
        }
    }
    Ok(changed)
}

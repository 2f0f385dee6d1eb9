//! Passkeys as the portal shows them.

use portcullis_shared::dto::{PasskeyAddedDto, PasskeyCeremonyDto, PasskeyDto, PasskeyListDto};

use crate::services::{
    passkeys::{CeremonyStarted, PasskeyAdded, PasskeyList, PasskeyView},
    rfc3339,
};

impl From<PasskeyView> for PasskeyDto {
    fn from(passkey: PasskeyView) -> Self {
        Self {
            id: passkey.id,
            name: passkey.name,
            created_at: rfc3339(passkey.created_at),
            last_used_at: passkey.last_used_at.map(rfc3339),
        }
    }
}

impl From<PasskeyList> for PasskeyListDto {
    fn from(list: PasskeyList) -> Self {
        Self {
            available: list.available,
            passkeys: list.passkeys.into_iter().map(PasskeyDto::from).collect(),
            phishing_resistant_required: list.phishing_resistant_required,
        }
    }
}

impl From<PasskeyAdded> for PasskeyAddedDto {
    fn from(added: PasskeyAdded) -> Self {
        Self {
            passkey: added.passkey.into(),
            recovery_codes: added.recovery_codes,
        }
    }
}

impl From<CeremonyStarted> for PasskeyCeremonyDto {
    fn from(started: CeremonyStarted) -> Self {
        Self {
            ceremony_id: started.ceremony_id,
            options: started.options,
            expires_at: rfc3339(started.expires_at),
        }
    }
}

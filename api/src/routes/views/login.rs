//! A held sign-in as the client sees it.

use portcullis_shared::dto::LoginChallengeDto;

use crate::services::{rfc3339, sessions::login::LoginChallenge};

impl From<LoginChallenge> for LoginChallengeDto {
    fn from(challenge: LoginChallenge) -> Self {
        Self {
            challenge_id: challenge.challenge_id,
            reason: challenge.reason,
            methods: challenge.methods,
            sent_to: challenge.sent_to,
            sent_by: challenge.sent_by,
            expires_at: rfc3339(challenge.expires_at),
        }
    }
}

//! Trusted devices as the portal shows them.

use portcullis_shared::dto::TrustedDeviceDto;

use crate::services::{rfc3339, sessions::devices::TrustedDevice};

impl From<TrustedDevice> for TrustedDeviceDto {
    fn from(device: TrustedDevice) -> Self {
        Self {
            id: device.id,
            user_agent: device.user_agent,
            created_at: rfc3339(device.created_at),
            last_seen_at: rfc3339(device.last_seen_at),
            last_ip: device.last_ip,
            current: device.current,
        }
    }
}

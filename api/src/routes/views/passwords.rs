//! The password rotation policy as the portal shows it.

use portcullis_shared::dto::PasswordPolicyDto;

use crate::services::{passwords::change::PasswordPolicy, rfc3339};

impl From<PasswordPolicy> for PasswordPolicyDto {
    fn from(policy: PasswordPolicy) -> Self {
        Self {
            rotation_required: policy.rotation_required,
            rotation_days: policy.rotation_days,
            password_changed_at: rfc3339(policy.password_changed_at),
            change_due_at: policy.change_due_at.map(rfc3339),
        }
    }
}

//! Subusers as the owner sees them in the portal.

use portcullis_shared::dto::{SendingWindowDto, SubuserDto, SubuserGrantsDto};

use crate::services::{
    rfc3339,
    subusers::{hhmm, SendingWindow, Subuser, SubuserAccess},
};

impl From<&SendingWindow> for SendingWindowDto {
    fn from(window: &SendingWindow) -> Self {
        Self {
            days: window.days.clone(),
            start: hhmm(window.start),
            end: hhmm(window.end),
            time_zone: window.time_zone.name().to_owned(),
        }
    }
}

impl From<SubuserAccess> for SubuserGrantsDto {
    fn from(access: SubuserAccess) -> Self {
        Self {
            sending_window: access.window.as_ref().map(SendingWindowDto::from),
            portal: access.portal,
            scopes: access.scopes,
            senders: access.sender_names,
            contact_groups: access.group_ids,
            monthly_points_limit: access.monthly_points_limit,
        }
    }
}

impl From<Subuser> for SubuserDto {
    fn from(subuser: Subuser) -> Self {
        Self {
            id: subuser.id,
            email: subuser.email,
            phone: subuser.phone,
            status: subuser.status,
            grants: subuser.access.into(),
            points_used_this_month: subuser.points_used_this_month,
            two_factor_enabled: subuser.two_factor_enabled,
            last_login_at: subuser.last_login_at.map(rfc3339),
            created_at: rfc3339(subuser.created_at),
        }
    }
}

//! Sender names as the API shows them.

use portcullis_shared::dto::{SenderDto, SenderStatus};

use crate::services::{
    rfc3339,
    senders::{Review, Sender},
};

impl From<Sender> for SenderDto {
    fn from(sender: Sender) -> Self {
        Self {
            id: sender.id,
            name: sender.name,
            status: match sender.review {
                Review::Pending => SenderStatus::Pending,
                Review::Approved => SenderStatus::Approved,
                Review::Rejected => SenderStatus::Rejected,
            },
            created_at: rfc3339(sender.created_at),
        }
    }
}

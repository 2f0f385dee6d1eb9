//! Messages as the SMS API shows them.

use portcullis_shared::dto::{
    MessageDto, SendSmsBatchRequest, SendSmsRequest, SmsBatchCountsDto, SmsBatchDto,
    SmsBatchPageDto, SmsBatchRecipientDto,
};

use crate::services::{
    rfc3339,
    sms::{
        batches::{Batch, BatchPage, NewBatch},
        messages::{Message, NewMessage},
    },
};

impl From<SendSmsRequest> for NewMessage {
    fn from(request: SendSmsRequest) -> Self {
        let SendSmsRequest { to, text, sender } = request;
        Self { to, text, sender }
    }
}

impl From<Message> for MessageDto {
    fn from(message: Message) -> Self {
        Self {
            id: message.id,
            to: message.to,
            country: message.country,
            sender: message.sender,
            text: message.text,
            encoding: message.encoding,
            parts: message.parts,
            points: message.points,
            status: message.status,
            created_at: rfc3339(message.created_at),
            sent_at: message.sent_at.map(rfc3339),
        }
    }
}

impl From<SendSmsBatchRequest> for NewBatch {
    fn from(request: SendSmsBatchRequest) -> Self {
        let SendSmsBatchRequest {
            to,
            group_id,
            text,
            sender,
        } = request;
        Self {
            to,
            group_id,
            text,
            sender,
        }
    }
}

impl From<Batch> for SmsBatchDto {
    fn from(batch: Batch) -> Self {
        Self {
            id: batch.id,
            group_id: batch.group_id,
            sender: batch.sender,
            text: batch.text,
            encoding: batch.encoding,
            parts: batch.parts,
            recipients: batch.recipients,
            points: batch.points,
            counts: SmsBatchCountsDto {
                queued: batch.counts.queued,
                sent: batch.counts.sent,
                failed: batch.counts.failed,
            },
            created_at: rfc3339(batch.created_at),
        }
    }
}

impl From<BatchPage> for SmsBatchPageDto {
    fn from(page: BatchPage) -> Self {
        Self {
            batch: page.batch.into(),
            recipients: page
                .recipients
                .into_iter()
                .map(|r| SmsBatchRecipientDto {
                    index: r.index,
                    to: r.to,
                    country: r.country,
                    message_id: r.message_id,
                    status: r.status,
                    sent_at: r.sent_at.map(rfc3339),
                })
                .collect(),
            next_after: page.next_after,
        }
    }
}

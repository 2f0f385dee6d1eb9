//! Messages as the SMS API shows them.

use portcullis_shared::dto::{MessageDto, SendSmsRequest};

use crate::services::{
    rfc3339,
    sms::messages::{Message, NewMessage},
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

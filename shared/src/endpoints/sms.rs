//! Text messages, the country filter and sender names.

use serde::{Deserialize, Serialize};

use super::{Endpoint, Method};
use crate::dto::{
    CountryFilterDto, MessageDto, RequestSenderRequest, SendSmsBatchRequest, SendSmsRequest,
    SenderDto, SmsBatchDto, SmsBatchPageDto,
};
use crate::routes::{COUNTRY_FILTER, SENDER, SENDERS, SMS, SMS_BATCH, SMS_BATCHES, SMS_MESSAGE};

/// Sends a text message (`201`; `200` for a retry with the same `Idempotency-Key`).
#[derive(Debug, Clone, Copy)]
pub struct SendSms;

impl Endpoint for SendSms {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SMS;
    type Path = ();
    type Request = SendSmsRequest;
    type Response = MessageDto;
}

/// Messages sent, newest first.
#[derive(Debug, Clone, Copy)]
pub struct ListSms;

impl Endpoint for ListSms {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SMS;
    type Path = ();
    type Request = ListSmsQuery;
    type Response = Vec<MessageDto>;
}

/// One message.
#[derive(Debug, Clone, Copy)]
pub struct GetSms;

impl Endpoint for GetSms {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SMS_MESSAGE;
    type Path = str;
    type Request = ();
    type Response = MessageDto;
}

/// Sends one text to many recipients (`201`; `200` for a retry with the same
/// `Idempotency-Key`).
#[derive(Debug, Clone, Copy)]
pub struct SendSmsBatch;

impl Endpoint for SendSmsBatch {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SMS_BATCHES;
    type Path = ();
    type Request = SendSmsBatchRequest;
    type Response = SmsBatchDto;
}

/// Bulk sends, newest first.
#[derive(Debug, Clone, Copy)]
pub struct ListSmsBatches;

impl Endpoint for ListSmsBatches {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SMS_BATCHES;
    type Path = ();
    type Request = ListSmsQuery;
    type Response = Vec<SmsBatchDto>;
}

/// One bulk send with a page of its recipients.
#[derive(Debug, Clone, Copy)]
pub struct GetSmsBatch;

impl Endpoint for GetSmsBatch {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SMS_BATCH;
    type Path = str;
    type Request = SmsBatchQuery;
    type Response = SmsBatchPageDto;
}

/// The destination countries messages may go to.
#[derive(Debug, Clone, Copy)]
pub struct GetCountryFilter;

impl Endpoint for GetCountryFilter {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = COUNTRY_FILTER;
    type Path = ();
    type Request = ();
    type Response = CountryFilterDto;
}

/// Replaces the country filter; answers it as stored.
#[derive(Debug, Clone, Copy)]
pub struct SetCountryFilter;

impl Endpoint for SetCountryFilter {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = COUNTRY_FILTER;
    type Path = ();
    type Request = CountryFilterDto;
    type Response = CountryFilterDto;
}

/// The sender names this login may see.
#[derive(Debug, Clone, Copy)]
pub struct ListSenders;

impl Endpoint for ListSenders {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SENDERS;
    type Path = ();
    type Request = ();
    type Response = Vec<SenderDto>;
}

/// Asks for a sender name (`201`).
#[derive(Debug, Clone, Copy)]
pub struct CreateSender;

impl Endpoint for CreateSender {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SENDERS;
    type Path = ();
    type Request = RequestSenderRequest;
    type Response = SenderDto;
}

/// Deletes a sender name.
#[derive(Debug, Clone, Copy)]
pub struct DeleteSender;

impl Endpoint for DeleteSender {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = SENDER;
    type Path = str;
    type Request = ();
    type Response = ();
}

/// Query of `GET /api/v1/sms`, for clients (the API reads its own copy of the same two
/// parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSmsQuery {
    /// Only messages older than this message id (for the next page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Page size, 1 to 100 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// Query of `GET /api/v1/sms/batches/{id}`, for clients.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsBatchQuery {
    /// Only recipients after this index (the previous page's `next_after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<i64>,
    /// Page size, 1 to 1,000 (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

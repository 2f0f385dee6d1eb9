//! Hands queued messages to the SMS transport, off the request path. A
//! message is claimed before it is sent, so two processes never send it twice;
//! a claim left by a process that died is taken over after a while. Permanent
//! failures are marked failed and their points given back.

use std::{collections::HashMap, time::Duration};

use chrono::Duration as ChronoDuration;

use crate::db::sms::{self as sms_rows, MessageRow};
use crate::services::{
    delivery::{Sms, SmsTransport},
    now, Db,
};

/// Messages claimed per round: a whole 500-recipient half of a bulk batch
/// goes to the transport in one hand-over and is marked sent in one
/// transaction, instead of a transaction per message.
const BATCH: i64 = 500;

/// Sends what is queued now; returns how many messages were handled. Claims
/// older than `stale_claim` (their process died) are taken over: such a
/// message may already have reached the transport, which is why each
/// delivery carries the message's id (the webhook's `Idempotency-Key`).
pub async fn dispatch_once(
    db: &Db,
    transport: &SmsTransport,
    stale_claim: Duration,
) -> crate::error::ApiResult<usize> {
    let at = now();
    let stale_before =
        at - ChronoDuration::from_std(stale_claim).unwrap_or(ChronoDuration::seconds(300));
    let (claimed, mut texts): (Vec<MessageRow>, HashMap<String, String>) = db
        .background_transaction(move |conn| {
            let claimed = sms_rows::claim_for_dispatch(conn, BATCH, at, stale_before)?;
            let ids: Vec<String> = claimed.iter().map(|m| m.id.clone()).collect();
            let texts = sms_rows::texts_to_deliver(conn, &ids)?;
            Ok((claimed, texts.into_iter().collect()))
        })
        .await?;
    let count = claimed.len();
    if count == 0 {
        return Ok(0);
    }
    // Most messages have no text kept apart: only those that did have one to drop.
    let with_texts: Vec<String> = texts.keys().cloned().collect();
    let batch: Vec<Sms> = claimed
        .iter()
        .map(|message| Sms {
            id: Some(message.id.clone()),
            to: message.recipient.clone(),
            // A message whose history shows a redacted body (an SMS
            // Authenticator code) is delivered with the text kept for the transport.
            body: texts
                .remove(&message.id)
                .unwrap_or_else(|| message.body.clone()),
            purpose: "api_message".into(),
        })
        .collect();
    // Nothing handed over (storage trouble): the claims go stale and are
    // taken over later.
    let outcomes = transport.send_many(&batch).await?;
    let mut sent = Vec::with_capacity(count);
    let mut failed = Vec::new();
    for (message, outcome) in claimed.into_iter().zip(outcomes) {
        match outcome {
            Ok(()) => sent.push(message.id),
            Err(error) => {
                tracing::warn!(message_id = %message.id, error = %error, "message could not be delivered; points refunded");
                failed.push((message, error.to_string()));
            }
        }
    }
    db.background_transaction(move |conn| {
        sms_rows::mark_all_sent(conn, &sent, &with_texts, now())?;
        for (message, reason) in &failed {
            sms_rows::mark_failed_and_refund(conn, message, reason)?;
        }
        Ok(())
    })
    .await?;
    Ok(count)
}

/// Runs [`dispatch_once`] every `every`, and again at once while there is more.
pub async fn dispatch_forever(
    db: Db,
    transport: SmsTransport,
    every: Duration,
    stale_claim: Duration,
) {
    loop {
        match dispatch_once(&db, &transport, stale_claim).await {
            Ok(n) if n as i64 >= BATCH => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "message dispatch failed; will retry"),
        }
        tokio::time::sleep(every).await;
    }
}

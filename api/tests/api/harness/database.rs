//! Reading the test server's database directly, to arrange and to assert
//! what the API does not show.

use std::time::Duration;

use diesel::prelude::*;
use portcullis_api::db::{ConnectionOpener, DbConnection};

use super::server::TestApp;

impl TestApp {
    /// A direct connection to the app's database, for arranging and asserting.
    pub fn db(&self) -> DbConnection {
        ConnectionOpener::new(self.database_url.clone())
            .open()
            .expect("open test database")
    }

    /// Sets the account's points balance to `points` (a company that has
    /// spent most of its points).
    pub fn set_points_balance(&self, account_id: &str, points: i64) {
        let sql =
            format!("UPDATE accounts SET points_balance = {points} WHERE id = '{account_id}'");
        let changed = diesel::sql_query(sql)
            .execute(&mut self.db())
            .expect("set the points balance");
        assert_eq!(changed, 1, "no account {account_id}");
    }

    pub fn count(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<Count>(&mut self.db())
            .expect("count rows")
            .n
    }

    /// The text columns of every row of `table`, concatenated, to search for
    /// values that must not be stored.
    pub fn table_text(&self, table: &str, columns: &[&str]) -> String {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            row: String,
        }
        let sql = format!("SELECT {} AS row FROM {table}", columns.join(" || ' ' || "));
        diesel::sql_query(sql)
            .load::<Row>(&mut self.db())
            .expect("dump table")
            .into_iter()
            .map(|r| r.row)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The bodies of the e-mails to `recipient` for `purpose`, newest first,
    /// read from the outbox table (needs no `PORTCULLIS_DEV_OUTBOX`).
    pub fn stored_mails(&self, recipient: &str, purpose: &str) -> Vec<String> {
        use portcullis_api::db::schema::outbox_messages as outbox;
        outbox::table
            .filter(outbox::recipient.eq(recipient))
            .filter(outbox::channel.eq("email"))
            .filter(outbox::purpose.eq(purpose))
            .order((outbox::created_at.desc(), outbox::id.desc()))
            .select(outbox::body)
            .load(&mut self.db())
            .expect("read the outbox")
    }

    /// Waits (up to 10 s) until `count` e-mails to `recipient` for `purpose`
    /// are in the outbox table, for mail sent off the request path; returns
    /// their bodies, newest first.
    pub async fn wait_for_stored_mails(
        &self,
        recipient: &str,
        purpose: &str,
        count: usize,
    ) -> Vec<String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let mails = self.stored_mails(recipient, purpose);
            if mails.len() >= count || std::time::Instant::now() > deadline {
                assert_eq!(mails.len(), count, "{purpose} e-mails to {recipient}");
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The newest development-outbox message to `recipient` (phone in E.164
    /// or e-mail): `(purpose, body)`.
    pub fn last_message_to(&self, recipient: &str) -> Option<(String, String)> {
        use portcullis_api::db::schema::outbox_messages as outbox;
        outbox::table
            .filter(outbox::recipient.eq(recipient))
            .order((outbox::created_at.desc(), outbox::id.desc()))
            .select((outbox::purpose, outbox::body))
            .first(&mut self.db())
            .optional()
            .expect("read the outbox")
    }

    /// The 6-digit code in the newest outbox message to `recipient`.
    pub fn last_code_to(&self, recipient: &str) -> String {
        let (_, body) = self
            .last_message_to(recipient)
            .unwrap_or_else(|| panic!("no message to {recipient} in the outbox"));
        body.split(|c: char| !c.is_ascii_digit())
            .find(|word| word.len() == 6)
            .unwrap_or_else(|| panic!("no code in {body:?}"))
            .to_owned()
    }
}

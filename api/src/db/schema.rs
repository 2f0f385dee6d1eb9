// The tables of migrations/{sqlite,postgres}: identical column types on both backends.

diesel::table! {
    accounts (id) {
        id -> Text,
        email -> Text,
        email_normalized -> Text,
        password_hash -> Text,
        phone -> Nullable<Text>,
        country -> Text,
        points_balance -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        account_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        idle_timeout_secs -> BigInt,
        ip -> Text,
        user_agent -> Text,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
    }
}

diesel::table! {
    outbox_messages (id) {
        id -> Text,
        channel -> Text,
        recipient -> Text,
        subject -> Nullable<Text>,
        body -> Text,
        purpose -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    security_events (id) {
        id -> Text,
        account_id -> Text,
        actor -> Text,
        kind -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(security_events -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(accounts, sessions);
diesel::allow_tables_to_appear_in_same_query!(accounts, security_events);

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
        require_two_factor -> Bool,
        session_idle_timeout_secs -> Nullable<BigInt>,
        password_changed_at -> Nullable<Timestamp>,
        password_rotation_required -> Bool,
        parent_id -> Nullable<Text>,
        disabled_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
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
        public_id -> Text,
        password_change_required -> Bool,
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
        seq -> Nullable<BigInt>,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
    }
}

diesel::table! {
    security_log_heads (account_id) {
        account_id -> Text,
        seq -> BigInt,
        last_hash -> Text,
        pruned_through_seq -> BigInt,
        pruned_hash -> Text,
    }
}

diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(security_events -> accounts (account_id));

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        algorithm -> Text,
        private_key -> Text,
        public_key -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        scopes -> Text,
        hint -> Text,
        ip_allowlist -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        last_used_ip -> Nullable<Text>,
        expiry_warned_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        disabled_by_owner -> Bool,
        allowlist_set_by_owner -> Bool,
        signing_kid -> Nullable<Text>,
    }
}

diesel::table! {
    api_allowlist_entries (id) {
        id -> Text,
        account_id -> Text,
        value -> Text,
        label -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    portal_allowlist_entries (id) {
        id -> Text,
        account_id -> Text,
        value -> Text,
        label -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(portal_allowlist_entries -> accounts (account_id));
diesel::joinable!(api_tokens -> accounts (account_id));
diesel::joinable!(api_allowlist_entries -> accounts (account_id));

diesel::table! {
    oauth_clients (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        secret_hash -> Text,
        scopes -> Text,
        ip_allowlist -> Text,
        token_lifetime_secs -> BigInt,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        disabled_by_owner -> Bool,
        allowlist_set_by_owner -> Bool,
        scopes_set_by_owner -> Bool,
        previous_secret_hash -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oauth_client_uses (client_id) {
        client_id -> Text,
        last_used_at -> Nullable<Timestamp>,
        last_used_ip -> Nullable<Text>,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        account_id -> Text,
        expires_at -> Timestamp,
        revoked_at -> Timestamp,
    }
}

diesel::joinable!(oauth_clients -> accounts (account_id));
diesel::joinable!(revoked_tokens -> accounts (account_id));
diesel::joinable!(oauth_client_uses -> oauth_clients (client_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    sessions,
    signing_keys,
    api_tokens,
    api_allowlist_entries,
    oauth_clients,
    oauth_client_uses,
    revoked_tokens,
    account_countries,
    messages,
    authenticator_codes,
    contact_groups,
    contacts,
    contact_group_members,
    contact_import_rows,
    contact_import_groups,
    sender_names,
    outbox_messages,
    security_events,
    security_log_heads,
    security_streams,
    security_stream_deliveries,
    second_factors,
    recovery_codes,
    verification_codes,
    trusted_devices,
    login_throttles,
    portal_allowlist_entries,
    password_history,
    password_reset_tokens,
    pending_signups,
    subuser_grants,
    subuser_senders,
    subuser_contact_groups,
    subuser_usage,
    message_senders,
    sms_budget_counters,
    sms_country_traffic,
    authenticator_limits,
    idempotency_keys,
    message_texts_to_deliver,
    trial_restriction_lifts,
    passkeys,
    webauthn_ceremonies,
    sign_in_policies,
    sms_batches,
    sms_batch_messages,
    account_suspensions,
    login_preferences,
);

diesel::table! {
    login_preferences (account_id) {
        account_id -> Text,
        language -> Text,
    }
}

diesel::joinable!(login_preferences -> accounts (account_id));

diesel::table! {
    account_countries (account_id, country) {
        account_id -> Text,
        country -> Text,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        account_id -> Text,
        token_id -> Nullable<Text>,
        recipient -> Text,
        country -> Text,
        sender -> Nullable<Text>,
        body -> Text,
        encoding -> Text,
        parts -> BigInt,
        points -> BigInt,
        status -> Text,
        idempotency_key -> Nullable<Text>,
        error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        claimed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(account_countries -> accounts (account_id));
diesel::joinable!(messages -> accounts (account_id));

diesel::table! {
    authenticator_codes (id) {
        id -> Text,
        account_id -> Text,
        recipient -> Text,
        code_hash -> Text,
        message_id -> Text,
        attempts -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        verified_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(authenticator_codes -> accounts (account_id));

diesel::table! {
    contact_groups (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contacts (id) {
        id -> Text,
        account_id -> Text,
        phone -> Text,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        email -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contact_group_members (contact_id, group_id) {
        contact_id -> Text,
        group_id -> Text,
    }
}

diesel::table! {
    contact_import_rows (id) {
        id -> Text,
        import_id -> Text,
        line -> BigInt,
        account_id -> Text,
        phone -> Text,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        email -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contact_import_groups (contact_id, group_id) {
        contact_id -> Text,
        group_id -> Text,
    }
}

diesel::joinable!(contact_groups -> accounts (account_id));
diesel::joinable!(contacts -> accounts (account_id));
diesel::joinable!(contact_group_members -> contacts (contact_id));
diesel::joinable!(contact_import_groups -> contact_import_rows (contact_id));
diesel::joinable!(contact_group_members -> contact_groups (group_id));

diesel::table! {
    sender_names (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        status -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(sender_names -> accounts (account_id));

diesel::table! {
    second_factors (id) {
        id -> Text,
        account_id -> Text,
        kind -> Text,
        phone -> Nullable<Text>,
        totp_secret -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    password_history (id) {
        id -> Text,
        account_id -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Text,
        account_id -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    pending_signups (id) {
        id -> Text,
        email -> Text,
        email_normalized -> Text,
        token_hash -> Text,
        password_hash -> Text,
        phone -> Nullable<Text>,
        country -> Text,
        ip -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        language -> Text,
    }
}

diesel::table! {
    password_reset_tokens (id) {
        id -> Text,
        account_id -> Text,
        token_hash -> Text,
        ip -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        purpose -> Text,
    }
}

diesel::table! {
    verification_codes (id) {
        id -> Text,
        account_id -> Text,
        purpose -> Text,
        channel -> Nullable<Text>,
        destination -> Nullable<Text>,
        code_hash -> Nullable<Text>,
        attempts -> BigInt,
        sends -> BigInt,
        device_hash -> Nullable<Text>,
        ip -> Text,
        user_agent -> Text,
        created_at -> Timestamp,
        last_sent_at -> Nullable<Timestamp>,
        expires_at -> Timestamp,
        consumed_at -> Nullable<Timestamp>,
        code_salt -> Nullable<Text>,
    }
}

diesel::table! {
    trusted_devices (id) {
        id -> Text,
        account_id -> Text,
        device_hash -> Text,
        user_agent -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        last_ip -> Text,
    }
}

diesel::table! {
    login_throttles (throttle_key) {
        throttle_key -> Text,
        failures -> BigInt,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        lock_count -> BigInt,
        updated_at -> Timestamp,
        pending -> BigInt,
        pending_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(second_factors -> accounts (account_id));
diesel::joinable!(recovery_codes -> accounts (account_id));
diesel::joinable!(verification_codes -> accounts (account_id));
diesel::joinable!(trusted_devices -> accounts (account_id));
diesel::joinable!(password_history -> accounts (account_id));
diesel::joinable!(password_reset_tokens -> accounts (account_id));

diesel::table! {
    subuser_grants (account_id) {
        account_id -> Text,
        portal -> Text,
        scopes -> Text,
        window_days -> Nullable<Text>,
        window_start -> Nullable<Text>,
        window_end -> Nullable<Text>,
        window_time_zone -> Nullable<Text>,
        monthly_points_limit -> Nullable<BigInt>,
        invitation_pending -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    subuser_senders (account_id, sender_id) {
        account_id -> Text,
        sender_id -> Text,
    }
}

diesel::table! {
    subuser_contact_groups (account_id, group_id) {
        account_id -> Text,
        group_id -> Text,
    }
}

diesel::table! {
    subuser_usage (account_id, month) {
        account_id -> Text,
        month -> Text,
        points_used -> BigInt,
    }
}

diesel::table! {
    message_senders (message_id) {
        message_id -> Text,
        account_id -> Text,
    }
}

diesel::joinable!(message_senders -> messages (message_id));
diesel::joinable!(subuser_grants -> accounts (account_id));
diesel::joinable!(subuser_senders -> sender_names (sender_id));
diesel::joinable!(subuser_contact_groups -> contact_groups (group_id));

diesel::table! {
    sms_budget_counters (budget_key) {
        budget_key -> Text,
        window_started_at -> Timestamp,
        sends -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sms_country_traffic (calling_code, bucket_start) {
        calling_code -> Text,
        bucket_start -> Timestamp,
        sends -> BigInt,
    }
}

diesel::table! {
    authenticator_limits (account_id) {
        account_id -> Text,
        per_number_per_hour -> BigInt,
        per_number_per_day -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(authenticator_limits -> accounts (account_id));

diesel::table! {
    idempotency_keys (account_id, sender, idempotency_key) {
        account_id -> Text,
        sender -> Text,
        idempotency_key -> Text,
        request_hash -> Nullable<Text>,
        message_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    message_texts_to_deliver (message_id) {
        message_id -> Text,
        body -> Text,
    }
}

diesel::joinable!(idempotency_keys -> messages (message_id));
diesel::joinable!(message_texts_to_deliver -> messages (message_id));

diesel::table! {
    trial_restriction_lifts (account_id) {
        account_id -> Text,
        lifted_by -> Text,
        lifted_at -> Timestamp,
    }
}

diesel::table! {
    change_notices (seq) {
        seq -> BigInt,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    account_suspensions (account_id) {
        account_id -> Text,
        suspended_at -> Timestamp,
        reason -> Text,
    }
}

diesel::table! {
    security_streams (id) {
        id -> Text,
        account_id -> Text,
        url -> Text,
        secret -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_success_at -> Nullable<Timestamp>,
        last_failure_at -> Nullable<Timestamp>,
        last_failure -> Nullable<Text>,
        consecutive_failures -> BigInt,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
    }
}

diesel::table! {
    security_stream_deliveries (stream_id, event_id) {
        stream_id -> Text,
        event_id -> Text,
        event_at -> Timestamp,
    }
}

diesel::joinable!(security_streams -> accounts (account_id));
diesel::joinable!(security_stream_deliveries -> security_streams (stream_id));

diesel::table! {
    passkeys (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        credential_id -> Text,
        user_handle -> Text,
        credential -> Text,
        sign_count -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webauthn_ceremonies (id) {
        id -> Text,
        account_id -> Nullable<Text>,
        kind -> Text,
        challenge_id -> Nullable<Text>,
        state -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(passkeys -> accounts (account_id));

diesel::table! {
    sign_in_policies (account_id) {
        account_id -> Text,
        require_phishing_resistant -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sms_batches (id) {
        id -> Text,
        account_id -> Text,
        sent_by -> Nullable<Text>,
        token_id -> Nullable<Text>,
        group_id -> Nullable<Text>,
        sender -> Nullable<Text>,
        body -> Text,
        encoding -> Text,
        parts -> BigInt,
        recipients -> BigInt,
        points -> BigInt,
        key_sender -> Nullable<Text>,
        idempotency_key -> Nullable<Text>,
        request_hash -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sms_batch_messages (batch_id, position) {
        batch_id -> Text,
        position -> BigInt,
        message_id -> Text,
    }
}

diesel::joinable!(sms_batches -> accounts (account_id));
diesel::joinable!(sms_batch_messages -> sms_batches (batch_id));
diesel::joinable!(sms_batch_messages -> messages (message_id));

diesel::allow_columns_to_appear_in_same_group_by_clause!(
    sms_batch_messages::batch_id,
    messages::status,
);

diesel::table! {
    credential_policies (credential_key) {
        credential_key -> Text,
        account_id -> Text,
        token_id -> Nullable<Text>,
        client_id -> Nullable<Text>,
        countries -> Nullable<Text>,
        window_days -> Nullable<Text>,
        window_start -> Nullable<Text>,
        window_end -> Nullable<Text>,
        window_time_zone -> Nullable<Text>,
        daily_points_cap -> Nullable<BigInt>,
        monthly_points_cap -> Nullable<BigInt>,
        requests_per_minute -> Nullable<BigInt>,
        set_by_owner -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    credential_networks (credential_kind, credential_id, network) {
        credential_kind -> Text,
        credential_id -> Text,
        network -> Text,
        account_id -> Text,
        first_used_at -> Timestamp,
        last_used_at -> Timestamp,
        calls -> BigInt,
    }
}

diesel::table! {
    credential_usage (credential_key, period) {
        credential_key -> Text,
        period -> Text,
        points_used -> BigInt,
    }
}

diesel::table! {
    credential_request_counts (credential_key) {
        credential_key -> Text,
        window_start -> BigInt,
        requests -> BigInt,
    }
}

diesel::table! {
    credential_network_settings (credential_kind, credential_id) {
        credential_kind -> Text,
        credential_id -> Text,
        account_id -> Text,
        pinned -> Bool,
        pinned_by_owner -> Bool,
        networks -> BigInt,
        last_new_network_mail_at -> Nullable<Timestamp>,
    }
}

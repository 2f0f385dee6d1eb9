# The security log: filters, the events and their kinds.

securitylog-security = Security
securitylog-security-log = Security log
securitylog-export-csv = Export CSV
securitylog-export-json = Export JSON
securitylog-clear-filters = Clear filters
securitylog-events = Events
securitylog-search = Search
securitylog-no-events-yet = No events yet
securitylog-sign-ins-changes-refusals = Sign-ins, changes and refusals appear here as they happen.
securitylog-no-events-match-these = No events match these filters
securitylog-show-more = Show more
securitylog-loading = Loading…
securitylog-no-events-match = No events match.
securitylog-when-utc = When (UTC)
securitylog-event = Event
securitylog-by = By
securitylog-address = Address
securitylog-browser = Browser
securitylog-details = Details
securitylog-events-filters-below-show = The events the filters below show, as a spreadsheet file
securitylog-events-filters-below-show-2 = The events the filters below show, as a JSON file
securitylog-filter-security-log = Filter the security log
securitylog-e-mail-address-event = E-mail, address, event…
securitylog-from-utc = From (UTC)
securitylog-to-utc = To (UTC)
securitylog-time-range = Time range
securitylog-security-log-events = Security log events
securitylog-all-events = All events
securitylog-last-24-hours = Last 24 hours
securitylog-last-7-days = Last 7 days
securitylog-last-30-days = Last 30 days
securitylog-words-search = search “{ $q }”
securitylog-words-between = { $from } to { $to }
securitylog-words-from = from { $from }
securitylog-words-to = up to { $to }
securitylog-load-failed = Could not load the security log. { $reason }
securitylog-showing = { $count ->
    [one] Showing { $count } event.
   *[other] Showing { $count } events.
}
securitylog-showing-more = { $count ->
    [one] Showing { $count } event, more older ones.
   *[other] Showing { $count } events, more older ones.
}
securitylog-nothing-found = Nothing was found for { $filters }.
securitylog-actor-you = You
securitylog-actor-anonymous = Someone not signed in
securitylog-actor-operator = The gateway's operator
securitylog-kind = { $kind ->
    [signup] Account created
    [login_succeeded] Signed in
    [login_failed] Sign-in failed
    [logout] Signed out
    [session_expired] Session expired
    [session_revoked] Sessions ended
    [session_timeout_changed] Inactivity timeout changed
    [account_locked] Sign-in locked
    [two_factor_enabled] Two-factor turned on
    [two_factor_disabled] Two-factor turned off
    [two_factor_policy_changed] Two-factor requirement changed
    [recovery_codes_generated] Recovery codes renewed
    [recovery_code_used] Recovery code used
    [device_trusted] Device trusted
    [device_removed] Device removed
    [password_changed] Password changed
    [password_reset_requested] Password reset requested
    [password_reset] Password reset
    [password_policy_changed] Password policy changed
    [portal_allowlist_changed] Portal allowlist changed
    [api_allowlist_changed] API allowlist changed
    [token_created] Token created
    [token_changed] Token changed
    [token_deleted] Token deleted
    [token_expiry_warned] Token expiry warning sent
    [oauth_client_created] OAuth client registered
    [oauth_client_changed] OAuth client changed
    [oauth_client_deleted] OAuth client deleted
    [api_call_refused] API call refused
    [country_filter_changed] Countries changed
    [subuser_created] Subuser created
    [subuser_updated] Subuser changed
    [subuser_disabled] Subuser disabled
    [subuser_enabled] Subuser enabled
    [subuser_deleted] Subuser deleted
    [subuser_invited] Subuser invited
    [sms_budget_exhausted] Code text refused: budget used up
    [sms_country_paused] Code text held: country paused
    [authenticator_limits_changed] SMS Authenticator limits changed
    [trial_restriction_lifted] Sending abroad allowed
    [points_adjusted] Points adjusted by the operator
    [sign_in_lock_lifted] Sign-in lock lifted by the operator
    [sender_decided] Sender name decided
    [account_suspended] Account suspended by the operator
    [account_reinstated] Account reinstated by the operator
    [stream_configured] Log stream set
    [stream_removed] Log stream removed
    [stream_secret_rotated] Log stream secret replaced
    [stream_test] Log stream test
    [passkey_added] Passkey added
    [passkey_removed] Passkey removed
    [token_used_from_new_network] Credential used from a new network
    [token_leak_reported] Leaked credential reported and revoked
    [token_regenerated] Token regenerated
    [oauth_client_secret_rotated] OAuth client secret replaced
   *[other] Other event
}

# The security log's detail names.
securitylog-key-action = Action
securitylog-key-balance = Balance
securitylog-key-calling-code = Calling code
securitylog-key-change = Change
securitylog-key-client-id = Client id
securitylog-key-confirmed-lockout = Confirmed lockout
securitylog-key-count = Count
securitylog-key-countries = Countries
securitylog-key-country = Country
securitylog-key-delta = Delta
securitylog-key-device-id = Device id
securitylog-key-email = Email
securitylog-key-entry = Entry
securitylog-key-expires-at = Expires at
securitylog-key-fallback = Fallback
securitylog-key-first-at = First at
securitylog-key-home-country = Home country
securitylog-key-idle-timeout-secs = Idle timeout secs
securitylog-key-invited = Invited
securitylog-key-last-at = Last at
securitylog-key-method = Method
securitylog-key-name = Name
securitylog-key-network = Network
securitylog-key-new-device = New device
securitylog-key-other-sessions-ended = Other sessions ended
securitylog-key-passkey-id = Passkey id
securitylog-key-passkey-refusal = Passkey refusal
securitylog-key-passwordless = Passwordless
securitylog-key-pending-dropped = Pending dropped
securitylog-key-per-number-per-day = Per number per day
securitylog-key-previous = Previous
securitylog-key-previous-secs = Previous secs
securitylog-key-previous-token-id = Previous token id
securitylog-key-purpose = Purpose
securitylog-key-reason = Reason
securitylog-key-require-phishing-resistant = Require phishing resistant
securitylog-key-required-for-all-users = Required for all users
securitylog-key-rotation-days = Rotation days
securitylog-key-rotation-required = Rotation required
securitylog-key-scope = Scope
securitylog-key-scopes = Scopes
securitylog-key-sender = Sender
securitylog-key-sessions-ended = Sessions ended
securitylog-key-subuser-id = Subuser id
securitylog-key-token-id = Token id
securitylog-key-tokens-revoked = Tokens revoked
securitylog-key-trusted-devices-forgotten = Trusted devices forgotten
securitylog-key-until = Until
securitylog-key-url = Url
securitylog-value-yes = yes
securitylog-value-no = no

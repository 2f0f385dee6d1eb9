# The dashboard: the account's overview, the security checklist, a subuser's limits.

dashboard-eyebrow = Dashboard
dashboard-title = Your account
dashboard-activity-title = Activity
dashboard-activity-text = Points spent and sign-ins per day, refused API calls and where your messages went, as charts.
dashboard-activity-link = See your activity
dashboard-points-balance = Points balance
dashboard-points-note = Prepaid credit for sending messages
dashboard-session-expires = Session expires
dashboard-idle-note = Or after { $duration } of inactivity
dashboard-account-details = Account details
dashboard-email = E-mail
dashboard-account-id = Account ID
dashboard-phone = Mobile phone
dashboard-not-set = Not set
dashboard-country = Country
dashboard-created = Created
dashboard-this-session = This session
dashboard-signed-in = Signed in
dashboard-ends-at-latest = Ends at the latest
dashboard-inactivity-timeout = Inactivity timeout

checklist-failed = Could not check your security settings. { $reason }
checklist-score-label = Security score
checklist-checking = Checking your security settings…
checklist-title = Security checklist
checklist-summary = { $count ->
    [0] Nothing to fix.
    [one] { $count } thing to fix.
   *[other] { $count } things to fix.
}
checklist-review = Review
checklist-fix = Fix
checklist-fix-now = Fix now
checklist-done = Done
checklist-worth-fixing = Worth fixing
checklist-fix-first = Fix first

limits-title = Your limits
limits-points = Points this month
limits-points-label = Points used this month
limits-window = You may send
limits-any-time = At any time
limits-owner-sets = The account's owner sets these.
limits-used-of = { $limit ->
    [one] { $used } of { $limit } point used
   *[other] { $used } of { $limit } points used
}
limits-used-unlimited = { $used ->
    [one] { $used } point used, no monthly limit
   *[other] { $used } points used, no monthly limit
}

# Each check of the checklist, by what it looks at and how it stands.
check-two-factor-off = Two-factor sign-in is off
check-two-factor-off-detail = Anyone with your password can sign in, spend your points and read your contacts. Turn on an authenticator app or SMS codes.
check-two-factor-on = Two-factor sign-in is on
check-two-factor-on-detail = Signing in needs your password and { $methods }.
check-method-app = an authenticator app
check-method-sms = SMS codes
check-method-or = { $first } or { $second }
check-recovery-codes = { $count ->
    [one] 1 recovery code left
   *[other] { $count } recovery codes left
}
check-recovery-codes-few-detail = Make new recovery codes before you run out: without your phone they are the only way in.
check-recovery-codes-detail = Each lets you in once if you lose the authenticator app.
check-tokens-expire = Every API token expires
check-tokens-expire-detail = A token that leaks stops working on its own.
check-tokens-never-expire = { $count ->
    [one] 1 API token never expires
   *[other] { $count } API tokens never expire
}
check-tokens-never-expire-detail = A leaked token that never expires works until someone notices. Replace it with one that expires.
check-tokens-used = No API token sits unused
check-tokens-used-detail = Every active token was used in the last 90 days.
check-tokens-unused = { $count ->
    [one] 1 API token unused for 90 days
   *[other] { $count } API tokens unused for 90 days
}
check-tokens-unused-detail = A token nobody uses is only a risk: disable or delete it.
check-api-allowlist-empty = The API accepts calls from any address
check-api-allowlist-empty-detail = List your servers' addresses so a stolen token is refused everywhere else.
check-api-allowlist-set = API calls are limited to your addresses
check-allowlist-entries = { $count ->
    [one] 1 address or range is allowed.
   *[other] { $count } addresses or ranges are allowed.
}
check-portal-allowlist-empty = The portal can be used from any address
check-portal-allowlist-empty-detail = List your offices' addresses so a stolen password cannot be used elsewhere.
check-portal-allowlist-set = Sign-ins are limited to your addresses
check-countries-unused = { $count ->
    [one] 1 allowed country had no messages in 90 days
   *[other] { $count } allowed countries had no messages in 90 days
}
check-countries-unused-detail = Fraudsters pump texts to expensive destinations: allow only the countries you send to.
check-countries-narrow = Messages go only where you send them
check-countries-narrow-detail = The country filter allows no more than your traffic needs.
check-subusers-two-factor = Every login signs in with two-factor
check-subusers-two-factor-detail = Two-factor sign-in is required of your subusers.
check-subusers-without = { $count ->
    [one] 1 subuser signs in without two-factor
   *[other] { $count } subusers sign in without two-factor
}
check-subusers-without-detail = Require two-factor sign-in of every login on the Two-factor page.

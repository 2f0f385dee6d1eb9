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

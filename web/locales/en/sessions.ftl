# Sessions: the inactivity timeout, the live sessions and the login history.

sessions-load-older-sign-ins = Load older sign-ins
sessions-loading = Loading…
sessions-no-sign-attempts-yet = No sign-in attempts yet.
sessions-when = When
sessions-result = Result
sessions-address = Address
sessions-device = Device
sessions-sign-history = Sign-in history
sessions-loading-sessions = Loading your sessions…
sessions-security = Security
sessions-sessions = Sessions
sessions-where-account-signed-portal = Where your account is signed in to the portal right now, and every sign-in attempt. End any session you don't recognise, then change your password.
sessions-inactivity-timeout = Inactivity timeout
sessions-active-sessions = Active sessions
sessions-login-history = Login history
sessions-signed = Signed in
sessions-last-active = Last active
sessions-actions = Actions
sessions-session = This session
sessions-logging-out = Logging out…
sessions-log-out = Log out
sessions-log-out-other-sessions = Log out other sessions
sessions-log-out-everywhere = Log out everywhere
sessions-log-out-others = Log out the others
sessions-log-out-everywhere-2 = Log out everywhere?
sessions-sign-out-after = Sign out after
sessions-outcome-succeeded = Signed in
sessions-outcome-wrong-password = Wrong password
sessions-outcome-second-factor-failed = Second factor failed
sessions-outcome-new-device-failed = New device not confirmed
sessions-outcome-ip-blocked = Blocked: address not allowed
sessions-outcome-locked = Blocked: sign-in locked
sessions-outcome-unknown = Failed
sessions-history-failed = Could not load the login history. { $reason }
sessions-load-failed = Could not load the sessions. { $reason }
sessions-logged-out-toast = Session logged out
sessions-now = Now
sessions-log-out-one = Log out { $device } at { $address }
sessions-log-out-others-detail = Every other browser and device signed in to this login must log in again; this session goes on. API tokens and OAuth clients keep working.
sessions-log-out-everywhere-detail = Every portal session ends at once, this one included: you go back to the login page, and every other browser signed in must log in again. API tokens and OAuth clients keep working.
sessions-others-question = { $count ->
    [one] Log out the other session?
   *[other] Log out the { $count } other sessions?
}
sessions-others-ended = { $count ->
    [one] The other session was logged out.
   *[other] The { $count } other sessions were logged out.
}
sessions-timeout-hint = Portal sessions end after this long without activity. Applies to every open session at once. Server default: { $default }.
sessions-timeout-saved = Saved: sessions end after { $duration } of inactivity.

# Activity: the charts of points, sign-ins, refused calls and destinations.

activity-counting-activity = Counting your activity…
activity-activity = Activity
activity-what-happened-lately = What happened lately
activity-period = Period
activity-own-activity-messages-sign = Your own activity: your messages, sign-ins and API tokens. Days are UTC.
activity-messages-you-send-show = Messages you send show here, a bar a day.
activity-points-per-day-table = Points per day as a table
activity-points-spent-per-day = Points spent per day (UTC)
activity-day = Day
activity-points = Points
activity-messages = Messages
activity-sign-ins-portal-show = Sign-ins to the portal show here, a bar a day.
activity-succeeded-solid = Succeeded (solid)
activity-failed-striped-top = Failed (striped, on top)
activity-sign-ins-per-day = Sign-ins per day as a table
activity-sign-ins-per-day-2 = Sign-ins per day (UTC)
activity-succeeded = Succeeded
activity-failed = Failed
activity-nothing-draw = Nothing to draw.
activity-refused-api-calls-reason = Refused API calls by reason
activity-messages-destination = Messages by destination
activity-points-per-day = Points per day
activity-points-spent-per-day-2 = Points spent per day
activity-legend = Legend
activity-sign-ins-per-day-3 = Sign-ins per day
activity-points-login = Points by login
activity-load-failed = Could not load your activity. { $reason }
activity-last-days = Last { $days } days
activity-scope-account = The whole account: you and every subuser. Days are UTC.
activity-column-reason = Reason
activity-column-calls = Calls
activity-column-country = Country
activity-column-messages = Messages
activity-column-login = Login
activity-login-you = { $email } (you)
activity-as-table = { $title } as a table
activity-unit-points = { $count ->
    [one] { $count } point
   *[other] { $count } points
}
activity-unit-messages = { $count ->
    [one] { $count } message
   *[other] { $count } messages
}
activity-unit-sign-ins = { $count ->
    [one] { $count } sign-in
   *[other] { $count } sign-ins
}
activity-unit-refused-calls = { $count ->
    [one] { $count } refused call
   *[other] { $count } refused calls
}
activity-period-words = { $days ->
    [1] today
   *[other] in the last { $days } days
}
activity-points-none = No points spent { $period }.
activity-points-spent = { $points } spent on { $messages } { $period }.
activity-points-most = The most on { $day }: { $points }.
activity-sign-ins-none = No sign-ins { $period }.
activity-sign-ins-summary = { $succeeded ->
    [one] { $succeeded } sign-in
   *[other] { $succeeded } sign-ins
} succeeded and { $failed } failed { $period }.
activity-sign-ins-most-failures = The most failures on { $day }: { $count }.
activity-sign-ins-no-failures = No failed sign-ins.
activity-list-summary = { $total } { $period }. { $most }: { $top }, { $top_count }.
activity-list-nothing = { $nothing } { $period }.
activity-most-often = Most often
activity-no-refused-calls = No API calls refused
activity-most-sent-to = Most sent to
activity-no-messages-sent = No messages sent
activity-most-spent-by = Most spent by
activity-no-points-spent = No points spent

# Why API calls were refused.
activity-refused-token-disabled = Token disabled
activity-refused-token-expired = Token expired
activity-refused-token-revoked = Token deleted or revoked
activity-refused-token-invalid = Token not valid
activity-refused-token-ip = Address not on the token's allowlist
activity-refused-account-ip = Address not on the API allowlist
activity-refused-suspended = Account suspended
activity-refused-scope = Token lacks the scope
activity-refused-other = Other refusals

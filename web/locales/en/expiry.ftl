# How long an exception lasts (an allowlist entry, an allowed country), and what is left of it.

expiry-permanently = Permanently
expiry-for-1-hour = For 1 hour
expiry-for-1-day = For 1 day
expiry-for-1-week = For 1 week
expiry-until-date = Until a date and time…
expiry-custom-required = Choose the date and time it ends.
expiry-custom-invalid = Choose a valid date and time.
expiry-ended = Ended
expiry-under-a-minute = Ends in under a minute
expiry-ends-in-minutes = Ends in { $minutes } min
expiry-ends-in-hours = { $minutes ->
    [0] Ends in { $hours } h
   *[other] Ends in { $hours } h { $minutes } min
}
expiry-ends-in-days = { $days ->
    [one] Ends in { $days } day
   *[other] Ends in { $days } days
}
expiry-allowed = Allowed
expiry-until = Until { $at }
expiry-until-label = Until
expiry-local-time = Your local time.

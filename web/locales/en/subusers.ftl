# Subusers.

subusers-count = { $count ->
    [one] { $count } subuser
   *[other] { $count } subusers
}
subusers-loading = Loading your subusers…
subusers-load-failed = Could not load your subusers.

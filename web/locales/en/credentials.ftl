# What the API tokens and OAuth2 clients pages share: a credential's row, its policy,
# its networks, the new-credential fields, the scope picker and the copy button.

credentials-refresh-failed = Could not refresh the list.
credentials-active = Active
credentials-disabled = Disabled
credentials-expired = Expired
credentials-disabling = Disabling…
credentials-disable = Disable
credentials-enabling = Enabling…
credentials-enable = Enable
credentials-confirm-deletion = Confirm deletion
credentials-delete-question = Delete “{ $name }”?
credentials-deleting = Deleting…
credentials-delete = Delete
credentials-cancel = Cancel
credentials-confirm-label = Confirm: { $action }
credentials-keep-old-secret-working = Keep the old secret working for
credentials-stop-now = Stop it now
credentials-overlap-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
credentials-overlap-none-hint = The old secret stops working the moment you confirm.
credentials-overlap-hint = Both secrets work until then, so you can switch your systems over; after that only the new one does.
credentials-saving = Saving…
credentials-save-policy = Save policy
credentials-new = New
credentials-edit-policy = Edit policy
credentials-permissions = Permissions
credentials-previous-secret = Previous secret
credentials-previous-works-until = Still works until { $at }
credentials-stopping = Stopping…
credentials-policy = Policy
credentials-no-limits-own = No limits of its own
credentials-ip-allowlist = IP allowlist
credentials-any-address-account-allows = Any address the account allows
credentials-networks-used-2 = Networks used from
credentials-from = from
credentials-never-used = Never used
credentials-line = Line { $line }
credentials-name = Name
credentials-something-recognise-like-system = Something to recognise it by, like the system that will use it.
credentials-name-too-long = Use at most { $max } characters.
credentials-scopes-required = Choose at least one permission.
credentials-scopes-hint = Choose only what the integration needs.
credentials-allow-more-addresses-while = Allow more addresses for a while
credentials-temporary-addresses = Temporary addresses
credentials-hotel-conference-network-allowed = A hotel or a conference network: allowed until the time chosen below, then refused again. They need at least one permanent address above.
credentials-allowed = Allowed
credentials-rules-credential-obeys-top = Rules this credential obeys on top of the account's. Empty fields: no limit.
credentials-only-send-some-accounts = Only send to some of the account's countries
credentials-countries = Countries
credentials-only-send-within-set = Only send within set hours
credentials-points-day = Points a day
credentials-points-month = Points a month
credentials-requests-minute = Requests a minute
credentials-policy-not-positive = Enter a whole number of at least 1, or leave it empty for no limit.
credentials-policy-countries-required = Choose at least one country, or allow every country of the filter.
credentials-policy-days-required = Choose at least one day.
credentials-policy-filter-loading = Loading the account's country filter…
credentials-policy-filter-empty = The account's country filter allows no country.
credentials-policy-filter-failed = The account's country filter could not be read.
credentials-networks-used = Networks used
credentials-loading-networks = Loading networks…
credentials-not-used-yet = Not used yet
credentials-network = Network
credentials-first-used = First used
credentials-last-used = Last used
credentials-calls = Calls
credentials-refuse-calls-new-networks = Refuse calls from new networks
credentials-pinned-calls-network-24 = Pinned, calls from a network (/24, or /48 for IPv6) it was not used from are refused. Pinned before its first use, the first network is kept.
credentials-copy = Copy
credentials-copied = Copied
credentials-copy-by-hand = Select and copy it by hand

# A credential's policy in one line, for its row.
policy-words-no-countries = No countries
policy-words-countries-only = { $countries } only
policy-words-points-day = { $count } points/day
policy-words-points-month = { $count } points/month
policy-words-requests-minute = { $count } requests/min
policy-words-no-limits = No limits

# API tokens: the list, the new-token form and its secret.

tokens-api-tokens = API tokens
tokens-lead-before = Tokens let your own systems call the Portcullis API. Give each integration its own token with only the permissions it needs; a call must also come from an address the
tokens-api-ip-allowlist = API IP allowlist
# Follows the link directly: a leading space where the language wants one.
tokens-lead-after = {" "}allows.
tokens-tokens = Your tokens
tokens-count = { $count ->
    [one] { $count } token
   *[other] { $count } tokens
}
tokens-loading = Loading your tokens…
tokens-load-failed = Could not load your tokens.
tokens-new-token = New token
tokens-deleted-toast = Token deleted
tokens-created-toast = Created token { $name }
tokens-empty-title = No API tokens yet
tokens-empty-text = Create one below to let your own systems send SMS, manage contacts or read your balance through the API.
tokens-delete-token = Delete token
tokens-delete-warning = Calls made with it are refused from the very next one. This can't be undone.
tokens-name-required = Give the token a name.
tokens-edit-allowlist = Edit allowlist
tokens-save-allowlist = Save allowlist
tokens-regenerate = Regenerate
tokens-regenerate-question = Regenerate “{ $name }”?
tokens-regenerate-warning = You get a new secret with the same name, permissions, lifetime, allowlist and policy. The current secret stops working now: calls made with it are refused from the very next one.
tokens-regenerate-token = Regenerate token
tokens-regenerating = Regenerating…
tokens-expired-note = Expired tokens can't be re-enabled. Create a new token and delete this one.
tokens-token = Token
tokens-created = Created
tokens-expired = Expired
tokens-expires = Expires
tokens-never = Never
tokens-last-used = Last used
tokens-ip-allowlist-token = IP allowlist for this token
tokens-one-address-range-per = One address or range per line. Empty: every address the account's API allowlist allows. A temporary entry ends on its “until” time; remove “until …” to keep it.
tokens-name-placeholder = e.g. CRM integration
tokens-token-stops-working-end = A token stops working at the end of its last day, UTC.
tokens-last-day = Last day
tokens-stops-working-end-day = It stops working at the end of that day, UTC.
tokens-token-never-expires-keeps = A token that never expires keeps working wherever it leaks, until someone notices. Prefer an expiry and make a new token when it ends; the security checklist on the dashboard lists tokens that never expire.
tokens-allowlist-hint = One address or range per line. Leave empty to allow every address the account's API allowlist allows.
tokens-creating-token = Creating token…
tokens-create-token = Create token
tokens-expiry-7-days = In 7 days
tokens-expiry-30-days = In 30 days
tokens-expiry-90-days = In 90 days
tokens-expiry-on-date = On a date…
tokens-expiry-never = Never
tokens-expiry-invalid-date = Enter a date like 2027-01-31.
tokens-created-title = Token “{ $name }” created
tokens-regenerated-title = Token “{ $name }” regenerated
tokens-use-bearer-token = Use it as a bearer token:
tokens-copy-new-secret-now = Copy the new secret now — you won't see it again. The old one no longer works.
tokens-copy-now-you-wont = Copy it now — you won't see it again.
tokens-portcullis-keeps-only-what = Portcullis keeps only what it needs to check the token, not the token itself. If you lose it, delete the token and create a new one.
tokens-ive-stored-safely = I've stored it safely
tokens-copy-token = Copy the token
tokens-regenerated-toast = New secret for token { $name }; the old one no longer works

# OAuth2 clients: the list, the registration form, the new secret and how to use a client.

clients-oauth2-clients = OAuth2 clients
clients-client-holds-id-secret = A client holds an ID and a secret and exchanges them for a short-lived access token (the OAuth2 client credentials grant). If a token leaks, it expires on its own; disable the client to cut off every token it was given at once.
clients-clients = Your clients
clients-count = { $count ->
    [one] { $count } client
   *[other] { $count } clients
}
clients-loading = Loading your clients…
clients-load-failed = Could not load your clients.
clients-deleted-toast = OAuth2 client deleted
clients-registered-toast = Registered client { $name }
clients-register-client-2 = Register a client
clients-how-use-client = How to use a client
clients-usage-before = Ask the token endpoint for an access token with HTTP Basic authentication, then send it as a bearer token. Ask for a new one when
clients-usage-after = seconds have passed.
clients-new-secret-title = New secret for “{ $name }”
clients-registered-title = Client “{ $name }” registered
clients-previous-until = The previous secret keeps working until { $until }; switch your system to the new one before then.
clients-previous-secret-no-longer = The previous secret no longer works.
clients-give-system-both-values = Give your system both values below.
clients-copy-secret-now-you = Copy the secret now — you won't see it again.
clients-portcullis-keeps-only-what-2 = Portcullis keeps only what it needs to check it. If you lose it, delete the client and register a new one.
clients-ive-stored-safely = I've stored it safely
clients-client-id = Client ID
clients-copy-client-id = Copy the client ID
clients-client-secret = Client secret
clients-copy-secret = Copy the secret
clients-empty-title = No OAuth2 clients yet
clients-empty-text = Register one below when a system should fetch short-lived access tokens itself instead of holding a long-lived API token.
clients-delete-client = Delete client
clients-delete-warning = Its secret and every access token it was given stop working at once. This can't be undone.
clients-name-required = Give the client a name.
clients-edit-permissions = Edit permissions
clients-save-permissions = Save permissions
clients-replace-secret = Replace secret
clients-replace-question = Replace the secret of “{ $name }”?
clients-replace-warning = You get a new secret, shown once. Access tokens already issued keep working until they expire.
clients-replacing = Replacing…
clients-disabled-note = Disabled: the token endpoint refuses this client and the tokens it was given are refused too. Enable it to let them work again.
clients-access-tokens-last = Access tokens last
clients-registered = Registered
clients-last-used = Last used
clients-permissions-client = Permissions of this client
clients-tokens-already-issued-lose = Tokens already issued lose the permissions you remove.
clients-name-placeholder = e.g. Billing service
clients-scopes-client-may-ask = The scopes the client may ask for. Tokens it gets carry no more than these.
clients-shorter-safer-client-simply = Shorter is safer: the client simply asks for a new token when one runs out.
clients-allowlist-hint = One address or range per line. The client and its tokens work only from these; empty: every address the account's API allowlist allows.
clients-registering = Registering…
clients-register-client = Register client
clients-lifetime-1-hour = 1 hour (recommended)
clients-lifetime-15-minutes = 15 minutes
clients-lifetime-8-hours = 8 hours
clients-lifetime-24-hours = 24 hours
clients-lifetime-out-of-range = Choose a lifetime between 1 minute and 24 hours.
clients-rotated-toast = New secret for client { $name }

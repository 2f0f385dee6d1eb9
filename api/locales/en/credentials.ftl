# E-mails about API tokens and OAuth clients. The value is the body, .subject
# the subject. $name is the credential's name, already made safe; $kind is
# token (an API token) or client (an OAuth client).

token-expiry =
    Your API token “{ $name }” ({ $hint }) expires at { $expires_at }. Calls made with it will be refused from then on.

    To keep your integration working, create a new token and switch to it before then: { $page }
    .subject = Your Portcullis API token “{ $name }” expires soon

credential-new-network =
    Your { $kind ->
        [client] OAuth client
       *[token] API token
    } “{ $name }” was used at { $at } from { $ip } (network { $network }), a network it was not used from in the last { $days ->
        [one] day
       *[other] { $days } days
    }.

    If this was you or your integration, there is nothing to do. If not, disable or delete it now, and tick “Refuse calls from new networks” to keep it to the networks it knows: { $page }

    At most one such e-mail is sent per { $kind ->
        [client] OAuth client
       *[token] API token
    } per hour; every new network is in your security log.
    .subject = Your Portcullis { $kind ->
        [client] OAuth client
       *[token] API token
    } “{ $name }” was used from a new network

# A credential reported as published. $leak: token-deleted (an API token,
# deleted), token-revoked (an OAuth client's access token, revoked) or
# client-disabled (an OAuth client's secret: the client is disabled).
credential-leak =
    { $leak ->
        [token-deleted] Someone reported your API token “{ $name }” as published where others can see it. It was a genuine token, so we deleted it at once: calls made with it are refused from now on.
        [token-revoked] Someone reported an access token issued to your OAuth client “{ $name }” as published where others can see it. We revoked that token at once; the client itself keeps working.
       *[client-disabled] Someone reported the client secret of your OAuth client “{ $name }” as published where others can see it. We disabled the client at once and invalidated the secret: its tokens are refused and no new ones are issued.
    }
    .subject = { $leak ->
        [token-deleted] Your Portcullis API token “{ $name }” was found in public and deleted
        [token-revoked] An access token of your Portcullis OAuth client “{ $name }” was found in public and revoked
       *[client-disabled] The secret of your Portcullis OAuth client “{ $name }” was found in public
    }

# Where it was found, when the report said ($url, made non-clickable).
credential-leak-found =
    It was found at: { $url }
    (the address as reported, made non-clickable)

credential-leak-advice =
    Remove the secret from where it was published, make a new credential for your integration and check your security log for calls you do not recognise: { $page }

    Reported at { $at }.

# E-mails about a login: sign-up, passwords, sign-ins, two-factor changes and
# invitations. The value is the body, .subject the subject. Names, addresses
# and browsers in variables come already made safe (mail_text::untrusted).

## Sign-up

signup-link =
    Someone (hopefully you) signed up for Portcullis with this e-mail address.

    Open this link within { $hours } { $hours ->
        [one] hour
       *[other] hours
    } to confirm it and create your account; the link works once:
    { $link }

    Until then no account exists. If you did not sign up, ignore this e-mail and nothing will be created.
    .subject = Confirm your e-mail to create your Portcullis account

signup-account-exists =
    Someone (hopefully you) tried to sign up for Portcullis with this e-mail address, but you already have an account. Nothing was changed.

    Sign in: { $login }
    Forgot your password? Reset it: { $forgot }

    If this was not you, you can ignore this e-mail.
    .subject = You already have a Portcullis account

## Passwords

password-reset =
    Someone (hopefully you) asked to reset the password of your Portcullis account.

    Choose a new password here within { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    }; the link works once:
    { $link }

    If you did not ask for this, ignore this e-mail: your password stays as it is.
    .subject = Reset your Portcullis password

# $how: changed (by its holder, signed in) or reset (through a mailed link).
password-changed =
    The password of your Portcullis account was { $how ->
        [reset] reset
       *[changed] changed
    } at { $at } from { $ip }.

    Every other portal session was signed out; API tokens and OAuth clients keep working.

    If this was not you, reset your password now: { $forgot }
    .subject = Your Portcullis password was changed

## Sign-ins

# $until: date and time in UTC.
login-locked =
    Sign-in to your Portcullis account was locked until { $until } (UTC) after repeated failed attempts.

    Last attempt from: { $ip }
    Browser: { $browser }

    If this was not you, someone may be guessing your password: after the lock ends, sign in, turn on two-factor sign-in and review your security log.
    .subject = Portcullis: sign-in locked after failed attempts

# $time: date and time in UTC.
new-device-sign-in =
    Your Portcullis account was signed in to from a new device.

    Time: { $time } UTC
    Address: { $ip }
    Browser: { $browser }

    If this was you, there is nothing to do. If not, change your password now and review your trusted devices and sessions: { $page }
    .subject = Portcullis: new sign-in to your account

## Two-factor sign-in

# What changed, for the notice below; $change is one of the variants' keys.
factor-change-what = { $change ->
        [sms-added] a new two-factor method (SMS codes to a phone) was added to your account
        [app-added] a new two-factor method (an authenticator app) was added to your account
        [recovery-codes] new recovery codes were made for your account; the old ones no longer work
        [passkey-added] a passkey was added to your account
       *[passkey-removed] a passkey was removed from your account
    }

factor-change =
    Security notice: { factor-change-what }.

    From address: { $ip }
    Browser: { $browser }

    If this was not you, someone has your password and a signed-in browser: reset your password, remove the method in the two-factor settings and review your security log.
    .subject = Portcullis: { factor-change-what }

## Subusers

# $owner: the e-mail of the account's owner.
subuser-invitation =
    { $owner } made you a login on their Portcullis account.

    Choose your password here within { $days } { $days ->
        [one] day
       *[other] days
    }; the link works once:
    { $link }
    .subject = You are invited to Portcullis

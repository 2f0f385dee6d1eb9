# Signing up, confirming the e-mail, and resetting a forgotten password.

signup-sent-title = Check your inbox
signup-sent-text = { $hours ->
    [one] We sent an e-mail to { $address }. Open the link in it within { $hours } hour to confirm your address and create your account.
   *[other] We sent an e-mail to { $address }. Open the link in it within { $hours } hours to confirm your address and create your account.
}
signup-sent-help = Nothing is created until you open the link. No e-mail after a few minutes? Check your spam folder, or sign up again to get a new link. If the address already has an account, the e-mail says how to sign in.
signup-back-to-login = Back to log in
signup-title = Create your account
signup-intro = Start sending SMS in minutes. No card needed to sign up.
signup-email = Work e-mail
signup-email-hint = We e-mail you a link to confirm it.
signup-password = Password
signup-password-hint = At least 8 characters, with an uppercase letter and a digit.
signup-phone = Mobile phone
signup-phone-hint = International format. Used for sign-in codes.
signup-country = Country
signup-submitting = Creating account…
signup-submit = Create account
signup-have-account = Already have an account?
signup-log-in = Log in

verify-incomplete-before = This link is incomplete. Open the link from the e-mail again, or
verify-incomplete-link = sign up again
# Follows the link directly: a leading space where the language wants one.
verify-incomplete-after = {" "}to get a new one.
verify-intro = Confirm your e-mail address to create your account and sign in.
verify-submitting = Creating your account…
verify-submit = Confirm and create my account
verify-title = Confirm your e-mail
verify-link-used = Link used or expired?
verify-sign-up-again = Sign up again
verify-or = or
verify-log-in = log in

password-new-hint = At least 8 characters, with an uppercase letter and a digit; not one of your last 5.

reset-request-title = Reset your password
reset-request-sent = If an account uses this address, we have e-mailed it a link to choose a new password. The link works once, for 30 minutes.
reset-request-intro = Enter your account's e-mail address and we will send you a link to choose a new password.
reset-request-sending = Sending…
reset-request-submit = Send the link
reset-back-to-login = Back to log in
reset-title = Choose a new password
reset-done = Your new password is set and every session was signed out.
reset-done-log-in = Log in with it
reset-incomplete = This link is incomplete. Open the link from the e-mail again, or
reset-incomplete-link = ask for a new one
reset-new-password = New password
reset-saving = Saving…
reset-submit = Set the new password
reset-ask-again = Ask for a new link

# The login card and its code step. The English of the login card is also in
# web/login-shell.html (painted before the app arrives): keep the two the same.

login-title = Log in
login-intro = Welcome back. Log in to manage your SMS account.
login-signed-out = You were signed out. Log in again to continue.
login-password = Password
login-submitting = Logging in…
login-submit = Log in
login-passkey = Sign in with a passkey
login-forgot-password = Forgot password?
login-new-here = New to Portcullis?
login-create-account = Create an account
login-password-required = Enter your password.

code-step-eyebrow = Step 2 of 2
code-step-heading-new-device = Confirm it's you
code-step-heading-two-factor = Two-factor sign-in
code-step-prompt-totp = Enter the 6-digit code from your authenticator app.
code-step-prompt-recovery = Enter one of the recovery codes you saved when you turned on two-factor sign-in. Each code works once.
code-step-prompt-passkey = Use your passkey: your browser asks for your fingerprint, face, PIN or security key.
code-step-your-phone = your phone
code-step-your-email = your e-mail address
code-step-prompt-new-device = Enter the code we sent to { $destination } to confirm this new device.
code-step-prompt-two-factor = Enter the code we sent to { $destination }.
code-step-label-recovery = Recovery code
code-step-label-totp = Authenticator code
code-step-label-passkey = Passkey
code-step-label-code = Code
code-step-use-totp = Use your authenticator app
code-step-use-recovery = Use a recovery code
code-step-use-passkey = Use a passkey
code-step-use-texted = Use the code we texted you
code-step-text-me = Text me a code instead
code-step-use-emailed = Use the code we e-mailed you
code-step-email-me = E-mail me a code instead
code-step-code-required = Enter the code.
code-step-code-digits = Enter the 6 digits of the code.
code-step-wait = { $seconds ->
    [one] You can ask for another code in { $seconds } second.
   *[other] You can ask for another code in { $seconds } seconds.
}
code-step-emailed-to = We e-mailed a new code to { $to }.
code-step-texted-to = We texted a new code to { $to }.
code-step-sent = We sent a new code.
code-step-waiting-passkey = Waiting for your passkey…
code-step-use-your-passkey = Use your passkey
code-step-checking = Checking…
code-step-submit = Confirm and log in
code-step-not-you = Not you, or wrong account?
code-step-trust = Trust this browser
code-step-trust-hint = No code next time you log in from this browser. Leave it unticked on a shared or public computer.
code-step-sending = Sending…
code-step-resend = Resend code
code-step-other-ways = Other ways to confirm:
code-step-start-over = Start over
code-step-ended-title = This sign-in has ended
code-step-ended-text = The code step timed out or was already used. Log in again with your e-mail address and password.

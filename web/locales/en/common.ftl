# The page frame: header, navigation, account menu, footer, language switch, page titles,
# and the words the portal formats values with.

brand-name = Portcullis
layout-footer = Portcullis SMS gateway · Customer portal

nav-main-label = Main
nav-menu = Menu
nav-dashboard = Dashboard
nav-messaging = Messaging
nav-security = Security
nav-api-access = API access
nav-countries = Countries
nav-subusers = Subusers
nav-log-in = Log in
nav-create-account = Create account

account-menu-label = — account menu
account-menu-signed-in-as = Signed in as
account-menu-dashboard = Dashboard
account-menu-sessions = Sessions
account-menu-security-log = Security log
account-menu-password = Password
account-logging-out = Logging out…
account-log-out = Log out
account-log-out-failed = Could not log out. { $reason }

language-switch-label = Language

guard-loading-account = Loading your account…
guard-loading-portal = Loading the portal…

page-title = { $page } · Portcullis
page-title-portal = Customer portal
page-title-dashboard = Dashboard
page-title-tokens = API tokens
page-title-api-allowlist = API IP allowlist
page-title-oauth-clients = OAuth2 clients
page-title-countries = Countries
page-title-login = Log in
page-title-signup = Create an account
page-title-security-log = Security log
page-title-sessions = Sessions
page-title-portal-allowlist = Portal allowlist
page-title-password = Password
page-title-forgot-password = Forgot your password
page-title-verify-email = Confirm your e-mail
page-title-reset-password = Choose a new password
page-title-two-factor = Two-factor sign-in
page-title-send-sms = Send SMS
page-title-contacts = Contacts
page-title-senders = Sender names
page-title-subusers = Subusers
page-title-subuser-security-log = A subuser's security log
page-title-not-found = Page not found
page-title-activity = Activity

not-found-eyebrow = Error 404
not-found-title = Page not found
not-found-text = The address may be mistyped, or the page may have moved.
not-found-home = Go to your dashboard
no-access-eyebrow = No access
no-access-title = You don't have access to this page
no-access-text = Your login does not include this part of the portal. If you need it, ask the account's owner to give you the permission.

field-optional = optional
field-email = E-mail address

format-month-short = { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}
format-duration-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
format-duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
format-duration-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}

tab-tokens = Tokens
tab-oauth-clients = OAuth2 clients
tab-api-allowlist = IP allowlist
tab-send-sms = Send SMS
tab-contacts = Contacts
tab-senders = Sender names
tab-sessions = Sessions
tab-two-factor = Two-factor
tab-password = Password
tab-portal-allowlist = Portal allowlist
tab-security-log = Security log

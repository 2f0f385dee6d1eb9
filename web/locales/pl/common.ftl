# Ramka strony: nagłówek, nawigacja, menu konta, stopka, przełącznik języka, tytuły stron
# i słowa, którymi portal formatuje wartości.

brand-name = Portcullis
layout-footer = Bramka SMS Portcullis · Portal klienta

nav-main-label = Główne
nav-menu = Menu
nav-dashboard = Pulpit
nav-messaging = Wiadomości
nav-security = Bezpieczeństwo
nav-api-access = Dostęp do API
nav-countries = Kraje
nav-subusers = Subkonta
nav-log-in = Zaloguj się
nav-create-account = Utwórz konto

account-menu-label = — menu konta
account-menu-signed-in-as = Zalogowano jako
account-menu-dashboard = Pulpit
account-menu-sessions = Sesje
account-menu-security-log = Dziennik bezpieczeństwa
account-menu-password = Hasło
account-logging-out = Wylogowywanie…
account-log-out = Wyloguj się
account-log-out-failed = Nie udało się wylogować. { $reason }

language-switch-label = Język

guard-loading-account = Wczytywanie konta…
guard-loading-portal = Wczytywanie portalu…

page-title = { $page } · Portcullis
page-title-portal = Portal klienta
page-title-dashboard = Pulpit
page-title-tokens = Tokeny API
page-title-api-allowlist = Lista dozwolonych adresów API
page-title-oauth-clients = Klienci OAuth2
page-title-countries = Kraje
page-title-login = Logowanie
page-title-signup = Zakładanie konta
page-title-security-log = Dziennik bezpieczeństwa
page-title-sessions = Sesje
page-title-portal-allowlist = Lista dozwolonych adresów portalu
page-title-password = Hasło
page-title-forgot-password = Resetowanie hasła
page-title-verify-email = Potwierdzenie adresu e-mail
page-title-reset-password = Nowe hasło
page-title-two-factor = Uwierzytelnianie dwuskładnikowe
page-title-send-sms = Wyślij SMS
page-title-contacts = Kontakty
page-title-senders = Nazwy nadawcy
page-title-subusers = Subkonta
page-title-subuser-security-log = Dziennik bezpieczeństwa subkonta
page-title-not-found = Nie znaleziono strony
page-title-activity = Aktywność

not-found-eyebrow = Błąd 404
not-found-title = Nie znaleziono strony
not-found-text = Adres może zawierać literówkę albo strona została przeniesiona.
not-found-home = Przejdź do pulpitu
no-access-eyebrow = Brak dostępu
no-access-title = Brak dostępu do tej strony
no-access-text = Ten login nie obejmuje tej części portalu. Uprawnienie do niej może nadać właściciel konta.

field-optional = opcjonalnie
field-email = Adres e-mail

format-month-short = { $month ->
    [1] sty
    [2] lut
    [3] mar
    [4] kwi
    [5] maj
    [6] cze
    [7] lip
    [8] sie
    [9] wrz
    [10] paź
    [11] lis
   *[12] gru
}
format-duration-hours = { $count ->
    [one] { $count } godzina
    [few] { $count } godziny
   *[many] { $count } godzin
}
format-duration-minutes = { $count ->
    [one] { $count } minuta
    [few] { $count } minuty
   *[many] { $count } minut
}
format-duration-seconds = { $count ->
    [one] { $count } sekunda
    [few] { $count } sekundy
   *[many] { $count } sekund
}

tab-tokens = Tokeny
tab-oauth-clients = Klienci OAuth2
tab-api-allowlist = Dozwolone adresy IP
tab-send-sms = Wyślij SMS
tab-contacts = Kontakty
tab-senders = Nazwy nadawcy
tab-sessions = Sesje
tab-two-factor = Uwierzytelnianie dwuskładnikowe
tab-password = Hasło
tab-portal-allowlist = Dozwolone adresy portalu
tab-security-log = Dziennik bezpieczeństwa

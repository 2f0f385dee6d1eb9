# Dziennik bezpieczeństwa.

securitylog-security = Bezpieczeństwo
securitylog-security-log = Dziennik bezpieczeństwa
securitylog-export-csv = Eksportuj CSV
securitylog-export-json = Eksportuj JSON
securitylog-clear-filters = Wyczyść filtry
securitylog-events = Zdarzenia
securitylog-search = Szukaj
securitylog-no-events-yet = Brak zdarzeń
securitylog-sign-ins-changes-refusals = Logowania, zmiany i odmowy pojawiają się tutaj na bieżąco.
securitylog-no-events-match-these = Żadne zdarzenie nie pasuje do filtrów
securitylog-show-more = Pokaż więcej
securitylog-loading = Wczytywanie…
securitylog-no-events-match = Brak pasujących zdarzeń.
securitylog-when-utc = Kiedy (UTC)
securitylog-event = Zdarzenie
securitylog-by = Kto
securitylog-address = Adres
securitylog-browser = Przeglądarka
securitylog-details = Szczegóły
securitylog-events-filters-below-show = Zdarzenia wybrane filtrami poniżej, jako plik arkusza kalkulacyjnego
securitylog-events-filters-below-show-2 = Zdarzenia wybrane filtrami poniżej, jako plik JSON
securitylog-filter-security-log = Filtruj dziennik bezpieczeństwa
securitylog-e-mail-address-event = E-mail, adres, zdarzenie…
securitylog-from-utc = Od (UTC)
securitylog-to-utc = Do (UTC)
securitylog-time-range = Zakres czasu
securitylog-security-log-events = Zdarzenia dziennika bezpieczeństwa
securitylog-all-events = Wszystkie zdarzenia
securitylog-last-24-hours = Ostatnie 24 godziny
securitylog-last-7-days = Ostatnie 7 dni
securitylog-last-30-days = Ostatnie 30 dni
securitylog-words-search = wyszukiwanie „{ $q }”
securitylog-words-between = od { $from } do { $to }
securitylog-words-from = od { $from }
securitylog-words-to = do { $to }
securitylog-load-failed = Nie udało się wczytać dziennika bezpieczeństwa. { $reason }
securitylog-showing = { $count ->
    [one] Wyświetlono { $count } zdarzenie.
    [few] Wyświetlono { $count } zdarzenia.
   *[many] Wyświetlono { $count } zdarzeń.
}
securitylog-showing-more = { $count ->
    [one] Wyświetlono { $count } zdarzenie; są starsze.
    [few] Wyświetlono { $count } zdarzenia; są starsze.
   *[many] Wyświetlono { $count } zdarzeń; są starsze.
}
securitylog-nothing-found = Nic nie znaleziono dla: { $filters }.
securitylog-actor-you = Ty
securitylog-actor-anonymous = Ktoś niezalogowany
securitylog-actor-operator = Operator bramki
securitylog-kind = { $kind ->
    [signup] Utworzono konto
    [login_succeeded] Zalogowano
    [login_failed] Nieudane logowanie
    [logout] Wylogowano
    [session_expired] Sesja wygasła
    [session_revoked] Zakończono sesje
    [session_timeout_changed] Zmieniono limit bezczynności
    [account_locked] Zablokowano logowanie
    [two_factor_enabled] Włączono uwierzytelnianie dwuskładnikowe
    [two_factor_disabled] Wyłączono uwierzytelnianie dwuskładnikowe
    [two_factor_policy_changed] Zmieniono wymóg uwierzytelniania dwuskładnikowego
    [recovery_codes_generated] Odnowiono kody odzyskiwania
    [recovery_code_used] Użyto kodu odzyskiwania
    [device_trusted] Dodano zaufane urządzenie
    [device_removed] Usunięto urządzenie
    [password_changed] Zmieniono hasło
    [password_reset_requested] Poproszono o reset hasła
    [password_reset] Zresetowano hasło
    [password_policy_changed] Zmieniono zasady haseł
    [portal_allowlist_changed] Zmieniono listę dozwolonych adresów portalu
    [api_allowlist_changed] Zmieniono listę dozwolonych adresów API
    [token_created] Utworzono token
    [token_changed] Zmieniono token
    [token_deleted] Usunięto token
    [token_expiry_warned] Wysłano ostrzeżenie o wygaśnięciu tokenu
    [oauth_client_created] Zarejestrowano klienta OAuth
    [oauth_client_changed] Zmieniono klienta OAuth
    [oauth_client_deleted] Usunięto klienta OAuth
    [api_call_refused] Odrzucono wywołanie API
    [country_filter_changed] Zmieniono kraje
    [subuser_created] Utworzono subkonto
    [subuser_updated] Zmieniono subkonto
    [subuser_disabled] Wyłączono subkonto
    [subuser_enabled] Włączono subkonto
    [subuser_deleted] Usunięto subkonto
    [subuser_invited] Zaproszono subkonto
    [sms_budget_exhausted] Odrzucono SMS z kodem: budżet wyczerpany
    [sms_country_paused] Wstrzymano SMS z kodem: kraj wstrzymany
    [authenticator_limits_changed] Zmieniono limity SMS Authenticator
    [trial_restriction_lifted] Zezwolono na wysyłkę za granicę
    [points_adjusted] Operator skorygował punkty
    [sign_in_lock_lifted] Operator zdjął blokadę logowania
    [sender_decided] Rozpatrzono nazwę nadawcy
    [account_suspended] Operator zawiesił konto
    [account_reinstated] Operator przywrócił konto
    [stream_configured] Ustawiono strumień dziennika
    [stream_removed] Usunięto strumień dziennika
    [stream_secret_rotated] Zmieniono sekret strumienia dziennika
    [stream_test] Test strumienia dziennika
    [passkey_added] Dodano klucz dostępu
    [passkey_removed] Usunięto klucz dostępu
    [token_used_from_new_network] Użyto poświadczenia z nowej sieci
    [token_leak_reported] Zgłoszono wyciek poświadczenia i je unieważniono
    [token_regenerated] Wygenerowano ponownie token
    [oauth_client_secret_rotated] Zmieniono sekret klienta OAuth
   *[other] Inne zdarzenie
}

# Nazwy szczegółów dziennika bezpieczeństwa.
securitylog-key-action = Działanie
securitylog-key-balance = Saldo
securitylog-key-calling-code = Numer kierunkowy
securitylog-key-change = Zmiana
securitylog-key-client-id = Klient
securitylog-key-confirmed-lockout = Potwierdzone odcięcie
securitylog-key-count = Liczba
securitylog-key-countries = Kraje
securitylog-key-country = Kraj
securitylog-key-delta = Zmiana salda
securitylog-key-device-id = Urządzenie
securitylog-key-email = E-mail
securitylog-key-entry = Wpis
securitylog-key-expires-at = Wygasa
securitylog-key-fallback = Metoda zapasowa
securitylog-key-first-at = Pierwszy raz
securitylog-key-home-country = Kraj konta
securitylog-key-idle-timeout-secs = Limit bezczynności (s)
securitylog-key-invited = Zaproszono
securitylog-key-last-at = Ostatni raz
securitylog-key-method = Metoda
securitylog-key-name = Nazwa
securitylog-key-network = Sieć
securitylog-key-new-device = Nowe urządzenie
securitylog-key-other-sessions-ended = Zakończone inne sesje
securitylog-key-passkey-id = Klucz dostępu
securitylog-key-passkey-refusal = Odmowa klucza dostępu
securitylog-key-passwordless = Bez hasła
securitylog-key-pending-dropped = Porzucone oczekujące
securitylog-key-per-number-per-day = Na numer dziennie
securitylog-key-previous = Poprzednio
securitylog-key-previous-secs = Poprzedni okres (s)
securitylog-key-previous-token-id = Poprzedni token
securitylog-key-purpose = Cel
securitylog-key-reason = Powód
securitylog-key-require-phishing-resistant = Wymagane odporne na phishing
securitylog-key-required-for-all-users = Wymagane od wszystkich
securitylog-key-rotation-days = Zmiana co (dni)
securitylog-key-rotation-required = Wymagana zmiana
securitylog-key-scope = Uprawnienie
securitylog-key-scopes = Uprawnienia
securitylog-key-sender = Nadawca
securitylog-key-sessions-ended = Zakończone sesje
securitylog-key-subuser-id = Subkonto
securitylog-key-token-id = Token
securitylog-key-tokens-revoked = Unieważnione tokeny
securitylog-key-trusted-devices-forgotten = Zapomniane zaufane urządzenia
securitylog-key-until = Do
securitylog-key-url = Adres URL
securitylog-value-yes = tak
securitylog-value-no = nie

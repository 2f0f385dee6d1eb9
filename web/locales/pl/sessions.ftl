# Sesje: limit bezczynności, aktywne sesje i historia logowań.

sessions-load-older-sign-ins = Wczytaj starsze logowania
sessions-loading = Wczytywanie…
sessions-no-sign-attempts-yet = Nie było jeszcze prób logowania.
sessions-when = Kiedy
sessions-result = Wynik
sessions-address = Adres
sessions-device = Urządzenie
sessions-sign-history = Historia logowań
sessions-loading-sessions = Wczytywanie sesji…
sessions-security = Bezpieczeństwo
sessions-sessions = Sesje
sessions-where-account-signed-portal = Gdzie konto jest teraz zalogowane do portalu oraz każda próba logowania. Zakończ każdą nieznaną sesję, a potem zmień hasło.
sessions-inactivity-timeout = Limit bezczynności
sessions-active-sessions = Aktywne sesje
sessions-login-history = Historia logowań
sessions-signed = Zalogowano
sessions-last-active = Ostatnia aktywność
sessions-actions = Działania
sessions-session = Ta sesja
sessions-logging-out = Wylogowywanie…
sessions-log-out = Wyloguj
sessions-log-out-other-sessions = Wyloguj pozostałe sesje
sessions-log-out-everywhere = Wyloguj wszędzie
sessions-log-out-others = Wyloguj pozostałe
sessions-log-out-everywhere-2 = Wylogować wszędzie?
sessions-sign-out-after = Wyloguj po
sessions-outcome-succeeded = Zalogowano
sessions-outcome-wrong-password = Błędne hasło
sessions-outcome-second-factor-failed = Drugi składnik odrzucony
sessions-outcome-new-device-failed = Nowe urządzenie niepotwierdzone
sessions-outcome-ip-blocked = Zablokowano: niedozwolony adres
sessions-outcome-locked = Zablokowano: logowanie zablokowane
sessions-outcome-unknown = Nieudane
sessions-history-failed = Nie udało się wczytać historii logowań. { $reason }
sessions-load-failed = Nie udało się wczytać sesji. { $reason }
sessions-logged-out-toast = Sesja wylogowana
sessions-now = Teraz
sessions-log-out-one = Wyloguj { $device } z adresu { $address }
sessions-log-out-others-detail = Każda inna przeglądarka i urządzenie zalogowane na ten login będą musiały zalogować się ponownie; ta sesja pozostaje aktywna. Tokeny API i klienci OAuth działają dalej.
sessions-log-out-everywhere-detail = Wszystkie sesje portalu, łącznie z tą, kończą się natychmiast: nastąpi powrót do strony logowania, a każda inna zalogowana przeglądarka będzie musiała zalogować się ponownie. Tokeny API i klienci OAuth działają dalej.
sessions-others-question = { $count ->
    [one] Wylogować drugą sesję?
    [few] Wylogować { $count } pozostałe sesje?
   *[many] Wylogować { $count } pozostałych sesji?
}
sessions-others-ended = { $count ->
    [one] Druga sesja została wylogowana.
    [few] Wylogowano { $count } pozostałe sesje.
   *[many] Wylogowano { $count } pozostałych sesji.
}
sessions-timeout-hint = Sesje portalu kończą się po takim czasie bez aktywności. Dotyczy od razu wszystkich otwartych sesji. Domyślnie na serwerze: { $default }.
sessions-timeout-saved = Zapisano. Limit bezczynności: { $duration }.

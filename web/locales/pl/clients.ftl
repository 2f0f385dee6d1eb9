# Klienci OAuth2: lista, formularz rejestracji, nowy sekret i sposób użycia.

clients-oauth2-clients = Klienci OAuth2
clients-client-holds-id-secret = Klient ma identyfikator i sekret, które wymienia na krótkotrwały token dostępu (przepływ client credentials OAuth2). Token, który wycieknie, sam wygaśnie; wyłączenie klienta natychmiast unieważnia wszystkie wydane mu tokeny.
clients-clients = Klienci
clients-count = { $count ->
    [one] { $count } klient
    [few] { $count } klientów
   *[many] { $count } klientów
}
clients-loading = Wczytywanie klientów…
clients-load-failed = Nie udało się wczytać klientów.
clients-deleted-toast = Klient OAuth2 usunięty
clients-registered-toast = Zarejestrowano klienta { $name }
clients-register-client-2 = Zarejestruj klienta
clients-how-use-client = Jak używać klienta
clients-usage-before = Poproś punkt końcowy tokenów o token dostępu z uwierzytelnianiem HTTP Basic, a potem wysyłaj go jako token typu Bearer. O nowy poproś po upływie
clients-usage-after = sekund.
clients-new-secret-title = Nowy sekret klienta „{ $name }”
clients-registered-title = Zarejestrowano klienta „{ $name }”
clients-previous-until = Poprzedni sekret działa do { $until }; przełącz system na nowy przed tym terminem.
clients-previous-secret-no-longer = Poprzedni sekret już nie działa.
clients-give-system-both-values = Przekaż systemowi obie poniższe wartości.
clients-copy-secret-now-you = Skopiuj sekret teraz — nie będzie już widoczny.
clients-portcullis-keeps-only-what-2 = Portcullis przechowuje tylko to, co potrzebne do jego sprawdzenia. Po utracie usuń klienta i zarejestruj nowego.
clients-ive-stored-safely = Zapisano w bezpiecznym miejscu
clients-client-id = Identyfikator klienta
clients-copy-client-id = Kopiuj identyfikator klienta
clients-client-secret = Sekret klienta
clients-copy-secret = Kopiuj sekret
clients-empty-title = Brak klientów OAuth2
clients-empty-text = Zarejestruj klienta poniżej, gdy system ma sam pobierać krótkotrwałe tokeny dostępu zamiast trzymać długotrwały token API.
clients-delete-client = Usuń klienta
clients-delete-warning = Jego sekret i wszystkie wydane mu tokeny dostępu natychmiast przestaną działać. Tej operacji nie można cofnąć.
clients-name-required = Nadaj klientowi nazwę.
clients-edit-permissions = Edytuj uprawnienia
clients-save-permissions = Zapisz uprawnienia
clients-replace-secret = Zmień sekret
clients-replace-question = Zmienić sekret klienta „{ $name }”?
clients-replace-warning = Powstanie nowy sekret, pokazany jeden raz. Wydane już tokeny dostępu działają do wygaśnięcia.
clients-replacing = Zmienianie…
clients-disabled-note = Wyłączony: punkt końcowy tokenów odrzuca tego klienta, a wydane mu tokeny też są odrzucane. Włącz go, aby znów działały.
clients-access-tokens-last = Ważność tokenów dostępu
clients-registered = Zarejestrowano
clients-last-used = Ostatnie użycie
clients-permissions-client = Uprawnienia tego klienta
clients-tokens-already-issued-lose = Wydane już tokeny tracą odebrane uprawnienia.
clients-name-placeholder = np. system rozliczeń
clients-scopes-client-may-ask = Zakresy, o które klient może prosić. Jego tokeny nie dostaną więcej.
clients-shorter-safer-client-simply = Krócej znaczy bezpieczniej: klient po prostu prosi o nowy token, gdy poprzedni wygaśnie.
clients-allowlist-hint = Jeden adres lub zakres w wierszu. Klient i jego tokeny działają tylko z tych adresów; puste: każdy adres, na który pozwala lista dozwolonych adresów API konta.
clients-registering = Rejestrowanie…
clients-register-client = Zarejestruj klienta
clients-lifetime-1-hour = 1 godzina (zalecane)
clients-lifetime-15-minutes = 15 minut
clients-lifetime-8-hours = 8 godzin
clients-lifetime-24-hours = 24 godziny
clients-lifetime-out-of-range = Wybierz czas ważności od 1 minuty do 24 godzin.
clients-rotated-toast = Nowy sekret klienta { $name }

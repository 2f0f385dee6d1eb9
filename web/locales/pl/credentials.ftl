# Wspólne dla tokenów API i klientów OAuth2: wiersz poświadczenia, zasady, sieci, pola
# nowego poświadczenia, wybór uprawnień i przycisk kopiowania.

credentials-refresh-failed = Nie udało się odświeżyć listy.
credentials-active = Aktywny
credentials-disabled = Wyłączony
credentials-expired = Wygasł
credentials-disabling = Wyłączanie…
credentials-disable = Wyłącz
credentials-enabling = Włączanie…
credentials-enable = Włącz
credentials-confirm-deletion = Potwierdź usunięcie
credentials-delete-question = Usunąć „{ $name }”?
credentials-deleting = Usuwanie…
credentials-delete = Usuń
credentials-cancel = Anuluj
credentials-confirm-label = Potwierdź: { $action }
credentials-keep-old-secret-working = Stary sekret ma działać jeszcze przez
credentials-stop-now = Wyłącz od razu
credentials-overlap-days = { $count ->
    [one] { $count } dzień
   *[other] { $count } dni
}
credentials-overlap-none-hint = Stary sekret przestanie działać w chwili potwierdzenia.
credentials-overlap-hint = Do tego czasu działają oba sekrety, więc można przełączyć systemy; potem działa już tylko nowy.
credentials-saving = Zapisywanie…
credentials-save-policy = Zapisz zasady
credentials-new = Nowy
credentials-edit-policy = Edytuj zasady
credentials-permissions = Uprawnienia
credentials-previous-secret = Poprzedni sekret
credentials-previous-works-until = Działa jeszcze do { $at }
credentials-stopping = Wyłączanie…
credentials-policy = Zasady
credentials-no-limits-own = Bez własnych limitów
credentials-ip-allowlist = Lista dozwolonych adresów IP
credentials-any-address-account-allows = Każdy adres dozwolony dla konta
credentials-networks-used-2 = Sieci, z których korzystano
credentials-from = z adresu
credentials-never-used = Nigdy nieużyty
credentials-line = Wiersz { $line }
credentials-name = Nazwa
credentials-something-recognise-like-system = Coś, po czym łatwo go rozpoznać, np. system, który będzie go używać.
credentials-name-too-long = Użyj najwyżej { $max } znaków.
credentials-scopes-required = Wybierz co najmniej jedno uprawnienie.
credentials-scopes-hint = Wybierz tylko to, czego potrzebuje integracja.
credentials-allow-more-addresses-while = Zezwól tymczasowo na więcej adresów
credentials-temporary-addresses = Adresy tymczasowe
credentials-hotel-conference-network-allowed = Sieć hotelowa lub konferencyjna: dozwolona do czasu wybranego poniżej, potem znów odrzucana. Wymaga co najmniej jednego stałego adresu powyżej.
credentials-allowed = Dozwolone
credentials-rules-credential-obeys-top = Zasady obowiązujące to poświadczenie oprócz zasad konta. Puste pola: bez limitu.
credentials-only-send-some-accounts = Wysyłaj tylko do niektórych krajów konta
credentials-countries = Kraje
credentials-only-send-within-set = Wysyłaj tylko w wyznaczonych godzinach
credentials-points-day = Punkty dziennie
credentials-points-month = Punkty miesięcznie
credentials-requests-minute = Żądania na minutę
credentials-policy-not-positive = Wpisz liczbę całkowitą nie mniejszą niż 1 albo zostaw puste, aby nie było limitu.
credentials-policy-countries-required = Wybierz co najmniej jeden kraj albo zezwól na wszystkie kraje filtra.
credentials-policy-days-required = Wybierz co najmniej jeden dzień.
credentials-policy-filter-loading = Wczytywanie filtra krajów konta…
credentials-policy-filter-empty = Filtr krajów konta nie dopuszcza żadnego kraju.
credentials-policy-filter-failed = Nie udało się odczytać filtra krajów konta.
credentials-networks-used = Używane sieci
credentials-loading-networks = Wczytywanie sieci…
credentials-not-used-yet = Jeszcze nieużywany
credentials-network = Sieć
credentials-first-used = Pierwsze użycie
credentials-last-used = Ostatnie użycie
credentials-calls = Wywołania
credentials-refuse-calls-new-networks = Odrzucaj wywołania z nowych sieci
credentials-pinned-calls-network-24 = Po przypięciu wywołania z sieci (/24, dla IPv6 /48), z której nie korzystano, są odrzucane. Przypięcie przed pierwszym użyciem zachowuje pierwszą sieć.
credentials-copy = Kopiuj
credentials-copied = Skopiowano
credentials-copy-by-hand = Zaznacz i skopiuj ręcznie

# Zasady dostępu w jednym wierszu, do listy.
policy-words-no-countries = Żadnych krajów
policy-words-countries-only = Tylko { $countries }
policy-words-points-day = { $count } pkt/dzień
policy-words-points-month = { $count } pkt/miesiąc
policy-words-requests-minute = { $count } żądań/min
policy-words-no-limits = Bez limitów

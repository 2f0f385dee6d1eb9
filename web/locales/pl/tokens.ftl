# Tokeny API: lista, formularz nowego tokenu i jego sekret.

tokens-api-tokens = Tokeny API
tokens-lead-before = Tokeny pozwalają własnym systemom wywoływać API Portcullis. Każdej integracji daj osobny token z tylko potrzebnymi uprawnieniami; wywołanie musi też pochodzić z adresu, na który pozwala
tokens-api-ip-allowlist = lista dozwolonych adresów API
tokens-lead-after = .
tokens-tokens = Tokeny
tokens-count = { $count ->
    [one] { $count } token
    [few] { $count } tokeny
   *[many] { $count } tokenów
}
tokens-loading = Wczytywanie tokenów…
tokens-load-failed = Nie udało się wczytać tokenów.
tokens-new-token = Nowy token
tokens-deleted-toast = Token usunięty
tokens-created-toast = Utworzono token { $name }
tokens-empty-title = Brak tokenów API
tokens-empty-text = Utwórz token poniżej, aby własne systemy mogły przez API wysyłać SMS-y, zarządzać kontaktami lub sprawdzać saldo.
tokens-delete-token = Usuń token
tokens-delete-warning = Wywołania z jego użyciem będą odrzucane od następnego. Tej operacji nie można cofnąć.
tokens-name-required = Nadaj tokenowi nazwę.
tokens-edit-allowlist = Edytuj listę dozwolonych adresów
tokens-save-allowlist = Zapisz listę dozwolonych adresów
tokens-regenerate = Wygeneruj ponownie
tokens-regenerate-question = Wygenerować ponownie „{ $name }”?
tokens-regenerate-warning = Powstanie nowy sekret z tą samą nazwą, uprawnieniami, czasem ważności, listą dozwolonych adresów i zasadami. Obecny sekret przestaje działać od razu: wywołania z jego użyciem będą odrzucane od następnego.
tokens-regenerate-token = Wygeneruj token ponownie
tokens-regenerating = Generowanie…
tokens-expired-note = Wygasłego tokenu nie można ponownie włączyć. Utwórz nowy token, a ten usuń.
tokens-token = Token
tokens-created = Utworzono
tokens-expired = Wygasł
tokens-expires = Wygasa
tokens-never = Nigdy
tokens-last-used = Ostatnie użycie
tokens-ip-allowlist-token = Lista dozwolonych adresów tego tokenu
tokens-one-address-range-per = Jeden adres lub zakres w wierszu. Puste: każdy adres, na który pozwala lista dozwolonych adresów API konta. Wpis tymczasowy kończy się o czasie podanym po „until”; usuń „until …”, aby go zachować.
tokens-name-placeholder = np. integracja z CRM
tokens-token-stops-working-end = Token przestaje działać z końcem ostatniego dnia (UTC).
tokens-last-day = Ostatni dzień
tokens-stops-working-end-day = Przestaje działać z końcem tego dnia (UTC).
tokens-token-never-expires-keeps = Token bez daty wygaśnięcia działa wszędzie, dokąd wycieknie, dopóki ktoś tego nie zauważy. Lepiej ustawić wygaśnięcie i utworzyć nowy token, gdy minie; lista kontrolna bezpieczeństwa na pulpicie pokazuje tokeny bez daty wygaśnięcia.
tokens-allowlist-hint = Jeden adres lub zakres w wierszu. Puste: każdy adres, na który pozwala lista dozwolonych adresów API konta.
tokens-creating-token = Tworzenie tokenu…
tokens-create-token = Utwórz token
tokens-expiry-7-days = Za 7 dni
tokens-expiry-30-days = Za 30 dni
tokens-expiry-90-days = Za 90 dni
tokens-expiry-on-date = W wybranym dniu…
tokens-expiry-never = Nigdy
tokens-expiry-invalid-date = Wpisz datę w formacie 2027-01-31.
tokens-created-title = Utworzono token „{ $name }”
tokens-regenerated-title = Wygenerowano ponownie token „{ $name }”
tokens-use-bearer-token = Używaj go jako tokenu typu Bearer:
tokens-copy-new-secret-now = Skopiuj nowy sekret teraz — nie będzie już widoczny. Stary przestał działać.
tokens-copy-now-you-wont = Skopiuj go teraz — nie będzie już widoczny.
tokens-portcullis-keeps-only-what = Portcullis przechowuje tylko to, co potrzebne do sprawdzenia tokenu, a nie sam token. Po jego utracie usuń token i utwórz nowy.
tokens-ive-stored-safely = Zapisano w bezpiecznym miejscu
tokens-copy-token = Kopiuj token
tokens-regenerated-toast = Nowy sekret tokenu { $name }; stary już nie działa

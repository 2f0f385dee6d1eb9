# Kontakty: lista, wyszukiwanie, grupy, import i eksport CSV.

contacts-loading-contacts = Wczytywanie kontaktów…
contacts-no-contact-matches = Żaden kontakt nie pasuje
contacts-try-another-text-group = Spróbuj innego tekstu lub grupy.
contacts-no-contacts-yet = Brak kontaktów
contacts-add-one-below-import = Dodaj kontakt poniżej albo zaimportuj plik CSV.
contacts-accounts-contacts-you-may = Tutaj pojawią się kontakty konta dostępne dla tego loginu.
contacts-messaging = Wiadomości
contacts-contacts = Kontakty
contacts-people-you-text-groups = Osoby, do których wysyłane są SMS-y, w grupach. Do całej grupy można wysłać z Wyślij SMS (Wielu odbiorców) lub przez API.
contacts-contacts-2 = Kontakty
contacts-export-these-csv = Eksportuj te kontakty do CSV
contacts-export-csv = Eksportuj do CSV
contacts-search = Szukaj
contacts-loading = Wczytywanie…
contacts-show-more = Pokaż więcej
contacts-add-contact = Dodaj kontakt
contacts-phone = Telefon
contacts-name = Imię i nazwisko
contacts-e-mail = E-mail
contacts-groups = Grupy
contacts-actions = Działania
contacts-none = Brak
contacts-change = Zmień
contacts-deleting = Usuwanie…
contacts-delete = Usuń
contacts-cancel = Anuluj
contacts-no-groups-yet-group = Brak grup. Grupa pozwala wysłać SMS do wielu kontaktów naraz.
contacts-no-groups-shared-you = Żadna grupa nie jest udostępniona temu loginowi.
contacts-create-group = Utwórz grupę
contacts-save = Zapisz
contacts-rename = Zmień nazwę
contacts-import-csv = Import z CSV
contacts-header-row-naming = Wiersz nagłówka z kolumną
contacts-group-names-separated-columns = (nazwy grup rozdzielone znakiem ;) — to kolumny eksportu. Poprawne wiersze zostaną zaimportowane, a każdy pozostały pokazany z przyczyną.
contacts-csv-file = Plik CSV
contacts-importing = Importowanie…
contacts-import = Importuj
contacts-line = Wiersz
contacts-column = Kolumna
contacts-why = Przyczyna
contacts-name-phone-e-mail = Imię, telefon lub e-mail
contacts-group = Grupa
contacts-contact-removed-every-group = Kontakt zostanie usunięty ze wszystkich grup. Wiadomości już wysłane na ten numer zostaną w historii.
contacts-delete-contact = Usuń kontakt
contacts-international-format = Format międzynarodowy.
contacts-first-name = Imię
contacts-last-name = Nazwisko
contacts-no-groups-yet-make = Brak grup: utwórz grupę poniżej w sekcji Grupy.
contacts-new-group = Nowa grupa
contacts-e-g-newsletter = np. Newsletter
contacts-contacts-stay-contacts-only = Jej kontakty zostaną w kontaktach; znika tylko grupa. Subkonta z dostępem do tej grupy go stracą.
contacts-delete-group = Usuń grupę
contacts-paste-rows = Albo wklej wiersze
contacts-rows-not-imported = Niezaimportowane wiersze
contacts-every-group = Wszystkie grupy
contacts-load-failed = Nie udało się wczytać kontaktów. { $reason }
contacts-change-phone = Zmień { $phone }
contacts-deleted-toast = Usunięto { $phone }
contacts-delete-phone = Usuń { $phone }
contacts-delete-question = Usunąć { $name }?
contacts-saved-toast = Zapisano { $phone }
contacts-saved = Zapisano { $phone }.
contacts-added-toast = Dodano { $phone }
contacts-added = Dodano { $phone }.
contacts-saving = Zapisywanie…
contacts-save-changes = Zapisz zmiany
contacts-add-contact-button = Dodaj kontakt
contacts-phone-required = Wpisz numer telefonu w formacie międzynarodowym, np. +48500100200.
contacts-groups-load-failed = Nie udało się wczytać grup. { $reason }
contacts-group-name-required = Nadaj grupie nazwę.
contacts-group-new-name = Nowa nazwa grupy { $name }
contacts-group-rename = Zmień nazwę { $name }
contacts-group-delete = Usuń grupę { $name }
contacts-group-delete-question = Usunąć grupę { $name }?
contacts-and-any-of = i dowolnymi z kolumn
contacts-and = oraz
contacts-csv-required = Wybierz plik CSV albo wklej jego wiersze.
contacts-imported = { $count ->
    [one] Zaimportowano { $count } kontakt.
    [few] Zaimportowano { $count } kontakty.
   *[many] Zaimportowano { $count } kontaktów.
}
contacts-skipped = { $count ->
    [one] { $count } wiersz nie został zaimportowany:
    [few] { $count } wiersze nie zostały zaimportowane:
   *[many] { $count } wierszy nie zostało zaimportowanych:
}
contacts-group-created-toast = Utworzono grupę { $name }
contacts-group-renamed-toast = Zmieniono nazwę grupy na { $name }
contacts-group-deleted-toast = Usunięto grupę { $name }; jej kontakty zostają
contacts-imported-toast = { $skipped ->
    [0] Zaimportowano kontakty: { $count }.
    [one] Zaimportowano kontakty: { $count }; pominięto 1 wiersz.
   *[other] Zaimportowano kontakty: { $count }; pominięte wiersze: { $skipped }.
}

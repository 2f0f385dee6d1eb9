# Listy dozwolonych adresów IP: API i portalu.

allowlist-open-any-address = Otwarta dla każdego adresu
allowlist-loading-allowlist = Wczytywanie listy dozwolonych adresów…
allowlist-api-access = Dostęp do API
allowlist-api-ip-allowlist = Lista dozwolonych adresów API
allowlist-addresses-systems-may-call = Adresy, z których systemy mogą wywoływać API Portcullis, niezależnie od użytego tokenu. To osobna lista od listy dozwolonych adresów logowania do portalu.
allowlist-empty-list = Pusta lista:
allowlist-api-calls-accepted-any = wywołania API są przyjmowane z każdego adresu.
allowlist-one-entry-more = Co najmniej jeden wpis:
allowlist-calls-every-other-address = wywołania z każdego innego adresu są odrzucane, z dowolnym tokenem.
allowlist-tokens-can-narrow-further = Tokeny mogą ją dalej zawęzić:
allowlist-tokens-own-ip-allowlist = własna lista dozwolonych adresów tokenu obowiązuje dodatkowo, więc wywołanie musi przejść obie. Ustawia się ją na
allowlist-allowed-addresses = Dozwolone adresy
allowlist-add-address-range = Dodaj adres lub zakres
allowlist-no-entries-calls-accepted = Brak wpisów: wywołania są przyjmowane zewsząd
allowlist-add-servers-addresses-below = Dodaj poniżej adresy swoich serwerów, aby odrzucać wywołania API z innych miejsc.
allowlist-removing = Usuwanie…
allowlist-remove = Usuń
allowlist-no-entries-allowlist-off = Bez wpisów lista jest wyłączona: wywołania API znów będą przyjmowane z każdego adresu, z każdym ważnym tokenem.
allowlist-remove-allow-every-address = Usuń i zezwól na każdy adres
allowlist-security = Bezpieczeństwo
allowlist-portal-ip-allowlist = Lista dozwolonych adresów portalu
allowlist-addresses-team-may-sign = Adresy, z których zespół może logować się do portalu i z niego korzystać. To osobna lista od listy dozwolonych adresów API, która ogranicza źródła wywołań API.
allowlist-address-server-sees = Adres tej przeglądarki widziany przez serwer:
allowlist-cancel = Anuluj
allowlist-no-entries-portal-can = Brak wpisów: z portalu można korzystać zewsząd
allowlist-add-offices-addresses-below = Dodaj poniżej adresy biur, aby odrzucać logowania z innych miejsc.
allowlist-no-entries-allowlist-off-2 = Bez wpisów lista jest wyłączona: z portalu znów będzie można korzystać z każdego adresu, każdemu, kto zna hasło loginu.
allowlist-remove-anyway = Usuń mimo to
allowlist-add-anyway = Dodaj mimo to
allowlist-adding = Dodawanie…
allowlist-add-allowlist = Dodaj do listy
allowlist-no-label = Bez etykiety
allowlist-address-range = Adres lub zakres
allowlist-ipv4-ipv6-address-cidr = Adres IPv4 lub IPv6, zakres CIDR albo para adres/maska.
allowlist-label = Etykieta
allowlist-temporary-entry-ends-itself = Wpis tymczasowy wygasa sam; zachowaj obok niego wpis stały.
allowlist-tokens-page = stronie tokenów
allowlist-load-failed = Nie udało się wczytać listy dozwolonych adresów. { $reason }
allowlist-restricted = { $count ->
    [one] Ograniczona · { $count } wpis
    [few] Ograniczona · { $count } wpisy
   *[many] Ograniczona · { $count } wpisów
}
allowlist-added-toast = Dodano { $entry }
allowlist-removed-toast = Usunięto { $entry }
allowlist-added-at = Dodano { $at }
allowlist-remove-entry = Usuń { $entry }
allowlist-remove-last-question = Usunąć { $entry }, ostatni wpis?
allowlist-value-required = Wpisz adres lub zakres, np. 203.0.113.7 lub 203.0.113.0/24.
allowlist-verdict-open = Lista jest pusta, więc z portalu można korzystać z każdego adresu.
allowlist-verdict-allowed = Jest na liście.
allowlist-verdict-refused = Nie ma go na liście: ta przeglądarka zostanie odrzucona.
allowlist-lockout-detail = Adresu tej przeglądarki widzianego przez serwer ({ $address }) nie byłoby na liście: przeglądarka zostałaby odrzucona przy następnym żądaniu, a powrót wymagałby dozwolonego adresu.
allowlist-overlaps = Pokrywa się z { $entries }
allowlist-lockout-removing = Usunięcie { $entry } odetnie dostęp.
allowlist-lockout-adding = Dodanie { $entry } odetnie dostęp.
allowlist-label-placeholder-office = np. Siedziba
allowlist-label-placeholder-servers = np. Biuro, serwery produkcyjne
allowlist-unknown-address = nieznany
allowlist-added-overlaps = Dodano. Pokrywa się z { $entries }, które już są na liście.

# E-maile o tokenach API i klientach OAuth. Wartość to treść, .subject to temat.
# $name to nazwa poświadczenia (już oczyszczona); $kind to token (token API)
# albo client (klient OAuth) – oba rodzaju męskiego, więc reszta zdania się nie zmienia.

token-expiry =
    Twój token API „{ $name }” ({ $hint }) wygaśnie { $expires_at }. Od tej chwili wywołania z jego użyciem będą odrzucane.

    Aby Twoja integracja działała dalej, utwórz nowy token i przełącz się na niego przed tym terminem: { $page }
    .subject = Twój token API „{ $name }” w Portcullis wkrótce wygaśnie

credential-new-network =
    { $kind ->
        [client] Twój klient OAuth
       *[token] Twój token API
    } „{ $name }” został użyty { $at } z adresu { $ip } (sieć { $network }), z której nie korzystał { $days ->
        [one] w ciągu ostatniego dnia
       *[other] w ciągu ostatnich { $days } dni
    }.

    Jeśli to Ty lub Twoja integracja, nie musisz nic robić. Jeśli nie, natychmiast go wyłącz lub usuń i zaznacz „Odrzucaj wywołania z nowych sieci”, aby ograniczyć go do znanych sieci: { $page }

    Wysyłamy najwyżej jedną taką wiadomość na godzinę dla { $kind ->
        [client] każdego klienta OAuth
       *[token] każdego tokenu API
    }; każda nowa sieć jest zapisywana w dzienniku bezpieczeństwa.
    .subject = { $kind ->
        [client] Twój klient OAuth
       *[token] Twój token API
    } „{ $name }” w Portcullis został użyty z nowej sieci

# Poświadczenie zgłoszone jako opublikowane. $leak: token-deleted (token API,
# usunięty), token-revoked (token dostępu klienta OAuth, unieważniony) albo
# client-disabled (sekret klienta OAuth: klient jest wyłączony).
credential-leak =
    { $leak ->
        [token-deleted] Otrzymaliśmy zgłoszenie, że Twój token API „{ $name }” został opublikowany w miejscu dostępnym dla innych. Token był prawdziwy, więc natychmiast go usunęliśmy: wywołania z jego użyciem są od teraz odrzucane.
        [token-revoked] Otrzymaliśmy zgłoszenie, że token dostępu wydany Twojemu klientowi OAuth „{ $name }” został opublikowany w miejscu dostępnym dla innych. Natychmiast unieważniliśmy ten token; sam klient działa dalej.
       *[client-disabled] Otrzymaliśmy zgłoszenie, że sekret Twojego klienta OAuth „{ $name }” został opublikowany w miejscu dostępnym dla innych. Natychmiast wyłączyliśmy klienta i unieważniliśmy sekret: jego tokeny są odrzucane, a nowe nie są wydawane.
    }
    .subject = { $leak ->
        [token-deleted] Twój token API „{ $name }” w Portcullis znaleziono publicznie i usunięto
        [token-revoked] Token dostępu Twojego klienta OAuth „{ $name }” w Portcullis znaleziono publicznie i unieważniono
       *[client-disabled] Sekret Twojego klienta OAuth „{ $name }” w Portcullis znaleziono publicznie
    }

# Gdzie go znaleziono, jeśli zgłoszenie to podało ($url, nieklikalny).
credential-leak-found =
    Znaleziono go pod adresem: { $url }
    (adres w zgłoszonej postaci, celowo nieklikalny)

credential-leak-advice =
    Usuń sekret z miejsca, w którym został opublikowany, utwórz nowe poświadczenie dla swojej integracji i sprawdź w dzienniku bezpieczeństwa, czy nie ma wywołań, których nie rozpoznajesz: { $page }

    Zgłoszono: { $at }.

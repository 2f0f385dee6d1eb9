# Aktywność: wykresy punktów, logowań, odrzuconych wywołań i kierunków wiadomości.

activity-counting-activity = Liczenie aktywności…
activity-activity = Aktywność
activity-what-happened-lately = Co się ostatnio działo
activity-period = Okres
activity-own-activity-messages-sign = Aktywność tego loginu: jego wiadomości, logowania i tokeny API. Dni według UTC.
activity-messages-you-send-show = Tu pojawią się wysyłane wiadomości, jeden słupek na dzień.
activity-points-per-day-table = Punkty dziennie w tabeli
activity-points-spent-per-day = Punkty wydane dziennie (UTC)
activity-day = Dzień
activity-points = Punkty
activity-messages = Wiadomości
activity-sign-ins-portal-show = Tu pojawią się logowania do portalu, jeden słupek na dzień.
activity-succeeded-solid = Udane (pełne)
activity-failed-striped-top = Nieudane (w paski, na górze)
activity-sign-ins-per-day = Logowania dziennie w tabeli
activity-sign-ins-per-day-2 = Logowania dziennie (UTC)
activity-succeeded = Udane
activity-failed = Nieudane
activity-nothing-draw = Nie ma czego narysować.
activity-refused-api-calls-reason = Odrzucone wywołania API według przyczyny
activity-messages-destination = Wiadomości według kraju docelowego
activity-points-per-day = Punkty dziennie
activity-points-spent-per-day-2 = Punkty wydane dziennie
activity-legend = Legenda
activity-sign-ins-per-day-3 = Logowania dziennie
activity-points-login = Punkty według loginu
activity-load-failed = Nie udało się wczytać aktywności. { $reason }
activity-last-days = Ostatnie { $days } dni
activity-scope-account = Całe konto: właściciel i wszystkie subkonta. Dni według UTC.
activity-column-reason = Przyczyna
activity-column-calls = Wywołania
activity-column-country = Kraj
activity-column-messages = Wiadomości
activity-column-login = Login
activity-login-you = { $email } (to konto)
activity-as-table = { $title } w tabeli
activity-unit-points = { $count ->
    [one] { $count } punkt
    [few] { $count } punkty
   *[many] { $count } punktów
}
activity-unit-messages = { $count ->
    [one] { $count } wiadomość
    [few] { $count } wiadomości
   *[many] { $count } wiadomości
}
activity-unit-sign-ins = { $count ->
    [one] { $count } logowanie
    [few] { $count } logowania
   *[many] { $count } logowań
}
activity-unit-refused-calls = { $count ->
    [one] { $count } odrzucone wywołanie
    [few] { $count } odrzucone wywołania
   *[many] { $count } odrzuconych wywołań
}
activity-period-words = { $days ->
    [1] dzisiaj
   *[other] w ciągu ostatnich { $days } dni
}
activity-points-none = Nie wydano punktów { $period }.
activity-points-spent = Wydano { $points } na { $messages } { $period }.
activity-points-most = Najwięcej { $day }: { $points }.
activity-sign-ins-none = Brak logowań { $period }.
activity-sign-ins-summary = Udane logowania: { $succeeded }, nieudane: { $failed } { $period }.
activity-sign-ins-most-failures = Najwięcej nieudanych { $day }: { $count }.
activity-sign-ins-no-failures = Brak nieudanych logowań.
activity-list-summary = { $total } { $period }. { $most }: { $top }, { $top_count }.
activity-list-nothing = { $nothing } { $period }.
activity-most-often = Najczęściej
activity-no-refused-calls = Brak odrzuconych wywołań API
activity-most-sent-to = Najwięcej do
activity-no-messages-sent = Brak wysłanych wiadomości
activity-most-spent-by = Najwięcej wydano przez
activity-no-points-spent = Nie wydano punktów

# Dlaczego wywołania API zostały odrzucone.
activity-refused-token-disabled = Token wyłączony
activity-refused-token-expired = Token wygasł
activity-refused-token-revoked = Token usunięty lub unieważniony
activity-refused-token-invalid = Nieprawidłowy token
activity-refused-token-ip = Adres spoza listy dozwolonych tokenu
activity-refused-account-ip = Adres spoza listy dozwolonych API
activity-refused-suspended = Konto zawieszone
activity-refused-scope = Token bez potrzebnego uprawnienia
activity-refused-other = Inne odmowy

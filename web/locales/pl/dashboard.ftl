# Pulpit: przegląd konta, lista kontrolna bezpieczeństwa, limity subkonta.

dashboard-eyebrow = Pulpit
dashboard-title = Konto
dashboard-activity-title = Aktywność
dashboard-activity-text = Wykresy: punkty wydane i logowania dziennie, odrzucone wywołania API oraz kraje, do których trafiły wiadomości.
dashboard-activity-link = Zobacz aktywność
dashboard-points-balance = Saldo punktów
dashboard-points-note = Przedpłacone środki na wysyłkę wiadomości
dashboard-session-expires = Sesja wygasa
dashboard-idle-note = Lub po okresie bezczynności: { $duration }
dashboard-account-details = Dane konta
dashboard-email = E-mail
dashboard-account-id = Identyfikator konta
dashboard-phone = Telefon komórkowy
dashboard-not-set = Nie ustawiono
dashboard-country = Kraj
dashboard-created = Utworzono
dashboard-this-session = Bieżąca sesja
dashboard-signed-in = Zalogowano
dashboard-ends-at-latest = Wygasa najpóźniej
dashboard-inactivity-timeout = Limit bezczynności

checklist-failed = Nie udało się sprawdzić ustawień bezpieczeństwa. { $reason }
checklist-score-label = Wynik bezpieczeństwa
checklist-checking = Sprawdzanie ustawień bezpieczeństwa…
checklist-title = Lista kontrolna bezpieczeństwa
checklist-summary = { $count ->
    [0] Nic do poprawienia.
    [one] { $count } rzecz do poprawienia.
    [few] { $count } rzeczy do poprawienia.
   *[many] { $count } rzeczy do poprawienia.
}
checklist-review = Przejrzyj
checklist-fix = Popraw
checklist-fix-now = Popraw teraz
checklist-done = Gotowe
checklist-worth-fixing = Warto poprawić
checklist-fix-first = Popraw najpierw

limits-title = Limity
limits-points = Punkty w tym miesiącu
limits-points-label = Punkty wykorzystane w tym miesiącu
limits-window = Wysyłka możliwa
limits-any-time = O dowolnej porze
limits-owner-sets = Limity ustala właściciel konta.
limits-used-of = Wykorzystano { $used } z { $limit } pkt
limits-used-unlimited = { $used ->
    [one] Wykorzystano { $used } punkt, bez limitu miesięcznego
    [few] Wykorzystano { $used } punkty, bez limitu miesięcznego
   *[many] Wykorzystano { $used } punktów, bez limitu miesięcznego
}

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

# Każdy punkt listy kontrolnej według tego, co sprawdza, i jego stanu.
check-two-factor-off = Logowanie dwuskładnikowe jest wyłączone
check-two-factor-off-detail = Każdy, kto zna Twoje hasło, może się zalogować, wydać Twoje punkty i przeczytać Twoje kontakty. Włącz aplikację uwierzytelniającą lub kody SMS.
check-two-factor-on = Logowanie dwuskładnikowe jest włączone
check-two-factor-on-detail = Logowanie wymaga hasła oraz { $methods }.
check-method-app = aplikacji uwierzytelniającej
check-method-sms = kodu SMS
check-method-or = { $first } lub { $second }
check-recovery-codes = { $count ->
    [one] Został 1 kod odzyskiwania
    [few] Zostały { $count } kody odzyskiwania
   *[other] Zostało { $count } kodów odzyskiwania
}
check-recovery-codes-few-detail = Wygeneruj nowe kody odzyskiwania, zanim się skończą: bez telefonu to jedyna droga do konta.
check-recovery-codes-detail = Każdy z nich wpuści Cię raz, jeśli stracisz aplikację uwierzytelniającą.
check-tokens-expire = Każdy token API wygasa
check-tokens-expire-detail = Token, który wycieknie, sam przestanie działać.
check-tokens-never-expire = { $count ->
    [one] 1 token API nigdy nie wygasa
    [few] { $count } tokeny API nigdy nie wygasają
   *[other] { $count } tokenów API nigdy nie wygasa
}
check-tokens-never-expire-detail = Token bez daty ważności działa po wycieku, dopóki ktoś tego nie zauważy. Zastąp go takim, który wygasa.
check-tokens-used = Żaden token API nie leży nieużywany
check-tokens-used-detail = Każdy aktywny token był użyty w ciągu ostatnich 90 dni.
check-tokens-unused = { $count ->
    [one] 1 token API nieużywany od 90 dni
    [few] { $count } tokeny API nieużywane od 90 dni
   *[other] { $count } tokenów API nieużywanych od 90 dni
}
check-tokens-unused-detail = Token, którego nikt nie używa, jest tylko ryzykiem: wyłącz go lub usuń.
check-api-allowlist-empty = API przyjmuje wywołania z każdego adresu
check-api-allowlist-empty-detail = Dodaj adresy swoich serwerów, a skradziony token zostanie odrzucony wszędzie indziej.
check-api-allowlist-set = Wywołania API są ograniczone do Twoich adresów
check-allowlist-entries = { $count ->
    [one] Dozwolony jest 1 adres lub zakres.
    [few] Dozwolone są { $count } adresy lub zakresy.
   *[other] Dozwolonych jest { $count } adresów lub zakresów.
}
check-portal-allowlist-empty = Z portalu można korzystać z każdego adresu
check-portal-allowlist-empty-detail = Dodaj adresy swoich biur, a skradzionego hasła nie da się użyć nigdzie indziej.
check-portal-allowlist-set = Logowanie jest ograniczone do Twoich adresów
check-countries-unused = { $count ->
    [one] 1 dozwolony kraj bez wiadomości od 90 dni
    [few] { $count } dozwolone kraje bez wiadomości od 90 dni
   *[other] { $count } dozwolonych krajów bez wiadomości od 90 dni
}
check-countries-unused-detail = Oszuści pompują SMS-y do drogich krajów: zezwól tylko na kraje, do których wysyłasz.
check-countries-narrow = Wiadomości trafiają tylko tam, dokąd je wysyłasz
check-countries-narrow-detail = Filtr krajów nie pozwala na więcej, niż wymaga Twój ruch.
check-subusers-two-factor = Każdy użytkownik loguje się dwuskładnikowo
check-subusers-two-factor-detail = Logowanie dwuskładnikowe jest wymagane od Twoich subkont.
check-subusers-without = { $count ->
    [one] 1 subkonto loguje się bez drugiego składnika
    [few] { $count } subkonta logują się bez drugiego składnika
   *[other] { $count } subkont loguje się bez drugiego składnika
}
check-subusers-without-detail = Wymagaj logowania dwuskładnikowego od każdego użytkownika na stronie Uwierzytelnianie dwuskładnikowe.

# Jak długo trwa wyjątek (wpis listy, dozwolony kraj) i ile mu zostało.

expiry-permanently = Na stałe
expiry-for-1-hour = Na 1 godzinę
expiry-for-1-day = Na 1 dzień
expiry-for-1-week = Na 1 tydzień
expiry-until-date = Do wybranej daty i godziny…
expiry-custom-required = Wybierz datę i godzinę końca.
expiry-custom-invalid = Wybierz prawidłową datę i godzinę.
expiry-ended = Wygasło
expiry-under-a-minute = Wygasa za niecałą minutę
expiry-ends-in-minutes = Wygasa za { $minutes } min
expiry-ends-in-hours = { $minutes ->
    [0] Wygasa za { $hours } godz.
   *[other] Wygasa za { $hours } godz. { $minutes } min
}
expiry-ends-in-days = { $days ->
    [one] Wygasa za { $days } dzień
   *[other] Wygasa za { $days } dni
}
expiry-allowed = Dozwolone
expiry-until = Do { $at }
expiry-until-label = Do
expiry-local-time = Czas lokalny.

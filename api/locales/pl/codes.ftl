# Kody jednorazowe wysyłane SMS-em (wartość) albo, gdy może je zastąpić e-mail,
# e-mailem (wartość jest wtedy treścią, a .subject tematem). Zmienne: $code (sam
# kod), $minutes (jak długo działa). Teksty SMS są krótkie: polskie znaki
# zmieniają kodowanie SMS-a na UCS-2 (70 znaków na część).

code-sign-in = Kod logowania do Portcullis: { $code }. Wygasa za { $minutes } { $minutes ->
        [one] minutę
        [few] minuty
        [many] minut
       *[other] minuty
    }. Nikomu go nie podawaj.
    .subject = Portcullis: kod logowania

code-new-device = Kod potwierdzenia logowania z nowego urządzenia w Portcullis: { $code }. Wygasa za { $minutes } { $minutes ->
        [one] minutę
        [few] minuty
        [many] minut
       *[other] minuty
    }. Jeśli to nie Ty, zmień hasło.
    .subject = Portcullis: potwierdź logowanie z nowego urządzenia

code-two-factor-setup = Kod włączenia uwierzytelniania dwuskładnikowego w Portcullis: { $code }. Wygasa za { $minutes } { $minutes ->
        [one] minutę
        [few] minuty
        [many] minut
       *[other] minuty
    }.
    .subject = Portcullis: kod włączenia uwierzytelniania dwuskładnikowego

code-step-up = Kod potwierdzenia zmiany zabezpieczeń w Portcullis: { $code }. Wygasa za { $minutes } { $minutes ->
        [one] minutę
        [few] minuty
        [many] minut
       *[other] minuty
    }.
    .subject = Portcullis: kod potwierdzenia zmiany zabezpieczeń

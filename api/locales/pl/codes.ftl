# Kody jednorazowe wysyłane SMS-em (wartość) albo, gdy może je zastąpić e-mail,
# e-mailem (wartość jest wtedy treścią, a .subject tematem). Zmienne: $code (sam
# kod), $minutes (jak długo działa). Polskie znaki zmieniają kodowanie SMS-a na
# UCS-2 (70 znaków na część), więc teksty są krótkie, a „min” się nie odmienia;
# test pilnuje, by kody logowania, włączenia 2FA i zmiany mieściły się w jednej części.

code-sign-in = Kod logowania do Portcullis: { $code }. Ważny { $minutes } min. Nie podawaj nikomu.
    .subject = Portcullis: kod logowania

code-new-device = Kod logowania z nowego urządzenia w Portcullis: { $code }. Ważny { $minutes } min. Jeśli to nie Ty, zmień hasło.
    .subject = Portcullis: potwierdź logowanie z nowego urządzenia

code-two-factor-setup = Kod włączenia uwierzytelniania 2FA w Portcullis: { $code }. Ważny { $minutes } min.
    .subject = Portcullis: kod włączenia uwierzytelniania dwuskładnikowego

code-step-up = Kod zmiany zabezpieczeń w Portcullis: { $code }. Ważny { $minutes } min.
    .subject = Portcullis: kod potwierdzenia zmiany zabezpieczeń

# Zakładanie konta, potwierdzanie adresu e-mail i ustawianie nowego hasła.

signup-sent-title = Sprawdź skrzynkę
signup-sent-text = { $hours ->
    [one] Wysłaliśmy wiadomość na adres { $address }. Otwórz zawarty w niej link w ciągu { $hours } godziny, aby potwierdzić adres i utworzyć konto.
   *[other] Wysłaliśmy wiadomość na adres { $address }. Otwórz zawarty w niej link w ciągu { $hours } godzin, aby potwierdzić adres i utworzyć konto.
}
signup-sent-help = Konto powstanie dopiero po otwarciu linku. Wiadomość nie dotarła w ciągu kilku minut? Sprawdź folder spamu albo zarejestruj się ponownie, aby otrzymać nowy link. Jeśli adres ma już konto, wiadomość wyjaśnia, jak się zalogować.
signup-back-to-login = Wróć do logowania
signup-title = Utwórz konto
signup-intro = Wysyłaj SMS-y w kilka minut. Rejestracja nie wymaga karty płatniczej.
signup-email = Służbowy adres e-mail
signup-email-hint = Wyślemy na niego link potwierdzający.
signup-password = Hasło
signup-password-hint = Co najmniej 8 znaków, w tym wielka litera i cyfra.
signup-phone = Telefon komórkowy
signup-phone-hint = W formacie międzynarodowym. Służy do kodów logowania.
signup-country = Kraj
signup-submitting = Tworzenie konta…
signup-submit = Utwórz konto
signup-have-account = Konto już założone?
signup-log-in = Zaloguj się

verify-incomplete-before = Ten link jest niekompletny. Otwórz ponownie link z wiadomości albo
verify-incomplete-link = zarejestruj się ponownie
verify-incomplete-after = , aby otrzymać nowy.
verify-intro = Potwierdź adres e-mail, aby utworzyć konto i się zalogować.
verify-submitting = Tworzenie konta…
verify-submit = Potwierdź i utwórz konto
verify-title = Potwierdź adres e-mail
verify-link-used = Link został użyty lub wygasł?
verify-sign-up-again = Zarejestruj się ponownie
verify-or = albo
verify-log-in = zaloguj się

password-new-hint = Co najmniej 8 znaków, w tym wielka litera i cyfra; inne niż 5 ostatnich haseł.

reset-request-title = Zresetuj hasło
reset-request-sent = Jeśli ten adres należy do konta, wysłaliśmy na niego link do ustawienia nowego hasła. Link działa raz, przez 30 minut.
reset-request-intro = Wpisz adres e-mail konta, a wyślemy link do ustawienia nowego hasła.
reset-request-sending = Wysyłanie…
reset-request-submit = Wyślij link
reset-back-to-login = Wróć do logowania
reset-title = Ustaw nowe hasło
reset-done = Nowe hasło zostało ustawione, a wszystkie sesje wylogowane.
reset-done-log-in = Zaloguj się nim
reset-incomplete = Ten link jest niekompletny. Otwórz ponownie link z wiadomości albo
reset-incomplete-link = poproś o nowy
reset-new-password = Nowe hasło
reset-saving = Zapisywanie…
reset-submit = Ustaw nowe hasło
reset-ask-again = Poproś o nowy link

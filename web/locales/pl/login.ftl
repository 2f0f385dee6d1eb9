# Karta logowania i jej krok z kodem.

login-title = Zaloguj się
login-intro = Witamy ponownie. Zaloguj się, aby zarządzać kontem SMS.
login-signed-out = Nastąpiło wylogowanie. Zaloguj się ponownie, aby kontynuować.
login-password = Hasło
login-submitting = Logowanie…
login-submit = Zaloguj się
login-passkey = Zaloguj się kluczem dostępu
login-forgot-password = Zapomniane hasło?
login-new-here = Pierwszy raz w Portcullis?
login-create-account = Utwórz konto
login-password-required = Wpisz hasło.

code-step-eyebrow = Krok 2 z 2
code-step-heading-new-device = Potwierdź tożsamość
code-step-heading-two-factor = Uwierzytelnianie dwuskładnikowe
code-step-prompt-totp = Wpisz 6-cyfrowy kod z aplikacji uwierzytelniającej.
code-step-prompt-recovery = Wpisz jeden z kodów odzyskiwania zapisanych przy włączaniu uwierzytelniania dwuskładnikowego. Każdy kod działa raz.
code-step-prompt-passkey = Użyj klucza dostępu: przeglądarka poprosi o odcisk palca, skan twarzy, PIN lub klucz bezpieczeństwa.
code-step-your-phone = numer telefonu
code-step-your-email = adres e-mail
code-step-prompt-new-device = Wpisz kod wysłany na { $destination }, aby potwierdzić to nowe urządzenie.
code-step-prompt-two-factor = Wpisz kod wysłany na { $destination }.
code-step-label-recovery = Kod odzyskiwania
code-step-label-totp = Kod z aplikacji uwierzytelniającej
code-step-label-passkey = Klucz dostępu
code-step-label-code = Kod
code-step-use-totp = Użyj aplikacji uwierzytelniającej
code-step-use-recovery = Użyj kodu odzyskiwania
code-step-use-passkey = Użyj klucza dostępu
code-step-use-texted = Użyj kodu z SMS-a
code-step-text-me = Wyślij kod SMS-em
code-step-use-emailed = Użyj kodu z e-maila
code-step-email-me = Wyślij kod e-mailem
code-step-code-required = Wpisz kod.
code-step-code-digits = Wpisz 6 cyfr kodu.
code-step-wait = { $seconds ->
    [one] Kolejny kod można zamówić za { $seconds } sekundę.
    [few] Kolejny kod można zamówić za { $seconds } sekundy.
   *[many] Kolejny kod można zamówić za { $seconds } sekund.
}
code-step-emailed-to = Nowy kod wysłano e-mailem na { $to }.
code-step-texted-to = Nowy kod wysłano SMS-em na { $to }.
code-step-sent = Wysłano nowy kod.
code-step-waiting-passkey = Oczekiwanie na klucz dostępu…
code-step-use-your-passkey = Użyj klucza dostępu
code-step-checking = Sprawdzanie…
code-step-submit = Potwierdź i zaloguj się
code-step-not-you = Nie to konto?
code-step-trust = Zaufaj tej przeglądarce
code-step-trust-hint = Przy następnym logowaniu w tej przeglądarce kod nie będzie potrzebny. Nie zaznaczaj na współdzielonym lub publicznym komputerze.
code-step-sending = Wysyłanie…
code-step-resend = Wyślij kod ponownie
code-step-other-ways = Inne sposoby potwierdzenia:
code-step-start-over = Zacznij od nowa
code-step-ended-title = To logowanie wygasło
code-step-ended-text = Czas na wpisanie kodu minął albo kod został już użyty. Zaloguj się ponownie adresem e-mail i hasłem.

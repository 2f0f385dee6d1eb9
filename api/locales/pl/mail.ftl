# E-maile o loginie: zakładanie konta, hasła, logowania, zmiany uwierzytelniania
# dwuskładnikowego i zaproszenia. Wartość to treść, .subject to temat. Nazwy,
# adresy i przeglądarki w zmiennych są już oczyszczone (mail_text::untrusted).

## Zakładanie konta

signup-link =
    Ktoś (zapewne Ty) rozpoczął zakładanie konta w Portcullis z tym adresem e-mail.

    Aby potwierdzić adres i utworzyć konto, otwórz poniższy link. Jest ważny przez { $hours } { $hours ->
        [one] godzinę
        [few] godziny
        [many] godzin
       *[other] godziny
    } i działa tylko raz:
    { $link }

    Do tego czasu konto nie istnieje. Jeśli to nie Ty, zignoruj tę wiadomość – nic nie zostanie utworzone.
    .subject = Potwierdź adres e-mail, aby utworzyć konto w Portcullis

signup-account-exists =
    Ktoś (zapewne Ty) próbował założyć konto w Portcullis z tym adresem e-mail, ale masz już konto. Nic nie zostało zmienione.

    Zaloguj się: { $login }
    Nie pamiętasz hasła? Zresetuj je: { $forgot }

    Jeśli to nie Ty, możesz zignorować tę wiadomość.
    .subject = Masz już konto w Portcullis

## Hasła

password-reset =
    Ktoś (zapewne Ty) poprosił o zresetowanie hasła do Twojego konta w Portcullis.

    Ustaw nowe hasło, korzystając z poniższego linku. Jest ważny przez { $minutes } { $minutes ->
        [one] minutę
        [few] minuty
        [many] minut
       *[other] minuty
    } i działa tylko raz:
    { $link }

    Jeśli to nie Ty, zignoruj tę wiadomość – Twoje hasło pozostanie bez zmian.
    .subject = Zresetuj hasło do Portcullis

# $how: changed (zmienione przez zalogowany login) albo reset (przez link z e-maila).
password-changed =
    Hasło do Twojego konta w Portcullis zostało { $how ->
        [reset] zresetowane
       *[changed] zmienione
    } ({ $at }, adres IP { $ip }).

    Wszystkie pozostałe sesje w portalu zostały zakończone; tokeny API i klienci OAuth działają dalej.

    Jeśli to nie Ty, natychmiast zresetuj hasło: { $forgot }
    .subject = Hasło do Twojego konta w Portcullis zostało zmienione

## Logowania

# $until: data i godzina w UTC.
login-locked =
    Po wielu nieudanych próbach logowanie do Twojego konta w Portcullis zostało zablokowane do { $until } (UTC).

    Ostatnia próba z adresu: { $ip }
    Przeglądarka: { $browser }

    Jeśli to nie Ty, ktoś może próbować odgadnąć Twoje hasło. Po zakończeniu blokady zaloguj się, włącz uwierzytelnianie dwuskładnikowe i przejrzyj dziennik bezpieczeństwa.
    .subject = Portcullis: logowanie zablokowane po nieudanych próbach

# $time: data i godzina w UTC.
new-device-sign-in =
    Wykryliśmy logowanie do Twojego konta w Portcullis z nowego urządzenia.

    Czas: { $time } UTC
    Adres IP: { $ip }
    Przeglądarka: { $browser }

    Jeśli to Ty, nie musisz nic robić. Jeśli nie, natychmiast zmień hasło i sprawdź zaufane urządzenia oraz sesje: { $page }
    .subject = Portcullis: nowe logowanie do Twojego konta

## Uwierzytelnianie dwuskładnikowe

# Co się zmieniło, do powiadomienia poniżej; $change to klucz jednego z wariantów.
factor-change-what = { $change ->
        [sms-added] do Twojego konta dodano nową metodę uwierzytelniania dwuskładnikowego (kody SMS na telefon)
        [app-added] do Twojego konta dodano nową metodę uwierzytelniania dwuskładnikowego (aplikację uwierzytelniającą)
        [recovery-codes] dla Twojego konta utworzono nowe kody odzyskiwania; dotychczasowe przestały działać
        [passkey-added] do Twojego konta dodano klucz dostępu
       *[passkey-removed] z Twojego konta usunięto klucz dostępu
    }

factor-change =
    Powiadomienie o bezpieczeństwie: { factor-change-what }.

    Adres IP: { $ip }
    Przeglądarka: { $browser }

    Jeśli to nie Ty, ktoś zna Twoje hasło i ma zalogowaną przeglądarkę: zresetuj hasło, usuń tę metodę w ustawieniach uwierzytelniania dwuskładnikowego i przejrzyj dziennik bezpieczeństwa.
    .subject = Portcullis: { factor-change-what }

## Subkonta

# $owner: adres e-mail właściciela konta.
subuser-invitation =
    { $owner } zaprasza Cię do swojego konta w Portcullis: utworzono dla Ciebie subkonto.

    Ustaw hasło, korzystając z poniższego linku. Jest ważny przez { $days } { $days ->
        [one] dzień
       *[other] dni
    } i działa tylko raz:
    { $link }
    .subject = Zaproszenie do Portcullis

# Wysyłanie SMS-ów (pojedynczo i wielu odbiorcom) i nazwy nadawcy.

sms-loading-messages = Wczytywanie wiadomości…
sms-messaging = Wiadomości
sms-send-sms = Wyślij SMS
sms-each-part-message-costs = Każda część wiadomości kosztuje punkty; długi tekst jest wysyłany w kilku częściach.
sms-one-recipient = Jeden odbiorca
sms-many-recipients = Wielu odbiorców
sms-sending = Wysyłanie…
sms-send = Wyślij
sms-sent-messages = Wysłane wiadomości
sms-gsm = GSM
sms-unicode = Unicode
sms-ask-accounts-owner-allow = Poproś właściciela konta o dopuszczenie go na stronie Kraje.
sms-no-messages-yet = Brak wiadomości
sms-messages-you-send-appear = Wysłane wiadomości pojawią się tutaj.
sms-sent = Wysłano
sms-to = Do
sms-from = Od
sms-text = Treść
sms-parts = Części
sms-points = Punkty
sms-status = Stan
sms-recipients = Odbiorcy
sms-recipients-number-international-format = Numer odbiorcy w formacie międzynarodowym.
sms-sender-name = Nazwa nadawcy
sms-message = Wiadomość
sms-refresh-status = Odśwież stan
sms-number = Numer
sms-problem = Problem
sms-list-numbers = Lista numerów
sms-contact-group = Grupa kontaktów
sms-send-all = Wyślij do wszystkich
sms-row = Wiersz
sms-numbers = Numery
sms-contact-group-2 = Grupa kontaktów
sms-no-sender-names-yet = Brak nazw nadawcy
sms-until-one-approved-messages = Dopóki żadna nie zostanie zatwierdzona, wiadomości wychodzą z domyślną nazwą bramki.
sms-no-sender-name-shared = Żadna nazwa nadawcy nie została udostępniona temu loginowi: wiadomości wychodzą z domyślną nazwą bramki.
sms-loading-sender-names = Wczytywanie nazw nadawcy…
sms-sender-names = Nazwy nadawcy
sms-name-phone-shows-sender = Nazwa, którą telefon pokazuje jako nadawcę wiadomości. Bramka zatwierdza każdą nazwę przed użyciem, aby nikt nie podszywał się pod bank czy kuriera.
sms-sender-names-2 = Nazwy nadawcy
sms-ask-sender-name = Poproś o nazwę nadawcy
sms-deleting = Usuwanie…
sms-delete = Usuń
sms-messages-can-no-longer = Nie będzie można już z niej wysyłać wiadomości — ani z tego konta, ani z subkont, ani przez tokeny API; ponowne użycie wymaga nowej prośby i zatwierdzenia.
sms-asking = Wysyłanie prośby…
sms-ask-approval = Poproś o zatwierdzenie
sms-delete-name = Usuń nazwę
sms-name = Nazwa
sms-acme = ACME
sms-1-11-letters-digits = Od 1 do 11 liter, cyfr, spacji, kropek lub myślników, w tym co najmniej jedna litera.
sms-gateway-default = Domyślna nazwa bramki
sms-load-failed = Nie udało się wczytać wiadomości. { $reason }
sms-queued = W kolejce do { $to }: { $parts ->
    [one] { $parts } część
    [few] { $parts } części
   *[many] { $parts } części
}, pobrano { $points ->
    [one] { $points } punkt
    [few] { $points } punkty
   *[many] { $points } punktów
}.
sms-text-required = Wpisz treść wiadomości.
sms-counter = { $chars ->
    [one] { $chars } znak
    [few] { $chars } znaki
   *[many] { $chars } znaków
} · { $parts ->
    [one] { $parts } część
   *[other] { $parts } części
} ({ $per_part } na część, { $alphabet })
sms-this-country = tego kraju
sms-country-blocked = Wiadomości do kraju { $country } blokuje filtr krajów konta. Nic nie zostało wysłane ani pobrane.
sms-allow-country = Dopuść kraj { $country } na stronie Kraje
sms-outside-hours-until = Teraz nie można wysyłać. Wysyłka będzie znów możliwa { $at }.
sms-outside-hours = Teraz nie można wysyłać.
sms-points-limit-reached = Ta wiadomość przekroczyłaby miesięczny limit punktów. Nic nie zostało wysłane ani pobrane; poproś właściciela konta o podniesienie limitu.
sms-insufficient-points = Na koncie jest za mało punktów na tę wiadomość. Nic nie zostało wysłane ani pobrane.
sms-permission-denied-named = Ten login nie może tego zrobić (potrzebne uprawnienie „{ $permission }”). Poproś właściciela konta.
sms-permission-denied = Ten login nie może tego zrobić. Poproś właściciela konta.
sms-default-sender = Domyślny
sms-status-queued = W kolejce
sms-status-sent = Wysłano
sms-status-failed = Nieudane
sms-bulk-numbers-required = Wklej co najmniej jeden numer, jeden w wierszu lub rozdzielone przecinkami.
sms-bulk-too-many = Numery: { $count }; jedna partia mieści najwyżej { $max }.
sms-bulk-group-required = Wybierz grupę kontaktów.
sms-batch-summary = Odbiorcy: { $recipients } · wysłano { $sent }, w kolejce { $queued }, nieudane { $failed } · pobrano { $points ->
    [one] { $points } punkt
    [few] { $points } punkty
   *[many] { $points } punktów
}
sms-bulk-choose-group = Wybierz grupę
sms-batch-queued = Partia { $id } w kolejce: { $summary }.
sms-batch-refused = Na części numerów ({ $count }) nie można wysłać. Nic nie zostało wysłane ani pobrane; popraw lub usuń je i wyślij ponownie.
sms-bulk-numbers-hint = Jeden w wierszu lub rozdzielone przecinkami, w formacie międzynarodowym; najwyżej { $max }. Dotąd: { $count }.
sms-senders-load-failed = Nie udało się wczytać nazw nadawcy. { $reason }
sms-sender-deleted-toast = Usunięto nazwę nadawcy
sms-sender-pending = Czeka na zatwierdzenie
sms-sender-pending-detail = Bramka jeszcze nie zdecydowała.
sms-sender-approved = Zatwierdzona
sms-sender-approved-detail = Można wysyłać wiadomości z tej nazwy.
sms-sender-rejected = Odrzucona
sms-sender-rejected-detail = Bramka odrzuciła tę nazwę; nie można z niej wysyłać wiadomości.
sms-sender-withdrawn = Prośba zostanie wycofana.
sms-sender-rejected-removed = Odrzucona prośba zniknie z listy.
sms-sender-requested = Poproszono o { $name }. Będzie można jej używać po zatwierdzeniu przez bramkę.
sms-sender-name-required = Wpisz nazwę, którą mają pokazywać telefony.
sms-sender-asked-at = Poproszono { $at }
sms-sender-delete = Usuń { $name }
sms-sender-delete-question = Usunąć { $name }?
sms-sender-requested-toast = Zgłoszono nazwę nadawcy { $name }

# Co mówi baner formularza, gdy API odmawia albo jest nieosiągalne.

error-unreachable-title = Brak połączenia z Portcullis
error-unreachable-connection = Sprawdź połączenie i spróbuj ponownie.
error-unreachable-service = Usługa w tej chwili nie odpowiada. Spróbuj ponownie za chwilę.
error-unexpected-title = Nieoczekiwana odpowiedź
error-unexpected-detail = Serwer odpowiedział kodem HTTP { $status }. Spróbuj ponownie za chwilę.
error-validation-title = Sprawdź zaznaczone pola
error-validation-detail = Niektóre pola wymagają poprawienia.
error-invalid-credentials = Adres e-mail lub hasło są nieprawidłowe.
error-rate-limited = Zbyt wiele prób. Odczekaj minutę i spróbuj ponownie.
error-csrf-failed = Sesja się zmieniła. Odśwież stronę i spróbuj ponownie.
error-session-expired = Sesja wygasła. Zaloguj się ponownie.
error-internal = Coś poszło nie tak po naszej stronie. Spróbuj ponownie za chwilę.
error-request-id = (Identyfikator żądania: { $id }.)

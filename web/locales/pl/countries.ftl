# Filtr krajów docelowych.

countries-other-countries = Pozostałe kraje
countries-countries = Kraje
countries-saving = Zapisywanie…
countries-unsaved-changes = Niezapisane zmiany
countries-saved = Zapisano
countries-account-security = Bezpieczeństwo konta
countries-destination-countries = Kraje docelowe
countries-messages-go-only-countries = Wiadomości trafiają tylko do krajów zaznaczonych tutaj. Wiadomość do innego kraju jest odrzucana, zanim zostanie cokolwiek pobrane, więc token, który wyciekł, ani przejęta integracja nie narobią kosztów wysyłką SMS-ów za granicę. Nowe konto dopuszcza tylko własny kraj — w tym przypadku:
countries-allowed-countries = Dozwolone kraje
countries-loading-countries = Wczytywanie krajów…
countries-you-have-unsaved-changes = Są niezapisane zmiany. Zapisz kraje, aby je zastosować; opuszczenie strony je odrzuci.
countries-find-country = Znajdź kraj
countries-save-countries = Zapisz kraje
countries-changes-apply-next-message = Zmiany obowiązują od następnej wiadomości, wysłanej z portalu lub przez API.
countries-allow-country-while = Zezwól tymczasowo na kraj
countries-trip-one-off-campaign = Na wyjazd lub jednorazową kampanię: kraj jest dozwolony do wybranego czasu, potem wiadomości do niego znów są odrzucane — bez pamiętania o tym.
countries-allow-while = Zezwól tymczasowo
countries-leave-without-saving = Wyjść bez zapisywania?
countries-changes-allowed-countries-not = Zmiany dozwolonych krajów nie są zapisane: opuszczenie strony je odrzuci, a wiadomości nadal będą trafiać tylko do wcześniej zapisanych krajów.
countries-leave-without-saving-2 = Wyjdź bez zapisywania
countries-name-code-e-g = Nazwa lub kod, np. Germany lub DE
countries-country = Kraj
countries-for = Na
countries-its-own-country = własny kraj konta
countries-stay-on-page = Zostań na stronie
countries-choose-country = Wybierz kraj…
countries-country-required = Wybierz kraj.
countries-how-long-required = Wybierz czas: aby zezwolić na stałe, zaznacz kraj na liście powyżej.
countries-no-match = Żaden kraj nie pasuje do „{ $query }”.
countries-none-allowed = Brak dozwolonych krajów: każda wiadomość jest odrzucana.
countries-and-more = { $names } i { $more } więcej
countries-allowed-summary = { $count ->
    [one] { $count } dozwolony kraj: { $names }
    [few] { $count } dozwolone kraje: { $names }
   *[many] { $count } dozwolonych krajów: { $names }
}
countries-saved-toast = { $count ->
    [one] Zapisano filtr krajów: dozwolony 1 kraj.
    [few] Zapisano filtr krajów: dozwolone { $count } kraje.
   *[other] Zapisano filtr krajów: dozwolonych { $count } krajów.
}

# The destination country filter.

countries-other-countries = Other countries
countries-countries = Countries
countries-saving = Saving…
countries-unsaved-changes = Unsaved changes
countries-saved = Saved
countries-account-security = Account security
countries-destination-countries = Destination countries
countries-messages-go-only-countries = Messages go only to the countries ticked here. A message to any other country is refused before anything is charged, so a leaked token or a compromised integration can't run up a bill sending SMS abroad. A new account allows only its own country — for you,
countries-allowed-countries = Allowed countries
countries-loading-countries = Loading your countries…
countries-you-have-unsaved-changes = You have unsaved changes. Save countries to apply them; leaving this page drops them.
countries-find-country = Find a country
countries-save-countries = Save countries
countries-changes-apply-next-message = Changes apply to the next message sent, through the portal or the API.
countries-allow-country-while = Allow a country for a while
countries-trip-one-off-campaign = For a trip or a one-off campaign: the country is allowed until the time you choose, then messages there are refused again, with nothing to remember.
countries-allow-while = Allow for a while
countries-leave-without-saving = Leave without saving?
countries-changes-allowed-countries-not = Your changes to the allowed countries are not saved: leaving this page drops them, and messages keep going only to the countries saved before.
countries-leave-without-saving-2 = Leave without saving
countries-name-code-e-g = Name or code, e.g. Germany or DE
countries-country = Country
countries-for = For
countries-its-own-country = its own country
countries-stay-on-page = Stay on this page
countries-choose-country = Choose a country…
countries-country-required = Choose a country.
countries-how-long-required = Choose how long: to allow it for good, tick it in the list above.
countries-no-match = No country matches “{ $query }”.
countries-none-allowed = No countries allowed: every message is refused.
countries-and-more = { $names } and { $more } more
countries-allowed-summary = { $count ->
    [one] { $count } country allowed: { $names }
   *[other] { $count } countries allowed: { $names }
}
countries-saved-toast = { $count ->
    [one] Country filter saved: 1 country allowed.
   *[other] Country filter saved: { $count } countries allowed.
}

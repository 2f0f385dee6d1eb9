# Subkonta.

subusers-count = { $count ->
    [one] { $count } subkonto
    [few] { $count } subkonta
   *[many] { $count } subkont
}
subusers-loading = Wczytywanie subkont…
subusers-load-failed = Nie udało się wczytać subkont.

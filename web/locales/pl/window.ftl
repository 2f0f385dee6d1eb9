# Okna wysyłki (dni i godziny), powiadomienia i inne drobne wspólne elementy.

window-days = Dni
window-from = Od
window-until = Do
window-time-zone = Strefa czasowa
window-undo = Cofnij
window-close-message = Zamknij komunikat
window-mon = pon.
window-tue = wt.
window-wed = śr.
window-thu = czw.
window-fri = pt.
window-sat = sob.
window-sun = niedz.
window-mon-fri = pon.–pt.
window-every-day = Codziennie
window-put-back = Przywrócono { $what }
window-put-back-failed = Nie udało się przywrócić { $what }. { $reason }
window-unsaved-changes = Są niezapisane zmiany.

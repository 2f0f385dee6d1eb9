# Sending windows (days and hours), toasts and other small shared pieces.

window-days = Days
window-from = From
window-until = Until
window-time-zone = Time zone
window-undo = Undo
window-close-message = Close this message
window-mon = Mon
window-tue = Tue
window-wed = Wed
window-thu = Thu
window-fri = Fri
window-sat = Sat
window-sun = Sun
window-mon-fri = Mon–Fri
window-every-day = Every day
window-put-back = Put back { $what }
window-put-back-failed = Could not put back { $what }. { $reason }
window-unsaved-changes = You have unsaved changes.

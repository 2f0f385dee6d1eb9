# What a form's banner says when the API refuses or cannot be reached.

error-unreachable-title = Can't reach Portcullis
error-unreachable-connection = Check your connection and try again.
error-unreachable-service = The service is not answering right now. Try again in a moment.
error-unexpected-title = Unexpected answer
error-unexpected-detail = The server answered with HTTP { $status }. Try again in a moment.
error-validation-title = Check the highlighted fields
error-validation-detail = Some fields need your attention.
error-invalid-credentials = The e-mail address or password is incorrect.
error-rate-limited = Too many attempts. Wait a minute and try again.
error-csrf-failed = Your session has changed. Reload the page and try again.
error-session-expired = Your session has ended. Log in again.
error-internal = Something went wrong on our side. Try again in a moment.
error-request-id = (Request id: { $id }.)

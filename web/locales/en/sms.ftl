# Sending SMS (one recipient or many) and sender names.

sms-loading-messages = Loading your messages…
sms-messaging = Messaging
sms-send-sms = Send SMS
sms-each-part-message-costs = Each part of a message costs points; a long text is sent in several parts.
sms-one-recipient = One recipient
sms-many-recipients = Many recipients
sms-sending = Sending…
sms-send = Send
sms-sent-messages = Sent messages
sms-gsm = GSM
sms-unicode = Unicode
sms-ask-accounts-owner-allow = Ask the account's owner to allow it on the Countries page.
sms-no-messages-yet = No messages yet
sms-messages-you-send-appear = Messages you send appear here.
sms-sent = Sent
sms-to = To
sms-from = From
sms-text = Text
sms-parts = Parts
sms-points = Points
sms-status = Status
sms-recipients = Recipients
sms-recipients-number-international-format = The recipient's number in international format.
sms-sender-name = Sender name
sms-message = Message
sms-refresh-status = Refresh status
sms-number = Number
sms-problem = Problem
sms-list-numbers = A list of numbers
sms-contact-group = A contact group
sms-send-all = Send to all
sms-row = Row
sms-numbers = Numbers
sms-contact-group-2 = Contact group
sms-no-sender-names-yet = No sender names yet
sms-until-one-approved-messages = Until one is approved, messages come from the gateway's default name.
sms-no-sender-name-shared = No sender name is shared with you: your messages come from the gateway's default name.
sms-loading-sender-names = Loading the sender names…
sms-sender-names = Sender names
sms-name-phone-shows-sender = The name a phone shows as the sender of your messages. The gateway approves each name before it can be used, to stop anyone posing as a bank or a courier.
sms-sender-names-2 = Your sender names
sms-ask-sender-name = Ask for a sender name
sms-deleting = Deleting…
sms-delete = Delete
sms-messages-can-no-longer = Messages can no longer be sent from it, by you, your subusers or your API tokens; using it again needs a new request and a new approval.
sms-asking = Asking…
sms-ask-approval = Ask for approval
sms-delete-name = Delete the name
sms-name = Name
sms-acme = ACME
sms-1-11-letters-digits = 1 to 11 letters, digits, spaces, dots or dashes, with at least one letter.
sms-gateway-default = Gateway default
sms-load-failed = Could not load your messages. { $reason }
sms-queued = Queued to { $to }: { $parts ->
    [one] { $parts } part
   *[other] { $parts } parts
}, { $points ->
    [one] { $points } point
   *[other] { $points } points
} charged.
sms-text-required = Write the message text.
sms-counter = { $chars ->
    [one] { $chars } character
   *[other] { $chars } characters
} · { $parts ->
    [one] { $parts } part
   *[other] { $parts } parts
} ({ $per_part } per part, { $alphabet })
sms-this-country = this country
sms-country-blocked = Messages to { $country } are blocked by your account's country filter. Nothing was sent or charged.
sms-allow-country = Allow { $country } on the Countries page
sms-outside-hours-until = You can't send at this time. Sending opens again at { $at }.
sms-outside-hours = You can't send at this time.
sms-points-limit-reached = This message would take you over your monthly points limit. Nothing was sent or charged; ask the account's owner to raise the limit.
sms-insufficient-points = The account does not have enough points for this message. Nothing was sent or charged.
sms-permission-denied-named = Your login may not do this (it needs the “{ $permission }” permission). Ask the account's owner.
sms-permission-denied = Your login may not do this. Ask the account's owner.
sms-default-sender = Default
sms-status-queued = Queued
sms-status-sent = Sent
sms-status-failed = Failed
sms-bulk-numbers-required = Paste at least one number, one per line or separated by commas.
sms-bulk-too-many = { $count } numbers: one batch takes at most { $max }.
sms-bulk-group-required = Choose a contact group.
sms-batch-summary = { $recipients ->
    [one] { $recipients } recipient
   *[other] { $recipients } recipients
} · { $sent } sent, { $queued } queued, { $failed } failed · { $points ->
    [one] { $points } point
   *[other] { $points } points
} charged
sms-bulk-choose-group = Choose a group
sms-batch-queued = Batch { $id } queued: { $summary }.
sms-batch-refused = { $count } of the numbers cannot be sent to. Nothing was sent or charged; fix or remove them and send again.
sms-bulk-numbers-hint = One per line or separated by commas, in international format; up to { $max }. { $count } so far.
sms-senders-load-failed = Could not load the sender names. { $reason }
sms-sender-deleted-toast = Sender name deleted
sms-sender-pending = Waiting for approval
sms-sender-pending-detail = The gateway has not decided yet.
sms-sender-approved = Approved
sms-sender-approved-detail = Messages may be sent from this name.
sms-sender-rejected = Rejected
sms-sender-rejected-detail = The gateway refused this name; messages cannot be sent from it.
sms-sender-withdrawn = The request is withdrawn.
sms-sender-rejected-removed = The refused request is removed from the list.
sms-sender-requested = Asked for { $name }. It can be used once the gateway approves it.
sms-sender-name-required = Enter the name phones should show.
sms-sender-asked-at = Asked { $at }
sms-sender-delete = Delete { $name }
sms-sender-delete-question = Delete { $name }?
sms-sender-requested-toast = Requested sender name { $name }

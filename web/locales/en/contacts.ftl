# Contacts: the list, search, groups, CSV import and export.

contacts-loading-contacts = Loading the contacts…
contacts-no-contact-matches = No contact matches
contacts-try-another-text-group = Try another text or group.
contacts-no-contacts-yet = No contacts yet
contacts-add-one-below-import = Add one below or import a CSV file.
contacts-accounts-contacts-you-may = The account's contacts you may see will appear here.
contacts-messaging = Messaging
contacts-contacts = Contacts
contacts-people-you-text-groups = The people you text, in groups. Send to a whole group from Send SMS (Many recipients) or the API.
contacts-contacts-2 = Your contacts
contacts-export-these-csv = Export these as CSV
contacts-export-csv = Export as CSV
contacts-search = Search
contacts-loading = Loading…
contacts-show-more = Show more
contacts-add-contact = Add a contact
contacts-phone = Phone
contacts-name = Name
contacts-e-mail = E-mail
contacts-groups = Groups
contacts-actions = Actions
contacts-none = None
contacts-change = Change
contacts-deleting = Deleting…
contacts-delete = Delete
contacts-cancel = Cancel
contacts-no-groups-yet-group = No groups yet. A group lets you text many contacts at once.
contacts-no-groups-shared-you = No groups are shared with you.
contacts-create-group = Create group
contacts-save = Save
contacts-rename = Rename
contacts-import-csv = Import from CSV
contacts-header-row-naming = A header row naming
contacts-group-names-separated-columns = (group names separated by ;) — the columns of the export. Valid rows are imported; each other row is listed with why.
contacts-csv-file = CSV file
contacts-importing = Importing…
contacts-import = Import
contacts-line = Line
contacts-column = Column
contacts-why = Why
contacts-name-phone-e-mail = Name, phone or e-mail
contacts-group = Group
contacts-contact-removed-every-group = The contact is removed from every group. Messages already sent to this number stay in your history.
contacts-delete-contact = Delete the contact
contacts-international-format = International format.
contacts-first-name = First name
contacts-last-name = Last name
contacts-no-groups-yet-make = No groups yet: make one in Groups below.
contacts-new-group = New group
contacts-e-g-newsletter = e.g. Newsletter
contacts-contacts-stay-contacts-only = Its contacts stay in your contacts; only the group goes. Subusers granted this group lose it.
contacts-delete-group = Delete the group
contacts-paste-rows = Or paste the rows
contacts-rows-not-imported = Rows not imported
contacts-every-group = Every group
contacts-load-failed = Could not load the contacts. { $reason }
contacts-change-phone = Change { $phone }
contacts-deleted-toast = Deleted { $phone }
contacts-delete-phone = Delete { $phone }
contacts-delete-question = Delete { $name }?
contacts-saved-toast = Saved { $phone }
contacts-saved = Saved { $phone }.
contacts-added-toast = Added { $phone }
contacts-added = Added { $phone }.
contacts-saving = Saving…
contacts-save-changes = Save changes
contacts-add-contact-button = Add contact
contacts-phone-required = Enter the phone number in international format, like +48500100200.
contacts-groups-load-failed = Could not load the groups. { $reason }
contacts-group-name-required = Give the group a name.
contacts-group-new-name = New name for { $name }
contacts-group-rename = Rename { $name }
contacts-group-delete = Delete the group { $name }
contacts-group-delete-question = Delete the group { $name }?
contacts-and-any-of = and any of
contacts-and = and
contacts-csv-required = Choose a CSV file or paste its rows.
contacts-imported = { $count ->
    [one] { $count } contact imported.
   *[other] { $count } contacts imported.
}
contacts-skipped = { $count ->
    [one] { $count } row was not:
   *[other] { $count } rows were not:
}
contacts-group-created-toast = Created group { $name }
contacts-group-renamed-toast = Renamed the group to { $name }
contacts-group-deleted-toast = Deleted group { $name }; its contacts stay
contacts-imported-toast = { $skipped ->
    [0] Contacts imported: { $count }.
    [one] Contacts imported: { $count }; 1 row skipped.
   *[other] Contacts imported: { $count }; { $skipped } rows skipped.
}

//! A credential's IP allowlist as the text area shows it: one address or range a line.

use crate::i18n::Texts;
use portcullis_shared::problem::Problem;

use crate::components::list_message;

/// The request field holding a credential's allowlist.
pub const ALLOWLIST_FIELD: &str = "ip_allowlist";

/// The entries typed into the text area, each with its 1-based line number. Blank lines
/// are skipped; several entries on one line may be separated by commas or spaces, as
/// lists pasted from elsewhere often are.
pub fn allowlist_lines(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .flat_map(|(index, line)| {
            line.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                .filter(|entry| !entry.is_empty())
                .map(move |entry| (index + 1, entry.to_owned()))
        })
        .collect()
}

/// The entries to send, in the order typed.
pub fn allowlist_entries(text: &str) -> Vec<String> {
    allowlist_lines(text)
        .into_iter()
        .map(|(_, entry)| entry)
        .collect()
}

/// The text area's content for a stored list.
pub fn allowlist_text(entries: &[String]) -> String {
    entries.join("\n")
}

/// The separator of a temporary entry's end in the edit box: `198.51.100.7 until 2026-12-11T18:00:00Z`.
const UNTIL: &str = " until ";

/// The edit box's content for a stored list whose `expiries` (entry → RFC 3339) end:
/// one entry a line, a temporary one followed by `until` and its end.
pub fn allowlist_draft(
    entries: &[String],
    expiries: &std::collections::BTreeMap<String, String>,
) -> String {
    entries
        .iter()
        .map(|entry| match expiries.get(entry) {
            Some(until) => format!("{entry}{UNTIL}{until}"),
            None => entry.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The entries of an edit box, and the ends of those written with `until` — so saving a
/// list keeps its temporary entries temporary (removing "until …" makes one permanent).
pub fn parse_allowlist_draft(
    text: &str,
) -> (Vec<String>, std::collections::BTreeMap<String, String>) {
    let mut entries = Vec::new();
    let mut expiries = std::collections::BTreeMap::new();
    for line in text.lines() {
        match line.split_once(UNTIL) {
            Some((entry, until)) if !entry.trim().is_empty() => {
                entries.push(entry.trim().to_owned());
                expiries.insert(entry.trim().to_owned(), until.trim().to_owned());
            }
            _ => entries.extend(allowlist_entries(line)),
        }
    }
    (entries, expiries)
}

/// Every error the API reported about the list, each entry's prefixed with the line it
/// was typed on (`ip_allowlist[2]` is the third entry, whatever blank lines came before).
pub fn allowlist_message(problem: &Problem, text: &str) -> Option<String> {
    let lines = allowlist_lines(text);
    list_message(problem, ALLOWLIST_FIELD, |index| {
        lines.get(index).map(|(line, _)| {
            Texts::current().t_args("credentials-line", &[("line", line.to_string().into())])
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_entries_keep_their_end_through_an_edit() {
        let expiries = std::collections::BTreeMap::from([(
            "198.51.100.0/24".to_owned(),
            "2026-12-11T08:38:00Z".to_owned(),
        )]);
        let entries = vec!["127.0.0.1".to_owned(), "198.51.100.0/24".to_owned()];
        let text = allowlist_draft(&entries, &expiries);
        assert_eq!(
            text,
            "127.0.0.1\n198.51.100.0/24 until 2026-12-11T08:38:00Z"
        );
        assert_eq!(parse_allowlist_draft(&text), (entries, expiries));
        let (entries, expiries) = parse_allowlist_draft("10.0.0.1, 10.0.0.2\n198.51.100.7");
        assert_eq!(entries, ["10.0.0.1", "10.0.0.2", "198.51.100.7"]);
        assert!(expiries.is_empty());
    }
    use portcullis_shared::problem::FieldError;

    fn problem(errors: &[(&str, &str)]) -> Problem {
        Problem::validation_failed(
            errors
                .iter()
                .map(|(field, message)| FieldError {
                    field: (*field).into(),
                    code: "invalid_cidr".into(),
                    message: (*message).into(),
                })
                .collect(),
        )
    }

    #[test]
    fn one_entry_a_line_blank_lines_and_spaces_ignored() {
        let text = "  203.0.113.7 \n\n10.0.0.0/24\r\n\t2001:db8::/32\n";
        assert_eq!(
            allowlist_entries(text),
            ["203.0.113.7", "10.0.0.0/24", "2001:db8::/32"]
        );
        assert!(allowlist_entries("").is_empty());
        assert!(allowlist_entries(" \n \n").is_empty());
    }

    #[test]
    fn pasted_comma_separated_lists_are_split() {
        assert_eq!(
            allowlist_lines("203.0.113.7, 198.51.100.0/24;10.0.0.1\n\n192.0.2.1"),
            [
                (1, "203.0.113.7".to_owned()),
                (1, "198.51.100.0/24".to_owned()),
                (1, "10.0.0.1".to_owned()),
                (3, "192.0.2.1".to_owned()),
            ]
        );
    }

    #[test]
    fn a_stored_list_reads_back_as_the_same_entries() {
        let stored = vec!["203.0.113.7".to_owned(), "10.0.0.0/24".to_owned()];
        assert_eq!(allowlist_entries(&allowlist_text(&stored)), stored);
    }

    #[test]
    fn entry_errors_name_the_line_they_were_typed_on() {
        let text = "203.0.113.7\n\nnonsense\n10.0.0.0/24";
        let p = problem(&[
            ("name", "Give the token a name."),
            (
                "ip_allowlist[1]",
                "`nonsense` is not an IP address or range.",
            ),
        ]);
        assert_eq!(
            allowlist_message(&p, text).as_deref(),
            Some("Line 3: `nonsense` is not an IP address or range.")
        );
        let p = problem(&[("ip_allowlist[9]", "Overlaps.")]);
        assert_eq!(allowlist_message(&p, text).as_deref(), Some("Overlaps."));
        let p = problem(&[("ip_allowlist", "Too many entries.")]);
        assert_eq!(
            allowlist_message(&p, text).as_deref(),
            Some("Too many entries.")
        );
        assert_eq!(allowlist_message(&problem(&[("name", "x")]), text), None);
    }
}

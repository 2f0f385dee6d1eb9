//! Text that came from outside — a browser's User-Agent, names and labels
//! people chose, their e-mail addresses — as it may appear in an e-mail we
//! send: on one line, without control or invisible formatting characters,
//! bounded, and with whatever a mail program would turn into a link made
//! non-clickable (`https://a.example/x` → `hxxps[:]//a[.]example/x`). Our
//! mail is trusted by its readers; it must never carry someone else's link.
//! Every mail builder passes such text through [`untrusted`].

/// Most characters of a User-Agent shown in a mail.
pub const USER_AGENT_MAX_CHARS: usize = 200;
/// Most characters of a name, label or address shown in a mail.
pub const LABEL_MAX_CHARS: usize = 100;
/// Most characters of an address (URL) someone reported, shown in a mail.
pub const URL_MAX_CHARS: usize = 300;

/// `text` made safe to show in a mail: trimmed, control characters and line
/// breaks turned into single spaces, invisible formatting characters (bidi
/// overrides, zero-width ones) dropped, cut to `max_chars` (with `…`) and
/// links defanged. The result is at most about three times `max_chars` long
/// (each defanged dot grows by two).
pub fn untrusted(text: &str, max_chars: usize) -> String {
    let mut flat = String::new();
    let mut kept = 0;
    let mut space = false;
    let mut cut = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() {
            space = !flat.is_empty();
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if kept + usize::from(space) >= max_chars {
            cut = true;
            break;
        }
        if space {
            flat.push(' ');
            kept += 1;
            space = false;
        }
        flat.push(c);
        kept += 1;
    }
    if cut {
        flat.push('…');
    }
    defang(&flat)
}

/// Bidi controls, zero-width characters, soft hyphens and the like: they can
/// hide or reorder what a reader sees.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// Dots that mail programs (or their Unicode look-alikes) read as a domain's.
fn is_dot(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}')
}

/// `scheme://` → `scheme[:]//` (`http`/`https` → `hxxp`/`hxxps`), and a dot
/// between a letter or digit and a letter → `[.]`: neither a URL nor a bare
/// domain (`www.example.com`) is recognised as a link any more, while version
/// numbers (`Chrome/120.0.0.0`) read as before.
fn defang(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts = |s: &str| {
            let mut j = i;
            s.chars().all(|expected| {
                let ok = chars
                    .get(j)
                    .is_some_and(|c| c.to_ascii_lowercase() == expected);
                j += 1;
                ok
            })
        };
        if (starts("http://") || starts("https://"))
            && !chars[..i].last().is_some_and(|p| p.is_alphanumeric())
        {
            out.push_str("hxxp");
            i += 4;
            continue;
        }
        if c == ':' && chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') {
            out.push_str("[:]");
            i += 1;
            continue;
        }
        if is_dot(c)
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic())
        {
            out.push_str("[.]");
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_made_non_clickable() {
        assert_eq!(
            untrusted("Visit https://evil.example/reset?x=1 now", 100),
            "Visit hxxps[:]//evil[.]example/reset?x=1 now"
        );
        assert_eq!(untrusted("HTTP://A.B", 100), "hxxp[:]//A[.]B");
        assert_eq!(
            untrusted("ftp://files.example", 100),
            "ftp[:]//files[.]example"
        );
        assert_eq!(untrusted("www.evil.example", 100), "www[.]evil[.]example");
        assert_eq!(untrusted("evil\u{3002}example", 100), "evil[.]example");
        assert_eq!(untrusted("boss@corp.example", 100), "boss@corp[.]example");
    }

    #[test]
    fn ordinary_user_agents_read_as_before() {
        let ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(untrusted(ua, USER_AGENT_MAX_CHARS), ua);
    }

    #[test]
    fn control_and_invisible_characters_go_and_length_is_bounded() {
        assert_eq!(
            untrusted("  a\r\nBcc: x\t\u{202E}b\u{200B}c\0  ", 100),
            "a Bcc: x bc"
        );
        let long = "A".repeat(5000);
        let shown = untrusted(&long, 200);
        assert_eq!(shown.chars().count(), 201);
        assert!(shown.ends_with('…'));
        // Defanging cannot grow it without bound.
        let dots = "a.b".repeat(2000);
        assert!(untrusted(&dots, 200).chars().count() <= 3 * 200 + 1);
        assert_eq!(untrusted("", 10), "");
        assert_eq!(untrusted("\n\t ", 10), "");
    }
}

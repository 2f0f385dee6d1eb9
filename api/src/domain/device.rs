//! A readable name for the browser behind a user agent ("Chrome on Linux"), for
//! lists of sessions and sign-ins. Parsing is woothee's (its dataset is shared
//! with the other woothee ports and kept up to date there), not ours.

use woothee::{parser::Parser, woothee::VALUE_UNKNOWN};

/// What a session list says for a user agent it cannot read.
pub const UNKNOWN_DEVICE: &str = "Unknown device";

/// `Chrome on Linux`, `Safari on iPhone`, `Firefox on Windows 10`; just the
/// browser or the system when only one is known.
pub fn describe_user_agent(user_agent: &str) -> String {
    let Some(parsed) = Parser::new().parse(user_agent.trim()) else {
        return UNKNOWN_DEVICE.to_owned();
    };
    let known =
        |value: &str| (!value.is_empty() && value != VALUE_UNKNOWN).then(|| value.to_owned());
    match (known(parsed.name), known(parsed.os)) {
        (Some(browser), Some(os)) => format!("{browser} on {os}"),
        (Some(browser), None) => browser,
        (None, Some(os)) => os,
        (None, None) => UNKNOWN_DEVICE.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_read_as_browser_on_system() {
        for (user_agent, expected) in [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Windows 10",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
        ] {
            assert_eq!(describe_user_agent(user_agent), expected, "{user_agent}");
        }
    }

    #[test]
    fn unreadable_agents_say_so() {
        assert_eq!(describe_user_agent(""), UNKNOWN_DEVICE);
        assert_eq!(describe_user_agent("   "), UNKNOWN_DEVICE);
        assert_eq!(
            describe_user_agent("definitely not a browser"),
            UNKNOWN_DEVICE
        );
    }
}

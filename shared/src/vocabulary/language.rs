//! The languages the portal and the mail the API sends are written in.

use serde::{Deserialize, Serialize};

/// A language of the portal and of the e-mails and codes sent to a login.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// English (the default).
    #[default]
    En,
    /// Polish.
    Pl,
}

impl Language {
    /// Every language offered, the default first.
    pub const ALL: [Language; 2] = [Language::En, Language::Pl];

    /// The BCP 47 tag (`en`, `pl`), also the wire and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Pl => "pl",
        }
    }

    /// The language's own name for itself, as a language switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Pl => "Polski",
        }
    }

    /// The language a BCP 47 tag asks for (`pl`, `pl-PL`, `EN-gb`), if offered.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Language::ALL
            .into_iter()
            .find(|language| primary.eq_ignore_ascii_case(language.as_str()))
    }

    /// The first offered language of a preference list, in its order (the browser's
    /// `navigator.languages`, or an `Accept-Language` header's tags by weight); the default
    /// when none is offered.
    pub fn first_offered<'a>(tags: impl IntoIterator<Item = &'a str>) -> Language {
        tags.into_iter()
            .find_map(Language::from_tag)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn tags_are_matched_by_their_primary_subtag_in_any_case() {
        assert_eq!(Language::from_tag("pl"), Some(Language::Pl));
        assert_eq!(Language::from_tag("pl-PL"), Some(Language::Pl));
        assert_eq!(Language::from_tag("EN_gb"), Some(Language::En));
        assert_eq!(Language::from_tag("de-DE"), None);
        assert_eq!(Language::from_tag(""), None);
    }

    #[test]
    fn the_first_offered_language_of_a_preference_list_wins() {
        assert_eq!(Language::first_offered(["de", "pl-PL", "en"]), Language::Pl);
        assert_eq!(Language::first_offered(["fr", "de"]), Language::En);
        assert_eq!(
            serde_json::to_string(&Language::Pl).unwrap(),
            "\"pl\"".to_owned()
        );
    }
}

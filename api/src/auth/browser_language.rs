//! The language a browser asks for in its `Accept-Language` header.

use actix_web::http::header::{AcceptLanguage, Preference, Quality};
use portcullis_shared::dto::Language;

/// The first offered language of an `Accept-Language` header, highest weight
/// first (equal weights in the order listed; `q=0` means "not this one");
/// English when it offers none, or when there is no header or it does not parse.
pub fn browser_language(header: Option<&AcceptLanguage>) -> Language {
    let Some(AcceptLanguage(items)) = header else {
        return Language::default();
    };
    let mut wanted: Vec<_> = items
        .iter()
        .filter(|item| item.quality > Quality::ZERO)
        .collect();
    // Stable: equal weights keep the browser's order.
    wanted.sort_by_key(|item| std::cmp::Reverse(item.quality));
    Language::first_offered(wanted.into_iter().filter_map(|item| match &item.item {
        Preference::Specific(tag) => Some(tag.as_str()),
        Preference::Any => None,
    }))
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{AcceptLanguage, Header};

    use super::browser_language;
    use portcullis_shared::dto::Language;

    fn of(value: &str) -> Language {
        let request = actix_web::test::TestRequest::default()
            .insert_header(("Accept-Language", value))
            .to_http_request();
        browser_language(AcceptLanguage::parse(&request).ok().as_ref())
    }

    #[test]
    fn the_browser_language_is_the_first_offered_by_weight() {
        assert_eq!(of("pl-PL,pl;q=0.9,en;q=0.8"), Language::Pl);
        assert_eq!(of("en-GB,en;q=0.9,pl;q=0.8"), Language::En);
        assert_eq!(of("de-DE,de;q=0.9"), Language::En);
        assert_eq!(of("de"), Language::En);
        // Weights, not the order listed, decide; equal weights keep the order.
        assert_eq!(of("en;q=0.5, pl;q=0.8, de"), Language::Pl);
        assert_eq!(of("de, pl, en"), Language::Pl);
        // q=0: explicitly not wanted.
        assert_eq!(of("pl;q=0, en;q=0.1"), Language::En);
        assert_eq!(of("*"), Language::En);
        assert_eq!(of("not a ; header ,,;q=x"), Language::En);
        assert_eq!(browser_language(None), Language::En);
    }
}

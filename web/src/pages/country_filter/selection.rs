//! What the page shows about a selection of countries, worked out apart from the markup:
//! the search, the order, the summary and the API's errors by country.

use crate::i18n::Texts;
use std::collections::BTreeSet;

use portcullis_shared::dto::Language;

use portcullis_shared::problem::Problem;
use portcullis_shared::validate;

use crate::components::list_message;

/// The request field holding the list.
const COUNTRIES_FIELD: &str = "countries";

/// How many names the summary spells out before "and N more".
const SUMMARY_NAMES: usize = 4;

/// Whether a country matches what was typed in the search box: its name contains it, or
/// (for one or two letters) its code starts with it. Case does not matter; an empty search
/// matches everything.
pub fn matches_search(code: &str, name: &str, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return true;
    }
    name.to_lowercase().contains(&query)
        || (query.chars().count() <= 2 && code.to_lowercase().starts_with(&query))
}

/// The countries to list for a search: the allowed ones first, then the rest, each group in
/// the order of `all` (by name).
pub fn visible_countries<N: AsRef<str> + Clone>(
    all: &[(&'static str, N)],
    selected: &BTreeSet<String>,
    query: &str,
) -> Vec<(&'static str, N)> {
    let matching = all
        .iter()
        .filter(|(code, name)| matches_search(code, name.as_ref(), query));
    let (mut first, rest): (Vec<_>, Vec<_>) =
        matching.partition(|(code, _)| selected.contains(*code));
    first.extend(rest);
    first.into_iter().cloned().collect()
}

/// Every country as (code, name in the language of `texts`), sorted by that name as the
/// language sorts (Ł after L in Polish).
pub fn countries_in(texts: Texts) -> Vec<(&'static str, String)> {
    let language = texts.language();
    let mut all: Vec<(&'static str, String)> = validate::countries()
        .into_iter()
        .map(|(code, english)| {
            let name = match language {
                Language::En => None,
                other => browser_region_name(code, other),
            };
            (code, name.unwrap_or_else(|| english.to_owned()))
        })
        .collect();
    if texts.language() != Language::En {
        all.sort_by(|(_, a), (_, b)| compare_names(a, b, texts.language()));
    }
    all
}

#[cfg(target_arch = "wasm32")]
fn compare_names(a: &str, b: &str, language: Language) -> std::cmp::Ordering {
    let locales = js_sys::Array::of1(&language.as_str().into());
    js_sys::JsString::from(a)
        .locale_compare(b, &locales, &js_sys::Object::new())
        .cmp(&0)
}

#[cfg(not(target_arch = "wasm32"))]
fn compare_names(a: &str, b: &str, _: Language) -> std::cmp::Ordering {
    a.to_lowercase().cmp(&b.to_lowercase())
}

/// The name of the country with `code` in the portal's current language, or the code
/// itself if it is not known.
pub fn country_name(code: &str) -> String {
    country_name_in(code, Texts::current())
}

/// The name of the country with `code` in the language of `texts`: the browser's own
/// names (`Intl.DisplayNames`, from its CLDR data) for a language other than English,
/// the shared list's English names otherwise.
pub fn country_name_in(code: &str, texts: Texts) -> String {
    let english = || {
        validate::countries()
            .into_iter()
            .find(|(c, _)| *c == code)
            .map_or_else(|| code.to_owned(), |(_, name)| name.to_owned())
    };
    if texts.language() == Language::En {
        return english();
    }
    browser_region_name(code, texts.language()).unwrap_or_else(english)
}

#[cfg(target_arch = "wasm32")]
fn browser_region_name(code: &str, language: Language) -> Option<String> {
    use js_sys::{Array, Intl, JsString};
    thread_local! {
        static NAMES: std::cell::RefCell<Option<(Language, Intl::DisplayNames)>> =
            const { std::cell::RefCell::new(None) };
    }
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if names
            .as_ref()
            .is_none_or(|(made_for, _)| *made_for != language)
        {
            let options = Intl::DisplayNamesOptions::new();
            options.set_type(Intl::DisplayNamesType::Region);
            options.set_fallback(Intl::DisplayNamesFallback::None);
            let locales = Array::of1(&JsString::from(language.as_str()));
            *names = Some((language, Intl::DisplayNames::new(&locales, &options)));
        }
        let (_, display) = names.as_ref()?;
        display.of(code).map(String::from)
    })
}

/// Outside a browser (the unit tests) there are no CLDR names: English is shown.
#[cfg(not(target_arch = "wasm32"))]
fn browser_region_name(_: &str, _: Language) -> Option<String> {
    None
}

/// "3 countries allowed: Germany, Poland, Spain", with only the first few names spelled out.
pub fn countries_summary(selected: &BTreeSet<String>, texts: Texts) -> String {
    if selected.is_empty() {
        return texts.t("countries-none-allowed");
    }
    let mut names: Vec<String> = selected.iter().map(|code| country_name(code)).collect();
    names.sort();
    let count = names.len();
    let listed = if count > SUMMARY_NAMES {
        let shown = SUMMARY_NAMES - 1;
        texts.t_args(
            "countries-and-more",
            &[
                ("names", names[..shown].join(", ").into()),
                ("more", (count - shown).into()),
            ],
        )
    } else {
        names.join(", ")
    };
    texts.t_args(
        "countries-allowed-summary",
        &[("count", count.into()), ("names", listed.into())],
    )
}

/// Every error the API reported about the list, each naming the country it is about
/// (`countries[1]` is the second code sent).
pub fn countries_message(problem: &Problem, sent: &[String]) -> Option<String> {
    list_message(problem, COUNTRIES_FIELD, |index| sent.get(index).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_shared::problem::FieldError;
    use std::rc::Rc;

    fn selection(codes: &[&str]) -> BTreeSet<String> {
        codes.iter().map(|code| (*code).to_owned()).collect()
    }

    fn all() -> Rc<Vec<(&'static str, &'static str)>> {
        Rc::new(validate::countries())
    }

    #[test]
    fn search_matches_names_anywhere_and_codes_from_the_start() {
        assert!(matches_search("DE", "Germany", "germ"));
        assert!(matches_search("DE", "Germany", "  GERM "));
        assert!(matches_search("DE", "Germany", "many"));
        assert!(matches_search("DE", "Germany", "de"));
        assert!(matches_search("DE", "Germany", "d"));
        assert!(matches_search("DE", "Germany", ""));
        assert!(!matches_search("DE", "Germany", "pol"));
        assert!(
            !matches_search("CH", "Switzerland", "h"),
            "codes match from their start"
        );
        assert!(matches_search("CH", "Switzerland", "c"));
        assert!(!matches_search("PL", "Poland", "pla"));
    }

    #[test]
    fn searching_germ_finds_germany_only() {
        let found = visible_countries(&all(), &BTreeSet::new(), "germ");
        assert_eq!(found, [("DE", "Germany")]);
    }

    #[test]
    fn allowed_countries_come_first_then_the_rest_by_name() {
        let chosen = selection(&["PL", "DE"]);
        let shown = visible_countries(&all(), &chosen, "");
        assert_eq!(shown.len(), validate::countries().len());
        assert_eq!(&shown[..2], &[("DE", "Germany"), ("PL", "Poland")]);
        assert!(shown[2..].iter().all(|(code, _)| !chosen.contains(*code)));
        let rest: Vec<_> = shown[2..].iter().map(|(_, name)| *name).collect();
        let mut sorted = rest.clone();
        sorted.sort();
        assert_eq!(rest, sorted);
        // The search applies to both groups.
        let shown = visible_countries(&all(), &chosen, "land");
        assert_eq!(shown[0], ("PL", "Poland"));
        assert!(shown
            .iter()
            .all(|(_, name)| name.to_lowercase().contains("land")));
        assert!(shown.len() > 3, "{shown:?}");
    }

    #[test]
    fn the_summary_names_the_first_few_countries() {
        assert_eq!(
            countries_summary(&BTreeSet::new(), Texts::default()),
            "No countries allowed: every message is refused."
        );
        assert_eq!(
            countries_summary(&selection(&["PL"]), Texts::default()),
            "1 country allowed: Poland"
        );
        assert_eq!(
            countries_summary(&selection(&["PL", "DE", "FR"]), Texts::default()),
            "3 countries allowed: France, Germany, Poland"
        );
        assert_eq!(
            countries_summary(
                &selection(&["PL", "DE", "FR", "CZ", "AT"]),
                Texts::default()
            ),
            "5 countries allowed: Austria, Czechia, France and 2 more"
        );
        assert_eq!(
            countries_summary(&selection(&["XX"]), Texts::default()),
            "1 country allowed: XX"
        );
    }

    #[test]
    fn entry_errors_name_the_country_sent() {
        let problem = Problem::validation_failed(vec![FieldError {
            field: "countries[1]".into(),
            code: validate::codes::INVALID_COUNTRY.into(),
            message: "Not a country code.".into(),
        }]);
        let sent = vec!["DE".to_owned(), "QQ".to_owned()];
        assert_eq!(
            countries_message(&problem, &sent).as_deref(),
            Some("QQ: Not a country code.")
        );
        assert_eq!(
            countries_message(&problem, &[]).as_deref(),
            Some("Not a country code.")
        );
    }
}

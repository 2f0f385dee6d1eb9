//! The portal's words in each language it offers: Mozilla Fluent message files, one per
//! page area (`web/locales/<language>/<area>.ftl`), built into the wasm and read through
//! [`Texts`]. Fluent brings CLDR plural rules, which Polish needs (1 token, 2 tokeny,
//! 5 tokenów).
//!
//! Components get their [`Texts`] from `crate::hooks::use_i18n`; code that only formats
//! takes one as an argument.

use std::cell::OnceCell;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use portcullis_shared::dto::Language;

use crate::format::format_number;

#[cfg(test)]
mod tests;

/// The message files of every language, area by area, embedded with `include_str!`.
macro_rules! message_files {
    ($($area:literal),+ $(,)?) => {
        /// The page areas, one message file each in every language.
        pub const AREAS: &[&str] = &[$($area),+];

        /// `language`'s message files, as (area, source) pairs in [`AREAS`] order.
        pub fn message_files(language: Language) -> [(&'static str, &'static str); AREAS.len()] {
            match language {
                Language::En => [$(($area, include_str!(concat!("../../locales/en/", $area, ".ftl")))),+],
                Language::Pl => [$(($area, include_str!(concat!("../../locales/pl/", $area, ".ftl")))),+],
            }
        }
    };
}

message_files!(
    "common",
    "errors",
    "login",
    "signup",
    "dashboard",
    "sessions",
    "two-factor",
    "tokens",
    "clients",
    "credentials",
    "subusers",
    "allowlists",
    "expiry",
    "countries",
    "window",
    "security-log",
    "sms",
    "contacts",
    "security-stream",
    "activity",
);

thread_local! {
    /// The language the portal shows now (see [`Texts::current`]).
    static CURRENT: std::cell::Cell<Language> = const { std::cell::Cell::new(Language::En) };
    /// Each language's bundle, built the first time a page of that language renders.
    static BUNDLES: [OnceCell<FluentBundle<FluentResource>>; Language::ALL.len()] =
        const { [OnceCell::new(), OnceCell::new()] };
}

/// Builds `language`'s bundle from its message files. A file that does not parse or that
/// repeats another's id is a bug the unit tests catch; here what parsed is kept.
fn build_bundle(language: Language) -> FluentBundle<FluentResource> {
    let tag: unic_langid::LanguageIdentifier = language
        .as_str()
        .parse()
        .expect("Language::as_str is a valid BCP 47 tag");
    let mut bundle = FluentBundle::new(vec![tag]);
    // No Unicode bidi isolation marks around arguments: both languages run left to right,
    // and the marks would end up in copied values, inputs and tests.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(match language {
        Language::En => |value, _| format_value(value, Language::En),
        Language::Pl => |value, _| format_value(value, Language::Pl),
    }));
    for (_, source) in message_files(language) {
        let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(kept, _)| kept);
        let _ = bundle.add_resource(resource);
    }
    bundle
}

/// Numbers in messages read with the language's separators (`12,500` / `12 500`).
fn format_value(value: &FluentValue<'_>, language: Language) -> Option<String> {
    match value {
        FluentValue::Number(number) => Some(format_number(&number.as_string(), language)),
        _ => None,
    }
}

/// A message id kept for later, where a description of something holds its words (a
/// kind of credential's nouns): `msg("tokens-noun")`, shown with [`Texts::msg`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageId(&'static str);

/// The id of a message, to be shown later with [`Texts::msg`].
pub const fn msg(id: &'static str) -> MessageId {
    MessageId(id)
}

/// One argument of a message, by name: `("count", 3.into())`.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

/// The portal's words in one language. Cheap to copy; every component that shows text
/// holds one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Texts {
    language: Language,
}

impl Texts {
    /// The words of `language`.
    pub const fn new(language: Language) -> Self {
        Texts { language }
    }

    /// The words of the language the portal shows now, for words made outside a component
    /// (an API error turned into a form's problem). Components use `use_i18n` instead,
    /// which also renders them again when the language changes.
    pub fn current() -> Self {
        Texts::new(CURRENT.with(std::cell::Cell::get))
    }

    /// Makes `self` the language [`Texts::current`] answers (the language provider does,
    /// as it renders).
    pub fn make_current(self) {
        CURRENT.with(|current| current.set(self.language));
    }

    /// The language these words are in.
    pub fn language(self) -> Language {
        self.language
    }

    /// The message `id` (a kebab-case id of `web/locales/*/<area>.ftl`).
    pub fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message a [`MessageId`] names.
    pub fn msg(self, id: MessageId) -> String {
        self.format(id.0, None)
    }

    /// The message a [`MessageId`] names, with its arguments.
    pub fn msg_args(self, id: MessageId, args: &[Arg<'_>]) -> String {
        self.t_args(id.0, args)
    }

    /// The message `id` with its arguments, e.g. `t_args("x", &[("count", 3.into())])`.
    pub fn t_args(self, id: &str, args: &[Arg<'_>]) -> String {
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        self.format(id, Some(&fluent_args))
    }

    fn format(self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        BUNDLES.with(|bundles| {
            let bundle =
                bundles[self.language as usize].get_or_init(|| build_bundle(self.language));
            match bundle.get_message(id).and_then(|message| message.value()) {
                Some(pattern) => {
                    let mut errors = Vec::new();
                    bundle
                        .format_pattern(pattern, args, &mut errors)
                        .into_owned()
                }
                // The unit tests keep every id the code uses in the files; shown, the id at
                // least says which words are missing.
                None => id.to_owned(),
            }
        })
    }
}

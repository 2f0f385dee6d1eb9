//! The words of every e-mail and SMS text the API sends, in the language of
//! the login it goes to (English or Polish). The texts are Project Fluent
//! message files (`api/locales/<language>/*.ftl`), built into the binary and
//! parsed once; plural forms follow each language's rules (1 minutę, 2 minuty,
//! 5 minut). Callers ask for a mail by a typed function here, never by a
//! message id, and get its subject and body; text that came from outside
//! (names, browsers, addresses people typed) is made safe here with
//! [`mail_text::untrusted`] before it is placed.

use std::sync::LazyLock;

use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource, FluentValue};
use portcullis_shared::vocabulary::Language;
use unic_langid::LanguageIdentifier;

use super::{mail_text, Mail};

/// The message files of each language, in load order.
const SOURCES: [(Language, &[(&str, &str)]); 2] = [
    (
        Language::En,
        &[
            ("codes.ftl", include_str!("../../../locales/en/codes.ftl")),
            ("mail.ftl", include_str!("../../../locales/en/mail.ftl")),
            (
                "credentials.ftl",
                include_str!("../../../locales/en/credentials.ftl"),
            ),
        ],
    ),
    (
        Language::Pl,
        &[
            ("codes.ftl", include_str!("../../../locales/pl/codes.ftl")),
            ("mail.ftl", include_str!("../../../locales/pl/mail.ftl")),
            (
                "credentials.ftl",
                include_str!("../../../locales/pl/credentials.ftl"),
            ),
        ],
    ),
];

type Bundle = FluentBundle<FluentResource>;

/// Every language's bundle, built on first use.
static BUNDLES: LazyLock<Vec<(Language, Bundle)>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(language, files)| (*language, bundle(*language, files)))
        .collect()
});

/// The bundle of one language. A file that does not parse is a build-time
/// mistake the unit tests catch; what did parse is still used.
fn bundle(language: Language, files: &[(&str, &str)]) -> Bundle {
    let tag: LanguageIdentifier = language
        .as_str()
        .parse()
        .expect("the language tags we offer are valid");
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // Plain-text mail and SMS: no Unicode isolation marks around placed values.
    bundle.set_use_isolating(false);
    for (name, source) in files {
        let resource =
            FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(resource, errors)| {
                tracing::error!(
                    language = language.as_str(),
                    file = name,
                    ?errors,
                    "message file does not parse"
                );
                resource
            });
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(
                language = language.as_str(),
                file = name,
                ?errors,
                "message file not loaded whole"
            );
        }
    }
    bundle
}

fn bundle_of(language: Language) -> &'static Bundle {
    BUNDLES
        .iter()
        .find(|(of, _)| *of == language)
        .map(|(_, bundle)| bundle)
        .expect("every offered language has a bundle")
}

/// The message `id` (its value, or its `attribute`) in `language`.
fn try_text(
    language: Language,
    id: &str,
    attribute: Option<&str>,
    args: &FluentArgs,
) -> Result<String, String> {
    let bundle = bundle_of(language);
    let message = bundle
        .get_message(id)
        .ok_or_else(|| format!("no message {id}"))?;
    let pattern = match attribute {
        Some(name) => message
            .get_attribute(name)
            .map(|attribute| attribute.value())
            .ok_or_else(|| format!("no attribute {id}.{name}"))?,
        None => message
            .value()
            .ok_or_else(|| format!("{id} has no value"))?,
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(args), &mut errors);
    if errors.is_empty() {
        Ok(text.into_owned())
    } else {
        Err(format!("{id}: {errors:?}"))
    }
}

/// [`try_text`], falling back to English and then to the id itself: a mail
/// goes out whatever a message file lacks (the unit tests make sure none does).
fn text(language: Language, id: &str, attribute: Option<&str>, args: &FluentArgs) -> String {
    try_text(language, id, attribute, args).unwrap_or_else(|error| {
        tracing::error!(language = language.as_str(), %error, "message text missing or broken");
        #[cfg(test)]
        tests::FAILURES.with(|failures| failures.set(failures.get() + 1));
        try_text(Language::En, id, attribute, args).unwrap_or_else(|_| id.to_owned())
    })
}

/// The words of one e-mail (or, for a code, its SMS text as the body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

impl Text {
    /// The message `id`: its value as the body, its `subject` attribute as the subject.
    fn of(language: Language, id: &str, args: &FluentArgs) -> Self {
        Self {
            subject: text(language, id, Some("subject"), args),
            body: format!("{}\n", text(language, id, None, args)),
        }
    }

    /// The e-mail of these words to `to`; `purpose` names it in the outbox and logs.
    pub fn mail(self, to: String, purpose: &str) -> Mail {
        Mail {
            to,
            subject: self.subject,
            body: self.body,
            purpose: purpose.to_owned(),
        }
    }
}

fn args<'a>(pairs: impl IntoIterator<Item = (&'a str, FluentValue<'a>)>) -> FluentArgs<'a> {
    let mut args = FluentArgs::new();
    for (name, value) in pairs {
        args.set(name, value);
    }
    args
}

fn label(text: &str) -> FluentValue<'static> {
    FluentValue::from(mail_text::untrusted(text, mail_text::LABEL_MAX_CHARS))
}

fn browser(user_agent: &str) -> FluentValue<'static> {
    FluentValue::from(mail_text::untrusted(
        user_agent,
        mail_text::USER_AGENT_MAX_CHARS,
    ))
}

fn plain(text: &str) -> FluentValue<'_> {
    FluentValue::from(text)
}

// ---- one-time codes -------------------------------------------------------

/// What a one-time code confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeText {
    /// The SMS second factor of a sign-in.
    SignIn,
    /// A sign-in from a browser the login does not trust yet.
    NewDevice,
    /// Turning on SMS two-factor sign-in.
    TwoFactorSetup,
    /// A security change (turning a method off).
    StepUp,
}

impl CodeText {
    pub const ALL: [CodeText; 4] = [
        CodeText::SignIn,
        CodeText::NewDevice,
        CodeText::TwoFactorSetup,
        CodeText::StepUp,
    ];

    fn id(self) -> &'static str {
        match self {
            CodeText::SignIn => "code-sign-in",
            CodeText::NewDevice => "code-new-device",
            CodeText::TwoFactorSetup => "code-two-factor-setup",
            CodeText::StepUp => "code-step-up",
        }
    }
}

/// A one-time code's text (the SMS, or the e-mail's body) and e-mail subject.
pub fn code(language: Language, which: CodeText, code: &str, minutes: i64) -> Text {
    let args = args([("code", plain(code)), ("minutes", minutes.into())]);
    Text {
        subject: text(language, which.id(), Some("subject"), &args),
        // An SMS: no trailing line break.
        body: text(language, which.id(), None, &args),
    }
}

// ---- sign-up --------------------------------------------------------------

/// The link that confirms a sign-up's e-mail, working for `hours`.
pub fn signup_link(language: Language, link: &str, hours: u32) -> Text {
    Text::of(
        language,
        "signup-link",
        &args([("link", plain(link)), ("hours", hours.into())]),
    )
}

/// "You already have an account", with where to sign in and reset the password.
pub fn signup_account_exists(language: Language, login: &str, forgot: &str) -> Text {
    Text::of(
        language,
        "signup-account-exists",
        &args([("login", plain(login)), ("forgot", plain(forgot))]),
    )
}

// ---- passwords ------------------------------------------------------------

/// A password reset link, working for `minutes`.
pub fn password_reset(language: Language, link: &str, minutes: i64) -> Text {
    Text::of(
        language,
        "password-reset",
        &args([("link", plain(link)), ("minutes", minutes.into())]),
    )
}

/// How a password came to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChangeWay {
    /// By its holder, signed in.
    Changed,
    /// Through a mailed reset link.
    Reset,
}

/// "Your password was changed" at `at` (RFC 3339) from `ip`, with the way back.
pub fn password_changed(
    language: Language,
    way: PasswordChangeWay,
    at: &str,
    ip: &str,
    forgot: &str,
) -> Text {
    let how = match way {
        PasswordChangeWay::Changed => "changed",
        PasswordChangeWay::Reset => "reset",
    };
    Text::of(
        language,
        "password-changed",
        &args([
            ("how", plain(how)),
            ("at", plain(at)),
            ("ip", plain(ip)),
            ("forgot", plain(forgot)),
        ]),
    )
}

// ---- sign-ins -------------------------------------------------------------

/// Sign-in locked `until` (UTC) after failed attempts, the last from `ip` with `user_agent`.
pub fn login_locked(language: Language, until: &str, ip: &str, user_agent: &str) -> Text {
    Text::of(
        language,
        "login-locked",
        &args([
            ("until", plain(until)),
            ("ip", plain(ip)),
            ("browser", browser(user_agent)),
        ]),
    )
}

/// A sign-in from a new device at `time` (UTC), with the devices page.
pub fn new_device_sign_in(
    language: Language,
    time: &str,
    ip: &str,
    user_agent: &str,
    devices_page: &str,
) -> Text {
    Text::of(
        language,
        "new-device-sign-in",
        &args([
            ("time", plain(time)),
            ("ip", plain(ip)),
            ("browser", browser(user_agent)),
            ("page", plain(devices_page)),
        ]),
    )
}

// ---- two-factor sign-in ---------------------------------------------------

/// A change to a login's second factors, told to its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorChange {
    SmsAdded,
    AppAdded,
    RecoveryCodesRegenerated,
    PasskeyAdded,
    PasskeyRemoved,
}

impl FactorChange {
    pub const ALL: [FactorChange; 5] = [
        FactorChange::SmsAdded,
        FactorChange::AppAdded,
        FactorChange::RecoveryCodesRegenerated,
        FactorChange::PasskeyAdded,
        FactorChange::PasskeyRemoved,
    ];

    fn key(self) -> &'static str {
        match self {
            FactorChange::SmsAdded => "sms-added",
            FactorChange::AppAdded => "app-added",
            FactorChange::RecoveryCodesRegenerated => "recovery-codes",
            FactorChange::PasskeyAdded => "passkey-added",
            FactorChange::PasskeyRemoved => "passkey-removed",
        }
    }
}

/// The security notice of a second-factor change made from `ip` with `user_agent`.
pub fn factor_change(language: Language, change: FactorChange, ip: &str, user_agent: &str) -> Text {
    Text::of(
        language,
        "factor-change",
        &args([
            ("change", plain(change.key())),
            ("ip", plain(ip)),
            ("browser", browser(user_agent)),
        ]),
    )
}

// ---- subusers -------------------------------------------------------------

/// The invitation of a subuser by `owner_email`, to set a password within `days`.
pub fn subuser_invitation(language: Language, owner_email: &str, link: &str, days: i64) -> Text {
    Text::of(
        language,
        "subuser-invitation",
        &args([
            ("owner", label(owner_email)),
            ("link", plain(link)),
            ("days", days.into()),
        ]),
    )
}

// ---- API tokens and OAuth clients -----------------------------------------

/// An API token or an OAuth client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Token,
    Client,
}

impl Credential {
    fn key(self) -> &'static str {
        match self {
            Credential::Token => "token",
            Credential::Client => "client",
        }
    }
}

/// The API token `name` (shown by its `hint`) expires at `expires_at` (RFC 3339).
pub fn token_expiry(
    language: Language,
    name: &str,
    hint: &str,
    expires_at: &str,
    tokens_page: &str,
) -> Text {
    Text::of(
        language,
        "token-expiry",
        &args([
            ("name", label(name)),
            ("hint", plain(hint)),
            ("expires_at", plain(expires_at)),
            ("page", plain(tokens_page)),
        ]),
    )
}

/// A credential's first use from a network it had not used for `quiet_days`.
pub struct NewNetwork<'a> {
    pub credential: Credential,
    pub name: &'a str,
    /// RFC 3339.
    pub at: &'a str,
    pub ip: &'a str,
    pub network: &'a str,
    pub quiet_days: i64,
    /// The portal page of the credential's kind.
    pub page: &'a str,
}

pub fn credential_new_network(language: Language, used: &NewNetwork<'_>) -> Text {
    Text::of(
        language,
        "credential-new-network",
        &args([
            ("kind", plain(used.credential.key())),
            ("name", label(used.name)),
            ("at", plain(used.at)),
            ("ip", plain(used.ip)),
            ("network", plain(used.network)),
            ("days", used.quiet_days.into()),
            ("page", plain(used.page)),
        ]),
    )
}

/// What was done with a credential reported as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeakAction {
    /// An API token: deleted.
    TokenDeleted,
    /// An access token issued to an OAuth client: revoked.
    TokenRevoked,
    /// An OAuth client's secret: the client disabled.
    ClientDisabled,
}

impl LeakAction {
    pub const ALL: [LeakAction; 3] = [
        LeakAction::TokenDeleted,
        LeakAction::TokenRevoked,
        LeakAction::ClientDisabled,
    ];

    fn key(self) -> &'static str {
        match self {
            LeakAction::TokenDeleted => "token-deleted",
            LeakAction::TokenRevoked => "token-revoked",
            LeakAction::ClientDisabled => "client-disabled",
        }
    }
}

/// The credential `name` was reported as published (at `url`, when the report
/// said where) and `action` was taken; reported at `at` (RFC 3339).
pub fn credential_leak(
    language: Language,
    action: LeakAction,
    name: &str,
    url: Option<&str>,
    at: &str,
    page: &str,
) -> Text {
    let name = label(name);
    let what = args([("leak", plain(action.key())), ("name", name)]);
    let found = url
        .map(|url| {
            let url = FluentValue::from(mail_text::untrusted(url, mail_text::URL_MAX_CHARS));
            let found = text(
                language,
                "credential-leak-found",
                None,
                &args([("url", url)]),
            );
            format!("{found}\n\n")
        })
        .unwrap_or_default();
    let advice = text(
        language,
        "credential-leak-advice",
        None,
        &args([("page", plain(page)), ("at", plain(at))]),
    );
    Text {
        subject: text(language, "credential-leak", Some("subject"), &what),
        body: format!(
            "{}\n\n{found}{advice}\n",
            text(language, "credential-leak", None, &what)
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    thread_local! {
        /// Messages this thread asked for that were missing or failed to render.
        pub(super) static FAILURES: Cell<usize> = const { Cell::new(0) };
    }

    /// Every message and attribute of a language, with the variables each uses.
    fn inventory(language: Language) -> BTreeMap<String, BTreeSet<String>> {
        let (_, files) = SOURCES
            .iter()
            .find(|(of, _)| *of == language)
            .expect("sources");
        let mut found = BTreeMap::new();
        for (name, source) in *files {
            let resource = fluent_syntax::parser::parse(*source).unwrap_or_else(|(_, errors)| {
                panic!("{}/{name} does not parse: {errors:?}", language.as_str())
            });
            for entry in resource.body {
                if let ast::Entry::Message(message) = entry {
                    let id = message.id.name.to_owned();
                    if let Some(value) = &message.value {
                        found.insert(id.clone(), variables(value));
                    }
                    for attribute in &message.attributes {
                        found.insert(
                            format!("{id}.{}", attribute.id.name),
                            variables(&attribute.value),
                        );
                    }
                }
            }
        }
        found
    }

    fn variables(pattern: &ast::Pattern<&str>) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        collect_pattern(pattern, &mut found);
        found
    }

    fn collect_pattern(pattern: &ast::Pattern<&str>, found: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                collect_expression(expression, found);
            }
        }
    }

    fn collect_expression(expression: &ast::Expression<&str>, found: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Inline(inline) => collect_inline(inline, found),
            ast::Expression::Select { selector, variants } => {
                collect_inline(selector, found);
                for variant in variants {
                    collect_pattern(&variant.value, found);
                }
            }
        }
    }

    fn collect_inline(inline: &ast::InlineExpression<&str>, found: &mut BTreeSet<String>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                found.insert(format!("${}", id.name));
            }
            // A message placed in another is a dependency both languages must share.
            ast::InlineExpression::MessageReference { id, .. } => {
                found.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => {
                collect_expression(expression, found)
            }
            _ => {}
        }
    }

    #[test]
    fn both_languages_have_the_same_messages_with_the_same_variables() {
        let english = inventory(Language::En);
        let polish = inventory(Language::Pl);
        assert!(english.len() > 20, "{english:?}");
        assert_eq!(
            english.keys().collect::<Vec<_>>(),
            polish.keys().collect::<Vec<_>>(),
            "message ids"
        );
        for (id, variables) in &english {
            assert_eq!(Some(variables), polish.get(id), "variables of {id}");
        }
    }

    #[test]
    fn every_bundle_loads_without_errors() {
        for (language, files) in SOURCES {
            let mut bundle =
                FluentBundle::new_concurrent(vec![language.as_str().parse().expect("tag")]);
            for (name, source) in files {
                let resource = FluentResource::try_new((*source).to_owned())
                    .unwrap_or_else(|(_, errors)| panic!("{name}: {errors:?}"));
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|errors| panic!("{name}: {errors:?}"));
            }
        }
    }

    /// Every text the code can ask for, in `language`.
    fn every_text(language: Language) -> Vec<Text> {
        let mut texts: Vec<Text> = CodeText::ALL
            .into_iter()
            .map(|which| code(language, which, "123456", 5))
            .collect();
        texts.extend([
            signup_link(
                language,
                "https://portal.example/verify-email?token=abc",
                24,
            ),
            signup_account_exists(
                language,
                "https://p.example/login",
                "https://p.example/forgot",
            ),
            password_reset(language, "https://p.example/reset?token=abc", 30),
            password_changed(
                language,
                PasswordChangeWay::Changed,
                "2026-12-04T10:00:00Z",
                "203.0.113.9",
                "https://p.example/forgot",
            ),
            password_changed(
                language,
                PasswordChangeWay::Reset,
                "2026-12-04T10:00:00Z",
                "203.0.113.9",
                "https://p.example/forgot",
            ),
            login_locked(language, "2026-12-04 10:15", "203.0.113.9", "Firefox"),
            new_device_sign_in(
                language,
                "2026-12-04 10:00:00",
                "203.0.113.9",
                "Firefox",
                "https://p.example/devices",
            ),
            subuser_invitation(language, "boss@corp.example", "https://p.example/r", 7),
            token_expiry(
                language,
                "CI",
                "pc_abc…",
                "2026-12-11T10:00:00Z",
                "https://p.example/tokens",
            ),
        ]);
        texts.extend(
            FactorChange::ALL
                .into_iter()
                .map(|change| factor_change(language, change, "203.0.113.9", "Firefox")),
        );
        for credential in [Credential::Token, Credential::Client] {
            texts.push(credential_new_network(
                language,
                &NewNetwork {
                    credential,
                    name: "CI",
                    at: "2026-12-04T10:00:00Z",
                    ip: "203.0.113.9",
                    network: "203.0.113.0/24",
                    quiet_days: 30,
                    page: "https://p.example/tokens",
                },
            ));
        }
        for action in LeakAction::ALL {
            for url in [None, Some("https://gist.example/x")] {
                texts.push(credential_leak(
                    language,
                    action,
                    "CI",
                    url,
                    "2026-12-04T10:00:00Z",
                    "https://p.example/tokens",
                ));
            }
        }
        texts
    }

    #[test]
    fn every_text_the_code_asks_for_renders_in_both_languages() {
        for language in Language::ALL {
            FAILURES.with(|failures| failures.set(0));
            let texts = every_text(language);
            assert_eq!(
                FAILURES.with(Cell::get),
                0,
                "{}: a message was missing or failed",
                language.as_str()
            );
            for text in &texts {
                for part in [&text.subject, &text.body] {
                    assert!(!part.trim().is_empty(), "{text:?}");
                    // Neither an unplaced variable ({$name}) nor a raw id.
                    assert!(!part.contains(['{', '}']), "{part:?}");
                    assert!(
                        !part.contains("code-") && !part.contains("credential-"),
                        "{part:?}"
                    );
                    // Isolation marks would show as garbage in plain text.
                    assert!(!part.contains(['\u{2068}', '\u{2069}']), "{part:?}");
                }
            }
        }
        // The two languages really differ (no English fallback in Polish).
        let english = every_text(Language::En);
        let polish = every_text(Language::Pl);
        for (en, pl) in english.iter().zip(&polish) {
            assert_ne!(en.subject, pl.subject);
            assert_ne!(en.body, pl.body);
        }
    }

    #[test]
    fn polish_plurals_follow_polish_rules() {
        let works = |minutes| password_reset(Language::Pl, "https://p.example/r", minutes).body;
        assert!(works(1).contains("przez 1 minutę i"), "{}", works(1));
        assert!(works(2).contains("przez 2 minuty i"), "{}", works(2));
        assert!(works(5).contains("przez 5 minut i"), "{}", works(5));
        assert!(works(22).contains("przez 22 minuty i"), "{}", works(22));
        assert!(works(12).contains("przez 12 minut i"), "{}", works(12));
        let english = code(Language::En, CodeText::SignIn, "123456", 1).body;
        assert!(english.contains("It expires in 1 minute."), "{english}");
        let invitation = |days| {
            subuser_invitation(Language::Pl, "a@b.example", "https://p.example/r", days).body
        };
        assert!(invitation(1).contains("przez 1 dzień"));
        assert!(invitation(7).contains("przez 7 dni"));
    }

    #[test]
    fn the_english_texts_read_as_before() {
        assert_eq!(
            code(Language::En, CodeText::SignIn, "123456", 5).body,
            "123456 is your Portcullis sign-in code. It expires in 5 minutes. Never share it with anyone."
        );
        let link = signup_link(Language::En, "https://p.example/v?token=abc", 24);
        assert_eq!(
            link.subject,
            "Confirm your e-mail to create your Portcullis account"
        );
        assert_eq!(
            link.body,
            "Someone (hopefully you) signed up for Portcullis with this e-mail address.\n\n\
             Open this link within 24 hours to confirm it and create your account; the link works once:\n\
             https://p.example/v?token=abc\n\n\
             Until then no account exists. If you did not sign up, ignore this e-mail and nothing will be created.\n"
        );
        let leak = credential_leak(
            Language::En,
            LeakAction::TokenDeleted,
            "CI",
            Some("https://gist.example/x"),
            "2026-12-04T10:00:00Z",
            "https://p.example/tokens",
        );
        assert!(
            leak.body.contains(
                "from now on.\n\nIt was found at: hxxps[:]//gist[.]example/x\n\
                 (the address as reported, made non-clickable)\n\nRemove the secret"
            ),
            "{}",
            leak.body
        );
    }

    #[test]
    fn code_texts_fit_one_sms_part_where_they_can() {
        // Polish needs UCS-2: 70 characters a part; English stays in GSM-7's 160.
        for which in [CodeText::SignIn, CodeText::TwoFactorSetup, CodeText::StepUp] {
            let polish = code(Language::Pl, which, "123456", 5).body;
            assert!(polish.chars().count() <= 70, "{polish}");
        }
        for which in CodeText::ALL {
            let english = code(Language::En, which, "123456", 5).body;
            assert!(english.chars().count() <= 160, "{english}");
        }
    }

    #[test]
    fn polish_reads_as_polish() {
        assert_eq!(
            code(Language::Pl, CodeText::SignIn, "123456", 5).body,
            "Kod logowania do Portcullis: 123456. Ważny 5 min. Nie podawaj nikomu."
        );
        let notice = new_device_sign_in(
            Language::Pl,
            "2026-12-04 10:00:00",
            "203.0.113.9",
            "Firefox",
            "https://p.example/devices",
        );
        assert_eq!(
            notice.subject,
            "Portcullis: nowe logowanie do Twojego konta"
        );
        assert!(notice.body.starts_with(
            "Wykryliśmy logowanie do Twojego konta w Portcullis z nowego urządzenia.\n\n\
             Czas: 2026-12-04 10:00:00 UTC\nAdres IP: 203.0.113.9\nPrzeglądarka: Firefox\n\n"
        ));
    }

    #[test]
    fn untrusted_text_is_made_safe_where_it_is_placed() {
        let notice = factor_change(
            Language::Pl,
            FactorChange::PasskeyAdded,
            "203.0.113.9",
            "Evil\r\nBcc: x https://evil.example",
        );
        assert!(
            notice
                .body
                .contains("Przeglądarka: Evil Bcc: x hxxps[:]//evil[.]example\n"),
            "{}",
            notice.body
        );
        let invitation =
            subuser_invitation(Language::En, "boss@corp.example", "https://p.example/r", 7);
        assert!(invitation
            .body
            .starts_with("boss@corp[.]example made you a login"));
    }
}

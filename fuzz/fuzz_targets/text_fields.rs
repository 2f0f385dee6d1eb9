//! The other short texts that come from outside: scope strings, one-time and
//! recovery codes, sender names, e-mail addresses, country codes, cookie and
//! link secrets, Idempotency-Key headers and labels. Accepted values are in
//! normal form (parsing them again changes nothing) and hash and compare
//! consistently.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_api::{
    domain::{CountryCode, Email, OneTimeCode, RecoveryCode, ResetToken, SessionToken},
    services::{
        tokens::api_access::{parse_scopes, scope_string},
        ip_allowlists::parse_label,
        senders::parse_name,
        sms::messages::parse_idempotency_key,
    },
};
use portcullis_shared::{scope::Scope, validate};

/// What is checked, for inputs of the form `kind\nvalue` (the seeds);
/// other inputs go through every parser.
const KINDS: [&str; 9] = [
    "scope",
    "code",
    "recovery",
    "sender",
    "email",
    "country",
    "secret",
    "idempotency",
    "label",
];

enum Input {
    ScopeText(String),
    Scopes(Vec<u8>),
    Code(String, String),
    Recovery(String),
    Sender(String),
    Email(String),
    Country(String),
    Secret(String),
    IdempotencyKey(Vec<u8>),
    Label(String),
}

fn inputs(data: &[u8]) -> Vec<Input> {
    let text = String::from_utf8_lossy(data).into_owned();
    let (kind, value) = text.split_once('\n').unwrap_or(("", &text));
    let value = value.to_owned();
    let raw_value = data.get(kind.len() + 1..).unwrap_or(data).to_vec();
    let salt = "row_salt".to_owned();
    let one = |kind: &str| match kind {
        "scope" => Input::ScopeText(value.clone()),
        "code" => Input::Code(value.clone(), salt.clone()),
        "recovery" => Input::Recovery(value.clone()),
        "sender" => Input::Sender(value.clone()),
        "email" => Input::Email(value.clone()),
        "country" => Input::Country(value.clone()),
        "secret" => Input::Secret(value.clone()),
        "idempotency" => Input::IdempotencyKey(raw_value.clone()),
        _ => Input::Label(value.clone()),
    };
    if KINDS.contains(&kind) {
        vec![one(kind), Input::Scopes(data.to_vec())]
    } else {
        KINDS
            .iter()
            .map(|k| one(k))
            .chain([Input::Scopes(data.to_vec())])
            .collect()
    }
}

fuzz_target!(|data: &[u8]| {
    for input in inputs(data) {
        check(input);
    }
});

fn check(input: Input) {
    match input {
        Input::ScopeText(text) => {
            if let Some(scope) = Scope::parse(&text) {
                assert_eq!(scope.as_str(), text);
            }
            let scopes = parse_scopes(&text);
            assert_eq!(parse_scopes(&scope_string(&scopes)), scopes);
        }
        Input::Scopes(indexes) => {
            let scopes: Vec<Scope> = indexes
                .iter()
                .map(|i| Scope::ALL[usize::from(*i) % Scope::ALL.len()])
                .collect();
            assert_eq!(parse_scopes(&scope_string(&scopes)), scopes);
        }
        Input::Code(typed, salt) => {
            if let Ok(code) = OneTimeCode::parse("code", &typed) {
                let digits = code.expose();
                assert!(digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()));
                assert!(OneTimeCode::parse("code", digits) == Ok(code.clone()));
                assert!(code.matches(&salt, &code.hash(&salt)));
                assert!(!code.matches(&format!("{salt}x"), &code.hash(&salt)));
                assert!(!code.matches(&salt, ""));
            }
        }
        Input::Recovery(typed) => {
            if let Ok(code) = RecoveryCode::parse("code", &typed) {
                let shown = code.display();
                let again = RecoveryCode::parse("code", &shown).expect("the shown form parses");
                assert_eq!(again, code);
                assert_eq!(again.display(), shown);
            }
        }
        Input::Sender(raw) => {
            if let Ok(name) = parse_name("sender", &raw) {
                assert!((1..=11).contains(&name.chars().count()));
                assert_eq!(parse_name("sender", &name), Ok(name.clone()));
            }
        }
        Input::Email(raw) => {
            if let Ok(email) = Email::parse("email", &raw) {
                assert_eq!(validate::check_email("email", email.as_str()), None);
                let again = Email::parse("email", email.as_str()).expect("its own form parses");
                assert_eq!(again, email);
                // The lookup key is stable: one account per address, whatever its case.
                assert_eq!(Email::normalize(email.normalized()), email.normalized());
            }
        }
        Input::Country(raw) => {
            if let Ok(country) = CountryCode::parse("country", &raw) {
                let code = country.as_str();
                assert!(code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()));
                assert_eq!(CountryCode::parse("country", code), Ok(country.clone()));
            }
        }
        Input::Secret(raw) => {
            if let Some(token) = SessionToken::from_cookie(&raw) {
                assert_eq!(token.expose().len(), 43);
                let again = SessionToken::parse(token.expose()).expect("its own form parses");
                assert_eq!(again.storage_id(), token.storage_id());
                assert_eq!(again.csrf_token(), token.csrf_token());
                // Each kind of secret hashes under its own prefix.
                let reset = ResetToken::parse(token.expose()).expect("same shape");
                assert_ne!(reset.storage_id(), token.storage_id());
            }
        }
        Input::IdempotencyKey(raw) => {
            if let Ok(Some(key)) = parse_idempotency_key(Some(&raw)) {
                assert_eq!(key.as_bytes(), raw.as_slice());
            }
        }
        Input::Label(raw) => {
            if let Ok(Some(label)) = parse_label(Some(raw.clone())) {
                assert_eq!(label, raw.trim());
                assert_eq!(
                    parse_label(Some(label.clone())).ok(),
                    Some(Some(label.clone()))
                );
            }
        }
    }
}

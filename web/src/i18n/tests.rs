//! The message files: both languages parse, hold the same messages with the same
//! variables, and hold every id the code asks for.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use fluent_syntax::parser;

use super::*;

/// Every message of `language`: its id and the variables it reads.
fn messages(language: Language) -> BTreeMap<String, BTreeSet<String>> {
    let mut found = BTreeMap::new();
    for (area, source) in message_files(language) {
        let resource = parser::parse(source).unwrap_or_else(|(_, errors)| {
            panic!(
                "{}/{area}.ftl does not parse: {errors:?}",
                language.as_str()
            )
        });
        for entry in resource.body {
            match entry {
                Entry::Message(message) => {
                    let mut variables = BTreeSet::new();
                    if let Some(value) = &message.value {
                        pattern_variables(value, &mut variables);
                    }
                    assert!(
                        message.attributes.is_empty(),
                        "{}: the portal reads values only",
                        message.id.name
                    );
                    let id = message.id.name.to_owned();
                    assert!(is_message_id(&id), "{id}: ids are kebab-case");
                    let repeated = found.insert(id.clone(), variables).is_some();
                    assert!(!repeated, "{id} is in two {} files", language.as_str());
                }
                Entry::Term(term) => panic!("{}: no terms, to keep the files plain", term.id.name),
                Entry::Junk { content } => {
                    panic!("{}/{area}.ftl: junk {content:?}", language.as_str())
                }
                _ => {}
            }
        }
    }
    found
}

fn pattern_variables(pattern: &Pattern<&str>, variables: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, variables);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, variables: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => inline_variables(inline, variables),
        Expression::Select { selector, variants } => {
            inline_variables(selector, variables);
            for variant in variants {
                pattern_variables(&variant.value, variables);
            }
        }
    }
}

fn inline_variables(inline: &InlineExpression<&str>, variables: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            variables.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, variables),
        InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, variables);
            }
        }
        _ => {}
    }
}

/// `area-what-more`: lowercase words joined by single hyphens, at least two.
fn is_message_id(id: &str) -> bool {
    id.contains('-')
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[test]
fn every_message_file_parses_and_both_languages_say_the_same_things() {
    let english = messages(Language::En);
    let polish = messages(Language::Pl);
    assert!(english.len() > 50, "{} messages", english.len());
    let only_english: Vec<_> = english
        .keys()
        .filter(|id| !polish.contains_key(*id))
        .collect();
    let only_polish: Vec<_> = polish
        .keys()
        .filter(|id| !english.contains_key(*id))
        .collect();
    assert!(only_english.is_empty(), "not in Polish: {only_english:?}");
    assert!(only_polish.is_empty(), "not in English: {only_polish:?}");
    for (id, variables) in &english {
        assert_eq!(&polish[id], variables, "{id}: the same variables in both");
    }
}

#[test]
fn the_bundles_take_every_file_whole() {
    for language in Language::ALL {
        let mut bundle = FluentBundle::new(vec![language.as_str().parse().unwrap()]);
        for (area, source) in message_files(language) {
            let resource = FluentResource::try_new(source.to_owned())
                .unwrap_or_else(|_| panic!("{}/{area}.ftl", language.as_str()));
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("{}/{area}.ftl: {errors:?}", language.as_str()));
        }
    }
}

/// The ids the code passes to `t("…")` and `t_args("…", …)` or keeps as `msg("…")`, with
/// where each is.
fn ids_used_in(dir: &Path, found: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("i18n") {
            // This module: its tests name ids that must not exist.
            continue;
        } else if path.is_dir() {
            ids_used_in(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for call in [".t(", ".t_args(", " msg(", "(msg(", "[msg(", "{msg("] {
                for (at, _) in source.match_indices(call) {
                    let rest = source[at + call.len()..].trim_start();
                    if let Some(literal) = rest.strip_prefix('"') {
                        let id = &literal[..literal.find('"').unwrap()];
                        found.push((id.to_owned(), path.display().to_string()));
                    }
                }
            }
        }
    }
}

#[test]
fn every_id_the_code_uses_is_a_message() {
    let english = messages(Language::En);
    let mut used = Vec::new();
    ids_used_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut used,
    );
    assert!(
        used.len() > 50,
        "found {} uses: is the scan right?",
        used.len()
    );
    let missing: Vec<_> = used
        .iter()
        .filter(|(id, _)| !english.contains_key(id))
        .collect();
    assert!(missing.is_empty(), "ids with no message: {missing:?}");
}

#[test]
fn every_message_is_used_somewhere() {
    let mut used = Vec::new();
    ids_used_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut used,
    );
    let used: BTreeSet<String> = used.into_iter().map(|(id, _)| id).collect();
    let unused: Vec<_> = messages(Language::En)
        .into_keys()
        .filter(|id| !used.contains(id))
        .collect();
    assert!(unused.is_empty(), "messages no code shows: {unused:?}");
}

#[test]
fn words_come_in_the_language_asked_for_with_its_plural_forms() {
    let (en, pl) = (Texts::new(Language::En), Texts::new(Language::Pl));
    assert_eq!(en.t("nav-log-in"), "Log in");
    assert_eq!(pl.t("nav-log-in"), "Zaloguj się");
    let minutes = |texts: Texts, count: i64| {
        texts.t_args("format-duration-minutes", &[("count", count.into())])
    };
    assert_eq!(minutes(pl, 1), "1 minuta");
    assert_eq!(minutes(pl, 3), "3 minuty");
    assert_eq!(minutes(pl, 5), "5 minut");
    assert_eq!(minutes(pl, 12), "12 minut");
    assert_eq!(minutes(pl, 22), "22 minuty");
    assert_eq!(minutes(en, 1), "1 minute");
    assert_eq!(minutes(en, 12_500), "12,500 minutes");
    assert_eq!(minutes(pl, 12_500), "12\u{a0}500 minut");
    // No bidi isolation marks around arguments, and an unknown id shows as itself.
    assert_eq!(
        pl.t_args("page-title", &[("page", "Pulpit".into())]),
        "Pulpit · Portcullis"
    );
    assert_eq!(en.t("no-such-message"), "no-such-message");
}

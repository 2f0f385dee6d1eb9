use std::{collections::HashSet, fmt, sync::OnceLock};

use portcullis_shared::{
    problem::FieldError,
    validate::{self, codes},
};

static COMMON_PASSWORDS_LIST: &str = include_str!("../../data/common-passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS_LIST
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// A password as presented at login: any string, never printed.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn new(raw: String) -> Self {
        Self(raw)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A password that meets the policy: the seed's rules (8+ characters, an
/// uppercase letter, a digit), not a common password, not containing the
/// e-mail's local part.
#[derive(Clone, Debug)]
pub struct NewPassword(Password);

impl NewPassword {
    pub fn parse(field: &str, raw: String, email: &str) -> Result<Self, Vec<FieldError>> {
        let mut errors = validate::check_password(field, &raw, email);
        if errors.is_empty() && common_passwords().contains(raw.to_lowercase().as_str()) {
            errors.push(FieldError {
                field: field.to_owned(),
                code: codes::COMMON_PASSWORD.to_owned(),
                message: "This password is too common; choose one that is hard to guess."
                    .to_owned(),
            });
        }
        if errors.is_empty() {
            Ok(Self(Password(raw)))
        } else {
            Err(errors)
        }
    }

    pub fn into_password(self) -> Password {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        let errors = NewPassword::parse("password", "Password1".into(), "a@b.io").unwrap_err();
        assert_eq!(errors[0].code, codes::COMMON_PASSWORD);
        assert!(common_passwords().len() > 19_000);
    }

    #[test]
    fn a_good_password_passes_and_never_prints() {
        let password = NewPassword::parse("password", "Violet-Kettle-42".into(), "a@b.io").unwrap();
        assert_eq!(format!("{password:?}"), "NewPassword(Password(***))");
    }
}

//! Passwords: the Argon2id hasher, changing the password while signed in, and
//! resetting a forgotten one by e-mail. Serves `routes/passwords.rs`.

pub mod change;
pub mod hasher;
pub mod reset;

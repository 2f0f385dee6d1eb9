//! Links into the portal that e-mails carry. Services ask for a link by what
//! it is for; the page paths (the SPA's routes, see `portcullis_shared::routes`
//! and `web/src/app.rs`) are known here only.

use portcullis_shared::routes;

/// The portal's pages under its public URL (`PORTCULLIS_PUBLIC_URL`, without
/// a trailing `/`).
#[derive(Debug, Clone, Copy)]
pub struct PortalLinks<'a> {
    public_url: &'a str,
}

impl<'a> PortalLinks<'a> {
    pub fn new(public_url: &'a str) -> Self {
        Self { public_url }
    }

    /// The page that confirms a sign-up's e-mail with `token`.
    pub fn verify_email(&self, token: &str) -> String {
        self.with_token(routes::VERIFY_EMAIL_PAGE, token)
    }

    /// The page that sets a password with `token` (a reset or an invitation).
    pub fn reset_password(&self, token: &str) -> String {
        self.with_token(routes::RESET_PASSWORD_PAGE, token)
    }

    /// The sign-in page.
    pub fn login(&self) -> String {
        self.page(routes::LOGIN_PAGE)
    }

    /// The page that asks for a password reset link.
    pub fn forgot_password(&self) -> String {
        self.page(routes::FORGOT_PASSWORD_PAGE)
    }

    /// The trusted devices page.
    pub fn devices(&self) -> String {
        self.page("/devices")
    }

    /// The API tokens page.
    pub fn tokens(&self) -> String {
        self.page("/tokens")
    }

    fn page(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    fn with_token(&self, path: &str, token: &str) -> String {
        format!("{}{path}?token={token}", self.public_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_the_portal_pages() {
        let links = PortalLinks::new("https://portal.example");
        assert_eq!(
            links.reset_password("abc"),
            "https://portal.example/reset-password?token=abc"
        );
        assert_eq!(
            links.verify_email("abc"),
            "https://portal.example/verify-email?token=abc"
        );
        assert_eq!(links.login(), "https://portal.example/login");
        assert_eq!(
            links.forgot_password(),
            "https://portal.example/forgot-password"
        );
        assert_eq!(links.devices(), "https://portal.example/devices");
        assert_eq!(links.tokens(), "https://portal.example/tokens");
    }
}

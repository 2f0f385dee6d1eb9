//! Why an API call's bearer credential was refused: the one word the extractor, the
//! access decision, the error answer and the refused-calls audit share.

use portcullis_shared::scope::Scope;

/// Why a call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenRefusal {
    Missing,
    Invalid,
    Expired,
    Disabled,
    Revoked,
    TokenIpNotAllowed,
    AccountIpNotAllowed,
    /// The gateway's operator suspended the account the credential belongs to.
    AccountSuspended,
    /// The credential is pinned to the networks it was used from, and this call came from another.
    NetworkNotAllowed,
    InsufficientScope(Scope),
    /// The credential's policy does not allow the destination country.
    CountryNotAllowed,
    /// The credential's policy does not allow sending now.
    OutsideWindow,
    /// The send would pass the credential's daily or monthly points cap.
    PointsCapReached,
    /// The credential's requests per minute are used up.
    RateLimited,
}

//! Phone numbers (contacts, SMS recipients, account phones): an accepted
//! number is stored in E.164, parses back to itself, passes the portal's own
//! shape check, and names a country the country filter knows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_api::domain::{CountryCode, PhoneNumber};
use portcullis_shared::validate;

fuzz_target!(
    // Loads libphonenumber's metadata before the clock starts: in an
    // unoptimised build that alone can exceed a unit's timeout.
    init: {
        let _ = PhoneNumber::parse("phone", "+48500100200");
    },
    |raw: &str| {
    let Ok(phone) = PhoneNumber::parse("phone", raw) else {
        return;
    };
    let e164 = phone.as_str();
    let digits = e164.strip_prefix('+').expect("E.164 starts with +");
    assert!(
        !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()),
        "{raw:?} → {e164:?}"
    );
    assert_eq!(
        PhoneNumber::parse("phone", e164),
        Ok(phone.clone()),
        "{raw:?}"
    );
    assert_eq!(
        validate::check_phone_shape("phone", e164),
        None,
        "the portal refuses {e164}, which the API accepts"
    );
    if let Some(country) = phone.country() {
        assert!(
            CountryCode::parse("country", country).is_ok(),
            "{e164} is in {country}, which the country filter does not know"
        );
    }
});

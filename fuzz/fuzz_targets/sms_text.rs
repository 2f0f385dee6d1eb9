//! SMS text: GSM 03.38 or UCS-2 and the number of parts (the points charged).
//! Accepted texts are kept as sent and take 1 to 10 parts whose size bounds
//! hold; refusals are for blank or over-long texts only.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_api::domain::sms_text::{Encoding, SmsText, MAX_CHARS, MAX_PARTS};
use portcullis_shared::validate::codes;

/// Units of a text in `parts` parts: one part holds `single`, more hold `multi` each.
fn fits(units: usize, parts: i64, single: usize, multi: usize) -> bool {
    let parts = parts as usize;
    if parts == 1 {
        units <= single
    } else {
        units > single && units <= parts * multi && units > (parts - 1) * multi
    }
}

fuzz_target!(|raw: &str| {
    let chars = raw.chars().count();
    match SmsText::parse("text", raw) {
        Ok(sms) => {
            assert_eq!(sms.as_str(), raw);
            assert!((1..=MAX_PARTS).contains(&sms.parts()));
            assert!(chars <= MAX_CHARS && !raw.trim().is_empty());
            match sms.encoding() {
                Encoding::Ucs2 => {
                    assert!(
                        fits(raw.encode_utf16().count(), sms.parts(), 70, 67),
                        "{raw:?}"
                    );
                }
                Encoding::Gsm7 => {
                    // Each character is one septet, or two for the extension table.
                    let parts = sms.parts() as usize;
                    if parts == 1 {
                        assert!(chars <= 160);
                    } else {
                        assert!(chars <= parts * 153 && 2 * chars > (parts - 1) * 153);
                    }
                    assert!(raw.chars().all(|c| c.len_utf16() == 1), "{raw:?}");
                }
            }
        }
        Err(error) => {
            assert_eq!(error.field, "text");
            if error.code == codes::REQUIRED {
                assert!(raw.trim().is_empty());
            } else {
                assert_eq!(error.code, codes::TOO_LONG);
                assert!(chars > 140, "{chars} characters refused as too long");
            }
        }
    }
});

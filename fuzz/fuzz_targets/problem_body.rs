//! The RFC 9457 problem bodies the portal parses (`shared::problem`), as the
//! SPA reads them (`serde_json::from_str::<Problem>`): any body either fails
//! cleanly or round-trips through serialisation unchanged, and
//! `field_message` reports exactly the messages of that field.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use portcullis_shared::problem::{FieldError, Problem, ProblemCode};

/// The input is read as a response body; a problem built from the same
/// bytes is serialised and read back too.
#[derive(Debug, Arbitrary)]
struct Built {
    title: String,
    status: u16,
    detail: Option<String>,
    code: u8,
    request_id: Option<String>,
    errors: Vec<(String, String, String)>,
    permission: Option<String>,
    opens_at: Option<String>,
}

/// Codes by their wire names, parsed the way the SPA parses them.
fn code(index: u8) -> ProblemCode {
    const NAMES: [&str; 10] = [
        "validation_failed",
        "permission_denied",
        "outside_sending_hours",
        "unauthenticated",
        "session_expired",
        "unavailable",
        "token_invalid",
        "login_locked",
        "would_lock_out",
        "something_newer",
    ];
    serde_json::from_str(&format!("\"{}\"", NAMES[usize::from(index) % NAMES.len()]))
        .expect("a code parses, or is Unknown")
}

fn check(problem: &Problem) {
    let json = serde_json::to_string(problem).expect("serialises");
    let again: Problem = serde_json::from_str(&json).expect("its own serialisation parses");
    assert_eq!(&again, problem);
    for error in &problem.errors {
        let message = problem
            .field_message(&error.field)
            .expect("the field has errors");
        let expected: Vec<&str> = problem
            .errors
            .iter()
            .filter(|e| e.field == error.field)
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(message, expected.join(" "));
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(body) = std::str::from_utf8(data) {
        read_body(body);
    }
    if let Ok(built) = Built::arbitrary(&mut Unstructured::new(data)) {
        round_trip(built);
    }
});

fn read_body(body: &str) {
    {
        if let Ok(problem) = serde_json::from_str::<Problem>(body) {
            check(&problem);
            if problem.errors.iter().all(|e| e.field != "\u{0}none") {
                assert_eq!(problem.field_message("\u{0}none"), None);
            }
        }
        // Unknown members are ignored, so a newer server's extras never break the portal.
        if let Ok(serde_json::Value::Object(mut object)) = serde_json::from_str(body) {
            let before =
                serde_json::from_value::<Problem>(serde_json::Value::Object(object.clone()));
            object.insert("x_extension".into(), serde_json::Value::Bool(true));
            let after = serde_json::from_value::<Problem>(serde_json::Value::Object(object));
            assert_eq!(before.ok(), after.ok());
        }
    }
}

fn round_trip(built: Built) {
    let Built {
        title,
        status,
        detail,
        code: index,
        request_id,
        errors,
        permission,
        opens_at,
    } = built;
    {
        let problem = Problem {
            type_uri: "about:blank".into(),
            title,
            status,
            detail,
            code: code(index),
            request_id,
            permission,
            opens_at,
            country: None,
            recipients: Vec::new(),
            errors: errors
                .into_iter()
                .map(|(field, code, message)| FieldError {
                    field,
                    code,
                    message,
                })
                .collect(),
        };
        check(&problem);
    }
}

//! CSV contact import (`POST /api/v1/contacts/import`), the part that reads
//! the file: arbitrary bytes never panic and a refusal is a 4xx; rows come
//! out in order with their line numbers; a file written by a CSV writer from
//! known contacts reads back to those contacts, whatever the column order
//! and header case.
#![no_main]

use actix_web::ResponseError;
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use portcullis_api::services::contacts::{parse_import_csv, IMPORT_MAX_ROWS};

#[derive(Debug, Arbitrary)]
struct Contact {
    phone: String,
    first_name: String,
    last_name: String,
    email: String,
    groups: Vec<String>,
}

/// The input is read as a CSV file; a file written from contacts generated
/// from the same bytes is read back too.
#[derive(Debug, Arbitrary)]
struct Written {
    contacts: Vec<Contact>,
    /// A permutation seed for the column order.
    order: [u8; 5],
    upper_case_header: bool,
    crlf: bool,
}

const COLUMNS: [&str; 5] = ["phone", "first_name", "last_name", "email", "groups"];

/// What the csv reader's `Trim::All` leaves of a field (`str::trim`: it reads
/// `StringRecord`s).
fn trimmed(field: &str) -> &str {
    field.trim()
}

fuzz_target!(|data: &[u8]| {
    read_any(data);
    if let Ok(written) = Written::arbitrary(&mut Unstructured::new(data)) {
        read_back(written);
    }
});

fn read_any(bytes: &[u8]) {
    match parse_import_csv(bytes) {
        Ok(parsed) => {
            assert!(parsed.rows.len() + parsed.errors.len() <= IMPORT_MAX_ROWS);
            let mut lines: Vec<u64> = parsed.rows.iter().map(|r| r.line).collect();
            lines.extend(parsed.errors.iter().map(|e| e.line));
            lines.sort_unstable();
            assert!(lines.windows(2).all(|w| w[0] < w[1]), "each line once");
            assert!(lines.first().is_none_or(|first| *first >= 2));
            for row in &parsed.rows {
                assert!(row.request.groups.is_empty());
                for name in &row.group_names {
                    assert!(!name.is_empty() && name.trim() == name && !name.contains(';'));
                }
            }
        }
        Err(error) => {
            let status = error.status_code().as_u16();
            assert!((400..500).contains(&status), "{status} for {error:?}");
        }
    }
}

fn read_back(written: Written) {
    let Written {
        contacts,
        order,
        upper_case_header,
        crlf,
    } = written;
    {
        let mut columns: Vec<usize> = (0..5).collect();
        for (i, seed) in order.iter().enumerate() {
            columns.swap(i, usize::from(*seed) % 5);
        }
        let contacts: Vec<Contact> = contacts.into_iter().take(200).collect();
        let mut writer = csv::WriterBuilder::new()
            .terminator(if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(Vec::new());
        let header: Vec<String> = columns
            .iter()
            .map(|&c| {
                if upper_case_header {
                    COLUMNS[c].to_ascii_uppercase()
                } else {
                    COLUMNS[c].to_owned()
                }
            })
            .collect();
        writer.write_record(&header).expect("write to memory");
        let group_names = |contact: &Contact| -> Vec<String> {
            contact
                .groups
                .iter()
                .map(|g| g.replace(';', "").trim().to_owned())
                .filter(|g| !g.is_empty())
                .collect()
        };
        for contact in &contacts {
            let groups = group_names(contact).join(";");
            let fields = [
                contact.phone.as_str(),
                &contact.first_name,
                &contact.last_name,
                &contact.email,
                &groups,
            ];
            writer
                .write_record(columns.iter().map(|&c| fields[c]))
                .expect("write to memory");
        }
        let body = writer.into_inner().expect("flush to memory");
        let parsed = parse_import_csv(&body).expect("a well-formed file is read");
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.rows.len(), contacts.len());
        for (i, (row, contact)) in parsed.rows.iter().zip(&contacts).enumerate() {
            assert_eq!(row.line, i as u64 + 2);
            assert_eq!(row.request.phone, trimmed(&contact.phone));
            assert_eq!(
                row.request.first_name.as_deref(),
                Some(trimmed(&contact.first_name))
            );
            assert_eq!(
                row.request.last_name.as_deref(),
                Some(trimmed(&contact.last_name))
            );
            assert_eq!(row.request.email.as_deref(), Some(trimmed(&contact.email)));
            assert_eq!(row.group_names, group_names(contact));
        }
    }
}

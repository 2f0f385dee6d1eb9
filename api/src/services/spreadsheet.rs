//! Files people open in a spreadsheet (the CSV exports).

/// A spreadsheet would run a cell that starts like a formula; cells whose text
/// comes from outside get a leading apostrophe when they start like one.
pub fn neutralise_formula(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise_formula;

    #[test]
    fn formula_like_cells_are_defused() {
        assert_eq!(
            neutralise_formula("=HYPERLINK(\"x\")"),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(neutralise_formula("Mozilla/5.0"), "Mozilla/5.0");
    }
}

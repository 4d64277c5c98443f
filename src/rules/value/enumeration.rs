//! Words of a closed list (`Type::Enum`), alone or as a list (`Type::EnumList`,
//! `initializeScreeningProcesses`): matched without regard to case, written as the list
//! spells them.

use super::Value;
use crate::canonical;
use crate::diagnostic::{Code, Diagnostic};
use crate::rules::Checker;

/// The word of `words` that `text` is, in any case.
///
/// Values nearly always spell the word as the list does: an exact comparison (lengths,
/// then one `bcmp`) finds it first, and the byte-by-byte case-folding comparison runs only
/// when none is equal. The answer is the same: no list holds two words equal in another
/// case (a test checks every list of the catalog), so a word equal to `text` is the one
/// word equal to it in any case. Callgrind, 60,000 XML or CSV records: 47M instructions to
/// 17M (12M here, 5.6M in `bcmp`).
fn find(words: &'static [&'static str], text: &str) -> Option<&'static str> {
    let exact = words.iter().find(|w| **w == text);
    exact
        .or_else(|| words.iter().find(|w| w.eq_ignore_ascii_case(text)))
        .copied()
}

/// One word of `words`.
pub(super) fn one(
    c: &mut Checker,
    v: &Value,
    words: &'static [&'static str],
    out: &mut Vec<u8>,
) -> bool {
    let Some(text) = v.text() else {
        v.bad_type(c, "a string");
        return false;
    };
    if let Some(w) = find(words, text) {
        canonical::write_str(out, w);
        return true;
    }
    c.report(Diagnostic::error(
        v.invalid_code(Code::BadEnum),
        v.path.render(),
        format!(
            "{} {} is not one of {}",
            v.field.name,
            c.show(v.field, text),
            words.join(", ")
        ),
    ));
    false
}

/// An array of words of `words`; absent items are skipped, and an array with no word
/// left is not written. Every wrong item is reported, at its index.
pub(super) fn list(
    c: &mut Checker,
    v: &Value,
    words: &'static [&'static str],
    out: &mut Vec<u8>,
) -> bool {
    let crate::record::Node::List(items) = v.node else {
        v.bad_type(c, "an array of strings");
        return false;
    };
    let start = out.len();
    out.push(b'[');
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        if item.is_absent() {
            continue;
        }
        let ipath = v.path.index(i);
        let Some(text) = item.as_text() else {
            c.report(Diagnostic::error(
                Code::BadType,
                ipath.render(),
                format!("expected a string, found {}", item.kind()),
            ));
            ok = false;
            continue;
        };
        match find(words, text) {
            Some(w) => {
                canonical::separate(out);
                canonical::write_str(out, w);
            }
            None => {
                c.report(Diagnostic::error(
                    v.invalid_code(Code::BadEnum),
                    ipath.render(),
                    format!(
                        "Screening process is undefined: {} (known: {})",
                        c.show_plain(v.field, text),
                        words.join(", ")
                    ),
                ));
                ok = false;
            }
        }
    }
    if !ok || out.len() == start + 1 {
        out.truncate(start);
        return false;
    }
    out.push(b']');
    true
}

#[cfg(test)]
mod tests {
    use super::super::testing::{field, number, run, run_as, settings, string, text};
    use crate::catalog::Type;
    use crate::diagnostic::{Code, Diagnostic};
    use crate::record::Node;
    use crate::rules::Check;

    /// `find`'s exact comparison first answers as the case-folding one only while no list
    /// holds two words equal in another case.
    #[test]
    fn no_list_holds_a_word_twice_in_any_case() {
        for shape in crate::catalog::shapes() {
            for f in shape.fields {
                let (Type::Enum(words) | Type::EnumList(words)) = f.ty else {
                    continue;
                };
                for (i, a) in words.iter().enumerate() {
                    for b in &words[i + 1..] {
                        assert!(!a.eq_ignore_ascii_case(b), "{}: {a} and {b}", f.name);
                    }
                    assert_eq!(super::find(words, &a.to_lowercase()), Some(*a));
                    assert_eq!(super::find(words, a), Some(*a));
                }
            }
        }
    }

    #[test]
    fn a_word_in_any_case_is_written_as_listed() {
        let s = settings();
        assert_eq!(
            run(&s, "riskLevel", &string(" high ")),
            (Some("\"HIGH\"".into()), vec![])
        );
        assert_eq!(
            run(&s, "riskLevel", &text("Extreme")),
            (Some("\"EXTREME\"".into()), vec![])
        );
    }

    #[test]
    fn an_unknown_word_names_the_list_and_the_vendor_code() {
        let s = settings();
        assert_eq!(
            run(&s, "riskLevel", &string("HUGE")),
            (
                None,
                vec![Diagnostic::error(
                    Code::BadEnum,
                    "riskLevel",
                    "riskLevel \"HUGE\" is not one of NONE, LOW, MEDIUM, HIGH, EXTREME"
                )]
            )
        );
        assert_eq!(run(&s, "riskLevel", &number("2")).1[0].code, Code::BadType);
    }

    fn list<'a>(items: &[Node<'a>]) -> Node<'a> {
        Node::List(items.to_vec())
    }

    #[test]
    fn a_list_skips_absent_items_and_writes_the_words() {
        let s = settings();
        let screening = list(&[string("pep"), Node::Null, string(""), text("SANCTIONS")]);
        assert_eq!(
            run(&s, "initializeScreeningProcesses", &screening),
            (Some(r#"["PEP","SANCTIONS"]"#.into()), vec![])
        );
        // Nothing left: not written, and no finding.
        let empty = list(&[Node::Null, string(" ")]);
        assert_eq!(
            run(&s, "initializeScreeningProcesses", &empty),
            (None, vec![])
        );
    }

    #[test]
    fn every_wrong_item_is_reported_at_its_index() {
        let s = settings();
        let screening = list(&[string("PEP"), string("TAX"), number("1")]);
        // The vendor's code of an unknown screening process (SCR01), as the catalog has it.
        let vendor = field("initializeScreeningProcesses").codes.invalid(false);
        let vendor = vendor.expect("a vendor code");
        assert_eq!(
            run_as(
                Check::new(&s),
                "initializeScreeningProcesses",
                &screening,
                false
            ),
            (
                None,
                vec![
                    Diagnostic::error(
                        vendor,
                        "initializeScreeningProcesses[1]",
                        "Screening process is undefined: TAX (known: SANCTIONS, PEP, \
                         ADVERSE_MEDIA, INTERNAL_LIST)"
                    ),
                    Diagnostic::error(
                        Code::BadType,
                        "initializeScreeningProcesses[2]",
                        "expected a string, found number"
                    ),
                ]
            )
        );
        assert_eq!(
            run(&s, "initializeScreeningProcesses", &string("PEP")),
            (
                None,
                vec![Diagnostic::error(
                    Code::BadType,
                    "initializeScreeningProcesses",
                    "initializeScreeningProcesses: expected an array of strings, found string"
                )]
            )
        );
    }
}

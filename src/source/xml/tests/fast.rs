//! The fast path against the full parser: wherever `parse_fast` answers, its tree must be
//! the one quick-xml's events build, on the vendor's samples, on our fixtures, on hand-made
//! edge cases and on generated records; and it must answer for the plain records that make
//! up real files, or it buys nothing.

use proptest::prelude::*;
use proptest::test_runner::TestRunner;

use super::{FULL, IND, ORG, cut};
use crate::source::ReadOptions;
use crate::source::xml::parse::{parse_fast_only, parse_full};

/// Whether the fast path answered; panics if it answered differently from the full parser.
fn agrees(text: &str, opts: &ReadOptions) -> bool {
    let Some(fast) = parse_fast_only(text, opts) else {
        return false;
    };
    match parse_full(text, opts) {
        Ok(full) => assert_eq!(fast, full, "trees differ for {text:?}"),
        Err(f) => panic!("fast path answered where the full parser faults ({f:?}): {text:?}"),
    }
    true
}

fn answers(text: &str) -> bool {
    agrees(text, &ReadOptions::default())
}

/// Every record of an XML file, as the reader cuts it.
fn records(file: &[u8]) -> Vec<String> {
    cut(file)
        .iter()
        .filter_map(|g| match g {
            super::Got::Rec(_, b) => Some(String::from_utf8_lossy(b).into_owned()),
            _ => None,
        })
        .collect()
}

#[test]
fn samples_and_fixture_leads_take_the_fast_path() {
    let leads = include_bytes!("../../../../tests/fixtures/formats/leads.xml");
    let mut all = records(leads);
    assert!(all.len() >= 3, "the fixture holds several leads");
    for sample in [FULL, IND, ORG] {
        all.extend(records(sample.as_bytes()));
    }
    for rec in &all {
        assert!(answers(rec), "fast path declined a plain record:\n{rec}");
    }
}

#[test]
fn every_fixture_record_agrees() {
    let files: [&[u8]; 5] = [
        include_bytes!("../../../../tests/fixtures/formats/faulty.xml"),
        include_bytes!("../../../../tests/fixtures/hostile/billion-laughs.xml"),
        include_bytes!("../../../../tests/fixtures/hostile/deep-elements.xml"),
        include_bytes!("../../../../tests/fixtures/hostile/external-entity.xml"),
        include_bytes!("../../../../tests/fixtures/hostile/unclosed.xml"),
    ];
    let (mut seen, mut compared) = (0, 0);
    for file in files {
        for rec in records(file) {
            seen += 1;
            compared += usize::from(agrees(&rec, &ReadOptions::default()));
        }
    }
    // The fixtures' plain records (faulty.xml's leads) must reach the comparison, or this
    // test would hold the fast path to nothing.
    assert!(seen >= 5, "only {seen} records cut from the fixtures");
    assert!(
        compared > 0,
        "the fast path answered none of {seen} records"
    );
}

/// Plain shapes the fast path reads itself.
#[test]
fn plain_shapes_are_answered_and_agree() {
    for rec in [
        "<AMLYZE_CUSTOMER/>",
        "<AMLYZE_CUSTOMER />",
        "<AMLYZE_CUSTOMER></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER xmlns=\"urn:x\"><FirstName>Jonas</FirstName></AMLYZE_CUSTOMER>",
        "<a:AMLYZE_CUSTOMER xmlns:a='u'><a:FirstName> Jonas </a:FirstName></a:AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName x='>' y=\"'/\">J</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName a='1'/><LastName/></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName>A &amp; B &lt;C&gt; &apos;&quot;</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName>&#74;&#x6F;nas</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName>a > b</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><firstName>j</firstName><FIRSTNAME>k</FIRSTNAME></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><Unknown><Deeper>1</Deeper></Unknown></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName><Inner>x</Inner></FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><ListAddress><Address><Country>LT</Country></Address></ListAddress>\
         <ListAddress><Address/></ListAddress></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><ListAddress>stray</ListAddress><ListAddress/></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><InitializeScreeningProcesses><Process>A</Process><Process>B</Process>\
         </InitializeScreeningProcesses></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName>x</FirstName><FirstName>y</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName>J</FirstName ><Country>LT</Country\n\t></AMLYZE_CUSTOMER >",
        "<AMLYZE_CUSTOMER>\n  <A>x<B/>y</A>\n</AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER>text<FirstName>J</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><é>ü</é></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><a:b:FirstName>J</a:b:FirstName></AMLYZE_CUSTOMER>",
    ] {
        assert!(answers(rec), "declined {rec:?}");
    }
}

/// What the fast path leaves to the full parser: comments, CDATA, processing instructions,
/// names quick-xml would cut elsewhere, and every fault.
#[test]
fn the_unusual_and_the_faulty_are_declined() {
    for rec in [
        "<AMLYZE_CUSTOMER><!-- c --><FirstName>J</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName><![CDATA[J]]></FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><?pi x?></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><Fir\"st>J</Fir\"st></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName>J</LastName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName>J</FirstName x></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName>J</FirstNameX></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName>J</FirstName>",
        "<AMLYZE_CUSTOMER><FirstName>&bogus;</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName>a & b</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER></AMLYZE_CUSTOMER><AMLYZE_CUSTOMER/>",
        "<AMLYZE_CUSTOMER><FirstName a='1>J</FirstName></AMLYZE_CUSTOMER>",
        "< AMLYZE_CUSTOMER/>",
        "<AMLYZE_CUSTOMER/>tail",
        "<AMLYZE_CUSTOMER a='1' a='2'/>",
        "<AMLYZE_CUSTOMER xmlns='u'><FirstName a='1' b='' a=\"2\">J</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName a>J</FirstName></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><FirstName a=1 />J</AMLYZE_CUSTOMER>",
    ] {
        assert!(!answers(rec), "answered {rec:?}");
    }
}

#[test]
fn depth_limit_is_left_to_the_full_parser() {
    let rec = "<AMLYZE_CUSTOMER><A><B><C>x</C></B></A></AMLYZE_CUSTOMER>";
    let shallow = ReadOptions {
        max_depth: 3,
        ..ReadOptions::default()
    };
    assert!(!agrees(rec, &shallow));
    assert!(parse_full(rec, &shallow).is_err());
    let enough = ReadOptions {
        max_depth: 4,
        ..ReadOptions::default()
    };
    assert!(agrees(rec, &enough));
}

/// Element names the generator picks from: record fields (object, list, enum list and
/// scalar), list items, unknown and prefixed names.
const NAMES: &[&str] = &[
    "FirstName",
    "firstName",
    "Country",
    "ListAddress",
    "Address",
    "ListContact",
    "Contact",
    "ContactDetails",
    "InitializeScreeningProcesses",
    "Process",
    "CompanyInfo",
    "IsPEP",
    "Unknown",
    "ns:FirstName",
    "x",
];

/// Text pieces: values, layout, references good and bad, markup the fast path declines.
const TEXTS: &[&str] = &[
    "LT",
    " Jonas ",
    "\n  ",
    "",
    "a &amp; b",
    "&lt;&gt;",
    "&#65;",
    "&#x10FFFF;",
    "&nope;",
    "a & b",
    "x > y",
    "<!-- c -->",
    "<![CDATA[ <raw> ]]>",
    "ü",
    "true",
];

fn element() -> impl Strategy<Value = String> {
    let leaf = (
        0..NAMES.len(),
        0..TEXTS.len(),
        any::<bool>(),
        0u8..6,
        any::<bool>(),
    )
        .prop_map(|(n, t, empty, attrs, sloppy)| {
            let name = NAMES[n];
            // Well-formed attributes, and faulty ones (repeated, unquoted) the fast path
            // must leave to the full parser.
            let attrs = [
                " a='1'",
                " b=\">/\"",
                " c='x' d=\"y\"",
                "",
                " a='1' a=\"1\"",
                " e=f",
            ][attrs as usize];
            if empty {
                format!("<{name}{attrs}/>")
            } else {
                let close = if sloppy {
                    format!("</{name} >")
                } else {
                    format!("</{name}>")
                };
                format!("<{name}{attrs}>{}{close}", TEXTS[t])
            }
        });
    leaf.prop_recursive(4, 48, 6, |inner| {
        (
            0..NAMES.len(),
            proptest::collection::vec((inner, 0..TEXTS.len(), any::<bool>()), 0..6),
        )
            .prop_map(|(n, kids)| {
                let name = NAMES[n];
                let mut s = format!("<{name}>");
                for (kid, t, gap) in kids {
                    s.push_str(&kid);
                    s.push_str(if gap { TEXTS[t] } else { "\n  " });
                }
                s.push_str(&format!("</{name}>"));
                s
            })
    })
}

/// Generated records, some cut short: wherever the fast path answers it must agree. Run by
/// hand rather than with `proptest!` so that the test can also count the records the fast
/// path answered: a generator that only ever made records it declines would compare nothing.
#[test]
fn fast_path_agrees_with_the_full_parser() {
    const CASES: u32 = 2000;
    let config = ProptestConfig {
        cases: CASES,
        // Where `proptest!` would keep failing cases: proptest-regressions/…/fast.txt.
        source_file: Some(file!()),
        ..ProptestConfig::default()
    };
    let strategy = (
        proptest::collection::vec(element(), 0..8),
        proptest::option::of(0usize..400),
    );
    let compared = std::cell::Cell::new(0u32);
    let result = TestRunner::new(config).run(&strategy, |(kids, cut_at)| {
        let mut rec = String::from("<AMLYZE_CUSTOMER xmlns=\"urn:x\">\n");
        for k in &kids {
            rec.push_str(k);
            rec.push('\n');
        }
        rec.push_str("</AMLYZE_CUSTOMER>");
        // Sometimes a record cut short, on a character boundary.
        if let Some(at) = cut_at
            && at < rec.len()
            && rec.is_char_boundary(at)
        {
            rec.truncate(at);
        }
        if agrees(&rec, &ReadOptions::default()) {
            compared.set(compared.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let compared = compared.get();
    eprintln!("fast path answered {compared} of {CASES} generated records");
    assert!(
        compared >= CASES / 10,
        "the fast path answered only {compared} of {CASES}"
    );
}

/// `has_amp` against `contains`: every length up to 64, a `&` at every position or none,
/// among bytes that differ from `&` in one bit (0x27 `'`, 0x24 `$`, 0xA6) as well as text.
#[test]
fn has_amp_finds_an_ampersand_anywhere() {
    use crate::source::xml::bytes::has_amp;
    for fill in [b'a', b'\'', b'$', 0xA6, b'&' ^ 0x80] {
        for n in 0..=64usize {
            let plain = vec![fill; n];
            assert!(!has_amp(&plain), "fill {fill:#x}, length {n}");
            for at in 0..n {
                let mut with = plain.clone();
                with[at] = b'&';
                assert!(has_amp(&with), "fill {fill:#x}, length {n}, & at {at}");
            }
        }
    }
}

/// `plain_attributes` says yes only where quick-xml's iterator reads every attribute
/// without a fault, and says it for the forms real files have.
#[test]
fn plain_attributes_accept_only_what_quick_xml_accepts() {
    use crate::source::xml::fast::plain_attributes;
    let quick_ok = |rest: &str| {
        let tag = format!("t{rest}");
        quick_xml::events::attributes::Attributes::new(&tag, 1).all(|a| a.is_ok())
    };
    let plain = [
        " xmlns=\"urn:amlyze-services:EvaluateCustomerService_v2r0\"",
        " a='1'",
        " a = \"1\" ",
        "\ta=\r\n'x\"y'\n",
        " a=\"1\"b='2'",
        " a\"b=\"c\"",
        " a=\"\" b=\"\" c=\"\" d=\"\" e=\"\" f=\"\" g=\"\" h=\"\"",
        " ",
    ];
    for rest in plain {
        assert!(plain_attributes(rest.as_bytes()), "{rest:?}");
        assert!(quick_ok(rest), "{rest:?}");
    }
    let left = [
        " =\"x\"",
        " a",
        " a=",
        " a =",
        " a=\"1",
        " a=1",
        " a b=\"1\"",
        " a=\"1\" a='2'",
        " a=\"1\" b=\"2\" a=\"3\"",
        " a=\"\" b=\"\" c=\"\" d=\"\" e=\"\" f=\"\" g=\"\" h=\"\" i=\"\"",
        " a='1' =\"2\"",
    ];
    for rest in left {
        assert!(!plain_attributes(rest.as_bytes()), "{rest:?}");
    }
    // Whatever the answer, a yes is quick-xml's yes: every joining of the pieces above.
    for a in plain.iter().chain(&left) {
        for b in plain.iter().chain(&left) {
            let rest = format!("{a}{b}");
            if plain_attributes(rest.as_bytes()) {
                assert!(quick_ok(&rest), "{rest:?}");
            }
        }
    }
}

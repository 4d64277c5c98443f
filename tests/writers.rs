//! `rejected.ndjson` and `errors.csv` byte for byte, through the whole binary: values with
//! quotes, commas, line breaks, CR, tabs, control characters and non-ASCII in the file
//! name, the keys, the messages and the record echoed as `input`; plain and `--redact`.
//! The bytes were pinned from the hand-written writers these files had before they were
//! written through serde_json and the csv crate.

use serde_json::{Value, json};

use crate::util::Workdir;

/// The first lead of the formats fixture, with awkward values in its keys and fields.
fn awkward_lead() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/formats/leads.ndjson"
    ))
    .unwrap();
    let mut lead: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let map = lead.as_object_mut().unwrap();
    for k in [
        "listRelatedEntity",
        "listBusinessEntityDocument",
        "listSourceOfWealth",
        "listAdditionalValues",
        "fieldOfActivity",
        "listAddress",
    ] {
        map.remove(k);
    }
    lead["customerExtId"] = json!(" Lead, \"q\"\r\n中 ");
    lead["communicationNumber"] = json!("CN,1\t\u{1}");
    lead["birthDate"] = json!("15.01.1990, \"x\"\u{7f}");
    lead["firstName"] = json!("Eglė \"E\", =SUM(A1)\n\r");
    lead["we\"ird,key\n"] = json!("v\u{8}\u{c}");
    lead
}

/// Runs `process` over the awkward input (with `--redact` if asked): (errors.csv,
/// rejected.ndjson).
fn outputs(redact: bool) -> (String, String) {
    let w = Workdir::new();
    let lead = serde_json::to_string(&awkward_lead()).unwrap();
    w.create(
        "a,\"b\" Ž.ndjson",
        format!("{lead}\n{{\"broken\": \"x,\"y\n"),
    );
    let mut cmd = w.command("process").arg(w.input()).out(w.out());
    if redact {
        cmd = cmd.arg("--redact");
    }
    let run = cmd.run();
    run.assert_exit_code(1);
    (run.read("errors.csv"), run.read("rejected.ndjson"))
}

#[test]
fn errors_csv_is_these_bytes() {
    let want = concat!(
        "source,record,line,customerExtId,communicationNumber,severity,",
        "code,path,message\n\"a,\"\"b\"\" Ž.ndjson\",1,1,\"Lead, \"\"q\"\"\r\n中\",\"CN,",
        "1\t\u{1}\",error,unknown-field,\"we\"\"ird,key\n\",\"unknown field we\"\"ird,",
        "key\n\"\n\"a,\"\"b\"\" Ž.ndjson\",1,1,\"Lead, \"\"q\"\"\r\n中\",\"CN,1\t\u{1}\",error,",
        "bad-date,birthDate,\"birthDate \"\"15.01.1990, \\\"\"x\\\"\"\\u{7f}\"\" is not a date (expected YYYY-MM-DD or an ISO-8601 timestamp)\"\n",
        "\"a,\"\"b\"\" Ž.ndjson\",2,2,,,error,parse-error,,\"line 2, column 16: expected ',",
        "' or '}' in object, found 'y'\"\n",
    );
    let (errors, _) = outputs(false);
    assert_eq!(want, errors);
}

#[test]
fn rejected_ndjson_is_these_bytes() {
    let want = concat!(
        "{\"source\":\"a,\\\"b\\\" Ž.ndjson\",\"record\":1,\"line\":1,\"resultType\":\"REQUEST_REJECTED\",",
        "\"communicationNumber\":\"CN,1\\t\\u0001\",\"customerExtId\":\"Lead, \\\"q\\\"\\r\\n中\",",
        "\"errors\":[{\"code\":\"unknown-field\",\"path\":\"we\\\"ird,key\\n\",\"severity\":\"error\",",
        "\"message\":\"unknown field we\\\"ird,key\\n\"},{\"code\":\"bad-date\",\"path\":\"birthDate\",",
        "\"severity\":\"error\",\"message\":\"birthDate \\\"15.01.1990, \\\\\\\"x\\\\\\\"\\\\u{7f}\\\" is not a date (expected YYYY-MM-DD or an ISO-8601 timestamp)\"}],",
        "\"input\":{\"action\":\"create\",\"applicationDate\":\"2024-03-01\",\"approvalDate\":\"2024-03-02\",",
        "\"birthCountry\":\"LT\",\"birthDate\":\"15.01.1990, \\\"x\\\"\u{7f}\",\"businessUnit\":\"RETAIL\",",
        "\"citizenshipCountry\":\"lt\",\"communicationNumber\":\"CN,1\\t\\u0001\",",
        "\"customerExtId\":\" Lead, \\\"q\\\"\\r\\n中 \",\"entityType\":\"INDIVIDUAL\",",
        "\"firstName\":\"Eglė \\\"E\\\", =SUM(A1)\\n\\r\",\"initialDepositAmount\":10000.5,",
        "\"initialDepositCurrency\":\"eur\",\"initializeScreeningProcesses\":[\"SANCTIONS\",",
        "\"pep\"],\"isFamilyPEP\":false,\"isPEP\":false,\"lastName\":\"O'Brien\",",
        "\"listContact\":[{\"contactDetails\":\"egle@example.com\",\"contactType\":\"EMAIL\",",
        "\"useForCommunication\":true},{\"contactDetails\":\"+37060000001\",",
        "\"contactType\":\"mobilephone\"}],\"nationalCode\":\"39001150000\",\"requester\":\"core-banking\",",
        "\"riskManagementCategory\":\"LEAD_IND\",\"sourceOfRiskLevel\":\"Evaluate\",",
        "\"we\\\"ird,key\\n\":\"v\\b\\f\"}}\n",
        "{\"source\":\"a,\\\"b\\\" Ž.ndjson\",\"record\":2,\"line\":2,\"resultType\":\"REQUEST_REJECTED\",",
        "\"errors\":[{\"code\":\"parse-error\",\"path\":\"\",\"severity\":\"error\",",
        "\"message\":\"line 2, column 16: expected ',' or '}' in object, found 'y'\"}],",
        "\"input\":null}\n",
    );
    let (_, rejected) = outputs(false);
    assert_eq!(want, rejected);
}

#[test]
fn redacted_errors_csv_is_these_bytes() {
    let want = concat!(
        "source,record,line,customerExtId,communicationNumber,severity,",
        "code,path,message\n\"a,\"\"b\"\" Ž.ndjson\",1,1,\"Lead, \"\"q\"\"\r\n中\",\"CN,",
        "1\t\u{1}\",error,unknown-field,\"we\"\"ird,key\n\",\"unknown field we\"\"ird,",
        "key\n\"\n\"a,\"\"b\"\" Ž.ndjson\",1,1,\"Lead, \"\"q\"\"\r\n中\",\"CN,1\t\u{1}\",error,",
        "bad-date,birthDate,\"birthDate \"\"1***************\"\" is not a date (expected YYYY-MM-DD or an ISO-8601 timestamp)\"\n",
        "\"a,\"\"b\"\" Ž.ndjson\",2,2,,,error,parse-error,,\"line 2, column 16: expected ',",
        "' or '}' in object, found a letter\"\n",
    );
    let (errors, _) = outputs(true);
    assert_eq!(want, errors);
}

#[test]
fn redacted_rejected_ndjson_is_these_bytes() {
    let want = concat!(
        "{\"source\":\"a,\\\"b\\\" Ž.ndjson\",\"record\":1,\"line\":1,\"resultType\":\"REQUEST_REJECTED\",",
        "\"communicationNumber\":\"CN,1\\t\\u0001\",\"customerExtId\":\"Lead, \\\"q\\\"\\r\\n中\",",
        "\"errors\":[{\"code\":\"unknown-field\",\"path\":\"we\\\"ird,key\\n\",\"severity\":\"error\",",
        "\"message\":\"unknown field we\\\"ird,key\\n\"},{\"code\":\"bad-date\",\"path\":\"birthDate\",",
        "\"severity\":\"error\",\"message\":\"birthDate \\\"1***************\\\" is not a date (expected YYYY-MM-DD or an ISO-8601 timestamp)\"}],",
        "\"input\":{\"action\":\"create\",\"applicationDate\":\"2024-03-01\",\"approvalDate\":\"2024-03-02\",",
        "\"birthCountry\":\"LT\",\"birthDate\":\"1***************\",\"businessUnit\":\"RETAIL\",",
        "\"citizenshipCountry\":\"lt\",\"communicationNumber\":\"CN,1\\t\\u0001\",",
        "\"customerExtId\":\" *************\",\"entityType\":\"INDIVIDUAL\",\"firstName\":\"E*******************\",",
        "\"initialDepositAmount\":10000.5,\"initialDepositCurrency\":\"eur\",",
        "\"initializeScreeningProcesses\":[\"SANCTIONS\",\"pep\"],\"isFamilyPEP\":false,",
        "\"isPEP\":false,\"lastName\":\"O******\",\"listContact\":[{\"contactDetails\":\"e***************\",",
        "\"contactType\":\"EMAIL\",\"useForCommunication\":true},{\"contactDetails\":\"+***********\",",
        "\"contactType\":\"mobilephone\"}],\"nationalCode\":\"3**********\",\"requester\":\"core-banking\",",
        "\"riskManagementCategory\":\"LEAD_IND\",\"sourceOfRiskLevel\":\"Evaluate\",",
        "\"we\\\"ird,key\\n\":\"v**\"}}\n",
        "{\"source\":\"a,\\\"b\\\" Ž.ndjson\",\"record\":2,\"line\":2,\"resultType\":\"REQUEST_REJECTED\",",
        "\"errors\":[{\"code\":\"parse-error\",\"path\":\"\",\"severity\":\"error\",",
        "\"message\":\"line 2, column 16: expected ',' or '}' in object, found a letter\"}],",
        "\"input\":null}\n",
    );
    let (_, rejected) = outputs(true);
    assert_eq!(want, rejected);
}

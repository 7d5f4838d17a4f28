//! The scenario file format: the shipped samples run, and bad files give errors naming
//! the operation and the field.

use kiln_vprog::{InputError, Scenario, ValidationError, WitnessPolicy};

fn run(text: &str) -> Result<kiln_vprog::ScopeReport, InputError> {
    Scenario::from_json(text)?.run(WitnessPolicy::Declared)
}

/// A file with p owning A and q owning B and C, and the given operations.
fn with_ops(ops: &str) -> String {
    format!(
        r#"{{
  "vprogs": [{{"id": "p", "gas_scale": 2}}, {{"id": "q"}}],
  "accounts": [{{"id": "A", "owner": "p"}}, {{"id": "B", "owner": "q"}}, {{"id": "C", "owner": "q"}}],
  "operations": [{ops}]
}}"#
    )
}

fn error(ops: &str) -> String {
    run(&with_ops(ops)).unwrap_err().to_string()
}

#[test]
fn three_vprogs_sample() {
    let s = Scenario::from_json(include_str!("../samples/three_vprogs.json")).unwrap();
    let declared = s.run(WitnessPolicy::Declared).unwrap();
    let planned = s.run(WitnessPolicy::Planned).unwrap();
    let find = |r: &kiln_vprog::ScopeReport, tx: &str, v: &str| {
        r.rows
            .iter()
            .find(|r| r.tx == tx && r.vprog == v)
            .unwrap()
            .clone()
    };
    assert_eq!(
        find(&declared, "swap2", "token").scope,
        ["feed1", "feed2", "swap1"]
    );
    assert_eq!(find(&planned, "swap2", "token").scope, ["swap1"]);
    assert_eq!(find(&declared, "pay3", "token").scope, ["feed3", "swap3"]);
    assert!(find(&planned, "pay3", "token").scope.is_empty());
    assert_eq!(
        find(&planned, "pay3", "token").witnesses,
        [("pool2".to_string(), 10)]
    );
    // EM_token(swap2) = swap1 (5·3) + feed2 (2·2) + feed1 (2·2) + swap2 (5·3 + 2·1).
    assert_eq!(find(&declared, "swap2", "token").mass, 15 + 4 + 4 + 17);
    // Planned scopes are never larger.
    for (d, p) in declared.rows.iter().zip(&planned.rows) {
        assert!(p.scope.iter().all(|y| d.scope.contains(y)));
    }
    let json = planned.to_json();
    assert_eq!(json["witness_policy"], "planned");
    assert_eq!(
        json["executions"].as_array().unwrap().len(),
        planned.rows.len()
    );
    assert_eq!(json["executions"][4]["scope"], serde_json::json!(["swap1"]));
    assert!(declared.to_table().lines().count() == declared.rows.len() + 1);
}

#[test]
fn semantic_errors_name_operation_and_field() {
    let e = error(r#"{"tx": "x1", "reads": ["A"], "writes": ["A", "B"]}"#);
    assert_eq!(
        e,
        r#"operations[0] (tx "x1", time 1): field `writes`: account B is written but not in the read set"#
    );
    let e = error(
        r#"{"tx": "x1", "reads": ["A"], "writes": ["A"]}, {"tx": "x2", "reads": ["A"], "witnesses": [{"account": "B", "time": 2}]}"#,
    );
    assert!(e.starts_with(r#"operations[1] (tx "x2", time 2): field `witnesses`: witness of account B at time 2 is not before"#), "{e}");
    let e = error(
        r#"{"tx": "x1", "reads": ["B"], "writes": ["B"]}, {"tx": "x2", "reads": ["A"], "witnesses": [{"account": "B", "after": "x1"}]}"#,
    );
    assert!(e.starts_with(r#"operations[1] (tx "x2", time 2): field `witnesses`: witness of account B at time 1 is not backed by a proof of its owner q (latest proof: none)"#), "{e}");
    let e = error(
        r#"{"tx": "x1", "reads": ["B"], "writes": ["B"]}, {"proof": "q"}, {"tx": "x2", "reads": ["A"], "writes": ["A"], "witnesses": [{"account": "B", "time": 1}]}, {"tx": "x3", "reads": ["A"], "witnesses": [{"account": "B", "time": 2}]}"#,
    );
    assert!(
        e.contains("operations[3] (tx \"x3\", time 4)") && e.contains("latest proof: time 2"),
        "{e}"
    );
    let e = error(r#"{"tx": "x1", "reads": ["A"], "writes": ["A"], "proof_gas": {"q": 1}}"#);
    assert!(
        e.ends_with("field `proof_gas`: vProg q owns no account in the write set"),
        "{e}"
    );
    let e = error(r#"{"tx": "x1", "reads": ["A", "A"]}"#);
    assert!(
        e.ends_with("field `reads`: account A is listed twice"),
        "{e}"
    );
    let e = error(
        r#"{"tx": "x1", "reads": ["A"], "writes": ["A"], "proof_gas": {"p": 18446744073709551615}}"#,
    );
    assert!(e.ends_with("scaled proof gas overflows 64 bits"), "{e}");
    let Err(InputError::Invalid { source, .. }) = run(&with_ops(
        r#"{"tx": "x1", "reads": ["A"], "writes": ["B"]}"#,
    )) else {
        panic!()
    };
    assert_eq!(
        source,
        ValidationError::WriteOutsideReadSet {
            account: "B".into()
        }
    );
}

#[test]
fn format_errors_name_operation_and_field() {
    let cases = [
        (
            r#"{"tx": "x1", "reads": ["Z"]}"#,
            r#"operations[0] (tx "x1", time 1): field `reads[0]`: unknown account "Z""#,
        ),
        (
            r#"{"tx": "x1", "reads": "A"}"#,
            r#"operations[0] (tx "x1", time 1): field `reads`: expected an array, got "A""#,
        ),
        (
            r#"{"tx": "x1"}"#,
            r#"operations[0] (tx "x1", time 1): field `reads`: missing"#,
        ),
        (
            r#"{"tx": "x1", "reads": ["A"], "writes": [3]}"#,
            r#"operations[0] (tx "x1", time 1): field `writes[0]`: expected an account id (string), got 3"#,
        ),
        (
            r#"{"tx": "x1", "reads": ["A"], "witnesses": [{"account": "B"}]}"#,
            r#"operations[0] (tx "x1", time 1): field `witnesses[0].time`: give exactly one of `time` (a number) or `after` (a transaction id)"#,
        ),
        (
            r#"{"tx": "x1", "reads": ["A"], "witnesses": [{"account": "B", "time": -1}]}"#,
            r#"operations[0] (tx "x1", time 1): field `witnesses[0].time`: expected a non-negative integer, got -1"#,
        ),
        (
            r#"{"tx": "x1", "reads": ["A"], "witnesses": [{"account": "B", "after": "x9"}]}"#,
            r#"operations[0] (tx "x1", time 1): field `witnesses[0].after`: no earlier transaction has id "x9""#,
        ),
        (
            r#"{"tx": "x1", "reads": ["A"], "witness": []}"#,
            r#"operations[0] (tx "x1", time 1): field `witness`: unknown field (expected one of: tx, reads, writes, witnesses, proof_gas, note)"#,
        ),
        (
            r#"{"tx": "x1", "reads": ["A"], "proof_gas": {"r": 1}}"#,
            r#"operations[0] (tx "x1", time 1): field `proof_gas.r`: unknown vProg "r""#,
        ),
        (
            r#"{"tx": "x1", "reads": ["A"], "proof_gas": {"p": 1.5}}"#,
            r#"operations[0] (tx "x1", time 1): field `proof_gas.p`: expected a non-negative integer, got 1.5"#,
        ),
        (
            r#"{"tx": "x1", "reads": ["A"]}, {"tx": "x1", "reads": ["A"]}"#,
            r#"operations[1] (tx "x1", time 2): field `tx`: duplicate transaction id "x1""#,
        ),
        (
            r#"{"proof": "r"}"#,
            r#"operations[0] (time 1): field `proof`: unknown vProg "r""#,
        ),
        (
            r#"{"reads": ["A"]}"#,
            r#"operations[0] (time 1): field `tx`: missing: an operation needs `tx` (an id) or `proof` (a vProg)"#,
        ),
        (
            r#"[1]"#,
            r#"operations[0] (time 1): field `-`: expected an object, got [1]"#,
        ),
    ];
    for (ops, expected) in cases {
        assert_eq!(error(ops), expected);
    }
    let e = Scenario::from_json(
        r#"{"vprogs": [], "accounts": [{"id": "A", "owner": "p"}], "operations": []}"#,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"accounts[0]: field `owner`: unknown vProg "p""#
    );
    let e = Scenario::from_json(
        r#"{"vprogs": [{"id": "p"}, {"id": "p"}], "accounts": [], "operations": []}"#,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"vprogs[1]: field `id`: duplicate vProg id "p""#
    );
    let e = Scenario::from_json(r#"{"vprogs": [], "accounts": []}"#).unwrap_err();
    assert_eq!(e.to_string(), "file: field `operations`: missing");
    let e = Scenario::from_json("{\"vprogs\": [,]}").unwrap_err();
    assert!(
        matches!(
            e,
            InputError::Syntax {
                line: 1,
                column: 13,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn readme_example_runs() {
    let readme = include_str!("../README.md");
    let start = readme.find("```json\n").unwrap() + "```json\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let report = run(&readme[start..end]).unwrap();
    assert_eq!(report.rows.len(), 2);
    assert!(report.rows.iter().all(|r| r.scope.is_empty()));
}

use super::*;
use crate::catalog;
use crate::grade::CheckResult;

fn drill() -> Drill {
    let mut text =
        String::from("name = \"lru\"\ntitle = \"LRU cache\"\norder = 1\nsummary = \"s\"\n");
    for slug in ["basics", "ttl", "concurrent"] {
        text.push_str(&format!(
            "[[stage]]\nslug = \"{slug}\"\ntitle = \"{slug}\"\nprompt = \"{slug}.md\"\ntime_limit_secs = 5\n"
        ));
    }
    catalog::parse(&text).unwrap()
}

fn result(stage: &str, check: &str, status: &str) -> CheckResult {
    CheckResult {
        stage: stage.into(),
        check: check.into(),
        status: status.into(),
        elapsed_ms: 1,
        seed: 7,
        message: String::new(),
    }
}

const T0: u64 = 1_796_212_800; // 2026-12-02T12:00:00Z

fn round() -> Round {
    Round::new(
        &drill(),
        T0,
        60,
        true,
        Path::new("/ws/.syskata/backups/lru-1"),
    )
}

#[test]
fn timestamps_are_rfc3339_utc() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(T0 + 3_723), "2026-12-02T13:02:03Z");
    assert_eq!(clock(T0 + 3_723), "13:02 UTC");
}

#[test]
fn gradings_count_attempts_failed_checks_by_dimension_and_regressions() {
    let d = drill();
    let map: RuleMap = toml::from_str(
        "[[rule]]\nstage = \"basics\"\nquote = \"q\"\ndimension = \"complexity\"\nchecks = [\"get_is_o1\"]\n",
    )
    .unwrap();
    let mut r = round();
    r.record(
        &d,
        &map,
        Some(0),
        &[
            result("basics", "get_is_o1", "fail"),
            result("basics", "evicts_lru", "timeout"),
            result("basics", "later", "skipped"),
        ],
    );
    r.record(&d, &map, Some(0), &[result("basics", "get_is_o1", "pass")]);
    r.mark_passed(0, T0 + 300);
    // Working on ttl, basics breaks again: a regression, its failures still counted by dimension.
    r.record(
        &d,
        &map,
        Some(1),
        &[
            result("ttl", "expires", "fail"),
            result("basics", "get_is_o1", "fail"),
            result("basics", "evicts_lru", "fail"),
        ],
    );
    let basics = &r.stages[0];
    assert_eq!(basics.attempts, 2);
    assert_eq!(basics.regressions, 1, "one grading, one regression");
    assert_eq!(basics.failed_checks.get("complexity"), Some(&2));
    assert_eq!(
        basics.failed_checks.get("correctness"),
        Some(&2),
        "unmapped checks count as correctness; skipped ones not at all"
    );
    assert_eq!(r.stages[1].attempts, 1);
    assert_eq!(r.progress().passed, ["basics"]);
    assert_eq!(order(&d, &r), (vec![1, 0], Some(1)));
}

#[test]
fn a_round_past_its_deadline_counts_only_the_stages_passed_in_time() {
    let mut r = round();
    r.mark_passed(0, T0 + 600);
    r.mark_passed(1, T0 + 61 * 60); // as an edited round file might claim
    assert_eq!(r.left(T0 + 59 * 60), 60);
    assert_eq!(r.left(T0 + 61 * 60), 0);
    let rec = r.finish(
        &[Some(15), Some(12)],
        Ending::TimeUp,
        T0 + 70 * 60,
        CodeMetrics::default(),
        None,
    );
    assert_eq!(rec.ended, "time_up");
    let passed: Vec<bool> = rec.stages.iter().map(|s| s.passed).collect();
    assert_eq!(passed, [true, false, false]);
    assert_eq!(rec.stages[0].seconds, Some(600));
    assert_eq!(rec.stages[1].seconds, None);
    assert_eq!(rec.stages[2].target_minutes, None);
    assert_eq!(rec.minutes_used(), 60);
    let early = r.finish(&[], Ending::Ended, T0 + 125, CodeMetrics::default(), None);
    assert_eq!((early.ended.as_str(), early.minutes_used()), ("ended", 3));
    assert_eq!(early.stages[0].target_minutes, None);
}

#[test]
fn the_round_file_round_trips_and_an_unreadable_one_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let files = Files::new(dir.path());
    assert!(matches!(files.load().unwrap(), LoadedRound::None));
    let mut r = round();
    r.mark_passed(0, T0 + 5);
    r.stages[0].failed_checks.insert("edge_case".into(), 3);
    files.save(&r).unwrap();
    match files.load().unwrap() {
        LoadedRound::Running(back) => assert_eq!(back, r),
        other => panic!("expected the round, got {other:?}"),
    }
    files.clear().unwrap();
    files.clear().unwrap();
    std::fs::write(files.round_path(), "drill = [[[").unwrap();
    match files.load().unwrap() {
        LoadedRound::Recovered { backup, reason } => {
            assert!(!reason.is_empty());
            assert_eq!(std::fs::read_to_string(backup).unwrap(), "drill = [[[");
            assert!(!files.round_path().exists());
        }
        other => panic!("expected a recovery, got {other:?}"),
    }
}

fn record(
    started: u64,
    passed_until: usize,
    failed: &[(&str, u32)],
    code: u32,
    speed: Option<f64>,
) -> Record {
    let mut r = round();
    r.started = started;
    for i in 0..passed_until {
        r.mark_passed(i, started + 600 * (i as u64 + 1));
        r.stages[i].attempts = 2;
    }
    for (d, n) in failed {
        r.stages[0].failed_checks.insert((*d).into(), *n);
    }
    r.stages[0].regressions = u32::from(code > 2);
    let ending = if passed_until == 3 {
        Ending::AllPassed
    } else {
        Ending::TimeUp
    };
    let metrics = CodeMetrics {
        clippy_warnings: Some(code),
        clippy_lints: if code > 0 {
            [("clippy::needless_return".to_owned(), code)].into()
        } else {
            BTreeMap::new()
        },
        longest_fn_lines: 38,
        longest_fn: "put".into(),
        unwraps: 1,
        undocumented_pub: 0,
    };
    r.finish(
        &[Some(15), Some(12), Some(8)],
        ending,
        started + 50 * 60,
        metrics,
        speed,
    )
}

#[test]
fn history_appends_lines_skips_corrupt_ones_and_never_records_a_round_twice() {
    let dir = tempfile::tempdir().unwrap();
    let files = Files::new(dir.path());
    assert_eq!(files.history().unwrap().0.len(), 0);
    let first = record(T0, 1, &[("correctness", 2)], 3, None);
    files.append(&first).unwrap();
    // A torn line (a crash mid-write) and garbage must not swallow the next round.
    let mut text = std::fs::read_to_string(files.history_path()).unwrap();
    text.push_str("garbage\n{\"drill\":\"lru\",\"sta");
    std::fs::write(files.history_path(), text).unwrap();
    let second = record(T0 + 86_400, 3, &[], 0, Some(0.93));
    files.append(&second).unwrap();
    files.append(&second).unwrap();
    let (records, problems) = files.history().unwrap();
    assert_eq!(records, [first, second]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("line 2 "), "{problems:?}");
}

#[test]
fn the_speed_ratio_is_the_geometric_mean_of_throughput_ratios() {
    let yours = [
        ("a".to_owned(), 100, 2_000),
        ("b".to_owned(), 100, 500),
        ("only".to_owned(), 1, 1),
    ];
    let reference = [("a".to_owned(), 100, 1_000), ("b".to_owned(), 100, 1_000)];
    assert_eq!(speed_ratio(&yours, &reference), Some(1.0));
    assert_eq!(speed_ratio(&yours[..1], &reference), Some(0.5));
    assert_eq!(speed_ratio(&yours[2..], &reference), None);
}

fn rounds() -> Vec<Record> {
    vec![
        record(T0, 1, &[("correctness", 4), ("complexity", 2)], 5, None),
        record(
            T0 + 86_400,
            2,
            &[("correctness", 2), ("concurrency", 1)],
            3,
            Some(0.61),
        ),
        record(T0 + 2 * 86_400, 3, &[("complexity", 1)], 1, Some(0.93)),
    ]
}

#[test]
fn the_scorecard_shows_stages_rubric_code_speed_and_earlier_rounds() {
    colored::control::set_override(false);
    let all = rounds();
    insta::assert_snapshot!(report::scorecard(&all[2], &all[..2]));
}

#[test]
fn a_first_scorecard_says_there_is_nothing_to_compare_yet() {
    colored::control::set_override(false);
    let first = record(T0, 1, &[("edge_case", 1)], 0, None);
    insta::assert_snapshot!(report::scorecard(&first, &[]));
}

#[test]
fn history_lists_rounds_with_marks_per_dimension_and_the_trend() {
    colored::control::set_override(false);
    insta::assert_snapshot!(report::history(&rounds()));
    assert!(report::history(&[]).contains("No mock rounds yet"));
}

#[test]
fn history_json_has_the_documented_shape() {
    let json: serde_json::Value =
        serde_json::from_str(&report::history_json(&rounds()[2..])).unwrap();
    let round = &json["rounds"][0];
    assert_eq!(round["drill"], "lru");
    assert_eq!(round["started"], "2026-12-04T12:00:00Z");
    assert_eq!(round["minutes"], 60);
    assert_eq!(round["ended"], "all_passed");
    assert_eq!(round["stages"][0]["slug"], "basics");
    assert_eq!(round["stages"][0]["passed"], true);
    assert_eq!(round["stages"][0]["seconds"], 600);
    assert_eq!(round["stages"][0]["attempts"], 2);
    assert_eq!(round["stages"][0]["failed_checks"]["complexity"], 1);
    for key in [
        "clippy_warnings",
        "longest_fn_lines",
        "unwraps",
        "undocumented_pub",
    ] {
        assert!(round["code"][key].is_u64(), "{key}");
    }
    assert_eq!(round["speed_ratio"], 0.93);
}

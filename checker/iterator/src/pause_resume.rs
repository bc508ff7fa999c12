//! Stage pause_resume: pausing and resuming with clear errors, and checkpoints taken and restored.

use syskata_kit::{checks, expect, expect_eq, scenario, step, Ctx, Stage};

use crate::drill::{Checkpoint, IterError, ResumableIter};

/// Returns the checks of stage pause_resume.
pub fn stage() -> Stage {
    Stage {
        slug: "pause_resume",
        checks: checks![
            paused_iterator_delivers_nothing_and_keeps_its_place,
            resume_continues_with_the_next_item,
            pause_and_resume_out_of_turn_are_errors,
            reset_clears_a_pause,
            checkpoint_restores_the_offset_it_was_taken_at,
            checkpoint_changes_nothing,
            checkpoint_from_another_source_is_refused_and_changes_nothing,
            checkpoint_past_the_end_is_refused_and_changes_nothing,
            restore_checks_the_source_before_the_bounds,
            restore_keeps_the_pause_state,
            errors_are_std_errors_with_a_message,
            random_sequences_match_a_simple_model,
        ],
    }
}

/// Returns an iterator over 10, 20, 30, 40, 50 named "orders", with `read` items already read.
fn orders(read: usize) -> ResumableIter<u32> {
    let mut it = ResumableIter::new("orders", vec![10, 20, 30, 40, 50]);
    for _ in 0..read {
        it.next();
    }
    it
}

const ORDERS: &str = "ResumableIter::new(\"orders\", vec![10, 20, 30, 40, 50])";

fn paused_iterator_delivers_nothing_and_keeps_its_place(_: &mut Ctx) {
    scenario(format!("{ORDERS}; read 2 items, then pause()"));
    let mut it = orders(2);
    step("next(), next()");
    step("pause()");
    expect_eq("pause() on a running iterator", it.pause(), Ok(()));
    expect_eq("is_paused() after pause()", it.is_paused(), true);
    step("try_next()");
    expect_eq(
        "try_next() while paused: a paused iterator refuses with IterError::Paused",
        it.try_next(),
        Err(IterError::Paused),
    );
    step("next()");
    expect_eq(
        "next() (the Iterator method) while paused: it delivers nothing",
        it.next(),
        None,
    );
    step("try_next(), next(), try_next()");
    let _ = it.try_next();
    let _ = it.next();
    let _ = it.try_next();
    expect_eq(
        "offset() after several reads while paused: a paused iterator keeps its place",
        it.offset(),
        2,
    );
    expect_eq(
        "is_paused() after reads while paused: only resume() or reset() ends a pause",
        it.is_paused(),
        true,
    );
}

fn resume_continues_with_the_next_item(_: &mut Ctx) {
    scenario(format!(
        "{ORDERS}; read 2 items, pause(), try reading, resume()"
    ));
    let mut it = orders(2);
    step("next(), next(), pause(), next(), try_next()");
    it.pause().ok();
    let _ = it.next();
    let _ = it.try_next();
    step("resume()");
    expect_eq("resume() on a paused iterator", it.resume(), Ok(()));
    expect_eq("is_paused() after resume()", it.is_paused(), false);
    step("try_next()");
    expect_eq(
        "try_next() after resume(): the item after the 2 read before the pause; nothing was skipped",
        it.try_next(),
        Ok(Some(30)),
    );
    step("next()");
    expect_eq("next() after that", it.next(), Some(40));
    step("try_next(), try_next()");
    expect_eq("try_next(): the last item", it.try_next(), Ok(Some(50)));
    expect_eq(
        "try_next() on the exhausted iterator: Ok(None), exhaustion is not an error",
        it.try_next(),
        Ok(None),
    );
}

fn pause_and_resume_out_of_turn_are_errors(_: &mut Ctx) {
    scenario(format!("{ORDERS}; read 1 item"));
    let mut it = orders(1);
    step("next()");
    step("resume() without a pause");
    expect_eq(
        "resume() on an iterator that is not paused",
        it.resume(),
        Err(IterError::NotPaused),
    );
    expect_eq(
        "next() after the refused resume(): the iterator runs on",
        it.next(),
        Some(20),
    );
    step("pause()");
    it.pause().ok();
    step("pause() again");
    expect_eq(
        "pause() on an iterator that is already paused",
        it.pause(),
        Err(IterError::AlreadyPaused),
    );
    expect_eq(
        "is_paused() after the refused second pause(): still paused",
        it.is_paused(),
        true,
    );
    step("resume()");
    expect_eq(
        "resume() after the refused second pause(): one resume ends the pause",
        it.resume(),
        Ok(()),
    );
    step("resume() again");
    expect_eq("a second resume()", it.resume(), Err(IterError::NotPaused));
    expect_eq("next() after all that", it.next(), Some(30));
}

fn reset_clears_a_pause(_: &mut Ctx) {
    scenario(format!("{ORDERS}; read 3 items, pause(), reset()"));
    let mut it = orders(3);
    step("next() ×3, pause()");
    it.pause().ok();
    step("reset()");
    it.reset();
    expect_eq(
        "is_paused() after reset(): reset() starts over from a clean state, pause included",
        it.is_paused(),
        false,
    );
    step("try_next()");
    expect_eq(
        "try_next() after reset() of a paused iterator: the first item",
        it.try_next(),
        Ok(Some(10)),
    );
    step("resume()");
    expect_eq(
        "resume() after reset(): there is no pause left to end",
        it.resume(),
        Err(IterError::NotPaused),
    );
}

fn checkpoint_restores_the_offset_it_was_taken_at(_: &mut Ctx) {
    for taken_at in 0..=5 {
        scenario(format!(
            "{ORDERS}; read {taken_at} item(s), checkpoint(), read on, restore it; \
             then restore it into a fresh iterator over the same source"
        ));
        let mut it = orders(taken_at);
        step(format!("next() ×{taken_at}"));
        step("cp = checkpoint()");
        let cp = it.checkpoint();
        expect_eq(
            "cp.source_id(): the source the checkpoint was taken on",
            cp.source_id(),
            "orders",
        );
        expect_eq(
            "cp.offset(): the items delivered when it was taken",
            cp.offset(),
            taken_at,
        );
        step("next() until None");
        while it.next().is_some() {}
        step("restore(&cp)");
        expect_eq("restore(&cp) on the same iterator", it.restore(&cp), Ok(()));
        expect_eq("offset() after restore(&cp)", it.offset(), taken_at);
        let rest: Vec<u32> = it.by_ref().collect();
        let expected: Vec<u32> = [10, 20, 30, 40, 50][taken_at..].to_vec();
        expect_eq(
            "items after restore(&cp): exactly those after the checkpoint",
            rest,
            expected.clone(),
        );
        step(format!("fresh = {ORDERS}; fresh.restore(&cp)"));
        let mut fresh = orders(0);
        expect_eq(
            "fresh.restore(&cp): a checkpoint works on any iterator over the same source",
            fresh.restore(&cp),
            Ok(()),
        );
        let rest: Vec<u32> = fresh.by_ref().collect();
        expect_eq("items from the fresh iterator", rest, expected);
    }
    scenario(format!(
        "{ORDERS}; restore(&Checkpoint::new(\"orders\", 4))"
    ));
    let mut it = orders(0);
    step("restore(&Checkpoint::new(\"orders\", 4))");
    expect_eq(
        "restore of a hand-made checkpoint",
        it.restore(&Checkpoint::new("orders", 4)),
        Ok(()),
    );
    expect_eq("next() after it", it.next(), Some(50));
}

fn checkpoint_changes_nothing(_: &mut Ctx) {
    scenario(format!(
        "{ORDERS}; read 2, pause(), checkpoint() twice, resume(), checkpoint() again\n\
         Taking a checkpoint only looks: the offset, the pause and the next item stay as they were."
    ));
    let mut it = orders(2);
    step("next(), next(), pause()");
    it.pause().ok();
    step("a = checkpoint(); b = checkpoint()");
    let a = it.checkpoint();
    let b = it.checkpoint();
    expect_eq("a == b: two checkpoints in a row", a.clone(), b);
    expect_eq("a.offset()", a.offset(), 2);
    expect_eq("offset() after checkpoint()", it.offset(), 2);
    expect_eq(
        "is_paused() after checkpoint(): still paused",
        it.is_paused(),
        true,
    );
    step("resume(); c = checkpoint()");
    it.resume().ok();
    let c = it.checkpoint();
    expect_eq("c == a: nothing was read in between", c, a);
    expect_eq(
        "next() after the checkpoints: the third item, nothing skipped",
        it.next(),
        Some(30),
    );
}

fn checkpoint_from_another_source_is_refused_and_changes_nothing(_: &mut Ctx) {
    scenario(format!(
        "{ORDERS} read 1 item; users = ResumableIter::new(\"users\", vec![1, 2, 3, 4, 5]) read 3"
    ));
    let mut it = orders(1);
    let mut users = ResumableIter::new("users", vec![1u32, 2, 3, 4, 5]);
    for _ in 0..3 {
        users.next();
    }
    step("cp = users.checkpoint()");
    let cp = users.checkpoint();
    step("orders.restore(&cp)");
    expect_eq(
        "orders.restore(&cp) with a checkpoint of \"users\": offsets of one source mean nothing in another",
        it.restore(&cp),
        Err(IterError::SourceMismatch {
            expected: "orders".to_string(),
            found: "users".to_string(),
        }),
    );
    expect_eq(
        "offset() after the refused restore: unchanged",
        it.offset(),
        1,
    );
    expect_eq(
        "next() after the refused restore: the iterator carries on where it was",
        it.next(),
        Some(20),
    );
    step("orders.pause(); orders.restore(&Checkpoint::new(\"Orders\", 0))");
    it.pause().ok();
    expect_eq(
        "restore of a checkpoint whose source differs only in case: names are compared exactly",
        it.restore(&Checkpoint::new("Orders", 0)),
        Err(IterError::SourceMismatch {
            expected: "orders".to_string(),
            found: "Orders".to_string(),
        }),
    );
    expect_eq(
        "is_paused() after a refused restore: unchanged",
        it.is_paused(),
        true,
    );
    expect_eq("offset() after it", it.offset(), 2);
}

fn restore_checks_the_source_before_the_bounds(_: &mut Ctx) {
    for (source, offset) in [("users", 7usize), ("users", 6), ("Orders", usize::MAX)] {
        scenario(format!(
            "{ORDERS} read 2; restore(&Checkpoint::new({source:?}, {offset})) — a checkpoint that \
             is wrong twice: another source AND past the end of this one.\n\
             restore checks the source first, so the error names the source mismatch."
        ));
        let mut it = orders(2);
        step(format!("restore(&Checkpoint::new({source:?}, {offset}))"));
        expect_eq(
            "restore of another source's checkpoint whose offset is also past the end: the \
             source is checked first",
            it.restore(&Checkpoint::new(source, offset)),
            Err(IterError::SourceMismatch {
                expected: "orders".to_string(),
                found: source.to_string(),
            }),
        );
        expect_eq("offset() after the refused restore", it.offset(), 2);
    }
}

fn checkpoint_past_the_end_is_refused_and_changes_nothing(_: &mut Ctx) {
    scenario(
        "long = ResumableIter::new(\"orders\", 8 items) read 7; short = ResumableIter::new(\"orders\", vec![10, 20, 30, 40, 50]) read 2",
    );
    let mut long = ResumableIter::new("orders", (0..8u32).collect());
    for _ in 0..7 {
        long.next();
    }
    let mut it = orders(2);
    step("cp = long.checkpoint()  (offset 7)");
    let cp = long.checkpoint();
    step("short.restore(&cp)");
    expect_eq(
        "short.restore(&cp) at offset 7 of a 5-item source: there is no such place",
        it.restore(&cp),
        Err(IterError::OffsetOutOfRange { offset: 7, len: 5 }),
    );
    expect_eq("offset() after the refused restore", it.offset(), 2);
    expect_eq("next() after it", it.next(), Some(30));
    step("short.restore(&Checkpoint::new(\"orders\", 5))");
    expect_eq(
        "restore at offset 5 of a 5-item source: the end itself is a valid place",
        it.restore(&Checkpoint::new("orders", 5)),
        Ok(()),
    );
    expect_eq("next() at the end", it.next(), None);
}

fn restore_keeps_the_pause_state(_: &mut Ctx) {
    scenario(format!(
        "{ORDERS}; read 1, cp = checkpoint(), read 2, pause(), restore(&cp)"
    ));
    let mut it = orders(1);
    let cp = it.checkpoint();
    it.next();
    it.next();
    step("next(), cp = checkpoint(), next(), next(), pause()");
    it.pause().ok();
    step("restore(&cp)");
    expect_eq("restore(&cp) while paused", it.restore(&cp), Ok(()));
    expect_eq(
        "is_paused() after restore(&cp): restore moves the offset only",
        it.is_paused(),
        true,
    );
    expect_eq(
        "try_next() after restoring a paused iterator",
        it.try_next(),
        Err(IterError::Paused),
    );
    step("resume()");
    it.resume().ok();
    expect_eq(
        "try_next() after resume(): the item after the checkpoint",
        it.try_next(),
        Ok(Some(20)),
    );
}

fn errors_are_std_errors_with_a_message(_: &mut Ctx) {
    fn as_std_error<E: std::error::Error + 'static>(e: E) -> Box<dyn std::error::Error> {
        Box::new(e)
    }
    scenario("format every IterError variant with Display");
    let all = [
        IterError::Paused,
        IterError::AlreadyPaused,
        IterError::NotPaused,
        IterError::SourceMismatch {
            expected: "orders".into(),
            found: "users".into(),
        },
        IterError::OffsetOutOfRange { offset: 7, len: 5 },
    ];
    let mut seen = Vec::new();
    for e in all {
        let debug = format!("{e:?}");
        let text = as_std_error(e).to_string();
        step(format!("{debug} displays as {text:?}"));
        expect(
            !text.trim().is_empty(),
            format!("{debug} displays as an empty string; an error should say what went wrong"),
        );
        expect(
            !seen.contains(&text),
            format!("two different errors display the same text {text:?}; each should say what went wrong"),
        );
        seen.push(text);
    }
}

/// One operation of the random sequences.
#[derive(Debug, Clone, Copy)]
enum Op {
    Next,
    TryNext,
    Pause,
    Resume,
    Reset,
    Checkpoint(usize),
    Restore(usize),
    RestoreForeign,
    Offset,
}

/// The model: an offset into the items, a pause flag and saved offsets.
struct Model {
    len: usize,
    pos: usize,
    paused: bool,
    saved: [Option<usize>; 3],
}

fn random_sequences_match_a_simple_model(ctx: &mut Ctx) {
    for round in 0..20 {
        let len = ctx.rng().below(6) as usize;
        let items: Vec<u32> = (0..len).map(|i| 100 + i as u32).collect();
        scenario(format!(
            "round {round}: ResumableIter::new(\"s\", {items:?}), then random operations compared \
             with a model; cp0..cp2 are checkpoints kept by the test, RestoreForeign restores a \
             checkpoint of source \"t\""
        ));
        let mut it = ResumableIter::new("s", items.clone());
        let mut real_saved: [Option<Checkpoint>; 3] = [None, None, None];
        let mut m = Model {
            len,
            pos: 0,
            paused: false,
            saved: [None; 3],
        };
        syskata_kit::model::compare(
            ctx.rng(),
            60,
            |rng| match rng.below(20) {
                0..=4 => Op::Next,
                5..=7 => Op::TryNext,
                8 | 9 => Op::Pause,
                10 | 11 => Op::Resume,
                12 => Op::Reset,
                13 | 14 => Op::Checkpoint(rng.index(3)),
                15 | 16 => Op::Restore(rng.index(3)),
                17 => Op::RestoreForeign,
                _ => Op::Offset,
            },
            |op| match *op {
                Op::Next => format!("{:?}", it.next()),
                Op::TryNext => format!("{:?}", it.try_next()),
                Op::Pause => format!("{:?}", it.pause()),
                Op::Resume => format!("{:?}", it.resume()),
                Op::Reset => {
                    it.reset();
                    "()".into()
                }
                Op::Checkpoint(slot) => {
                    let cp = it.checkpoint();
                    let shown = format!("{}@{}", cp.source_id(), cp.offset());
                    real_saved[slot] = Some(cp);
                    shown
                }
                Op::Restore(slot) => match &real_saved[slot] {
                    Some(cp) => format!("{:?}", it.restore(cp)),
                    None => "(no checkpoint in this slot yet)".into(),
                },
                Op::RestoreForeign => format!("{:?}", it.restore(&Checkpoint::new("t", 0))),
                Op::Offset => format!("{} paused={}", it.offset(), it.is_paused()),
            },
            |op| match *op {
                Op::Next | Op::TryNext => {
                    let got = if m.paused {
                        Err(IterError::Paused)
                    } else if m.pos < m.len {
                        m.pos += 1;
                        Ok(Some(items[m.pos - 1]))
                    } else {
                        Ok(None)
                    };
                    match op {
                        Op::Next => format!("{:?}", got.ok().flatten()),
                        _ => format!("{got:?}"),
                    }
                }
                Op::Pause => {
                    let r = if m.paused {
                        Err(IterError::AlreadyPaused)
                    } else {
                        m.paused = true;
                        Ok(())
                    };
                    format!("{r:?}")
                }
                Op::Resume => {
                    let r = if m.paused {
                        m.paused = false;
                        Ok(())
                    } else {
                        Err(IterError::NotPaused)
                    };
                    format!("{r:?}")
                }
                Op::Reset => {
                    m.pos = 0;
                    m.paused = false;
                    "()".into()
                }
                Op::Checkpoint(slot) => {
                    m.saved[slot] = Some(m.pos);
                    format!("s@{}", m.pos)
                }
                Op::Restore(slot) => match m.saved[slot] {
                    Some(p) => {
                        m.pos = p;
                        format!("{:?}", Ok::<(), IterError>(()))
                    }
                    None => "(no checkpoint in this slot yet)".into(),
                },
                Op::RestoreForeign => format!(
                    "{:?}",
                    Err::<(), IterError>(IterError::SourceMismatch {
                        expected: "s".into(),
                        found: "t".into()
                    })
                ),
                Op::Offset => format!("{} paused={}", m.pos, m.paused),
            },
        );
    }
}

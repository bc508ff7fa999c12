//! Model-based testing: run a random sequence of operations on the learner's structure and on a
//! simple, obviously-correct model side by side, and report the first operation where they disagree.

use std::fmt::Debug;

use crate::fail::{fail, shorten, step};
use crate::rng::Rng;

/// Runs `ops` operations drawn by `gen`, applying each to the subject (`real`) and to the `model`,
/// and fails at the first differing answer. Every operation is logged as a step, so the failure
/// shows the sequence that led there.
pub fn compare<Op: Debug, Out: Debug + PartialEq>(
    rng: &mut Rng,
    ops: usize,
    mut gen: impl FnMut(&mut Rng) -> Op,
    mut real: impl FnMut(&Op) -> Out,
    mut model: impl FnMut(&Op) -> Out,
) {
    for i in 0..ops {
        let op = gen(rng);
        let got = real(&op);
        let expected = model(&op);
        step(format!("#{i} {op:?} -> {}", shorten(&format!("{got:?}"))));
        if got != expected {
            fail(format!(
                "operation #{i} ({op:?}) disagrees with a simple model of the rules\nexpected: {}\n     got: {}",
                shorten(&format!("{expected:?}")),
                shorten(&format!("{got:?}"))
            ));
        }
    }
}

//! The speed workload `cargo xtask compare cd` times: many `cd`s over a wide, deep tree (stage-1 API only).

use syskata_kit::{Bench, Rng};

use crate::drill::{Shell, Tree};

/// Names of each level's directories.
const NAMES: [&str; 6] = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];

/// Times 40 000 mixed `cd`s (absolute, relative, `..`, errors) on a tree of 9 330 directories.
pub fn bench(b: &mut Bench) {
    let mut tree = Tree::new();
    let mut paths = vec![String::new()];
    let mut level = vec![String::new()];
    for _ in 0..5 {
        let mut next = Vec::new();
        for parent in &level {
            for name in NAMES {
                let path = format!("{parent}/{name}");
                tree.mkdir_p(&path).expect("the bench tree builds");
                next.push(path);
            }
        }
        paths.extend(next.iter().cloned());
        level = next;
    }
    let _ = tree.touch("/alpha/file");
    let mut shell = Shell::new(tree, "/");
    let mut rng = Rng::new(7);
    let ops: Vec<String> = (0..40_000)
        .map(|_| match rng.below(10) {
            0..=3 => rng.pick(&paths[1..]).clone(),
            4..=6 => rng.pick(&NAMES).to_string(),
            7 => "..".to_owned(),
            8 => format!("../{}/./", rng.pick(&NAMES)),
            _ => "/alpha/file/..".to_owned(),
        })
        .collect();
    b.measure("cd over a 9330-directory tree", ops.len() as u64, || {
        for op in &ops {
            let _ = shell.cd(op);
        }
        let _ = shell.cd("/");
    });
}

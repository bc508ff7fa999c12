//! The mutant slot: whichever wrong solution `cargo xtask verify` selected, compiled as a crate.
#![allow(dead_code, unused_imports, unused_variables, unused_mut, clippy::all)]

include!(concat!(env!("OUT_DIR"), "/mutant.rs"));

//! The speed workload `cargo xtask compare` times: a realistic mix of stage-1 calls on many accounts.

use syskata_kit::{Bench, Rng};

use crate::drill::Ledger;

/// How many accounts the workload spreads its calls over.
const ACCOUNTS: u64 = 1_000;
/// How many calls one run makes.
const CALLS: u64 = 200_000;

/// Times deposits, withdrawals, transfers (some refused) and balance reads over many accounts.
pub fn bench(b: &mut Bench) {
    b.measure(
        "mixed deposits, withdrawals, transfers and balance reads",
        CALLS,
        || {
            let mut rng = Rng::new(7);
            let mut ledger = Ledger::new();
            for a in 0..ACCOUNTS {
                let _ = ledger.open_account(a);
                let _ = ledger.deposit(a, 10_000);
            }
            let mut held: u64 = 0;
            for _ in 0..CALLS {
                let a = rng.below(ACCOUNTS);
                let amount = rng.range(1, 400);
                match rng.below(10) {
                    0..=1 => drop(ledger.deposit(a, amount)),
                    2..=3 => drop(ledger.withdraw(a, amount)),
                    4..=7 => drop(ledger.transfer(a, rng.below(ACCOUNTS), amount)),
                    _ => held = held.wrapping_add(ledger.balance(a).unwrap_or(0)),
                }
            }
            std::hint::black_box(held);
        },
    );
}

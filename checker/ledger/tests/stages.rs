//! Entry point of the ledger suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(ledger_checker::suite());
}

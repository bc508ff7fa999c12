//! Entry point of the scheduler suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(scheduler_checker::suite());
}

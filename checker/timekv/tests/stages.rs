//! Entry point of the timekv suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(timekv_checker::suite());
}

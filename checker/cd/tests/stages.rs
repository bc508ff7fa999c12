//! Entry point of the cd suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(cd_checker::suite());
}

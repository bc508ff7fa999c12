//! Entry point of the lru suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(lru_checker::suite());
}

//! Entry point of the iterator suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(iterator_checker::suite());
}

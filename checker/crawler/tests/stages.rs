//! Entry point of the crawler suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(crawler_checker::suite());
}

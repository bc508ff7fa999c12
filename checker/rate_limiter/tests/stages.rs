//! Entry point of the rate_limiter suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(rate_limiter_checker::suite());
}

//! Entry point of the log_parser suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(log_parser_checker::suite());
}

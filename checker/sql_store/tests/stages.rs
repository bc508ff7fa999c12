//! Entry point of the sql_store suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(sql_store_checker::suite());
}

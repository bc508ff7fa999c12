//! Entry point of the kv_store suite: runs the compiled stages under the syskata harness.

fn main() {
    syskata_kit::main(kv_store_checker::suite());
}

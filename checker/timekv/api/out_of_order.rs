//! timekv stage 2 (out_of_order): no Rust API to add (prompts/timekv/2-out_of_order.md changes only what `set` accepts), so no `// api` line.

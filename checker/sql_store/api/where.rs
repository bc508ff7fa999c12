//! sql_store stage 2 (where): no Rust API to add (prompts/sql_store/2-where.md adds only SQL), so no `// api` line.

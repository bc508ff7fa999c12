//! scheduler stage 2 (cycles): no Rust API to add (prompts/scheduler/2-cycles.md grades what `PlanError::Cycle` carries), so no `// api` line.

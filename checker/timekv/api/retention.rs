//! timekv stage 4 (retention): the "API to add" of prompts/timekv/4-retention.md, one `// api` line per item.

// api TimeKv: pub fn compact(&mut self, horizon: u64) -> usize
const _: fn(&mut drill::TimeKv<u32>, u64) -> usize = drill::TimeKv::compact;

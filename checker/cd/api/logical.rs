//! cd stage 5 (logical): the "API to add" of prompts/cd/5-logical.md, one `// api` line per item.

// api Shell: pub fn cd_logical(&mut self, arg: &str) -> Result<(), CdError>
const _: fn(&mut drill::Shell, &str) -> Result<(), drill::CdError> = drill::Shell::cd_logical;

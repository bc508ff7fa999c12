//! cd stage 3 (symlinks): the "API to add" of prompts/cd/3-symlinks.md, one `// api` line per item.

// api Tree: pub fn symlink(&mut self, path: &str, target: &str) -> Result<(), CdError>
const _: fn(&mut drill::Tree, &str, &str) -> Result<(), drill::CdError> = drill::Tree::symlink;

// api Shell: pub fn cd_physical(&mut self, arg: &str) -> Result<(), CdError>
const _: fn(&mut drill::Shell, &str) -> Result<(), drill::CdError> = drill::Shell::cd_physical;

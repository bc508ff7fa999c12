//! cd stage 2 (home_and_back): the "API to add" of prompts/cd/2-home_and_back.md, one `// api` line per item.

// api CdError: NoOldPwd
const _: drill::CdError = drill::CdError::NoOldPwd;

// api Shell: pub fn cd_home(&mut self) -> Result<(), CdError>
const _: fn(&mut drill::Shell) -> Result<(), drill::CdError> = drill::Shell::cd_home;

// api Shell: pub fn oldpwd(&self) -> Option<String>
const _: fn(&drill::Shell) -> Option<String> = drill::Shell::oldpwd;

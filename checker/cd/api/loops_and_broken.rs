//! cd stage 4 (loops_and_broken): the "API to add" of prompts/cd/4-loops_and_broken.md, one `// api` line per item.

// api CdError: TooManyLinks
const _: drill::CdError = drill::CdError::TooManyLinks;

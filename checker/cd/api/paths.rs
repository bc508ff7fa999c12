//! cd stage 1 (paths): the stub's API as prompts/cd/1-paths.md spells it, one `// api` line per item.

// api: pub enum CdError { NotFound, NotADirectory, AlreadyExists }
const _: [drill::CdError; 3] = [
    drill::CdError::NotFound,
    drill::CdError::NotADirectory,
    drill::CdError::AlreadyExists,
];
const _: () = {
    fn display_and_error<T: std::fmt::Debug + std::fmt::Display + std::error::Error>() {}
    let _ = display_and_error::<drill::CdError>;
};

// api Tree: pub fn new() -> Self
const _: fn() -> drill::Tree = drill::Tree::new;

// api Tree: pub fn mkdir_p(&mut self, path: &str) -> Result<(), CdError>
const _: fn(&mut drill::Tree, &str) -> Result<(), drill::CdError> = drill::Tree::mkdir_p;

// api Tree: pub fn touch(&mut self, path: &str) -> Result<(), CdError>
const _: fn(&mut drill::Tree, &str) -> Result<(), drill::CdError> = drill::Tree::touch;

// api Shell: pub fn new(tree: Tree, home: &str) -> Self
const _: fn(drill::Tree, &str) -> drill::Shell = drill::Shell::new;

// api Shell: pub fn pwd(&self) -> String
const _: fn(&drill::Shell) -> String = drill::Shell::pwd;

// api Shell: pub fn cd(&mut self, arg: &str) -> Result<(), CdError>
const _: fn(&mut drill::Shell, &str) -> Result<(), drill::CdError> = drill::Shell::cd;

//! iterator stage 3 (persist): the "API to add" of prompts/iterator/3-persist.md, one `// api` line per item.

use std::io;
use std::path::{Path, PathBuf};

// api: pub trait FileSystem
struct Fs;
impl drill::FileSystem for Fs {
    // api FileSystem: fn write(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()>
    fn write(&mut self, _: &Path, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
    // api FileSystem: fn sync(&mut self, path: &Path) -> io::Result<()>
    fn sync(&mut self, _: &Path) -> io::Result<()> {
        Ok(())
    }
    // api FileSystem: fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()>
    fn rename(&mut self, _: &Path, _: &Path) -> io::Result<()> {
        Ok(())
    }
}

// api: pub struct RealFs
const _: drill::RealFs = drill::RealFs;
const _: () = {
    fn derives<T: std::fmt::Debug + Clone + Copy + Default>() {}
    let _ = derives::<drill::RealFs>;
};

// api: impl FileSystem for RealFs
const _: () = {
    fn file_system<T: drill::FileSystem>() {}
    let _ = file_system::<drill::RealFs>;
};

// api: pub enum LoadError
const _: () = {
    fn debug<T: std::fmt::Debug>() {}
    let _ = debug::<drill::LoadError>;
};

// api LoadError: Io(io::Error)
const _: fn(io::Error) -> drill::LoadError = drill::LoadError::Io;

// api LoadError: UnsupportedVersion(u16)
const _: fn(u16) -> drill::LoadError = drill::LoadError::UnsupportedVersion;

// api: impl std::fmt::Display for LoadError
const _: () = {
    fn display<T: std::fmt::Display>() {}
    let _ = display::<drill::LoadError>;
};

// api: impl std::error::Error for LoadError
const _: () = {
    fn error<T: std::error::Error>() {}
    let _ = error::<drill::LoadError>;
};

// api Checkpoint: pub fn to_bytes(&self) -> Vec<u8>
const _: fn(&drill::Checkpoint) -> Vec<u8> = drill::Checkpoint::to_bytes;

// api Checkpoint: pub fn from_bytes(bytes: &[u8]) -> Result<Checkpoint, LoadError>
const _: fn(&[u8]) -> Result<drill::Checkpoint, drill::LoadError> = drill::Checkpoint::from_bytes;

// api Checkpoint: pub fn save(&self, path: impl AsRef<Path>) -> io::Result<()>
const _: fn(&drill::Checkpoint, PathBuf) -> io::Result<()> = drill::Checkpoint::save;

// api Checkpoint: pub fn save_with(&self, fs: &mut impl FileSystem, path: &Path) -> io::Result<()>
const _: fn(&drill::Checkpoint, &mut drill::RealFs, &Path) -> io::Result<()> =
    drill::Checkpoint::save_with;

// api Checkpoint: pub fn load(path: impl AsRef<Path>) -> Result<Checkpoint, LoadError>
const _: fn(PathBuf) -> Result<drill::Checkpoint, drill::LoadError> = drill::Checkpoint::load;

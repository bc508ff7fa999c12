//! Stage persist: checkpoints saved atomically and durably, loaded back, and damaged files refused without a panic.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use syskata_kit::{checks, expect, expect_eq, fail, scenario, step, Ctx, Rng, Stage};

use crate::drill::{Checkpoint, FileSystem, IterError, LoadError, ResumableIter};
use crate::support::{hex, TempDir};

/// Returns the checks of stage persist.
pub fn stage() -> Stage {
    Stage {
        slug: "persist",
        checks: checks![
            saved_checkpoint_loads_back_in_a_fresh_iterator,
            save_replaces_the_previous_checkpoint,
            save_leaves_no_temporary_file_behind,
            save_replaces_the_file_instead_of_writing_into_it,
            a_crash_at_any_point_of_a_save_leaves_the_old_or_the_new_checkpoint,
            a_finished_save_survives_a_power_loss,
            version_1_checkpoints_still_load,
            current_format_starts_with_magic_and_version_2,
            unknown_format_version_is_refused,
            every_truncation_is_an_error,
            bytes_left_over_after_the_last_field_are_an_error,
            a_version_1_source_id_that_is_not_utf8_is_an_error,
            every_single_byte_change_is_an_error,
            random_damage_never_panics,
            length_fields_claiming_more_than_is_there_are_errors,
            missing_file_is_an_error,
            load_errors_say_what_went_wrong,
            save_and_load_take_a_bare_file_name,
            loaded_checkpoint_of_another_source_is_refused_on_restore,
        ],
    }
}

/// Returns the bytes of a version-1 checkpoint file, laid out as the prompt specifies.
fn v1_bytes(source_id: &str, offset: u64) -> Vec<u8> {
    let mut out = b"RITR".to_vec();
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(&(source_id.len() as u16).to_le_bytes());
    out.extend_from_slice(source_id.as_bytes());
    out
}

/// Returns an iterator named "orders" over 0..20 with `read` items read.
fn orders(read: usize) -> ResumableIter<u32> {
    let mut it = ResumableIter::new("orders", (0..20).collect());
    for _ in 0..read {
        it.next();
    }
    it
}

/// Saves `cp` to `path`, failing the check if the save fails.
#[track_caller]
fn save(cp: &Checkpoint, path: &Path) {
    step(format!(
        "Checkpoint::new({:?}, {}).save({})",
        cp.source_id(),
        cp.offset(),
        path.display()
    ));
    if let Err(e) = cp.save(path) {
        fail(format!(
            "save({}) failed: {e}\n(the directory exists and is writable)",
            path.display()
        ));
    }
}

fn saved_checkpoint_loads_back_in_a_fresh_iterator(_: &mut Ctx) {
    let dir = TempDir::new("roundtrip");
    let path = dir.join("job.ckpt");
    scenario(format!(
        "orders = ResumableIter::new(\"orders\", 0..20) read 7 items; save its checkpoint to {}; \
         copy the file elsewhere (as another process or machine would see it) and load the copy",
        path.display()
    ));
    let cp = orders(7).checkpoint();
    save(&cp, &path);
    expect(
        path.is_file(),
        format!(
            "after save() returned Ok, there is no file at {}",
            path.display()
        ),
    );
    let copy = dir.join("copy-of-job.ckpt");
    step(format!("copy the file to {}", copy.display()));
    std::fs::copy(&path, &copy).expect("the checker copies the saved file");
    step(format!("Checkpoint::load({})", copy.display()));
    let loaded = match Checkpoint::load(&copy) {
        Ok(loaded) => loaded,
        Err(e) => fail(format!(
            "Checkpoint::load of the copied file failed: {e:?}\nthe file holds: {}",
            hex(&std::fs::read(&copy).unwrap_or_default())
        )),
    };
    expect_eq(
        "the loaded checkpoint: everything the iterator needs is in the file itself",
        loaded.clone(),
        cp.clone(),
    );
    step("fresh = ResumableIter::new(\"orders\", 0..20); fresh.restore(&loaded)");
    let mut fresh = orders(0);
    expect_eq("fresh.restore(&loaded)", fresh.restore(&loaded), Ok(()));
    expect_eq(
        "fresh.next(): the item after the 7 read before the save",
        fresh.next(),
        Some(7),
    );
    step(format!("Checkpoint::load({})", path.display()));
    expect_eq(
        "Checkpoint::load of the saved file itself",
        Checkpoint::load(&path).ok(),
        Some(cp),
    );
}

fn save_replaces_the_previous_checkpoint(_: &mut Ctx) {
    let dir = TempDir::new("replace");
    let path = dir.join("job.ckpt");
    scenario(format!(
        "save several checkpoints to the same path {}; each load returns the latest",
        path.display()
    ));
    let cases = [
        Checkpoint::new("orders", 3),
        Checkpoint::new("orders", 9),
        Checkpoint::new("a-much-longer-source-name-than-before", 12345),
        Checkpoint::new("s", 0),
    ];
    for cp in cases {
        save(&cp, &path);
        step(format!("Checkpoint::load({})", path.display()));
        match Checkpoint::load(&path) {
            Ok(loaded) => expect_eq(
                "the loaded checkpoint: the one saved last (a shorter file must not keep the \
                 longer one's tail)",
                loaded,
                cp,
            ),
            Err(e) => fail(format!(
                "load after saving {cp:?} over an earlier checkpoint failed: {e:?}\nthe file holds: {}",
                hex(&std::fs::read(&path).unwrap_or_default())
            )),
        }
    }
}

fn save_leaves_no_temporary_file_behind(_: &mut Ctx) {
    let dir = TempDir::new("tidy");
    let path = dir.join("job.ckpt");
    scenario(format!(
        "save three checkpoints to {} in an empty directory, then list the directory",
        path.display()
    ));
    for offset in [1, 2, 3] {
        save(&Checkpoint::new("orders", offset), &path);
    }
    expect_eq(
        "the files in the directory after three successful saves: a temporary file must be \
         renamed into place, not left behind",
        dir.entries(),
        vec!["job.ckpt".to_string()],
    );
}

fn save_replaces_the_file_instead_of_writing_into_it(_: &mut Ctx) {
    let dir = TempDir::new("replace-inode");
    let path = dir.join("job.ckpt");
    scenario(format!(
        "save Checkpoint(\"orders\", 3) to {p}; a reader opens {p}; save Checkpoint(\"orders\", 4) \
         to {p}; the reader then reads its open file\n\
         An atomic save writes a new file and renames it over the old one, so a reader that opened \
         the old file keeps reading the complete old checkpoint. A save that writes into the \
         existing file changes the bytes under the reader, and a crash half-way leaves a torn file.",
        p = path.display()
    ));
    let old = Checkpoint::new("orders", 3);
    let new = Checkpoint::new("orders", 4);
    save(&old, &path);
    step("a reader opens the file");
    let mut reader = std::fs::File::open(&path).expect("the checker opens the saved file");
    save(&new, &path);
    step("the reader reads its open file to the end");
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .expect("the checker reads its open file");
    match Checkpoint::from_bytes(&bytes) {
        Ok(cp) if cp == old => {}
        Ok(cp) => fail(format!(
            "the reader of the old file now reads {cp:?}: the second save wrote into the existing \
             file instead of replacing it (write a temporary file, sync it, rename it over the path)"
        )),
        Err(e) => fail(format!(
            "the reader of the old file now reads bytes that do not load ({e:?}): the second save \
             modified the existing file in place; write a temporary file and rename it over the path\n\
             bytes: {}",
            hex(&bytes)
        )),
    }
    expect_eq(
        "Checkpoint::load of the path after the second save",
        Checkpoint::load(&path).ok(),
        Some(new),
    );
}

/// One file of the in-memory file system: what a reader sees now, and what survives a power loss.
#[derive(Debug, Clone, Default)]
struct MemFile {
    data: Vec<u8>,
    durable: Vec<u8>,
}

/// Where in a file-system call the simulated crash strikes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    /// The call has no effect.
    Before,
    /// A write stores only its first bytes.
    Torn(usize),
    /// The call takes effect, then the process dies before it returns.
    After,
}

/// What survives the crash.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Aftermath {
    /// The process died; the operating system keeps everything written so far.
    ProcessCrash,
    /// The machine lost power; only synced data survives (renames that returned are durable).
    PowerLoss,
}

impl When {
    fn describe(self) -> String {
        match self {
            When::Before => "it crashes before the call takes effect".to_string(),
            When::Torn(kept) => format!(
                "it crashes during the call; if the call is a write, only its first {kept} byte(s) reach the file"
            ),
            When::After => "it crashes right after the call takes effect".to_string(),
        }
    }
}

impl Aftermath {
    fn describe(self) -> &'static str {
        match self {
            Aftermath::ProcessCrash => {
                "the process died; the operating system keeps every byte already written"
            }
            Aftermath::PowerLoss => {
                "the power failed; a file keeps only what sync() made durable (a file written \
                 but never synced comes back empty), renames that returned are durable"
            }
        }
    }
}

/// An in-memory [`FileSystem`] that can crash at a chosen call, logging every call as a step.
struct MemFs {
    files: BTreeMap<PathBuf, MemFile>,
    calls: usize,
    crash_at: Option<(usize, When)>,
    crashed: bool,
}

fn crashed_error() -> io::Error {
    io::Error::other("simulated crash: the process is gone")
}

impl MemFs {
    /// Returns a file system holding `bytes`, durably, at `path`.
    fn with_file(path: &Path, bytes: &[u8]) -> MemFs {
        let mut files = BTreeMap::new();
        files.insert(
            path.to_path_buf(),
            MemFile {
                data: bytes.to_vec(),
                durable: bytes.to_vec(),
            },
        );
        MemFs {
            files,
            calls: 0,
            crash_at: None,
            crashed: false,
        }
    }

    /// Counts a call and returns whether (and how) the crash strikes it; errors once crashed.
    fn call(&mut self, what: &str) -> io::Result<Option<When>> {
        if self.crashed {
            step(format!(
                "fs.{what} -> error: the process has already crashed"
            ));
            return Err(crashed_error());
        }
        let index = self.calls;
        self.calls += 1;
        match self.crash_at {
            Some((at, when)) if at == index => {
                self.crashed = true;
                Ok(Some(when))
            }
            _ => Ok(None),
        }
    }

    /// Applies what survives the crash to every file.
    fn recover(&mut self, aftermath: Aftermath) {
        if aftermath == Aftermath::PowerLoss {
            for file in self.files.values_mut() {
                file.data = file.durable.clone();
            }
        }
    }

    fn store(&mut self, path: &Path, bytes: &[u8]) {
        let file = self.files.entry(path.to_path_buf()).or_default();
        file.data = bytes.to_vec();
        // Creating or truncating is recorded by the file system at once; the new data is not
        // durable until sync (ext4 and friends can show an empty file after a power loss).
        file.durable.clear();
    }
}

fn not_found(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("{}: no such file", path.display()),
    )
}

impl FileSystem for MemFs {
    fn write(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let what = format!("write({}, {} bytes)", path.display(), bytes.len());
        match self.call(&what)? {
            None => {
                self.store(path, bytes);
                step(format!("fs.{what} -> ok"));
                Ok(())
            }
            Some(When::Before) => {
                step(format!("fs.{what} -> CRASH before it took effect"));
                Err(crashed_error())
            }
            Some(When::Torn(kept)) => {
                let kept = kept.min(bytes.len());
                self.store(path, &bytes[..kept]);
                step(format!(
                    "fs.{what} -> CRASH after {kept} of its bytes reached the file"
                ));
                Err(crashed_error())
            }
            Some(When::After) => {
                self.store(path, bytes);
                step(format!("fs.{what} -> CRASH right after it took effect"));
                Err(crashed_error())
            }
        }
    }

    fn sync(&mut self, path: &Path) -> io::Result<()> {
        let what = format!("sync({})", path.display());
        let when = self.call(&what)?;
        if when == Some(When::Before) || when.is_some_and(|w| matches!(w, When::Torn(_))) {
            step(format!("fs.{what} -> CRASH before it took effect"));
            return Err(crashed_error());
        }
        let Some(file) = self.files.get_mut(path) else {
            step(format!("fs.{what} -> error: no such file"));
            return Err(not_found(path));
        };
        file.durable = file.data.clone();
        if when == Some(When::After) {
            step(format!("fs.{what} -> CRASH right after it took effect"));
            return Err(crashed_error());
        }
        step(format!("fs.{what} -> ok"));
        Ok(())
    }

    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        let what = format!("rename({}, {})", from.display(), to.display());
        let when = self.call(&what)?;
        if when == Some(When::Before) || when.is_some_and(|w| matches!(w, When::Torn(_))) {
            step(format!("fs.{what} -> CRASH before it took effect"));
            return Err(crashed_error());
        }
        let Some(file) = self.files.remove(from) else {
            step(format!("fs.{what} -> error: no such file"));
            return Err(not_found(from));
        };
        self.files.insert(to.to_path_buf(), file);
        if when == Some(When::After) {
            step(format!("fs.{what} -> CRASH right after it took effect"));
            return Err(crashed_error());
        }
        step(format!("fs.{what} -> ok"));
        Ok(())
    }
}

/// The path the crash checks save to inside the in-memory file system.
fn mem_path() -> PathBuf {
    PathBuf::from("/data/jobs/orders.ckpt")
}

/// Describes what a reader finds at `path` of `fs`, or `None` when it is one of `allowed`.
fn found_at(fs: &MemFs, path: &Path, allowed: &[&Checkpoint]) -> Option<String> {
    let Some(file) = fs.files.get(path) else {
        return Some("no file at all: the checkpoint is gone".to_string());
    };
    match Checkpoint::from_bytes(&file.data) {
        Ok(cp) if allowed.contains(&&cp) => None,
        Ok(cp) => Some(format!("{cp:?}")),
        Err(e) => Some(format!(
            "{} bytes that do not load ({e:?}): {}",
            file.data.len(),
            hex(&file.data)
        )),
    }
}

fn a_crash_at_any_point_of_a_save_leaves_the_old_or_the_new_checkpoint(_: &mut Ctx) {
    let path = mem_path();
    let old = Checkpoint::new("orders", 3);
    let new = Checkpoint::new("orders", 17);
    let old_bytes = old.to_bytes();

    // A clean run first, to learn how many file-system calls a save makes.
    scenario(format!(
        "an in-memory file system holds {old:?} (synced) at {p}; \
         save_with(&mut fs, {p}) saves {new:?} without any crash",
        p = path.display()
    ));
    let mut fs = MemFs::with_file(&path, &old_bytes);
    if let Err(e) = new.save_with(&mut fs, &path) {
        fail(format!(
            "save_with failed on a file system that never fails: {e}"
        ));
    }
    let calls = fs.calls;
    if let Some(found) = found_at(&fs, &path, &[&new]) {
        fail(format!(
            "after save_with returned Ok, {} holds {found}, not the new checkpoint",
            path.display()
        ));
    }

    for at in 0..calls {
        for when in [
            When::Before,
            When::Torn(0),
            When::Torn(1),
            When::Torn(new.to_bytes().len() / 2),
            When::After,
        ] {
            for aftermath in [Aftermath::ProcessCrash, Aftermath::PowerLoss] {
                scenario(format!(
                    "an in-memory file system holds {old:?} (synced) at {p}; \
                     save_with(&mut fs, {p}) saves {new:?}; at file-system call #{n} of the save \
                     {when}; then {aftermath}.\n\
                     Whatever the crash point, the path must hold the old checkpoint or the new \
                     one, complete; once save returned Ok, the new one.",
                    p = path.display(),
                    n = at + 1,
                    when = when.describe(),
                    aftermath = aftermath.describe(),
                ));
                let mut fs = MemFs::with_file(&path, &old_bytes);
                fs.crash_at = Some((at, when));
                let result = new.save_with(&mut fs, &path);
                step(format!("save_with returned {result:?}"));
                step(format!(
                    "{aftermath:?}; then the job starts again and loads {}",
                    path.display()
                ));
                fs.recover(aftermath);
                let allowed: Vec<&Checkpoint> = if result.is_ok() {
                    vec![&new]
                } else {
                    vec![&old, &new]
                };
                if let Some(found) = found_at(&fs, &path, &allowed) {
                    fail(format!(
                        "after the crash the checkpoint file holds {found}\nexpected: {}\n\
                         A save must never leave a torn or empty checkpoint behind: write the new \
                         bytes to a temporary file, sync() it, then rename() it over the path.",
                        if result.is_ok() {
                            format!(
                                "{new:?} (save returned Ok, so the new checkpoint was promised)"
                            )
                        } else {
                            format!("{old:?} (the previous one) or {new:?}")
                        }
                    ));
                }
            }
        }
    }
}

fn a_finished_save_survives_a_power_loss(_: &mut Ctx) {
    let path = mem_path();
    let old = Checkpoint::new("orders", 3);
    let new = Checkpoint::new("orders", 17);
    scenario(format!(
        "an in-memory file system holds {old:?} (synced) at {p}; save_with(&mut fs, {p}) saves \
         {new:?} and returns; then the power fails.\n{}",
        Aftermath::PowerLoss.describe(),
        p = path.display()
    ));
    let mut fs = MemFs::with_file(&path, &old.to_bytes());
    if let Err(e) = new.save_with(&mut fs, &path) {
        fail(format!(
            "save_with failed on a file system that never fails: {e}"
        ));
    }
    step("power loss; the machine restarts");
    fs.recover(Aftermath::PowerLoss);
    if let Some(found) = found_at(&fs, &path, &[&new]) {
        fail(format!(
            "after the power loss the checkpoint file holds {found}\nexpected: {new:?}\n\
             save returned Ok, so the new checkpoint must be durable: sync() the temporary file \
             before renaming it (renaming unsynced data can leave an empty file after a crash)"
        ));
    }
}

fn version_1_checkpoints_still_load(_: &mut Ctx) {
    let dir = TempDir::new("v1");
    for (source, offset) in [("orders", 5u64), ("café-events", 123_456), ("", 0)] {
        let bytes = v1_bytes(source, offset);
        scenario(format!(
            "a version-1 file written by the previous release: magic \"RITR\", version 1 (u16), \
             offset {offset} (u64), source id length {} (u16), source id {source:?}; all \
             little-endian, no checksum\nbytes: {}",
            source.len(),
            hex(&bytes)
        ));
        step("Checkpoint::from_bytes(bytes)");
        let want = Checkpoint::new(source, offset as usize);
        match Checkpoint::from_bytes(&bytes) {
            Ok(cp) => expect_eq("the version-1 checkpoint", cp, want.clone()),
            Err(e) => fail(format!(
                "a valid version-1 checkpoint was refused: {e:?}\nOld checkpoints must keep loading \
                 after a format change: dispatch on the version field."
            )),
        }
        let path = dir.join("old.ckpt");
        std::fs::write(&path, &bytes).expect("the checker writes the version-1 file");
        step(format!(
            "Checkpoint::load({}) of the same bytes",
            path.display()
        ));
        expect_eq(
            "Checkpoint::load of the version-1 file",
            Checkpoint::load(&path).ok(),
            Some(want),
        );
    }
    step("restore the version-1 checkpoint (\"orders\", 5) into ResumableIter::new(\"orders\", 0..20)");
    let cp = Checkpoint::from_bytes(&v1_bytes("orders", 5)).expect("checked above");
    let mut it = orders(0);
    expect_eq("restore", it.restore(&cp), Ok(()));
    expect_eq("next() after it", it.next(), Some(5));
}

fn current_format_starts_with_magic_and_version_2(_: &mut Ctx) {
    let cp = Checkpoint::new("orders", 7);
    let bytes = cp.to_bytes();
    scenario(format!(
        "Checkpoint::new(\"orders\", 7).to_bytes() = {}",
        hex(&bytes)
    ));
    expect_eq(
        "the first 6 bytes: magic \"RITR\" then the format version 2 as a little-endian u16",
        hex(bytes.get(..6).unwrap_or(&bytes)),
        hex(b"RITR\x02\x00"),
    );
}

fn unknown_format_version_is_refused(_: &mut Ctx) {
    for (version, tail) in [0u16, 3, 99, 0x0100, 0xFFFF]
        .into_iter()
        .flat_map(|v| [(v, 24usize), (v, 0), (v, 1)])
    {
        let mut bytes = b"RITR".to_vec();
        bytes.extend_from_slice(&version.to_le_bytes());
        bytes.extend(std::iter::repeat_n(7u8, tail));
        let ending = match tail {
            0 => "and nothing after it (the file ends right after the version)".to_string(),
            n => format!("then {n} byte(s)"),
        };
        scenario(format!(
            "a file from a future release: magic \"RITR\", version {version}, {ending}\nbytes: {}",
            hex(&bytes)
        ));
        step("Checkpoint::from_bytes(bytes)");
        let got = Checkpoint::from_bytes(&bytes);
        expect(
            matches!(got, Err(LoadError::UnsupportedVersion(v)) if v == version),
            format!(
                "from_bytes of a version-{version} file returned {got:?}\nexpected: \
                 Err(LoadError::UnsupportedVersion({version})) — the version is checked right \
                 after the magic, before reading anything else"
            ),
        );
    }
}

/// Fails the check unless `from_bytes(bytes)` is an error; `context` describes the scenario and
/// `what` how these bytes were made (the report shows only this input, not the thousands before).
#[track_caller]
fn expect_refused(context: &str, bytes: &[u8], what: &str) {
    expect_refused_because(
        context,
        bytes,
        what,
        "give the format a checksum and check every length before reading",
    );
}

/// Like [`expect_refused`], with the advice the failure gives.
#[track_caller]
fn expect_refused_because(context: &str, bytes: &[u8], what: &str, advice: &str) {
    scenario(context);
    step(format!("Checkpoint::from_bytes({}) — {what}", hex(bytes)));
    if let Ok(cp) = Checkpoint::from_bytes(bytes) {
        fail(format!(
            "from_bytes accepted a damaged file ({what}) and returned Ok({cp:?})\nexpected: an \
             Err — damaged bytes must never turn into a checkpoint silently; {advice}"
        ));
    }
}

fn bytes_left_over_after_the_last_field_are_an_error(_: &mut Ctx) {
    let mut files = vec![
        ("a valid version-1 file", v1_bytes("orders", 5)),
        ("a valid version-1 file with an empty id", v1_bytes("", 0)),
    ];
    for cp in [Checkpoint::new("orders", 5), Checkpoint::new("", 0)] {
        files.push(("your to_bytes (version 2)", cp.to_bytes()));
    }
    for (kind, valid) in &files {
        for extra in [&[0x00u8][..], &[0xFF], &[0x00, 0x00, 0x00, 0x00], b"RITR"] {
            let mut bytes = valid.clone();
            bytes.extend_from_slice(extra);
            expect_refused_because(
                &format!(
                    "{kind} of {} bytes ({}), with {} extra byte(s) appended. A file of either \
                     version ends with its last field: bytes left over mean the file is not what \
                     was written (two writes glued together, a wrong length), so it is refused",
                    valid.len(),
                    hex(valid),
                    extra.len()
                ),
                &bytes,
                &format!("{kind} + {}", hex(extra)),
                "after the last field, check that the input has ended",
            );
        }
    }
}

fn a_version_1_source_id_that_is_not_utf8_is_an_error(_: &mut Ctx) {
    let cases: [(&[u8], &str); 4] = [
        (&[0xFF, b'a'], "0xFF is never UTF-8"),
        (b"ord\xC3", "a 2-byte sequence cut after its first byte"),
        (&[0xC0, 0x80], "an overlong encoding of NUL"),
        (&[0xED, 0xA0, 0x80], "a UTF-16 surrogate encoded as UTF-8"),
    ];
    for (id, why) in cases {
        let mut bytes = b"RITR".to_vec();
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&3u64.to_le_bytes());
        bytes.extend_from_slice(&(id.len() as u16).to_le_bytes());
        bytes.extend_from_slice(id);
        expect_refused_because(
            &format!(
                "a version-1 file, complete and with correct lengths, whose source id bytes {} \
                 are not UTF-8 ({why}). A source id is text: decoding it lossily (into U+FFFD) \
                 would make up a name nobody wrote",
                hex(id)
            ),
            &bytes,
            why,
            "decode the source id with std::str::from_utf8 and refuse it when that fails",
        );
    }
}

fn every_truncation_is_an_error(_: &mut Ctx) {
    let mut files = vec![
        ("version 1", v1_bytes("orders", 5)),
        ("version 1", v1_bytes("x", 1 << 40)),
    ];
    for cp in [
        Checkpoint::new("orders", 5),
        Checkpoint::new("", 0),
        Checkpoint::new("a-longer-source-name", 123_456_789),
    ] {
        files.push(("your to_bytes", cp.to_bytes()));
    }
    for (kind, bytes) in &files {
        let context = format!(
            "every prefix (0 to len-1 bytes) of a valid {kind} file of {} bytes: {}",
            bytes.len(),
            hex(bytes)
        );
        for len in 0..bytes.len() {
            expect_refused(
                &context,
                &bytes[..len],
                &format!("the first {len} of {} bytes", bytes.len()),
            );
        }
    }
    let dir = TempDir::new("truncated");
    let path = dir.join("job.ckpt");
    scenario(format!(
        "save a checkpoint to {p}, cut the file to half its length (a torn copy), \
         Checkpoint::load({p})",
        p = path.display()
    ));
    save(&Checkpoint::new("orders", 5), &path);
    let bytes = std::fs::read(&path).expect("the checker reads the saved file");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("the checker truncates the file");
    step(format!(
        "cut to {} of {} bytes; load it",
        bytes.len() / 2,
        bytes.len()
    ));
    let got = Checkpoint::load(&path);
    expect(
        got.is_err(),
        format!("load of a truncated file returned {got:?}\nexpected: an Err"),
    );
}

fn every_single_byte_change_is_an_error(ctx: &mut Ctx) {
    let cp = Checkpoint::new("orders", 1234);
    let bytes = cp.to_bytes();
    let context = format!(
        "change one byte (each byte in turn, to several values) of {cp:?}.to_bytes() = {}\n\
         Every single-byte change must be detected: a flipped bit in the offset would \
         otherwise resume at the wrong item.",
        hex(&bytes)
    );
    for i in 0..bytes.len() {
        let original = bytes[i];
        let mut values = vec![original ^ 0x01, original ^ 0x80];
        values.push(loop {
            let v = ctx.rng().below(256) as u8;
            if v != original {
                break v;
            }
        });
        for value in values {
            let mut damaged = bytes.clone();
            damaged[i] = value;
            expect_refused(
                &context,
                &damaged,
                &format!("byte {i} changed from {original:#04x} to {value:#04x}"),
            );
        }
    }
}

/// Returns `bytes` damaged in 1 to 5 random ways.
fn damage(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..rng.range(1, 5) {
        match rng.below(6) {
            0 if !out.is_empty() => {
                let i = rng.index(out.len());
                out[i] = rng.below(256) as u8;
            }
            1 => {
                let i = rng.index(out.len() + 1);
                out.insert(i, rng.below(256) as u8);
            }
            2 if !out.is_empty() => {
                let i = rng.index(out.len());
                out.remove(i);
            }
            3 => out.truncate(rng.index(out.len() + 1)),
            4 => out.extend((0..rng.range(1, 8)).map(|_| rng.below(256) as u8)),
            _ if !out.is_empty() => {
                // Overwrite a length or offset field with an extreme value.
                let i = rng.index(out.len());
                let extreme = *rng.pick(&[0x00u8, 0x7F, 0x80, 0xFF]);
                for b in out.iter_mut().skip(i).take(8) {
                    *b = extreme;
                }
            }
            _ => out.push(0xFF),
        }
    }
    out
}

fn random_damage_never_panics(ctx: &mut Ctx) {
    let context = "from_bytes on thousands of randomly damaged checkpoint files (bytes changed, \
         inserted, removed, cut off, appended, fields overwritten with 0x00/0x7F/0x80/0xFF) and \
         random garbage: every call must return (Ok or Err), never panic. The step below is the \
         input that was being read.";
    let seeds = [
        Checkpoint::new("orders", 5).to_bytes(),
        Checkpoint::new("", 0).to_bytes(),
        Checkpoint::new("événements", usize::MAX >> 1).to_bytes(),
        v1_bytes("orders", 5),
        v1_bytes("", u64::MAX),
    ];
    for i in 0..3_000 {
        let bytes = if i % 10 == 9 {
            let len = ctx.rng().below(40) as usize;
            let mut junk: Vec<u8> = (0..len).map(|_| ctx.rng().below(256) as u8).collect();
            if ctx.rng().chance(50) {
                let mut header = b"RITR".to_vec();
                header.push(ctx.rng().range(1, 2) as u8);
                header.push(0);
                junk.splice(0..0, header);
            }
            junk
        } else {
            let base = ctx.rng().index(seeds.len());
            damage(ctx.rng(), &seeds[base])
        };
        scenario(context);
        step(format!(
            "input #{i}: Checkpoint::from_bytes({})",
            hex(&bytes)
        ));
        let _ = Checkpoint::from_bytes(&bytes);
    }
}

fn length_fields_claiming_more_than_is_there_are_errors(_: &mut Ctx) {
    // Hand-made headers whose length fields claim far more bytes than the file has.
    let mut huge_v1 = b"RITR".to_vec();
    huge_v1.extend_from_slice(&1u16.to_le_bytes());
    huge_v1.extend_from_slice(&5u64.to_le_bytes());
    huge_v1.extend_from_slice(&u16::MAX.to_le_bytes());
    huge_v1.extend_from_slice(b"ord");
    let mut huge_v2 = b"RITR".to_vec();
    huge_v2.extend_from_slice(&2u16.to_le_bytes());
    huge_v2.extend_from_slice(&5u64.to_le_bytes());
    huge_v2.extend_from_slice(&[0xFF; 8]);
    huge_v2.extend_from_slice(b"ord");
    let context = "files whose length field claims far more bytes than the file holds \
         (version 1 with a source id length of 65535, version 2 with 0xFF… in the length bytes): \
         the loader must notice the file is too short, not read past its end or allocate gigabytes";
    expect_refused(
        context,
        &huge_v1,
        "version 1 claiming a 65535-byte source id, 3 present",
    );
    expect_refused(
        context,
        &huge_v2,
        "version 2 with 0xFF bytes where the length goes",
    );
    for (claimed, present) in [(7u16, 6usize), (6, 5), (256, 6), (1, 0)] {
        let mut bytes = b"RITR".to_vec();
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&5u64.to_le_bytes());
        bytes.extend_from_slice(&claimed.to_le_bytes());
        bytes.extend_from_slice(&b"orders"[..present]);
        expect_refused(
            &format!(
                "a version-1 file whose source id length says {claimed} but only {present} \
                 byte(s) follow: the file is one or more bytes short, so it is an error"
            ),
            &bytes,
            &format!("version 1 claiming {claimed} id bytes, {present} present"),
        );
    }
}

fn missing_file_is_an_error(_: &mut Ctx) {
    let dir = TempDir::new("missing");
    let path = dir.join("never-saved.ckpt");
    scenario(format!(
        "Checkpoint::load({}) of a file that does not exist",
        path.display()
    ));
    step("load");
    let got = Checkpoint::load(&path);
    expect(
        matches!(got, Err(LoadError::Io(_))),
        format!("load of a missing file returned {got:?}\nexpected: Err(LoadError::Io(…)) carrying the NotFound error"),
    );
}

fn save_and_load_take_a_bare_file_name(_: &mut Ctx) {
    let dir = TempDir::new("relative");
    scenario(format!(
        "the current directory is {}; Checkpoint::new(\"orders\", 4).save(\"job.ckpt\") — a bare \
         file name, relative to the current directory — then Checkpoint::load(\"job.ckpt\")\n\
         A bare name's parent is the empty path: the save must treat it as the current \
         directory (\".\") wherever it needs the directory, e.g. to sync it after the rename.",
        dir.path().display()
    ));
    if let Err(e) = std::env::set_current_dir(dir.path()) {
        fail(format!(
            "the checker cannot enter {}: {e}",
            dir.path().display()
        ));
    }
    let cp = Checkpoint::new("orders", 4);
    step("Checkpoint::new(\"orders\", 4).save(\"job.ckpt\")");
    expect_eq(
        "save(\"job.ckpt\") with a relative, bare file name",
        cp.save("job.ckpt").map_err(|e| e.to_string()),
        Ok(()),
    );
    step("Checkpoint::load(\"job.ckpt\")");
    expect_eq(
        "load(\"job.ckpt\")",
        Checkpoint::load("job.ckpt").ok(),
        Some(cp),
    );
    expect_eq(
        "the directory's entries after the save",
        dir.entries(),
        vec!["job.ckpt".to_string()],
    );
}

fn load_errors_say_what_went_wrong(_: &mut Ctx) {
    let dir = TempDir::new("errtext");
    let path = dir.join("never-saved.ckpt");
    scenario(format!(
        "the errors of Checkpoint::load({}) (no such file) and of from_bytes on: \"XXXX\\x02\\x00\", \
         \"RITR\\x09\\x00\" (version 9), the first 5 bytes of a valid file, and a valid file \
         with its last byte changed",
        path.display()
    ));
    step("Checkpoint::load(missing)");
    let mut errors: Vec<(String, LoadError)> = Vec::new();
    match Checkpoint::load(&path) {
        Ok(cp) => fail(format!("load of a missing file returned Ok({cp:?})")),
        Err(e) => {
            let source = std::error::Error::source(&e)
                .and_then(|s| s.downcast_ref::<io::Error>())
                .map(io::Error::kind);
            expect_eq(
                format!(
                    "the kind of the io::Error that {e:?}.source() returns: LoadError::Io carries \
                     the error of the failed read, and source() hands it on"
                ),
                source,
                Some(io::ErrorKind::NotFound),
            );
            errors.push(("load of a missing file".into(), e));
        }
    }
    let valid = Checkpoint::new("orders", 3).to_bytes();
    let mut flipped = valid.clone();
    if let Some(last) = flipped.last_mut() {
        *last ^= 0x55;
    }
    for (what, bytes) in [
        ("bad magic", b"XXXX\x02\x00".to_vec()),
        ("version 9", b"RITR\x09\x00".to_vec()),
        ("cut to 5 bytes", valid[..5].to_vec()),
        ("last byte changed", flipped),
    ] {
        step(format!("Checkpoint::from_bytes({}) — {what}", hex(&bytes)));
        match Checkpoint::from_bytes(&bytes) {
            Ok(cp) => fail(format!(
                "from_bytes of a damaged file ({what}) returned Ok({cp:?})"
            )),
            Err(e) => errors.push((what.into(), e)),
        }
    }
    for (what, e) in &errors {
        let text = e.to_string();
        step(format!("{what}: {e:?} displays as {text:?}"));
        expect(
            !text.trim().is_empty(),
            format!(
                "the error of {what} ({e:?}) displays as an empty string; a LoadError should say \
                 what went wrong"
            ),
        );
    }
}

fn loaded_checkpoint_of_another_source_is_refused_on_restore(_: &mut Ctx) {
    let dir = TempDir::new("mismatch");
    let path = dir.join("job.ckpt");
    scenario(format!(
        "save a checkpoint of source \"users\" at offset 2 to {p}; load it; restore it into \
         ResumableIter::new(\"orders\", 0..20) read 4",
        p = path.display()
    ));
    save(&Checkpoint::new("users", 2), &path);
    let loaded = Checkpoint::load(&path).unwrap_or_else(|e| fail(format!("load failed: {e:?}")));
    let mut it = orders(4);
    step("orders.restore(&loaded)");
    expect_eq(
        "restore of a loaded checkpoint that belongs to \"users\"",
        it.restore(&loaded),
        Err(IterError::SourceMismatch {
            expected: "orders".into(),
            found: "users".into(),
        }),
    );
    expect_eq(
        "next() after the refused restore: unchanged",
        it.next(),
        Some(4),
    );
}

//! Files and folders that hold customer data: created private (files 0600,
//! folders 0700) whatever the umask, and a file written again keeps the
//! mode its owner gave it. Every writer of the database, its lock, the
//! exports, the reports and the scratch copies goes through here.
//!
//! Elsewhere than unix the calls are the plain std ones.

use std::fs::File;
use std::io;
use std::path::Path;

/// The mode of a new file holding customer data.
pub const FILE_MODE: u32 = 0o600;
/// The mode of a new folder made for such files.
pub const DIR_MODE: u32 = 0o700;

/// Opens `path` for writing, truncated; a new file is created 0600 (an
/// existing one keeps its mode).
pub fn create(path: &Path) -> io::Result<File> {
    let mut o = File::options();
    o.write(true).create(true).truncate(true);
    private(&mut o);
    o.open(path)
}

/// Creates `path` empty and 0600 if it is not there (for SQLite to open:
/// it gives its -wal, -shm and -journal files the database file's mode).
/// An existing file is left as it is.
pub fn touch(path: &Path) -> io::Result<()> {
    let mut o = File::options();
    o.write(true).create_new(true);
    private(&mut o);
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Sets the options to create a file 0600 (unix; the umask can only take
/// bits away from 0600).
pub fn private(o: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    o
}

/// `create_dir_all`, each folder it makes 0700.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(DIR_MODE);
    }
    b.create(dir)
}

/// The mode a file written in place of `path` should get: the mode `path`
/// has, or 0600 when it is not there. `None` where modes are not unix's.
pub fn mode_for(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::metadata(path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(FILE_MODE))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Gives `path` this mode (from [`mode_for`]); nothing when `None`.
pub fn set_mode(path: &Path, mode: Option<u32>) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(m) = mode {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(m))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rusqlite::Connection;

/// The bundled samples, as [`Workdir::sample_project`] copies them.
const SAMPLES: [&str; 4] = ["sakura_ledger.xlsx", "sakura_pos.csv", "sakura_web.csv", "sakura_cards.txt"];

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A fresh directory to run `karte` in; removed when dropped.
pub struct Workdir {
    pub dir: tempfile::TempDir,
}

/// What one run of `karte` did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "karte failed:\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
    #[track_caller]
    pub fn fails(&self) -> &Self {
        assert_eq!(self.code, 1, "expected exit 1:\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        assert!(!self.stderr.contains("panicked"), "karte panicked:\n{}", self.stderr);
        self
    }
    #[track_caller]
    pub fn stderr_has(&self, s: &str) -> &Self {
        assert!(self.stderr.contains(s), "stderr lacks {s:?}:\n{}", self.stderr);
        self
    }
    #[track_caller]
    pub fn stdout_has(&self, s: &str) -> &Self {
        assert!(self.stdout.contains(s), "stdout lacks {s:?}:\n{}", self.stdout);
        self
    }
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

pub fn reader(name: &str) -> PathBuf {
    fixture(&format!("readers/{name}"))
}

pub fn mapping(name: &str) -> PathBuf {
    fixture(&format!("mappings/{name}.toml"))
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn db(&self) -> PathBuf {
        self.path("karte.db")
    }

    /// Runs `karte` with these arguments in the work directory.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let out: Output = Command::new(env!("CARGO_BIN_EXE_karte")).args(args).current_dir(self.dir.path()).output().expect("run karte");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `karte import --db karte.db --mapping M FILE...`
    pub fn import(&self, mapping_name: &str, files: &[PathBuf], extra: &[&str]) -> Run {
        let mut args: Vec<std::ffi::OsString> =
            vec!["import".into(), "--db".into(), self.db().into(), "--mapping".into(), mapping(mapping_name).into()];
        args.extend(extra.iter().map(|s| s.into()));
        args.extend(files.iter().map(|f| f.clone().into_os_string()));
        self.run(args)
    }

    /// `karte import --db karte.db --mapping PATH FILE [extra...]`, for a
    /// mapping written by the test itself.
    /// The bundled samples in data/ and a project over them with the bundled
    /// mappings: the database at `database`, the review report in review/,
    /// an xlsx and a CSV export in out/.
    pub fn sample_project(&self, database: &str) {
        self.sample_project_in("", database)
    }

    /// [`Workdir::sample_project`] in the folder `sub` of the work directory.
    pub fn sample_project_in(&self, sub: &str, database: &str) {
        let at = |rel: &str| self.path(sub).join(rel);
        std::fs::create_dir_all(at("data")).unwrap();
        for f in SAMPLES {
            std::fs::copy(repo("samples").join(f), at("data").join(f)).unwrap();
        }
        let mappings = repo("mappings");
        let m = |n: &str| mappings.join(format!("{n}.toml")).display().to_string().replace('\\', "/");
        let toml = format!(
            r#"database = "{database}"

[[source]]
files = ["data/sakura_ledger*.xlsx"]
mapping = "{}"

[[source]]
files = ["data/sakura_pos*.csv"]
mapping = "{}"

[[source]]
files = ["data/sakura_web*.csv"]
mapping = "{}"

[[source]]
files = ["data/sakura_cards*.txt"]
mapping = "{}"

[dedup]
review = "review/review.xlsx"

[[export]]
path = "out/karte.xlsx"

[[export]]
path = "out/crm.csv"
encoding = "utf-8"
"#,
            m("sakura_ledger"),
            m("sakura_pos"),
            m("sakura_web"),
            m("sakura_cards"),
            database = database
        );
        std::fs::write(at("karte.toml"), toml).unwrap();
    }

    pub fn import_with(&self, mapping: &Path, file: &Path, extra: &[&str]) -> Run {
        let mut args: Vec<std::ffi::OsString> =
            vec!["import".into(), "--db".into(), self.db().into(), "--mapping".into(), mapping.into(), file.into()];
        args.extend(extra.iter().map(|s| s.into()));
        self.run(args)
    }

    pub fn conn(&self) -> Connection {
        Connection::open(self.db()).expect("open db")
    }

    /// One column of a query, as strings.
    pub fn strings(&self, sql: &str) -> Vec<String> {
        let c = self.conn();
        let mut st = c.prepare(sql).expect("prepare");
        st.query_map([], |r| {
            let v: rusqlite::types::Value = r.get(0)?;
            Ok(match v {
                rusqlite::types::Value::Null => "NULL".to_string(),
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Real(f) => f.to_string(),
                rusqlite::types::Value::Text(t) => t,
                rusqlite::types::Value::Blob(_) => "<blob>".to_string(),
            })
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).expect("count")
    }
}

#[cfg(unix)]
impl Workdir {
    /// Runs `karte` with these arguments under this umask (and, when given,
    /// `KARTE_CRASH_AT`), in the work directory.
    pub fn run_umask(&self, umask: u32, crash_at: Option<&str>, args: &[&str]) -> Run {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_karte"));
        cmd.args(args).current_dir(self.dir.path());
        if let Some(p) = crash_at {
            cmd.env("KARTE_CRASH_AT", p);
        }
        // SAFETY: umask is async-signal-safe and touches nothing else.
        unsafe {
            cmd.pre_exec(move || {
                libc::umask(umask as libc::mode_t);
                Ok(())
            });
        }
        let out: Output = cmd.output().expect("run karte");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

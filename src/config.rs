//! Settings, from command-line flags and the environment (flags win).

use std::path::PathBuf;

/// Where the data lives; shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// Directory for the SQLite file and uploaded attachments.
    #[arg(long, env = "CHIDAO_DATA_DIR", default_value = "./chidao-data")]
    pub data_dir: PathBuf,
    /// `postgres://...` or a SQLite path / `sqlite://` URL. Default: `<data-dir>/chidao.sqlite3`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    pub fn url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                self.data_dir.join("chidao.sqlite3").display()
            )
        })
    }
}

/// Settings of a running server.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "CHIDAO_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Seed demo accounts, directives and tasks (idempotent) and print how to log in.
    #[arg(long)]
    pub demo: bool,
    /// Store attachments in the database instead of the data directory, so that several
    /// instances sharing one PostgreSQL database all serve them.
    #[arg(long, env = "CHIDAO_ATTACHMENTS_IN_DB")]
    pub attachments_in_db: bool,
    /// Largest accepted attachment, in bytes.
    #[arg(long, env = "CHIDAO_MAX_UPLOAD_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_upload_bytes: usize,
    /// A session ends after this many minutes without a request.
    #[arg(long, env = "CHIDAO_SESSION_IDLE_MINUTES", default_value_t = 120)]
    pub session_idle_minutes: i64,
    /// A session ends this many hours after login, however active.
    #[arg(long, env = "CHIDAO_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,
    /// Failed logins allowed per account within the window before 429.
    #[arg(long, env = "CHIDAO_LOGIN_MAX_PER_ACCOUNT", default_value_t = 5)]
    pub login_max_per_account: i64,
    /// Failed logins allowed per client address within the window before 429.
    #[arg(long, env = "CHIDAO_LOGIN_MAX_PER_ADDRESS", default_value_t = 20)]
    pub login_max_per_address: i64,
    /// The window for counting failed logins, in minutes.
    #[arg(long, env = "CHIDAO_LOGIN_WINDOW_MINUTES", default_value_t = 15)]
    pub login_window_minutes: i64,
    /// Database connections per instance.
    #[arg(long, env = "CHIDAO_POOL_SIZE", default_value_t = 16)]
    pub pool_size: u32,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "CHIDAO_WORKERS")]
    pub workers: Option<usize>,
    /// Trust X-Forwarded-For / X-Forwarded-Proto from a load balancer in front.
    #[arg(long, env = "CHIDAO_BEHIND_PROXY")]
    pub behind_proxy: bool,
}

/// What request handlers need to know; cloned into the app state.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub attachments_in_db: bool,
    pub max_upload_bytes: usize,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub login_max_per_account: i64,
    pub login_max_per_address: i64,
    pub login_window_minutes: i64,
    pub behind_proxy: bool,
}

impl Settings {
    pub fn from_args(db: &DbArgs, serve: &ServeArgs) -> Self {
        Settings {
            data_dir: db.data_dir.clone(),
            attachments_in_db: serve.attachments_in_db,
            max_upload_bytes: serve.max_upload_bytes,
            session_idle_minutes: serve.session_idle_minutes,
            session_max_hours: serve.session_max_hours,
            login_max_per_account: serve.login_max_per_account,
            login_max_per_address: serve.login_max_per_address,
            login_window_minutes: serve.login_window_minutes,
            behind_proxy: serve.behind_proxy,
        }
    }

    pub fn attachments_dir(&self) -> PathBuf {
        self.data_dir.join("attachments")
    }
}

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
    /// Behind a proxy: how many proxies of ours add themselves to X-Forwarded-For. The
    /// client's address is the one the outermost of them saw (that many entries from the
    /// right); what the client itself wrote further left is not believed.
    #[arg(long, env = "CHIDAO_PROXY_HOPS", default_value_t = 1)]
    pub proxy_hops: usize,
    /// Administrators, leaders and the secretariat must set up and use two-factor login
    /// (an authenticator app's codes, RFC 6238) before anything else.
    #[arg(long, env = "CHIDAO_REQUIRE_TWO_FACTOR")]
    pub require_two_factor: bool,
    /// Single sign-on: the OpenID Connect provider's issuer URL (its discovery document is at
    /// <issuer>/.well-known/openid-configuration). Without it, passwords only.
    #[arg(long, env = "CHIDAO_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// This service's client id at the provider.
    #[arg(long, env = "CHIDAO_OIDC_CLIENT_ID", default_value = "")]
    pub oidc_client_id: String,
    /// This service's client secret at the provider.
    #[arg(long, env = "CHIDAO_OIDC_CLIENT_SECRET", default_value = "")]
    pub oidc_client_secret: String,
    /// Make an account (with no rights until an administrator gives a role and unit) for a
    /// verified address of this domain that has none. Off unless given.
    #[arg(long, env = "CHIDAO_OIDC_CREATE_DOMAIN")]
    pub oidc_create_domain: Option<String>,
    /// `admins`: only administrators log in with a password; everyone else through single
    /// sign-on.
    #[arg(long, env = "CHIDAO_PASSWORD_LOGIN", default_value = "all")]
    pub password_login: String,
}

/// Single sign-on's settings, checked.
#[derive(Debug, Clone)]
pub struct Oidc {
    /// Without a trailing slash.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Lower case, without "@".
    pub create_domain: Option<String>,
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
    pub proxy_hops: usize,
    /// Administrators, leaders and the secretariat must log in with a second factor.
    pub require_two_factor: bool,
    pub oidc: Option<Oidc>,
    /// Only administrators log in with a password (single sign-on for everyone else).
    pub password_admins_only: bool,
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
            proxy_hops: serve.proxy_hops,
            require_two_factor: serve.require_two_factor,
            oidc: serve.oidc_issuer.as_ref().map(|issuer| Oidc {
                issuer: issuer.trim_end_matches('/').to_string(),
                client_id: serve.oidc_client_id.clone(),
                client_secret: serve.oidc_client_secret.clone(),
                create_domain: serve
                    .oidc_create_domain
                    .as_ref()
                    .map(|d| d.trim().trim_start_matches('@').to_lowercase()),
            }),
            password_admins_only: serve.password_login == "admins",
        }
    }

    pub fn attachments_dir(&self) -> PathBuf {
        self.data_dir.join("attachments")
    }
}

/// How mail goes out and when reminders are due; shared by `serve` and `remind`.
#[derive(Debug, Clone, clap::Args)]
pub struct MailArgs {
    /// SMTP server in lettre's URL form: `smtp://user:pass@host:587?tls=required`,
    /// `smtps://host`, `smtp://127.0.0.1:2525`. Without it, messages are written as .eml files
    /// under `<data-dir>/mail`.
    #[arg(long, env = "CHIDAO_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender: `Chỉ đạo <no-reply@bo.gov.vn>` or a bare address.
    #[arg(
        long,
        env = "CHIDAO_MAIL_FROM",
        default_value = "Chỉ đạo <no-reply@chidao.local>"
    )]
    pub mail_from: String,
    /// Seconds to wait for the SMTP server at each step before giving up (and retrying later).
    #[arg(long, env = "CHIDAO_SMTP_TIMEOUT_SECONDS", default_value_t = 20)]
    pub smtp_timeout_seconds: u64,
    /// The address people open the service at, for links in mail. Default: http://<bind>.
    #[arg(long, env = "CHIDAO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Days before the due date on which reminders go out (0 = the due day).
    #[arg(long, env = "CHIDAO_REMIND_BEFORE", default_value = "7,3,1,0")]
    pub remind_before: String,
    /// While a task is overdue, remind every this many days (0 = never).
    #[arg(long, env = "CHIDAO_REMIND_OVERDUE_EVERY", default_value_t = 7)]
    pub remind_overdue_every: u32,
    /// Count reminder offsets in working days, and send reminders only on working days.
    #[arg(long, env = "CHIDAO_REMIND_WORKING_DAYS")]
    pub remind_working_days: bool,
    /// The hour (Vietnam time, 0-23) from which the day's reminders and digests are queued.
    #[arg(long, env = "CHIDAO_REMIND_HOUR", default_value_t = 7)]
    pub remind_hour: u32,
}

/// Mail settings, checked.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub smtp_url: Option<String>,
    pub from: String,
    pub timeout: std::time::Duration,
    /// Without a trailing slash.
    pub public_url: String,
    pub schedule: crate::domain::reminders::Schedule,
    pub remind_hour: u32,
}

impl MailArgs {
    pub fn settings(&self, bind: &str) -> anyhow::Result<MailSettings> {
        let before = crate::domain::reminders::Schedule::parse_before(&self.remind_before)
            .map_err(|e| anyhow::anyhow!("--remind-before: {e}"))?;
        if self.remind_hour > 23 {
            anyhow::bail!("--remind-hour must be 0-23");
        }
        self.mail_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| anyhow::anyhow!("--mail-from {:?}: {e}", self.mail_from))?;
        let public_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bind}"));
        Ok(MailSettings {
            smtp_url: self.smtp_url.clone().filter(|s| !s.is_empty()),
            from: self.mail_from.clone(),
            timeout: std::time::Duration::from_secs(self.smtp_timeout_seconds.max(1)),
            public_url: public_url.trim_end_matches('/').to_string(),
            schedule: crate::domain::reminders::Schedule {
                before,
                overdue_every: self.remind_overdue_every,
                working_days: self.remind_working_days,
            },
            remind_hour: self.remind_hour,
        })
    }
}

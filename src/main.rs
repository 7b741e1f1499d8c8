//! The `chidao` command: serve, migrate, user, token, demo.

use std::io::Read;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};

mod demo;

use chidao::config::{DbArgs, MailArgs, ServeArgs, Settings};
use chidao::db;
use chidao::jobs::scheduler::{self, Mailing};
use chidao::models::{api_token, unit, user};

#[derive(Parser)]
#[command(
    name = "chidao",
    version,
    about = "Chỉ đạo: tasks from conference conclusions, tracked to their deadlines"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service (migrates and loads the unit directory first).
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        serve: ServeArgs,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Queue the day's reminders and deliver the outbox: once (for cron and tests) or as a loop.
    Remind {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        mail: MailArgs,
        /// One pass, then exit (default: keep running like the loop inside `serve`).
        #[arg(long)]
        once: bool,
        /// The day to act as (YYYY-MM-DD, Vietnam time; default today).
        #[arg(long)]
        now: Option<String>,
        /// With --once: queue the day's messages but leave delivery to the running instances.
        #[arg(long, requires = "once")]
        queue_only: bool,
        /// With --once: deliver at most about this many messages, then exit.
        #[arg(long, requires = "once")]
        max_send: Option<usize>,
    },
    /// Copy the running SQLite installation (database and attachments) into DIR, consistently,
    /// while the service goes on.
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// A new or empty directory.
        dir: std::path::PathBuf,
    },
    /// Bring a backup made by `backup` back into --data-dir, which must not hold a database.
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup's directory.
        dir: std::path::PathBuf,
    },
    /// Run pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage people.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Personal API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Draft the items of a conclusion notice (or news report) in FILE.
    Extract {
        /// A .txt file (UTF-8).
        file: std::path::PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// The issue date, when the text does not say it (YYYY-MM-DD).
        #[arg(long)]
        issued_on: Option<String>,
        /// Read the unit directory and calendar from this database instead of the built-in ones.
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
    /// The working calendar, for scripts: `add DATE N`, `check DATE`.
    Workdays {
        #[command(subcommand)]
        command: WorkdaysCommand,
    },
    /// Demo data: `--synthetic --tasks N` fills the database with N realistic tasks.
    Demo {
        #[command(flatten)]
        db: DbArgs,
        /// Generate synthetic volume data instead of the small demo set.
        #[arg(long)]
        synthetic: bool,
        /// How many tasks to generate (with --synthetic).
        #[arg(long, default_value_t = 10_000)]
        tasks: u64,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a person; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, secretariat, leader, unit_head or unit_staff
        #[arg(long)]
        role: String,
        /// The unit's name, short name or any alias (unit roles only).
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum WorkdaysCommand {
    /// Print the date N working days after DATE (before it for negative N).
    #[command(allow_negative_numbers = true)]
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// YYYY-MM-DD
        date: String,
        n: i64,
    },
    /// Say whether DATE is a working day, and why.
    Check {
        #[command(flatten)]
        db: DbArgs,
        /// YYYY-MM-DD
        date: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for a person and print it (shown only once).
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        /// Days it works for (at most 366).
        #[arg(long, default_value_t = api_token::TOKEN_DAYS)]
        days: i64,
        /// What it is for, as its owner will see it listed.
        #[arg(long, default_value = "")]
        name: String,
        /// Let it write (report, comment, publish, decide) as well as read.
        #[arg(long)]
        write: bool,
    },
    /// List a person's working tokens: number, made, last used, expires.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
    },
    /// End one of a person's tokens at once.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        /// The token's number, as `token list` shows it.
        #[arg(long)]
        id: i64,
    },
}

/// The data directory, for the service's user only: it holds the database, attachments and
/// mail waiting to go (password-reset links among it), whatever modes those files get.
fn private_data_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("protecting {}", dir.display()))
}

fn connect(db: &DbArgs) -> anyhow::Result<db::DbConn> {
    let url = db.url();
    private_data_dir(&db.data_dir)?;
    let mut conn = db::establish(&url).with_context(|| "connecting to the database")?;
    chidao::models::prepare(&mut conn, chrono::Utc::now().naive_utc())?;
    Ok(conn)
}

fn print_manifest(what: &str, dir: &std::path::Path, m: &chidao::backup::Manifest) {
    println!("{what} {}", dir.display());
    for (table, n) in &m.rows {
        println!("  {table}: {n}");
    }
    println!("  attachment files: {}", m.files);
}

/// Keeps the server's memory flat under load: glibc's allocator gives each thread that
/// allocates at once an arena of its own (up to eight per core), each keeping what it freed, and
/// serves a large buffer (an export) from the heap once one of that size was freed, where it
/// stays. Two arenas, and buffers over 256 KB mapped and given back when freed, hold a server at
/// a million tasks near 125 MB where it reached 250 MB (benches/load.sh), at the same speed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn bound_allocator() {
    // SAFETY: mallopt only sets allocator parameters; called first thing in main, before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1024 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn bound_allocator() {}

fn main() -> anyhow::Result<()> {
    bound_allocator();
    db::set_up_sqlite();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve { db, serve, mail } => run_server(db, serve, mail),
        Command::Remind {
            db,
            mail,
            once,
            now,
            queue_only,
            max_send,
        } => remind(db, mail, once, now, queue_only, max_send),
        Command::Migrate { db } => {
            connect(&db)?;
            println!("migrations up to date");
            Ok(())
        }
        Command::Backup { db, dir } => {
            let mut conn = connect(&db)?;
            let manifest = chidao::backup::backup(&mut conn, &db.data_dir, &dir)?;
            print_manifest("backed up to", &dir, &manifest);
            Ok(())
        }
        Command::Restore { db, dir } => {
            if db::kind_of(&db.url()) != db::Kind::Sqlite {
                anyhow::bail!("restore brings back a SQLite backup; PostgreSQL: see the README");
            }
            let target = std::path::PathBuf::from(db::sqlite_path(&db.url()));
            let manifest = chidao::backup::restore(&dir, &target, &db.data_dir)?;
            print_manifest("restored into", &db.data_dir, &manifest);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    email,
                    name,
                    role,
                    unit,
                    password_stdin,
                },
        } => {
            if !password_stdin {
                bail!("pass the password on standard input with --password-stdin");
            }
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let mut conn = connect(&db)?;
            let unit_id = match &unit {
                Some(name) => Some(
                    unit::find_by_name(&mut conn, name)?
                        .with_context(|| format!("no unit is called {name:?}"))?
                        .id,
                ),
                None => None,
            };
            let form = user::UserForm {
                email,
                name,
                role,
                unit_id,
                password,
                active: true,
                lang: "vi".into(),
            };
            let errors = form.validate(true);
            if !errors.is_empty() {
                bail!(
                    "invalid: {}",
                    errors
                        .iter()
                        .map(|(f, k)| format!("{f} ({k})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if user::email_taken(&mut conn, &form.email, None)? {
                bail!("{} already has an account", form.email);
            }
            let id = user::create(&mut conn, &form, chrono::Utc::now().naive_utc())?;
            println!("user {id} created: {}", form.email);
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    db,
                    email,
                    days,
                    name,
                    write,
                },
        } => {
            let mut conn = connect(&db)?;
            let (u, _) =
                user::by_email(&mut conn, &email)?.with_context(|| format!("no user {email}"))?;
            let new = api_token::NewToken {
                name: &name,
                days,
                can_write: write,
            };
            let at = chrono::Utc::now().naive_utc();
            println!("{}", api_token::create(&mut conn, u.id, &new, at)?);
            Ok(())
        }
        Command::Token {
            command: TokenCommand::List { db, email },
        } => {
            let mut conn = connect(&db)?;
            let (u, _) =
                user::by_email(&mut conn, &email)?.with_context(|| format!("no user {email}"))?;
            let day = |t: Option<chrono::NaiveDateTime>| {
                t.map(|t| t.format("%d/%m/%Y %H:%M UTC").to_string())
                    .unwrap_or_else(|| "-".into())
            };
            for t in api_token::of_user(&mut conn, u.id, chrono::Utc::now().naive_utc())? {
                println!(
                    "{}\t{}\t{}\tmade {}\tlast used {}\texpires {}",
                    t.id,
                    t.name,
                    if t.can_write {
                        "read-write"
                    } else {
                        "read-only"
                    },
                    day(Some(t.created_at)),
                    day(t.last_used_at),
                    day(t.expires_at)
                );
            }
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Revoke { db, email, id },
        } => {
            let mut conn = connect(&db)?;
            let (u, _) =
                user::by_email(&mut conn, &email)?.with_context(|| format!("no user {email}"))?;
            if !api_token::revoke(&mut conn, u.id, id)? {
                anyhow::bail!("{email} has no token {id}");
            }
            println!("token {id} ended");
            Ok(())
        }
        Command::Workdays { command } => workdays(command),
        Command::Extract {
            file,
            json,
            issued_on,
            database_url,
        } => extract(&file, json, issued_on.as_deref(), database_url),
        Command::Demo {
            db,
            synthetic,
            tasks,
        } => {
            let mut conn = connect(&db)?;
            if synthetic {
                let (made, directives) = demo::synthetic(&mut conn, tasks)?;
                println!("{made} tasks in {directives} directives");
            } else {
                print_accounts(&demo::seed(&mut conn)?, None);
            }
            Ok(())
        }
    }
}

fn extract(
    file: &std::path::Path,
    json: bool,
    issued_on: Option<&str>,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", file.display()))?;
    let issued = issued_on.map(parse_day).transpose()?;
    let (directory, calendar) = match database_url {
        Some(url) => {
            let mut conn = db::establish(&url).with_context(|| "connecting to the database")?;
            chidao::models::prepare(&mut conn, chrono::Utc::now().naive_utc())?;
            (
                chidao::models::extraction::directory(&mut conn)?,
                chidao::models::calendar::load(&mut conn)?,
            )
        }
        None => (
            chidao::extract::units::Directory::builtin(),
            chidao::domain::calendar::Calendar::shipped(),
        ),
    };
    let draft = chidao::extract::extract(&text, issued, &directory, &calendar);
    if json {
        println!("{}", serde_json::to_string_pretty(&draft)?);
        return Ok(());
    }
    println!(
        "{} {} {}",
        draft.number.as_deref().unwrap_or("-"),
        draft.issued_on.map(|d| d.to_string()).unwrap_or_default(),
        draft.title.as_deref().unwrap_or("")
    );
    for w in &draft.warnings {
        println!("! {w}");
    }
    for i in &draft.items {
        let text: String = i.text.chars().take(70).collect();
        println!("{:>5}  {text}", i.label);
        println!("       lead: {}", i.lead_units.join("; "));
        if !i.coordinating_units.is_empty() {
            println!("       with: {}", i.coordinating_units.join("; "));
        }
        if !i.unresolved_units.is_empty() {
            println!("       unknown: {}", i.unresolved_units.join("; "));
        }
        println!(
            "       due: {} {} {}",
            i.deadline.map(|d| d.to_string()).unwrap_or("-".into()),
            i.deadline_text.as_deref().unwrap_or(""),
            i.recurrence.map(|r| r.as_str()).unwrap_or("")
        );
    }
    Ok(())
}

fn parse_day(s: &str) -> anyhow::Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .with_context(|| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

fn workdays(command: WorkdaysCommand) -> anyhow::Result<()> {
    use chidao::domain::calendar::Why;
    use chrono::Datelike;
    let (db, date) = match &command {
        WorkdaysCommand::Add { db, date, .. } | WorkdaysCommand::Check { db, date } => {
            (db, parse_day(date)?)
        }
    };
    let calendar = chidao::models::calendar::load(&mut connect(db)?)?;
    match command {
        WorkdaysCommand::Add { n, .. } => {
            let to = calendar.add_working_days(date, n);
            let (a, b) = (date.year().min(to.year()), date.year().max(to.year()));
            for year in (a..=b).filter(|y| !calendar.has_official(*y)) {
                eprintln!("note: no official schedule for {year}: the statutory rule was used");
            }
            println!("{to}");
        }
        WorkdaysCommand::Check { .. } => {
            let info = calendar.day(date);
            let why = match &info.why {
                Why::Weekday => "weekday".to_string(),
                Why::MakeUpDay(name) => format!("make-up working Saturday: {name}"),
                Why::Weekend => "weekend".to_string(),
                Why::Holiday(name) => format!("holiday: {name}"),
            };
            let source = if info.official {
                format!("official schedule {}", date.year())
            } else {
                format!("statutory rule: no official schedule for {}", date.year())
            };
            let verdict = if info.working { "working" } else { "off" };
            println!("{date} {} {verdict} ({why}; {source})", date.format("%A"));
        }
    }
    Ok(())
}

fn print_accounts(accounts: &[(String, String, &'static str)], url: Option<&str>) {
    if let Some(url) = url {
        println!("\nChỉ đạo is running: {url}/login\n");
    }
    println!("Demo accounts (password for all: {}):", demo::PASSWORD);
    for (email, name, role) in accounts {
        println!("  {role:<12} {email:<32} {name}");
    }
    println!();
}

fn remind(
    db: DbArgs,
    mail: MailArgs,
    once: bool,
    now: Option<String>,
    queue_only: bool,
    max_send: Option<usize>,
) -> anyhow::Result<()> {
    let day = match now {
        Some(s) => chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .with_context(|| format!("--now {s:?}: expected YYYY-MM-DD"))?,
        None => chidao::domain::dates::today_in_vietnam(chrono::Utc::now()),
    };
    let mailing = Mailing::new(mail.settings("127.0.0.1:8080")?, &db.data_dir)?;
    tracing::info!(mail = %mailing.mailer.describe(), "mail");
    if !once {
        let pool = db::pool(&db.url(), 2)?;
        drop(connect(&db)?);
        scheduler::spawn(pool, std::sync::Arc::new(mailing)).wait();
        return Ok(());
    }
    let mut conn = connect(&db)?;
    if queue_only {
        let started = std::time::Instant::now();
        let q = mailing.queue(&mut conn, day)?;
        println!(
            "{day}: made {} tasks of recurring items' periods; queued {} reminders, {} digests, {} escalations and {} weekly summaries in {:.2} s",
            q.periods,
            q.reminders,
            q.digests,
            q.escalations,
            q.summaries,
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    let started = std::time::Instant::now();
    let (q, t) = match max_send {
        Some(max) => (
            mailing.queue(&mut conn, day)?,
            mailing.deliver_up_to(&mut conn, day, max)?,
        ),
        None => mailing.once(&mut conn, day)?,
    };
    println!(
        "{day}: made {} tasks of recurring items' periods; queued {} reminders, {} digests, {} escalations and {} weekly summaries; sent {}, to retry {}, failed {}, skipped {} in {:.2} s",
        q.periods,
        q.reminders,
        q.digests,
        q.escalations,
        q.summaries,
        t.sent,
        t.retried,
        t.failed,
        t.skipped,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn run_server(db: DbArgs, serve: ServeArgs, mail: MailArgs) -> anyhow::Result<()> {
    let url = db.url();
    let mut conn = connect(&db)?;
    let accounts = if serve.demo {
        Some(demo::seed(&mut conn)?)
    } else {
        None
    };
    drop(conn);
    let pool = db::pool(&url, serve.pool_size)?;
    let settings = Settings::from_args(&db, &serve);
    let mailing = Mailing::new(mail.settings(&serve.bind)?, &db.data_dir)?;
    tracing::info!(mail = %mailing.mailer.describe(), public_url = %mailing.ctx.public_url, "mail");
    let mail_loop = scheduler::spawn(pool.clone(), std::sync::Arc::new(mailing));
    std::fs::create_dir_all(settings.attachments_dir()).ok();
    let listener = std::net::TcpListener::bind(&serve.bind)
        .with_context(|| format!("binding {}", serve.bind))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = %redact(&url), attachments_in_db = settings.attachments_in_db, "listening");
    if let Some(accounts) = &accounts {
        print_accounts(accounts, Some(&format!("http://{addr}")));
    }
    let state = chidao::web::state(pool, settings);
    let served = actix_web::rt::System::new()
        .block_on(async move { chidao::web::server(state, listener, serve.workers)?.await });
    // The server has stopped (a signal, or an error): the mail loop finishes its pass and ends.
    tracing::info!("stopping the mail loop");
    mail_loop.stop();
    served?;
    Ok(())
}

/// A database URL for the log, without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

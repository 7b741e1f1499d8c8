//! Webhooks to a receiver on loopback: signed deliveries of each event, retried until the
//! receiver recovers and then delivered once, kept across a worker that died, sent again on
//! the administrator's word.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use chidao::domain::dates::Moment;
use chidao::domain::permissions::{Act, Actor, Role};
use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::fixtures::publish;
use crate::support::{each_backend, TestApp};

/// One request as the receiver read it.
#[derive(Debug, Clone)]
struct Got {
    headers: Vec<(String, String)>,
    body: String,
    /// What the receiver answered.
    status: u16,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// An HTTP receiver on loopback: answers each POST with the next scripted status (200 when
/// the script is spent) and keeps what it got.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
    script: Arc<Mutex<Vec<u16>>>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks/chidao", listener.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Mutex<Vec<u16>>> = Arc::new(Mutex::new(Vec::new()));
        let (g, sc) = (got.clone(), script.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut headers = Vec::new();
                let mut length = 0usize;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.trim_end().split_once(':') {
                        if k.eq_ignore_ascii_case("content-length") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                        headers.push((k.to_string(), v.trim().to_string()));
                    }
                }
                let mut body = vec![0u8; length];
                let _ = reader.read_exact(&mut body);
                let status = {
                    let mut s = sc.lock().unwrap();
                    if s.is_empty() {
                        200
                    } else {
                        s.remove(0)
                    }
                };
                g.lock().unwrap().push(Got {
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                    status,
                });
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Receiver { url, got, script }
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    fn fail_next(&self, statuses: &[u16]) {
        self.script.lock().unwrap().extend_from_slice(statuses);
    }
}

fn deliver_at(app: &TestApp, at: chrono::NaiveDateTime) -> chidao::jobs::webhooks::Delivered {
    chidao::jobs::webhooks::deliver(&mut app.conn(), at).unwrap()
}

fn signed_right(secret: &str, g: &Got) -> bool {
    let sig = g.header("X-Chidao-Signature");
    let Some((t, v1)) = sig.strip_prefix("t=").and_then(|s| s.split_once(",v1=")) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", g.body).as_bytes());
    mac.verify_slice(&hex_bytes(v1)).is_ok()
}

fn hex_bytes(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect()
}

fn secretariat(app: &TestApp) -> Actor {
    let email = app.add_user(Role::Secretariat, None);
    chidao::models::user::by_email(&mut app.conn(), &email)
        .unwrap()
        .unwrap()
        .0
        .actor()
}

#[test]
fn endpoints_hear_of_events_signed_retried_and_once() {
    each_backend(|app| {
        let rx = Receiver::start();
        let mut admin = app.login_as(Role::Admin, None);
        // Only an administrator sets endpoints up; a bad address is explained and kept.
        let mut leader = app.login_as(Role::Leader, None);
        assert_eq!(leader.get("/admin/webhooks").status, 403);
        let r = admin.post(
            "/admin/webhooks",
            &[("url", "ftp://hệ thống"), ("events", "task.chased")],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("https://"), "{}", r.body);
        assert!(r.body.contains("value=\"ftp://hệ thống\""));
        assert_eq!(app.count("webhooks"), 0);
        let r = admin.post(
            "/admin/webhooks",
            &[
                ("url", &rx.url),
                ("events", "task.assigned"),
                ("events", "task.status_changed"),
                ("events", "task.chased"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let page_url = r.location().to_string();
        let page = admin.get(&page_url);
        let secret = page
            .body
            .split("id=\"webhook-secret\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        assert_eq!(secret.len(), 64);

        // Publishing assigns three tasks: one delivery, signed, naming them.
        let p = publish(app);
        let now = Utc::now().naive_utc();
        let done = deliver_at(app, now);
        assert_eq!(done.delivered, 1);
        let got = rx.got();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].header("X-Chidao-Event"), "task.assigned");
        assert!(signed_right(&secret, &got[0]), "{:?}", got[0]);
        assert!(!signed_right("another secret", &got[0]));
        let body: serde_json::Value = serde_json::from_str(&got[0].body).unwrap();
        assert_eq!(body["event"], "task.assigned");
        let ids: Vec<i64> = body["data"]["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 3);
        assert!(ids.contains(&p.langson.0));
        assert_eq!(deliver_at(app, now), Default::default(), "nothing twice");

        // A receiver that fails twice and then recovers gets the chase once, by the same id.
        rx.fail_next(&[500, 503]);
        let sec = secretariat(app);
        chidao::app::chases::chase(
            &mut app.conn(),
            Act::now(sec),
            p.langson,
            "Đề nghị khẩn trương",
        )
        .unwrap();
        let now = Utc::now().naive_utc();
        assert_eq!(deliver_at(app, now).retried, 1);
        // Not due again before its backoff.
        assert_eq!(deliver_at(app, now), Default::default());
        assert_eq!(deliver_at(app, now + Duration::seconds(31)).retried, 1);
        assert_eq!(deliver_at(app, now + Duration::minutes(10)).delivered, 1);
        assert_eq!(
            deliver_at(app, now + Duration::hours(2)),
            Default::default()
        );
        let chases: Vec<Got> = rx
            .got()
            .into_iter()
            .filter(|g| g.header("X-Chidao-Event") == "task.chased")
            .collect();
        assert_eq!(
            chases.iter().map(|g| g.status).collect::<Vec<_>>(),
            [500, 503, 200]
        );
        let id = chases[0].header("X-Chidao-Delivery").to_string();
        assert!(chases.iter().all(|g| g.header("X-Chidao-Delivery") == id));
        assert!(chases.iter().all(|g| signed_right(&secret, g)));
        let page = admin.get(&page_url);
        assert!(page.body.contains("Đã gửi"), "{}", page.body);

        // A worker that claimed a delivery and died: nothing is lost, it goes when the lease ends.
        let head = chidao::models::user::by_email(
            &mut app.conn(),
            &app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn")),
        )
        .unwrap()
        .unwrap()
        .0
        .actor();
        let version = chidao::models::task::get(&mut app.conn(), p.langson)
            .unwrap()
            .version;
        let edit = chidao::models::task::Edit {
            actor: &head,
            task_id: p.langson,
            version,
            at: Moment::now(),
        };
        chidao::app::tasks::move_task(
            &mut app.conn(),
            &chidao::models::attachment::Storage::Database,
            edit,
            chidao::domain::status::Move::Start,
            "",
            &[],
        )
        .unwrap();
        let later = now + Duration::hours(3);
        let claimed =
            chidao::models::webhook::claim(&mut app.conn(), later, Duration::minutes(5), 10)
                .unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].event, "task.status_changed");
        assert_eq!(deliver_at(app, later), Default::default(), "still leased");
        assert_eq!(deliver_at(app, later + Duration::minutes(6)).delivered, 1);
        let moved = rx.got().pop().unwrap();
        assert_eq!(moved.header("X-Chidao-Event"), "task.status_changed");
        let body: serde_json::Value = serde_json::from_str(&moved.body).unwrap();
        assert_eq!(body["data"]["from"], "assigned");
        assert_eq!(body["data"]["to"], "in_progress");

        // "Send again" sends the same delivery once more.
        let delivery: i64 = page
            .body
            .split("data-delivery=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        let r = admin.post(
            &format!("/admin/webhook-deliveries/{delivery}/send-again"),
            &[],
        );
        assert_eq!(r.status, 303);
        let before = rx.got().len();
        assert_eq!(deliver_at(app, Utc::now().naive_utc()).delivered, 1);
        assert_eq!(rx.got().len(), before + 1);

        // An endpoint turned off hears nothing; events it does not want are not queued.
        let r = admin.post(&format!("{page_url}/active"), &[("active", "no")]);
        assert_eq!(r.status, 303);
        chidao::app::chases::chase(&mut app.conn(), Act::now(sec), p.khtc, "").unwrap();
        assert_eq!(
            deliver_at(app, later + Duration::hours(1)),
            Default::default()
        );
        let queued = app.count("webhook_deliveries");
        let _ = chidao::app::tasks::comment(
            &mut app.conn(),
            &chidao::models::attachment::Storage::Database,
            Act::now(sec),
            p.langson,
            "Không phải sự kiện",
        );
        assert_eq!(app.count("webhook_deliveries"), queued);
    });
}

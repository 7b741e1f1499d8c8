//! Two-factor login with an authenticator's codes made here, independently of the service:
//! set up with a QR code and a first code, a wrong or replayed code refused and counted against
//! the login limit, a recovery code good once, and the setting that requires it of the roles
//! that see everything.

use chidao::domain::permissions::Role;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::support::{backends, Client, TestApp, PASSWORD};

/// RFC 6238 as an authenticator app computes it: HMAC-SHA1 of the 30-second step, truncated
/// to 6 digits.
fn code(secret: &[u8], step: i64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).unwrap();
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = (h[19] & 0x0f) as usize;
    let n = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]) % 1_000_000;
    format!("{n:06}")
}

fn step_now() -> i64 {
    chrono::Utc::now().timestamp() / 30
}

/// Sets two-factor login up for the signed-in client; returns the secret and recovery codes.
fn set_up(c: &mut Client) -> (Vec<u8>, Vec<String>) {
    let page = c.get("/me/two-factor");
    assert!(page.body.contains("Chưa bật"), "{}", page.body);
    assert_eq!(c.post("/me/two-factor/start", &[]).status, 303);
    let page = c.get("/me/two-factor");
    assert!(page.body.contains("<svg"), "a QR code");
    let b32 = page
        .body
        .split("id=\"twofa-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_string();
    let secret = chidao::domain::totp::from_base32(&b32).unwrap();
    assert_eq!(secret.len(), 20);
    // A code of another secret is refused and nothing turns on.
    let r = c.post(
        "/me/two-factor/confirm",
        &[("code", &code(b"another secret", step_now()))],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Mã không đúng"));
    let r = c.post(
        "/me/two-factor/confirm",
        &[("code", &code(&secret, step_now()))],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let codes = recovery_codes(&r.body);
    assert_eq!(codes.len(), 10, "{}", r.body);
    assert!(c.get("/me/two-factor").body.contains("Đang bật"));
    (secret, codes)
}

/// The password, then the code: the status of the code's answer.
fn log_in(app: &TestApp, email: &str, typed: &str) -> (Client, u16) {
    let mut c = app.client();
    let r = c.login(email, PASSWORD);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), "/login/two-factor");
    assert!(!c.cookies.contains_key("chidao_session"), "no session yet");
    assert!(c.get("/desk").location().starts_with("/login"));
    let status = send_code(&mut c, typed);
    (c, status)
}

/// The code sent on the login's second page; the answer's status.
fn send_code(c: &mut Client, typed: &str) -> u16 {
    let page = c.get("/login/two-factor");
    let pre = page.input("csrf").unwrap();
    let r = c.send(
        "POST",
        "/login/two-factor",
        crate::support::Body::Form(&[("csrf", &pre), ("code", typed)]),
    );
    r.status
}

/// The recovery codes a page shows, once.
fn recovery_codes(body: &str) -> Vec<String> {
    body.split("<li><code>")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn a_second_factor_guards_the_login() {
    for b in backends() {
        let app = TestApp::start(b);
        let mut admin = app.login_as(Role::Admin, None);
        let email = admin.email.clone();
        let (secret, codes) = set_up(&mut admin);
        // The step of the code that turned it on, as the service took it.
        let confirmed_at: i64 = {
            use chidao::db::schema::users;
            use diesel::prelude::*;
            users::table
                .filter(users::email.eq(&email))
                .select(users::totp_last_step.assume_not_null())
                .first(&mut app.conn())
                .unwrap()
        };

        // The code that turned it on is spent; the next one opens a session.
        let (_, status) = log_in(&app, &email, &code(&secret, confirmed_at));
        assert_eq!(status, 401);
        let (mut c, status) = log_in(&app, &email, &code(&secret, confirmed_at + 1));
        assert_eq!(status, 303);
        assert_eq!(c.get("/desk").status, 200);

        // A recovery code works once.
        let (mut c2, status) = log_in(&app, &email, &codes[0].to_uppercase());
        assert_eq!(status, 303);
        assert_eq!(c2.get("/desk").status, 200);
        let (_, status) = log_in(&app, &email, &codes[0]);
        assert_eq!(status, 401);

        // Wrong codes count against the login limit (5 here): then even the right one waits.
        let mut last = 0;
        for _ in 0..5 {
            let (_, status) = log_in_or_refused(&app, &email, "000000");
            last = status;
            if status == 429 {
                break;
            }
            assert_eq!(status, 401);
        }
        assert_eq!(last, 429);
        let mut c3 = app.client();
        let r = c3.login(&email, PASSWORD);
        assert_eq!(r.status, 429, "the password too is held back: {}", r.body);

        // New recovery codes need a code (a recovery code will do); the old ones stop.
        let r = c.post("/me/two-factor/recovery", &[("code", "123")]);
        assert_eq!(r.status, 422);
        let r = c.post("/me/two-factor/recovery", &[("code", &codes[2])]);
        assert_eq!(r.status, 200, "{}", r.body);
        let fresh = recovery_codes(&r.body);
        assert_eq!(fresh.len(), 10);
        assert!(!fresh.contains(&codes[3]));
        // Turned off with a code, not without.
        let r = c.post("/me/two-factor/off", &[("code", &codes[3])]);
        assert_eq!(r.status, 422, "an old recovery code is no code");
        let r = c.post("/me/two-factor/off", &[("code", &fresh[0])]);
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(c.get("/me/two-factor").body.contains("Chưa bật"));
    }
}

/// The password then a code, or the password refused (429) while the client is held back.
fn log_in_or_refused(app: &TestApp, email: &str, typed: &str) -> (Client, u16) {
    let mut c = app.client();
    let r = c.login(email, PASSWORD);
    if r.status != 303 {
        return (c, r.status);
    }
    let status = send_code(&mut c, typed);
    (c, status)
}

#[test]
fn the_setting_requires_it_of_those_who_see_everything() {
    for b in backends() {
        let app = TestApp::start_with(b, |s| s.require_two_factor = true);
        let mut leader = app.login_as(Role::Leader, None);
        let r = leader.get("/dashboard");
        assert_eq!(r.status, 303);
        assert_eq!(r.location(), "/me/two-factor");
        assert_eq!(leader.get("/tasks").location(), "/me/two-factor");
        let (secret, _) = set_up(&mut leader);
        assert_eq!(leader.get("/dashboard").status, 200);
        // Required: it cannot be turned off.
        let r = leader.post(
            "/me/two-factor/off",
            &[("code", &code(&secret, step_now() + 1))],
        );
        assert_eq!(r.status, 403);
        // A unit's head is not held to it.
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        assert_eq!(head.get("/desk").status, 200);
    }
}

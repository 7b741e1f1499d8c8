//! Logging in and out, sessions, CSRF, Origin, login limits, health.

use chidao::domain::permissions::Role;

use crate::support::{backends, each_backend, Backend, Body, TestApp, PASSWORD};

#[test]
fn healthz_answers_once_the_database_does() {
    each_backend(|app| {
        let r = app.client().get("/healthz");
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["database"], "ok");
    });
}

#[test]
fn healthz_is_503_when_the_database_is_unreachable() {
    // A pool whose database refuses connections: nothing listens on port 1.
    let pool = diesel::r2d2::Pool::builder()
        .connection_timeout(std::time::Duration::from_millis(500))
        .build_unchecked(chidao::db::Manager::new(
            "postgres://nobody@127.0.0.1:1/none",
        ));
    let dir = std::env::temp_dir().join(crate::support::unique("chidao_down"));
    let state = chidao::web::state(pool, crate::support::default_settings(dir));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let s = chidao::web::server(state, listener, Some(1)).unwrap();
            tx.send(s.handle()).unwrap();
            s.await.unwrap();
        })
    });
    let handle = rx.recv().unwrap();
    let r = crate::support::Client::new(&base).get("/healthz");
    assert_eq!(r.status, 503);
    assert_eq!(r.json()["status"], "unavailable");
    actix_web::rt::System::new().block_on(handle.stop(false));
}

#[test]
fn login_logout_and_session_cookie() {
    each_backend(|app| {
        let email = app.add_user(Role::Leader, None);
        let mut c = app.client();
        // A page that needs a login sends the browser to it, and back afterwards.
        let r = c.get("/tasks?status=open");
        assert_eq!(r.status, 303);
        assert_eq!(r.location(), "/login?next=%2Ftasks%3Fstatus%3Dopen");

        let wrong = c.login(&email, "not the password");
        assert_eq!(wrong.status, 401);
        assert!(wrong.body.contains("không đúng"), "{}", wrong.body);
        assert!(
            wrong.body.contains(&format!("value=\"{email}\"")),
            "the typed email is kept"
        );

        let pre_cookie = c.cookies.get("chidao_pre").cloned();
        let page = c.get("/login");
        let pre = page.input("csrf").unwrap();
        let r = c.send(
            "POST",
            "/login",
            Body::Form(&[
                ("csrf", &pre),
                ("email", &email.to_uppercase()),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ]),
        );
        assert_eq!(r.status, 303);
        assert_eq!(
            r.location(),
            "/desk",
            "only local paths are followed; home is the desk"
        );
        let set = r.headers.get("set-cookie").unwrap().join("\n");
        assert!(set.contains("chidao_session="));
        let session_line = set
            .lines()
            .find(|l| l.starts_with("chidao_session="))
            .unwrap();
        assert!(
            session_line.contains("HttpOnly") && session_line.contains("SameSite=Lax"),
            "{session_line}"
        );
        assert!(!session_line.contains("Secure"), "plain HTTP here");
        let session = c.cookies.get("chidao_session").cloned().unwrap();
        assert_ne!(
            Some(&session),
            pre_cookie.as_ref(),
            "a new session id at login"
        );

        assert_eq!(c.get("/tasks").status, 200);
        let r = c.post("/logout", &[]);
        assert_eq!(r.status, 303);
        // The old cookie no longer opens anything.
        let mut stale = app.client();
        stale.cookies.insert("chidao_session".into(), session);
        assert_eq!(stale.get("/tasks").status, 303);
    });
}

#[test]
fn https_behind_a_proxy_makes_cookies_secure() {
    let app = TestApp::start_with(crate::support::Backend::Sqlite, |s| s.behind_proxy = true);
    let email = app.add_user(Role::Leader, None);
    let mut c = app.client();
    c.extra_headers
        .push(("X-Forwarded-Proto".into(), "https".into()));
    let page = c.get("/login");
    let pre = page.input("csrf").unwrap();
    let r = c.send(
        "POST",
        "/login",
        Body::Form(&[("csrf", &pre), ("email", &email), ("password", PASSWORD)]),
    );
    assert_eq!(r.status, 303);
    let set = r.headers.get("set-cookie").unwrap().join("\n");
    assert!(set
        .lines()
        .find(|l| l.starts_with("chidao_session="))
        .unwrap()
        .contains("Secure"));
    assert_eq!(
        r.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    // Over plain HTTP there is no such promise to make.
    let plain = app.client().get("/login");
    assert_eq!(plain.header("strict-transport-security"), None);
    let csp = plain.header("content-security-policy").unwrap();
    assert!(
        csp.contains("object-src 'none'") && csp.contains("base-uri 'self'"),
        "{csp}"
    );
}

#[test]
fn deactivation_and_password_change_end_sessions_at_once() {
    each_backend(|app| {
        let mut admin = app.login_as(Role::Admin, None);
        let mut staff = app.login_as(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
        let mut second = app.client();
        assert_eq!(second.login(&staff.email, PASSWORD).status, 303);

        // The person changes their password: the other session ends, this one goes on.
        let new_password = "mot-mat-khau-moi-dai";
        let r = staff.post(
            "/me/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(staff.get("/tasks").status, 200);
        assert_eq!(second.get("/tasks").status, 303);

        // A wrong current password is explained, nothing changes.
        let r = staff.post(
            "/me/password",
            &[
                ("current_password", "sai"),
                ("new_password", "abcdefghijkl"),
                ("confirm_password", "abcdefghijkl"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Mật khẩu hiện tại không đúng"));

        // An administrator deactivates the person: their session ends on the next request.
        let id = chidao::models::user::by_email(&mut app.conn(), &staff.email)
            .unwrap()
            .unwrap()
            .0
            .id;
        let unit = app.unit_id("Sở KH&CN Lạng Sơn").to_string();
        let email = staff.email.clone();
        let r = admin.post(
            &format!("/admin/users/{id}"),
            &[
                ("email", &email),
                ("name", "Cán bộ"),
                ("role", "unit_staff"),
                ("unit_id", &unit),
                ("lang", "vi"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(staff.get("/tasks").status, 303);
        assert_eq!(
            app.client().login(&email, new_password).status,
            401,
            "inactive people cannot log in"
        );
    });
}

#[test]
fn idle_sessions_expire() {
    let app = TestApp::start_with(crate::support::Backend::Sqlite, |s| {
        s.session_idle_minutes = 0
    });
    let mut c = app.login_as(Role::Leader, None);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(c.get("/tasks").status, 303);
}

#[test]
fn login_attempts_are_limited_per_account_and_per_address() {
    each_backend(|app| {
        let email = app.add_user(Role::Leader, None);
        let mut c = app.client();
        for _ in 0..5 {
            assert_eq!(c.login(&email, "wrong").status, 401);
        }
        let r = c.login(&email, PASSWORD);
        assert_eq!(r.status, 429, "even the right password waits");
        let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!(wait > 0 && wait <= 15 * 60);
        // Another account from the same address is still fine until the address limit.
        let other = app.add_user(Role::Leader, None);
        assert_eq!(app.client().login(&other, PASSWORD).status, 303);
    });
    let app = TestApp::start_with(crate::support::Backend::Sqlite, |s| {
        s.login_max_per_address = 3
    });
    let mut c = app.client();
    for i in 0..3 {
        assert_eq!(c.login(&format!("nobody{i}@x.vn"), "wrong").status, 401);
    }
    assert_eq!(c.login("someone@x.vn", "wrong").status, 429);
}

#[test]
fn csrf_and_origin_are_checked_before_anything_changes() {
    each_backend(|app| {
        let p = crate::fixtures::publish(app);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let path = format!("/tasks/{}/start", p.langson);
        let v = crate::fixtures::version(app, p.langson);
        let no_token = head.send("POST", &path, Body::Form(&[("version", &v)]));
        assert_eq!(no_token.status, 403);
        let wrong = head.send(
            "POST",
            &path,
            Body::Form(&[("version", &v), ("csrf", "0000")]),
        );
        assert_eq!(wrong.status, 403);
        head.extra_headers
            .push(("Origin".into(), "http://evil.example".into()));
        let cross = head.post(&path, &[("version", &v)]);
        assert_eq!(cross.status, 403);
        assert_eq!(
            crate::fixtures::status(app, p.langson),
            "assigned",
            "nothing changed"
        );
        head.extra_headers.clear();
        head.extra_headers.push(("Origin".into(), app.base.clone()));
        assert_eq!(head.post(&path, &[("version", &v)]).status, 303);
        assert_eq!(crate::fixtures::status(app, p.langson), "in_progress");
        // The login form has its own token, bound to a cookie.
        let mut anon = app.client();
        let r = anon.send(
            "POST",
            "/login",
            Body::Form(&[("email", "a@b.vn"), ("password", "x")]),
        );
        assert_eq!(r.status, 403);
    });
}

#[test]
fn language_by_choice_and_dates_as_dd_mm_yyyy() {
    let _ = backends();
    let app = TestApp::start(crate::support::Backend::Sqlite);
    let p = crate::fixtures::publish(&app);
    let mut c = app.login_as(Role::Secretariat, None);
    let vi = c.get(&format!("/tasks/{}", p.langson));
    assert!(vi.body.contains("Đơn vị chủ trì") && vi.body.contains("lang=\"vi\""));
    let due = crate::fixtures::days(-2).format("%d/%m/%Y").to_string();
    assert!(vi.body.contains(&due), "due date shown as {due}");
    let en = c.get(&format!("/tasks/{}?lang=en", p.langson));
    assert!(en.body.contains("Lead unit") && en.body.contains("lang=\"en\""));
    // The choice is kept by this browser, without the parameter; a GET does not write the
    // account's setting, which its mail follows (that changes on /me).
    let again = c.get("/tasks");
    assert!(again.body.contains("Tasks found"), "English kept");
    let stored = chidao::models::user::by_email(&mut app.conn(), &c.email)
        .unwrap()
        .unwrap()
        .0
        .lang;
    assert_eq!(stored, "vi");
    assert_eq!(c.post("/me/language", &[("lang", "en")]).status, 303);
    let stored = chidao::models::user::by_email(&mut app.conn(), &c.email)
        .unwrap()
        .unwrap()
        .0
        .lang;
    assert_eq!(stored, "en");
    let anon = app.client().get("/login?lang=en");
    assert!(anon.body.contains("Log in"));
}

/// `next` after login never leads off the site and never breaks the answer, however it is
/// disguised (a browser drops TAB and newlines, reads `\` as `/`, and `%2F` stays a path).
#[test]
fn a_hostile_next_address_leads_home_not_away() {
    let app = TestApp::start(Backend::Sqlite);
    let email = app.add_user(Role::Leader, None);
    let hostile = [
        "//evil.example/",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: x=1",
        "/\\evil.example",
        "\\\\evil.example",
        "/%2F/evil.example",
        "/%5C/evil.example",
        "/%09/evil.example",
        "https://evil.example",
        "https:evil.example",
        "javascript:alert(1)",
    ];
    let mut c = app.client();
    for next in hostile {
        let page = c.get("/login");
        let pre = page.input("csrf").unwrap();
        let r = c.send(
            "POST",
            "/login",
            Body::Form(&[
                ("csrf", &pre),
                ("email", &email),
                ("password", PASSWORD),
                ("next", next),
            ]),
        );
        assert_eq!((r.status, r.location()), (303, "/desk"), "{next:?}");
        // Signed in, the login page sends a person straight on: to the same safe place.
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("next", next)
            .finish();
        let r = c.get(&format!("/login?{query}"));
        assert_eq!((r.status, r.location()), (303, "/desk"), "{next:?}");
        c.cookies.clear();
    }
}

/// Twenty wrong passwords sent at once for one account: no more are checked than the limit.
#[test]
fn the_login_limit_holds_when_attempts_arrive_together() {
    each_backend(|app| {
        let email = app.add_user(Role::Leader, None);
        let clients: Vec<_> = (0..20)
            .map(|_| {
                let mut c = app.client();
                let pre = c.get("/login").input("csrf").unwrap();
                (c, pre)
            })
            .collect();
        let start = std::sync::Barrier::new(clients.len());
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = clients
                .into_iter()
                .map(|(mut c, pre)| {
                    let (start, email) = (&start, &email);
                    s.spawn(move || {
                        start.wait();
                        c.send(
                            "POST",
                            "/login",
                            Body::Form(&[("csrf", &pre), ("email", email), ("password", "sai")]),
                        )
                        .status
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let checked = statuses.iter().filter(|&&s| s == 401).count();
        let refused = statuses.iter().filter(|&&s| s == 429).count();
        assert_eq!((checked, refused), (5, 15), "{statuses:?}");
    });
}

/// One client's failures hold back that client only: the right password from another address
/// still gets in; what a client writes into X-Forwarded-For does not change its address.
#[test]
fn failures_hold_back_the_client_that_failed_not_the_account() {
    let app = TestApp::start_with(Backend::Sqlite, |s| {
        s.behind_proxy = true;
        s.login_max_per_address = 8;
    });
    let email = app.add_user(Role::Leader, None);
    // Our load balancer appends the address it saw; the client made up the rest.
    let from = |seen: &str, made_up: &str| {
        let mut c = app.client();
        c.extra_headers
            .push(("X-Forwarded-For".into(), format!("{made_up}, {seen}")));
        c
    };
    for i in 0..5 {
        let mut attacker = from("203.0.113.7", &format!("10.0.0.{i}"));
        assert_eq!(attacker.login(&email, "sai").status, 401);
    }
    let mut attacker = from("203.0.113.7", "10.9.9.9");
    assert_eq!(attacker.login(&email, PASSWORD).status, 429);
    let mut owner = from("198.51.100.20", "203.0.113.7");
    assert_eq!(
        owner.login(&email, PASSWORD).status,
        303,
        "the owner gets in"
    );
    // The address limit counts by the balancer's entry, whatever the client wrote.
    for i in 0..3 {
        let other = app.add_user(Role::Leader, None);
        let mut c = from("203.0.113.7", &format!("172.16.0.{i}"));
        assert_eq!(c.login(&other, "sai").status, 401);
    }
    let last = app.add_user(Role::Leader, None);
    assert_eq!(
        from("203.0.113.7", "8.8.8.8").login(&last, PASSWORD).status,
        429
    );
}

/// Without --behind-proxy, a client's forwarding headers do not make another site's form ours,
/// and our own host over another scheme is another origin.
#[test]
fn forwarding_headers_and_schemes_do_not_pass_the_origin_check() {
    let app = TestApp::start(Backend::Sqlite);
    let mut me = app.login_as(Role::Leader, None);
    for (header, value, origin) in [
        ("X-Forwarded-Host", "evil.example", "http://evil.example"),
        ("Forwarded", "host=evil.example", "http://evil.example"),
        (
            "X-Forwarded-Proto",
            "https",
            &app.base.replace("http://", "https://"),
        ),
    ] {
        me.extra_headers = vec![
            (header.into(), value.into()),
            ("Origin".into(), origin.to_string()),
        ];
        assert_eq!(
            me.post("/me/language", &[("lang", "en")]).status,
            403,
            "{header}"
        );
    }
    me.extra_headers = vec![("Origin".into(), app.base.clone())];
    assert_eq!(me.post("/me/language", &[("lang", "en")]).status, 303);
}

/// The current password on one's own page is limited like a login.
#[test]
fn guessing_the_current_password_is_limited() {
    let app = TestApp::start(Backend::Sqlite);
    let mut me = app.login_as(Role::Leader, None);
    let change = |me: &mut crate::support::Client, current: &str| {
        me.post(
            "/me/password",
            &[
                ("current_password", current),
                ("new_password", "mot-mat-khau-moi-dai"),
                ("confirm_password", "mot-mat-khau-moi-dai"),
            ],
        )
        .status
    };
    for _ in 0..5 {
        assert_eq!(change(&mut me, "sai"), 422);
    }
    assert_eq!(change(&mut me, PASSWORD), 429);
}

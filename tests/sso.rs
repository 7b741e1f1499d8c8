//! Single sign-on against a real OpenID Connect provider (npm's oidc-provider) on loopback:
//! the way out carries state, nonce and a PKCE challenge; a way back that does not match this
//! browser's state is refused and signs nobody in. (The whole sign-in, through the provider's
//! pages, is driven in the browser: `browser::single_sign_on_through_a_real_provider`.)

use crate::support::{backends, free_port, oidc_provider, TestApp};

pub fn settings(port: u16) -> chidao::config::Oidc {
    chidao::config::Oidc {
        issuer: format!("http://127.0.0.1:{port}"),
        client_id: "chidao".into(),
        client_secret: "bi-mat-sso".into(),
        create_domain: Some("so-moi.gov.vn".into()),
    }
}

#[test]
fn a_way_back_that_does_not_match_is_refused() {
    for b in backends() {
        let port = free_port();
        let app = TestApp::start_with(b, |s| s.oidc = Some(settings(port)));
        let Some(_provider) = oidc_provider(port, &app.base, "bi-mat-sso") else {
            return;
        };
        let mut c = app.client();
        assert!(c.get("/login").body.contains("id=\"sso\""), "the button");
        let r = c.get("/login/sso?next=/desk");
        assert_eq!(r.status, 303);
        let out = r.location().to_string();
        assert!(
            out.starts_with(&format!("http://127.0.0.1:{port}/auth?")),
            "{out}"
        );
        for part in [
            "response_type=code",
            "client_id=chidao",
            "code_challenge_method=S256",
            "scope=openid%20email%20profile",
        ] {
            assert!(out.contains(part), "{part} in {out}");
        }
        let state = out
            .split("state=")
            .nth(1)
            .and_then(|s| s.split('&').next())
            .unwrap()
            .to_string();
        assert_eq!(c.cookies.get("chidao_sso"), Some(&state));
        // Another state than this browser's: refused, nothing signed in, the real one still
        // waits (it is used only by its own way back).
        let r = c.get("/login/sso/callback?code=abc&state=khong-khop");
        assert_eq!(r.status, 403);
        assert!(r.body.contains("không khớp"), "{}", r.body);
        assert!(!c.cookies.contains_key("chidao_session"));
        // The right state with a code the provider never gave: the provider refuses it.
        let r = c.get(&format!("/login/sso/callback?code=gia-mao&state={state}"));
        assert_eq!(r.status, 403);
        assert!(!c.cookies.contains_key("chidao_session"));
        // Used up: the same state again is no longer waiting.
        let r = c.get(&format!("/login/sso/callback?code=gia-mao&state={state}"));
        assert!(r.body.contains("không khớp"), "{}", r.body);
        assert_eq!(app.count("sso_logins"), 0);
    }
}

/// With single sign-on for everyone but administrators, a password opens nothing else, and
/// says so without telling whether it was right.
#[test]
fn passwords_can_be_for_administrators_only() {
    for b in backends() {
        let app = TestApp::start_with(b, |s| {
            s.oidc = Some(settings(free_port()));
            s.password_admins_only = true;
        });
        let head = app.add_user(
            chidao::domain::permissions::Role::UnitHead,
            Some("Sở KH&CN Lạng Sơn"),
        );
        let mut c = app.client();
        let r = c.login(&head, crate::support::PASSWORD);
        assert_eq!(r.status, 401, "{}", r.body);
        assert!(r.body.contains("chỉ dành cho quản trị viên"));
        assert!(!c.cookies.contains_key("chidao_session"));
        let admin = app.add_user(chidao::domain::permissions::Role::Admin, None);
        let r = app.client().login(&admin, crate::support::PASSWORD);
        assert_eq!(r.status, 303);
    }
}

//! Query strings read into typed structs: each page declares, in one struct, the fields its
//! address may carry. A link is something anyone can write by hand, so reading one never fails:
//! the first value of a repeated name counts, and a value that does not parse is as if absent.

use std::future::{ready, Ready};
use std::str::FromStr;

use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// `T` read from the request's query string.
pub struct Query<T>(pub T);

/// Reads `query` (what follows `?`) as `T`: the first value of each name; anything `T` cannot
/// take gives `T::default()`.
pub fn parse<T: DeserializeOwned + Default>(query: &str) -> T {
    let mut seen = std::collections::HashSet::new();
    let mut first = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if seen.insert(k.clone()) {
            first.append_pair(&k, &v);
        }
    }
    serde_html_form::from_str(&first.finish()).unwrap_or_default()
}

impl<T: DeserializeOwned + Default + 'static> FromRequest for Query<T> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(Query(parse(req.query_string()))))
    }
}

/// The `{id}` of a route that serves both "new" (no id in the address) and "edit": `None` on
/// the first, the number on the second, and "not found" when the address holds anything else
/// (`/admin/units/x` is no unit, not a blank form).
pub struct MaybeId<T = i64>(pub Option<T>);

impl<T: FromStr> FromRequest for MaybeId<T> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(match req.match_info().get("id") {
            None => Ok(MaybeId(None)),
            Some(s) => s
                .parse()
                .map(|id| MaybeId(Some(id)))
                .map_err(|_| crate::web::error::WebError::NotFound.into()),
        })
    }
}

/// For a field of a query struct: the value parsed, or `None` when it is absent or does not
/// parse (`?page=abc` is the first page, not an error).
pub fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
{
    let s = Option::<String>::deserialize(d)?;
    Ok(s.and_then(|s| s.trim().parse().ok()))
}

/// A page number from a link: 1 when absent or unreadable, never below 1.
#[derive(Debug, Default, Deserialize)]
pub struct Paged {
    #[serde(default, deserialize_with = "lenient")]
    page: Option<i64>,
}

impl Paged {
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, 1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Q {
        #[serde(default)]
        q: String,
        #[serde(default, deserialize_with = "lenient")]
        page: Option<i64>,
    }

    #[test]
    fn reads_fields_leniently_and_keeps_the_first_of_repeats() {
        assert_eq!(
            parse::<Q>("q=Lạng+Sơn&page=3"),
            Q {
                q: "Lạng Sơn".into(),
                page: Some(3)
            }
        );
        assert_eq!(parse::<Q>("page=abc").page, None);
        assert_eq!(parse::<Q>("q=a&q=b").q, "a");
        assert_eq!(parse::<Q>("%ZZ&&=&unknown=1"), Q::default());
        assert_eq!(parse::<Paged>("page=-5").page(), 1);
        assert_eq!(parse::<Paged>("").page(), 1);
    }
}

//! `GET /avatars/<nickname>.svg`: the users' pictures, a circle with their initial.

use hyper::StatusCode;
use hyper::header;

use super::super::faults::TestBody;
use super::super::reply::{Reply, error, reply};
use super::super::state::Shared;
use super::super::state::users::avatar_path;
use super::page::escape;

/// `GET /avatars/<nickname>.svg`: a circle with the user's initial; 404 for no user.
pub(crate) fn avatar(shared: &Shared, path: &str) -> Reply {
    let Some(user) = shared
        .login
        .users
        .iter()
        .find(|u| avatar_path(&u.nickname) == path)
    else {
        return error(StatusCode::NOT_FOUND, "not_found", "Not Found");
    };
    reply(
        StatusCode::OK,
        &[
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        TestBody::full(avatar_svg(&user.nickname, &user.name)),
    )
}

/// A circle coloured after the nickname, with the first letter of the name.
fn avatar_svg(nickname: &str, name: &str) -> String {
    let hue = nickname
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 360;
    let initial: String = name
        .chars()
        .chain(nickname.chars())
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".to_owned());
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"128\" height=\"128\" viewBox=\"0 0 128 128\">\
         <circle cx=\"64\" cy=\"64\" r=\"64\" fill=\"hsl({hue},55%,45%)\"/>\
         <text x=\"64\" y=\"84\" font-family=\"sans-serif\" font-size=\"60\" text-anchor=\"middle\" \
         fill=\"#fff\">{}</text></svg>\n",
        escape(&initial)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatar_initial() {
        let svg = avatar_svg("alice", "Alice Example");
        assert!(svg.contains(">A</text>") && svg.starts_with("<svg"));
        assert!(avatar_svg("x", "<b>").contains(">B</text>"));
        assert!(avatar_svg("", "").contains(">?</text>"));
    }
}

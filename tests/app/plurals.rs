//! Words around numbers and labels read right: singular and plural, no doubled "Version", no empty headers.

use chrono::Utc;
use toguna::domain::versions::VersionInfo;
use toguna::i18n::Lang;

use crate::helpers::{spawn_app, texts};

#[test]
fn one_and_many_take_their_own_forms_in_both_languages() {
    let present = |lang: Lang, n| lang.tn("usability2.people_present", n, &[]);
    assert_eq!(present(Lang::Fr, 1), "1 personne présente");
    assert_eq!(present(Lang::Fr, 4), "4 personnes présentes");
    assert_eq!(present(Lang::En, 1), "1 person present");
    assert_eq!(present(Lang::En, 4), "4 people present");
    assert_eq!(
        Lang::Fr.t("checkin.shown_other").replace("{n}", "4"),
        "4 invités affichés"
    );
    assert_eq!(Lang::Fr.t("checkin.shown_one").replace("{n}", "1"), "1 invité affiché");
    for (key, text) in toguna::i18n::catalog(Lang::Fr) {
        assert!(!text.contains("(s)"), "{key} still reads {text:?}");
    }
}

#[test]
fn a_label_that_already_says_version_is_not_prefixed_twice() {
    let version = |label: &str| VersionInfo {
        id: 1,
        report_id: 1,
        number: 2,
        label: label.into(),
        published_by: None,
        published_at: Utc::now(),
    };
    assert_eq!(version("Rapport final").title("Version"), "Version 2 — Rapport final");
    assert_eq!(version("Version 2 validée").title("Version"), "Version 2 validée");
    assert_eq!(version("version finale").title("Version"), "version finale");
    assert_eq!(version("").title("Version"), "Version 2");
}

#[tokio::test]
async fn the_users_table_names_its_action_column_for_screen_readers() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let page = app.get("/admin/users").await.text().await.unwrap();
    assert!(
        texts(&page, "table thead th").iter().all(|h| !h.trim().is_empty()),
        "no empty header cell"
    );
}

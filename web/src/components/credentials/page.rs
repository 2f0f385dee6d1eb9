//! The shell of a credentials page (API tokens, OAuth2 clients): the heading, the API
//! access tabs, the new secret while it is shown, the list card and the form card.

use yew::prelude::*;

use crate::components::ApiAccessTabs;
use crate::hooks::use_i18n;

/// Props of [`CredentialsPage`].
#[derive(Properties, PartialEq)]
pub struct CredentialsPageProps {
    /// The section's `data-testid`.
    pub testid: AttrValue,
    pub title: AttrValue,
    /// What the page's credentials are for, under the heading.
    pub lead: Html,
    /// The secret of the one just created, while it is shown.
    #[prop_or_default]
    pub secret: Html,
    /// The [`super::ListCard`].
    pub list: Html,
    /// Id of the form's card (its heading is `<form_id>-title`), the heading and the form.
    pub form_id: AttrValue,
    pub form_title: AttrValue,
    pub form: Html,
    /// Cards after the form.
    #[prop_or_default]
    pub children: Html,
}

/// A credentials page. Rendered only behind `RequireSession`.
#[component]
pub fn CredentialsPage(props: &CredentialsPageProps) -> Html {
    let texts = use_i18n();
    html! {
        <section class="api-access" data-testid={props.testid.clone()}>
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("nav-api-access") }</p>
                    <h1>{ props.title.clone() }</h1>
                    <p class="muted lead">{ props.lead.clone() }</p>
                </div>
            </div>
            <ApiAccessTabs />
            { props.secret.clone() }
            { props.list.clone() }
            <div class="card" id={props.form_id.clone()}>
                <h2 id={format!("{}-title", props.form_id)}>{ props.form_title.clone() }</h2>
                { props.form.clone() }
            </div>
            { props.children.clone() }
        </section>
    }
}

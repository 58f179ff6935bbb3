//! The four form handlers every register shares — the empty form, create, the filled form and
//! update — written once. A register (assets, systems, suppliers, incidents, outsourcing cases)
//! says what its draft and its saved object are, which commands of `tillit-app` create, update and
//! read it, where a saved object is shown, and how its form is drawn; the routes take
//! `register::create::<Assets>` and its siblings.
//!
//! Every handler asks for `EditRegisters` before it reads anything, and the commands ask again:
//! the page refuses early, the application layer is the rule.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::{answer, FormFields};
use axum::extract::Path;
use axum::response::Response;
use serde::de::DeserializeOwned;
use std::future::Future;
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

/// What a register's form handlers need to know.
pub trait Register: 'static {
    /// The id in the object's path (`/assets/{id}`).
    type Id: DeserializeOwned + Send + Sync + 'static;
    /// What the form decodes into — the same draft the API decodes from JSON.
    type Draft: DeserializeOwned + Send;
    /// What the form edits and the commands return.
    type Item: Send + Sync;

    /// Creates the object (no id) or updates it.
    fn save(
        m: &Member,
        id: Option<&Self::Id>,
        d: &Self::Draft,
    ) -> impl Future<Output = tillit_app::Result<Self::Item>> + Send;

    /// The object as the form shows it; another organisation's is not found.
    fn load(
        m: &Member,
        id: &Self::Id,
    ) -> impl Future<Output = tillit_app::Result<Self::Item>> + Send;

    /// Where the saved object is shown, with its notice.
    fn saved(item: &Self::Item) -> String;

    /// The form: empty, filled from `existing`, or as posted (`form`) with its errors (then 422).
    fn form(
        m: &Member,
        existing: Option<&Self::Item>,
        form: Option<&FormFields>,
        errors: Option<&ValidationErrors>,
    ) -> impl Future<Output = AppResult<Response>> + Send;
}

pub async fn new_form<R: Register>(m: Member) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    R::form(&m, None, None, None).await
}

pub async fn create<R: Register>(m: Member, form: FormFields) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let result = form
        .submit(async |d: R::Draft| R::save(&m, None, &d).await)
        .await;
    answer(
        result,
        |x| R::saved(&x),
        async |v| R::form(&m, None, Some(&form), Some(&v)).await,
    )
    .await
}

pub async fn edit_form<R: Register>(m: Member, Path(id): Path<R::Id>) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let x = R::load(&m, &id).await?;
    R::form(&m, Some(&x), None, None).await
}

pub async fn update<R: Register>(
    m: Member,
    Path(id): Path<R::Id>,
    form: FormFields,
) -> AppResult<Response> {
    m.require(Permission::EditRegisters)?;
    let result = form
        .submit(async |d: R::Draft| R::save(&m, Some(&id), &d).await)
        .await;
    // The object is read again only to show the form with its errors, not on every save.
    answer(
        result,
        |x| R::saved(&x),
        async |v| {
            let existing = R::load(&m, &id).await?;
            R::form(&m, Some(&existing), Some(&form), Some(&v)).await
        },
    )
    .await
}

//! The HTML pages of a member-written kind: its list, each item's page, the forms to write,
//! edit and delete, the state buttons and the history. Each works without JavaScript.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{ACCEPT, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::{changed_fields, Item, State as ItemState};
use lshub_domain::{Pagination, Reason, ValidationError};
use lshub_service::content::{self as service, Lifetime};
use lshub_service::ServiceError;
use lshub_storage::content::ItemFilter;
use lshub_storage::memberships::Membership;
use serde::Deserialize;

use super::{ListQuery, Presented};
use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::forms::{Choice, FormField, FormPage};
use crate::pages::widgets::{url_with, Pager, SelectOption};
use crate::pages::{render, see_other, PageContext};
use crate::state::AppState;

fn pagination(query: &ListQuery) -> Pagination {
    Pagination { limit: Pagination::DEFAULT_LIMIT, offset: query.offset.unwrap_or(0).min(Pagination::MAX_OFFSET) }
}

/// An item in a list.
pub struct Row {
    pub url: String,
    pub title: String,
    pub owner: String,
    pub owner_url: String,
    pub date: String,
    pub date_iso: String,
    pub summary: String,
    /// The state, when the list shows more than published items.
    pub state: Option<String>,
}

impl Row {
    fn new<K: Presented>(t: &Translator, item: &Item<K>, with_state: bool, show_owner: bool) -> Self {
        let when = item.published_at.unwrap_or(item.updated_at);
        let (owner, owner_url) = owner_link(t, item, show_owner);
        Self {
            url: item_url::<K>(&item.slug),
            title: item.record.title().to_owned(),
            owner,
            owner_url,
            date: crate::pages::format::date(t.lang, when.date_naive()),
            date_iso: when.date_naive().to_string(),
            summary: item.record.summary(),
            state: with_state.then(|| state_label(t, item.state)),
        }
    }
}

/// The owner's name and page, or for a members-only item that the caller may not see the
/// owner of, a note saying so and no link.
fn owner_link<K: Presented>(t: &Translator, item: &Item<K>, show_owner: bool) -> (String, String) {
    if show_owner {
        (item.owner.name.clone(), format!("/organisations/{}", item.owner.slug))
    } else {
        (t.t("content-owner-members-only"), String::new())
    }
}

fn item_url<K: Presented>(slug: &str) -> String {
    format!("/{}/{slug}", K::KIND.path)
}

fn state_label(t: &Translator, state: ItemState) -> String {
    t.t(&format!("content-state-{}", state.id()))
}

/// The kind's own message: `kind-news-title` for `("news", "title")`.
fn kind_text<K: Presented>(t: &Translator, what: &str) -> String {
    t.t(&format!("kind-{}-{what}", K::KIND.id))
}

/// One filter of a list's form: a choice, or a field to type a value in where there are no
/// choices to offer.
struct FilterField {
    name: &'static str,
    label: String,
    value: String,
    choices: Vec<SelectOption>,
}

#[derive(Template)]
#[template(path = "content/list.html")]
struct ListPage {
    ctx: PageContext,
    title: String,
    lead: String,
    base: String,
    rows: Vec<Row>,
    count: String,
    pager: Pager,
    filters: Vec<FilterField>,
    organisation: Option<(String, String)>,
    feed_url: String,
    /// For kinds a search can be saved of: saving this list's filters, with alerts.
    alert_url: Option<String>,
    /// The kind's own page the list points to, and its name.
    own_link: Option<(&'static str, String)>,
    /// The map with the kind's layer, for kinds that have one.
    map_link: Option<&'static str>,
    write_url: Option<String>,
    empty: String,
}

pub async fn list<K: Presented>(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let query = ListQuery::read::<K>(pairs, false)?;
    let caller = auth.caller();
    let owner = match query.organisation.as_deref() {
        Some(slug) => Some(state.db.organisation_by_slug(slug).await?.ok_or(AppError::not_found("organisation"))?),
        None => None,
    };
    let filter = ItemFilter { facets: query.facets(), pagination: pagination(&query), ..ItemFilter::default() };
    // An organisation's own members and the moderators see its drafts and archive too.
    let (page, with_state) = match &owner {
        Some(owner)
            if caller.may(
                Action::Content(ContentAction::ReadUnpublished),
                Resource::Content { kind: K::KIND, owner: &owner.id },
            ) =>
        {
            (service::of_owner::<K>(&state.db, &caller, &owner.id, filter).await?, true)
        }
        Some(owner) => {
            let mut filter = ItemFilter { owner_id: Some(owner.id.clone()), ..filter };
            filter.facets.extend(super::public_only::<K>(caller.may(Action::ReadMembersOnly, Resource::Hub)));
            (service::listed::<K>(&state.db, filter, state.today()).await?, false)
        }
        None => (service::listed::<K>(&state.db, filter, state.today()).await?, false),
    };
    let t = ctx.t.clone();
    let base = format!("/{}", K::KIND.path);
    let pager = Pager::new(&t, page.total, pagination(&query), |offset| {
        url_with(&base, &ListQuery { offset: Some(offset), ..query.clone() }.pairs::<K>())
    });
    let feed_url = url_with(
        &format!("/feeds/{}.atom", K::KIND.path),
        &[("organisation", owner.as_ref().map(|o| o.slug.clone()).unwrap_or_default())],
    );
    let alert_url = lshub_domain::talent::OpeningSearch::KINDS.iter().any(|k| k.id == K::KIND.id).then(|| {
        let mut pairs = vec![("kind", K::KIND.id.to_owned())];
        pairs.extend(query.pairs::<K>().into_iter().filter(|(name, _)| *name != "offset"));
        url_with(crate::talent::alerts::SEARCHES_PAGE, &pairs)
    });
    let write_url = match &owner {
        Some(owner) if service::may_create::<K>(&caller, &owner.id) => {
            Some(format!("{base}/new?organisation={}", owner.slug))
        }
        None if auth.user.is_some() => Some(format!("{base}/new")),
        _ => None,
    };
    let view = ListPage {
        title: match &owner {
            Some(owner) => format!("{} · {}", kind_text::<K>(&t, "title"), owner.profile.display_name(t.lang)),
            None => kind_text::<K>(&t, "title"),
        },
        lead: kind_text::<K>(&t, "lead"),
        rows: page
            .items
            .iter()
            .map(|item| Row::new(&t, item, with_state, service::may_see_owner(&caller, item)))
            .collect(),
        count: t.count(&format!("kind-{}-count", K::KIND.id), page.total),
        pager,
        filters: K::FILTERS
            .iter()
            .map(|f| FilterField {
                name: f.facet,
                label: t.t(&format!("kind-{}-filter-{}", K::KIND.id, f.facet)),
                value: query.filter(f.facet).unwrap_or_default().to_owned(),
                choices: K::filter_choices(&t, f.facet)
                    .into_iter()
                    .map(|(value, label)| SelectOption::new(value, label, query.filter(f.facet)))
                    .collect(),
            })
            .collect(),
        organisation: owner.as_ref().map(|o| (o.slug.clone(), o.profile.display_name(t.lang).to_owned())),
        feed_url,
        alert_url,
        own_link: K::LIST_LINK.map(|(path, message)| (path, t.t(message))),
        map_link: crate::map::list_link(K::KIND),
        write_url,
        empty: kind_text::<K>(&t, "none"),
        base,
        ctx,
    };
    render(&view)
}

/// Asks the policy whether the caller may do `action` to items of `K` owned by `owner_id`.
fn require<K: Presented>(auth: &Auth, action: ContentAction, owner_id: &str) -> Result<(), AppError> {
    auth.require(Action::Content(action), Resource::Content { kind: K::KIND, owner: owner_id })
}

/// The item at `slug`, once the policy allowed the caller `action` on it.
async fn item_for<K: Presented>(
    state: &AppState,
    auth: &Auth,
    slug: &str,
    action: ContentAction,
) -> Result<Item<K>, AppError> {
    let item = service::find::<K>(&state.db, &auth.caller(), slug).await?;
    require::<K>(auth, action, &item.owner.id)?;
    Ok(item)
}

#[derive(Template)]
#[template(path = "content/item.html")]
struct ItemPage {
    ctx: PageContext,
    csrf: String,
    title: String,
    base: String,
    url: String,
    owner: String,
    owner_url: String,
    /// Its expiry date, as the page writes it.
    expires: Option<String>,
    /// Its owners may renew it (a kind whose items expire): the button's label.
    renew: Option<String>,
    /// Shown when the item is not simply published.
    notice: Option<String>,
    state: String,
    published: String,
    published_iso: String,
    updated: String,
    updated_iso: String,
    body: String,
    can_edit: bool,
    can_delete: bool,
    can_read_history: bool,
    transitions: Vec<(String, String)>,
    /// The kind's own actions.
    actions: Vec<super::ItemAction>,
}

pub async fn show<K: Presented>(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    let item = service::find::<K>(&state.db, &caller, &slug).await?;
    let accept = headers.get(ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if let Some(response) = K::negotiate(&state, &item, accept)? {
        return Ok(response);
    }
    let t = ctx.t.clone();
    let notice = match item.state {
        ItemState::Archived => Some(t.t("content-archived-notice")),
        ItemState::Published if item.has_expired(state.today()) => K::ended_notice(&item, &t).or_else(|| {
            Some(t.t1(
                "content-expired-notice",
                "date",
                item.expires_on.map(|d| crate::pages::format::date(t.lang, d)).unwrap_or_default(),
            ))
        }),
        ItemState::Published => None,
        ItemState::Draft | ItemState::InReview => {
            Some(t.t1("content-unpublished-notice", "state", state_label(&t, item.state)))
        }
    };
    let published = item.published_at.unwrap_or(item.created_at);
    let (owner, owner_url) = owner_link(&t, &item, service::may_see_owner(&caller, &item));
    let renew = K::KIND
        .lifetime_days()
        .filter(|_| item.state == ItemState::Published && service::may_edit(&caller, &item))
        .map(|days| t.t1("content-renew", "months", i64::from(days / 30)));
    let view = ItemPage {
        csrf: auth.csrf.clone(),
        title: item.record.title().to_owned(),
        base: format!("/{}", K::KIND.path),
        url: item_url::<K>(&item.slug),
        owner,
        owner_url,
        expires: item.expires_on.map(|d| crate::pages::format::date(t.lang, d)),
        renew,
        notice,
        state: state_label(&t, item.state),
        published: crate::pages::format::date(t.lang, published.date_naive()),
        published_iso: published.date_naive().to_string(),
        updated: crate::pages::format::date(t.lang, item.updated_at.date_naive()),
        updated_iso: item.updated_at.date_naive().to_string(),
        body: K::page_html(&state, &item, &t).await?,
        actions: if service::may_edit(&caller, &item) { K::actions(&item, &t) } else { Vec::new() },
        can_edit: service::may_edit(&caller, &item),
        can_delete: service::may_delete(&caller, &item),
        can_read_history: service::may_read_unpublished(&caller, &item),
        transitions: service::transitions_for(&caller, &item)
            .into_iter()
            .map(|tr| (tr.id().to_owned(), t.t(&format!("content-transition-{}", tr.id()))))
            .collect(),
        ctx,
    };
    let mut response = render(&view)?;
    // The same address gives linked data to clients that ask for it (datasets).
    response.headers_mut().insert(VARY, HeaderValue::from_static("Accept, Accept-Language, Cookie"));
    Ok(response)
}

/// The fields every kind's form has besides its own.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct KernelFields {
    /// The owning organisation's slug (new items only).
    organisation: String,
    expires_on: String,
    /// The revision the edit was made to.
    revision: String,
}

impl KernelFields {
    fn lifetime(&self) -> Result<Lifetime, ValidationError> {
        let text = self.expires_on.trim();
        if text.is_empty() {
            return Ok(Lifetime::default());
        }
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| ValidationError::new("expires_on", Reason::NotDate { value: text.to_owned() }))?;
        Ok(Lifetime { expires_on: Some(date) })
    }
}

/// A posted form, read twice: as the kind's draft and as the kernel's fields.
fn read_form<K: Presented>(body: &Bytes) -> Result<(K::Draft, KernelFields), AppError> {
    let malformed = |e: serde_urlencoded::de::Error| AppError::MalformedBody(format!("the form cannot be read: {e}"));
    Ok((serde_urlencoded::from_bytes(body).map_err(malformed)?, serde_urlencoded::from_bytes(body).map_err(malformed)?))
}

/// The form to write or edit an item. `owners` are the organisations the caller may write
/// for (new items only).
fn item_form<K: Presented>(
    ctx: PageContext,
    csrf: &str,
    action: &str,
    title: String,
    draft: &K::Draft,
    kernel: &KernelFields,
    owners: Option<&[Membership]>,
) -> FormPage {
    let t = ctx.t.clone();
    let mut page = FormPage::new(ctx, title, action, csrf);
    if let Some(owners) = owners {
        let choices = owners
            .iter()
            .map(|m| Choice { value: m.slug.clone(), label: m.name.clone(), selected: m.slug == kernel.organisation })
            .collect();
        page.fields.push(FormField::new("organisation", t.t("content-field-organisation"), "select").choices(choices));
    }
    page.fields.extend(K::form_fields(&t, draft));
    // A kind whose records end by themselves (a vacancy at its deadline) asks no expiry.
    if K::ENDS_BY.is_none() {
        page.fields.push(
            FormField::new("expires_on", t.t("content-field-expires-on"), "date")
                .value(kernel.expires_on.clone())
                .hint(t.t("content-field-expires-on-hint")),
        );
    }
    if !kernel.revision.is_empty() {
        page.hidden.push(("revision".to_owned(), kernel.revision.clone()));
    }
    page.submit = t.t("content-save");
    page
}

/// Shows every refused field beside its field.
fn with_errors(mut page: FormPage, errors: &[ValidationError]) -> FormPage {
    for error in errors {
        // The form names the expiry field as posted; the service names it as the API does.
        let error = match error.field {
            "expiresOn" => ValidationError::new("expires_on", error.reason.clone()),
            _ => error.clone(),
        };
        page = page.invalid(&error);
    }
    page
}

/// The organisations the caller may write for: their own, and `wanted` when the policy
/// lets them write for it (an admin, say). Those who may write for none are told why.
async fn owners_for<K: Presented>(
    state: &AppState,
    auth: &Auth,
    wanted: Option<&str>,
) -> Result<Vec<Membership>, AppError> {
    let user = auth.user()?;
    let caller = auth.caller();
    let memberships = state.db.memberships(&user.id).await?;
    let mut owners: Vec<Membership> =
        memberships.iter().filter(|m| service::may_create::<K>(&caller, &m.organisation_id)).cloned().collect();
    if let Some(slug) = wanted.filter(|slug| !owners.iter().any(|m| m.slug == *slug)) {
        if let Some(organisation) = state.db.organisation_by_slug(slug).await? {
            if service::may_create::<K>(&caller, &organisation.id) {
                owners.push(Membership {
                    organisation_id: organisation.id.clone(),
                    slug: organisation.slug.clone(),
                    name: organisation.profile.name.clone(),
                    since: String::new(),
                });
            }
        }
    }
    if owners.is_empty() {
        // A member whose address is unconfirmed hears that rather than "claim first".
        if let Some(first) = memberships.first() {
            require::<K>(auth, ContentAction::Create, &first.organisation_id)?;
        }
        return Err(AppError::Forbidden(
            "claim your organisation's profile first: members write for their organisation",
        ));
    }
    Ok(owners)
}

pub async fn new_form<K: Presented>(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let query = ListQuery::read::<K>(pairs, false)?;
    let owners = owners_for::<K>(&state, &auth, query.organisation.as_deref()).await?;
    let kernel = KernelFields { organisation: query.organisation.unwrap_or_default(), ..KernelFields::default() };
    let title = kind_text::<K>(&ctx.t, "new");
    let base = format!("/{}", K::KIND.path);
    item_form::<K>(ctx, &auth.csrf, &base, title, &K::Draft::default(), &kernel, Some(&owners)).respond(StatusCode::OK)
}

/// Saves a new draft. The policy is asked first, for the organisation named in the form, so
/// that only those who may write for it hear what is wrong with the rest.
pub async fn create<K: Presented>(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    body: Bytes,
) -> Result<Response, AppError> {
    let (draft, kernel) = read_form::<K>(&body)?;
    let owner = state.db.organisation_by_slug(&kernel.organisation).await?;
    let mut errors = Vec::new();
    match &owner {
        Some(owner) => require::<K>(&auth, ContentAction::Create, &owner.id)?,
        None => {
            auth.user()?;
            errors.push(ValidationError::new(
                "organisation",
                Reason::NoSuchOrganisation { slug: kernel.organisation.clone() },
            ));
        }
    }
    let lifetime = kernel.lifetime().unwrap_or_else(|date| {
        errors.push(date);
        Lifetime::default()
    });
    if errors.is_empty() {
        match service::create::<K>(&state.db, &auth.caller(), &kernel.organisation, draft, lifetime, state.today())
            .await
        {
            Ok(item) => return Ok(see_other(&item_url::<K>(&item.slug))),
            Err(ServiceError::Invalid(refused)) => errors = refused,
            Err(e) => return Err(e.into()),
        }
    }
    let owners = owners_for::<K>(&state, &auth, Some(&kernel.organisation)).await?;
    let title = kind_text::<K>(&ctx.t, "new");
    let base = format!("/{}", K::KIND.path);
    let form = item_form::<K>(ctx, &auth.csrf, &base, title, &draft_copy::<K>(&body)?, &kernel, Some(&owners));
    with_errors(form, &errors).respond(StatusCode::BAD_REQUEST)
}

/// The draft again, to show what was entered beside its errors (the service took the first).
fn draft_copy<K: Presented>(body: &Bytes) -> Result<K::Draft, AppError> {
    read_form::<K>(body).map(|(draft, _)| draft)
}

pub async fn edit_form<K: Presented>(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let item = item_for::<K>(&state, &auth, &slug, ContentAction::Edit).await?;
    let kernel = KernelFields {
        expires_on: item.expires_on.map(|d| d.to_string()).unwrap_or_default(),
        revision: item.revision.to_string(),
        ..KernelFields::default()
    };
    let title = ctx.t.t1("content-edit-title", "title", item.record.title().to_owned());
    let back = ctx.t.t("content-back");
    let action = format!("{}/edit", item_url::<K>(&item.slug));
    let page = item_form::<K>(ctx, &auth.csrf, &action, title, &item.record.to_draft(), &kernel, None);
    page.link(&item_url::<K>(&item.slug), back).respond(StatusCode::OK)
}

pub async fn edit<K: Presented>(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let item = item_for::<K>(&state, &auth, &slug, ContentAction::Edit).await?;
    let (draft, mut kernel) = read_form::<K>(&body)?;
    let shown = draft_copy::<K>(&body)?;
    let title = ctx.t.t1("content-edit-title", "title", item.record.title().to_owned());
    let action = format!("{}/edit", item_url::<K>(&item.slug));
    let revision = kernel.revision.trim().parse::<i64>().map_err(|_| {
        AppError::BadRequest(ValidationError::new(
            "revision",
            Reason::NotWholeNumber { value: kernel.revision.clone() },
        ))
    })?;
    let lifetime = match kernel.lifetime() {
        Ok(lifetime) => lifetime,
        Err(e) => {
            return with_errors(item_form::<K>(ctx, &auth.csrf, &action, title, &shown, &kernel, None), &[e])
                .respond(StatusCode::BAD_REQUEST)
        }
    };
    match service::edit::<K>(&state.db, &auth.caller(), &slug, revision, draft, lifetime, state.today()).await {
        Ok(item) => Ok(see_other(&item_url::<K>(&item.slug))),
        Err(ServiceError::Invalid(errors)) => {
            with_errors(item_form::<K>(ctx, &auth.csrf, &action, title, &shown, &kernel, None), &errors)
                .respond(StatusCode::BAD_REQUEST)
        }
        Err(ServiceError::Stale) => {
            // Saving again now replaces the newer version: the form says so, and keeps the text.
            let current = state.db.item_by_id::<K>(&item.id).await?.ok_or(AppError::not_found("item"))?;
            kernel.revision = current.revision.to_string();
            let (stale, see_current) = (ctx.t.t("content-stale"), ctx.t.t("content-see-current"));
            let mut page = item_form::<K>(ctx, &auth.csrf, &action, title, &shown, &kernel, None);
            page.error = Some(stale);
            page.link(&item_url::<K>(&item.slug), see_current).respond(StatusCode::CONFLICT)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct StateForm {
    #[serde(default)]
    transition: String,
}

pub async fn change_state<K: Presented>(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    crate::pages::forms::Posted(form): crate::pages::forms::Posted<StateForm>,
) -> Result<Response, AppError> {
    let item = match super::state_change_from(&form.transition)? {
        super::StateChange::Transition(transition) => {
            service::transition::<K>(&state.db, &auth.caller(), &slug, transition).await?
        }
        super::StateChange::Renew => service::renew::<K>(&state.db, &auth.caller(), &slug, state.today()).await?,
    };
    Ok(see_other(&item_url::<K>(&item.slug)))
}

pub async fn delete_form<K: Presented>(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let item = item_for::<K>(&state, &auth, &slug, ContentAction::Delete).await?;
    let t = ctx.t.clone();
    let action = format!("{}/delete", item_url::<K>(&item.slug));
    let mut page =
        FormPage::new(ctx, t.t1("content-delete-title", "title", item.record.title().to_owned()), &action, &auth.csrf);
    page.intro.push(t.t("content-delete-intro"));
    page.submit = t.t("content-delete-submit");
    page.link(&item_url::<K>(&item.slug), t.t("content-delete-cancel")).respond(StatusCode::OK)
}

pub async fn delete<K: Presented>(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    service::delete::<K>(&state.db, &auth.caller(), &slug).await?;
    Ok(see_other(&format!("/{}", K::KIND.path)))
}

/// One revision as the history shows it.
pub struct HistoryRow {
    pub revision: i64,
    pub change: String,
    pub by: String,
    pub at: String,
    pub at_iso: String,
    /// (field, before, after) for the fields this revision changed.
    pub fields: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "content/history.html")]
struct HistoryPage {
    ctx: PageContext,
    title: String,
    url: String,
    rows: Vec<HistoryRow>,
}

pub async fn history<K: Presented>(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (item, revisions) = service::history::<K>(&state.db, &auth.caller(), &slug).await?;
    let t = ctx.t.clone();
    // Revisions come newest first; each is compared with the one before it.
    let rows = revisions
        .iter()
        .enumerate()
        .map(|(i, revision)| HistoryRow {
            revision: revision.revision,
            change: t.t(&format!("content-change-{}", revision.change)),
            by: revision.changed_by.clone(),
            at: t.t1(
                "content-history-at",
                "moment",
                crate::pages::format::moment(t.lang, &revision.changed_at.to_rfc3339()),
            ),
            at_iso: revision.changed_at.to_rfc3339(),
            fields: changed_fields(revisions.get(i + 1).map(|r| &r.record), &revision.record)
                .into_iter()
                .map(|(field, before, after)| (t.t(&format!("kind-{}-field-{field}", K::KIND.id)), before, after))
                .collect(),
        })
        .collect();
    let view = HistoryPage {
        title: t.t1("content-history-title", "title", item.record.title().to_owned()),
        url: item_url::<K>(&item.slug),
        rows,
        ctx,
    };
    render(&view)
}

//! The access requests' pages, all working without JavaScript: what can be requested and
//! how fast each holder answers (`/access`), a catalogue item and the holder's form to
//! define one, a researcher's applications with every command as a small form, uploads,
//! and the entitlements a holder gave. Each handler parses, calls `lshub_service::access`
//! and renders; refusals are shown on the page they came from.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lshub_domain::access::application::{CommandKind, Event, HolderProgress, Refusal};
use lshub_domain::access::catalogue::{
    CatalogueItem, Licence, Workflow, DEFAULT_ENTITLEMENT_DAYS, MAX_ENTITLEMENT_DAYS,
};
use lshub_domain::access::entitlement::Entitlement;
use lshub_domain::access::form::{
    Answer, Answers, Choice as FormChoice, Condition, Field as FormFieldDef, FieldKind, Form,
};
use lshub_domain::access::purpose::{Finding, PURPOSES};
use lshub_domain::access::statistics::{EHDS_DECISION_DAYS, EHDS_EXTENDED_DECISION_DAYS};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::content::DATASET;
use lshub_domain::dataset::terms::{self, Term};
use lshub_domain::dataset::Dataset;
use lshub_domain::{Language, Localized, Organisation, Pagination, Reason};
use lshub_service::access::{self as service, ApplicationView, Upload};
use lshub_service::ServiceError;
use lshub_storage::access::StoredCatalogueItem;
use lshub_storage::content::ItemFilter;

use super::api::{holders_known, to_command, CommandBody};
use super::{compose, mail_queued};
use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::facts::{paragraphs, Field};
use crate::pages::forms::{Choice, FormField, FormFields, Posted};
use crate::pages::widgets::SelectOption;
use crate::pages::{format, organisation, render, see_other, PageContext};
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/access", public(get(overview)))
        .route("/access/items/{id}", public(get(item_page)))
        .route("/access/items/{id}/edit", get(edit_item_form).post(edit_item))
        .route("/organisations/{slug}/catalogue-items/new", get(new_item_form))
        .route("/organisations/{slug}/catalogue-items", post(create_item))
        .route("/organisations/{slug}/entitlements", get(entitlements))
        .route("/applications", get(applications).post(start))
        .route("/applications/{id}", get(application))
        .route("/applications/{id}/commands", post(command))
        // The guard has limited the body to the attachment size already.
        .route("/applications/{id}/attachments", post(attach).layer(DefaultBodyLimit::disable()))
}

/// The non-commercial declaration an applicant can add to the research purposes.
const NON_COMMERCIAL_DECLARATION: &str = "DUO:0000018";

fn application_url(id: &str) -> String {
    format!("/applications/{id}")
}

fn dataset_url(slug: &str) -> String {
    format!("/{}/{slug}", DATASET.path)
}

/// Addresses typed one a line (commas and spaces separate them too).
fn addresses(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Pieces several pages show: datasets, catalogue items, DUO codes, figures.

/// A dataset named by its title, linked to its page, with its DUO codes.
#[derive(Clone)]
struct DatasetLink {
    url: String,
    title: String,
    duo: Vec<String>,
}

impl DatasetLink {
    async fn load(state: &AppState, lang: Language, slug: &str) -> Result<Self, AppError> {
        let dataset = state.db.item::<Dataset>(slug).await?;
        Ok(Self {
            url: dataset_url(slug),
            title: dataset.as_ref().map_or_else(|| slug.to_owned(), |d| d.record.title.get(lang).to_owned()),
            duo: dataset.map(|d| d.record.duo).unwrap_or_default(),
        })
    }

    async fn all(state: &AppState, lang: Language, slugs: &[String]) -> Result<Vec<Self>, AppError> {
        let mut links = Vec::with_capacity(slugs.len());
        for slug in slugs {
            links.push(Self::load(state, lang, slug).await?);
        }
        Ok(links)
    }
}

/// A catalogue item as lists name it.
pub(crate) struct ItemLink {
    pub url: String,
    pub title: String,
    pub holder: String,
    pub holder_url: String,
}

impl ItemLink {
    fn new(stored: &StoredCatalogueItem, lang: Language) -> Self {
        Self {
            url: format!("/access/items/{}", stored.id),
            title: stored.item.title.get(lang).unwrap_or_default().to_owned(),
            holder: stored.holder_name.clone(),
            holder_url: format!("/organisations/{}", stored.holder_slug),
        }
    }
}

/// The catalogue items that offer the dataset `slug`, for its page.
pub(crate) async fn items_offering(state: &AppState, lang: Language, slug: &str) -> Result<Vec<ItemLink>, AppError> {
    Ok(state.db.catalogue_items_with_dataset(slug).await?.iter().map(|i| ItemLink::new(i, lang)).collect())
}

/// A licence with its title in the page's language.
struct LicenceView {
    title: String,
    url: Option<String>,
}

fn licence_views(licences: &[Licence], lang: Language) -> Vec<LicenceView> {
    licences
        .iter()
        .map(|l| LicenceView { title: l.title.get(lang).unwrap_or(&l.id).to_owned(), url: l.url.clone() })
        .collect()
}

/// DUO codes described by the labels of the imported vocabulary, where it has them.
struct Duo(Vec<Term>);

impl Duo {
    async fn load(state: &AppState) -> Result<Self, AppError> {
        Ok(Self(state.db.terms(terms::DUO).await?))
    }

    /// "general research use (DUO:0000042)", or the code alone.
    fn describe(&self, code: &str) -> String {
        match self.0.iter().find(|term| term.code == code) {
            Some(term) => format!("{} ({code})", term.label),
            None => code.to_owned(),
        }
    }
}

/// A holder's figures as the pages show them.
pub(crate) struct FiguresRow {
    pub holder: String,
    pub holder_url: String,
    pub received: String,
    pub decided: String,
    pub first_response: String,
    pub decision: String,
    pub within: String,
    pub within_extended: String,
}

/// The EHDS benchmark the figures stand beside.
pub(crate) fn benchmark(t: &Translator) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("days", format!("{EHDS_DECISION_DAYS:.0}"));
    args.set("extended", format!("{EHDS_EXTENDED_DECISION_DAYS:.0}"));
    t.with_args("access-benchmark", &args)
}

/// The figures of the holder `id`, and how many requests it received.
async fn figures_row(
    state: &AppState,
    t: &Translator,
    (id, slug, name): (&str, &str, &str),
) -> Result<(FiguresRow, usize), AppError> {
    let figures = service::figures(&state.db, id).await?;
    let days = |value: Option<f64>| match value {
        Some(days) => t.t1("access-days", "days", format::one_decimal(t.lang, days)),
        None => t.t("access-figure-none"),
    };
    let count = |n: usize| format::number(t.lang, i64::try_from(n).unwrap_or(i64::MAX));
    let of = |part: usize| {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("count", count(part));
        args.set("total", count(figures.decided));
        t.with_args("access-figures-of", &args)
    };
    let row = FiguresRow {
        holder: name.to_owned(),
        holder_url: format!("/organisations/{slug}"),
        received: count(figures.received),
        decided: count(figures.decided),
        first_response: days(figures.median_days_to_first_response),
        decision: days(figures.median_days_to_decision),
        within: of(figures.decided_within_benchmark),
        within_extended: of(figures.decided_within_extended_benchmark),
    };
    Ok((row, figures.received))
}

/// The access part of an organisation's page: its figures and catalogue items, and for its
/// members the way to offer datasets and to see the entitlements given.
pub(crate) struct HolderAccess {
    pub figures: FiguresRow,
    pub benchmark: String,
    pub items: Vec<ItemLink>,
    /// The viewer is a member of the organisation.
    pub member: bool,
    pub new_item_url: String,
    pub entitlements_url: String,
}

/// What the organisation's page shows about access requests; nothing for an organisation
/// that offers nothing and received no request, unless a member looks.
pub(crate) async fn holder_access(
    state: &AppState,
    t: &Translator,
    organisation: &Organisation,
    member: bool,
) -> Result<Option<HolderAccess>, AppError> {
    let items: Vec<ItemLink> =
        state.db.catalogue_items(Some(&organisation.id)).await?.iter().map(|i| ItemLink::new(i, t.lang)).collect();
    let name = organisation.profile.display_name(t.lang);
    let (figures, received) = figures_row(state, t, (&organisation.id, &organisation.slug, name)).await?;
    if !member && items.is_empty() && received == 0 {
        return Ok(None);
    }
    Ok(Some(HolderAccess {
        figures,
        benchmark: benchmark(t),
        items,
        member,
        new_item_url: format!("/organisations/{}/catalogue-items/new", organisation.slug),
        entitlements_url: format!("/organisations/{}/entitlements", organisation.slug),
    }))
}

// ---------------------------------------------------------------------------------------
// GET /access

/// A catalogue item in the overview.
struct OfferedItem {
    link: ItemLink,
    datasets: Vec<DatasetLink>,
    licences: Vec<LicenceView>,
}

#[derive(Template)]
#[template(path = "access/index.html")]
struct OverviewPage {
    ctx: PageContext,
    items: Vec<OfferedItem>,
    figures: Vec<FiguresRow>,
    benchmark: String,
}

pub async fn overview(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    let lang = ctx.t.lang;
    let mut items = Vec::new();
    for stored in state.db.catalogue_items(None).await? {
        items.push(OfferedItem {
            link: ItemLink::new(&stored, lang),
            datasets: DatasetLink::all(&state, lang, &stored.item.datasets).await?,
            licences: licence_views(&stored.item.licences, lang),
        });
    }
    let mut figures = Vec::new();
    for (id, slug, name) in holders_known(&state).await? {
        figures.push(figures_row(&state, &ctx.t, (&id, &slug, &name)).await?.0);
    }
    let benchmark_text = benchmark(&ctx.t);
    render(&OverviewPage { ctx, items, figures, benchmark: benchmark_text })
}

// ---------------------------------------------------------------------------------------
// GET /access/items/{id}

/// A field of a catalogue item's form, as its preview lists it.
struct FieldPreview {
    label: String,
    kind: String,
    notes: Vec<String>,
    /// Label and header fields are text, not questions.
    text_only: bool,
    heading: bool,
}

#[derive(Template)]
#[template(path = "access/item.html")]
struct ItemPage {
    ctx: PageContext,
    csrf: String,
    id: String,
    link: ItemLink,
    datasets: Vec<(DatasetLink, Vec<String>)>,
    licences: Vec<LicenceView>,
    fields: Vec<FieldPreview>,
    entitlement_days: u32,
    can_edit: bool,
    sign_in_url: String,
}

/// The notes a form field carries: required, private, shown only under a condition.
fn field_notes(t: &Translator, form: &Form, field: &FormFieldDef) -> Vec<String> {
    let mut notes = Vec::new();
    if field.required {
        notes.push(t.t("access-field-required"));
    }
    if field.private {
        notes.push(t.t("access-field-private"));
    }
    if field.kind.has_options() {
        let options: Vec<&str> = field.options.iter().map(|c| c.label.get(t.lang).unwrap_or(&c.key)).collect();
        notes.push(t.t1("access-field-options", "options", options.join(", ")));
    }
    if let Some(condition) = &field.visible_if {
        notes.push(condition_note(t, form, condition));
    }
    notes
}

/// "Only needed when “Cohort” is Yes or Partly": the page cannot hide fields without JavaScript.
fn condition_note(t: &Translator, form: &Form, condition: &Condition) -> String {
    let parent = form.fields.iter().find(|f| f.id == condition.field);
    let label = parent.and_then(|f| f.label.get(t.lang)).unwrap_or(&condition.field).to_owned();
    let values: Vec<String> = condition
        .equals
        .iter()
        .map(|key| {
            let choice = parent.and_then(|f| f.options.iter().find(|c| c.key == *key));
            choice.and_then(|c| c.label.get(t.lang)).unwrap_or(key).to_owned()
        })
        .collect();
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("field", label);
    args.set("values", values.join(&format!(" {} ", t.t("access-or"))));
    t.with_args("access-field-condition", &args)
}

pub async fn item_page(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let stored = state.db.catalogue_item(&id).await?.ok_or(AppError::not_found("catalogue item"))?;
    let t = &ctx.t;
    let duo = Duo::load(&state).await?;
    let mut datasets = Vec::new();
    for link in DatasetLink::all(&state, t.lang, &stored.item.datasets).await? {
        let restrictions = link.duo.iter().map(|code| duo.describe(code)).collect();
        datasets.push((link, restrictions));
    }
    let form = &stored.item.form;
    let fields = form
        .fields
        .iter()
        .map(|field| FieldPreview {
            label: field.label.get(t.lang).unwrap_or(&field.id).to_owned(),
            kind: t.t(&format!("access-field-kind-{}", field.kind.id())),
            notes: field_notes(t, form, field),
            text_only: field.kind == FieldKind::Label,
            heading: field.kind == FieldKind::Header,
        })
        .collect();
    let can_edit = auth.require(Action::ManageCatalogue, Resource::Organisation { id: &stored.holder_id }).is_ok();
    let page_url = format!("/access/items/{id}");
    let page = ItemPage {
        csrf: auth.csrf.clone(),
        link: ItemLink::new(&stored, t.lang),
        datasets,
        licences: licence_views(&stored.item.licences, t.lang),
        fields,
        entitlement_days: stored.item.workflow.entitlement_days,
        can_edit,
        sign_in_url: format!("/login?{}", serde_urlencoded::to_string([("next", page_url)]).unwrap_or_default()),
        id,
        ctx,
    };
    render(&page)
}

// ---------------------------------------------------------------------------------------
// The holder's form for a catalogue item: its text inputs, parsed here line by line.

/// Why a line of one of the item form's text areas cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LineProblem {
    TooFewColumns {
        needed: usize,
    },
    TooManyColumns {
        max: usize,
    },
    UnknownKind(String),
    NotYesOrNo(String),
    /// `visible if` is not `field=value,…`.
    Condition(String),
    /// An option without a key.
    Option(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct LineError {
    /// Counted from 1, as the holder sees the lines.
    line: usize,
    problem: LineProblem,
}

/// A line's columns, separated by `|`, trimmed.
fn columns(line: &str) -> Vec<&str> {
    line.split('|').map(str::trim).collect()
}

/// Columns back into a line, without empty trailing ones: `a | | b`.
fn line_of(mut columns: Vec<String>) -> String {
    while columns.last().is_some_and(|c| c.is_empty()) {
        columns.pop();
    }
    let mut line = String::new();
    for (index, column) in columns.iter().enumerate() {
        if index > 0 {
            line.push_str(if column.is_empty() { " |" } else { " | " });
        }
        line.push_str(column);
    }
    line
}

fn localized(en: &str, nl: &str) -> Localized {
    let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    Localized { en: text(en), nl: text(nl) }
}

/// Reads every non-empty line with `parse`; all lines' problems at once.
fn parse_lines<T>(text: &str, parse: impl Fn(&str) -> Result<T, LineProblem>) -> Result<Vec<T>, Vec<LineError>> {
    let mut values = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match parse(line) {
            Ok(value) => values.push(value),
            Err(problem) => errors.push(LineError { line: index + 1, problem }),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

fn yes_or_no(text: &str) -> Result<bool, LineProblem> {
    match text.to_lowercase().as_str() {
        "yes" | "y" | "ja" | "j" | "true" => Ok(true),
        "no" | "n" | "nee" | "false" | "" => Ok(false),
        _ => Err(LineProblem::NotYesOrNo(text.to_owned())),
    }
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

/// `key=English label=Dutch label`; the labels may be left out.
fn parse_choice(text: &str) -> Result<FormChoice, LineProblem> {
    let mut parts = text.splitn(3, '=').map(str::trim);
    let key = parts.next().unwrap_or_default();
    if key.is_empty() {
        return Err(LineProblem::Option(text.to_owned()));
    }
    let en = parts.next().filter(|l| !l.is_empty()).unwrap_or(key);
    let nl = parts.next().unwrap_or_default();
    Ok(FormChoice { key: key.to_owned(), label: localized(en, nl) })
}

/// `field=value1,value2`.
fn parse_condition(text: &str) -> Result<Condition, LineProblem> {
    let refused = || LineProblem::Condition(text.to_owned());
    let (field, values) = text.split_once('=').ok_or_else(refused)?;
    let equals: Vec<String> = values.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect();
    if field.trim().is_empty() || equals.is_empty() {
        return Err(refused());
    }
    Ok(Condition { field: field.trim().to_owned(), equals })
}

/// The form definition's columns, in order.
const FORM_COLUMNS: usize = 8;

/// `id | kind | label en | label nl | required | private | options | visible if`.
fn parse_field(line: &str) -> Result<FormFieldDef, LineProblem> {
    let cols = columns(line);
    if cols.len() > FORM_COLUMNS {
        return Err(LineProblem::TooManyColumns { max: FORM_COLUMNS });
    }
    let col = |i: usize| cols.get(i).copied().unwrap_or_default();
    if cols.len() < 3 || col(0).is_empty() || col(1).is_empty() {
        return Err(LineProblem::TooFewColumns { needed: 3 });
    }
    let kind = FieldKind::from_id(&col(1).to_lowercase()).ok_or_else(|| LineProblem::UnknownKind(col(1).to_owned()))?;
    let options =
        col(6).split(';').map(str::trim).filter(|o| !o.is_empty()).map(parse_choice).collect::<Result<_, _>>()?;
    let visible_if = Some(col(7)).filter(|c| !c.is_empty()).map(parse_condition).transpose()?;
    Ok(FormFieldDef {
        id: col(0).to_owned(),
        kind,
        label: localized(col(2), col(3)),
        required: yes_or_no(col(4))?,
        private: yes_or_no(col(5))?,
        options,
        visible_if,
    })
}

fn form_lines(form: &Form) -> String {
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let lines = form.fields.iter().map(|field| {
        let options = field.options.iter().map(|c| {
            let mut parts = vec![c.key.clone(), text(&c.label.en)];
            if let Some(nl) = &c.label.nl {
                parts.push(nl.clone());
            }
            parts.join("=")
        });
        let condition = field.visible_if.as_ref().map(|c| format!("{}={}", c.field, c.equals.join(",")));
        line_of(vec![
            field.id.clone(),
            field.kind.id().to_owned(),
            text(&field.label.en),
            text(&field.label.nl),
            yes_no(field.required),
            yes_no(field.private),
            options.collect::<Vec<_>>().join(";"),
            condition.unwrap_or_default(),
        ])
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// `id | title | address | Dutch title`.
fn parse_licence(line: &str) -> Result<Licence, LineProblem> {
    let cols = columns(line);
    if cols.len() > 4 {
        return Err(LineProblem::TooManyColumns { max: 4 });
    }
    let col = |i: usize| cols.get(i).copied().unwrap_or_default();
    if cols.len() < 2 || col(0).is_empty() {
        return Err(LineProblem::TooFewColumns { needed: 2 });
    }
    Ok(Licence {
        id: col(0).to_owned(),
        title: localized(col(1), col(3)),
        url: Some(col(2)).filter(|u| !u.is_empty()).map(str::to_owned),
    })
}

fn licence_lines(licences: &[Licence]) -> String {
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let lines = licences
        .iter()
        .map(|l| line_of(vec![l.id.clone(), text(&l.title.en), l.url.clone().unwrap_or_default(), text(&l.title.nl)]));
    lines.collect::<Vec<_>>().join("\n")
}

/// What the item form's inputs hold, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ItemInput {
    title_en: String,
    title_nl: String,
    datasets: Vec<String>,
    licences: String,
    reviewers: String,
    deciders: String,
    entitlement_days: String,
    form: String,
}

/// Why one input of the item form is refused.
enum InputProblem {
    Line(LineError),
    Reason(Reason),
}

impl ItemInput {
    fn new() -> Self {
        Self { entitlement_days: DEFAULT_ENTITLEMENT_DAYS.to_string(), ..Self::default() }
    }

    fn posted(fields: &FormFields) -> Self {
        Self {
            title_en: fields.text("title_en"),
            title_nl: fields.text("title_nl"),
            datasets: fields.all("datasets"),
            licences: fields.text("licences"),
            reviewers: fields.text("reviewers"),
            deciders: fields.text("deciders"),
            entitlement_days: fields.text("entitlement_days"),
            form: fields.text("form"),
        }
    }

    fn of(item: &CatalogueItem) -> Self {
        Self {
            title_en: item.title.en.clone().unwrap_or_default(),
            title_nl: item.title.nl.clone().unwrap_or_default(),
            datasets: item.datasets.clone(),
            licences: licence_lines(&item.licences),
            reviewers: item.workflow.reviewers.join("\n"),
            deciders: item.workflow.deciders.join("\n"),
            entitlement_days: item.workflow.entitlement_days.to_string(),
            form: form_lines(&item.form),
        }
    }

    /// The item the inputs describe, or every input's problems (by input name).
    fn item(&self) -> Result<CatalogueItem, Vec<(&'static str, InputProblem)>> {
        let mut problems = Vec::new();
        let mut lines_of = |input: &'static str, errors: Vec<LineError>| {
            problems.extend(errors.into_iter().map(|e| (input, InputProblem::Line(e))));
        };
        let licences = parse_lines(&self.licences, parse_licence).unwrap_or_else(|e| {
            lines_of("licences", e);
            Vec::new()
        });
        let fields = parse_lines(&self.form, parse_field).unwrap_or_else(|e| {
            lines_of("form", e);
            Vec::new()
        });
        let days = self.entitlement_days.trim();
        let entitlement_days = if days.is_empty() {
            DEFAULT_ENTITLEMENT_DAYS
        } else {
            days.parse().unwrap_or_else(|_| {
                let range = Reason::NotWholeNumberInRange { min: 1, max: i64::from(MAX_ENTITLEMENT_DAYS) };
                problems.push(("entitlement_days", InputProblem::Reason(range)));
                DEFAULT_ENTITLEMENT_DAYS
            })
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(CatalogueItem {
            title: localized(&self.title_en, &self.title_nl),
            datasets: self.datasets.clone(),
            form: Form { fields },
            licences,
            workflow: Workflow {
                reviewers: addresses(&self.reviewers),
                deciders: addresses(&self.deciders),
                entitlement_days,
            },
        })
    }
}

/// The organisation that offers an item: its id (for its datasets), slug and name.
struct Holder {
    id: String,
    slug: String,
    name: String,
}

#[derive(Template)]
#[template(path = "access/item_form.html")]
struct ItemFormPage {
    ctx: PageContext,
    csrf: String,
    title: String,
    holder: String,
    holder_url: String,
    action: String,
    /// Problems that belong to no one input.
    errors: Vec<String>,
    refused: bool,
    before: Vec<FormField>,
    datasets: Vec<Choice>,
    datasets_error: Option<String>,
    after: Vec<FormField>,
    kinds: Vec<(&'static str, String)>,
    example: String,
    submit: String,
}

/// The holder's published datasets, to choose from; those chosen before stay choosable.
async fn holder_datasets(
    state: &AppState,
    lang: Language,
    holder_id: &str,
    chosen: &[String],
) -> Result<Vec<Choice>, AppError> {
    let mut choices: Vec<Choice> = Vec::new();
    let mut offset = 0;
    loop {
        let filter = ItemFilter {
            owner_id: Some(holder_id.to_owned()),
            listed_on: Some(state.today()),
            pagination: Pagination { limit: Pagination::MAX_LIMIT, offset },
            ..ItemFilter::default()
        };
        let page = state.db.list_items::<Dataset>(&filter).await?;
        choices.extend(page.items.iter().map(|item| Choice {
            value: item.slug.clone(),
            label: item.record.title.get(lang).to_owned(),
            selected: chosen.contains(&item.slug),
        }));
        offset += Pagination::MAX_LIMIT;
        if page.items.is_empty() || i64::from(offset) >= page.total {
            break;
        }
    }
    for slug in chosen {
        if !choices.iter().any(|c| c.value == *slug) {
            choices.push(Choice { value: slug.clone(), label: slug.clone(), selected: true });
        }
    }
    Ok(choices)
}

impl ItemFormPage {
    async fn new(
        state: &AppState,
        ctx: PageContext,
        auth: &Auth,
        holder: &Holder,
        editing: Option<&str>,
        input: &ItemInput,
    ) -> Result<Self, AppError> {
        let t = ctx.t.clone();
        let field = |name: &'static str, kind: &'static str, value: &str| {
            FormField::new(name, t.t(&format!("access-item-field-{}", name.replace('_', "-"))), kind).value(value)
        };
        let hint = |name: &str| t.t(&format!("access-item-hint-{name}"));
        let (title, action, submit) = match editing {
            Some(id) => (t.t("access-item-edit-title"), format!("/access/items/{id}/edit"), t.t("access-item-save")),
            None => (
                t.t("access-item-new-title"),
                format!("/organisations/{}/catalogue-items", holder.slug),
                t.t("access-item-create"),
            ),
        };
        Ok(Self {
            csrf: auth.csrf.clone(),
            title,
            holder: holder.name.clone(),
            holder_url: format!("/organisations/{}", holder.slug),
            action,
            errors: Vec::new(),
            refused: false,
            before: vec![
                field("title_en", "text", &input.title_en).hint(hint("title")),
                field("title_nl", "text", &input.title_nl),
            ],
            datasets: holder_datasets(state, t.lang, &holder.id, &input.datasets).await?,
            datasets_error: None,
            after: vec![
                field("licences", "textarea", &input.licences).hint(hint("licences")),
                field("reviewers", "textarea", &input.reviewers).hint(hint("reviewers")),
                field("deciders", "textarea", &input.deciders).hint(hint("deciders")),
                field("entitlement_days", "number", &input.entitlement_days).hint(t.t1(
                    "access-item-hint-entitlement-days",
                    "max",
                    MAX_ENTITLEMENT_DAYS.to_string(),
                )),
                field("form", "textarea", &input.form).hint(hint("form")),
            ],
            kinds: FieldKind::ALL.iter().map(|k| (k.id(), t.t(&format!("access-field-kind-{}", k.id())))).collect(),
            example: FORM_EXAMPLE.to_owned(),
            submit,
            ctx,
        })
    }

    /// Puts `message` beside the input `name`, or above the form.
    fn refuse(&mut self, name: &str, message: String) {
        self.refused = true;
        let join = |slot: &mut Option<String>| {
            *slot = Some(match slot.take() {
                Some(before) => format!("{before} {message}"),
                None => message.clone(),
            });
        };
        if name == "datasets" {
            join(&mut self.datasets_error);
        } else if let Some(field) = self.before.iter_mut().chain(self.after.iter_mut()).find(|f| f.name == name) {
            join(&mut field.error);
        } else {
            self.errors.push(message);
        }
    }

    fn refuse_input(&mut self, name: &str, problem: &InputProblem) {
        let message = match problem {
            InputProblem::Line(error) => line_message(&self.ctx.t, error),
            InputProblem::Reason(reason) => self.ctx.t.reason(reason),
        };
        self.refuse(name, message);
    }

    /// The use case's refusals beside their inputs; `None` when it is not about the input.
    fn refuse_service(&mut self, error: &ServiceError) -> Option<()> {
        for (field, reason) in refused_fields(error)? {
            let t = &self.ctx.t;
            let (name, message) = match field.strip_prefix("form.") {
                Some(id) => {
                    let mut args = fluent_bundle::FluentArgs::new();
                    args.set("id", id.to_owned());
                    args.set("reason", t.reason(&reason));
                    ("form", t.with_args("access-item-form-field", &args))
                }
                None => (item_input(&field), t.reason(&reason)),
            };
            self.refuse(name, message);
        }
        Some(())
    }

    fn respond(&self) -> Result<Response, AppError> {
        let status = if self.refused { StatusCode::BAD_REQUEST } else { StatusCode::OK };
        Ok((status, render(self)?).into_response())
    }
}

/// The input a refused field of a catalogue item is typed in.
fn item_input(field: &str) -> &'static str {
    match field {
        "title" => "title_en",
        "datasets" => "datasets",
        "licences" => "licences",
        "reviewers" => "reviewers",
        "deciders" => "deciders",
        "entitlementDays" => "entitlement_days",
        _ => "form",
    }
}

fn line_message(t: &Translator, error: &LineError) -> String {
    let problem = match &error.problem {
        LineProblem::TooFewColumns { needed } => t.t1("access-line-too-few-columns", "needed", needed.to_string()),
        LineProblem::TooManyColumns { max } => t.t1("access-line-too-many-columns", "max", max.to_string()),
        LineProblem::UnknownKind(value) => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("value", value.clone());
            args.set("kinds", FieldKind::ALL.map(FieldKind::id).join(", "));
            t.with_args("access-line-unknown-kind", &args)
        }
        LineProblem::NotYesOrNo(value) => t.t1("access-line-yes-no", "value", value.clone()),
        LineProblem::Condition(value) => t.t1("access-line-condition", "value", value.clone()),
        LineProblem::Option(value) => t.t1("access-line-option", "value", value.clone()),
    };
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("line", error.line.to_string());
    args.set("problem", problem);
    t.with_args("access-line", &args)
}

/// The example of a form definition the page explains the format with.
const FORM_EXAMPLE: &str = "about | header | About the project | Over het project\n\
summary | long-text | Project summary | Samenvatting van het project | yes\n\
cohort | option | Do you need the follow-up data? | Heeft u de follow-updata nodig? | yes | no | yes=Yes=Ja;no=No=Nee\n\
period | text | Which years? | Welke jaren? | yes | no | | cohort=yes\n\
ethics | attachment | Ethics approval | Goedkeuring METC | no | yes";

/// Each refused field of a use case's refusal with its reason; `None` for other refusals.
fn refused_fields(error: &ServiceError) -> Option<Vec<(String, Reason)>> {
    match error {
        ServiceError::Invalid(errors) => Some(errors.iter().map(|e| (e.field.to_owned(), e.reason.clone())).collect()),
        ServiceError::InvalidFields(problems) | ServiceError::Refused(Refusal::Incomplete(problems)) => {
            Some(problems.iter().map(|p| (p.field.clone(), p.reason.clone())).collect())
        }
        _ => None,
    }
}

fn holder_of(organisation: &Organisation, lang: Language) -> Holder {
    Holder {
        id: organisation.id.clone(),
        slug: organisation.slug.clone(),
        name: organisation.profile.display_name(lang).to_owned(),
    }
}

/// The item form again with every problem beside its input, or the error that is not
/// about the input.
async fn refused_item_form(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    holder: &Holder,
    editing: Option<&str>,
    input: &ItemInput,
    refusal: Result<ServiceError, Vec<(&'static str, InputProblem)>>,
) -> Result<Response, AppError> {
    let mut page = ItemFormPage::new(state, ctx, auth, holder, editing, input).await?;
    match refusal {
        Err(problems) => problems.iter().for_each(|(name, problem)| page.refuse_input(name, problem)),
        Ok(error) => {
            if page.refuse_service(&error).is_none() {
                return Err(error.into());
            }
        }
    }
    page.respond()
}

pub async fn new_item_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let organisation = organisation(&state, &slug).await?;
    auth.require(Action::ManageCatalogue, Resource::Organisation { id: &organisation.id })?;
    let holder = holder_of(&organisation, ctx.t.lang);
    ItemFormPage::new(&state, ctx, &auth, &holder, None, &ItemInput::new()).await?.respond()
}

pub async fn create_item(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let organisation = organisation(&state, &slug).await?;
    auth.require(Action::ManageCatalogue, Resource::Organisation { id: &organisation.id })?;
    let input = ItemInput::posted(&FormFields(fields));
    let refusal = match input.item() {
        Ok(item) => match service::create_catalogue_item(&state.db, &auth.caller(), &slug, item).await {
            Ok(id) => return Ok(see_other(&format!("/access/items/{id}"))),
            Err(error) => Ok(error),
        },
        Err(problems) => Err(problems),
    };
    let holder = holder_of(&organisation, ctx.t.lang);
    refused_item_form(&state, ctx, &auth, &holder, None, &input, refusal).await
}

async fn stored_item(state: &AppState, auth: &Auth, id: &str) -> Result<(StoredCatalogueItem, Holder), AppError> {
    // As in the use cases: only verified accounts manage catalogues, others learn nothing.
    auth.require(Action::TakePartInApplications, Resource::Hub)?;
    let stored = state.db.catalogue_item(id).await?.ok_or(AppError::not_found("catalogue item"))?;
    auth.require(Action::ManageCatalogue, Resource::Organisation { id: &stored.holder_id })?;
    let holder =
        Holder { id: stored.holder_id.clone(), slug: stored.holder_slug.clone(), name: stored.holder_name.clone() };
    Ok((stored, holder))
}

pub async fn edit_item_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (stored, holder) = stored_item(&state, &auth, &id).await?;
    ItemFormPage::new(&state, ctx, &auth, &holder, Some(&id), &ItemInput::of(&stored.item)).await?.respond()
}

pub async fn edit_item(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (_, holder) = stored_item(&state, &auth, &id).await?;
    let input = ItemInput::posted(&FormFields(fields));
    let refusal = match input.item() {
        Ok(item) => match service::update_catalogue_item(&state.db, &auth.caller(), &id, item).await {
            Ok(()) => return Ok(see_other(&format!("/access/items/{id}"))),
            Err(error) => Ok(error),
        },
        Err(problems) => Err(problems),
    };
    refused_item_form(&state, ctx, &auth, &holder, Some(&id), &input, refusal).await
}

// ---------------------------------------------------------------------------------------
// GET /applications, POST /applications

struct ApplicationRow {
    url: String,
    started: String,
    state: String,
    submitted: String,
    updated: String,
    yours: bool,
}

#[derive(Template)]
#[template(path = "access/applications.html")]
struct ApplicationsPage {
    ctx: PageContext,
    rows: Vec<ApplicationRow>,
}

pub async fn applications(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let summaries = service::mine(&state.db, &auth.caller()).await?;
    let user_id = auth.user.as_ref().map(|u| u.id.as_str()).unwrap_or_default();
    let moment = |at: chrono::DateTime<chrono::Utc>| ctx.moment(&at.to_rfc3339());
    let rows = summaries
        .iter()
        .map(|a| ApplicationRow {
            url: application_url(&a.id),
            started: moment(a.created_at),
            state: ctx.t.t(&format!("access-state-{}", a.state.id())),
            submitted: a.submitted_at.map(moment).unwrap_or_default(),
            updated: moment(a.last_updated),
            yours: a.applicant_id == user_id,
        })
        .collect();
    render(&ApplicationsPage { ctx, rows })
}

/// Starts an application for the posted `item`s (one or several) and opens it.
pub async fn start(
    State(state): State<AppState>,
    auth: Auth,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let items = FormFields(fields).all("item");
    let id = service::start(&state.db, &auth.caller(), &items).await?;
    Ok(see_other(&application_url(&id)))
}

// ---------------------------------------------------------------------------------------
// GET /applications/{id}: the application with every command the caller may give.

/// One input of an item's form, with the current answer.
struct AnswerInput {
    /// The posted name, `answer.{item}.{field}`, and the element's id.
    name: String,
    html_id: String,
    label: String,
    /// text, textarea, select, checkboxes, date, email, table, attachment, label or header.
    kind: &'static str,
    value: String,
    choices: Vec<Choice>,
    notes: Vec<String>,
    warning: Option<String>,
    /// The answer as one line, for those who read rather than edit.
    summary: String,
}

impl AnswerInput {
    fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.notes.is_empty() {
            ids.push(format!("{}-hint", self.html_id));
        }
        if self.warning.is_some() {
            ids.push(format!("{}-warning", self.html_id));
        }
        ids.join(" ")
    }
}

fn answer_name(item: &str, field: &str) -> String {
    format!("answer.{item}.{field}")
}

fn answer_id(item: &str, field: &str) -> String {
    format!("answer-{item}-{field}")
}

/// A table's rows: one a line, cells separated by `|`.
fn table_rows(text: &str) -> Vec<Vec<String>> {
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| columns(l).into_iter().map(str::to_owned).collect()).collect()
}

/// The answers a save-draft form posts, read by each item's form.
fn posted_answers(items: &[StoredCatalogueItem], fields: &FormFields) -> BTreeMap<String, Answers> {
    items
        .iter()
        .map(|item| {
            let answers = item
                .item
                .form
                .fields
                .iter()
                .filter(|f| f.kind.takes_answer())
                .filter_map(|field| {
                    let name = answer_name(&item.id, &field.id);
                    let answer = match field.kind {
                        FieldKind::MultiSelect => Some(Answer::Choices(fields.all(&name))),
                        FieldKind::Table => Some(Answer::Rows(table_rows(&fields.text(&name)))),
                        _ => fields.given(&name).map(Answer::Text),
                    };
                    answer.filter(|a| !a.summary().trim().is_empty()).map(|a| (field.id.clone(), a))
                })
                .collect();
            (item.id.clone(), answers)
        })
        .collect()
}

/// The text an answer fills its input with.
fn answer_text(answer: Option<&Answer>) -> String {
    match answer {
        Some(Answer::Text(text)) => text.clone(),
        Some(Answer::Rows(rows)) => rows.iter().map(|r| r.join(" | ")).collect::<Vec<_>>().join("\n"),
        Some(Answer::Choices(keys)) => keys.join(", "),
        None => String::new(),
    }
}

struct ItemSection {
    link: ItemLink,
    datasets: Vec<DatasetLink>,
    inputs: Vec<AnswerInput>,
}

struct HolderRow {
    name: String,
    url: String,
    progress: String,
}

struct Warning {
    anchor: String,
    text: String,
}

struct AssessmentView {
    dataset: DatasetLink,
    outcome: &'static str,
    outcome_label: String,
    findings: Vec<String>,
}

struct Person {
    id: String,
    name: String,
}

struct AttachmentView {
    filename: String,
    url: String,
    size: String,
}

/// A command as its own small form, with the inputs it takes.
struct ActionForm {
    command: &'static str,
    label: String,
    hint: Option<String>,
    /// The comment's label, for the commands that take one.
    comment: Option<String>,
    comment_required: bool,
    /// remark: whether the applicant's side sees it (the holder's side chooses).
    public_choice: bool,
    /// decide: approve or reject.
    decide: bool,
    /// set-holder-progress: the holders the caller handles, and the progress to set.
    holders: Vec<SelectOption>,
    progress: Vec<SelectOption>,
    /// request-review / request-decision: the addresses, filled with the workflow's.
    people: Option<String>,
}

struct EventView {
    name: String,
    actor: String,
    at: String,
    at_iso: String,
    detail: Option<String>,
    /// The comment's paragraphs.
    comment: Vec<String>,
}

struct EntitlementRow {
    user: String,
    item: String,
    item_url: String,
    application_url: String,
    start: String,
    end: String,
    standing: String,
    reason: String,
}

fn entitlement_view(t: &Translator, entitlement: &Entitlement, user: String, item: String) -> EntitlementRow {
    let day = |at: chrono::DateTime<chrono::Utc>| format::date(t.lang, at.date_naive());
    EntitlementRow {
        user,
        item,
        item_url: format!("/access/items/{}", entitlement.catalogue_item),
        application_url: application_url(&entitlement.application_id),
        start: day(entitlement.starts_at),
        end: day(entitlement.ends_at),
        standing: t.t(&format!("access-standing-{}", entitlement.standing(chrono::Utc::now()).id())),
        reason: entitlement.revoked_reason.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "access/application.html")]
struct ApplicationPage {
    ctx: PageContext,
    csrf: String,
    url: String,
    errors: Vec<String>,
    facts: Vec<Field>,
    holders: Vec<HolderRow>,
    items: Vec<ItemSection>,
    editable: bool,
    warnings: Vec<Warning>,
    purposes: Vec<Choice>,
    purpose_description: String,
    assessments: Vec<AssessmentView>,
    licences: Vec<LicenceView>,
    licences_accepted: bool,
    can_accept_licences: bool,
    applicant: Person,
    members: Vec<Person>,
    invitations: Vec<String>,
    can_invite: bool,
    can_remove_members: bool,
    attachments: Vec<AttachmentView>,
    can_attach: bool,
    attachment_hint: String,
    actions: Vec<ActionForm>,
    entitlements: Vec<EntitlementRow>,
    timeline: Vec<EventView>,
}

/// A finding of the purpose assessment in words, naming the codes it compared.
fn finding_text(t: &Translator, duo: &Duo, finding: &Finding) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    let (id, codes): (&str, Vec<(&str, &String)>) = match finding {
        Finding::NoPermissionStated => ("access-finding-no-permission-stated", vec![]),
        Finding::NoPurposeStated => ("access-finding-no-purpose-stated", vec![]),
        Finding::Permits { restriction, purpose } => {
            ("access-finding-permits", vec![("restriction", restriction), ("purpose", purpose)])
        }
        Finding::NotPermitted { purpose } => ("access-finding-not-permitted", vec![("purpose", purpose)]),
        Finding::Prohibits { restriction, purpose } => {
            ("access-finding-prohibits", vec![("restriction", restriction), ("purpose", purpose)])
        }
        Finding::DiseaseToCompare => ("access-finding-disease-to-compare", vec![]),
        Finding::Condition { restriction } => ("access-finding-condition", vec![("restriction", restriction)]),
        Finding::Declared { restriction } => ("access-finding-declared", vec![("restriction", restriction)]),
        Finding::UnknownCode { code } => ("access-finding-unknown-code", vec![("code", code)]),
    };
    for (name, code) in codes {
        args.set(name, duo.describe(code));
    }
    t.with_args(id, &args)
}

/// A refusal of the rules in the page's language.
fn refusal_message(t: &Translator, refusal: &Refusal) -> String {
    match refusal {
        Refusal::NotInThisState { state, command } => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("state", t.t(&format!("access-state-{}", state.id())));
            args.set("command", t.t(&format!("access-command-{}", command.id())));
            t.with_args("access-refusal-not-in-this-state", &args)
        }
        Refusal::Incomplete(_) => t.t("access-refusal-incomplete"),
        Refusal::LicencesNotAccepted => t.t("access-refusal-licences-not-accepted"),
        Refusal::AlreadyParty(who) => t.t1("access-refusal-already-party", "who", who.clone()),
        Refusal::NotAMember(_) => t.t("access-refusal-not-a-member"),
        Refusal::NobodyNamed => t.t("access-refusal-nobody-named"),
        Refusal::NotYourHolder(_) => t.t("access-refusal-not-your-holder"),
        Refusal::HoldersPending => t.t("access-refusal-holders-pending"),
        Refusal::NothingAvailable => t.t("access-refusal-nothing-available"),
        Refusal::CommentTooLong { max } => t.t1("access-refusal-comment-too-long", "max", max.to_string()),
        Refusal::ReasonRequired => t.t("access-refusal-reason-required"),
    }
}

/// What a refused field of an application is called on its page.
fn field_label(t: &Translator, items: &[StoredCatalogueItem], field: &str) -> String {
    let answer = items.iter().find_map(|item| {
        let field_id = field.strip_prefix(&item.id)?.strip_prefix('.')?;
        let defined = item.item.form.fields.iter().find(|f| f.id == field_id)?;
        let title = item.item.title.get(t.lang).unwrap_or_default();
        Some(format!("{title}, {}", defined.label.get(t.lang).unwrap_or(field_id)))
    });
    answer.unwrap_or_else(|| match field {
        "file" => t.t("access-attachment-file"),
        "email" => t.t("access-invite-email"),
        "approve" => t.t("access-decide-legend"),
        "reviewers" | "deciders" => t.t("access-people"),
        "holder" => t.t("access-holder"),
        "progress" => t.t("access-progress"),
        other => other.to_owned(),
    })
}

/// Why a command or an upload was refused, in words, and the status to show it with;
/// the error itself when it is not the caller's to fix on this page.
fn refusal_messages(
    t: &Translator,
    items: &[StoredCatalogueItem],
    refused: Result<ServiceError, AppError>,
) -> Result<(StatusCode, Vec<String>), AppError> {
    let labelled = |field: &str, reason: String| format!("{}: {reason}", field_label(t, items, field));
    let (messages, error) = match refused {
        Ok(error) => {
            let mut messages = Vec::new();
            if let ServiceError::Refused(refusal) = &error {
                messages.push(refusal_message(t, refusal));
            }
            let fields = refused_fields(&error).unwrap_or_default();
            messages.extend(fields.iter().map(|(field, reason)| labelled(field, t.reason(reason))));
            (messages, AppError::from(error))
        }
        Err(AppError::BadRequest(invalid)) => {
            (vec![labelled(invalid.field, t.reason(&invalid.reason))], AppError::BadRequest(invalid))
        }
        Err(error) => (Vec::new(), error),
    };
    let status = error.status();
    if status != StatusCode::BAD_REQUEST && status != StatusCode::CONFLICT {
        return Err(error);
    }
    Ok((status, if messages.is_empty() { vec![error.to_string()] } else { messages }))
}

/// The small form of each command that has no place of its own on the page.
fn action_forms(t: &Translator, auth: &Auth, view: &ApplicationView) -> Vec<ActionForm> {
    let holder_side = view.roles.iter().any(|r| r.is_holder_side());
    let handled: Vec<String> = auth.actor.user.as_ref().map(|p| p.organisations.clone()).unwrap_or_default();
    let workflow = |pick: fn(&Workflow) -> &Vec<String>| {
        let mut people: Vec<&str> = Vec::new();
        for person in view.items.iter().flat_map(|i| pick(&i.item.workflow)) {
            if !people.contains(&person.as_str()) {
                people.push(person);
            }
        }
        people.join("\n")
    };
    let mut holders: Vec<SelectOption> = Vec::new();
    for item in view.items.iter().filter(|i| handled.contains(&i.holder_id)) {
        if !holders.iter().any(|h| h.value == item.holder_slug) {
            holders.push(SelectOption::new(item.holder_slug.clone(), item.holder_name.clone(), None));
        }
    }
    let own_place = [
        CommandKind::SaveDraft,
        CommandKind::AddAttachment,
        CommandKind::InviteMember,
        CommandKind::RemoveMember,
        CommandKind::AcceptLicences,
    ];
    view.commands
        .iter()
        .filter(|c| !own_place.contains(c))
        .map(|&kind| {
            let mut form = ActionForm {
                command: kind.id(),
                label: t.t(&format!("access-command-{}", kind.id())),
                hint: None,
                comment: Some(t.t("access-comment")),
                comment_required: false,
                public_choice: false,
                decide: false,
                holders: Vec::new(),
                progress: Vec::new(),
                people: None,
            };
            match kind {
                CommandKind::Submit => {
                    form.comment = None;
                    form.hint = Some(t.t("access-submit-hint"));
                }
                CommandKind::AcceptInvitation => form.comment = None,
                CommandKind::Revoke => {
                    form.comment = Some(t.t("access-revoke-reason"));
                    form.comment_required = true;
                }
                CommandKind::Remark => {
                    form.comment = Some(t.t("access-remark-text"));
                    form.comment_required = true;
                    form.public_choice = holder_side;
                }
                CommandKind::Decide => form.decide = true,
                CommandKind::RequestReview => form.people = Some(workflow(|w| &w.reviewers)),
                CommandKind::RequestDecision => form.people = Some(workflow(|w| &w.deciders)),
                CommandKind::SetHolderProgress => {
                    form.holders =
                        holders.iter().map(|h| SelectOption::new(h.value.clone(), h.label.clone(), None)).collect();
                    form.progress = HolderProgress::ALL
                        .iter()
                        .map(|p| SelectOption::new(p.id(), t.t(&format!("access-progress-{}", p.id())), None))
                        .collect();
                }
                _ => {}
            }
            form
        })
        .collect()
}

/// What an event adds to its name in the timeline.
fn event_detail(t: &Translator, view: &ApplicationView, event: &Event) -> Option<String> {
    let name = |id: &str| view.people.get(id).cloned().unwrap_or_else(|| "—".to_owned());
    match event {
        Event::MemberInvited { email } | Event::MemberJoined { email } => Some(email.clone()),
        Event::MemberRemoved { user_id } => Some(name(user_id)),
        Event::AttachmentAdded { attachment } => Some(attachment.filename.clone()),
        Event::Decided { approve, .. } => {
            Some(t.t(if *approve { "access-decide-approve" } else { "access-decide-reject" }))
        }
        Event::Remarked { public: false, .. } => Some(t.t("access-remark-internal")),
        Event::HolderProgressed { holder, progress, .. } => {
            let holder = view.items.iter().find(|i| i.holder_id == *holder).map_or("—", |i| i.holder_name.as_str());
            Some(format!("{holder}: {}", t.t(&format!("access-progress-{}", progress.id()))))
        }
        _ => None,
    }
}

fn answer_inputs(t: &Translator, view: &ApplicationView, item: &StoredCatalogueItem) -> Vec<AnswerInput> {
    let form = &item.item.form;
    let empty = Answers::new();
    let answers = view.application.answers.get(&item.id).unwrap_or(&empty);
    form.fields
        .iter()
        .map(|field| {
            let answer = answers.get(&field.id);
            let chosen: Vec<&str> = match answer {
                Some(Answer::Choices(keys)) => keys.iter().map(String::as_str).collect(),
                Some(Answer::Text(key)) => vec![key.as_str()],
                _ => Vec::new(),
            };
            let choices: Vec<Choice> = if field.kind == FieldKind::Attachment {
                // The answer names one of the documents attached to the application.
                let attached = view.application.attachments.iter();
                attached
                    .map(|a| (&a.hash, &a.filename))
                    .map(|(hash, filename)| Choice {
                        value: hash.clone(),
                        label: filename.clone(),
                        selected: chosen.contains(&hash.as_str()),
                    })
                    .collect()
            } else {
                field
                    .options
                    .iter()
                    .map(|c| Choice {
                        value: c.key.clone(),
                        label: c.label.get(t.lang).unwrap_or(&c.key).to_owned(),
                        selected: chosen.contains(&c.key.as_str()),
                    })
                    .collect()
            };
            let mut notes = field_notes(t, form, field);
            let kind = match field.kind {
                FieldKind::Text => "text",
                FieldKind::LongText => "textarea",
                FieldKind::Option => "select",
                FieldKind::MultiSelect => "checkboxes",
                FieldKind::Date => "date",
                FieldKind::Email => "email",
                FieldKind::Attachment => "attachment",
                FieldKind::Table => {
                    let columns: Vec<String> = choices.iter().map(|c| c.label.clone()).collect();
                    notes.push(t.t1("access-table-hint", "columns", columns.join(" | ")));
                    "table"
                }
                FieldKind::Label => "label",
                FieldKind::Header => "header",
            };
            let summary = match (field.kind, answer) {
                (FieldKind::Option | FieldKind::MultiSelect | FieldKind::Attachment, Some(_)) => {
                    choices.iter().filter(|c| c.selected).map(|c| c.label.clone()).collect::<Vec<_>>().join(", ")
                }
                _ => answer_text(answer).replace('\n', "; "),
            };
            let problem = format!("{}.{}", item.id, field.id);
            let warning = view.problems.iter().find(|p| p.field == problem).map(|p| t.reason(&p.reason));
            AnswerInput {
                name: answer_name(&item.id, &field.id),
                html_id: answer_id(&item.id, &field.id),
                label: field.label.get(t.lang).unwrap_or(&field.id).to_owned(),
                kind,
                value: answer_text(answer),
                choices,
                notes,
                warning,
                summary,
            }
        })
        .collect()
}

async fn application_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    view: &ApplicationView,
    errors: Vec<String>,
) -> Result<ApplicationPage, AppError> {
    let t = &ctx.t;
    let application = &view.application;
    let duo = Duo::load(state).await?;
    let name = |id: &str| view.people.get(id).cloned().unwrap_or_else(|| "—".to_owned());
    let moment = |at: chrono::DateTime<chrono::Utc>| ctx.moment(&at.to_rfc3339());
    let can = |command: CommandKind| view.commands.contains(&command);

    let mut facts = vec![
        Field {
            label: t.t("access-state"),
            value: t.t(&format!("access-state-{}", application.state.id())),
            link: None,
        },
        Field { label: t.t("access-applicant"), value: name(&application.applicant), link: None },
        Field { label: t.t("access-started"), value: moment(application.created_at), link: None },
    ];
    if let Some(submitted) = application.submitted_at {
        facts.push(Field { label: t.t("access-submitted"), value: moment(submitted), link: None });
    }
    let roles: Vec<String> = view.roles.iter().map(|r| t.t(&format!("access-role-{}", r.id()))).collect();
    facts.push(Field { label: t.t("access-your-roles"), value: roles.join(", "), link: None });

    let mut holders: Vec<HolderRow> = Vec::new();
    let mut holder_ids: Vec<&str> = Vec::new();
    let mut items = Vec::new();
    for item in &view.items {
        if !holder_ids.contains(&item.holder_id.as_str()) {
            holder_ids.push(&item.holder_id);
            let progress = application.holder_progress.get(&item.holder_id);
            holders.push(HolderRow {
                name: item.holder_name.clone(),
                url: format!("/organisations/{}", item.holder_slug),
                progress: progress
                    .map_or_else(|| t.t("access-progress-none"), |p| t.t(&format!("access-progress-{}", p.id()))),
            });
        }
        items.push(ItemSection {
            link: ItemLink::new(item, t.lang),
            datasets: DatasetLink::all(state, t.lang, &item.item.datasets).await?,
            inputs: answer_inputs(t, view, item),
        });
    }

    let warnings = view
        .problems
        .iter()
        .map(|p| {
            let anchor = p.field.replacen('.', "-", 1);
            Warning {
                anchor: format!("answer-{anchor}"),
                text: format!("{}: {}", field_label(t, &view.items, &p.field), t.reason(&p.reason)),
            }
        })
        .collect();
    let purposes = PURPOSES
        .iter()
        .chain(std::iter::once(&NON_COMMERCIAL_DECLARATION))
        .map(|code| Choice {
            value: (*code).to_owned(),
            label: duo.describe(code),
            selected: application.purpose.codes.iter().any(|c| c == code),
        })
        .collect();
    let mut assessments = Vec::new();
    for (slug, assessment) in &view.assessments {
        // The items' datasets were read just above.
        let known = items.iter().flat_map(|i| &i.datasets).find(|d| d.url == dataset_url(slug)).cloned();
        let dataset = match known {
            Some(dataset) => dataset,
            None => DatasetLink::load(state, t.lang, slug).await?,
        };
        assessments.push(AssessmentView {
            dataset,
            outcome: assessment.outcome.id(),
            outcome_label: t.t(&format!("access-outcome-{}", assessment.outcome.id())),
            findings: assessment.findings.iter().map(|f| finding_text(t, &duo, f)).collect(),
        });
    }
    let user_id = auth.user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
    let licence_ids: Vec<String> = view.licences.iter().map(|l| l.id.clone()).collect();
    let item_title = |id: &str| {
        view.items.iter().find(|i| i.id == id).map_or_else(|| id.to_owned(), |i| ItemLink::new(i, t.lang).title)
    };
    let timeline = application
        .events
        .iter()
        .map(|recorded| EventView {
            name: t.t(&format!("access-event-{}", recorded.event.id())),
            actor: name(&recorded.actor),
            at: moment(recorded.at),
            at_iso: recorded.at.to_rfc3339(),
            detail: event_detail(t, view, &recorded.event),
            comment: recorded.event.comment().map(paragraphs).unwrap_or_default(),
        })
        .collect();
    let max_megabytes = state.site.attachment_max_bytes / 1024 / 1024;
    let mut hint = fluent_bundle::FluentArgs::new();
    hint.set("endings", lshub_domain::access::attachment::allowed_endings());
    hint.set("max", max_megabytes.to_string());
    Ok(ApplicationPage {
        csrf: auth.csrf.clone(),
        url: application_url(&application.id),
        errors,
        facts,
        holders,
        items,
        editable: can(CommandKind::SaveDraft),
        warnings,
        purposes,
        purpose_description: application.purpose.description.clone(),
        assessments,
        licences: licence_views(&view.licences, t.lang),
        licences_accepted: application.has_accepted(&user_id, &licence_ids),
        can_accept_licences: can(CommandKind::AcceptLicences),
        applicant: Person { id: application.applicant.clone(), name: name(&application.applicant) },
        members: application.members.iter().map(|id| Person { id: id.clone(), name: name(id) }).collect(),
        invitations: application.invitations.iter().cloned().collect(),
        can_invite: can(CommandKind::InviteMember),
        can_remove_members: can(CommandKind::RemoveMember),
        attachments: application
            .attachments
            .iter()
            .map(|a| AttachmentView {
                filename: a.filename.clone(),
                url: format!("{}/attachments/{}", application_url(&application.id), a.hash),
                size: format::bytes(t.lang, a.size),
            })
            .collect(),
        can_attach: can(CommandKind::AddAttachment),
        attachment_hint: t.with_args("access-attachment-hint", &hint),
        actions: action_forms(t, auth, view),
        entitlements: view
            .entitlements
            .iter()
            .map(|e| entitlement_view(t, e, name(&e.user_id), item_title(&e.catalogue_item)))
            .collect(),
        timeline,
        ctx,
    })
}

pub async fn application(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id).await?;
    render(&application_page(&state, ctx, &auth, &view, Vec::new()).await?)
}

/// The application page again, with why the command or upload was refused.
async fn refused_application(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    view: &ApplicationView,
    refused: Result<ServiceError, AppError>,
) -> Result<Response, AppError> {
    let (status, messages) = refusal_messages(&ctx.t, &view.items, refused)?;
    let page = application_page(state, ctx, auth, view, messages).await?;
    Ok((status, render(&page)?).into_response())
}

/// The posted command as the API's body, so that both read commands alike.
fn command_body(view: &ApplicationView, fields: &FormFields) -> CommandBody {
    let command = fields.text("command");
    let saving = command == CommandKind::SaveDraft.id();
    CommandBody {
        answers: saving.then(|| posted_answers(&view.items, fields)),
        purpose_codes: fields.all("purpose_codes"),
        purpose: fields.text("purpose"),
        email: fields.given("email"),
        user_id: fields.given("user_id"),
        people: addresses(&fields.text("people")),
        comment: fields.text("comment"),
        public: fields.first("public") == Some("yes"),
        approve: match fields.first("approve") {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
        holder: fields.given("holder"),
        progress: fields.given("progress"),
        command,
    }
}

pub async fn command(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    // Acting needs a verified account, whatever the application; asked before it is read.
    auth.require(Action::TakePartInApplications, Resource::Hub)?;
    let caller = auth.caller();
    let mut view = service::find(&state.db, &caller, &id).await?;
    let body = command_body(&view, &FormFields(fields));
    // A refused draft keeps what was typed.
    let typed = body.answers.clone().map(|answers| (answers, body.purpose_codes.clone(), body.purpose.clone()));
    let refused = match to_command(&state, body).await {
        Ok(command) => match service::act(&state.db, &caller, &id, command, &compose(&state)).await {
            Ok(_) => {
                mail_queued(&state);
                return Ok(see_other(&application_url(&id)));
            }
            Err(error) => Ok(error),
        },
        Err(error) => Err(error),
    };
    if let Some((answers, codes, description)) = typed {
        view.application.answers = answers;
        view.application.purpose.codes = codes;
        view.application.purpose.description = description;
    }
    refused_application(&state, ctx, &auth, &view, refused).await
}

/// The uploaded `file`; a form without one is an empty upload, which the use case refuses.
async fn read_upload(multipart: Result<Multipart, MultipartRejection>) -> Result<Upload, AppError> {
    let unreadable = |e: String| AppError::MalformedBody(format!("the upload cannot be read: {e}"));
    let mut multipart = multipart.map_err(|e| unreadable(e.body_text()))?;
    while let Some(field) = multipart.next_field().await.map_err(|e| unreadable(e.body_text()))? {
        if field.name() == Some("file") {
            let filename = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(|e| unreadable(e.body_text()))?;
            return Ok(Upload { filename, bytes: bytes.to_vec() });
        }
    }
    Ok(Upload { filename: String::new(), bytes: Vec::new() })
}

pub async fn attach(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    // Acting needs a verified account, whatever the application; asked before it is read.
    auth.require(Action::TakePartInApplications, Resource::Hub)?;
    let caller = auth.caller();
    let view = service::find(&state.db, &caller, &id).await?;
    let upload = read_upload(multipart).await?;
    let max = state.site.attachment_max_bytes;
    match service::attach(&state.db, &caller, &id, upload, max, &compose(&state)).await {
        Ok(_) => {
            mail_queued(&state);
            Ok(see_other(&application_url(&id)))
        }
        Err(error) => refused_application(&state, ctx, &auth, &view, Ok(error)).await,
    }
}

// ---------------------------------------------------------------------------------------
// GET /organisations/{slug}/entitlements

#[derive(Template)]
#[template(path = "access/entitlements.html")]
struct EntitlementsPage {
    ctx: PageContext,
    holder: String,
    holder_url: String,
    csv_url: String,
    json_url: String,
    rows: Vec<EntitlementRow>,
}

pub async fn entitlements(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let organisation = organisation(&state, &slug).await?;
    let entitlements = service::holder_entitlements(&state.db, &auth.caller(), &slug).await?;
    let t = &ctx.t;
    let items = state.db.catalogue_items(Some(&organisation.id)).await?;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut rows = Vec::with_capacity(entitlements.len());
    for entitlement in &entitlements {
        if !names.contains_key(&entitlement.user_id) {
            let user = state.db.user_by_id(&entitlement.user_id).await?;
            names.insert(entitlement.user_id.clone(), user.map_or_else(|| "—".to_owned(), |u| u.display_name));
        }
        let user = names.get(&entitlement.user_id).cloned().unwrap_or_default();
        let item = items.iter().find(|i| i.id == entitlement.catalogue_item);
        let title = item.map_or_else(|| entitlement.catalogue_item.clone(), |i| ItemLink::new(i, t.lang).title);
        rows.push(entitlement_view(t, entitlement, user, title));
    }
    let page = EntitlementsPage {
        holder: organisation.profile.display_name(t.lang).to_owned(),
        holder_url: format!("/organisations/{slug}"),
        csv_url: format!("/organisations/{slug}/entitlements.csv"),
        json_url: format!("/organisations/{slug}/entitlements.json"),
        rows,
        ctx,
    };
    render(&page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_definition_is_read_line_by_line() {
        let form = parse_lines(FORM_EXAMPLE, parse_field).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(form.len(), 5);
        assert_eq!(form[0].kind, FieldKind::Header);
        assert_eq!(
            form[1].label,
            Localized { en: Some("Project summary".into()), nl: Some("Samenvatting van het project".into()) }
        );
        assert!(form[1].required && !form[1].private);
        assert_eq!(
            form[2].options[1],
            FormChoice { key: "no".into(), label: Localized { en: Some("No".into()), nl: Some("Nee".into()) } }
        );
        assert_eq!(form[3].visible_if, Some(Condition { field: "cohort".into(), equals: vec!["yes".into()] }));
        assert!(form[4].private);
        assert_eq!(Form { fields: form }.check_definition(), vec![]);
    }

    #[test]
    fn every_refused_line_is_named_with_its_problem() {
        let text = "a | text | A\n\nb | dropdown | B\nc | text | C | | maybe\nd | option | D | | | | =x\ne | text\nf | text | F | | | | | f\n1|2|3|4|5|6|7|8|9";
        let errors = parse_lines(text, parse_field).err().unwrap_or_default();
        let problems: Vec<(usize, LineProblem)> = errors.into_iter().map(|e| (e.line, e.problem)).collect();
        assert_eq!(
            problems,
            vec![
                (3, LineProblem::UnknownKind("dropdown".into())),
                (4, LineProblem::NotYesOrNo("maybe".into())),
                (5, LineProblem::Option("=x".into())),
                (6, LineProblem::TooFewColumns { needed: 3 }),
                (7, LineProblem::Condition("f".into())),
                (8, LineProblem::TooManyColumns { max: FORM_COLUMNS }),
            ]
        );
    }

    #[test]
    fn an_item_survives_being_written_out_and_read_back() {
        let input = ItemInput {
            title_en: "Cohort".into(),
            datasets: vec!["cohort".into()],
            licences: "dua | Data use agreement | https://example.org/dua | Gebruiksovereenkomst\nterms | Terms".into(),
            reviewers: "privacy@example.org".into(),
            deciders: "dac@example.org, chair@example.org".into(),
            entitlement_days: "90".into(),
            form: FORM_EXAMPLE.into(),
            ..ItemInput::default()
        };
        let item = input.item().unwrap_or_else(|_| panic!("a valid item"));
        assert_eq!(item.workflow.deciders, vec!["dac@example.org", "chair@example.org"]);
        assert_eq!(item.licences[1].url, None);
        let again = ItemInput::of(&item).item().unwrap_or_else(|_| panic!("read back"));
        assert_eq!(again, item);
    }

    #[test]
    fn a_table_is_typed_one_row_a_line() {
        assert_eq!(table_rows("a | b\n\n c|d \n"), vec![vec!["a", "b"], vec!["c", "d"]]);
        assert_eq!(answer_text(Some(&Answer::Rows(table_rows("a | b\nc | d")))), "a | b\nc | d");
    }
}

//! Education's pages: the course catalogue (`/courses`, filtered, sorted, paged), one
//! course with the people certified to teach it (`/courses/{id}`), the learners
//! (`/learners`) and the classes (`/classes`, the class calendar: by dates, status and
//! audience). Each list shows only what its reader may see: a partner its own
//! consultants and its own trainers' classes.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use psops_core::Id;
use psops_core::code::Code;
use psops_core::education::classes::{ClassAudience, ClassSort, ClassStatus, TrainingClass, TrainingClassFilter};
use psops_core::education::courses::{Course, CourseDelivery, CourseFilter, CourseSort, CourseState};
use psops_core::education::learners::{Learner, LearnerFilter, LearnerOrg, LearnerSort};
use psops_core::education::trainers::{CourseTrainer, CourseTrainerFilter, CourseTrainerSort};
use psops_core::people::Person;
use psops_core::policy::{Action, class_scope, course_trainer_scope, learner_scope};
use psops_core::store::{RecordStore, Records as _};

use super::edit::may_edit;
use super::filters::{Pairs, day, label, names_of, options, path_id, subject};
use super::layout::frame;
use super::listing::{Cell, Filter, Tab, tabs, view};
use super::render::UiError;
use super::session::SignedIn;
use super::table::{self, Col, col, num};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;

/// The education section's tabs; the report only for those who read it.
pub(super) fn education_tabs(here: &str, s: &psops_core::policy::Subject) -> Vec<Tab> {
    let mut all = vec![
        ("/classes", "Classes"),
        ("/courses", "Courses"),
        ("/learners", "Learners"),
    ];
    if super::education_report::sees_education_report(s) {
        all.push(("/education/report", "Report"));
    }
    tabs(all, here)
}

fn choices(list: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    list.into_iter().map(|(c, l)| (c.to_string(), l)).collect()
}

fn sort_hidden(p: &Pairs) -> Vec<(&'static str, String)> {
    ["sort", "dir"]
        .into_iter()
        .filter_map(|k| p.get(k).map(|v| (k, v.to_string())))
        .collect()
}

fn plain(label: &'static str) -> Col<CourseSort> {
    Col {
        label,
        key: None,
        num: false,
        extra: false,
    }
}

/// `GET /courses`: the course catalogue.
pub async fn courses(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let mut e = Params::new();
    let at = table::read::<CourseSort>(&mut e, &p);
    let filter = CourseFilter {
        sku_id: None,
        delivery: e.code("delivery", p.get("delivery")),
        state: e.code("state", p.get("state")),
        q: p.get("q").map(str::to_string),
        archived: Some(false),
    };
    let found = st.store.sorted(&filter, at).await?;
    let mut v = view(
        frame(&me, &s),
        "Courses",
        "/courses",
        table::pager("/courses", &p, &at, found.total),
    );
    v.section = "Training";
    v.tabs = education_tabs("/courses", &s);
    v.intro = Some(
        "What classes teach, each sold as a catalog SKU. A course moves one step at a time through \
         its development; only a course in production is scheduled."
            .into(),
    );
    if may_edit::<Course>(&s) {
        v.actions.push(("/courses/new".into(), "New course"));
    }
    v.filters = vec![
        Filter::text("q", "Search", p.text("q"), "Part of the name"),
        Filter::select("state", "State", p.text("state"), choices(options::<CourseState>())),
        Filter::select(
            "delivery",
            "Delivery",
            p.text("delivery"),
            choices(options::<CourseDelivery>()),
        ),
    ];
    v.hidden = sort_hidden(&p);
    v.table_id = "courses-table";
    v.errors = e.into_errors();
    v.columns = table::head(
        "/courses",
        &p,
        &at,
        vec![
            col("Course", CourseSort::Name),
            col("State", CourseSort::State),
            col("Delivery", CourseSort::Delivery),
            num("Days", CourseSort::Days),
            plain("Version"),
        ],
    );
    v.rows = found
        .items
        .iter()
        .map(|c| {
            vec![
                Cell::link(c.fields.name.clone(), format!("/courses/{}", c.id)),
                Cell::pill(label(c.fields.state.code()), c.fields.state.code()),
                Cell::text(label(c.fields.delivery.code())),
                Cell::num(c.fields.duration_days.to_string()),
                Cell::text(c.fields.course_version.clone()),
            ]
        })
        .collect();
    v.empty = "No courses match.".into();
    v.respond(&headers)
}

/// `GET /courses/{id}`: one course and the people certified to teach it.
pub async fn course(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let id: Id<Course> = Id::new(path_id(&id)?);
    let c: Course = RecordStore::<Course>::get(&*st.store, id).await?;
    allow(&st, &s, Action::Read, &c).await?;
    let mut e = Params::new();
    let at = table::read::<CourseTrainerSort>(&mut e, &p);
    let filter = CourseTrainerFilter {
        course_id: Some(id),
        archived: Some(false),
        scope: course_trainer_scope(&s),
        ..Default::default()
    };
    let found = st.store.sorted(&filter, at).await?;
    let people = names_of::<Person>(&st, found.items.iter().map(|t| t.fields.person_id)).await?;
    let path = format!("/courses/{id}");
    let mut v = view(
        frame(&me, &s),
        c.fields.name.clone(),
        path.clone(),
        table::pager(&path, &p, &at, found.total),
    );
    v.section = "Training";
    v.back = Some(("/courses".into(), "Courses".into()));
    v.intro = Some(format!(
        "{} · {} · {} day(s) · version {}{}",
        label(c.fields.state.code()),
        label(c.fields.delivery.code()),
        c.fields.duration_days,
        c.fields.course_version,
        c.fields
            .outline
            .as_deref()
            .map(|o| format!(" · Outline: {}", o.lines().collect::<Vec<_>>().join("; ")))
            .unwrap_or_default()
    ));
    if may_edit::<Course>(&s) {
        v.actions.push((format!("/courses/{id}/edit"), "Edit course"));
    }
    if may_edit::<CourseTrainer>(&s) {
        v.actions
            .push((format!("/course-trainers/new?course={id}"), "Certify a trainer"));
    }
    if may_edit::<psops_core::certifications::trainer_paths::TrainerCandidacy>(&s) {
        v.actions
            .push((format!("/trainer-paths/new?course={id}"), "Open a trainer path"));
    }
    if c.fields.schedulable() && may_edit::<TrainingClass>(&s) {
        v.actions
            .push((format!("/classes/new?course={id}"), "Schedule a class"));
    }
    v.hidden = sort_hidden(&p);
    v.table_id = "trainers-table";
    v.errors = e.into_errors();
    v.columns = table::head(
        &path,
        &p,
        &at,
        vec![
            Col {
                label: "Certified trainer",
                key: None,
                num: false,
                extra: false,
            },
            Col {
                label: "Path",
                key: None,
                num: false,
                extra: false,
            },
            col("Certified on", CourseTrainerSort::Certified),
            col("Expires on", CourseTrainerSort::Expires),
        ],
    );
    let editor = may_edit::<CourseTrainer>(&s);
    v.rows = found
        .items
        .iter()
        .map(|t| {
            let who = people
                .get(&t.fields.person_id.get())
                .cloned()
                .unwrap_or_else(|| format!("person #{}", t.fields.person_id));
            vec![
                Cell::maybe_link(who, editor.then(|| format!("/course-trainers/{}/edit", t.id))),
                Cell::text(label(t.fields.path.code())),
                Cell::text(day(Some(t.fields.certified_on))),
                Cell::text(day(t.fields.expires_on)),
            ]
        })
        .collect();
    v.empty = "Nobody is certified to teach this course yet.".into();
    v.respond(&headers)
}

/// `GET /learners`: the people taking training.
pub async fn learners(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let mut e = Params::new();
    let at = table::read::<LearnerSort>(&mut e, &p);
    let filter = LearnerFilter {
        organisation: e.code("organisation", p.get("organisation")),
        q: p.get("q").map(str::to_string),
        archived: Some(false),
        scope: learner_scope(&s),
        ..Default::default()
    };
    let found = st.store.sorted(&filter, at).await?;
    let mut v = view(
        frame(&me, &s),
        "Learners",
        "/learners",
        table::pager("/learners", &p, &at, found.total),
    );
    v.section = "Training";
    v.tabs = education_tabs("/learners", &s);
    let editor = may_edit::<Learner>(&s);
    if editor {
        v.actions.push(("/learners/new".into(), "New learner"));
    }
    v.filters = vec![
        Filter::text("q", "Search", p.text("q"), "Name or e-mail"),
        Filter::select(
            "organisation",
            "Organisation",
            p.text("organisation"),
            choices(options::<LearnerOrg>()),
        ),
    ];
    v.hidden = sort_hidden(&p);
    v.table_id = "learners-table";
    v.errors = e.into_errors();
    v.columns = table::head(
        "/learners",
        &p,
        &at,
        vec![
            col("Learner", LearnerSort::Name),
            col("E-mail", LearnerSort::Email),
            col("Organisation", LearnerSort::Organisation),
            Col {
                label: "Number",
                key: None,
                num: true,
                extra: false,
            },
        ],
    );
    v.rows = found
        .items
        .iter()
        .map(|l| {
            vec![
                Cell::maybe_link(
                    l.fields.name.clone(),
                    editor.then(|| format!("/learners/{}/edit", l.id)),
                ),
                Cell::text(l.fields.email.clone().unwrap_or_default()),
                Cell::text(label(l.fields.organisation.code())),
                Cell::num(format!("#{}", l.id)),
            ]
        })
        .collect();
    v.empty = "No learners match.".into();
    v.respond(&headers)
}

/// `GET /classes`: the class calendar, by dates.
pub async fn classes(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let mut e = Params::new();
    let at = table::read::<ClassSort>(&mut e, &p);
    let filter = TrainingClassFilter {
        status: e.code("status", p.get("status")),
        audience: e.code("audience", p.get("audience")),
        from: e.date("from", p.get("from")),
        to: e.date("to", p.get("to")),
        archived: Some(false),
        scope: class_scope(&s),
        ..Default::default()
    };
    let found = st.store.sorted(&filter, at).await?;
    let courses = names_of::<Course>(&st, found.items.iter().map(|c| c.fields.course_id)).await?;
    let trainers = names_of::<Person>(&st, found.items.iter().map(|c| c.fields.trainer_id)).await?;
    let mut v = view(
        frame(&me, &s),
        "Classes",
        "/classes",
        table::pager("/classes", &p, &at, found.total),
    );
    v.section = "Training";
    v.tabs = education_tabs("/classes", &s);
    if may_edit::<TrainingClass>(&s) {
        v.actions.push(("/classes/new".into(), "Schedule a class"));
    }
    v.filters = vec![
        Filter::select("status", "Status", p.text("status"), choices(options::<ClassStatus>())),
        Filter::select(
            "audience",
            "Audience",
            p.text("audience"),
            choices(options::<ClassAudience>()),
        ),
        Filter::date("from", "Running from", p.text("from")),
        Filter::date("to", "Running until", p.text("to")),
    ];
    v.hidden = sort_hidden(&p);
    v.table_id = "classes-table";
    v.errors = e.into_errors();
    let plain = |label| Col {
        label,
        key: None,
        num: false,
        extra: false,
    };
    v.columns = table::head(
        "/classes",
        &p,
        &at,
        vec![
            col("Starts", ClassSort::Start),
            col("Ends", ClassSort::End),
            plain("Course"),
            plain("Trainer"),
            col("Audience", ClassSort::Audience),
            col("Status", ClassSort::Status),
            Col {
                label: "Seats",
                key: None,
                num: true,
                extra: false,
            },
        ],
    );
    let name =
        |m: &std::collections::HashMap<i64, String>, id: i64| m.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    v.rows = found
        .items
        .iter()
        .map(|c| {
            vec![
                Cell::link(day(Some(c.fields.start_date)), format!("/classes/{}", c.id)),
                Cell::text(day(Some(c.fields.end_date))),
                Cell::link(name(&courses, c.fields.course_id.get()), format!("/classes/{}", c.id)),
                Cell::text(name(&trainers, c.fields.trainer_id.get())),
                Cell::text(label(c.fields.audience.code())),
                Cell::pill(label(c.status.code()), c.status.code()),
                Cell::num(c.fields.seats().to_string()),
            ]
        })
        .collect();
    v.empty = "No classes match.".into();
    v.respond(&headers)
}

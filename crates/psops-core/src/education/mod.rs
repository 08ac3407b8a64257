//! Education services: the people who take training (learners), the courses they take
//! (each a catalog SKU with its development state), the people certified to teach a
//! course, the classes that deliver one on dates with a roster, and the training service
//! partners held to the programme's terms. See
//! `docs/education.md`.

pub mod class_surveys;
pub mod classes;
pub mod courses;
pub mod enrolments;
pub mod learners;
pub mod report;
pub mod roster_csv;
pub mod trainers;
pub mod tsp;
pub mod workflow;

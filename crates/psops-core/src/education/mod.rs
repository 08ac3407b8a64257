//! Education services: the people who take training (learners), the courses they take
//! (each a catalog SKU with its development state), the people certified to teach a
//! course, and the classes that deliver one on dates with a roster. See
//! `docs/education.md`.

pub mod courses;
pub mod learners;
pub mod trainers;

//! Working with partner organisations: their status and onboarding checklist, their
//! contacts, and the vetting of their consultants before customer work. The partner
//! record itself is `crate::partners`; the per-person skills and certifications vetting
//! reads are `crate::skills`, which every person has.

pub mod contacts;
pub mod onboarding;
pub mod vetting;
pub mod vetting_state;

/// Writes the `Record` impl of a kind created under a parent from the path (a partner's
/// contact, a person's skill), like contacts under an account: `$new` carries the
/// parent's id, `$filter` lists one parent's records.
#[macro_export]
macro_rules! child_record {
    ($record:ty, $entity:ident, $new:ty, $fields:ty, $patch:ty, $filter:ty, $sort:ty) => {
        impl $crate::record::Record for $record {
            const ENTITY: $crate::record::Entity = $crate::record::Entity::$entity;
            type New = $new;
            type Fields = $fields;
            type Patch = $patch;
            type Filter = $filter;
            type Sort = $sort;
            fn id(&self) -> $crate::Id<Self> {
                self.id
            }
            fn meta(&self) -> &$crate::meta::Meta {
                &self.meta
            }
            fn fields(&self) -> &$fields {
                &self.fields
            }
            fn validate(fields: &$fields) -> $crate::Result<()> {
                fields.validate()
            }
            fn patched(&self, patch: $patch) -> $fields {
                patch.apply(self.fields.clone())
            }
        }

        impl $crate::record::NewRecord for $new {
            type Record = $record;
            fn fields(&self) -> &$fields {
                &self.fields
            }
        }

        impl $crate::record::ListFilter for $filter {
            type Record = $record;
            fn archived(&self) -> Option<bool> {
                self.archived
            }
        }
    };
}

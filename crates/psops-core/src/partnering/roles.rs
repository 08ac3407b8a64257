//! Which roles a partner's consultant may fill: staffing considers vetted consultants
//! of active partners for the roles their vetting track fits. The handbook checks
//! internal capacity before a partner is used; staffing's suggestions and plan do.

use crate::people::Function;

/// Whether a partner consultant of `function` may fill a request for `role`: the same
/// function, or a consultant without a more precise function (`partner_consultant`) for
/// a role of the vetting track it is vetted on.
pub fn partner_fits(function: Function, role: Function, settings: &super::vetting::VettingSettings) -> bool {
    function == role
        || (function == Function::PartnerConsultant
            && settings
                .track(Function::PartnerConsultant)
                .is_some_and(|t| t.functions.contains(&role)))
}

/// Every role a partner consultant of `function` may fill (see [`partner_fits`]).
pub fn partner_roles(function: Function, settings: &super::vetting::VettingSettings) -> Vec<Function> {
    <Function as strum::VariantArray>::VARIANTS
        .iter()
        .copied()
        .filter(|r| partner_fits(function, *r, settings))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generic_partner_consultant_fits_the_roles_of_their_track() {
        let s = super::super::vetting::VettingSettings::default();
        assert!(partner_fits(Function::PartnerConsultant, Function::Engineer, &s));
        assert!(!partner_fits(Function::PartnerConsultant, Function::ProjectManager, &s));
        assert!(partner_fits(Function::ProjectManager, Function::ProjectManager, &s));
    }
}

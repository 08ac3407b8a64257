//! What the money reports group projects by: account, manager, region and the offering a
//! project delivers — the first offering its latest live signed SOW's estimate sells, its
//! type and category; a project no SOW made counts under the category its type implies.
//! The forecast reads the same: every offering that SOW sold and the accuracy class their
//! types give.

use std::collections::HashMap;

use psops_core::Result;
use psops_core::finance::forecast::Class;
use psops_core::finance::margin::ProjectTags;
use psops_core::projects::{ProjectId, ProjectType};
use psops_core::scoping::pricing::LineInput;

use crate::db::{Pools, sql};

pub(crate) async fn tags(pools: &Pools) -> Result<HashMap<ProjectId, ProjectTags>> {
    let projects = sql(
        "SELECT p.id, p.name, p.project_type, a.id AS account_id, a.name AS account_name, a.region, \
         m.id AS manager_id, m.name AS manager_name \
         FROM projects p LEFT JOIN accounts a ON a.id = p.account_id \
         LEFT JOIN people m ON m.id = p.project_manager_id",
    );
    let sows = sql(
        "SELECT s.project_id, e.lines FROM sows s JOIN estimates e ON e.id = s.estimate_id \
         WHERE s.project_id IS NOT NULL AND s.signed_at IS NOT NULL AND s.archived_at IS NULL ORDER BY s.id",
    );
    let catalog = sql(
        "SELECT s.id AS sku_id, o.id AS offering_id, o.name AS offering, t.name AS type_name, t.category \
         FROM skus s JOIN offerings o ON o.id = s.offering_id JOIN offering_types t ON t.id = o.type_id",
    );
    let (projects, sows, catalog) = tokio::try_join!(pools.all(projects), pools.all(sows), pools.all(catalog))?;
    let mut offering_of_sku: HashMap<i64, Offering> = HashMap::new();
    for r in &catalog {
        let sku: i64 = r.get("sku_id")?;
        offering_of_sku.insert(
            sku,
            (
                r.get::<i64>("offering_id")?,
                r.get::<String>("offering")?,
                r.get::<String>("type_name")?,
                r.get::<String>("category")?,
            ),
        );
    }
    // The latest signed SOW of a project that sells from the catalog says what it
    // delivers now.
    let mut delivered: HashMap<i64, Sold> = HashMap::new();
    for r in &sows {
        let project: i64 = r.get("project_id")?;
        let lines: Vec<LineInput> = r.json("lines")?;
        let sold: Vec<&Offering> = lines
            .iter()
            .filter_map(|l| match l {
                LineInput::Sku { sku_id, .. } => offering_of_sku.get(&sku_id.get()),
                _ => None,
            })
            .collect();
        if sold.is_empty() {
            continue;
        }
        let mut names: Vec<&str> = Vec::new();
        for o in &sold {
            if !names.contains(&o.1.as_str()) {
                names.push(&o.1);
            }
        }
        delivered.insert(
            project,
            Sold {
                first: sold.first().map(|&o| o.clone()),
                names: (!names.is_empty()).then(|| names.join(" + ")),
                class: Class::of_types(sold.iter().map(|o| o.2.as_str())),
            },
        );
    }
    let mut out = HashMap::with_capacity(projects.len());
    for r in &projects {
        let id: ProjectId = r.id("id")?;
        let kind: ProjectType = r.code("project_type")?;
        let sold = delivered.get(&id.get());
        let offering = sold.and_then(|s| s.first.as_ref());
        let pair = |id: Option<i64>, name: Option<String>| id.zip(name);
        out.insert(
            id,
            ProjectTags {
                name: r.get("name")?,
                account: pair(r.get("account_id")?, r.get("account_name")?),
                manager: pair(r.get("manager_id")?, r.get("manager_name")?),
                region: r.get("region")?,
                offering: offering.map(|(id, name, ..)| (*id, name.clone())),
                offering_type: offering.map(|(_, _, t, _)| t.clone()),
                category: offering.map(|(.., c)| category_word(c)).or(match kind {
                    ProjectType::Consulting | ProjectType::Both => Some("Consulting".into()),
                    ProjectType::Training => Some("Education".into()),
                    ProjectType::Internal => None,
                }),
                offerings: sold.and_then(|s| s.names.clone()),
                class: sold.map_or(Class::Standard, |s| s.class),
            },
        );
    }
    Ok(out)
}

/// An offering as a SKU line names it: id, name, type name, category code.
type Offering = (i64, String, String, String);

/// What a project's latest signed SOW sold.
struct Sold {
    first: Option<Offering>,
    names: Option<String>,
    class: Class,
}

/// A stored category code (`consulting`) as the reports name it (`Consulting`).
fn category_word(code: &str) -> String {
    psops_core::finance::margin::words(code)
}

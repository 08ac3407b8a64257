//! What the money reports group projects by: account, manager, region and the offering a
//! project delivers — the first offering its signed SOW's estimate sells, its type and
//! category; a project no SOW made counts under the category its type implies.

use std::collections::HashMap;

use psops_core::Result;
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
         WHERE s.project_id IS NOT NULL AND s.signed_at IS NOT NULL ORDER BY s.id",
    );
    let catalog = sql(
        "SELECT s.id AS sku_id, o.id AS offering_id, o.name AS offering, t.name AS type_name, t.category \
         FROM skus s JOIN offerings o ON o.id = s.offering_id JOIN offering_types t ON t.id = o.type_id",
    );
    let (projects, sows, catalog) = tokio::try_join!(pools.all(projects), pools.all(sows), pools.all(catalog))?;
    let mut offering_of_sku = HashMap::new();
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
    let mut delivered: HashMap<i64, (i64, String, String, String)> = HashMap::new();
    for r in &sows {
        let project: i64 = r.get("project_id")?;
        let lines: Vec<LineInput> = r.json("lines")?;
        let first = lines.iter().find_map(|l| match l {
            LineInput::Sku { sku_id, .. } => offering_of_sku.get(&sku_id.get()).cloned(),
            _ => None,
        });
        // The latest signed SOW of a project says what it delivers now.
        if let Some(o) = first {
            delivered.insert(project, o);
        }
    }
    let mut out = HashMap::with_capacity(projects.len());
    for r in &projects {
        let id: ProjectId = r.id("id")?;
        let kind: ProjectType = r.code("project_type")?;
        let offering = delivered.get(&id.get());
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
            },
        );
    }
    Ok(out)
}

/// A stored category code (`consulting`) as the reports name it (`Consulting`).
fn category_word(code: &str) -> String {
    psops_core::finance::margin::words(code)
}

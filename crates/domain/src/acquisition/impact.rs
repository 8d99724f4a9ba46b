//! The public side of joint acquisition: how many companies landed per year and sector, and
//! the jobs they stated. Only counts leave the pipeline; no company, partner or note does.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Stage;

/// What the counts are made of: one landed lead, without anything that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Landed<'a> {
    pub stage: Stage,
    pub year: Option<i32>,
    pub sector: &'a str,
    pub jobs: Option<u32>,
}

/// Companies landed and jobs stated for one year and sector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpactRow {
    pub year: i32,
    pub sector: String,
    pub companies: u64,
    pub jobs: u64,
}

/// The public counts: per year and sector (newest year first), and the totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Impact {
    pub rows: Vec<ImpactRow>,
    pub companies: u64,
    pub jobs: u64,
}

/// Counts the landed leads among `leads`; the others are not counted at all.
pub fn count<'a>(leads: impl IntoIterator<Item = Landed<'a>>) -> Impact {
    let mut groups: BTreeMap<(std::cmp::Reverse<i32>, &str), (u64, u64)> = BTreeMap::new();
    for lead in leads {
        let (Stage::Landed, Some(year)) = (lead.stage, lead.year) else { continue };
        let group = groups.entry((std::cmp::Reverse(year), lead.sector)).or_default();
        group.0 += 1;
        group.1 += u64::from(lead.jobs.unwrap_or(0));
    }
    let rows: Vec<ImpactRow> = groups
        .into_iter()
        .map(|((year, sector), (companies, jobs))| ImpactRow {
            year: year.0,
            sector: sector.to_owned(),
            companies,
            jobs,
        })
        .collect();
    Impact { companies: rows.iter().map(|r| r.companies).sum(), jobs: rows.iter().map(|r| r.jobs).sum(), rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_landed_leads_count_by_year_and_sector() {
        let lead = |stage, year, sector, jobs| Landed { stage, year, sector, jobs };
        let impact = count([
            lead(Stage::Landed, Some(2025), "medtech", Some(40)),
            lead(Stage::Landed, Some(2025), "medtech", None),
            lead(Stage::Landed, Some(2026), "biotech", Some(12)),
            lead(Stage::Proposal, None, "biotech", Some(500)),
            lead(Stage::Lost, None, "pharma", Some(70)),
        ]);
        assert_eq!(
            impact.rows,
            [
                ImpactRow { year: 2026, sector: "biotech".into(), companies: 1, jobs: 12 },
                ImpactRow { year: 2025, sector: "medtech".into(), companies: 2, jobs: 40 },
            ]
        );
        assert_eq!((impact.companies, impact.jobs), (3, 52));
    }
}

//! The cluster's vacancy figures: per sector (the kind of the organisation that posted),
//! how many vacancies were posted, are open and were filled, and the median time to fill.

use chrono::NaiveDate;
use serde::Serialize;

/// A vacancy as the figures see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedVacancy {
    /// The owning organisation's kind.
    pub sector: String,
    pub posted_on: NaiveDate,
    pub filled_on: Option<NaiveDate>,
    /// Whether it is listed on the day the figures are for.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SectorVacancies {
    pub sector: String,
    pub posted: i64,
    pub open: i64,
    pub filled: i64,
    /// Days from posting to filling, the median over the filled ones.
    pub median_days_to_fill: Option<f64>,
}

/// The figures per sector, most vacancies posted first.
pub fn by_sector(vacancies: &[PostedVacancy]) -> Vec<SectorVacancies> {
    let mut sectors: Vec<&str> = vacancies.iter().map(|v| v.sector.as_str()).collect();
    sectors.sort_unstable();
    sectors.dedup();
    let mut figures: Vec<SectorVacancies> = sectors
        .into_iter()
        .map(|sector| {
            let of_sector: Vec<&PostedVacancy> = vacancies.iter().filter(|v| v.sector == sector).collect();
            let mut days: Vec<i64> = of_sector
                .iter()
                .filter_map(|v| v.filled_on.map(|filled| (filled - v.posted_on).num_days().max(0)))
                .collect();
            SectorVacancies {
                sector: sector.to_owned(),
                posted: count(of_sector.len()),
                open: count(of_sector.iter().filter(|v| v.open).count()),
                filled: count(days.len()),
                median_days_to_fill: median(&mut days),
            }
        })
        .collect();
    figures.sort_by(|a, b| b.posted.cmp(&a.posted).then_with(|| a.sector.cmp(&b.sector)));
    figures
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn median(values: &mut [i64]) -> Option<f64> {
    values.sort_unstable();
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[middle] as f64),
        _ => Some((values[middle - 1] + values[middle]) as f64 / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vacancy(sector: &str, posted: u32, filled: Option<u32>, open: bool) -> PostedVacancy {
        let day = |d: u32| NaiveDate::from_ymd_opt(2027, 1, d).expect("a day");
        PostedVacancy { sector: sector.into(), posted_on: day(posted), filled_on: filled.map(day), open }
    }

    #[test]
    fn each_sector_counts_its_vacancies_and_the_median_days_to_fill() {
        let figures = by_sector(&[
            vacancy("education", 1, Some(11), false),
            vacancy("education", 1, Some(21), false),
            vacancy("education", 5, None, true),
            vacancy("company", 1, Some(4), false),
            vacancy("company", 2, None, false),
            vacancy("company", 3, Some(10), false),
            vacancy("company", 3, Some(30), false),
        ]);
        assert_eq!(figures[0].sector, "company", "most posted first");
        assert_eq!((figures[0].posted, figures[0].open, figures[0].filled), (4, 0, 3));
        assert_eq!(figures[0].median_days_to_fill, Some(7.0), "the middle of 3, 7 and 27");
        assert_eq!((figures[1].posted, figures[1].open, figures[1].filled), (3, 1, 2));
        assert_eq!(figures[1].median_days_to_fill, Some(15.0), "between 10 and 20");
        assert_eq!(by_sector(&[vacancy("other", 1, None, true)])[0].median_days_to_fill, None);
    }
}

//! How quickly a holder answers access requests, published beside the European Health Data
//! Space's benchmark: a decision within two months, which may be extended by two more.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::application::{Application, Event};

/// The EHDS's time for a decision, in days (two months), and with its extension (four).
pub const EHDS_DECISION_DAYS: f64 = 61.0;
pub const EHDS_EXTENDED_DECISION_DAYS: f64 = 122.0;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HolderFigures {
    /// Applications submitted to the holder.
    pub received: usize,
    /// Of those, with a decision.
    pub decided: usize,
    pub median_days_to_first_response: Option<f64>,
    pub median_days_to_decision: Option<f64>,
    /// Decisions within the EHDS's two months, and within its extended four.
    pub decided_within_benchmark: usize,
    pub decided_within_extended_benchmark: usize,
}

fn days(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds() as f64 / 86_400.0
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// An answer from the holder's side that the applicant sees.
fn responds(application: &Application, actor: &str, event: &Event) -> bool {
    let from_holder_side = actor != application.applicant && !application.members.contains(actor);
    from_holder_side
        && matches!(
            event,
            Event::Returned { .. }
                | Event::Approved { .. }
                | Event::Rejected { .. }
                | Event::HolderProgressed { .. }
                | Event::Remarked { public: true, .. }
        )
}

/// The figures of one holder over the applications that involve it.
pub fn holder_figures<'a>(applications: impl IntoIterator<Item = &'a Application>) -> HolderFigures {
    let mut figures = HolderFigures::default();
    let (mut to_response, mut to_decision) = (Vec::new(), Vec::new());
    for application in applications {
        let Some(submitted) = application.submitted_at else { continue };
        figures.received += 1;
        if let Some(first) = application.events.iter().find(|e| responds(application, &e.actor, &e.event)) {
            to_response.push(days(submitted, first.at));
        }
        let decision =
            application.events.iter().find(|e| matches!(e.event, Event::Approved { .. } | Event::Rejected { .. }));
        if let Some(decision) = decision {
            let took = days(submitted, decision.at);
            figures.decided += 1;
            figures.decided_within_benchmark += usize::from(took <= EHDS_DECISION_DAYS);
            figures.decided_within_extended_benchmark += usize::from(took <= EHDS_EXTENDED_DECISION_DAYS);
            to_decision.push(took);
        }
    }
    figures.median_days_to_first_response = median(to_response);
    figures.median_days_to_decision = median(to_decision);
    figures
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::access::application::Recorded;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0).single().unwrap_or_default()
    }

    fn application(log: &[(&str, u32, Event)]) -> Application {
        let mut events = vec![Recorded {
            seq: 1,
            actor: "applicant".into(),
            at: at(1),
            event: Event::Created { catalogue_items: vec![], holders: vec!["h".into()] },
        }];
        for (i, (actor, day, event)) in log.iter().enumerate() {
            events.push(Recorded { seq: i as i64 + 2, actor: (*actor).into(), at: at(*day), event: event.clone() });
        }
        Application::replay("a", events).unwrap_or_else(|| panic!("created"))
    }

    #[test]
    fn medians_count_from_the_first_submission() {
        let remark = |public| Event::Remarked { comment: "?".into(), public };
        let a = application(&[
            ("applicant", 2, Event::Submitted),
            ("applicant", 3, remark(true)),
            ("handler", 4, remark(false)),
            ("handler", 6, Event::Returned { comment: String::new() }),
            ("applicant", 7, Event::Submitted),
            ("handler", 12, Event::Approved { comment: String::new() }),
        ]);
        let b = application(&[
            ("applicant", 2, Event::Submitted),
            ("handler", 4, Event::Rejected { comment: String::new() }),
        ]);
        let draft = application(&[]);
        let figures = holder_figures([&a, &b, &draft]);
        assert_eq!(figures.received, 2);
        assert_eq!(figures.median_days_to_first_response, Some(3.0));
        assert_eq!(figures.median_days_to_decision, Some(6.0));
        assert_eq!(figures.decided_within_benchmark, 2);
    }
}

//! How an evaluation is said to a person: the one-sentence summary and who is paid.

use crate::funding::rules::Text;
use crate::model::Money;

use super::result::*;

impl Evaluation {
    /// One sentence with the decision and the amount, given the scheme's label and the labels of
    /// the schemes that may pay the remainder.
    pub fn summary(&self, scheme: &str, payers: &[String]) -> Text {
        let (paid_nl, paid_en) = paid_to_text(self.paid_to);
        match self.decision {
            Decision::Eligible => match &self.amounts {
                Some(a) => {
                    let (rest_nl, rest_en) = if a.remainder_cents > 0 && !payers.is_empty() {
                        (
                            format!(
                                "; de rest ({}) kan komen van: {}",
                                Money::from(a.remainder_cents).nl(),
                                payers.join(", ")
                            ),
                            format!(
                                "; the rest ({}) may come from: {}",
                                Money::from(a.remainder_cents).en(),
                                payers.join(", ")
                            ),
                        )
                    } else if a.remainder_cents > 0 {
                        (
                            format!("; de rest is {}", Money::from(a.remainder_cents).nl()),
                            format!("; the rest is {}", Money::from(a.remainder_cents).en()),
                        )
                    } else {
                        (String::new(), String::new())
                    };
                    Text::new(
                        format!(
                            "In aanmerking voor {scheme}: {} van {}, betaald aan {paid_nl}{rest_nl}.",
                            Money::from(a.scheme_cents).nl(),
                            Money::from(a.cost_cents).nl()
                        ),
                        format!(
                            "Eligible for {scheme}: {} of {}, paid to {paid_en}{rest_en}.",
                            Money::from(a.scheme_cents).en(),
                            Money::from(a.cost_cents).en()
                        ),
                    )
                }
                None => Text::new(format!("In aanmerking voor {scheme}."), format!("Eligible for {scheme}.")),
            },
            Decision::NotEligible => {
                let failed: Vec<&str> = self
                    .trace
                    .iter()
                    .filter(|t| t.outcome == Outcome::Failed)
                    .map(|t| t.condition_id.as_str())
                    .collect();
                Text::new(
                    format!("Niet in aanmerking voor {scheme}: niet voldaan aan {}.", failed.join(", ")),
                    format!("Not eligible for {scheme}: not met: {}.", failed.join(", ")),
                )
            }
            Decision::Unknown if self.needs_course => {
                let open: Vec<&str> = self
                    .trace
                    .iter()
                    .filter(|t| t.outcome == Outcome::Unknown && !t.missing.contains(&Fact::Course))
                    .map(|t| t.condition_id.as_str())
                    .collect();
                let (also_nl, also_en) = if open.is_empty() {
                    (
                        "aan de voorwaarden voor de persoon is voldaan".to_string(),
                        "the conditions about the person are met".to_string(),
                    )
                } else {
                    (format!("nog onbekend bij {}", open.join(", ")), format!("still unknown for {}", open.join(", ")))
                };
                Text::new(
                    format!("{scheme} heeft een opleiding nodig om te toetsen; {also_nl}."),
                    format!("{scheme} needs a course to be checked; {also_en}."),
                )
            }
            Decision::Unknown => {
                let open: Vec<&str> = self
                    .trace
                    .iter()
                    .filter(|t| t.outcome == Outcome::Unknown)
                    .map(|t| t.condition_id.as_str())
                    .collect();
                let (most_nl, most_en) = match &self.amounts {
                    Some(a) => (
                        format!("; hooguit {}", Money::from(a.scheme_cents).nl()),
                        format!("; at most {}", Money::from(a.scheme_cents).en()),
                    ),
                    None => (String::new(), String::new()),
                };
                Text::new(
                    format!("Nog niet te zeggen of {scheme} kan: onbekend bij {}{most_nl}.", open.join(", ")),
                    format!("Cannot tell yet whether {scheme} applies: unknown for {}{most_en}.", open.join(", ")),
                )
            }
        }
    }
}

/// Who is paid, in Dutch and English.
pub fn paid_to_text(paid_to: crate::funding::rules::PaidTo) -> (&'static str, &'static str) {
    use crate::funding::rules::PaidTo;
    match paid_to {
        PaidTo::Provider => ("de opleider", "the training provider"),
        PaidTo::Person => ("de persoon zelf", "the person"),
        PaidTo::Employer => ("de werkgever", "the employer"),
        PaidTo::Adviser => ("de ontwikkeladviseur", "the career adviser"),
    }
}

//! The facts about a person that funding rules read, validated at the edge.
//!
//! Every fact is optional: a missing fact is not "no" but "unknown", and a rule that needs it
//! answers "unknown" and names it (so a client knows which question to ask). Facts arrive with a
//! request and live only for its evaluation: they are never stored or logged.

use super::rules::{MAX_CENTS, Problem};
use crate::model::{Date, EducationLevel, LabourStatus};

/// The person facts as a request states them, before validation. Empty strings mean "unknown".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonInput {
    pub age: Option<i64>,
    pub birth_date: String,
    pub labour_market_tie: Option<bool>,
    pub belastingplichtig: Option<bool>,
    pub volksverzekerd: Option<bool>,
    pub labour_status: String,
    pub highest_education: String,
    pub studiefinanciering_for_course: Option<bool>,
    pub lerarenbeurs_for_course: Option<bool>,
    pub tegemoetkoming_for_course: Option<bool>,
    pub already_granted_this_year_cents: Option<i64>,
}

/// Validated person facts; `None` = unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonFacts {
    /// Age in whole years on the request date.
    pub age: Option<u32>,
    /// Lets age rules be decided to the day (the AOW age has months in it).
    pub birth_date: Option<Date>,
    /// A tie to the Dutch labour market, as the person or adviser states it.
    pub labour_market_tie: Option<bool>,
    /// Liable to Dutch tax: counts as a tie to the labour market (004 fn 19, L227-230).
    pub belastingplichtig: Option<bool>,
    /// Insured for the Dutch volksverzekeringen: counts as a tie too (004 fn 19).
    pub volksverzekerd: Option<bool>,
    pub labour_status: Option<LabourStatus>,
    /// Highest completed education.
    pub education: Option<EducationLevel>,
    /// Entitled to studiefinanciering *for the course in question* (the STAP exclusion is per
    /// course, 004 L252-256).
    pub studiefinanciering: Option<bool>,
    /// Receives a lerarenbeurs for the course.
    pub lerarenbeurs: Option<bool>,
    /// Entitled to a tegemoetkoming onderwijsbijdrage en schoolkosten for the course.
    pub tegemoetkoming: Option<bool>,
    /// What the scheme in question already granted this person in the calendar year of the
    /// request date, in euro cents.
    pub already_granted_this_year_cents: Option<u64>,
}

/// The oldest age accepted.
pub const MAX_AGE: i64 = 130;

impl PersonFacts {
    /// Validates `input` for a request dated `date`. Problems name fields as `{prefix}.{field}`.
    /// Without a (valid) date, the checks that compare with it are skipped.
    pub fn parse(input: &PersonInput, date: Option<Date>, prefix: &str) -> Result<PersonFacts, Vec<Problem>> {
        let mut problems = Vec::new();
        let field = |name: &str| format!("{prefix}.{name}");
        let age = match input.age {
            Some(a) if !(0..=MAX_AGE).contains(&a) => {
                problems.push((field("age"), format!("must be 0–{MAX_AGE} years, not {a}")));
                None
            }
            other => other.map(|a| a as u32),
        };
        let birth_date = if input.birth_date.is_empty() {
            None
        } else {
            match input.birth_date.parse::<Date>() {
                Ok(birth) if date.is_some_and(|date| birth > date) => {
                    problems.push((field("birth_date"), format!("{birth} lies after the request date")));
                    None
                }
                Ok(birth) => Some(birth),
                Err(e) => {
                    problems.push((field("birth_date"), e.to_string()));
                    None
                }
            }
        };
        if let (Some(age), Some(birth), Some(date)) = (age, birth_date, date) {
            let actual = super::aow::age_on(birth, date);
            if actual != age as i32 {
                problems.push((
                    field("age"),
                    format!("{age} does not match birth_date {birth}, which makes {actual} on {date}"),
                ));
            }
        }
        let labour_status = vocabulary(
            &input.labour_status,
            &field("labour_status"),
            LabourStatus::parse,
            LabourStatus::ALL,
            &mut problems,
        );
        let education = vocabulary(
            &input.highest_education,
            &field("highest_education"),
            EducationLevel::parse,
            EducationLevel::ALL,
            &mut problems,
        );
        let already_granted_this_year_cents = match input.already_granted_this_year_cents {
            Some(c) if !(0..=MAX_CENTS).contains(&c) => {
                problems
                    .push((field("already_granted_this_year_cents"), format!("must be 0–{MAX_CENTS} cents, not {c}")));
                None
            }
            other => other.map(|c| c as u64),
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(PersonFacts {
            age,
            birth_date,
            labour_market_tie: input.labour_market_tie,
            belastingplichtig: input.belastingplichtig,
            volksverzekerd: input.volksverzekerd,
            labour_status,
            education,
            studiefinanciering: input.studiefinanciering_for_course,
            lerarenbeurs: input.lerarenbeurs_for_course,
            tegemoetkoming: input.tegemoetkoming_for_course,
            already_granted_this_year_cents,
        })
    }

    /// Whole years of age on `date`: from the birth date when known, else the stated age.
    pub fn age_on(&self, date: Date) -> Option<u32> {
        match self.birth_date {
            Some(birth) => u32::try_from(super::aow::age_on(birth, date)).ok(),
            None => self.age,
        }
    }
}

/// Parses an optional value of a closed vocabulary; empty = unknown.
fn vocabulary<T: Copy + std::fmt::Display>(
    raw: &str,
    field: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    problems: &mut Vec<Problem>,
) -> Option<T> {
    if raw.is_empty() {
        return None;
    }
    let parsed = parse(raw);
    if parsed.is_none() {
        let expected: Vec<String> = all.iter().map(|v| v.to_string()).collect();
        let shown: String = raw.chars().take(40).collect();
        problems
            .push((field.to_string(), format!("unknown value `{shown}`, expected one of: {}", expected.join(", "))));
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> Date {
        "2022-09-05".parse().unwrap()
    }

    #[test]
    fn valid_facts_parse_and_missing_ones_stay_unknown() {
        let input = PersonInput {
            age: Some(30),
            highest_education: "mbo4".into(),
            labour_market_tie: Some(true),
            ..Default::default()
        };
        let facts = PersonFacts::parse(&input, Some(date()), "person").unwrap();
        assert_eq!(facts.age, Some(30));
        assert_eq!(facts.education, Some(EducationLevel::Mbo4));
        assert_eq!(facts.studiefinanciering, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = PersonInput {
            age: Some(-1),
            birth_date: "2030-01-01".into(),
            highest_education: "universiteit".into(),
            labour_status: "werkloos".into(),
            already_granted_this_year_cents: Some(-100),
            ..Default::default()
        };
        let problems = PersonFacts::parse(&input, Some(date()), "person").unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "person.age",
                "person.birth_date",
                "person.labour_status",
                "person.highest_education",
                "person.already_granted_this_year_cents"
            ]
        );
        assert!(problems[3].1.contains("mbo4"), "{problems:?}");
    }

    #[test]
    fn age_and_birth_date_must_agree() {
        let input = PersonInput { age: Some(40), birth_date: "1990-01-01".into(), ..Default::default() };
        let problems = PersonFacts::parse(&input, Some(date()), "person").unwrap_err();
        assert_eq!(problems[0].0, "person.age");
        assert!(problems[0].1.contains("makes 32"), "{problems:?}");
    }
}

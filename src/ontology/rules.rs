//! The rules of a funding scheme in a bundle: the JSON rows the bundle importer deserializes
//! ([`RulesRow`], `docs/bundle-format.md`, section *funding_schemes*) and [`build`], which checks
//! what serde cannot (parameters that fit the condition's kind, ordered dates, shares up to
//! 100 %, …), names the field of every problem and yields the validated
//! [`crate::model::rules::SchemeRules`] that the evaluator (`crate::funding`) reads.

use serde::Deserialize;

use crate::model::rules::*;
use crate::model::{
    CredentialKind, Date, EducationLevel, EducationType, LabourStatus, PolicySource, QualityMark, Register, Sector,
    parse_id,
};

// ---------------------------------------------------------------------------------------------
// Rows: the JSON form in a bundle line. Unknown fields are rejected, so a misspelt parameter is an
// error naming the field rather than a silently ignored rule.

/// `rules` of a funding-scheme line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesRow {
    #[serde(default)]
    conditions: Vec<ConditionRow>,
    #[serde(default)]
    amounts: Vec<AmountRow>,
    payment: PaymentRow,
    combination: Option<CombinationRow>,
    #[serde(default)]
    tijdvakken: Vec<TijdvakRow>,
    #[serde(default)]
    compartments: Vec<CompartmentRow>,
    #[serde(default)]
    notices: Vec<NoticeRow>,
}

/// One condition. `kind` says which of the parameter fields it takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionRow {
    id: String,
    kind: ConditionKind,
    source: PolicySource,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    min_years: Option<i64>,
    below: Option<AgeLimitRow>,
    level: Option<EducationLevel>,
    statuses: Option<Vec<LabourStatus>>,
    expected: Option<bool>,
    finance: Option<Vec<PublicFinance>>,
    register: Option<Register>,
    marks: Option<Vec<QualityMark>>,
    kinds: Option<Vec<CredentialKind>>,
    types: Option<Vec<EducationType>>,
    cents: Option<i64>,
    max: Option<i64>,
    party: Option<Party>,
    applicants: Option<Vec<Applicant>>,
    sectors: Option<Vec<Sector>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum AgeLimitRow {
    Years(i64),
    Named(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AmountRow {
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    share_percent: Option<i64>,
    shares_by_nlqf_level: Option<Vec<LevelShareRow>>,
    cap_per_person_per_year_cents: Option<i64>,
    cap_per_application_cents: Option<i64>,
    source: PolicySource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelShareRow {
    levels: Vec<i64>,
    share_percent: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentRow {
    paid_to: PaidTo,
    source: PolicySource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CombinationRow {
    with: Vec<String>,
    source: PolicySource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TijdvakRow {
    id: String,
    from: Date,
    to: Date,
    budget_cents: Option<i64>,
    exhausted_on: Option<Date>,
    source: PolicySource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextRow {
    nl: String,
    en: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompartmentRow {
    id: String,
    label: TextRow,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    budget_cents: Option<i64>,
    conditions: Vec<ConditionRow>,
    source: PolicySource,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeRow {
    id: String,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    #[serde(default)]
    conditions: Vec<ConditionRow>,
    text: TextRow,
    source: PolicySource,
}

/// A problem with the rules: the field (a path below `rules`) and why.
pub type Problem = (String, String);

/// The largest amount of money accepted anywhere in the rules (€ 10 billion): far above any real
/// budget, and small enough that sums of cents never overflow.
pub const MAX_CENTS: i64 = 1_000_000_000_000;

/// Checks a rules row and builds the validated rules. Problems name their field as a path from
/// `rules` (`rules.conditions[2].below`); with any problem the rules are not usable.
pub fn build(row: RulesRow) -> (SchemeRules, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    let conditions: Vec<Condition> = row
        .conditions
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| condition(c, &format!("rules.conditions[{i}]"), &mut ids, &mut problems))
        .collect();
    let validity_checks = conditions.iter().filter(|c| c.test == Test::DateWithinValidity).count();
    if validity_checks != 1 {
        problems.push((
            "rules.conditions".into(),
            format!(
                "the rules need exactly one `date_within_validity` condition (so every answer checks the scheme's \
                 life span with its source), not {validity_checks}"
            ),
        ));
    }

    let mut amounts = Vec::new();
    for (i, a) in row.amounts.into_iter().enumerate() {
        let field = format!("rules.amounts[{i}]");
        let percent = |name: String, value: i64, problems: &mut Vec<Problem>| -> u32 {
            if !(0..=100).contains(&value) {
                problems.push((name, format!("must be 0–100, not {value}")));
            }
            value.clamp(0, 100) as u32
        };
        let mut shares_by_nlqf_level = Vec::new();
        for (j, s) in a.shares_by_nlqf_level.iter().flatten().enumerate() {
            let share_field = format!("{field}.shares_by_nlqf_level[{j}]");
            let share_percent = percent(format!("{share_field}.share_percent"), s.share_percent, &mut problems);
            if s.levels.is_empty() || s.levels.iter().any(|l| !(1..=8).contains(l)) {
                problems.push((format!("{share_field}.levels"), "list NLQF levels 1–8, at least one".into()));
            }
            let levels: Vec<u8> = s.levels.iter().map(|l| (*l).clamp(1, 8) as u8).collect();
            let earlier: &Vec<LevelShare> = &shares_by_nlqf_level;
            if levels.iter().any(|l| earlier.iter().any(|e| e.levels.contains(l))) {
                problems.push((format!("{share_field}.levels"), "a level has one share; it is listed twice".into()));
            }
            shares_by_nlqf_level.push(LevelShare { levels, share_percent });
        }
        let share_percent = match (a.share_percent, shares_by_nlqf_level.is_empty()) {
            (Some(value), true) => percent(format!("{field}.share_percent"), value, &mut problems),
            (None, false) => shares_by_nlqf_level.iter().map(|s| s.share_percent).max().unwrap_or(0),
            (Some(_), false) => {
                problems.push((
                    format!("{field}.share_percent"),
                    "give `share_percent` or `shares_by_nlqf_level`, not both".into(),
                ));
                0
            }
            (None, true) => {
                problems.push((
                    format!("{field}.share_percent"),
                    "an amount needs `share_percent` or `shares_by_nlqf_level`".into(),
                ));
                0
            }
        };
        let cap = |name: &str, value: Option<i64>, problems: &mut Vec<Problem>| -> Option<u64> {
            match value {
                Some(v) if v <= 0 || v > MAX_CENTS => {
                    problems.push((format!("{field}.{name}"), format!("must be 1–{MAX_CENTS} cents, not {v}")));
                    None
                }
                other => other.map(|v| v as u64),
            }
        };
        let cap_per_person_per_year_cents =
            cap("cap_per_person_per_year_cents", a.cap_per_person_per_year_cents, &mut problems);
        let cap_per_application_cents = cap("cap_per_application_cents", a.cap_per_application_cents, &mut problems);
        amounts.push(AmountRule {
            applies: period(&field, a.valid_from, a.valid_to, &mut problems),
            share_percent,
            shares_by_nlqf_level,
            cap_per_person_per_year_cents,
            cap_per_application_cents,
            source: a.source,
        });
    }
    for i in 1..amounts.len() {
        for j in 0..i {
            if overlap(&amounts[i].applies, &amounts[j].applies) {
                problems.push((
                    format!("rules.amounts[{i}]"),
                    format!("its period overlaps that of amounts[{j}]: one amount rule applies on a date"),
                ));
            }
        }
    }
    let has_yearly_cap = amounts.iter().any(|a| a.cap_per_person_per_year_cents.is_some());
    let has_cap_check = conditions.iter().any(|c| c.test == Test::AnnualCapNotReached);
    if has_yearly_cap && !has_cap_check {
        problems.push((
            "rules.conditions".into(),
            "an amount has a yearly cap per person, so the rules need an `annual_cap_not_reached` condition".into(),
        ));
    }
    if has_cap_check && !has_yearly_cap {
        problems.push((
            "rules.amounts".into(),
            "`annual_cap_not_reached` needs an amount with `cap_per_person_per_year_cents`".into(),
        ));
    }

    let by_level = amounts.iter().any(|a| !a.shares_by_nlqf_level.is_empty());
    let has_level_check = conditions.iter().any(|c| c.test == Test::NlqfLevelShare);
    if by_level && !has_level_check {
        problems.push((
            "rules.conditions".into(),
            "an amount pays a share by NLQF level, so the rules need an `nlqf_level_share` condition".into(),
        ));
    }
    if has_level_check && !by_level {
        problems
            .push(("rules.amounts".into(), "`nlqf_level_share` needs an amount with `shares_by_nlqf_level`".into()));
    }

    let mut combines_with = Vec::new();
    let combination_source = row.combination.map(|c| {
        for (i, raw) in c.with.iter().enumerate() {
            match parse_id(raw) {
                Ok(id) => combines_with.push(id),
                Err(e) => problems.push((format!("rules.combination.with[{i}]"), format!("`{raw}`: {e}"))),
            }
        }
        c.source
    });

    let mut tijdvakken: Vec<Tijdvak> = Vec::new();
    let mut tijdvak_ids = std::collections::BTreeSet::new();
    for (i, t) in row.tijdvakken.into_iter().enumerate() {
        let field = format!("rules.tijdvakken[{i}]");
        slug(&format!("{field}.id"), &t.id, &mut tijdvak_ids, &mut problems);
        if t.to <= t.from {
            problems.push((format!("{field}.to"), format!("{} is not after from {}", t.to, t.from)));
        }
        if let Some(day) = t.exhausted_on {
            if day < t.from || day >= t.to {
                problems.push((format!("{field}.exhausted_on"), format!("{day} is outside the tijdvak")));
            }
        }
        if let Some(previous) = tijdvakken.last() {
            if t.from < previous.to {
                problems.push((
                    format!("{field}.from"),
                    format!("tijdvakken must be in date order without overlap; this one starts before {}", previous.to),
                ));
            }
        }
        let budget_cents = money(&format!("{field}.budget_cents"), t.budget_cents, &mut problems);
        tijdvakken.push(Tijdvak {
            id: t.id,
            from: t.from,
            to: t.to,
            budget_cents,
            exhausted_on: t.exhausted_on,
            source: t.source,
        });
    }
    let has_window_check = conditions.iter().any(|c| c.test == Test::ApplicationWindowOpen);
    if !tijdvakken.is_empty() && !has_window_check {
        problems.push((
            "rules.tijdvakken".into(),
            "tijdvakken are given, so the rules need an `application_window_open` condition".into(),
        ));
    }
    if has_window_check && tijdvakken.is_empty() {
        problems.push(("rules.tijdvakken".into(), "`application_window_open` needs at least one tijdvak".into()));
    }

    let mut compartments = Vec::new();
    for (i, c) in row.compartments.into_iter().enumerate() {
        let field = format!("rules.compartments[{i}]");
        slug(&format!("{field}.id"), &c.id, &mut ids, &mut problems);
        let conditions = c
            .conditions
            .into_iter()
            .enumerate()
            .filter_map(|(j, row)| condition(row, &format!("{field}.conditions[{j}]"), &mut ids, &mut problems))
            .collect();
        compartments.push(Compartment {
            id: c.id,
            label: text(c.label),
            applies: period(&field, c.valid_from, c.valid_to, &mut problems),
            budget_cents: money(&format!("{field}.budget_cents"), c.budget_cents, &mut problems),
            conditions,
            source: c.source,
        });
    }

    let mut notices = Vec::new();
    for (i, n) in row.notices.into_iter().enumerate() {
        let field = format!("rules.notices[{i}]");
        slug(&format!("{field}.id"), &n.id, &mut ids, &mut problems);
        let conditions = n
            .conditions
            .into_iter()
            .enumerate()
            .filter_map(|(j, row)| condition(row, &format!("{field}.conditions[{j}]"), &mut ids, &mut problems))
            .collect();
        if n.text.nl.trim().is_empty() {
            problems.push((format!("{field}.text.nl"), "empty text".into()));
        }
        let applies = period(&field, n.valid_from, n.valid_to, &mut problems);
        notices.push(Notice { id: n.id, applies, conditions, text: text(n.text), source: n.source });
    }
    for (field, list) in [("compartments", compartments.iter().map(|c| &c.conditions).collect::<Vec<_>>())]
        .into_iter()
        .chain([("notices", notices.iter().map(|n| &n.conditions).collect::<Vec<_>>())])
    {
        for (i, conditions) in list.into_iter().enumerate() {
            for (j, c) in conditions.iter().enumerate() {
                if matches!(
                    c.test,
                    Test::DateWithinValidity
                        | Test::ApplicationWindowOpen
                        | Test::AnnualCapNotReached
                        | Test::NlqfLevelShare
                ) {
                    problems.push((
                        format!("rules.{field}[{i}].conditions[{j}].kind"),
                        format!("`{}` belongs to the scheme's own conditions", c.test.kind()),
                    ));
                }
            }
        }
    }

    let rules = SchemeRules {
        conditions,
        amounts,
        paid_to: row.payment.paid_to,
        paid_to_source: row.payment.source,
        combines_with,
        combination_source,
        tijdvakken,
        compartments,
        notices,
    };
    (rules, problems)
}

fn text(row: TextRow) -> Text {
    let en = row.en.filter(|e| !e.trim().is_empty()).unwrap_or_else(|| row.nl.clone());
    Text { nl: row.nl, en }
}

fn money(field: &str, value: Option<i64>, problems: &mut Vec<Problem>) -> Option<u64> {
    match value {
        Some(v) if !(0..=MAX_CENTS).contains(&v) => {
            problems.push((field.to_string(), format!("must be 0–{MAX_CENTS} cents, not {v}")));
            None
        }
        other => other.map(|v| v as u64),
    }
}

fn period(field: &str, from: Option<Date>, to: Option<Date>, problems: &mut Vec<Problem>) -> Period {
    if let (Some(from), Some(to)) = (from, to) {
        if to <= from {
            problems.push((format!("{field}.valid_to"), format!("valid_to {to} is not after valid_from {from}")));
        }
    }
    Period { from, to }
}

fn overlap(a: &Period, b: &Period) -> bool {
    let starts_before_b_ends = match (a.from, b.to) {
        (Some(from), Some(to)) => from < to,
        _ => true,
    };
    let b_starts_before_a_ends = match (b.from, a.to) {
        (Some(from), Some(to)) => from < to,
        _ => true,
    };
    starts_before_b_ends && b_starts_before_a_ends
}

/// Checks an id is a slug (`a-z`, `0-9`, `-`) not used before in the scheme.
fn slug(field: &str, id: &str, seen: &mut std::collections::BTreeSet<String>, problems: &mut Vec<Problem>) {
    let valid = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        problems.push((field.to_string(), format!("`{id}` is not a slug (a-z, 0-9 and -, at most 64 characters)")));
    } else if !seen.insert(id.to_string()) {
        problems.push((field.to_string(), format!("id `{id}` is used twice in this scheme")));
    }
}

/// The parameter fields of a condition row, by name, with whether each is present.
fn given_parameters(row: &ConditionRow) -> [(&'static str, bool); 15] {
    [
        ("min_years", row.min_years.is_some()),
        ("below", row.below.is_some()),
        ("level", row.level.is_some()),
        ("statuses", row.statuses.is_some()),
        ("expected", row.expected.is_some()),
        ("finance", row.finance.is_some()),
        ("register", row.register.is_some()),
        ("marks", row.marks.is_some()),
        ("kinds", row.kinds.is_some()),
        ("types", row.types.is_some()),
        ("cents", row.cents.is_some()),
        ("max", row.max.is_some()),
        ("party", row.party.is_some()),
        ("applicants", row.applicants.is_some()),
        ("sectors", row.sectors.is_some()),
    ]
}

/// The parameters a kind takes (all required, except for `age_between` where at least one is).
fn allowed_parameters(kind: ConditionKind) -> &'static [&'static str] {
    match kind {
        ConditionKind::AgeBetween => &["min_years", "below"],
        ConditionKind::LabourStatusAny => &["statuses"],
        ConditionKind::MaxEducationLevel | ConditionKind::MinEducationLevel => &["level"],
        ConditionKind::HasStartkwalificatie => &["expected"],
        ConditionKind::NotExcludedBy => &["finance"],
        ConditionKind::CourseInRegisterAtStart => &["register"],
        ConditionKind::ProviderHasQualityMarkAny => &["marks"],
        ConditionKind::CredentialKindAny => &["kinds"],
        ConditionKind::CourseEducationTypeAny => &["types"],
        ConditionKind::CoursePriceAtLeast => &["cents"],
        ConditionKind::MaxGrantsPerCourse => &["max"],
        ConditionKind::ApprovalBy => &["party"],
        ConditionKind::ApplicantAny => &["applicants"],
        ConditionKind::CourseInOntwikkelpad => &["sectors"],
        ConditionKind::NlqfLevelShare
        | ConditionKind::DateWithinValidity
        | ConditionKind::LabourMarketTie
        | ConditionKind::EvcNotSupported
        | ConditionKind::VervolgjaarNotSupported
        | ConditionKind::AnnualCapNotReached
        | ConditionKind::ApplicationWindowOpen => &[],
    }
}

/// The longest age any rule may name.
const MAX_AGE_YEARS: i64 = 130;

fn condition(
    row: ConditionRow,
    field: &str,
    ids: &mut std::collections::BTreeSet<String>,
    problems: &mut Vec<Problem>,
) -> Option<Condition> {
    let before = problems.len();
    slug(&format!("{field}.id"), &row.id, ids, problems);
    let allowed = allowed_parameters(row.kind);
    for (name, given) in given_parameters(&row) {
        if given && !allowed.contains(&name) {
            problems.push((format!("{field}.{name}"), format!("not a parameter of `{}`", row.kind)));
        }
    }
    let missing = |name: &str, problems: &mut Vec<Problem>| {
        problems.push((format!("{field}.{name}"), format!("`{}` needs `{name}`", row.kind)));
    };
    let non_empty = |name: &str, len: Option<usize>, problems: &mut Vec<Problem>| {
        if len == Some(0) {
            problems.push((format!("{field}.{name}"), "must list at least one value".to_string()));
        }
    };
    let test = match row.kind {
        ConditionKind::DateWithinValidity => Some(Test::DateWithinValidity),
        ConditionKind::AgeBetween => {
            let min_years = match row.min_years {
                Some(y) if !(0..=MAX_AGE_YEARS).contains(&y) => {
                    problems.push((format!("{field}.min_years"), format!("must be 0–{MAX_AGE_YEARS}, not {y}")));
                    None
                }
                other => other.map(|y| y as u32),
            };
            let below = match &row.below {
                None => None,
                Some(AgeLimitRow::Years(y)) if (1..=MAX_AGE_YEARS).contains(y) => Some(AgeLimit::Years(*y as u32)),
                Some(AgeLimitRow::Years(y)) => {
                    problems.push((format!("{field}.below"), format!("must be 1–{MAX_AGE_YEARS} years, not {y}")));
                    None
                }
                Some(AgeLimitRow::Named(name)) if name == "aow_age" => Some(AgeLimit::AowAge),
                Some(AgeLimitRow::Named(name)) => {
                    problems.push((
                        format!("{field}.below"),
                        format!("`{name}` is neither a number of years nor `aow_age`"),
                    ));
                    None
                }
            };
            if row.min_years.is_none() && row.below.is_none() {
                problems
                    .push((format!("{field}.min_years"), "`age_between` needs `min_years`, `below` or both".into()));
            }
            if let (Some(min), Some(AgeLimit::Years(limit))) = (min_years, below) {
                if limit <= min {
                    problems.push((format!("{field}.below"), format!("{limit} is not above min_years {min}")));
                }
            }
            Some(Test::AgeBetween { min_years, below })
        }
        ConditionKind::LabourMarketTie => Some(Test::LabourMarketTie),
        ConditionKind::LabourStatusAny => {
            non_empty("statuses", row.statuses.as_ref().map(Vec::len), problems);
            row.statuses.clone().map(Test::LabourStatusAny)
        }
        ConditionKind::MaxEducationLevel => row.level.map(Test::MaxEducationLevel),
        ConditionKind::MinEducationLevel => row.level.map(Test::MinEducationLevel),
        ConditionKind::HasStartkwalificatie => row.expected.map(Test::HasStartkwalificatie),
        ConditionKind::NotExcludedBy => {
            non_empty("finance", row.finance.as_ref().map(Vec::len), problems);
            row.finance.clone().map(Test::NotExcludedBy)
        }
        ConditionKind::CourseInRegisterAtStart => row.register.map(Test::CourseInRegisterAtStart),
        ConditionKind::ProviderHasQualityMarkAny => {
            non_empty("marks", row.marks.as_ref().map(Vec::len), problems);
            row.marks.clone().map(Test::ProviderHasQualityMarkAny)
        }
        ConditionKind::CredentialKindAny => {
            non_empty("kinds", row.kinds.as_ref().map(Vec::len), problems);
            row.kinds.clone().map(Test::CredentialKindAny)
        }
        ConditionKind::CourseEducationTypeAny => {
            non_empty("types", row.types.as_ref().map(Vec::len), problems);
            row.types.clone().map(Test::CourseEducationTypeAny)
        }
        ConditionKind::CoursePriceAtLeast => match row.cents {
            Some(c) if !(1..=MAX_CENTS).contains(&c) => {
                problems.push((format!("{field}.cents"), format!("must be 1–{MAX_CENTS} cents, not {c}")));
                None
            }
            other => other.map(|c| Test::CoursePriceAtLeast(c as u64)),
        },
        ConditionKind::EvcNotSupported => Some(Test::EvcNotSupported),
        ConditionKind::VervolgjaarNotSupported => Some(Test::VervolgjaarNotSupported),
        ConditionKind::MaxGrantsPerCourse => match row.max {
            Some(m) if !(1..=i64::from(u32::MAX)).contains(&m) => {
                problems.push((format!("{field}.max"), format!("must be a positive whole number, not {m}")));
                None
            }
            other => other.map(|m| Test::MaxGrantsPerCourse(m as u32)),
        },
        ConditionKind::AnnualCapNotReached => Some(Test::AnnualCapNotReached),
        ConditionKind::ApplicationWindowOpen => Some(Test::ApplicationWindowOpen),
        ConditionKind::ApprovalBy => row.party.map(Test::ApprovalBy),
        ConditionKind::ApplicantAny => {
            non_empty("applicants", row.applicants.as_ref().map(Vec::len), problems);
            row.applicants.clone().map(Test::ApplicantAny)
        }
        ConditionKind::CourseInOntwikkelpad => {
            non_empty("sectors", row.sectors.as_ref().map(Vec::len), problems);
            row.sectors.clone().map(Test::CourseInOntwikkelpad)
        }
        ConditionKind::NlqfLevelShare => Some(Test::NlqfLevelShare),
    };
    if test.is_none() && row.kind != ConditionKind::AgeBetween {
        for name in allowed {
            let present = given_parameters(&row).iter().any(|(n, given)| n == name && *given);
            if !present {
                missing(name, problems);
            }
        }
    }
    let applies = period(field, row.valid_from, row.valid_to, problems);
    if problems.len() > before {
        return None;
    }
    test.map(|test| Condition { id: row.id, test, applies, source: row.source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(json: &str) -> (SchemeRules, Vec<Problem>) {
        let row: RulesRow = serde_json::from_str(json).unwrap();
        build(row)
    }

    const SOURCE: &str = r#"{"document": "brief", "date": "2022-09-23", "reference": "L1"}"#;

    fn with_conditions(conditions: &str) -> String {
        format!(
            r#"{{"conditions": [{{"id": "looptijd", "kind": "date_within_validity", "source": {SOURCE}}}{conditions}],
               "payment": {{"paid_to": "provider", "source": {SOURCE}}}}}"#
        )
    }

    #[test]
    fn a_valid_rule_set_builds() {
        let (rules, problems) = rules(&with_conditions(&format!(
            r#", {{"id": "leeftijd", "kind": "age_between", "min_years": 18, "below": "aow_age", "source": {SOURCE}}},
               {{"id": "llk", "kind": "age_between", "below": 56, "valid_from": "2022-01-01", "source": {SOURCE}}}"#
        )));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rules.conditions[1].test, Test::AgeBetween { min_years: Some(18), below: Some(AgeLimit::AowAge) });
        assert_eq!(rules.conditions[2].applies.from, Some("2022-01-01".parse().unwrap()));
        assert!(!rules.needs_course());
    }

    #[test]
    fn parameters_must_fit_the_kind() {
        let (_, problems) = rules(&with_conditions(&format!(
            r#", {{"id": "band", "kind": "labour_market_tie", "level": "mbo4", "source": {SOURCE}}},
               {{"id": "niveau", "kind": "max_education_level", "source": {SOURCE}}},
               {{"id": "leeftijd", "kind": "age_between", "min_years": 18, "below": "pensioen", "source": {SOURCE}}},
               {{"id": "niveau", "kind": "course_in_register_at_start", "register": "rio", "source": {SOURCE}}}"#
        )));
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "rules.conditions[1].level",
                "rules.conditions[2].level",
                "rules.conditions[3].below",
                "rules.conditions[4].id"
            ],
            "{problems:?}"
        );
        assert!(problems[1].1.contains("needs `level`"));
        assert!(problems[3].1.contains("used twice"));
    }

    #[test]
    fn shares_by_nlqf_level_need_their_condition_and_valid_levels() {
        let json = |conditions: &str, amounts: &str| {
            format!(
                r#"{{"conditions": [{{"id": "looptijd", "kind": "date_within_validity", "source": {SOURCE}}}{conditions}],
                   "amounts": [{amounts}], "payment": {{"paid_to": "employer", "source": {SOURCE}}}}}"#
            )
        };
        let level_check = format!(r#", {{"id": "niveau", "kind": "nlqf_level_share", "source": {SOURCE}}}"#);
        let shares = format!(
            r#"{{"shares_by_nlqf_level": [{{"levels": [1, 2, 3], "share_percent": 90}}, {{"levels": [4], "share_percent": 40}}], "source": {SOURCE}}}"#
        );
        let (built, problems) = rules(&json(&level_check, &shares));
        assert!(problems.is_empty(), "{problems:?}");
        let amount = &built.amounts[0];
        assert_eq!((amount.share_for(Some(2)), amount.share_for(Some(4)), amount.share_for(Some(6))), (90, 40, 0));
        assert_eq!(amount.share_for(None), 90, "unknown level: the largest share, an upper bound");
        assert!(built.needs_course());

        let (_, problems) = rules(&json("", &shares));
        assert!(format!("{problems:?}").contains("need an `nlqf_level_share` condition"), "{problems:?}");
        let bad = format!(
            r#"{{"share_percent": 50, "shares_by_nlqf_level": [{{"levels": [0, 3], "share_percent": 120}}, {{"levels": [3], "share_percent": 10}}], "source": {SOURCE}}}"#
        );
        let (_, problems) = rules(&json(&level_check, &bad));
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "rules.amounts[0].shares_by_nlqf_level[0].share_percent",
                "rules.amounts[0].shares_by_nlqf_level[0].levels",
                "rules.amounts[0].shares_by_nlqf_level[1].levels",
                "rules.amounts[0].share_percent",
            ],
            "{problems:?}"
        );
    }

    #[test]
    fn the_validity_check_caps_and_windows_are_required_together() {
        let json = format!(
            r#"{{"conditions": [], "amounts": [{{"share_percent": 120, "cap_per_person_per_year_cents": 100000, "source": {SOURCE}}}],
               "tijdvakken": [{{"id": "t1", "from": "2022-03-01", "to": "2022-02-01", "source": {SOURCE}}}],
               "payment": {{"paid_to": "provider", "source": {SOURCE}}}}}"#
        );
        let (_, problems) = rules(&json);
        let text = format!("{problems:?}");
        for expected in [
            "exactly one `date_within_validity`",
            "rules.amounts[0].share_percent",
            "`annual_cap_not_reached` condition",
            "rules.tijdvakken[0].to",
            "`application_window_open` condition",
        ] {
            assert!(text.contains(expected), "{expected} missing in {text}");
        }
    }
}

//! When a course starts: dated starts and recurring start patterns.
//!
//! Registers publish both. A dated start ("2026-09-01") expires; a pattern ("every September and
//! February", "monthly", "on request", "online, start any time") does not, so a register that
//! publishes patterns keeps answering on any date. A course has a list of each; its starts are the
//! union, in date order.
//!
//! Patterns that allow a start on any day (on request, any time) would list every day; the
//! planner and the course finder need a handful of dates to weigh, so such a pattern yields its
//! earliest possible day and then the first day of every later month (see [`StartPattern::starts`]).
//! [`first_start`] and [`starts_between`] are the two questions every engine asks.

use super::date::Date;

/// A recurring start, as a register publishes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StartPattern {
    pub rule: Recurrence,
    /// The first day the pattern holds (inclusive); `None` = always.
    pub from: Option<Date>,
    /// The first day it no longer holds (exclusive); `None` = open-ended.
    pub to: Option<Date>,
}

/// How a pattern recurs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Recurrence {
    /// Every year on `day` of each of `months` (1–12) ("every September and February").
    Yearly { months: Vec<u8>, day: u8 },
    /// Every month on `day`.
    Monthly { day: u8 },
    /// On request: the provider arranges a start `lead_days` after asking.
    OnRequest { lead_days: u16 },
    /// Online, start any time (the same day).
    AnyTime,
}

impl Recurrence {
    /// The canonical name used in bundles and on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            Recurrence::Yearly { .. } => "yearly",
            Recurrence::Monthly { .. } => "monthly",
            Recurrence::OnRequest { .. } => "on_request",
            Recurrence::AnyTime => "any_time",
        }
    }
}

/// How far ahead a question without an end looks: patterns never end, so a list must.
pub const OPEN_END_YEARS: i32 = 3;

/// `date` with its day clamped to the month's length (day 31 in April is the 30th).
fn on_day(year: i32, month: u8, day: u8) -> Option<Date> {
    (1..=day.max(1)).rev().find_map(|d| Date::new(year, month, d).ok())
}

/// The first day of the month after `date`'s.
fn next_month_start(date: Date) -> Option<Date> {
    let (year, month) = if date.month() == 12 { (date.year() + 1, 1) } else { (date.year(), date.month() + 1) };
    Date::new(year, month, 1).ok()
}

impl StartPattern {
    /// The pattern's starts on or after `from` and before `until`, in order.
    pub fn starts(&self, from: Date, until: Date) -> Vec<Date> {
        let from = self.from.map_or(from, |f| f.max(from));
        let until = self.to.map_or(until, |t| t.min(until));
        let mut out = Vec::new();
        if from >= until {
            return out;
        }
        match &self.rule {
            Recurrence::Yearly { months, day } => {
                for year in from.year()..=until.year() {
                    let mut dates: Vec<Date> = months.iter().filter_map(|m| on_day(year, *m, *day)).collect();
                    dates.sort();
                    out.extend(dates.into_iter().filter(|d| *d >= from && *d < until));
                }
            }
            Recurrence::Monthly { day } => {
                let mut month = Date::new(from.year(), from.month(), 1).ok();
                while let Some(first) = month.filter(|m| *m < until) {
                    if let Some(d) = on_day(first.year(), first.month(), *day).filter(|d| *d >= from && *d < until) {
                        out.push(d);
                    }
                    month = next_month_start(first);
                }
            }
            Recurrence::OnRequest { lead_days } => flexible(from, until, u32::from(*lead_days), &mut out),
            Recurrence::AnyTime => flexible(from, until, 0, &mut out),
        }
        out
    }
}

/// A start on any day: the earliest possible one, then the first of every later month.
fn flexible(from: Date, until: Date, lead_days: u32, out: &mut Vec<Date>) {
    let earliest = Date::from_days(from.to_days() + i64::from(lead_days));
    let mut next = Some(earliest);
    while let Some(day) = next.filter(|d| *d < until) {
        out.push(day);
        next = next_month_start(day);
    }
}

/// The end used for a question without one: [`OPEN_END_YEARS`] after `from`.
fn open_end(from: Date) -> Date {
    Date::new(from.year() + OPEN_END_YEARS, from.month(), from.day().min(28)).unwrap_or(from)
}

/// Every start of a course (dated and from patterns) on or after `from` and before `until`
/// (`None`: [`OPEN_END_YEARS`] on), in order and without duplicates.
pub fn starts_between(dates: &[Date], patterns: &[StartPattern], from: Date, until: Option<Date>) -> Vec<Date> {
    let mut out: Vec<Date> = dates.iter().copied().filter(|d| *d >= from && until.is_none_or(|u| *d < u)).collect();
    let end = until.unwrap_or_else(|| open_end(from));
    for pattern in patterns {
        out.extend(pattern.starts(from, end));
    }
    out.sort();
    out.dedup();
    out
}

/// The first start of a course on or after `from` and before `until` (`None`: any time later).
pub fn first_start(dates: &[Date], patterns: &[StartPattern], from: Date, until: Option<Date>) -> Option<Date> {
    let dated = dates.iter().copied().filter(|d| *d >= from && until.is_none_or(|u| *d < u)).min();
    // A pattern's first start lies within two years of the day it can first start on.
    let patterned = patterns
        .iter()
        .filter_map(|p| {
            let begin = p.from.map_or(from, |f| f.max(from));
            let look = Date::new(begin.year() + 2, begin.month(), begin.day().min(28)).unwrap_or(begin);
            p.starts(begin, until.map_or(look, |u| u.min(look))).first().copied()
        })
        .min();
    match (dated, patterned) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn pattern(rule: Recurrence) -> StartPattern {
        StartPattern { rule, from: None, to: None }
    }

    #[test]
    fn a_yearly_pattern_gives_every_named_month() {
        let p = pattern(Recurrence::Yearly { months: vec![9, 2], day: 1 });
        assert_eq!(p.starts(d("2026-12-04"), d("2028-01-01")), vec![d("2027-02-01"), d("2027-09-01")]);
        let p = pattern(Recurrence::Yearly { months: vec![2], day: 31 });
        assert_eq!(p.starts(d("2028-01-01"), d("2029-01-01")), vec![d("2028-02-29")], "clamped to the month");
    }

    #[test]
    fn monthly_and_flexible_patterns() {
        let p = pattern(Recurrence::Monthly { day: 15 });
        assert_eq!(p.starts(d("2026-12-16"), d("2027-03-01")), vec![d("2027-01-15"), d("2027-02-15")]);
        let p = pattern(Recurrence::OnRequest { lead_days: 14 });
        assert_eq!(p.starts(d("2026-12-20"), d("2027-02-15")), vec![d("2027-01-03"), d("2027-02-01")]);
        let p = pattern(Recurrence::AnyTime);
        assert_eq!(p.starts(d("2026-12-04"), d("2027-01-10")), vec![d("2026-12-04"), d("2027-01-01")]);
    }

    #[test]
    fn dated_and_patterned_starts_merge_and_patterns_keep_their_period() {
        let later = StartPattern {
            rule: Recurrence::Yearly { months: vec![9], day: 1 },
            from: Some(d("2027-01-01")),
            to: Some(d("2029-01-01")),
        };
        let dates = [d("2026-02-02"), d("2026-09-01")];
        assert_eq!(
            starts_between(&dates, std::slice::from_ref(&later), d("2026-03-01"), Some(d("2030-01-01"))),
            vec![d("2026-09-01"), d("2027-09-01"), d("2028-09-01")]
        );
        assert_eq!(first_start(&dates, std::slice::from_ref(&later), d("2026-10-01"), None), Some(d("2027-09-01")));
        assert_eq!(first_start(&dates, std::slice::from_ref(&later), d("2028-10-01"), None), None);
        assert_eq!(first_start(&dates, &[], d("2026-10-01"), None), None);
        // A pattern that only begins years later is still found.
        let much_later = StartPattern { from: Some(d("2031-03-01")), ..later.clone() };
        let far = StartPattern { to: None, ..much_later };
        assert_eq!(first_start(&[], &[far], d("2026-10-01"), None), Some(d("2031-09-01")));
    }
}

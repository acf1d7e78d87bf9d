//! The AOW (state-pension) age, which bounds the STAP-budget ("tussen 18 jaar en aow-gerechtigde
//! leeftijd", 001 L300-304), and whether a person has reached it on a date.
//!
//! [not in letters] The AOW age is set per calendar year by the Algemene Ouderdomswet (art. 7a,
//! as amended by the Wet temporisering verhoging AOW-leeftijd of 2019) and published by the SVB:
//! someone reaches it on the first day on which their age is at least the AOW age *of that day's
//! calendar year*. The table below is that law's schedule; each year is announced five years ahead,
//! so the table ends at the last year fixed (2030) and later dates give "unknown". It is national
//! law rather than a scheme rule, which is why it lives here and not in a bundle.

use crate::model::Date;

/// AOW age per calendar year from 2013: (year, whole years, extra months). Before 2013 it was 65.
///
/// Sources [not in letters]: AOW art. 7a and the SVB table (2013–2027); Kamerbrief minister
/// Schouten, November 2022: 67 years and 3 months in 2028 (blikopnieuws.nl, 2022-11); Kamerbrief
/// minister Van Hijum: unchanged in 2029 and 2030 (inhetnieuws.nl).
const AOW_AGE: &[(i32, u32, u32)] = &[
    (2013, 65, 1),
    (2014, 65, 2),
    (2015, 65, 3),
    (2016, 65, 6),
    (2017, 65, 9),
    (2018, 66, 0),
    (2019, 66, 4),
    (2020, 66, 4),
    (2021, 66, 4),
    (2022, 66, 7),
    (2023, 66, 10),
    (2024, 67, 0),
    (2025, 67, 0),
    (2026, 67, 0),
    (2027, 67, 0),
    (2028, 67, 3),
    (2029, 67, 3),
    (2030, 67, 3),
];

/// The last calendar year whose AOW age is fixed by law.
pub const LAST_KNOWN_YEAR: i32 = 2030;

/// An age in whole years and months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearsMonths {
    pub years: u32,
    pub months: u32,
}

impl YearsMonths {
    pub fn nl(self) -> String {
        match self.months {
            0 => format!("{} jaar", self.years),
            1 => format!("{} jaar en 1 maand", self.years),
            m => format!("{} jaar en {m} maanden", self.years),
        }
    }

    pub fn en(self) -> String {
        match self.months {
            0 => format!("{} years", self.years),
            1 => format!("{} years and 1 month", self.years),
            m => format!("{} years and {m} months", self.years),
        }
    }
}

/// The AOW age of calendar year `year`; `None` after [`LAST_KNOWN_YEAR`].
pub fn aow_age(year: i32) -> Option<YearsMonths> {
    if year > LAST_KNOWN_YEAR {
        return None;
    }
    let (_, years, months) = AOW_AGE.iter().rev().find(|(from, _, _)| *from <= year).copied().unwrap_or((0, 65, 0));
    Some(YearsMonths { years, months })
}

/// `date` plus whole years and months. A day that does not exist in the target month (the 31st,
/// 29 February) becomes the last day of that month.
pub fn add_years_months(date: Date, years: i32, months: i32) -> Date {
    let total = date.year() * 12 + i32::from(date.month()) - 1 + years * 12 + months;
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let mut day = date.day();
    loop {
        if let Ok(d) = Date::new(year, month, day) {
            return d;
        }
        if day <= 28 {
            // Only happens outside the supported years (1000–9999): keep the input.
            return date;
        }
        day -= 1;
    }
}

/// Whole years of age on `date` for someone born on `birth`.
pub fn age_on(birth: Date, date: Date) -> i32 {
    let mut years = date.year() - birth.year();
    if (date.month(), date.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// Whether someone born on `birth` has reached the AOW age on `date`: whether on some day up to and
/// including `date` their age was at least the AOW age of that day's year. `None` when that depends
/// on a year whose AOW age is not yet fixed.
pub fn reached_by(birth: Date, date: Date) -> Option<bool> {
    // No AOW age is below 65, so only the years from the 65th birthday on matter.
    let first = birth.year() + 65;
    for year in first..=date.year() {
        let age = aow_age(year)?;
        let reached_on = add_years_months(birth, age.years as i32, age.months as i32);
        let last_day_considered = if year == date.year() { date } else { Date::new(year, 12, 31).unwrap_or(date) };
        if reached_on <= last_day_considered {
            return Some(true);
        }
    }
    Some(false)
}

/// The birth dates possible for someone of `age` whole years on `date`: oldest and youngest.
pub fn birth_range(age: u32, date: Date) -> (Date, Date) {
    let youngest = add_years_months(date, -(age as i32), 0);
    let oldest_excluded = add_years_months(date, -(age as i32) - 1, 0);
    (Date::from_days(oldest_excluded.to_days() + 1), youngest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn the_table_matches_the_law() {
        assert_eq!(aow_age(2012), Some(YearsMonths { years: 65, months: 0 }));
        assert_eq!(aow_age(2022), Some(YearsMonths { years: 66, months: 7 }));
        assert_eq!(aow_age(2023), Some(YearsMonths { years: 66, months: 10 }));
        assert_eq!(aow_age(2024), Some(YearsMonths { years: 67, months: 0 }));
        assert_eq!(aow_age(2028), Some(YearsMonths { years: 67, months: 3 }));
        assert_eq!(aow_age(2031), None);
    }

    #[test]
    fn reaching_the_aow_age_follows_the_year_of_the_day() {
        // Born 1956-02-10: 66 years 7 months on 2022-09-10.
        assert_eq!(reached_by(d("1956-02-10"), d("2022-09-09")), Some(false));
        assert_eq!(reached_by(d("1956-02-10"), d("2022-09-10")), Some(true));
        // Born 1955-08-10: 66y4m (the 2021 AOW age) on 2021-12-10, so reached in 2021 although on
        // 2022-01-10 they are 66y5m, below the 2022 age of 66y7m.
        assert_eq!(reached_by(d("1955-08-10"), d("2022-01-10")), Some(true));
        // Someone reaching 67 in 2031 cannot be judged yet.
        assert_eq!(reached_by(d("1964-06-01"), d("2031-07-01")), None);
        assert_eq!(reached_by(d("1990-01-01"), d("2022-07-01")), Some(false));
    }

    #[test]
    fn dates_clamp_to_the_end_of_the_month() {
        assert_eq!(add_years_months(d("1956-07-31"), 66, 7), d("2023-02-28"));
        assert_eq!(add_years_months(d("2024-02-29"), -1, 0), d("2023-02-28"));
        assert_eq!(age_on(d("2004-09-06"), d("2022-09-05")), 17);
        assert_eq!(age_on(d("2004-09-05"), d("2022-09-05")), 18);
        assert_eq!(birth_range(66, d("2022-09-05")), (d("1955-09-06"), d("1956-09-05")));
    }
}

//! Amounts of money (euros, counted in cents) and how they and shares are written for people.
//!
//! One type and one set of formatters for the whole crate: before, three formatters printed
//! "€1450,00", "€ 1.450" and "€-1,-50" for the same kind of amount, and amounts below zero were
//! shown as € 0. Amounts are whole cents (no floating point: caps and rates are exact); the
//! engines keep plain `u64` cents inside their arithmetic and meet [`Money`] where an amount is
//! parsed from or written for a person.

use std::fmt;

use super::lang::Lang;

/// An amount in euro cents; negative for a shortfall or a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Money {
    cents: i64,
}

/// Why a text is not an amount in euros.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an amount in euros (e.g. 1000 or 999,50)")]
pub struct MoneyError(pub String);

impl Money {
    pub const ZERO: Money = Money { cents: 0 };

    pub const fn from_cents(cents: i64) -> Money {
        Money { cents }
    }

    pub const fn cents(self) -> i64 {
        self.cents
    }

    /// The amount as unsigned cents, as the engines count; `None` below zero.
    pub fn unsigned_cents(self) -> Option<u64> {
        u64::try_from(self.cents).ok()
    }

    /// Parses euros as people type them: `1000`, `-25`, `1000.50` or `1000,50` (one decimal
    /// separator, at most two decimals; no thousands separators, which `.` and `,` would make
    /// ambiguous between Dutch and English).
    pub fn parse_euros(text: &str) -> Result<Money, MoneyError> {
        let bad = || MoneyError(text.chars().take(40).collect());
        let (negative, digits) = match text.trim().strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.trim()),
        };
        let (whole, fraction) = digits.split_once(['.', ',']).unwrap_or((digits, ""));
        if whole.is_empty() || fraction.len() > 2 || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let fraction: i64 =
            if fraction.is_empty() { 0 } else { format!("{fraction:0<2}").parse().map_err(|_| bad())? };
        let cents = whole.checked_mul(100).and_then(|c| c.checked_add(fraction)).ok_or_else(bad)?;
        Ok(Money { cents: if negative { -cents } else { cents } })
    }

    /// Dutch notation: `€ 1.450`, `€ 1.450,50`, `-€ 1.450`.
    pub fn nl(self) -> String {
        self.written('.', ',', "€ ")
    }

    /// English notation: `€1,450`, `€1,450.50`, `-€1,450`.
    pub fn en(self) -> String {
        self.written(',', '.', "€")
    }

    /// The amount in `lang`'s wording ([`Lang::is_english`]).
    pub fn format(self, lang: Lang) -> String {
        if lang.is_english() { self.en() } else { self.nl() }
    }

    fn written(self, thousands: char, decimal: char, symbol: &str) -> String {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        let whole = group(abs / 100, thousands);
        match abs % 100 {
            0 => format!("{sign}{symbol}{whole}"),
            c => format!("{sign}{symbol}{whole}{decimal}{c:02}"),
        }
    }
}

impl From<u64> for Money {
    /// Unsigned engine cents; amounts beyond `i64::MAX` cents (92 trillion euros) saturate.
    fn from(cents: u64) -> Money {
        Money { cents: i64::try_from(cents).unwrap_or(i64::MAX) }
    }
}

impl From<i64> for Money {
    fn from(cents: i64) -> Money {
        Money { cents }
    }
}

/// Dutch notation, the first language of the service.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.nl())
    }
}

/// A share (0.0–1.0) as a whole percentage: `0.4567` → `46%`.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// `1234567` → `1.234.567` with `separator` between groups of three digits.
fn group(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_the_dutch_and_the_english_way() {
        assert_eq!(Money::from(100_000u64).nl(), "€ 1.000");
        assert_eq!(Money::from(150_050u64).nl(), "€ 1.500,50");
        assert_eq!(Money::from(3_260_000_000u64).en(), "€32,600,000");
        assert_eq!(Money::from(95u64).nl(), "€ 0,95");
        assert_eq!(Money::from(145_000u64).format(Lang::ENGLISH), "€1,450");
    }

    #[test]
    fn negative_amounts_carry_one_sign_in_front() {
        assert_eq!(Money::from_cents(-150).nl(), "-€ 1,50");
        assert_eq!(Money::from_cents(-145_000).en(), "-€1,450");
        assert_eq!(Money::from_cents(-5).format(Lang::DUTCH), "-€ 0,05");
    }

    #[test]
    fn euros_parse_as_people_type_them() {
        assert_eq!(Money::parse_euros("1000").unwrap().cents(), 100_000);
        assert_eq!(Money::parse_euros("999,5").unwrap().cents(), 99_950);
        assert_eq!(Money::parse_euros("999.05").unwrap().cents(), 99_905);
        assert_eq!(Money::parse_euros("-5").unwrap().cents(), -500);
        for bad in ["", "1.000,50", "1,005", "ten", "-", "1e3", "99999999999999999999"] {
            assert!(Money::parse_euros(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shares_are_whole_percentages() {
        assert_eq!(percent(0.4567), "46%");
        assert_eq!(percent(1.0), "100%");
    }
}

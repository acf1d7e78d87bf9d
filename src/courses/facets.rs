//! Filters and facet counts of the course finder.
//!
//! Every filter is one *facet*. A request compiles its filters into bit sets once; each course then
//! gets a *failure mask* with one bit per facet whose filter it fails. A course is a result when its
//! mask is empty.
//!
//! Facet counts follow the usual multi-select semantics of faceted search: **the counts of a facet
//! apply every filter except that facet's own**. So a count says how many results there would be if
//! that value were chosen instead of (or, for facets where a course has several values, besides)
//! the current selection of that facet, while every other selection stays. In mask terms: a course
//! counts in facet `f` exactly when its mask has no bit other than `f`'s — one scan over the
//! courses fills every facet. Courses that fail two or more filters count nowhere, which also lets
//! the expensive filter (fundable) be decided only for courses that fail at most one other.
//!
//! Within one facet, the chosen values are alternatives (OR); facets combine with AND. A course
//! has one value per facet, except quality marks (every mark its provider holds on the reference
//! date) and start months (every month it starts in), where it counts once under each of its values.

use crate::funding::Decision;
use crate::funding::{credential_en, credential_nl, mark_en, mark_nl};
use crate::model::{CredentialKind, Date, Delivery, Lang, Money, QualityMark, Schedule};
use crate::ontology::ConceptIdx;

use super::index::{PLACES, PlaceCode, place_name};

crate::model::vocab::named_enum! {
    /// A filter of the course finder and the facet that counts its values.
    pub enum Facet {
        CredentialKind = "credential_kind",
        MboLevel = "mbo_level",
        NlqfLevel = "nlqf_level",
        EqfLevel = "eqf_level",
        Region = "region",
        Delivery = "delivery",
        Schedule = "schedule",
        Price = "price",
        HoursPerWeek = "hours_per_week",
        StartMonth = "start_month",
        QualityMark = "quality_mark",
        Fundable = "fundable",
    }
}

impl Facet {
    /// The bit of this facet in a failure mask.
    pub fn bit(self) -> u16 {
        1 << Facet::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// "Fundable by this scheme, for this person, on the reference date."
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FundableFilter {
    pub scheme: ConceptIdx,
    /// Only courses the scheme certainly funds (ELIGIBLE). Otherwise also courses for which no rule
    /// fails but a fact is missing (UNKNOWN): "fundable if …".
    pub eligible_only: bool,
}

impl FundableFilter {
    pub fn accepts(&self, decision: Decision) -> bool {
        match decision {
            Decision::Eligible => true,
            Decision::Unknown => !self.eligible_only,
            Decision::NotEligible => false,
        }
    }
}

/// The filters of a course search. Empty lists and `None` bounds filter nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CourseFilters {
    /// Credential kinds the course leads to; `None` = leads to no credential.
    pub credential_kinds: Vec<Option<CredentialKind>>,
    /// mbo niveau 1–4; 0 = no mbo level.
    pub mbo_levels: Vec<u8>,
    /// NLQF level 1–8; 0 = no level.
    pub nlqf_levels: Vec<u8>,
    /// EQF level 1–8; 0 = no level.
    pub eqf_levels: Vec<u8>,
    /// Arbeidsmarktregio's, online, nationwide (see [`super::index::place_code`]).
    pub places: Vec<PlaceCode>,
    pub deliveries: Vec<Delivery>,
    pub schedules: Vec<Schedule>,
    pub min_price_cents: Option<u64>,
    pub max_price_cents: Option<u64>,
    pub min_hours_per_week: Option<u32>,
    pub max_hours_per_week: Option<u32>,
    /// A planned start on or after this day (default: the reference date).
    pub start_from: Option<Date>,
    /// A planned start on or before this day.
    pub start_until: Option<Date>,
    /// Quality marks of the provider on the reference date; `None` = no mark at all.
    pub quality_marks: Vec<Option<QualityMark>>,
    pub fundable: Option<FundableFilter>,
}

/// Price buckets of the price facet, in euro cents: `[from, to)`, the last open-ended.
pub const PRICE_BUCKETS: [(u64, Option<u64>); 6] = [
    (0, Some(25_000)),
    (25_000, Some(50_000)),
    (50_000, Some(100_000)),
    (100_000, Some(250_000)),
    (250_000, Some(500_000)),
    (500_000, None),
];

/// Buckets of the hours-per-week facet: `[from, to]`, the last open-ended.
pub const HOURS_BUCKETS: [(u32, Option<u32>); 5] =
    [(0, Some(4)), (5, Some(8)), (9, Some(16)), (17, Some(24)), (25, None)];

/// How many calendar months, from the reference date's month, the start-month facet counts.
pub const START_MONTHS: usize = 36;

/// Index of the "none" value among credential kinds and quality marks.
const NO_CREDENTIAL: usize = CredentialKind::ALL.len();
const NO_MARK: usize = QualityMark::ALL.len();

fn position<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter().position(|v| v == value).unwrap_or(0)
}

/// The value index of a credential kind (`None` → "none").
pub fn credential_value(kind: Option<CredentialKind>) -> usize {
    kind.map_or(NO_CREDENTIAL, |k| position(CredentialKind::ALL, &k))
}

/// A set of small values as bits; `None` = no filter (everything passes).
fn bits(values: impl Iterator<Item = usize>) -> u64 {
    values.fold(0u64, |acc, v| acc | 1 << v.min(63))
}

/// The filters of one request, compiled into bit sets.
#[derive(Debug, Clone)]
pub struct Compiled {
    credential: Option<u64>,
    mbo: Option<u64>,
    nlqf: Option<u64>,
    eqf: Option<u64>,
    place: Option<u64>,
    delivery: Option<u64>,
    schedule: Option<u64>,
    /// Bit set over [`QualityMark::ALL`] plus "none".
    marks: Option<u64>,
    pub min_price: Option<u64>,
    pub max_price: Option<u64>,
    pub min_hours: Option<u32>,
    pub max_hours: Option<u32>,
    pub start_from: Date,
    pub start_until: Option<Date>,
}

impl Compiled {
    /// Compiles `filters` for a request on `date` (the reference date).
    pub fn new(filters: &CourseFilters, date: Date) -> Compiled {
        let set = |values: Vec<usize>| (!values.is_empty()).then(|| bits(values.into_iter()));
        Compiled {
            credential: set(filters.credential_kinds.iter().map(|k| credential_value(*k)).collect()),
            mbo: set(filters.mbo_levels.iter().map(|l| *l as usize).collect()),
            nlqf: set(filters.nlqf_levels.iter().map(|l| *l as usize).collect()),
            eqf: set(filters.eqf_levels.iter().map(|l| *l as usize).collect()),
            place: set(filters.places.iter().map(|p| *p as usize).collect()),
            delivery: set(filters.deliveries.iter().map(|d| position(Delivery::ALL, d)).collect()),
            schedule: set(filters.schedules.iter().map(|s| position(Schedule::ALL, s)).collect()),
            marks: set(filters
                .quality_marks
                .iter()
                .map(|m| m.map_or(NO_MARK, |m| position(QualityMark::ALL, &m)))
                .collect()),
            min_price: filters.min_price_cents,
            max_price: filters.max_price_cents,
            min_hours: filters.min_hours_per_week,
            max_hours: filters.max_hours_per_week,
            start_from: filters.start_from.unwrap_or(date),
            start_until: filters.start_until,
        }
    }
}

/// What the filters read of one course in one request.
#[derive(Debug, Clone, Copy)]
pub struct CourseValues {
    pub credential: usize,
    pub mbo: u8,
    pub nlqf: u8,
    pub eqf: u8,
    pub place: PlaceCode,
    pub delivery: usize,
    pub schedule: usize,
    pub price_cents: u64,
    pub hours_per_week: u32,
    /// Whether a planned start falls inside the start window.
    pub starts_in_window: bool,
    /// The provider's marks on the reference date, as bits over [`QualityMark::ALL`].
    pub marks: u8,
}

impl CourseValues {
    fn mark_bits(&self) -> u64 {
        if self.marks == 0 { 1 << NO_MARK } else { u64::from(self.marks) }
    }
}

fn passes(set: Option<u64>, value: usize) -> bool {
    set.is_none_or(|s| s & (1 << value.min(63)) != 0)
}

/// The failure mask of every filter but the fundable one.
pub fn failures(c: &Compiled, v: &CourseValues) -> u16 {
    let mut mask = 0;
    let mut fail = |facet: Facet, ok: bool| {
        if !ok {
            mask |= facet.bit();
        }
    };
    fail(Facet::CredentialKind, passes(c.credential, v.credential));
    fail(Facet::MboLevel, passes(c.mbo, v.mbo as usize));
    fail(Facet::NlqfLevel, passes(c.nlqf, v.nlqf as usize));
    fail(Facet::EqfLevel, passes(c.eqf, v.eqf as usize));
    fail(Facet::Region, passes(c.place, v.place as usize));
    fail(Facet::Delivery, passes(c.delivery, v.delivery));
    fail(Facet::Schedule, passes(c.schedule, v.schedule));
    fail(
        Facet::Price,
        c.min_price.is_none_or(|m| v.price_cents >= m) && c.max_price.is_none_or(|m| v.price_cents <= m),
    );
    fail(
        Facet::HoursPerWeek,
        c.min_hours.is_none_or(|m| v.hours_per_week >= m) && c.max_hours.is_none_or(|m| v.hours_per_week <= m),
    );
    fail(Facet::StartMonth, v.starts_in_window);
    fail(Facet::QualityMark, c.marks.is_none_or(|m| m & v.mark_bits() != 0));
    mask
}

/// The bucket of a price.
pub fn price_bucket(cents: u64) -> usize {
    PRICE_BUCKETS.iter().position(|(from, to)| cents >= *from && to.is_none_or(|t| cents < t)).unwrap_or(0)
}

/// The bucket of hours per week.
pub fn hours_bucket(hours: u32) -> usize {
    HOURS_BUCKETS.iter().position(|(from, to)| hours >= *from && to.is_none_or(|t| hours <= t)).unwrap_or(0)
}

/// The month offset of `date` from the month of `base` (negative before it).
pub fn month_offset(base: Date, date: Date) -> i64 {
    i64::from(date.year() - base.year()) * 12 + i64::from(date.month()) - i64::from(base.month())
}

/// Counts per value of every facet.
#[derive(Debug, Clone)]
pub struct Tally {
    credential: [u32; NO_CREDENTIAL + 1],
    mbo: [u32; 9],
    nlqf: [u32; 9],
    eqf: [u32; 9],
    place: [u32; PLACES],
    delivery: [u32; 3],
    schedule: [u32; 3],
    price: [u32; PRICE_BUCKETS.len()],
    hours: [u32; HOURS_BUCKETS.len()],
    months: [u32; START_MONTHS],
    marks: [u32; NO_MARK + 1],
    fundable: [u32; 3],
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            credential: [0; NO_CREDENTIAL + 1],
            mbo: [0; 9],
            nlqf: [0; 9],
            eqf: [0; 9],
            place: [0; PLACES],
            delivery: [0; 3],
            schedule: [0; 3],
            price: [0; PRICE_BUCKETS.len()],
            hours: [0; HOURS_BUCKETS.len()],
            months: [0; START_MONTHS],
            marks: [0; NO_MARK + 1],
            fundable: [0; 3],
        }
    }
}

fn decision_value(decision: Decision) -> usize {
    match decision {
        Decision::Eligible => 0,
        Decision::Unknown => 1,
        Decision::NotEligible => 2,
    }
}

impl Tally {
    /// Counts one course with failure `mask` in every facet it belongs to: facet `f` when the mask
    /// has no bit but `f`'s. `months` are its distinct start-month offsets; `decision` is the
    /// fundable decision when the request filters on it.
    pub fn add(&mut self, mask: u16, v: &CourseValues, months: &[usize], decision: Option<Decision>) {
        let counts = |facet: Facet| mask & !facet.bit() == 0;
        if counts(Facet::CredentialKind) {
            self.credential[v.credential] += 1;
        }
        if counts(Facet::MboLevel) {
            self.mbo[(v.mbo as usize).min(8)] += 1;
        }
        if counts(Facet::NlqfLevel) {
            self.nlqf[(v.nlqf as usize).min(8)] += 1;
        }
        if counts(Facet::EqfLevel) {
            self.eqf[(v.eqf as usize).min(8)] += 1;
        }
        if counts(Facet::Region) {
            self.place[(v.place as usize).min(PLACES - 1)] += 1;
        }
        if counts(Facet::Delivery) {
            self.delivery[v.delivery] += 1;
        }
        if counts(Facet::Schedule) {
            self.schedule[v.schedule] += 1;
        }
        if counts(Facet::Price) {
            self.price[price_bucket(v.price_cents)] += 1;
        }
        if counts(Facet::HoursPerWeek) {
            self.hours[hours_bucket(v.hours_per_week)] += 1;
        }
        if counts(Facet::StartMonth) {
            for &m in months {
                self.months[m] += 1;
            }
        }
        if counts(Facet::QualityMark) {
            let bits = v.mark_bits();
            for (i, count) in self.marks.iter_mut().enumerate() {
                if bits & (1 << i) != 0 {
                    *count += 1;
                }
            }
        }
        if let Some(decision) = decision
            && counts(Facet::Fundable)
        {
            self.fundable[decision_value(decision)] += 1;
        }
    }

    /// The counts as facets with their values (see [`FacetValue`] for which values are listed).
    pub fn facets(&self, filters: &CourseFilters, compiled: &Compiled, date: Date) -> Vec<FacetCounts> {
        let mut out = Vec::new();
        let mut push = |facet: Facet, values: Vec<FacetValue>| out.push(FacetCounts { facet, values });
        let value = |key: String, count: u32, selected: bool| FacetValue { value: key, count, selected };
        // Small closed vocabularies are listed whole; larger ones only where something counts or
        // the value is selected.
        let listed = |count: u32, selected: bool, closed: bool| closed || count > 0 || selected;

        let mut credential = Vec::new();
        for (i, count) in self.credential.iter().enumerate() {
            let kind = CredentialKind::ALL.get(i).copied();
            let key = kind.map_or("none".to_string(), |k| k.as_str().to_string());
            credential.push(value(key, *count, filters.credential_kinds.contains(&kind)));
        }
        push(Facet::CredentialKind, credential);

        let levels = |counts: &[u32; 9], chosen: &[u8], closed_up_to: usize| -> Vec<FacetValue> {
            let mut list = Vec::new();
            for level in (1..counts.len()).chain([0]) {
                let selected = chosen.contains(&(level as u8));
                if listed(counts[level], selected, level <= closed_up_to) {
                    let key = if level == 0 { "none".to_string() } else { level.to_string() };
                    list.push(value(key, counts[level], selected));
                }
            }
            list
        };
        push(Facet::MboLevel, levels(&self.mbo, &filters.mbo_levels, 4));
        push(Facet::NlqfLevel, levels(&self.nlqf, &filters.nlqf_levels, 0));
        push(Facet::EqfLevel, levels(&self.eqf, &filters.eqf_levels, 0));

        let mut places = Vec::new();
        for (code, count) in self.place.iter().enumerate() {
            let selected = filters.places.contains(&(code as PlaceCode));
            if listed(*count, selected, false) {
                places.push(value(place_name(code as PlaceCode).to_string(), *count, selected));
            }
        }
        push(Facet::Region, places);

        let delivery = Delivery::ALL
            .iter()
            .zip(self.delivery)
            .map(|(d, count)| value(d.as_str().to_string(), count, filters.deliveries.contains(d)))
            .collect();
        push(Facet::Delivery, delivery);
        let schedule = Schedule::ALL
            .iter()
            .zip(self.schedule)
            .map(|(s, count)| value(s.as_str().to_string(), count, filters.schedules.contains(s)))
            .collect();
        push(Facet::Schedule, schedule);

        let price = PRICE_BUCKETS
            .iter()
            .zip(self.price)
            .map(|((from, to), count)| {
                let key = match to {
                    Some(to) => format!("{}-{}", from / 100, to / 100),
                    None => format!("{}+", from / 100),
                };
                let selected = (compiled.min_price.is_some() || compiled.max_price.is_some())
                    && compiled.max_price.is_none_or(|max| *from <= max)
                    && compiled.min_price.is_none_or(|min| to.is_none_or(|to| min < to));
                value(key, count, selected)
            })
            .collect();
        push(Facet::Price, price);

        let hours = HOURS_BUCKETS
            .iter()
            .zip(self.hours)
            .map(|((from, to), count)| {
                let key = match to {
                    Some(to) => format!("{from}-{to}"),
                    None => format!("{from}+"),
                };
                let selected = (compiled.min_hours.is_some() || compiled.max_hours.is_some())
                    && compiled.max_hours.is_none_or(|max| *from <= max)
                    && compiled.min_hours.is_none_or(|min| to.is_none_or(|to| min <= to));
                value(key, count, selected)
            })
            .collect();
        push(Facet::HoursPerWeek, hours);

        let mut months = Vec::new();
        for (offset, count) in self.months.iter().enumerate() {
            let index = i64::from(date.month()) - 1 + offset as i64;
            let (year, month) = (date.year() + (index / 12) as i32, (index % 12) as u8 + 1);
            let first = Date::new(year, month, 1).unwrap_or(date);
            let last = Date::from_days(
                Date::new(year + i32::from(month == 12), month % 12 + 1, 1).unwrap_or(date).to_days() - 1,
            );
            let windowed = filters.start_from.is_some() || filters.start_until.is_some();
            let selected =
                windowed && compiled.start_until.is_none_or(|until| first <= until) && last >= compiled.start_from;
            if listed(*count, selected, false) {
                months.push(value(format!("{year:04}-{month:02}"), *count, selected));
            }
        }
        push(Facet::StartMonth, months);

        let mut marks = Vec::new();
        for (i, count) in self.marks.iter().enumerate() {
            let mark = QualityMark::ALL.get(i).copied();
            let key = mark.map_or("none".to_string(), |m| m.as_str().to_string());
            marks.push(value(key, *count, filters.quality_marks.contains(&mark)));
        }
        push(Facet::QualityMark, marks);

        if let Some(fundable) = filters.fundable {
            let chosen = |d: Decision| fundable.accepts(d);
            let list = [Decision::Eligible, Decision::Unknown, Decision::NotEligible]
                .into_iter()
                .map(|d| value(d.as_str().to_string(), self.fundable[decision_value(d)], chosen(d)))
                .collect();
            push(Facet::Fundable, list);
        }
        out
    }
}

/// One facet with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCounts {
    pub facet: Facet,
    pub values: Vec<FacetValue>,
}

/// One value of a facet and how many courses it would give. Small closed vocabularies (credential
/// kinds, mbo levels, delivery, schedule, price and hours buckets, quality marks, fundable) list
/// every value; regions, NLQF/EQF levels and start months list the values that count something or
/// are selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    /// The value as a filter takes it: `diploma`, `3`, `Rijnmond`, `online`, `500-1000`,
    /// `2025-09`, `none`, …
    pub value: String,
    pub count: u32,
    /// The value is (part of) the current selection.
    pub selected: bool,
}

/// A label for a facet value, for people.
pub fn value_label(facet: Facet, value: &str, lang: Lang) -> String {
    let english = lang.is_english();
    let pick = |nl: &str, en: &str| lang.pick(nl, en).to_string();
    if value == "none" {
        return match facet {
            Facet::CredentialKind => pick("geen diploma of certificaat", "no credential"),
            Facet::QualityMark => pick("geen keurmerk", "no quality mark"),
            _ => pick("geen niveau", "no level"),
        };
    }
    match facet {
        Facet::CredentialKind => CredentialKind::parse(value)
            .map(|k| if english { credential_en(k) } else { credential_nl(k) }.to_string())
            .unwrap_or_else(|| value.to_string()),
        Facet::QualityMark => QualityMark::parse(value)
            .map(|m| if english { mark_en(m) } else { mark_nl(m) }.to_string())
            .unwrap_or_else(|| value.to_string()),
        Facet::MboLevel => pick(&format!("mbo niveau {value}"), &format!("mbo level {value}")),
        Facet::NlqfLevel => format!("NLQF {value}"),
        Facet::EqfLevel => format!("EQF {value}"),
        Facet::Price => {
            let euro = |text: &str| {
                let cents = text.parse::<u64>().unwrap_or(0) * 100;
                Money::from(cents).format(lang)
            };
            match (value.strip_suffix('+'), value.split_once('-')) {
                (Some(from), _) => pick(&format!("vanaf {}", euro(from)), &format!("from {}", euro(from))),
                (None, Some((from, to))) => format!("{} – {}", euro(from), euro(to)),
                (None, None) => value.to_string(),
            }
        }
        Facet::HoursPerWeek => match value.strip_suffix('+') {
            Some(from) => pick(&format!("{from} uur of meer"), &format!("{from} hours or more")),
            None => pick(&format!("{} uur", value.replace('-', "–")), &format!("{} hours", value.replace('-', "–"))),
        },
        Facet::Fundable => match value {
            "eligible" => pick("te financieren", "fundable"),
            "unknown" => pick("mogelijk te financieren", "possibly fundable"),
            _ => pick("niet te financieren", "not fundable"),
        },
        Facet::Region => match value {
            "online" => "online".to_string(),
            "landelijk" => pick("landelijk", "nationwide"),
            region => region.to_string(),
        },
        Facet::Delivery | Facet::Schedule | Facet::StartMonth => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_value_once() {
        assert_eq!(price_bucket(0), 0);
        assert_eq!(price_bucket(24_999), 0);
        assert_eq!(price_bucket(25_000), 1);
        assert_eq!(price_bucket(600_000), 5);
        assert_eq!(hours_bucket(4), 0);
        assert_eq!(hours_bucket(5), 1);
        assert_eq!(hours_bucket(40), 4);
    }

    #[test]
    fn facet_bits_are_distinct() {
        let all: u16 = Facet::ALL.iter().fold(0, |acc, f| {
            assert_eq!(acc & f.bit(), 0, "{f}");
            acc | f.bit()
        });
        assert_eq!(all.count_ones() as usize, Facet::ALL.len());
    }

    #[test]
    fn month_offsets_count_calendar_months() {
        let base: Date = "2025-11-20".parse().unwrap();
        assert_eq!(month_offset(base, "2025-11-01".parse().unwrap()), 0);
        assert_eq!(month_offset(base, "2026-01-31".parse().unwrap()), 2);
        assert_eq!(month_offset(base, "2025-10-31".parse().unwrap()), -1);
    }
}

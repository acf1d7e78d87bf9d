//! The advice as a printable HTML development plan (ontwikkelplan): one self-contained file — no
//! scripts, fonts, images or style sheets from elsewhere — that opens offline, prints on A4 and
//! can be handed to the person.
//!
//! It shows the covered and missing skills as an inline SVG chart, the recommended path as a
//! timeline per calendar year with a table per year (amounts in euro, funding per scheme), the
//! money per source, the schemes checked on the advice date and the occupations that also fit.
//!
//! Built with `maud`: every label comes from bundle data, and the template escapes all text it
//! writes, so no label can inject markup (before, each `write!` had to remember to call an escape).

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{
    Advice, Counts, PathOption, SchemeCheck, Step, decision_words, fact_words, funding_words, kinds_words, long_date,
    status_words,
};
use crate::model::{Lang, Money, percent};

const STYLE: &str = r#"
:root { --covered: #2e7d32; --partly: #f0a500; --missing: #c62828; --ink: #1d1d1f; --muted: #5f6368; --line: #d9d9de; --accent: #0b5cad; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
  max-width: 62rem; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.45; font-size: 15px; }
header { border-bottom: 3px solid var(--accent); padding-bottom: .6rem; margin-bottom: 1rem; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; color: var(--accent); font-weight: 600; margin: 0; font-size: .8rem; }
h1 { font-size: 1.8rem; margin: .1rem 0 .3rem; }
h2 { font-size: 1.3rem; margin: 1.6rem 0 .5rem; color: var(--accent); break-after: avoid; }
h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; break-after: avoid; }
.meta, .note, figcaption { color: var(--muted); }
.note { overflow-wrap: anywhere; }
.key { font-size: 1.05rem; }
.key::first-letter { text-transform: uppercase; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .45rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { border-bottom: 2px solid var(--ink); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
figure { margin: .5rem 0 1rem; }
svg { display: block; width: 100%; height: auto; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
ul.skills { margin: .2rem 0; padding-left: 1.1rem; }
ul.skills li { margin: .1rem 0; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; vertical-align: -.05em; margin: 0 .25em 0 .8em; }
.covered { color: var(--covered); } .partly { color: #9a6a00; } .missing { color: var(--missing); }
.decision { font-weight: 600; white-space: nowrap; }
.eligible { color: var(--covered); } .not_eligible { color: var(--missing); } .unknown { color: #9a6a00; }
footer { margin-top: 2rem; border-top: 1px solid var(--line); padding-top: .5rem; font-size: .8rem; color: var(--muted); }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { margin-top: 1rem; }
  section { break-inside: auto; }
  figure, .cols { break-inside: avoid; }
}
"#;

/// Renders the whole plan as one HTML document.
pub fn render_html(a: &Advice) -> String {
    page(a).into_string()
}

fn page(a: &Advice) -> Markup {
    let t = a.text();
    let title = format!("{} {}", t.pick("Ontwikkelplan: naar", "Development plan: towards"), a.target.label);
    let current = match &a.current_occupation {
        Some(c) => c.label.as_str(),
        None => t.pick("onbekend", "unknown"),
    };
    html! {
        (DOCTYPE)
        html lang=(if a.english() { "en" } else { "nl" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    p.eyebrow { (t.pick("Ontwikkelplan", "Development plan")) }
                    h1 { (t.pick("Naar", "Towards")) " " (a.target.label) }
                    p.meta {
                        (t.pick("Opgesteld op", "Drawn up on")) " " (long_date(&a.date, t)) " · "
                        (t.pick("huidig beroep:", "current occupation:")) " " (current) " · "
                        (t.pick("vaardigheden in het profiel:", "skills in the profile:")) " " (a.profile.len())
                    }
                }
                (skills_section(a))
                @if let (Some(option), false) = (a.paths.options.first(), a.paths.dead_end()) {
                    (path_section(a, option))
                } @else {
                    (no_path_section(a))
                }
                (funding_section(a))
                (alternatives_section(a))
                footer {
                    p {
                        (t.pick("Gemaakt met vaardig op ontologie-snapshot", "Made with vaardig on ontology snapshot"))
                        " " (a.snapshot_version) ". "
                        (t.pick(
                            "Het profiel van de persoon is alleen in het profielbestand van de adviseur bewaard, niet op een server. Bedragen zijn indicaties; de uitvoerder van een regeling beslist.",
                            "The person's profile is kept only in the advisor's profile file, not on a server. Amounts are indications; the executor of a scheme decides."
                        ))
                    }
                }
            }
        }
    }
}

/// No path within the horizon: when the fitting courses start.
fn no_path_section(a: &Advice) -> Markup {
    let t = a.text();
    html! {
        section #pad {
            h2 { "2. " (t.pick("Het pad", "The path")) }
            p {
                (t.pick(
                    "Er is geen opleidingspad: geen passende opleiding start vóór",
                    "No training path: no fitting course starts before"
                ))
                " " (long_date(&a.paths.horizon_end, t)) "."
            }
            @if !a.paths.later.is_empty() {
                p { (t.pick("Zou passen als de opleiding later start:", "Would fit if the course started later:")) }
                ul {
                    @for l in &a.paths.later {
                        li { (l.course.label) " (" (l.next_start_words(t)) ")" }
                    }
                }
            }
        }
    }
}

fn skills_section(a: &Advice) -> Markup {
    let t = a.text();
    let g = &a.gap;
    let list = |status: &[&str]| -> Markup {
        let rows: Vec<_> = g.requirements.iter().filter(|r| status.contains(&r.status)).collect();
        html! {
            @if rows.is_empty() {
                p.note { (t.pick("Geen.", "None.")) }
            } @else {
                ul.skills {
                    @for r in rows {
                        @let class = if r.status == "partly_covered" { "partly" } else { r.status };
                        li class=(class) {
                            span class=(class) { (status_mark(r.status)) }
                            " " (r.skill.label)
                            @if r.essential {
                                " " strong { "(" (t.pick("essentieel", "essential")) ")" }
                            }
                            @if !r.explanation.is_empty() {
                                " — " span.note { (r.explanation) }
                            }
                        }
                    }
                }
            }
        }
    };
    html! {
        section #vaardigheden {
            h2 { "1. " (t.pick("Vaardigheden", "Skills")) }
            p.key {
                (t.pick("U dekt nu", "You now cover")) " " strong { (percent(g.coverage)) } " "
                (t.pick("van wat het beroep", "of what")) " " (a.target.label) "; "
                (t.pick("van de essentiële vaardigheden", "of the essential skills")) " "
                strong { (percent(g.essential_coverage)) }
                " (" (g.essential.covered) " " (t.pick("van", "of")) " " (g.essential.total) ")."
            }
            figure {
                (skills_chart(g.essential, g.optional, t))
                figcaption { (legend(t)) }
            }
            div.cols {
                div #al-gedekt {
                    h3 { (t.pick("Dit kunt u al", "What you can already do")) }
                    (list(&["covered", "partly_covered"]))
                }
                div #ontbreekt {
                    h3 { (t.pick("Dit ontbreekt nog", "What is still missing")) }
                    (list(&["missing"]))
                }
            }
        }
    }
}

fn status_mark(status: &str) -> &'static str {
    match status {
        "covered" => "✓",
        "partly_covered" => "~",
        _ => "✗",
    }
}

fn legend(t: Lang) -> Markup {
    html! {
        @for (status, color) in [("covered", "covered"), ("partly_covered", "partly"), ("missing", "missing")] {
            span.swatch style=(format!("background:var(--{color})")) {}
            (status_words(status, t))
        }
    }
}

/// Two stacked bars (essential, optional): covered, partly covered and missing requirements, each
/// segment as wide as its share and labelled with its count.
fn skills_chart(essential: Counts, optional: Counts, t: Lang) -> Markup {
    const WIDTH: f64 = 640.0;
    const LABEL: f64 = 110.0;
    const BAR: f64 = WIDTH - LABEL - 10.0;
    let rows = [
        (t.pick("Essentieel", "Essential"), essential, "essential"),
        (t.pick("Optioneel", "Optional"), optional, "optional"),
    ];
    let description = rows
        .iter()
        .map(|(name, c, _)| {
            format!(
                "{name}: {} {}, {} {}, {} {}",
                c.covered,
                status_words("covered", t),
                c.partly_covered,
                status_words("partly_covered", t),
                c.missing,
                status_words("missing", t)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    // SVG elements are always closed (`{}`): inside HTML, a `<rect>` left open would swallow the
    // elements after it.
    html! {
        svg #skills-chart xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} 96")) role="img"
            aria-labelledby="skills-chart-title" {
            title #skills-chart-title { (description) }
            @for (row, (name, counts, class)) in rows.iter().enumerate() {
                @let y = 8.0 + row as f64 * 44.0;
                @let total = counts.covered + counts.partly_covered + counts.missing;
                text x="0" y=(y + 20.0) font-size="14" font-weight="600" fill="#1d1d1f" { (name) }
                @if total == 0 {
                    rect x=(LABEL) y=(y) width=(BAR) height="30" fill="#eeeeee" {}
                    text x=(LABEL + 8.0) y=(y + 20.0) font-size="13" fill="#5f6368" { (t.pick("geen", "none")) }
                } @else {
                    @for segment in segments(*counts, total, LABEL, BAR) {
                        @let (count, status, color, x, width) = segment;
                        @let words = format!("{count} {}", status_words(status, t));
                        rect class=(format!("bar {status} {class}")) data-count=(count) x=(format!("{x:.1}")) y=(y)
                            width=(format!("{width:.1}")) height="30" fill=(color) {
                            title { (words) }
                        }
                        // A count fits inside a segment of a few characters' width; narrower ones
                        // keep it in the title.
                        @if width >= 22.0 {
                            text x=(format!("{:.1}", x + width / 2.0)) y=(y + 20.0) font-size="13" text-anchor="middle"
                                fill=(if status == "partly_covered" { "#1d1d1f" } else { "#ffffff" }) {
                                @if width >= 90.0 { (words) } @else { (count) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The non-empty segments of one bar: (count, status, colour, x, width).
fn segments(counts: Counts, total: u32, left: f64, bar: f64) -> Vec<(u32, &'static str, &'static str, f64, f64)> {
    let mut x = left;
    let mut out = Vec::new();
    for (count, status, color) in [
        (counts.covered, "covered", "#2e7d32"),
        (counts.partly_covered, "partly_covered", "#f0a500"),
        (counts.missing, "missing", "#c62828"),
    ] {
        if count == 0 {
            continue;
        }
        let width = bar * f64::from(count) / f64::from(total);
        out.push((count, status, color, x, width));
        x += width;
    }
    out
}

/// A table with its head: each column is its header and whether it holds numbers (right-aligned).
fn table(id: Option<&str>, columns: &[(&str, bool)], body: Markup) -> Markup {
    html! {
        table id=[id] {
            thead { tr { @for (header, numeric) in columns { th class=[numeric.then_some("num")] { (header) } } } }
            tbody { (body) }
        }
    }
}

/// One step of a path as a table row.
fn step_row(s: &Step, t: Lang) -> Markup {
    let money = |cents: i64| Money::from_cents(cents).format(t);
    html! {
        tr.step {
            td {
                (s.course.label) @if s.evc { " (EVC)" }
                @if let Some(c) = &s.credential {
                    br; span.note { (t.pick("levert op:", "yields:")) " " (c.label) }
                }
            }
            td { (long_date(&s.start_date, t)) " – " (long_date(&s.end_date, t)) }
            td.num { (s.hours) }
            td.num { (money(s.price_cents)) }
            td {
                @if s.funding.is_empty() { "–" }
                @for (i, f) in s.funding.iter().enumerate() {
                    @if i > 0 { br; }
                    (funding_words(f, t))
                }
            }
            td.num { (money(s.own_contribution_cents)) }
            td { (s.closes.iter().map(|c| c.label.as_str()).collect::<Vec<_>>().join(", ")) }
        }
    }
}

fn path_section(a: &Advice, o: &PathOption) -> Markup {
    let t = a.text();
    html! {
        section #pad {
            h2 { "2. " (t.pick("Het pad", "The path")) ": " (kinds_words(&o.kinds, t)) }
            p.key {
                @for (i, (caption, value)) in a.totals(o).into_iter().enumerate() {
                    @if i > 0 { " · " }
                    (caption) " " strong { (value) }
                }
            }
            @if o.steps.is_empty() {
                p { (t.pick("Dit pad heeft geen opleidingen.", "This path has no courses.")) }
            } @else {
                figure {
                    (timeline(a, o))
                    figcaption { (t.pick("Tijdlijn per kalenderjaar", "Timeline per calendar year")) }
                }
            }
            @for (year, steps) in o.by_year() {
                h3 { (year) }
                table.steps data-year=(year) {
                    thead { tr {
                        th { (t.pick("Opleiding", "Course")) }
                        th { (t.pick("Periode", "Period")) }
                        th.num { (t.pick("Uren", "Hours")) }
                        th.num { (t.pick("Prijs", "Price")) }
                        th { (t.pick("Financiering", "Funding")) }
                        th.num { (t.pick("Zelf", "Own")) }
                        th { (t.pick("Wat u leert", "What you learn")) }
                    } }
                    tbody { @for s in steps { (step_row(s, t)) } }
                }
            }
            @if !o.still_open.is_empty() {
                h3 { (t.pick("Blijft open", "Stays open")) }
                ul.skills {
                    @for s in &o.still_open {
                        li { span.missing { "✗" } " " (s.skill.label) " — " span.note { (s.explanation) } }
                    }
                }
            }
            @if a.paths.options.len() > 1 {
                h3 { (t.pick("Andere paden", "Other paths")) }
                (table(
                    Some("other-paths"),
                    &[
                        (t.pick("Pad", "Path"), false),
                        (t.pick("Prijs", "Price"), true),
                        (t.pick("Eigen bijdrage", "Own contribution"), true),
                        (t.pick("Uren", "Hours"), true),
                        (t.pick("Essentieel gedekt", "Essential covered"), true),
                    ],
                    html! {
                        @for other in &a.paths.options[1..] {
                            tr {
                                td { (kinds_words(&other.kinds, t)) }
                                td.num { (a.money(other.total_price_cents)) }
                                td.num { (a.money(other.total_own_cents)) }
                                td.num { (other.total_hours) }
                                td.num { (percent(other.essential_coverage)) }
                            }
                        }
                    },
                ))
            }
        }
    }
}

/// The steps on a time axis of whole calendar years: one column per year, one bar per step from
/// its start to its end.
fn timeline(a: &Advice, o: &PathOption) -> Markup {
    const WIDTH: f64 = 640.0;
    const ROW: f64 = 40.0;
    const TOP: f64 = 26.0;
    let t = a.text();
    let days = |date: &str| date.parse::<crate::model::Date>().ok().map(|d| d.to_days());
    let first_year = o.steps.iter().map(|s| s.year).min().unwrap_or(0);
    let last_year = o
        .steps
        .iter()
        .filter_map(|s| s.end_date.parse::<crate::model::Date>().ok().map(|d| d.year()))
        .chain(o.steps.iter().map(|s| s.year))
        .max()
        .unwrap_or(first_year);
    let year_start = |year: i32| crate::model::Date::new(year, 1, 1).map(|d| d.to_days()).unwrap_or(0);
    let axis_start = year_start(first_year);
    let axis_end = year_start(last_year + 1);
    let span = (axis_end - axis_start).max(1) as f64;
    let x_of = |day: i64| ((day - axis_start) as f64 / span * WIDTH).clamp(0.0, WIDTH);
    let height = TOP + ROW * o.steps.len() as f64 + 8.0;
    html! {
        svg #timeline xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {height}")) role="img"
            aria-labelledby="timeline-title" {
            title #timeline-title { (t.pick("Tijdlijn van het pad", "Timeline of the path")) " " (first_year) "–" (last_year) }
            @for year in first_year..=last_year {
                @let x = x_of(year_start(year));
                @let next = x_of(year_start(year + 1));
                rect.year x=(format!("{x:.1}")) y="0" width=(format!("{:.1}", next - x)) height=(height)
                    fill=(if (year - first_year) % 2 == 0 { "#f3f5f9" } else { "#ffffff" }) {}
                text x=(format!("{:.1}", x + 6.0)) y="17" font-size="13" font-weight="600" fill="#0b5cad" { (year) }
            }
            @for (row, s) in o.steps.iter().enumerate() {
                @if let (Some(start), Some(end)) = (days(&s.start_date), days(&s.end_date)) {
                    @let y = TOP + ROW * row as f64;
                    @let x = x_of(start);
                    @let width = (x_of(end) - x).max(4.0);
                    // The label starts at its bar but is moved left as far as needed to stay on
                    // the chart (SVG text does not wrap; its width is estimated from the number of
                    // characters).
                    @let label = fit_label(&format!("{} ({})", s.course.label, a.money(s.price_cents)), WIDTH);
                    @let label_x = x.min(WIDTH - label.chars().count() as f64 * CHAR_WIDTH).max(0.0);
                    text x=(format!("{label_x:.1}")) y=(format!("{:.1}", y + 11.0)) font-size="12" fill="#1d1d1f" { (label) }
                    rect.step-bar x=(format!("{x:.1}")) y=(format!("{:.1}", y + 16.0)) width=(format!("{width:.1}"))
                        height="14" rx="3" fill="#0b5cad" {
                        title { (s.course.label) ": " (s.start_date) " – " (s.end_date) }
                    }
                }
            }
        }
    }
}

/// A generous estimate of the width of one character of 12 px text.
const CHAR_WIDTH: f64 = 6.8;

/// `label`, shortened with an ellipsis when it would not fit `width` pixels.
fn fit_label(label: &str, width: f64) -> String {
    let max = (width / CHAR_WIDTH) as usize;
    if label.chars().count() <= max {
        return label.to_string();
    }
    let mut short: String = label.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

fn funding_section(a: &Advice) -> Markup {
    let t = a.text();
    let f = &a.funding;
    html! {
        section #financiering {
            h2 { "3. " (t.pick("Financiering", "Funding")) }
            @if let Some(option) = a.paths.options.first() {
                h3 { (t.pick("Wie betaalt het pad", "Who pays for the path")) }
                table #funding-by-source {
                    thead { tr {
                        th { (t.pick("Bron", "Source")) }
                        th.num { (t.pick("Bedrag", "Amount")) }
                        th.num { (t.pick("Mogelijk nog", "Possibly also")) }
                    } }
                    tbody {
                        @for source in &option.funding_by_source {
                            tr.source {
                                td {
                                    @match &source.scheme {
                                        Some(s) => (s.label),
                                        None => (t.pick("Eigen bijdrage", "Own contribution")),
                                    }
                                }
                                td.num { (a.money(source.certain_cents)) }
                                td.num {
                                    @if source.possible_cents > 0 {
                                        (t.pick("hooguit", "at most")) " " (a.money(source.possible_cents))
                                    } @else { "–" }
                                }
                            }
                        }
                        tr { th { (t.pick("Totaal", "Total")) } th.num { (a.money(option.total_price_cents)) } th {} }
                    }
                }
                @if option.funding_by_source.iter().any(|s| s.possible_cents > 0) {
                    p.note {
                        (t.pick(
                            "‘Mogelijk nog’ hangt af van gegevens die nog ontbreken; komt het geld, dan daalt de eigen bijdrage met dat bedrag.",
                            "‘Possibly also’ depends on facts still missing; if the money comes, the own contribution falls by that amount."
                        ))
                    }
                }
            }
            h3 {
                (t.pick("Regelingen op", "Schemes on")) " " (long_date(&f.date, t))
                @if let Some(c) = &f.course { " (" (t.pick("voor", "for")) " " (c.label) ")" }
            }
            @if f.schemes.is_empty() {
                p { (t.pick("Geen regelingen geldig op deze datum.", "No schemes valid on this date.")) }
            } @else {
                (table(
                    Some("schemes"),
                    &[
                        (t.pick("Regeling", "Scheme"), false),
                        (t.pick("Oordeel", "Decision"), false),
                        (t.pick("Bedrag", "Amount"), true),
                        (t.pick("Betaald aan", "Paid to"), false),
                        (t.pick("Waarom", "Why"), false),
                    ],
                    html! { @for s in &f.schemes { (scheme_row(a, s)) } },
                ))
            }
        }
    }
}

/// One scheme checked on the advice date: decision, amount and why, line by line.
fn scheme_row(a: &Advice, s: &SchemeCheck) -> Markup {
    let t = a.text();
    let amount = match s.amount_cents {
        Some(cents) if s.upper_bound => format!("{} {}", t.pick("hooguit", "at most"), a.money(cents)),
        Some(cents) => a.money(cents),
        None => "–".to_string(),
    };
    let mut why: Vec<Markup> = Vec::new();
    for c in &s.failed {
        why.push(html! { span.missing { "✗" } " " (c.explanation) });
    }
    for c in &s.unknown {
        why.push(html! { span.unknown { "?" } " " (c.explanation) });
    }
    for change in &s.would_change {
        why.push(html! { "→ " (change) });
    }
    if !s.about_course.is_empty() {
        why.push(html! {
            "… " (t.pick(
                "gaat over de opleiding, te toetsen zodra die gekozen is:",
                "about the course, to check once one is chosen:"
            ))
            " " (s.about_course.join(", "))
        });
    }
    if !s.missing_facts.is_empty() {
        let facts: Vec<String> = s.missing_facts.iter().map(|f| fact_words(f, t)).collect();
        why.push(html! { span.note { (t.pick("Nog nodig:", "Still needed:")) " " (facts.join(", ")) } });
    }
    if why.is_empty() {
        why.push(html! { (s.summary) });
    }
    if !s.source.is_empty() {
        why.push(html! { span.note { (t.pick("Bron:", "Source:")) " " (s.source) } });
    }
    html! {
        tr.scheme {
            td { (s.scheme.label) }
            td { span class=(format!("decision {}", s.decision)) { (decision_words(s.decision, t)) } }
            td.num { (amount) }
            td { (s.paid_to) }
            td { @for (i, line) in why.iter().enumerate() { @if i > 0 { br; } (line) } }
        }
    }
}

fn alternatives_section(a: &Advice) -> Markup {
    let t = a.text();
    html! {
        section #alternatieven {
            h2 { "4. " (t.pick("Andere beroepen die bij u passen", "Other occupations that fit you")) }
            @if a.alternatives.is_empty() {
                p { (t.pick("Geen andere beroepen gevonden.", "No other occupations found.")) }
            } @else {
                (table(
                    None,
                    &[
                        (t.pick("Beroep", "Occupation"), false),
                        (t.pick("Dekking", "Coverage"), true),
                        (t.pick("Essentieel", "Essential"), true),
                        (t.pick("Kansberoep", "Shortage occupation"), false),
                        (t.pick("Vooral nog te leren", "Mainly still to learn"), false),
                    ],
                    html! {
                        @for alt in &a.alternatives {
                            tr {
                                td { (alt.occupation.label) }
                                td.num { (percent(alt.coverage)) }
                                td.num { (percent(alt.essential_coverage)) }
                                td { (if alt.kansberoep { t.pick("ja", "yes") } else { t.pick("nee", "no") }) }
                                td { (alt.to_learn.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", ")) }
                            }
                        }
                    },
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::report::{FundingLine, Named};

    #[test]
    fn labels_from_the_data_are_escaped() {
        let named = |label: &str| Named { id: "x".into(), label: label.into() };
        let step = Step {
            course: named("<script>alert(1)</script> R&D \"Zorg\""),
            year: 2024,
            start_date: "2024-01-15".into(),
            end_date: "2024-03-01".into(),
            price_cents: 45_000,
            funding: vec![FundingLine { scheme: named("<b>STAP</b>"), amount_cents: 10_000, certain: true }],
            own_contribution_cents: 35_000,
            hours: 40,
            closes: vec![named("wond<verzorging>")],
            credential: Some(named("<i>certificaat</i>")),
            evc: false,
            why: String::new(),
        };
        let row = step_row(&step, Lang::DUTCH).into_string();
        assert!(row.contains("&lt;script&gt;alert(1)&lt;/script&gt; R&amp;D &quot;Zorg&quot;"), "{row}");
        assert!(row.contains("&lt;b&gt;STAP&lt;/b&gt; € 100"), "{row}");
        assert!(row.contains("wond&lt;verzorging&gt;") && row.contains("&lt;i&gt;certificaat&lt;/i&gt;"), "{row}");
        for raw in ["<script", "<b>", "<i>", "<verzorging"] {
            assert!(!row.contains(raw), "{raw} in {row}");
        }
    }

    #[test]
    fn the_chart_draws_one_segment_per_status_in_proportion() {
        let essential = Counts { total: 12, covered: 3, partly_covered: 1, missing: 8 };
        let optional = Counts { total: 0, covered: 0, partly_covered: 0, missing: 0 };
        let svg = skills_chart(essential, optional, Lang::DUTCH).into_string();
        assert!(
            svg.contains("class=\"bar covered essential\" data-count=\"3\" x=\"110.0\" y=\"8\" width=\"130.0\""),
            "{svg}"
        );
        assert!(svg.contains("data-count=\"8\""), "{svg}");
        assert!(svg.contains(">8 ontbreekt</text>"), "{svg}");
        assert!(svg.contains(">geen</text>"), "an empty class says so: {svg}");
    }
}

//! The advice as a printable HTML development plan (ontwikkelplan): one self-contained file — no
//! scripts, fonts, images or style sheets from elsewhere — that opens offline, prints on A4 and
//! can be handed to the person.
//!
//! It shows the covered and missing skills as an inline SVG chart, the recommended path as a
//! timeline per calendar year with a table per year (amounts in euro, funding per scheme), the
//! money per source, the schemes checked on the advice date and the occupations that also fit.

use std::fmt::Write;

use super::{Advice, Counts, PathOption, decision_words, fact_words, kinds_words, long_date, status_words};
use crate::model::Lang;
use crate::model::percent;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

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
    let t = a.text();
    let mut out = String::new();
    let title = format!("{} {}", t.pick("Ontwikkelplan: naar", "Development plan: towards"), a.target.label);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        if a.english() { "en" } else { "nl" },
        escape(&title)
    );
    let current = match &a.current_occupation {
        Some(c) => escape(&c.label),
        None => t.pick("onbekend", "unknown").to_string(),
    };
    let _ = write!(
        out,
        "<header>\n<p class=\"eyebrow\">{}</p>\n<h1>{} {}</h1>\n<p class=\"meta\">{} {} · {} {current} · {} {}</p>\n</header>\n",
        t.pick("Ontwikkelplan", "Development plan"),
        t.pick("Naar", "Towards"),
        escape(&a.target.label),
        t.pick("Opgesteld op", "Drawn up on"),
        escape(&long_date(&a.date, t)),
        t.pick("huidig beroep:", "current occupation:"),
        t.pick("vaardigheden in het profiel:", "skills in the profile:"),
        a.profile.len(),
    );
    skills_section(a, &mut out);
    match a.paths.options.first() {
        Some(option) if !a.paths.dead_end() => path_section(a, option, &mut out),
        _ => {
            let later: Vec<String> = a
                .paths
                .later
                .iter()
                .map(|l| format!("<li>{} ({})</li>", escape(&l.course.label), l.next_start_words(t)))
                .collect();
            let later = if later.is_empty() {
                String::new()
            } else {
                format!(
                    "<p>{}</p>\n<ul>{}</ul>\n",
                    t.pick("Zou passen als de opleiding later start:", "Would fit if the course started later:"),
                    later.join("")
                )
            };
            let _ = write!(
                out,
                "<section id=\"pad\">\n<h2>2. {}</h2>\n<p>{} {}.</p>\n{later}</section>\n",
                t.pick("Het pad", "The path"),
                t.pick(
                    "Er is geen opleidingspad: geen passende opleiding start vóór",
                    "No training path: no fitting course starts before"
                ),
                escape(&long_date(&a.paths.horizon_end, t)),
            );
        }
    }
    funding_section(a, &mut out);
    alternatives_section(a, &mut out);
    let _ = write!(
        out,
        "<footer>\n<p>{} {}. {}</p>\n</footer>\n</body>\n</html>\n",
        t.pick("Gemaakt met vaardig op ontologie-snapshot", "Made with vaardig on ontology snapshot"),
        escape(&a.snapshot_version),
        t.pick(
            "Het profiel van de persoon is alleen in het profielbestand van de adviseur bewaard, niet op een server. Bedragen zijn indicaties; de uitvoerder van een regeling beslist.",
            "The person's profile is kept only in the advisor's profile file, not on a server. Amounts are indications; the executor of a scheme decides."
        ),
    );
    out
}

fn skills_section(a: &Advice, out: &mut String) {
    let t = a.text();
    let g = &a.gap;
    let _ = write!(
        out,
        "<section id=\"vaardigheden\">\n<h2>1. {}</h2>\n<p class=\"key\">{} <strong>{}</strong> {} {}; {} <strong>{}</strong> ({} {} {}).</p>\n",
        t.pick("Vaardigheden", "Skills"),
        t.pick("U dekt nu", "You now cover"),
        percent(g.coverage),
        t.pick("van wat het beroep", "of what"),
        escape(&a.target.label),
        t.pick("van de essentiële vaardigheden", "of the essential skills"),
        percent(g.essential_coverage),
        g.essential.covered,
        t.pick("van", "of"),
        g.essential.total,
    );
    let _ = write!(
        out,
        "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
        skills_chart(g.essential, g.optional, t),
        legend(t)
    );
    let list = |status: &[&str]| -> String {
        let items: Vec<String> = g
            .requirements
            .iter()
            .filter(|r| status.contains(&r.status))
            .map(|r| {
                let class = if r.status == "partly_covered" { "partly" } else { r.status };
                let importance = if r.essential {
                    format!(" <strong>({})</strong>", t.pick("essentieel", "essential"))
                } else {
                    String::new()
                };
                let explanation = if r.explanation.is_empty() {
                    String::new()
                } else {
                    format!(" — <span class=\"note\">{}</span>", escape(&r.explanation))
                };
                format!(
                    "<li class=\"{class}\"><span class=\"{class}\">{}</span> {}{importance}{explanation}</li>",
                    status_mark(r.status),
                    escape(&r.skill.label)
                )
            })
            .collect();
        if items.is_empty() {
            format!("<p class=\"note\">{}</p>", t.pick("Geen.", "None."))
        } else {
            format!("<ul class=\"skills\">{}</ul>", items.join("\n"))
        }
    };
    let _ = write!(
        out,
        "<div class=\"cols\">\n<div id=\"al-gedekt\"><h3>{}</h3>\n{}\n</div>\n<div id=\"ontbreekt\"><h3>{}</h3>\n{}\n</div>\n</div>\n</section>\n",
        t.pick("Dit kunt u al", "What you can already do"),
        list(&["covered", "partly_covered"]),
        t.pick("Dit ontbreekt nog", "What is still missing"),
        list(&["missing"]),
    );
}

fn status_mark(status: &str) -> &'static str {
    match status {
        "covered" => "✓",
        "partly_covered" => "~",
        _ => "✗",
    }
}

fn legend(t: Lang) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:var(--covered)\"></span>{}<span class=\"swatch\" style=\"background:var(--partly)\"></span>{}<span class=\"swatch\" style=\"background:var(--missing)\"></span>{}",
        status_words("covered", t),
        status_words("partly_covered", t),
        status_words("missing", t)
    )
}

/// Two stacked bars (essential, optional): covered, partly covered and missing requirements, each
/// segment as wide as its share and labelled with its count.
fn skills_chart(essential: Counts, optional: Counts, t: Lang) -> String {
    const WIDTH: f64 = 640.0;
    const LABEL: f64 = 110.0;
    const BAR: f64 = WIDTH - LABEL - 10.0;
    let mut svg = String::new();
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
    let _ = write!(
        svg,
        "<svg id=\"skills-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} 96\" role=\"img\" aria-labelledby=\"skills-chart-title\">\n<title id=\"skills-chart-title\">{}</title>\n",
        escape(&description)
    );
    for (row, (name, counts, class)) in rows.iter().enumerate() {
        let y = 8.0 + row as f64 * 44.0;
        let _ = writeln!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"14\" font-weight=\"600\" fill=\"#1d1d1f\">{}</text>",
            y + 20.0,
            escape(name)
        );
        let total = counts.covered + counts.partly_covered + counts.missing;
        if total == 0 {
            let _ = write!(
                svg,
                "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{BAR}\" height=\"30\" fill=\"#eeeeee\"/>\n<text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#5f6368\">{}</text>\n",
                LABEL + 8.0,
                y + 20.0,
                t.pick("geen", "none")
            );
            continue;
        }
        let mut x = LABEL;
        for (count, status, color) in [
            (counts.covered, "covered", "#2e7d32"),
            (counts.partly_covered, "partly_covered", "#f0a500"),
            (counts.missing, "missing", "#c62828"),
        ] {
            if count == 0 {
                continue;
            }
            let width = BAR * f64::from(count) / f64::from(total);
            let words = format!("{count} {}", status_words(status, t));
            let _ = writeln!(
                svg,
                "<rect class=\"bar {status} {class}\" data-count=\"{count}\" x=\"{x:.1}\" y=\"{y}\" width=\"{width:.1}\" height=\"30\" fill=\"{color}\"><title>{}</title></rect>",
                escape(&words)
            );
            // A count fits inside a segment of a few characters' width; narrower ones keep it in the title.
            if width >= 22.0 {
                let label = if width >= 90.0 { words } else { count.to_string() };
                let ink = if status == "partly_covered" { "#1d1d1f" } else { "#ffffff" };
                let _ = writeln!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\" fill=\"{ink}\">{}</text>",
                    x + width / 2.0,
                    y + 20.0,
                    escape(&label)
                );
            }
            x += width;
        }
    }
    svg.push_str("</svg>");
    svg
}

fn path_section(a: &Advice, o: &PathOption, out: &mut String) {
    let t = a.text();
    let totals: Vec<String> = a
        .totals(o)
        .into_iter()
        .map(|(caption, value)| format!("{caption} <strong>{}</strong>", escape(&value)))
        .collect();
    let _ = writeln!(
        out,
        "<section id=\"pad\">\n<h2>2. {}: {}</h2>\n<p class=\"key\">{}</p>",
        t.pick("Het pad", "The path"),
        escape(&kinds_words(&o.kinds, t)),
        totals.join(" · "),
    );
    if o.steps.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", t.pick("Dit pad heeft geen opleidingen.", "This path has no courses."));
    } else {
        let _ = write!(
            out,
            "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            timeline(a, o),
            t.pick("Tijdlijn per kalenderjaar", "Timeline per calendar year")
        );
    }
    for (year, steps) in o.by_year() {
        let _ = write!(
            out,
            "<h3>{year}</h3>\n{}",
            table_head(
                &format!(" class=\"steps\" data-year=\"{year}\""),
                &[
                    (t.pick("Opleiding", "Course"), false),
                    (t.pick("Periode", "Period"), false),
                    (t.pick("Uren", "Hours"), true),
                    (t.pick("Prijs", "Price"), true),
                    (t.pick("Financiering", "Funding"), false),
                    (t.pick("Zelf", "Own"), true),
                    (t.pick("Wat u leert", "What you learn"), false),
                ],
            )
        );
        for s in steps {
            let funding: Vec<String> = s.funding.iter().map(|f| escape(&a.funding_words(f))).collect();
            let credential = s
                .credential
                .as_ref()
                .map(|c| {
                    format!("<br><span class=\"note\">{} {}</span>", t.pick("levert op:", "yields:"), escape(&c.label))
                })
                .unwrap_or_default();
            let evc = if s.evc { " (EVC)" } else { "" };
            let _ = writeln!(
                out,
                "<tr class=\"step\"><td>{}{evc}{credential}</td><td>{} – {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape(&s.course.label),
                escape(&long_date(&s.start_date, t)),
                escape(&long_date(&s.end_date, t)),
                s.hours,
                a.money(s.price_cents),
                if funding.is_empty() { "–".to_string() } else { funding.join("<br>") },
                a.money(s.own_contribution_cents),
                escape(&s.closes.iter().map(|c| c.label.as_str()).collect::<Vec<_>>().join(", ")),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    if !o.still_open.is_empty() {
        let items: Vec<String> = o
            .still_open
            .iter()
            .map(|s| {
                format!(
                    "<li><span class=\"missing\">✗</span> {} — <span class=\"note\">{}</span></li>",
                    escape(&s.skill.label),
                    escape(&s.explanation)
                )
            })
            .collect();
        let _ = write!(
            out,
            "<h3>{}</h3>\n<ul class=\"skills\">{}</ul>\n",
            t.pick("Blijft open", "Stays open"),
            items.join("\n")
        );
    }
    if a.paths.options.len() > 1 {
        let _ = write!(
            out,
            "<h3>{}</h3>\n{}",
            t.pick("Andere paden", "Other paths"),
            table_head(
                " id=\"other-paths\"",
                &[
                    (t.pick("Pad", "Path"), false),
                    (t.pick("Prijs", "Price"), true),
                    (t.pick("Eigen bijdrage", "Own contribution"), true),
                    (t.pick("Uren", "Hours"), true),
                    (t.pick("Essentieel gedekt", "Essential covered"), true),
                ],
            )
        );
        for other in &a.paths.options[1..] {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&kinds_words(&other.kinds, t)),
                a.money(other.total_price_cents),
                a.money(other.total_own_cents),
                other.total_hours,
                percent(other.essential_coverage),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

/// The steps on a time axis of whole calendar years: one column per year, one bar per step from
/// its start to its end.
fn timeline(a: &Advice, o: &PathOption) -> String {
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
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"timeline-title\">\n<title id=\"timeline-title\">{} {first_year}–{last_year}</title>\n",
        t.pick("Tijdlijn van het pad", "Timeline of the path"),
    );
    for year in first_year..=last_year {
        let x = x_of(year_start(year));
        let next = x_of(year_start(year + 1));
        let shade = if (year - first_year) % 2 == 0 { "#f3f5f9" } else { "#ffffff" };
        let _ = write!(
            svg,
            "<rect class=\"year\" x=\"{x:.1}\" y=\"0\" width=\"{:.1}\" height=\"{height}\" fill=\"{shade}\"/>\n<text x=\"{:.1}\" y=\"17\" font-size=\"13\" font-weight=\"600\" fill=\"#0b5cad\">{year}</text>\n",
            next - x,
            x + 6.0
        );
    }
    for (row, s) in o.steps.iter().enumerate() {
        let y = TOP + ROW * row as f64;
        let (Some(start), Some(end)) = (days(&s.start_date), days(&s.end_date)) else { continue };
        let x = x_of(start);
        let width = (x_of(end) - x).max(4.0);
        // The label starts at its bar but is moved left as far as needed to stay on the chart
        // (SVG text does not wrap; its width is estimated from the number of characters).
        let label = fit_label(&format!("{} ({})", s.course.label, a.money(s.price_cents)), WIDTH);
        let label_x = x.min(WIDTH - label.chars().count() as f64 * CHAR_WIDTH).max(0.0);
        let _ = write!(
            svg,
            "<text x=\"{label_x:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#1d1d1f\">{}</text>\n<rect class=\"step-bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"14\" rx=\"3\" fill=\"#0b5cad\"><title>{}</title></rect>\n",
            y + 11.0,
            escape(&label),
            y + 16.0,
            escape(&format!("{}: {} – {}", s.course.label, s.start_date, s.end_date)),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The opening of a table up to its body: `attributes` go into `<table…>`, each column is its
/// header and whether it holds numbers (right-aligned).
fn table_head(attributes: &str, columns: &[(&str, bool)]) -> String {
    let cells: String = columns
        .iter()
        .map(|(header, numeric)| {
            let class = if *numeric { " class=\"num\"" } else { "" };
            format!("<th{class}>{}</th>", escape(header))
        })
        .collect();
    format!("<table{attributes}>\n<thead><tr>{cells}</tr></thead>\n<tbody>\n")
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

fn funding_section(a: &Advice, out: &mut String) {
    let t = a.text();
    let _ = write!(out, "<section id=\"financiering\">\n<h2>3. {}</h2>\n", t.pick("Financiering", "Funding"));
    if let Some(option) = a.paths.options.first() {
        let _ = write!(
            out,
            "<h3>{}</h3>\n{}",
            t.pick("Wie betaalt het pad", "Who pays for the path"),
            table_head(
                " id=\"funding-by-source\"",
                &[
                    (t.pick("Bron", "Source"), false),
                    (t.pick("Bedrag", "Amount"), true),
                    (t.pick("Mogelijk nog", "Possibly also"), true),
                ],
            )
        );
        for source in &option.funding_by_source {
            let name = match &source.scheme {
                Some(s) => escape(&s.label),
                None => t.pick("Eigen bijdrage", "Own contribution").to_string(),
            };
            let possible = if source.possible_cents > 0 {
                format!("{} {}", t.pick("hooguit", "at most"), a.money(source.possible_cents))
            } else {
                "–".to_string()
            };
            let _ = writeln!(
                out,
                "<tr class=\"source\"><td>{name}</td><td class=\"num\">{}</td><td class=\"num\">{possible}</td></tr>",
                a.money(source.certain_cents)
            );
        }
        let _ = write!(
            out,
            "<tr><th>{}</th><th class=\"num\">{}</th><th></th></tr>\n</tbody>\n</table>\n",
            t.pick("Totaal", "Total"),
            a.money(option.total_price_cents)
        );
        if option.funding_by_source.iter().any(|s| s.possible_cents > 0) {
            let _ = writeln!(
                out,
                "<p class=\"note\">{}</p>",
                t.pick(
                    "‘Mogelijk nog’ hangt af van gegevens die nog ontbreken; komt het geld, dan daalt de eigen bijdrage met dat bedrag.",
                    "‘Possibly also’ depends on facts still missing; if the money comes, the own contribution falls by that amount."
                )
            );
        }
    }
    let f = &a.funding;
    let course = match &f.course {
        Some(c) => format!(" ({} {})", t.pick("voor", "for"), escape(&c.label)),
        None => String::new(),
    };
    let _ =
        writeln!(out, "<h3>{} {}{course}</h3>", t.pick("Regelingen op", "Schemes on"), escape(&long_date(&f.date, t)));
    if f.schemes.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            t.pick("Geen regelingen geldig op deze datum.", "No schemes valid on this date.")
        );
    } else {
        out.push_str(&table_head(
            " id=\"schemes\"",
            &[
                (t.pick("Regeling", "Scheme"), false),
                (t.pick("Oordeel", "Decision"), false),
                (t.pick("Bedrag", "Amount"), true),
                (t.pick("Betaald aan", "Paid to"), false),
                (t.pick("Waarom", "Why"), false),
            ],
        ));
        for s in &f.schemes {
            let amount = match s.amount_cents {
                Some(cents) if s.upper_bound => format!("{} {}", t.pick("hooguit", "at most"), a.money(cents)),
                Some(cents) => a.money(cents),
                None => "–".to_string(),
            };
            let mut why: Vec<String> = Vec::new();
            for c in s.failed.iter() {
                why.push(format!("<span class=\"missing\">✗</span> {}", escape(&c.explanation)));
            }
            for c in s.unknown.iter() {
                why.push(format!("<span class=\"unknown\">?</span> {}", escape(&c.explanation)));
            }
            for change in &s.would_change {
                why.push(format!("→ {}", escape(change)));
            }
            if !s.about_course.is_empty() {
                why.push(format!(
                    "… {} {}",
                    t.pick(
                        "gaat over de opleiding, te toetsen zodra die gekozen is:",
                        "about the course, to check once one is chosen:"
                    ),
                    escape(&s.about_course.join(", "))
                ));
            }
            if !s.missing_facts.is_empty() {
                let facts: Vec<String> = s.missing_facts.iter().map(|f| fact_words(f, t)).collect();
                why.push(format!(
                    "<span class=\"note\">{} {}</span>",
                    t.pick("Nog nodig:", "Still needed:"),
                    escape(&facts.join(", "))
                ));
            }
            if why.is_empty() {
                why.push(escape(&s.summary));
            }
            if !s.source.is_empty() {
                why.push(format!("<span class=\"note\">{} {}</span>", t.pick("Bron:", "Source:"), escape(&s.source)));
            }
            let _ = writeln!(
                out,
                "<tr class=\"scheme\"><td>{}</td><td><span class=\"decision {}\">{}</span></td><td class=\"num\">{amount}</td><td>{}</td><td>{}</td></tr>",
                escape(&s.scheme.label),
                s.decision,
                decision_words(s.decision, t),
                escape(&s.paid_to),
                why.join("<br>"),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

fn alternatives_section(a: &Advice, out: &mut String) {
    let t = a.text();
    let _ = write!(
        out,
        "<section id=\"alternatieven\">\n<h2>4. {}</h2>\n",
        t.pick("Andere beroepen die bij u passen", "Other occupations that fit you")
    );
    if a.alternatives.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", t.pick("Geen andere beroepen gevonden.", "No other occupations found."));
    } else {
        out.push_str(&table_head(
            "",
            &[
                (t.pick("Beroep", "Occupation"), false),
                (t.pick("Dekking", "Coverage"), true),
                (t.pick("Essentieel", "Essential"), true),
                (t.pick("Kansberoep", "Shortage occupation"), false),
                (t.pick("Vooral nog te leren", "Mainly still to learn"), false),
            ],
        ));
        for alt in &a.alternatives {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                escape(&alt.occupation.label),
                percent(alt.coverage),
                percent(alt.essential_coverage),
                if alt.kansberoep { t.pick("ja", "yes") } else { t.pick("nee", "no") },
                escape(&alt.to_learn.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", ")),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(escape("<b>\"R&D\"</b> 'x'"), "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; &#39;x&#39;");
    }

    #[test]
    fn the_chart_draws_one_segment_per_status_in_proportion() {
        let essential = Counts { total: 12, covered: 3, partly_covered: 1, missing: 8 };
        let optional = Counts { total: 0, covered: 0, partly_covered: 0, missing: 0 };
        let svg = skills_chart(essential, optional, Lang::DUTCH);
        assert!(
            svg.contains("class=\"bar covered essential\" data-count=\"3\" x=\"110.0\" y=\"8\" width=\"130.0\""),
            "{svg}"
        );
        assert!(svg.contains("data-count=\"8\""), "{svg}");
        assert!(svg.contains(">8 ontbreekt</text>"), "{svg}");
        assert!(svg.contains(">geen</text>"), "an empty class says so: {svg}");
    }
}

//! The advice as a terminal report: four numbered sections with tables, in Dutch (or English),
//! meant to be read together with the person. [`render_paths`] is its part 3 alone, for
//! `vaardig path`: one report model, rendered here as text and in `html` as the printable plan.

use std::fmt::Write;

use super::table::{Column, render, wrap};
use super::{
    Advice, Named, PathOption, Paths, decision_words, fact_words, funding_words, kinds_words, long_date, short_date,
    status_words, totals,
};
use crate::model::{Lang, Money, compact_id, percent};

/// Renders the whole report.
pub fn render_text(a: &Advice) -> String {
    let t = a.text();
    let mut out = String::new();
    let _ = writeln!(out, "{}", t.pick("ONTWIKKELADVIES", "DEVELOPMENT ADVICE"));
    let _ = writeln!(
        out,
        "{} {}  ({})",
        t.pick("Doelberoep:", "Target occupation:"),
        a.target.label,
        compact_id(&a.target.id)
    );
    let current = match &a.current_occupation {
        Some(c) => c.label.clone(),
        None => t.pick("onbekend", "unknown").to_string(),
    };
    let _ = writeln!(
        out,
        "{} {} · {} {current} · {} {}",
        t.pick("Datum:", "Date:"),
        long_date(&a.date, t),
        t.pick("huidig beroep:", "current occupation:"),
        t.pick("vaardigheden in het profiel:", "skills in the profile:"),
        a.profile.len()
    );
    gap_section(a, &mut out);
    alternatives_section(a, &mut out);
    paths_section(a, &mut out);
    funding_section(a, &mut out);
    let _ = writeln!(
        out,
        "\n{} · snapshot {}",
        t.pick(
            "Het profiel staat alleen in het profielbestand van de adviseur",
            "The profile is kept only in the advisor's profile file"
        ),
        a.snapshot_version
    );
    out
}

fn heading(out: &mut String, number: u32, title: &str) {
    let line = format!("{number}. {title}");
    let _ = writeln!(out, "\n{line}\n{}", "═".repeat(line.chars().count()));
}

fn gap_section(a: &Advice, out: &mut String) {
    let t = a.text();
    let g = &a.gap;
    heading(out, 1, &format!("{} {}", t.pick("Wat u al kunt voor", "What you can already do for"), a.target.label));
    let _ = writeln!(
        out,
        "{} {} · {} {} ({} {} {} {}, {} {})",
        t.pick("Dekking", "Coverage"),
        percent(g.coverage),
        t.pick("essentieel", "essential"),
        percent(g.essential_coverage),
        g.essential.covered,
        t.pick("van", "of"),
        g.essential.total,
        t.pick("essentiële vaardigheden gedekt", "essential skills covered"),
        g.essential.partly_covered,
        t.pick("deels", "partly"),
    );
    if g.requirements.is_empty() {
        let _ = writeln!(out, "{}", t.pick("(het beroep noemt geen vaardigheden)", "(the occupation lists no skills)"));
        return;
    }
    let columns = [
        Column::left("", 1),
        Column::left(t.pick("vaardigheid", "skill"), 34),
        Column::left(t.pick("belang", "importance"), 11),
        Column::left(t.pick("status", "status"), 9),
        Column::left(t.pick("toelichting", "explanation"), 50),
    ];
    let rows: Vec<Vec<String>> = g
        .requirements
        .iter()
        .map(|r| {
            let mark = match r.status {
                "covered" => "✓",
                "partly_covered" => "~",
                _ => "✗",
            };
            vec![
                mark.to_string(),
                r.skill.label.clone(),
                if r.essential { t.pick("essentieel", "essential") } else { t.pick("optioneel", "optional") }
                    .to_string(),
                status_words(r.status, t).to_string(),
                r.explanation.clone(),
            ]
        })
        .collect();
    let _ = write!(out, "\n{}", render(&columns, &rows, "  "));
}

fn alternatives_section(a: &Advice, out: &mut String) {
    let t = a.text();
    heading(out, 2, t.pick("Andere beroepen die bij u passen", "Other occupations that fit you"));
    if a.alternatives.is_empty() {
        let _ = writeln!(out, "{}", t.pick("Geen andere beroepen gevonden.", "No other occupations found."));
        return;
    }
    let columns = [
        Column::right("#", 2),
        Column::left(t.pick("beroep", "occupation"), 30),
        Column::right(t.pick("dekking", "coverage"), 8),
        Column::right(t.pick("essentieel", "essential"), 10),
        Column::left(t.pick("kansberoep", "shortage"), 10),
        Column::left(t.pick("vooral nog te leren", "mainly still to learn"), 44),
    ];
    let rows: Vec<Vec<String>> = a
        .alternatives
        .iter()
        .enumerate()
        .map(|(i, alt)| {
            vec![
                (i + 1).to_string(),
                alt.occupation.label.clone(),
                percent(alt.coverage),
                percent(alt.essential_coverage),
                if alt.kansberoep { t.pick("ja", "yes") } else { t.pick("nee", "no") }.to_string(),
                alt.to_learn.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", "),
            ]
        })
        .collect();
    let _ = write!(out, "{}", render(&columns, &rows, "  "));
}

fn paths_section(a: &Advice, out: &mut String) {
    let t = a.text();
    heading(out, 3, &format!("{} {}", t.pick("Opleidingspaden naar", "Training paths to"), a.target.label));
    let _ = writeln!(
        out,
        "{} {} · {} {} {}",
        a.paths.candidates,
        t.pick("opleidingen gewogen", "courses weighed"),
        t.pick("start", "start"),
        long_date(&a.date, t),
        t.pick(
            "(financiering: ‘hooguit’ hangt af van gegevens die nog ontbreken)",
            "(funding: ‘at most’ depends on facts still missing)"
        ),
    );
    if a.paths.dead_end() {
        dead_end_text(a, out);
        return;
    }
    for (n, option) in a.paths.options.iter().enumerate() {
        option_text(t, n, option, out);
    }
}

/// The training paths alone, as `vaardig path` prints them: the same model and the same option
/// layout as part 3 of the advice.
pub fn render_paths(p: &Paths, target: &Named, t: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}  ({}) · {} {} · {} {}",
        t.pick("Opleidingspad naar", "Training path to"),
        target.label,
        compact_id(&target.id),
        t.pick("nu essentieel gedekt", "essential covered now"),
        percent(p.essential_coverage_before),
        p.candidates,
        t.pick("opleidingen gewogen", "courses weighed"),
    );
    for (n, option) in p.options.iter().enumerate() {
        option_text(t, n, option, &mut out);
    }
    if !p.later.is_empty() {
        let _ = writeln!(
            out,
            "\n{} {}:",
            t.pick(
                "Zou passen als de opleiding later start; geen start vóór",
                "Would fit if the course started later; no start before"
            ),
            long_date(&p.horizon_end, t)
        );
        later_table(p, t, &mut out);
        if p.dead_end() {
            let _ = writeln!(
                out,
                "  {}",
                t.pick(
                    "Nu: vraag de aanbieders naar een start op aanvraag, of kijk verder vooruit met --horizon-years.",
                    "Now: ask the providers for a start on request, or look further ahead with --horizon-years."
                )
            );
        }
    }
    out
}

/// The courses that would fit if they started later, as a table.
fn later_table(p: &Paths, t: Lang, out: &mut String) {
    let columns = [
        Column::left(t.pick("opleiding", "course"), 34),
        Column::left(t.pick("volgende start", "next start"), 18),
        Column::left(t.pick("leert", "teaches"), 40),
    ];
    let rows: Vec<Vec<String>> = p
        .later
        .iter()
        .map(|l| {
            vec![
                l.course.label.clone(),
                l.next_start_words(t),
                l.closes.iter().map(|c| c.label.as_str()).collect::<Vec<_>>().join(", "),
            ]
        })
        .collect();
    let _ = write!(out, "{}", render(&columns, &rows, "  "));
}

/// No path: what is missing, which courses would fit if they started later, and what the person
/// can do now.
fn dead_end_text(a: &Advice, out: &mut String) {
    let t = a.text();
    let p = &a.paths;
    let horizon = long_date(&p.horizon_end, t);
    let open: Vec<&str> =
        p.options.first().map(|o| o.still_open.iter().map(|s| s.skill.label.as_str()).collect()).unwrap_or_default();
    let missing = if open.is_empty() {
        t.pick("Er is niets meer te leren voor dit beroep.", "Nothing is left to learn for this occupation.")
            .to_string()
    } else if !p.later.is_empty() && p.later.iter().all(|l| l.next_start_date.is_empty()) {
        t.pick(
            "Geen opleidingspad: geen van de opleidingen die de ontbrekende vaardigheden leren, heeft nog een geplande \
             start. De ontbrekende vaardigheden blijven open tot er een start is.",
            "No training path: none of the courses that teach the missing skills has a planned start left. The \
             missing skills stay open until one starts.",
        )
        .to_string()
    } else if p.later.is_empty() {
        format!(
            "{} {}.",
            t.pick(
                "Geen opleidingspad: geen opleiding in het aanbod past bij de voorwaarden voor",
                "No training path: no course on offer fits the constraints for"
            ),
            open.join(", ")
        )
    } else {
        format!(
            "{} {horizon} {}",
            t.pick(
                "Geen opleidingspad: geen passende opleiding start vóór",
                "No training path: no fitting course starts before"
            ),
            t.pick(
                "(het einde van de horizon). De ontbrekende vaardigheden blijven open tot er een start is.",
                "(the end of the horizon). The missing skills stay open until one starts."
            )
        )
    };
    let _ = writeln!(out);
    for part in wrap(&missing, 100) {
        let _ = writeln!(out, "{part}");
    }
    if !p.later.is_empty() {
        let _ = writeln!(
            out,
            "
{}",
            t.pick("Zou passen als de opleiding later start:", "Would fit if the course started later:")
        );
        later_table(p, t, out);
    }
    let _ = writeln!(
        out,
        "
{}",
        t.pick("Wat u nu kunt doen:", "What you can do now:")
    );
    let mut steps = vec![
        t.pick(
            "vraag de aanbieders naar een start op aanvraag of hun volgende startdatum;",
            "ask the providers for a start on request or their next start date;",
        )
        .to_string(),
    ];
    steps.push(
        t.pick(
            "kijk verder vooruit met --horizon-years, of ruimer met --mode, --region en --hours-per-week;",
            "look further ahead with --horizon-years, or wider with --mode, --region and --hours-per-week;",
        )
        .to_string(),
    );
    if !a.alternatives.is_empty() {
        steps.push(
            t.pick(
                "bekijk de beroepen in deel 2 die nu al beter passen;",
                "look at the occupations in part 2 that already fit better;",
            )
            .to_string(),
        );
    }
    steps.push(
        t.pick(
            "deel 4 toetst de regelingen die geen opleiding vragen nu al; die met een opleiding volgen als die er is.",
            "part 4 checks the schemes that need no course now; those about a course follow once there is one.",
        )
        .to_string(),
    );
    for step in steps {
        bullet(out, "•", &step);
    }
}

fn option_text(t: Lang, n: usize, o: &PathOption, out: &mut String) {
    let money = |cents: i64| Money::from_cents(cents).format(t);
    let letter = char::from(b'A' + (n % 26) as u8);
    let approx = if o.approximate { t.pick(" (benadering)", " (approximate)") } else { "" };
    let _ = writeln!(out, "\n{letter}. {}{approx}", kinds_words(&o.kinds, t).to_uppercase());
    let totals: Vec<String> = totals(o, t).into_iter().map(|(caption, value)| format!("{caption} {value}")).collect();
    let _ = writeln!(out, "   {}", totals.join(" · "));
    if o.steps.is_empty() {
        let _ = writeln!(out, "   {}", t.pick("(geen opleidingen in dit pad)", "(no courses in this path)"));
    }
    let columns = [
        Column::left(t.pick("opleiding", "course"), 24),
        Column::left(t.pick("periode", "period"), 14),
        Column::right(t.pick("uren", "hours"), 5),
        Column::right(t.pick("prijs", "price"), 9),
        Column::left(t.pick("financiering", "funding"), 22),
        Column::right(t.pick("zelf", "own"), 9),
        Column::left(t.pick("leert", "teaches"), 26),
    ];
    for (year, steps) in o.by_year() {
        let _ = writeln!(out, "   {year}");
        let rows: Vec<Vec<String>> = steps
            .iter()
            .map(|s| {
                let funding: Vec<String> = s.funding.iter().map(|f| funding_words(f, t)).collect();
                let evc = if s.evc { " (EVC)" } else { "" };
                vec![
                    format!("{}{evc}", s.course.label),
                    short_period(&s.start_date, &s.end_date, year, t),
                    s.hours.to_string(),
                    money(s.price_cents),
                    if funding.is_empty() { "–".to_string() } else { funding.join("; ") },
                    money(s.own_contribution_cents),
                    s.closes.iter().map(|c| c.label.as_str()).collect::<Vec<_>>().join(", "),
                ]
            })
            .collect();
        let _ = write!(out, "{}", render(&columns, &rows, "     "));
        // Why each course is in the path (what it closes, what it is needed before, what it
        // yields), from the planner.
        for s in &steps {
            if !s.why.is_empty() {
                let line = format!("{}: {}", s.course.label, s.why);
                marked(out, "     ", "↳", &line);
            }
        }
    }
    if !o.declined.is_empty() {
        let _ = writeln!(out, "   {}", t.pick("Geen subsidie uit:", "No funding from:"));
        for d in &o.declined {
            let line = format!("{}: {}", d.scheme.label, d.reason);
            marked(out, "     ", "–", &line);
        }
    }
    if !o.still_open.is_empty() {
        let _ = writeln!(out, "   {}", t.pick("Blijft open:", "Stays open:"));
        for open in &o.still_open {
            let line = format!("{} — {}", open.skill.label, open.explanation);
            marked(out, "     ", "✗", &line);
        }
    }
}

fn funding_section(a: &Advice, out: &mut String) {
    let t = a.text();
    let f = &a.funding;
    heading(out, 4, &format!("{} {}", t.pick("Financiering op", "Funding on"), long_date(&f.date, t)));
    match &f.course {
        Some(course) => {
            let _ = writeln!(
                out,
                "{} {} ({})",
                t.pick("Getoetst voor de eerste opleiding van pad A:", "Checked for the first course of path A:"),
                course.label,
                compact_id(&course.id)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{}",
                t.pick(
                    "Getoetst zonder opleiding (pad A heeft er geen).",
                    "Checked without a course (path A has none)."
                )
            );
        }
    }
    if f.schemes.is_empty() {
        let _ = writeln!(out, "{}", t.pick("Geen regelingen geldig op deze datum.", "No schemes valid on this date."));
        return;
    }
    let columns = [
        Column::left(t.pick("regeling", "scheme"), 30),
        Column::left(t.pick("oordeel", "decision"), 18),
        Column::right(t.pick("bedrag", "amount"), 16),
        Column::left(t.pick("betaald aan", "paid to"), 20),
        Column::left(t.pick("voorwaarden", "conditions"), 28),
    ];
    let rows: Vec<Vec<String>> = f
        .schemes
        .iter()
        .map(|s| {
            let amount = match s.amount_cents {
                Some(cents) if s.upper_bound => format!("{} {}", t.pick("hooguit", "at most"), a.money(cents)),
                Some(cents) => a.money(cents),
                None => "–".to_string(),
            };
            vec![
                s.scheme.label.clone(),
                decision_words(s.decision, t).to_string(),
                amount,
                s.paid_to.clone(),
                format!("✓ {} · ✗ {} · ? {}", s.passed, s.failed.len(), s.unknown.len()),
            ]
        })
        .collect();
    let _ = write!(out, "{}", render(&columns, &rows, "  "));
    for s in &f.schemes {
        let _ = writeln!(out, "\n  {} — {}", s.scheme.label, decision_words(s.decision, t));
        for (mark, conditions) in [("✗", &s.failed), ("?", &s.unknown)] {
            for c in conditions {
                let pending = if c.pending { t.pick(" (in afwachting)", " (pending)") } else { "" };
                bullet(out, mark, &format!("{}{pending}", c.explanation));
            }
        }
        if !s.about_course.is_empty() {
            bullet(
                out,
                "…",
                &format!(
                    "{} {}",
                    t.pick(
                        "gaat over de opleiding, te toetsen zodra die gekozen is:",
                        "about the course, to check once one is chosen:"
                    ),
                    s.about_course.join(", ")
                ),
            );
        }
        for change in &s.would_change {
            bullet(out, "→", change);
        }
        for notice in &s.notices {
            bullet(out, "•", notice);
        }
        if !s.missing_facts.is_empty() {
            bullet(
                out,
                " ",
                &format!(
                    "{} {}",
                    t.pick("nog nodig:", "still needed:"),
                    s.missing_facts.iter().map(|f| fact_words(f, t)).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        if !s.source.is_empty() {
            bullet(out, " ", &format!("{} {}", t.pick("bron:", "source:"), s.source));
        }
    }
    let _ = writeln!(
        out,
        "\n  {}",
        t.pick(
            "Elke voorwaarde met haar bron: vaardig eligibility --scheme ID --course ID --date …",
            "Every condition with its source: vaardig eligibility --scheme ID --course ID --date …"
        )
    );
}

fn bullet(out: &mut String, mark: &str, text: &str) {
    marked(out, "    ", mark, text);
}

/// `text` wrapped at 100 characters after `indent`, `mark` before its first line.
fn marked(out: &mut String, indent: &str, mark: &str, text: &str) {
    for (i, part) in wrap(text, 100).iter().enumerate() {
        let _ = writeln!(out, "{indent}{} {part}", if i == 0 { mark } else { " " });
    }
}

/// `2 okt – 30 okt` within the row's year; with years when a date falls outside it.
fn short_period(start: &str, end: &str, year: i32, t: Lang) -> String {
    let in_year = |date: &str| date.starts_with(&format!("{year}-"));
    let with_year = !(in_year(start) && in_year(end));
    format!("{} – {}", short_date(start, with_year, t), short_date(end, with_year, t))
}

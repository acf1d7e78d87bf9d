//! The readings of a job title as people and employment services write it.
//!
//! Titles join alternatives and qualifiers in a few fixed ways, and a label matches one of the
//! readings rather than the whole string:
//!
//! - alternatives joined by `/` (or `,`) that share a head or a tail:
//!   `Verkoper / adviseur fietsen` reads as `verkoper fietsen` and `adviseur fietsen`;
//!   `Decorschilder theater / film` as `decorschilder theater` and `decorschilder film`;
//! - a parenthetical qualifier (`Docent muziek (eerstegraads)`, `Hovenier (particuliere tuinen)`)
//!   that may name the level or the setting, or nothing a label has.
//!
//! Search scores every reading and keeps, per concept, the best (a derived reading a little below
//! the title itself, so the whole title wins when it matches as well).

/// How much a derived reading counts against the title as written.
pub const DERIVED_FACTOR: f32 = 0.97;
/// Most readings made of one title (a long enumeration is not multiplied out further).
const MAX_READINGS: usize = 6;

/// The title itself (factor 1) and its derived readings (factor [`DERIVED_FACTOR`]), without
/// duplicates.
pub fn readings(title: &str) -> Vec<(String, f32)> {
    let mut out: Vec<(String, f32)> = vec![(title.to_string(), 1.0)];
    let push = |text: String, out: &mut Vec<(String, f32)>| {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() && out.len() < MAX_READINGS && !out.iter().any(|(t, _)| t.eq_ignore_ascii_case(&text)) {
            out.push((text, DERIVED_FACTOR));
        }
    };
    let plain = without_parentheses(title);
    if plain.trim() != title.trim() {
        push(plain.clone(), &mut out);
    }
    for alternative in alternatives(&plain) {
        push(alternative, &mut out);
    }
    out
}

/// The title without its parenthetical parts.
fn without_parentheses(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut depth = 0usize;
    for c in title.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The alternatives of a title joined by `/` or `,`, each completed with the head or tail the
/// parts share; empty when the title has no alternatives.
fn alternatives(title: &str) -> Vec<String> {
    let parts: Vec<Vec<&str>> = title
        .split(['/', ','])
        .map(|p| p.split_whitespace().filter(|w| !matches!(*w, "en" | "of" | "en/of")).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        return Vec::new();
    }
    let (first, last) = (&parts[0], &parts[parts.len() - 1]);
    let middle_single = parts[1..parts.len() - 1].iter().all(|p| p.len() == 1);
    let mut out = Vec::new();
    if first.len() >= 2 && last.len() == 1 && middle_single {
        // A shared head: "decorschilder theater / film" → "decorschilder film".
        let head = &first[..first.len() - 1];
        out.push(first.join(" "));
        for part in &parts[1..] {
            out.push(format!("{} {}", head.join(" "), part.join(" ")));
        }
    } else if last.len() >= 2 && first.len() == 1 && middle_single {
        // A shared tail: "verkoper / adviseur fietsen" → "verkoper fietsen".
        let tail = &last[1..];
        for part in &parts[..parts.len() - 1] {
            out.push(format!("{} {}", part.join(" "), tail.join(" ")));
        }
        out.push(last.join(" "));
    } else {
        out.extend(parts.iter().map(|p| p.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(title: &str) -> Vec<String> {
        readings(title).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn alternatives_share_their_tail_or_head() {
        assert_eq!(
            texts("Verkoper / adviseur fietsen"),
            ["Verkoper / adviseur fietsen", "Verkoper fietsen", "adviseur fietsen"]
        );
        assert_eq!(
            texts("Decorschilder theater / film"),
            ["Decorschilder theater / film", "Decorschilder theater", "Decorschilder film"]
        );
        assert_eq!(texts("Timmerman / kozijnmaker"), ["Timmerman / kozijnmaker", "Timmerman", "kozijnmaker"]);
    }

    #[test]
    fn a_parenthetical_qualifier_may_be_left_out() {
        assert_eq!(texts("Docent muziek (eerstegraads)"), ["Docent muziek (eerstegraads)", "Docent muziek"]);
        assert_eq!(texts("Lasser"), ["Lasser"]);
    }
}

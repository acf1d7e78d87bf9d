//! Plain-text tables for the terminal: aligned columns with a rule under the header, long cells
//! wrapped at word boundaries within their column's width, so a report stays readable at about
//! 110 characters without cutting anything off.

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One column: its header, alignment and the widest its cells may be before they wrap.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    pub align: Align,
    pub max_width: usize,
}

impl Column {
    pub fn left(header: &str, max_width: usize) -> Column {
        Column { header: header.to_string(), align: Align::Left, max_width }
    }

    pub fn right(header: &str, max_width: usize) -> Column {
        Column { header: header.to_string(), align: Align::Right, max_width }
    }
}

/// Width on a terminal: one column per character (the report uses no wide characters).
fn width(text: &str) -> usize {
    text.chars().count()
}

/// Splits `text` into lines of at most `max` characters, at spaces where possible.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    // "€" stays with its amount.
    let mut words: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match words.last_mut() {
            Some(last) if last == "€" => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
    }
    for mut word in words {
        while width(&word) > max {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(max).collect();
            word = word.chars().skip(max).collect();
            lines.push(head);
        }
        if line.is_empty() {
            line = word;
        } else if width(&line) + 1 + width(&word) <= max {
            line.push(' ');
            line.push_str(&word);
        } else {
            lines.push(std::mem::replace(&mut line, word));
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Renders `rows` under `columns`, every line starting with `indent`.
pub fn render(columns: &[Column], rows: &[Vec<String>], indent: &str) -> String {
    let wrapped: Vec<Vec<Vec<String>>> = rows
        .iter()
        .map(|row| {
            columns.iter().enumerate().map(|(i, c)| wrap(row.get(i).map_or("", String::as_str), c.max_width)).collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let cells = wrapped.iter().flat_map(|row| row[i].iter()).map(|l| width(l)).max().unwrap_or(0);
            cells.max(width(&c.header))
        })
        .collect();
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let mut text = indent.to_string();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let pad = " ".repeat(widths[i].saturating_sub(width(cell)));
            match columns[i].align {
                Align::Left => {
                    text.push_str(cell);
                    text.push_str(&pad);
                }
                Align::Right => {
                    text.push_str(&pad);
                    text.push_str(cell);
                }
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(columns.iter().map(|c| c.header.as_str()).collect(), &mut out);
    line(widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().iter().map(String::as_str).collect(), &mut out);
    for row in &wrapped {
        let height = row.iter().map(Vec::len).max().unwrap_or(1);
        for l in 0..height {
            line(row.iter().map(|cell| cell.get(l).map_or("", String::as_str)).collect(), &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_wrap_within_their_column_and_numbers_align_right() {
        let columns = [Column::left("opleiding", 12), Column::right("prijs", 10)];
        let rows = vec![
            vec!["Medicatie veilig toedienen".to_string(), "€ 425".to_string()],
            vec!["Lassen".to_string(), "€ 1.350".to_string()],
        ];
        let table = render(&columns, &rows, "  ");
        assert_eq!(
            table,
            "  opleiding    prijs\n  ─────────  ───────\n  Medicatie    € 425\n  veilig\n  toedienen\n  Lassen     € 1.350\n"
        );
    }

    #[test]
    fn words_longer_than_a_column_are_split() {
        assert_eq!(wrap("verpleegtechnische handelingen", 8), ["verpleeg", "technisc", "he", "handelin", "gen"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("STAP-budget hooguit € 425", 21), ["STAP-budget hooguit", "€ 425"]);
    }
}

//! Joins a word diff's replaced words into one deleted run and one inserted run.
//!
//! A word diff aligns the spaces between replaced words as kept text, so a rewritten sentence
//! reads "<del>se</del><ins>font</ins> <del>méfient</del><ins>confiance</ins> …": one word of
//! each side in turn, which nobody can read. Here a stretch of changes separated only by spaces
//! becomes the old words struck through, then the new words, and both texts stay exact.

use super::diff::{Op, Segment};

/// Segments from the diff's tokens, each replaced stretch as one deletion then one insertion.
pub fn joined(tokens: &[(Op, &str)]) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].0 == Op::Equal {
            push(&mut segments, Op::Equal, tokens[i].1);
            i += 1;
            continue;
        }
        // The stretch runs to its last change before kept text that is more than spaces.
        let mut end = i;
        for (j, (op, text)) in tokens.iter().enumerate().skip(i) {
            match op {
                Op::Equal if text.trim().is_empty() => {}
                Op::Equal => break,
                _ => end = j,
            }
        }
        stretch(&mut segments, &tokens[i..=end]);
        i = end + 1;
    }
    segments
}

fn stretch(segments: &mut Vec<Segment>, tokens: &[(Op, &str)]) {
    let replaces = tokens.iter().any(|t| t.0 == Op::Delete) && tokens.iter().any(|t| t.0 == Op::Insert);
    if !replaces {
        for (op, text) in tokens {
            push(segments, *op, text);
        }
        return;
    }
    let side = |keep: Op| -> String {
        tokens
            .iter()
            .filter(|t| t.0 == keep || t.0 == Op::Equal)
            .map(|t| t.1)
            .collect()
    };
    let (old, new) = (side(Op::Delete), side(Op::Insert));
    // Spaces both sides start or end with stay kept text, so each side reads back exactly.
    let lead = common_spaces(old.chars(), new.chars());
    let trail = common_spaces(old[lead..].chars().rev(), new[lead..].chars().rev());
    push(segments, Op::Equal, &old[..lead]);
    push(segments, Op::Delete, &old[lead..old.len() - trail]);
    push(segments, Op::Insert, &new[lead..new.len() - trail]);
    push(segments, Op::Equal, &old[old.len() - trail..]);
}

/// The byte length of the whitespace both character sequences begin with.
fn common_spaces(a: impl Iterator<Item = char>, b: impl Iterator<Item = char>) -> usize {
    a.zip(b)
        .take_while(|(x, y)| x == y && x.is_whitespace())
        .map(|(x, _)| x.len_utf8())
        .sum()
}

/// Appends a run, joined to the previous one when it is of the same kind.
fn push(segments: &mut Vec<Segment>, op: Op, text: &str) {
    if text.is_empty() {
        return;
    }
    match segments.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => segments.push(Segment {
            op,
            text: text.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::diff::words;
    use super::*;

    fn side(segments: &[Segment], skip: Op) -> String {
        segments
            .iter()
            .filter(|s| s.op != skip)
            .map(|s| s.text.as_str())
            .collect()
    }

    #[test]
    fn a_rewritten_phrase_reads_as_the_old_words_then_the_new_ones() {
        let old = "Les femmes interrogées se méfient des forces de sécurité.";
        let new = "Les femmes interrogées font confiance aux patrouilles mixtes, moins aux unités.";
        let d = words(old, new);
        let deleted: Vec<&str> = d
            .iter()
            .filter(|s| s.op == Op::Delete)
            .map(|s| s.text.as_str())
            .collect();
        let inserted: Vec<&str> = d
            .iter()
            .filter(|s| s.op == Op::Insert)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(deleted, ["se méfient des forces de sécurité"], "{d:?}");
        assert_eq!(
            inserted,
            ["font confiance aux patrouilles mixtes, moins aux unités"],
            "{d:?}"
        );
        assert_eq!(side(&d, Op::Insert), old);
        assert_eq!(side(&d, Op::Delete), new);
    }

    #[test]
    fn spaces_at_the_edges_of_a_stretch_stay_kept_text() {
        let tokens = [
            (Op::Delete, "a"),
            (Op::Equal, " "),
            (Op::Insert, "b"),
            (Op::Equal, " end"),
        ];
        let d = joined(&tokens);
        assert_eq!(side(&d, Op::Insert), "a  end");
        assert_eq!(side(&d, Op::Delete), " b end");
    }
}

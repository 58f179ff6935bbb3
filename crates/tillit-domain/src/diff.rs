//! A word-by-word comparison of two texts, for showing what changed between two versions of a
//! requirement side by side with the changed words marked.

use serde::Serialize;

/// A run of words that both texts share, or that only the old or only the new text has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum Piece {
    Same(String),
    Removed(String),
    Added(String),
}

/// Beyond this many words on either side the texts are compared as wholes (one removed, one
/// added), which keeps the comparison's work bounded for any input.
const MAX_WORDS: usize = 2_000;

/// The words of `before` and `after` as shared, removed and added runs, in reading order, from a
/// longest common subsequence of words. Runs of the same kind are joined with single spaces.
pub fn words(before: &str, after: &str) -> Vec<Piece> {
    let a: Vec<&str> = before.split_whitespace().collect();
    let b: Vec<&str> = after.split_whitespace().collect();
    if a.len() > MAX_WORDS || b.len() > MAX_WORDS {
        let mut out = Vec::new();
        if a != b {
            if !a.is_empty() {
                out.push(Piece::Removed(a.join(" ")));
            }
            if !b.is_empty() {
                out.push(Piece::Added(b.join(" ")));
            }
        } else if !a.is_empty() {
            out.push(Piece::Same(a.join(" ")));
        }
        return out;
    }
    // lcs[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out: Vec<Piece> = Vec::new();
    let mut push = |p: Piece| {
        match (out.last_mut(), &p) {
            (Some(Piece::Same(s)), Piece::Same(w))
            | (Some(Piece::Removed(s)), Piece::Removed(w))
            | (Some(Piece::Added(s)), Piece::Added(w)) => {
                s.push(' ');
                s.push_str(w);
            }
            _ => out.push(p),
        };
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            push(Piece::Same(a[i].to_string()));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            push(Piece::Removed(a[i].to_string()));
            i += 1;
        } else {
            push(Piece::Added(b[j].to_string()));
            j += 1;
        }
    }
    for w in &a[i..] {
        push(Piece::Removed(w.to_string()));
    }
    for w in &b[j..] {
        push(Piece::Added(w.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Piece::*;

    #[test]
    fn marks_the_changed_words_and_keeps_the_rest() {
        assert_eq!(
            words(
                "systematiska och fortlöpande kontroller",
                "systematiska och återkommande kontroller"
            ),
            vec![
                Same("systematiska och".into()),
                Removed("fortlöpande".into()),
                Added("återkommande".into()),
                Same("kontroller".into()),
            ]
        );
    }

    #[test]
    fn equal_and_empty_texts() {
        assert_eq!(words("a  b", "a b"), vec![Same("a b".into())]);
        assert_eq!(words("", ""), Vec::<Piece>::new());
        assert_eq!(words("", "ny text"), vec![Added("ny text".into())]);
        assert_eq!(words("gammal", ""), vec![Removed("gammal".into())]);
    }

    #[test]
    fn the_pieces_rebuild_both_texts() {
        let (x, y) = (
            "the care provider shall check logs every month",
            "the provider shall systematically check the logs",
        );
        let d = words(x, y);
        let old: Vec<&str> = d
            .iter()
            .filter_map(|p| match p {
                Same(s) | Removed(s) => Some(s.as_str()),
                Added(_) => None,
            })
            .collect();
        let new: Vec<&str> = d
            .iter()
            .filter_map(|p| match p {
                Same(s) | Added(s) => Some(s.as_str()),
                Removed(_) => None,
            })
            .collect();
        assert_eq!(old.join(" "), x);
        assert_eq!(new.join(" "), y);
    }

    #[test]
    fn very_long_texts_are_compared_as_wholes() {
        let long = "ord ".repeat(MAX_WORDS + 1);
        assert_eq!(words(&long, "kort").len(), 2);
    }
}

//! "Did you mean …?" hints: the nearest declared name by edit distance, case-insensitively, also trying
//! the name with the scope prefix the author forgot (`customerId` → `Common.customerId`).
//!
//! A hint compares one name against every candidate, so a flow with many misses could cost
//! misses × candidates edit distances. [`Hints`] is a budget of comparisons: the first misses get
//! their hint, and once the budget is spent the rest get the plain advice. Validation gives each
//! node's fields a budget of their own (so one node's hints never depend on the nodes before it,
//! and re-checking one node gives what a full run gives) and the edges one shared budget.

/// Comparisons the edges of one validation run may spend on hints (far above any hand-made flow's
/// needs).
pub const HINT_BUDGET: usize = 20_000;

/// Comparisons one node's fields may spend on hints: enough for catalogs and variable lists far
/// larger than real ones, and small enough that a flow of 10,000 misspelled nodes stays fast.
pub const NODE_HINT_BUDGET: usize = 2_000;

/// A budget of candidate comparisons shared by the hints it is asked for.
#[derive(Debug, Clone)]
pub struct Hints {
    left: usize,
}

impl Default for Hints {
    fn default() -> Self {
        Hints { left: HINT_BUDGET }
    }
}

impl Hints {
    pub fn with_budget(comparisons: usize) -> Hints {
        Hints { left: comparisons }
    }

    /// [`did_you_mean`], unless the budget cannot cover every candidate.
    pub fn did_you_mean<'a, I>(&mut self, wanted: &str, candidates: I, prefix: Option<&str>) -> Option<String>
    where
        I: IntoIterator<Item = &'a str>,
        I::IntoIter: ExactSizeIterator,
    {
        let candidates = candidates.into_iter();
        let cost = candidates.len().max(1);
        if cost > self.left {
            self.left = 0;
            return None;
        }
        self.left -= cost;
        did_you_mean(wanted, candidates, prefix)
    }
}

/// The candidate closest to `wanted`, when it is close enough to be a plausible typo.
pub fn nearest<'a, I>(wanted: &str, candidates: I, prefix: Option<&str>) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted_lower = wanted.to_lowercase();
    let prefixed_lower = prefix.map(|p| format!("{p}.{wanted}").to_lowercase());
    let wanted_length = wanted_lower.chars().count();
    let prefixed_length = prefixed_lower.as_ref().map(|p| p.chars().count());
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let length = candidate.chars().count();
        // Allow about one edit in three characters, and at least two.
        let budget = (length / 3).max(2);
        // The distance is at least the difference in length: skip the hopeless ones cheaply.
        let closest_length = prefixed_length
            .map_or(wanted_length.abs_diff(length), |p| wanted_length.abs_diff(length).min(p.abs_diff(length)));
        if closest_length > budget {
            continue;
        }
        let candidate_lower = candidate.to_lowercase();
        let mut distance = strsim::levenshtein(&wanted_lower, &candidate_lower);
        if let Some(prefixed) = &prefixed_lower {
            distance = distance.min(strsim::levenshtein(prefixed, &candidate_lower));
        }
        if distance <= budget && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// `did you mean "X"?` for the nearest candidate.
pub fn did_you_mean<'a, I>(wanted: &str, candidates: I, prefix: Option<&str>) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    nearest(wanted, candidates, prefix).map(|name| format!("did you mean \"{name}\"?"))
}

//! "Did you mean …?" hints: the nearest declared name by edit distance, case-insensitively, also trying
//! the name with the scope prefix the author forgot (`customerId` → `Common.customerId`).

/// The candidate closest to `wanted`, when it is close enough to be a plausible typo.
pub fn nearest<'a, I>(wanted: &str, candidates: I, prefix: Option<&str>) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted_lower = wanted.to_lowercase();
    let prefixed_lower = prefix.map(|p| format!("{p}.{wanted}").to_lowercase());
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let candidate_lower = candidate.to_lowercase();
        let mut distance = strsim::levenshtein(&wanted_lower, &candidate_lower);
        if let Some(prefixed) = &prefixed_lower {
            distance = distance.min(strsim::levenshtein(prefixed, &candidate_lower));
        }
        // Allow about one edit in three characters, and at least two.
        let budget = (candidate.chars().count() / 3).max(2);
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

//! Port names: the fixed set of outputs a node can have, each with a small slot number, so ports are
//! compared, stored in bit sets and indexed without hashing or allocating strings.
//!
//! Menus open one port per digit (`"1"` → `digit_1`, `"*"` → `digit_star`, `"#"` → `digit_pound`);
//! every other port is named by the kind table ([`crate::document::kind`]).

/// One port name. `slot()` is below [`PORT_SLOTS`], so a node's ports fit in one [`PortSet`].
///
/// The names after `Timeout` are the output paths of Architect actions as real Archy files name
/// them (docs/export.md): schedule groups (`open`, `closed`, `holiday`, `emergency`), schedules
/// (`active`, `inactive`), data table lookups (`found`, `notFound`), loops (`loop`), a jump's or a
/// task call's `target`, and a switch's `default` and numbered cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PortName {
    /// A menu digit: slot 0–9 for `"0"`–`"9"`, 10 for `"*"`, 11 for `"#"`.
    Digit(u8),
    NoInput,
    Next,
    Yes,
    No,
    Complete,
    Error,
    Success,
    Failure,
    Timeout,
    Open,
    Closed,
    Holiday,
    Emergency,
    Active,
    Inactive,
    Found,
    NotFound,
    Loop,
    Target,
    Default,
    /// A switch case, 0-based: `case_1` is `Case(0)`; at most [`MAX_CASES`].
    Case(u8),
}

/// A set of port names, one bit per [`PortName::slot`].
pub type PortSet = u64;

/// How many cases a switch can have (each is a port).
pub const MAX_CASES: usize = 16;

/// How many distinct port names there are (the width of a port bit set).
pub const PORT_SLOTS: usize = 32 + MAX_CASES;

/// The fixed names (not digits or cases), in slot order from 12.
const FIXED: [(PortName, &str); 20] = [
    (PortName::NoInput, "noInput"),
    (PortName::Next, "next"),
    (PortName::Yes, "yes"),
    (PortName::No, "no"),
    (PortName::Complete, "complete"),
    (PortName::Error, "error"),
    (PortName::Success, "success"),
    (PortName::Failure, "failure"),
    (PortName::Timeout, "timeout"),
    (PortName::Open, "open"),
    (PortName::Closed, "closed"),
    (PortName::Holiday, "holiday"),
    (PortName::Emergency, "emergency"),
    (PortName::Active, "active"),
    (PortName::Inactive, "inactive"),
    (PortName::Found, "found"),
    (PortName::NotFound, "notFound"),
    (PortName::Loop, "loop"),
    (PortName::Target, "target"),
    (PortName::Default, "default"),
];

const CASE_PORTS: [&str; MAX_CASES] = [
    "case_1", "case_2", "case_3", "case_4", "case_5", "case_6", "case_7", "case_8", "case_9", "case_10", "case_11",
    "case_12", "case_13", "case_14", "case_15", "case_16",
];

const DIGIT_PORTS: [&str; 12] = [
    "digit_0",
    "digit_1",
    "digit_2",
    "digit_3",
    "digit_4",
    "digit_5",
    "digit_6",
    "digit_7",
    "digit_8",
    "digit_9",
    "digit_star",
    "digit_pound",
];

const DIGITS: [&str; 12] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"];

impl PortName {
    /// The name as written in edges (`port`).
    pub fn as_str(self) -> &'static str {
        match self {
            PortName::Digit(slot) => DIGIT_PORTS.get(usize::from(slot)).copied().unwrap_or("digit_?"),
            PortName::Case(index) => CASE_PORTS.get(usize::from(index)).copied().unwrap_or("case_?"),
            // `FIXED` is in slot order from 12 (a test checks it).
            fixed => FIXED.get(fixed.slot() as usize - 12).map_or("?", |(_, text)| text),
        }
    }

    /// Reads an edge's `port` (on every edge of every index build, so a match, not a search).
    pub fn parse(name: &str) -> Option<PortName> {
        Some(match name {
            "noInput" => PortName::NoInput,
            "next" => PortName::Next,
            "yes" => PortName::Yes,
            "no" => PortName::No,
            "complete" => PortName::Complete,
            "error" => PortName::Error,
            "success" => PortName::Success,
            "failure" => PortName::Failure,
            "timeout" => PortName::Timeout,
            "open" => PortName::Open,
            "closed" => PortName::Closed,
            "holiday" => PortName::Holiday,
            "emergency" => PortName::Emergency,
            "active" => PortName::Active,
            "inactive" => PortName::Inactive,
            "found" => PortName::Found,
            "notFound" => PortName::NotFound,
            "loop" => PortName::Loop,
            "target" => PortName::Target,
            "default" => PortName::Default,
            other if other.starts_with("case_") => {
                PortName::Case(u8::try_from(CASE_PORTS.iter().position(|text| *text == other)?).ok()?)
            }
            other => PortName::Digit(digit_slot_of_port(other)?),
        })
    }

    /// The port a menu digit opens, when `digit` is one of `0`–`9`, `*`, `#`.
    pub fn of_digit(digit: &str) -> Option<PortName> {
        digit_slot(digit).map(PortName::Digit)
    }

    /// A number below [`PORT_SLOTS`], unique per name.
    pub const fn slot(self) -> u32 {
        match self {
            PortName::Digit(slot) => {
                let slot = slot as u32;
                if slot < 11 {
                    slot
                } else {
                    11
                }
            }
            PortName::NoInput => 12,
            PortName::Next => 13,
            PortName::Yes => 14,
            PortName::No => 15,
            PortName::Complete => 16,
            PortName::Error => 17,
            PortName::Success => 18,
            PortName::Failure => 19,
            PortName::Timeout => 20,
            PortName::Open => 21,
            PortName::Closed => 22,
            PortName::Holiday => 23,
            PortName::Emergency => 24,
            PortName::Active => 25,
            PortName::Inactive => 26,
            PortName::Found => 27,
            PortName::NotFound => 28,
            PortName::Loop => 29,
            PortName::Target => 30,
            PortName::Default => 31,
            PortName::Case(index) => {
                let index = index as u32;
                32 + if index < MAX_CASES as u32 { index } else { MAX_CASES as u32 - 1 }
            }
        }
    }

    /// This port as a one-bit set.
    pub const fn bit(self) -> PortSet {
        1 << self.slot()
    }

    /// The digit a menu port answers, `"1"` for `digit_1`.
    pub fn digit(self) -> Option<&'static str> {
        match self {
            PortName::Digit(slot) => DIGITS.get(usize::from(slot)).copied(),
            _ => None,
        }
    }
}

impl std::fmt::Display for PortName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A menu digit and the port it opens: `"1"` → `digit_1`, `"*"` → `digit_star`, `"#"` → `digit_pound`.
/// Text that is not a digit keeps its spelling (`digit_x`), so messages can still name it.
pub fn digit_port(digit: &str) -> String {
    match PortName::of_digit(digit) {
        Some(port) => port.as_str().to_owned(),
        None => format!("digit_{digit}"),
    }
}

/// True for `"0"`–`"9"`, `"*"` and `"#"`.
pub fn is_menu_digit(digit: &str) -> bool {
    digit_slot(digit).is_some()
}

/// `"0"`–`"9"` → 0–9, `"*"` → 10, `"#"` → 11.
pub(crate) fn digit_slot(digit: &str) -> Option<u8> {
    match digit.as_bytes() {
        [d @ b'0'..=b'9'] => Some(d - b'0'),
        [b'*'] => Some(10),
        [b'#'] => Some(11),
        _ => None,
    }
}

/// `digit_3` → 3, `digit_star` → 10, `digit_pound` → 11.
fn digit_slot_of_port(port: &str) -> Option<u8> {
    match port.strip_prefix("digit_")? {
        "star" => Some(10),
        "pound" => Some(11),
        rest => digit_slot(rest).filter(|slot| *slot < 10),
    }
}

/// One output of a node: its name and whether an edge must leave from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Port {
    pub name: PortName,
    pub required: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_slots_are_unique() {
        let mut seen: PortSet = 0;
        let names =
            (0..12).map(PortName::Digit).chain(FIXED.iter().map(|(name, _)| *name)).chain((0..16).map(PortName::Case));
        for name in names {
            assert_eq!(PortName::parse(name.as_str()), Some(name));
            assert!((name.slot() as usize) < PORT_SLOTS);
            assert_eq!(seen & name.bit(), 0, "{name} shares a slot");
            seen |= name.bit();
        }
        assert_eq!(FIXED.iter().map(|(name, _)| name.slot()).collect::<Vec<_>>(), (12..32).collect::<Vec<_>>());
        assert_eq!(seen.count_ones() as usize, PORT_SLOTS);
        assert_eq!(PortName::parse("digit_10"), None);
        assert_eq!(PortName::of_digit("#").map(PortName::as_str), Some("digit_pound"));
        assert_eq!(digit_port("x"), "digit_x");
    }
}

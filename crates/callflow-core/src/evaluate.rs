//! Evaluating the part of Architect's expression language the simulator runs: literals (`"text"`,
//! numbers, `true`, `false`, `NOT_SET`), variables, `+ - * /`, comparisons (`== != < <= > >=`),
//! the boolean operators (`and`, `or`, `not`, also `&&`, `||`, `!`), parentheses, and a few
//! functions (`If`, `IsSet`, `IsNotSetOrEmpty`, `ToString`, `ToInt`, `ToDecimal`, `ToBool`,
//! `Length`, `ToUpper`, `ToLower`, `Not`, `And`, `Or`). Anything else is [`Unknown`]: the caller asks
//! the user instead of guessing.
//!
//! A hand-written Pratt parser: the language is small, and no expression crate speaks Architect's.

use std::collections::BTreeMap;
use std::fmt;

/// A value on a simulated call.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    NotSet,
    Bool(bool),
    Int(i64),
    Dec(f64),
    Str(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::NotSet => f.write_str("NOT_SET"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Dec(d) => write!(f, "{d}"),
            Value::Str(s) => write!(f, "\"{s}\""),
        }
    }
}

impl Value {
    /// Reads a value as the simulator's user types it: `true`, `3`, `2.5`, `NOT_SET`, or text (with
    /// or without quotes).
    pub fn parse_typed(text: &str) -> Value {
        let text = text.trim();
        match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "NOT_SET" | "" => Value::NotSet,
            _ => {
                if let Ok(i) = text.parse::<i64>() {
                    Value::Int(i)
                } else if let Ok(d) = text.parse::<f64>() {
                    Value::Dec(d)
                } else {
                    Value::Str(text.trim_matches('"').to_owned())
                }
            }
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Dec(d) => Some(*d),
            _ => None,
        }
    }
}

/// The expression uses something the simulator does not run (a function it does not know, a
/// variable with no value source): the user decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown(pub String);

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Value(Value),
    Name(String),
    Op(&'static str),
    Open,
    Close,
    Comma,
}

fn tokens(text: &str) -> Result<Vec<Token>, Unknown> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(Unknown("a quote is never closed".to_owned())),
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        text.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(other) => {
                        text.push(*other);
                        i += 1;
                    }
                }
            }
            out.push(Token::Value(Value::Str(text)));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            out.push(Token::Value(match text.parse::<i64>() {
                Ok(v) => Value::Int(v),
                Err(_) => Value::Dec(text.parse::<f64>().map_err(|_| Unknown(format!("{text} is not a number")))?),
            }));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push(match word.as_str() {
                "true" => Token::Value(Value::Bool(true)),
                "false" => Token::Value(Value::Bool(false)),
                "NOT_SET" => Token::Value(Value::NotSet),
                "and" | "AND" => Token::Op("and"),
                "or" | "OR" => Token::Op("or"),
                "not" | "NOT" => Token::Op("not"),
                _ => Token::Name(word),
            });
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = match two.as_str() {
                "==" => Some("=="),
                "!=" | "<>" => Some("!="),
                "<=" => Some("<="),
                ">=" => Some(">="),
                "&&" => Some("and"),
                "||" => Some("or"),
                _ => None,
            };
            if let Some(op) = op {
                out.push(Token::Op(op));
                i += 2;
                continue;
            }
            out.push(match c {
                '(' => Token::Open,
                ')' => Token::Close,
                ',' => Token::Comma,
                '<' => Token::Op("<"),
                '>' => Token::Op(">"),
                '+' => Token::Op("+"),
                '-' => Token::Op("-"),
                '*' => Token::Op("*"),
                '/' => Token::Op("/"),
                '!' => Token::Op("not"),
                '=' => Token::Op("=="),
                other => return Err(Unknown(format!("the character {other} is not run by the simulator"))),
            });
            i += 1;
        }
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    variables: &'a BTreeMap<String, Value>,
    depth: usize,
}

fn binding(op: &str) -> Option<u8> {
    Some(match op {
        "or" => 1,
        "and" => 2,
        "==" | "!=" | "<" | "<=" | ">" | ">=" => 3,
        "+" | "-" => 4,
        "*" | "/" => 5,
        _ => return None,
    })
}

impl Parser<'_> {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn expression(&mut self, min: u8) -> Result<Value, Unknown> {
        self.depth += 1;
        if self.depth > 64 {
            return Err(Unknown("the expression nests too deeply".to_owned()));
        }
        let mut left = self.prefix()?;
        while let Some(Token::Op(op)) = self.peek().cloned() {
            let Some(power) = binding(op) else { break };
            if power < min {
                break;
            }
            self.at += 1;
            let right = self.expression(power + 1)?;
            left = binary(op, left, right)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    fn prefix(&mut self) -> Result<Value, Unknown> {
        match self.next() {
            Some(Token::Value(value)) => Ok(value),
            // `not` takes a whole comparison: `not a == b` is `not (a == b)`.
            Some(Token::Op("not")) => match self.expression(3)? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                other => Err(Unknown(format!("not of {other}"))),
            },
            Some(Token::Op("-")) => match self.expression(6)? {
                Value::Int(i) => Ok(Value::Int(-i)),
                Value::Dec(d) => Ok(Value::Dec(-d)),
                other => Err(Unknown(format!("minus {other}"))),
            },
            Some(Token::Open) => {
                let value = self.expression(0)?;
                match self.next() {
                    Some(Token::Close) => Ok(value),
                    _ => Err(Unknown("a parenthesis is never closed".to_owned())),
                }
            }
            Some(Token::Name(name)) if self.peek() == Some(&Token::Open) => {
                self.at += 1;
                let mut arguments = Vec::new();
                if self.peek() == Some(&Token::Close) {
                    self.at += 1;
                } else {
                    loop {
                        arguments.push(self.expression(0)?);
                        match self.next() {
                            Some(Token::Comma) => continue,
                            Some(Token::Close) => break,
                            _ => return Err(Unknown(format!("the call of {name} is not closed"))),
                        }
                    }
                }
                function(&name, arguments)
            }
            Some(Token::Name(name)) => match self.variables.get(&name) {
                Some(value) => Ok(value.clone()),
                None if name.contains('.') => Ok(Value::NotSet),
                None => Err(Unknown(format!("{name} is not a variable the simulator knows"))),
            },
            other => Err(Unknown(format!("unexpected {other:?}"))),
        }
    }
}

fn binary(op: &str, left: Value, right: Value) -> Result<Value, Unknown> {
    use Value::*;
    let numbers = (left.number(), right.number());
    Ok(match op {
        "and" | "or" => match (left, right) {
            (Bool(a), Bool(b)) => Bool(if op == "and" { a && b } else { a || b }),
            (a, b) => return Err(Unknown(format!("{a} {op} {b}"))),
        },
        "==" | "!=" => {
            let equal = match (&left, &right, numbers) {
                (_, _, (Some(a), Some(b))) => a == b,
                (a, b, _) => a == b,
            };
            Bool(if op == "==" { equal } else { !equal })
        }
        "<" | "<=" | ">" | ">=" => {
            let order = match (&left, &right, numbers) {
                (_, _, (Some(a), Some(b))) => a.partial_cmp(&b),
                (Str(a), Str(b), _) => Some(a.cmp(b)),
                _ => None,
            };
            let Some(order) = order else { return Err(Unknown(format!("{left} {op} {right}"))) };
            Bool(match op {
                "<" => order.is_lt(),
                "<=" => order.is_le(),
                ">" => order.is_gt(),
                _ => order.is_ge(),
            })
        }
        "+" => match (left, right) {
            (Int(a), Int(b)) => Int(a.saturating_add(b)),
            (Str(a), b) => Str(format!("{a}{}", plain(&b))),
            (a, Str(b)) => Str(format!("{}{b}", plain(&a))),
            (a, b) => match (a.number(), b.number()) {
                (Some(x), Some(y)) => Dec(x + y),
                _ => return Err(Unknown(format!("{a} + {b}"))),
            },
        },
        "-" | "*" | "/" => match (left, right) {
            (Int(a), Int(b)) if op == "-" => Int(a.saturating_sub(b)),
            (Int(a), Int(b)) if op == "*" => Int(a.saturating_mul(b)),
            (Int(a), Int(b)) if b != 0 && a % b == 0 => Int(a / b),
            (a, b) => match (a.number(), b.number()) {
                (Some(x), Some(y)) if op == "-" => Dec(x - y),
                (Some(x), Some(y)) if op == "*" => Dec(x * y),
                (Some(x), Some(y)) if y != 0.0 => Dec(x / y),
                _ => return Err(Unknown(format!("{a} {op} {b}"))),
            },
        },
        _ => return Err(Unknown(format!("the operator {op}"))),
    })
}

/// A value as text inside a string (`"a" + 3` is `"a3"`).
fn plain(value: &Value) -> String {
    match value {
        Value::Str(s) => s.clone(),
        Value::NotSet => String::new(),
        other => other.to_string(),
    }
}

fn function(name: &str, arguments: Vec<Value>) -> Result<Value, Unknown> {
    use Value::*;
    let one = |arguments: &[Value]| -> Result<Value, Unknown> {
        match arguments {
            [value] => Ok(value.clone()),
            _ => Err(Unknown(format!("{name} takes one argument"))),
        }
    };
    Ok(match name {
        "If" => match arguments.as_slice() {
            [Bool(condition), yes, no] => {
                if *condition {
                    yes.clone()
                } else {
                    no.clone()
                }
            }
            _ => return Err(Unknown("If(condition, then, else)".to_owned())),
        },
        "IsSet" => Bool(one(&arguments)? != NotSet),
        "IsNotSetOrEmpty" => Bool(matches!(one(&arguments)?, NotSet) || one(&arguments)? == Str(String::new())),
        "ToString" => Str(plain(&one(&arguments)?)),
        "ToInt" => match one(&arguments)? {
            Int(i) => Int(i),
            Dec(d) => Int(d.trunc() as i64),
            Str(s) => s.trim().parse().map(Int).map_err(|_| Unknown(format!("ToInt(\"{s}\")")))?,
            other => return Err(Unknown(format!("ToInt({other})"))),
        },
        "ToDecimal" => match one(&arguments)?.number() {
            Some(d) => Dec(d),
            None => return Err(Unknown("ToDecimal of a non-number".to_owned())),
        },
        "ToBool" => match one(&arguments)? {
            Bool(b) => Bool(b),
            Str(s) if s.eq_ignore_ascii_case("true") => Bool(true),
            Str(s) if s.eq_ignore_ascii_case("false") => Bool(false),
            other => return Err(Unknown(format!("ToBool({other})"))),
        },
        "Length" => match one(&arguments)? {
            Str(s) => Int(s.chars().count() as i64),
            other => return Err(Unknown(format!("Length({other})"))),
        },
        "ToUpper" => Str(plain(&one(&arguments)?).to_uppercase()),
        "ToLower" => Str(plain(&one(&arguments)?).to_lowercase()),
        "Not" => match one(&arguments)? {
            Bool(b) => Bool(!b),
            other => return Err(Unknown(format!("Not({other})"))),
        },
        "And" | "Or" => {
            let mut all = Vec::new();
            for argument in arguments {
                match argument {
                    Bool(b) => all.push(b),
                    other => return Err(Unknown(format!("{name} of {other}"))),
                }
            }
            Bool(if name == "And" { all.iter().all(|b| *b) } else { all.iter().any(|b| *b) })
        }
        _ => return Err(Unknown(format!("the function {name} is not run by the simulator"))),
    })
}

/// Evaluates `expression` with the call's variables (absent `Flow.x`/`Call.x` read as `NOT_SET`).
pub fn evaluate(expression: &str, variables: &BTreeMap<String, Value>) -> Result<Value, Unknown> {
    let tokens = tokens(expression)?;
    if tokens.is_empty() {
        return Err(Unknown("the expression is empty".to_owned()));
    }
    let mut parser = Parser { tokens, at: 0, variables, depth: 0 };
    let value = parser.expression(0)?;
    if parser.at != parser.tokens.len() {
        return Err(Unknown("the expression goes on after its end".to_owned()));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_evaluates_and_the_rest_is_unknown() {
        let mut variables = BTreeMap::new();
        variables.insert("Flow.tier".to_owned(), Value::Str("gold".to_owned()));
        variables.insert("Flow.count".to_owned(), Value::Int(3));
        let eval = |text: &str| evaluate(text, &variables);
        assert_eq!(eval("Flow.tier == \"gold\""), Ok(Value::Bool(true)));
        assert_eq!(eval("Flow.count + 2 * 3 > 8 and not Flow.count == 4"), Ok(Value::Bool(true)));
        assert_eq!(eval("IsSet(Flow.missing) or Flow.count >= 3"), Ok(Value::Bool(true)));
        assert_eq!(eval("\"Hi \" + Flow.tier"), Ok(Value::Str("Hi gold".to_owned())));
        assert_eq!(eval("If(Flow.count < 2, \"few\", \"many\")"), Ok(Value::Str("many".to_owned())));
        assert_eq!(eval("ToInt(\"42\") / 2"), Ok(Value::Int(21)));
        assert_eq!(eval("Length(\"abc\") == 3"), Ok(Value::Bool(true)));
        assert!(eval("Substring(Flow.tier, 0, 1)").is_err());
        assert!(eval("Flow.count +").is_err());
        assert!(eval("(((").is_err());
        assert!(eval(&"(".repeat(200)).is_err());
    }
}

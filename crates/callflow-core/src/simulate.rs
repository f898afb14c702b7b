//! "Place a call": walks a flow from its start as a call would, node by node, each doing what its
//! kind's simulation rule says ([`crate::document::Sim`], in the kind table). No IO: the caller's
//! digits, the outcomes of modules and data actions, and the decisions the expression subset
//! cannot evaluate are asked of the user ([`Question`]) and answered with [`Answer`].
//!
//! The state after every step is kept, so a run can step back. A run is bounded by
//! [`STEP_LIMIT`] steps (a loop without an exit ends there, saying so).

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::document::{NodeBody, NodeKind, PortName, Sim, TypeName, ValueType};
use crate::evaluate::{evaluate, Value};
use crate::{Document, FlowIndex};

/// The most steps a run takes before it stops.
pub const STEP_LIMIT: usize = 10_000;

/// What the simulator needs the user to say.
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    /// A menu: press one of these digits (or let it time out).
    Digit { node: usize, digits: Vec<String> },
    /// Collect input: type the digits (or let it time out).
    Digits { node: usize, min: usize, max: usize },
    /// An outside answer (module, data action, schedule, lookup, transfer, kept action): pick a port,
    /// and give the outputs' values.
    Outcome { node: usize, ports: Vec<PortName>, outputs: Vec<(String, TypeName)> },
    /// A condition the simulator cannot evaluate: true or false?
    Condition { node: usize, expression: String, why: String },
    /// A loop count the simulator cannot evaluate: how many turns?
    Count { node: usize, expression: String, why: String },
    /// An update the simulator cannot evaluate: what value does `variable` get?
    Value { node: usize, variable: String, expression: String, why: String },
}

/// The user's answer to a [`Question`].
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A digit pressed at a menu (`"1"`, `"*"`, `"#"`).
    Digit(String),
    /// Digits typed at collect input.
    Digits(String),
    /// The caller said nothing (a menu's or collect input's timeout).
    NoInput,
    /// The port taken, and the outputs' values (as typed: `true`, `3`, `text`).
    Outcome {
        port: PortName,
        outputs: Vec<(String, String)>,
    },
    Condition(bool),
    /// How many turns a loop runs (a count the simulator could not evaluate).
    Count(i64),
    /// The value an update gives its variable (as typed: `true`, `3`, `text`, `NOT_SET`).
    Value(String),
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// Transferred by this node (to a queue, a number, a flow, a user or a voicemail).
    Transferred {
        node: usize,
        to: String,
    },
    HungUp {
        node: usize,
    },
    /// A common module returned to its caller.
    Returned {
        node: usize,
    },
    /// A path that goes nowhere: the call falls off the flow here.
    Stuck {
        node: usize,
        why: String,
    },
    /// [`STEP_LIMIT`] steps ran: most likely a loop with no way out.
    StepLimit,
}

/// What the simulator did last.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Asks(Question),
    Ended(Ending),
}

/// A line of the call's transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub node: usize,
    pub text: String,
}

/// Everything a run has done so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    /// The node being run (waiting for an answer, or where the call ended).
    pub current: Option<usize>,
    /// Every node visited, in order.
    pub path: Vec<usize>,
    pub variables: BTreeMap<String, Value>,
    pub transcript: Vec<Line>,
    pub ended: Option<Ending>,
    /// The answers given so far, in order (what a saved scenario replays).
    pub answers: Vec<Answer>,
    /// What a path that ends goes back to: a running `callTask`'s `next`, or a running loop.
    returns: Vec<Frame>,
    /// The call's participant data (attributes), as set on this call.
    pub attributes: BTreeMap<String, Value>,
    /// Loop node → turns taken.
    turns: BTreeMap<usize, i64>,
    /// Loop node → the count the user gave, while that loop runs.
    limits: BTreeMap<usize, i64>,
    steps: usize,
}

/// What a path that ends goes back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// A running `callTask` (the call task node, and its `next` if it has one).
    Task { caller: usize, next: Option<usize> },
    /// A running loop (its node): the end of its loop path is the next turn.
    Loop(usize),
}

/// A call being placed.
#[derive(Debug, Clone)]
pub struct Call<'d> {
    document: &'d Document,
    index: FlowIndex,
    pub state: State,
    /// The state before each answer and the question it answered, for stepping back.
    history: Vec<(State, Question)>,
    /// The question now waiting, if any.
    asking: Option<Question>,
    /// Each loop's body (by node), found when a path in it first ends.
    bodies: BTreeMap<usize, Vec<bool>>,
}

impl<'d> Call<'d> {
    /// A call on `document`; refused with its errors while it has any.
    pub fn new(document: &'d Document) -> Result<Call<'d>, Vec<Diagnostic>> {
        let errors: Vec<Diagnostic> = crate::validate(document).into_iter().filter(Diagnostic::is_error).collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Call::insisting(document))
    }

    /// A call on `document` even with errors: it stops at the first node that cannot run.
    pub fn insisting(document: &'d Document) -> Call<'d> {
        let index = FlowIndex::build(document);
        let mut state = State::default();
        state.variables.insert("Call.Ani".to_owned(), Value::Str("tel:+13175550123".to_owned()));
        state.variables.insert("Call.Dnis".to_owned(), Value::Str("tel:+18005550199".to_owned()));
        Call { document, index, state, history: Vec::new(), asking: None, bodies: BTreeMap::new() }
    }

    /// Starts the call at the start node and runs to the first question or the end.
    pub fn start(&mut self) -> Event {
        let start = self.index.start_node(self.document);
        self.state.current = start;
        match start {
            Some(node) => self.run_from(node),
            None => self.end(Ending::Stuck { node: 0, why: "the flow has no start node".to_owned() }),
        }
    }

    /// Answers the waiting question and runs on.
    pub fn answer(&mut self, answer: Answer) -> Result<Event, String> {
        let Some(question) = self.asking.clone() else { return Err("nothing is being asked".to_owned()) };
        self.history.push((self.state.clone(), question.clone()));
        self.state.answers.push(answer.clone());
        let node = match &question {
            Question::Digit { node, .. }
            | Question::Digits { node, .. }
            | Question::Outcome { node, .. }
            | Question::Condition { node, .. }
            | Question::Count { node, .. }
            | Question::Value { node, .. } => *node,
        };
        let port = match (&question, answer) {
            (Question::Digit { digits, .. }, Answer::Digit(digit)) if digits.contains(&digit) => {
                self.say(node, format!("(caller presses {digit})"));
                PortName::of_digit(&digit).ok_or("not a menu digit")?
            }
            (Question::Digit { .. } | Question::Digits { .. }, Answer::NoInput) => {
                self.say(node, "(no input)".to_owned());
                match question {
                    Question::Digit { .. } => PortName::NoInput,
                    _ => PortName::Failure,
                }
            }
            (Question::Digits { min, max, .. }, Answer::Digits(digits)) => {
                let count = digits.chars().filter(char::is_ascii_digit).count();
                self.say(node, format!("(caller enters {digits})"));
                let variable = self.document.flow.nodes[node]
                    .body
                    .text(crate::document::FieldId::Variable)
                    .unwrap_or_default()
                    .to_owned();
                if (*min..=*max).contains(&count) && count == digits.len() {
                    self.state.variables.insert(variable, Value::Str(digits));
                    PortName::Success
                } else {
                    PortName::Failure
                }
            }
            (Question::Outcome { ports, outputs: declared, .. }, Answer::Outcome { port, outputs })
                if ports.contains(&port) =>
            {
                for (name, value) in outputs {
                    let kind = declared.iter().find(|(output, _)| *output == name).map(|(_, kind)| *kind);
                    let value = typed(&value, kind.unwrap_or(TypeName::scalar(ValueType::String)));
                    self.state.variables.insert(name, value);
                }
                port
            }
            (Question::Condition { .. }, Answer::Condition(value)) => {
                if value {
                    PortName::Yes
                } else {
                    PortName::No
                }
            }
            (Question::Value { variable, .. }, Answer::Value(text)) => {
                let value = typed(&text, self.declared(variable));
                self.say(node, format!("({variable} = {value})"));
                self.state.variables.insert(variable.clone(), value);
                PortName::Next
            }
            (Question::Count { .. }, Answer::Count(turns)) => {
                let turns = turns.max(0);
                self.state.limits.insert(node, turns);
                self.say(node, format!("({turns} turns)"));
                match self.loop_port(node) {
                    Ok(port) => port,
                    Err(event) => return Ok(event),
                }
            }
            (question, answer) => {
                if let Some((state, _)) = self.history.pop() {
                    self.state = state;
                }
                return Err(format!("{} does not answer {}", describe_answer(&answer), describe_question(question)));
            }
        };
        self.asking = None;
        // A transfer that the user says failed goes on its failure path; any other port ends it.
        let node_sim = self.document.flow.nodes[node].kind().spec().sim;
        if node_sim == Sim::Transfer && port != PortName::Failure {
            return Ok(self.end(Ending::Transferred {
                node,
                to: transfer_target(&self.document.flow.nodes[node].body, &self.state.variables),
            }));
        }
        // A switch case answered yes is that case; no moves on to the next case.
        if node_sim == Sim::Switch {
            return Ok(match self.switch_port(node, port == PortName::Yes) {
                Ok(port) => self.follow(node, port),
                Err(asked) => asked,
            });
        }
        Ok(self.follow(node, port))
    }

    /// Goes back to before the last answer: the same question is asked again.
    pub fn back(&mut self) -> Option<Event> {
        let (state, question) = self.history.pop()?;
        self.state = state;
        Some(self.ask(question))
    }

    /// The question now waiting, if any.
    pub fn asking(&self) -> Option<&Question> {
        self.asking.as_ref()
    }

    fn end(&mut self, ending: Ending) -> Event {
        self.asking = None;
        self.state.ended = Some(ending.clone());
        Event::Ended(ending)
    }

    fn ask(&mut self, question: Question) -> Event {
        self.asking = Some(question.clone());
        Event::Asks(question)
    }

    fn say(&mut self, node: usize, text: String) {
        self.state.transcript.push(Line { node, text });
    }

    /// Takes `port` from `node` and runs on (used after an answer).
    fn follow(&mut self, node: usize, port: PortName) -> Event {
        match self.next_after(node, port) {
            Ok(next) => self.run_from(next),
            Err(ended) => ended,
        }
    }

    /// Where the call goes when `node` leaves by `port`: its target; else, where the path ends,
    /// back after a called task or to the next turn of a loop; else the end of a module, or stuck.
    /// It never runs a node itself, so the simulator's stack stays flat however long the call.
    fn next_after(&mut self, node: usize, port: PortName) -> Result<usize, Event> {
        if let Some(next) = self.index.target(node, port) {
            return Ok(next);
        }
        // The node the path ended at, as each enclosing frame sees it.
        let mut at = node;
        loop {
            match self.state.returns.pop() {
                Some(Frame::Task { next: Some(back), .. }) => return Ok(back),
                // A called task with nowhere to come back to: its caller's path ends there too.
                Some(Frame::Task { caller, next: None }) => at = caller,
                // The end of a loop's path is the next turn; a path that left the loop's body
                // ended the loop with it.
                Some(Frame::Loop(loop_node)) if self.in_loop_body(loop_node, at) => return Ok(loop_node),
                Some(Frame::Loop(loop_node)) => self.forget_loop(loop_node),
                None if self.document.flow.flow_type.is_module() => return Err(self.end(Ending::Returned { node })),
                None => {
                    let why = format!("nothing is connected to its {} port", port.as_str());
                    return Err(self.end(Ending::Stuck { node, why }));
                }
            }
        }
    }

    /// A loop that is over or was left: its turns and count start afresh next time.
    fn forget_loop(&mut self, loop_node: usize) {
        self.state.turns.remove(&loop_node);
        self.state.limits.remove(&loop_node);
    }

    /// Is `node` in the body of the loop at `loop_node`: reached from its `loop` port without
    /// passing the loop itself, a jump (which leaves the loop) or a called task (which comes back)?
    /// (Each loop's body is found once per call and kept.)
    fn in_loop_body(&mut self, loop_node: usize, node: usize) -> bool {
        if let Some(body) = self.bodies.get(&loop_node) {
            return body.get(node).copied().unwrap_or(false);
        }
        let nodes = &self.document.flow.nodes;
        let mut body = vec![false; nodes.len()];
        let mut stack: Vec<usize> = self.index.target(loop_node, PortName::Loop).into_iter().collect();
        while let Some(at) = stack.pop() {
            if at == loop_node || std::mem::replace(&mut body[at], true) {
                continue;
            }
            let leaves = matches!(nodes[at].kind().spec().sim, Sim::Jump);
            for (edge, to) in self.index.links_from(at) {
                let into_called_task = nodes[at].kind().spec().sim == Sim::CallTask
                    && self.index.edges()[edge].port == Some(PortName::Target);
                if !leaves && !into_called_task {
                    stack.push(to);
                }
            }
        }
        let inside = body.get(node).copied().unwrap_or(false);
        self.bodies.insert(loop_node, body);
        inside
    }

    /// A loop's next step: its `loop` path for another turn (setting the index variable), or
    /// `next` when the turns are done. A count it cannot evaluate is asked, once per run of the loop.
    fn loop_port(&mut self, node: usize) -> Result<PortName, Event> {
        let document = self.document;
        let body = &document.flow.nodes[node].body;
        // A body drawn back into its loop: the turn it started is over.
        if self.state.returns.last() == Some(&Frame::Loop(node)) {
            self.state.returns.pop();
        }
        if self.index.target(node, PortName::Loop).is_none() {
            self.forget_loop(node);
            return Ok(PortName::Next);
        }
        // The count is evaluated (or asked) once, as the loop starts, and kept until it ends.
        let limit = match self.state.limits.get(&node) {
            Some(&turns) => turns,
            None => {
                let count = body.text(crate::document::FieldId::LoopCount).unwrap_or_default().to_owned();
                match evaluate(&count, &self.state.variables) {
                    Ok(Value::Int(turns)) => {
                        self.state.limits.insert(node, turns);
                        turns
                    }
                    Ok(other) => {
                        let why = format!("it gives {other}, not a whole number");
                        return Err(self.ask(Question::Count { node, expression: count, why }));
                    }
                    Err(why) => return Err(self.ask(Question::Count { node, expression: count, why: why.0 })),
                }
            }
        };
        let turn = *self.state.turns.get(&node).unwrap_or(&0);
        if turn < limit {
            self.state.turns.insert(node, turn + 1);
            // A body whose path ends goes on with the next turn.
            self.state.returns.push(Frame::Loop(node));
            if let Some(variable) = body.text(crate::document::FieldId::IndexVariable).filter(|v| !v.is_empty()) {
                self.state.variables.insert(variable.to_owned(), Value::Int(turn));
            }
            Ok(PortName::Loop)
        } else {
            self.forget_loop(node);
            Ok(PortName::Next)
        }
    }

    /// Runs nodes from `node` until one asks or the call ends.
    fn run_from(&mut self, start: usize) -> Event {
        let mut node = start;
        loop {
            self.state.steps += 1;
            if self.state.steps > STEP_LIMIT {
                self.say(node, format!("(stopped after {STEP_LIMIT} steps: a loop with no way out?)"));
                return self.end(Ending::StepLimit);
            }
            self.state.current = Some(node);
            self.state.path.push(node);
            let flow_node = &self.document.flow.nodes[node];
            let body = &flow_node.body;
            let port = match flow_node.kind().spec().sim {
                Sim::Pass => PortName::Next,
                Sim::SetAttributes => {
                    let pairs = attribute_pairs(body);
                    for (name, expression) in pairs {
                        let value = match evaluate(&expression, &self.state.variables) {
                            Ok(value) => value,
                            Err(why) => {
                                self.say(node, format!("(attribute {name} is left unset: {})", why.0));
                                Value::NotSet
                            }
                        };
                        // Participant data are text on the platform: `5` reads back as "5".
                        let value = match value {
                            Value::NotSet => Value::NotSet,
                            Value::Str(text) => Value::Str(text),
                            other => Value::Str(other.to_string()),
                        };
                        self.state.attributes.insert(name, value);
                    }
                    PortName::Next
                }
                Sim::GetAttributes => {
                    let pairs = attribute_pairs(body);
                    for (name, variable) in pairs {
                        let value = self.state.attributes.get(&name).cloned().unwrap_or(Value::NotSet);
                        self.state.variables.insert(variable, value);
                    }
                    PortName::Next
                }
                Sim::Say => {
                    let prompt = body.text(crate::document::FieldId::Prompt).unwrap_or_default().to_owned();
                    self.say(node, prompt);
                    PortName::Next
                }
                Sim::Assign => {
                    if let NodeBody::SetVariable { variable, expression } = body {
                        match evaluate(expression, &self.state.variables) {
                            Ok(value) => {
                                self.state.variables.insert(variable.clone(), value);
                            }
                            Err(why) => {
                                let (variable, expression) = (variable.clone(), expression.clone());
                                return self.ask(Question::Value { node, variable, expression, why: why.0 });
                            }
                        }
                    }
                    PortName::Next
                }
                Sim::Menu => {
                    let prompt = body.text(crate::document::FieldId::Prompt).unwrap_or_default().to_owned();
                    self.say(node, prompt);
                    let digits = body.choices().iter().map(|c| c.digit.clone()).collect();
                    return self.ask(Question::Digit { node, digits });
                }
                Sim::Collect => {
                    let prompt = body.text(crate::document::FieldId::Prompt).unwrap_or_default().to_owned();
                    self.say(node, prompt);
                    let number = |field| body.text(field).and_then(|t| t.trim().parse::<usize>().ok());
                    let min = number(crate::document::FieldId::MinDigits).unwrap_or(1);
                    let max = number(crate::document::FieldId::MaxDigits).unwrap_or(min.max(1));
                    return self.ask(Question::Digits { node, min, max });
                }
                Sim::Decide => {
                    let expression = body.text(crate::document::FieldId::Expression).unwrap_or_default().to_owned();
                    match evaluate(&expression, &self.state.variables) {
                        Ok(Value::Bool(true)) => PortName::Yes,
                        Ok(Value::Bool(false)) => PortName::No,
                        Ok(other) => {
                            let why = format!("it gives {other}, not true or false");
                            return self.ask(Question::Condition { node, expression, why });
                        }
                        Err(why) => return self.ask(Question::Condition { node, expression, why: why.0 }),
                    }
                }
                Sim::Switch => match self.switch_port(node, false) {
                    Ok(port) => port,
                    Err(asked) => return asked,
                },
                Sim::Loop => match self.loop_port(node) {
                    Ok(port) => port,
                    Err(asked) => return asked,
                },
                Sim::Outcome | Sim::Transfer => {
                    let kind = flow_node.kind();
                    let ports: Vec<PortName> = body
                        .ports()
                        .map(|p| p.name)
                        .filter(|p| *p != PortName::Next || kind == NodeKind::Archy)
                        .filter(|p| self.index.target(node, *p).is_some() || kind.spec().sim == Sim::Transfer)
                        .collect();
                    if kind.spec().sim == Sim::Transfer && self.index.target(node, PortName::Failure).is_none() {
                        let to = transfer_target(body, &self.state.variables);
                        self.say(node, format!("(transferred to {to})"));
                        return self.end(Ending::Transferred { node, to });
                    }
                    let outputs = self.outputs_of(node);
                    let mut ports = ports;
                    if kind.spec().sim == Sim::Transfer && !ports.contains(&PortName::Next) {
                        // "Transferred" is the way the call ends; failure is its path.
                        ports.insert(0, PortName::Next);
                    }
                    return self.ask(Question::Outcome { node, ports, outputs });
                }
                Sim::HangUp => {
                    self.say(node, "(the call is disconnected)".to_owned());
                    return self.end(Ending::HungUp { node });
                }
                Sim::Return => return self.end(Ending::Returned { node }),
                Sim::Jump => {
                    // A jump leaves every loop it is in, up to the task that called this one.
                    while let Some(&Frame::Loop(loop_node)) = self.state.returns.last() {
                        self.state.returns.pop();
                        self.forget_loop(loop_node);
                    }
                    PortName::Target
                }
                Sim::CallTask => {
                    self.state
                        .returns
                        .push(Frame::Task { caller: node, next: self.index.target(node, PortName::Next) });
                    PortName::Target
                }
            };
            match self.next_after(node, port) {
                Ok(next) => node = next,
                Err(ended) => return ended,
            }
        }
    }

    /// A switch: each case in order, evaluated or asked; the first true one is taken, else default.
    /// `answered` is the user's yes for the case asked last (its index is the number of turns kept).
    fn switch_port(&mut self, node: usize, answered: bool) -> Result<PortName, Event> {
        let cases: Vec<String> = self.document.flow.nodes[node].body.cases().map(str::to_owned).collect();
        let mut position = *self.state.turns.get(&node).unwrap_or(&0) as usize;
        if answered {
            self.state.turns.remove(&node);
            return Ok(PortName::Case(position as u8));
        }
        if self.asking.is_none() && self.state.turns.contains_key(&node) {
            position += 1;
        }
        while position < cases.len() {
            match evaluate(&cases[position], &self.state.variables) {
                Ok(Value::Bool(true)) => {
                    self.state.turns.remove(&node);
                    return Ok(PortName::Case(position as u8));
                }
                Ok(Value::Bool(false)) => position += 1,
                Ok(other) => {
                    self.state.turns.insert(node, position as i64);
                    let why = format!("it gives {other}, not true or false");
                    return Err(self.ask(Question::Condition { node, expression: cases[position].clone(), why }));
                }
                Err(why) => {
                    self.state.turns.insert(node, position as i64);
                    return Err(self.ask(Question::Condition {
                        node,
                        expression: cases[position].clone(),
                        why: why.0,
                    }));
                }
            }
        }
        self.state.turns.remove(&node);
        Ok(PortName::Default)
    }

    /// A variable's declared type (string when undeclared).
    fn declared(&self, name: &str) -> TypeName {
        self.document
            .flow
            .variables
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.value_type)
            .unwrap_or(TypeName::scalar(ValueType::String))
    }

    /// The outputs an outside answer sets: a module's or data action's mapped variables, each with
    /// its declared type (string when undeclared).
    fn outputs_of(&self, node: usize) -> Vec<(String, TypeName)> {
        match self.document.flow.nodes[node].body.mappings() {
            Some((_, outputs)) => outputs.values().map(|target| (target.clone(), self.declared(target))).collect(),
            None => Vec::new(),
        }
    }
}

/// A value the user typed for a variable of type `kind`: a declared string stays text ("12345" is
/// not the number 12345); anything else is read as typed (`true`, `3`, `2.5`, text, `NOT_SET`).
fn typed(text: &str, kind: TypeName) -> Value {
    match Value::parse_typed(text) {
        Value::NotSet => Value::NotSet,
        _ if kind == TypeName::scalar(ValueType::String) => Value::Str(text.trim().trim_matches('"').to_owned()),
        value => value,
    }
}

/// A participant-data step's `name = value` lines.
fn attribute_pairs(body: &NodeBody) -> Vec<(String, String)> {
    crate::archy_codec::pairs(body.text(crate::document::FieldId::Attributes).unwrap_or_default())
}

/// Where a transfer sends the call, as the transcript says it. A number is an expression: its value
/// when the call's variables give one, else the expression as written.
fn transfer_target(body: &NodeBody, variables: &BTreeMap<String, Value>) -> String {
    use crate::document::FieldId;
    for field in [FieldId::Queue, FieldId::Number, FieldId::FlowName, FieldId::User] {
        if let Some(text) = body.text(field).filter(|t| !t.trim().is_empty()) {
            if field == FieldId::Number {
                // Only a text value is a number to dial (`555-1234` unquoted is arithmetic).
                if let Ok(Value::Str(number)) = evaluate(text, variables) {
                    return number;
                }
            }
            return text.to_owned();
        }
    }
    "its destination".to_owned()
}

/// A typed sample value for an output (what the simulator pre-fills).
pub fn sample_value(value_type: TypeName) -> String {
    match (value_type.list, value_type.base) {
        (true, _) => String::new(),
        (_, ValueType::Boolean) => "true".to_owned(),
        (_, ValueType::Integer) => "1".to_owned(),
        (_, ValueType::Decimal) => "1.5".to_owned(),
        _ => "sample".to_owned(),
    }
}

/// A question in words (for messages and test reports).
pub fn describe_question(question: &Question) -> String {
    match question {
        Question::Digit { digits, .. } => format!("a menu (press {})", digits.join(", ")),
        Question::Digits { min, max, .. } => format!("collect input ({min} to {max} digits)"),
        Question::Outcome { ports, .. } => {
            format!("an outcome ({})", ports.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", "))
        }
        Question::Condition { expression, .. } => format!("the condition {expression}"),
        Question::Count { expression, .. } => format!("the loop count {expression}"),
        Question::Value { variable, expression, .. } => format!("the value of {variable} = {expression}"),
    }
}

fn describe_answer(answer: &Answer) -> String {
    match answer {
        Answer::Digit(digit) => format!("pressing {digit}"),
        Answer::Digits(digits) => format!("entering {digits}"),
        Answer::NoInput => "no input".to_owned(),
        Answer::Outcome { port, .. } => format!("the outcome {}", port.as_str()),
        Answer::Condition(value) => format!("{value}"),
        Answer::Count(turns) => format!("{turns} turns"),
        Answer::Value(text) => format!("the value {text}"),
    }
}

impl Ending {
    /// The ending's name in a scenario (`transferred`, `hungUp`, `returned`, `stuck`, `stepLimit`).
    pub fn name(&self) -> &'static str {
        match self {
            Ending::Transferred { .. } => "transferred",
            Ending::HungUp { .. } => "hungUp",
            Ending::Returned { .. } => "returned",
            Ending::Stuck { .. } => "stuck",
            Ending::StepLimit => "stepLimit",
        }
    }

    /// The node the call ended at.
    pub fn node(&self) -> Option<usize> {
        match self {
            Ending::Transferred { node, .. }
            | Ending::HungUp { node }
            | Ending::Returned { node }
            | Ending::Stuck { node, .. } => Some(*node),
            Ending::StepLimit => None,
        }
    }
}

use crate::document::{Scenario, ScenarioAnswer, ScenarioExpect};

impl From<&Answer> for ScenarioAnswer {
    fn from(answer: &Answer) -> ScenarioAnswer {
        let mut saved = ScenarioAnswer {
            digit: None,
            digits: None,
            no_input: false,
            outcome: None,
            outputs: Default::default(),
            condition: None,
            count: None,
            value: None,
        };
        match answer {
            Answer::Digit(digit) => saved.digit = Some(digit.clone()),
            Answer::Digits(digits) => saved.digits = Some(digits.clone()),
            Answer::NoInput => saved.no_input = true,
            Answer::Outcome { port, outputs } => {
                saved.outcome = Some(port.as_str().to_owned());
                saved.outputs = outputs.iter().cloned().collect();
            }
            Answer::Condition(value) => saved.condition = Some(*value),
            Answer::Count(turns) => saved.count = Some(*turns),
            Answer::Value(text) => saved.value = Some(text.clone()),
        }
        saved
    }
}

/// A saved answer as the simulator takes it; `None` when it names no answer or a port that does
/// not exist.
pub fn answer_of(saved: &ScenarioAnswer) -> Option<Answer> {
    if let Some(digit) = &saved.digit {
        return Some(Answer::Digit(digit.clone()));
    }
    if let Some(digits) = &saved.digits {
        return Some(Answer::Digits(digits.clone()));
    }
    if saved.no_input {
        return Some(Answer::NoInput);
    }
    if let Some(port) = &saved.outcome {
        let outputs = saved.outputs.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        return Some(Answer::Outcome { port: PortName::parse(port)?, outputs });
    }
    if let Some(text) = &saved.value {
        return Some(Answer::Value(text.clone()));
    }
    if let Some(turns) = saved.count {
        return Some(Answer::Count(turns));
    }
    saved.condition.map(Answer::Condition)
}

impl Call<'_> {
    /// The finished run as a scenario named `name`: its answers, and its end (the node, a
    /// transfer's destination, and the flow's variables as they are).
    pub fn to_scenario(&self, name: &str) -> Option<Scenario> {
        let ending = self.state.ended.as_ref()?;
        let to = match ending {
            Ending::Transferred { to, .. } => Some(to.clone()),
            _ => None,
        };
        let scope = format!("{}.", self.document.flow.flow_type.scope());
        Some(Scenario {
            name: name.to_owned(),
            answers: self.state.answers.iter().map(ScenarioAnswer::from).collect(),
            expect: ScenarioExpect {
                end: ending.name().to_owned(),
                node: ending.node().map(|n| self.document.flow.nodes[n].id.clone()),
                to,
                variables: self
                    .state
                    .variables
                    .iter()
                    .filter(|(name, _)| name.starts_with(&scope))
                    .map(|(name, value)| (name.clone(), value.to_string()))
                    .collect(),
            },
        })
    }
}

/// What replaying one scenario gave.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioResult {
    pub name: String,
    pub passed: bool,
    /// How the call ended, in words.
    pub ended: String,
    /// Each difference from what the scenario expects.
    pub problems: Vec<String>,
}

/// Replays `scenario` on `document`: its answers in order, then its expected end. A flow with
/// errors still runs as far as it can (a broken flow fails its scenarios, saying where).
pub fn run_scenario(document: &Document, scenario: &Scenario) -> ScenarioResult {
    let mut call = Call::insisting(document);
    let mut event = call.start();
    let mut problems = Vec::new();
    for (position, saved) in scenario.answers.iter().enumerate() {
        event = legacy_defaults(&mut call, event, saved);
        let Event::Asks(question) = &event else {
            problems.push(format!("the call ended before answer {} was needed", position + 1));
            break;
        };
        let Some(answer) = answer_of(saved) else {
            problems.push(format!("answer {} names nothing the simulator can give", position + 1));
            break;
        };
        match call.answer(answer) {
            Ok(next) => event = next,
            Err(why) => {
                problems.push(format!("answer {}: {why} (asked: {})", position + 1, describe_question(question)));
                break;
            }
        }
    }
    if problems.is_empty() {
        event = legacy_defaults(&mut call, event, &ScenarioAnswer::default());
    }
    let ended = match &event {
        Event::Ended(ending) => {
            let node = ending.node().map(|n| document.flow.nodes[n].id.clone());
            let expect = &scenario.expect;
            if problems.is_empty() {
                if ending.name() != expect.end {
                    problems.push(format!("expected the call to end {}, it ended {}", expect.end, ending.name()));
                }
                if expect.node.is_some() && expect.node != node {
                    problems.push(format!(
                        "expected it to end at {}, it ended at {}",
                        expect.node.as_deref().unwrap_or_default(),
                        node.as_deref().unwrap_or("no node")
                    ));
                }
                if let (Some(wanted), Ending::Transferred { to, .. }) = (&expect.to, ending) {
                    if wanted != to {
                        problems.push(format!("expected a transfer to {wanted}, it went to {to}"));
                    }
                }
                for (name, wanted) in &expect.variables {
                    let actual = call.state.variables.get(name).cloned().unwrap_or(Value::NotSet);
                    // `12345` and `"12345"` both mean the text a caller typed; types aside, the text must match.
                    let text = match &actual {
                        Value::Str(text) => text.clone(),
                        other => other.to_string(),
                    };
                    if actual != Value::parse_typed(wanted) && text != wanted.trim().trim_matches('"') {
                        problems.push(format!("expected {name} = {wanted}, it is {actual}"));
                    }
                }
            }
            match ending {
                Ending::Transferred { to, .. } => format!("transferred to {to} at {}", node.unwrap_or_default()),
                Ending::Stuck { why, .. } => format!("stuck at {}: {why}", node.unwrap_or_default()),
                other => format!("{} at {}", other.name(), node.unwrap_or_else(|| "the step limit".to_owned())),
            }
        }
        Event::Asks(question) => {
            if problems.is_empty() {
                problems.push(format!("after the last answer the call still asks {}", describe_question(question)));
            }
            format!("waiting at {}", call.state.current.map(|n| document.flow.nodes[n].id.clone()).unwrap_or_default())
        }
    };
    ScenarioResult { name: scenario.name.clone(), passed: problems.is_empty(), ended, problems }
}

/// Every scenario of the flow, replayed.
/// Scenarios saved before the simulator asked for loop counts and update values (2026-12-02) have
/// no answer for them: it took one turn and left the variable NOT_SET. When the call asks for one
/// and the next saved answer is not a count or a value, it is given that old default, so those
/// scenarios replay as they were recorded.
fn legacy_defaults(call: &mut Call<'_>, mut event: Event, next: &ScenarioAnswer) -> Event {
    if next.count.is_some() || next.value.is_some() {
        return event;
    }
    // Bounded: each default answers one question, and a call asks at most once per step.
    for _ in 0..STEP_LIMIT {
        let answer = match &event {
            Event::Asks(Question::Count { .. }) => Answer::Count(1),
            Event::Asks(Question::Value { .. }) => Answer::Value("NOT_SET".to_owned()),
            _ => break,
        };
        match call.answer(answer) {
            Ok(next) => event = next,
            Err(_) => break,
        }
    }
    event
}

pub fn run_scenarios(document: &Document) -> Vec<ScenarioResult> {
    document.flow.scenarios.iter().map(|scenario| run_scenario(document, scenario)).collect()
}

//! "Place a call": the core's call simulator in a dock tab, and the flow's saved scenarios (the
//! Tests tab). A run is the flow as it was when the call started plus the answers given so far;
//! the view replays them through the core each time (runs are short), so stepping back is
//! dropping the last answer. The nodes run light up on the canvas (`data-sim`).

use callflow_core::command::Command;
use callflow_core::document::PortName;
use callflow_core::simulate::{
    describe_question, run_scenarios, sample_value, Answer, Call, Ending, Event, Question, State,
};
use callflow_core::Document;
use leptos::prelude::*;
use rustc_hash::FxHashMap;

use crate::state::{use_studio, Studio};

/// A call in progress: the flow it runs on and the answers given.
#[derive(Debug, Clone, PartialEq)]
pub struct SimRun {
    pub(crate) document: Document,
    answers: Vec<Answer>,
}

/// What the replay of a run shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub state: State,
    pub event: Event,
}

/// The simulator, app-wide (provided as context; the canvas reads `marks`).
#[derive(Clone, Copy)]
pub struct Simulation {
    pub run: RwSignal<Option<SimRun>>,
    pub replay: Memo<Option<Replay>>,
    /// Node id → `current` or `visited`, while a call runs.
    pub marks: Memo<FxHashMap<String, &'static str>>,
}

impl Simulation {
    pub fn new() -> Simulation {
        let run = RwSignal::new(None::<SimRun>);
        let replay = Memo::new(move |_| {
            run.with(|run| {
                let run = run.as_ref()?;
                let mut call = Call::insisting(&run.document);
                let mut event = call.start();
                for answer in &run.answers {
                    match call.answer(answer.clone()) {
                        Ok(next) => event = next,
                        Err(_) => break,
                    }
                }
                Some(Replay { state: call.state.clone(), event })
            })
        });
        let marks = Memo::new(move |_| {
            let mut marks = FxHashMap::default();
            run.with(|run| {
                replay.with(|replay| {
                    if let (Some(run), Some(replay)) = (run, replay) {
                        for &node in &replay.state.path {
                            marks.insert(run.document.flow.nodes[node].id.clone(), "visited");
                        }
                        if let Some(node) = replay.state.current {
                            marks.insert(run.document.flow.nodes[node].id.clone(), "current");
                        }
                    }
                })
            });
            marks
        });
        Simulation { run, replay, marks }
    }

    fn answer(&self, answer: Answer) {
        self.run.update(|run| {
            if let Some(run) = run {
                run.answers.push(answer);
            }
        });
    }
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation::new()
    }
}

fn start(studio: Studio, simulation: Simulation) {
    let document = studio.document.get_untracked();
    simulation.run.set(Some(SimRun { document, answers: Vec::new() }));
}

fn ending_text(document: &Document, ending: &Ending) -> String {
    let name = |node: usize| document.flow.nodes.get(node).map(|n| n.label.clone()).unwrap_or_default();
    match ending {
        Ending::Transferred { node, to } => format!("Transferred to {to} by “{}”.", name(*node)),
        Ending::HungUp { node } => format!("Hung up at “{}”.", name(*node)),
        Ending::Returned { node } => format!("The module returned to its caller at “{}”.", name(*node)),
        Ending::Stuck { node, why } => format!("Stopped at “{}”: {why}.", name(*node)),
        Ending::StepLimit => "Stopped after 10,000 steps: a loop with no way out?".to_owned(),
    }
}

#[component]
pub fn SimulatorPanel() -> impl IntoView {
    let studio = use_studio();
    let simulation = expect_context::<Simulation>();
    let errors = Memo::new(move |_| studio.findings.with(|f| f.iter().filter(|d| d.is_error()).count()));
    let scenario_name = RwSignal::new("New scenario".to_owned());
    let digits = RwSignal::new(String::new());
    let outputs = RwSignal::new(Vec::<(String, String)>::new());
    // Pre-fill the outputs a question asks for with sample values of their types.
    Effect::new(move |_| {
        let wanted = simulation.replay.with(|r| match r.as_ref().map(|r| &r.event) {
            Some(Event::Asks(Question::Outcome { outputs, .. })) => {
                outputs.iter().map(|(name, value_type)| (name.clone(), sample_value(*value_type))).collect()
            }
            _ => Vec::new(),
        });
        outputs.set(wanted);
        digits.set(String::new());
    });
    let save = move |_| {
        let Some(run) = simulation.run.get_untracked() else { return };
        let mut call = Call::insisting(&run.document);
        call.start();
        for answer in run.answers {
            let _ = call.answer(answer);
        }
        let Some(scenario) = call.to_scenario(scenario_name.get_untracked().trim()) else { return };
        let mut scenarios = studio.document.with_untracked(|d| d.flow.scenarios.clone());
        scenarios.retain(|s| s.name != scenario.name);
        scenarios.push(scenario);
        if studio.dispatch(Command::SetScenarios { scenarios }).is_ok() {
            studio.tell("Saved the run as a scenario: the Tests tab replays it after every change.");
        }
    };
    view! {
        <section class="cf-sim" aria-label="Call simulator" data-testid="simulator">
            {move || match simulation.run.with(Option::is_some) {
                false => view! {
                    <p class="cf-muted">"Place a call through this flow: prompts become a transcript, you press the caller's digits, and you choose what modules, data actions and schedules answer."</p>
                    {move || (errors.get() > 0).then(|| view! {
                        <p class="cf-deploy__error" data-testid="sim-refused">{format!("The flow has {} error(s); a call may stop where one is. Fix them first, or run it anyway.", errors.get())}</p>
                    })}
                    <button class="cf-button cf-button--primary" data-testid="sim-start" on:click=move |_| start(studio, simulation)>
                        {move || if errors.get() > 0 { "Run it anyway" } else { "Place a call" }}
                    </button>
                }.into_any(),
                true => view! {
                    <div class="cf-sim__controls">
                        <button class="cf-button" data-testid="sim-back" on:click=move |_| simulation.run.update(|r| { if let Some(r) = r { r.answers.pop(); } })>"Step back"</button>
                        <button class="cf-button" data-testid="sim-restart" on:click=move |_| start(studio, simulation)>"Restart"</button>
                        <button class="cf-button" data-testid="sim-stop" on:click=move |_| simulation.run.set(None)>"Hang up the simulator"</button>
                    </div>
                    <div class="cf-sim__body">
                        <ol class="cf-sim__transcript" data-testid="sim-transcript">
                            {move || simulation.replay.with(|r| r.as_ref().map(|r| r.state.transcript.iter().map(|line| view! { <li>{line.text.clone()}</li> }).collect_view()))}
                        </ol>
                        <div class="cf-sim__ask">
                            {move || simulation.replay.with(|replay| {
                                let replay = replay.as_ref()?;
                                Some(match &replay.event {
                                    Event::Ended(ending) => {
                                        let text = simulation.run.with(|r| r.as_ref().map(|r| ending_text(&r.document, ending)).unwrap_or_default());
                                        view! {
                                            <p class="cf-sim__ended" data-testid="sim-ended" data-end=ending.name()>{text}</p>
                                            <label class="cf-field">"Save this run as a scenario"
                                                <input class="cf-field__input" data-testid="sim-scenario-name" prop:value=move || scenario_name.get() on:input:target=move |ev| scenario_name.set(ev.target().value()) />
                                            </label>
                                            <button class="cf-button" data-testid="sim-save" on:click=save>"Save scenario"</button>
                                        }.into_any()
                                    }
                                    Event::Asks(question) => {
                                        let asked = describe_question(question);
                                        let body = match question.clone() {
                                            Question::Digit { digits: allowed, .. } => view! {
                                                <div class="cf-sim__keypad">
                                                    {["1","2","3","4","5","6","7","8","9","*","0","#"].into_iter().map(|key| {
                                                        let enabled = allowed.iter().any(|d| d == key);
                                                        view! { <button class="cf-button" data-testid="sim-key" data-key=key disabled=!enabled
                                                            on:click=move |_| simulation.answer(Answer::Digit(key.to_owned()))>{key}</button> }
                                                    }).collect_view()}
                                                </div>
                                                <button class="cf-button" data-testid="sim-no-input" on:click=move |_| simulation.answer(Answer::NoInput)>"Say nothing (time out)"</button>
                                            }.into_any(),
                                            Question::Digits { .. } => view! {
                                                <div class="cf-sim__keypad">
                                                    {["1","2","3","4","5","6","7","8","9","*","0","#"].into_iter().map(|key| view! {
                                                        <button class="cf-button" data-testid="sim-key" data-key=key on:click=move |_| digits.update(|d| d.push_str(key))>{key}</button>
                                                    }).collect_view()}
                                                </div>
                                                <input class="cf-field__input" data-testid="sim-digits" prop:value=move || digits.get() on:input:target=move |ev| digits.set(ev.target().value()) />
                                                <button class="cf-button cf-button--primary" data-testid="sim-enter" on:click=move |_| simulation.answer(Answer::Digits(digits.get_untracked()))>"Enter"</button>
                                                <button class="cf-button" data-testid="sim-no-input" on:click=move |_| simulation.answer(Answer::NoInput)>"Say nothing (time out)"</button>
                                            }.into_any(),
                                            Question::Outcome { ports, .. } => view! {
                                                {move || outputs.get().into_iter().enumerate().map(|(i, (name, value))| view! {
                                                    <label class="cf-field">{name.clone()}
                                                        <input class="cf-field__input" data-testid="sim-output" data-name=name.clone() prop:value=value
                                                            on:change:target=move |ev| outputs.update(|o| if let Some(slot) = o.get_mut(i) { slot.1 = ev.target().value(); }) />
                                                    </label>
                                                }).collect_view()}
                                                <div class="cf-sim__choices">
                                                    {ports.into_iter().map(|port| {
                                                        let title = if port == PortName::Next { "transferred".to_owned() } else { port.as_str().to_owned() };
                                                        view! { <button class="cf-button" data-testid="sim-outcome" data-port=port.as_str()
                                                            on:click=move |_| simulation.answer(Answer::Outcome { port, outputs: outputs.get_untracked() })>{title}</button> }
                                                    }).collect_view()}
                                                </div>
                                            }.into_any(),
                                            Question::Condition { expression, why, .. } => view! {
                                                <p class="cf-muted">{format!("{expression}: {why}.")}</p>
                                                <div class="cf-sim__choices">
                                                    <button class="cf-button" data-testid="sim-outcome" data-port="yes" on:click=move |_| simulation.answer(Answer::Condition(true))>"true"</button>
                                                    <button class="cf-button" data-testid="sim-outcome" data-port="no" on:click=move |_| simulation.answer(Answer::Condition(false))>"false"</button>
                                                </div>
                                            }.into_any(),
                                            Question::Value { variable, expression, why, .. } => {
                                                let typed = RwSignal::new(String::new());
                                                view! {
                                                    <p class="cf-muted">{format!("{variable} = {expression}: {why}.")}</p>
                                                    <div class="cf-sim__choices">
                                                        <label class="cf-field">{variable.clone()}
                                                            <input class="cf-field__input" data-testid="sim-value" placeholder="true, 3, text or NOT_SET" prop:value=move || typed.get()
                                                                on:input:target=move |ev| typed.set(ev.target().value()) />
                                                        </label>
                                                        <button class="cf-button" data-testid="sim-value-go"
                                                            on:click=move |_| simulation.answer(Answer::Value(typed.get_untracked()))>"Set"</button>
                                                    </div>
                                                }.into_any()
                                            }
                                            Question::Count { expression, why, .. } => {
                                                let turns = RwSignal::new(String::from("1"));
                                                view! {
                                                    <p class="cf-muted">{format!("{expression}: {why}.")}</p>
                                                    <div class="cf-sim__choices">
                                                        <label class="cf-field">"Turns"
                                                            <input class="cf-field__input" type="number" min="0" data-testid="sim-count" prop:value=move || turns.get()
                                                                on:input:target=move |ev| turns.set(ev.target().value()) />
                                                        </label>
                                                        // A whole number of turns, zero or more; anything else is not taken.
                                                        <button class="cf-button" data-testid="sim-count-go"
                                                            disabled=move || turns.with(|t| t.trim().parse::<u32>().is_err())
                                                            on:click=move |_| {
                                                                if let Ok(count) = turns.get_untracked().trim().parse::<u32>() {
                                                                    simulation.answer(Answer::Count(i64::from(count)));
                                                                }
                                                            }>"Run the loop"</button>
                                                    </div>
                                                }.into_any()
                                            }
                                        };
                                        view! { <p class="cf-sim__question" data-testid="sim-question">{format!("Waiting for {asked}")}</p> {body} }.into_any()
                                    }
                                })
                            })}
                        </div>
                        <table class="cf-impact__table cf-sim__variables" data-testid="sim-variables">
                            <tbody>
                                {move || simulation.replay.with(|r| r.as_ref().map(|r| r.state.variables.iter().map(|(name, value)| view! {
                                    <tr data-name=name.clone()><td>{name.clone()}</td><td>{value.to_string()}</td></tr>
                                }).collect_view()))}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// The flow's saved scenarios, replayed after every change that validation sees.
#[component]
pub fn TestsPanel() -> impl IntoView {
    let studio = use_studio();
    // Replayed when findings change (every edit that matters to a call; moves do not) or the
    // scenarios themselves do.
    let scenarios = Memo::new(move |_| studio.document.with(|d| d.flow.scenarios.clone()));
    let results = Memo::new(move |_| {
        studio.findings.track();
        scenarios.track();
        studio.document.with_untracked(run_scenarios)
    });
    view! {
        <section class="cf-tests" aria-label="Tests" data-testid="tests">
            {move || results.with(|r| r.is_empty()).then(|| view! {
                <p class="cf-muted">"No scenarios yet: place a call in the Simulate tab and save the run."</p>
            })}
            <ul class="cf-list">
                {move || results.get().into_iter().enumerate().map(|(index, result)| view! {
                    <li class="cf-row cf-row--wrap" data-testid="scenario" data-name=result.name.clone()
                        data-result=if result.passed { "pass" } else { "fail" }>
                        <strong class=if result.passed { "cf-tests__pass" } else { "cf-tests__fail" }>{if result.passed { "pass" } else { "FAIL" }}</strong>
                        <span class="cf-grow">{format!("{}: {}", result.name, result.ended)}</span>
                        <button class="cf-button cf-button--small" on:click=move |_| {
                            let mut scenarios = studio.document.with_untracked(|d| d.flow.scenarios.clone());
                            if index < scenarios.len() {
                                scenarios.remove(index);
                                let _ = studio.dispatch(Command::SetScenarios { scenarios });
                            }
                        }>"Delete"</button>
                        <ul class="cf-tests__problems">{result.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

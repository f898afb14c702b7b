//! The node kinds, each described once: [`KINDS`] holds what a kind is called, where the palette
//! shows it, its fields (wire name, label, input, default), its ports, whether it ends the call and
//! the Archy action it becomes; [`NodeBody`] holds a node's kind-specific data as a closed enum.
//!
//! Adding a kind: a variant in [`NodeKind`] and [`NodeBody`], one [`KindSpec`] entry in [`KINDS`], its
//! arms in `NodeBody::new`/`text`/`set_text` and in the wire conversion below, then its checks in
//! `validate` and its writer in `export::archy` (the compiler points at each match).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::port::{Port, PortName, PortSet};
use super::{Mapping, MenuChoice};

/// The node kinds of spec §2, as written in `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NodeKind {
    Start,
    Play,
    Menu,
    Decision,
    SetVariable,
    Invoke,
    DataAction,
    Transfer,
    Disconnect,
    /// An Architect task (a reusable task): a named entry point that jumps lead to.
    Task,
    /// Jump to Reusable Task: continues in a task and does not come back.
    JumpToTask,
    /// Jump to Menu.
    JumpToMenu,
    /// An Architect action the designer does not model, kept exactly as written.
    Archy,
    ScheduleGroup,
    CollectInput,
    Loop,
    DataTableLookup,
    TransferToNumber,
    TransferToFlow,
    TransferToVoicemail,
    Schedule,
    ScreenPop,
    TransferToUser,
    SetLanguage,
    SetParticipantData,
    GetParticipantData,
    Switch,
    /// Call Task: runs a reusable task and comes back.
    CallTask,
    /// Wait: pauses the flow for a number of seconds.
    Wait,
    /// The end of a common module: returns to the calling flow with the module's outputs.
    EndModule,
}

/// Where the palette lists a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaletteGroup {
    /// Not in the palette (a flow has one start node, made with the flow).
    Hidden,
    /// Prompts and menus: what the caller hears and presses.
    Caller,
    /// Decisions and data.
    Logic,
    /// Common modules and data actions.
    Integration,
    /// Steps that end the call.
    End,
    /// Tasks and jumps: how a flow is cut into reusable parts.
    Structure,
}

impl PaletteGroup {
    pub fn title(self) -> &'static str {
        match self {
            PaletteGroup::Hidden => "",
            PaletteGroup::Caller => "Caller",
            PaletteGroup::Logic => "Logic",
            PaletteGroup::Integration => "Integration",
            PaletteGroup::End => "End",
            PaletteGroup::Structure => "Structure",
        }
    }
}

/// A kind-specific field, named as on the wire by [`FieldId::wire_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldId {
    Prompt,
    Choices,
    Expression,
    Variable,
    Module,
    ModuleId,
    Version,
    Inputs,
    Outputs,
    Category,
    Action,
    TimeoutSeconds,
    Queue,
    RefId,
    ArchyAction,
    Paths,
    ScheduleGroup,
    MinDigits,
    MaxDigits,
    LoopCount,
    IndexVariable,
    Table,
    LookupKey,
    Number,
    FlowName,
    Schedule,
    Script,
    User,
    Language,
    Attributes,
    Cases,
    DurationSeconds,
}

impl FieldId {
    /// Every kind field, in wire order.
    pub const ALL: [FieldId; 32] = [
        FieldId::Prompt,
        FieldId::Choices,
        FieldId::Expression,
        FieldId::Variable,
        FieldId::Module,
        FieldId::ModuleId,
        FieldId::Version,
        FieldId::Inputs,
        FieldId::Outputs,
        FieldId::Category,
        FieldId::Action,
        FieldId::TimeoutSeconds,
        FieldId::Queue,
        FieldId::RefId,
        FieldId::ArchyAction,
        FieldId::Paths,
        FieldId::ScheduleGroup,
        FieldId::MinDigits,
        FieldId::MaxDigits,
        FieldId::LoopCount,
        FieldId::IndexVariable,
        FieldId::Table,
        FieldId::LookupKey,
        FieldId::Number,
        FieldId::FlowName,
        FieldId::Schedule,
        FieldId::Script,
        FieldId::User,
        FieldId::Language,
        FieldId::Attributes,
        FieldId::Cases,
        FieldId::DurationSeconds,
    ];

    pub fn wire_name(self) -> &'static str {
        match self {
            FieldId::Prompt => "prompt",
            FieldId::Choices => "choices",
            FieldId::Expression => "expression",
            FieldId::Variable => "variable",
            FieldId::Module => "module",
            FieldId::ModuleId => "moduleId",
            FieldId::Version => "version",
            FieldId::Inputs => "inputs",
            FieldId::Outputs => "outputs",
            FieldId::Category => "category",
            FieldId::Action => "action",
            FieldId::TimeoutSeconds => "timeoutSeconds",
            FieldId::Queue => "queue",
            FieldId::RefId => "refId",
            FieldId::ArchyAction => "archyAction",
            FieldId::Paths => "paths",
            FieldId::ScheduleGroup => "scheduleGroup",
            FieldId::MinDigits => "minDigits",
            FieldId::MaxDigits => "maxDigits",
            FieldId::LoopCount => "loopCount",
            FieldId::IndexVariable => "indexVariable",
            FieldId::Table => "table",
            FieldId::LookupKey => "lookupKey",
            FieldId::Number => "number",
            FieldId::FlowName => "flowName",
            FieldId::Schedule => "schedule",
            FieldId::Script => "script",
            FieldId::User => "user",
            FieldId::Language => "language",
            FieldId::Attributes => "attributes",
            FieldId::Cases => "cases",
            FieldId::DurationSeconds => "durationSeconds",
        }
    }
}

/// How the inspector edits a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldInput {
    /// Free text (prompts, names).
    Text,
    /// An expression; suggests the flow's variables.
    Expression,
    /// A `Flow.` variable that receives a value; suggests the flow's variables.
    VariableTarget,
    /// A queue name; suggests the queue catalog.
    Queue,
    /// Whole seconds.
    Seconds,
    /// Shown by the kind's own inspector form (menu choices, module mappings, …).
    Form,
    /// `name = value` pairs, one per line (participant data: the value is an expression to set,
    /// or the `Flow.` variable that receives the attribute).
    Pairs,
    /// One expression per line (a switch's cases: each line is a port).
    Lines,
}

/// One field of a kind, as the inspector shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub id: FieldId,
    pub label: &'static str,
    pub input: FieldInput,
}

/// How a table-described field's value is written in its Archy action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchyForm {
    /// `{tts: text}`.
    Tts,
    /// `{exp: text}`; a literal (`{lit: 3}`) reads as the expression that means the same.
    Expression,
    /// `{lit: {name: text}}`: a resource by name (queue, schedule group).
    LiteralName,
    /// `{var: Flow.x}`: a flow variable that receives a value.
    Variable,
    /// A bare scalar (a whole number or text).
    Plain,
    /// The one key of a mapping (a data table's name); what is under it is kept.
    Key,
    /// `[{attribute: {name: {lit}, value: {exp}}}]` as `name = expression` lines.
    SetAttributes,
    /// `[{attribute: {name: {lit}, variable: Flow.x}}]` as `name = Flow.x` lines.
    GetAttributes,
    /// `{lit: {seconds: n}}` (`{lit: {minutes: n}}` reads as the same number of seconds).
    Seconds,
}

/// Where a field of a table-described kind sits in its Archy action, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchyField {
    pub field: FieldId,
    /// The keys from the action down to the value: `["digits", "range", "min"]`.
    pub path: &'static [&'static str],
    pub form: ArchyForm,
    /// Written only when set: one of two alternative destinations (a voicemail's queue or user).
    pub optional: bool,
}

/// How a table-described kind is written to and read from Archy: its fields' places, and the keys
/// a drawn node also writes (JSON text), as real files have them.
#[derive(Debug, Clone, Copy)]
pub struct ArchyShape {
    pub fields: &'static [ArchyField],
    pub defaults: &'static [(&'static str, &'static str)],
}

const fn at(field: FieldId, path: &'static [&'static str], form: ArchyForm) -> ArchyField {
    ArchyField { field, path, form, optional: false }
}

/// A field written only when it is set (see [`ArchyField::optional`]).
const fn at_optional(field: FieldId, path: &'static [&'static str], form: ArchyForm) -> ArchyField {
    ArchyField { field, path, form, optional: true }
}

/// What a node of the kind does on a simulated call (`crate::simulate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sim {
    /// Goes on with `next` (a start, a task, steps whose effect the call does not see).
    Pass,
    /// Says its prompt, then goes on.
    Say,
    /// Says its prompt and waits for a digit: the choice's port, or `noInput` on a timeout.
    Menu,
    /// Evaluates its expression (or asks yes or no): `yes` or `no`.
    Decide,
    /// Sets its variable to its expression's value.
    Assign,
    /// An outside system answers: the user picks the port (and the outputs' values).
    Outcome,
    /// Waits for digits into its variable: `success`, or `failure` on no input.
    Collect,
    /// Runs its `loop` path the counted number of times, then goes on.
    Loop,
    /// Takes the first case whose expression is true, else `default`.
    Switch,
    /// Ends the call with a transfer, unless the user says it failed (its `failure` path).
    Transfer,
    /// Ends the call.
    HangUp,
    /// Goes to its target and does not come back.
    Jump,
    /// Runs its target task, then comes back to `next`.
    CallTask,
    /// Ends a common module: back to the caller.
    Return,
    /// Attaches its attributes (`name = expression`) to the call.
    SetAttributes,
    /// Reads the call's attributes into variables (`name = Flow.variable`); one never set is NOT_SET.
    GetAttributes,
}

/// Everything the designer, the validator and the export know about a kind, in one place.
#[derive(Debug, Clone, Copy)]
pub struct KindSpec {
    pub kind: NodeKind,
    /// The name in `kind` on the wire.
    pub name: &'static str,
    /// What the designer calls it.
    pub title: &'static str,
    pub group: PaletteGroup,
    /// One line on what the step does, for the palette's tooltip.
    pub summary: &'static str,
    /// Its kind-specific fields, in wire and inspector order.
    pub fields: &'static [FieldSpec],
    /// Its fixed output ports, in display order (a menu adds one port per choice before these).
    pub ports: &'static [Port],
    /// Ends the call (a transfer ends it when it succeeds).
    pub terminal: bool,
    /// The Archy action it becomes (`None` for the start, which is the flow's entry).
    pub archy_action: Option<&'static str>,
    /// What it does on a simulated call.
    pub sim: Sim,
    /// For a kind whose data is its fields' text ([`NodeBody::Step`]): where each field sits in
    /// the Archy action. The export and the import are generic over this.
    pub archy: Option<ArchyShape>,
}

const fn field(id: FieldId, label: &'static str, input: FieldInput) -> FieldSpec {
    FieldSpec { id, label, input }
}

const fn port(name: PortName, required: bool) -> Port {
    Port { name, required }
}

/// Each kind's fixed ports as bit sets (all, required), derived from [`KINDS`] at compile time.
const PORT_MASKS: [(PortSet, PortSet); KINDS.len()] = {
    let mut masks = [(0, 0); KINDS.len()];
    let mut kind = 0;
    while kind < KINDS.len() {
        let ports = KINDS[kind].ports;
        let mut index = 0;
        while index < ports.len() {
            let bit = ports[index].name.bit();
            masks[kind].0 |= bit;
            if ports[index].required {
                masks[kind].1 |= bit;
            }
            index += 1;
        }
        kind += 1;
    }
    masks
};

/// The kind table, in [`NodeKind`] order (a test checks the order).
pub const KINDS: [KindSpec; 30] = [
    KindSpec {
        kind: NodeKind::Start,
        name: "start",
        title: "Start",
        group: PaletteGroup::Hidden,
        summary: "Where the call enters the flow.",
        fields: &[],
        ports: &[port(PortName::Next, true)],
        terminal: false,
        archy_action: None,
        sim: Sim::Pass,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::Play,
        name: "play",
        title: "Play audio",
        group: PaletteGroup::Caller,
        summary: "Speaks a prompt to the caller.",
        fields: &[field(FieldId::Prompt, "Prompt (text to speech)", FieldInput::Text)],
        ports: &[port(PortName::Next, true)],
        terminal: false,
        archy_action: Some("playAudio"),
        sim: Sim::Say,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::Menu,
        name: "menu",
        title: "Menu",
        group: PaletteGroup::Caller,
        summary: "Plays a prompt and branches on the digit the caller presses.",
        fields: &[
            field(FieldId::Prompt, "Prompt", FieldInput::Text),
            field(FieldId::Choices, "Choices", FieldInput::Form),
        ],
        ports: &[port(PortName::NoInput, false)],
        terminal: false,
        archy_action: Some("menu"),
        sim: Sim::Menu,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::Decision,
        name: "decision",
        title: "Decision",
        group: PaletteGroup::Logic,
        summary: "Takes yes or no by a boolean expression.",
        fields: &[field(FieldId::Expression, "Condition (expression)", FieldInput::Expression)],
        ports: &[port(PortName::Yes, true), port(PortName::No, true)],
        terminal: false,
        archy_action: Some("decision"),
        sim: Sim::Decide,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::SetVariable,
        name: "setVariable",
        title: "Update data",
        group: PaletteGroup::Logic,
        summary: "Sets a flow variable to the value of an expression.",
        fields: &[
            field(FieldId::Variable, "Variable (Flow.name)", FieldInput::VariableTarget),
            field(FieldId::Expression, "Value (expression)", FieldInput::Expression),
        ],
        ports: &[port(PortName::Next, true)],
        terminal: false,
        archy_action: Some("updateData"),
        sim: Sim::Assign,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::Invoke,
        name: "invoke",
        title: "Call common module (shared flow)",
        group: PaletteGroup::Integration,
        summary: "Runs a common module with mapped inputs and outputs.",
        fields: &[
            field(FieldId::Module, "Module", FieldInput::Form),
            field(FieldId::ModuleId, "Module id", FieldInput::Form),
            field(FieldId::Version, "Version", FieldInput::Form),
            field(FieldId::Inputs, "Inputs", FieldInput::Form),
            field(FieldId::Outputs, "Outputs", FieldInput::Form),
        ],
        ports: &[port(PortName::Complete, true), port(PortName::Error, false)],
        terminal: false,
        archy_action: Some("callCommonModule"),
        sim: Sim::Outcome,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::DataAction,
        name: "dataAction",
        title: "Call data action",
        group: PaletteGroup::Integration,
        summary: "Calls an integration's data action; success, failure or timeout.",
        fields: &[
            field(FieldId::Category, "Integration category", FieldInput::Text),
            field(FieldId::Action, "Data action", FieldInput::Text),
            field(FieldId::Inputs, "Inputs", FieldInput::Form),
            field(FieldId::Outputs, "Outputs", FieldInput::Form),
            field(FieldId::TimeoutSeconds, "Timeout (1 to 60 seconds)", FieldInput::Seconds),
        ],
        ports: &[port(PortName::Success, true), port(PortName::Failure, true), port(PortName::Timeout, false)],
        terminal: false,
        archy_action: Some("callData"),
        sim: Sim::Outcome,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::Transfer,
        name: "transfer",
        title: "Transfer to ACD",
        group: PaletteGroup::End,
        summary: "Queues the call; the failure port runs when the transfer fails.",
        fields: &[field(FieldId::Queue, "Queue", FieldInput::Queue)],
        ports: &[port(PortName::Failure, false)],
        terminal: true,
        archy_action: Some("transferToAcd"),
        sim: Sim::Transfer,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::Disconnect,
        name: "disconnect",
        title: "Disconnect",
        group: PaletteGroup::End,
        summary: "Hangs up.",
        fields: &[],
        ports: &[],
        terminal: true,
        archy_action: Some("disconnect"),
        sim: Sim::HangUp,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::Task,
        name: "task",
        title: "Task",
        group: PaletteGroup::Structure,
        summary: "A reusable task: a named entry that jumps lead to.",
        fields: &[field(FieldId::RefId, "Reference id", FieldInput::Text)],
        ports: &[port(PortName::Next, true)],
        terminal: false,
        archy_action: Some("task"),
        sim: Sim::Pass,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::JumpToTask,
        name: "jumpToTask",
        title: "Jump to task",
        group: PaletteGroup::Structure,
        summary: "Continues the call in a task, and does not come back.",
        fields: &[],
        ports: &[port(PortName::Target, true)],
        terminal: false,
        archy_action: Some("jumpToTask"),
        sim: Sim::Jump,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::JumpToMenu,
        name: "jumpToMenu",
        title: "Jump to menu",
        group: PaletteGroup::Structure,
        summary: "Goes to a menu.",
        fields: &[],
        ports: &[port(PortName::Target, true)],
        terminal: false,
        archy_action: Some("jumpToMenu"),
        sim: Sim::Jump,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::Archy,
        name: "archy",
        title: "Archy action",
        group: PaletteGroup::Hidden,
        summary: "An Architect action kept exactly as written; its paths are its ports.",
        fields: &[
            field(FieldId::ArchyAction, "Action", FieldInput::Form),
            field(FieldId::Paths, "Paths", FieldInput::Form),
        ],
        ports: &[port(PortName::Next, false)],
        terminal: false,
        archy_action: None,
        sim: Sim::Outcome,
        archy: None,
    },
    // Table-described kinds (`NodeBody::Step`): docs/export.md names the real file each shape comes from.
    KindSpec {
        kind: NodeKind::ScheduleGroup,
        name: "scheduleGroup",
        title: "Evaluate schedule group",
        group: PaletteGroup::Logic,
        summary: "Branches on business hours: open, closed, holiday or emergency.",
        fields: &[field(FieldId::ScheduleGroup, "Schedule group", FieldInput::Text)],
        ports: &[
            port(PortName::Open, true),
            port(PortName::Closed, true),
            port(PortName::Holiday, false),
            port(PortName::Emergency, false),
        ],
        terminal: false,
        archy_action: Some("evaluateScheduleGroup"),
        sim: Sim::Outcome,
        archy: Some(ArchyShape {
            fields: &[at(FieldId::ScheduleGroup, &["scheduleGroup"], ArchyForm::LiteralName)],
            defaults: &[
                ("inServiceSchedules", r#"{"noValue": true}"#),
                ("evaluate", r#"{"now": true}"#),
                ("emergencyGroup", r#"{"noValue": true}"#),
            ],
        }),
    },
    KindSpec {
        kind: NodeKind::CollectInput,
        name: "collectInput",
        title: "Collect input",
        group: PaletteGroup::Caller,
        summary: "Plays a prompt and stores the digits the caller enters.",
        fields: &[
            field(FieldId::Prompt, "Prompt (text to speech)", FieldInput::Text),
            field(FieldId::Variable, "Store the digits in (Flow.name)", FieldInput::VariableTarget),
            field(FieldId::MinDigits, "Fewest digits", FieldInput::Text),
            field(FieldId::MaxDigits, "Most digits", FieldInput::Text),
        ],
        ports: &[port(PortName::Success, true), port(PortName::Failure, false)],
        terminal: false,
        archy_action: Some("collectInput"),
        sim: Sim::Collect,
        archy: Some(ArchyShape {
            fields: &[
                at(FieldId::Variable, &["inputData"], ArchyForm::Variable),
                at(FieldId::MinDigits, &["digits", "range", "min"], ArchyForm::Plain),
                at(FieldId::MaxDigits, &["digits", "range", "max"], ArchyForm::Plain),
                at(FieldId::Prompt, &["inputAudio"], ArchyForm::Tts),
            ],
            defaults: &[
                ("interDigitTimeout", r#"{"noValue": true}"#),
                ("noEntryTimeout", r#"{"noValue": true}"#),
                ("acceptJustStar", r#"{"lit": false}"#),
                ("acceptJustPound", r#"{"lit": false}"#),
                ("verificationType", r#""none""#),
            ],
        }),
    },
    KindSpec {
        kind: NodeKind::Loop,
        name: "loop",
        title: "Loop",
        group: PaletteGroup::Logic,
        summary: "Runs the loop path a number of times, then goes on.",
        fields: &[
            field(FieldId::LoopCount, "Times (expression)", FieldInput::Expression),
            field(FieldId::IndexVariable, "Current index in (Flow.name)", FieldInput::VariableTarget),
        ],
        ports: &[port(PortName::Loop, true), port(PortName::Next, true)],
        terminal: false,
        archy_action: Some("loop"),
        sim: Sim::Loop,
        archy: Some(ArchyShape {
            fields: &[
                at(FieldId::IndexVariable, &["currentIndex"], ArchyForm::Variable),
                at(FieldId::LoopCount, &["loopCount"], ArchyForm::Expression),
            ],
            defaults: &[],
        }),
    },
    KindSpec {
        kind: NodeKind::DataTableLookup,
        name: "dataTableLookup",
        title: "Data table lookup",
        group: PaletteGroup::Integration,
        summary: "Looks a key up in a data table: found or not found.",
        fields: &[
            field(FieldId::Table, "Data table", FieldInput::Text),
            field(FieldId::LookupKey, "Key (expression)", FieldInput::Expression),
        ],
        ports: &[port(PortName::Found, true), port(PortName::NotFound, true), port(PortName::Failure, false)],
        terminal: false,
        archy_action: Some("dataTableLookup"),
        sim: Sim::Outcome,
        archy: Some(ArchyShape {
            fields: &[
                at(FieldId::LookupKey, &["lookupValue"], ArchyForm::Expression),
                at(FieldId::Table, &["dataTable"], ArchyForm::Key),
            ],
            defaults: &[],
        }),
    },
    KindSpec {
        kind: NodeKind::TransferToNumber,
        name: "transferToNumber",
        title: "Transfer to number",
        group: PaletteGroup::End,
        summary: "Transfers the call to a phone number; the failure port runs when it fails.",
        fields: &[field(FieldId::Number, "Number (expression)", FieldInput::Expression)],
        ports: &[port(PortName::Failure, false)],
        terminal: true,
        archy_action: Some("transferToNumber"),
        sim: Sim::Transfer,
        archy: Some(ArchyShape {
            // [unverified] no public file has this action; the key follows the action defaults.
            fields: &[at(FieldId::Number, &["targetNumber"], ArchyForm::Expression)],
            defaults: &[],
        }),
    },
    KindSpec {
        kind: NodeKind::TransferToFlow,
        name: "transferToFlow",
        title: "Transfer to flow",
        group: PaletteGroup::End,
        summary: "Hands the call to another flow by name; the failure port runs when it fails.",
        fields: &[field(FieldId::FlowName, "Flow", FieldInput::Text)],
        ports: &[port(PortName::Failure, false)],
        terminal: true,
        archy_action: Some("transferToFlow"),
        sim: Sim::Transfer,
        archy: Some(ArchyShape {
            fields: &[at(FieldId::FlowName, &["targetFlow", "name"], ArchyForm::Plain)],
            defaults: &[],
        }),
    },
    KindSpec {
        kind: NodeKind::TransferToVoicemail,
        name: "transferToVoicemail",
        title: "Transfer to voicemail",
        group: PaletteGroup::End,
        summary: "Sends the caller to a queue's or a person's voicemail; the failure port runs when it fails.",
        fields: &[
            field(FieldId::Queue, "Queue (or leave empty and name a user)", FieldInput::Queue),
            field(FieldId::User, "User (instead of a queue)", FieldInput::Text),
        ],
        ports: &[port(PortName::Failure, false)],
        terminal: true,
        archy_action: Some("transferToVoicemail"),
        sim: Sim::Transfer,
        archy: Some(ArchyShape {
            fields: &[
                at_optional(FieldId::Queue, &["destination", "queue", "targetQueue"], ArchyForm::LiteralName),
                // [unverified] every public file sends to a queue's voicemail; the user form follows
                // the queue form's pattern.
                at_optional(FieldId::User, &["destination", "user", "targetUser"], ArchyForm::LiteralName),
            ],
            defaults: &[],
        }),
    },
    KindSpec {
        kind: NodeKind::Schedule,
        name: "schedule",
        title: "Evaluate schedule",
        group: PaletteGroup::Logic,
        summary: "Branches on one schedule: active or inactive now.",
        fields: &[field(FieldId::Schedule, "Schedule", FieldInput::Text)],
        ports: &[port(PortName::Active, true), port(PortName::Inactive, true)],
        terminal: false,
        archy_action: Some("evaluateSchedule"),
        sim: Sim::Outcome,
        archy: Some(ArchyShape {
            fields: &[at(
                FieldId::Schedule,
                &["evaluationType", "schedule", "selectedSchedule"],
                ArchyForm::LiteralName,
            )],
            defaults: &[("evaluationType", r#"{"schedule": {"evaluate": {"now": true}}}"#)],
        }),
    },
    KindSpec {
        kind: NodeKind::ScreenPop,
        name: "screenPop",
        title: "Set screen pop",
        group: PaletteGroup::Integration,
        summary: "Names the script the agent's screen opens with the call.",
        fields: &[field(FieldId::Script, "Script", FieldInput::Text)],
        ports: &[port(PortName::Next, true)],
        terminal: false,
        archy_action: Some("setScreenPop"),
        sim: Sim::Pass,
        archy: Some(ArchyShape { fields: &[at(FieldId::Script, &["screenPopScript"], ArchyForm::Key)], defaults: &[] }),
    },
    KindSpec {
        kind: NodeKind::TransferToUser,
        name: "transferToUser",
        title: "Transfer to user",
        group: PaletteGroup::End,
        summary: "Transfers the call to one person; the failure port runs when it fails.",
        fields: &[field(FieldId::User, "User", FieldInput::Text)],
        ports: &[port(PortName::Failure, false)],
        terminal: true,
        archy_action: Some("transferToUser"),
        sim: Sim::Transfer,
        archy: Some(ArchyShape {
            // [unverified] no public file has this action (only its action defaults).
            fields: &[at(FieldId::User, &["targetUser"], ArchyForm::LiteralName)],
            defaults: &[],
        }),
    },
    KindSpec {
        kind: NodeKind::SetLanguage,
        name: "setLanguage",
        title: "Set language",
        group: PaletteGroup::Caller,
        summary: "Switches the language of the prompts and speech recognition from here on.",
        fields: &[field(FieldId::Language, "Language (expression, e.g. \"es-us\")", FieldInput::Expression)],
        ports: &[port(PortName::Next, true)],
        terminal: false,
        archy_action: Some("setLanguage"),
        sim: Sim::Pass,
        archy: Some(ArchyShape {
            // [unverified] no public file has this action.
            fields: &[at(FieldId::Language, &["language"], ArchyForm::Expression)],
            defaults: &[],
        }),
    },
    KindSpec {
        kind: NodeKind::SetParticipantData,
        name: "setParticipantData",
        title: "Set participant data",
        group: PaletteGroup::Logic,
        summary: "Attaches attributes to the call, for agents, scripts and later flows.",
        fields: &[field(FieldId::Attributes, "Attributes (name = expression, one per line)", FieldInput::Pairs)],
        ports: &[port(PortName::Next, true)],
        terminal: false,
        archy_action: Some("setParticipantData"),
        sim: Sim::SetAttributes,
        archy: Some(ArchyShape {
            fields: &[at(FieldId::Attributes, &["attributes"], ArchyForm::SetAttributes)],
            defaults: &[],
        }),
    },
    KindSpec {
        kind: NodeKind::GetParticipantData,
        name: "getParticipantData",
        title: "Get participant data",
        group: PaletteGroup::Logic,
        summary: "Reads attributes of the call into flow variables.",
        fields: &[field(FieldId::Attributes, "Attributes (name = Flow.variable, one per line)", FieldInput::Pairs)],
        ports: &[port(PortName::Next, true)],
        terminal: false,
        archy_action: Some("getParticipantData"),
        sim: Sim::GetAttributes,
        archy: Some(ArchyShape {
            fields: &[at(FieldId::Attributes, &["attributes"], ArchyForm::GetAttributes)],
            defaults: &[],
        }),
    },
    KindSpec {
        kind: NodeKind::Switch,
        name: "switch",
        title: "Switch",
        group: PaletteGroup::Logic,
        summary: "Takes the first case whose expression is true, else the default path.",
        fields: &[field(FieldId::Cases, "Cases (one boolean expression per line)", FieldInput::Lines)],
        ports: &[port(PortName::Default, true)],
        terminal: false,
        archy_action: Some("switch"),
        sim: Sim::Switch,
        // Written by the export's own switch writer (`evaluate: firstTrue: cases / default`).
        archy: Some(ArchyShape { fields: &[], defaults: &[] }),
    },
    KindSpec {
        kind: NodeKind::CallTask,
        name: "callTask",
        title: "Call task",
        group: PaletteGroup::Structure,
        summary: "Runs a reusable task, then comes back and goes on.",
        fields: &[],
        ports: &[port(PortName::Target, true), port(PortName::Next, true)],
        terminal: false,
        archy_action: Some("callTask"),
        sim: Sim::CallTask,
        archy: None,
    },
    KindSpec {
        kind: NodeKind::Wait,
        name: "wait",
        title: "Wait",
        group: PaletteGroup::Logic,
        summary: "Pauses the flow for a number of seconds, then goes on.",
        fields: &[field(FieldId::DurationSeconds, "Seconds to wait", FieldInput::Text)],
        ports: &[port(PortName::Next, true)],
        terminal: false,
        archy_action: Some("wait"),
        sim: Sim::Pass,
        archy: Some(ArchyShape {
            fields: &[at(FieldId::DurationSeconds, &["duration"], ArchyForm::Seconds)],
            defaults: &[("trimDurationNearMaxRunningTime", r#"{"lit": false}"#)],
        }),
    },
    KindSpec {
        kind: NodeKind::EndModule,
        name: "endModule",
        title: "End module",
        group: PaletteGroup::End,
        summary: "Ends a common module: the call goes back to the flow that called it, with the outputs.",
        fields: &[],
        ports: &[],
        terminal: true,
        // Real module files end with `endTask` (docs/export.md).
        archy_action: Some("endTask"),
        sim: Sim::Return,
        archy: None,
    },
];

impl KindSpec {
    /// Is `field` one of two alternatives, written only when set?
    pub fn is_optional(&self, field: FieldId) -> bool {
        self.archy.is_some_and(|shape| shape.fields.iter().any(|f| f.field == field && f.optional))
    }
}

impl NodeKind {
    pub const ALL: [NodeKind; 30] = [
        NodeKind::Start,
        NodeKind::Play,
        NodeKind::Menu,
        NodeKind::Decision,
        NodeKind::SetVariable,
        NodeKind::Invoke,
        NodeKind::DataAction,
        NodeKind::Transfer,
        NodeKind::Disconnect,
        NodeKind::Task,
        NodeKind::JumpToTask,
        NodeKind::JumpToMenu,
        NodeKind::Archy,
        NodeKind::ScheduleGroup,
        NodeKind::CollectInput,
        NodeKind::Loop,
        NodeKind::DataTableLookup,
        NodeKind::TransferToNumber,
        NodeKind::TransferToFlow,
        NodeKind::TransferToVoicemail,
        NodeKind::Schedule,
        NodeKind::ScreenPop,
        NodeKind::TransferToUser,
        NodeKind::SetLanguage,
        NodeKind::SetParticipantData,
        NodeKind::GetParticipantData,
        NodeKind::Switch,
        NodeKind::CallTask,
        NodeKind::Wait,
        NodeKind::EndModule,
    ];

    /// This kind's entry in [`KINDS`].
    pub fn spec(self) -> &'static KindSpec {
        &KINDS[self as usize]
    }

    /// (every fixed port, the required ones) as bit sets, from the table at compile time.
    pub fn port_masks(self) -> (PortSet, PortSet) {
        PORT_MASKS[self as usize]
    }

    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// What the designer shows for this kind.
    pub fn title(self) -> &'static str {
        self.spec().title
    }

    /// `transfer` (on success) and `disconnect` end the call.
    pub fn is_terminal(self) -> bool {
        self.spec().terminal
    }

    /// The kind-specific fields this kind accepts (camelCase, as on the wire).
    pub fn field_names(self) -> impl Iterator<Item = &'static str> {
        self.spec().fields.iter().map(|field| field.id.wire_name())
    }

    /// Does this kind have `field`?
    pub fn has_field(self, field: FieldId) -> bool {
        self.spec().fields.iter().any(|spec| spec.id == field)
    }
}

/// Call Common Module: which module, which version, and the input and output mappings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModuleCall {
    pub module: String,
    /// The module's flow id in the org, when known.
    pub module_id: Option<String>,
    /// `"latest"` or a published version such as `"3.0"`; absent means latest.
    pub version: Option<String>,
    /// `Common.<input>` → expression.
    pub inputs: Mapping,
    /// `Common.<output>` → `Flow.<variable>`.
    pub outputs: Mapping,
}

/// Call Data Action: which action, its mappings and its timeout.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataActionCall {
    pub category: String,
    pub action: String,
    pub inputs: Mapping,
    pub outputs: Mapping,
    /// 1–60 seconds; [`super::DEFAULT_TIMEOUT_SECONDS`] when absent.
    pub timeout_seconds: Option<i64>,
}

/// An Architect action the designer does not model: its key (`evaluateScheduleGroup`) and the
/// output paths that are ports, in order. Its other keys are the node's carried keys
/// ([`super::Carried`]), written back exactly as they came.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArchyAction {
    pub action: String,
    pub paths: Vec<PortName>,
}

/// A node's kind and kind-specific data.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeBody {
    Start,
    Play {
        prompt: String,
    },
    Menu {
        prompt: String,
        choices: Vec<MenuChoice>,
    },
    Decision {
        expression: String,
    },
    SetVariable {
        variable: String,
        expression: String,
    },
    /// Boxed, as is `DataAction`: the two calls are four times the size of the other bodies, and every
    /// per-node pass walks the nodes, so a node stays 120 bytes instead of 280.
    Invoke(Box<ModuleCall>),
    DataAction(Box<DataActionCall>),
    Transfer {
        queue: String,
    },
    Disconnect,
    EndModule,
    Task {
        /// The task's `refId` in Archy (what jumps name); empty: made from the node id.
        ref_id: String,
    },
    JumpToTask,
    JumpToMenu,
    CallTask,
    Archy(Box<ArchyAction>),
    /// A kind described by its table entry alone ([`KindSpec::archy`]): one text per field, in the
    /// order of the kind's `fields`.
    Step(Box<Step>),
}

/// The data of a table-described kind: its kind and one text per field of its table entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub kind: NodeKind,
    pub values: Vec<String>,
}

impl Step {
    /// The empty data of `kind` (every field empty).
    pub fn new(kind: NodeKind) -> Step {
        Step { kind, values: vec![String::new(); kind.spec().fields.len()] }
    }

    fn slot(&self, field: FieldId) -> Option<usize> {
        self.kind.spec().fields.iter().position(|spec| spec.id == field)
    }

    pub fn get(&self, field: FieldId) -> Option<&str> {
        self.slot(field).and_then(|slot| self.values.get(slot)).map(String::as_str)
    }

    pub fn set(&mut self, field: FieldId, value: String) -> bool {
        match self.slot(field) {
            Some(slot) => {
                if self.values.len() <= slot {
                    self.values.resize(slot + 1, String::new());
                }
                // Pairs are kept in one form (`name = value` lines), the form they have on the wire.
                let input = self.kind.spec().fields[slot].input;
                self.values[slot] = if input == FieldInput::Lines {
                    value.lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join("\n")
                } else if input == FieldInput::Pairs {
                    crate::archy_codec::pairs(&value)
                        .into_iter()
                        .map(|(name, value)| format!("{name} = {value}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                } else {
                    value
                };
                true
            }
            None => false,
        }
    }
}

impl NodeBody {
    /// A body of `kind` as the palette adds it: empty texts, a menu with choice 1, an invoke of the
    /// latest version, a data action with the default timeout.
    pub fn new(kind: NodeKind) -> NodeBody {
        match kind {
            NodeKind::Start => NodeBody::Start,
            NodeKind::Play => NodeBody::Play { prompt: String::new() },
            NodeKind::Menu => NodeBody::Menu {
                prompt: String::new(),
                choices: vec![MenuChoice { digit: "1".to_owned(), label: "Option 1".to_owned(), archy: None }],
            },
            NodeKind::Decision => NodeBody::Decision { expression: String::new() },
            NodeKind::SetVariable => NodeBody::SetVariable { variable: String::new(), expression: String::new() },
            NodeKind::Invoke => {
                NodeBody::Invoke(Box::new(ModuleCall { version: Some("latest".to_owned()), ..ModuleCall::default() }))
            }
            NodeKind::DataAction => NodeBody::DataAction(Box::new(DataActionCall {
                timeout_seconds: Some(super::DEFAULT_TIMEOUT_SECONDS),
                ..DataActionCall::default()
            })),
            NodeKind::Transfer => NodeBody::Transfer { queue: String::new() },
            NodeKind::Disconnect => NodeBody::Disconnect,
            NodeKind::EndModule => NodeBody::EndModule,
            NodeKind::Task => NodeBody::Task { ref_id: String::new() },
            NodeKind::JumpToTask => NodeBody::JumpToTask,
            NodeKind::JumpToMenu => NodeBody::JumpToMenu,
            NodeKind::CallTask => NodeBody::CallTask,
            NodeKind::Archy => NodeBody::Archy(Box::default()),
            // Every other kind is a table kind (`KindSpec::archy`): its data is its fields' text.
            table_kind => {
                let mut step = Step::new(table_kind);
                if table_kind == NodeKind::CollectInput {
                    step.set(FieldId::MinDigits, "1".to_owned());
                    step.set(FieldId::MaxDigits, "10".to_owned());
                }
                NodeBody::Step(Box::new(step))
            }
        }
    }

    /// The same kind with no data: what a node without its fields holds.
    pub fn empty(kind: NodeKind) -> NodeBody {
        match kind {
            NodeKind::Menu => NodeBody::Menu { prompt: String::new(), choices: Vec::new() },
            NodeKind::Invoke => NodeBody::Invoke(Box::default()),
            NodeKind::DataAction => NodeBody::DataAction(Box::default()),
            other => NodeBody::new(other),
        }
    }

    pub fn kind(&self) -> NodeKind {
        match self {
            NodeBody::Start => NodeKind::Start,
            NodeBody::Play { .. } => NodeKind::Play,
            NodeBody::Menu { .. } => NodeKind::Menu,
            NodeBody::Decision { .. } => NodeKind::Decision,
            NodeBody::SetVariable { .. } => NodeKind::SetVariable,
            NodeBody::Invoke(_) => NodeKind::Invoke,
            NodeBody::DataAction(_) => NodeKind::DataAction,
            NodeBody::Transfer { .. } => NodeKind::Transfer,
            NodeBody::Disconnect => NodeKind::Disconnect,
            NodeBody::EndModule => NodeKind::EndModule,
            NodeBody::Task { .. } => NodeKind::Task,
            NodeBody::JumpToTask => NodeKind::JumpToTask,
            NodeBody::JumpToMenu => NodeKind::JumpToMenu,
            NodeBody::CallTask => NodeKind::CallTask,
            NodeBody::Archy(_) => NodeKind::Archy,
            NodeBody::Step(step) => step.kind,
        }
    }

    /// A text field's value (`None` when the kind has no such text field, or an optional one is unset).
    pub fn text(&self, field: FieldId) -> Option<&str> {
        match (self, field) {
            (NodeBody::Play { prompt } | NodeBody::Menu { prompt, .. }, FieldId::Prompt) => Some(prompt),
            (NodeBody::Decision { expression } | NodeBody::SetVariable { expression, .. }, FieldId::Expression) => {
                Some(expression)
            }
            (NodeBody::SetVariable { variable, .. }, FieldId::Variable) => Some(variable),
            (NodeBody::Invoke(call), FieldId::Module) => Some(&call.module),
            (NodeBody::Invoke(call), FieldId::ModuleId) => call.module_id.as_deref(),
            (NodeBody::Invoke(call), FieldId::Version) => call.version.as_deref(),
            (NodeBody::DataAction(call), FieldId::Category) => Some(&call.category),
            (NodeBody::DataAction(call), FieldId::Action) => Some(&call.action),
            (NodeBody::Transfer { queue }, FieldId::Queue) => Some(queue),
            (NodeBody::Task { ref_id }, FieldId::RefId) => Some(ref_id),
            (NodeBody::Archy(action), FieldId::ArchyAction) => Some(&action.action),
            (NodeBody::Step(step), field) => step.get(field),
            _ => None,
        }
    }

    /// Sets a text field; false when the kind has no such text field.
    pub fn set_text(&mut self, field: FieldId, value: String) -> bool {
        let slot = match (self, field) {
            (NodeBody::Play { prompt } | NodeBody::Menu { prompt, .. }, FieldId::Prompt) => prompt,
            (NodeBody::Decision { expression } | NodeBody::SetVariable { expression, .. }, FieldId::Expression) => {
                expression
            }
            (NodeBody::SetVariable { variable, .. }, FieldId::Variable) => variable,
            (NodeBody::Invoke(call), FieldId::Module) => &mut call.module,
            (NodeBody::Invoke(call), FieldId::ModuleId) => {
                call.module_id = Some(value).filter(|v| !v.is_empty());
                return true;
            }
            (NodeBody::Invoke(call), FieldId::Version) => {
                call.version = Some(value).filter(|v| !v.is_empty());
                return true;
            }
            (NodeBody::DataAction(call), FieldId::Category) => &mut call.category,
            (NodeBody::DataAction(call), FieldId::Action) => &mut call.action,
            (NodeBody::Transfer { queue }, FieldId::Queue) => queue,
            (NodeBody::Task { ref_id }, FieldId::RefId) => ref_id,
            (NodeBody::Archy(action), FieldId::ArchyAction) => &mut action.action,
            (NodeBody::Step(step), field) => return step.set(field, value),
            _ => return false,
        };
        *slot = value;
        true
    }

    /// The menu's choices (empty for other kinds).
    pub fn choices(&self) -> &[MenuChoice] {
        match self {
            NodeBody::Menu { choices, .. } => choices,
            _ => &[],
        }
    }

    /// The input and output mappings of an invoke or data action.
    pub fn mappings(&self) -> Option<(&Mapping, &Mapping)> {
        match self {
            NodeBody::Invoke(call) => Some((&call.inputs, &call.outputs)),
            NodeBody::DataAction(call) => Some((&call.inputs, &call.outputs)),
            _ => None,
        }
    }

    /// The module an invoke calls.
    pub fn module_call(&self) -> Option<&ModuleCall> {
        match self {
            NodeBody::Invoke(call) => Some(call),
            _ => None,
        }
    }

    /// The ports this body has, in display order: a menu's digits, then the kind's fixed ports.
    pub fn ports(&self) -> impl Iterator<Item = Port> + '_ {
        let digits = self
            .choices()
            .iter()
            .filter_map(|choice| PortName::of_digit(&choice.digit).map(|name| (name, choice.needs_path())))
            .map(|(name, required)| Port { name, required });
        let paths = self.archy_paths().iter().map(|&name| Port { name, required: false });
        let cases = (0..self.case_count()).map(|index| Port { name: PortName::Case(index as u8), required: true });
        digits.chain(paths).chain(cases).chain(self.kind().spec().ports.iter().copied())
    }

    /// A switch's cases, one expression each (empty for other kinds).
    pub fn cases(&self) -> impl Iterator<Item = &str> + '_ {
        let text = match self {
            NodeBody::Step(step) if step.kind == NodeKind::Switch => step.get(FieldId::Cases).unwrap_or_default(),
            _ => "",
        };
        text.lines().filter(|line| !line.trim().is_empty()).take(super::MAX_CASES)
    }

    /// How many case ports a switch has.
    pub fn case_count(&self) -> usize {
        self.cases().count()
    }

    /// The output paths of an Archy action (empty for other kinds).
    pub fn archy_paths(&self) -> &[PortName] {
        match self {
            NodeBody::Archy(action) => &action.paths,
            _ => &[],
        }
    }

    /// The bit set (by [`PortName::bit`]) of this body's ports.
    pub fn port_mask(&self) -> PortSet {
        self.port_masks().0
    }

    /// The bit set of the ports that must carry an edge.
    pub fn required_port_mask(&self) -> PortSet {
        self.port_masks().1
    }

    /// (every port, the required ones) as bit sets, in one pass over the ports.
    pub fn port_masks(&self) -> (PortSet, PortSet) {
        // A digit port is required unless its choice keeps an imported choice without a path.
        let (mut all, mut required) = self.kind().port_masks();
        for choice in self.choices() {
            if let Some(port) = PortName::of_digit(&choice.digit) {
                all |= port.bit();
                if choice.needs_path() {
                    required |= port.bit();
                }
            }
        }
        for path in self.archy_paths() {
            all |= path.bit();
        }
        for index in 0..self.case_count() {
            let bit = PortName::Case(index as u8).bit();
            all |= bit;
            required |= bit;
        }
        (all, required)
    }

    /// How many ports the node shows (its height on the canvas depends on it).
    pub fn port_count(&self) -> usize {
        self.ports().count()
    }

    /// A one-line description of what this node does, for hover texts.
    pub fn detail(&self) -> String {
        match self {
            NodeBody::Invoke(call) => {
                format!("module: {}", if call.module.is_empty() { "none" } else { call.module.as_str() })
            }
            NodeBody::Transfer { queue } => format!("queue: {}", if queue.is_empty() { "none" } else { queue }),
            NodeBody::DataAction(call) => {
                format!("action: {}", if call.action.is_empty() { "none" } else { call.action.as_str() })
            }
            NodeBody::Decision { expression } | NodeBody::SetVariable { expression, .. } => expression.clone(),
            NodeBody::Play { prompt } | NodeBody::Menu { prompt, .. } => prompt.clone(),
            NodeBody::Archy(action) => action.action.clone(),
            NodeBody::Step(step) => {
                step.values.iter().filter(|v| !v.is_empty()).cloned().collect::<Vec<_>>().join(" · ")
            }
            NodeBody::Task { ref_id } if !ref_id.is_empty() => format!("refId: {ref_id}"),
            NodeBody::Start
            | NodeBody::Disconnect
            | NodeBody::EndModule
            | NodeBody::Task { .. }
            | NodeBody::JumpToTask
            | NodeBody::JumpToMenu
            | NodeBody::CallTask => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_kind_order_and_bodies_agree_with_it() {
        for (index, kind) in NodeKind::ALL.into_iter().enumerate() {
            assert_eq!(KINDS[index].kind, kind);
            assert_eq!(kind as usize, index);
            assert_eq!(NodeBody::new(kind).kind(), kind);
            assert_eq!(NodeBody::empty(kind).kind(), kind);
            let wire = serde_json::to_string(&kind).unwrap();
            assert_eq!(wire, format!("\"{}\"", kind.as_str()));
            // Every text field the table names can be set and read back.
            let mut body = NodeBody::new(kind);
            for spec in kind.spec().fields.iter().filter(|f| f.input != FieldInput::Form) {
                if spec.id == FieldId::TimeoutSeconds
                    || spec.id == FieldId::Paths
                    || spec.input == FieldInput::Pairs
                    || spec.input == FieldInput::Lines
                {
                    continue;
                }
                assert!(body.set_text(spec.id, "x".to_owned()), "{kind:?} {:?}", spec.id);
                assert_eq!(body.text(spec.id), Some("x"));
            }
        }
    }
}

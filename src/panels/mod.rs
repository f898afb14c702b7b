//! The panels around the document: problems and exports.

pub mod export_panel;
pub mod problems_panel;

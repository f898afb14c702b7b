//! The panels around the canvas.

pub mod catalog_editor;
pub mod connect_panel;
pub mod deploy_panel;
pub mod doctor_panel;
pub mod export_panel;
pub mod find_panel;
pub mod image_export;
pub mod impact_panel;
pub mod inspector;
pub mod library_panel;
pub mod palette;
pub mod presenter;
pub mod problems_panel;
pub mod project_panel;
pub mod simulator_panel;
pub mod source_panel;
pub mod test_run_panel;
pub mod toolbar;
pub mod variables_panel;

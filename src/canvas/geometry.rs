//! Where things are drawn, in canvas units: node boxes, port positions and edge paths. Pure
//! functions of the document, so the canvas components stay thin and this is tested natively.

use callflow_core::document::Port;

use crate::state::viewport::CanvasPoint;

pub const NODE_WIDTH: f64 = 168.0;
pub const HEADER_HEIGHT: f64 = 40.0;
pub const PORT_ROW: f64 = 20.0;
pub const GRID: f64 = 20.0;

/// The node's height: its header and one row per output port.
pub fn node_height(port_count: usize) -> f64 {
    HEADER_HEIGHT + (port_count.max(1) as f64) * PORT_ROW + 6.0
}

/// Where an edge from output port number `index` starts, relative to the node's corner.
pub fn port_offset(index: usize) -> (f64, f64) {
    (NODE_WIDTH, HEADER_HEIGHT + PORT_ROW * index as f64 + PORT_ROW / 2.0)
}

/// Where edges enter a node, relative to its corner: beside the label, on the left side.
pub fn input_offset() -> (f64, f64) {
    (0.0, 14.0)
}

/// The position of a named port of a node whose corner is at (x, y).
pub fn port_position(ports: &[Port], port: &str, x: f64, y: f64) -> CanvasPoint {
    let index = ports.iter().position(|p| p.name == port).unwrap_or(0);
    let (dx, dy) = port_offset(index);
    CanvasPoint { x: x + dx, y: y + dy }
}

/// An SVG path from an output port to a node's input: a cubic curve that leaves to the right and
/// enters from the left, looping around when the target is behind the source.
pub fn edge_path(from: CanvasPoint, to: CanvasPoint) -> String {
    let reach = ((to.x - from.x).abs() / 2.0).max(48.0);
    format!(
        "M {:.1} {:.1} C {:.1} {:.1}, {:.1} {:.1}, {:.1} {:.1}",
        from.x,
        from.y,
        from.x + reach,
        from.y,
        to.x - reach,
        to.y,
        to.x,
        to.y
    )
}

/// Snaps a canvas coordinate to the grid.
pub fn snap(value: f64) -> f64 {
    (value / GRID).round() * GRID
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_stack_down_the_right_side() {
        assert_eq!(port_offset(0), (NODE_WIDTH, HEADER_HEIGHT + 10.0));
        assert_eq!(port_offset(2).1 - port_offset(1).1, PORT_ROW);
        assert!(node_height(3) > node_height(1));
    }

    #[test]
    fn edge_paths_start_and_end_on_the_points() {
        let path = edge_path(CanvasPoint { x: 10.0, y: 20.0 }, CanvasPoint { x: 300.0, y: 40.0 });
        assert!(path.starts_with("M 10.0 20.0 C"));
        assert!(path.ends_with("300.0 40.0"));
    }

    #[test]
    fn snapping_rounds_to_the_grid() {
        assert_eq!(snap(29.0), 20.0);
        assert_eq!(snap(31.0), 40.0);
        assert_eq!(snap(-11.0), -20.0);
    }
}

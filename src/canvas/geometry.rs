//! Where things are drawn, in canvas units: node boxes, port positions and edge paths. Pure
//! functions of the document, so the canvas components stay thin and this is tested natively.

use callflow_core::document::Node;

use crate::state::viewport::CanvasPoint;

pub const NODE_WIDTH: f64 = 168.0;
pub const HEADER_HEIGHT: f64 = 40.0;
pub const PORT_ROW: f64 = 20.0;
pub const GRID: f64 = 20.0;

/// The sizes the core's tidy layout works with.
pub const SIZES: callflow_core::layout::Sizes =
    callflow_core::layout::Sizes { width: NODE_WIDTH, height: node_height, grid: GRID };

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

/// Where the edge leaving `node` by `port` starts (the first port's place for a port it lacks).
pub fn port_position(node: &Node, port: &str) -> CanvasPoint {
    let index = node.ports().position(|p| p.name.as_str() == port).unwrap_or(0);
    let (dx, dy) = port_offset(index);
    CanvasPoint { x: node.x + dx, y: node.y + dy }
}

/// The box a node covers, as (top left, bottom right).
pub fn node_box(node: &Node) -> (CanvasPoint, CanvasPoint) {
    let bottom = node.y + node_height(node.body.port_count());
    (CanvasPoint { x: node.x, y: node.y }, CanvasPoint { x: node.x + NODE_WIDTH, y: bottom })
}

/// An axis-aligned canvas rectangle, for culling what is out of view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub min: CanvasPoint,
    pub max: CanvasPoint,
}

impl Area {
    pub fn overlaps(&self, min: CanvasPoint, max: CanvasPoint) -> bool {
        min.x <= self.max.x && max.x >= self.min.x && min.y <= self.max.y && max.y >= self.min.y
    }

    /// The part of the canvas worth rendering for the visible rectangle: what is visible plus a
    /// quarter of a screen on every side, rounded outwards to quarter-screen steps, so small pans
    /// give the same area and change nothing but one transform.
    pub fn around_view(top_left: CanvasPoint, bottom_right: CanvasPoint) -> Area {
        let step_x = ((bottom_right.x - top_left.x) / 4.0).max(1.0);
        let step_y = ((bottom_right.y - top_left.y) / 4.0).max(1.0);
        let down = |value: f64, step: f64| (value / step).floor() * step;
        let up = |value: f64, step: f64| (value / step).ceil() * step;
        Area {
            min: CanvasPoint { x: down(top_left.x - step_x, step_x), y: down(top_left.y - step_y, step_y) },
            max: CanvasPoint { x: up(bottom_right.x + step_x, step_x), y: up(bottom_right.y + step_y, step_y) },
        }
    }
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
    fn the_rendered_area_covers_the_view_and_ignores_small_pans() {
        let view = |x: f64| Area::around_view(CanvasPoint { x, y: 0.0 }, CanvasPoint { x: x + 1000.0, y: 600.0 });
        let area = view(0.0);
        assert!(area.min.x <= -250.0 && area.max.x >= 1250.0 && area.min.y <= -150.0 && area.max.y >= 750.0);
        assert_eq!(view(10.0), view(20.0));
        assert_ne!(view(10.0), view(900.0));
        assert!(area.overlaps(CanvasPoint { x: 1200.0, y: 0.0 }, CanvasPoint { x: 1300.0, y: 10.0 }));
        assert!(!area.overlaps(CanvasPoint { x: 5000.0, y: 0.0 }, CanvasPoint { x: 5100.0, y: 10.0 }));
    }

    #[test]
    fn snapping_rounds_to_the_grid() {
        assert_eq!(snap(29.0), 20.0);
        assert_eq!(snap(31.0), 40.0);
        assert_eq!(snap(-11.0), -20.0);
    }
}

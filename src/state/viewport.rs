//! Typed coordinates and the one viewport transform: `screen = canvas × zoom + pan`.
//! Screen points are relative to the canvas element's top-left corner, in CSS pixels.

/// A point on the screen, relative to the canvas element.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenPoint {
    pub x: f64,
    pub y: f64,
}

/// A point in canvas units, where node positions live.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CanvasPoint {
    pub x: f64,
    pub y: f64,
}

pub const MIN_ZOOM: f64 = 0.1;
pub const MAX_ZOOM: f64 = 4.0;
/// Below this zoom a node's text cannot be read; a document that would open smaller opens at full
/// size instead (see [`Viewport::open`]).
pub const READABLE_ZOOM: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub pan_x: f64,
    pub pan_y: f64,
    pub zoom: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport { pan_x: 0.0, pan_y: 0.0, zoom: 1.0 }
    }
}

impl Viewport {
    pub fn screen_to_canvas(self, point: ScreenPoint) -> CanvasPoint {
        CanvasPoint { x: (point.x - self.pan_x) / self.zoom, y: (point.y - self.pan_y) / self.zoom }
    }

    pub fn canvas_to_screen(self, point: CanvasPoint) -> ScreenPoint {
        ScreenPoint { x: point.x * self.zoom + self.pan_x, y: point.y * self.zoom + self.pan_y }
    }

    /// Zooms by `factor`, keeping the canvas point under `anchor` where it is on the screen.
    pub fn zoom_about(self, anchor: ScreenPoint, factor: f64) -> Viewport {
        let zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let fixed = self.screen_to_canvas(anchor);
        Viewport { pan_x: anchor.x - fixed.x * zoom, pan_y: anchor.y - fixed.y * zoom, zoom }
    }

    /// The view at `zoom` that shows the canvas `point` at the screen point `at` (centring a node).
    pub fn centred(point: CanvasPoint, at: ScreenPoint, zoom: f64) -> Viewport {
        Viewport { pan_x: at.x - point.x * zoom, pan_y: at.y - point.y * zoom, zoom }
    }

    /// Moves the view by a screen distance.
    pub fn panned(self, dx: f64, dy: f64) -> Viewport {
        Viewport { pan_x: self.pan_x + dx, pan_y: self.pan_y + dy, ..self }
    }

    /// The viewport that shows `bounds` (min and max canvas corners) inside a `width` × `height`
    /// screen with `margin` pixels around, never zooming in past 1.
    pub fn fit(bounds: (CanvasPoint, CanvasPoint), width: f64, height: f64, margin: f64) -> Viewport {
        let (min, max) = bounds;
        let content_width = (max.x - min.x).max(1.0);
        let content_height = (max.y - min.y).max(1.0);
        let available_width = (width - 2.0 * margin).max(1.0);
        let available_height = (height - 2.0 * margin).max(1.0);
        let zoom = (available_width / content_width).min(available_height / content_height).clamp(MIN_ZOOM, 1.0);
        let pan_x = (width - content_width * zoom) / 2.0 - min.x * zoom;
        let pan_y = (height - content_height * zoom) / 2.0 - min.y * zoom;
        Viewport { pan_x, pan_y, zoom }
    }

    /// The view a document opens in: the whole flow when it fits at a readable zoom
    /// ([`READABLE_ZOOM`] or more); otherwise full size with `start` (the start node's top-left
    /// corner) near the top-left, so a large flow opens where its calls begin, readable, instead
    /// of as a speck. The toolbar's Fit still shows everything.
    pub fn open(
        bounds: (CanvasPoint, CanvasPoint),
        start: CanvasPoint,
        width: f64,
        height: f64,
        margin: f64,
    ) -> Viewport {
        let fit = Viewport::fit(bounds, width, height, margin);
        if fit.zoom >= READABLE_ZOOM {
            return fit;
        }
        // The start node a third of the way down, unless the flow's top is closer.
        let top = bounds.0.y.max(start.y - height / 3.0);
        Viewport { pan_x: margin - start.x, pan_y: margin - top, zoom: 1.0 }
    }

    /// The SVG transform attribute for the canvas content.
    pub fn transform(self) -> String {
        format!("translate({:.2} {:.2}) scale({:.4})", self.pan_x, self.pan_y, self.zoom)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn centring_puts_the_point_where_asked() {
        let at = ScreenPoint { x: 500.0, y: 300.0 };
        let view = Viewport::centred(CanvasPoint { x: 80.0, y: -40.0 }, at, 1.6);
        assert_eq!(view.canvas_to_screen(CanvasPoint { x: 80.0, y: -40.0 }), at);
        assert_eq!(view.zoom, 1.6);
    }

    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn screen_and_canvas_round_trip() {
        for viewport in [
            Viewport::default(),
            Viewport { pan_x: 130.0, pan_y: -42.5, zoom: 0.37 },
            Viewport { pan_x: -900.0, pan_y: 12.0, zoom: 3.9 },
        ] {
            for (x, y) in [(0.0, 0.0), (17.5, -3.25), (1234.0, 987.0)] {
                let screen = ScreenPoint { x, y };
                let back = viewport.canvas_to_screen(viewport.screen_to_canvas(screen));
                assert!(close(back.x, x) && close(back.y, y), "{viewport:?} {screen:?} {back:?}");
            }
        }
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let viewport = Viewport { pan_x: 50.0, pan_y: 20.0, zoom: 1.0 };
        let anchor = ScreenPoint { x: 400.0, y: 300.0 };
        let before = viewport.screen_to_canvas(anchor);
        for factor in [1.25, 0.8, 10.0, 0.01] {
            let zoomed = viewport.zoom_about(anchor, factor);
            let after = zoomed.screen_to_canvas(anchor);
            assert!(close(before.x, after.x) && close(before.y, after.y), "{factor}");
            assert!((MIN_ZOOM..=MAX_ZOOM).contains(&zoomed.zoom));
        }
    }

    #[test]
    fn fit_shows_the_whole_flow() {
        let bounds = (CanvasPoint { x: 40.0, y: 100.0 }, CanvasPoint { x: 2040.0, y: 900.0 });
        let viewport = Viewport::fit(bounds, 1000.0, 600.0, 20.0);
        let top_left = viewport.canvas_to_screen(bounds.0);
        let bottom_right = viewport.canvas_to_screen(bounds.1);
        assert!(top_left.x >= 19.9 && top_left.y >= 19.9, "{top_left:?}");
        assert!(bottom_right.x <= 980.1 && bottom_right.y <= 580.1, "{bottom_right:?}");
    }

    #[test]
    fn a_small_flow_opens_fitted_and_a_large_one_at_its_start_at_full_size() {
        let small = (CanvasPoint { x: 0.0, y: 0.0 }, CanvasPoint { x: 900.0, y: 500.0 });
        assert_eq!(Viewport::open(small, small.0, 1000.0, 600.0, 40.0), Viewport::fit(small, 1000.0, 600.0, 40.0));

        let large = (CanvasPoint { x: 0.0, y: 0.0 }, CanvasPoint { x: 9000.0, y: 4000.0 });
        let start = CanvasPoint { x: 600.0, y: 0.0 };
        let view = Viewport::open(large, start, 1000.0, 600.0, 40.0);
        assert_eq!(view.zoom, 1.0);
        assert_eq!(view.canvas_to_screen(start), ScreenPoint { x: 40.0, y: 40.0 });

        let deep = CanvasPoint { x: 0.0, y: 3000.0 };
        let view = Viewport::open(large, deep, 1000.0, 600.0, 40.0);
        assert_eq!(view.canvas_to_screen(deep), ScreenPoint { x: 40.0, y: 240.0 });
    }
}

//! Horizontal bar charts as numbers for the SVG templates: geometry here, markup in templates/stats/.

use crate::domain::attendance::stats::Figure;

/// The drawing is this many units wide and scales to its box, so it fits a phone as it fits paper.
pub const WIDTH: u32 = 320;
/// Room kept right of the longest bar for its number.
const NUMBER_ROOM: u32 = 56;
const LABEL_LINE: u32 = 17;
const BAR: u32 = 13;
const GAP: u32 = 3;
const ROW_GAP: u32 = 8;

/// One series: its CSS class and the pattern it is drawn with (solid for present, outlined for invited,
/// so that the two read apart in black and white).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    Present,
    Invited,
}

impl Series {
    pub fn class(self) -> &'static str {
        match self {
            Series::Present => "present",
            Series::Invited => "invited",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Bar {
    pub series: Series,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub text: String,
    pub text_x: u32,
    pub text_y: u32,
}

impl Bar {
    pub fn class(&self) -> &'static str {
        self.series.class()
    }
}

#[derive(Clone, Debug)]
pub struct ChartRow {
    pub label: String,
    pub label_y: u32,
    pub bars: Vec<Bar>,
}

#[derive(Clone, Debug)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub rows: Vec<ChartRow>,
    pub height: u32,
    pub width: u32,
}

impl Chart {
    /// `rows` are (label, one figure per series); bars share one scale, hidden figures get no bar.
    pub fn new(id: &str, title: &str, series: &[Series], rows: Vec<(String, Vec<Figure>)>) -> Chart {
        let max = rows
            .iter()
            .flat_map(|(_, figures)| figures.iter().filter_map(|f| f.exact()))
            .max()
            .unwrap_or(0);
        let room = u64::from(WIDTH - NUMBER_ROOM);
        let mut y = 0;
        let mut chart_rows = Vec::with_capacity(rows.len());
        for (label, figures) in rows {
            let label_y = y + LABEL_LINE - 4;
            y += LABEL_LINE;
            let mut bars = Vec::with_capacity(series.len());
            for (&series, figure) in series.iter().zip(figures) {
                let width = match figure.exact() {
                    Some(n) if max > 0 => ((n * room) / max) as u32,
                    _ => 0,
                };
                // A non-zero count always shows a sliver, so it never reads as nobody.
                let width = if figure.exact().is_some_and(|n| n > 0) {
                    width.max(2)
                } else {
                    width
                };
                bars.push(Bar {
                    series,
                    y,
                    width,
                    height: BAR,
                    text: figure.to_string(),
                    text_x: width + 4,
                    text_y: y + BAR - 2,
                });
                y += BAR + GAP;
            }
            y += ROW_GAP;
            chart_rows.push(ChartRow { label, label_y, bars });
        }
        Chart {
            id: id.to_string(),
            title: title.to_string(),
            rows: chart_rows,
            height: y.max(1),
            width: WIDTH,
        }
    }
}

/// The women's share as a bar from 0 to 100 %, with the target as a dashed mark.
#[derive(Clone, Debug)]
pub struct ShareChart {
    pub width: u32,
    pub bar_width: u32,
    pub fill: u32,
    pub share_text: String,
    pub target_x: Option<u32>,
    pub target_text: String,
    pub text_x: u32,
}

impl ShareChart {
    pub fn new(share: Option<f64>, target: Option<i32>, share_text: String, target_text: String) -> ShareChart {
        let bar_width = WIDTH - NUMBER_ROOM;
        let at = |percent: f64| (percent.clamp(0.0, 100.0) * f64::from(bar_width) / 100.0).round() as u32;
        let fill = share.map(at).unwrap_or(0);
        ShareChart {
            width: WIDTH,
            bar_width,
            fill,
            share_text,
            target_x: target.map(|t| at(f64::from(t))),
            target_text,
            text_x: bar_width + 4,
        }
    }

    /// Where the target's label starts, kept inside the drawing.
    pub fn target_label_x(&self) -> u32 {
        self.target_x.unwrap_or(0).min(self.bar_width.saturating_sub(110))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_share_one_scale_and_hidden_figures_get_no_bar() {
        let chart = Chart::new(
            "c",
            "Gender",
            &[Series::Present],
            vec![
                ("Woman".into(), vec![Figure::Exact(30)]),
                ("Man".into(), vec![Figure::Exact(15)]),
                ("Not specified".into(), vec![Figure::Small]),
            ],
        );
        let widths: Vec<u32> = chart.rows.iter().map(|r| r.bars[0].width).collect();
        assert_eq!(widths, [WIDTH - NUMBER_ROOM, (WIDTH - NUMBER_ROOM) / 2, 0]);
        assert_eq!(chart.rows[2].bars[0].text, "<5");
        assert!(chart.rows[1].label_y > chart.rows[0].bars[0].y);
        assert!(chart.height > chart.rows[2].bars[0].y);
    }

    #[test]
    fn the_target_mark_sits_at_its_percentage() {
        let share = ShareChart::new(Some(50.0), Some(30), "50 %".into(), "30 %".into());
        assert_eq!(share.fill, share.bar_width / 2);
        assert_eq!(share.target_x, Some((f64::from(share.bar_width) * 0.3).round() as u32));
    }
}

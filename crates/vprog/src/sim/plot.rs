//! The phase-transition plot: three stacked panels against the epoch length F (log
//! scale): the largest component with its random-graph prediction, the scopes with their
//! temporal estimate, and the execution masses. Text is drawn by [`GlyphBackend`] with the
//! bundled DejaVu Sans, so no system font library is needed.

use std::path::Path;

use ab_glyph::FontRef;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::phase::{PhaseConfig, PhasePoint};
use super::text::{GlyphBackend, font, measure};
use super::workload::SimError;

const FAMILY: &str = "sans-serif";

/// Points of the prediction curves.
const GRID: usize = 240;

const MEASURED: RGBColor = RGBColor(31, 119, 180);
const PREDICTED: RGBColor = RGBColor(214, 39, 40);
const SCOPE_MEAN: RGBColor = RGBColor(44, 160, 44);
const SCOPE_MAX: RGBColor = RGBColor(0, 90, 0);
const AGGREGATE: RGBColor = RGBColor(148, 103, 189);
const AGGREGATE_MEAN: RGBColor = RGBColor(197, 176, 213);
const CRITICAL: RGBColor = RGBColor(120, 120, 120);
const SEED: RGBColor = RGBColor(255, 127, 14);

type Area<'a> = DrawingArea<GlyphBackend<'a>, Shift>;
type Chart<'a, 'b> = ChartContext<'a, GlyphBackend<'b>, Cartesian2d<LogCoord<f64>, LogCoord<f64>>>;
type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// A measured series: legend, colour, value at a point.
type Series = (&'static str, RGBColor, fn(&PhasePoint) -> f64);

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
enum Mark {
    Line(RGBColor),
    Dashed(RGBColor),
    Triangle(RGBColor),
}

/// Draws the sweep into a PNG file at `path`.
pub fn plot_phase(cfg: &PhaseConfig, points: &[PhasePoint], path: &Path) -> Result<(), SimError> {
    let err = |message: String| SimError::Output {
        what: path.display().to_string(),
        message,
    };
    if points.is_empty() {
        return Err(err("no points to plot".into()));
    }
    let font = font().map_err(|e| err(format!("bundled font: {e}")))?;
    let backend = GlyphBackend::new(BitMapBackend::new(path, (1000, 1200)), font.clone());
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
    let w = &cfg.workload;
    let title = format!(
        "vProg phase transition: N = {} accounts, n = {} vProgs, q = {}, K = {}, K_local = {}, {} epochs per F, seed {}",
        w.accounts, w.vprogs, w.q, w.read_set, w.local_read_set, cfg.epochs, cfg.seed
    );
    let (top, body) = root.split_vertically(40);
    top.titled(&title, (FAMILY, 17))
        .map_err(|e| err(e.to_string()))?;
    let panels = body.split_evenly((3, 1));
    components_panel(cfg, points, &panels[0], &font).map_err(|e| err(e.to_string()))?;
    scope_panel(cfg, points, &panels[1], &font).map_err(|e| err(e.to_string()))?;
    mass_panel(cfg, points, &panels[2], &font).map_err(|e| err(e.to_string()))?;
    root.present().map_err(|e| err(e.to_string()))?;
    Ok(())
}

/// Ticks on a log axis: integers, thousands as "k".
fn tick(x: &f64) -> String {
    if *x >= 1000.0 {
        format!("{}k", (x / 1000.0).round())
    } else if *x >= 1.0 {
        format!("{}", x.round())
    } else {
        format!("{x}")
    }
}

fn f_range(points: &[PhasePoint]) -> (f64, f64) {
    let lo = points.first().map_or(1.0, |p| p.f as f64);
    let hi = points.last().map_or(2.0, |p| p.f as f64).max(lo * 1.01);
    (lo / 1.1, hi * 1.1)
}

/// A log range covering the positive values, padded by a factor 2.
fn y_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for v in values.filter(|v| *v > 0.0 && v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi == 0.0 {
        return (0.1, 10.0);
    }
    (lo / 2.0, hi * 2.0)
}

/// A panel's chart: log F against a log y range, with its mesh.
fn panel<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
    y_desc: &str,
    x: (f64, f64),
    y: (f64, f64),
) -> Result<Chart<'a, 'b>, Box<dyn std::error::Error>> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FAMILY, 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d((x.0..x.1).log_scale(), (y.0..y.1).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("epoch length F (transactions between proofs)")
        .y_desc(y_desc)
        .x_labels(8)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 14))
        .draw()?;
    Ok(chart)
}

/// Vertical marker lines at F* and at the seed's N/q, where they fall inside the range.
fn markers(
    cfg: &PhaseConfig,
    chart: &mut Chart<'_, '_>,
    x: (f64, f64),
    y: (f64, f64),
    legend: &mut Vec<(String, Mark)>,
) -> DrawResult {
    let fc = cfg.critical_f();
    if fc.is_finite() && fc > x.0 && fc < x.1 {
        chart.draw_series(DashedLineSeries::new(
            [(fc, y.0), (fc, y.1)],
            6,
            4,
            CRITICAL.stroke_width(2),
        ))?;
        legend.push((
            format!("predicted F* = {fc:.0} (c = 1)"),
            Mark::Dashed(CRITICAL),
        ));
    }
    let seed = cfg.workload.accounts as f64 / cfg.workload.q;
    if seed.is_finite() && seed > x.0 && seed < x.1 {
        chart.draw_series(DashedLineSeries::new(
            [(seed, y.0), (seed, y.1)],
            3,
            5,
            SEED.stroke_width(2),
        ))?;
        legend.push((format!("seed's F < N/q = {seed:.0}"), Mark::Dashed(SEED)));
    }
    Ok(())
}

/// Measured series: a line with dots per point.
fn measured(
    chart: &mut Chart<'_, '_>,
    points: &[PhasePoint],
    series: &[Series],
    legend: &mut Vec<(String, Mark)>,
) -> DrawResult {
    for &(label, color, value) in series {
        let pts: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (p.f as f64, value(p)))
            .filter(|p| p.1 > 0.0)
            .collect();
        chart.draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))?;
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        legend.push((label.to_owned(), Mark::Line(color)));
    }
    Ok(())
}

/// A predicted curve on a fine grid of F, dashed.
fn prediction(
    chart: &mut Chart<'_, '_>,
    x: (f64, f64),
    value: impl Fn(usize) -> f64,
) -> DrawResult {
    let pts: Vec<(f64, f64)> = (0..=GRID)
        .map(|i| x.0 * (x.1 / x.0).powf(i as f64 / GRID as f64))
        .map(|f| (f, value(f.round().max(1.0) as usize)))
        .filter(|p| p.1 > 0.0)
        .collect();
    chart.draw_series(DashedLineSeries::new(pts, 8, 4, PREDICTED.stroke_width(2)))?;
    Ok(())
}

/// The legend box in the plotting area's upper left corner, sized with the real font
/// metrics.
fn legend(chart: &Chart<'_, '_>, font: &FontRef<'_>, entries: &[(String, Mark)]) -> DrawResult {
    let area = chart.plotting_area().strip_coord_spec();
    let (size, line, pad, mark_w) = (13.0, 18, 8, 24);
    let text_w = entries
        .iter()
        .map(|(t, _)| measure(font, size, t).0.ceil() as i32)
        .max()
        .unwrap_or(0);
    let (x0, y0) = (10, 10);
    let (x1, y1) = (
        x0 + 2 * pad + mark_w + 6 + text_w,
        y0 + 2 * pad + line * entries.len() as i32 - 4,
    );
    area.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        WHITE.mix(0.88).filled(),
    ))?;
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], BLACK.stroke_width(1)))?;
    for (i, (text, mark)) in entries.iter().enumerate() {
        let y = y0 + pad + line * i as i32 + 6;
        let (a, b) = ((x0 + pad, y), (x0 + pad + mark_w, y));
        match *mark {
            Mark::Line(c) => area.draw(&PathElement::new(vec![a, b], c.stroke_width(2)))?,
            Mark::Dashed(c) => {
                for s in (a.0..b.0).step_by(8) {
                    area.draw(&PathElement::new(
                        vec![(s, y), ((s + 5).min(b.0), y)],
                        c.stroke_width(2),
                    ))?;
                }
            }
            Mark::Triangle(c) => area.draw(&TriangleMarker::new(
                (x0 + pad + mark_w / 2, y),
                5,
                c.filled(),
            ))?,
        }
        let style = TextStyle::from((FAMILY, size)).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(text.clone(), (x0 + pad + mark_w + 6, y), style))?;
    }
    Ok(())
}

fn components_panel(
    cfg: &PhaseConfig,
    points: &[PhasePoint],
    area: &Area<'_>,
    font: &FontRef<'_>,
) -> DrawResult {
    let x = f_range(points);
    let n = cfg.workload.accounts as f64;
    let y = (0.5, n * 2.0);
    let mut chart = panel(
        area,
        "Largest connected component of an epoch's account graph",
        "accounts",
        x,
        y,
    )?;
    let mut entries = Vec::new();
    markers(cfg, &mut chart, x, y, &mut entries)?;
    // The prediction in two pieces, subcritical and supercritical, each drawn only outside
    // the critical window (scale N^{2/3}) where neither asymptotic holds.
    let window = n.powf(2.0 / 3.0);
    let grid: Vec<(f64, f64)> = (0..=GRID)
        .map(|i| x.0 * (x.1 / x.0).powf(i as f64 / GRID as f64))
        .map(|f| (f, cfg.predicted_lcc(f.round().max(1.0) as usize)))
        .collect();
    let fc = cfg.critical_f();
    let below: Vec<_> = grid
        .iter()
        .copied()
        .filter(|&(f, l)| f < fc && l < window)
        .collect();
    let above: Vec<_> = grid
        .iter()
        .copied()
        .filter(|&(f, l)| f > fc && l > window)
        .collect();
    chart.draw_series(LineSeries::new(below, PREDICTED.stroke_width(2)))?;
    chart.draw_series(LineSeries::new(above, PREDICTED.stroke_width(2)))?;
    entries.push((
        "random graph: βN above F*, (ln N − 2.5 ln ln N)/(c − 1 − ln c) below".into(),
        Mark::Line(PREDICTED),
    ));
    measured(
        &mut chart,
        points,
        &[("measured, mean over epochs", MEASURED, |p| {
            p.lcc_mean.max(1.0)
        })],
        &mut entries,
    )?;
    chart.draw_series(
        points
            .iter()
            .map(|p| TriangleMarker::new((p.f as f64, p.lcc_max as f64), 5, MEASURED.filled())),
    )?;
    entries.push(("measured, max over epochs".into(), Mark::Triangle(MEASURED)));
    legend(&chart, font, &entries)
}

fn scope_panel(
    cfg: &PhaseConfig,
    points: &[PhasePoint],
    area: &Area<'_>,
    font: &FontRef<'_>,
) -> DrawResult {
    let x = f_range(points);
    let y = y_range(points.iter().flat_map(|p| {
        [
            p.scope_mean,
            p.scope_max as f64,
            p.aggregate_max as f64,
            p.lcc_txs_mean,
            p.aggregate_mean,
            p.predicted_scope_mean,
        ]
    }));
    let mut chart = panel(
        area,
        "Scopes (planner's witnesses): transactions re-executed",
        "transactions",
        x,
        y,
    )?;
    let mut entries = Vec::new();
    markers(cfg, &mut chart, x, y, &mut Vec::new())?;
    let series: [Series; 5] = [
        (
            "transactions in the largest component (mean)",
            MEASURED,
            |p| p.lcc_txs_mean,
        ),
        (
            "max aggregate scope of one vProg in one epoch",
            AGGREGATE,
            |p| p.aggregate_max as f64,
        ),
        ("max scope of one transaction", SCOPE_MAX, |p| {
            p.scope_max as f64
        }),
        (
            "mean aggregate scope per vProg per epoch",
            AGGREGATE_MEAN,
            |p| p.aggregate_mean,
        ),
        ("mean scope per execution", SCOPE_MEAN, |p| p.scope_mean),
    ];
    measured(&mut chart, points, &series, &mut entries)?;
    prediction(&mut chart, x, |f| cfg.predicted_scope_mean(f))?;
    entries.push((
        "mean scope, temporal estimate q(K−1)/B·((e^u − 1)/u − 1), u = BF/N".into(),
        Mark::Dashed(PREDICTED),
    ));
    legend(&chart, font, &entries)
}

fn mass_panel(
    cfg: &PhaseConfig,
    points: &[PhasePoint],
    area: &Area<'_>,
    font: &FontRef<'_>,
) -> DrawResult {
    let x = f_range(points);
    let y = y_range(
        points
            .iter()
            .flat_map(|p| [p.mass_mean, p.mass_max as f64, p.predicted_mass_mean]),
    );
    let mut chart = panel(
        area,
        "Execution mass EM_v(x): Σ of PG·GS over the scope and x",
        "gas",
        x,
        y,
    )?;
    let mut entries = Vec::new();
    markers(cfg, &mut chart, x, y, &mut Vec::new())?;
    let series: [Series; 2] = [
        ("max execution mass", SCOPE_MAX, |p| p.mass_max as f64),
        ("mean execution mass", SCOPE_MEAN, |p| p.mass_mean),
    ];
    measured(&mut chart, points, &series, &mut entries)?;
    prediction(&mut chart, x, |f| cfg.predicted_mass_mean(f))?;
    entries.push((
        "mean mass, estimate E[PG]·E[GS]·(1 + mean scope)".into(),
        Mark::Dashed(PREDICTED),
    ));
    legend(&chart, font, &entries)
}

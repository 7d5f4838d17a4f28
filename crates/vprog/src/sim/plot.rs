//! The phase-transition plot: three stacked panels against the epoch length F (log
//! scale): the largest component with its random-graph prediction, the scopes, and the
//! execution masses. Text is drawn with the bundled DejaVu Sans through plotters'
//! `ab_glyph` backend, so no system font library is needed.

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::phase::{PhaseConfig, PhasePoint};
use super::workload::SimError;

/// DejaVu Sans 2.37 (Bitstream Vera license); see `third_party/fonts/PROVENANCE.md`.
static FONT: &[u8] = include_bytes!("../../../../third_party/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

fn ensure_font() -> Result<(), SimError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    ok.then_some(()).ok_or_else(|| SimError::Output {
        what: "font".into(),
        message: "bundled font rejected".into(),
    })
}

fn out_err(path: &Path) -> impl Fn(String) -> SimError + '_ {
    move |message| SimError::Output {
        what: path.display().to_string(),
        message,
    }
}

/// Draws the sweep into a PNG file at `path`.
pub fn plot_phase(cfg: &PhaseConfig, points: &[PhasePoint], path: &Path) -> Result<(), SimError> {
    ensure_font()?;
    let err = out_err(path);
    if points.is_empty() {
        return Err(err("no points to plot".into()));
    }
    let root = BitMapBackend::new(path, (1000, 1200)).into_drawing_area();
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
    components_panel(cfg, points, &panels[0]).map_err(|e| err(e.to_string()))?;
    scope_panel(cfg, points, &panels[1]).map_err(|e| err(e.to_string()))?;
    mass_panel(cfg, points, &panels[2]).map_err(|e| err(e.to_string()))?;
    root.present().map_err(|e| err(e.to_string()))?;
    Ok(())
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
/// A measured series: legend, colour, value at a point.
type Series = (&'static str, RGBColor, fn(&PhasePoint) -> f64);
type DrawResult = Result<(), Box<dyn std::error::Error>>;

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

/// Points of the prediction curves.
const GRID: usize = 240;

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

/// The predicted curve of one quantity on the fine grid, dashed.
fn prediction<'a>(
    chart: &mut ChartContext<'a, BitMapBackend<'a>, Cartesian2d<LogCoord<f64>, LogCoord<f64>>>,
    (x0, x1): (f64, f64),
    value: impl Fn(usize) -> f64,
    label: &str,
) -> DrawResult {
    let pts: Vec<(f64, f64)> = (0..=GRID)
        .map(|i| x0 * (x1 / x0).powf(i as f64 / GRID as f64))
        .map(|f| (f, value(f.round().max(1.0) as usize)))
        .filter(|p| p.1 > 0.0)
        .collect();
    chart
        .draw_series(DashedLineSeries::new(pts, 8, 4, PREDICTED.stroke_width(2)))?
        .label(label)
        .legend(legend_line(PREDICTED));
    Ok(())
}

const MEASURED: RGBColor = RGBColor(31, 119, 180);
const PREDICTED: RGBColor = RGBColor(214, 39, 40);
const SCOPE_MEAN: RGBColor = RGBColor(44, 160, 44);
const SCOPE_MAX: RGBColor = RGBColor(0, 90, 0);
const AGGREGATE: RGBColor = RGBColor(148, 103, 189);
const AGGREGATE_MEAN: RGBColor = RGBColor(197, 176, 213);
const CRITICAL: RGBColor = RGBColor(120, 120, 120);
const SEED: RGBColor = RGBColor(255, 127, 14);

fn legend_line(c: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
}

/// Vertical marker lines at F* and at the seed's N/q, where they fall inside the range.
fn markers<'a>(
    cfg: &PhaseConfig,
    chart: &mut ChartContext<'a, BitMapBackend<'a>, Cartesian2d<LogCoord<f64>, LogCoord<f64>>>,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    labels: bool,
) -> DrawResult {
    let fc = cfg.critical_f();
    if fc.is_finite() && fc > x0 && fc < x1 {
        let s = chart.draw_series(DashedLineSeries::new(
            [(fc, y0), (fc, y1)],
            6,
            4,
            CRITICAL.stroke_width(2),
        ))?;
        if labels {
            s.label(format!("predicted F* = {fc:.0} (c = 1)"))
                .legend(legend_line(CRITICAL));
        }
    }
    let seed = cfg.workload.accounts as f64 / cfg.workload.q;
    if seed.is_finite() && seed > x0 && seed < x1 {
        let s = chart.draw_series(DashedLineSeries::new(
            [(seed, y0), (seed, y1)],
            3,
            5,
            SEED.stroke_width(2),
        ))?;
        if labels {
            s.label(format!("seed's F < N/q = {seed:.0}"))
                .legend(legend_line(SEED));
        }
    }
    Ok(())
}

fn components_panel(cfg: &PhaseConfig, points: &[PhasePoint], area: &Area<'_>) -> DrawResult {
    let (x0, x1) = f_range(points);
    let n = cfg.workload.accounts as f64;
    let y = (0.5, n * 2.0);
    let mut chart = ChartBuilder::on(area)
        .caption(
            "Largest connected component of an epoch's account graph",
            (FAMILY, 18),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d((x0..x1).log_scale(), (y.0..y.1).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("epoch length F (transactions between proofs)")
        .y_desc("accounts")
        .x_labels(8)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 14))
        .draw()?;
    markers(cfg, &mut chart, (x0, x1), y, true)?;
    // The prediction on a fine grid, in two pieces: subcritical and supercritical, each
    // drawn only outside the critical window (where neither asymptotic holds).
    let window = n.powf(2.0 / 3.0);
    let grid: Vec<(f64, f64)> = (0..=GRID)
        .map(|i| x0 * (x1 / x0).powf(i as f64 / GRID as f64))
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
    chart
        .draw_series(LineSeries::new(above, PREDICTED.stroke_width(2)))?
        .label("random graph: βN above F*, (ln N − 2.5 ln ln N)/(c − 1 − ln c) below")
        .legend(legend_line(PREDICTED));
    let mean: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (p.f as f64, p.lcc_mean.max(1.0)))
        .collect();
    chart
        .draw_series(LineSeries::new(mean.clone(), MEASURED.stroke_width(2)))?
        .label("measured, mean over epochs")
        .legend(legend_line(MEASURED));
    chart.draw_series(mean.iter().map(|&p| Circle::new(p, 4, MEASURED.filled())))?;
    chart
        .draw_series(
            points
                .iter()
                .map(|p| TriangleMarker::new((p.f as f64, p.lcc_max as f64), 5, MEASURED)),
        )?
        .label("measured, max over epochs")
        .legend(|(x, y)| TriangleMarker::new((x + 10, y), 5, MEASURED));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FAMILY, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

fn scope_panel(cfg: &PhaseConfig, points: &[PhasePoint], area: &Area<'_>) -> DrawResult {
    let (x0, x1) = f_range(points);
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
    let mut chart = ChartBuilder::on(area)
        .caption(
            "Scopes (planner's witnesses): transactions re-executed",
            (FAMILY, 18),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d((x0..x1).log_scale(), (y.0..y.1).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("epoch length F")
        .y_desc("transactions")
        .x_labels(8)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 14))
        .draw()?;
    markers(cfg, &mut chart, (x0, x1), y, false)?;
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
    for (label, color, value) in series {
        let pts: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (p.f as f64, value(p)))
            .filter(|p| p.1 > 0.0)
            .collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))?
            .label(label)
            .legend(legend_line(color));
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
    }
    prediction(
        &mut chart,
        (x0, x1),
        |f| cfg.predicted_scope_mean(f),
        "mean scope, temporal branching estimate q(K−1)/B·((e^u−1)/u − 1)",
    )?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FAMILY, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

fn mass_panel(cfg: &PhaseConfig, points: &[PhasePoint], area: &Area<'_>) -> DrawResult {
    let (x0, x1) = f_range(points);
    let y = y_range(
        points
            .iter()
            .flat_map(|p| [p.mass_mean, p.mass_max as f64, p.predicted_mass_mean]),
    );
    let mut chart = ChartBuilder::on(area)
        .caption(
            "Execution mass EM_v(x) = Σ over scope and x of PG·GS",
            (FAMILY, 18),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d((x0..x1).log_scale(), (y.0..y.1).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("epoch length F")
        .y_desc("gas")
        .x_labels(8)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 14))
        .draw()?;
    markers(cfg, &mut chart, (x0, x1), y, false)?;
    let series: [Series; 2] = [
        ("max execution mass", SCOPE_MAX, |p| p.mass_max as f64),
        ("mean execution mass", SCOPE_MEAN, |p| p.mass_mean),
    ];
    for (label, color, value) in series {
        let pts: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (p.f as f64, value(p)))
            .filter(|p| p.1 > 0.0)
            .collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))?
            .label(label)
            .legend(legend_line(color));
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
    }
    prediction(
        &mut chart,
        (x0, x1),
        |f| cfg.predicted_mass_mean(f),
        "mean mass, estimate E[PG]·E[GS]·(1 + mean scope)",
    )?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FAMILY, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

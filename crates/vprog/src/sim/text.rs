//! Text for bitmap plots without plotters' font features: a drawing backend that wraps
//! `BitMapBackend` and renders text itself with `ab_glyph` and the bundled DejaVu Sans.
//!
//! Why not plotters' `ab_glyph` feature: features unify across a build, and with that
//! feature on, every plotters user in the same build (criterion's HTML reports, in every
//! crate's benches) must register fonts itself or panic with `FontUnavailable`. Wrapping
//! the backend keeps plotters on its default font-free path.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::{BitMapBackend, DrawingBackend};
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// DejaVu Sans 2.37 (Bitstream Vera license); see `third_party/fonts/PROVENANCE.md`.
static FONT_BYTES: &[u8] = include_bytes!("../../../../third_party/fonts/DejaVuSans.ttf");

/// The bundled font.
pub(crate) fn font() -> Result<FontRef<'static>, ab_glyph::InvalidFont> {
    FontRef::try_from_slice(FONT_BYTES)
}

/// Width, ascent and descent (negative) of a line of text at `size` pixels.
pub(crate) fn measure(font: &FontRef<'_>, size: f64, text: &str) -> (f32, f32, f32) {
    let f = font.as_scaled(PxScale::from(size as f32));
    let mut width = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            width += f.kern(p, id);
        }
        width += f.h_advance(id);
        prev = Some(id);
    }
    (width, f.ascent(), f.descent())
}

/// `BitMapBackend` with text drawn by `ab_glyph`.
pub(crate) struct GlyphBackend<'a> {
    inner: BitMapBackend<'a>,
    font: FontRef<'static>,
}

impl<'a> GlyphBackend<'a> {
    pub(crate) fn new(inner: BitMapBackend<'a>, font: FontRef<'static>) -> Self {
        Self { inner, font }
    }
}

type Error<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for GlyphBackend<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Error<'a>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Error<'a>> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Error<'a>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Error<'a>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), Error<'a>> {
        let (w, ascent, descent) = measure(&self.font, style.size(), text);
        let (w, h) = (w.ceil() as u32, (ascent - descent).ceil() as u32);
        Ok(match style.transform() {
            FontTransform::Rotate90 | FontTransform::Rotate270 => (h, w),
            _ => (w, h),
        })
    }

    /// Lays the line out in a box [0, width) × [0, ascent − descent) anchored as the style
    /// says, rotates it, and blends each glyph's coverage into the bitmap.
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), Error<'a>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let (width, ascent, descent) = measure(&self.font, style.size(), text);
        let height = ascent - descent;
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0.0,
            VPos::Center => -height / 2.0,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let (w, h) = self.get_size();
        let font = self.font.as_scaled(PxScale::from(style.size() as f32));
        let mut pixels = Vec::new();
        let (mut x, mut prev) = (0.0f32, None);
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                x += font.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(font.scale(), point(x + dx, ascent + dy));
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, coverage| {
                    let (px, py) = (b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                    pixels.push((trans.transform(px, py), coverage));
                });
            }
            x += font.h_advance(id);
        }
        for ((px, py), coverage) in pixels {
            let (px, py) = (pos.0 + px, pos.1 + py);
            if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h && coverage > 0.0 {
                let c = BackendColor {
                    alpha: color.alpha * f64::from(coverage.min(1.0)),
                    rgb: color.rgb,
                };
                self.inner.draw_pixel((px, py), c)?;
            }
        }
        Ok(())
    }
}

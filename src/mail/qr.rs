//! QR codes as PNG images, for mail clients that show no SVG.

use qrcode::{Color, QrCode};

const SCALE: usize = 6;
const QUIET_ZONE: usize = 4;

/// A black-on-white PNG of `data`, or `None` if the data cannot be encoded.
pub fn png(data: &str) -> Option<Vec<u8>> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
            for dy in 0..SCALE {
                let row = (y * SCALE + dy) * side;
                pixels[row + x * SCALE..row + (x + 1) * SCALE].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&pixels).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_code_is_a_png_image() {
        let image = super::png("https://toguna.example/checkin/abc").unwrap();
        assert_eq!(&image[..8], b"\x89PNG\r\n\x1a\n");
    }
}

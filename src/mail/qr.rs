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
    // One bit per pixel (1 = white): an eighth of the bytes an 8-bit image has to deflate, which
    // made the code the costliest part of composing an invitation, and a smaller message.
    let stride = side.div_ceil(8);
    let mut pixels = vec![0xffu8; stride * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
            for dy in 0..SCALE {
                let row = (y * SCALE + dy) * stride;
                for px in x * SCALE..(x + 1) * SCALE {
                    pixels[row + px / 8] &= !(0x80 >> (px % 8));
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
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
        // Decoded, the corners are white (the quiet zone) and some pixel is black.
        let decoder = png::Decoder::new(std::io::Cursor::new(image));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.bit_depth, png::BitDepth::One);
        let rows = &buf[..info.buffer_size()];
        assert_eq!(rows[0] & 0x80, 0x80, "top-left corner is white");
        assert!(rows.iter().any(|b| *b != 0xff), "some module is dark");
    }
}

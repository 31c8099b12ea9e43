//! `QRCodePNG`: a PNG of the QR code that authenticator apps scan. Its text is the `otpauth://`
//! URI of the seed in the form AWS's codes decode to,
//! `otpauth://totp/Amazon%20Web%20Services:<device>@<account>?secret=<seed>&issuer=Amazon%20Web%20Services`,
//! where `<account>` is the account alias, or the account id when it has none (as decoded from
//! real AWS codes; botocore's doc string gives the older `<device>@<account>` label).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use qrcode::{Color, EcLevel, QrCode};

/// The issuer, as AWS writes it in the label and in `issuer=`.
const ISSUER: &str = "Amazon%20Web%20Services";

/// What stays unescaped in a label part: RFC 3986's unreserved characters.
const LABEL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Pixels per module, and modules of quiet zone around the code (the QR standard's four).
const SCALE: usize = 4;
const QUIET_ZONE: usize = 4;

/// The URI a virtual device's QR code holds.
pub fn otpauth_uri(device_name: &str, account_name: &str, seed: &str) -> String {
    format!(
        "otpauth://totp/{ISSUER}:{}@{}?secret={seed}&issuer={ISSUER}",
        utf8_percent_encode(device_name, LABEL),
        utf8_percent_encode(account_name, LABEL),
    )
}

/// Why no PNG could be made (never the client's doing: the text is ours and short).
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("QR code: {0}")]
    Code(#[from] qrcode::types::QrError),
    #[error("PNG: {0}")]
    Png(#[from] png::EncodingError),
    #[error("QR code of {0} modules is too large")]
    Size(usize),
}

/// A one-bit grayscale PNG of the QR code of `text` (error correction level M).
pub fn png(text: &str) -> Result<Vec<u8>, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * SCALE;
    let size = u32::try_from(side).map_err(|_| QrError::Size(modules))?;
    let row_bytes = side.div_ceil(8);
    let mut pixels = Vec::with_capacity(row_bytes * side);
    for y in 0..side {
        let mut row = vec![0xFF_u8; row_bytes];
        let module_y = (y / SCALE).checked_sub(QUIET_ZONE).filter(|&m| m < modules);
        if let Some(module_y) = module_y {
            for x in 0..side {
                let module_x = (x / SCALE).checked_sub(QUIET_ZONE).filter(|&m| m < modules);
                let dark = module_x.is_some_and(|module_x| {
                    colors.get(module_y * modules + module_x) == Some(&Color::Dark)
                });
                if dark && let Some(byte) = row.get_mut(x / 8) {
                    // One bit per pixel, most significant first; 0 is black.
                    *byte &= !(0x80 >> (x % 8));
                }
            }
        }
        pixels.extend_from_slice(&row);
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, size, size);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uri_is_awss_form() {
        assert_eq!(
            otpauth_uri("phone", "111122223333", "ABCDEF"),
            "otpauth://totp/Amazon%20Web%20Services:phone@111122223333?secret=ABCDEF\
             &issuer=Amazon%20Web%20Services"
        );
        assert_eq!(
            otpauth_uri("a@b+c", "my-alias", "S"),
            "otpauth://totp/Amazon%20Web%20Services:a%40b%2Bc@my-alias?secret=S\
             &issuer=Amazon%20Web%20Services"
        );
    }

    #[test]
    fn the_png_is_a_square_png_of_the_code() {
        let text = otpauth_uri("phone", "111122223333", &"A".repeat(64));
        let bytes = png(&text).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        let modules = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .unwrap()
            .width();
        assert_eq!(info.width as usize, (modules + 2 * QUIET_ZONE) * SCALE);
        assert_eq!(info.width, info.height);
    }
}

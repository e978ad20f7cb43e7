package dev.resilientmail.bounce;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Undoes a body's transfer encoding (base64, quoted-printable: both lenient) and decodes
 * its charset, bounded to {@link Mime#MAX_TEXT} characters.
 */
final class BodyDecoding {

	private BodyDecoding() {
	}

	static String decodeBody(String raw, int start, int end, String transferEncoding, String charset) {
		int stop = Math.min(end, start + Mime.MAX_TEXT * 2);
		String bytes = transferDecode(raw, start, stop, transferEncoding);
		if (bytes.length() > Mime.MAX_TEXT * 2) {
			bytes = bytes.substring(0, Mime.MAX_TEXT * 2);
		}
		String text = decodeCharset(bytes, charset);
		return (text.length() > Mime.MAX_TEXT) ? text.substring(0, Mime.MAX_TEXT) : text;
	}

	static String transferDecode(String raw, int start, int end, String transferEncoding) {
		String encoding = (transferEncoding != null) ? transferEncoding.trim().toLowerCase(Locale.ROOT) : "";
		if (encoding.equals("base64")) {
			return base64(raw, start, end);
		}
		if (encoding.equals("quoted-printable")) {
			return quotedPrintable(raw, start, end);
		}
		return raw.substring(start, end);
	}

	/** Base64, skipping anything outside the alphabet and a broken last group. */
	private static String base64(String raw, int start, int end) {
		StringBuilder out = new StringBuilder((end - start) * 3 / 4 + 3);
		int buffer = 0;
		int bits = 0;
		for (int i = start; i < end; i++) {
			char c = raw.charAt(i);
			int value;
			if (c >= 'A' && c <= 'Z') {
				value = c - 'A';
			}
			else if (c >= 'a' && c <= 'z') {
				value = c - 'a' + 26;
			}
			else if (c >= '0' && c <= '9') {
				value = c - '0' + 52;
			}
			else if (c == '+') {
				value = 62;
			}
			else if (c == '/') {
				value = 63;
			}
			else if (c == '=') {
				bits = 0;
				buffer = 0;
				continue;
			}
			else {
				continue;
			}
			buffer = (buffer << 6) | value;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out.append((char) ((buffer >> bits) & 0xff));
			}
		}
		return out.toString();
	}

	private static String quotedPrintable(String raw, int start, int end) {
		StringBuilder out = new StringBuilder(end - start);
		for (int i = start; i < end; i++) {
			char c = raw.charAt(i);
			if (c != '=') {
				out.append(c);
				continue;
			}
			if (i + 1 < end && raw.charAt(i + 1) == '\n') {
				i++;
				continue;
			}
			if (i + 2 < end && raw.charAt(i + 1) == '\r' && raw.charAt(i + 2) == '\n') {
				i += 2;
				continue;
			}
			if (i + 2 < end) {
				int high = Character.digit(raw.charAt(i + 1), 16);
				int low = Character.digit(raw.charAt(i + 2), 16);
				if (high >= 0 && low >= 0) {
					out.append((char) ((high << 4) | low));
					i += 2;
					continue;
				}
			}
			out.append(c);
		}
		return out.toString();
	}

	/**
	 * Bytes (as ISO-8859-1 characters) to text: the declared charset when it decodes them
	 * cleanly, else UTF-8 when they are valid UTF-8, else the declared charset with
	 * replacement characters, else ISO-8859-1.
	 */
	private static String decodeCharset(String bytesAsText, String declared) {
		if (!Headers.hasHighBytes(bytesAsText) && !isWideOrEscaped(declared)) {
			if (bytesAsText.indexOf('\u001b') >= 0 && (bytesAsText.contains("\u001b$B")
					|| bytesAsText.contains("\u001b$@") || bytesAsText.contains("\u001b(J"))) {
				// ISO-2022-JP escape sequences under another (or no) declared charset
				return decodeCharset(bytesAsText, "ISO-2022-JP");
			}
			return bytesAsText;
		}
		byte[] bytes = bytesAsText.getBytes(StandardCharsets.ISO_8859_1);
		Charset charset = charset(declared);
		if (charset != null) {
			String strict = strict(charset, bytes);
			if (strict != null) {
				return strict;
			}
		}
		String utf8 = strict(StandardCharsets.UTF_8, bytes);
		if (utf8 != null) {
			return utf8;
		}
		return new String(bytes, (charset != null) ? charset : StandardCharsets.ISO_8859_1);
	}

	private static boolean isWideOrEscaped(String charset) {
		if (charset == null) {
			return false;
		}
		String name = charset.toLowerCase(Locale.ROOT);
		return name.contains("2022") || name.contains("utf-16") || name.contains("utf-7");
	}

	private static String strict(Charset charset, byte[] bytes) {
		CharsetDecoder decoder = charset.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		try {
			return decoder.decode(ByteBuffer.wrap(bytes)).toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	private static Charset charset(String name) {
		if (name == null || name.isBlank()) {
			return null;
		}
		try {
			String clean = name.trim();
			if (clean.equalsIgnoreCase("us-ascii") || clean.equalsIgnoreCase("ascii")) {
				return StandardCharsets.ISO_8859_1;
			}
			return Charset.forName(clean);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}

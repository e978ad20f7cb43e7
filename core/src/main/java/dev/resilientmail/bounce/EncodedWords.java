package dev.resilientmail.bounce;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * RFC 2047 encoded words in header fields ({@code =?UTF-8?B?...?=},
 * {@code =?ISO-8859-1?Q?...?=}). Written here rather than taken from Jakarta Mail so that
 * the parser, and the {@code bounce} command run with {@code java -jar}, need nothing but
 * the core classes. A word that cannot be decoded stays as it is.
 */
final class EncodedWords {

	private EncodedWords() {
	}

	static String decode(String value) {
		StringBuilder out = new StringBuilder(value.length());
		int position = 0;
		int pendingSpace = -1;
		while (position < value.length()) {
			int start = value.indexOf("=?", position);
			if (start < 0) {
				out.append(value, position, value.length());
				break;
			}
			int charsetEnd = value.indexOf('?', start + 2);
			int encodingEnd = (charsetEnd < 0) ? -1 : value.indexOf('?', charsetEnd + 1);
			int end = (encodingEnd < 0) ? -1 : value.indexOf("?=", encodingEnd + 1);
			String decoded = (end < 0 || encodingEnd != charsetEnd + 2) ? null
					: word(value.substring(start + 2, charsetEnd), value.charAt(charsetEnd + 1),
							value.substring(encodingEnd + 1, end));
			if (decoded == null) {
				out.append(value, position, start + 2);
				position = start + 2;
				pendingSpace = -1;
				continue;
			}
			String between = value.substring(position, start);
			// white space between two encoded words is not part of the text (RFC 2047
			// 6.2)
			if (!(pendingSpace >= 0 && between.isBlank())) {
				out.append(between);
			}
			out.append(decoded);
			position = end + 2;
			pendingSpace = position;
		}
		return out.toString();
	}

	private static String word(String charsetName, char encoding, String text) {
		Charset charset;
		try {
			int language = charsetName.indexOf('*');
			charset = Charset.forName((language >= 0) ? charsetName.substring(0, language) : charsetName);
		}
		catch (RuntimeException ex) {
			return null;
		}
		byte[] bytes;
		if (encoding == 'B' || encoding == 'b') {
			String latin1 = BodyDecoding.transferDecode(text, 0, text.length(), "base64");
			bytes = latin1.getBytes(StandardCharsets.ISO_8859_1);
		}
		else if (encoding == 'Q' || encoding == 'q') {
			StringBuilder raw = new StringBuilder(text.length());
			for (int i = 0; i < text.length(); i++) {
				char c = text.charAt(i);
				if (c == '_') {
					raw.append(' ');
				}
				else if (c == '=' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
						&& Character.digit(text.charAt(i + 2), 16) >= 0) {
					raw.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
					i += 2;
				}
				else {
					raw.append(c);
				}
			}
			bytes = raw.toString().getBytes(StandardCharsets.ISO_8859_1);
		}
		else {
			return null;
		}
		return new String(bytes, charset);
	}

}

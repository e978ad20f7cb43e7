package dev.resilientmail.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The DSN envelope id (RFC 3461 {@code ENVID}) a message is sent with, and xtext: the
 * transport writes it, the delivery remembers it for bounce correlation, and both must
 * derive the same value.
 */
public final class EnvelopeIds {

	/** RFC 3461 section 4.4: an ENVID is at most 100 characters (encoded). */
	private static final int MAX_ENCODED = 100;

	private EnvelopeIds() {
	}

	/**
	 * The envelope id for a message: its Message-ID without angle brackets, or, when that
	 * encodes to more than 100 characters, {@code sha256:} and the first 32 hex digits of
	 * its SHA-256.
	 * @param messageId the Message-ID, with or without angle brackets
	 * @return the envelope id (not encoded), or null when there is no Message-ID
	 */
	public static String of(String messageId) {
		if (messageId == null || messageId.isBlank()) {
			return null;
		}
		String bare = bare(messageId);
		if (xtext(bare).length() <= MAX_ENCODED) {
			return bare;
		}
		return "sha256:" + HexFormat.of().formatHex(sha256(bare), 0, 16);
	}

	private static String bare(String messageId) {
		String bare = messageId.trim();
		if (bare.startsWith("<") && bare.endsWith(">")) {
			bare = bare.substring(1, bare.length() - 1);
		}
		return bare;
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

	/**
	 * The VERP token for a message: 20 hex digits of the SHA-256 of its bare Message-ID.
	 * @param messageId the Message-ID, with or without angle brackets
	 * @return the token, or null when there is no Message-ID
	 */
	public static String verpToken(String messageId) {
		if (messageId == null || messageId.isBlank()) {
			return null;
		}
		return HexFormat.of().formatHex(sha256(bare(messageId)), 0, 10);
	}

	/**
	 * RFC 3461 xtext: printable ASCII except {@code +} and {@code =} as is, every other
	 * byte of the UTF-8 form as {@code +XX}. Never contains CR, LF or a space.
	 * @param text the text
	 * @return the encoded text
	 */
	public static String xtext(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		StringBuilder out = new StringBuilder(bytes.length + 8);
		for (byte b : bytes) {
			int c = b & 0xff;
			if (c >= 33 && c <= 126 && c != '+' && c != '=') {
				out.append((char) c);
			}
			else {
				out.append('+')
					.append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
					.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
			}
		}
		return out.toString();
	}

	/**
	 * Decodes xtext; a {@code +} not followed by two hex digits is kept as it stands
	 * (reports do not always encode).
	 * @param text the encoded text
	 * @return the decoded text
	 */
	public static String decodeXtext(String text) {
		if (text.indexOf('+') < 0) {
			return text;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '+' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
					&& Character.digit(text.charAt(i + 2), 16) >= 0) {
				out.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
				i += 2;
			}
			else {
				byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
				out.write(raw, 0, raw.length);
			}
		}
		return out.toString(StandardCharsets.UTF_8);
	}

}

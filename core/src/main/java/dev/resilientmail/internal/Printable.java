package dev.resilientmail.internal;

/**
 * Not API: the one sanitiser for text that reaches a log line, an exception message or a
 * terminal (server replies, exception texts, command-line output). Control characters
 * (C0, DEL, C1) and invisible format characters (such as bidirectional overrides, which
 * can make text read differently from what it is) become U+FFFD; a tab becomes a space.
 *
 * @since 0.2.0
 */
public final class Printable {

	/** What an unsafe character becomes. */
	public static final char REPLACEMENT = '\uFFFD';

	private Printable() {
	}

	/**
	 * Returns whether a character must not be printed as it is.
	 * @param c the character
	 * @return {@code true} for control, format and line or paragraph separator characters
	 */
	public static boolean isUnsafe(char c) {
		if (c < ' ' || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
			return true;
		}
		if (c < 0xa0) {
			return false;
		}
		int type = Character.getType(c);
		return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
	}

	/**
	 * Returns the character as printed: itself, a space for a tab, U+FFFD for any other
	 * unsafe character.
	 * @param c the character
	 * @return what to print
	 */
	public static char printed(char c) {
		if (!isUnsafe(c)) {
			return c;
		}
		return (c == '\t') ? ' ' : REPLACEMENT;
	}

	/**
	 * Returns the text safe to print (the same instance when it already is).
	 * @param text the text
	 * @return the text with every unsafe character replaced
	 */
	public static String sanitise(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (isUnsafe(text.charAt(i))) {
				StringBuilder out = new StringBuilder(text.length()).append(text, 0, i);
				for (int j = i; j < text.length(); j++) {
					out.append(printed(text.charAt(j)));
				}
				return out.toString();
			}
		}
		return text;
	}

}

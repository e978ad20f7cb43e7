package dev.resilientmail.bounce;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Header fields of a message, a part, or a group of delivery-status fields, unfolded, in
 * order. Read from text whose characters are bytes (ISO-8859-1), at most
 * {@link #MAX_FIELDS} fields of at most {@link #MAX_VALUE} characters each.
 */
final class Headers {

	/** Fields kept per header block; more are skipped. */
	static final int MAX_FIELDS = 500;

	/** Characters kept per field value; the rest of a longer value is skipped. */
	static final int MAX_VALUE = 16 * 1024;

	static final Headers EMPTY = new Headers(new ArrayList<>(), new ArrayList<>());

	private final List<String> names;

	private final List<String> values;

	private final boolean[] decoded;

	private Headers(List<String> names, List<String> values) {
		this.names = names;
		this.values = values;
		this.decoded = new boolean[values.size()];
	}

	/** Where a header block ended: the fields and the offset of the body. */
	record Block(Headers headers, int bodyStart) {
	}

	/**
	 * Reads a header block from {@code start}: field lines up to an empty line (which is
	 * consumed) or {@code end}. A first line that is not a field means no header block.
	 */
	static Block read(String text, int start, int end) {
		List<String> names = new ArrayList<>();
		List<String> values = new ArrayList<>();
		int position = start;
		StringBuilder value = null;
		while (position < end) {
			int lineEnd = Mime.lineEnd(text, position, end);
			int next = Mime.nextLine(text, lineEnd, end);
			if (lineEnd == position) {
				position = next;
				break;
			}
			char first = text.charAt(position);
			if ((first == ' ' || first == '\t') && value != null) {
				if (value.length() < MAX_VALUE) {
					value.append(' ');
					appendTrimmed(value, text, position, lineEnd);
				}
				position = next;
				continue;
			}
			int colon = fieldColon(text, position, lineEnd);
			if (colon < 0 && value != null && value.length() > 0 && value.charAt(value.length() - 1) == ';') {
				// a parameter line whose folding white space was lost ("boundary=..."
				// under
				// "Content-Type: multipart/alternative;")
				appendTrimmed(value, text, position, lineEnd);
				position = next;
				continue;
			}
			if (colon < 0) {
				if (names.isEmpty() && value == null) {
					return new Block(EMPTY, start);
				}
				// a stray line inside a header block (a mailbox "From " line): skip it
				position = next;
				continue;
			}
			flush(values, value);
			value = null;
			if (names.size() < MAX_FIELDS) {
				names.add(text.substring(position, colon).trim().toLowerCase(Locale.ROOT));
				value = new StringBuilder();
				appendTrimmed(value, text, colon + 1, lineEnd);
			}
			position = next;
		}
		flush(values, value);
		return new Block(new Headers(names, values), position);
	}

	private static void flush(List<String> values, StringBuilder value) {
		if (value != null) {
			values.add(value.toString());
		}
	}

	private static void appendTrimmed(StringBuilder value, String text, int from, int to) {
		int start = from;
		while (start < to && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
			start++;
		}
		int stop = to;
		while (stop > start && (text.charAt(stop - 1) == ' ' || text.charAt(stop - 1) == '\t')) {
			stop--;
		}
		int room = MAX_VALUE - value.length();
		value.append(text, start, Math.min(stop, start + Math.max(room, 0)));
	}

	/** The colon of a field line {@code Name: value}, or -1 when the line is not one. */
	private static int fieldColon(String text, int from, int to) {
		int limit = Math.min(to, from + 100);
		for (int i = from; i < limit; i++) {
			char c = text.charAt(i);
			if (c == ':') {
				return (i > from) ? i : -1;
			}
			if (c <= ' ' || c > '~') {
				// "From " mailbox lines, spaces before the colon are tolerated only at
				// the end
				if (c == ' ' || c == '\t') {
					int j = i;
					while (j < limit && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
						j++;
					}
					return (j < limit && text.charAt(j) == ':' && i > from) ? j : -1;
				}
				return -1;
			}
		}
		return -1;
	}

	/** Raw 8-bit text as UTF-8 when it is valid UTF-8, and RFC 2047 encoded words. */
	private static String decode(String raw) {
		String value = raw;
		if (hasHighBytes(value) && isLatin1(value)) {
			value = utf8OrAsIs(value);
		}
		if (value.contains("=?")) {
			value = EncodedWords.decode(value);
		}
		return value;
	}

	static boolean hasHighBytes(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) >= 0x80) {
				return true;
			}
		}
		return false;
	}

	private static boolean isLatin1(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) > 0xff) {
				return false;
			}
		}
		return true;
	}

	static String utf8OrAsIs(String latin1) {
		byte[] bytes = latin1.getBytes(StandardCharsets.ISO_8859_1);
		try {
			CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes));
			return chars.toString();
		}
		catch (CharacterCodingException ex) {
			return latin1;
		}
	}

	/** The first value of the field, or {@code null}. */
	String get(String name) {
		for (int i = 0; i < this.names.size(); i++) {
			if (this.names.get(i).equals(name)) {
				// decoded when asked for: most fields of a bounce are never read
				String value = this.values.get(i);
				if (!this.decoded[i]) {
					value = decode(value);
					this.values.set(i, value);
					this.decoded[i] = true;
				}
				return value;
			}
		}
		return null;
	}

	/** The first value of the field, or an empty string. */
	String value(String name) {
		String value = get(name);
		return (value != null) ? value : "";
	}

	boolean has(String name) {
		return get(name) != null;
	}

	boolean isEmpty() {
		return this.names.isEmpty();
	}

	int size() {
		return this.names.size();
	}

}

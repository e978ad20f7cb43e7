package dev.resilientmail.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A small bounded MIME reader: the part tree of a message held as text whose characters
 * are its bytes (ISO-8859-1). Multipart bodies are split on their boundary lines (a
 * missing close delimiter ends the part at the end of the input; a boundary that never
 * occurs leaves the body as one text), {@code message/rfc822} bodies are read as
 * messages. At most {@link #MAX_DEPTH} levels and {@link #MAX_PARTS} parts are read;
 * deeper or further parts are kept as opaque leaves.
 */
final class Mime {

	/** Nesting levels (multipart or message) read; deeper bodies are opaque. */
	static final int MAX_DEPTH = 16;

	/** Parts read per message; further parts are not split. */
	static final int MAX_PARTS = 500;

	/** Characters of decoded text kept per part. */
	static final int MAX_TEXT = 1024 * 1024;

	private Mime() {
	}

	static int lineEnd(String text, int from, int end) {
		int newline = text.indexOf('\n', from);
		if (newline < 0 || newline >= end) {
			return end;
		}
		return (newline > from && text.charAt(newline - 1) == '\r') ? newline - 1 : newline;
	}

	static int nextLine(String text, int lineEnd, int end) {
		if (lineEnd >= end) {
			return end;
		}
		return (text.charAt(lineEnd) == '\r' && lineEnd + 1 < end && text.charAt(lineEnd + 1) == '\n') ? lineEnd + 2
				: lineEnd + 1;
	}

	/** Reads the whole input as a message. */
	static Part parse(String raw) {
		int start = 0;
		if (raw.startsWith("From ")) {
			// a mailbox (mbox) separator line before the header fields
			start = nextLine(raw, lineEnd(raw, 0, raw.length()), raw.length());
		}
		return new Reader(raw).message(start, raw.length(), 0);
	}

	/**
	 * One MIME entity: its fields, content type and body, and its parts when it has some.
	 */
	static final class Part {

		final Headers headers;

		final String type;

		final String boundary;

		final String charset;

		final String reportType;

		private final String raw;

		final int bodyStart;

		final int bodyEnd;

		final List<Part> children = new ArrayList<>();

		/** The message a {@code message/rfc822} part holds, or {@code null}. */
		Part message;

		private String text;

		Part(Headers headers, String raw, int bodyStart, int bodyEnd) {
			this.headers = headers;
			this.raw = raw;
			this.bodyStart = bodyStart;
			this.bodyEnd = bodyEnd;
			ContentType contentType = ContentType.parse(headers.get("content-type"));
			this.type = contentType.type();
			this.boundary = contentType.parameter("boundary");
			this.charset = contentType.parameter("charset");
			this.reportType = contentType.parameter("report-type");
		}

		boolean isMultipart() {
			return this.type.startsWith("multipart/");
		}

		boolean isText() {
			return this.type.startsWith("text/");
		}

		/**
		 * The body with its transfer encoding undone and its charset decoded (declared,
		 * else UTF-8 when valid, else ISO-8859-1), at most {@link #MAX_TEXT} characters.
		 */
		String text() {
			if (this.text == null) {
				this.text = BodyDecoding.decodeBody(this.raw, this.bodyStart, this.bodyEnd,
						this.headers.value("content-transfer-encoding"), this.charset);
			}
			return this.text;
		}

		/** The body as raw bytes-as-characters, transfer encoding undone, no charset. */
		String rawText() {
			return BodyDecoding.transferDecode(this.raw, this.bodyStart,
					Math.min(this.bodyEnd, this.bodyStart + MAX_TEXT * 2),
					this.headers.value("content-transfer-encoding"));
		}

		/**
		 * Visits this part and all parts below it, messages inside included, depth first.
		 */
		void walk(Consumer<Part> visitor) {
			visitor.accept(this);
			for (Part child : this.children) {
				child.walk(visitor);
			}
			if (this.message != null) {
				this.message.walk(visitor);
			}
		}

		/** Visits this part and its parts, not entering returned messages. */
		void walkOwn(Consumer<Part> visitor) {
			visitor.accept(this);
			for (Part child : this.children) {
				child.walkOwn(visitor);
			}
		}

	}

	private static final class Reader {

		private final String raw;

		private int parts;

		Reader(String raw) {
			this.raw = raw;
		}

		Part message(int start, int end, int depth) {
			Headers.Block block = Headers.read(this.raw, start, end);
			Part part = new Part(block.headers(), this.raw, block.bodyStart(), end);
			this.parts++;
			body(part, depth);
			return part;
		}

		private void body(Part part, int depth) {
			if (depth >= MAX_DEPTH || this.parts >= MAX_PARTS) {
				return;
			}
			if (part.isMultipart() && part.boundary != null && !part.boundary.isEmpty()
					&& occurs(part, "--" + part.boundary)) {
				split(part, "--" + part.boundary, depth + 1);
			}
			else if (part.isMultipart() || (depth == 0 && !part.headers.has("content-type"))) {
				// a boundary that never occurs (or a multipart body with no declared
				// type):
				// split on the delimiter line the body repeats, if any
				String found = guessDelimiter(part);
				if (found != null) {
					split(part, found, depth + 1);
				}
			}
			else if (part.type.equals("message/rfc822") || part.type.equals("message/global")
					|| part.type.equals("text/rfc822-headers") || part.type.equals("message/rfc822-headers")) {
				String encoding = part.headers.value("content-transfer-encoding").toLowerCase(Locale.ROOT);
				if (encoding.contains("base64") || encoding.contains("quoted")) {
					String decoded = part.rawText();
					part.message = new Reader(decoded).message(0, decoded.length(), depth + 1);
				}
				else {
					part.message = message(part.bodyStart, part.bodyEnd, depth + 1);
				}
			}
		}

		private boolean occurs(Part part, String delimiter) {
			int at = this.raw.indexOf(delimiter, part.bodyStart);
			return at >= 0 && at < part.bodyEnd;
		}

		/**
		 * The first {@code --token} line that occurs again later in the body, or null.
		 */
		private String guessDelimiter(Part part) {
			int position = part.bodyStart;
			int end = part.bodyEnd;
			int lines = 0;
			while (position < end && lines++ < 200) {
				int lineEnd = lineEnd(this.raw, position, end);
				if (lineEnd - position >= 8 && this.raw.startsWith("--", position)
						&& this.raw.charAt(position + 2) > ' ') {
					String line = this.raw.substring(position, lineEnd).trim();
					// a delimiter, not a separator line of dashes
					if (line.indexOf(' ') < 0 && !line.endsWith("--") && line.chars().anyMatch((c) -> c != '-')) {
						int again = this.raw.indexOf("\n" + line, lineEnd);
						if (again >= 0 && again < end) {
							return line;
						}
					}
				}
				position = nextLine(this.raw, lineEnd, end);
			}
			return null;
		}

		private void split(Part part, String delimiter, int depth) {
			int end = part.bodyEnd;
			int position = part.bodyStart;
			int partStart = -1;
			while (position < end) {
				int lineEnd = lineEnd(this.raw, position, end);
				int next = nextLine(this.raw, lineEnd, end);
				if (lineEnd - position >= delimiter.length() && this.raw.startsWith(delimiter, position)) {
					boolean close = this.raw.startsWith("--", position + delimiter.length());
					if (partStart >= 0) {
						// the line break before a delimiter belongs to the delimiter
						int partEnd = position;
						if (partEnd > partStart && this.raw.charAt(partEnd - 1) == '\n') {
							partEnd--;
							if (partEnd > partStart && this.raw.charAt(partEnd - 1) == '\r') {
								partEnd--;
							}
						}
						addChild(part, partStart, partEnd, depth);
					}
					if (close || this.parts >= MAX_PARTS) {
						return;
					}
					partStart = next;
				}
				position = next;
			}
			if (partStart >= 0 && partStart < end) {
				// truncated: no close delimiter
				addChild(part, partStart, end, depth);
			}
		}

		private void addChild(Part parent, int start, int end, int depth) {
			Headers.Block block = Headers.read(this.raw, start, end);
			Headers headers = block.headers();
			int bodyStart = block.bodyStart();
			if (headers.isEmpty()) {
				bodyStart = start;
				if (start < end && (this.raw.charAt(start) == '\n' || this.raw.charAt(start) == '\r')) {
					bodyStart = nextLine(this.raw, lineEnd(this.raw, start, end), end);
				}
			}
			Part child = new Part(headers, this.raw, bodyStart, end);
			this.parts++;
			parent.children.add(child);
			body(child, depth);
		}

	}

	/**
	 * A content type and its parameters, read leniently: a broken field is text/plain.
	 */
	record ContentType(String type, List<String> names, List<String> values) {

		static ContentType parse(String field) {
			if (field == null || field.isBlank()) {
				return new ContentType("text/plain", List.of(), List.of());
			}
			int semicolon = field.indexOf(';');
			String type = ((semicolon >= 0) ? field.substring(0, semicolon) : field).trim().toLowerCase(Locale.ROOT);
			if (type.indexOf('/') < 0) {
				type = "text/plain";
			}
			List<String> names = new ArrayList<>();
			List<String> values = new ArrayList<>();
			int position = (semicolon >= 0) ? semicolon + 1 : field.length();
			while (position < field.length() && names.size() < 20) {
				int equals = field.indexOf('=', position);
				if (equals < 0) {
					break;
				}
				String name = field.substring(position, equals).trim().toLowerCase(Locale.ROOT);
				int valueStart = equals + 1;
				while (valueStart < field.length() && field.charAt(valueStart) == ' ') {
					valueStart++;
				}
				String value;
				int next;
				if (valueStart < field.length() && field.charAt(valueStart) == '"') {
					int close = field.indexOf('"', valueStart + 1);
					if (close < 0) {
						close = field.length();
					}
					value = field.substring(valueStart + 1, close);
					int after = field.indexOf(';', Math.min(close, field.length()));
					next = (after < 0) ? field.length() : after + 1;
				}
				else {
					int after = field.indexOf(';', valueStart);
					value = field.substring(valueStart, (after < 0) ? field.length() : after).trim();
					next = (after < 0) ? field.length() : after + 1;
				}
				int space = name.lastIndexOf(' ');
				names.add((space >= 0) ? name.substring(space + 1) : name);
				values.add(value);
				position = next;
			}
			return new ContentType(type, names, values);
		}

		String parameter(String name) {
			for (int i = 0; i < this.names.size(); i++) {
				if (this.names.get(i).equals(name)) {
					return this.values.get(i);
				}
			}
			return null;
		}

	}

}

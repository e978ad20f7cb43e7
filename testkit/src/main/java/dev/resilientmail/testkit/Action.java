package dev.resilientmail.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the server does at a {@link Phase} instead of its default reply: reply with given
 * lines, write raw bytes, drop the connection (before, in the middle of or after a reply)
 * or stall. Immutable.
 * <p>
 * Used as the result of a {@link Rule#respond(java.util.function.Function) responder};
 * {@link Rule} has a shortcut for each factory.
 *
 * @since 0.1.0
 */
public final class Action {

	enum Kind {

		REPLY, DEFAULT, DROP, STALL, DROP_MID_REPLY, RAW

	}

	private static final Action DEFAULT_REPLY = new Action(Kind.DEFAULT, null, -1, false);

	private static final Action DROP = new Action(Kind.DROP, null, -1, false);

	private static final Action STALL = new Action(Kind.STALL, null, -1, false);

	private final Kind kind;

	private final byte[] bytes;

	private final int code;

	private final boolean dropAfter;

	private Action(Kind kind, byte[] bytes, int code, boolean dropAfter) {
		this.kind = kind;
		this.bytes = bytes;
		this.code = code;
		this.dropAfter = dropAfter;
	}

	/**
	 * Replies with these lines. Each line is written with the separator SMTP needs:
	 * {@code reply("550 5.7.1 one", "550 5.7.1 two")} writes {@code 550-5.7.1 one} and
	 * {@code 550 5.7.1 two}. When any line already has a {@code '-'} after its code, all
	 * lines are written verbatim (so a malformed reply can be scripted too). A line may
	 * itself hold several lines separated by CRLF or LF.
	 * @param lines the reply lines, at least one
	 * @return the action
	 * @throws IllegalArgumentException if there is no line or a line is null
	 */
	public static Action reply(String... lines) {
		List<String> split = splitLines(lines);
		return new Action(Kind.REPLY, encode(split), codeOf(split.get(split.size() - 1)), false);
	}

	/**
	 * Does what the server does when no rule matches: the default reply, with its effects
	 * (a 250 to {@code MAIL} starts a transaction, and so on).
	 * @return the action
	 */
	public static Action defaultReply() {
		return DEFAULT_REPLY;
	}

	/**
	 * Closes the connection without replying. At {@link Phase#END_OF_DATA} the message
	 * was received and is recorded as
	 * {@linkplain FaultSmtpServer#unacknowledgedMessages() unacknowledged}; at
	 * {@link Phase#BODY} the connection is closed after the first body line.
	 * @return the action
	 */
	public static Action drop() {
		return DROP;
	}

	/**
	 * Reads nothing more and answers nothing until the server is closed: for client
	 * timeout tests. A message whose final reply stalls is recorded as
	 * {@linkplain FaultSmtpServer#unacknowledgedMessages() unacknowledged}.
	 * @return the action
	 */
	public static Action stall() {
		return STALL;
	}

	/**
	 * Writes the start of a reply, then closes the connection: a connection lost in the
	 * middle of a reply.
	 * @param partial the characters written before closing, sent as UTF-8, without a line
	 * end unless it contains one
	 * @return the action
	 * @throws IllegalArgumentException if {@code partial} is null
	 */
	public static Action dropMidReply(String partial) {
		if (partial == null) {
			throw new IllegalArgumentException("dropMidReply needs the partial reply text, got null");
		}
		return new Action(Kind.DROP_MID_REPLY, partial.getBytes(StandardCharsets.UTF_8), -1, false);
	}

	/**
	 * Writes these bytes as the reply, exactly as given, then goes on reading commands.
	 * The reply code, when the bytes start with three digits, decides the effects as for
	 * {@link #reply(String...)}.
	 * @param bytes the bytes to write (copied)
	 * @return the action
	 * @throws IllegalArgumentException if {@code bytes} is null
	 */
	public static Action raw(byte[] bytes) {
		if (bytes == null) {
			throw new IllegalArgumentException("raw needs the bytes to write, got null");
		}
		byte[] copy = bytes.clone();
		int code = (copy.length >= 3) ? digits(copy[0], copy[1], copy[2]) : -1;
		return new Action(Kind.RAW, copy, code, false);
	}

	/**
	 * This action, then closes the connection: a fault after the reply was written. Has
	 * no further effect on {@link #drop()}, {@link #stall()} and
	 * {@link #dropMidReply(String)}.
	 * @return a new action
	 */
	public Action thenDrop() {
		return new Action(this.kind, this.bytes, this.code, true);
	}

	Kind kind() {
		return this.kind;
	}

	/** The bytes to write (the reply, the raw bytes or the partial reply); not a copy. */
	byte[] bytes() {
		return this.bytes;
	}

	/** The reply code written, or -1 when there is none. */
	int code() {
		return this.code;
	}

	boolean dropsAfter() {
		return this.dropAfter;
	}

	boolean isDefault() {
		return this.kind == Kind.DEFAULT;
	}

	/** Whether the session ends at this action without a complete reply. */
	boolean endsWithoutReply() {
		return this.kind == Kind.DROP || this.kind == Kind.STALL || this.kind == Kind.DROP_MID_REPLY;
	}

	@Override
	public String toString() {
		String text = switch (this.kind) {
			case REPLY -> "reply " + new String(this.bytes, StandardCharsets.UTF_8).strip().replace("\r\n", " | ");
			case DEFAULT -> "default reply";
			case DROP -> "drop";
			case STALL -> "stall";
			case DROP_MID_REPLY -> "drop mid-reply after \"" + new String(this.bytes, StandardCharsets.UTF_8) + "\"";
			case RAW -> "raw " + this.bytes.length + " bytes";
		};
		return this.dropAfter ? text + ", then drop" : text;
	}

	static List<String> splitLines(String... lines) {
		Objects.requireNonNull(lines, "lines");
		List<String> result = new ArrayList<>(lines.length);
		for (String line : lines) {
			if (line == null) {
				throw new IllegalArgumentException("a reply line is null; give the text of every line");
			}
			int start = 0;
			int newline;
			while ((newline = line.indexOf('\n', start)) >= 0) {
				int end = (newline > start && line.charAt(newline - 1) == '\r') ? newline - 1 : newline;
				result.add(line.substring(start, end));
				start = newline + 1;
			}
			if (start < line.length() || start == 0) {
				result.add(line.substring(start));
			}
		}
		if (result.isEmpty()) {
			throw new IllegalArgumentException("a reply needs at least one line, like \"250 2.0.0 Ok\"");
		}
		return result;
	}

	/**
	 * The lines as written on the wire: separators fixed unless already given, CRLF ends.
	 */
	static byte[] encode(List<String> lines) {
		boolean verbatim = false;
		for (String line : lines) {
			if (hasCode(line) && line.length() > 3 && line.charAt(3) == '-') {
				verbatim = true;
			}
		}
		StringBuilder wire = new StringBuilder();
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			boolean last = i == lines.size() - 1;
			if (!verbatim && hasCode(line) && (line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '-')) {
				char separator = last ? ' ' : '-';
				String text = (line.length() > 4) ? line.substring(4) : "";
				if (last && text.isEmpty() && line.length() <= 4) {
					wire.append(line, 0, 3);
				}
				else {
					wire.append(line, 0, 3).append(separator).append(text);
				}
			}
			else {
				wire.append(line);
			}
			wire.append("\r\n");
		}
		return wire.toString().getBytes(StandardCharsets.UTF_8);
	}

	static int codeOf(String line) {
		return hasCode(line) ? digits((byte) line.charAt(0), (byte) line.charAt(1), (byte) line.charAt(2)) : -1;
	}

	private static boolean hasCode(String line) {
		return line.length() >= 3 && isDigit(line.charAt(0)) && isDigit(line.charAt(1)) && isDigit(line.charAt(2));
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	static int digits(byte a, byte b, byte c) {
		if (a < '0' || a > '9' || b < '0' || b > '9' || c < '0' || c > '9') {
			return -1;
		}
		return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
	}

}

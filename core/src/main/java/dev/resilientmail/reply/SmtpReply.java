package dev.resilientmail.reply;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One reply of an SMTP server: the basic reply code, the enhanced status code when the
 * reply carries one, and its lines.
 * <p>
 * Obtain instances with {@link #parse(String)}; the reading rules (multi-line replies,
 * CRLF or LF, enhanced codes at the start, at the end like {@code (#5.7.1)} or in
 * mid-text) are those of the project's classification guide.
 *
 * @param code the basic reply code, 200 to 599; for a multi-line reply whose lines
 * disagree (a greeting {@code 220-...} followed by {@code 421 ...}) the code of the last
 * line
 * @param enhancedCode the enhanced status code the server wrote, if any (never inferred
 * here; see {@code Classification} for inferred codes)
 * @param lines the lines as received, without line endings, control characters replaced
 * by U+FFFD
 * @since 0.1.0
 */
public record SmtpReply(int code, Optional<EnhancedStatusCode> enhancedCode, List<String> lines) {

	/** The longest reply {@link #parse(String)} accepts, in characters: 64 KiB. */
	public static final int MAX_LENGTH = 64 * 1024;

	/** The most lines {@link #parse(String)} accepts. */
	public static final int MAX_LINES = 100;

	/**
	 * Validates and copies the components.
	 * @throws IllegalArgumentException if the code is outside 200 to 599 or there are no
	 * lines
	 */
	public SmtpReply {
		if (code < 200 || code > 599) {
			throw new IllegalArgumentException("SMTP reply code must be 200 to 599, got " + code);
		}
		Objects.requireNonNull(enhancedCode, "enhancedCode");
		lines = List.copyOf(lines);
		if (lines.isEmpty()) {
			throw new IllegalArgumentException("an SMTP reply has at least one line");
		}
	}

	/**
	 * Parses a reply as a server sends it, one or more lines {@code NNN-text} ...
	 * {@code NNN text} separated by CRLF or LF.
	 * @param reply the reply text
	 * @return the reply
	 * @throws IllegalArgumentException naming the problem if the reply is null, empty,
	 * longer than {@value #MAX_LENGTH} characters or {@value #MAX_LINES} lines, or does
	 * not start with a three-digit reply code from 200 to 599
	 */
	public static SmtpReply parse(String reply) {
		return ReplyParser.parse(reply);
	}

	/**
	 * Returns the first digit of the code: 2 success, 3 intermediate, 4 transient
	 * failure, 5 permanent failure.
	 * @return the first digit of the code
	 */
	public int codeClass() {
		return this.code / 100;
	}

	/**
	 * Returns whether this reply reports a failure (4xx or 5xx).
	 * @return {@code true} for 4xx and 5xx
	 */
	public boolean isFailure() {
		return this.code >= 400;
	}

	/**
	 * Returns the text of the reply: every line without its {@code NNN-} / {@code NNN }
	 * prefix, joined with {@code \n}. The enhanced code stays part of the text.
	 * @return the text, possibly empty
	 */
	public String text() {
		if (this.lines.size() == 1) {
			return ReplyParser.textOf(this.lines.get(0));
		}
		StringBuilder text = new StringBuilder();
		for (String line : this.lines) {
			if (text.length() > 0) {
				text.append('\n');
			}
			text.append(ReplyParser.textOf(line));
		}
		return text.toString();
	}

	/**
	 * Returns the reply as received, lines joined with {@code \n}.
	 * @return the reply
	 */
	@Override
	public String toString() {
		return String.join("\n", this.lines);
	}

}

package dev.resilientmail.cli;

import java.time.Duration;

import dev.resilientmail.internal.Printable;
import dev.resilientmail.reply.SmtpCommand;

/** Small text helpers of the command: escapes in, safe text out. */
final class Text {

	private Text() {
	}

	/**
	 * Turns the two characters {@code \n} (and {@code \r\n}) into a line break: the way
	 * line breaks of a multi-line reply are written on one line. Other backslashes stay.
	 */
	static String unescapeLineBreaks(String text) {
		if (text.indexOf('\\') < 0) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\' && text.startsWith("n", i + 1)) {
				out.append('\n');
				i++;
			}
			else if (c == '\\' && text.startsWith("r\\n", i + 1)) {
				out.append('\n');
				i += 3;
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

	/** Makes text safe to print on a terminal or in a tab-separated column. */
	static String sanitise(String text) {
		return Printable.sanitise(text);
	}

	/**
	 * A wait in words: {@code 5 minutes}, {@code 1 hour 30 minutes}, {@code 0 seconds}.
	 */
	static String describe(Duration duration) {
		long seconds = duration.getSeconds();
		if (seconds == 0) {
			return "0 seconds";
		}
		StringBuilder out = new StringBuilder();
		append(out, seconds / 86400, "day");
		append(out, (seconds % 86400) / 3600, "hour");
		append(out, (seconds % 3600) / 60, "minute");
		append(out, seconds % 60, "second");
		return out.toString();
	}

	private static void append(StringBuilder out, long amount, String unit) {
		if (amount == 0) {
			return;
		}
		if (out.length() > 0) {
			out.append(' ');
		}
		out.append(amount).append(' ').append(unit);
		if (amount != 1) {
			out.append('s');
		}
	}

	/** The phase names, space-separated, for error messages. */
	static String phases() {
		StringBuilder names = new StringBuilder();
		for (SmtpCommand command : SmtpCommand.values()) {
			if (names.length() > 0) {
				names.append(' ');
			}
			names.append(command.name());
		}
		return names.toString();
	}

}

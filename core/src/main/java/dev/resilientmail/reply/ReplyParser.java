package dev.resilientmail.reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.resilientmail.internal.Printable;

/**
 * Reads SMTP replies by the project's rules. Hand-written, without regular expressions:
 * it runs for every reply of every connection.
 */
final class ReplyParser {

	private ReplyParser() {
	}

	static SmtpReply parse(String reply) {
		if (reply == null) {
			throw new IllegalArgumentException("SMTP reply is null");
		}
		if (reply.length() > SmtpReply.MAX_LENGTH) {
			throw new IllegalArgumentException("SMTP reply is " + reply.length() + " characters long; at most "
					+ SmtpReply.MAX_LENGTH + " are accepted");
		}
		List<String> lines = splitLines(reply);
		if (lines.isEmpty()) {
			throw new IllegalArgumentException("SMTP reply is empty; expected a three-digit code like 250");
		}
		int code = -1;
		for (int i = lines.size() - 1; i >= 0 && code < 0; i--) {
			code = codeOf(lines.get(i));
		}
		int firstCode = codeOf(lines.get(0));
		if (firstCode < 0) {
			throw new IllegalArgumentException("SMTP reply '" + abbreviate(lines.get(0))
					+ "' does not start with a three-digit reply code from 200 to 599 followed by a space,"
					+ " a hyphen or the end of the line");
		}
		return new SmtpReply(code, Optional.ofNullable(findEnhancedCode(lines, code)), lines);
	}

	/**
	 * Splits on LF, dropping CR, trailing whitespace, and empty lines before the first
	 * and after the last line of text. Counts lines as it goes, so that blank lines
	 * around the reply never push real lines out of the limit.
	 */
	private static List<String> splitLines(String reply) {
		List<String> lines = new ArrayList<>(2);
		int withText = 0;
		int start = 0;
		int length = reply.length();
		while (start <= length) {
			int end = reply.indexOf('\n', start);
			if (end < 0) {
				end = length;
			}
			String line = cleanLine(reply, start, end);
			if (!line.isEmpty()) {
				if (lines.size() >= SmtpReply.MAX_LINES) {
					throw new IllegalArgumentException("SMTP reply has more than " + SmtpReply.MAX_LINES
							+ " lines; at most " + SmtpReply.MAX_LINES + " are accepted");
				}
				lines.add(line);
				withText = lines.size();
			}
			else if (!lines.isEmpty()) {
				lines.add(line);
			}
			start = end + 1;
		}
		while (lines.size() > withText) {
			lines.remove(lines.size() - 1);
		}
		return lines;
	}

	private static String cleanLine(String reply, int start, int end) {
		while (end > start && reply.charAt(end - 1) <= ' ') {
			end--;
		}
		boolean clean = true;
		for (int i = start; i < end; i++) {
			if (Printable.isUnsafe(reply.charAt(i))) {
				clean = false;
				break;
			}
		}
		if (clean) {
			return reply.substring(start, end);
		}
		StringBuilder line = new StringBuilder(end - start);
		for (int i = start; i < end; i++) {
			line.append(Printable.printed(reply.charAt(i)));
		}
		return line.toString();
	}

	/** The reply code of a line, or -1 if the line does not start with one. */
	static int codeOf(String line) {
		if (line.length() < 3) {
			return -1;
		}
		char a = line.charAt(0);
		char b = line.charAt(1);
		char c = line.charAt(2);
		if (a < '2' || a > '5' || !isDigit(b) || !isDigit(c)) {
			return -1;
		}
		if (line.length() > 3) {
			char separator = line.charAt(3);
			if (separator != ' ' && separator != '-') {
				return -1;
			}
		}
		return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
	}

	/**
	 * The text of a line after its code and separator; a line without a code is all text.
	 */
	static String textOf(String line) {
		if (codeOf(line) < 0) {
			return line;
		}
		return (line.length() > 4) ? line.substring(4) : "";
	}

	/**
	 * Finds the enhanced code: first the token right after the basic code (any class, the
	 * server's word), then a qmail-style {@code #5.1.1}, then a code in mid-text whose
	 * class agrees with the basic code.
	 */
	private static EnhancedStatusCode findEnhancedCode(List<String> lines, int code) {
		for (String line : lines) {
			if (codeOf(line) == code && line.length() > 4) {
				int start = 4;
				while (start < line.length() && line.charAt(start) == ' ') {
					start++;
				}
				int end = tokenEnd(line, start);
				EnhancedStatusCode enhanced = enhancedCodeAt(line, start, end);
				if (enhanced != null) {
					return enhanced;
				}
				break;
			}
		}
		int codeClass = code / 100;
		for (String line : lines) {
			EnhancedStatusCode enhanced = findInText(line, codeClass);
			if (enhanced != null) {
				return enhanced;
			}
		}
		return null;
	}

	private static EnhancedStatusCode findInText(String line, int codeClass) {
		int from = (codeOf(line) >= 0) ? 4 : 0;
		EnhancedStatusCode sameClass = null;
		for (int i = from; i < line.length() - 4; i++) {
			char c = line.charAt(i);
			if ((c != '2' && c != '4' && c != '5') || line.charAt(i + 1) != '.') {
				continue;
			}
			char before = (i > 0) ? line.charAt(i - 1) : ' ';
			if (isDigit(before) || before == '.') {
				continue;
			}
			int end = tokenEnd(line, i);
			EnhancedStatusCode candidate = enhancedCodeAt(line, i, end);
			if (candidate == null) {
				continue;
			}
			if (before == '#') {
				return candidate;
			}
			if (sameClass == null && candidate.codeClass() == codeClass) {
				sameClass = candidate;
			}
		}
		return sameClass;
	}

	/**
	 * The end of a code-like token starting at {@code start}: digits and dots, without a
	 * trailing dot that ends a sentence.
	 */
	private static int tokenEnd(String line, int start) {
		int end = start;
		while (end < line.length() && (isDigit(line.charAt(end)) || line.charAt(end) == '.')) {
			end++;
		}
		if (end > start && line.charAt(end - 1) == '.') {
			end--;
		}
		return end;
	}

	/**
	 * Reads {@code class.subject.detail} spanning exactly {@code [start, end)}; null if
	 * it is not one (too many parts, too many digits, a class other than 2, 4 or 5).
	 */
	static EnhancedStatusCode enhancedCodeAt(String text, int start, int end) {
		if (end - start < 5 || end > text.length()) {
			return null;
		}
		if (end < text.length() && (isDigit(text.charAt(end))
				|| (text.charAt(end) == '.' && end + 1 < text.length() && isDigit(text.charAt(end + 1))))) {
			// more of a number follows: an IP address or a version, like 4.16.55.1
			return null;
		}
		char codeClass = text.charAt(start);
		if ((codeClass != '2' && codeClass != '4' && codeClass != '5') || text.charAt(start + 1) != '.') {
			return null;
		}
		int subject = 0;
		int i = start + 2;
		int digits = 0;
		while (i < end && isDigit(text.charAt(i))) {
			subject = subject * 10 + (text.charAt(i++) - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || i >= end || text.charAt(i) != '.') {
			return null;
		}
		i++;
		int detail = 0;
		digits = 0;
		while (i < end && isDigit(text.charAt(i))) {
			detail = detail * 10 + (text.charAt(i++) - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || i != end) {
			return null;
		}
		return new EnhancedStatusCode(codeClass - '0', subject, detail);
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	static String abbreviate(String text) {
		String shown = (text.length() > 60) ? text.substring(0, 60) + "..." : text;
		return Printable.sanitise(shown);
	}

}

package dev.resilientmail.classify;

import java.util.List;

/**
 * The reading of {@link ReplyText} written as text, for people and tests: lower-case
 * words and placeholders with their signal.
 */
final class NormalisedText {

	private static final String[] PLACEHOLDERS = { "", "<addr>", "<url:", "<ip>", "<host:", "<id:", "<tag:" };

	private NormalisedText() {
	}

	/**
	 * The reading as text: lower-case words, placeholders such as {@code <addr>},
	 * {@code <ip>}, {@code <host:zen.spamhaus.org>}, {@code <url:...>}, {@code <id:...>}
	 * and {@code <tag:...>} with their signal.
	 * @param lines the lines of a reply
	 * @return the normalised text
	 */
	static String of(List<String> lines) {
		StringBuilder out = new StringBuilder();
		for (String line : lines) {
			int length = line.length();
			int i = ReplyText.textStart(line);
			while (i < length) {
				char c = line.charAt(i);
				if (c == ' ' || c == '\t') {
					i++;
					continue;
				}
				int end = ReplyText.tokenEnd(line, i);
				end = ReplyText.bracketWithin(line, i, end);
				int tagEnd = (c == '[') ? ReplyText.tagEnd(line, i) : -1;
				if (tagEnd > 0) {
					append(out, PLACEHOLDERS[ReplyText.TAG] + line.substring(i + 1, tagEnd).toLowerCase() + ">");
					i = tagEnd + 1;
					continue;
				}
				int from = ReplyText.trimStart(line, i, end);
				int to = ReplyText.trimEnd(line, from, end);
				int kind = (from < to) ? ReplyText.kindOf(line, from, to) : ReplyText.WORDS;
				if (kind == ReplyText.WORDS) {
					StringBuilder word = new StringBuilder();
					for (int k = i; k < end; k++) {
						char w = line.charAt(k);
						word.append((ReplyText.wordSymbol(w) >= 0) ? Character.toLowerCase(w) : ' ');
					}
					for (String part : word.toString().trim().split(" +")) {
						append(out, part);
					}
				}
				else if (kind == ReplyText.ADDRESS || kind == ReplyText.IP) {
					append(out, PLACEHOLDERS[kind]);
				}
				else {
					int start = (kind == ReplyText.URL) ? ReplyText.afterScheme(line, from, to) : from;
					append(out, PLACEHOLDERS[kind] + line.substring(start, to).toLowerCase() + ">");
				}
				i = end;
			}
		}
		return out.toString();
	}

	private static void append(StringBuilder out, String part) {
		if (part.isEmpty()) {
			return;
		}
		if (out.length() > 0) {
			out.append(' ');
		}
		out.append(part);
	}

}

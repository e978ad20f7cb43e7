package dev.resilientmail.classify;

import java.util.List;

import dev.resilientmail.reply.EnhancedStatusCode;

/**
 * The reading of {@link ReplyText} written as text, for people and tests: lower-case
 * words and placeholders with their signal, and {@code <reply>} where a quoted reply
 * starts.
 */
final class NormalisedText implements ReplyText.Reading {

	private static final String[] PLACEHOLDERS = { "", "<addr>", "<url:", "<ip>", "<host:", "<id:", "<tag:" };

	private final StringBuilder out = new StringBuilder();

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
		NormalisedText text = new NormalisedText();
		ReplyText.read(lines, text);
		return text.out.toString();
	}

	@Override
	public void words(String line, int from, int to) {
		StringBuilder word = new StringBuilder();
		for (int k = from; k < to; k++) {
			char w = line.charAt(k);
			word.append((ReplyText.wordSymbol(w) >= 0) ? Character.toLowerCase(w) : ' ');
		}
		for (String part : word.toString().trim().split(" +")) {
			append(part);
		}
	}

	@Override
	public void placeholder(int kind, String line, int from, int to) {
		if (kind == Tokens.ADDRESS || kind == Tokens.IP) {
			append(PLACEHOLDERS[kind]);
		}
		else {
			append(PLACEHOLDERS[kind] + line.substring(from, to).toLowerCase() + ">");
		}
	}

	@Override
	public void quotedReply(EnhancedStatusCode code) {
		append("<reply>");
	}

	private void append(String part) {
		if (part.isEmpty()) {
			return;
		}
		if (this.out.length() > 0) {
			this.out.append(' ');
		}
		this.out.append(part);
	}

}

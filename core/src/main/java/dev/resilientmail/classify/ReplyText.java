package dev.resilientmail.classify;

import java.util.List;

/**
 * How the classifier reads a reply's text (the classification guide, section 1): words
 * lower-cased and separated by single spaces, and every mail address, URL, IP literal,
 * host or domain name, queue id and bracketed server tag replaced by a placeholder, so
 * that {@code <info@domain.example>} never reads as the word "domain" and
 * {@code mx.spamfilter.example} never as "spam". What such a token says is kept apart as
 * a <em>signal</em> (a block-list zone, a help-link topic like {@code ?p=NoSuchUser}, a
 * provider tag like {@code [TSS04]}), which only {@code signal} lines of the rule file
 * match.
 * <p>
 * The reading is a pass over the characters with no copy: {@link #scan} hands each symbol
 * to a {@link Symbols} sink (the phrase automaton); {@link NormalisedText} writes the
 * same reading as text for people and tests.
 */
final class ReplyText {

	/** Letters are symbols 0 to 25, digits 26 to 35. */
	static final int SPACE = 36;

	/** Letters and digits of a signal: {@code SIGNAL + wordSymbol}. */
	static final int SIGNAL = 37;

	/** Any run of other characters inside a signal. */
	static final int SIGNAL_PUNCT = SIGNAL + 36;

	static final int ALPHABET = SIGNAL_PUNCT + 1;

	static final int WORDS = 0;

	static final int ADDRESS = 1;

	static final int URL = 2;

	static final int IP = 3;

	static final int HOST = 4;

	static final int ID = 5;

	static final int TAG = 6;

	/** Last labels a two-label token must end with to be read as a domain name. */
	private static final String[] TOP_LEVEL = { "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name",
			"mobi", "example", "test", "invalid", "local", "localhost", "arpa", "online", "site", "xyz", "top", "email",
			"mail", "cloud", "tech", "onmicrosoft" };

	/** The longest bracketed server tag read as one token. */
	private static final int MAX_TAG = 120;

	/** Where symbols go. */
	interface Symbols {

		void symbol(int symbol);

	}

	private ReplyText() {
	}

	/** The symbol of a letter or digit, or -1. */
	static int wordSymbol(char c) {
		if (c >= 'a' && c <= 'z') {
			return c - 'a';
		}
		if (c >= 'A' && c <= 'Z') {
			return c - 'A';
		}
		if (c >= '0' && c <= '9') {
			return 26 + (c - '0');
		}
		return -1;
	}

	/**
	 * Feeds the reading of the lines to the sink. The {@code NNN-} / {@code NNN } prefix
	 * of each line is skipped; an address or IP literal is a word boundary and nothing
	 * else.
	 */
	static void scan(List<String> lines, Symbols out) {
		out.symbol(SPACE);
		for (int l = 0; l < lines.size(); l++) {
			String line = lines.get(l);
			int length = line.length();
			int i = textStart(line);
			while (i < length) {
				char c = line.charAt(i);
				if (c == ' ' || c == '\t') {
					i++;
					continue;
				}
				int end = tokenEnd(line, i);
				// "user<bob@example.com>": the words before the bracket are words
				end = bracketWithin(line, i, end);
				int tagEnd = (c == '[') ? tagEnd(line, i) : -1;
				if (tagEnd > 0) {
					signal(line, i + 1, tagEnd, out);
					i = tagEnd + 1;
					continue;
				}
				int from = trimStart(line, i, end);
				int to = trimEnd(line, from, end);
				int kind = (from < to) ? kindOf(line, from, to) : WORDS;
				if (kind == WORDS) {
					words(line, i, end, out);
				}
				else if (kind != ADDRESS && kind != IP) {
					signal(line, (kind == URL) ? afterScheme(line, from, to) : from, to, out);
				}
				i = end;
			}
		}
	}

	/**
	 * The words of a token, each followed by a space. Every token starts after a space,
	 * so no space is ever written twice.
	 */
	private static void words(String line, int from, int to, Symbols out) {
		boolean lastWasSpace = true;
		for (int i = from; i < to; i++) {
			int symbol = wordSymbol(line.charAt(i));
			if (symbol < 0) {
				if (!lastWasSpace) {
					out.symbol(SPACE);
					lastWasSpace = true;
				}
				continue;
			}
			out.symbol(symbol);
			lastWasSpace = false;
		}
		if (!lastWasSpace) {
			out.symbol(SPACE);
		}
	}

	/** A signal, then a space: the signal automaton starts again after every space. */
	private static void signal(String line, int from, int to, Symbols out) {
		boolean lastWasPunct = false;
		for (int i = from; i < to; i++) {
			int symbol = wordSymbol(line.charAt(i));
			if (symbol < 0) {
				if (!lastWasPunct) {
					out.symbol(SIGNAL_PUNCT);
					lastWasPunct = true;
				}
				continue;
			}
			out.symbol(SIGNAL + symbol);
			lastWasPunct = false;
		}
		out.symbol(SPACE);
	}

	static int textStart(String line) {
		int length = line.length();
		boolean coded = length >= 3 && isDigit(line.charAt(0)) && isDigit(line.charAt(1)) && isDigit(line.charAt(2))
				&& (length == 3 || line.charAt(3) == ' ' || line.charAt(3) == '-');
		return coded ? Math.min(4, length) : 0;
	}

	/** Where a {@code <} after the token's first character cuts it, else its end. */
	static int bracketWithin(String line, int start, int end) {
		for (int i = start + 1; i < end; i++) {
			if (line.charAt(i) == '<') {
				return i;
			}
		}
		return end;
	}

	static int tokenEnd(String line, int start) {
		int i = start;
		while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
			i++;
		}
		return i;
	}

	/**
	 * The index of the {@code ]} closing a bracketed server tag opened at {@code open},
	 * or -1 when the brackets hold words (a tag has no space, or starts with an address,
	 * host, IP or id).
	 */
	static int tagEnd(String line, int open) {
		int limit = Math.min(line.length(), open + MAX_TAG);
		int close = -1;
		int firstSpace = -1;
		for (int i = open + 1; i < limit; i++) {
			char c = line.charAt(i);
			if (c == ']') {
				close = i;
				break;
			}
			if (c == '[') {
				return -1;
			}
			if (firstSpace < 0 && (c == ' ' || c == '\t')) {
				firstSpace = i;
			}
		}
		if (close <= open + 1) {
			return -1;
		}
		int firstEnd = (firstSpace < 0) ? close : firstSpace;
		int from = trimStart(line, open + 1, firstEnd);
		int to = trimEnd(line, from, firstEnd);
		if (firstSpace < 0) {
			return (from < to && onlyWord(line, from, to)) ? -1 : close;
		}
		return (from < to && kindOf(line, from, to) != WORDS) ? close : -1;
	}

	/** A bracketed single word of letters ({@code [Spam]}) is words, not a tag. */
	private static boolean onlyWord(String line, int from, int to) {
		for (int i = from; i < to; i++) {
			char c = line.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
				return false;
			}
		}
		return true;
	}

	private static boolean isTrimmed(char c) {
		switch (c) {
			case '<':
			case '>':
			case '(':
			case ')':
			case '[':
			case ']':
			case '{':
			case '}':
			case '"':
			case '\'':
			case '.':
			case ',':
			case ';':
			case ':':
			case '!':
			case '?':
			case '#':
				return true;
			default:
				return false;
		}
	}

	static int trimStart(String line, int from, int to) {
		while (from < to && isTrimmed(line.charAt(from))) {
			from++;
		}
		return from;
	}

	static int trimEnd(String line, int from, int to) {
		while (to > from && isTrimmed(line.charAt(to - 1))) {
			to--;
		}
		return to;
	}

	/** What the token {@code line[from, to)} (its punctuation trimmed) is. */
	static int kindOf(String line, int from, int to) {
		int letters = 0;
		int digits = 0;
		int dots = 0;
		int colons = 0;
		int other = 0;
		int hex = 0;
		int at = -1;
		int lastDot = -1;
		boolean emptyLabel = false;
		for (int i = from; i < to; i++) {
			char c = line.charAt(i);
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				letters++;
				if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
					hex++;
				}
			}
			else if (c >= '0' && c <= '9') {
				digits++;
			}
			else if (c == '.') {
				if (i == from || i == lastDot + 1) {
					emptyLabel = true;
				}
				dots++;
				lastDot = i;
			}
			else if (c == ':') {
				colons++;
			}
			else if (c == '@') {
				if (at < 0) {
					at = i;
				}
			}
			else if (c != '-' && c != '_') {
				other++;
			}
		}
		if (at > from && at < to - 1) {
			return ADDRESS;
		}
		if (dots == 0 && colons == 0 && other == 0 && (digits == 0 || to - from < 10)) {
			// most tokens: a plain word, or a short one with digits ("rfc5322",
			// "ofr_506")
			return WORDS;
		}
		char first = line.charAt(from);
		if ((first == 'h' || first == 'H' || first == 'f' || first == 'F' || first == 'w' || first == 'W')
				&& (startsWith(line, from, to, "http://") || startsWith(line, from, to, "https://")
						|| startsWith(line, from, to, "ftp://") || startsWith(line, from, to, "www."))) {
			return URL;
		}
		if (other == 0 && at < 0) {
			if (dots == 3 && colons <= 1 && letters == 0 && !emptyLabel) {
				return IP;
			}
			if (colons >= 2 && letters == hex) {
				return IP;
			}
			if (startsWith(line, from, to, "ipv6:")) {
				return IP;
			}
			if (dots >= 1 && colons == 0 && !emptyLabel && isDomainEnd(line, lastDot + 1, to, dots)) {
				return HOST;
			}
		}
		if (to - from >= 10 && digits >= 2 && letters >= 1 && at < 0 && !emptyLabel && isIdText(line, from, to)) {
			return ID;
		}
		return WORDS;
	}

	private static boolean isIdText(String line, int from, int to) {
		for (int i = from; i < to; i++) {
			char c = line.charAt(i);
			if (wordSymbol(c) < 0 && c != '-' && c != '_' && c != '.' && c != '=' && c != '/' && c != '+') {
				return false;
			}
		}
		return true;
	}

	private static boolean isDomainEnd(String line, int from, int to, int dots) {
		int length = to - from;
		if (length < 2) {
			return false;
		}
		for (int i = from; i < to; i++) {
			char c = line.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
				return false;
			}
		}
		if (dots >= 2 || length == 2) {
			return true;
		}
		for (String top : TOP_LEVEL) {
			if (top.length() == length && line.regionMatches(true, from, top, 0, length)) {
				return true;
			}
		}
		return false;
	}

	private static boolean startsWith(String line, int from, int to, String prefix) {
		return to - from >= prefix.length() && line.regionMatches(true, from, prefix, 0, prefix.length());
	}

	static int afterScheme(String line, int from, int to) {
		int scheme = line.indexOf("://", from);
		return (scheme >= 0 && scheme < to) ? scheme + 3 : from;
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

}

package dev.resilientmail.classify;

/**
 * What a token of a reply's text is (the classification guide, section 1): words, or a
 * mail address, URL, IP literal, host or domain name, queue id or bracketed server tag,
 * which the reader replaces by a placeholder; and where tokens, tags and brackets end.
 */
final class Tokens {

	static final int WORDS = 0;

	static final int ADDRESS = 1;

	static final int URL = 2;

	static final int IP = 3;

	static final int HOST = 4;

	static final int ID = 5;

	static final int TAG = 6;

	/** Words that nothing inside can cut, for the reader only. */
	static final int PLAIN = 7;

	/** Last labels a two-label token must end with to be read as a domain name. */
	private static final String[] TOP_LEVEL = { "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name",
			"mobi", "example", "test", "invalid", "local", "localhost", "arpa", "online", "site", "xyz", "top", "email",
			"mail", "cloud", "tech", "onmicrosoft" };

	/** The longest bracketed server tag read as one token. */
	private static final int MAX_TAG = 120;

	private Tokens() {
	}

	/**
	 * Where a {@code <} or {@code [} after the token's first character cuts it, else its
	 * end.
	 */
	static int bracketWithin(String line, int start, int end) {
		for (int i = start + 1; i < end; i++) {
			if (line.charAt(i) == '<' || (line.charAt(i) == '[' && line.charAt(i - 1) != '=')) {
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
		int kind = tokenKind(line, from, to);
		return (kind == PLAIN) ? WORDS : kind;
	}

	/**
	 * {@link #kindOf}, with {@link #PLAIN} for a token of letters, digits, {@code -} and
	 * {@code _} only, which nothing inside can cut.
	 */
	static int tokenKind(String line, int from, int to) {
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
			return PLAIN;
		}
		char first = line.charAt(from);
		if ((first == 'h' || first == 'H' || first == 'f' || first == 'F' || first == 'w' || first == 'W')
				&& (startsWith(line, from, to, "http://") || startsWith(line, from, to, "https://")
						|| startsWith(line, from, to, "ftp://") || startsWith(line, from, to, "www."))) {
			return URL;
		}
		if (other > 0 && at < 0) {
			// a link written without its scheme: support.google.com/mail/?p=NoSuchUser
			int slash = line.indexOf('/', from);
			if (slash > from && slash < to && kindOf(line, from, slash) == HOST) {
				return URL;
			}
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
			if (ReplyText.wordSymbol(c) < 0 && c != '-' && c != '_' && c != '.' && c != '=' && c != '/' && c != '+') {
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

}

package dev.resilientmail.classify;

import java.util.List;

import dev.resilientmail.reply.EnhancedStatusCode;

import static dev.resilientmail.classify.Tokens.ADDRESS;
import static dev.resilientmail.classify.Tokens.PLAIN;
import static dev.resilientmail.classify.Tokens.TAG;
import static dev.resilientmail.classify.Tokens.URL;
import static dev.resilientmail.classify.Tokens.WORDS;
import static dev.resilientmail.classify.Tokens.afterScheme;
import static dev.resilientmail.classify.Tokens.bracketWithin;
import static dev.resilientmail.classify.Tokens.kindOf;
import static dev.resilientmail.classify.Tokens.tagEnd;
import static dev.resilientmail.classify.Tokens.tokenEnd;
import static dev.resilientmail.classify.Tokens.tokenKind;
import static dev.resilientmail.classify.Tokens.trimEnd;
import static dev.resilientmail.classify.Tokens.trimStart;

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

	/** Where symbols go. */
	interface Symbols {

		void symbol(int symbol);

	}

	/**
	 * What a reading finds, token by token: words, placeholders, and the start of a reply
	 * that the text quotes.
	 */
	interface Reading {

		/**
		 * Words in {@code line[from, to)}: letters and digits, other characters part
		 * them.
		 */
		void words(String line, int from, int to);

		/**
		 * A placeholder of a kind other than {@link #WORDS}; {@code line[from, to)} is
		 * the text its signal is read from (nothing for {@link #ADDRESS} and
		 * {@link #IP}).
		 */
		void placeholder(int kind, String line, int from, int to);

		/**
		 * The text quotes another server's reply from here on (a relay's or an MTA's
		 * wrapper around it: {@code host mx.example [192.0.2.1] said: 550 5.1.1 ...},
		 * {@code Unknown address error '5.2.2 ...'}).
		 * @param code the enhanced code the quoted reply starts with, or null
		 */
		void quotedReply(EnhancedStatusCode code);

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
	 * Reads the lines token by token. The {@code NNN-} / {@code NNN } prefix of each line
	 * is skipped. A token is cut where an address or a bracketed tag starts inside it
	 * ({@code user<bob@example.com>}, {@code mx.example.com[192.0.2.1]}) and after an
	 * {@code =} that a name follows ({@code H=mx.example.com}), so that no name is read
	 * as words.
	 */
	static void read(List<String> lines, Reading out) {
		char before = ' ';
		for (int l = 0; l < lines.size(); l++) {
			String line = lines.get(l);
			int length = line.length();
			int i = textStart(line);
			if (i > 0) {
				// a line of the reply itself: the enhanced code it repeats quotes nothing
				before = ' ';
			}
			while (i < length) {
				char c = line.charAt(i);
				if (c == ' ' || c == '\t') {
					i++;
					continue;
				}
				int end = tokenEnd(line, i);
				end = bracketWithin(line, i, end);
				if (before == ':' || before == ';' || c == '\'' || c == '"') {
					quotedReplyAt(line, i, end, before, out);
				}
				int tagEnd = (c == '[') ? tagEnd(line, i) : -1;
				if (tagEnd > 0) {
					int from = trimStart(line, i + 1, tagEnd);
					int first = tokenEnd(line, from);
					boolean address = kindOf(line, from, trimEnd(line, from, Math.min(first, tagEnd))) == ADDRESS;
					// an address in brackets says no more than one outside them
					out.placeholder(address ? ADDRESS : TAG, line, i + 1, tagEnd);
					before = ']';
					i = tagEnd + 1;
					continue;
				}
				int from = trimStart(line, i, end);
				int to = trimEnd(line, from, end);
				int kind = (from < to) ? tokenKind(line, from, to) : WORDS;
				if (kind == PLAIN || kind == WORDS) {
					int cut = (kind == WORDS && from < to) ? nameAfterEquals(line, from, to) : -1;
					kind = WORDS;
					if (cut > 0) {
						end = cut;
						to = cut;
					}
					else if (from > i && line.charAt(from - 1) == '<' && to < end && line.charAt(to) == '>'
							&& !upperCaseLetters(line, from, to)) {
						// a path without a domain (<postmaster>, <does-not-exist>);
						// <LF> and <CR> stay words
						kind = ADDRESS;
					}
				}
				if (kind == WORDS) {
					out.words(line, i, end);
				}
				else {
					out.placeholder(kind, line, (kind == URL) ? afterScheme(line, from, to) : from, to);
				}
				before = line.charAt(end - 1);
				i = end;
			}
		}
	}

	/**
	 * Feeds the reading of the lines to a sink of symbols that is also the reading's
	 * sink: words, then signals, each followed by a space.
	 */
	static <T extends Symbols & Reading> void scan(List<String> lines, T out) {
		out.symbol(SPACE);
		read(lines, out);
	}

	/**
	 * Tells {@code out} when the token {@code line[from, end)} starts a quoted reply: a
	 * failure code after a colon or semicolon ({@code said: 550}, {@code smtp; 550}) or
	 * after an opening quote ({@code '550 5.1.1}), or an enhanced code after an opening
	 * quote or a colon ({@code error '5.2.2}).
	 */
	private static void quotedReplyAt(String line, int from, int end, char before, Reading out) {
		boolean quoted = line.charAt(from) == '\'' || line.charAt(from) == '"';
		int start = quoted ? from + 1 : from;
		int to = end;
		while (to > start && (line.charAt(to - 1) == ':' || line.charAt(to - 1) == ',')) {
			to--;
		}
		if (to - start > 4 && line.charAt(start + 3) == '-' && isReplyCode(line, start)) {
			// a continuation line run into the text: "said: 550-5.1.1 The email account
			// ..."
			out.quotedReply(enhancedCode(line, start + 4, to));
			return;
		}
		if (to - start == 3 && isReplyCode(line, start)) {
			int next = start + 3;
			while (next < line.length() && (line.charAt(next) == ' ' || line.charAt(next) == '-')) {
				next++;
			}
			if (next >= line.length()) {
				return;
			}
			out.quotedReply(enhancedCode(line, next, tokenEnd(line, next)));
			return;
		}
		EnhancedStatusCode code = enhancedCode(line, start, to);
		if (code != null && code.codeClass() != 2 && (quoted || before == ':')) {
			out.quotedReply(code);
		}
	}

	/** A failure code as servers write them: 4xx or 5xx with a second digit 0-5 or 7. */
	private static boolean isReplyCode(String line, int at) {
		char first = line.charAt(at);
		char second = line.charAt(at + 1);
		return (first == '4' || first == '5') && ((second >= '0' && second <= '5') || second == '7')
				&& isDigit(line.charAt(at + 2));
	}

	/**
	 * The enhanced code that {@code line[from, to)} is (a trailing dot allowed), or null.
	 */
	static EnhancedStatusCode enhancedCode(String line, int from, int to) {
		if (to > from && line.charAt(to - 1) == '.') {
			to--;
		}
		if (to - from < 5 || to - from > 9) {
			return null;
		}
		char codeClass = line.charAt(from);
		if ((codeClass != '2' && codeClass != '4' && codeClass != '5') || line.charAt(from + 1) != '.') {
			return null;
		}
		int[] parts = new int[2];
		int part = 0;
		int digits = 0;
		for (int i = from + 2; i < to; i++) {
			char c = line.charAt(i);
			if (c == '.' && part == 0 && digits > 0) {
				part = 1;
				digits = 0;
			}
			else if (isDigit(c) && digits < 3) {
				parts[part] = parts[part] * 10 + (c - '0');
				digits++;
			}
			else {
				return null;
			}
		}
		return (part == 1 && digits > 0) ? new EnhancedStatusCode(codeClass - '0', parts[0], parts[1]) : null;
	}

	/**
	 * Where the words of {@code line[from, to)} end because a name follows an {@code =}
	 * ({@code H=mx.example.com}): the index after the {@code =}, or -1.
	 */
	private static int nameAfterEquals(String line, int from, int to) {
		for (int i = from + 1; i < to - 1; i++) {
			if (line.charAt(i) == '=') {
				int rest = trimStart(line, i + 1, to);
				return (rest < to && kindOf(line, rest, to) != WORDS) ? i + 1 : -1;
			}
		}
		return -1;
	}

	private static boolean upperCaseLetters(String line, int from, int to) {
		for (int i = from; i < to; i++) {
			char c = line.charAt(i);
			if (c < 'A' || c > 'Z') {
				return false;
			}
		}
		return true;
	}

	/**
	 * The words of {@code line[from, to)} as symbols, each word followed by a space.
	 * Every token starts after a space, so no space is ever written twice.
	 */
	static void wordSymbols(String line, int from, int to, Symbols out) {
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
	static void signalSymbols(String line, int from, int to, Symbols out) {
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

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

}

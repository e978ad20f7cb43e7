package dev.resilientmail.classify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

/**
 * Finds, in one pass over a reply's text, which rules have a keyword in it (Aho-Corasick
 * over the normalised text). Classification runs for every reply, so no regular
 * expressions and no copy of the text.
 * <p>
 * Normalised text: ASCII letters lower-cased, every run of characters other than letters
 * and digits turned into a single space, and a space at both ends, so a keyword like
 * {@code " spf "} matches the word only.
 */
final class KeywordMatcher {

	private static final int ALPHABET = 38;

	private static final int SPACE = 36;

	private static final int OTHER = 37;

	/** Symbol of each ASCII character; everything else is {@link #OTHER}. */
	private static final byte[] SYMBOLS = new byte[128];

	static {
		for (char c = 0; c < SYMBOLS.length; c++) {
			SYMBOLS[c] = (byte) symbolOf(c);
		}
	}

	/**
	 * The goto function, one row of {@link #ALPHABET} entries per state, flattened and
	 * holding row offsets rather than state numbers, so that a step is one load: from the
	 * row at {@code offset}, symbol {@code s} leads to the row at
	 * {@code next[offset + s]}. A state that finds rules is written as the complement of
	 * its offset ({@code ~offset}, negative), so that the many states that find none cost
	 * no second load.
	 */
	private final int[] next;

	/** The rules found on reaching each state, by state number; null where none. */
	private final long[][] output;

	private final int words;

	/**
	 * @param keywordsByRule for each rule index, its keywords, already in normalised form
	 */
	KeywordMatcher(List<String[]> keywordsByRule) {
		this.words = (keywordsByRule.size() + 63) / 64;
		List<int[]> gotos = new ArrayList<>();
		List<long[]> outputs = new ArrayList<>();
		gotos.add(newState());
		outputs.add(new long[this.words]);
		for (int rule = 0; rule < keywordsByRule.size(); rule++) {
			for (String keyword : keywordsByRule.get(rule)) {
				int state = 0;
				for (int i = 0; i < keyword.length(); i++) {
					int symbol = symbolOf(keyword.charAt(i));
					if (symbol == OTHER) {
						throw new IllegalStateException("keyword '" + keyword + "' is not normalised");
					}
					if (gotos.get(state)[symbol] <= 0) {
						gotos.get(state)[symbol] = gotos.size();
						gotos.add(newState());
						outputs.add(new long[this.words]);
					}
					state = gotos.get(state)[symbol];
				}
				outputs.get(state)[rule >>> 6] |= 1L << (rule & 63);
			}
		}
		int[][] delta = gotos.toArray(new int[0][]);
		long[][] out = outputs.toArray(new long[0][]);
		int[] fail = new int[delta.length];
		Queue<Integer> queue = new ArrayDeque<>();
		for (int symbol = 0; symbol < ALPHABET; symbol++) {
			if (delta[0][symbol] > 0) {
				fail[delta[0][symbol]] = 0;
				queue.add(delta[0][symbol]);
			}
			else {
				delta[0][symbol] = 0;
			}
		}
		while (!queue.isEmpty()) {
			int state = queue.remove();
			for (int i = 0; i < this.words; i++) {
				out[state][i] |= out[fail[state]][i];
			}
			for (int symbol = 0; symbol < ALPHABET; symbol++) {
				int child = delta[state][symbol];
				if (child > 0) {
					fail[child] = delta[fail[state]][symbol];
					queue.add(child);
				}
				else {
					delta[state][symbol] = delta[fail[state]][symbol];
				}
			}
		}
		this.output = new long[delta.length][];
		for (int state = 0; state < delta.length; state++) {
			for (long word : out[state]) {
				if (word != 0) {
					this.output[state] = out[state];
					break;
				}
			}
		}
		this.next = new int[delta.length * ALPHABET];
		for (int state = 0; state < delta.length; state++) {
			for (int symbol = 0; symbol < ALPHABET; symbol++) {
				int target = delta[state][symbol];
				int offset = target * ALPHABET;
				this.next[state * ALPHABET + symbol] = (this.output[target] != null) ? ~offset : offset;
			}
		}
	}

	private static int[] newState() {
		int[] state = new int[ALPHABET];
		Arrays.fill(state, -1);
		return state;
	}

	/**
	 * The rules (bit per rule index) that have a keyword in the text of the given lines.
	 */
	long[] scan(List<String> lines) {
		long[] found = new long[this.words];
		int offset = step(0, SPACE, found);
		boolean lastWasSpace = true;
		for (int l = 0; l < lines.size(); l++) {
			String line = lines.get(l);
			int length = line.length();
			boolean coded = length >= 3 && isDigit(line.charAt(0)) && isDigit(line.charAt(1)) && isDigit(line.charAt(2))
					&& (length == 3 || line.charAt(3) == ' ' || line.charAt(3) == '-');
			for (int i = coded ? Math.min(4, length) : 0; i < length; i++) {
				char c = line.charAt(i);
				int symbol = (c < 128) ? SYMBOLS[c] : OTHER;
				if (symbol >= SPACE) {
					if (lastWasSpace) {
						continue;
					}
					symbol = SPACE;
					lastWasSpace = true;
				}
				else {
					lastWasSpace = false;
				}
				offset = step(offset, symbol, found);
			}
			if (!lastWasSpace) {
				offset = step(offset, SPACE, found);
				lastWasSpace = true;
			}
		}
		return found;
	}

	/** One step of the automaton: the next row offset, noting the rules found there. */
	private int step(int offset, int symbol, long[] found) {
		int target = this.next[offset + symbol];
		if (target >= 0) {
			return target;
		}
		int reached = ~target;
		or(found, this.output[reached / ALPHABET]);
		return reached;
	}

	private static void or(long[] found, long[] out) {
		for (int w = 0; w < out.length; w++) {
			found[w] |= out[w];
		}
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	static boolean has(long[] found, int rule) {
		return (found[rule >>> 6] & (1L << (rule & 63))) != 0;
	}

	private static int symbolOf(char c) {
		if (c >= 'a' && c <= 'z') {
			return c - 'a';
		}
		if (c >= 'A' && c <= 'Z') {
			return c - 'A';
		}
		if (c >= '0' && c <= '9') {
			return 26 + (c - '0');
		}
		return (c == ' ') ? SPACE : OTHER;
	}

	/**
	 * Normalises text the way {@link #scan} sees it, for keywords and for the hint
	 * parser.
	 */
	static String normalise(String text) {
		StringBuilder out = new StringBuilder(text.length() + 2).append(' ');
		for (int i = 0; i < text.length(); i++) {
			int symbol = symbolOf(text.charAt(i));
			if (symbol == SPACE || symbol == OTHER) {
				if (out.charAt(out.length() - 1) != ' ') {
					out.append(' ');
				}
			}
			else {
				out.append(Character.toLowerCase(text.charAt(i)));
			}
		}
		if (out.charAt(out.length() - 1) != ' ') {
			out.append(' ');
		}
		return out.toString();
	}

}

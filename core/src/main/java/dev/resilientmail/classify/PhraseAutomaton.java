package dev.resilientmail.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.resilientmail.reply.EnhancedStatusCode;

/**
 * Finds, in one pass over a reply's reading ({@link ReplyText}), every phrase and signal
 * of the rule file that occurs in it (Aho-Corasick). Classification runs for every reply,
 * so no regular expressions and no copy of the text.
 * <p>
 * Two automata share the pass: one over words and spaces for phrases, a small one over
 * the characters of placeholders for signals (a signal never holds a space, and a phrase
 * never a signal character). Each is a flat goto table whose states are numbered
 * breadth-first, so that the shallow states a reply mostly visits sit together in the
 * cache.
 */
final class PhraseAutomaton {

	/** Letters, digits and the space. */
	private static final int WORD_ALPHABET = ReplyText.SPACE + 1;

	/** Letters, digits and one symbol for any other character. */
	private static final int SIGNAL_ALPHABET = ReplyText.SIGNAL_PUNCT - ReplyText.SIGNAL + 1;

	private final Table words;

	private final Table signals;

	/**
	 * @param phrases each phrase as symbols of {@link ReplyText}; its index is what
	 * {@link Reader#hit} receives
	 */
	PhraseAutomaton(List<int[]> phrases) {
		List<int[]> wordPhrases = new ArrayList<>();
		List<Integer> wordIds = new ArrayList<>();
		List<int[]> signalPhrases = new ArrayList<>();
		List<Integer> signalIds = new ArrayList<>();
		for (int phrase = 0; phrase < phrases.size(); phrase++) {
			int[] symbols = phrases.get(phrase);
			if (symbols[0] >= ReplyText.SIGNAL) {
				int[] shifted = new int[symbols.length];
				for (int i = 0; i < symbols.length; i++) {
					shifted[i] = symbols[i] - ReplyText.SIGNAL;
				}
				signalPhrases.add(shifted);
				signalIds.add(phrase);
			}
			else {
				wordPhrases.add(symbols);
				wordIds.add(phrase);
			}
		}
		this.words = new Table(wordPhrases, wordIds, WORD_ALPHABET);
		this.signals = new Table(signalPhrases, signalIds, SIGNAL_ALPHABET);
	}

	int states() {
		return this.words.output.length + this.signals.output.length;
	}

	/** One goto table with its outputs. */
	private static final class Table {

		private final int alphabet;

		/**
		 * One row of {@link #alphabet} entries per state, holding row offsets rather than
		 * state numbers, so that a step is one load; a state that finds phrases is
		 * written as the complement of its offset (negative), so that the many states
		 * that find none cost no second load.
		 */
		private final int[] next;

		/** The phrases found on reaching each state, by state number; null where none. */
		private final int[][] output;

		Table(List<int[]> phrases, List<Integer> ids, int alphabet) {
			this.alphabet = alphabet;
			// the trie, built depth by depth so that state numbers are breadth-first
			int maxLength = 0;
			int cells = alphabet;
			for (int[] phrase : phrases) {
				maxLength = Math.max(maxLength, phrase.length);
				cells += phrase.length * alphabet;
			}
			int[] next = new int[cells];
			Arrays.fill(next, -1);
			int[][] out = new int[cells / alphabet][];
			// each state's children as a list (first child, next sibling, symbol), so the
			// goto function below visits edges rather than every cell
			int[] firstChild = new int[cells / alphabet];
			int[] nextSibling = new int[cells / alphabet];
			int[] edgeSymbol = new int[cells / alphabet];
			int states = 1;
			// phrases still longer than the depth, in their order, so that each depth
			// only
			// visits the phrases that reach it
			int[][] live = phrases.toArray(new int[0][]);
			int[] liveIds = new int[live.length];
			for (int p = 0; p < live.length; p++) {
				liveIds[p] = ids.get(p);
			}
			int[] at = new int[live.length];
			int count = live.length;
			for (int depth = 0; depth < maxLength; depth++) {
				int kept = 0;
				for (int p = 0; p < count; p++) {
					int[] phrase = live[p];
					int cell = at[p] * alphabet + phrase[depth];
					if (next[cell] < 0) {
						next[cell] = states;
						nextSibling[states] = firstChild[at[p]];
						firstChild[at[p]] = states;
						edgeSymbol[states] = phrase[depth];
						states++;
					}
					int state = next[cell];
					if (depth == phrase.length - 1) {
						out[state] = add(out[state], liveIds[p]);
					}
					else {
						live[kept] = phrase;
						liveIds[kept] = liveIds[p];
						at[kept] = state;
						kept++;
					}
				}
				count = kept;
			}
			// failure links and the full goto function, in state order: a state's failure
			// state is shallower, so its row is complete when the state is reached, and
			// the row is that row with the state's own edges put in. Cells hold the
			// target
			// row's offset, complemented when the target has output; whether a state has
			// output is known once its failure link is, as its failure state is
			// shallower.
			int[] fail = new int[states];
			boolean[] hasOutput = new boolean[states];
			for (int state = 0; state < states; state++) {
				int row = state * alphabet;
				if (state > 0 && out[fail[state]] != null) {
					for (int phrase : out[fail[state]]) {
						out[state] = add(out[state], phrase);
					}
				}
				if (state == 0) {
					Arrays.fill(next, 0, alphabet, 0);
				}
				else {
					System.arraycopy(next, fail[state] * alphabet, next, row, alphabet);
				}
				for (int child = firstChild[state]; child != 0; child = nextSibling[child]) {
					int symbol = edgeSymbol[child];
					int failCell = next[row + symbol];
					fail[child] = (state == 0) ? 0 : ((failCell < 0) ? ~failCell : failCell) / alphabet;
					hasOutput[child] = out[child] != null || hasOutput[fail[child]];
					next[row + symbol] = hasOutput[child] ? ~(child * alphabet) : child * alphabet;
				}
			}
			this.output = Arrays.copyOf(out, states);
			this.next = Arrays.copyOf(next, states * alphabet);
		}

	}

	private static int[] add(int[] phrases, int phrase) {
		if (phrases == null) {
			return new int[] { phrase };
		}
		for (int known : phrases) {
			if (known == phrase) {
				return phrases;
			}
		}
		int[] more = Arrays.copyOf(phrases, phrases.length + 1);
		more[phrases.length] = phrase;
		return more;
	}

	private static int[] newState(int alphabet) {
		int[] state = new int[alphabet];
		Arrays.fill(state, -1);
		return state;
	}

	/**
	 * The automata's positions while they read one reply; a subclass says what a found
	 * phrase means. One object per reply, so that reading allocates nothing else.
	 */
	abstract static class Reader implements ReplyText.Symbols, ReplyText.Reading {

		private final Table words;

		private final Table signals;

		private int wordOffset;

		private int signalOffset;

		/** Symbols read by the word automaton so far. */
		private int wordPosition;

		/** The word position of the space that ended the last host name, or -1. */
		private int hostSpace = -1;

		Reader(PhraseAutomaton automaton) {
			// the tables, not their arrays: two fields fewer in the one object each reply
			// allocates
			this.words = automaton.words;
			this.signals = automaton.signals;
		}

		/** Reads the lines of a reply, calling {@link #hit} for every phrase found. */
		final void read(List<String> lines) {
			ReplyText.scan(lines, this);
		}

		/**
		 * A phrase was found (once per occurrence).
		 * @param phrase its index
		 */
		abstract void hit(int phrase);

		/**
		 * Whether the phrase of {@code length} symbols that was just found starts right
		 * after a host name ({@code mx.example.com does not exist}).
		 */
		final boolean startsAfterHost(int length) {
			return this.hostSpace >= 0 && this.wordPosition - length + 1 == this.hostSpace;
		}

		/** Symbols read by the word automaton so far: where a phrase just found ends. */
		final int position() {
			return this.wordPosition;
		}

		@Override
		public final void words(String line, int from, int to) {
			ReplyText.wordSymbols(line, from, to, this);
		}

		@Override
		public final void placeholder(int kind, String line, int from, int to) {
			if (kind == Tokens.ADDRESS || kind == Tokens.IP) {
				return;
			}
			ReplyText.signalSymbols(line, from, to, this);
			if (kind == Tokens.HOST) {
				this.hostSpace = this.wordPosition;
			}
		}

		@Override
		public void quotedReply(EnhancedStatusCode code) {
		}

		@Override
		public final void symbol(int symbol) {
			if (symbol >= ReplyText.SIGNAL) {
				int target = this.signals.next[this.signalOffset + symbol - ReplyText.SIGNAL];
				if (target >= 0) {
					this.signalOffset = target;
					return;
				}
				this.signalOffset = ~target;
				for (int phrase : this.signals.output[this.signalOffset / SIGNAL_ALPHABET]) {
					hit(phrase);
				}
				return;
			}
			if (symbol == ReplyText.SPACE) {
				// a signal ends at a space
				this.signalOffset = 0;
			}
			this.wordPosition++;
			int target = this.words.next[this.wordOffset + symbol];
			if (target >= 0) {
				this.wordOffset = target;
				return;
			}
			this.wordOffset = ~target;
			for (int phrase : this.words.output[this.wordOffset / WORD_ALPHABET]) {
				hit(phrase);
			}
		}

	}

}

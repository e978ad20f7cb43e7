package dev.resilientmail.classify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

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
			List<int[]> gotos = new ArrayList<>();
			List<int[]> outputs = new ArrayList<>();
			gotos.add(newState(alphabet));
			outputs.add(null);
			for (int p = 0; p < phrases.size(); p++) {
				int state = 0;
				for (int symbol : phrases.get(p)) {
					if (gotos.get(state)[symbol] <= 0) {
						gotos.get(state)[symbol] = gotos.size();
						gotos.add(newState(alphabet));
						outputs.add(null);
					}
					state = gotos.get(state)[symbol];
				}
				outputs.set(state, add(outputs.get(state), ids.get(p)));
			}
			int[][] delta = gotos.toArray(new int[0][]);
			int[][] out = outputs.toArray(new int[0][]);
			int[] fail = new int[delta.length];
			int[] order = new int[delta.length];
			int ordered = 0;
			order[ordered++] = 0;
			Queue<Integer> queue = new ArrayDeque<>();
			for (int symbol = 0; symbol < alphabet; symbol++) {
				if (delta[0][symbol] > 0) {
					queue.add(delta[0][symbol]);
				}
				else {
					delta[0][symbol] = 0;
				}
			}
			while (!queue.isEmpty()) {
				int state = queue.remove();
				order[ordered++] = state;
				if (out[fail[state]] != null) {
					for (int phrase : out[fail[state]]) {
						out[state] = add(out[state], phrase);
					}
				}
				for (int symbol = 0; symbol < alphabet; symbol++) {
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
			// number the states breadth-first: a reply mostly visits shallow ones
			int[] rank = new int[delta.length];
			for (int i = 0; i < delta.length; i++) {
				rank[order[i]] = i;
			}
			this.output = new int[delta.length][];
			for (int state = 0; state < delta.length; state++) {
				this.output[rank[state]] = out[state];
			}
			this.next = new int[delta.length * alphabet];
			for (int state = 0; state < delta.length; state++) {
				for (int symbol = 0; symbol < alphabet; symbol++) {
					int target = delta[state][symbol];
					int offset = rank[target] * alphabet;
					this.next[rank[state] * alphabet + symbol] = (out[target] != null) ? ~offset : offset;
				}
			}
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
	abstract static class Reader implements ReplyText.Symbols {

		private final int[] words;

		private final int[][] wordOutput;

		private final int[] signals;

		private final int[][] signalOutput;

		private int wordOffset;

		private int signalOffset;

		Reader(PhraseAutomaton automaton) {
			this.words = automaton.words.next;
			this.wordOutput = automaton.words.output;
			this.signals = automaton.signals.next;
			this.signalOutput = automaton.signals.output;
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

		@Override
		public final void symbol(int symbol) {
			if (symbol >= ReplyText.SIGNAL) {
				int target = this.signals[this.signalOffset + symbol - ReplyText.SIGNAL];
				if (target >= 0) {
					this.signalOffset = target;
					return;
				}
				this.signalOffset = ~target;
				for (int phrase : this.signalOutput[this.signalOffset / SIGNAL_ALPHABET]) {
					hit(phrase);
				}
				return;
			}
			if (symbol == ReplyText.SPACE) {
				// a signal ends at a space
				this.signalOffset = 0;
			}
			int target = this.words[this.wordOffset + symbol];
			if (target >= 0) {
				this.wordOffset = target;
				return;
			}
			this.wordOffset = ~target;
			for (int phrase : this.wordOutput[this.wordOffset / WORD_ALPHABET]) {
				hit(phrase);
			}
		}

	}

}

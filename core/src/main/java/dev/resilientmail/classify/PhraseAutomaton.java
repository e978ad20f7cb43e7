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
 */
final class PhraseAutomaton {

	private static final int ALPHABET = ReplyText.ALPHABET;

	/**
	 * The goto function, one row of {@link #ALPHABET} entries per state, flattened and
	 * holding row offsets rather than state numbers, so that a step is one load. A state
	 * that finds phrases is written as the complement of its offset (negative), so that
	 * the many states that find none cost no second load.
	 */
	private final int[] next;

	/** The phrases found on reaching each state, by state number; null where none. */
	private final int[][] output;

	/**
	 * @param phrases each phrase as symbols of {@link ReplyText}; its index is what
	 * {@link Hits#hit} receives
	 */
	PhraseAutomaton(List<int[]> phrases) {
		List<int[]> gotos = new ArrayList<>();
		List<int[]> outputs = new ArrayList<>();
		gotos.add(newState());
		outputs.add(null);
		for (int phrase = 0; phrase < phrases.size(); phrase++) {
			int state = 0;
			for (int symbol : phrases.get(phrase)) {
				if (gotos.get(state)[symbol] <= 0) {
					gotos.get(state)[symbol] = gotos.size();
					gotos.add(newState());
					outputs.add(null);
				}
				state = gotos.get(state)[symbol];
			}
			outputs.set(state, add(outputs.get(state), phrase));
		}
		int[][] delta = gotos.toArray(new int[0][]);
		int[][] out = outputs.toArray(new int[0][]);
		int[] fail = new int[delta.length];
		Queue<Integer> queue = new ArrayDeque<>();
		for (int symbol = 0; symbol < ALPHABET; symbol++) {
			if (delta[0][symbol] > 0) {
				queue.add(delta[0][symbol]);
			}
			else {
				delta[0][symbol] = 0;
			}
		}
		while (!queue.isEmpty()) {
			int state = queue.remove();
			if (out[fail[state]] != null) {
				for (int phrase : out[fail[state]]) {
					out[state] = add(out[state], phrase);
				}
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
		this.output = out;
		this.next = new int[delta.length * ALPHABET];
		for (int state = 0; state < delta.length; state++) {
			for (int symbol = 0; symbol < ALPHABET; symbol++) {
				int target = delta[state][symbol];
				int offset = target * ALPHABET;
				this.next[state * ALPHABET + symbol] = (out[target] != null) ? ~offset : offset;
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

	private static int[] newState() {
		int[] state = new int[ALPHABET];
		Arrays.fill(state, -1);
		return state;
	}

	int states() {
		return this.output.length;
	}

	/**
	 * The automaton's position while it reads one reply; a subclass says what a found
	 * phrase means. One object per reply, so that reading allocates nothing else.
	 */
	abstract static class Reader implements ReplyText.Symbols {

		private final int[] next;

		private final int[][] output;

		private int offset;

		private boolean lastWasSpace;

		Reader(PhraseAutomaton automaton) {
			this.next = automaton.next;
			this.output = automaton.output;
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
			if (symbol == ReplyText.SPACE) {
				if (this.lastWasSpace) {
					return;
				}
				this.lastWasSpace = true;
			}
			else {
				this.lastWasSpace = false;
			}
			int target = this.next[this.offset + symbol];
			if (target >= 0) {
				this.offset = target;
				return;
			}
			int reached = ~target;
			this.offset = reached;
			for (int phrase : this.output[reached / ALPHABET]) {
				hit(phrase);
			}
		}

	}

}

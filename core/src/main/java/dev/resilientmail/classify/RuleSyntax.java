package dev.resilientmail.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The small syntax of rule-file values: phrases and signals as symbols of
 * {@link ReplyText}, words, dotted parts and digits, read without regular expressions
 * (the file has thousands of lines and is read at start-up).
 */
final class RuleSyntax {

	private RuleSyntax() {
	}

	/**
	 * A phrase as symbols: its words separated by spaces and, unless it starts or ends
	 * with {@code *}, a space at both ends so that it matches whole words only.
	 */
	static int[] phraseSymbols(String phrase) {
		String words = phrase;
		boolean open = words.startsWith("*");
		boolean openEnd = words.endsWith("*") && words.length() > 1;
		words = words.substring(open ? 1 : 0, words.length() - (openEnd ? 1 : 0));
		for (String token : words(words)) {
			if (!token.isEmpty() && Tokens.kindOf(token, 0, token.length()) != Tokens.WORDS) {
				throw new IllegalArgumentException("phrase '" + phrase + "' holds '" + token
						+ "', which the reader replaces by a placeholder (address, URL, IP, host or id);"
						+ " write it as a 'signal'");
			}
		}
		// at most one symbol per character and the two spaces: no boxing on a cold start
		int[] symbols = new int[words.length() + 2];
		int count = 0;
		if (!open) {
			symbols[count++] = ReplyText.SPACE;
		}
		boolean letters = false;
		for (int i = 0; i < words.length(); i++) {
			int symbol = ReplyText.wordSymbol(words.charAt(i));
			if (symbol >= 0) {
				letters = true;
				symbols[count++] = symbol;
			}
			else if (count > 0 && symbols[count - 1] != ReplyText.SPACE) {
				symbols[count++] = ReplyText.SPACE;
			}
		}
		if (!letters) {
			throw new IllegalArgumentException("empty phrase '" + phrase + "'; a phrase needs letters or digits");
		}
		if (symbols[count - 1] == ReplyText.SPACE) {
			count--;
		}
		if (!openEnd) {
			symbols[count++] = ReplyText.SPACE;
		}
		return Arrays.copyOf(symbols, count);
	}

	/** A signal as symbols: matched anywhere inside a placeholder's text. */
	static int[] signalSymbols(String signal) {
		int[] symbols = new int[signal.length()];
		int count = 0;
		boolean letters = false;
		for (int i = 0; i < signal.length(); i++) {
			int symbol = ReplyText.wordSymbol(signal.charAt(i));
			if (symbol >= 0) {
				letters = true;
				symbols[count++] = ReplyText.SIGNAL + symbol;
			}
			else if (count == 0 || symbols[count - 1] != ReplyText.SIGNAL_PUNCT) {
				symbols[count++] = ReplyText.SIGNAL_PUNCT;
			}
		}
		if (!letters) {
			throw new IllegalArgumentException("empty signal '" + signal + "'; a signal needs letters or digits");
		}
		return Arrays.copyOf(symbols, count);
	}

	/**
	 * The words of a value, separated by spaces or tabs (no regular expression: 1,000s of
	 * lines).
	 */
	static String[] words(String value) {
		List<String> words = new ArrayList<>();
		int start = -1;
		for (int i = 0; i <= value.length(); i++) {
			boolean blank = i == value.length() || value.charAt(i) == ' ' || value.charAt(i) == '\t';
			if (blank && start >= 0) {
				words.add(value.substring(start, i));
				start = -1;
			}
			else if (!blank && start < 0) {
				start = i;
			}
		}
		return words.toArray(new String[0]);
	}

	static String[] split(String value, char separator) {
		List<String> parts = new ArrayList<>();
		int start = 0;
		for (int i = 0; i <= value.length(); i++) {
			if (i == value.length() || value.charAt(i) == separator) {
				parts.add(value.substring(start, i));
				start = i + 1;
			}
		}
		return parts.toArray(new String[0]);
	}

	static boolean digits(String value, int most) {
		if (value.isEmpty() || value.length() > most) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			if (value.charAt(i) < '0' || value.charAt(i) > '9') {
				return false;
			}
		}
		return true;
	}

}

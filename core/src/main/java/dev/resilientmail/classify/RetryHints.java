package dev.resilientmail.classify;

import java.time.Duration;
import java.util.Optional;

/**
 * Reads how long a server asks us to wait: "try again in 5 minutes", "retry after 30
 * seconds", "greylisted for 60 seconds", "wait 2 hours". Runs only when the text has such
 * a phrase.
 */
final class RetryHints {

	/** Longer hints are taken as a day: nobody should hold a message longer on a hint. */
	static final Duration LONGEST = Duration.ofDays(1);

	private RetryHints() {
	}

	static Optional<Duration> parse(String text) {
		String[] words = words(text);
		for (int i = 1; i + 1 < words.length; i++) {
			String before = words[i - 1];
			if (!before.equals("in") && !before.equals("after") && !before.equals("for") && !before.equals("wait")
					&& !before.equals("within")) {
				continue;
			}
			long amount = number(words[i]);
			if (amount < 0) {
				continue;
			}
			Duration unit = unit(words[i + 1]);
			if (unit != null) {
				Duration wait = (amount > LONGEST.getSeconds()) ? LONGEST : unit.multipliedBy(amount);
				return Optional.of((wait.compareTo(LONGEST) > 0) ? LONGEST : wait);
			}
		}
		return Optional.empty();
	}

	/**
	 * The words of the text: letters and digits, lower case; everything else separates.
	 */
	private static String[] words(String text) {
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			out.append((ReplyText.wordSymbol(c) >= 0) ? Character.toLowerCase(c) : ' ');
		}
		return out.toString().trim().split(" +");
	}

	private static long number(String word) {
		if (word.isEmpty() || word.length() > 9) {
			return -1;
		}
		long value = 0;
		for (int i = 0; i < word.length(); i++) {
			char c = word.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

	private static Duration unit(String word) {
		switch (word) {
			case "s":
			case "sec":
			case "secs":
			case "second":
			case "seconds":
				return Duration.ofSeconds(1);
			case "m":
			case "min":
			case "mins":
			case "minute":
			case "minutes":
				return Duration.ofMinutes(1);
			case "h":
			case "hr":
			case "hrs":
			case "hour":
			case "hours":
				return Duration.ofHours(1);
			default:
				return null;
		}
	}

}

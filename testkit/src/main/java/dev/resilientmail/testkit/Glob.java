package dev.resilientmail.testkit;

import java.util.Locale;

/** A case-insensitive pattern where {@code '*'} matches any characters. */
final class Glob {

	private final String pattern;

	private final String lowerPattern;

	Glob(String pattern) {
		this.pattern = pattern;
		this.lowerPattern = pattern.toLowerCase(Locale.ROOT);
	}

	boolean matches(String text) {
		return matches(this.lowerPattern, text.toLowerCase(Locale.ROOT));
	}

	/** Greedy-with-backtracking match; linear enough for addresses. */
	private static boolean matches(String pattern, String text) {
		int p = 0;
		int t = 0;
		int star = -1;
		int resume = 0;
		while (t < text.length()) {
			if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == text.charAt(t)) {
				p++;
				t++;
			}
			else if (p < pattern.length() && pattern.charAt(p) == '*') {
				star = p++;
				resume = t;
			}
			else if (star >= 0) {
				p = star + 1;
				t = ++resume;
			}
			else {
				return false;
			}
		}
		while (p < pattern.length() && pattern.charAt(p) == '*') {
			p++;
		}
		return p == pattern.length();
	}

	@Override
	public String toString() {
		return this.pattern;
	}

}

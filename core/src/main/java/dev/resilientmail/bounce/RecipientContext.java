package dev.resilientmail.bounce;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a report writes about one recipient besides its diagnostic: the lines above the
 * recipient's first mention and the paragraph after it. Read when the diagnostic alone
 * says nothing but codes.
 */
final class RecipientContext {

	/** Non-blank lines read above a recipient's first mention. */
	static final int MAX_CONTEXT_LINES = 12;

	/** Characters read above a recipient's first mention. */
	private static final int MAX_CONTEXT_CHARACTERS = 4000;

	private RecipientContext() {
	}

	/**
	 * What a report writes before its first mention of an address: the lines above it,
	 * back to a line naming another recipient (at most {@link #MAX_CONTEXT_LINES}), and
	 * the start of the mention's own line. Notes, iMail, Verizon, EZweb and Gmail's "**
	 * Address not found **" put the explanation there, above or before the address.
	 * @param others the report's other recipients, lower case
	 */
	static String before(String human, String address, Set<String> others) {
		int at = TextDetector.indexOfIgnoreCase(human, address);
		if (at < 0) {
			return "";
		}
		int lineStart = (at == 0) ? 0 : human.lastIndexOf('\n', at - 1) + 1;
		int windowStart = Math.max(0, lineStart - MAX_CONTEXT_CHARACTERS);
		List<String> lines = TextDetector.lines(human.substring(windowStart, lineStart));
		int from = lines.size();
		int kept = 0;
		while (from > 0 && kept < MAX_CONTEXT_LINES) {
			String line = lines.get(from - 1);
			if (TextDetector.mentionsAny(line.toLowerCase(Locale.ROOT), others)) {
				break;
			}
			from--;
			kept += line.isBlank() ? 0 : 1;
		}
		StringBuilder text = new StringBuilder();
		for (int i = from; i < lines.size(); i++) {
			String line = lines.get(i);
			if (!line.isBlank() && !TextDetector.SEPARATOR.matcher(line).matches()) {
				text.append(line).append('\n');
			}
		}
		return text.append(human, lineStart, at).toString();
	}

	/**
	 * What a report writes about a recipient: {@link #before} and
	 * {@link TextDetector#about} its first mention; the whole text (up to
	 * {@link #MAX_CONTEXT_CHARACTERS}) when the report has no other recipient and names
	 * this one only in its delivery-status fields (an alias expanded to a program, a
	 * local delivery agent's error).
	 * @param others the report's other recipients, lower case
	 */
	static String around(String human, String address, Set<String> others) {
		if (TextDetector.indexOfIgnoreCase(human, address) >= 0) {
			return before(human, address, others) + "\n" + TextDetector.about(human, address, others);
		}
		return others.isEmpty() ? human.substring(0, Math.min(human.length(), MAX_CONTEXT_CHARACTERS)) : "";
	}

}

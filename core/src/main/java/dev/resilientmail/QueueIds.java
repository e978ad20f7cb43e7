package dev.resilientmail;

import java.util.Optional;

/** Reads the queue id out of a final 250 reply in the wordings common servers use. */
final class QueueIds {

	private static final String[] MARKERS = { "queued as ", "id=", "queued with id ", "message accepted ", "ok " };

	private QueueIds() {
	}

	static Optional<String> find(String text) {
		String lower = text.toLowerCase(java.util.Locale.ROOT);
		for (String marker : MARKERS) {
			int at = lower.indexOf(marker);
			if (at >= 0) {
				String id = token(text, at + marker.length());
				if (!id.isEmpty()) {
					return Optional.of(id);
				}
			}
		}
		return Optional.empty();
	}

	private static String token(String text, int start) {
		int end = start;
		while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != ')'
				&& text.charAt(end) != ']' && text.charAt(end) != ',' && text.charAt(end) != ';') {
			end++;
		}
		String id = text.substring(start, end);
		return (id.length() > 2 && id.chars().anyMatch(Character::isLetterOrDigit)) ? id : "";
	}

}

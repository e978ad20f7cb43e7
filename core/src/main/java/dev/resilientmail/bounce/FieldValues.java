package dev.resilientmail.bounce;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Values of report and header fields as the bounce reader needs them: addresses, MTA
 * names, dates and message ids without their type prefixes, comments and brackets.
 */
final class FieldValues {

	private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.RFC_1123_DATE_TIME;

	private FieldValues() {
	}

	/** The address the report was delivered to: the original message's return path. */
	static Optional<String> sentTo(Headers headers) {
		for (String name : new String[] { "x-original-to", "delivered-to", "to" }) {
			String address = address(headers.value(name));
			if (!address.isEmpty()) {
				return Optional.of(address);
			}
		}
		return Optional.empty();
	}

	static String bare(String id) {
		String value = id.trim();
		int open = value.indexOf('<');
		int close = value.indexOf('>', open + 1);
		if (open >= 0 && close > open) {
			return value.substring(open + 1, close).trim();
		}
		return value.contains(" ") ? "" : value;
	}

	static String firstOf(Headers headers, String... names) {
		for (String name : names) {
			String value = headers.get(name);
			if (value != null && !value.isBlank()) {
				return value;
			}
		}
		return "";
	}

	static String firstToken(String value) {
		String trimmed = value.trim();
		int space = 0;
		while (space < trimmed.length() && !Character.isWhitespace(trimmed.charAt(space))
				&& trimmed.charAt(space) != '(') {
			space++;
		}
		return trimmed.substring(0, space);
	}

	/** An address field value: {@code rfc822; <a@b>} to {@code a@b}. */
	static String address(String value) {
		String text = value.trim();
		int semicolon = text.indexOf(';');
		if (semicolon >= 0 && semicolon < 12) {
			text = text.substring(semicolon + 1).trim();
		}
		Matcher matcher = TextDetector.ADDRESS.matcher(text);
		if (matcher.find()) {
			return TextDetector.clean(matcher.group());
		}
		return "";
	}

	static void addAddresses(String field, Set<String> into) {
		Matcher matcher = TextDetector.ADDRESS.matcher(field);
		while (matcher.find()) {
			into.add(TextDetector.clean(matcher.group()).toLowerCase(Locale.ROOT));
		}
	}

	/** An MTA field value: {@code dns; mx.example.com} to {@code mx.example.com}. */
	static String mta(String value) {
		String text = value.trim();
		int semicolon = text.indexOf(';');
		if (semicolon >= 0 && semicolon < 12) {
			text = text.substring(semicolon + 1).trim();
		}
		int space = text.indexOf(' ');
		return (space > 0) ? text.substring(0, space) : text;
	}

	static Optional<Instant> date(String value) {
		String text = value.trim();
		if (text.isEmpty()) {
			return Optional.empty();
		}
		int comment = text.indexOf('(');
		if (comment > 0) {
			text = text.substring(0, comment).trim();
		}
		text = text.replaceAll("\\s+", " ");
		try {
			return Optional.of(ZonedDateTime.parse(text, RFC_5322).toInstant());
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	static Optional<String> optional(String value) {
		return (value == null || value.isBlank()) ? Optional.empty() : Optional.of(value.trim());
	}

}

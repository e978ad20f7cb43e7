package dev.resilientmail.bounce;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the recipients of a bounce in its human-readable text, whatever the format: a
 * recipient is an address written where a report puts one (at the start of a line, after
 * a label like {@code Recipient address:} or {@code RCPT TO:}), and what the report says
 * about it is the text that follows, up to the next recipient, a separator line or a
 * blank line pair. The text is first cut where the returned message starts.
 */
final class TextDetector {

	/** Lines of human-readable text looked at. */
	static final int MAX_LINES = 5000;

	/** Lines kept per recipient block. */
	private static final int MAX_BLOCK_LINES = 40;

	static final Pattern ADDRESS = Pattern.compile(
			"[\\p{L}\\p{N}.!#$%&'*+/=?^_`{|}~-]{1,64}@[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,62}[\\p{L}\\p{N}])?(?:\\.[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,62}[\\p{L}\\p{N}])?)+");

	/**
	 * An address where reports put recipients: first on the line, perhaps after a label.
	 */
	private static final Pattern ANCHOR = Pattern.compile(
			"^\\s*(?:[-*>•+]+\\s*)?(?:In:\\s+)?(?:([45]\\d\\d)[ -]+)?(?:([A-Za-z][A-Za-z0-9 _-]{0,30}?)\\s*:\\s*)?(?:rfc822;\\s*)?[<\"'(\\[]?("
					+ ADDRESS.pattern() + ")[>\"')\\]]?(?=$|[\\s:;,.(<>]|\\.\\.\\.)");

	/**
	 * What may follow a recipient line's first address when that address is only the
	 * display part of a name-addr: {@code a@x <b@y>} (Exim quoting a header), or
	 * Exchange's {@code a@x (a@x)<mailto:b@y>}; the address in angle brackets is the
	 * recipient (RFC 5322 3.4), the link's target in Exchange's.
	 */
	private static final Pattern NAME_ADDR_TAIL = Pattern
		.compile("^[\"')]?\\s*(?:\\([^()]{0,200}\\)\\s*)?<(?:mailto:)?(" + ADDRESS.pattern() + ")>");

	/** Labels whose address is not a recipient. */
	private static final Set<String> NOT_RECIPIENT_LABELS = Set.of("from", "sender", "reply-to", "return-path",
			"subject", "date", "message-id", "cc", "bcc", "to", "envelope-from", "mail from", "x-original-sender",
			"delivered-to", "x-original-to", "in-reply-to", "references", "received", "hello");

	/** Labels that only say "here is a recipient". */
	private static final Set<String> NEUTRAL_LABELS = Set.of("recipient", "recipients", "recipient address",
			"recipient addresses", "address", "addresses", "rcpt to", "rcpt", "final-recipient", "original-recipient",
			"failed recipient", "failed recipients", "failed address", "email", "e-mail", "mailbox", "user",
			"invalid recipient", "destination", "to address");

	private static final List<String> SENDER_KEYWORDS = List.of("mail", "envelope-from", "sender");

	/**
	 * A sender, also where a transcript wraps the command ({@code MAIL\n FROM:<...>}).
	 */
	private static final Pattern MAIL_FROM = Pattern
		.compile("(?i)(?:mail\\s+from|envelope-from|sender)\\s*:?\\s*<(" + ADDRESS.pattern() + ")>");

	private static final Pattern REPLY_CODE = Pattern.compile("(?<![\\w.])[45][0-5]\\d(?![\\w.])");

	/** A delivery-status field written into the text: the end of what the text says. */
	private static final Pattern DSN_FIELD = Pattern.compile(
			"(?i)(?:reporting-mta|final-recipient|original-recipient|action|status|remote-mta|diagnostic-code|arrival-date|received-from-mta|last-attempt-date):");

	/**
	 * A Sendmail transcript's summary line: {@code 421 example.org (smtp)... Deferred},
	 * {@code 550 5.1.1 <bob@...>... User unknown}; group 1 is what it is about.
	 */
	private static final Pattern SUMMARY = Pattern
		.compile("\\s*[45]\\d\\d[ -](?:[245]\\.\\d{1,3}\\.\\d{1,3}[ -])?(\\S+)(?: \\([^)]{0,40}\\))?\\.\\.\\.");

	/** Lines of quoted replies ({@code <<< ...}) read above a summary line. */
	private static final int MAX_QUOTED_REPLIES = 5;

	static final Pattern SEPARATOR = Pattern.compile("^\\s*(?:[-=*_#~]\\s*){5,}$");

	private TextDetector() {
	}

	/** The text of one recipient as a report wrote it. */
	record Block(String address, String text) {
	}

	/** Cuts the text where the returned message starts. */
	static String humanPart(String text, Formats formats) {
		int position = 0;
		int end = text.length();
		boolean previousBlank = false;
		int lines = 0;
		while (position < end && lines++ < MAX_LINES) {
			int lineEnd = Mime.lineEnd(text, position, end);
			String line = text.substring(position, lineEnd).trim();
			String lower = line.toLowerCase(Locale.ROOT);
			if (!lower.isEmpty()) {
				for (String original : formats.originals) {
					if (lower.startsWith(original)) {
						return text.substring(0, position);
					}
				}
				if (previousBlank && position > 0 && (lower.startsWith("received: from ")
						|| lower.startsWith("return-path: <") || lower.startsWith("return-path:<"))) {
					return text.substring(0, position);
				}
			}
			previousBlank = lower.isEmpty();
			position = Mime.nextLine(text, lineEnd, end);
		}
		return (position < end) ? text.substring(0, position) : text;
	}

	/**
	 * Addresses a report names as the sender: {@code MAIL FROM:<...>},
	 * {@code envelope-from <...>}.
	 */
	static void senders(String text, Set<String> into) {
		String lower = text.toLowerCase(Locale.ROOT);
		if (lower.length() != text.length()) {
			lower = text;
		}
		Matcher matcher = MAIL_FROM.matcher(text);
		for (String keyword : SENDER_KEYWORDS) {
			int at = lower.indexOf(keyword);
			while (at >= 0) {
				// the pattern only where its keyword stands: a scan of the whole text per
				// position would cost more than the rest of the parse
				matcher.region(at, Math.min(text.length(), at + 400));
				if (matcher.lookingAt()) {
					into.add(matcher.group(1).toLowerCase(Locale.ROOT));
				}
				at = lower.indexOf(keyword, at + keyword.length());
			}
		}
	}

	/**
	 * The recipient blocks of a report's human text, in order, one per address (the
	 * blocks of an address named twice are joined); none when no address stands where a
	 * recipient would.
	 */
	static List<Block> blocks(String human, Set<String> excluded, int maxRecipients) {
		List<String> lines = lines(human);
		List<int[]> anchors = new ArrayList<>();
		List<String> addresses = new ArrayList<>();
		List<String> labels = new ArrayList<>();
		List<String> codes = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			Matcher matcher = ANCHOR.matcher(lines.get(i));
			if (!matcher.find()) {
				continue;
			}
			String label = matcher.group(2);
			if (label != null && NOT_RECIPIENT_LABELS.contains(label.trim().toLowerCase(Locale.ROOT))) {
				continue;
			}
			String address = clean(matcher.group(3));
			int end = matcher.end(3);
			Matcher named = NAME_ADDR_TAIL.matcher(lines.get(i)).region(end, lines.get(i).length());
			boolean bracketed = matcher.start(3) > 0 && lines.get(i).charAt(matcher.start(3) - 1) == '<';
			if (!bracketed && named.lookingAt()) {
				address = clean(named.group(1));
				end = named.end();
			}
			if (excluded.contains(address.toLowerCase(Locale.ROOT))) {
				continue;
			}
			anchors.add(new int[] { i, end });
			addresses.add(address);
			codes.add(matcher.group(1));
			labels.add((label != null && !NEUTRAL_LABELS.contains(label.trim().toLowerCase(Locale.ROOT)))
					? label.trim() + ": " : "");
		}
		Map<String, StringBuilder> texts = new LinkedHashMap<>();
		Map<String, String> spelling = new LinkedHashMap<>();
		for (int a = 0; a < anchors.size(); a++) {
			int first = anchors.get(a)[0];
			int limit = (a + 1 < anchors.size()) ? anchors.get(a + 1)[0] : lines.size();
			String rest = stripLeading(
					lines.get(first).substring(Math.min(anchors.get(a)[1], lines.get(first).length())));
			// a label that says something ("Unknown user: bob@...") is the diagnostic
			// when
			// nothing follows the address on its line; otherwise it is the report's
			// wording
			StringBuilder text = new StringBuilder();
			if (codes.get(a) != null) {
				// a transcript's summary line ("554 <bob@...>... Remote protocol error"):
				// the server's replies quoted just above it ("<<< 550 ...") answered this
				// recipient, and the line's own code is the verdict
				int up = first;
				while (up > 0 && first - up < MAX_QUOTED_REPLIES && lines.get(up - 1).trim().startsWith("<<<")) {
					up--;
				}
				for (int k = up; k < first; k++) {
					text.append(lines.get(k).trim()).append('\n');
				}
				text.append(codes.get(a)).append(' ');
			}
			text.append(rest);
			int stop = Math.min(limit, first + MAX_BLOCK_LINES + 1);
			for (int k = first + 1; k < stop; k++) {
				Matcher summary = SUMMARY.matcher(lines.get(k));
				if (summary.lookingAt() && !summary.group(1)
					.toLowerCase(Locale.ROOT)
					.contains(addresses.get(a).toLowerCase(Locale.ROOT))) {
					// the transcript's summary of another recipient or host
					stop = k;
					break;
				}
			}
			int i = paragraph(lines, first + 1, stop, false, text);
			if (!REPLY_CODE.matcher(text).find()) {
				// nothing quoted yet: the reply may stand below a separator ("-----server
				// message")
				int shortLength = text.length();
				for (; i < stop; i++) {
					if (!lines.get(i).isBlank() && !SEPARATOR.matcher(lines.get(i)).matches()) {
						text.append('\n').append(lines.get(i));
					}
				}
				if (!REPLY_CODE.matcher(text).find()) {
					text.setLength(shortLength);
				}
			}
			if (text.toString().isBlank()) {
				text.append(labels.get(a));
			}
			String key = addresses.get(a).toLowerCase(Locale.ROOT);
			if (!texts.containsKey(key) && texts.size() >= maxRecipients) {
				continue;
			}
			spelling.putIfAbsent(key, addresses.get(a));
			texts.computeIfAbsent(key, (k) -> new StringBuilder()).append(text).append('\n');
		}
		List<Block> blocks = new ArrayList<>();
		texts.forEach((key, text) -> blocks.add(new Block(spelling.get(key), text.toString())));
		return blocks;
	}

	/**
	 * The text around an address named anywhere (the fallback when no address is
	 * anchored).
	 */
	static Block anywhere(String human, Set<String> excluded) {
		Matcher matcher = ADDRESS.matcher(human);
		while (matcher.find()) {
			String address = clean(matcher.group());
			if (!excluded.contains(address.toLowerCase(Locale.ROOT))) {
				// what follows the mention; the text before it is the report's
				// introduction
				String after = human.substring(matcher.end());
				return new Block(address, after.isBlank() ? human : after);
			}
		}
		return null;
	}

	/** The text about one address: from its first mention on. */
	static String about(String human, String address) {
		return about(human, address, Set.of());
	}

	/**
	 * The text about one address: from its first mention on, up to a line naming another
	 * recipient.
	 * @param others the report's other recipients, lower case
	 */
	static String about(String human, String address, Set<String> others) {
		int at = indexOfIgnoreCase(human, address);
		if (at < 0) {
			return "";
		}
		// the paragraph after the mention: up to two blank lines or a separator line
		List<String> lines = lines(human.substring(at + address.length()), MAX_BLOCK_LINES + 1);
		int stop = lines.size();
		for (int i = 1; i < stop; i++) {
			if (mentionsAny(lines.get(i).toLowerCase(Locale.ROOT), others)) {
				stop = i;
				break;
			}
		}
		StringBuilder text = new StringBuilder();
		paragraph(lines, 0, stop, true, text);
		return text.toString();
	}

	static boolean mentionsAny(String lowerLine, Set<String> addresses) {
		if (lowerLine.indexOf('@') < 0) {
			return false;
		}
		for (String address : addresses) {
			if (lowerLine.contains(address)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Appends the lines from {@code from} up to two blank lines, a separator line or
	 * {@code stop}; with {@code aboutLine} also up to a delivery-status field, and the
	 * first line is the rest of the line naming the address.
	 * @return the index of the line it stopped at
	 */
	private static int paragraph(List<String> lines, int from, int stop, boolean aboutLine, StringBuilder text) {
		int blank = 0;
		int i = from;
		for (; i < stop; i++) {
			String line = lines.get(i);
			if (SEPARATOR.matcher(line).matches() || (aboutLine && DSN_FIELD.matcher(line).lookingAt())) {
				break;
			}
			if (line.isBlank()) {
				if (++blank >= 2) {
					break;
				}
				continue;
			}
			blank = 0;
			text.append((aboutLine && i == from) ? stripLeading(line) : "\n" + line);
		}
		return i;
	}

	/** The text after an address without the punctuation that closed it ({@code >:}). */
	private static String stripLeading(String text) {
		int i = 0;
		while (i < text.length() && (text.charAt(i) == '>' || text.charAt(i) == ':' || text.charAt(i) == ','
				|| text.charAt(i) == ';' || text.charAt(i) == '"' || text.charAt(i) == ')')) {
			i++;
		}
		return text.substring(i);
	}

	static String clean(String address) {
		String value = address;
		while (value.endsWith(".")) {
			value = value.substring(0, value.length() - 1);
		}
		return value;
	}

	/** Where the text first names the address, ignoring case; -1 if nowhere. */
	static int indexOfIgnoreCase(String text, String address) {
		int length = address.length();
		if (length == 0) {
			return -1;
		}
		char first = Character.toLowerCase(address.charAt(0));
		for (int i = 0; i + length <= text.length(); i++) {
			if (Character.toLowerCase(text.charAt(i)) == first && text.regionMatches(true, i, address, 0, length)) {
				return i;
			}
		}
		return -1;
	}

	static List<String> lines(String text) {
		return lines(text, MAX_LINES);
	}

	private static List<String> lines(String text, int maxLines) {
		List<String> lines = new ArrayList<>();
		int position = 0;
		int end = text.length();
		while (position < end && lines.size() < maxLines) {
			int lineEnd = Mime.lineEnd(text, position, end);
			lines.add(text.substring(position, Math.min(lineEnd, position + 4096)));
			position = Mime.nextLine(text, lineEnd, end);
		}
		return lines;
	}

}

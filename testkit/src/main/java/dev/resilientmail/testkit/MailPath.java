package dev.resilientmail.testkit;

/**
 * The path of a {@code MAIL FROM:<...>} or {@code RCPT TO:<...>} command and the declared
 * {@code SIZE} parameter, read leniently with plain string scanning.
 */
record MailPath(String address, long declaredSize) {

	static final long BAD_SIZE = -2;

	private static final long NO_SIZE = -1;

	/**
	 * Reads the path after the verb; {@code keyword} is {@code "FROM:"} or {@code "TO:"}.
	 * @return the path, or null when the command has no readable address
	 */
	static MailPath parse(String line, String keyword) {
		int i = 4;
		while (i < line.length() && line.charAt(i) == ' ') {
			i++;
		}
		if (!line.regionMatches(true, i, keyword, 0, keyword.length())) {
			return null;
		}
		i += keyword.length();
		while (i < line.length() && line.charAt(i) == ' ') {
			i++;
		}
		String address;
		int end;
		if (i < line.length() && line.charAt(i) == '<') {
			end = line.indexOf('>', i + 1);
			if (end < 0) {
				return null;
			}
			address = line.substring(i + 1, end);
			end++;
		}
		else {
			end = line.indexOf(' ', i);
			end = (end < 0) ? line.length() : end;
			address = line.substring(i, end);
			if (address.isEmpty()) {
				return null;
			}
		}
		return new MailPath(address, declaredSize(line, end));
	}

	private static long declaredSize(String line, int from) {
		int at = indexOfIgnoreCase(line, " SIZE=", from);
		if (at < 0) {
			return NO_SIZE;
		}
		int start = at + 6;
		int stop = line.indexOf(' ', start);
		try {
			long size = Long.parseLong(line.substring(start, (stop < 0) ? line.length() : stop));
			return (size < 0) ? BAD_SIZE : size;
		}
		catch (NumberFormatException ex) {
			return BAD_SIZE;
		}
	}

	private static int indexOfIgnoreCase(String text, String part, int from) {
		for (int i = from; i <= text.length() - part.length(); i++) {
			if (text.regionMatches(true, i, part, 0, part.length())) {
				return i;
			}
		}
		return -1;
	}

}

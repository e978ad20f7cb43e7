package dev.resilientmail.bounce;

/**
 * HTML to plain text, enough for reading a bounce: tags become line breaks or nothing.
 */
final class Html {

	private Html() {
	}

	static String toText(String html) {
		StringBuilder out = new StringBuilder(html.length());
		int i = 0;
		int length = html.length();
		while (i < length) {
			char c = html.charAt(i);
			if (c == '<') {
				int close = html.indexOf('>', i + 1);
				if (close < 0) {
					break;
				}
				String tag = html.substring(i + 1, Math.min(close, i + 12)).toLowerCase(java.util.Locale.ROOT);
				if (tag.startsWith("style") || tag.startsWith("script")) {
					int end = html.toLowerCase(java.util.Locale.ROOT).indexOf("</" + tag.substring(0, 5), close);
					close = (end < 0) ? length - 1 : html.indexOf('>', end);
					if (close < 0) {
						break;
					}
				}
				if (tag.startsWith("br") || tag.startsWith("p") || tag.startsWith("/p") || tag.startsWith("div")
						|| tag.startsWith("/div") || tag.startsWith("tr") || tag.startsWith("li")
						|| tag.startsWith("/tr") || tag.startsWith("h")) {
					out.append('\n');
				}
				else if (tag.startsWith("td") || tag.startsWith("/td")) {
					out.append(' ');
				}
				i = close + 1;
				continue;
			}
			if (c == '&') {
				int semicolon = html.indexOf(';', i);
				if (semicolon > i && semicolon - i <= 8) {
					String entity = html.substring(i + 1, semicolon);
					String value = switch (entity) {
						case "lt" -> "<";
						case "gt" -> ">";
						case "amp" -> "&";
						case "quot" -> "\"";
						case "nbsp", "#160" -> " ";
						case "#39", "apos" -> "'";
						default -> null;
					};
					if (value != null) {
						out.append(value);
						i = semicolon + 1;
						continue;
					}
				}
			}
			out.append(c);
			i++;
		}
		return out.toString();
	}

}

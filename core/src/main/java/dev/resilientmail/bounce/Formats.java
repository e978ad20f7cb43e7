package dev.resilientmail.bounce;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The format knowledge of the text detector, read once from {@code formats.txt}: where a
 * returned message starts, which phrases say delayed or given up, what marks a bounce,
 * and how each non-standard format is recognised.
 */
final class Formats {

	static final Formats STANDARD = load();

	final List<String> originals = new ArrayList<>();

	final List<String> delays = new ArrayList<>();

	final List<String> finals = new ArrayList<>();

	final List<String> subjects = new ArrayList<>();

	final List<String> suffixes = new ArrayList<>();

	final List<String> froms = new ArrayList<>();

	final List<Format> formats = new ArrayList<>();

	/** One format and its recognisers, all lower case. */
	record Format(String name, List<String> bodies, List<String> froms, List<String> subjects, List<String> headers) {

		boolean recognises(String bodyLower, String fromLower, String subjectLower, Headers headers) {
			for (String body : this.bodies) {
				if (bodyLower.contains(body)) {
					return true;
				}
			}
			for (String header : this.headers) {
				if (headers.has(header)) {
					return true;
				}
			}
			return containsAny(fromLower, this.froms) && containsAny(subjectLower, this.subjects);
		}

	}

	static boolean containsAny(String text, List<String> phrases) {
		for (String phrase : phrases) {
			if (text.contains(phrase)) {
				return true;
			}
		}
		return false;
	}

	/** The name of the first format that recognises the message, or {@code null}. */
	String recognise(String body, Headers headers) {
		String bodyLower = body.toLowerCase(Locale.ROOT);
		String from = headers.value("from").toLowerCase(Locale.ROOT);
		String subject = headers.value("subject").toLowerCase(Locale.ROOT);
		for (Format format : this.formats) {
			if (format.recognises(bodyLower, from, subject, headers)) {
				return format.name();
			}
		}
		return null;
	}

	private static Formats load() {
		Formats formats = new Formats();
		try (InputStream in = Formats.class.getResourceAsStream("formats.txt")) {
			if (in == null) {
				throw new IllegalStateException("formats.txt is missing from the class path");
			}
			BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			String line;
			String name = null;
			List<String> bodies = null;
			List<String> froms = null;
			List<String> subjects = null;
			List<String> headers = null;
			int number = 0;
			while ((line = reader.readLine()) != null) {
				number++;
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				int tab = line.indexOf('\t');
				if (tab < 0) {
					throw new IllegalStateException("formats.txt line " + number + ": expected KEY<TAB>VALUE");
				}
				String key = line.substring(0, tab);
				String value = line.substring(tab + 1).trim().toLowerCase(Locale.ROOT);
				if (key.equals("format")) {
					if (name != null) {
						formats.formats.add(new Format(name, bodies, froms, subjects, headers));
					}
					name = line.substring(tab + 1).trim();
					bodies = new ArrayList<>();
					froms = new ArrayList<>();
					subjects = new ArrayList<>();
					headers = new ArrayList<>();
					continue;
				}
				if (name == null) {
					switch (key) {
						case "original" -> formats.originals.add(value);
						case "delay" -> formats.delays.add(value);
						case "final" -> formats.finals.add(value);
						case "subject" -> formats.subjects.add(value);
						case "from" -> formats.froms.add(value);
						case "suffix" -> formats.suffixes.add(value);
						default ->
							throw new IllegalStateException("formats.txt line " + number + ": unknown key " + key);
					}
					continue;
				}
				switch (key) {
					case "body" -> bodies.add(value);
					case "from" -> froms.add(value);
					case "subject" -> subjects.add(value);
					case "header" -> headers.add(value);
					default -> throw new IllegalStateException("formats.txt line " + number + ": unknown key " + key);
				}
			}
			if (name != null) {
				formats.formats.add(new Format(name, bodies, froms, subjects, headers));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return formats;
	}

}

package dev.resilientmail.reply;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each basic reply code and each registered enhanced status code means, in plain
 * words, with the RFC that defines it. Lookups are constant time. The meanings are the
 * project's own wording of RFC 5321, RFC 3463 and the IANA registry of enhanced status
 * codes.
 *
 * @since 0.1.0
 */
public final class ReplyCatalog {

	private final Entry[] basic = new Entry[600];

	private final Map<Integer, Entry> enhanced = new HashMap<>();

	private final Entry[] classes = new Entry[6];

	private final Entry[] subjects = new Entry[8];

	private ReplyCatalog() {
		load("basic-reply-codes.tsv", (entry) -> this.basic[Integer.parseInt(entry.code())] = entry);
		load("enhanced-status-codes.tsv", this::addEnhanced);
	}

	/**
	 * Returns the catalog.
	 * @return the shared, immutable catalog
	 */
	public static ReplyCatalog standard() {
		return Holder.INSTANCE;
	}

	/**
	 * Looks up a basic reply code such as 550.
	 * @param code the code
	 * @return its entry, empty if the catalog does not list it
	 */
	public Optional<Entry> basic(int code) {
		return (code >= 0 && code < this.basic.length) ? Optional.ofNullable(this.basic[code]) : Optional.empty();
	}

	/**
	 * Looks up an enhanced code by subject and detail (the registry lists them as
	 * {@code X.s.d}).
	 * @param code the code
	 * @return its entry, empty if the code is not registered
	 */
	public Optional<Entry> enhanced(EnhancedStatusCode code) {
		return Optional.ofNullable(this.enhanced.get(code.subject() * 1000 + code.detail()));
	}

	/**
	 * Returns the meaning of a class: 2, 4 or 5.
	 * @param codeClass the class
	 * @return its entry
	 * @throws IllegalArgumentException for other classes
	 */
	public Entry codeClass(int codeClass) {
		if (codeClass != 2 && codeClass != 4 && codeClass != 5) {
			throw new IllegalArgumentException("enhanced status code class must be 2, 4 or 5, got " + codeClass);
		}
		return this.classes[codeClass];
	}

	/**
	 * Returns the meaning of a subject, 0 to 7.
	 * @param subject the subject
	 * @return its entry, empty for unregistered subjects
	 */
	public Optional<Entry> subject(int subject) {
		return (subject >= 0 && subject < this.subjects.length) ? Optional.ofNullable(this.subjects[subject])
				: Optional.empty();
	}

	/**
	 * Describes an enhanced code in one line: its exact meaning when registered,
	 * otherwise its subject's, with the class's meaning.
	 * @param code the code
	 * @return the description
	 */
	public String describe(EnhancedStatusCode code) {
		String what = enhanced(code).map(Entry::meaning)
			.orElseGet(() -> subject(code.subject()).map((s) -> "unregistered detail; subject: " + s.meaning())
				.orElse("unregistered subject and detail"));
		return what + " (" + codeClass(code.codeClass()).meaning() + ")";
	}

	/**
	 * Describes a basic reply code; codes not in the catalog are described by their first
	 * digit.
	 * @param code the code
	 * @return the description
	 */
	public String describeBasic(int code) {
		return basic(code).map(Entry::meaning).orElseGet(() -> switch (code / 100) {
			case 2 -> "Unlisted success code.";
			case 3 -> "Unlisted intermediate code: the server waits for more.";
			case 4 -> "Unlisted temporary failure: trying again later may work.";
			case 5 -> "Unlisted permanent failure.";
			default -> "Not an SMTP reply code.";
		});
	}

	private void addEnhanced(Entry entry) {
		String[] parts = entry.code().split("\\.");
		if (parts[1].equals("X")) {
			this.classes[Integer.parseInt(parts[0])] = entry;
		}
		else if (parts[2].equals("X")) {
			this.subjects[Integer.parseInt(parts[1])] = entry;
		}
		else {
			this.enhanced.put(Integer.parseInt(parts[1]) * 1000 + Integer.parseInt(parts[2]), entry);
		}
	}

	private static void load(String name, java.util.function.Consumer<Entry> sink) {
		try (InputStream in = ReplyCatalog.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("catalog resource " + name + " is missing from the jar");
			}
			BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			String line;
			int number = 0;
			while ((line = reader.readLine()) != null) {
				number++;
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				String[] columns = line.split("\t");
				if (columns.length < 3) {
					throw new IllegalStateException("catalog " + name + " line " + number + " is malformed: " + line);
				}
				try {
					sink.accept(new Entry(columns[0], columns[1], columns[2]));
				}
				catch (RuntimeException ex) {
					throw new IllegalStateException("catalog " + name + " line " + number + " is malformed: " + line,
							ex);
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read catalog resource " + name, ex);
		}
	}

	/**
	 * One catalog entry.
	 *
	 * @param code the code as the catalog writes it: {@code 550}, {@code X.1.1},
	 * {@code 5.X.X}, {@code X.7.X}
	 * @param meaning what it means, in plain words
	 * @param reference the defining document, like {@code RFC5321}
	 * @since 0.1.0
	 */
	public record Entry(String code, String meaning, String reference) {
	}

	private static final class Holder {

		static final ReplyCatalog INSTANCE = new ReplyCatalog();

	}

}

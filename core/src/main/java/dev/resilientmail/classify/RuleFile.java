package dev.resilientmail.classify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.resilientmail.reply.SmtpCommand;

/**
 * Reads the rule file: blocks of {@code field value} lines, one rule per block, a block
 * started by its {@code rule <id>} line; {@code #} starts a comment line. The format is
 * described at the top of {@code default-rules.txt} and in
 * {@code docs/classification.md}. Every mistake fails the load with the file, the line
 * and the allowed values.
 */
final class RuleFile {

	/** The default rules, a resource beside this class. */
	static final String DEFAULT = "default-rules.txt";

	static final List<String> FIELDS = List.of("rule", "reason", "kind", "policy", "retry", "retry-after", "phases",
			"codes", "enhanced", "infer", "weak", "wrapper", "decisive", "phrase", "signal", "regex", "source");

	/** A phrase starting with this counts only right after a host name. */
	static final String AFTER_HOST = "<host> ";

	private final String name;

	private final List<Rule> rules = new ArrayList<>();

	private final Set<String> ids = new HashSet<>();

	private Rule.Builder current;

	private boolean kindGiven;

	private boolean policyGiven;

	private boolean retryGiven;

	private RuleFile(String name) {
		this.name = name;
	}

	/** Loads the default rule file from the class path. */
	static List<Rule> loadDefault() {
		try (InputStream in = RuleFile.class.getResourceAsStream(DEFAULT)) {
			if (in == null) {
				throw new IllegalStateException("rule file " + DEFAULT + " is missing from the class path");
			}
			return parse(DEFAULT, new InputStreamReader(in, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read rule file " + DEFAULT, ex);
		}
	}

	/**
	 * Parses a rule file.
	 * @param name the file's name, for error messages
	 * @param reader the text
	 * @return the rules in file order
	 * @throws IllegalArgumentException naming file, line and allowed values on any
	 * mistake
	 */
	static List<Rule> parse(String name, Reader reader) throws IOException {
		RuleFile file = new RuleFile(name);
		BufferedReader lines = new BufferedReader(reader);
		String line;
		int number = 0;
		while ((line = lines.readLine()) != null) {
			number++;
			file.line(line.strip(), number);
		}
		file.finish(number);
		return List.copyOf(file.rules);
	}

	private void line(String line, int number) {
		if (line.isEmpty() || line.startsWith("#")) {
			return;
		}
		int space = line.indexOf(' ');
		String field = (space < 0) ? line : line.substring(0, space);
		String value = (space < 0) ? "" : line.substring(space + 1).strip();
		if (!FIELDS.contains(field)) {
			throw error(number, "unknown field '" + field + "'; allowed fields: " + String.join(", ", FIELDS));
		}
		if (field.equals("rule")) {
			finish(number - 1);
			if (!isId(value)) {
				throw error(number, "rule id '" + value + "' must be lower-case letters and digits joined by '-'");
			}
			if (!this.ids.add(value)) {
				throw error(number, "duplicate rule id '" + value + "'; every rule needs its own id");
			}
			this.current = new Rule.Builder();
			this.current.id = value;
			this.current.line = number;
			this.kindGiven = false;
			this.policyGiven = false;
			this.retryGiven = false;
			return;
		}
		if (this.current == null) {
			throw error(number, "'" + field + "' outside a rule; start each rule with a 'rule <id>' line");
		}
		boolean flag = field.equals("weak") || field.equals("wrapper") || field.equals("decisive");
		if (flag != value.isEmpty()) {
			throw error(number, flag ? "'" + field + "' takes no value" : "'" + field + "' needs a value");
		}
		value(field, value, number);
	}

	private void value(String field, String value, int number) {
		Rule.Builder rule = this.current;
		switch (field) {
			case "reason" -> rule.reason = enumValue(FailureReason.class, value, number, "reason");
			case "kind" -> kind(enumValue(FailureKind.class, value, number, "kind"), number);
			case "policy" -> policy(value, number);
			case "retry" -> retry(value, number);
			case "retry-after" -> rule.retryAfter = duration(value, number);
			case "phases" -> {
				for (String phase : RuleSyntax.words(value)) {
					SmtpCommand command = enumValue(SmtpCommand.class, phase, number, "phase");
					if (command == SmtpCommand.ANY) {
						throw error(number, "phase ANY is every phase; leave 'phases' out instead");
					}
					rule.phases |= 1 << command.ordinal();
				}
			}
			case "codes" -> codes(value, number);
			case "enhanced" -> {
				for (String pattern : RuleSyntax.words(value)) {
					rule.enhanced.add(codePattern(pattern, number));
				}
			}
			case "infer" -> infer(value, number);
			case "weak" -> rule.weak = true;
			case "wrapper" -> rule.wrapper = true;
			case "decisive" -> rule.decisive = true;
			case "phrase" -> {
				boolean afterHost = value.startsWith(AFTER_HOST);
				String words = afterHost ? value.substring(AFTER_HOST.length()).strip() : value;
				if (afterHost && words.startsWith("*")) {
					throw error(number, "phrase '" + value + "': after " + AFTER_HOST + " the phrase starts a word");
				}
				rule.phraseSymbols.add(symbols(words, false, number));
				rule.phraseAfterHost.add(afterHost);
				rule.phrases.add(value.toLowerCase(Locale.ROOT));
			}
			case "signal" -> {
				rule.signalSymbols.add(symbols(value, true, number));
				rule.signals.add(value.toLowerCase(Locale.ROOT));
			}
			case "regex" -> {
				try {
					rule.regex = Pattern.compile(value);
				}
				catch (PatternSyntaxException ex) {
					throw error(number, "regex '" + value + "' is not a valid Java regular expression: "
							+ ex.getDescription() + " near index " + ex.getIndex());
				}
			}
			case "source" -> rule.source = value;
			default -> throw new IllegalStateException(field);
		}
	}

	private void kind(FailureKind kind, int number) {
		if (kind == FailureKind.SUCCESS) {
			throw error(number, "a rule cannot make a failure a SUCCESS; allowed kinds: "
					+ "TRANSIENT, PERMANENT, POLICY_TRANSIENT, POLICY_PERMANENT");
		}
		if (this.policyGiven || this.retryGiven) {
			throw error(number, "'kind' sets both retry and policy; give either 'kind' or 'retry'/'policy'");
		}
		this.kindGiven = true;
		this.current.transientFailure = kind.isRetryable();
		this.current.policy = kind.isPolicy() ? Rule.Policy.YES : Rule.Policy.NO;
	}

	private void policy(String value, int number) {
		if (this.kindGiven) {
			throw error(number, "'kind' sets both retry and policy; give either 'kind' or 'retry'/'policy'");
		}
		this.policyGiven = true;
		this.current.policy = switch (value) {
			case "yes" -> Rule.Policy.YES;
			case "no" -> Rule.Policy.NO;
			case "by-code" -> Rule.Policy.BY_CODE;
			default -> throw error(number, "policy '" + value + "' is not allowed; allowed: yes, no, by-code");
		};
	}

	private void retry(String value, int number) {
		if (this.kindGiven) {
			throw error(number, "'kind' sets both retry and policy; give either 'kind' or 'retry'/'policy'");
		}
		this.retryGiven = true;
		this.current.transientFailure = switch (value) {
			case "yes" -> Boolean.TRUE;
			case "no" -> Boolean.FALSE;
			default -> throw error(number, "retry '" + value + "' is not allowed; allowed: yes (transient whatever"
					+ " the basic code), no (permanent whatever the basic code)");
		};
	}

	private Duration duration(String value, int number) {
		try {
			Duration duration = Duration.parse(value);
			if (duration.isNegative() || duration.isZero()) {
				throw error(number, "retry-after must be positive, got " + value);
			}
			return duration;
		}
		catch (DateTimeParseException ex) {
			throw error(number, "retry-after '" + value + "' is not an ISO-8601 duration like PT5M or PT1H");
		}
	}

	private void codes(String value, int number) {
		List<Integer> exact = new ArrayList<>();
		for (String code : RuleSyntax.words(value)) {
			if (code.equals("4xx") || code.equals("5xx")) {
				this.current.codeClasses |= 1 << (code.charAt(0) - '0');
				continue;
			}
			int parsed = (code.length() == 3 && (code.charAt(0) == '4' || code.charAt(0) == '5')
					&& RuleSyntax.digits(code, 3)) ? Integer.parseInt(code) : -1;
			if (parsed < 0) {
				throw error(number, "code '" + code + "' is not allowed; allowed: failure codes 400 to 599, 4xx, 5xx");
			}
			exact.add(parsed);
		}
		int[] codes = Arrays.copyOf(this.current.codes, this.current.codes.length + exact.size());
		for (int i = 0; i < exact.size(); i++) {
			codes[this.current.codes.length + i] = exact.get(i);
		}
		this.current.codes = codes;
	}

	private Rule.CodePattern codePattern(String pattern, int number) {
		String[] parts = RuleSyntax.split(pattern, '.');
		if (parts.length != 3) {
			throw badPattern(pattern, number, "");
		}
		int codeClass = part(parts[0], pattern, number);
		if (codeClass >= 0 && codeClass != 4 && codeClass != 5) {
			throw badPattern(pattern, number, "");
		}
		int subject = part(parts[1], pattern, number);
		int from;
		int to;
		int dash = parts[2].indexOf('-');
		if (dash > 0) {
			from = part(parts[2].substring(0, dash), pattern, number);
			to = part(parts[2].substring(dash + 1), pattern, number);
			if (from < 0 || to < from) {
				throw badPattern(pattern, number, "");
			}
		}
		else {
			from = part(parts[2], pattern, number);
			to = from;
		}
		if (subject < 0 && from >= 0) {
			throw badPattern(pattern, number, " (a detail needs a subject)");
		}
		return new Rule.CodePattern(codeClass, subject, from, to);
	}

	private int part(String part, String pattern, int number) {
		if (part.equals("*")) {
			return -1;
		}
		if (!RuleSyntax.digits(part, 3)) {
			throw badPattern(pattern, number, "");
		}
		return Integer.parseInt(part);
	}

	/**
	 * The error for a bad enhanced code pattern, built only when one is found: building
	 * its text for every pattern was a third of a cold load.
	 */
	private IllegalArgumentException badPattern(String pattern, int number, String detail) {
		return error(number, "enhanced code pattern '" + pattern + "' is not allowed; allowed: class.subject.detail"
				+ " with class 4, 5 or *, subject a number or *, detail a number, a range like 500-699, or *" + detail);
	}

	private void infer(String value, int number) {
		String[] parts = RuleSyntax.split(value, '.');
		if (parts.length != 3 || !parts[0].equals("*") || !RuleSyntax.digits(parts[1], 3)
				|| !RuleSyntax.digits(parts[2], 3)) {
			throw error(number, "infer '" + value + "' is not allowed; allowed: *.subject.detail like *.1.1 (the class"
					+ " follows the basic code)");
		}
		this.current.inferSubject = Integer.parseInt(parts[1]);
		this.current.inferDetail = Integer.parseInt(parts[2]);
	}

	private void finish(int lastLine) {
		Rule.Builder rule = this.current;
		if (rule == null) {
			return;
		}
		this.current = null;
		if (rule.reason == null) {
			throw error(rule.line, "rule '" + rule.id + "' has no 'reason'; allowed reasons: "
					+ Arrays.toString(FailureReason.values()));
		}
		if (rule.source == null || rule.source.isEmpty()) {
			throw error(rule.line, "rule '" + rule.id + "' has no 'source' line naming where its wording or"
					+ " meaning is documented or observed");
		}
		boolean text = !rule.phrases.isEmpty() || !rule.signals.isEmpty();
		if (!text && rule.enhanced.isEmpty() && rule.codes.length == 0 && rule.codeClasses == 0) {
			throw error(rule.line, "rule '" + rule.id + "' has no condition; give phrases, signals, enhanced"
					+ " codes or basic codes");
		}
		if (!text && (rule.weak || rule.wrapper || rule.regex != null)) {
			throw error(rule.line, "rule '" + rule.id + "': 'weak', 'wrapper' and 'regex' need phrases or signals");
		}
		if (rule.wrapper && (rule.decisive || rule.reason != FailureReason.UNKNOWN)) {
			throw error(rule.line, "rule '" + rule.id + "': a 'wrapper' says nothing by itself; give it reason UNKNOWN"
					+ " and no 'decisive'");
		}
		if (rule.decisive && !text && rule.enhanced.isEmpty()) {
			throw error(rule.line, "rule '" + rule.id + "': 'decisive' needs enhanced codes (a code rule) or phrases"
					+ " (a text rule that beats decisive codes)");
		}
		this.rules.add(new Rule(rule));
	}

	/**
	 * Whether {@code value} is lower-case letters and digits joined by single '-'. By
	 * hand rather than a regular expression: compiling one is a noticeable part of a cold
	 * load.
	 */
	private static boolean isId(String value) {
		boolean afterDash = true;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '-') {
				if (afterDash) {
					return false;
				}
				afterDash = true;
			}
			else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
				afterDash = false;
			}
			else {
				return false;
			}
		}
		return !afterDash;
	}

	private <E extends Enum<E>> E enumValue(Class<E> type, String value, int number, String what) {
		for (E constant : type.getEnumConstants()) {
			if (constant.name().equals(value)) {
				return constant;
			}
		}
		throw error(number, what + " '" + value + "' is not allowed; allowed: "
				+ Arrays.toString(type.getEnumConstants()).replace("[", "").replace("]", ""));
	}

	private int[] symbols(String value, boolean signal, int number) {
		try {
			return signal ? RuleSyntax.signalSymbols(value) : RuleSyntax.phraseSymbols(value);
		}
		catch (IllegalArgumentException ex) {
			throw error(number, ex.getMessage());
		}
	}

	private IllegalArgumentException error(int number, String message) {
		return new IllegalArgumentException(this.name + " line " + number + ": " + message);
	}

}

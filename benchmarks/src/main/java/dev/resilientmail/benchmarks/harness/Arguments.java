package dev.resilientmail.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} command-line arguments, checked against the names a program knows
 * so that a typo fails loudly instead of running the wrong benchmark.
 */
final class Arguments {

	private final Map<String, String> values;

	private final String usage;

	private Arguments(Map<String, String> values, String usage) {
		this.values = values;
		this.usage = usage;
	}

	static Arguments parse(String[] args, Set<String> known, String usage) {
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (arg.equals("--help") || arg.equals("-h")) {
				throw new IllegalArgumentException(usage);
			}
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("unexpected argument '" + arg + "'\n" + usage);
			}
			String name = arg.substring(2);
			String value;
			int equals = name.indexOf('=');
			if (equals >= 0) {
				value = name.substring(equals + 1);
				name = name.substring(0, equals);
			}
			else if (i + 1 < args.length) {
				value = args[++i];
			}
			else {
				throw new IllegalArgumentException("--" + name + " needs a value\n" + usage);
			}
			if (!known.contains(name)) {
				throw new IllegalArgumentException("unknown option --" + name + "\n" + usage);
			}
			values.put(name, value);
		}
		return new Arguments(values, usage);
	}

	int positiveInt(String name, int defaultValue) {
		return intAtLeast(name, defaultValue, 1);
	}

	int intAtLeast(String name, int defaultValue, int min) {
		String value = this.values.get(name);
		if (value == null) {
			return defaultValue;
		}
		int parsed;
		try {
			parsed = Integer.parseInt(value.replace("_", ""));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					"--" + name + " must be a whole number, got '" + value + "'\n" + this.usage);
		}
		if (parsed < min) {
			throw new IllegalArgumentException("--" + name + " must be at least " + min + ", got " + parsed);
		}
		return parsed;
	}

	boolean flag(String name) {
		String value = this.values.get(name);
		if (value == null) {
			return false;
		}
		if (value.equals("true") || value.equals("false")) {
			return Boolean.parseBoolean(value);
		}
		throw new IllegalArgumentException("--" + name + " must be true or false, got '" + value + "'");
	}

	String choice(String name, String defaultValue, List<String> allowed) {
		String value = this.values.getOrDefault(name, defaultValue);
		if (!allowed.contains(value)) {
			throw new IllegalArgumentException("--" + name + " must be one of " + allowed + ", got '" + value + "'");
		}
		return value;
	}

	List<String> list(String name, List<String> defaultValue) {
		String value = this.values.get(name);
		if (value == null) {
			return defaultValue;
		}
		return List.of(value.split(","));
	}

}

package dev.resilientmail.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sun.security.auth.module.UnixSystem;

/**
 * What the machine offers for the Postfix tests: the programs they run, whether this
 * process is root, and whether it runs in CI (where missing parts are a failure, not a
 * reason to skip).
 *
 * @param programs the programs found, by name
 * @param missing the programs not found
 * @param root whether this process runs as root
 * @param ci whether the environment variable {@code CI} is {@code true}
 */
record PostfixEnvironment(Map<String, Path> programs, List<String> missing, boolean root, boolean ci) {

	/** The Debian packages that provide the programs. */
	static final String PACKAGES = "postfix postgrey sasl2-bin libsasl2-modules openssl";

	private static final List<String> PROGRAMS = List.of("postfix", "postconf", "postgrey", "saslpasswd2", "openssl");

	private static final List<String> SEARCH_PATH = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin",
			"/usr/local/bin");

	/**
	 * Looks at this machine.
	 * @return what it offers
	 */
	static PostfixEnvironment detect() {
		Map<String, Path> found = new LinkedHashMap<>();
		List<String> missing = new ArrayList<>();
		for (String program : PROGRAMS) {
			Optional<Path> path = find(program);
			if (path.isPresent()) {
				found.put(program, path.get());
			}
			else {
				missing.add(program);
			}
		}
		return new PostfixEnvironment(found, missing, isRoot(), "true".equalsIgnoreCase(System.getenv("CI")));
	}

	/**
	 * Decides what the tests do on this machine: run; skip where the programs are missing
	 * (a developer machine without Postfix); fail in CI when they are missing, and
	 * everywhere when the programs are there but this process is not root, since such a
	 * machine was set up for these tests and a skip would hide that they did not run.
	 * @return the decision, with a message that says how to fix the problem
	 */
	Decision decide() {
		if (!this.missing.isEmpty()) {
			String message = "the Postfix integration tests need " + String.join(", ", this.missing)
					+ " (not found on PATH or in " + SEARCH_PATH + "); on Debian or Ubuntu install them with:"
					+ " sudo DEBIAN_FRONTEND=noninteractive apt-get install -y " + PACKAGES;
			return this.ci ? new Decision(Action.FAIL, "CI=true and " + message) : new Decision(Action.SKIP, message);
		}
		if (!this.root) {
			return new Decision(Action.FAIL,
					"the Postfix integration tests must run as root, because `postfix start`"
							+ " refuses other users (this build runs as " + System.getProperty("user.name")
							+ "); run the build as root, as the CI container does, or uninstall "
							+ String.join(", ", PROGRAMS) + " to have the tests skipped");
		}
		return new Decision(Action.RUN, "Postfix, postgrey, saslpasswd2 and openssl found; running as root");
	}

	/** What the tests do. */
	enum Action {

		/** Start Postfix and run. */
		RUN,

		/** Skip with a visible message. */
		SKIP,

		/** Fail with a clear message. */
		FAIL

	}

	/**
	 * What the tests do, and why.
	 *
	 * @param action run, skip or fail
	 * @param message why
	 */
	record Decision(Action action, String message) {

	}

	/**
	 * Returns a program's path.
	 * @param name the program
	 * @return its path
	 */
	Path program(String name) {
		Path path = this.programs.get(name);
		if (path == null) {
			throw new IllegalStateException(name + " was not found; check decide() first");
		}
		return path;
	}

	private static Optional<Path> find(String program) {
		List<String> directories = new ArrayList<>();
		String path = System.getenv("PATH");
		if (path != null) {
			directories.addAll(List.of(path.split(File.pathSeparator)));
		}
		directories.addAll(SEARCH_PATH);
		for (String directory : directories) {
			if (directory.isEmpty()) {
				continue;
			}
			Path candidate = Path.of(directory, program);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	private static boolean isRoot() {
		try {
			return new UnixSystem().getUid() == 0;
		}
		catch (LinkageError ex) {
			// not a Unix system: Postfix does not run here anyway
			return false;
		}
	}

}

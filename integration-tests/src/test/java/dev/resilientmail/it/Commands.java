package dev.resilientmail.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command-line tools the harness needs (postfix, postconf, openssl,
 * saslpasswd2), each bounded by a timeout, and fails with the command's output when it
 * does not succeed.
 */
final class Commands {

	private Commands() {
	}

	/**
	 * Runs a command to its end.
	 * @param timeout how long it may take
	 * @param stdin what to write to its standard input, or {@code null} for nothing
	 * @param command the program and its arguments
	 * @return its standard output and error, merged
	 * @throws IllegalStateException with the output when it exits with a non-zero status
	 * or takes longer than {@code timeout}
	 */
	static String run(Duration timeout, String stdin, List<String> command) {
		Path output = null;
		try {
			output = Files.createTempFile("resilient-mail-it-command-", ".out");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			try (OutputStream in = process.getOutputStream()) {
				if (stdin != null) {
					in.write(stdin.getBytes(StandardCharsets.UTF_8));
				}
			}
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("'" + String.join(" ", command) + "' did not finish within " + timeout
						+ "; output:\n" + Files.readString(output));
			}
			String text = Files.readString(output);
			if (process.exitValue() != 0) {
				throw new IllegalStateException("'" + String.join(" ", command) + "' exited with status "
						+ process.exitValue() + "; output:\n" + text);
			}
			return text;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run '" + String.join(" ", command) + "': " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while running '" + String.join(" ", command) + "'", ex);
		}
		finally {
			deleteQuietly(output);
		}
	}

	/**
	 * Returns the last lines of a log file, for a failure message.
	 * @param file the file
	 * @param lines how many lines at most
	 * @return the lines, or a note that the file cannot be read
	 */
	static String tail(Path file, int lines) {
		if (file == null || !Files.isReadable(file)) {
			return "(no log at " + file + ")";
		}
		try (InputStream in = Files.newInputStream(file)) {
			List<String> all = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(cannot read " + file + ": " + ex.getMessage() + ")";
		}
	}

	private static void deleteQuietly(Path file) {
		if (file != null) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				// a leftover temporary file is harmless
			}
		}
	}

}

package dev.resilientmail.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.resilientmail.SmtpFailure;
import dev.resilientmail.delivery.DeliveryPolicy;

/**
 * The rows the scenarios record from the real run: what Postfix replied and what the
 * library made of it. Rendered as the Markdown table of
 * {@code docs/postfix-scenarios.md}.
 */
final class ScenarioTable {

	private final List<String[]> rows = new ArrayList<>();

	/**
	 * Records a failure as the library reported it.
	 * @param scenario what was tried
	 * @param failure the failure
	 */
	synchronized void failure(String scenario, SmtpFailure failure) {
		this.rows.add(new String[] { scenario, failure.reply().map(Object::toString).orElse("(no reply)"),
				failure.getClass().getSimpleName(), failure.enhancedCode().toString(), failure.reason().name(),
				failure.command().name(),
				DeliveryPolicy.defaults().retry().retryOn().contains(failure.classification().kind()) ? "yes" : "no" });
	}

	/**
	 * Records a success.
	 * @param scenario what was tried
	 * @param reply the reply that decided it
	 * @param outcome what the caller got
	 */
	synchronized void success(String scenario, String reply, String outcome) {
		this.rows.add(new String[] { scenario, reply, outcome, "", "", "", "" });
	}

	/**
	 * Returns whether nothing was recorded (the scenarios were skipped).
	 * @return {@code true} when there are no rows
	 */
	synchronized boolean isEmpty() {
		return this.rows.isEmpty();
	}

	/**
	 * Renders the table.
	 * @return Markdown
	 */
	synchronized String markdown() {
		StringBuilder out = new StringBuilder();
		out.append("| Scenario | Postfix reply | Type | Enhanced code | Reason | Command | Retried by default |\n");
		out.append("|---|---|---|---|---|---|---|\n");
		for (String[] row : this.rows) {
			out.append('|');
			for (String cell : row) {
				out.append(' ').append(escape(cell)).append(" |");
			}
			out.append('\n');
		}
		return out.toString();
	}

	/**
	 * Writes the table to a file.
	 * @param file the file
	 */
	void write(Path file) {
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.writeString(file, markdown());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the scenario table to " + file, ex);
		}
	}

	private static String escape(String cell) {
		if (cell.isEmpty()) {
			return "";
		}
		String text = cell.replace("|", "\\|").replace("\n", "<br>");
		return (text.matches("\\d{3}[ -].*")) ? "`" + text + "`" : text;
	}

}

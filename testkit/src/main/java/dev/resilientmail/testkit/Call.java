package dev.resilientmail.testkit;

import java.util.List;

/**
 * What a {@linkplain Rule#respond(java.util.function.Function) responder} knows about the
 * moment it answers: the phase, the command, the attempt and the session's state.
 * Immutable.
 *
 * @since 0.1.0
 */
public final class Call {

	private final Phase phase;

	private final String commandLine;

	private final String recipient;

	private final int attempt;

	private final int connection;

	private final int transaction;

	private final String mailFrom;

	private final List<String> acceptedRecipients;

	Call(Phase phase, String commandLine, String recipient, int attempt, int connection, int transaction,
			String mailFrom, List<String> acceptedRecipients) {
		this.phase = phase;
		this.commandLine = commandLine;
		this.recipient = recipient;
		this.attempt = attempt;
		this.connection = connection;
		this.transaction = transaction;
		this.mailFrom = mailFrom;
		this.acceptedRecipients = List.copyOf(acceptedRecipients);
	}

	Call withAttempt(int attempt) {
		return new Call(this.phase, this.commandLine, this.recipient, attempt, this.connection, this.transaction,
				this.mailFrom, this.acceptedRecipients);
	}

	/**
	 * The phase.
	 * @return the phase
	 */
	public Phase phase() {
		return this.phase;
	}

	/**
	 * The command line as received, without its line end; for {@link Phase#GREETING} and
	 * {@link Phase#BODY} an empty string, for {@link Phase#END_OF_DATA} {@code "."}.
	 * @return the command line
	 */
	public String commandLine() {
		return this.commandLine;
	}

	/**
	 * The address of a {@code RCPT TO} command, without angle brackets.
	 * @return the address, or {@code null} outside {@link Phase#RCPT} or when the command
	 * has no readable address
	 */
	public String recipient() {
		return this.recipient;
	}

	/**
	 * How many times the rule's other matchers have matched, this time included
	 * (1-based); for a rule with a {@linkplain Rule#recipient(String) recipient pattern}
	 * at {@link Phase#RCPT}, counted per recipient address.
	 * @return the attempt number
	 */
	public int attempt() {
		return this.attempt;
	}

	/**
	 * The number of the connection on the server, in the order they were accepted
	 * (1-based).
	 * @return the connection number
	 */
	public int connection() {
		return this.connection;
	}

	/**
	 * The number of the mail transaction on the server (1-based): every {@code MAIL}
	 * command opens the next one. 0 before the first {@code MAIL} of the connection.
	 * @return the transaction number
	 */
	public int transaction() {
		return this.transaction;
	}

	/**
	 * The reverse path of the current transaction.
	 * @return the sender address, empty for the null reverse path {@code <>}, or
	 * {@code null} outside a transaction
	 */
	public String mailFrom() {
		return this.mailFrom;
	}

	/**
	 * The recipients accepted so far in the current transaction (before this command).
	 * @return the addresses, unmodifiable
	 */
	public List<String> acceptedRecipients() {
		return this.acceptedRecipients;
	}

	@Override
	public String toString() {
		return "Call[" + this.phase + " \"" + this.commandLine + "\", attempt " + this.attempt + ", connection "
				+ this.connection + ", transaction " + this.transaction + "]";
	}

}

package dev.resilientmail.reply;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The recorded exchanges of one SMTP connection, oldest first. Bounded: when a connection
 * outgrows the limits, the oldest exchanges are dropped and counted in
 * {@link #dropped()}. Never holds the message content.
 *
 * @param exchanges the exchanges kept, oldest first
 * @param dropped how many older exchanges were dropped to respect the bounds
 * @since 0.1.0
 */
public record SmtpTranscript(List<SmtpExchange> exchanges, int dropped) {

	/** An empty transcript. */
	public static final SmtpTranscript EMPTY = new SmtpTranscript(List.of(), 0);

	/**
	 * Copies the exchanges.
	 */
	public SmtpTranscript {
		exchanges = List.copyOf(Objects.requireNonNull(exchanges, "exchanges"));
		if (dropped < 0) {
			throw new IllegalArgumentException("dropped must not be negative");
		}
	}

	/**
	 * Returns the last exchange for a command, if any.
	 * @param command the command
	 * @return the most recent exchange of that command
	 */
	public Optional<SmtpExchange> last(SmtpCommand command) {
		for (int i = this.exchanges.size() - 1; i >= 0; i--) {
			if (this.exchanges.get(i).command() == command) {
				return Optional.of(this.exchanges.get(i));
			}
		}
		return Optional.empty();
	}

	/**
	 * Renders the transcript as a protocol log, one {@code C:} / {@code S:} line per
	 * line.
	 * @return the transcript as text
	 */
	@Override
	public String toString() {
		String body = this.exchanges.stream().map(SmtpExchange::toString).collect(Collectors.joining("\n"));
		return (this.dropped > 0) ? "(" + this.dropped + " earlier exchanges dropped)\n" + body : body;
	}

}

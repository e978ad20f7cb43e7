package dev.resilientmail.reply;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One command of an SMTP session and the server's reply to it, as recorded by the
 * capturing transport. The greeting is an exchange without a command line.
 *
 * @param command the phase
 * @param commandLine the command as sent, without CRLF; credentials replaced by
 * {@code ***}; empty for the greeting
 * @param reply the reply, or empty when none came (connection closed, timed out,
 * unreadable)
 * @param at when the reply (or its absence) was noticed
 * @since 0.1.0
 */
public record SmtpExchange(SmtpCommand command, String commandLine, Optional<SmtpReply> reply, Instant at) {

	/**
	 * Validates the components.
	 */
	public SmtpExchange {
		Objects.requireNonNull(command, "command");
		Objects.requireNonNull(commandLine, "commandLine");
		Objects.requireNonNull(reply, "reply");
		Objects.requireNonNull(at, "at");
	}

	/**
	 * Renders the exchange as in a protocol log: {@code C: MAIL FROM:<a@example.com>} and
	 * {@code S: 250 2.1.0 Ok} lines.
	 * @return the exchange as text
	 */
	@Override
	public String toString() {
		StringBuilder out = new StringBuilder();
		if (!this.commandLine.isEmpty()) {
			out.append("C: ").append(this.commandLine).append('\n');
		}
		if (this.reply.isPresent()) {
			for (String line : this.reply.get().lines()) {
				out.append("S: ").append(line).append('\n');
			}
		}
		else {
			out.append("S: (no reply)\n");
		}
		return out.substring(0, out.length() - 1);
	}

}

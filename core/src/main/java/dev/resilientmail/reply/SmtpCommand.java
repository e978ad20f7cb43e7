package dev.resilientmail.reply;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The phase of an SMTP session a reply answers: the command it was sent for, or the
 * connection's greeting.
 *
 * @since 0.1.0
 */
public enum SmtpCommand {

	/** The server's greeting after the TCP (or TLS) connection was opened. */
	CONNECT,

	/** {@code EHLO}. */
	EHLO,

	/** {@code HELO}. */
	HELO,

	/** {@code STARTTLS}. */
	STARTTLS,

	/** {@code AUTH} and its continuation lines. */
	AUTH,

	/** {@code MAIL FROM}. */
	MAIL,

	/** {@code RCPT TO}. */
	RCPT,

	/** {@code DATA}, before the message content is sent. */
	DATA,

	/** The final reply after the message content and its terminating {@code .}. */
	END_OF_DATA,

	/** {@code RSET}. */
	RSET,

	/** {@code NOOP}. */
	NOOP,

	/** {@code QUIT}. */
	QUIT,

	/** Any command: the phase is unknown or does not matter. */
	ANY;

	/**
	 * Parses a phase name, ignoring case ({@code rcpt}, {@code END_OF_DATA}).
	 * @param name the name
	 * @return the phase
	 * @throws IllegalArgumentException if the name is null or not one of the phases,
	 * listing them
	 */
	public static SmtpCommand parse(String name) {
		if (name != null) {
			String upper = name.trim().toUpperCase(Locale.ROOT);
			for (SmtpCommand command : values()) {
				if (command.name().equals(upper)) {
					return command;
				}
			}
		}
		throw new IllegalArgumentException("unknown SMTP phase '" + name + "'; expected one of "
				+ Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(" ")));
	}

}

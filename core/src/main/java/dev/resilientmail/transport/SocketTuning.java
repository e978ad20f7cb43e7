package dev.resilientmail.transport;

import java.net.Socket;
import java.net.SocketException;
import java.util.Properties;

/**
 * Turns Nagle's algorithm off ({@code TCP_NODELAY}) on every connection a transport
 * opens, whichever socket factory made it. Angus leaves it on: a message larger than its
 * 8 KiB output buffer then leaves in several writes, and a short last write waits for the
 * server's delayed ACK (about 40 ms on Linux), so 100 KiB took 40 ms on loopback. The
 * option belongs to the TCP connection, so it holds after STARTTLS too (the TLS socket is
 * layered on the same connection; it is set again on the layered socket all the same).
 * Session property {@code resilient-mail.tcp-nodelay}, {@code true} (default) or
 * {@code false}.
 */
final class SocketTuning {

	static final String NO_DELAY = "resilient-mail.tcp-nodelay";

	private final boolean noDelay;

	/** Why the setting is unusable, or null. */
	private final String invalid;

	private Socket tuned;

	/**
	 * Reads the setting. A bad value does not fail here: Jakarta Mail would replace the
	 * message with the provider's name; {@link #check()} reports it at connect.
	 */
	SocketTuning(Properties properties) {
		String why = null;
		boolean value = true;
		try {
			value = flag(properties, NO_DELAY, true);
		}
		catch (IllegalArgumentException ex) {
			why = ex.getMessage();
		}
		this.noDelay = value;
		this.invalid = why;
	}

	/**
	 * Fails when the session's setting is not a boolean.
	 * @param properties the session's properties
	 * @throws IllegalArgumentException naming the property, its value and what is allowed
	 */
	static void validate(Properties properties) {
		flag(properties, NO_DELAY, true);
	}

	/** Fails when the setting this transport was made with is not a boolean. */
	void check() {
		if (this.invalid != null) {
			throw new IllegalArgumentException(this.invalid);
		}
	}

	/** Applies the options to a socket this transport has not seen yet. */
	void apply(Socket socket) {
		if (socket == null || socket == this.tuned) {
			return;
		}
		this.tuned = socket;
		if (!this.noDelay) {
			return;
		}
		try {
			socket.setTcpNoDelay(true);
		}
		catch (SocketException ex) {
			// a closed socket: the read that follows reports it
			Capture.log.debug("cannot set TCP_NODELAY: {}", ex.toString());
		}
	}

	private static boolean flag(Properties properties, String key, boolean defaultValue) {
		Object value = properties.get(key);
		if (value == null) {
			return defaultValue;
		}
		if (value instanceof Boolean given) {
			return given;
		}
		String text = value.toString().trim();
		if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
			return Boolean.parseBoolean(text);
		}
		throw new IllegalArgumentException("session property " + key + " must be true or false, got '" + value + "'");
	}

}

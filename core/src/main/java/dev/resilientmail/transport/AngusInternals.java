package dev.resilientmail.transport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.time.Clock;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.LineInputStream;

/**
 * The private fields of Angus's transport that the capture must reach: its reply reader
 * (replaced by a bounded one) and its socket. Each is optional: on an Angus version
 * without the field the capture works without that refinement, and says so once.
 */
final class AngusInternals {

	private static final VarHandle LINE_INPUT = lineInputHandle();

	private static final VarHandle SERVER_INPUT = serverInputHandle();

	private static final VarHandle SERVER_SOCKET = serverSocketHandle();

	private static final VarHandle LAST_RESPONSE = lastResponseHandle();

	private AngusInternals() {
	}

	/**
	 * Returns the bounded reader Angus reads replies through: {@code current} while Angus
	 * still uses it, a new one when Angus made a new reader (new connection, or after
	 * STARTTLS); {@code null} when Angus has no reader yet or cannot be reached.
	 */
	static BoundedLineInputStream boundedReader(SMTPTransport transport, BoundedLineInputStream current, Clock clock,
			long replyTimeoutMillis) {
		if (LINE_INPUT == null) {
			return null;
		}
		Object reader = LINE_INPUT.get(transport);
		if (reader == null) {
			return null;
		}
		if (reader == current) {
			return current;
		}
		// put ours in its place, on the buffered stream that Angus's reader reads (both
		// are set together, before any read); reading through Angus's reader costs a
		// virtual call per byte
		Object buffered = (SERVER_INPUT != null) ? SERVER_INPUT.get(transport) : null;
		BoundedLineInputStream bounded = new BoundedLineInputStream(
				(InputStream) ((buffered != null) ? buffered : reader), clock, replyTimeoutMillis);
		LINE_INPUT.set(transport, bounded);
		return bounded;
	}

	/** The connection's socket, or {@code null} when it cannot be reached. */
	static Socket socket(SMTPTransport transport) {
		return (SERVER_SOCKET != null && SERVER_SOCKET.get(transport) instanceof Socket socket) ? socket : null;
	}

	/** Angus's buffered stream of the server's replies, or null. */
	static InputStream serverInput(SMTPTransport transport) {
		return (SERVER_INPUT != null && SERVER_INPUT.get(transport) instanceof InputStream in) ? in : null;
	}

	/**
	 * Whether the connection looks usable without a command: the socket is open and the
	 * server has sent nothing unasked.
	 */
	static boolean looksAlive(SMTPTransport transport) {
		Socket open = socket(transport);
		if (open == null || open.isClosed() || !open.isConnected() || open.isInputShutdown()) {
			return false;
		}
		return !unreadReplies(transport);
	}

	/** Whether the server sent bytes no command asked for. */
	static boolean unreadReplies(SMTPTransport transport) {
		InputStream in = serverInput(transport);
		try {
			return in != null && in.available() > 0;
		}
		catch (IOException ex) {
			// the read that follows reports it
			return false;
		}
	}

	static void abort(BoundedLineInputStream bounded) {
		if (bounded != null) {
			try {
				bounded.close();
			}
			catch (IOException ex) {
				// closing a broken connection; nothing to add
			}
		}
	}

	/**
	 * A read that timed out or failed ends the connection, and Angus closes it next. Over
	 * TLS the JDK's {@code SSLSocket.close()} first waits up to the read timeout for the
	 * server's close_notify, which a stalled server never sends: the failure would take
	 * two timeouts instead of one.
	 */
	static void closeWithoutWaiting(SMTPTransport transport) {
		if (SERVER_SOCKET != null && SERVER_SOCKET.get(transport) instanceof Socket socket) {
			try {
				socket.setSoTimeout(1);
			}
			catch (IOException ex) {
				// already closed
			}
		}
	}

	/**
	 * Replaces the reply Angus keeps (and puts into the exceptions it builds) with a
	 * redacted one.
	 * @return whether it could
	 */
	static boolean replaceLastResponse(SMTPTransport transport, String reply) {
		if (LAST_RESPONSE == null) {
			return false;
		}
		LAST_RESPONSE.set(transport, reply);
		return true;
	}

	private static VarHandle lastResponseHandle() {
		try {
			return MethodHandles.privateLookupIn(SMTPTransport.class, MethodHandles.lookup())
				.findVarHandle(SMTPTransport.class, "lastServerResponse", String.class);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			Capture.log.warn("cannot redact credentials in the replies Angus Mail keeps on this version ({}); its"
					+ " own exceptions may hold a reply that echoes them", ex.toString());
			return null;
		}
	}

	private static VarHandle serverSocketHandle() {
		try {
			return MethodHandles.privateLookupIn(SMTPTransport.class, MethodHandles.lookup())
				.findVarHandle(SMTPTransport.class, "serverSocket", Socket.class);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			Capture.log.debug("cannot reach the socket on this Angus Mail version ({}); a timed-out TLS"
					+ " connection may take another timeout to close", ex.toString());
			return null;
		}
	}

	private static VarHandle serverInputHandle() {
		try {
			return MethodHandles.privateLookupIn(SMTPTransport.class, MethodHandles.lookup())
				.findVarHandle(SMTPTransport.class, "serverInput", BufferedInputStream.class);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// read through Angus's reader instead: slower, same result
			return null;
		}
	}

	private static VarHandle lineInputHandle() {
		try {
			return MethodHandles.privateLookupIn(SMTPTransport.class, MethodHandles.lookup())
				.findVarHandle(SMTPTransport.class, "lineInputStream", LineInputStream.class);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			Capture.log.warn("cannot bound the length of SMTP replies on this Angus Mail version ({}); "
					+ "a broken server could send an endless reply", ex.toString());
			return null;
		}
	}

}

package dev.resilientmail.transport;

import java.io.IOException;
import java.time.Clock;
import java.util.Properties;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * How a transport reads its server's replies: through a {@link BoundedLineInputStream}
 * put in the place of Angus's reader (again whenever Angus makes a new one, as after
 * STARTTLS), each reply on its own deadline, the connection ended when a reply breaks the
 * bounds or a read fails. It also keeps whether the server broke the protocol on this
 * connection or message, so that the failure says so instead of classifying a reply that
 * means nothing.
 */
final class ReplyReading {

	/** Angus's own reading of one reply, which this bounds. */
	interface AngusRead {

		int reply() throws MessagingException;

	}

	private final SMTPTransport transport;

	private final AngusRead angus;

	private final Clock clock;

	private final int timeoutMillis;

	private BoundedLineInputStream reader;

	private boolean reading;

	/** The server broke the protocol: the reply (or its absence) means nothing. */
	private boolean protocolError;

	ReplyReading(SMTPTransport transport, AngusRead angus, Clock clock, Properties properties) {
		this.transport = transport;
		this.angus = angus;
		this.clock = clock;
		this.timeoutMillis = Capture.positive(properties, CapturingSmtpTransport.REPLY_TIMEOUT, 120_000);
	}

	/** A new connection: Angus makes a new reader, and nothing is broken yet. */
	void connecting() {
		this.reader = null;
		this.protocolError = false;
	}

	/** A new message: what broke the protocol before was reported with its failure. */
	void beginMessage() {
		this.protocolError = false;
	}

	/** The server broke the protocol, say by answering more than it was asked. */
	void markProtocolError() {
		this.protocolError = true;
	}

	boolean protocolError() {
		return this.protocolError;
	}

	/**
	 * Reads one reply with Angus's parser, within the bounds.
	 * @return the reply's code, -1 when it has none
	 * @throws MessagingException when the read failed; the connection is then gone
	 */
	int read() throws MessagingException {
		BoundedLineInputStream bounded = AngusInternals.boundedReader(this.transport, this.reader, this.clock,
				this.timeoutMillis);
		this.reader = bounded;
		if (bounded != null) {
			bounded.startReply();
		}
		this.reading = true;
		try {
			return this.angus.reply();
		}
		catch (MessagingException ex) {
			if (ex.getCause() instanceof BoundedLineInputStream.ReplyTooLongException) {
				this.protocolError = true;
				abort();
			}
			else if (ex.getCause() instanceof IOException) {
				AngusInternals.closeWithoutWaiting(this.transport);
			}
			throw ex;
		}
		finally {
			this.reading = false;
		}
	}

	/**
	 * Returns the reply just read as the transcript records it, {@code null} when none
	 * came; text without a code breaks the protocol.
	 */
	String recorded(int code, String reply) {
		if (code == -1 && reply != null && !reply.isEmpty() && !reply.equals("[EOF]")) {
			this.protocolError = true;
		}
		return (code == -1 && !this.protocolError) ? null : reply;
	}

	/**
	 * Ends the connection when the transport is closed from inside a read: Angus does
	 * that when a reply has no numeric code, and its QUIT would read the next garbage
	 * line and close again, once per line of an endless stream (and break the
	 * transcript). The next command then fails and Angus finishes the close.
	 * @return whether a read was under way (and the connection is ended)
	 */
	boolean abortIfReading() {
		if (!this.reading) {
			return false;
		}
		this.protocolError = true;
		abort();
		return true;
	}

	/** Ends the connection at once: nothing more is read from it. */
	void abort() {
		AngusInternals.abort(this.reader);
	}

}

package dev.resilientmail.transport;

import java.io.IOException;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.util.PropUtil;

/**
 * Drives one transport's {@link Pipeline} from its command and reply hooks: decides when
 * a message's MAIL goes out with its RCPTs (and DATA) in one write, lets Angus "send" the
 * commands already on the wire, reads the replies the server still owes when Angus takes
 * another way, and ends the connection when the replies cannot be matched to commands.
 */
final class PipelineDriver {

	private final CapturingSmtpTransport transport;

	private final Pipeline pipeline;

	private final Properties properties;

	private final String prefix;

	/** The message being sent, while {@code sendMessage} runs. */
	private Message sending;

	PipelineDriver(CapturingSmtpTransport transport, Properties properties, String protocol) {
		this.transport = transport;
		this.pipeline = new Pipeline(properties);
		this.properties = properties;
		this.prefix = "mail." + protocol + ".";
	}

	/** A new connection, or one that is gone: no reply owed will come. */
	void reset() {
		this.pipeline.reset();
	}

	void begin(Message message) {
		this.sending = message;
	}

	/** The message being sent, or null between messages. */
	Message sending() {
		return this.sending;
	}

	/**
	 * Handles a command Angus is about to send.
	 * @return whether it is on the wire already (pipelined): then Angus only reads its
	 * reply
	 */
	boolean sent(String command) throws MessagingException {
		if (this.pipeline.take(command)) {
			// written with the message's MAIL command; its reply is the next one
			this.transport.capture.commandSent(command);
			return true;
		}
		if (this.pipeline.hasAhead()) {
			if (!Pipeline.drainsBefore(command)) {
				end("a pipelined command is not the one Angus sends (" + Pipeline.firstWord(command) + ")");
			}
			// Angus went another way (RSET after a refused MAIL, QUIT): read what the
			// server still owes first
			drain();
		}
		return this.sending != null && command.startsWith("MAIL FROM:") && pipelined(command);
	}

	/** Checks the reply just read against the pipelined command it answers. */
	void replied(int code) throws MessagingException {
		String outOfOrder = this.pipeline.replied(code);
		if (outOfOrder != null) {
			this.transport.replies.markProtocolError();
			end(outOfOrder);
		}
	}

	/** Before the message body: the server must not have answered more than asked. */
	void beforeBody() throws MessagingException {
		if (this.pipeline.batchSent() && AngusInternals.unreadReplies(this.transport)) {
			// more replies than pipelined commands: which one answered what is unknown
			this.transport.replies.markProtocolError();
			end("the server sent more replies than the pipelined commands asked for");
		}
	}

	/**
	 * Reads what the server still owes for this message, so the next one starts clean.
	 */
	void finish() {
		this.sending = null;
		try {
			if (this.pipeline.hasAhead()) {
				drain();
			}
		}
		catch (MessagingException | RuntimeException ex) {
			// the connection is closed; the message's own outcome is already known
			Capture.log.debug("pipelined replies not read: {}", ex.toString());
		}
		finally {
			this.pipeline.reset();
		}
	}

	/**
	 * Sends a message's MAIL, RCPT and (with {@code sendpartial}) DATA commands in one
	 * write when the server pipelines.
	 * @return whether the MAIL command went out so
	 */
	private boolean pipelined(String mail) throws MessagingException {
		if (!this.pipeline.enabled() || !this.transport.supportsExtension("PIPELINING")) {
			return false;
		}
		if (this.sending instanceof SMTPMessage smtp && smtp.getNotifyOptions() != 0) {
			// Angus formats the message's own NOTIFY where we cannot see it: lock-step
			return false;
		}
		List<String> batch = this.pipeline.plan(this.transport, mail, dsnNotify(), dataInBatch(),
				this.transport::onWire);
		if (batch == null) {
			return false;
		}
		if (AngusInternals.unreadReplies(this.transport)) {
			this.transport.replies.markProtocolError();
			end("the server sent a reply nobody asked for before MAIL FROM");
		}
		this.transport.capture.commandSent(mail);
		try {
			this.pipeline.send(this.transport, batch);
		}
		catch (IOException ex) {
			this.pipeline.reset();
			this.transport.capture.replied(null);
			throw new MessagingException("Can't send command to SMTP host", ex);
		}
		return true;
	}

	/** Reads the replies the server owes for pipelined commands Angus did not send. */
	private void drain() throws MessagingException {
		while (this.pipeline.hasAhead()) {
			String command = this.pipeline.drainNext();
			this.transport.capture.commandSent(command);
			int code = this.transport.readServerResponse();
			if (code == -1) {
				// the connection is gone: nothing more will come
				this.pipeline.reset();
				return;
			}
			if (command.equals("DATA") && code == 354) {
				// the server waits for a message that will not be sent: only closing
				// the connection ends that without delivering anything
				end("the server accepted DATA for a transaction Angus abandoned");
			}
		}
	}

	/** Ends the connection before any of the message is sent. */
	private void end(String why) throws MessagingException {
		this.pipeline.reset();
		this.transport.replies.abort();
		Capture.log.warn("pipelining: {}", why);
		throw new MessagingException(why);
	}

	/**
	 * DATA goes in the batch only when Angus sends the message to the accepted recipients
	 * whatever the others' replies, and not with BDAT.
	 */
	private boolean dataInBatch() {
		boolean partial = (this.sending instanceof SMTPMessage smtp && smtp.getSendPartial())
				|| PropUtil.getBooleanProperty(this.properties, this.prefix + "sendpartial", false);
		boolean chunking = PropUtil.getIntProperty(this.properties, this.prefix + "chunksize", -1) > 0
				&& this.transport.supportsExtension("CHUNKING");
		return partial && !chunking;
	}

	/**
	 * The DSN NOTIFY parameter Angus gives every RCPT from the session (a message's own
	 * is not pipelined).
	 */
	private String dsnNotify() {
		if (!this.transport.supportsExtension("DSN")) {
			return null;
		}
		return this.properties.getProperty(this.prefix + "dsn.notify");
	}

}

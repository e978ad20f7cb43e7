package dev.resilientmail.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import dev.resilientmail.SmtpFailure;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.reply.SmtpCommand;

/**
 * Angus Mail's SMTP transport, recording every reply and throwing typed failures.
 * <p>
 * Select it with the session property {@code mail.smtp.class} set to this class's name
 * (it is registered as a Jakarta Mail provider), or use {@code MailDelivery}. Every
 * command/reply pair is kept in a bounded transcript (session properties
 * {@code resilient-mail.transcript.max-exchanges}, default 256, and
 * {@code resilient-mail.transcript.max-chars}, default 65536); AUTH credentials never
 * are. A failed send throws an {@link SmtpFailure} subtype with the failing reply, its
 * classification and one outcome per recipient; connection, greeting, EHLO, STARTTLS and
 * AUTH failures too. A successful send leaves a {@link #lastDeliveryReport()}.
 * <p>
 * Optional session properties holding objects (put them with {@code Properties.put}):
 * {@code resilient-mail.listener} (a {@link DeliveryListener}),
 * {@code resilient-mail.classifier} (a {@code ReplyClassifier}),
 * {@code resilient-mail.clock} (a {@code java.time.Clock}).
 * <p>
 * Every connection gets {@code TCP_NODELAY} (Angus leaves Nagle's algorithm on, which
 * makes a message larger than 8 KiB wait for the server's delayed ACK); session property
 * {@code resilient-mail.tcp-nodelay=false} leaves the socket as its factory made it.
 * While it sends a message, the thread's context class loader is a child of the caller's
 * that answers Jakarta Mail's per-message {@code StreamProvider} lookup from memory
 * (jakartaee/mail-api#861; a third of the CPU of a small message);
 * {@code resilient-mail.stream-provider-hint=false} turns that off.
 * <p>
 * Replies are read with limits (8 KiB per line, 100 lines or 64 KiB per reply): a server
 * that sends more ends the connection with a {@link dev.resilientmail.TransientFailure}
 * of reason {@code PROTOCOL_ERROR}. One reply may take at most {@link #REPLY_TIMEOUT}
 * (default 2 minutes) in full, however slowly the server trickles it (the socket's read
 * timeout restarts with every byte): a send waits for a reply at most that long plus one
 * read timeout, and then fails as a timed-out connection ({@code CONNECTION_FAILED}).
 * <p>
 * Refused before anything is sent: no recipients, a recipient without a domain, a CR, LF
 * or NUL in an envelope address (recipients, {@code SMTPMessage.setEnvelopeFrom},
 * {@code mail.smtp.from}) or a CR or LF in a header ({@code SendFailedException} or
 * {@code MessagingException}, never retried); a message larger than the {@code SIZE} the
 * server advertised ({@link dev.resilientmail.PermanentFailure} of reason
 * {@code MESSAGE_TOO_LARGE}, before MAIL FROM).
 *
 * @since 0.1.0
 */
public class CapturingSmtpTransport extends SMTPTransport {

	/**
	 * Session property: the longest time one server reply may take in full, in
	 * milliseconds (default 120000).
	 */
	public static final String REPLY_TIMEOUT = "resilient-mail.reply-timeout";

	/**
	 * Session property: a return path like {@code bounces@example.com} that MAIL FROM
	 * carries as {@code bounces+TOKEN@example.com}, TOKEN derived from the message's
	 * Message-ID (VERP), in place of the message's envelope sender.
	 * @since 0.2.0
	 */
	public static final String VERP_RETURN_PATH = "resilient-mail.verp-return-path";

	/** What this connection sent and was answered (the pipeline feeds it too). */
	final Capture capture;

	/** Reads the replies, bounded (the pipeline reads and ends through it too). */
	final ReplyReading replies;

	private final String protocol;

	private final FailureTranslator translator;

	private final SocketTuning tuning;

	private final StreamProviderHint providerHint;

	private final PipelineDriver pipeline;

	private final EnvelopeParameters envelope;

	private MessageDataStream dataStream;

	private Secrets secrets = Secrets.NONE;

	private DeliveryReport lastReport;

	/** The last message delivered, for its report on demand. */
	private Transaction lastSent;

	/**
	 * Creates the transport; Jakarta Mail calls this when the session selects it.
	 * @param session the session
	 * @param urlname the URL name, may be null
	 */
	public CapturingSmtpTransport(Session session, URLName urlname) {
		this(session, urlname, "smtp", false);
	}

	/**
	 * Creates the transport for a protocol name.
	 * @param session the session
	 * @param urlname the URL name, may be null
	 * @param name {@code smtp} or {@code smtps}
	 * @param isSSL whether to use TLS from the first byte
	 */
	protected CapturingSmtpTransport(Session session, URLName urlname, String name, boolean isSSL) {
		super(session, urlname, name, isSSL);
		this.protocol = name;
		this.capture = new Capture(session.getProperties());
		this.replies = new ReplyReading(this, super::readServerResponse, this.capture.clock, session.getProperties());
		this.translator = new FailureTranslator(this.capture);
		this.tuning = new SocketTuning(session.getProperties());
		this.providerHint = new StreamProviderHint(session.getProperties());
		this.pipeline = new PipelineDriver(this, session.getProperties(), name);
		this.envelope = new EnvelopeParameters(session.getProperties(), name);
	}

	/**
	 * Returns a capturing transport for the session's {@code smtp} or {@code smtps}
	 * protocol, failing loudly when the session's {@code mail.<protocol>.class} does not
	 * select one: Jakarta Mail silently falls back to its default transport on an unknown
	 * class name.
	 * @param session the session
	 * @param protocol {@code smtp} or {@code smtps}
	 * @return the (not yet connected) transport
	 * @throws IllegalStateException naming the property and its value if the session's
	 * transport is not a capturing one
	 * @throws IllegalArgumentException if a {@code resilient-mail.*} session setting has
	 * a value that is not allowed (named in the message)
	 * @throws MessagingException if Jakarta Mail cannot provide a transport at all
	 */
	public static CapturingSmtpTransport of(Session session, String protocol) throws MessagingException {
		return TransportLookup.capturing(session, protocol);
	}

	/**
	 * Sets the listener that receives every exchange and outcome of this transport.
	 * @param listener the listener, or {@code null} for none
	 */
	public synchronized void setDeliveryListener(DeliveryListener listener) {
		this.capture.listener = (listener != null) ? listener : DeliveryListener.NONE;
	}

	/**
	 * Returns the report of the last message this transport delivered, or {@code null}
	 * when the last send failed or nothing was sent yet. It is built on first request
	 * when neither INFO logging nor a listener needed it already.
	 * @return the last report
	 */
	public synchronized DeliveryReport lastDeliveryReport() {
		if (this.lastReport == null && this.lastSent != null) {
			return buildReport(this.lastSent);
		}
		return this.lastReport;
	}

	/**
	 * Returns the exchanges of the current connection so far.
	 * @return the transcript
	 */
	public synchronized dev.resilientmail.reply.SmtpTranscript transcript() {
		return this.capture.transcript();
	}

	@Override
	protected synchronized boolean protocolConnect(String host, int port, String user, String password)
			throws MessagingException {
		this.tuning.check();
		this.replies.connecting();
		this.pipeline.reset();
		this.secrets = Secrets.of(user, password);
		long from = this.capture.position();
		this.capture.connecting();
		try {
			return super.protocolConnect(host, port, user, password);
		}
		catch (MessagingException ex) {
			SmtpFailure failure = this.translator.connectFailure(ex, from, this.replies.protocolError(), host,
					getRequireStartTLS() && !supportsExtension("STARTTLS"));
			Capture.log.warn("connect to {}:{} failed: {}", host, port, failure.getMessage());
			this.capture.notifyFailed(failure);
			throw failure;
		}
	}

	@Override
	protected void sendCommand(String command) throws MessagingException {
		CallerInput.refuseBrokenCommand(command);
		String cmd = onWire(command);
		if (Capture.commandOf(cmd) == SmtpCommand.AUTH) {
			this.secrets = this.secrets.withSent(Capture.authInitialResponse(cmd));
		}
		if (this.pipeline.sent(cmd)) {
			return;
		}
		this.capture.commandSent(cmd);
		try {
			super.sendCommand(cmd);
		}
		catch (MessagingException ex) {
			this.capture.replied(null);
			throw ex;
		}
	}

	/**
	 * The command as it goes on the wire, with what Angus does not add: the VERP return
	 * path, ENVID and ORCPT. The pipelined batch is planned with it too.
	 */
	String onWire(String command) {
		Message message = this.pipeline.sending();
		return this.envelope.apply(command, message, message != null && supportsExtension("DSN"));
	}

	@Override
	protected int readServerResponse() throws MessagingException {
		// the greeting is the first read on a new socket (and the EHLO reply after
		// STARTTLS on the layered one): tune it before the client writes anything
		this.tuning.apply(AngusInternals.socket(this));
		int code;
		try {
			code = this.replies.read();
		}
		catch (MessagingException ex) {
			// the connection is gone: no reply owed for pipelined commands will come
			this.pipeline.reset();
			this.capture.replied(null);
			throw ex;
		}
		String reply = getLastServerResponse();
		if (reply != null && reply != super.getLastServerResponse()) {
			AngusInternals.replaceLastResponse(this, reply);
		}
		this.capture.replied(this.replies.recorded(code, reply));
		this.pipeline.replied(code);
		return code;
	}

	/**
	 * Whether the connection looks usable without sending a command: the socket is open
	 * and the server has sent nothing unasked (a server closing an idle connection often
	 * says 421 first). A connection the server closed silently still looks usable; the
	 * next command finds out. Costs no round trip, unlike {@link #isConnected()}, which
	 * sends NOOP.
	 * @return whether the connection looks usable
	 * @since 0.2.0
	 */
	public synchronized boolean looksAlive() {
		return AngusInternals.looksAlive(this);
	}

	/**
	 * Returns the last reply with the credentials of this connection redacted: Angus puts
	 * this text into its {@code AuthenticationFailedException}, and a server may echo
	 * what it was sent.
	 */
	@Override
	public synchronized String getLastServerResponse() {
		return this.secrets.redact(super.getLastServerResponse(), this.capture.inAuth());
	}

	/**
	 * Hands the message to Jakarta Mail as a line stream, so that it does not look one up
	 * per message.
	 */
	@Override
	protected OutputStream data() throws MessagingException {
		OutputStream data = super.data();
		this.pipeline.beforeBody();
		this.dataStream = new MessageDataStream(data);
		return this.dataStream;
	}

	/** Hands what the message stream still buffers to Angus before the final dot. */
	@Override
	protected void finishData() throws IOException, MessagingException {
		MessageDataStream stream = this.dataStream;
		this.dataStream = null;
		if (stream != null) {
			stream.drain();
		}
		super.finishData();
	}

	/**
	 * Closes the connection, saying QUIT when it still can. A QUIT that fails because the
	 * server already dropped the connection is not an error: the socket is closed either
	 * way, and an exception here would hide the failure that came before it (callers
	 * close in a {@code finally}).
	 */
	@Override
	public synchronized void close() throws MessagingException {
		if (this.replies.abortIfReading()) {
			return;
		}
		try {
			super.close();
		}
		catch (MessagingException ex) {
			if (!(ex.getNextException() instanceof IOException)) {
				throw ex;
			}
			Capture.log.debug("QUIT failed on a broken connection, closed it: {}", ex.getNextException().toString());
		}
	}

	@Override
	public synchronized void sendMessage(Message message, Address[] addresses)
			throws MessagingException, SendFailedException {
		this.lastReport = null;
		this.lastSent = null;
		CallerInput.refuse(message, addresses, this.session, this.protocol);
		List<InternetAddress> recipients = CallerInput.recipients(addresses);
		if (message instanceof MimeMessage mime) {
			checkConnected();
			this.translator.refuseOverSize(mime, getExtensionParameter("SIZE"), recipients);
		}
		Transaction transaction = new Transaction(recipients);
		long start = this.capture.position();
		this.replies.beginMessage();
		this.capture.begin(transaction);
		ClassLoader caller = this.providerHint.enter();
		this.pipeline.begin(message);
		try {
			super.sendMessage(message, addresses);
		}
		catch (MessagingException ex) {
			if (ex instanceof SmtpFailure) {
				throw ex;
			}
			if (this.capture.position() == start && !(ex instanceof SendFailedException)) {
				// refused before anything was sent (not a MimeMessage, not connected)
				throw ex;
			}
			SmtpFailure failure = this.translator.messageFailure(ex, transaction, this.replies.protocolError());
			Capture.log.warn("send failed: {}", failure.getMessage());
			this.capture.notifyFailed(failure);
			throw failure;
		}
		finally {
			this.dataStream = null;
			this.pipeline.finish();
			this.capture.end();
			this.providerHint.exit(caller);
		}
		this.lastSent = transaction;
		if (Capture.log.isInfoEnabled() || this.capture.listener != DeliveryListener.NONE) {
			DeliveryReport report = buildReport(transaction);
			if (report != null) {
				Capture.log.info("delivered to {} recipient(s): {}", recipients.size(),
						report.finalReply().lines().get(0));
			}
		}
		if (this.lastReport != null) {
			this.capture.notifyDelivered(this.lastReport);
		}
	}

	private DeliveryReport buildReport(Transaction transaction) {
		if (this.lastReport != null) {
			return this.lastReport;
		}
		this.lastReport = transaction.report(this.capture.classifier, this.capture.transcript());
		return this.lastReport;
	}

}

package dev.resilientmail.transport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.LineInputStream;

import dev.resilientmail.SmtpFailure;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

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
 * of reason {@code PROTOCOL_ERROR}.
 * <p>
 * Refused before anything is sent: no recipients, a recipient without a domain, a CR or
 * LF in an envelope address or a header ({@code SendFailedException} or
 * {@code MessagingException}); a message larger than the {@code SIZE} the server
 * advertised ({@link dev.resilientmail.PermanentFailure} of reason
 * {@code MESSAGE_TOO_LARGE}, before MAIL FROM).
 *
 * @since 0.1.0
 */
public class CapturingSmtpTransport extends SMTPTransport {

	private static final VarHandle LINE_INPUT = lineInputHandle();

	private static final VarHandle SERVER_INPUT = serverInputHandle();

	private static final VarHandle SERVER_SOCKET = serverSocketHandle();

	private final Capture capture;

	private final FailureTranslator translator;

	private final SocketTuning tuning;

	private final StreamProviderHint providerHint;

	private BoundedLineInputStream reader;

	private boolean protocolError;

	private boolean readingReply;

	private long messageStart = -1;

	private List<InternetAddress> messageRecipients = List.of();

	private DeliveryReport lastReport;

	private List<InternetAddress> lastSent = List.of();

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
		this.capture = new Capture(session.getProperties());
		this.translator = new FailureTranslator(this.capture);
		this.tuning = new SocketTuning(session.getProperties());
		this.providerHint = new StreamProviderHint(session.getProperties());
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
		Objects.requireNonNull(session, "session");
		if (!"smtp".equals(protocol) && !"smtps".equals(protocol)) {
			throw new IllegalArgumentException("protocol must be smtp or smtps, got '" + protocol + "'");
		}
		// before Jakarta Mail makes the transport: it reports a failing constructor by
		// the provider's name only
		SocketTuning.validate(session.getProperties());
		jakarta.mail.Transport transport = session.getTransport(protocol);
		if (transport instanceof CapturingSmtpTransport capturing) {
			return capturing;
		}
		String key = "mail." + protocol + ".class";
		String expected = "smtps".equals(protocol) ? CapturingSmtpsTransport.class.getName()
				: CapturingSmtpTransport.class.getName();
		throw new IllegalStateException("session property " + key + " is '" + session.getProperty(key)
				+ "', so Jakarta Mail chose " + transport.getClass().getName() + "; set " + key + "=" + expected
				+ " (Jakarta Mail ignores class names that are not registered providers)");
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
	 * when the last send failed or nothing was sent yet.
	 * @return the last report
	 */
	public synchronized DeliveryReport lastDeliveryReport() {
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
		this.protocolError = false;
		this.reader = null;
		long from = this.capture.position();
		this.capture.connecting();
		try {
			return super.protocolConnect(host, port, user, password);
		}
		catch (MessagingException ex) {
			SmtpFailure failure = (getRequireStartTLS() && !supportsExtension("STARTTLS")
					&& this.translator.endedAfterGreetingWithoutStartTls(from))
							? this.translator.startTlsMissing(ex, from)
							: this.translator.connectFailure(ex, from, this.protocolError);
			Capture.log.warn("connect to {}:{} failed: {}", host, port, failure.getMessage());
			notifyFailed(failure);
			throw failure;
		}
	}

	@Override
	protected void sendCommand(String cmd) throws MessagingException {
		this.capture.commandSent(cmd);
		try {
			super.sendCommand(cmd);
		}
		catch (MessagingException ex) {
			this.capture.replied(null);
			throw ex;
		}
	}

	@Override
	protected int readServerResponse() throws MessagingException {
		// the greeting is the first read on a new socket (and the EHLO reply after
		// STARTTLS on the layered one): tune it before the client writes anything
		if (SERVER_SOCKET != null) {
			this.tuning.apply((Socket) SERVER_SOCKET.get(this));
		}
		BoundedLineInputStream bounded = boundedReader();
		if (bounded != null) {
			bounded.startReply();
		}
		int code;
		this.readingReply = true;
		try {
			code = super.readServerResponse();
		}
		catch (MessagingException ex) {
			if (ex.getCause() instanceof BoundedLineInputStream.ReplyTooLongException) {
				this.protocolError = true;
				abort(bounded);
			}
			else if (ex.getCause() instanceof IOException) {
				closeWithoutWaiting();
			}
			this.capture.replied(null);
			throw ex;
		}
		finally {
			this.readingReply = false;
		}
		String reply = getLastServerResponse();
		if (code == -1 && reply != null && !reply.isEmpty() && !reply.equals("[EOF]")) {
			this.protocolError = true;
		}
		this.capture.replied((code == -1 && !this.protocolError) ? null : reply);
		return code;
	}

	/**
	 * Hands the message to Jakarta Mail as a line stream, so that it does not look one up
	 * per message.
	 */
	@Override
	protected OutputStream data() throws MessagingException {
		return new MessageDataStream(super.data());
	}

	/**
	 * Closes the connection, saying QUIT when it still can. A QUIT that fails because the
	 * server already dropped the connection is not an error: the socket is closed either
	 * way, and an exception here would hide the failure that came before it (callers
	 * close in a {@code finally}).
	 */
	@Override
	public synchronized void close() throws MessagingException {
		if (this.readingReply) {
			// Angus closes from inside readServerResponse when a reply has no numeric
			// code; its QUIT would read the next garbage line and close again, once per
			// line of an endless stream (and break the transcript): end the connection
			// here, the next command fails and Angus finishes the close
			this.protocolError = true;
			abort(this.reader);
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
		this.lastSent = List.of();
		refuseBadInput(message, addresses);
		List<InternetAddress> recipients = new ArrayList<>(addresses.length);
		for (Address address : addresses) {
			if (address instanceof InternetAddress internet && !internet.isGroup()) {
				recipients.add(internet);
			}
		}
		if (message instanceof MimeMessage mime) {
			refuseOverSize(mime, recipients);
		}
		this.messageRecipients = recipients;
		this.messageStart = this.capture.position();
		this.protocolError = false;
		ClassLoader caller = this.providerHint.enter();
		try {
			super.sendMessage(message, addresses);
		}
		catch (MessagingException ex) {
			if (ex instanceof SmtpFailure) {
				throw ex;
			}
			if (this.capture.position() == this.messageStart && !(ex instanceof SendFailedException)) {
				// refused before anything was sent (not a MimeMessage, not connected)
				throw ex;
			}
			SmtpFailure failure = this.translator.messageFailure(ex, this.messageStart, recipients, this.protocolError);
			Capture.log.warn("send failed: {}", failure.getMessage());
			notifyFailed(failure);
			throw failure;
		}
		finally {
			this.providerHint.exit(caller);
			this.messageRecipients = List.of();
		}
		this.lastSent = recipients;
		if (Capture.log.isInfoEnabled() || this.capture.listener != DeliveryListener.NONE) {
			DeliveryReport report = buildReport(recipients);
			if (report != null) {
				Capture.log.info("delivered to {} recipient(s): {}", recipients.size(),
						report.finalReply().lines().get(0));
			}
		}
		if (this.capture.listener != DeliveryListener.NONE && this.lastReport != null) {
			try {
				this.capture.listener.onDelivered(this.lastReport);
			}
			catch (RuntimeException ex) {
				Capture.log.warn("DeliveryListener.onDelivered threw; ignored", ex);
			}
		}
	}

	private DeliveryReport buildReport(List<InternetAddress> recipients) {
		if (this.lastReport != null) {
			return this.lastReport;
		}
		List<Capture.Raw> raws = this.capture.rawSince(this.messageStart);
		SmtpReply finalReply = null;
		for (Capture.Raw raw : raws) {
			if (raw.command() == SmtpCommand.END_OF_DATA) {
				finalReply = Capture.parseQuietly(raw.reply()).orElse(null);
			}
		}
		if (finalReply == null) {
			return null;
		}
		Classification success = this.capture.classifier.classify(finalReply, SmtpCommand.END_OF_DATA);
		List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
		for (InternetAddress recipient : recipients) {
			outcomes.add(new RecipientOutcome(recipient, RecipientOutcome.Status.DELIVERED,
					java.util.Optional.of(finalReply), success));
		}
		this.lastReport = new DeliveryReport(outcomes, finalReply, this.capture.transcript(), 1);
		return this.lastReport;
	}

	/**
	 * Returns the report of the message just delivered, building it on demand.
	 * @return the report, or {@code null} when the last send did not succeed
	 */
	public synchronized DeliveryReport deliveryReport() {
		if (this.lastReport == null && !this.lastSent.isEmpty()) {
			return buildReport(this.lastRecipients());
		}
		return this.lastReport;
	}

	private List<InternetAddress> lastRecipients() {
		return this.lastSent;
	}

	private void notifyFailed(SmtpFailure failure) {
		if (this.capture.listener != DeliveryListener.NONE) {
			try {
				this.capture.listener.onFailed(failure);
			}
			catch (RuntimeException ex) {
				Capture.log.warn("DeliveryListener.onFailed threw; ignored", ex);
			}
		}
	}

	/**
	 * Refuses a message larger than the SIZE the server advertised before MAIL FROM: the
	 * server would only refuse it after the whole upload (RFC 1870).
	 */
	private void refuseOverSize(MimeMessage message, List<InternetAddress> recipients) throws MessagingException {
		checkConnected();
		String parameter = getExtensionParameter("SIZE");
		if (parameter == null || parameter.isBlank()) {
			return;
		}
		long limit;
		try {
			limit = Long.parseLong(parameter.trim());
		}
		catch (NumberFormatException ex) {
			return;
		}
		if (limit <= 0) {
			return;
		}
		long size = WireSize.over(message, limit);
		if (size > limit) {
			SmtpFailure failure = this.translator.tooLarge(size, limit, recipients);
			Capture.log.warn("send refused: {}", failure.getMessage());
			notifyFailed(failure);
			throw failure;
		}
	}

	/**
	 * Refuses what a server must never see, before anything is sent: no recipients, a
	 * recipient without a domain (RFC 5321 needs local-part@domain; a server may append
	 * its own domain and deliver elsewhere), and header injection: a CR or LF in an
	 * envelope address, or in a header value other than a folding line break (CRLF
	 * followed by a space or tab).
	 */
	private static void refuseBadInput(Message message, Address[] addresses) throws MessagingException {
		Objects.requireNonNull(message, "message");
		List<Address> individuals = (addresses != null) ? individuals(addresses) : List.of();
		if (individuals.isEmpty()) {
			throw new SendFailedException(
					"refusing to send: no recipient addresses"
							+ ((addresses != null && addresses.length > 0)
									? " (only empty groups: " + Arrays.toString(addresses) + ")" : "")
							+ "; nothing was sent");
		}
		List<Address> bad = new ArrayList<>();
		for (Address address : addresses) {
			if (address instanceof InternetAddress internet && hasLineBreak(internet.getAddress())) {
				bad.add(address);
			}
		}
		if (!bad.isEmpty()) {
			throw new SendFailedException("refusing to send: recipient address contains CR or LF (header injection?): "
					+ bad.stream().map((a) -> escape(((InternetAddress) a).getAddress())).toList()
					+ "; nothing was sent", null, new Address[0], new Address[0], bad.toArray(new Address[0]));
		}
		for (Address address : individuals) {
			if (address instanceof InternetAddress internet && !hasDomain(internet.getAddress())) {
				bad.add(address);
			}
		}
		if (!bad.isEmpty()) {
			throw new SendFailedException("refusing to send: recipient address without a domain: "
					+ bad.stream().map((a) -> "'" + escape(((InternetAddress) a).getAddress()) + "'").toList()
					+ "; an SMTP recipient must be local-part@domain (only 'postmaster' may stand alone);"
					+ " nothing was sent", null, new Address[0], new Address[0], bad.toArray(new Address[0]));
		}
		if (message instanceof MimeMessage mime) {
			if (anyHeaderLineBreak(mime)) {
				Enumeration<Header> headers = mime.getAllHeaders();
				while (headers.hasMoreElements()) {
					Header header = headers.nextElement();
					if (hasBareLineBreak(header.getName()) || hasBareLineBreak(header.getValue())) {
						throw new MessagingException("refusing to send: header '" + escape(header.getName())
								+ "' contains a CR or LF that is not a folding line break (header injection?): '"
								+ escape(header.getValue()) + "'; nothing was sent");
					}
				}
			}
			Address[] from = mime.getFrom();
			if (from != null) {
				for (Address address : from) {
					if (address instanceof InternetAddress internet && hasLineBreak(internet.getAddress())) {
						throw new MessagingException("refusing to send: sender address contains CR or LF: '"
								+ escape(internet.getAddress()) + "'; nothing was sent");
					}
				}
			}
		}
	}

	/** The addresses with groups replaced by their members, as Angus sends them. */
	private static List<Address> individuals(Address[] addresses) {
		List<Address> individuals = new ArrayList<>(addresses.length);
		for (Address address : addresses) {
			if (address instanceof InternetAddress internet && internet.isGroup()) {
				try {
					InternetAddress[] members = internet.getGroup(true);
					if (members != null) {
						individuals.addAll(Arrays.asList(members));
					}
				}
				catch (AddressException ex) {
					// Angus then sends the group as it is; so be it
					individuals.add(address);
				}
			}
			else {
				individuals.add(address);
			}
		}
		return individuals;
	}

	private static boolean hasDomain(String address) {
		if (address == null) {
			return false;
		}
		int at = address.lastIndexOf('@');
		return (at > 0 && at < address.length() - 1) || address.equalsIgnoreCase("postmaster");
	}

	/**
	 * Whether any header line holds a CR or LF: most messages have none (no folded
	 * header), and then the header-by-header check, which builds a name and a value per
	 * header, has nothing to find.
	 */
	private static boolean anyHeaderLineBreak(MimeMessage message) throws MessagingException {
		Enumeration<String> lines = message.getAllHeaderLines();
		while (lines.hasMoreElements()) {
			if (hasLineBreak(lines.nextElement())) {
				return true;
			}
		}
		return false;
	}

	private static boolean hasLineBreak(String text) {
		return text != null && (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0);
	}

	private static boolean hasBareLineBreak(String text) {
		if (text == null) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\r' || c == '\n') {
				int next = i + 1;
				if (c == '\r' && next < text.length() && text.charAt(next) == '\n') {
					next++;
				}
				if (next >= text.length() || (text.charAt(next) != ' ' && text.charAt(next) != '\t')) {
					return true;
				}
				i = next - 1;
			}
		}
		return false;
	}

	private static String escape(String text) {
		return (text == null) ? "null" : text.replace("\r", "\\r").replace("\n", "\\n");
	}

	private BoundedLineInputStream boundedReader() {
		if (LINE_INPUT == null) {
			return null;
		}
		Object current = LINE_INPUT.get(this);
		if (current == null) {
			return null;
		}
		if (current != this.reader) {
			// Angus made a new reader (new connection, or after STARTTLS): put ours in
			// its place, on the buffered stream that Angus's reader reads (both are set
			// together, before any read); reading through Angus's reader costs a
			// virtual call per byte
			Object buffered = (SERVER_INPUT != null) ? SERVER_INPUT.get(this) : null;
			this.reader = new BoundedLineInputStream((InputStream) ((buffered != null) ? buffered : current));
			LINE_INPUT.set(this, this.reader);
		}
		return this.reader;
	}

	private static void abort(BoundedLineInputStream bounded) {
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
	private void closeWithoutWaiting() {
		if (SERVER_SOCKET != null && SERVER_SOCKET.get(this) instanceof Socket socket) {
			try {
				socket.setSoTimeout(1);
			}
			catch (IOException ex) {
				// already closed
			}
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

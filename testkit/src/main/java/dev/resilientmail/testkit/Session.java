package dev.resilientmail.testkit;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLSocket;

/**
 * One connection: a small SMTP state machine that asks the server's rules before each
 * reply and otherwise answers like a plain accepting MTA. Runs on its own daemon thread.
 */
final class Session implements Runnable {

	/** Returned instead of a reply code when the session ends at an action. */
	private static final int END = Integer.MIN_VALUE;

	private static final byte[] EMPTY = new byte[0];

	private final FaultSmtpServer server;

	private final Settings settings;

	private final Replies replies;

	private final Recording recording;

	private final Socket raw;

	private final int connection;

	private volatile Thread thread;

	private Socket socket;

	private OutputStream out;

	private LineReader reader;

	private boolean tlsActive;

	private boolean hello;

	private boolean authenticated;

	private boolean refused;

	private boolean inTransaction;

	private String mailFrom;

	private final List<String> accepted = new ArrayList<>();

	private int transaction;

	private boolean dropAfterReply;

	Session(FaultSmtpServer server, Socket raw, int connection) {
		this.server = server;
		this.settings = server.settings();
		this.replies = server.replies();
		this.recording = server.recording();
		this.raw = raw;
		this.socket = raw;
		this.connection = connection;
	}

	void start(Thread thread) {
		this.thread = thread;
		thread.start();
	}

	/**
	 * Closes the connection from another thread; blocked reads and writes end at once.
	 */
	void abort() {
		closeQuietly(this.raw);
	}

	void join(long millis) throws InterruptedException {
		Thread running = this.thread;
		if (running != null && running != Thread.currentThread()) {
			running.join(Math.max(1, millis));
		}
	}

	@Override
	public void run() {
		try {
			open(this.raw.getInputStream(), this.raw.getOutputStream());
			if (this.settings.implicitTls()) {
				upgradeToTls();
			}
			if (greet()) {
				serve();
			}
			this.out.flush();
		}
		catch (LineReader.LineTooLongException ex) {
			lingeringClose(this.replies.lineTooLong);
		}
		catch (IOException ex) {
			// the client went away, a handshake failed or the server was closed
		}
		catch (RuntimeException ex) {
			if (!this.server.isClosed()) {
				System.err.println("FaultSmtpServer: connection " + this.connection + " failed");
				ex.printStackTrace();
			}
		}
		finally {
			closeQuietly(this.socket);
			closeQuietly(this.raw);
			this.server.ended(this);
		}
	}

	private void serve() throws IOException {
		while (this.reader.next()) {
			Phase phase = Phase.ofCommand(this.reader.line(), this.reader.length());
			String line = this.reader.lineAsString();
			if (!this.settings.lean()) {
				this.recording.command(line);
			}
			this.dropAfterReply = false;
			if (!command(phase, line) || this.dropAfterReply) {
				this.out.flush();
				return;
			}
		}
	}

	/** Answers one command; false when the session ends. */
	private boolean command(Phase phase, String line) throws IOException {
		if (this.refused && phase != Phase.QUIT) {
			return exchange(phase, line, null,
					() -> this.replies.line(503, "5.5.1", "Error: bad sequence of commands, no SMTP service")) != END;
		}
		switch (phase) {
			case EHLO:
			case HELO:
				return hello(phase, line);
			case STARTTLS:
				return startTls(line);
			case AUTH:
				return auth(line);
			case MAIL:
				return mail(line);
			case RCPT:
				return rcpt(line);
			case DATA:
				return data(line);
			case RSET:
				return rset(line);
			case NOOP:
				return exchange(Phase.NOOP, line, null, () -> this.replies.ok) != END;
			case QUIT:
				exchange(Phase.QUIT, line, null, () -> this.replies.bye);
				return false;
			default:
				return exchange(Phase.UNKNOWN, line, null, () -> this.replies.unknown) != END;
		}
	}

	private boolean greet() throws IOException {
		Action action = scripted(Phase.GREETING, "", null);
		int code;
		if (action == null || action.isDefault()) {
			write(this.replies.greeting);
			code = this.replies.greetingCode;
		}
		else {
			code = perform(action);
			if (code == END) {
				return false;
			}
		}
		if (action != null && action.dropsAfter()) {
			this.out.flush();
			return false;
		}
		// RFC 5321 3.1: after a 554 greeting the server waits for QUIT and refuses the
		// rest
		this.refused = code != 220;
		return true;
	}

	private boolean hello(Phase phase, String line) throws IOException {
		boolean noArgument = line.length() <= 5 || line.substring(5).isBlank();
		int code = exchange(phase, line, null, () -> {
			if (noArgument) {
				return this.replies.line(501, "5.5.4", "Syntax: " + phase + " hostname");
			}
			if (phase == Phase.HELO) {
				return this.replies.helo;
			}
			return this.tlsActive ? this.replies.ehloInTls : this.replies.ehloBeforeTls;
		});
		if (code == END) {
			return false;
		}
		if (isPositive(code)) {
			this.hello = true;
			resetTransaction();
		}
		return true;
	}

	private boolean startTls(String line) throws IOException {
		int code = exchange(Phase.STARTTLS, line, null, () -> {
			if (!this.settings.startTls()) {
				return this.replies.line(502, "5.5.1", "Error: command not implemented");
			}
			if (this.tlsActive) {
				return this.replies.line(554, "5.5.1", "Error: TLS already active");
			}
			return this.replies.startTls;
		});
		if (code == END) {
			return false;
		}
		if (code == 220 && !this.tlsActive && this.server.tls() != null && !this.dropAfterReply) {
			this.out.flush();
			upgradeToTls();
			// RFC 3207 4.2: the client starts over, and anything sent before is forgotten
			this.hello = false;
			this.authenticated = false;
			resetTransaction();
		}
		return true;
	}

	private void upgradeToTls() throws IOException {
		SSLSocket tls = (SSLSocket) this.server.tls()
			.serverContext()
			.getSocketFactory()
			.createSocket(this.raw, this.raw.getInetAddress().getHostAddress(), this.raw.getPort(), true);
		tls.setUseClientMode(false);
		tls.startHandshake();
		this.socket = tls;
		this.tlsActive = true;
		open(tls.getInputStream(), tls.getOutputStream());
	}

	private boolean auth(String line) throws IOException {
		int code = exchange(Phase.AUTH, line, null, () -> authenticate(line));
		if (code == END) {
			return false;
		}
		if (code == 235) {
			this.authenticated = true;
		}
		return true;
	}

	private byte[] authenticate(String line) throws IOException {
		if (!this.settings.auth()) {
			return this.replies.line(503, "5.5.1", "Error: authentication not enabled");
		}
		if (this.settings.requireTls() && !this.tlsActive) {
			return this.replies.line(530, "5.7.0", "Must issue a STARTTLS command first");
		}
		if (this.authenticated) {
			return this.replies.line(503, "5.5.1", "Error: already authenticated");
		}
		if (this.inTransaction) {
			return this.replies.line(503, "5.5.1", "Error: MAIL transaction in progress");
		}
		String[] words = line.substring(Math.min(5, line.length())).strip().split(" +", 2);
		String mechanism = words[0].toUpperCase(Locale.ROOT);
		String initial = (words.length > 1) ? words[1] : null;
		switch (mechanism) {
			case "PLAIN": {
				String response = (initial != null) ? initial : challenge("334 ");
				if ("*".equals(response)) {
					return aborted();
				}
				String decoded = decode(response);
				if (decoded == null) {
					return cannotDecode();
				}
				String[] parts = decoded.split("\0", -1);
				if (parts.length != 3) {
					return this.replies.authFailed;
				}
				return check(parts[1], parts[2]);
			}
			case "LOGIN": {
				String user = decode((initial != null) ? initial : challenge("334 VXNlcm5hbWU6"));
				if (user == null) {
					return cannotDecode();
				}
				String response = challenge("334 UGFzc3dvcmQ6");
				if ("*".equals(response)) {
					return aborted();
				}
				String password = decode(response);
				return (password != null) ? check(user, password) : cannotDecode();
			}
			case "":
				return this.replies.line(501, "5.5.4", "Syntax: AUTH mechanism");
			default:
				return this.replies.line(504, "5.5.4", "Unrecognized authentication type");
		}
	}

	/** Writes a 334 challenge and reads the client's answer, which is recorded too. */
	private String challenge(String prompt) throws IOException {
		write((prompt + "\r\n").getBytes(StandardCharsets.US_ASCII));
		if (!this.reader.next()) {
			throw new EOFException("client closed the connection during AUTH");
		}
		String response = this.reader.lineAsString();
		if (!this.settings.lean()) {
			this.recording.command(response);
		}
		return response;
	}

	private byte[] check(String user, String password) {
		boolean ok = this.settings.username().equals(user) && this.settings.password().equals(password);
		return ok ? this.replies.authOk : this.replies.authFailed;
	}

	private byte[] aborted() {
		return this.replies.line(501, "5.7.0", "Authentication aborted");
	}

	private byte[] cannotDecode() {
		return this.replies.line(501, "5.5.2", "Cannot decode response");
	}

	/** Base64 to UTF-8 text; "=" is the empty response; null when it is not Base64. */
	private static String decode(String response) {
		if ("*".equals(response)) {
			return null;
		}
		if ("=".equals(response)) {
			return "";
		}
		try {
			return new String(Base64.getDecoder().decode(response.strip()), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private boolean mail(String line) throws IOException {
		this.transaction = this.server.nextTransaction();
		MailPath from = MailPath.parse(line, "FROM:");
		int code = exchange(Phase.MAIL, line, null, () -> defaultMail(from));
		if (code == END) {
			return false;
		}
		if (isPositive(code)) {
			this.inTransaction = true;
			this.mailFrom = (from != null) ? from.address() : "";
			this.accepted.clear();
		}
		return true;
	}

	private byte[] defaultMail(MailPath from) {
		if (!this.hello) {
			return this.replies.line(503, "5.5.1", "Error: send HELO/EHLO first");
		}
		if (this.settings.requireTls() && !this.tlsActive) {
			return this.replies.line(530, "5.7.0", "Must issue a STARTTLS command first");
		}
		if (this.settings.requireAuth() && !this.authenticated) {
			return this.replies.line(530, "5.7.0", "Authentication required");
		}
		if (this.inTransaction) {
			return this.replies.line(503, "5.5.1", "Error: nested MAIL command");
		}
		if (from == null) {
			return this.replies.line(501, "5.5.4", "Syntax: MAIL FROM:<address>");
		}
		long declared = from.declaredSize();
		if (declared == MailPath.BAD_SIZE) {
			return this.replies.line(501, "5.5.4", "Bad message size syntax");
		}
		if (this.settings.size() > 0 && declared > this.settings.size()) {
			return this.replies.line(552, "5.3.4", "Message size exceeds fixed limit");
		}
		return this.replies.mailOk;
	}

	private boolean rcpt(String line) throws IOException {
		MailPath to = MailPath.parse(line, "TO:");
		String recipient = (to != null) ? to.address() : null;
		int code = exchange(Phase.RCPT, line, recipient, () -> {
			if (!this.inTransaction) {
				return this.replies.line(503, "5.5.1", "Error: need MAIL command");
			}
			if (recipient == null) {
				return this.replies.line(501, "5.5.4", "Syntax: RCPT TO:<address>");
			}
			if (this.settings.maxRecipients() > 0 && this.accepted.size() >= this.settings.maxRecipients()) {
				return this.replies.line(452, "4.5.3", "Too many recipients");
			}
			return this.replies.rcptOk;
		});
		if (code == END) {
			return false;
		}
		if (isPositive(code) && recipient != null) {
			this.accepted.add(recipient);
		}
		return true;
	}

	private boolean data(String line) throws IOException {
		int code = exchange(Phase.DATA, line, null, () -> {
			if (!this.inTransaction) {
				return this.replies.line(503, "5.5.1", "Error: need MAIL command");
			}
			if (this.accepted.isEmpty()) {
				return this.replies.line(554, "5.5.1", "Error: no valid recipients");
			}
			return this.replies.startData;
		});
		if (code == END) {
			return false;
		}
		if (code == 354 && !this.dropAfterReply) {
			return receiveBody();
		}
		return true;
	}

	private boolean receiveBody() throws IOException {
		long limit = this.settings.size();
		ByteArrayOutputStream body = this.settings.lean() ? null : new ByteArrayOutputStream(1024);
		long size = 0;
		boolean first = true;
		while (true) {
			if (!this.reader.next()) {
				return false;
			}
			if (first) {
				first = false;
				if (!bodyStarted()) {
					return false;
				}
			}
			byte[] line = this.reader.line();
			int length = this.reader.length();
			if (length == 1 && line[0] == '.') {
				break;
			}
			int offset = (length > 0 && line[0] == '.') ? 1 : 0;
			size += length - offset + 2;
			// past the size limit the message is refused anyway: stop holding it
			if (body != null && (limit == 0 || size <= limit)) {
				body.write(line, offset, length - offset);
				body.write('\r');
				body.write('\n');
			}
		}
		return endOfData((body != null) ? body.toByteArray() : EMPTY, size);
	}

	/** The BODY rule, at the first body line; false when the session ends. */
	private boolean bodyStarted() throws IOException {
		Action action = scripted(Phase.BODY, "", null);
		if (action == null) {
			return true;
		}
		switch (action.kind()) {
			case DEFAULT:
				break;
			case RAW:
				write(action.bytes());
				break;
			case REPLY:
				// a reply in the middle of the body leaves no way to go on: answer and
				// close
				write(action.bytes());
				this.out.flush();
				return false;
			default:
				perform(action);
				return false;
		}
		if (action.dropsAfter()) {
			this.out.flush();
			return false;
		}
		return true;
	}

	private boolean endOfData(byte[] data, long size) throws IOException {
		ReceivedMessage message = new ReceivedMessage(this.connection, (this.mailFrom != null) ? this.mailFrom : "",
				this.accepted, data, (int) Math.min(size, Integer.MAX_VALUE));
		Action action = scripted(Phase.END_OF_DATA, ".", null);
		resetTransaction();
		if (action != null && action.endsWithoutReply()) {
			this.recording.unacknowledged(message);
			perform(action);
			return false;
		}
		byte[] reply;
		int code;
		if (action == null || action.isDefault()) {
			reply = (this.settings.size() > 0 && size > this.settings.size())
					? this.replies.line(552, "5.3.4", "Message size exceeds fixed limit")
					: this.replies.queued(this.server.nextQueueId());
			code = Replies.codeOf(reply);
		}
		else {
			reply = action.bytes();
			code = action.code();
		}
		// recorded before the reply leaves, so a client that saw 250 finds the message
		if (isPositive(code)) {
			this.recording.accepted(message);
		}
		write(reply);
		if (action != null) {
			this.dropAfterReply = action.dropsAfter();
		}
		return true;
	}

	private boolean rset(String line) throws IOException {
		int code = exchange(Phase.RSET, line, null, () -> this.replies.ok);
		if (code == END) {
			return false;
		}
		if (isPositive(code)) {
			resetTransaction();
		}
		return true;
	}

	/**
	 * Replies to a command: the matching rule's action, or the default reply.
	 * @return the reply code written, -1 if it had none, or {@link #END}
	 */
	private int exchange(Phase phase, String line, String recipient, DefaultReply byDefault) throws IOException {
		Action action = scripted(phase, line, recipient);
		if (action != null) {
			this.dropAfterReply = action.dropsAfter();
		}
		if (action == null || action.isDefault()) {
			byte[] reply = byDefault.reply();
			write(reply);
			return Replies.codeOf(reply);
		}
		return perform(action);
	}

	private int perform(Action action) throws IOException {
		switch (action.kind()) {
			case REPLY:
			case RAW:
				write(action.bytes());
				return action.code();
			case DROP_MID_REPLY:
				write(action.bytes());
				this.out.flush();
				return END;
			case STALL:
				this.out.flush();
				this.server.awaitClose();
				return END;
			default:
				this.out.flush();
				return END;
		}
	}

	private Action scripted(Phase phase, String line, String recipient) {
		if (!this.server.hasRules()) {
			return null;
		}
		return this.server.actionFor(new Call(phase, line, recipient, 0, this.connection, this.transaction,
				this.inTransaction ? this.mailFrom : null, this.accepted));
	}

	private void resetTransaction() {
		this.inTransaction = false;
		this.mailFrom = null;
		this.accepted.clear();
	}

	private void open(InputStream in, OutputStream out) {
		this.out = new BufferedOutputStream(out, 16 * 1024);
		this.reader = new LineReader(in, this.out, this.settings.maxLineLength());
	}

	private void write(byte[] bytes) throws IOException {
		this.out.write(bytes);
	}

	/**
	 * Answers, then reads and discards what the client is still sending for a while
	 * before closing, so the client reads the reply instead of a connection reset.
	 */
	private void lingeringClose(byte[] reply) {
		try {
			write(reply);
			this.out.flush();
			if (!(this.socket instanceof SSLSocket)) {
				this.socket.shutdownOutput();
			}
			this.raw.setSoTimeout(250);
			InputStream in = this.socket.getInputStream();
			byte[] sink = new byte[64 * 1024];
			long deadline = System.nanoTime() + 1_000_000_000L;
			long drained = 0;
			while (System.nanoTime() < deadline && drained < 64L * 1024 * 1024) {
				int read = in.read(sink);
				if (read < 0) {
					return;
				}
				drained += read;
			}
		}
		catch (IOException | RuntimeException ex) {
			// closing anyway
		}
	}

	private static boolean isPositive(int code) {
		return code >= 200 && code < 400;
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed or reset
		}
	}

	@FunctionalInterface
	private interface DefaultReply {

		byte[] reply() throws IOException;

	}

}

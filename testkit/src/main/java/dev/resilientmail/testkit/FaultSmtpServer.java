package dev.resilientmail.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLSocketFactory;

/**
 * A scriptable SMTP server on {@code 127.0.0.1}, for testing code that sends mail: it
 * replies to any command with any reply, drops the connection or stalls on cue, and
 * records every command and message it receives. Shaped like OkHttp's
 * {@code MockWebServer}. <pre>{@code
 * try (FaultSmtpServer server = FaultSmtpServer.start()) {
 *     server.when(Phase.RCPT).recipient("*@grey.example").attempt(1)
 *             .reply("450 4.7.1 Greylisted, try again later");
 *     // send to 127.0.0.1:server.port() twice ...
 *     assertThat(server.copiesFor("bob@grey.example")).isEqualTo(1);
 * }
 * }</pre> Without a matching {@linkplain #when(Phase) rule} the server behaves like a
 * plain accepting MTA with Postfix-like replies ({@code 250 2.1.5 Ok},
 * {@code 250 2.0.0 Ok:
 * queued as ...}). It listens on an ephemeral port and serves each connection on its own
 * daemon thread; {@link #close()} ends them all. Thread-safe.
 *
 * @since 0.1.0
 */
public final class FaultSmtpServer implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final long CLOSE_WAIT_MILLIS = 5_000;

	private final Settings settings;

	private final Replies replies;

	private final TlsMaterial tls;

	private final ServerSocket listener;

	private final Thread acceptor;

	private final CountDownLatch closed = new CountDownLatch(1);

	private final AtomicBoolean closing = new AtomicBoolean();

	private final AtomicInteger connections = new AtomicInteger();

	private final AtomicInteger transactions = new AtomicInteger();

	private final AtomicLong queueIds = new AtomicLong(0xA0000);

	private final List<Rule> rules = new CopyOnWriteArrayList<>();

	private final Recording recording = new Recording();

	private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

	private FaultSmtpServer(Settings settings) {
		this.settings = settings;
		this.replies = new Replies(settings);
		this.tls = settings.tls()
				? TlsMaterial.forHost(
						(settings.certificateHost() != null) ? settings.certificateHost() : TlsMaterial.DEFAULT_HOSTS)
				: null;
		try {
			this.listener = new ServerSocket(0, 50, InetAddress.getByName(HOST));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot listen on " + HOST + ": " + ex.getMessage(), ex);
		}
		this.acceptor = new Thread(this::accept, threadName("accept"));
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Starts a server with the defaults: no TLS, no authentication, enhanced status
	 * codes, {@code PIPELINING} and {@code SIZE 10240000} advertised.
	 * @return the running server
	 * @throws UncheckedIOException if it cannot listen
	 */
	public static FaultSmtpServer start() {
		return builder().start();
	}

	/**
	 * A builder for a server with other settings.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The address the server listens on.
	 * @return {@code "127.0.0.1"}
	 */
	public String host() {
		return HOST;
	}

	/**
	 * The port the server listens on.
	 * @return the ephemeral port
	 */
	public int port() {
		return this.listener.getLocalPort();
	}

	/**
	 * The name the server gives itself in its greeting and EHLO reply.
	 * @return the host name
	 */
	public String hostname() {
		return this.settings.hostname();
	}

	/**
	 * Adds a rule for a phase; configure it with matchers and one action. Rules are
	 * checked in the order they were added and the first that matches acts.
	 * @param phase the phase
	 * @return the new rule
	 * @throws IllegalArgumentException if the phase is null
	 */
	public Rule when(Phase phase) {
		Rule rule = new Rule(phase);
		this.rules.add(rule);
		return rule;
	}

	/**
	 * How many connections the server accepted since it started or was {@link #reset()}.
	 * @return the count
	 */
	public int connectionCount() {
		return this.connections.get();
	}

	/**
	 * Every command line received, in order, without line ends; AUTH continuation lines
	 * included as sent, message bodies not. Empty in {@linkplain Builder#lean() lean
	 * mode}.
	 * @return a snapshot
	 */
	public List<String> commands() {
		return this.recording.commands();
	}

	/**
	 * Every message whose end of data was answered with a positive reply (2xx), in order.
	 * @return a snapshot
	 */
	public List<ReceivedMessage> messages() {
		return this.recording.messages();
	}

	/**
	 * Messages received in full whose final reply was never sent: the connection was
	 * dropped or stalled at {@link Phase#END_OF_DATA}. The client cannot know whether
	 * they were delivered.
	 * @return a snapshot
	 */
	public List<ReceivedMessage> unacknowledgedMessages() {
		return this.recording.unacknowledgedMessages();
	}

	/**
	 * How many accepted messages listed this recipient: more than one reveals a duplicate
	 * delivery.
	 * @param address the recipient address, case-insensitive
	 * @return the number of copies
	 * @throws IllegalArgumentException if the address is null
	 */
	public int copiesFor(String address) {
		if (address == null) {
			throw new IllegalArgumentException("copiesFor(...) needs an address, got null");
		}
		return this.recording.copiesFor(address);
	}

	/**
	 * Waits until at least n messages were accepted, without polling.
	 * @param n the number of messages, 0 or more
	 * @param timeout how long to wait at most
	 * @return the messages, as {@link #messages()}
	 * @throws AssertionError if fewer than n messages arrived in time (the message lists
	 * those that did)
	 * @throws IllegalArgumentException if n is negative or the timeout is null or
	 * negative
	 */
	public List<ReceivedMessage> awaitMessages(int n, Duration timeout) {
		if (n < 0) {
			throw new IllegalArgumentException("awaitMessages needs a count of 0 or more, got " + n);
		}
		if (timeout == null || timeout.isNegative()) {
			throw new IllegalArgumentException("awaitMessages needs a timeout of zero or more, got " + timeout);
		}
		try {
			return this.recording.await(n, timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for " + n + " message(s)", ex);
		}
	}

	/**
	 * Removes all rules and forgets all recordings, the connection and transaction counts
	 * included, so the next connection is number 1 again. Open connections keep their
	 * numbers.
	 */
	public void reset() {
		this.rules.clear();
		this.recording.clear();
		this.connections.set(0);
		this.transactions.set(0);
	}

	/**
	 * A key store holding the server's certificate as a trusted entry, for clients
	 * configured with a trust store.
	 * @return a new key store (PKCS12, no password needed to read it)
	 * @throws IllegalStateException if the server was built without TLS
	 */
	public KeyStore clientTrustStore() {
		return requireTls("clientTrustStore()").trustStore();
	}

	/**
	 * A socket factory whose connections trust exactly the server's certificate; usable
	 * as Angus Mail's {@code mail.smtp.ssl.socketFactory}. Host name checks stay with the
	 * client (for example {@code mail.smtp.ssl.checkserveridentity}).
	 * @return the socket factory
	 * @throws IllegalStateException if the server was built without TLS
	 */
	public SSLSocketFactory clientSslSocketFactory() {
		return requireTls("clientSslSocketFactory()").clientSocketFactory();
	}

	/**
	 * The server's self-signed certificate.
	 * @return the certificate
	 * @throws IllegalStateException if the server was built without TLS
	 */
	public X509Certificate certificate() {
		return requireTls("certificate()").certificate();
	}

	/**
	 * Whether {@link #close()} was called.
	 * @return true once closed
	 */
	public boolean isClosed() {
		return this.closing.get();
	}

	/**
	 * Stops listening, closes every connection and ends every stall, then waits briefly
	 * for the server's threads to finish. Idempotent.
	 */
	@Override
	public void close() {
		if (!this.closing.compareAndSet(false, true)) {
			return;
		}
		this.closed.countDown();
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
		try {
			this.acceptor.join(CLOSE_WAIT_MILLIS);
			for (Session session : this.sessions) {
				session.abort();
			}
			for (Session session : this.sessions) {
				session.join(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return "FaultSmtpServer[" + HOST + ":" + port() + (isClosed() ? ", closed]" : "]");
	}

	private void accept() {
		while (!isClosed()) {
			Socket socket;
			try {
				socket = this.listener.accept();
			}
			catch (IOException ex) {
				return;
			}
			if (isClosed()) {
				closeQuietly(socket);
				return;
			}
			try {
				socket.setTcpNoDelay(true);
			}
			catch (IOException ex) {
				closeQuietly(socket);
				continue;
			}
			int number = this.connections.incrementAndGet();
			Session session = new Session(this, socket, number);
			Thread thread = new Thread(session, threadName("connection-" + number));
			thread.setDaemon(true);
			this.sessions.add(session);
			session.start(thread);
		}
	}

	private String threadName(String role) {
		return "fault-smtp-" + this.listener.getLocalPort() + "-" + role;
	}

	private TlsMaterial requireTls(String method) {
		if (this.tls == null) {
			throw new IllegalStateException(method
					+ " needs a TLS server: build it with FaultSmtpServer.builder().startTls() or .implicitTls()");
		}
		return this.tls;
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	Settings settings() {
		return this.settings;
	}

	Replies replies() {
		return this.replies;
	}

	Recording recording() {
		return this.recording;
	}

	TlsMaterial tls() {
		return this.tls;
	}

	boolean hasRules() {
		return !this.rules.isEmpty();
	}

	Action actionFor(Call call) {
		for (Rule rule : this.rules) {
			Action action = rule.actOn(call);
			if (action != null) {
				return action;
			}
		}
		return null;
	}

	int nextTransaction() {
		return this.transactions.incrementAndGet();
	}

	long nextQueueId() {
		return this.queueIds.incrementAndGet();
	}

	void awaitClose() {
		try {
			this.closed.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void ended(Session session) {
		this.sessions.remove(session);
	}

	/**
	 * Settings for a {@link FaultSmtpServer}; {@link #start()} makes the server.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private String hostname = "mx.test";

		private List<String> greeting;

		private boolean enhancedStatusCodes = true;

		private boolean pipelining = true;

		private long size = 10_240_000L;

		private List<String> extensions = List.of();

		private boolean startTls;

		private String certificateHost;

		private boolean requireTls;

		private boolean implicitTls;

		private String username;

		private String password;

		private boolean requireAuth;

		private int maxRecipients;

		private boolean lean;

		private int maxLineLength = 1024 * 1024;

		private Builder() {
		}

		/**
		 * The name in the greeting and the EHLO reply.
		 * @param hostname the name, default {@code "mx.test"}
		 * @return this builder
		 * @throws IllegalArgumentException if it is null, blank or has spaces or control
		 * characters
		 */
		public Builder hostname(String hostname) {
			if (hostname == null || hostname.isBlank() || hostname.chars().anyMatch((c) -> c <= ' ' || c == 127)) {
				throw new IllegalArgumentException(
						"hostname must be a name without spaces, like \"mx.test\", got " + quoted(hostname));
			}
			this.hostname = hostname;
			return this;
		}

		/**
		 * Replaces the greeting; several lines make a multi-line greeting, separators
		 * fixed as in {@link Action#reply(String...)}. A code other than 220 makes the
		 * server refuse every command but QUIT with 503, as RFC 5321 asks.
		 * @param lines the greeting lines, default
		 * {@code 220 mx.test ESMTP resilient-mail testkit}
		 * @return this builder
		 * @throws IllegalArgumentException if there is no line or a line is null
		 */
		public Builder greeting(String... lines) {
			this.greeting = List.copyOf(Action.splitLines(lines));
			return this;
		}

		/**
		 * Whether to advertise {@code ENHANCEDSTATUSCODES}; without, default replies
		 * carry no {@code x.y.z} code.
		 * @param enabled default true
		 * @return this builder
		 */
		public Builder enhancedStatusCodes(boolean enabled) {
			this.enhancedStatusCodes = enabled;
			return this;
		}

		/**
		 * Whether to advertise {@code PIPELINING}. Batched commands are answered in order
		 * either way.
		 * @param enabled default true
		 * @return this builder
		 */
		public Builder pipelining(boolean enabled) {
			this.pipelining = enabled;
			return this;
		}

		/**
		 * The message size limit advertised as {@code SIZE n}: a larger declared
		 * {@code SIZE=} gets {@code 552 5.3.4} at MAIL, a larger body at end of data.
		 * @param bytes the limit; 0 for no limit and no {@code SIZE} keyword; default
		 * 10240000
		 * @return this builder
		 * @throws IllegalArgumentException if negative
		 */
		public Builder size(long bytes) {
			if (bytes < 0) {
				throw new IllegalArgumentException("size must be 0 (no limit) or more bytes, got " + bytes);
			}
			this.size = bytes;
			return this;
		}

		/**
		 * More EHLO keywords to advertise, like {@code "DSN"} or {@code "SMTPUTF8"}
		 * (advertised only: the server does not act on them).
		 * @param keywords the keywords with their parameters
		 * @return this builder
		 * @throws IllegalArgumentException if a keyword is null, blank or has a line
		 * break
		 */
		public Builder extensions(String... keywords) {
			for (String keyword : keywords) {
				if (keyword == null || keyword.isBlank() || keyword.indexOf('\r') >= 0 || keyword.indexOf('\n') >= 0) {
					throw new IllegalArgumentException(
							"an EHLO keyword is a single line like \"DSN\", got " + quoted(keyword));
				}
			}
			this.extensions = List.of(keywords);
			return this;
		}

		/**
		 * Advertises {@code STARTTLS} and upgrades on it, with a self-signed certificate
		 * for DNS {@code localhost} and IP {@code 127.0.0.1} (see
		 * {@link FaultSmtpServer#clientSslSocketFactory()}).
		 * @return this builder
		 */
		public Builder startTls() {
			this.startTls = true;
			return this;
		}

		/**
		 * Issues the certificate for this name only, for host name check tests.
		 * @param host a DNS name or IP address
		 * @return this builder
		 * @throws IllegalArgumentException if the name is null or blank
		 */
		public Builder certificateHost(String host) {
			if (host == null || host.isBlank()) {
				throw new IllegalArgumentException(
						"certificateHost needs a name like \"wrong.example\", got " + quoted(host));
			}
			this.certificateHost = host.strip();
			return this;
		}

		/**
		 * Refuses MAIL and AUTH before STARTTLS with
		 * {@code 530 5.7.0 Must issue a STARTTLS command first}.
		 * @return this builder
		 */
		public Builder requireTls() {
			this.requireTls = true;
			return this;
		}

		/**
		 * SMTPS: TLS from the first byte, before the greeting.
		 * @return this builder
		 */
		public Builder implicitTls() {
			this.implicitTls = true;
			return this;
		}

		/**
		 * Advertises {@code AUTH PLAIN LOGIN} and accepts exactly these credentials
		 * ({@code 535 5.7.8} otherwise).
		 * @param username the user name
		 * @param password the password
		 * @return this builder
		 * @throws IllegalArgumentException if either is null or empty
		 */
		public Builder auth(String username, String password) {
			if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
				throw new IllegalArgumentException("auth needs a non-empty user name and password, got "
						+ quoted(username) + " and " + ((password == null) ? "null" : "a password of length 0"));
			}
			this.username = username;
			this.password = password;
			return this;
		}

		/**
		 * Refuses MAIL before a successful AUTH with
		 * {@code 530 5.7.0 Authentication required}.
		 * @return this builder
		 */
		public Builder requireAuth() {
			this.requireAuth = true;
			return this;
		}

		/**
		 * Limits recipients per transaction: RCPT beyond gets
		 * {@code 452 4.5.3 Too many recipients}.
		 * @param max the limit; 0 (default) for none
		 * @return this builder
		 * @throws IllegalArgumentException if negative
		 */
		public Builder maxRecipients(int max) {
			if (max < 0) {
				throw new IllegalArgumentException("maxRecipients must be 0 (unlimited) or more, got " + max);
			}
			this.maxRecipients = max;
			return this;
		}

		/**
		 * For benchmarks: keeps envelopes, sizes and counts but no bodies and no command
		 * list, so memory stays small and the server is never the bottleneck.
		 * @return this builder
		 */
		public Builder lean() {
			this.lean = true;
			return this;
		}

		/**
		 * The longest line accepted, command or body; a longer one gets
		 * {@code 500 5.5.0 Line too long} and the connection is closed.
		 * @param bytes the limit without the line end; default 1 MiB
		 * @return this builder
		 * @throws IllegalArgumentException if below 512 (RFC 5321's minimum)
		 */
		public Builder maxLineLength(int bytes) {
			if (bytes < 512 || bytes > Integer.MAX_VALUE - 16) {
				throw new IllegalArgumentException("maxLineLength must be 512 bytes or more, got " + bytes);
			}
			this.maxLineLength = bytes;
			return this;
		}

		/**
		 * Starts the server.
		 * @return the running server
		 * @throws IllegalStateException if settings contradict each other (named in the
		 * message)
		 * @throws UncheckedIOException if it cannot listen
		 */
		public FaultSmtpServer start() {
			if (this.startTls && this.implicitTls) {
				throw new IllegalStateException("startTls() and implicitTls() exclude each other: an implicit TLS "
						+ "(SMTPS) server is encrypted from the first byte and offers no STARTTLS");
			}
			if (this.requireTls && !this.startTls && !this.implicitTls) {
				throw new IllegalStateException("requireTls() needs startTls()");
			}
			if (this.certificateHost != null && !this.startTls && !this.implicitTls) {
				throw new IllegalStateException("certificateHost(...) needs startTls() or implicitTls()");
			}
			if (this.requireAuth && this.username == null) {
				throw new IllegalStateException("requireAuth() needs auth(username, password)");
			}
			return new FaultSmtpServer(new Settings(this.hostname, this.greeting, this.enhancedStatusCodes,
					this.pipelining, this.size, this.extensions, this.startTls, this.certificateHost, this.requireTls,
					this.implicitTls, this.username, this.password, this.requireAuth, this.maxRecipients, this.lean,
					this.maxLineLength));
		}

		private static String quoted(String text) {
			return (text != null) ? "\"" + text + "\"" : "null";
		}

	}

}

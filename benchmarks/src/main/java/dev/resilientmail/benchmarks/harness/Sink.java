package dev.resilientmail.benchmarks.harness;

import java.time.Duration;
import java.util.Properties;

import javax.net.ssl.SSLSocketFactory;

import dev.resilientmail.testkit.FaultSmtpServer;

/**
 * The local SMTP server every contender sends to: the testkit server in lean mode (counts
 * and envelopes only, no bodies kept), plain or with STARTTLS and AUTH, or Postfix's
 * {@code smtp-sink} (plain only).
 */
final class Sink implements AutoCloseable {

	static final String USER = "user";

	static final String PASSWORD = "secret";

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final FaultSmtpServer server;

	private final PostfixSink postfix;

	private final boolean tls;

	private final boolean noDelay;

	private Sink(FaultSmtpServer server, PostfixSink postfix, boolean tls, boolean noDelay) {
		this.server = server;
		this.postfix = postfix;
		this.tls = tls;
		this.noDelay = noDelay;
	}

	/**
	 * A plain testkit sink.
	 * @param noDelay whether the clients' sessions set {@code TCP_NODELAY} themselves
	 * (the benchmark's own socket factory)
	 */
	static Sink plain(boolean noDelay) {
		return new Sink(FaultSmtpServer.builder().lean().start(), null, false, noDelay);
	}

	/**
	 * Postfix's {@code smtp-sink} on a loopback port.
	 * @param noDelay whether the clients' sessions set {@code TCP_NODELAY} themselves
	 */
	static Sink postfix(boolean noDelay) {
		return new Sink(null, PostfixSink.start(), false, noDelay);
	}

	/**
	 * A testkit sink with STARTTLS and AUTH.
	 * @param noDelay whether the clients' sessions set {@code TCP_NODELAY} themselves
	 */
	static Sink startTlsWithAuth(boolean noDelay) {
		return new Sink(FaultSmtpServer.builder().lean().startTls().auth(USER, PASSWORD).start(), null, true, noDelay);
	}

	/** The testkit server; only for the testkit sinks. */
	FaultSmtpServer server() {
		if (this.server == null) {
			throw new IllegalStateException("smtp-sink is not scriptable");
		}
		return this.server;
	}

	boolean isPostfix() {
		return this.postfix != null;
	}

	boolean tls() {
		return this.tls;
	}

	String host() {
		return (this.server != null) ? this.server.host() : "127.0.0.1";
	}

	int port() {
		return (this.server != null) ? this.server.port() : this.postfix.port();
	}

	SSLSocketFactory clientSslSocketFactory() {
		return server().clientSslSocketFactory();
	}

	/**
	 * Waits until the sink counted {@code count} messages since the last reset.
	 * @return the messages it counted
	 */
	int awaitMessages(int count) throws InterruptedException {
		if (this.server != null) {
			return this.server.awaitMessages(count, TIMEOUT).size();
		}
		return this.postfix.awaitMessages(count, TIMEOUT);
	}

	/**
	 * Connections since the last reset: accepted (testkit) or ended ({@code smtp-sink}
	 * counts a session when it ends, so connections kept open are not in it).
	 */
	int connectionCount() {
		return (this.server != null) ? this.server.connectionCount() : this.postfix.sessionsEnded();
	}

	void reset() {
		if (this.server != null) {
			this.server.reset();
		}
		else {
			this.postfix.reset();
		}
	}

	/**
	 * Session properties for this sink: host, port, connect and read timeouts (no write
	 * timeout: Angus runs a thread per connection for it, which is not its default) and,
	 * with TLS, required STARTTLS trusting the sink's certificate (host name checked) and
	 * AUTH; and {@code TCP_NODELAY} when this sink was made so.
	 */
	Properties sessionProperties() {
		Properties properties = new Properties();
		if (this.noDelay) {
			properties.put("mail.smtp.socketFactory", new NoDelaySocketFactory());
		}
		properties.setProperty("mail.smtp.host", host());
		properties.setProperty("mail.smtp.port", String.valueOf(port()));
		String millis = String.valueOf(TIMEOUT.toMillis());
		properties.setProperty("mail.smtp.connectiontimeout", millis);
		properties.setProperty("mail.smtp.timeout", millis);
		if (this.tls) {
			properties.setProperty("mail.smtp.starttls.enable", "true");
			properties.setProperty("mail.smtp.starttls.required", "true");
			properties.put("mail.smtp.ssl.socketFactory", clientSslSocketFactory());
			properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
			properties.setProperty("mail.smtp.auth", "true");
			properties.setProperty("mail.smtp.user", USER);
		}
		return properties;
	}

	@Override
	public void close() {
		if (this.server != null) {
			this.server.close();
		}
		else {
			this.postfix.close();
		}
	}

}

package dev.resilientmail.benchmarks.harness;

import java.time.Duration;
import java.util.Properties;

import dev.resilientmail.testkit.FaultSmtpServer;

/**
 * The local SMTP server every contender sends to: the testkit server in lean mode (counts
 * and envelopes only, no bodies kept), plain or with STARTTLS and AUTH.
 */
final class Sink implements AutoCloseable {

	static final String USER = "user";

	static final String PASSWORD = "secret";

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final FaultSmtpServer server;

	private final boolean tls;

	private final boolean noDelay;

	private Sink(FaultSmtpServer server, boolean tls, boolean noDelay) {
		this.server = server;
		this.tls = tls;
		this.noDelay = noDelay;
	}

	/**
	 * A plain sink.
	 * @param noDelay whether the clients' sessions set {@code TCP_NODELAY} (Angus's
	 * default is not to)
	 */
	static Sink plain(boolean noDelay) {
		return new Sink(FaultSmtpServer.builder().lean().start(), false, noDelay);
	}

	/**
	 * A sink with STARTTLS and AUTH.
	 * @param noDelay whether the clients' sessions set {@code TCP_NODELAY}
	 */
	static Sink startTlsWithAuth(boolean noDelay) {
		return new Sink(FaultSmtpServer.builder().lean().startTls().auth(USER, PASSWORD).start(), true, noDelay);
	}

	FaultSmtpServer server() {
		return this.server;
	}

	boolean tls() {
		return this.tls;
	}

	String host() {
		return this.server.host();
	}

	int port() {
		return this.server.port();
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
			properties.put("mail.smtp.ssl.socketFactory", this.server.clientSslSocketFactory());
			properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
			properties.setProperty("mail.smtp.auth", "true");
			properties.setProperty("mail.smtp.user", USER);
		}
		return properties;
	}

	@Override
	public void close() {
		this.server.close();
	}

}

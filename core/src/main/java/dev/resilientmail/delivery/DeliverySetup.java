package dev.resilientmail.delivery;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;

import java.util.function.BiConsumer;

import javax.net.ssl.SSLSocketFactory;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;

/**
 * What {@link MailDelivery.Builder} collects, each value checked by its setter; the
 * delivery's parts are made from it.
 */
final class DeliverySetup {

	Session session;

	String host;

	int port;

	String protocol = "smtp";

	String username;

	String password;

	Boolean requireStartTls;

	SSLSocketFactory sslSocketFactory;

	DeliveryPolicy policy = DeliveryPolicy.defaults();

	DeliveryListener listener = DeliveryListener.NONE;

	Sleeper sleeper = Sleeper.REAL;

	Ticker ticker = Ticker.SYSTEM;

	/** The DSN NOTIFY and RET values, or null when DSNs are not asked for. */
	String dsnNotify;

	String dsnRet;

	/** Receives each attempt some recipients accepted, or null. */
	BiConsumer<MimeMessage, DeliveryReport> acceptedSends;

	/** The plain return path VERP tokens are added to, or null. */
	String verpReturnPath;

	/** 0: one per pooled connection. */
	int asyncThreads;

	RetryRegistry retryRegistry;

	RateLimiterRegistry rateLimiterRegistry;

	RatePermitSource ratePermits;

	DeferredRetryStore retryStore;

	void destination(String host, int port) {
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
		}
		this.host = requireText("host", host);
		this.port = port;
	}

	void protocol(String protocol) {
		if (!"smtp".equals(protocol) && !"smtps".equals(protocol)) {
			throw new IllegalArgumentException("protocol must be smtp or smtps, got '" + protocol + "'");
		}
		this.protocol = protocol;
	}

	/** The threads for {@code sendAsync}: as set, else one per pooled connection. */
	int asyncThreadCount() {
		// with fewer, connections sit idle while messages wait (two threads sent no
		// faster over four or eight connections)
		return (this.asyncThreads > 0) ? this.asyncThreads : this.policy.pool().maxConnections();
	}

	void asyncThreads(int threads) {
		if (threads < 1) {
			throw new IllegalArgumentException("asyncThreads must be at least 1, got " + threads);
		}
		this.asyncThreads = threads;
	}

	void dsn(String notify, String ret) {
		String n = (notify != null) ? notify.trim().toUpperCase(Locale.ROOT) : "";
		List<String> words = List.of(n.split("\\s*,\\s*", -1));
		boolean valid = n.equals("NEVER") || (!n.isEmpty() && new HashSet<>(words).size() == words.size()
				&& List.of("SUCCESS", "FAILURE", "DELAY").containsAll(words));
		if (!valid) {
			throw new IllegalArgumentException("DSN notify must be NEVER or a comma-separated list of SUCCESS, "
					+ "FAILURE and DELAY, got '" + notify + "'");
		}
		String r = (ret != null) ? ret.trim().toUpperCase(Locale.ROOT) : "";
		if (!r.equals("FULL") && !r.equals("HDRS")) {
			throw new IllegalArgumentException("DSN ret must be FULL or HDRS, got '" + ret + "'");
		}
		this.dsnNotify = String.join(",", words);
		this.dsnRet = r;
	}

	void verpReturnPath(String returnPath) {
		if (returnPath == null || !returnPath.matches("[!#-'*-/0-9=?A-Z^-~&&[^+]]+@[A-Za-z0-9.-]+")) {
			throw new IllegalArgumentException("VERP return path must be an ASCII address like bounces@example.com "
					+ "(no '+', white space or angle brackets), got '" + returnPath + "'");
		}
		this.verpReturnPath = returnPath;
	}

	static String requireText(String name, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be empty");
		}
		return value;
	}

}

package dev.resilientmail.delivery;

import javax.net.ssl.SSLSocketFactory;

import jakarta.mail.Session;

import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;

import dev.resilientmail.DeliveryListener;

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

	void asyncThreads(int threads) {
		if (threads < 1) {
			throw new IllegalArgumentException("asyncThreads must be at least 1, got " + threads);
		}
		this.asyncThreads = threads;
	}

	static String requireText(String name, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be empty");
		}
		return value;
	}

}

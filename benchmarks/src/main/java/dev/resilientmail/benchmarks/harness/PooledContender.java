package dev.resilientmail.benchmarks.harness;

import java.time.Duration;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.MailDelivery;

/**
 * resilient-mail's {@link MailDelivery} with its default connection pool, one
 * {@code send(message)} call per message. The rate limit is set far above what the
 * machine can send so that it never throttles; everything else is the default policy
 * (pool of 4 connections kept for as many messages as the server takes).
 */
final class PooledContender implements Contender {

	private final String name;

	private final Sink sink;

	private final MailDelivery delivery;

	PooledContender(String name, Sink sink) {
		this.name = name;
		this.sink = sink;
		MailDelivery.Builder builder = MailDelivery.builder(Session.getInstance(sink.sessionProperties()))
			.policy(DeliveryPolicy.builder().rateLimit(1_000_000, Duration.ofSeconds(1)).build());
		if (sink.tls()) {
			builder.credentials(Sink.USER, Sink.PASSWORD);
		}
		this.delivery = builder.build();
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public String description() {
		return "resilient-mail MailDelivery, default pool, send(message) per message"
				+ (this.sink.tls() ? ", STARTTLS + AUTH" : "");
	}

	@Override
	public Sink sink() {
		return this.sink;
	}

	@Override
	public void send(MimeMessage message, int index) throws Exception {
		this.delivery.send(message);
	}

	@Override
	public void close() {
		this.delivery.close();
	}

}

package dev.resilientmail.benchmarks.harness;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.MailDelivery;

/**
 * resilient-mail's {@link MailDelivery#sendAsync} with a pool of N connections: a round
 * hands every message over at once and ends when every future has completed. Everything
 * else is the default (threads, messages per connection), with a rate limit far above
 * what the machine can send.
 */
final class AsyncContender implements Contender {

	private final String name;

	private final Sink sink;

	private final int connections;

	private final MailDelivery delivery;

	AsyncContender(String name, Sink sink, int connections) {
		this.name = name;
		this.sink = sink;
		this.connections = connections;
		DeliveryPolicy defaults = DeliveryPolicy.defaults();
		this.delivery = MailDelivery.builder(Session.getInstance(sink.sessionProperties()))
			.policy(DeliveryPolicy.builder()
				.rateLimit(1_000_000, Duration.ofSeconds(1))
				.pool(connections, defaults.pool().maxMessagesPerConnection(), defaults.pool().idleTimeout())
				.build())
			.build();
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public String description() {
		return "resilient-mail MailDelivery.sendAsync, pool of " + this.connections
				+ " connections, every message handed over at once";
	}

	@Override
	public Sink sink() {
		return this.sink;
	}

	@Override
	public void send(MimeMessage message, int index) throws Exception {
		this.delivery.sendAsync(message).get(Sink.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void sendAll(List<MimeMessage> messages, long[] latencies) throws Exception {
		CompletableFuture<?>[] futures = new CompletableFuture<?>[messages.size()];
		for (int i = 0; i < futures.length; i++) {
			int index = i;
			long start = System.nanoTime();
			futures[i] = this.delivery.sendAsync(messages.get(i))
				.whenComplete((report, error) -> latencies[index] = System.nanoTime() - start);
		}
		CompletableFuture.allOf(futures).get(Sink.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.delivery.close();
	}

}

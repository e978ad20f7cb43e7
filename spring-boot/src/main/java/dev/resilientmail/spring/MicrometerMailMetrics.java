package dev.resilientmail.spring;

import java.util.concurrent.TimeUnit;

import jakarta.mail.internet.MimeMessage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.resilientmail.SmtpFailure;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.reply.SmtpExchange;
import dev.resilientmail.reply.SmtpReply;

/**
 * Micrometer meters for mail: every reply by basic-code class, enhanced code and command
 * ({@value #REPLIES}), every message's final outcome by kind and reason
 * ({@value #OUTCOMES}), the time of each send including its retries ({@value #SEND}), and
 * retries by reason ({@value #RETRIES}).
 */
final class MicrometerMailMetrics implements DeliveryListener, SendObserver {

	static final String REPLIES = "resilient.mail.replies";

	static final String OUTCOMES = "resilient.mail.outcomes";

	static final String SEND = "resilient.mail.send";

	static final String RETRIES = "resilient.mail.retries";

	private static final String NONE = "none";

	private final MeterRegistry registry;

	MicrometerMailMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onExchange(SmtpExchange exchange) {
		String codeClass = NONE;
		String enhancedCode = NONE;
		if (exchange.reply().isPresent()) {
			SmtpReply reply = exchange.reply().get();
			codeClass = reply.codeClass() + "xx";
			enhancedCode = reply.enhancedCode().map(Object::toString).orElse(NONE);
		}
		Counter.builder(REPLIES)
			.description("SMTP replies received, by basic-code class, enhanced status code and command")
			.tag("code.class", codeClass)
			.tag("enhanced.code", enhancedCode)
			.tag("command", exchange.command().name())
			.register(this.registry)
			.increment();
	}

	@Override
	public void onRetry(SmtpFailure failure, long waitMillis) {
		Counter.builder(RETRIES)
			.description("Retries scheduled after a failed attempt, by failure reason")
			.tag("reason", failure.reason().name())
			.register(this.registry)
			.increment();
	}

	@Override
	public Send started(MimeMessage message) {
		long start = System.nanoTime();
		return new Send() {

			@Override
			public void delivered(DeliveryReport report) {
				record("SUCCESS", NONE, System.nanoTime() - start);
			}

			@Override
			public void failed(Throwable failure) {
				if (failure instanceof SmtpFailure smtp) {
					record(smtp.classification().kind().name(), smtp.reason().name(), System.nanoTime() - start);
				}
				else {
					// the message could not be sent at all (no recipients, header
					// injection)
					record("ERROR", NONE, System.nanoTime() - start);
				}
			}

		};
	}

	private void record(String kind, String reason, long nanos) {
		Counter.builder(OUTCOMES)
			.description("Messages by final outcome (after retries): kind and reason")
			.tag("kind", kind)
			.tag("reason", reason)
			.register(this.registry)
			.increment();
		Timer.builder(SEND)
			.description("Time to send a message, retries and waits included, by outcome kind")
			.tag("outcome", kind)
			.register(this.registry)
			.record(nanos, TimeUnit.NANOSECONDS);
	}

}

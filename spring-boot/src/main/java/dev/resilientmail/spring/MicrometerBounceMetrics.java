package dev.resilientmail.spring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationListener;

import dev.resilientmail.bounce.BounceReport;
import dev.resilientmail.bounce.BouncedRecipient;

/**
 * Counts the bounce mailbox's results ({@value #BOUNCES}): one per recipient a report
 * names, tagged with the report's {@code type}, the recipient's {@code action} and the
 * {@code kind} and {@code reason} of its classification; one tagged {@code none} for a
 * report that names no recipient (an auto-reply, a message that is not a bounce).
 */
final class MicrometerBounceMetrics implements ApplicationListener<BounceEvent> {

	static final String BOUNCES = "resilient.mail.bounces";

	private static final String NONE = "none";

	private final MeterRegistry registry;

	MicrometerBounceMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onApplicationEvent(BounceEvent event) {
		BounceReport report = event.getReport();
		if (report.recipients().isEmpty()) {
			count(report, NONE, NONE, NONE);
		}
		for (BouncedRecipient recipient : report.recipients()) {
			count(report, recipient.action().name(), recipient.classification().kind().name(),
					recipient.classification().reason().name());
		}
	}

	private void count(BounceReport report, String action, String kind, String reason) {
		Counter.builder(BOUNCES)
			.description(
					"Recipients reported by messages in the bounce mailbox, by report type, action, kind and reason")
			.tag("type", report.type().name())
			.tag("action", action)
			.tag("kind", kind)
			.tag("reason", reason)
			.register(this.registry)
			.increment();
	}

}

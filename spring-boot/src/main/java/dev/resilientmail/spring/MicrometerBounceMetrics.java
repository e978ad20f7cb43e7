package dev.resilientmail.spring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationListener;

import dev.resilientmail.LateOutcome;
import dev.resilientmail.bounce.BounceReport;
import dev.resilientmail.bounce.BouncedRecipient;

/**
 * Counts the bounce mailbox's results ({@value #BOUNCES}): one per recipient a report
 * names, tagged with the report's {@code type}, the recipient's {@code action} and the
 * {@code kind} and {@code reason} of its classification; one tagged {@code none} for a
 * report that names no recipient (an auto-reply, a message that is not a bounce). Counts
 * the outcomes matched to sends ({@value #LATE_OUTCOMES}) by {@code outcome}
 * ({@code FAILED} or {@code DELAYED}), {@code kind}, {@code reason} and
 * {@code matched.by} ({@code ENVID}, {@code VERP} or {@code MESSAGE_ID}).
 */
final class MicrometerBounceMetrics implements ApplicationListener<BounceEvent> {

	static final String BOUNCES = "resilient.mail.bounces";

	static final String LATE_OUTCOMES = "resilient.mail.late.outcomes";

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
		for (LateOutcome outcome : event.getLateOutcomes()) {
			Counter.builder(LATE_OUTCOMES)
				.description("Bounces matched to the message and recipient they are about, by outcome, kind, reason"
						+ " and how they were matched")
				.tag("outcome", outcome.failed() ? "FAILED" : "DELAYED")
				.tag("kind", outcome.classification().kind().name())
				.tag("reason", outcome.classification().reason().name())
				.tag("matched.by", outcome.matchedBy())
				.register(this.registry)
				.increment();
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

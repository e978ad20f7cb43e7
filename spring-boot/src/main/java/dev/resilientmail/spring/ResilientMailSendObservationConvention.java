package dev.resilientmail.spring;

import io.micrometer.common.KeyValues;
import io.micrometer.jakarta9.instrument.mail.DefaultMailSendObservationConvention;
import io.micrometer.jakarta9.instrument.mail.MailSendObservationContext;

/**
 * Micrometer's default mail send convention (its name, contextual name and keys), with
 * the outcome of the message: low-cardinality {@value #OUTCOME} ({@code SUCCESS}, a
 * failure kind such as {@code TRANSIENT}, or {@code ERROR}) and {@value #REASON} (a
 * failure reason such as {@code GREYLISTED}, or {@code none}), the same values as the
 * {@code resilient.mail.outcomes} counter; high-cardinality {@value #ATTEMPTS} and
 * {@value #QUEUE_ID}.
 */
final class ResilientMailSendObservationConvention extends DefaultMailSendObservationConvention {

	static final ResilientMailSendObservationConvention INSTANCE = new ResilientMailSendObservationConvention();

	static final String OUTCOME = "resilient.mail.outcome";

	static final String REASON = "resilient.mail.reason";

	static final String ATTEMPTS = "resilient.mail.attempts";

	static final String QUEUE_ID = "resilient.mail.queue.id";

	@Override
	public KeyValues getLowCardinalityKeyValues(MailSendObservationContext context) {
		KeyValues values = super.getLowCardinalityKeyValues(context);
		if (context instanceof ResilientMailSendContext outcome) {
			values = values.and(OUTCOME, outcome.outcome()).and(REASON, outcome.reason());
		}
		return values;
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MailSendObservationContext context) {
		KeyValues values = super.getHighCardinalityKeyValues(context);
		if (context instanceof ResilientMailSendContext outcome) {
			values = values.and(ATTEMPTS, String.valueOf(outcome.attempts()));
			if (outcome.queueId() != null) {
				values = values.and(QUEUE_ID, outcome.queueId());
			}
		}
		return values;
	}

}

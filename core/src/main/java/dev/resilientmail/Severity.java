package dev.resilientmail;

import java.util.List;

import dev.resilientmail.classify.FailureKind;

/**
 * The one severity order, from most to least severe: {@link UncertainDelivery} (some
 * recipient may have the message: do not resend blindly), {@link PolicyRejection}
 * permanent, {@link PermanentFailure}, {@link PolicyRejection} transient,
 * {@link TransientFailure}. It decides which recipient's reply a failure reports and so
 * which type is thrown, in core and in the Spring starter alike.
 */
final class Severity {

	private static final int UNCERTAIN = 5;

	private Severity() {
	}

	static int of(FailureKind kind) {
		return switch (kind) {
			case POLICY_PERMANENT -> 4;
			case PERMANENT -> 3;
			case POLICY_TRANSIENT -> 2;
			case TRANSIENT -> 1;
			case SUCCESS -> 0;
		};
	}

	static int of(RecipientOutcome outcome) {
		return (outcome.status() == RecipientOutcome.Status.UNCERTAIN) ? UNCERTAIN
				: of(outcome.classification().kind());
	}

	static int of(SmtpFailure failure) {
		return (failure instanceof UncertainDelivery) ? UNCERTAIN : of(failure.kind());
	}

	/** The first of the most severe recipients not delivered to, or null if none. */
	static RecipientOutcome worstUndelivered(List<RecipientOutcome> outcomes) {
		RecipientOutcome worst = null;
		for (RecipientOutcome outcome : outcomes) {
			if (!outcome.isDelivered() && outcome.classification().isFailure()
					&& (worst == null || of(outcome) > of(worst))) {
				worst = outcome;
			}
		}
		return worst;
	}

	/** The failure type the order gives to these details. */
	static Class<? extends SmtpFailure> typeOf(SmtpFailure.Details details) {
		RecipientOutcome worst = worstUndelivered(details.recipientOutcomes());
		if (worst != null && worst.status() == RecipientOutcome.Status.UNCERTAIN) {
			return UncertainDelivery.class;
		}
		FailureKind kind = details.classification().kind();
		if (kind.isPolicy()) {
			return PolicyRejection.class;
		}
		return kind.isRetryable() ? TransientFailure.class : PermanentFailure.class;
	}

}

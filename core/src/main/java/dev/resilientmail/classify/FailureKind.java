package dev.resilientmail.classify;

/**
 * What a reply means for the sender: success, or a failure that is transient or
 * permanent, and about the sending party (policy) or not.
 *
 * @since 0.1.0
 */
public enum FailureKind {

	/** 2xx or 3xx: not a failure. */
	SUCCESS(false, false),

	/** A temporary failure not about the sender: waiting can help. */
	TRANSIENT(true, false),

	/** A permanent failure not about the sender: the address or the message is bad. */
	PERMANENT(false, false),

	/**
	 * A temporary rejection of the sending party (reputation throttling, a temporary
	 * block): waiting may help, but the cause is on the sender's side.
	 */
	POLICY_TRANSIENT(true, true),

	/**
	 * A permanent rejection of the sending party (block lists, SPF/DKIM/DMARC,
	 * authentication, relay, content policy).
	 */
	POLICY_PERMANENT(false, true);

	private final boolean retryable;

	private final boolean policy;

	FailureKind(boolean retryable, boolean policy) {
		this.retryable = retryable;
		this.policy = policy;
	}

	/**
	 * Returns whether failures of this kind are temporary, so that sending again later
	 * can succeed. This is the one retry notion: a classification's retry advice is its
	 * kind's, {@code SmtpFailure.isRetryable()} reports it, and a delivery policy's
	 * {@code retryOn} can only narrow it.
	 * @return {@code true} for {@link #TRANSIENT} and {@link #POLICY_TRANSIENT}
	 */
	public boolean isRetryable() {
		return this.retryable;
	}

	/**
	 * Returns whether failures of this kind are about the sending party.
	 * @return {@code true} for {@link #POLICY_TRANSIENT} and {@link #POLICY_PERMANENT}
	 */
	public boolean isPolicy() {
		return this.policy;
	}

	/**
	 * Returns whether this kind is a failure.
	 * @return {@code false} only for {@link #SUCCESS}
	 */
	public boolean isFailure() {
		return this != SUCCESS;
	}

	static FailureKind of(boolean transientFailure, boolean policy) {
		if (policy) {
			return transientFailure ? POLICY_TRANSIENT : POLICY_PERMANENT;
		}
		return transientFailure ? TRANSIENT : PERMANENT;
	}

}

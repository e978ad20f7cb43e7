package dev.resilientmail.spring;

import jakarta.mail.Message;

import io.micrometer.jakarta9.instrument.mail.MailSendObservationContext;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.SmtpFailure;

/**
 * Micrometer's mail send context, plus the message's final outcome once it is known.
 */
final class ResilientMailSendContext extends MailSendObservationContext {

	static final String NONE = "none";

	private volatile String outcome = NONE;

	private volatile String reason = NONE;

	private volatile int attempts;

	private volatile String queueId;

	ResilientMailSendContext(Message message, String protocol, String host, int port) {
		super(message, protocol, host, port);
	}

	void delivered(DeliveryReport report) {
		this.outcome = "SUCCESS";
		this.attempts = report.attempts();
		this.queueId = report.queueId().orElse(null);
	}

	void failed(Throwable failure) {
		if (failure instanceof SmtpFailure smtp) {
			this.outcome = smtp.classification().kind().name();
			this.reason = smtp.reason().name();
			this.attempts = smtp.attempts();
		}
		else {
			// the message could not be sent at all (no recipients, header injection)
			this.outcome = "ERROR";
		}
	}

	/** {@code SUCCESS}, a failure kind, {@code ERROR}, or {@code none} while sending. */
	String outcome() {
		return this.outcome;
	}

	/** The failure reason, or {@code none}. */
	String reason() {
		return this.reason;
	}

	/** Attempts made, 0 while sending or when nothing could be sent. */
	int attempts() {
		return this.attempts;
	}

	/** The queue id the server gave, or null. */
	String queueId() {
		return this.queueId;
	}

}

package dev.resilientmail.spring;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

import jakarta.mail.internet.MimeMessage;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.UncertainDelivery;
import dev.resilientmail.reply.SmtpCommand;

/**
 * The {@code mail} health of the resilient sender, told by the messages it sent rather
 * than by a probe: Spring Boot's own mail indicator opens a connection to the server on
 * every health check, which costs the server a session per probe and, behind a load
 * balancer, says little about the sends. This one opens none.
 * <p>
 * {@code UNKNOWN} until the first message; {@code DOWN} once {@value #DOWN_AFTER}
 * messages in a row failed before any recipient was answered (connection, greeting, TLS,
 * login or sender refused, or the connection lost after the body), since then nothing can
 * be sent; {@code UP} otherwise. A rejected recipient or message says nothing about the
 * server's health and leaves the status as it is. Details: the last success and the last
 * failure (time, kind, reason, reply), the run of session failures, and the rate limit
 * the adaptive limiter is at.
 */
final class RecentOutcomesHealthIndicator implements HealthIndicator, SendObserver {

	static final int DOWN_AFTER = 3;

	/** Failures of these phases mean no message can get through, whoever it is for. */
	private static final Set<SmtpCommand> SESSION = EnumSet.of(SmtpCommand.CONNECT, SmtpCommand.EHLO, SmtpCommand.HELO,
			SmtpCommand.STARTTLS, SmtpCommand.AUTH, SmtpCommand.MAIL);

	private final Clock clock;

	private final IntSupplier currentRateLimit;

	private final AtomicReference<State> state = new AtomicReference<>(State.NONE);

	/**
	 * @param clock the time of each outcome
	 * @param currentRateLimit the adaptive limiter's current limit, or -1 while the
	 * delivery is not created
	 */
	RecentOutcomesHealthIndicator(Clock clock, IntSupplier currentRateLimit) {
		this.clock = clock;
		this.currentRateLimit = currentRateLimit;
	}

	@Override
	public Send started(MimeMessage message) {
		return new Send() {

			@Override
			public void delivered(DeliveryReport report) {
				Instant now = RecentOutcomesHealthIndicator.this.clock.instant();
				RecentOutcomesHealthIndicator.this.state.updateAndGet((state) -> state.delivered(now));
			}

			@Override
			public void failed(Throwable failure) {
				if (failure instanceof SmtpFailure smtp) {
					Instant now = RecentOutcomesHealthIndicator.this.clock.instant();
					RecentOutcomesHealthIndicator.this.state.updateAndGet((state) -> state.failed(now, smtp));
				}
				// otherwise the message could not be sent at all: nothing about the
				// server
			}

		};
	}

	@Override
	public Health health() {
		State current = this.state.get();
		Health.Builder health;
		if (current.lastSuccess == null && current.lastFailure == null) {
			health = Health.unknown().withDetail("messages", "none sent yet");
		}
		else if (current.sessionFailures >= DOWN_AFTER) {
			health = Health.down();
		}
		else {
			health = Health.up();
		}
		if (current.lastSuccess != null) {
			health.withDetail("lastSuccess", current.lastSuccess.toString());
		}
		if (current.lastFailure != null) {
			health.withDetail("lastFailure", current.lastFailure.toString())
				.withDetail("lastFailureKind", current.lastFailureKind)
				.withDetail("lastFailureReason", current.lastFailureReason)
				.withDetail("lastFailureReply", current.lastFailureReply);
		}
		health.withDetail("sessionFailuresInARow", current.sessionFailures);
		int limit = this.currentRateLimit.getAsInt();
		if (limit >= 0) {
			health.withDetail("currentRateLimit", limit);
		}
		return health.build();
	}

	private static boolean isSessionFailure(SmtpFailure failure) {
		return failure instanceof UncertainDelivery || SESSION.contains(failure.command());
	}

	private record State(Instant lastSuccess, Instant lastFailure, String lastFailureKind, String lastFailureReason,
			String lastFailureReply, int sessionFailures) {

		static final State NONE = new State(null, null, null, null, null, 0);

		State delivered(Instant now) {
			return new State(now, this.lastFailure, this.lastFailureKind, this.lastFailureReason, this.lastFailureReply,
					0);
		}

		State failed(Instant now, SmtpFailure failure) {
			String reply = failure.reply().map(Object::toString).orElse("no reply");
			int run = isSessionFailure(failure) ? this.sessionFailures + 1 : this.sessionFailures;
			return new State(this.lastSuccess, now, failure.classification().kind().name(), failure.reason().name(),
					reply, run);
		}

	}

}

package dev.resilientmail.transport;

import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.testkit.Action;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.FaultSmtpServerExtension;
import dev.resilientmail.testkit.Phase;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The transport's report after a plain success, and its bound on a reply that a server
 * trickles out.
 */
@ExtendWith(FaultSmtpServerExtension.class)
class TransportSafetyTests {

	@Test
	void aSuccessLeavesItsReportWithoutAListenerOrInfoLogging(FaultSmtpServer server) throws Exception {
		Session session = TransportScenarioTests.session(server);
		MimeMessage message = TransportScenarioTests.message(session, "alice@example.com", "bob@example.com");
		CapturingSmtpTransport transport = CapturingSmtpTransport.of(session, "smtp");
		transport.connect();
		try {
			transport.sendMessage(message, message.getAllRecipients());

			DeliveryReport report = transport.lastDeliveryReport();
			assertThat(report).isNotNull();
			assertThat(report.acceptedRecipients()).extracting(InternetAddress::getAddress)
				.containsExactly("alice@example.com", "bob@example.com");
			assertThat(report.finalReply().code()).isEqualTo(250);
			assertThat(transport.lastDeliveryReport()).isSameAs(report);
		}
		finally {
			transport.close();
		}
	}

	@Test
	void aReplyThatTricklesPastTheReplyTimeoutEndsTheSendAsATimeout(FaultSmtpServer server) throws Exception {
		// each look at the clock while the RCPT reply is read is one second later: the
		// reply arrives byte by byte, each byte well within the read timeout
		AtomicBoolean trickling = new AtomicBoolean();
		TricklingClock clock = new TricklingClock(trickling);
		StringBuilder longReply = new StringBuilder();
		for (int i = 0; i < 20; i++) {
			longReply.append("250-2.1.5 still thinking about it, line ").append(i).append('\n');
		}
		longReply.append("250 2.1.5 Ok");
		server.when(Phase.RCPT).respond((call) -> {
			trickling.set(true);
			return Action.reply(longReply.toString().split("\n"));
		});
		Session session = TransportScenarioTests.session(server);
		session.getProperties().put("resilient-mail.clock", clock);
		session.getProperties().setProperty(CapturingSmtpTransport.REPLY_TIMEOUT, "30000");
		// the clock trickles from the server's RCPT rule on: pipelined, that rule runs
		// before the client has read the MAIL reply, whose reading would count too
		session.getProperties().setProperty("resilient-mail.pipelining", "false");
		MimeMessage message = TransportScenarioTests.message(session, "alice@example.com");
		CapturingSmtpTransport transport = CapturingSmtpTransport.of(session, "smtp");
		transport.connect();
		try {
			TransientFailure failure = catchThrowableOfType(TransientFailure.class,
					() -> transport.sendMessage(message, message.getAllRecipients()));

			assertThat(failure.reason()).isEqualTo(FailureReason.CONNECTION_FAILED);
			assertThat(failure.command()).isEqualTo(SmtpCommand.RCPT);
			assertThat(rootCause(failure)).isInstanceOf(SocketTimeoutException.class)
				.hasMessageContaining("not complete within 30000 ms")
				.hasMessageContaining(CapturingSmtpTransport.REPLY_TIMEOUT);
			assertThat(clock.trickled()).as("seconds the reply took on the clock").isBetween(30L, 40L);
			assertThat(server.messages()).isEmpty();
		}
		finally {
			transport.close();
		}
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	/** A clock that stands still, and moves a second per look while trickling. */
	private static final class TricklingClock extends Clock {

		private final AtomicBoolean trickling;

		private final AtomicLong seconds = new AtomicLong();

		TricklingClock(AtomicBoolean trickling) {
			this.trickling = trickling;
		}

		long trickled() {
			return this.seconds.get();
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			long now = this.trickling.get() ? this.seconds.incrementAndGet() : this.seconds.get();
			return Instant.EPOCH.plusSeconds(now);
		}

		@Override
		public long millis() {
			return instant().toEpochMilli();
		}

	}

}

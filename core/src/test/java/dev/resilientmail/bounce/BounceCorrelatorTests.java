package dev.resilientmail.bounce;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.LateOutcome;
import dev.resilientmail.classify.FailureReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BounceCorrelatorTests {

	private static final String DSN = """
			From: MAILER-DAEMON@mx.example.org
			To: %s
			Subject: Undelivered Mail Returned to Sender
			Content-Type: multipart/report; report-type=delivery-status; boundary="B"

			--B
			Content-Type: text/plain

			Your message could not be delivered.
			--B
			Content-Type: message/delivery-status

			Reporting-MTA: dns; mx.example.org
			%s

			Final-Recipient: rfc822; bob@example.net
			Action: %s
			Status: 5.1.1
			Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: User unknown

			--B
			Content-Type: text/rfc822-headers

			Message-ID: <%s>
			From: app@example.com

			--B--
			""";

	private final List<LateOutcome> outcomes = new ArrayList<>();

	private final BounceCorrelator correlator = BounceCorrelator.create(new DeliveryListener() {
		@Override
		public void onLateOutcome(LateOutcome outcome) {
			BounceCorrelatorTests.this.outcomes.add(outcome);
		}
	});

	@Test
	void envelopeIdMatchesFirstAndEachOutcomeIsReportedOnce() {
		this.correlator.sent("<m1@example.com>", "ENV-1", null, List.of("bob@example.net"));
		this.correlator.sent("m2@example.com", null, null, List.of("bob@example.net"));
		BounceReport report = parse("app@example.com", "Original-Envelope-Id: ENV-1", "failed", "m2@example.com");
		assertThat(this.correlator.correlate(report)).hasSize(1);
		assertThat(this.correlator.correlate(report)).isEmpty();
		assertThat(this.outcomes).singleElement().satisfies((outcome) -> {
			assertThat(outcome.messageId()).isEqualTo("m1@example.com");
			assertThat(outcome.recipient()).isEqualTo("bob@example.net");
			assertThat(outcome.failed()).isTrue();
			assertThat(outcome.matchedBy()).isEqualTo("ENVID");
			assertThat(outcome.classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
		});
	}

	@Test
	void verpTokenThenMessageIdMatch() {
		String returnPath = this.correlator.verpReturnPath("bounces@example.com", "t42");
		assertThat(returnPath).isEqualTo("bounces+t42@example.com");
		this.correlator.sent("m3@example.com", null, "t42", List.of("bob@example.net"));
		this.correlator.sent("m4@example.com", null, null, List.of("bob@example.net"));
		assertThat(this.correlator.correlate(parse(returnPath, "", "failed", "other@example.com")))
			.extracting(LateOutcome::messageId, LateOutcome::matchedBy)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("m3@example.com", "VERP"));
		assertThat(this.correlator.correlate(parse("app@example.com", "", "failed", "m4@example.com")))
			.extracting(LateOutcome::matchedBy)
			.containsExactly("MESSAGE_ID");
	}

	@Test
	void delayThenFailureAreTwoOutcomesAndUnknownSendsNone() {
		this.correlator.sent("m5@example.com", null, null, List.of("bob@example.net"));
		assertThat(this.correlator.correlate(parse("app@example.com", "", "delayed", "m5@example.com"))).hasSize(1);
		assertThat(this.correlator.correlate(parse("app@example.com", "", "failed", "m5@example.com"))).hasSize(1);
		assertThat(this.outcomes).extracting(LateOutcome::failed).containsExactly(false, true);
		assertThat(this.correlator.correlate(parse("app@example.com", "", "failed", "never@example.com"))).isEmpty();
	}

	@Test
	void oldestSendsAreForgottenBeyondTheCapacity() {
		BounceCorrelator small = BounceCorrelator.create(DeliveryListener.NONE, 1, '+');
		small.sent("old@example.com", "ENV-OLD", null, List.of("bob@example.net"));
		small.sent("new@example.com", null, null, List.of("bob@example.net"));
		assertThat(
				small.correlate(parse("app@example.com", "Original-Envelope-Id: ENV-OLD", "failed", "old@example.com")))
			.isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> small.verpReturnPath("bounces@example.com", "a b"));
		assertThatIllegalArgumentException().isThrownBy(() -> BounceCorrelator.create(DeliveryListener.NONE, 0, '+'));
	}

	private static BounceReport parse(String to, String envelope, String action, String messageId) {
		String message = DSN.formatted(to, envelope, action, messageId);
		return BounceParser.defaults().parse(message.getBytes(StandardCharsets.UTF_8));
	}

}

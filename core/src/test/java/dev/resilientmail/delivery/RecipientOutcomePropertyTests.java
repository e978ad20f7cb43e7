package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.RecipientOutcome.Status;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.testkit.Action;
import dev.resilientmail.testkit.Call;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import dev.resilientmail.testkit.ReceivedMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random messages against a server that answers each recipient at random (250, 4xx once,
 * 4xx always, 5xx, 452 too many recipients beyond a random per-transaction limit) and
 * drops the first connection at a random point. Invariants: exactly one outcome per
 * recipient; one copy per delivered recipient and none for any other; never a copy to,
 * nor a second RCPT for, a 5xx recipient; every outcome's reply is the last one the
 * server gave that recipient.
 * <p>
 * The seed is fixed ({@code -Dresilientmail.seed=N} picks another, {@code
 * -Dresilientmail.rounds=N} runs more rounds) and every failure names it, so that a
 * failure can be replayed.
 */
class RecipientOutcomePropertyTests {

	private static final long SEED = Long.getLong("resilientmail.seed", 20_261_202L);

	private static final int ROUNDS = Integer.getInteger("resilientmail.rounds", 12);

	/** What the server does with one recipient. */
	enum Script {

		ACCEPT, DEFER_ONCE, DEFER_ALWAYS, REJECT

	}

	/** Where the first connection breaks, if it does. */
	enum Drop {

		NONE, AT_RCPT, AT_DATA, BEFORE_FINAL_REPLY

	}

	@Test
	void outcomesAreWhatTheServerSawAndEveryAcceptedRecipientGetsOneCopy() throws Exception {
		Random random = new Random(SEED);
		for (int round = 1; round <= ROUNDS; round++) {
			Round scenario = new Round(random, round);
			try {
				scenario.run();
			}
			catch (AssertionError ex) {
				throw new AssertionError("seed " + SEED + ", round " + round + " (" + scenario + "): " + ex.getMessage()
						+ "\nreplay with -Dresilientmail.seed=" + SEED, ex);
			}
		}
	}

	private static final class Round {

		private final int round;

		private final List<String> recipients = new ArrayList<>();

		private final Map<String, Script> scripts = new HashMap<>();

		private final Map<String, AtomicInteger> rcpts = new ConcurrentHashMap<>();

		private final Map<String, Integer> lastCode = new ConcurrentHashMap<>();

		/** Recipients sent RCPT again after a 5xx. */
		private final List<String> askedAgain = new CopyOnWriteArrayList<>();

		private final int limit;

		private final Drop drop;

		private final String dropAt;

		Round(Random random, int round) {
			this.round = round;
			// mostly small and medium messages, some up to 2,000 recipients
			int count = (random.nextInt(4) == 0) ? 1 + random.nextInt(2_000) : 1 + random.nextInt(300);
			for (int i = 0; i < count; i++) {
				String recipient = "u" + i + "@r" + round + ".example";
				this.recipients.add(recipient);
				int pick = random.nextInt(100);
				this.scripts.put(recipient, (pick < 70) ? Script.ACCEPT
						: (pick < 82) ? Script.DEFER_ONCE : (pick < 90) ? Script.DEFER_ALWAYS : Script.REJECT);
			}
			this.limit = (random.nextInt(3) == 0) ? 1 + random.nextInt(Math.max(1, count)) : Integer.MAX_VALUE;
			this.drop = Drop.values()[random.nextInt(Drop.values().length)];
			this.dropAt = this.recipients.get(random.nextInt(count));
		}

		void run() throws Exception {
			// odd rounds pipeline (the server advertises PIPELINING), even rounds are
			// lock-step
			try (FaultSmtpServer server = FaultSmtpServer.builder().pipelining(this.round % 2 == 1).start()) {
				server.when(Phase.RCPT).respond(this::rcpt);
				if (this.drop == Drop.AT_DATA) {
					server.when(Phase.DATA).connection(1).drop();
				}
				if (this.drop == Drop.BEFORE_FINAL_REPLY) {
					server.when(Phase.END_OF_DATA).connection(1).drop();
				}
				List<RecipientOutcome> outcomes;
				try (MailDelivery delivery = RecipientOutcomesAtScaleTests.delivery(server)) {
					outcomes = send(delivery);
				}
				check(server, outcomes);
			}
		}

		private Action rcpt(Call call) {
			String recipient = call.recipient();
			int attempt = this.rcpts.computeIfAbsent(recipient, (r) -> new AtomicInteger()).incrementAndGet();
			if (Integer.valueOf(550).equals(this.lastCode.get(recipient))) {
				this.askedAgain.add(recipient);
			}
			if (this.drop == Drop.AT_RCPT && call.connection() == 1 && recipient.equals(this.dropAt)) {
				return Action.drop();
			}
			if (call.acceptedRecipients().size() >= this.limit) {
				return reply(recipient, 452, "452 4.5.3 Too many recipients");
			}
			return switch (this.scripts.get(recipient)) {
				case ACCEPT -> reply(recipient, 250, "250 2.1.5 Ok");
				case DEFER_ONCE -> (attempt == 1) ? reply(recipient, 451, "451 4.3.0 <" + recipient + ">: Try later")
						: reply(recipient, 250, "250 2.1.5 Ok");
				case DEFER_ALWAYS -> reply(recipient, 450, "450 4.2.0 <" + recipient + ">: Mailbox busy");
				case REJECT -> reply(recipient, 550, "550 5.1.1 <" + recipient + ">: User unknown");
			};
		}

		private Action reply(String recipient, int code, String text) {
			this.lastCode.put(recipient, code);
			return Action.reply(text);
		}

		private List<RecipientOutcome> send(MailDelivery delivery) throws Exception {
			try {
				DeliveryReport report = delivery.send(RecipientOutcomesAtScaleTests.message(this.recipients));
				return report.recipientOutcomes();
			}
			catch (SmtpFailure failure) {
				return failure.recipientOutcomes();
			}
		}

		private void check(FaultSmtpServer server, List<RecipientOutcome> outcomes) {
			assertThat(outcomes).as("one outcome per recipient").hasSize(this.recipients.size());
			assertThat(this.askedAgain).as("recipients sent RCPT again after a 5xx").isEmpty();
			Map<String, RecipientOutcome> byRecipient = new HashMap<>();
			for (RecipientOutcome outcome : outcomes) {
				assertThat(byRecipient.put(outcome.recipient().getAddress(), outcome)).as("a second outcome").isNull();
			}
			Map<String, Integer> copies = new HashMap<>();
			for (ReceivedMessage message : server.messages()) {
				message.recipients().forEach((r) -> copies.merge(r, 1, Integer::sum));
			}
			for (String recipient : this.recipients) {
				RecipientOutcome outcome = byRecipient.get(recipient);
				assertThat(outcome).as("outcome of %s", recipient).isNotNull();
				int received = copies.getOrDefault(recipient, 0);
				assertThat(received).as("copies for %s (%s)", recipient, outcome.status())
					.isEqualTo(outcome.isDelivered() ? 1 : 0);
				Integer code = this.lastCode.get(recipient);
				if (outcome.isDelivered()) {
					assertThat(code).as("the server accepted %s", recipient).isEqualTo(250);
				}
				if (outcome.status() == Status.REJECTED) {
					assertThat(outcome.reply()).as("reply of %s", recipient)
						.hasValueSatisfying((reply) -> assertThat(reply.code()).isEqualTo(code));
				}
				if (code != null && code == 550) {
					assertThat(outcome.status()).as("a 5xx recipient %s", recipient).isEqualTo(Status.REJECTED);
				}
				if (this.scripts.get(recipient) == Script.DEFER_ALWAYS) {
					assertThat(outcome.isDelivered()).as("%s is always deferred", recipient).isFalse();
				}
			}
		}

		@Override
		public String toString() {
			return this.recipients.size() + " recipients, limit "
					+ ((this.limit == Integer.MAX_VALUE) ? "none" : this.limit) + ", drop " + this.drop
					+ ((this.drop == Drop.AT_RCPT) ? " at " + this.dropAt : "") + ", pipelining "
					+ (this.round % 2 == 1) + ", round " + this.round;
		}

	}

}

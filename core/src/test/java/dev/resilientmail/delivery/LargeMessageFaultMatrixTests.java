package dev.resilientmail.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.RecipientOutcome.Status;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.UncertainDelivery;
import dev.resilientmail.delivery.FaultMatrixTests.Fault;
import dev.resilientmail.delivery.FaultMatrixTests.Where;
import dev.resilientmail.testkit.Action;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault matrix of {@link FaultMatrixTests} with messages of 300 recipients, more than
 * the transcript keeps: the struck transactions fail at the same phases (a RCPT fault
 * strikes the 281st recipient), and one recipient of every message, the 291st, is
 * deferred with {@code 451} on its first RCPT, so that each message needs a second
 * transaction for it alone. Every recipient must end with one truthful outcome and at
 * most one copy: delivered means the server has exactly one, anything else but uncertain
 * means it has none.
 */
class LargeMessageFaultMatrixTests {

	private static final int MESSAGES = 7;

	private static final int RECIPIENTS = 300;

	private static final int STRUCK_RCPT = 280;

	private static final int DEFERRED = 290;

	private static final Map<String, String> rows = Collections.synchronizedMap(new TreeMap<>());

	@ParameterizedTest(name = "{0} x {1}, pipelining {2}")
	@MethodSource("dev.resilientmail.delivery.FaultMatrixTests#cells")
	void everyRecipientOfALargeMessageHasOneTruthfulOutcomeAndAtMostOneCopy(Where where, Fault fault,
			boolean pipelining) throws Exception {
		try (FaultSmtpServer server = FaultMatrixTests.server(pipelining)) {
			script(server, where, fault);
			Map<Integer, List<RecipientOutcome>> outcomes = new TreeMap<>();
			List<SmtpFailure> failures = new ArrayList<>();
			int attempts = 0;
			try (MailDelivery delivery = FaultMatrixTests.delivery(server, FaultMatrixTests.policy())) {
				for (int i = 1; i <= MESSAGES; i++) {
					try {
						DeliveryReport report = delivery.send(RecipientOutcomesAtScaleTests.message(recipients(i)));
						outcomes.put(i, report.recipientOutcomes());
						attempts += report.attempts();
					}
					catch (SmtpFailure failure) {
						outcomes.put(i, failure.recipientOutcomes());
						failures.add(failure);
						attempts += failure.attempts();
					}
				}
			}

			Map<String, Integer> copies = new HashMap<>();
			server.messages().forEach((m) -> m.recipients().forEach((r) -> copies.merge(r, 1, Integer::sum)));
			int delivered = 0;
			for (Map.Entry<Integer, List<RecipientOutcome>> message : outcomes.entrySet()) {
				List<RecipientOutcome> list = message.getValue();
				assertThat(list).as("one outcome per recipient of message %d", message.getKey()).hasSize(RECIPIENTS);
				assertThat(list.stream().map((o) -> o.recipient().getAddress()).distinct()).hasSize(RECIPIENTS);
				for (RecipientOutcome outcome : list) {
					int received = copies.getOrDefault(outcome.recipient().getAddress(), 0);
					if (outcome.isDelivered()) {
						delivered++;
						assertThat(received).as("delivered once: %s", outcome.recipient()).isEqualTo(1);
					}
					else if (outcome.status() != Status.UNCERTAIN) {
						assertThat(received).as("not delivered, so no copy: %s", outcome.recipient()).isZero();
					}
					else {
						assertThat(received).as("uncertain, never sent again: %s", outcome.recipient()).isZero();
					}
				}
			}
			assertThat(copies.values()).as("no recipient has two copies").allMatch((n) -> n == 1);
			assertThat(FaultMatrixTests.possibleDuplicates(server)).as("no unacknowledged body was sent again")
				.isZero();
			boolean mayHaveArrived = (where == Where.BEFORE_FINAL_REPLY && fault != Fault.CLOSING_421)
					|| where == Where.BODY;
			if (mayHaveArrived) {
				assertThat(failures).allMatch((failure) -> failure instanceof UncertainDelivery);
			}
			else {
				assertThat(failures).as("every struck message is retried and delivered").isEmpty();
				assertThat(delivered).isEqualTo(MESSAGES * RECIPIENTS);
			}
			rows.put(String.format(Locale.ROOT, "%02d-%d-%b", where.ordinal(), fault.ordinal(), pipelining),
					String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %d | %d | %d | %s |", where.label,
							fault.label, pipelining ? "on" : "off", MESSAGES * RECIPIENTS, delivered, copies.size(),
							attempts, failures.size(), failures.isEmpty() ? "-"
									: failures.get(0).getClass().getSimpleName() + " x" + failures.size()));
		}
	}

	/** The faults of the matrix; a RCPT fault strikes the 281st recipient. */
	private static void script(FaultSmtpServer server, Where where, Fault fault) {
		// the first matching rule acts: the deferrals come first
		for (int i = 1; i <= MESSAGES; i++) {
			server.when(Phase.RCPT)
				.recipient(recipient(i, DEFERRED))
				.attempt(1)
				.reply("451 4.3.0 <" + recipient(i, DEFERRED) + ">: Temporary lookup failure");
		}
		if (where != Where.RCPT) {
			FaultMatrixTests.script(server, where, fault);
			return;
		}
		server.when(Phase.RCPT)
			.respond((call) -> (FaultMatrixTests.struck(call.transaction())
					&& call.acceptedRecipients().size() == STRUCK_RCPT) ? fault.action() : Action.defaultReply());
	}

	private static List<String> recipients(int message) {
		List<String> recipients = new ArrayList<>(RECIPIENTS);
		for (int i = 0; i < RECIPIENTS; i++) {
			recipients.add(recipient(message, i));
		}
		return recipients;
	}

	private static String recipient(int message, int index) {
		return String.format(Locale.ROOT, "m%02d-r%03d@example.com", message, index);
	}

	@AfterAll
	static void printTable() throws IOException {
		List<String> table = new ArrayList<>();
		table.add("| phase | fault | pipelining | recipients sent | delivered (outcomes) | recipients with a copy"
				+ " | attempts | messages failed | failures reported |");
		table.add("|---|---|---|---:|---:|---:|---:|---:|---|");
		table.addAll(rows.values());
		String text = String.join("\n", table) + "\n";
		System.out.println("\nFault matrix, " + MESSAGES + " messages x " + RECIPIENTS + " recipients:\n" + text);
		Path out = Path.of("target", "reliability", "fault-matrix-300.md");
		Files.createDirectories(out.getParent());
		Files.writeString(out, text);
	}

}

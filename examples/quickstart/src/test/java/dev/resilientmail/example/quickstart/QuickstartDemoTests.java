package dev.resilientmail.example.quickstart;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the demo as the README's first command does and checks that its table has every
 * scenario with the outcome the library must give.
 */
class QuickstartDemoTests {

	@Test
	void everyScenarioEndsAsTheLibraryPromises() throws Exception {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		List<QuickstartDemo.Row> rows = QuickstartDemo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
		String table = buffer.toString(StandardCharsets.UTF_8);
		System.out.println(table);

		Map<String, QuickstartDemo.Row> byScenario = rows.stream()
			.collect(Collectors.toMap(QuickstartDemo.Row::scenario, Function.identity()));
		assertThat(byScenario).containsOnlyKeys("accepted", "unknown user", "mailbox full", "greylisted",
				"too many rcpts", "policy block", "421 mid-session", "partial", "drop after body", "rate limited");
		assertRow(byScenario, "accepted", "-", 1, true);
		assertRow(byScenario, "unknown user", "PermanentFailure", 1, false);
		assertRow(byScenario, "mailbox full", "PermanentFailure", 1, false);
		assertRow(byScenario, "greylisted", "TransientFailure, retried", 2, true);
		assertRow(byScenario, "too many rcpts", "-", 1, true);
		assertRow(byScenario, "policy block", "PolicyRejection", 1, false);
		assertRow(byScenario, "421 mid-session", "TransientFailure, retried", 2, true);
		assertRow(byScenario, "partial", "PermanentFailure", 1, false);
		assertRow(byScenario, "drop after body", "UncertainDelivery", 1, false);
		assertThat(byScenario.get("rate limited").exception()).isEqualTo("TransientFailure");
		assertThat(byScenario.get("rate limited").delivered()).isTrue();
		assertThat(table).contains("nobody got a message twice").contains("ann 1, bea 1");
		assertThat(table).contains("in 3 transactions");
	}

	private static void assertRow(Map<String, QuickstartDemo.Row> rows, String scenario, String exception, int attempts,
			boolean delivered) {
		assertThat(rows.get(scenario)).as(scenario)
			.isEqualTo(new QuickstartDemo.Row(scenario, exception, attempts, delivered));
	}

}

package dev.resilientmail.classify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every row of the public corpus of real replies ({@code replies-public.jsonl}, each
 * row naming its source) through the default classifier. Kind and given enhanced codes
 * must match on every row; inferred subject, reason and retry advice are measured against
 * the targets of the foundation issue and reported in {@code target/corpus-report.txt}.
 */
class PublicReplyCorpusTests {

	private static final Map<String, FailureReason> REASONS = Map.ofEntries(
			Map.entry("sender-blocked/blacklisted", FailureReason.SENDER_BLOCKED),
			Map.entry("mailbox-unknown", FailureReason.MAILBOX_UNKNOWN),
			Map.entry("system-error", FailureReason.SYSTEM_ERROR),
			Map.entry("spam/content-rejected", FailureReason.CONTENT_REJECTED),
			Map.entry("dmarc/spf/dkim failure", FailureReason.SENDER_AUTHENTICATION),
			Map.entry("syntax-error", FailureReason.PROTOCOL_ERROR),
			Map.entry("rate-limited", FailureReason.RATE_LIMITED),
			Map.entry("mailbox-full", FailureReason.MAILBOX_FULL),
			Map.entry("authentication-required", FailureReason.AUTHENTICATION_REQUIRED),
			Map.entry("message-too-large", FailureReason.MESSAGE_TOO_LARGE),
			Map.entry("domain-not-found", FailureReason.DOMAIN_NOT_FOUND),
			Map.entry("relay-denied", FailureReason.RELAY_DENIED), Map.entry("greylisted", FailureReason.GREYLISTED),
			Map.entry("too-many-recipients", FailureReason.TOO_MANY_RECIPIENTS),
			Map.entry("connection-limit", FailureReason.CONNECTION_LIMIT));

	private final ReplyClassifier classifier = ReplyClassifier.defaults();

	static Stream<Row> rows() {
		return load().stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void kindIsOneOfTheAcceptableClasses(Row row) {
		Classification classification = classify(row);
		assertThat(row.acceptableClasses()).as(row.describe(classification)).contains(classification.kind().name());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void enhancedCodeGivenByTheServerIsReported(Row row) {
		if (row.enhancedInferred() || row.expectedEnhanced() == null) {
			return;
		}
		Classification classification = classify(row);
		assertThat(classification.enhancedCodeInferred()).as(row.describe(classification)).isFalse();
		assertThat(classification.enhancedCode()).as(row.describe(classification)).hasToString(row.expectedEnhanced());
	}

	@Test
	void inferredSubjectReasonAndRetryMeetTheirTargets() throws IOException {
		List<Row> rows = load();
		int inferred = 0;
		int subjectMatches = 0;
		int reasonMatches = 0;
		int retryMatches = 0;
		int kindMatches = 0;
		List<String> misses = new ArrayList<>();
		for (Row row : rows) {
			Classification classification = classify(row);
			if (row.acceptableClasses().contains(classification.kind().name())) {
				kindMatches++;
			}
			if (row.enhancedInferred()) {
				inferred++;
				String expectedSubject = row.expectedEnhanced().split("\\.")[1];
				if (expectedSubject.equals(String.valueOf(classification.enhancedCode().subject()))) {
					subjectMatches++;
				}
				else {
					misses.add("subject  " + row.describe(classification));
				}
			}
			if (row.expectedReason() == classification.reason()) {
				reasonMatches++;
			}
			else {
				misses.add("reason   " + row.describe(classification));
			}
			if (row.retry() == classification.retry()) {
				retryMatches++;
			}
			else {
				misses.add("retry    " + row.describe(classification));
			}
		}
		String report = String.format(Locale.ROOT,
				"rows %d%nkind      %d/%d = %.1f%% (target 100%%)%ninferred subject %d/%d = %.1f%% (target 95%%)%n"
						+ "reason    %d/%d = %.1f%% (target 95%%)%nretry     %d/%d = %.1f%% (target 95%%)%n%s%n",
				rows.size(), kindMatches, rows.size(), percent(kindMatches, rows.size()), subjectMatches, inferred,
				percent(subjectMatches, inferred), reasonMatches, rows.size(), percent(reasonMatches, rows.size()),
				retryMatches, rows.size(), percent(retryMatches, rows.size()), String.join("\n", misses));
		Files.createDirectories(Path.of("target"));
		Files.writeString(Path.of("target", "corpus-report.txt"), report);
		System.out.println(report);
		assertThat(percent(subjectMatches, inferred)).as(report).isGreaterThanOrEqualTo(95.0);
		assertThat(percent(reasonMatches, rows.size())).as(report).isGreaterThanOrEqualTo(95.0);
		assertThat(percent(retryMatches, rows.size())).as(report).isGreaterThanOrEqualTo(95.0);
	}

	private static double percent(int part, int whole) {
		return (whole == 0) ? 100.0 : 100.0 * part / whole;
	}

	private Classification classify(Row row) {
		return this.classifier.classify(SmtpReply.parse(row.reply()), SmtpCommand.parse(row.phase()));
	}

	static List<Row> load() {
		ObjectMapper mapper = new ObjectMapper();
		try (InputStream in = PublicReplyCorpusTests.class.getResourceAsStream("replies-public.jsonl")) {
			assertThat(in).as("replies-public.jsonl on the test classpath").isNotNull();
			List<Row> rows = new ArrayList<>();
			for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				if (line.isBlank()) {
					continue;
				}
				JsonNode node = mapper.readTree(line);
				List<String> acceptable = new ArrayList<>();
				node.get("acceptable_classes").forEach((value) -> acceptable.add(value.asString()));
				JsonNode reason = node.get("reason_brief");
				JsonNode enhanced = node.get("expected_enhanced");
				rows.add(new Row(node.get("id").asString(), node.get("reply").asString(), node.get("phase").asString(),
						acceptable, (enhanced == null || enhanced.isNull()) ? null : enhanced.asString(),
						node.get("enhanced_inferred").asBoolean(),
						(reason == null || reason.isNull()) ? FailureReason.UNKNOWN : REASONS.get(reason.asString()),
						"yes".equals(node.get("retry").asString()), node.get("source").asString()));
			}
			return rows;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	record Row(String id, String reply, String phase, List<String> acceptableClasses, String expectedEnhanced,
			boolean enhancedInferred, FailureReason expectedReason, boolean retry, String source) {

		String describe(Classification c) {
			return this.id + " [" + this.phase + "] expected " + this.acceptableClasses + " " + this.expectedEnhanced
					+ (this.enhancedInferred ? "(i)" : "") + " " + this.expectedReason + " retry=" + this.retry
					+ " | got " + c.kind() + " " + c.enhancedCode() + (c.enhancedCodeInferred() ? "(i)" : "") + " "
					+ c.reason() + " retry=" + c.retry() + " | "
					+ this.reply.replace("\n", "\\n").substring(0, Math.min(110, this.reply.length()));
		}

		@Override
		public String toString() {
			return this.id;
		}

	}

}

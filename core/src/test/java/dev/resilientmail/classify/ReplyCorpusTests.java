package dev.resilientmail.classify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's own corpus of real replies ({@code corpus/replies.jsonl}: MTA sources,
 * provider documentation, public bounce collections; each row names its source and was
 * labelled by the classification guide before rules were written for it) through the
 * default classifier. The held-out third (fixed by a hash of the text) is never tuned on;
 * its figures carry the thresholds. Harm comes first: a false suppression calls a reply
 * an unknown mailbox or a missing domain that must not be retried while the truth is
 * something else. Writes {@code target/corpus/report.txt} with per-reason precision,
 * recall and the confusion matrix of each part.
 */
class ReplyCorpusTests {

	private static final Set<FailureReason> SUPPRESSING = Set.of(FailureReason.MAILBOX_UNKNOWN,
			FailureReason.DOMAIN_NOT_FOUND);

	/**
	 * Reasons that name a failure with no reply text (the client raises them: no reply,
	 * or a certificate it refused), so the corpus can hold no row of them.
	 */
	private static final Set<FailureReason> NEVER_A_REPLY = Set.of(FailureReason.CONNECTION_FAILED,
			FailureReason.TLS_CERTIFICATE);

	private static final int ROWS_PER_REASON = 20;

	private static List<Row> rows;

	private static List<Scored> scored;

	@BeforeAll
	static void classifyEveryRow() throws IOException {
		rows = load();
		ReplyClassifier classifier = ReplyClassifier.defaults();
		scored = new ArrayList<>();
		for (Row row : rows) {
			scored.add(
					new Scored(row, classifier.classify(SmtpReply.parse(row.reply()), SmtpCommand.parse(row.phase()))));
		}
		StringBuilder report = new StringBuilder();
		report.append(rowsPerReason());
		report.append(Part.summary("held-out third", part(Row::heldOut)))
			.append(Part.summary("tuned part", part((row) -> !row.heldOut())))
			.append(Part.summary("shared 99 rows", part(Row::shared)))
			.append(Part.summary("all rows", scored));
		report.append(Part.details("held-out third", part(Row::heldOut)));
		report.append(Part.details("tuned part", part((row) -> !row.heldOut())));
		Path target = Path.of("target", "corpus");
		Files.createDirectories(target);
		Files.writeString(target.resolve("report.txt"), report.toString());
	}

	@Test
	void corpusIsLargeVariedAndSourced() {
		assertThat(rows).hasSizeGreaterThanOrEqualTo(1000);
		Set<String> providers = new HashSet<>();
		Set<String> texts = new HashSet<>();
		for (Row row : rows) {
			assertThat(row.source()).as(row.id()).isNotBlank();
			providers.add(row.provider());
			assertThat(texts.add(row.reply().toLowerCase(Locale.ROOT))).as("duplicate " + row.id()).isTrue();
		}
		assertThat(providers).hasSizeGreaterThanOrEqualTo(25);
		long heldOut = rows.stream().filter(Row::heldOut).count();
		assertThat(heldOut).as("held-out third").isBetween(rows.size() / 4L, rows.size() / 2L);
	}

	@Test
	void everyReasonThatComesAsReplyTextHasRows() {
		Map<FailureReason, Long> counts = countsByReason();
		for (FailureReason reason : FailureReason.values()) {
			long count = counts.getOrDefault(reason, 0L);
			if (NEVER_A_REPLY.contains(reason)) {
				assertThat(count).as(reason + " never comes as reply text").isZero();
			}
			else {
				assertThat(count).as(reason.name()).isGreaterThanOrEqualTo(ROWS_PER_REASON);
			}
		}
	}

	@Test
	void heldOutThirdMeetsItsTargetsAndHarmsNobody() {
		Part part = Part.of(part(Row::heldOut));
		String report = Part.summary("held-out third", part(Row::heldOut));
		assertThat(part.falseSuppressions()).as(report).isZero();
		assertThat(part.percent(part.falseGiveUps())).as(report).isLessThanOrEqualTo(1.0);
		assertThat(part.percent(part.reasonMatches())).as(report).isGreaterThanOrEqualTo(92.0);
		assertThat(part.percent(part.retryMatches())).as(report).isGreaterThanOrEqualTo(97.0);
	}

	@Test
	void tunedPartHarmsNobody() {
		Part part = Part.of(part((row) -> !row.heldOut()));
		String report = Part.summary("tuned part", part((row) -> !row.heldOut()));
		assertThat(part.falseSuppressions()).as(report).isZero();
		assertThat(part.percent(part.reasonMatches())).as(report).isGreaterThanOrEqualTo(92.0);
		assertThat(part.percent(part.retryMatches())).as(report).isGreaterThanOrEqualTo(97.0);
	}

	@Test
	void sharedRowsStayCorrect() {
		Part part = Part.of(part(Row::shared));
		String report = Part.summary("shared 99 rows", part(Row::shared));
		assertThat(part.size()).isEqualTo(99);
		assertThat(part.falseSuppressions()).as(report).isZero();
		assertThat(part.kindMatches()).as(report).isEqualTo(part.size());
		assertThat(part.retryMatches()).as(report).isEqualTo(part.size());
	}

	private static Map<FailureReason, Long> countsByReason() {
		Map<FailureReason, Long> counts = new EnumMap<>(FailureReason.class);
		rows.forEach((row) -> counts.merge(row.reason(), 1L, Long::sum));
		return counts;
	}

	private static String rowsPerReason() {
		StringBuilder out = new StringBuilder(String.format("rows per reason (all %d):", rows.size()));
		countsByReason().forEach((reason, count) -> out.append(' ').append(reason).append(' ').append(count));
		out.append(String.format("%nno reply text by nature, so no rows: "))
			.append(NEVER_A_REPLY.stream().map(Enum::name).sorted().toList());
		return out.append(String.format("%n%n")).toString();
	}

	private static List<Scored> part(Predicate<Row> which) {
		return scored.stream().filter((s) -> which.test(s.row())).toList();
	}

	static List<Row> load() {
		ObjectMapper mapper = new ObjectMapper();
		try (InputStream in = ReplyCorpusTests.class.getResourceAsStream("corpus/replies.jsonl")) {
			assertThat(in).as("corpus/replies.jsonl on the test classpath").isNotNull();
			List<Row> loaded = new ArrayList<>();
			for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				if (line.isBlank()) {
					continue;
				}
				JsonNode node = mapper.readTree(line);
				List<String> acceptable = new ArrayList<>();
				node.get("acceptable_kinds").forEach((value) -> acceptable.add(value.asString()));
				loaded.add(new Row(node.get("id").asString(), "held-out".equals(node.get("part").asString()),
						node.has("shared_id"), node.get("reply").asString(), node.get("phase").asString(), acceptable,
						FailureReason.valueOf(node.get("reason").asString()),
						"yes".equals(node.get("retry").asString()), node.get("provider").asString(),
						node.get("source").asString()));
			}
			return loaded;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	record Row(String id, boolean heldOut, boolean shared, String reply, String phase, List<String> acceptableKinds,
			FailureReason reason, boolean retry, String provider, String source) {

	}

	record Scored(Row row, Classification got) {

		boolean kindMatches() {
			return this.row.acceptableKinds().contains(this.got.kind().name());
		}

		boolean reasonMatches() {
			return this.row.reason() == this.got.reason();
		}

		boolean retryMatches() {
			return this.row.retry() == this.got.retry();
		}

		/** Called a dead address that must not be retried, while the truth is not one. */
		boolean falseSuppression() {
			return SUPPRESSING.contains(this.got.reason()) && !this.got.retry()
					&& (!SUPPRESSING.contains(this.row.reason()) || this.row.retry());
		}

		String describe() {
			return String.format("%s %-11s want %s %s retry=%s | got %s %s %s retry=%s [%s] | %s", this.row.id(),
					this.row.phase(), this.row.acceptableKinds(), this.row.reason(), this.row.retry() ? "yes" : "no",
					this.got.kind(), this.got.enhancedCode(), this.got.reason(), this.got.retry() ? "yes" : "no",
					this.got.ruleIds(),
					this.row.reply().replace("\n", "\\n").substring(0, Math.min(140, this.row.reply().length())));
		}

	}

	record Part(List<Scored> rows) {

		static Part of(List<Scored> rows) {
			return new Part(rows);
		}

		int size() {
			return this.rows.size();
		}

		long falseSuppressions() {
			return this.rows.stream().filter(Scored::falseSuppression).count();
		}

		long falseGiveUps() {
			return this.rows.stream().filter((s) -> s.row().retry() && !s.got().retry()).count();
		}

		long falseRetries() {
			return this.rows.stream().filter((s) -> !s.row().retry() && s.got().retry()).count();
		}

		long kindMatches() {
			return this.rows.stream().filter(Scored::kindMatches).count();
		}

		long reasonMatches() {
			return this.rows.stream().filter(Scored::reasonMatches).count();
		}

		long retryMatches() {
			return this.rows.stream().filter(Scored::retryMatches).count();
		}

		double percent(long count) {
			return this.rows.isEmpty() ? 100.0 : 100.0 * count / this.rows.size();
		}

		static String summary(String name, List<Scored> rows) {
			Part part = of(rows);
			return String.format(
					"%s: %d rows%n  harm: false suppressions %d, false give-ups %d (%.1f%%), false retries %d (%.1f%%)%n"
							+ "  kind %.1f%%, reason %.1f%%, retry %.1f%%%n",
					name, part.size(), part.falseSuppressions(), part.falseGiveUps(), part.percent(part.falseGiveUps()),
					part.falseRetries(), part.percent(part.falseRetries()), part.percent(part.kindMatches()),
					part.percent(part.reasonMatches()), part.percent(part.retryMatches()));
		}

		static String details(String name, List<Scored> rows) {
			StringBuilder out = new StringBuilder(String.format("%n== %s: per reason (precision / recall)%n", name));
			Map<FailureReason, Map<FailureReason, Integer>> confusion = new EnumMap<>(FailureReason.class);
			for (Scored s : rows) {
				confusion.computeIfAbsent(s.row().reason(), (k) -> new EnumMap<>(FailureReason.class))
					.merge(s.got().reason(), 1, Integer::sum);
			}
			for (FailureReason reason : FailureReason.values()) {
				long truth = rows.stream().filter((s) -> s.row().reason() == reason).count();
				long predicted = rows.stream().filter((s) -> s.got().reason() == reason).count();
				long both = rows.stream()
					.filter((s) -> s.row().reason() == reason && s.got().reason() == reason)
					.count();
				if (truth == 0 && predicted == 0) {
					continue;
				}
				out.append(String.format("  %-23s rows %4d  precision %6.1f%%  recall %6.1f%%%n", reason, truth,
						(predicted == 0) ? 100.0 : 100.0 * both / predicted,
						(truth == 0) ? 100.0 : 100.0 * both / truth));
			}
			out.append(String.format("%n== %s: confusion (truth -> classified: count)%n", name));
			confusion.forEach((truth, got) -> out.append("  ").append(truth).append(" -> ").append(got).append('\n'));
			out.append(String.format("%n== %s: misses%n", name));
			for (Scored s : rows) {
				if (!s.reasonMatches() || !s.retryMatches() || !s.kindMatches()) {
					out.append(s.falseSuppression() ? "  HARM " : "  ").append(s.describe()).append('\n');
				}
			}
			return out.toString();
		}

	}

}

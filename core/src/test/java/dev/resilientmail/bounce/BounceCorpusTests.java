package dev.resilientmail.bounce;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureReason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the public corpus of real bounces ({@code bounces-public/}: Sisimai's BSD-2 sample
 * collection with our labels, see its README and LICENSE) through the parser. Reports per
 * format family how many messages were parsed, recipients found, status, action, kind,
 * reason and retry right, in {@code target/bounce-corpus-report.txt}, and holds each
 * figure at or above its floor. The targets are printed beside the figures; the
 * floors are what this parser reaches, so a change that loses recall fails.
 */
class BounceCorpusTests {

	private static final String FOLDER = "/bounces-public/";

	private static final String[] MEASURES = { "recipients", "status", "action", "kind", "reason", "retry" };

	/** The targets, percent. */
	private static final Map<String, Double> TARGETS = Map.of("recipients", 98.0, "status", 97.0, "action", 95.0,
			"kind", 95.0, "reason", 88.0, "retry", 95.0);

	/** What this parser reaches on the corpus, percent: a drop below fails the build. */
	private static final Map<String, Double> FLOORS = Map.of("recipients", 98.0, "status", 98.0, "action", 97.0, "kind",
			97.5, "reason", 94.4, "retry", 97.5);

	/** The target: no live recipient reported as unknown with retry=no. */
	private static final int MAX_FALSE_SUPPRESSIONS = 0;

	private final BounceParser parser = BounceParser.defaults();

	static Stream<String> feedbackAndAutoReplies() {
		return load().stream()
			.filter((row) -> row.file.startsWith("arf-") || row.file.startsWith("rfc3834-"))
			.map((row) -> row.file)
			.distinct();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("feedbackAndAutoReplies")
	void feedbackReportsAndAutoRepliesAreNeverFailures(String file) {
		BounceReport report = parse(file);
		assertThat(report.type()).isIn(BounceReport.Type.FEEDBACK_REPORT, BounceReport.Type.AUTO_REPLY);
		assertThat(report.recipients()).isEmpty();
		assertThat(report.hasFailures()).isFalse();
	}

	@Test
	void everyFileIsReadWithoutAnException() {
		for (Row row : load()) {
			BounceReport report = parse(row.file);
			assertThat(report.type()).as(row.file).isNotEqualTo(BounceReport.Type.INVALID);
		}
	}

	@Test
	void figuresPerFamilyMeetTheirFloors() throws IOException {
		Map<String, Map<String, Integer>> families = new TreeMap<>();
		Map<String, Integer> total = new HashMap<>();
		List<String> misses = new ArrayList<>();
		List<String> falseSuppressions = new ArrayList<>();
		Map<String, BounceReport> reports = new HashMap<>();
		for (Row row : load()) {
			if (row.skip) {
				continue;
			}
			BounceReport report = reports.computeIfAbsent(row.file, this::parse);
			Map<String, Integer> family = families.computeIfAbsent(row.family, (name) -> new HashMap<>());
			count(family, total, "rows");
			BouncedRecipient found = report.recipients()
				.stream()
				.filter((recipient) -> recipient.recipient().equalsIgnoreCase(row.recipient))
				.findFirst()
				.orElse(null);
			if (found == null) {
				misses.add(row.file + " " + row.recipient + ": not found (" + report.type() + ", "
						+ report.problem().orElse(report.recipients().size() + " other recipients") + ")");
				continue;
			}
			count(family, total, "recipients");
			Classification classification = found.classification();
			String status = found.status().map(Object::toString).orElse("");
			String kind = classification.kind().name();
			String reason = (classification.reason() != null) ? classification.reason().name() : "";
			String retry = classification.retry() ? "yes" : "no";
			check(family, total, misses, row, "status", status, row.acceptableStatus);
			check(family, total, misses, row, "action", found.action().fieldValue(), List.of(row.action));
			check(family, total, misses, row, "kind", kind, row.acceptableKinds);
			check(family, total, misses, row, "reason", reason, row.acceptableReasons);
			check(family, total, misses, row, "retry", retry, row.acceptableRetry);
			boolean suppressing = !classification.retry() && (classification.reason() == FailureReason.MAILBOX_UNKNOWN
					|| classification.reason() == FailureReason.DOMAIN_NOT_FOUND);
			boolean live = !row.acceptableReasons.contains(FailureReason.MAILBOX_UNKNOWN.name())
					&& !row.acceptableReasons.contains(FailureReason.DOMAIN_NOT_FOUND.name());
			if (suppressing && live) {
				falseSuppressions.add(row.file + " " + row.recipient + ": " + reason + ", expected " + row.reason);
			}
		}
		StringBuilder text = new StringBuilder("Bounce corpus: bounces-public (Sisimai BSD-2 samples)\n\n");
		text.append(String.format(Locale.ROOT, "%-20s %5s", "family", "rows"));
		for (String measure : MEASURES) {
			text.append(String.format(Locale.ROOT, " %11s", measure));
		}
		text.append('\n');
		families.forEach((name, family) -> text.append(line(name, family)));
		text.append(line("ALL", total));
		text.append(String.format(Locale.ROOT, "%-20s %5s", "target %", ""));
		for (String measure : MEASURES) {
			text.append(String.format(Locale.ROOT, " %11.1f", TARGETS.get(measure)));
		}
		text.append("\n\nfalse suppressions: ").append(falseSuppressions.size()).append('\n');
		falseSuppressions.forEach((miss) -> text.append("  ").append(miss).append('\n'));
		text.append("\nmisses:\n");
		misses.forEach((miss) -> text.append("  ").append(miss).append('\n'));
		Path out = Path.of("target", "bounce-corpus-report.txt");
		Files.createDirectories(out.getParent());
		Files.writeString(out, text, StandardCharsets.UTF_8);
		int rows = total.get("rows");
		for (String measure : MEASURES) {
			double percent = 100.0 * total.getOrDefault(measure, 0) / rows;
			assertThat(percent).as(measure + " % (see " + out + ")\n" + text)
				.isGreaterThanOrEqualTo(FLOORS.get(measure));
		}
		assertThat(falseSuppressions).as("live recipients reported as unknown with retry=no")
			.hasSizeLessThanOrEqualTo(MAX_FALSE_SUPPRESSIONS);
	}

	private static void check(Map<String, Integer> family, Map<String, Integer> total, List<String> misses, Row row,
			String measure, String got, List<String> acceptable) {
		if (acceptable.contains(got)) {
			count(family, total, measure);
		}
		else {
			misses.add(row.file + " " + row.recipient + ": " + measure + " " + got + ", expected " + acceptable);
		}
	}

	private static void count(Map<String, Integer> family, Map<String, Integer> total, String measure) {
		family.merge(measure, 1, Integer::sum);
		total.merge(measure, 1, Integer::sum);
	}

	private static String line(String name, Map<String, Integer> counts) {
		int rows = counts.getOrDefault("rows", 0);
		StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-20s %5d", name, rows));
		for (String measure : MEASURES) {
			int right = counts.getOrDefault(measure, 0);
			line.append(String.format(Locale.ROOT, " %4d %5.1f%%", right, (rows == 0) ? 0.0 : 100.0 * right / rows));
		}
		return line.append('\n').toString();
	}

	private BounceReport parse(String file) {
		try (InputStream in = BounceCorpusTests.class.getResourceAsStream(FOLDER + file)) {
			assertThat(in).as(file).isNotNull();
			return this.parser.parse(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static List<Row> load() {
		ObjectMapper mapper = new ObjectMapper();
		List<Row> rows = new ArrayList<>();
		try (InputStream in = BounceCorpusTests.class.getResourceAsStream(FOLDER + "labels.jsonl")) {
			String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			for (String line : text.split("\n")) {
				if (!line.isBlank()) {
					rows.add(Row.of(mapper.readTree(line)));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return rows;
	}

	/** One labelled (file, recipient). */
	record Row(String file, String recipient, String family, boolean skip, String action, String reason,
			List<String> acceptableStatus, List<String> acceptableKinds, List<String> acceptableReasons,
			List<String> acceptableRetry) {

		static Row of(JsonNode node) {
			String status = node.path("status").asString("");
			List<String> statuses = list(node, "acceptable_status", status);
			if (!statuses.contains(status)) {
				statuses.add(status);
			}
			String reason = node.path("reason").asString("");
			return new Row(node.path("file").asString(), node.path("recipient").asString(),
					node.path("family").asString(), node.path("skip").asBoolean(false),
					node.path("action").asString(""), reason, statuses,
					list(node, "acceptable_kinds", node.path("kind").asString("")),
					list(node, "acceptable_reasons", reason),
					list(node, "acceptable_retry", node.path("retry").asString("")));
		}

		private static List<String> list(JsonNode node, String field, String fallback) {
			List<String> values = new ArrayList<>();
			JsonNode array = node.get(field);
			if (array != null && array.isArray() && !array.isEmpty()) {
				array.forEach((value) -> values.add(value.asString()));
			}
			else {
				values.add(fallback);
			}
			return values;
		}

		@Override
		public String toString() {
			return this.file + " " + this.recipient;
		}

	}

}

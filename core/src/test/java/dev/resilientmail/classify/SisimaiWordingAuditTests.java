package dev.resilientmail.classify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A development check, not a corpus figure: every wording Sisimai's reason and provider
 * modules recognise ({@code audit/sisimai-wordings.tsv}), put in a one-line reply, and
 * the replies providers and MTAs document ({@code audit/provider-wordings.tsv}), through
 * the default classifier. Writes {@code target/audit/sisimai-wordings.txt}: the wordings
 * whose reason falls outside what their meaning allows, worst harm first. A wording
 * called an unknown mailbox or a missing domain, never to be retried, while its meaning
 * is something else would make users suppress live recipients: there must be none.
 */
class SisimaiWordingAuditTests {

	private static final Set<FailureReason> SUPPRESSING = Set.of(FailureReason.MAILBOX_UNKNOWN,
			FailureReason.DOMAIN_NOT_FOUND);

	/**
	 * Wordings read as another reason than their meaning at the last measurement; a
	 * ratchet that only lets the number fall.
	 */
	private static final int WRONG_KNOWN = 28;

	private static final List<String> FILES = List.of("audit/sisimai-wordings.tsv", "audit/provider-wordings.tsv");

	@Test
	void sisimaiWordingsReachTheirMeaning() throws IOException {
		ReplyClassifier classifier = ReplyClassifier.defaults();
		List<String> harm = new ArrayList<>();
		List<String> wrong = new ArrayList<>();
		Map<String, int[]> byModule = new TreeMap<>();
		int rows = 0;
		for (String line : lines()) {
			String[] columns = line.split("\t");
			List<String> acceptable = List.of(columns[2].split(","));
			SmtpReply reply = SmtpReply.parse(columns[4]);
			Classification got = classifier.classify(reply, SmtpCommand.parse(columns[3]));
			rows++;
			int[] counts = byModule.computeIfAbsent(columns[0].replace(" (pair)", ""), (key) -> new int[2]);
			counts[0]++;
			if (acceptable.contains(got.reason().name())) {
				continue;
			}
			counts[1]++;
			String entry = String.format("  %-24s %-16s want %-40s got %-22s retry=%s [%s] | %s", columns[0],
					columns[1], columns[2], got.reason(), got.retry() ? "yes" : "no", got.ruleIds(), columns[4]);
			boolean suppressing = SUPPRESSING.contains(got.reason()) && !got.retry()
					&& acceptable.stream().noneMatch((reason) -> SUPPRESSING.contains(FailureReason.valueOf(reason)));
			(suppressing ? harm : wrong).add(entry);
		}
		StringBuilder report = new StringBuilder();
		report.append(String.format("Sisimai and provider wordings: %d, wrong reason %d (false suppressions %d)%n%n",
				rows, harm.size() + wrong.size(), harm.size()));
		byModule.forEach((module, counts) -> report
			.append(String.format("  %-24s %4d wordings %4d wrong%n", module, counts[0], counts[1])));
		report.append(String.format("%n== false suppressions%n"));
		harm.forEach((entry) -> report.append(entry).append('\n'));
		report.append(String.format("%n== other wrong reasons%n"));
		wrong.forEach((entry) -> report.append(entry).append('\n'));
		Path target = Path.of("target", "audit");
		Files.createDirectories(target);
		Files.writeString(target.resolve("sisimai-wordings.txt"), report.toString());
		assertThat(rows).isGreaterThan(900);
		assertThat(harm).as(report.toString()).isEmpty();
		assertThat(harm.size() + wrong.size()).as(report.toString()).isLessThanOrEqualTo(WRONG_KNOWN);
	}

	private static List<String> lines() throws IOException {
		List<String> lines = new ArrayList<>();
		for (String file : FILES) {
			try (InputStream in = SisimaiWordingAuditTests.class.getResourceAsStream(file)) {
				assertThat(in).as(file + " on the test classpath").isNotNull();
				for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
					if (!line.isBlank() && !line.startsWith("#")) {
						lines.add(line.replace("\\n", "\n"));
					}
				}
			}
		}
		return lines;
	}

}

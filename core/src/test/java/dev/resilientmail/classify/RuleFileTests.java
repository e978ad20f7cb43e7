package dev.resilientmail.classify;

import java.io.IOException;
import java.io.StringReader;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The rule file: what the default one holds, and that every mistake in a rule file fails
 * the load naming file, line and the allowed values.
 */
class RuleFileTests {

	@Test
	void defaultRulesHoldAtLeast400DistinctPhrasesOverEveryReplyReasonEachWithASource() {
		List<Rule> rules = RuleFile.loadDefault();
		Set<String> phrases = new HashSet<>();
		Set<FailureReason> reasons = EnumSet.noneOf(FailureReason.class);
		for (Rule rule : rules) {
			assertThat(rule.source).as(rule.id).isNotBlank();
			phrases.addAll(rule.phrases);
			phrases.addAll(rule.signals);
			if (rule.isTextRule()) {
				reasons.add(rule.reason);
			}
		}
		assertThat(phrases).hasSizeGreaterThanOrEqualTo(400);
		// TLS_CERTIFICATE is our own refusal of a server's certificate, never a reply's
		assertThat(reasons).containsAll(EnumSet.complementOf(EnumSet.of(FailureReason.TLS_CERTIFICATE)));
		assertThat(DefaultReplyClassifier.INSTANCE.phrases()).isGreaterThanOrEqualTo(phrases.size());
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					unknown field             | rule a\\nreasn UNKNOWN\\nsource s              | line 2: unknown field 'reasn'; allowed fields: rule, reason
					unknown reason            | rule a\\nreason NOPE\\nphrase x\\nsource s     | line 2: reason 'NOPE' is not allowed; allowed: MAILBOX_UNKNOWN, MAILBOX_FULL
					unknown kind              | rule a\\nreason UNKNOWN\\nkind SOON\\nphrase x\\nsource s | line 3: kind 'SOON' is not allowed; allowed: SUCCESS, TRANSIENT
					success kind              | rule a\\nreason UNKNOWN\\nkind SUCCESS\\nphrase x\\nsource s | line 3: a rule cannot make a failure a SUCCESS
					empty phrase              | rule a\\nreason UNKNOWN\\nphrase ...\\nsource s | line 3: empty phrase '...'
					phrase holding a host     | rule a\\nreason UNKNOWN\\nphrase listed at zen.spamhaus.org\\nsource s | line 3: phrase 'listed at zen.spamhaus.org' holds 'zen.spamhaus.org'
					bad regex                 | rule a\\nreason UNKNOWN\\nphrase x\\nregex (open\\nsource s | line 4: regex '(open' is not a valid Java regular expression
					duplicate id              | rule a\\nreason UNKNOWN\\nphrase x\\nsource s\\nrule a | line 5: duplicate rule id 'a'
					bad phase                 | rule a\\nreason UNKNOWN\\nphases RCPT LATER\\nphrase x\\nsource s | line 3: phase 'LATER' is not allowed; allowed: CONNECT, EHLO
					bad code                  | rule a\\nreason UNKNOWN\\ncodes 250\\nsource s | line 3: code '250' is not allowed; allowed: failure codes 400 to 599, 4xx, 5xx
					bad enhanced pattern      | rule a\\nreason UNKNOWN\\nenhanced 5.7\\nsource s | line 3: enhanced code pattern '5.7' is not allowed
					bad policy                | rule a\\nreason UNKNOWN\\npolicy maybe\\nphrase x\\nsource s | line 3: policy 'maybe' is not allowed; allowed: yes, no, by-code
					kind and retry            | rule a\\nreason UNKNOWN\\nkind PERMANENT\\nretry yes\\nphrase x\\nsource s | line 4: 'kind' sets both retry and policy
					no source                 | rule a\\nreason UNKNOWN\\nphrase x | line 1: rule 'a' has no 'source' line
					no reason                 | rule a\\nphrase x\\nsource s | line 1: rule 'a' has no 'reason'
					no condition              | rule a\\nreason UNKNOWN\\nsource s | line 1: rule 'a' has no condition
					field before rule         | reason UNKNOWN | line 1: 'reason' outside a rule
					wrapper with a reason     | rule a\\nreason MAILBOX_UNKNOWN\\nwrapper\\nphrase x\\nsource s | line 1: rule 'a': a 'wrapper' says nothing by itself
					open phrase after a host  | rule a\\nreason UNKNOWN\\nphrase <host> *exist\\nsource s | line 3: phrase '<host> *exist': after <host>
					""")
	void mistakeFailsTheLoadNamingFileLineAndAllowedValues(String mistake, String text, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> parse(text.replace("\\n", "\n")))
			.withMessageStartingWith("my-rules.txt " + message.strip().substring(0, message.strip().indexOf(':')))
			.withMessageContaining(message.strip().substring(message.strip().indexOf(':') + 2));
	}

	@Test
	void commentsAndBlankLinesAreIgnoredAndFieldsAreRead() throws IOException {
		List<Rule> rules = parse("""
				# a comment

				rule quota-resets
				reason RATE_LIMITED
				retry yes
				policy by-code
				retry-after PT1H
				phases MAIL RCPT
				codes 550 5xx
				enhanced 5.4.5 *.7.500-699
				infer *.7.0
				phrase daily *limit
				signal ?p=receivingrate
				source https://support.google.com/a/answer/3726730
				""");
		Rule rule = rules.get(0);
		assertThat(rule.id).isEqualTo("quota-resets");
		assertThat(rule.transientFailure).isTrue();
		assertThat(rule.retryAfter).hasToString("PT1H");
		assertThat(rule.enhanced).hasToString("[5.4.5, *.7.500-699]");
		assertThat(rule.phrases).containsExactly("daily *limit");
		assertThat(rule.evidence)
			.containsExactly("quota-resets: enhanced code 5.4.5 or *.7.500-699, basic code 550 5xx at MAIL RCPT");
	}

	private static List<Rule> parse(String text) throws IOException {
		return RuleFile.parse("my-rules.txt", new StringReader(text));
	}

}

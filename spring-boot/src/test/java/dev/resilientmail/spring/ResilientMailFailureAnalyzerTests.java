package dev.resilientmail.spring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

@ExtendWith(OutputCaptureExtension.class)
class ResilientMailFailureAnalyzerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilientMailAutoConfiguration.class))
		.withPropertyValues("spring.mail.host=mx.example.com");

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					resilient-mail.retry.max-attempts                          | 0          | at least 1
					resilient-mail.retry.max-attempts                          | many       | a whole number
					resilient-mail.retry.wait-duration                         | -1s        | must not be negative
					resilient-mail.retry.wait-duration                         | soon       | a duration such as 500ms, 2s, 1m or 1h
					resilient-mail.retry.exponential-backoff-multiplier        | 0.5        | at least 1.0
					resilient-mail.retry.max-wait-duration                     | -5m        | must not be negative
					resilient-mail.retry.retry-on                              | SUCCESS    | cannot contain SUCCESS
					resilient-mail.retry.retry-on                              | PERMANENT  | allowed: TRANSIENT, POLICY_TRANSIENT
					resilient-mail.retry.retry-on                              | SOMETIMES  | a list of one of TRANSIENT, PERMANENT, POLICY_TRANSIENT, POLICY_PERMANENT
					resilient-mail.retry.retry-uncertain                       | maybe      | true or false
					resilient-mail.retry.randomized-wait-factor                | 1.5        | must be between 0.0 and 1.0
					resilient-mail.retry.randomized-wait-factor                | -0.1       | must be between 0.0 and 1.0
					resilient-mail.retry.max-elapsed-duration                  | -1m        | must not be negative
					resilient-mail.retry.wait-duration-by-reason.GREYLISTED    | -1m        | must not be negative
					resilient-mail.retry.honour-retry-after                    | perhaps    | true or false
					resilient-mail.timeouts.connect-timeout                    | 0s         | must be positive
					resilient-mail.timeouts.read-timeout                       | -1s        | must not be negative
					resilient-mail.timeouts.reply-timeout                      | 0s         | must be positive
					resilient-mail.async.threads                               | 0          | at least 1
					resilient-mail.rate-limiter.limit-for-period               | 0          | at least 1
					resilient-mail.rate-limiter.limit-refresh-period           | 0s         | must be positive
					resilient-mail.rate-limiter.timeout-duration               | -1s        | must not be negative
					resilient-mail.pool.max-connections                        | 0          | at least 1
					resilient-mail.pool.max-messages-per-connection            | 0          | at least 1
					resilient-mail.pool.idle-timeout                           | -30s       | must not be negative
					resilient-mail.classification.rules[0].kind                | FOO        | one of TRANSIENT, PERMANENT, POLICY_TRANSIENT, POLICY_PERMANENT
					resilient-mail.classification.rules[0].kind                | SUCCESS    | cannot turn a failure into SUCCESS
					resilient-mail.classification.rules[0].reason              | BAR        | one of MAILBOX_UNKNOWN, MAILBOX_FULL, GREYLISTED
					resilient-mail.classification.rules[0].command             | SEND       | one of CONNECT, EHLO, HELO
					resilient-mail.classification.rules[0].text                | (unclosed  | a Java regular expression
					resilient-mail.classification.rules[0].enhanced-code       | 9.9        | three dot-separated parts
					resilient-mail.classification.rules[0].code                | 250        | a failure code from 400 to 599
					resilient-mail.classification.rules[0].retry-after         | -1h        | not negative
					""")
	void aBadValueStopsStartupWithItsKeyAndWhatIsAllowed(String key, String value, String allowed) {
		String other = key.contains(".rules[0].") ? otherRuleKey(key) : "resilient-mail.enabled=true";
		this.contextRunner.withPropertyValues(key + "=" + value, other).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains("'" + key + "'").contains(value).contains(allowed);
			assertThat(analysis.getAction()).contains(key);
		});
	}

	/**
	 * A valid condition or effect, so that the rule is complete but for the bad value.
	 */
	private static String otherRuleKey(String key) {
		return key.endsWith(".kind") || key.endsWith(".reason") || key.endsWith(".retry-after")
				? "resilient-mail.classification.rules[0].code=550"
				: "resilient-mail.classification.rules[0].kind=TRANSIENT";
	}

	@Test
	void anUnknownReasonInTheWaitsByReasonListsTheReasons() {
		this.contextRunner.withPropertyValues("resilient-mail.retry.wait-duration-by-reason.SOMETIMES=1m")
			.run((context) -> {
				FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'resilient-mail.retry.wait-duration-by-reason'")
					.contains("keys are one of MAILBOX_UNKNOWN, MAILBOX_FULL, GREYLISTED")
					.contains("values are a duration such as 500ms");
			});
	}

	@Test
	void aRuleWithoutConditionIsRejected() {
		this.contextRunner.withPropertyValues("resilient-mail.classification.rules[0].kind=TRANSIENT")
			.run((context) -> {
				FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'resilient-mail.classification.rules[0]'")
					.contains("at least one condition: code, enhanced-code, command or text");
			});
	}

	@Test
	void aRuleWithoutEffectIsRejected() {
		this.contextRunner.withPropertyValues("resilient-mail.classification.rules[0].code=550").run((context) -> {
			FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'resilient-mail.classification.rules[0]'")
				.contains("at least one effect: kind, reason, retry or retry-after");
		});
	}

	@Test
	void everyBadValueIsReportedAtOnce() {
		this.contextRunner
			.withPropertyValues("resilient-mail.retry.max-attempts=0", "resilient-mail.pool.idle-timeout=-1s",
					"resilient-mail.classification.rules[0].text=[",
					"resilient-mail.classification.rules[0].kind=PERMANENT")
			.run((context) -> {
				FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'resilient-mail.retry.max-attempts' is '0'")
					.contains("'resilient-mail.pool.idle-timeout' is '-1s'")
					.contains("'resilient-mail.classification.rules[0].text' is '['");
				assertThat(analysis.getAction()).contains("resilient-mail.retry.max-attempts",
						"resilient-mail.pool.idle-timeout", "resilient-mail.classification.rules[0].text");
			});
	}

	@Test
	void everyBadRetryValueIsBlamedOnItsOwnKey() {
		this.contextRunner.withPropertyValues("resilient-mail.retry.max-attempts=0",
				"resilient-mail.retry.retry-on=TRANSIENT,PERMANENT", "resilient-mail.retry.randomized-wait-factor=1.5",
				"resilient-mail.retry.wait-duration-by-reason.GREYLISTED=-1m")
			.run((context) -> {
				FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
				String description = analysis.getDescription();
				assertThat(description).contains("'resilient-mail.retry.max-attempts' is '0'")
					.contains("'resilient-mail.retry.randomized-wait-factor' is '1.5'")
					.contains("'resilient-mail.retry.wait-duration-by-reason.GREYLISTED' is '-1m'")
					.contains("'resilient-mail.retry.retry-on' is")
					.contains("cannot contain PERMANENT; allowed: TRANSIENT, POLICY_TRANSIENT");
				assertThat(description.split("at least 1", -1)).as("maxAttempts' refusal, once").hasSize(2);
				assertThat(description.split("cannot contain PERMANENT", -1)).as("retryOn's refusal, once").hasSize(2);
				assertThat(analysis.getAction()).contains("resilient-mail.retry.max-attempts",
						"resilient-mail.retry.retry-on", "resilient-mail.retry.randomized-wait-factor",
						"resilient-mail.retry.wait-duration-by-reason.GREYLISTED");
			});
	}

	@Test
	void aGapInTheRuleNumbersIsExplained() {
		this.contextRunner
			.withPropertyValues("resilient-mail.classification.rules[1].code=550",
					"resilient-mail.classification.rules[1].kind=TRANSIENT")
			.run((context) -> {
				FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'resilient-mail.classification.rules'")
					.contains("numbered from [0] without gaps")
					.contains("resilient-mail.classification.rules[1].code");
			});
	}

	@Test
	void aProtocolTheStarterCannotSendWithIsExplained() {
		this.contextRunner.withPropertyValues("spring.mail.protocol=imap").run((context) -> {
			FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'spring.mail.protocol' is 'imap'")
				.contains("smtp (plain or STARTTLS) or smtps (implicit TLS)");
		});
	}

	@Test
	void otherFailuresAreLeftToOtherAnalyzers() {
		this.contextRunner.withPropertyValues("spring.mail.port=not-a-port").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure())).isNull();
		});
	}

	@Test
	void springBootReportsThisAnalysisWhenAnApplicationFailsToStart(CapturedOutput output) {
		SpringApplication application = new SpringApplication(MailApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(
				java.util.Map.of("spring.mail.host", "mx.example.com", "resilient-mail.classification.rules[0].kind",
						"FOO", "resilient-mail.classification.rules[0].code", "550", "logging.level.root", "ERROR"));
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("'resilient-mail.classification.rules[0].kind' is 'FOO'")
			.contains("one of TRANSIENT, PERMANENT, POLICY_TRANSIENT, POLICY_PERMANENT");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ResilientMailAutoConfiguration.class, MailSenderAutoConfiguration.class })
	static class MailApplication {

	}

}

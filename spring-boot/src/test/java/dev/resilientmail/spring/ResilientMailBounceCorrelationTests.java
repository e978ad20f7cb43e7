package dev.resilientmail.spring;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.LateOutcome;
import dev.resilientmail.bounce.BounceCorrelator;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.spring.ResilientMailBounceAutoConfigurationTests.EventRecorder;
import dev.resilientmail.spring.ResilientMailBounceAutoConfigurationTests.ManualScheduler;
import dev.resilientmail.spring.ResilientMailBounceAutoConfigurationTests.ManualSchedulerConfiguration;
import dev.resilientmail.testkit.FaultSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter from application.yml to the application's listeners: a message sent through
 * the auto-configured {@code JavaMailSender} with DSNs asked for (or a VERP return path),
 * then the bounce a reporting MTA writes for it dropped into the IMAP mailbox the starter
 * reads, reaches every {@link DeliveryListener} bean once as a {@link LateOutcome}, on
 * the {@link BounceEvent} and in the metrics.
 */
class ResilientMailBounceCorrelationTests {

	@RegisterExtension
	static GreenMailExtension greenMail = new GreenMailExtension(
			new ServerSetup[] { new ServerSetup(0, "127.0.0.1", "smtp"), new ServerSetup(0, "127.0.0.1", "imap") });

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ResilientMailAutoConfiguration.class, ResilientMailBounceAutoConfiguration.class))
		.withUserConfiguration(ManualSchedulerConfiguration.class, ListenerConfiguration.class)
		.withPropertyValues("resilient-mail.retry.max-attempts=1");

	@BeforeEach
	void createMailbox() {
		greenMail.setUser("bounces@example.com", "bounces", "secret");
	}

	@Test
	void aDsnEchoingTheEnvelopeIdOfASendReachesEveryListenerOnceAsALateOutcome() throws Exception {
		try (FaultSmtpServer smtp = FaultSmtpServer.builder().extensions("DSN").start()) {
			sendingTo(smtp, this.contextRunner).run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(BounceCorrelator.class);
				String messageId = send(context.getBean(JavaMailSender.class), "gone@example.net");
				String mail = command(smtp, "MAIL");
				assertThat(mail).contains(" RET=HDRS ").contains(" ENVID=");
				assertThat(command(smtp, "RCPT")).endsWith(" NOTIFY=FAILURE,DELAY ORCPT=rfc822;gone@example.net");
				String envid = mail.substring(mail.indexOf("ENVID=") + "ENVID=".length());
				String returnPath = mail.substring(mail.indexOf('<') + 1, mail.indexOf('>'));
				// the reporting MTA's DSN, read twice (sent again, or moved back)
				deliver(dsn(returnPath, envid, messageId, "gone@example.net"));
				deliver(dsn(returnPath, envid, messageId, "gone@example.net"));
				context.getBean(ManualScheduler.class).runNext();

				ListenerConfiguration listeners = context.getBean(ListenerConfiguration.class);
				assertThat(listeners.first).singleElement().satisfies((outcome) -> {
					assertThat(outcome.messageId()).isEqualTo(bare(messageId));
					assertThat(outcome.recipient()).isEqualTo("gone@example.net");
					assertThat(outcome.failed()).isTrue();
					assertThat(outcome.status()).contains(new EnhancedStatusCode(5, 1, 1));
					assertThat(outcome.reply()).hasValueSatisfying((reply) -> assertThat(reply.code()).isEqualTo(550));
					assertThat(outcome.classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
					assertThat(outcome.matchedBy()).isEqualTo("ENVID");
				});
				assertThat(listeners.second).as("every DeliveryListener bean").isEqualTo(listeners.first);
				List<BounceEvent> events = context.getBean(EventRecorder.class).events;
				assertThat(events).hasSize(2);
				assertThat(events.get(0).getLateOutcomes()).isEqualTo(listeners.first);
				assertThat(events.get(1).getLateOutcomes()).as("the same bounce again").isEmpty();
				assertThat(events.get(1).getReport().recipients()).hasSize(1);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(MicrometerBounceMetrics.LATE_OUTCOMES)
					.tag("outcome", "FAILED")
					.tag("kind", FailureKind.PERMANENT.name())
					.tag("reason", FailureReason.MAILBOX_UNKNOWN.name())
					.tag("matched.by", "ENVID")
					.counter()
					.count()).isEqualTo(1);
				assertThat(registry.find(MicrometerBounceMetrics.LATE_OUTCOMES).counters()).hasSize(1);
			});
		}
	}

	@Test
	void aBounceToTheVerpReturnPathIsMatchedByItsTokenWhenTheServerOffersNoDsn() throws Exception {
		fromReadme(this.contextRunner, "127.0.0.1", greenMail.getSmtp().getPort())
			.withPropertyValues("resilient-mail.dsn.ret=FULL")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String messageId = send(context.getBean(JavaMailSender.class), "carol@example.org");
				assertThat(greenMail.waitForIncomingEmail(Duration.ofSeconds(10).toMillis(), 1)).isTrue();
				MimeMessage received = greenMail.getReceivedMessagesForDomain("example.org")[0];
				String returnPath = received.getHeader("Return-Path", null);
				assertThat(returnPath).matches("<bounces\\+[0-9a-f]{20}@example\\.com>");
				// Exim's own format, quoting no Message-ID: only the address names the
				// message
				deliver(exim(returnPath.substring(1, returnPath.length() - 1), "carol@example.org"));
				context.getBean(ManualScheduler.class).runNext();

				ListenerConfiguration listeners = context.getBean(ListenerConfiguration.class);
				assertThat(listeners.first).singleElement().satisfies((outcome) -> {
					assertThat(outcome.messageId()).isEqualTo(bare(messageId));
					assertThat(outcome.recipient()).isEqualTo("carol@example.org");
					assertThat(outcome.classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
					assertThat(outcome.matchedBy()).isEqualTo("VERP");
				});
				assertThat(context.getBean(EventRecorder.class).events).singleElement()
					.satisfies((event) -> assertThat(event.getLateOutcomes()).isEqualTo(listeners.first));
			});
	}

	@Test
	void theApplicationsCorrelatorRecordsTheSendsAndMatchesTheBounces() throws Exception {
		try (FaultSmtpServer smtp = FaultSmtpServer.builder().extensions("DSN").start()) {
			sendingTo(smtp, this.contextRunner.withUserConfiguration(OwnCorrelatorConfiguration.class))
				.run((context) -> {
					assertThat(context).hasNotFailed().hasSingleBean(BounceCorrelator.class);
					String messageId = send(context.getBean(JavaMailSender.class), "gone@example.net");
					String mail = command(smtp, "MAIL");
					deliver(dsn("shop@example.com", mail.substring(mail.indexOf("ENVID=") + 6), messageId,
							"gone@example.net"));
					context.getBean(ManualScheduler.class).runNext();
					assertThat(context.getBean(OwnCorrelatorConfiguration.class).outcomes).singleElement()
						.satisfies((outcome) -> assertThat(outcome.recipient()).isEqualTo("gone@example.net"));
					assertThat(context.getBean(ListenerConfiguration.class).first)
						.as("the application's correlator reports to its own listener")
						.isEmpty();
				});
		}
	}

	@Test
	void withoutABounceMailboxSendsAskForDsnsAndNothingIsRemembered() throws Exception {
		try (FaultSmtpServer smtp = FaultSmtpServer.builder().extensions("DSN").start()) {
			this.contextRunner
				.withPropertyValues("spring.mail.host=" + smtp.host(), "spring.mail.port=" + smtp.port(),
						"resilient-mail.dsn.notify=never")
				.run((context) -> {
					assertThat(context).hasNotFailed().doesNotHaveBean(BounceCorrelator.class);
					send(context.getBean(JavaMailSender.class), "gone@example.net");
					assertThat(command(smtp, "RCPT")).endsWith(" NOTIFY=NEVER ORCPT=rfc822;gone@example.net");
					assertThat(command(smtp, "MAIL")).contains(" RET=HDRS ENVID=");
				});
		}
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					resilient-mail.dsn.notify                    | NEVER,FAILURE          | NEVER or a comma-separated list of SUCCESS, FAILURE and DELAY
					resilient-mail.dsn.notify                    | FAILURE,SOMETIMES      | NEVER or a comma-separated list of SUCCESS, FAILURE and DELAY
					resilient-mail.dsn.ret                       | ALL                    | FULL or HDRS
					resilient-mail.bounces.verp-return-path      | bounces+x@example.com  | an ASCII address like bounces@example.com (no '+'
					resilient-mail.bounces.verp-return-path      | bounces                | an ASCII address like bounces@example.com
					resilient-mail.bounces.max-remembered-sends  | 0                      | a whole number of at least 1
					resilient-mail.bounces.max-remembered-sends  | many                   | a whole number
					""")
	void aBadValueStopsStartupWithItsKeyAndWhatIsAllowed(String key, String value, String allowed) {
		fromReadme(this.contextRunner, "127.0.0.1", 25).withPropertyValues(key + "=" + value)
			.run((context) -> ResilientMailBounceAutoConfigurationTests.assertStartupFailedNaming(context, key, value,
					allowed));
	}

	@Test
	void aReturnOptionWithoutNotifyStopsStartupNamingBothKeys() {
		this.contextRunner.withPropertyValues("spring.mail.host=127.0.0.1", "resilient-mail.dsn.ret=headers")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("'resilient-mail.dsn.notify' is not set: NEVER or a comma-separated list of SUCCESS,"
							+ " FAILURE and DELAY (resilient-mail.dsn.ret needs it)")
					.contains("'resilient-mail.dsn.ret' is 'headers': FULL or HDRS");
			});
	}

	/**
	 * The README's application.yml (application-bounces.yml), sending to this server and
	 * reading the bounces from GreenMail's IMAP, polled by the test.
	 */
	private static ApplicationContextRunner fromReadme(ApplicationContextRunner runner, String smtpHost, int smtpPort) {
		return runner.withInitializer(YamlProperties.from("application-bounces.yml"))
			.withPropertyValues("spring.mail.host=" + smtpHost, "spring.mail.port=" + smtpPort,
					"resilient-mail.bounces.imap.host=127.0.0.1",
					"resilient-mail.bounces.imap.port=" + greenMail.getImap().getPort(),
					"resilient-mail.bounces.imap.username=bounces", "resilient-mail.bounces.imap.password=secret",
					"resilient-mail.bounces.imap.idle=false");
	}

	private static ApplicationContextRunner sendingTo(FaultSmtpServer smtp, ApplicationContextRunner runner) {
		return fromReadme(runner, smtp.host(), smtp.port());
	}

	private static String send(JavaMailSender sender, String recipient) throws MessagingException {
		MimeMessage message = sender.createMimeMessage();
		MimeMessageHelper helper = new MimeMessageHelper(message);
		helper.setFrom("shop@example.com");
		helper.setTo(recipient);
		helper.setSubject("Your order");
		helper.setText("Thank you for your order.");
		sender.send(message);
		assertThat(message.getMessageID()).as("Message-ID given at send").isNotBlank();
		return message.getMessageID();
	}

	private static String command(FaultSmtpServer smtp, String verb) {
		return smtp.commands().stream().filter((line) -> line.startsWith(verb)).findFirst().orElseThrow();
	}

	private static String bare(String messageId) {
		return messageId.substring(1, messageId.length() - 1);
	}

	private static void deliver(String message) throws MessagingException {
		greenMail.getUserManager()
			.getUser("bounces")
			.deliver(new MimeMessage(Session.getInstance(new Properties()),
					new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8))));
	}

	/**
	 * An RFC 3464 report as Postfix's bounce daemon writes one for RET=HDRS: the envelope
	 * id echoed, the returned headers in a {@code text/rfc822-headers} part.
	 */
	private static String dsn(String to, String envid, String messageId, String recipient) {
		return """
				Return-Path: <>
				From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
				To: %4$s
				Subject: Undelivered Mail Returned to Sender
				Auto-Submitted: auto-replied
				MIME-Version: 1.0
				Content-Type: multipart/report; report-type=delivery-status;
				\tboundary="4F2A1C0B5E.1733130000/mx.example.org"
				Message-Id: <20261202055900.4F2A1C0B5E@mx.example.org>

				This is a MIME-encapsulated message.

				--4F2A1C0B5E.1733130000/mx.example.org
				Content-Description: Notification
				Content-Type: text/plain; charset=us-ascii

				This is the mail system at host mx.example.org.

				I'm sorry to have to inform you that your message could not
				be delivered to one or more recipients. It's attached below.

				<%3$s>: host mx.example.net[192.0.2.25] said: 550 5.1.1 <%3$s>:
				    Recipient address rejected: User unknown in virtual mailbox table (in
				    reply to RCPT TO command)

				--4F2A1C0B5E.1733130000/mx.example.org
				Content-Description: Delivery report
				Content-Type: message/delivery-status

				Reporting-MTA: dns; mx.example.org
				X-Postfix-Queue-ID: 4F2A1C0B5E
				X-Postfix-Sender: rfc822; shop@example.com
				Original-Envelope-Id: %1$s
				Arrival-Date: Wed,  2 Dec 2026 05:58:59 +0000 (UTC)

				Final-Recipient: rfc822; %3$s
				Original-Recipient: rfc822;%3$s
				Action: failed
				Status: 5.1.1
				Remote-MTA: dns; mx.example.net
				Diagnostic-Code: smtp; 550 5.1.1 <%3$s>: Recipient address rejected: User
				    unknown in virtual mailbox table

				--4F2A1C0B5E.1733130000/mx.example.org
				Content-Description: Undelivered Message Headers
				Content-Type: text/rfc822-headers

				From: shop@example.com
				To: %3$s
				Subject: Your order
				Message-ID: %2$s

				--4F2A1C0B5E.1733130000/mx.example.org--
				""".formatted(envid, messageId, recipient, to).replace("\n", "\r\n");
	}

	/** Exim's bounce, which carries no DSN fields; sent to the VERP address. */
	private static String exim(String to, String recipient) {
		return """
				Return-path: <>
				From: Mail Delivery System <Mailer-Daemon@mx.example.org>
				To: %1$s
				Subject: Mail delivery failed: returning message to sender
				X-Failed-Recipients: %2$s
				Auto-Submitted: auto-replied
				Message-Id: <E1tI7xA-0004Qk-2b@mx.example.org>

				This message was created automatically by mail delivery software.

				A message that you sent could not be delivered to one or more of its
				recipients. This is a permanent error. The following address(es) failed:

				  %2$s
				    host mx.example.org [192.0.2.7]
				    SMTP error from remote mail server after RCPT TO:<%2$s>:
				    550 5.1.1 <%2$s>: Recipient address rejected: User unknown
				""".formatted(to, recipient).replace("\n", "\r\n");
	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		final List<LateOutcome> first = new CopyOnWriteArrayList<>();

		final List<LateOutcome> second = new CopyOnWriteArrayList<>();

		@Bean
		DeliveryListener firstListener() {
			return new DeliveryListener() {
				@Override
				public void onLateOutcome(LateOutcome outcome) {
					ListenerConfiguration.this.first.add(outcome);
				}
			};
		}

		@Bean
		DeliveryListener secondListener() {
			return new DeliveryListener() {
				@Override
				public void onLateOutcome(LateOutcome outcome) {
					ListenerConfiguration.this.second.add(outcome);
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCorrelatorConfiguration {

		final List<LateOutcome> outcomes = new CopyOnWriteArrayList<>();

		@Bean
		BounceCorrelator ownCorrelator() {
			return BounceCorrelator.create(new DeliveryListener() {
				@Override
				public void onLateOutcome(LateOutcome outcome) {
					OwnCorrelatorConfiguration.this.outcomes.add(outcome);
				}
			}, 10, '+');
		}

	}

}

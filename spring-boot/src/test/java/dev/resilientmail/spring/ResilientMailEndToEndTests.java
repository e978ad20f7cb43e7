package dev.resilientmail.spring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.mail.autoconfigure.MailHealthContributorAutoConfiguration;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.mail.autoconfigure.MailSenderValidatorAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

import dev.resilientmail.PermanentFailure;
import dev.resilientmail.PolicyRejection;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpExchange;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.FaultSmtpServerExtension;
import dev.resilientmail.testkit.Phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter in a Spring context against the test kit's scripted SMTP server on
 * loopback: what application code sees when the server greylists, rejects or refuses.
 */
@ExtendWith(FaultSmtpServerExtension.class)
class ResilientMailEndToEndTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String GREYLISTED = "450 4.7.1 <carol@grey.example>: Recipient address rejected:"
			+ " Greylisted, try again in 60 seconds";

	private static final String USER_UNKNOWN = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown";

	private static ApplicationContextRunner contextRunner(FaultSmtpServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ResilientMailAutoConfiguration.class,
					ResilientMailMetricsAutoConfiguration.class, MailSenderAutoConfiguration.class,
					MailSenderValidatorAutoConfiguration.class, ResilientMailHealthAutoConfiguration.class,
					HealthContributorAutoConfiguration.class, MailHealthContributorAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withBean(SignupMailer.class)
			.withPropertyValues("spring.mail.host=" + server.host(), "spring.mail.port=" + server.port(),
					"spring.mail.properties.mail.smtp.connectiontimeout=5000",
					"spring.mail.properties.mail.smtp.timeout=5000", "resilient-mail.retry.wait-duration=50ms",
					"resilient-mail.retry.max-wait-duration=200ms");
	}

	@Test
	void aGreylistedRecipientIsDeliveredAfterARetryWithTheConfiguredWait(FaultSmtpServer server) {
		server.when(Phase.RCPT).recipient("*@grey.example").attempt(1).reply(GREYLISTED);
		contextRunner(server).run((context) -> {
			SignupMailer mailer = context.getBean(SignupMailer.class);
			long start = System.nanoTime();
			mailer.welcome("carol@grey.example");
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(mailer.outcomes).containsExactly("sent carol@grey.example");
			assertThat(server.awaitMessages(1, TIMEOUT)).singleElement()
				.satisfies((message) -> assertThat(message.recipients()).containsExactly("carol@grey.example"));
			assertThat(rcptCommandsFor(server, "carol@grey.example")).isEqualTo(2);
			// the server asked for 60 seconds; max-wait-duration caps the wait at 200ms
			assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(TIMEOUT);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(MicrometerMailMetrics.RETRIES).counter().count()).isOne();
			assertThat(registry.get(MicrometerMailMetrics.REPLIES)
				.tag("code.class", "4xx")
				.tag("enhanced.code", "4.7.1")
				.tag("command", "RCPT")
				.counter()
				.count()).isOne();
			assertThat(registry.get(MicrometerMailMetrics.REPLIES)
				.tag("code.class", "2xx")
				.tag("command", "END_OF_DATA")
				.counter()
				.count()).isOne();
			assertThat(registry.get(MicrometerMailMetrics.OUTCOMES).tag("kind", "SUCCESS").counter().count()).isOne();
			assertThat(registry.get(MicrometerMailMetrics.SEND).tag("outcome", "SUCCESS").timer().count()).isOne();
		});
	}

	@Test
	void applicationCodeCatchesAnUnknownRecipientAsAPermanentFailure(FaultSmtpServer server) {
		server.when(Phase.RCPT).recipient("bob@example.com").reply(USER_UNKNOWN);
		contextRunner(server).run((context) -> {
			SignupMailer mailer = context.getBean(SignupMailer.class);
			mailer.welcome("bob@example.com");
			assertThat(mailer.outcomes).containsExactly("suppressed [bob@example.com] for 5.1.1");
			SmtpFailure failure = mailer.lastFailure;
			assertThat(failure).isInstanceOf(PermanentFailure.class);
			assertThat(failure.enhancedCode()).isEqualTo(new EnhancedStatusCode(5, 1, 1));
			assertThat(failure.reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
			assertThat(failure.command()).isEqualTo(SmtpCommand.RCPT);
			assertThat(failure.attempts()).isOne();
			assertThat(rcptCommandsFor(server, "bob@example.com")).isOne();
			assertThat(server.messages()).isEmpty();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(MicrometerMailMetrics.OUTCOMES)
				.tag("kind", "PERMANENT")
				.tag("reason", "MAILBOX_UNKNOWN")
				.counter()
				.count()).isOne();
		});
	}

	@Test
	void aBlockedClientArrivesAsAPolicyRejection(FaultSmtpServer server) {
		server.when(Phase.MAIL).reply("554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked");
		contextRunner(server).run((context) -> {
			SignupMailer mailer = context.getBean(SignupMailer.class);
			mailer.welcome("dave@example.com");
			assertThat(mailer.outcomes).containsExactly("alert 5.7.1 permanent");
			assertThat(mailer.lastFailure.classification().kind()).isEqualTo(FailureKind.POLICY_PERMANENT);
			assertThat(mailer.lastFailure.command()).isEqualTo(SmtpCommand.MAIL);
			assertThat(server.commands().stream().filter((command) -> command.startsWith("MAIL FROM"))).hasSize(1);
		});
	}

	@Test
	void theYamlRuleTurnsADailySendingLimitIntoATransientFailure(FaultSmtpServer server) {
		server.when(Phase.END_OF_DATA).reply("550 5.4.5 Daily user sending limit exceeded");
		contextRunner(server).withInitializer(YamlProperties.from("application-issue.yml"))
			.withPropertyValues("resilient-mail.retry.max-attempts=2", "resilient-mail.retry.max-wait-duration=50ms")
			.run((context) -> {
				SignupMailer mailer = context.getBean(SignupMailer.class);
				mailer.welcome("erin@example.com");
				assertThat(mailer.outcomes).containsExactly("retry later [erin@example.com] after PT1H");
				assertThat(mailer.lastFailure.reason()).isEqualTo(FailureReason.RATE_LIMITED);
				assertThat(mailer.lastFailure.classification().kind()).isEqualTo(FailureKind.TRANSIENT);
				// transient, so retried: the server saw the message twice
				assertThat(mailer.lastFailure.attempts()).isEqualTo(2);
				assertThat(server.commands().stream().filter("DATA"::equals)).hasSize(2);
			});
	}

	@Test
	void withoutTheYamlRuleTheDailySendingLimitIsStillATransientRateLimitButWithoutAWait(FaultSmtpServer server) {
		// a 5xx limit that resets is transient by default; the YAML rule only adds the
		// hour to wait
		server.when(Phase.END_OF_DATA).reply("550 5.4.5 Daily user sending limit exceeded");
		contextRunner(server).run((context) -> {
			SignupMailer mailer = context.getBean(SignupMailer.class);
			mailer.welcome("erin@example.com");
			assertThat(mailer.outcomes).containsExactly("retry later [erin@example.com] after ?");
			assertThat(mailer.lastFailure.reason()).isEqualTo(FailureReason.RATE_LIMITED);
		});
	}

	@Test
	void eachMessageOfOneSendCallGetsItsOwnOutcome(FaultSmtpServer server) {
		server.when(Phase.RCPT).recipient("bob@example.com").reply(USER_UNKNOWN);
		server.when(Phase.RCPT).recipient("*@grey.example").reply(GREYLISTED);
		contextRunner(server).withPropertyValues("resilient-mail.retry.max-attempts=2").run((context) -> {
			JavaMailSender sender = context.getBean(JavaMailSender.class);
			SimpleMailMessage ok = message("alice@example.com");
			SimpleMailMessage unknown = message("bob@example.com");
			SimpleMailMessage greylisted = message("carol@grey.example");
			MailPermanentFailureException failure = catchThrowableOfType(MailPermanentFailureException.class,
					() -> sender.send(ok, unknown, greylisted));
			// permanent: one of the failed messages will never go through as it is
			assertThat(failure.getFailedMessages()).containsOnlyKeys(unknown, greylisted);
			assertThat(failure.getFailedMessages().get(unknown)).isInstanceOf(PermanentFailure.class)
				.isSameAs(failure.failure());
			SmtpFailure grey = (SmtpFailure) failure.getFailedMessages().get(greylisted);
			assertThat(grey.classification().kind().isRetryable()).isTrue();
			assertThat(grey.attempts()).isEqualTo(2);
			assertThat(failure.getMessage()).contains("2 of 3 messages failed");
			assertThat(server.awaitMessages(1, TIMEOUT)).singleElement()
				.satisfies((message) -> assertThat(message.recipients()).containsExactly("alice@example.com"));
		});
	}

	@Test
	void theAsyncSenderCompletesAfterTheScheduledRetry(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).recipient("*@grey.example").attempt(1).reply(GREYLISTED);
		contextRunner(server).run((context) -> {
			AsyncMailSender async = context.getBean(AsyncMailSender.class);
			CompletableFuture<DeliveryReport> future = async.sendAsync(message("carol@grey.example"));
			DeliveryReport report = future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			assertThat(report.attempts()).isEqualTo(2);
			assertThat(report.acceptedRecipients()).containsExactly(new InternetAddress("carol@grey.example"));
			assertThat(report.queueId()).isPresent();
		});
	}

	@Test
	void theAsyncSenderFailsTheFutureWithTheTypedException(FaultSmtpServer server) {
		server.when(Phase.RCPT).recipient("bob@example.com").reply(USER_UNKNOWN);
		contextRunner(server).run((context) -> {
			AsyncMailSender async = context.getBean(AsyncMailSender.class);
			MimeMessage message = async.createMimeMessage();
			message.setFrom("app@example.com");
			message.setRecipients(MimeMessage.RecipientType.TO, "bob@example.com");
			message.setText("hello");
			CompletableFuture<DeliveryReport> future = async.sendAsync(message);
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOfSatisfying(MailPermanentFailureException.class, (failure) -> {
					assertThat(failure.failure().enhancedCode()).isEqualTo(new EnhancedStatusCode(5, 1, 1));
					assertThat(failure.getFailedMessages()).containsOnlyKeys(message);
				});
		});
	}

	@Test
	void credentialsFromSpringMailAreUsed() {
		try (FaultSmtpServer server = FaultSmtpServer.builder().auth("app", "s3cret").requireAuth().start()) {
			// this server offers no STARTTLS: say so, or the credentials would wait for
			// it
			contextRunner(server)
				.withPropertyValues("spring.mail.username=app", "spring.mail.password=s3cret",
						"spring.mail.properties.mail.smtp.starttls.required=false")
				.run((context) -> {
					context.getBean(JavaMailSender.class).send(message("alice@example.com"));
					assertThat(server.awaitMessages(1, TIMEOUT)).hasSize(1);
					assertThat(server.commands()).anyMatch((command) -> command.startsWith("AUTH "));
				});
		}
	}

	@Test
	void aRejectedPasswordIsSpringsMailAuthenticationExceptionWithTheTypedFailureAsCause() {
		try (FaultSmtpServer server = FaultSmtpServer.builder()
			.startTls()
			.auth("app", "s3cret")
			.requireAuth()
			.start()) {
			contextRunner(server).withPropertyValues("spring.mail.username=app", "spring.mail.password=wrong")
				.withBean(MailDeliveryCustomizer.class,
						() -> (builder) -> builder.sslSocketFactory(server.clientSslSocketFactory()))
				.run((context) -> {
					JavaMailSender sender = context.getBean(JavaMailSender.class);
					MailAuthenticationException failure = catchThrowableOfType(MailAuthenticationException.class,
							() -> sender.send(message("alice@example.com")));
					assertThat(failure).isNotNull();
					assertThat(failure.getCause()).isInstanceOf(PolicyRejection.class);
					PolicyRejection rejection = (PolicyRejection) failure.getCause();
					assertThat(rejection.command()).isEqualTo(SmtpCommand.AUTH);
					assertThat(rejection.reply())
						.hasValueSatisfying((reply) -> assertThat(reply.code()).isEqualTo(535));
					assertThat(rejection.enhancedCode()).isEqualTo(new EnhancedStatusCode(5, 7, 8));
					assertThat(rejection.getCause()).isInstanceOf(AuthenticationFailedException.class);
					// not retried: the same password fails the same way
					assertThat(server.commands().stream().filter((command) -> command.startsWith("AUTH "))).hasSize(1);
					assertThat(server.messages()).isEmpty();
				});
		}
	}

	@Test
	void credentialsEchoedByTheServerNeverReachTheSpringException() {
		String password = "Wr0ng-s3cret-pw";
		try (FaultSmtpServer server = FaultSmtpServer.builder()
			.startTls()
			.auth("app", "s3cret")
			.requireAuth()
			.start()) {
			// a server that echoes the AUTH PLAIN blob it got, and what it decodes to
			server.when(Phase.AUTH).respond((call) -> {
				String blob = call.commandLine().substring(call.commandLine().lastIndexOf(' ') + 1);
				String decoded = new String(java.util.Base64.getDecoder().decode(blob),
						java.nio.charset.StandardCharsets.UTF_8);
				return dev.resilientmail.testkit.Action
					.reply("535 5.7.8 bad credentials " + blob + " (" + decoded.replace('\0', '/') + ")");
			});
			contextRunner(server)
				.withPropertyValues("spring.mail.username=app", "spring.mail.password=" + password,
						"spring.mail.properties.mail.smtp.auth.mechanisms=PLAIN")
				.withBean(MailDeliveryCustomizer.class,
						() -> (builder) -> builder.sslSocketFactory(server.clientSslSocketFactory()))
				.run((context) -> {
					JavaMailSender sender = context.getBean(JavaMailSender.class);
					MailAuthenticationException failure = catchThrowableOfType(MailAuthenticationException.class,
							() -> sender.send(message("alice@example.com")));
					assertThat(failure).isNotNull();
					StringBuilder emitted = new StringBuilder();
					java.io.StringWriter trace = new java.io.StringWriter();
					failure.printStackTrace(new java.io.PrintWriter(trace));
					emitted.append(trace);
					for (Throwable t = failure; t != null; t = (t.getCause() != null) ? t.getCause()
							: (t instanceof jakarta.mail.MessagingException m) ? m.getNextException() : null) {
						emitted.append(t).append('\n').append(t.getMessage()).append('\n');
						if (t instanceof SmtpFailure smtp) {
							emitted.append(smtp.transcript()).append(smtp.reply()).append('\n');
						}
					}
					String base64 = java.util.Base64.getEncoder()
						.encodeToString(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
					String blob = java.util.Base64.getEncoder()
						.encodeToString(("\0app\0" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
					assertThat(emitted.toString()).contains("bad credentials")
						.doesNotContain(password)
						.doesNotContain(base64)
						.doesNotContain(blob);
				});
		}
	}

	@Test
	void theMailHealthReportsRecentSendsWithoutConnectingPerProbe(FaultSmtpServer server) {
		contextRunner(server).run((context) -> {
			HealthIndicator indicator = context.getBean("mailHealthContributor", HealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
			context.getBean(SignupMailer.class).welcome("alice@example.com");
			int connections = server.connectionCount();
			Health health = null;
			for (int probe = 0; probe < 5; probe++) {
				health = indicator.health();
			}
			assertThat(server.connectionCount()).as("connections opened by five probes").isEqualTo(connections);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsKey("lastSuccess")
				.containsEntry("sessionFailuresInARow", 0)
				.containsEntry("currentRateLimit", 14);
		});
	}

	@Test
	void springMailTestConnectionPassesAgainstAReachableServer(FaultSmtpServer server) {
		contextRunner(server).withPropertyValues("spring.mail.test-connection=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(server.connectionCount()).isOne();
		});
	}

	@Test
	void closingTheContextClosesThePooledConnections(FaultSmtpServer server) {
		contextRunner(server).run((context) -> {
			context.getBean(JavaMailSender.class).send(message("alice@example.com"));
			assertThat(server.commands()).doesNotContain("QUIT");
			context.close();
			assertThat(server.commands()).endsWith("QUIT");
		});
	}

	@Test
	void deliveryListenerBeansOfTheApplicationSeeEveryExchange(FaultSmtpServer server) {
		List<SmtpExchange> exchanges = new CopyOnWriteArrayList<>();
		DeliveryListener listener = new DeliveryListener() {

			@Override
			public void onExchange(SmtpExchange exchange) {
				exchanges.add(exchange);
			}

		};
		contextRunner(server).withBean(DeliveryListener.class, () -> listener).run((context) -> {
			context.getBean(JavaMailSender.class).send(message("alice@example.com"));
			assertThat(exchanges).extracting(SmtpExchange::command)
				.containsSubsequence(SmtpCommand.CONNECT, SmtpCommand.EHLO, SmtpCommand.MAIL, SmtpCommand.RCPT,
						SmtpCommand.DATA, SmtpCommand.END_OF_DATA);
			// the metrics listener still gets them too
			assertThat(context.getBean(MeterRegistry.class).get(MicrometerMailMetrics.REPLIES).counters()).isNotEmpty();
		});
	}

	private static long rcptCommandsFor(FaultSmtpServer server, String address) {
		return server.commands()
			.stream()
			.filter((command) -> command.equalsIgnoreCase("RCPT TO:<" + address + ">"))
			.count();
	}

	private static SimpleMailMessage message(String to) {
		SimpleMailMessage message = new SimpleMailMessage();
		message.setFrom("app@example.com");
		message.setTo(to);
		message.setSubject("Welcome");
		message.setText("Hello " + to);
		return message;
	}

	private static <T extends Throwable> T catchThrowableOfType(Class<T> type, Runnable action) {
		try {
			action.run();
		}
		catch (Throwable ex) {
			assertThat(ex).isInstanceOf(type);
			return type.cast(ex);
		}
		throw new AssertionError("expected " + type.getName() + " but nothing was thrown");
	}

	/**
	 * Application code as the architecture brief shows it: typed catch blocks around
	 * {@code JavaMailSender.send}.
	 */
	static class SignupMailer {

		private final JavaMailSender mailSender;

		final List<String> outcomes = new CopyOnWriteArrayList<>();

		volatile SmtpFailure lastFailure;

		SignupMailer(JavaMailSender mailSender) {
			this.mailSender = mailSender;
		}

		void welcome(String address) {
			try {
				this.mailSender.send(message(address));
				this.outcomes.add("sent " + address);
			}
			catch (MailTransientFailureException ex) {
				this.lastFailure = ex.failure();
				this.outcomes.add("retry later " + ex.failure().undeliveredRecipients() + " after "
						+ ex.failure().retryAfter().map(Duration::toString).orElse("?"));
			}
			catch (MailPolicyRejectionException ex) {
				this.lastFailure = ex.failure();
				this.outcomes.add("alert " + ex.failure().enhancedCode() + " "
						+ (ex.failure().isTransient() ? "transient" : "permanent"));
			}
			catch (MailPermanentFailureException ex) {
				this.lastFailure = ex.failure();
				this.outcomes
					.add("suppressed " + ex.failure().undeliveredRecipients() + " for " + ex.failure().enhancedCode());
			}
			catch (MailSendException ex) {
				this.outcomes.add("other " + ex);
			}
		}

	}

}

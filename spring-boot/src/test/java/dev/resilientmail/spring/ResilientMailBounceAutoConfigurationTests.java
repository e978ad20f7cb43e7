package dev.resilientmail.spring;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilientmail.bounce.BounceMailbox;
import dev.resilientmail.bounce.BounceReport;
import dev.resilientmail.bounce.BouncedRecipient;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;

import static org.assertj.core.api.Assertions.assertThat;

class ResilientMailBounceAutoConfigurationTests {

	@RegisterExtension
	static GreenMailExtension greenMail = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "imap"));

	private static final String BOUNCE = """
			From: MAILER-DAEMON@mx.example.org
			To: bounces@example.com
			Subject: Undelivered Mail Returned to Sender
			Message-ID: <bounce-1@mx.example.org>

			This is the mail system at host mx.example.org.

			<bob@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1 <bob@example.net>:
			    Recipient address rejected: User unknown (in reply to RCPT TO command)
			""";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilientMailBounceAutoConfiguration.class));

	private GreenMailUser user;

	@BeforeEach
	void createUser() {
		this.user = greenMail.setUser("bounces@example.com", "bounces", "secret");
	}

	@Test
	void aBounceInTheInboxBecomesAnEventCountedByReasonAndMovesToTheProcessedFolder() throws Exception {
		deliver(BOUNCE);
		this.contextRunner.withUserConfiguration(ManualSchedulerConfiguration.class)
			.withPropertyValues(
					mailbox("resilient-mail.bounces.imap.idle=false", "resilient-mail.bounces.imap.poll-interval=45s",
							"resilient-mail.bounces.imap.processed-folder=done"))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(BounceMailbox.class);
				ManualScheduler scheduler = context.getBean(ManualScheduler.class);
				assertThat(scheduler.delays).as("started with the context").containsExactly(0L);
				scheduler.runNext();
				List<BounceEvent> events = context.getBean(EventRecorder.class).events;
				assertThat(events).singleElement().satisfies((event) -> {
					BounceReport report = event.getReport();
					assertThat(report.type()).isEqualTo(BounceReport.Type.BOUNCE);
					BouncedRecipient recipient = report.recipients().get(0);
					assertThat(recipient.recipient()).isEqualTo("bob@example.net");
					assertThat(recipient.classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
					assertThat(event.getSource()).isSameAs(context.getBean(BounceMailbox.class));
				});
				assertThat(count("INBOX")).isZero();
				assertThat(count("done")).isEqualTo(1);
				assertThat(scheduler.delays).as("next read after poll-interval").containsExactly(0L, 45_000L);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(MicrometerBounceMetrics.BOUNCES)
					.tag("type", "BOUNCE")
					.tag("action", "FAILED")
					.tag("kind", FailureKind.PERMANENT.name())
					.tag("reason", "MAILBOX_UNKNOWN")
					.counter()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void theDefaultSchedulerReadsTheMailboxWithIdleAndStopsWithTheContext() throws Exception {
		deliver(BOUNCE);
		// GreenMail announces only messages that arrive once IDLE has begun: one that
		// comes just before is read when IDLE is re-issued, after the poll interval
		this.contextRunner.withUserConfiguration(QueueConfiguration.class)
			.withPropertyValues(mailbox("resilient-mail.bounces.imap.poll-interval=2s"))
			.run((context) -> {
				BlockingQueue<BounceEvent> events = context.getBean(QueueConfiguration.class).events;
				BounceEvent first = events.poll(20, TimeUnit.SECONDS);
				assertThat(first).as("first bounce").isNotNull();
				// the mailbox now waits in IDLE: a new message wakes it
				deliver(BOUNCE);
				BounceEvent second = events.poll(20, TimeUnit.SECONDS);
				assertThat(second).as("bounce announced by IDLE, or read when IDLE was re-issued").isNotNull();
				assertThat(second.getReport().recipients().get(0).classification().reason())
					.isEqualTo(FailureReason.MAILBOX_UNKNOWN);
				assertThat(count("processed")).isEqualTo(2);
				BounceMailboxLifecycle lifecycle = context.getBean(BounceMailboxLifecycle.class);
				ScheduledExecutorService scheduler = context
					.getBean(ResilientMailBounceAutoConfiguration.SCHEDULER_BEAN, ScheduledExecutorService.class);
				assertThat(lifecycle.isRunning()).isTrue();
				context.close();
				assertThat(lifecycle.isRunning()).isFalse();
				assertThat(scheduler.isShutdown()).isTrue();
			});
	}

	@Test
	void aListenerThatThrowsSendsTheMessageToTheFailedFolder() throws Exception {
		deliver(BOUNCE);
		this.contextRunner.withUserConfiguration(ManualSchedulerConfiguration.class, FailingListenerConfiguration.class)
			.withPropertyValues(mailbox("resilient-mail.bounces.imap.idle=false"))
			.run((context) -> {
				context.getBean(ManualScheduler.class).runNext();
				assertThat(count("INBOX")).isZero();
				assertThat(count("failed")).isEqualTo(1);
				assertThat(count("processed")).isZero();
			});
	}

	@Test
	void backsOffWithoutAHostOrWhenDisabled() {
		this.contextRunner.withPropertyValues("resilient-mail.bounces.imap.username=bounces")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(BounceMailbox.class)
				.doesNotHaveBean(BounceMailboxLifecycle.class));
		this.contextRunner.withPropertyValues(mailbox("resilient-mail.bounces.imap.enabled=false"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(BounceMailbox.class));
	}

	@Test
	void theApplicationsMailboxWinsAndIsNotStartedByTheStarter() {
		this.contextRunner.withUserConfiguration(OwnMailboxConfiguration.class)
			.withPropertyValues(mailbox())
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(BounceMailbox.class);
				assertThat(context).getBean(BounceMailbox.class).isSameAs(context.getBean("ownMailbox"));
				assertThat(context).doesNotHaveBean(BounceMailboxLifecycle.class);
				assertThat(context.getBean(ManualScheduler.class).delays).isEmpty();
			});
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			resilient-mail.bounces.imap.port              | 0       | a port from 1 to 65535
			resilient-mail.bounces.imap.port              | 70000   | a port from 1 to 65535
			resilient-mail.bounces.imap.port              | imap    | a whole number
			resilient-mail.bounces.imap.poll-interval     | 0s      | a positive duration
			resilient-mail.bounces.imap.poll-interval     | -1m     | a positive duration
			resilient-mail.bounces.imap.poll-interval     | often   | a duration such as 500ms, 2s, 1m or 1h
			resilient-mail.bounces.imap.processed-folder  | INBOX   | a folder name other than the folder read ('INBOX')
			resilient-mail.bounces.imap.failed-folder     | INBOX   | a folder name other than the folder read ('INBOX')
			resilient-mail.bounces.imap.ssl               | perhaps | true or false
			""")
	void aBadValueStopsStartupWithItsKeyAndWhatIsAllowed(String key, String value, String allowed) {
		this.contextRunner.withPropertyValues(mailbox(key + "=" + value))
			.run((context) -> assertStartupFailedNaming(context, key, value, allowed));
	}

	/** The failure analysis names the key, shows the value and says what is allowed. */
	static void assertStartupFailedNaming(AssertableApplicationContext context, String key, String value,
			String allowed) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
		assertThat(analysis.getDescription()).contains("'" + key + "'").contains(value).contains(allowed);
		assertThat(analysis.getAction()).contains(key);
	}

	@Test
	void missingCredentialsAreNamedWithoutShowingAnyValue() {
		this.contextRunner
			.withPropertyValues("resilient-mail.bounces.imap.host=127.0.0.1", "resilient-mail.bounces.imap.folder= ")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("'resilient-mail.bounces.imap.username' is not set: the mailbox's user name")
					.contains("'resilient-mail.bounces.imap.password' is not set: the mailbox's password")
					.contains("'resilient-mail.bounces.imap.folder'");
			});
	}

	private static String[] mailbox(String... more) {
		List<String> values = new ArrayList<>(List.of("resilient-mail.bounces.imap.host=127.0.0.1",
				"resilient-mail.bounces.imap.port=" + greenMail.getImap().getPort(),
				"resilient-mail.bounces.imap.username=bounces", "resilient-mail.bounces.imap.password=secret"));
		values.addAll(List.of(more));
		return values.toArray(String[]::new);
	}

	private void deliver(String message) throws MessagingException {
		this.user.deliver(new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8))));
	}

	private static int count(String name) throws MessagingException {
		Store store = Session.getInstance(new Properties()).getStore("imap");
		store.connect("127.0.0.1", greenMail.getImap().getPort(), "bounces", "secret");
		try {
			Folder folder = store.getFolder(name);
			if (!folder.exists()) {
				return 0;
			}
			folder.open(Folder.READ_ONLY);
			try {
				return folder.getMessageCount();
			}
			finally {
				folder.close(false);
			}
		}
		finally {
			store.close();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ManualSchedulerConfiguration {

		@Bean(name = ResilientMailBounceAutoConfiguration.SCHEDULER_BEAN, destroyMethod = "shutdownNow")
		ManualScheduler scheduler() {
			return new ManualScheduler();
		}

		@Bean
		EventRecorder eventRecorder() {
			return new EventRecorder();
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class QueueConfiguration {

		final BlockingQueue<BounceEvent> events = new LinkedBlockingQueue<>();

		@Bean
		ApplicationListener<BounceEvent> queueingListener() {
			return this.events::add;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnMailboxConfiguration {

		@Bean(name = ResilientMailBounceAutoConfiguration.SCHEDULER_BEAN, destroyMethod = "shutdownNow")
		ManualScheduler scheduler() {
			return new ManualScheduler();
		}

		@Bean(destroyMethod = "close")
		BounceMailbox ownMailbox(ManualScheduler scheduler) {
			return BounceMailbox.builder()
				.server("127.0.0.1", greenMail.getImap().getPort())
				.credentials("bounces", "secret")
				.onReport((report) -> {
				})
				.scheduler(scheduler)
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListenerConfiguration {

		@Bean
		ApplicationListener<BounceEvent> failingListener() {
			return (event) -> {
				throw new IllegalStateException("suppression list unavailable");
			};
		}

	}

	static class EventRecorder implements ApplicationListener<BounceEvent> {

		final List<BounceEvent> events = new ArrayList<>();

		@Override
		public void onApplicationEvent(BounceEvent event) {
			this.events.add(event);
		}

	}

	/** Records what is scheduled and runs it only when the test says so. */
	static final class ManualScheduler extends ScheduledThreadPoolExecutor {

		final List<Long> delays = new ArrayList<>();

		private final List<Runnable> pending = new ArrayList<>();

		ManualScheduler() {
			super(1);
		}

		@Override
		public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			this.delays.add(unit.toMillis(delay));
			this.pending.add(command);
			return super.schedule(() -> {
			}, 1, TimeUnit.DAYS);
		}

		@Override
		public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
			throw new UnsupportedOperationException();
		}

		synchronized void runNext() {
			this.pending.remove(0).run();
		}

	}

}

package dev.resilientmail.bounce;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientmail.classify.FailureReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BounceMailboxTests {

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

	private final List<BounceReport> reports = new ArrayList<>();

	private final RecordingScheduler scheduler = new RecordingScheduler();

	private GreenMailUser user;

	@BeforeEach
	void createUser() {
		this.user = greenMail.setUser("bounces@example.com", "bounces", "secret");
	}

	@AfterEach
	void stopScheduler() {
		this.scheduler.shutdownNow();
	}

	@Test
	void bounceIsReportedAndMovedToProcessed() throws Exception {
		deliver(BOUNCE);
		try (BounceMailbox mailbox = mailbox(this.reports::add).build()) {
			assertThat(mailbox.poll()).isEqualTo(1);
		}
		assertThat(this.reports).singleElement().satisfies((report) -> {
			assertThat(report.type()).isEqualTo(BounceReport.Type.BOUNCE);
			assertThat(report.recipients().get(0).classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
		});
		assertThat(count("INBOX")).isZero();
		assertThat(count("processed")).isEqualTo(1);
		assertThat(count("failed")).isZero();
	}

	@Test
	void unreadableMessageAndFailingConsumerGoToTheFailedFolder() throws Exception {
		deliver("\n\nno header fields at all\n");
		try (BounceMailbox mailbox = mailbox(this.reports::add).build()) {
			assertThat(mailbox.poll()).isEqualTo(1);
		}
		assertThat(count("failed")).isEqualTo(1);
		deliver(BOUNCE);
		try (BounceMailbox mailbox = mailbox((report) -> {
			throw new IllegalStateException("database down");
		}).build()) {
			assertThat(mailbox.poll()).isEqualTo(1);
		}
		assertThat(count("failed")).isEqualTo(2);
		assertThat(count("processed")).isZero();
		assertThat(count("INBOX")).isZero();
	}

	@Test
	void unreachableServerFailsThePollAndKeepsTheMessage() throws Exception {
		deliver(BOUNCE);
		try (BounceMailbox mailbox = mailbox(this.reports::add).credentials("bounces", "wrong").build()) {
			assertThatExceptionOfType(MessagingException.class).isThrownBy(mailbox::poll);
		}
		assertThat(count("INBOX")).isEqualTo(1);
		assertThat(this.reports).isEmpty();
	}

	@Test
	void startedMailboxPollsAtTheIntervalWithoutIdle() throws Exception {
		deliver(BOUNCE);
		try (BounceMailbox mailbox = mailbox(this.reports::add).idle(false).build()) {
			mailbox.start();
			assertThat(this.scheduler.delays).containsExactly(0L);
			this.scheduler.runNext();
			assertThat(this.reports).hasSize(1);
			assertThat(this.scheduler.delays).containsExactly(0L, Duration.ofSeconds(30).toMillis());
			deliver(BOUNCE);
			this.scheduler.runNext();
			assertThat(this.reports).hasSize(2);
			assertThat(mailbox.supportsIdle()).isTrue();
		}
		assertThat(count("processed")).isEqualTo(2);
	}

	@Test
	void closeEndsAnIdleWaitUnderWayAndTheReadingThreadReturns() throws Exception {
		ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
		BlockingQueue<BounceReport> read = new LinkedBlockingQueue<>();
		try {
			deliver(BOUNCE);
			BounceMailbox mailbox = mailbox(read::add).scheduler(thread).build();
			mailbox.start();
			// read, then the thread goes on to IDLE on the empty folder
			assertThat(read.poll(10, TimeUnit.SECONDS)).isNotNull();
			mailbox.close();
			thread.shutdown();
			assertThat(thread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			thread.shutdownNow();
		}
		assertThat(count("processed")).isEqualTo(1);
	}

	@Test
	void closedMailboxDoesNotConnectAgain() throws Exception {
		BounceMailbox mailbox = mailbox(this.reports::add).build();
		assertThat(mailbox.supportsIdle()).isTrue();
		mailbox.close();
		// a reading thread that finished its poll just as close() ran asks this next; a
		// new connection would IDLE on it with no one left to end the wait
		assertThat(mailbox.supportsIdle()).isFalse();
	}

	@Test
	void anIdleThatHearsNothingEndsAfterItsBoundSoTheFolderIsReadAgain() throws Exception {
		// a server may not announce a message that came just before IDLE began: the wait
		// must not outlast the poll interval
		Store store = Session.getInstance(new Properties()).getStore("imap");
		store.connect("127.0.0.1", greenMail.getImap().getPort(), "bounces", "secret");
		try {
			Folder inbox = store.getFolder("INBOX");
			inbox.open(Folder.READ_ONLY);
			CompletableFuture<Void> wait = CompletableFuture.runAsync(() -> {
				try {
					ImapConnection.waitForChange(inbox, Duration.ofMillis(200));
				}
				catch (MessagingException ex) {
					throw new IllegalStateException(ex);
				}
			});
			assertThat(wait).succeedsWithin(Duration.ofSeconds(10));
			assertThat(inbox.isOpen()).as("the bound ended IDLE by closing the folder").isFalse();
		}
		finally {
			store.close();
		}
	}

	@Test
	void badSettingsAreNamed() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BounceMailbox.builder().folder("x").processedFolder("x").build())
			.withMessageContaining("server host is missing")
			.withMessageContaining("credentials are missing")
			.withMessageContaining("onReport consumer is missing")
			.withMessageContaining("must differ from the folder read");
	}

	private BounceMailbox.Builder mailbox(java.util.function.Consumer<BounceReport> consumer) {
		return BounceMailbox.builder()
			.server("127.0.0.1", greenMail.getImap().getPort())
			.credentials("bounces", "secret")
			.pollInterval(Duration.ofSeconds(30))
			.onReport(consumer)
			.scheduler(this.scheduler);
	}

	private void deliver(String message) throws MessagingException {
		this.user.deliver(new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8))));
	}

	private int count(String name) throws MessagingException {
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

	/** Records what is scheduled and runs it only when the test says so. */
	private static final class RecordingScheduler extends ScheduledThreadPoolExecutor {

		final List<Long> delays = new ArrayList<>();

		private final List<Runnable> pending = new ArrayList<>();

		RecordingScheduler() {
			super(1);
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			this.delays.add(unit.toMillis(delay));
			this.pending.add(command);
			return super.schedule(() -> {
			}, 1, TimeUnit.DAYS);
		}

		@Override
		public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
			throw new UnsupportedOperationException();
		}

		void runNext() {
			this.pending.remove(0).run();
		}

	}

}

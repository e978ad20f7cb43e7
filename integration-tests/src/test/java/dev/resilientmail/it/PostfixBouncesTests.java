package dev.resilientmail.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.LateOutcome;
import dev.resilientmail.bounce.BounceCorrelator;
import dev.resilientmail.bounce.BounceMailbox;
import dev.resilientmail.bounce.BounceParser;
import dev.resilientmail.bounce.BounceReport;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.it.PostfixInstance.Listener;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpExchange;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import dev.resilientmail.testkit.ReceivedMessage;

/**
 * A real Postfix writes real bounces: the application sends through the loopback Postfix
 * as through a company relay (listener {@code RELAY}), Postfix accepts with {@code 250}
 * and relays to the recipient's server, a {@link FaultSmtpServer} that refuses or defers
 * some recipients; Postfix's bounce daemon then writes a DSN to the envelope sender,
 * whose domain its transport map routes to the sender's mail host; the DSN lands in a
 * GreenMail IMAP mailbox, a started {@link BounceMailbox} reads it (IDLE) and its
 * {@link BounceCorrelator} reports the {@link LateOutcome} on the application's
 * {@link DeliveryListener}. Each test waits on that report (bounded), then on Postfix's
 * empty queue, and asserts that Postfix wrote one DSN per outcome and that the message
 * and recipient got exactly one outcome of each kind.
 * <p>
 * The mail host's SMTP side is a second {@link FaultSmtpServer}, whose messages the test
 * stores into the GreenMail mailbox byte for byte, as the host's local delivery would:
 * GreenMail's own SMTP server refuses every {@code RCPT} after {@code MAIL FROM:<>} ("503
 * MAIL must come before RCPT", GreenMail issue #28), and a DSN always has that null
 * reverse path (RFC 5321, 4.5.5).
 * <p>
 * The queue lifetime is seconds ({@code maximal_queue_lifetime = 4s}, one second between
 * attempts), so a deferred recipient is given up within about five seconds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PostfixBouncesTests {

	private static final Logger log = LoggerFactory.getLogger(PostfixBouncesTests.class);

	/** The recipients' domain: mail for it goes to {@link #destination}. */
	private static final String DESTINATION_DOMAIN = "dest.test";

	/** The application's domain: mail for it (the bounces) goes to {@link #mailHost}. */
	private static final String SENDER_DOMAIN = "bounces.test";

	/** The envelope sender and the mailbox the bounces are read from. */
	private static final String SENDER = "app@" + SENDER_DOMAIN;

	/**
	 * The VERP return path; Postfix's virtual alias map puts its bounces in SENDER's
	 * mailbox.
	 */
	private static final String VERP_RETURN_PATH = "bounces@" + SENDER_DOMAIN;

	private static final String IMAP_USER = "app";

	private static final String IMAP_PASSWORD = "bounce-mailbox-secret";

	private static final Duration BOUNCE_WAIT = Duration.ofSeconds(30);

	private static final DeliveryPolicy ONE_ATTEMPT = DeliveryPolicy.builder()
		.maxAttempts(1)
		.timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10))
		.build();

	/** The recipients' server: accepts, except where a test scripts a refusal. */
	private static final FaultSmtpServer destination = FaultSmtpServer.start();

	/** The SMTP side of the sender's mail host: takes the bounces. */
	private static final FaultSmtpServer mailHost = FaultSmtpServer.start();

	/** The IMAP side of the sender's mail host. */
	@RegisterExtension
	static final GreenMailExtension mailboxes = new GreenMailExtension(
			new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP))
		.withPerMethodLifecycle(false);

	@RegisterExtension
	static final PostfixExtension postfix = new PostfixExtension(PostfixBouncesTests::relaying);

	private final BlockingQueue<LateOutcome> arriving = new LinkedBlockingQueue<>();

	private final List<LateOutcome> outcomes = new ArrayList<>();

	/** The application's one listener: send-time events and late outcomes alike. */
	private final DeliveryListener listener = new DeliveryListener() {
		@Override
		public void onLateOutcome(LateOutcome outcome) {
			PostfixBouncesTests.this.arriving.add(outcome);
		}
	};

	private final BounceCorrelator correlator = BounceCorrelator.create(this.listener);

	private GreenMailUser user;

	private int stored;

	/** Where Postfix sends what, and how soon it gives up. */
	private static Map<String, String> relaying() {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("transport_maps", "inline:{ " + DESTINATION_DOMAIN + "=smtp:[127.0.0.1]:" + destination.port()
				+ ", " + SENDER_DOMAIN + "=smtp:[127.0.0.1]:" + mailHost.port() + " }");
		// bounces+TOKEN@bounces.test is delivered to app@bounces.test, as a mail host
		// with a recipient delimiter would
		parameters.put("recipient_delimiter", "+");
		parameters.put("propagate_unmatched_extensions", "canonical");
		parameters.put("virtual_alias_maps", "inline:{ " + VERP_RETURN_PATH + "=" + SENDER + " }");
		// seconds instead of days (Postfix accepts 1s for each); the bounce daemon logs
		// that
		// its built-in notice texts, which count hours and days, then read 0
		parameters.put("maximal_queue_lifetime", "4s");
		parameters.put("bounce_queue_lifetime", "4s");
		parameters.put("delay_warning_time", "1s");
		parameters.put("queue_run_delay", "1s");
		parameters.put("minimal_backoff_time", "1s");
		parameters.put("maximal_backoff_time", "1s");
		parameters.put("smtp_connect_timeout", "5s");
		return parameters;
	}

	@BeforeEach
	void emptyMailboxAndScripts() throws Exception {
		mailboxes.purgeEmailFromAllMailboxes();
		this.user = mailboxes.setUser(SENDER, IMAP_USER, IMAP_PASSWORD);
		destination.reset();
		mailHost.reset();
	}

	@AfterAll
	static void stopServers() {
		destination.close();
		mailHost.close();
	}

	@Test
	void recipientRefusedWith550ComesBackAsOnePermanentLateOutcomeMatchedByEnvid() throws Exception {
		destination.when(Phase.RCPT)
			.recipient("gone@" + DESTINATION_DOMAIN)
			.reply("550 5.1.1 <gone@" + DESTINATION_DOMAIN + ">: Recipient address rejected: User unknown");
		MimeMessage message = message("<order-550@shop.test>", "gone@" + DESTINATION_DOMAIN,
				"fine@" + DESTINATION_DOMAIN);
		long started = System.nanoTime();
		DeliveryReport report = send(message, (builder) -> builder.dsn("FAILURE", "HDRS"));
		// Postfix took both: the refusal is the next hop's, and it comes later
		assertThat(report.acceptedRecipients()).extracting(InternetAddress::getAddress)
			.containsExactly("gone@" + DESTINATION_DOMAIN, "fine@" + DESTINATION_DOMAIN);
		assertThat(mailLine(report)).contains(" RET=HDRS", " ENVID=order-550@shop.test");

		try (ReadingMailbox reading = new ReadingMailbox()) {
			storeBounces(1);
			reading.await((outcome) -> outcome.messageId().equals("order-550@shop.test"));
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		assertPostfixWroteNoMoreBounces();

		assertThat(this.outcomes).singleElement().satisfies((outcome) -> {
			assertThat(outcome.messageId()).isEqualTo("order-550@shop.test");
			assertThat(outcome.recipient()).isEqualTo("gone@" + DESTINATION_DOMAIN);
			assertThat(outcome.failed()).isTrue();
			assertThat(outcome.matchedBy()).isEqualTo("ENVID");
			assertThat(outcome.status()).hasValue(EnhancedStatusCode.parse("5.1.1"));
			assertThat(outcome.reply()).hasValueSatisfying((reply) -> {
				assertThat(reply.code()).isEqualTo(550);
				assertThat(reply.text()).contains("User unknown");
			});
			assertThat(outcome.classification().kind()).isEqualTo(FailureKind.PERMANENT);
			assertThat(outcome.classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
			assertThat(outcome.classification().retry()).isFalse();
		});
		assertThat(destination.copiesFor("fine@" + DESTINATION_DOMAIN)).isEqualTo(1);
		List<BounceReport> processed = reports("processed");
		assertThat(processed).singleElement().satisfies((bounce) -> {
			assertThat(bounce.type()).isEqualTo(BounceReport.Type.BOUNCE);
			assertThat(bounce.envelopeId()).hasValue("order-550@shop.test");
			assertThat(bounce.reportingMta())
				.hasValueSatisfying((mta) -> assertThat(mta).contains(PostfixInstance.HOSTNAME));
		});
		assertThat(count("INBOX")).isZero();
		assertThat(count("failed")).isZero();

		// the same DSN delivered a second time (a relay that crashed before it removed
		// its copy) reports nothing new
		copy("processed", "INBOX");
		ScheduledExecutorService unused = Executors.newSingleThreadScheduledExecutor();
		try (BounceMailbox again = mailbox().scheduler(unused).build()) {
			assertThat(again.poll()).isEqualTo(1);
		}
		finally {
			unused.shutdownNow();
		}
		drainOutcomes();
		assertThat(this.outcomes).hasSize(1);
		assertThat(count("processed")).isEqualTo(2);
		log.info("550 5.1.1 at the next hop: late outcome {} ms after the send", millis);
	}

	@Test
	void recipientDeferredUntilTheQueueLifetimeEndsComesBackAsOneDelayAndOneFailure() throws Exception {
		String full = "full@" + DESTINATION_DOMAIN;
		destination.when(Phase.RCPT).recipient(full).reply("452 4.2.2 <" + full + ">: Mailbox full");
		MimeMessage message = message("<order-452@shop.test>", full);
		long started = System.nanoTime();
		DeliveryReport report = send(message, (builder) -> builder.dsn("FAILURE,DELAY", "HDRS"));
		assertThat(report.acceptedRecipients()).extracting(InternetAddress::getAddress).containsExactly(full);
		assertThat(mailLine(report)).contains(" ENVID=order-452@shop.test");

		long delayedMillis;
		try (ReadingMailbox reading = new ReadingMailbox()) {
			storeBounces(1);
			reading.await((outcome) -> !outcome.failed());
			delayedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			storeBounces(2);
			reading.await(LateOutcome::failed);
		}
		long failedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		assertPostfixWroteNoMoreBounces();

		assertThat(this.outcomes).hasSize(2).allSatisfy((outcome) -> {
			assertThat(outcome.messageId()).isEqualTo("order-452@shop.test");
			assertThat(outcome.recipient()).isEqualTo(full);
			assertThat(outcome.matchedBy()).isEqualTo("ENVID");
			assertThat(outcome.status()).hasValue(EnhancedStatusCode.parse("4.2.2"));
			assertThat(outcome.reply()).map((reply) -> reply.code()).hasValue(452);
			assertThat(outcome.classification().kind()).isEqualTo(FailureKind.TRANSIENT);
			assertThat(outcome.classification().reason()).isEqualTo(FailureReason.MAILBOX_FULL);
		});
		// first "still trying" (Action: delayed), then "given up" (Action: failed)
		assertThat(this.outcomes).extracting(LateOutcome::failed).containsExactly(false, true);
		// Postfix tried more than once before it gave up, and never delivered
		assertThat(destination.commands().stream().filter((line) -> line.startsWith("RCPT TO:<" + full + ">")))
			.hasSizeGreaterThanOrEqualTo(2);
		assertThat(destination.copiesFor(full)).isZero();
		assertThat(reports("processed")).extracting(BounceReport::type)
			.containsExactlyInAnyOrder(BounceReport.Type.DELAY_NOTICE, BounceReport.Type.BOUNCE);
		assertThat(count("failed")).isZero();
		log.info("452 4.2.2 at the next hop until the queue lifetime (4 s) ended: delay notice after {} ms,"
				+ " failure after {} ms", delayedMillis, failedMillis);
	}

	@Test
	void withoutDsnTheVerpReturnPathMatchesPostfixsBounce() throws Exception {
		String gone = "nobody@" + DESTINATION_DOMAIN;
		destination.when(Phase.RCPT)
			.recipient(gone)
			.reply("550 5.1.1 <" + gone + ">: Recipient address rejected: User unknown");
		MimeMessage message = message("<order-verp@shop.test>", gone);
		long started = System.nanoTime();
		DeliveryReport report = send(message, (builder) -> builder.verpReturnPath(VERP_RETURN_PATH));
		String mail = mailLine(report);
		assertThat(mail).matches("MAIL FROM:<bounces\\+[0-9a-f]{20}@" + SENDER_DOMAIN + ">.*").doesNotContain("ENVID=");

		try (ReadingMailbox reading = new ReadingMailbox()) {
			storeBounces(1);
			reading.await((outcome) -> outcome.messageId().equals("order-verp@shop.test"));
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		assertPostfixWroteNoMoreBounces();

		assertThat(this.outcomes).singleElement().satisfies((outcome) -> {
			assertThat(outcome.recipient()).isEqualTo(gone);
			assertThat(outcome.failed()).isTrue();
			assertThat(outcome.matchedBy()).isEqualTo("VERP");
			assertThat(outcome.status()).hasValue(EnhancedStatusCode.parse("5.1.1"));
			assertThat(outcome.classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
		});
		String returnPath = mail.substring(mail.indexOf('<') + 1, mail.indexOf('>'));
		assertThat(reports("processed")).singleElement().satisfies((bounce) -> {
			assertThat(bounce.envelopeId()).isEmpty();
			assertThat(bounce.sentTo()).hasValue(returnPath);
		});
		log.info("550 5.1.1 at the next hop, VERP return path {}: late outcome {} ms after the send", returnPath,
				millis);
	}

	private DeliveryReport send(MimeMessage message, java.util.function.UnaryOperator<MailDelivery.Builder> options)
			throws MessagingException {
		MailDelivery.Builder builder = MailDelivery.builder("127.0.0.1", postfix.instance().port(Listener.RELAY))
			.policy(ONE_ATTEMPT)
			.listener(this.listener)
			.acceptedSends(this.correlator::sent);
		try (MailDelivery delivery = options.apply(builder).build()) {
			return delivery.send(message);
		}
	}

	private static String mailLine(DeliveryReport report) {
		return report.transcript().last(SmtpCommand.MAIL).map(SmtpExchange::commandLine).orElseThrow();
	}

	private void drainOutcomes() {
		this.arriving.drainTo(this.outcomes);
	}

	/**
	 * Waits until the mail host has received this many bounces in all, and stores the new
	 * ones in the mailbox, as they came.
	 */
	private void storeBounces(int total) throws MessagingException {
		List<ReceivedMessage> received = mailHost.awaitMessages(total, BOUNCE_WAIT);
		for (ReceivedMessage bounce : received.subList(this.stored, received.size())) {
			// a DSN has the null reverse path and goes to the sender (VERP: its alias)
			assertThat(bounce.mailFrom()).isEmpty();
			assertThat(bounce.recipients()).containsExactly(SENDER);
			this.user.deliver(
					new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bounce.data())));
		}
		this.stored = received.size();
	}

	/**
	 * Waits until Postfix's queue is empty, so that it has nothing left to send, then
	 * checks that the mail host got no bounce beyond those stored, and collects the late
	 * outcomes reported meanwhile.
	 */
	private void assertPostfixWroteNoMoreBounces() {
		postfix.instance().awaitEmptyQueue(Duration.ofSeconds(10));
		assertThat(mailHost.messages()).hasSize(this.stored);
		drainOutcomes();
	}

	private BounceMailbox.Builder mailbox() {
		return BounceMailbox.builder()
			.server("127.0.0.1", mailboxes.getImap().getPort())
			.credentials(IMAP_USER, IMAP_PASSWORD)
			.pollInterval(Duration.ofSeconds(1))
			.property("mail.imap.connectiontimeout", "5000")
			.property("mail.imap.timeout", "10000")
			.onReport(this.correlator::correlate);
	}

	/**
	 * A bounce mailbox read as an application reads it: started on its own scheduler
	 * thread, with IMAP IDLE (GreenMail offers it); closing it lets a read under way
	 * finish, so that what it read has been moved.
	 */
	private final class ReadingMailbox implements AutoCloseable {

		private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

		private final BounceMailbox mailbox;

		ReadingMailbox() {
			this.mailbox = mailbox().scheduler(this.scheduler).build();
			this.mailbox.start();
		}

		/**
		 * Waits, at most {@link #BOUNCE_WAIT}, for a late outcome that matches, keeping
		 * every one that arrives meanwhile.
		 */
		void await(Predicate<LateOutcome> wanted) throws InterruptedException {
			long deadline = System.nanoTime() + BOUNCE_WAIT.toNanos();
			while (true) {
				long left = deadline - System.nanoTime();
				LateOutcome outcome = (left > 0) ? PostfixBouncesTests.this.arriving.poll(left, TimeUnit.NANOSECONDS)
						: null;
				if (outcome == null) {
					throw new AssertionError(
							"no such late outcome within " + BOUNCE_WAIT + "; had " + PostfixBouncesTests.this.outcomes
									+ "; Postfix maillog:\n" + Commands.tail(postfix.instance().maillog(), 40));
				}
				PostfixBouncesTests.this.outcomes.add(outcome);
				if (wanted.test(outcome)) {
					return;
				}
			}
		}

		@Override
		public void close() {
			this.mailbox.close();
			this.scheduler.shutdown();
			try {
				if (!this.scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
					this.scheduler.shutdownNow();
					throw new AssertionError("the bounce mailbox's thread did not end within 10 s of close()");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while closing the bounce mailbox", ex);
			}
		}

	}

	private static MimeMessage message(String messageId, String... recipients) throws MessagingException {
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
		message.setFrom(new InternetAddress(SENDER));
		for (String recipient : recipients) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
		}
		message.setSubject("Your order");
		message.setText("Sent by PostfixBouncesTests.\n");
		message.setHeader("Message-ID", messageId);
		return message;
	}

	private static Store store() throws MessagingException {
		Store store = Session.getInstance(new Properties()).getStore("imap");
		store.connect("127.0.0.1", mailboxes.getImap().getPort(), IMAP_USER, IMAP_PASSWORD);
		return store;
	}

	private static int count(String name) throws MessagingException {
		try (Store store = store()) {
			Folder folder = store.getFolder(name);
			return folder.exists() ? folder.getMessageCount() : 0;
		}
	}

	/** The reports of the messages in a folder, parsed again. */
	private static List<BounceReport> reports(String name) throws MessagingException {
		List<BounceReport> reports = new ArrayList<>();
		try (Store store = store()) {
			Folder folder = store.getFolder(name);
			folder.open(Folder.READ_ONLY);
			try {
				for (Message message : folder.getMessages()) {
					reports.add(BounceParser.defaults().parse((MimeMessage) message));
				}
			}
			finally {
				folder.close(false);
			}
		}
		return reports;
	}

	private static void copy(String from, String to) throws MessagingException {
		try (Store store = store()) {
			Folder folder = store.getFolder(from);
			folder.open(Folder.READ_ONLY);
			try {
				folder.copyMessages(folder.getMessages(), store.getFolder(to));
			}
			finally {
				folder.close(false);
			}
		}
	}

}

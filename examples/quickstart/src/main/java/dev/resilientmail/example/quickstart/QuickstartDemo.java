package dev.resilientmail.example.quickstart;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.resilientmail.SmtpFailure;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.ReplyCatalog;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.testkit.Action;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The one-command demo: the testkit's SMTP server answers with replies real servers send
 * (Postfix, postgrey, Gmail), and resilient-mail names each failure and does the right
 * thing. Waits are milliseconds here so that the demo runs in seconds; real defaults are
 * seconds to minutes.
 */
public final class QuickstartDemo {

	static final int SERVER_RATE = 10;

	private static final String FORMAT = "%-16s %-23s %-26s %-50.50s %-18s %-8s %s%n";

	private QuickstartDemo() {
	}

	/**
	 * Runs the demo and prints one row per scenario.
	 * @param args ignored
	 * @throws Exception if the demo itself breaks
	 */
	public static void main(String[] args) throws Exception {
		System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
		run(System.out);
	}

	/**
	 * Runs every scenario against a fresh embedded server.
	 * @param out where the table goes
	 * @return the rows, for the demo's own test
	 * @throws Exception if the demo itself breaks
	 */
	static List<Row> run(PrintStream out) throws Exception {
		List<Row> rows = new ArrayList<>();
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			script(server);
			out.println("resilient-mail quickstart: an embedded SMTP server on " + server.host() + ":" + server.port()
					+ " replies as real servers do.");
			out.println("Waits are shortened to milliseconds for the demo; real defaults are seconds to minutes.");
			out.println();
			out.printf(FORMAT, "scenario", "recipient", "exception", "enhanced code: meaning", "reason", "attempts",
					"outcome / server reply");
			Recorder recorder = new Recorder();
			try (MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
				.policy(policy(100))
				.listener(recorder)
				.build()) {
				rows.add(send(out, delivery, recorder, "accepted", "alice@example.net"));
				rows.add(send(out, delivery, recorder, "unknown user", "nobody@example.net"));
				rows.add(send(out, delivery, recorder, "mailbox full", "full@example.net"));
				rows.add(send(out, delivery, recorder, "greylisted", "grey@example.net"));
				rows.add(send(out, delivery, recorder, "too many rcpts", "r1@split.example", "r2@split.example",
						"r3@split.example", "r4@split.example", "r5@split.example", "r6@split.example",
						"r7@split.example"));
				rows.add(send(out, delivery, recorder, "policy block", "blocked@example.net"));
				rows.add(send(out, delivery, recorder, "421 mid-session", "reconnect@example.net"));
				rows.add(send(out, delivery, recorder, "partial", "ann@example.org", "gone@example.org",
						"bea@example.org"));
				rows.add(send(out, delivery, recorder, "drop after body", "dropped@example.net"));
			}
			rows.add(rateLimited(out, server));
			out.println();
			out.println("Copies received by the server: alice " + server.copiesFor("alice@example.net") + ", grey "
					+ server.copiesFor("grey@example.net") + ", reconnect " + server.copiesFor("reconnect@example.net")
					+ ", ann " + server.copiesFor("ann@example.org") + ", bea " + server.copiesFor("bea@example.org")
					+ ", r1..r7 " + copies(server, "r%d@split.example", 7) + ": nobody got a message twice.");
			out.println("The dropped message is in the server's hands but unacknowledged ("
					+ server.unacknowledgedMessages().size()
					+ "): UncertainDelivery is not retried unless you ask for it (retryUncertain).");
		}
		return rows;
	}

	private static void script(FaultSmtpServer server) {
		server.when(Phase.RCPT)
			.recipient("nobody@example.net")
			.reply("550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in virtual mailbox table");
		server.when(Phase.RCPT)
			.recipient("full@example.net")
			.reply("552-5.2.2 The email account that you tried to reach is over quota. Please direct",
					"552-5.2.2 the recipient to",
					"552 5.2.2  https://support.google.com/mail/?p=OverQuotaPerm - gsmtp");
		server.when(Phase.RCPT)
			.recipient("grey@example.net")
			.attempt(1)
			.reply("450 4.2.0 <grey@example.net>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html");
		server.when(Phase.RCPT)
			.recipient("*@split.example")
			.respond((call) -> (call.acceptedRecipients().size() >= 3)
					? Action.reply("452 4.5.3 Error: too many recipients") : Action.defaultReply());
		server.when(Phase.RCPT)
			.recipient("blocked@example.net")
			.reply("554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/127.0.0.1");
		server.when(Phase.DATA)
			.recipient("reconnect@example.net")
			.attempt(1)
			.reply("421 4.3.2 Service not available, closing transmission channel")
			.thenDrop();
		server.when(Phase.RCPT)
			.recipient("gone@example.org")
			.reply("550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown in local recipient table");
		server.when(Phase.END_OF_DATA).recipient("dropped@example.net").drop();
		RateWindow window = new RateWindow(SERVER_RATE);
		server.when(Phase.MAIL)
			.respond((call) -> (call.commandLine().contains("<burst@") && !window.admit())
					? Action.reply("451 4.7.1 Error: too much mail from 127.0.0.1, rate limited; slow down")
					: Action.defaultReply());
	}

	private static DeliveryPolicy policy(int rate) {
		return DeliveryPolicy.builder()
			.maxAttempts(4)
			.waitDuration(Duration.ofMillis(20))
			.jitter(0)
			.reasonWait(FailureReason.GREYLISTED, Duration.ofMillis(50))
			.maxWaitDuration(Duration.ofMillis(200))
			.rateLimit(rate, Duration.ofSeconds(1))
			.timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5))
			.build();
	}

	private static Row send(PrintStream out, MailDelivery delivery, Recorder recorder, String scenario, String... to)
			throws MessagingException {
		recorder.clear();
		MimeMessage message = message("app@example.com", scenario, to);
		String recipient = (to.length == 1) ? to[0] : to[0] + " +" + (to.length - 1);
		try {
			DeliveryReport report = delivery.send(message);
			SmtpFailure earlier = recorder.lastRetried();
			String outcome = "delivered to " + report.acceptedRecipients().size() + " of " + to.length;
			if (earlier != null) {
				outcome += " after: " + earlier.reply().map(QuickstartDemo::firstLine).orElse("(no reply)");
			}
			else if (recorder.transactions() > 1) {
				outcome += " in " + recorder.transactions() + " transactions, after: "
						+ recorder.refusals().stream().map(QuickstartDemo::firstLine).findFirst().orElse("");
			}
			else {
				outcome += ": " + firstLine(report.finalReply());
			}
			String exception = (earlier != null) ? earlier.getClass().getSimpleName() + ", retried" : "-";
			Row row = new Row(scenario, exception, report.attempts(), true);
			out.printf(
					FORMAT, scenario, recipient, exception, (earlier != null)
							? meaning(earlier.enhancedCode(), earlier.classification().enhancedCodeInferred()) : "-",
					(earlier != null) ? earlier.reason() : "-", report.attempts(), outcome);
			return row;
		}
		catch (SmtpFailure failure) {
			String outcome = failure.recipientOutcomes()
				.stream()
				.map((o) -> o.recipient().getAddress().replaceAll("@.*", "") + " " + status(o))
				.collect(Collectors.joining(", "));
			outcome += "; " + failure.reply().map(QuickstartDemo::firstLine).orElse("no reply: connection lost");
			out.printf(FORMAT, scenario, recipient, failure.getClass().getSimpleName(),
					meaning(failure.enhancedCode(), failure.classification().enhancedCodeInferred()), failure.reason(),
					failure.attempts(), outcome);
			return new Row(scenario, failure.getClass().getSimpleName(), failure.attempts(), false);
		}
	}

	/**
	 * A burst of messages against a server that allows {@value #SERVER_RATE} per second:
	 * the adaptive limiter lowers its rate when the server pushes back.
	 */
	private static Row rateLimited(PrintStream out, FaultSmtpServer server) throws Exception {
		int burst = 40;
		int clientRate = SERVER_RATE * 3;
		Recorder recorder = new Recorder();
		try (MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
			.policy(policy(clientRate).toBuilder().maxAttempts(20).maxElapsed(Duration.ofSeconds(20)).build())
			.listener(recorder)
			.build()) {
			List<CompletableFuture<DeliveryReport>> futures = new ArrayList<>();
			for (int i = 1; i <= burst; i++) {
				futures.add(
						delivery.sendAsync(message("burst@example.com", "rate limited", "burst" + i + "@example.net")));
			}
			CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(25, TimeUnit.SECONDS);
			int maxAttempts = 0;
			for (CompletableFuture<DeliveryReport> future : futures) {
				maxAttempts = Math.max(maxAttempts, future.get().attempts());
			}
			SmtpFailure pushedBack = recorder.lastRetried();
			int copies = copies(server, "burst%d@example.net", burst);
			String outcome = copies + " of " + burst + " delivered once; " + recorder.retries()
					+ " pushed back; client limit " + clientRate + "/s lowered to " + delivery.currentRateLimit()
					+ "/s";
			out.printf(FORMAT, "rate limited", burst + " x burst@example.net",
					(pushedBack != null) ? pushedBack.getClass().getSimpleName() + ", retried" : "-",
					(pushedBack != null) ? meaning(pushedBack.enhancedCode(), false) : "-",
					(pushedBack != null) ? pushedBack.reason() : "-", "max " + maxAttempts, outcome);
			return new Row("rate limited", (pushedBack != null) ? pushedBack.getClass().getSimpleName() : "-",
					maxAttempts, copies == burst);
		}
	}

	private static int copies(FaultSmtpServer server, String pattern, int count) {
		int copies = 0;
		for (int i = 1; i <= count; i++) {
			copies += server.copiesFor(String.format(pattern, i));
		}
		return copies;
	}

	private static MimeMessage message(String from, String scenario, String... to) throws MessagingException {
		MimeMessage message = new MimeMessage(SESSION);
		message.setFrom(new InternetAddress(from));
		for (String address : to) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
		}
		message.setSubject("quickstart: " + scenario);
		message.setText("Hello from the resilient-mail quickstart.");
		return message;
	}

	private static final Session SESSION = Session.getInstance(new java.util.Properties());

	private static String status(RecipientOutcome outcome) {
		return switch (outcome.status()) {
			case DELIVERED -> "delivered";
			case REJECTED -> "rejected";
			case NOT_DELIVERED -> "not delivered";
			case UNCERTAIN -> "uncertain";
		};
	}

	private static String meaning(EnhancedStatusCode code, boolean inferred) {
		String meaning = ReplyCatalog.standard().describe(code);
		return code + (inferred ? " (inferred)" : "") + ": " + meaning;
	}

	private static String firstLine(SmtpReply reply) {
		return String.join(" ", reply.lines()).replaceAll("\\s+", " ").trim();
	}

	/** One scenario's result, for the demo's test. */
	record Row(String scenario, String exception, int attempts, boolean delivered) {
	}

	/**
	 * Remembers the failures that were retried, and the replies of split transactions.
	 */
	private static final class Recorder implements DeliveryListener {

		private SmtpFailure lastRetried;

		private int retries;

		private int attemptCalls;

		private final List<SmtpReply> refusals = new ArrayList<>();

		synchronized void clear() {
			this.lastRetried = null;
			this.retries = 0;
			this.attemptCalls = 0;
			this.refusals.clear();
		}

		@Override
		public synchronized void onAttempt(int attempt, int recipients) {
			this.attemptCalls++;
		}

		@Override
		public synchronized void onRetry(SmtpFailure failure, long waitMillis) {
			this.lastRetried = failure;
			this.retries++;
		}

		@Override
		public synchronized void onExchange(dev.resilientmail.reply.SmtpExchange exchange) {
			exchange.reply().filter((reply) -> reply.code() == 452).ifPresent(this.refusals::add);
		}

		synchronized SmtpFailure lastRetried() {
			return this.lastRetried;
		}

		synchronized int retries() {
			return this.retries;
		}

		synchronized int transactions() {
			return this.attemptCalls;
		}

		synchronized List<SmtpReply> refusals() {
			return List.copyOf(this.refusals);
		}

	}

	/**
	 * The server's side of the rate limit: at most {@code rate} transactions per second.
	 */
	private static final class RateWindow {

		private final int rate;

		private final ArrayDeque<Long> window = new ArrayDeque<>();

		RateWindow(int rate) {
			this.rate = rate;
		}

		synchronized boolean admit() {
			long now = System.nanoTime();
			while (!this.window.isEmpty() && now - this.window.peekFirst() >= TimeUnit.SECONDS.toNanos(1)) {
				this.window.pollFirst();
			}
			if (this.window.size() >= this.rate) {
				return false;
			}
			this.window.addLast(now);
			return true;
		}

	}

}

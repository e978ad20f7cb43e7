package dev.resilientmail.example.springboot;

import java.time.Duration;

import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import jakarta.mail.internet.InternetAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example application against the testkit server: each catch block of
 * {@link NotificationService} receives the failure it is written for. Waits are shortened
 * for the test; the rest of application.yml applies as written.
 */
@SpringBootTest(properties = { "resilient-mail.retry.wait-duration=10ms", "resilient-mail.retry.max-wait-duration=20ms",
		"resilient-mail.rate-limiter.limit-for-period=1000" })
class NotificationServiceTests {

	static final FaultSmtpServer server = FaultSmtpServer.start();

	@Autowired
	NotificationService notifications;

	@Autowired
	Outbox outbox;

	@Autowired
	Alerts alerts;

	@DynamicPropertySource
	static void mailServer(DynamicPropertyRegistry registry) {
		registry.add("spring.mail.host", server::host);
		registry.add("spring.mail.port", server::port);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@BeforeEach
	void reset() {
		server.reset();
	}

	@Test
	void deliveredAfterGreylisting() throws Exception {
		server.when(Phase.RCPT)
			.recipient("ann@example.net")
			.attempt(1)
			.reply("450 4.2.0 <ann@example.net>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html");

		this.notifications.notify("greylisted", "hello", "ann@example.net");

		assertThat(server.copiesFor("ann@example.net")).isEqualTo(1);
		assertThat(this.outbox.entries()).noneMatch((e) -> e.recipients().toString().contains("ann@"));
	}

	@Test
	void unknownUserIsSuppressed() throws Exception {
		server.when(Phase.RCPT)
			.recipient("gone@example.net")
			.reply("550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in virtual mailbox table");

		this.notifications.notify("dead address", "hello", "gone@example.net");

		assertThat(this.notifications.suppressions()).contains(new InternetAddress("gone@example.net"));
	}

	@Test
	void aDeadAddressIsSuppressedWhenAnotherRecipientsDeliveryIsUncertain() throws Exception {
		server.when(Phase.RCPT)
			.recipient("gone@example.net")
			.reply("550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in virtual mailbox table");
		server.when(Phase.END_OF_DATA).drop();

		this.notifications.notify("mixed", "hello", "gone@example.net", "carol@example.net");

		assertThat(this.notifications.suppressions()).containsExactly(new InternetAddress("gone@example.net"));
		assertThat(this.alerts.raised()).as("an alert for the message that may have arrived")
			.anySatisfy((alert) -> assertThat(alert).endsWith("(no reply)"));
		assertThat(this.outbox.entries()).as("possibly delivered: not resent")
			.noneMatch((e) -> e.recipients().toString().contains("carol@"));
		assertThat(server.commands().stream().filter((c) -> c.startsWith("DATA")).count()).as("not retried")
			.isEqualTo(1);
	}

	@Test
	void blockListRaisesAnAlert() throws Exception {
		server.when(Phase.MAIL)
			.reply("554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org");

		this.notifications.notify("blocked", "hello", "bob@example.net");

		assertThat(this.alerts.raised())
			.anySatisfy((alert) -> assertThat(alert).startsWith("5.7.1 ").contains("zen.spamhaus.org"));
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void dailyLimitIsTransientByTheApplicationsRuleAndGoesToTheOutbox() throws Exception {
		server.when(Phase.RCPT).recipient("limited@example.net").reply("550 5.4.5 Daily user sending limit exceeded");

		this.notifications.notify("limited", "hello", "limited@example.net");

		assertThat(this.outbox.entries()).anySatisfy((entry) -> {
			assertThat(entry.recipients()).containsExactly(new InternetAddress("limited@example.net"));
			assertThat(entry.retryAfter()).contains(Duration.ofHours(1));
		});
		assertThat(server.commands().stream().filter((c) -> c.contains("limited@example.net")).count())
			.as("retried up to max-attempts")
			.isEqualTo(4);
	}

}

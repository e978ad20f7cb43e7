package dev.resilientmail.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Scripted replies: matchers, ordering, attempts, connections and responders, over a
 * plain socket.
 */
class FaultSmtpServerRuleTests {

	@RegisterExtension
	static final FaultSmtpServerExtension smtp = new FaultSmtpServerExtension();

	@Test
	void repliesToAnyCommandWithAnyMultiLineReply() throws IOException {
		smtp.server().when(Phase.EHLO).reply("250-mx.test greets you", "250-PIPELINING", "250 CHUNKING");
		smtp.server().when(Phase.MAIL).reply("550 5.7.1 line one", "550 5.7.1 line two");
		smtp.server().when(Phase.NOOP).reply("421-4.3.2 first\r\n421 4.3.2 second");
		smtp.server().when(Phase.UNKNOWN).reply("214 see https://example.com");
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			assertThat(client.command("EHLO c")).isEqualTo("250-mx.test greets you\r\n250-PIPELINING\r\n250 CHUNKING");
			assertThat(client.command("MAIL FROM:<a@example.com>"))
				.isEqualTo("550-5.7.1 line one\r\n550 5.7.1 line two");
			assertThat(client.command("NOOP")).isEqualTo("421-4.3.2 first\r\n421 4.3.2 second");
			assertThat(client.command("HELP")).isEqualTo("214 see https://example.com");
			// the refused MAIL started no transaction
			assertThat(client.command("RCPT TO:<b@example.com>")).startsWith("503 ");
		}
	}

	@Test
	void rejectsAnExactRecipientCaseInsensitively() throws IOException {
		smtp.server()
			.when(Phase.RCPT)
			.recipient("bob@example.com")
			.reply("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown");
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			assertThat(client.command("RCPT TO:<Bob@Example.com>"))
				.isEqualTo("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown");
			assertThat(client.command("RCPT TO:<bobby@example.com>")).isEqualTo("250 2.1.5 Ok");
			client.command("DATA");
			client.sendRaw("x\r\n.\r\n");
			client.readReply();
		}
		assertThat(smtp.server().messages().get(0).recipients()).containsExactly("bobby@example.com");
	}

	@Test
	void greylistsEachRecipientOfADomainOnItsFirstAttemptOnly() throws IOException {
		smtp.server()
			.when(Phase.RCPT)
			.recipient("*@grey.example")
			.attempt(1)
			.reply("450 4.7.1 Recipient address rejected: Greylisted, try again in 60 seconds");
		List<String> firstTry = new ArrayList<>();
		List<String> secondTry = new ArrayList<>();
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			firstTry.add(client.command("RCPT TO:<a@grey.example>"));
			firstTry.add(client.command("RCPT TO:<b@grey.example>"));
			firstTry.add(client.command("RCPT TO:<c@white.example>"));
			client.command("RSET");
			client.command("MAIL FROM:<a@example.com>");
			secondTry.add(client.command("RCPT TO:<a@grey.example>"));
			secondTry.add(client.command("RCPT TO:<b@grey.example>"));
		}
		assertThat(firstTry).containsExactly(
				"450 4.7.1 Recipient address rejected: Greylisted, try again in 60 seconds",
				"450 4.7.1 Recipient address rejected: Greylisted, try again in 60 seconds", "250 2.1.5 Ok");
		assertThat(secondTry).containsExactly("250 2.1.5 Ok", "250 2.1.5 Ok");
	}

	@Test
	void firstMatchingRuleActsInTheOrderRulesWereAdded() throws IOException {
		smtp.server().when(Phase.RCPT).recipient("vip@example.com").reply("250 2.1.5 VIP");
		smtp.server().when(Phase.RCPT).recipient("*@example.com").reply("550 5.7.1 not you");
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			assertThat(client.command("RCPT TO:<vip@example.com>")).isEqualTo("250 2.1.5 VIP");
			assertThat(client.command("RCPT TO:<joe@example.com>")).isEqualTo("550 5.7.1 not you");
			assertThat(client.command("RCPT TO:<joe@other.example>")).isEqualTo("250 2.1.5 Ok");
		}
	}

	@Test
	void timesLimitsARuleToItsFirstMatches() throws IOException {
		Rule rule = smtp.server().when(Phase.NOOP).times(2).reply("451 4.3.0 Temporary failure");
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			assertThat(client.command("NOOP")).isEqualTo("451 4.3.0 Temporary failure");
			assertThat(client.command("NOOP")).isEqualTo("451 4.3.0 Temporary failure");
			assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
		}
		assertThat(rule.actedCount()).isEqualTo(2);
	}

	@Test
	void attemptAndTimesCombineWithDefaultReplyToLetMatchesThrough() throws IOException {
		smtp.server().when(Phase.NOOP).times(1).defaultReply();
		smtp.server().when(Phase.NOOP).reply("250 second and later");
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
			assertThat(client.command("NOOP")).isEqualTo("250 second and later");
		}
	}

	@Test
	void connectionRestrictsARuleToTheNthConnection() throws IOException {
		smtp.server().when(Phase.GREETING).connection(2).reply("421 4.3.2 mx.test Service not available").thenDrop();
		try (SmtpClient first = SmtpClient.connect(smtp.server())) {
			assertThat(first.readReply()).startsWith("220 ");
		}
		try (SmtpClient second = SmtpClient.connect(smtp.server())) {
			assertThat(second.readReply()).isEqualTo("421 4.3.2 mx.test Service not available");
			assertThat(second.closedByServer()).isTrue();
		}
		try (SmtpClient third = SmtpClient.connect(smtp.server())) {
			assertThat(third.readReply()).startsWith("220 ");
		}
	}

	@Test
	void responderSeesTheCallAndChoosesTheAction() throws IOException {
		List<Call> calls = new ArrayList<>();
		smtp.server().when(Phase.RCPT).respond((call) -> {
			synchronized (calls) {
				calls.add(call);
			}
			return (call.attempt() < 3) ? Action.reply("451 4.7.1 slow down") : Action.defaultReply();
		});
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("sender@example.com");
			assertThat(client.command("RCPT TO:<r1@example.com>")).isEqualTo("451 4.7.1 slow down");
			assertThat(client.command("RCPT TO:<r2@example.com>")).isEqualTo("451 4.7.1 slow down");
			assertThat(client.command("RCPT TO:<r3@example.com>")).isEqualTo("250 2.1.5 Ok");
			assertThat(client.command("RCPT TO:<r4@example.com>")).isEqualTo("250 2.1.5 Ok");
		}
		assertThat(calls).extracting(Call::attempt).containsExactly(1, 2, 3, 4);
		Call last = calls.get(3);
		assertThat(last.phase()).isEqualTo(Phase.RCPT);
		assertThat(last.commandLine()).isEqualTo("RCPT TO:<r4@example.com>");
		assertThat(last.recipient()).isEqualTo("r4@example.com");
		assertThat(last.connection()).isEqualTo(1);
		assertThat(last.transaction()).isEqualTo(1);
		assertThat(last.mailFrom()).isEqualTo("sender@example.com");
		assertThat(last.acceptedRecipients()).containsExactly("r3@example.com");
	}

	@Test
	void aFailingResponderAnswers451AndTheSessionGoesOn() throws IOException {
		smtp.server().when(Phase.NOOP).respond((call) -> {
			throw new IllegalStateException("boom");
		});
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			assertThat(client.command("NOOP")).startsWith("451 4.3.0 testkit responder failed:").contains("boom");
			assertThat(client.command("RSET")).isEqualTo("250 2.0.0 Ok");
		}
	}

	@Test
	void transactionCountsEveryMailCommandOnTheServer() throws IOException {
		smtp.server().when(Phase.RCPT).respond((call) -> Action.reply("250 2.1.5 transaction " + call.transaction()));
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			assertThat(client.command("RCPT TO:<b@example.com>")).isEqualTo("250 2.1.5 transaction 1");
			client.command("RSET");
			client.command("MAIL FROM:<a@example.com>");
			assertThat(client.command("RCPT TO:<b@example.com>")).isEqualTo("250 2.1.5 transaction 2");
		}
	}

	@Test
	void recipientRulesAtEndOfDataMatchAnyAcceptedRecipient() throws IOException {
		smtp.server().when(Phase.END_OF_DATA).recipient("*@slow.example").reply("451 4.3.0 try later");
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			client.command("RCPT TO:<x@fast.example>");
			client.command("RCPT TO:<y@slow.example>");
			client.command("DATA");
			client.sendRaw("one\r\n.\r\n");
			assertThat(client.readReply()).isEqualTo("451 4.3.0 try later");
			client.command("MAIL FROM:<a@example.com>");
			client.command("RCPT TO:<x@fast.example>");
			client.command("DATA");
			client.sendRaw("two\r\n.\r\n");
			assertThat(client.readReply()).startsWith("250 2.0.0 Ok");
		}
		assertThat(smtp.server().messages()).extracting(ReceivedMessage::text).containsExactly("two\r\n");
		assertThat(smtp.server().copiesFor("x@fast.example")).isEqualTo(1);
		assertThat(smtp.server().copiesFor("y@slow.example")).isZero();
	}

	@Test
	void scriptedPositiveRepliesHaveTheDefaultEffects() throws IOException {
		smtp.server().when(Phase.RCPT).reply("251 2.1.5 will forward");
		smtp.server().when(Phase.END_OF_DATA).reply("250 2.0.0 Ok: queued as ABC");
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			assertThat(client.command("RCPT TO:<b@example.com>")).isEqualTo("251 2.1.5 will forward");
			assertThat(client.command("DATA")).startsWith("354 ");
			client.sendRaw("x\r\n.\r\n");
			assertThat(client.readReply()).isEqualTo("250 2.0.0 Ok: queued as ABC");
		}
		assertThat(smtp.server().copiesFor("b@example.com")).isEqualTo(1);
	}

	@Test
	void writesRawBytesAndKeepsReading() throws IOException {
		smtp.server().when(Phase.RCPT).raw("250 no CR here\n".getBytes(StandardCharsets.US_ASCII));
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			client.send("RCPT TO:<b@example.com>");
			assertThat(client.readLine()).isEqualTo("250 no CR here");
			assertThat(client.command("DATA")).startsWith("354 ");
		}
	}

	@Test
	void rulesNeedValidArgumentsAndASingleAction() {
		assertThatIllegalArgumentException().isThrownBy(() -> smtp.server().when(Phase.MAIL).recipient("a@b"))
			.withMessageContaining("not to MAIL");
		assertThatIllegalArgumentException().isThrownBy(() -> smtp.server().when(Phase.RCPT).recipient(" "))
			.withMessageContaining("pattern");
		assertThatIllegalArgumentException().isThrownBy(() -> smtp.server().when(Phase.RCPT).attempt(0))
			.withMessage("attempt(...) counts from 1, got 0");
		assertThatIllegalArgumentException().isThrownBy(() -> smtp.server().when(Phase.RCPT).times(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> smtp.server().when(null));
		assertThatIllegalArgumentException().isThrownBy(() -> smtp.server().when(Phase.RCPT).reply())
			.withMessageContaining("at least one line");
		assertThatIllegalStateException()
			.isThrownBy(() -> smtp.server().when(Phase.RCPT).reply("250 ok").reply("251 ok"))
			.withMessageContaining("already has an action");
	}

	@Test
	void aRuleWithoutActionNeverMatches() throws IOException {
		smtp.server().when(Phase.NOOP).times(1);
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
		}
	}

}

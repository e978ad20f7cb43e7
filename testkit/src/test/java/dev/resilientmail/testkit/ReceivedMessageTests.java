package dev.resilientmail.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a received message: text, headers, recipients, value semantics.
 */
class ReceivedMessageTests {

	@Test
	void unfoldsHeadersAndMatchesNamesCaseInsensitively() {
		ReceivedMessage message = message("Subject: a long\r\n\tsubject\r\nX-Id:  42 \r\n\r\nSubject: in body\r\n");
		assertThat(message.header("SUBJECT")).isEqualTo("a long subject");
		assertThat(message.header("x-id")).isEqualTo("42");
		assertThat(message.header("From")).isNull();
	}

	@Test
	void decodesUtf8AndFallsBackToLatin1() {
		assertThat(message("Grüße\r\n").text()).isEqualTo("Grüße\r\n");
		byte[] latin1 = "Grüße\r\n".getBytes(StandardCharsets.ISO_8859_1);
		assertThat(new ReceivedMessage(1, "a@example.com", List.of("b@example.com"), latin1, latin1.length).text())
			.isEqualTo("Grüße\r\n");
	}

	@Test
	void isAValueWithDefensiveCopies() {
		byte[] data = "x\r\n".getBytes(StandardCharsets.US_ASCII);
		ReceivedMessage message = new ReceivedMessage(1, "a@example.com", List.of("B@example.com"), data, 3);
		data[0] = 'y';
		message.data()[0] = 'z';
		assertThat(message.text()).isEqualTo("x\r\n");
		assertThat(message).isEqualTo(message("x\r\n", "B@example.com"))
			.hasSameHashCodeAs(message("x\r\n", "B@example.com"))
			.isNotEqualTo(message("y\r\n", "B@example.com"));
		assertThat(message.isFor("b@EXAMPLE.com")).isTrue();
		assertThat(message.isFor("c@example.com")).isFalse();
		assertThat(message.toString()).contains("size=3").doesNotContain("x\r\n");
	}

	private static ReceivedMessage message(String text, String... recipients) {
		byte[] data = text.getBytes(StandardCharsets.UTF_8);
		List<String> to = (recipients.length > 0) ? List.of(recipients) : List.of("b@example.com");
		return new ReceivedMessage(1, "a@example.com", to, data, data.length);
	}

}

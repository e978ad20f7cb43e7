package dev.resilientmail.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A message the server received: its envelope and its content after dot-unstuffing, with
 * CRLF line ends and without the terminating dot line.
 *
 * @param connection the number of the connection it came on (1-based)
 * @param mailFrom the reverse path without angle brackets (empty for {@code <>})
 * @param recipients the recipients the server accepted for it, as the client wrote them
 * @param data the content; empty when the server runs in
 * {@linkplain FaultSmtpServer.Builder#lean() lean mode}
 * @param size the size of the content in bytes, also in lean mode
 * @since 0.1.0
 */
public record ReceivedMessage(int connection, String mailFrom, List<String> recipients, byte[] data, int size) {

	private static final byte[] EMPTY = new byte[0];

	/**
	 * Copies the components.
	 */
	public ReceivedMessage {
		recipients = List.copyOf(recipients);
		data = (data.length == 0) ? EMPTY : data.clone();
	}

	/**
	 * The content.
	 * @return a copy of the content
	 */
	@Override
	public byte[] data() {
		return (this.data.length == 0) ? EMPTY : this.data.clone();
	}

	/**
	 * The content as text: UTF-8 when it is valid UTF-8, otherwise ISO-8859-1.
	 * @return the text
	 */
	public String text() {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(this.data))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return new String(this.data, StandardCharsets.ISO_8859_1);
		}
	}

	/**
	 * The value of the first header field with this name, unfolded and trimmed.
	 * @param name the field name, case-insensitive
	 * @return the value, or {@code null} when the message has no such field
	 */
	public String header(String name) {
		Objects.requireNonNull(name, "name");
		String wanted = name.toLowerCase(Locale.ROOT) + ":";
		String[] lines = text().split("\r?\n", -1);
		for (int i = 0; i < lines.length && !lines[i].isEmpty(); i++) {
			if (lines[i].toLowerCase(Locale.ROOT).startsWith(wanted)) {
				StringBuilder value = new StringBuilder(lines[i].substring(wanted.length()));
				while (i + 1 < lines.length && !lines[i + 1].isEmpty()
						&& (lines[i + 1].charAt(0) == ' ' || lines[i + 1].charAt(0) == '\t')) {
					value.append(' ').append(lines[++i].strip());
				}
				return value.toString().strip();
			}
		}
		return null;
	}

	/**
	 * Whether this message was addressed to the recipient (case-insensitive).
	 * @param address the address
	 * @return true when it is among the accepted recipients
	 */
	public boolean isFor(String address) {
		for (String recipient : this.recipients) {
			if (recipient.equalsIgnoreCase(address)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ReceivedMessage that && this.connection == that.connection && this.size == that.size
				&& Objects.equals(this.mailFrom, that.mailFrom) && this.recipients.equals(that.recipients)
				&& Arrays.equals(this.data, that.data);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.connection, this.mailFrom, this.recipients, this.size) * 31
				+ Arrays.hashCode(this.data);
	}

	@Override
	public String toString() {
		return "ReceivedMessage[connection=" + this.connection + ", mailFrom=" + this.mailFrom + ", recipients="
				+ this.recipients + ", size=" + this.size + "]";
	}

}

package dev.resilientmail.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;

import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * SMTP command pipelining (RFC 2920) under Angus's lock-step code. When the server
 * advertises {@code PIPELINING}, the MAIL command of a message goes out in one write
 * together with every RCPT command Angus will send next and, when the message is sent to
 * the accepted recipients whatever the others' replies ({@code sendpartial}), DATA. Angus
 * then "sends" each of those commands in turn (nothing more is written) and reads each
 * reply in order, as it would in lock-step: every recipient keeps its own reply, and the
 * transcript holds the same command/reply pairs.
 * <p>
 * What is ahead on the wire is kept here: when Angus takes another way (an RSET after a
 * refused MAIL, a QUIT) the replies the server still owes are read first; a pipelined
 * command that is not the one Angus sends, a reply that cannot belong to its command (354
 * to MAIL or RCPT, 2xx to DATA), or replies the server sent beyond the batch end the
 * connection before any of the message is sent. Session property
 * {@code resilient-mail.pipelining=false} keeps lock-step.
 */
final class Pipeline {

	static final String ENABLED = "resilient-mail.pipelining";

	private static final VarHandle ADDRESSES = handle("addresses", Address[].class);

	private static final VarHandle SERVER_OUTPUT = handle("serverOutput", OutputStream.class);

	private final boolean enabled;

	/** Commands on the wire whose turn has not come, oldest first. */
	private final ArrayDeque<String> ahead = new ArrayDeque<>();

	/** The pipelined command whose reply is read next, or null. */
	private String awaiting;

	private boolean batchSent;

	Pipeline(Properties properties) {
		Object value = properties.get(ENABLED);
		this.enabled = ADDRESSES != null && SERVER_OUTPUT != null
				&& (value == null || !"false".equalsIgnoreCase(value.toString().trim()));
	}

	boolean enabled() {
		return this.enabled;
	}

	/**
	 * The batch for a message's MAIL command: the MAIL command, an RCPT for each of
	 * Angus's addresses in its order and format, and DATA when asked; null when it cannot
	 * be pipelined (a command Angus would refuse or encode otherwise).
	 * @param transport the transport, inside {@code sendMessage} with its addresses set
	 * @param mail the MAIL command Angus sends
	 * @param notify the DSN NOTIFY parameter Angus adds to each RCPT, or null
	 * @param withData whether DATA goes in the batch
	 * @param onWire what the transport makes of each RCPT command before it is written
	 */
	List<String> plan(SMTPTransport transport, String mail, String notify, boolean withData,
			UnaryOperator<String> onWire) {
		Address[] addresses = (Address[]) ADDRESSES.get(transport);
		if (addresses == null || addresses.length == 0) {
			return null;
		}
		List<String> batch = new ArrayList<>(addresses.length + 2);
		batch.add(mail);
		for (Address address : addresses) {
			if (!(address instanceof InternetAddress internet) || internet.getAddress() == null) {
				return null;
			}
			String rcpt = "RCPT TO:" + normalized(internet.getAddress());
			batch.add(onWire.apply((notify != null) ? rcpt + " NOTIFY=" + notify : rcpt));
		}
		if (withData) {
			batch.add("DATA");
		}
		for (String command : batch) {
			if (!plainAscii(command)) {
				return null;
			}
		}
		return batch;
	}

	/**
	 * Writes the batch in one go; the first command (MAIL) is the one being sent now, the
	 * others wait for their turn.
	 */
	void send(SMTPTransport transport, List<String> batch) throws IOException {
		StringBuilder text = new StringBuilder(batch.size() * 40);
		for (String command : batch) {
			text.append(command).append("\r\n");
		}
		OutputStream out = (OutputStream) SERVER_OUTPUT.get(transport);
		if (out == null) {
			throw new IOException("not connected");
		}
		out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
		out.flush();
		this.awaiting = batch.get(0);
		this.ahead.addAll(batch.subList(1, batch.size()));
		this.batchSent = true;
	}

	/**
	 * Whether the command Angus sends now is the next one already on the wire; if so its
	 * reply is the next to read.
	 */
	boolean take(String command) {
		if (!this.ahead.isEmpty() && this.ahead.peekFirst().equals(command)) {
			this.awaiting = this.ahead.pollFirst();
			return true;
		}
		return false;
	}

	boolean hasAhead() {
		return !this.ahead.isEmpty();
	}

	/** Whether a command may wait until the server's owed replies are read. */
	static boolean drainsBefore(String command) {
		return !command.startsWith("RCPT") && !command.equals("DATA") && !command.startsWith("MAIL");
	}

	/** The next command on the wire, whose reply is read next to drain it. */
	String drainNext() {
		this.awaiting = this.ahead.pollFirst();
		return this.awaiting;
	}

	/** Whether the message's commands went out pipelined. */
	boolean batchSent() {
		return this.batchSent;
	}

	/**
	 * Checks a reply against the pipelined command it answers.
	 * @return what is wrong, or null
	 */
	String replied(int code) {
		String command = this.awaiting;
		this.awaiting = null;
		if (command == null || code < 0) {
			return null;
		}
		boolean data = command.equals("DATA");
		if ((!data && code == 354) || (data && code >= 200 && code < 300)) {
			return "the server answered " + code + " to pipelined " + firstWord(command)
					+ ": its replies are out of order; the connection was closed and the message not sent";
		}
		return null;
	}

	/** A new connection, an aborted one or the end of a message. */
	void reset() {
		this.ahead.clear();
		this.awaiting = null;
		this.batchSent = false;
	}

	static String firstWord(String command) {
		int space = command.indexOf(' ');
		int colon = command.indexOf(':');
		int end = (colon > 0 && (space < 0 || colon < space)) ? colon : space;
		return (end > 0) ? command.substring(0, end) : command;
	}

	/** As Angus writes an address in MAIL and RCPT. */
	private static String normalized(String address) {
		return (!address.startsWith("<") && !address.endsWith(">")) ? "<" + address + ">" : address;
	}

	private static boolean plainAscii(String command) {
		for (int i = 0; i < command.length(); i++) {
			char c = command.charAt(i);
			if (c >= 0x80 || c == '\r' || c == '\n') {
				return false;
			}
		}
		return true;
	}

	private static VarHandle handle(String field, Class<?> type) {
		try {
			return MethodHandles.privateLookupIn(SMTPTransport.class, MethodHandles.lookup())
				.findVarHandle(SMTPTransport.class, field, type);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			Capture.log.debug("no pipelining on this Angus Mail version ({}): lock-step", ex.toString());
			return null;
		}
	}

}

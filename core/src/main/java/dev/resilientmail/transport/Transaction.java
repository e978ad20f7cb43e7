package dev.resilientmail.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.mail.internet.InternetAddress;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.reply.SmtpTranscript;

/**
 * What the server answered in one mail transaction, recorded reply by reply as the
 * replies are read: the outcomes of a message are built from this, never from the
 * transcript, which is a bounded view for humans (256 exchanges by default) and loses the
 * first RCPT replies of a large message.
 * <p>
 * A reply is the raw text Angus read, {@code null} when the command was sent and no reply
 * came. The i-th RCPT reply belongs to the i-th recipient: Angus sends RCPT in the order
 * of the (group-expanded) address list. Recording is constant time per reply; building
 * the outcomes is linear in the recipients.
 */
final class Transaction {

	private final List<InternetAddress> recipients;

	private final String[] rcptReplies;

	private int rcptCount;

	private boolean mailSent;

	private String mailReply;

	private boolean dataSent;

	private String dataReply;

	private boolean endOfDataSent;

	private String endOfDataReply;

	/**
	 * Starts the record of a transaction.
	 * @param recipients the recipients in the order their RCPT commands go out
	 */
	Transaction(List<InternetAddress> recipients) {
		this.recipients = List.copyOf(recipients);
		this.rcptReplies = new String[this.recipients.size()];
	}

	/**
	 * Records the reply to a command of this transaction; other commands are ignored, and
	 * so are RCPT and DATA replies after a MAIL that got no 2xx: pipelined, those
	 * commands went out with MAIL and were answered only "no transaction" (503) or not at
	 * all, and the MAIL reply (or its absence) is every recipient's outcome, as in
	 * lock-step.
	 */
	void replied(SmtpCommand command, String reply) {
		if ((command == SmtpCommand.RCPT || command == SmtpCommand.DATA) && this.mailSent && !mailAccepted()) {
			return;
		}
		switch (command) {
			case MAIL -> mailReplied(reply);
			case RCPT -> rcptReplied(reply);
			case DATA -> dataReplied(reply);
			case END_OF_DATA -> endOfDataReplied(reply);
			default -> {
			}
		}
	}

	void mailReplied(String reply) {
		this.mailSent = true;
		this.mailReply = reply;
	}

	/**
	 * Records the reply to the next RCPT: one call per RCPT reply, in the order the
	 * commands were sent (also when they were pipelined).
	 * @param reply the reply, or {@code null} when none came
	 */
	void rcptReplied(String reply) {
		if (this.rcptCount < this.rcptReplies.length) {
			this.rcptReplies[this.rcptCount] = reply;
		}
		this.rcptCount++;
	}

	void dataReplied(String reply) {
		this.dataSent = true;
		this.dataReply = reply;
	}

	void endOfDataReplied(String reply) {
		this.endOfDataSent = true;
		this.endOfDataReply = reply;
	}

	/**
	 * The report of the transaction when the server accepted the message: every recipient
	 * delivered with the final reply; {@code null} when there is no final 2xx.
	 */
	DeliveryReport report(ReplyClassifier classifier, SmtpTranscript transcript) {
		SmtpReply finalReply = Capture.parseQuietly(this.endOfDataReply).orElse(null);
		if (finalReply == null || finalReply.isFailure()) {
			return null;
		}
		Classification success = classifier.classify(finalReply, SmtpCommand.END_OF_DATA);
		List<RecipientOutcome> outcomes = new ArrayList<>(this.recipients.size());
		for (InternetAddress recipient : this.recipients) {
			outcomes.add(new RecipientOutcome(recipient, RecipientOutcome.Status.DELIVERED, Optional.of(finalReply),
					success));
		}
		return new DeliveryReport(outcomes, finalReply, transcript, 1);
	}

	private boolean mailAccepted() {
		return Capture.parseQuietly(this.mailReply).map((reply) -> !reply.isFailure()).orElse(false);
	}

	List<InternetAddress> recipients() {
		return this.recipients;
	}

	/**
	 * Whether the RCPT of recipient {@code index} went out (its reply may be missing).
	 */
	boolean rcptSent(int index) {
		return index < Math.min(this.rcptCount, this.rcptReplies.length);
	}

	String rcptReply(int index) {
		return this.rcptReplies[index];
	}

	boolean mailSent() {
		return this.mailSent;
	}

	String mailReply() {
		return this.mailReply;
	}

	boolean dataSent() {
		return this.dataSent;
	}

	String dataReply() {
		return this.dataReply;
	}

	boolean endOfDataSent() {
		return this.endOfDataSent;
	}

	String endOfDataReply() {
		return this.endOfDataReply;
	}

}

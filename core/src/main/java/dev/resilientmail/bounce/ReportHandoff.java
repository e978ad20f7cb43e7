package dev.resilientmail.bounce;

import java.util.function.Consumer;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses the messages of a {@link BounceMailbox}'s folder, hands each report to the
 * consumer and moves each message to the processed folder, or to the failed one with the
 * reason logged. A message leaves the folder only once its copy is stored.
 *
 * @param parser reads the message
 * @param consumer receives each readable report
 */
record ReportHandoff(BounceParser parser, Consumer<BounceReport> consumer) {

	// the mailbox's log category, which users already configure
	private static final Logger logger = LoggerFactory.getLogger(BounceMailbox.class);

	/**
	 * Hands on every message now in {@code folder} and moves it.
	 * @return how many messages were moved
	 * @throws MessagingException when a folder cannot be opened or written; a message not
	 * yet copied then stays where it is
	 */
	int moveAll(Folder folder, Folder processed, Folder failed) throws MessagingException {
		folder.open(Folder.READ_WRITE);
		try {
			int handled = 0;
			for (Message message : folder.getMessages()) {
				if (message.isSet(Flags.Flag.DELETED)) {
					continue;
				}
				String problem = problem(message);
				Folder destination = (problem == null) ? processed : failed;
				if (problem != null) {
					logger.warn("Bounce mailbox: message {} moved to {}: {}", message.getMessageNumber(),
							destination.getFullName(), problem);
				}
				// copy first: the message leaves this folder only once it is stored
				// there
				folder.copyMessages(new Message[] { message }, destination);
				message.setFlag(Flags.Flag.DELETED, true);
				handled++;
			}
			return handled;
		}
		finally {
			folder.close(true);
		}
	}

	/**
	 * Parses and hands on one message.
	 * @return why the message goes to the failed folder, or null when it was handed on
	 */
	private String problem(Message message) {
		BounceReport report;
		try {
			report = (message instanceof MimeMessage mime) ? this.parser.parse(mime)
					: BounceReport.invalid("not a MIME message");
		}
		catch (RuntimeException ex) {
			return "cannot parse: " + ex;
		}
		if (report.type() == BounceReport.Type.INVALID) {
			return report.problem().orElse("cannot be read");
		}
		try {
			this.consumer.accept(report);
			return null;
		}
		catch (RuntimeException ex) {
			return "the bounce consumer failed: " + ex;
		}
	}

}

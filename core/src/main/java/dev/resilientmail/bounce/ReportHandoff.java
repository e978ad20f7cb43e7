package dev.resilientmail.bounce;

import java.util.function.Consumer;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;

/**
 * Parses one message of a {@link BounceMailbox} and hands the report to the consumer.
 *
 * @param parser reads the message
 * @param consumer receives each readable report
 */
record ReportHandoff(BounceParser parser, Consumer<BounceReport> consumer) {

	/**
	 * Parses and hands on one message.
	 * @return why the message goes to the failed folder, or null when it was handed on
	 */
	String problem(Message message) {
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

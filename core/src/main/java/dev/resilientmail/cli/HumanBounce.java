package dev.resilientmail.cli;

import java.io.PrintStream;

import dev.resilientmail.bounce.BounceReport;
import dev.resilientmail.bounce.BouncedRecipient;
import dev.resilientmail.classify.Classification;

/** The report of one bounce file for a person, one labelled line per fact. */
final class HumanBounce {

	private static final String INDENT = "               ";

	private HumanBounce() {
	}

	static void print(String file, BounceReport report, PrintStream out) {
		out.println(label("File") + Text.sanitise(file));
		out.println(label("Type") + report.type()
				+ ((report.type().reportsDelivery() || report.format().equals("none")) ? "" : " (not a failure)"));
		if (!report.format().equals("none")) {
			out.println(label("Format") + report.format());
		}
		report.problem().ifPresent((problem) -> out.println(label("Problem") + Text.sanitise(problem)));
		report.reportingMta().ifPresent((mta) -> out.println(label("Reporting MTA") + Text.sanitise(mta)));
		report.arrivalDate().ifPresent((date) -> out.println(label("Arrived") + date));
		report.originalMessageId().ifPresent((id) -> out.println(label("Message-ID") + "<" + Text.sanitise(id) + ">"));
		report.envelopeId().ifPresent((id) -> out.println(label("Envelope id") + Text.sanitise(id)));
		for (BouncedRecipient recipient : report.recipients()) {
			Classification classification = recipient.classification();
			out.println(label("Recipient") + Text.sanitise(recipient.recipient()));
			recipient.originalRecipient()
				.ifPresent((original) -> out.println(label("  Original") + Text.sanitise(original)));
			out.println(label("  Action") + recipient.action().fieldValue());
			recipient.status().ifPresent((status) -> out.println(label("  Status") + status));
			recipient.diagnostic()
				.ifPresent((reply) -> out.println(label("  Reply") + Text.sanitise(abbreviate(reply.toString()))));
			if (recipient.diagnostic().isEmpty() && !recipient.diagnosticText().isEmpty()) {
				out.println(label("  Text") + Text.sanitise(abbreviate(recipient.diagnosticText())));
			}
			if (recipient.phase() != dev.resilientmail.reply.SmtpCommand.ANY) {
				out.println(label("  Phase") + recipient.phase());
			}
			recipient.remoteMta().ifPresent((mta) -> out.println(label("  Remote MTA") + Text.sanitise(mta)));
			out.println(
					label("  Kind") + classification.kind() + ": " + HumanExplanation.describe(classification.kind()));
			if (classification.reason() != null) {
				out.println(label("  Reason") + classification.reason() + ": "
						+ HumanExplanation.describe(classification.reason()));
			}
			out.println(label("  Retry") + (classification.retry() ? "yes" : "no"));
			if (classification.isFailure()) {
				out.println(label("  Because") + HumanExplanation.because(classification));
			}
		}
		out.println();
	}

	private static String abbreviate(String text) {
		return (text.length() > 300) ? text.substring(0, 300) + "..." : text;
	}

	private static String label(String name) {
		return (name + ":" + INDENT).substring(0, INDENT.length());
	}

}

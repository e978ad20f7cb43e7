package dev.resilientmail.spring;

import java.io.Serial;

import org.springframework.context.ApplicationEvent;

import dev.resilientmail.bounce.BounceMailbox;
import dev.resilientmail.bounce.BounceReport;

/**
 * Published for each message read from the bounce mailbox
 * ({@code resilient-mail.bounces.imap.*}): a bounce, a delay notice, an auto-reply, a
 * feedback report or a message that is none of these; see {@link BounceReport#type()}.
 * Listeners run on the mailbox's thread before the message is moved to the processed
 * folder; a listener that throws sends the message to the failed folder instead.
 *
 * @since 0.2.0
 */
public final class BounceEvent extends ApplicationEvent {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient BounceReport report;

	/**
	 * Creates the event.
	 * @param mailbox the mailbox the message was read from
	 * @param report what the message says
	 */
	public BounceEvent(BounceMailbox mailbox, BounceReport report) {
		super(mailbox);
		this.report = report;
	}

	/**
	 * Returns what the message says: its type and one recipient entry, with its
	 * classification, per recipient it reports.
	 * @return the report
	 */
	public BounceReport getReport() {
		return this.report;
	}

}

package dev.resilientmail.spring;

import java.io.Serial;
import java.util.List;

import org.springframework.context.ApplicationEvent;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.LateOutcome;
import dev.resilientmail.bounce.BounceCorrelator;
import dev.resilientmail.bounce.BounceMailbox;
import dev.resilientmail.bounce.BounceReport;

/**
 * Published for each message read from the bounce mailbox
 * ({@code resilient-mail.bounces.imap.*}): a bounce, a delay notice, an auto-reply, a
 * feedback report or a message that is none of these; see {@link BounceReport#type()}.
 * The message is first matched to the sends by the {@link BounceCorrelator} bean: the
 * outcomes it reports for the first time are in {@link #getLateOutcomes()}, and every
 * {@link DeliveryListener} bean has received them in {@code onLateOutcome} before the
 * event is published. Listeners run on the mailbox's thread before the message is moved
 * to the processed folder; a listener that throws sends the message to the failed folder
 * instead.
 *
 * @since 0.2.0
 */
public final class BounceEvent extends ApplicationEvent {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient BounceReport report;

	private final transient List<LateOutcome> lateOutcomes;

	/**
	 * Creates the event.
	 * @param mailbox the mailbox the message was read from
	 * @param report what the message says
	 * @param lateOutcomes what the correlator matched the report to (may be empty)
	 */
	public BounceEvent(BounceMailbox mailbox, BounceReport report, List<LateOutcome> lateOutcomes) {
		super(mailbox);
		this.report = report;
		this.lateOutcomes = List.copyOf(lateOutcomes);
	}

	/**
	 * Returns what the message says: its type and one recipient entry, with its
	 * classification, per recipient it reports.
	 * @return the report
	 */
	public BounceReport getReport() {
		return this.report;
	}

	/**
	 * Returns the outcomes this message was matched to, one per message, recipient and
	 * outcome (failed or delayed) not reported before: empty when it matched no
	 * remembered send (an older one, one sent by another application), reports no failure
	 * or delay (an auto-reply), or repeats a bounce already read.
	 * @return the late outcomes, immutable
	 */
	public List<LateOutcome> getLateOutcomes() {
		return this.lateOutcomes;
	}

}

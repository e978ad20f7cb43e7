package dev.resilientmail.classify;

import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/**
 * What the reading of one reply found: the best strong and weak phrase, the hints.
 */
final class ReplyScan extends PhraseAutomaton.Reader {

	private final DefaultReplyClassifier classifier;

	private final SmtpReply reply;

	/**
	 * The phase the rules go by: the caller's, or, when the caller gave none, the one a
	 * relay's wrapper names ({@code after RCPT TO},
	 * {@code in reply to MAIL FROM command}).
	 */
	SmtpCommand phase;

	/**
	 * The enhanced code the decision goes by: the server's, or that of the reply its text
	 * quotes.
	 */
	EnhancedStatusCode given;

	int best = -1;

	int weak = -1;

	/**
	 * The best strong phrase of a rule that beats decisive codes: one written for an
	 * enhanced code family, or marked decisive.
	 */
	int scoped = -1;

	int later = -1;

	/**
	 * The best strong phrase of a reason that opposes a dead mailbox or domain (a relay
	 * denial, a blocked sender, a full mailbox, a rate or connection limit, greylisting).
	 */
	int opposing = -1;

	/** Where the last wrapper phrase ended, or -1. */
	private int wrapperEnd = -1;

	boolean delay;

	ReplyScan(DefaultReplyClassifier classifier, SmtpReply reply, SmtpCommand phase, EnhancedStatusCode given) {
		super(classifier.automaton);
		this.classifier = classifier;
		this.reply = reply;
		this.phase = phase;
		this.given = given;
	}

	@Override
	void hit(int phrase) {
		int owner = this.classifier.phraseRule[phrase];
		if (owner < 0) {
			if (owner == BuiltInPhrases.LATER) {
				if (this.later < 0) {
					this.later = phrase;
				}
			}
			else if (owner == BuiltInPhrases.DELAY) {
				this.delay = true;
			}
			else if (this.phase == SmtpCommand.ANY) {
				this.phase = BuiltInPhrases.wrapperPhase(owner);
			}
			return;
		}
		Rule rule = this.classifier.textRules[owner];
		int score = this.classifier.phraseScore[phrase];
		if (this.classifier.phraseAfterHost[phrase] && !startsAfterHost(this.classifier.phraseLength[phrase])) {
			return;
		}
		boolean scopedRule = !rule.weak && (rule.decisive || !rule.enhanced.isEmpty());
		if (score <= score(rule.weak ? this.weak : this.best) && (!scopedRule || score <= score(this.scoped))
				&& (rule.weak || !opposes(rule.reason) || score <= score(this.opposing))) {
			return;
		}
		if (!rule.applies(this.reply.code(), this.phase, this.given)
				|| (rule.regex != null && !rule.regex.matcher(this.reply.text()).find())) {
			return;
		}
		if (rule.wrapper) {
			// the longest phrase ending here comes first: shorter weak words inside the
			// wrapper ("rejected" in "Recipient address rejected") are no evidence
			this.wrapperEnd = position();
			return;
		}
		if (rule.weak) {
			if (position() != this.wrapperEnd) {
				this.weak = phrase;
			}
			return;
		}
		if (opposes(rule.reason) && score > score(this.opposing)) {
			this.opposing = phrase;
		}
		if (scopedRule && score > score(this.scoped)) {
			this.scoped = phrase;
		}
		if (score > score(this.best)) {
			this.best = phrase;
		}
	}

	/**
	 * From here on the text quotes another server's reply: what the wrapper said so far
	 * is weak beside it, and the quoted reply's enhanced code decides.
	 */
	@Override
	public void quotedReply(EnhancedStatusCode code) {
		if (this.best >= 0 && score(this.best) > score(this.weak)) {
			this.weak = this.best;
		}
		this.best = -1;
		this.scoped = -1;
		this.opposing = -1;
		if (code != null) {
			this.given = code;
		}
	}

	/**
	 * Whether the opposing phrase stands apart from the best one: words inside a longer
	 * phrase ("sender address" in "domain of sender address does not exist") oppose
	 * nothing.
	 */
	boolean opposingStandsApart() {
		return this.opposing >= 0 && !contains(this.classifier.automatonPhrase(this.best),
				this.classifier.automatonPhrase(this.opposing));
	}

	/**
	 * Whether {@code inner} occurs in {@code outer}, the words of one phrase inside the
	 * other's (checked only when both were found: no positions kept per reply).
	 */
	private static boolean contains(int[] outer, int[] inner) {
		for (int start = 0; start + inner.length <= outer.length; start++) {
			int i = 0;
			while (i < inner.length && outer[start + i] == inner[i]) {
				i++;
			}
			if (i == inner.length) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a reason, when its words are in the reply too, says the mailbox or domain
	 * is alive: the reply then is about something that waiting or the sender can change.
	 */
	static boolean opposes(FailureReason reason) {
		switch (reason) {
			case RELAY_DENIED:
			case SENDER_BLOCKED:
			case MAILBOX_FULL:
			case RATE_LIMITED:
			case CONNECTION_LIMIT:
			case GREYLISTED:
				return true;
			default:
				return false;
		}
	}

	/** The score of a phrase found so far, -1 for none. */
	private int score(int phrase) {
		return (phrase < 0) ? -1 : this.classifier.phraseScore[phrase];
	}

}

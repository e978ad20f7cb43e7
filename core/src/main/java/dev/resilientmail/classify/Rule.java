package dev.resilientmail.classify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;

/**
 * One rule of the rule file ({@code default-rules.txt}): conditions on the codes and the
 * phase, phrases or signals in the normalised text, and what a match concludes. Built by
 * {@link RuleFile}; immutable.
 */
final class Rule {

	/** Whether a rule's failures are about the sending party. */
	enum Policy {

		/** As the reason usually is (see {@link #isPolicyReason}). */
		BY_REASON,

		/** Always policy. */
		YES,

		/** Never policy. */
		NO,

		/**
		 * Policy only when the given enhanced code is one that large providers tie to the
		 * sender's reputation: X.7.28 (Gmail) and 4.7.500 to 4.7.699 (Microsoft).
		 */
		BY_CODE;

		boolean decide(FailureReason reason, EnhancedStatusCode given) {
			switch (this) {
				case YES:
					return true;
				case NO:
					return false;
				case BY_CODE:
					return given != null && given.subject() == 7 && (given.detail() == 28
							|| (given.codeClass() == 4 && given.detail() >= 500 && given.detail() <= 699));
				default:
					return isPolicyReason(reason);
			}
		}

		static boolean isPolicyReason(FailureReason reason) {
			switch (reason) {
				case SENDER_BLOCKED:
				case SENDER_AUTHENTICATION:
				case AUTHENTICATION_REQUIRED:
				case RELAY_DENIED:
				case CONTENT_REJECTED:
					return true;
				default:
					return false;
			}
		}

	}

	/**
	 * An enhanced code pattern: class, subject and a range of details, -1 for any.
	 *
	 * @param codeClass 4, 5 or -1
	 * @param subject the subject or -1
	 * @param fromDetail the lowest detail or -1 for any
	 * @param toDetail the highest detail or -1 for any
	 */
	record CodePattern(int codeClass, int subject, int fromDetail, int toDetail) {

		boolean matches(EnhancedStatusCode code) {
			return (this.codeClass < 0 || this.codeClass == code.codeClass())
					&& (this.subject < 0 || this.subject == code.subject())
					&& (this.fromDetail < 0 || (code.detail() >= this.fromDetail && code.detail() <= this.toDetail));
		}

		/** 3 for one detail, 2 for a range of details, 1 for a subject, 0 for any. */
		int specificity() {
			if (this.fromDetail >= 0) {
				return (this.fromDetail == this.toDetail) ? 3 : 2;
			}
			return (this.subject >= 0) ? 1 : 0;
		}

		@Override
		public String toString() {
			String detail = (this.fromDetail < 0) ? "*"
					: (this.fromDetail == this.toDetail) ? String.valueOf(this.fromDetail)
							: new StringBuilder().append(this.fromDetail).append('-').append(this.toDetail).toString();
			// a StringBuilder, not '+': each '+' site links an invokedynamic bootstrap
			// the
			// first time it runs, which is most of a cold rule-file load
			return new StringBuilder().append((this.codeClass < 0) ? "*" : String.valueOf(this.codeClass))
				.append('.')
				.append((this.subject < 0) ? "*" : String.valueOf(this.subject))
				.append('.')
				.append(detail)
				.toString();
		}

	}

	final String id;

	final int line;

	final FailureReason reason;

	final Policy policy;

	/** {@code TRUE}: transient whatever the basic code; {@code FALSE}: permanent. */
	final Boolean transientFailure;

	final Duration retryAfter;

	/** Bit per {@link SmtpCommand} ordinal; 0 for every phase. */
	final int phases;

	/** Exact basic codes; empty for any. */
	final int[] codes;

	/** Bit 4 and/or bit 5 for whole classes of basic codes; 0 when not restricted. */
	final int codeClasses;

	final List<CodePattern> enhanced;

	/** {@link #enhanced} as an array: {@link #applies} runs for every reply. */
	private final CodePattern[] patterns;

	/** Subject and detail of the code inferred when the server gave none; -1 for none. */
	final int inferSubject;

	final int inferDetail;

	/** Only used when no strong text rule matched. */
	final boolean weak;

	/**
	 * Wrapper words of a relay or an MTA around the real reason ("Recipient address
	 * rejected:", "could not be delivered"): no evidence at all, and the weak words
	 * inside them neither. A wrapper is also weak.
	 */
	final boolean wrapper;

	/** A code rule of step 2: an enhanced detail that says everything by itself. */
	final boolean decisive;

	final Pattern regex;

	final List<String> phrases;

	final List<String> signals;

	/** Each phrase as symbols of {@link ReplyText}, in the order of {@link #phrases}. */
	final List<int[]> phraseSymbols;

	/** Each signal as symbols of {@link ReplyText}, in the order of {@link #signals}. */
	final List<int[]> signalSymbols;

	/**
	 * Whether each phrase counts only right after a host name ({@code <host> does not
	 * exist}), in the order of {@link #phrases}.
	 */
	final List<Boolean> phraseAfterHost;

	final String source;

	/** What a code rule tells when it decides (text rules tell their phrase). */
	final List<String> evidence;

	Rule(Builder builder) {
		this.id = builder.id;
		this.line = builder.line;
		this.reason = builder.reason;
		this.policy = builder.policy;
		this.transientFailure = builder.transientFailure;
		this.retryAfter = builder.retryAfter;
		this.phases = builder.phases;
		this.codes = builder.codes;
		this.codeClasses = builder.codeClasses;
		this.enhanced = List.copyOf(builder.enhanced);
		this.patterns = this.enhanced.toArray(new CodePattern[0]);
		this.inferSubject = builder.inferSubject;
		this.inferDetail = builder.inferDetail;
		this.weak = builder.weak || builder.wrapper;
		this.wrapper = builder.wrapper;
		this.decisive = builder.decisive;
		this.regex = builder.regex;
		this.phrases = List.copyOf(builder.phrases);
		this.signals = List.copyOf(builder.signals);
		this.phraseSymbols = List.copyOf(builder.phraseSymbols);
		this.signalSymbols = List.copyOf(builder.signalSymbols);
		this.phraseAfterHost = List.copyOf(builder.phraseAfterHost);
		this.source = builder.source;
		this.evidence = List.of(this.id.concat(": ").concat(describeCodes()));
	}

	private String describeCodes() {
		StringBuilder out = new StringBuilder();
		if (!this.enhanced.isEmpty()) {
			out.append("enhanced code ");
			for (int i = 0; i < this.enhanced.size(); i++) {
				out.append((i > 0) ? " or " : "").append(this.enhanced.get(i));
			}
		}
		if (this.codes.length > 0 || this.codeClasses != 0) {
			out.append((out.length() > 0) ? ", " : "").append("basic code");
			for (int code : this.codes) {
				out.append(' ').append(code);
			}
			for (int codeClass = 4; codeClass <= 5; codeClass++) {
				if ((this.codeClasses & (1 << codeClass)) != 0) {
					out.append(' ').append(codeClass).append("xx");
				}
			}
		}
		if (this.phases != 0) {
			out.append(" at");
			for (SmtpCommand phase : SmtpCommand.values()) {
				if ((this.phases & (1 << phase.ordinal())) != 0) {
					out.append(' ').append(phase);
				}
			}
		}
		return out.toString();
	}

	boolean isTextRule() {
		return !this.phrases.isEmpty() || !this.signals.isEmpty();
	}

	/**
	 * Whether the code and phase conditions hold (phrases, signals and the regular
	 * expression are checked by the caller).
	 */
	boolean applies(int code, SmtpCommand phase, EnhancedStatusCode given) {
		if (this.phases != 0 && (this.phases & (1 << phase.ordinal())) == 0) {
			return false;
		}
		if (this.codes.length > 0 || this.codeClasses != 0) {
			boolean codeMatches = (this.codeClasses & (1 << (code / 100))) != 0;
			for (int i = 0; !codeMatches && i < this.codes.length; i++) {
				codeMatches = this.codes[i] == code;
			}
			if (!codeMatches) {
				return false;
			}
		}
		if (this.patterns.length > 0) {
			if (given == null) {
				return false;
			}
			for (CodePattern pattern : this.patterns) {
				if (pattern.matches(given)) {
					return true;
				}
			}
			return false;
		}
		return true;
	}

	/** How specific the rule's code and phase conditions are, for ordering code rules. */
	int codeSpecificity() {
		int best = 0;
		for (CodePattern pattern : this.enhanced) {
			best = Math.max(best, pattern.specificity());
		}
		int basic = (this.codes.length > 0) ? 2 : ((this.codeClasses != 0) ? 1 : 0);
		return best * 8 + basic * 2 + ((this.phases != 0) ? 1 : 0);
	}

	/** What a text match adds to its phrase's length: conditions narrow a rule. */
	int conditionBonus() {
		return ((this.phases != 0) ? 6 : 0) + (this.enhanced.isEmpty() ? 0 : 8) + ((this.codes.length > 0) ? 4 : 0);
	}

	@Override
	public String toString() {
		return this.id;
	}

	static final class Builder {

		String id;

		int line;

		FailureReason reason;

		Policy policy = Policy.BY_REASON;

		Boolean transientFailure;

		Duration retryAfter;

		int phases;

		int[] codes = new int[0];

		int codeClasses;

		final ArrayList<CodePattern> enhanced = new ArrayList<>();

		int inferSubject = -1;

		int inferDetail = -1;

		boolean weak;

		boolean wrapper;

		boolean decisive;

		Pattern regex;

		final ArrayList<String> phrases = new ArrayList<>();

		final ArrayList<String> signals = new ArrayList<>();

		final ArrayList<int[]> phraseSymbols = new ArrayList<>();

		final ArrayList<int[]> signalSymbols = new ArrayList<>();

		final ArrayList<Boolean> phraseAfterHost = new ArrayList<>();

		String source;

	}

}

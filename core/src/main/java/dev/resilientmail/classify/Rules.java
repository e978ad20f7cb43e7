package dev.resilientmail.classify;

import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;

/** The shapes of the default rule tables and the small vocabulary that writes them. */
final class Rules {

	private Rules() {
	}

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

	/** What a matching rule concludes. */
	abstract static class Outcome<T extends Outcome<T>> {

		final FailureReason reason;

		Policy policy = Policy.BY_REASON;

		Boolean retry;

		int failureClass;

		SmtpCommand command;

		Outcome(FailureReason reason) {
			this.reason = reason;
		}

		abstract T self();

		T policy(Policy policy) {
			this.policy = policy;
			return self();
		}

		/** Retry advice that holds even for 5xx (quotas that reset). */
		T retry(boolean retry) {
			this.retry = retry;
			return self();
		}

		/** Only for 4xx (4) or 5xx (5) replies. */
		T failureClass(int failureClass) {
			this.failureClass = failureClass;
			return self();
		}

		/** Only for replies to this command. */
		T command(SmtpCommand command) {
			this.command = command;
			return self();
		}

		boolean applies(int codeClass, SmtpCommand replyCommand) {
			return (this.failureClass == 0 || this.failureClass == codeClass)
					&& (this.command == null || this.command == replyCommand);
		}

	}

	/** A rule on the words of the reply. */
	static final class TextRule extends Outcome<TextRule> {

		final String name;

		int inferSubject;

		int inferDetail;

		String[] keywords = new String[0];

		boolean weak;

		TextRule(String name, FailureReason reason) {
			super(reason);
			this.name = name;
		}

		@Override
		TextRule self() {
			return this;
		}

		TextRule infer(int subject, int detail) {
			this.inferSubject = subject;
			this.inferDetail = detail;
			return this;
		}

		/**
		 * A rule on words so common that a given enhanced code with a definite subject
		 * other than 7 (security or policy) knows better.
		 */
		TextRule weak() {
			this.weak = true;
			return this;
		}

		boolean yieldsTo(EnhancedStatusCode given) {
			return this.weak && given != null && given.subject() != 0 && given.subject() != 7;
		}

		TextRule keywords(String... keywords) {
			this.keywords = keywords;
			return this;
		}

	}

	/** A rule on the enhanced code the server gave: one subject, a range of details. */
	static final class EnhancedCodeRule extends Outcome<EnhancedCodeRule> {

		final int subject;

		final int fromDetail;

		final int toDetail;

		EnhancedCodeRule(int subject, int fromDetail, int toDetail, FailureReason reason) {
			super(reason);
			this.subject = subject;
			this.fromDetail = fromDetail;
			this.toDetail = toDetail;
		}

		@Override
		EnhancedCodeRule self() {
			return this;
		}

		boolean matches(EnhancedStatusCode code, int codeClass, SmtpCommand replyCommand) {
			return code.subject() == this.subject && code.detail() >= this.fromDetail && code.detail() <= this.toDetail
					&& applies(codeClass, replyCommand);
		}

	}

	/** A rule on the basic reply code (0 for any code of {@code failureClass}). */
	static final class BasicCodeRule extends Outcome<BasicCodeRule> {

		final int code;

		final int inferSubject;

		final int inferDetail;

		BasicCodeRule(int code, FailureReason reason, int inferSubject, int inferDetail) {
			super(reason);
			this.code = code;
			this.inferSubject = inferSubject;
			this.inferDetail = inferDetail;
		}

		@Override
		BasicCodeRule self() {
			return this;
		}

		boolean matches(int replyCode, SmtpCommand replyCommand) {
			return (this.code == 0 || this.code == replyCode) && applies(replyCode / 100, replyCommand);
		}

	}

	static TextRule text(String name, FailureReason reason) {
		return new TextRule(name, reason);
	}

	static EnhancedCodeRule enhanced(int subject, int detail, FailureReason reason) {
		return new EnhancedCodeRule(subject, detail, detail, reason);
	}

	static EnhancedCodeRule enhancedRange(int subject, int fromDetail, int toDetail, FailureReason reason) {
		return new EnhancedCodeRule(subject, fromDetail, toDetail, reason);
	}

	static BasicCodeRule basic(int code, FailureReason reason, int inferSubject, int inferDetail) {
		return new BasicCodeRule(code, reason, inferSubject, inferDetail);
	}

	static BasicCodeRule basicClass(int failureClass, FailureReason reason, int inferSubject, int inferDetail) {
		return new BasicCodeRule(0, reason, inferSubject, inferDetail).failureClass(failureClass);
	}

}

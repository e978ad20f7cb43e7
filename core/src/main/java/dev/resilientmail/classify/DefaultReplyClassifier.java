package dev.resilientmail.classify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/**
 * The classifier of the classification guide: the decision order in code, the knowledge
 * in the rule file ({@link RuleFile#DEFAULT}). In order, the first step that answers
 * decides:
 * <ol>
 * <li>a decisive enhanced code (X.7.26 DMARC, X.5.3 too many recipients, ...), unless a
 * text rule written for that very code family matched;</li>
 * <li>the most specific strong text rule: the longest phrase, plus the weight of the
 * rule's own conditions (phase, enhanced code, basic code) and of provider signals;</li>
 * <li>a weak text rule (wrapper words like "access denied"), unless the server gave an
 * enhanced code with a definite subject other than 7;</li>
 * <li>the enhanced code's registry meaning, most specific pattern first;</li>
 * <li>the basic code at that phase;</li>
 * <li>{@link FailureReason#UNKNOWN}.</li>
 * </ol>
 */
final class DefaultReplyClassifier implements ReplyClassifier {

	private static final EnhancedStatusCode SUCCESS_CODE = new EnhancedStatusCode(2, 0, 0);

	private static final int PHASES = SmtpCommand.values().length;

	/** Marks a code and phase no basic rule covers, in {@link #basicByCodeAndPhase}. */
	private static final Rule NO_BASIC_RULE = new Rule(noBasicRule());

	/** What a provider's own token weighs against a phrase's length. */
	private static final int SIGNAL_BONUS = 12;

	/** What a host name before a phrase weighs, like a word of it. */
	private static final int HOST_BONUS = 5;

	private static final String SENDER_PHASE = "sender-phase: an unknown mailbox in reply to MAIL is the sender's";

	private static final List<String> NO_RULE = List.of("first-digit: no rule matched; the basic code's first digit");

	static final DefaultReplyClassifier INSTANCE = new DefaultReplyClassifier(RuleFile.loadDefault());

	final Rule[] textRules;

	private final Rule[] decisive;

	private final Rule[] registry;

	private final Rule[] basic;

	/**
	 * The first basic-code rule for each failure code and phase, by
	 * {@code (code - 400) * phases + phase}, filled as codes are seen: it depends on
	 * nothing else, and asking the list for every reply would cost more than reading the
	 * text.
	 */
	private final Rule[] basicByCodeAndPhase;

	final PhraseAutomaton automaton;

	/**
	 * Text rule index of each phrase, or {@link BuiltInPhrases#LATER} /
	 * {@link BuiltInPhrases#DELAY}.
	 */
	final int[] phraseRule;

	final int[] phraseScore;

	/** Symbols of each phrase, for {@link #phraseAfterHost}. */
	final int[] phraseLength;

	/** Each phrase's symbols, by phrase index. */
	private final int[][] phraseSymbols;

	/** Whether a phrase counts only right after a host name. */
	final boolean[] phraseAfterHost;

	/**
	 * What each phrase tells when it decides, built the first time it does: building all
	 * 1,600 at start-up was a noticeable part of the first classification.
	 */
	private final AtomicReferenceArray<List<String>> phraseEvidence;

	/** Rule id, kind of match and text of each phrase, for {@link #evidenceOf}. */
	private final String[][] phraseWords;

	private final List<Rule> all;

	private final int phraseCount;

	DefaultReplyClassifier(List<Rule> rules) {
		this.all = List.copyOf(rules);
		List<Rule> text = new ArrayList<>();
		List<Rule> decisiveRules = new ArrayList<>();
		List<Rule> registryRules = new ArrayList<>();
		List<Rule> basicRules = new ArrayList<>();
		for (Rule rule : rules) {
			if (rule.isTextRule()) {
				text.add(rule);
			}
			else if (rule.decisive) {
				decisiveRules.add(rule);
			}
			else if (!rule.enhanced.isEmpty()) {
				registryRules.add(rule);
			}
			else {
				basicRules.add(rule);
			}
		}
		this.textRules = text.toArray(new Rule[0]);
		this.decisive = bySpecificity(decisiveRules);
		this.registry = bySpecificity(registryRules);
		this.basic = bySpecificity(basicRules);
		this.basicByCodeAndPhase = new Rule[200 * PHASES];
		int total = BuiltInPhrases.SYMBOLS.length;
		for (Rule rule : this.textRules) {
			total += rule.phrases.size() + rule.signals.size();
		}
		// arrays, not lists of boxed numbers: this runs once, cold, before the first
		// classification
		List<int[]> symbols = new ArrayList<>(total);
		this.phraseRule = new int[total];
		this.phraseScore = new int[total];
		this.phraseLength = new int[total];
		this.phraseAfterHost = new boolean[total];
		List<String[]> evidence = new ArrayList<>(total);
		for (int r = 0; r < this.textRules.length; r++) {
			Rule rule = this.textRules[r];
			for (int i = 0; i < rule.phrases.size(); i++) {
				int[] phraseSymbols = rule.phraseSymbols.get(i);
				boolean hostFirst = rule.phraseAfterHost.get(i);
				add(symbols, phraseSymbols, r,
						phraseSymbols.length + rule.conditionBonus() + (hostFirst ? HOST_BONUS : 0));
				this.phraseAfterHost[symbols.size() - 1] = hostFirst;
				evidence.add(new String[] { rule.id, ": phrase '", rule.phrases.get(i) });
			}
			for (int i = 0; i < rule.signals.size(); i++) {
				int[] signalSymbols = rule.signalSymbols.get(i);
				add(symbols, signalSymbols, r, signalSymbols.length + SIGNAL_BONUS + rule.conditionBonus());
				evidence.add(new String[] { rule.id, ": signal '", rule.signals.get(i) });
			}
		}
		this.phraseCount = symbols.size();
		for (int i = 0; i < BuiltInPhrases.SYMBOLS.length; i++) {
			add(symbols, BuiltInPhrases.SYMBOLS[i], BuiltInPhrases.OWNERS[i], 0);
			evidence.add(BuiltInPhrases.EVIDENCE[i]);
		}
		this.automaton = new PhraseAutomaton(symbols);
		this.phraseSymbols = symbols.toArray(new int[0][]);
		this.phraseWords = evidence.toArray(new String[0][]);
		this.phraseEvidence = new AtomicReferenceArray<>(this.phraseWords.length);
	}

	/** The symbols of a phrase of the automaton. */
	int[] automatonPhrase(int phrase) {
		return this.phraseSymbols[phrase];
	}

	/** The evidence of a phrase that decided. */
	private List<String> evidenceOf(int phrase) {
		List<String> evidence = this.phraseEvidence.get(phrase);
		if (evidence == null) {
			String[] words = this.phraseWords[phrase];
			evidence = List.of(evidence(words[0], words[1], words[2]));
			this.phraseEvidence.set(phrase, evidence);
		}
		return evidence;
	}

	/**
	 * One evidence line, {@code id: what 'text'}. Built by {@code concat}, not '+': each
	 * '+' site links an invokedynamic bootstrap the first time it runs, which made most
	 * of a cold start.
	 */
	private static String evidence(String id, String what, String text) {
		return id.concat(what).concat(text).concat("'");
	}

	private void add(List<int[]> symbols, int[] phrase, int owner, int score) {
		int index = symbols.size();
		symbols.add(phrase);
		this.phraseRule[index] = owner;
		this.phraseScore[index] = score;
		this.phraseLength[index] = phrase.length;
	}

	/**
	 * The rules, most specific first; among equally specific ones the file order stays
	 * (an insertion sort: a few dozen rules, and no lambda to link at start-up).
	 */
	private static Rule[] bySpecificity(List<Rule> rules) {
		Rule[] sorted = rules.toArray(new Rule[0]);
		for (int i = 1; i < sorted.length; i++) {
			Rule rule = sorted[i];
			int j = i - 1;
			while (j >= 0 && sorted[j].codeSpecificity() < rule.codeSpecificity()) {
				sorted[j + 1] = sorted[j];
				j--;
			}
			sorted[j + 1] = rule;
		}
		return sorted;
	}

	private static Rule.Builder noBasicRule() {
		Rule.Builder builder = new Rule.Builder();
		builder.id = "none";
		builder.reason = FailureReason.UNKNOWN;
		return builder;
	}

	/** The rules, in file order. */
	List<Rule> rules() {
		return this.all;
	}

	/** The number of distinct phrases and signals of the text rules. */
	int phrases() {
		return this.phraseCount;
	}

	@Override
	public Classification classify(SmtpReply reply, SmtpCommand command) {
		if (reply == null) {
			throw new IllegalArgumentException("reply to classify must not be null");
		}
		SmtpCommand phase = (command != null) ? command : SmtpCommand.ANY;
		EnhancedStatusCode given = reply.enhancedCode().orElse(null);
		if (!reply.isFailure()) {
			return new Classification(FailureKind.SUCCESS, null, (given != null) ? given : SUCCESS_CODE, given == null,
					false, Optional.empty());
		}
		int code = reply.code();
		int codeClass = reply.codeClass();
		ReplyScan scan = new ReplyScan(this, reply, phase, given);
		scan.read(reply.lines());
		// the enhanced code of the reply a relay's wrapper quotes, when there is one
		EnhancedStatusCode deciding = scan.given;
		phase = scan.phase;
		Rule outcome = null;
		List<String> evidence = null;
		int bestPhrase = scan.best;
		if (bestPhrase >= 0 && isSuppressing(this.textRules[this.phraseRule[bestPhrase]].reason)
				&& scan.opposingStandsApart()) {
			// a dead mailbox must be unopposed: "mailbox unavailable, sender blocked" is
			// about the sender (as sisimai's UserUnknown yields to its other reasons)
			bestPhrase = scan.opposing;
		}
		Rule strong = (bestPhrase >= 0) ? this.textRules[this.phraseRule[bestPhrase]] : null;
		if (deciding != null) {
			Rule decisiveRule = first(this.decisive, code, phase, deciding);
			if (decisiveRule != null && scan.scoped >= 0) {
				// a text rule written for this very code family knows better
				outcome = this.textRules[this.phraseRule[scan.scoped]];
				evidence = evidenceOf(scan.scoped);
			}
			else if (decisiveRule != null) {
				outcome = decisiveRule;
				evidence = decisiveRule.evidence;
			}
		}
		if (outcome == null && strong != null) {
			outcome = strong;
			evidence = evidenceOf(bestPhrase);
		}
		if (outcome == null && scan.weak >= 0 && weakWordsDecide(code, phase, deciding)) {
			outcome = this.textRules[this.phraseRule[scan.weak]];
			evidence = evidenceOf(scan.weak);
		}
		if (outcome == null && deciding != null) {
			outcome = first(this.registry, code, phase, deciding);
			evidence = (outcome != null) ? outcome.evidence : null;
		}
		Rule basicRule = basicRule(code, phase);
		if (outcome == null) {
			outcome = basicRule;
			evidence = (outcome != null) ? outcome.evidence : NO_RULE;
		}
		FailureReason reason = (outcome != null) ? outcome.reason : FailureReason.UNKNOWN;
		if (reason == FailureReason.MAILBOX_UNKNOWN && isAboutTheSender(phase)) {
			// before RCPT the only mailbox in play is the sender's: "User unknown" in
			// reply
			// to MAIL refuses the sender and says nothing about any recipient
			reason = FailureReason.SENDER_BLOCKED;
			evidence = List.of(evidence.get(0), SENDER_PHASE);
		}
		boolean transientFailure = codeClass == 4;
		if (outcome != null && outcome.transientFailure != null) {
			transientFailure = outcome.transientFailure;
		}
		else if (reason == FailureReason.TOO_MANY_RECIPIENTS && code == 552 && phase == SmtpCommand.RCPT) {
			// RFC 5321 4.5.3.1.10: a 552 to RCPT for too many recipients is a temporary
			// condition
			transientFailure = true;
		}
		else if (!transientFailure && scan.later >= 0 && waitingCanHelp(reason)) {
			// a 5xx whose sender says waiting helps: a limit or a state that resets
			transientFailure = true;
			evidence = List.of(evidence.get(0), evidenceOf(scan.later).get(0));
		}
		boolean policy = (outcome != null) && outcome.policy.decide(reason, deciding);
		Optional<Duration> retryAfter = scan.delay ? RetryHints.parse(reply.text()) : Optional.empty();
		if (retryAfter.isEmpty() && outcome != null && outcome.retryAfter != null) {
			retryAfter = Optional.of(outcome.retryAfter);
		}
		EnhancedStatusCode enhanced = given;
		if (enhanced == null) {
			Rule inferring = (outcome != null && outcome.inferSubject >= 0) ? outcome : basicRule;
			enhanced = (inferring != null && inferring.inferSubject >= 0)
					? new EnhancedStatusCode(codeClass, inferring.inferSubject, inferring.inferDetail)
					: new EnhancedStatusCode(codeClass, 0, 0);
		}
		FailureKind kind = FailureKind.of(transientFailure, policy);
		return new Classification(kind, reason, enhanced, given == null, kind.isRetryable(), retryAfter, evidence);
	}

	/**
	 * Whether weak words beat the enhanced code: they beat a code whose registry meaning
	 * is none, X.0.0 or only the broad X.7 subject, never a definite subject (X.2.x) or a
	 * registered X.7 detail (X.7.3 not authorized to authenticate).
	 */
	private boolean weakWordsDecide(int code, SmtpCommand phase, EnhancedStatusCode deciding) {
		if (deciding == null || deciding.subject() == 0) {
			return true;
		}
		Rule registered = first(this.registry, code, phase, deciding);
		return registered == null || (deciding.subject() == 7 && registered.codeSpecificity() < 16);
	}

	/**
	 * In reply to MAIL the only mailbox in play is the sender's. (Greeting and HELO
	 * phases are left alone: bounces often name them for replies that were about a
	 * recipient.)
	 */
	private static boolean isAboutTheSender(SmtpCommand phase) {
		return phase == SmtpCommand.MAIL;
	}

	private static boolean isSuppressing(FailureReason reason) {
		return reason == FailureReason.MAILBOX_UNKNOWN || reason == FailureReason.DOMAIN_NOT_FOUND;
	}

	private static boolean waitingCanHelp(FailureReason reason) {
		switch (reason) {
			case RATE_LIMITED:
			case CONNECTION_LIMIT:
			case GREYLISTED:
			case SYSTEM_ERROR:
			case UNKNOWN:
				return true;
			default:
				return false;
		}
	}

	/**
	 * The basic rule for a code and phase, found once: a race only computes the same
	 * immutable answer twice.
	 */
	private Rule basicRule(int code, SmtpCommand phase) {
		int index = (code - 400) * PHASES + phase.ordinal();
		Rule rule = this.basicByCodeAndPhase[index];
		if (rule == null) {
			rule = first(this.basic, code, phase, null);
			this.basicByCodeAndPhase[index] = (rule != null) ? rule : NO_BASIC_RULE;
		}
		return (rule == NO_BASIC_RULE) ? null : rule;
	}

	private static Rule first(Rule[] rules, int code, SmtpCommand phase, EnhancedStatusCode given) {
		for (Rule rule : rules) {
			if (rule.applies(code, phase, given)) {
				return rule;
			}
		}
		return null;
	}

}

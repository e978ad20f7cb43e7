package dev.resilientmail.testkit;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One scripted behaviour of a {@link FaultSmtpServer}, made by
 * {@link FaultSmtpServer#when(Phase)}: optional matchers, then exactly one action.
 * <pre>{@code
 * server.when(Phase.RCPT).recipient("*@grey.example").attempt(1)
 *         .reply("450 4.7.1 Greylisted, try again later");
 * server.when(Phase.END_OF_DATA).reply("250 2.0.0 Ok: queued as ABC").thenDrop();
 * }</pre> Rules are checked in the order they were made; the first whose matchers all
 * match acts. A rule without an action yet never matches. Thread-safe.
 *
 * @since 0.1.0
 */
public final class Rule {

	private static final Set<Phase> RECIPIENT_PHASES = EnumSet.of(Phase.RCPT, Phase.DATA, Phase.BODY,
			Phase.END_OF_DATA);

	private final Phase phase;

	private Glob recipient;

	private int attempt;

	private int connection;

	private int times;

	private Action action;

	private Function<Call, Action> responder;

	private boolean dropAfter;

	private final Map<String, Integer> attempts = new HashMap<>();

	private int acted;

	Rule(Phase phase) {
		if (phase == null) {
			throw new IllegalArgumentException("when(...) needs a Phase, got null");
		}
		this.phase = phase;
	}

	/**
	 * Matches only these recipients. At {@link Phase#RCPT} the address of the command
	 * must match; at {@link Phase#DATA}, {@link Phase#BODY} and {@link Phase#END_OF_DATA}
	 * any accepted recipient of the transaction. Case-insensitive; {@code '*'} matches
	 * any characters, so {@code "*@grey.example"} matches a domain. With a pattern,
	 * attempts at {@link Phase#RCPT} are counted per recipient address, as greylisting
	 * does.
	 * @param pattern the address or pattern, without angle brackets
	 * @return this rule
	 * @throws IllegalArgumentException if the pattern is null or blank, or the phase has
	 * no recipients
	 */
	public synchronized Rule recipient(String pattern) {
		if (!RECIPIENT_PHASES.contains(this.phase)) {
			throw new IllegalArgumentException("recipient(...) applies to phases " + RECIPIENT_PHASES + ", not to "
					+ this.phase + ": there are no recipients yet");
		}
		if (pattern == null || pattern.isBlank()) {
			throw new IllegalArgumentException(
					"recipient(...) needs an address or a pattern like \"*@example.com\", got " + quoted(pattern));
		}
		this.recipient = new Glob(pattern);
		return this;
	}

	/**
	 * Acts only on the n-th time the rule's other matchers match (1-based).
	 * @param n the attempt, 1 or more
	 * @return this rule
	 * @throws IllegalArgumentException if n is less than 1
	 */
	public synchronized Rule attempt(int n) {
		this.attempt = positive("attempt", n);
		return this;
	}

	/**
	 * Acts only on the n-th connection the server accepted (1-based).
	 * @param n the connection, 1 or more
	 * @return this rule
	 * @throws IllegalArgumentException if n is less than 1
	 */
	public synchronized Rule connection(int n) {
		this.connection = positive("connection", n);
		return this;
	}

	/**
	 * Acts on the first k matches only; later ones fall through to the next rules.
	 * @param k how many times, 1 or more
	 * @return this rule
	 * @throws IllegalArgumentException if k is less than 1
	 */
	public synchronized Rule times(int k) {
		this.times = positive("times", k);
		return this;
	}

	/**
	 * Replies with these lines; see {@link Action#reply(String...)}.
	 * @param lines the reply lines
	 * @return this rule
	 */
	public Rule reply(String... lines) {
		return act(Action.reply(lines));
	}

	/**
	 * Closes the connection without replying; see {@link Action#drop()}.
	 * @return this rule
	 */
	public Rule drop() {
		return act(Action.drop());
	}

	/**
	 * Answers nothing until the server is closed; see {@link Action#stall()}.
	 * @return this rule
	 */
	public Rule stall() {
		return act(Action.stall());
	}

	/**
	 * Writes the start of a reply and closes; see {@link Action#dropMidReply(String)}.
	 * @param partial the characters written before closing
	 * @return this rule
	 */
	public Rule dropMidReply(String partial) {
		return act(Action.dropMidReply(partial));
	}

	/**
	 * Writes these bytes as the reply; see {@link Action#raw(byte[])}.
	 * @param bytes the bytes
	 * @return this rule
	 */
	public Rule raw(byte[] bytes) {
		return act(Action.raw(bytes));
	}

	/**
	 * Behaves like the default server when the rule matches (useful with
	 * {@link #thenDrop()}, or to let some matches through with {@link #times(int)}).
	 * @return this rule
	 */
	public Rule defaultReply() {
		return act(Action.defaultReply());
	}

	/**
	 * Performs this action when the rule matches.
	 * @param action the action
	 * @return this rule
	 * @throws IllegalArgumentException if the action is null
	 * @throws IllegalStateException if the rule already has an action
	 */
	public synchronized Rule act(Action action) {
		if (action == null) {
			throw new IllegalArgumentException("act(...) needs an Action, got null");
		}
		requireNoAction();
		this.action = action;
		return this;
	}

	/**
	 * Decides the action on each match. A responder that throws or returns {@code null}
	 * makes the server reply {@code 451 4.3.0} with the problem (and print it to standard
	 * error).
	 * @param responder the function from the call to the action; called on the
	 * connection's thread
	 * @return this rule
	 * @throws IllegalArgumentException if the responder is null
	 * @throws IllegalStateException if the rule already has an action
	 */
	public synchronized Rule respond(Function<Call, Action> responder) {
		if (responder == null) {
			throw new IllegalArgumentException("respond(...) needs a function, got null");
		}
		requireNoAction();
		this.responder = responder;
		return this;
	}

	/**
	 * After the action, closes the connection: a fault after the reply was written.
	 * @return this rule
	 */
	public synchronized Rule thenDrop() {
		this.dropAfter = true;
		return this;
	}

	/**
	 * How many times this rule has acted.
	 * @return the count
	 */
	public synchronized int actedCount() {
		return this.acted;
	}

	@Override
	public synchronized String toString() {
		StringBuilder text = new StringBuilder("when(").append(this.phase).append(')');
		if (this.recipient != null) {
			text.append(".recipient(\"").append(this.recipient).append("\")");
		}
		if (this.connection != 0) {
			text.append(".connection(").append(this.connection).append(')');
		}
		if (this.attempt != 0) {
			text.append(".attempt(").append(this.attempt).append(')');
		}
		if (this.times != 0) {
			text.append(".times(").append(this.times).append(')');
		}
		text.append(": ").append((this.responder != null) ? "respond" : String.valueOf(this.action));
		return this.dropAfter ? text.append(", then drop").toString() : text.toString();
	}

	/**
	 * The action when this rule acts on the call, or {@code null} when it does not match.
	 * The responder runs outside the rule's lock.
	 */
	Action actOn(Call call) {
		Function<Call, Action> responding;
		Action fixed;
		boolean thenDrop;
		int attemptNumber;
		synchronized (this) {
			if ((this.action == null && this.responder == null) || call.phase() != this.phase
					|| (this.connection != 0 && this.connection != call.connection())) {
				return null;
			}
			String attemptKey = "";
			if (this.recipient != null) {
				if (this.phase == Phase.RCPT) {
					if (call.recipient() == null || !this.recipient.matches(call.recipient())) {
						return null;
					}
					attemptKey = call.recipient().toLowerCase(Locale.ROOT);
				}
				else if (!anyMatches(call.acceptedRecipients())) {
					return null;
				}
			}
			attemptNumber = this.attempts.merge(attemptKey, 1, Integer::sum);
			if ((this.attempt != 0 && attemptNumber != this.attempt) || (this.times != 0 && this.acted >= this.times)) {
				return null;
			}
			this.acted++;
			responding = this.responder;
			fixed = this.action;
			thenDrop = this.dropAfter;
		}
		Action result = (responding != null) ? respondSafely(responding, call.withAttempt(attemptNumber)) : fixed;
		return thenDrop ? result.thenDrop() : result;
	}

	private static Action respondSafely(Function<Call, Action> responder, Call call) {
		try {
			Action result = responder.apply(call);
			if (result == null) {
				throw new IllegalStateException("responder returned null for " + call + "; return an Action");
			}
			return result;
		}
		catch (RuntimeException | Error ex) {
			System.err.println("FaultSmtpServer: responder failed on " + call);
			ex.printStackTrace();
			String reason = String.valueOf(ex).replace('\r', ' ').replace('\n', ' ');
			return Action.reply("451 4.3.0 testkit responder failed: " + reason);
		}
	}

	private boolean anyMatches(List<String> addresses) {
		for (String address : addresses) {
			if (this.recipient.matches(address)) {
				return true;
			}
		}
		return false;
	}

	private void requireNoAction() {
		if (this.action != null || this.responder != null) {
			throw new IllegalStateException(
					"this rule already has an action (" + this + "); make another rule with server.when(...)");
		}
	}

	private static int positive(String name, int n) {
		if (n < 1) {
			throw new IllegalArgumentException(name + "(...) counts from 1, got " + n);
		}
		return n;
	}

	private static String quoted(String text) {
		return (text != null) ? "\"" + text + "\"" : "null";
	}

}

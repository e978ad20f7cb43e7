package dev.resilientmail.benchmarks.harness;

import java.util.List;

import jakarta.mail.internet.MimeMessage;

/**
 * One way of sending the benchmark's messages. A round is {@link #beginRound()} (not
 * timed), one timed {@link #sendAll} (by default one {@link #send} per message, each
 * timed), then {@link #endRound()} (not timed).
 */
interface Contender {

	/** Short name used on the command line and in the results. */
	String name();

	/** What the contender does, for the results' legend. */
	String description();

	/** The sink this contender sends to. */
	Sink sink();

	/** Prepares a round, outside the timing (for example: opens the one connection). */
	default void beginRound() throws Exception {
	}

	/**
	 * Sends one message, inside the timing.
	 * @param message the message
	 * @param index its index in the run's message list
	 */
	void send(MimeMessage message, int index) throws Exception;

	/**
	 * Sends every message of a round, inside the timing; returns when the sink has
	 * acknowledged every one.
	 * @param messages the messages
	 * @param latencies filled with each message's time from hand-over to acknowledgement,
	 * in nanoseconds
	 */
	default void sendAll(List<MimeMessage> messages, long[] latencies) throws Exception {
		for (int i = 0; i < messages.size(); i++) {
			long start = System.nanoTime();
			send(messages.get(i), i);
			latencies[i] = System.nanoTime() - start;
		}
	}

	/** Ends a round, outside the timing (for example: closes the one connection). */
	default void endRound() throws Exception {
	}

	/** Releases what the contender holds (connections, threads). */
	default void close() throws Exception {
	}

}

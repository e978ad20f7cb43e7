package dev.resilientmail.example.springboot;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.springframework.stereotype.Component;

/**
 * Sends to try again later. A real application would persist them and let a scheduler
 * pick them up; the example keeps them in memory.
 */
@Component
public class Outbox {

	private final List<Entry> entries = new CopyOnWriteArrayList<>();

	/**
	 * Queues a message for the recipients that did not get it.
	 * @param message the message
	 * @param recipients the recipients still waiting
	 * @param retryAfter how long the server asked us to wait, if it said
	 */
	public void retryLater(MimeMessage message, List<InternetAddress> recipients, Optional<Duration> retryAfter) {
		this.entries.add(new Entry(message, List.copyOf(recipients), retryAfter));
	}

	/**
	 * Returns the queued entries.
	 * @return the entries
	 */
	public List<Entry> entries() {
		return List.copyOf(this.entries);
	}

	/**
	 * One queued send.
	 *
	 * @param message the message
	 * @param recipients the recipients still waiting
	 * @param retryAfter the wait the server asked for
	 */
	public record Entry(MimeMessage message, List<InternetAddress> recipients, Optional<Duration> retryAfter) {
	}

}

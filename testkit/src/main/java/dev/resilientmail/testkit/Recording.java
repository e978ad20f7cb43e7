package dev.resilientmail.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the server received, shared by its connections; snapshots are copies. */
final class Recording {

	private final Object lock = new Object();

	private final List<String> commands = new ArrayList<>();

	private final List<ReceivedMessage> messages = new ArrayList<>();

	private final List<ReceivedMessage> unacknowledged = new ArrayList<>();

	private final Map<String, Integer> copies = new HashMap<>();

	void command(String line) {
		synchronized (this.lock) {
			this.commands.add(line);
		}
	}

	void accepted(ReceivedMessage message) {
		synchronized (this.lock) {
			this.messages.add(message);
			for (String recipient : message.recipients()) {
				this.copies.merge(recipient.toLowerCase(Locale.ROOT), 1, Integer::sum);
			}
			this.lock.notifyAll();
		}
	}

	void unacknowledged(ReceivedMessage message) {
		synchronized (this.lock) {
			this.unacknowledged.add(message);
		}
	}

	List<String> commands() {
		synchronized (this.lock) {
			return List.copyOf(this.commands);
		}
	}

	List<ReceivedMessage> messages() {
		synchronized (this.lock) {
			return List.copyOf(this.messages);
		}
	}

	int messageCount() {
		synchronized (this.lock) {
			return this.messages.size();
		}
	}

	List<ReceivedMessage> unacknowledgedMessages() {
		synchronized (this.lock) {
			return List.copyOf(this.unacknowledged);
		}
	}

	int copiesFor(String address) {
		synchronized (this.lock) {
			return this.copies.getOrDefault(address.toLowerCase(Locale.ROOT), 0);
		}
	}

	List<ReceivedMessage> await(int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.lock) {
			while (this.messages.size() < count) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					throw new AssertionError("expected " + count + " message(s) within " + timeout + ", received "
							+ this.messages.size() + ": " + this.messages);
				}
				long millis = Math.max(1, remaining / 1_000_000);
				this.lock.wait(millis);
			}
			return List.copyOf(this.messages);
		}
	}

	void clear() {
		synchronized (this.lock) {
			this.commands.clear();
			this.messages.clear();
			this.unacknowledged.clear();
			this.copies.clear();
		}
	}

}

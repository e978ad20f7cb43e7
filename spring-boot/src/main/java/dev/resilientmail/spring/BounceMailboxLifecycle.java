package dev.resilientmail.spring;

import org.springframework.context.SmartLifecycle;

import dev.resilientmail.bounce.BounceMailbox;

/**
 * Starts reading the bounce mailbox once the application context is refreshed (so that
 * every {@link BounceEvent} listener exists) and closes it when the context stops.
 */
final class BounceMailboxLifecycle implements SmartLifecycle {

	private final BounceMailbox mailbox;

	private volatile boolean running;

	BounceMailboxLifecycle(BounceMailbox mailbox) {
		this.mailbox = mailbox;
	}

	@Override
	public synchronized void start() {
		if (!this.running) {
			this.mailbox.start();
			this.running = true;
		}
	}

	@Override
	public synchronized void stop() {
		if (this.running) {
			// a closed mailbox cannot start again: a restarted context builds a new one
			this.mailbox.close();
			this.running = false;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}

package dev.resilientmail.delivery;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.mail.MessagingException;

import dev.resilientmail.transport.CapturingSmtpTransport;

/**
 * Connected transports for one destination, reused so that single-message sends do not
 * pay connect, EHLO, STARTTLS and AUTH each time. Bounded by a semaphore; an idle
 * transport is checked with NOOP before reuse and closed when idle too long or used for
 * too many messages; a transport that saw 421 or an I/O error is never returned.
 */
final class TransportPool implements AutoCloseable {

	/** Opens a new connected transport. */
	@FunctionalInterface
	interface Connector {

		CapturingSmtpTransport connect() throws MessagingException;

	}

	private final Connector connector;

	private final Semaphore permits;

	private final int maxMessagesPerConnection;

	private final long idleTimeoutNanos;

	private final Deque<Idle> idle = new ArrayDeque<>();

	private boolean closed;

	private int opened;

	TransportPool(Connector connector, int maxConnections, int maxMessagesPerConnection, long idleTimeoutMillis) {
		this.connector = connector;
		this.permits = new Semaphore(maxConnections, true);
		this.maxMessagesPerConnection = maxMessagesPerConnection;
		this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
	}

	private record Idle(CapturingSmtpTransport transport, int messages, long since) {
	}

	/** A transport on loan, with the number of messages it has carried. */
	static final class Lease {

		final CapturingSmtpTransport transport;

		final int messages;

		Lease(CapturingSmtpTransport transport, int messages) {
			this.transport = transport;
			this.messages = messages;
		}

	}

	Lease acquire() throws MessagingException, InterruptedException {
		this.permits.acquire();
		try {
			while (true) {
				Idle candidate;
				synchronized (this) {
					if (this.closed) {
						throw new IllegalStateException("MailDelivery is closed");
					}
					candidate = this.idle.pollFirst();
				}
				if (candidate == null) {
					CapturingSmtpTransport transport = this.connector.connect();
					synchronized (this) {
						this.opened++;
					}
					return new Lease(transport, 0);
				}
				boolean fresh = System.nanoTime() - candidate.since() < this.idleTimeoutNanos;
				// isConnected() sends NOOP: a server that dropped us idle is found here,
				// not mid-send
				if (fresh && candidate.transport().isConnected()) {
					return new Lease(candidate.transport(), candidate.messages());
				}
				closeQuietly(candidate.transport());
			}
		}
		catch (MessagingException | RuntimeException ex) {
			this.permits.release();
			throw ex;
		}
	}

	void release(Lease lease, boolean reusable) {
		try {
			int messages = lease.messages + 1;
			boolean keep = reusable && messages < this.maxMessagesPerConnection;
			synchronized (this) {
				if (keep && !this.closed) {
					this.idle.addFirst(new Idle(lease.transport, messages, System.nanoTime()));
					return;
				}
			}
			closeQuietly(lease.transport);
		}
		finally {
			this.permits.release();
		}
	}

	synchronized int opened() {
		return this.opened;
	}

	@Override
	public void close() {
		Deque<Idle> toClose;
		synchronized (this) {
			this.closed = true;
			toClose = new ArrayDeque<>(this.idle);
			this.idle.clear();
		}
		for (Idle entry : toClose) {
			closeQuietly(entry.transport());
		}
	}

	static void closeQuietly(CapturingSmtpTransport transport) {
		try {
			transport.close();
		}
		catch (MessagingException ex) {
			// a failed QUIT on a connection we are done with changes nothing
		}
	}

}

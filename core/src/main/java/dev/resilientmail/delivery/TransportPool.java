package dev.resilientmail.delivery;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.UncertainDelivery;
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

	private final Ticker ticker;

	private final Deque<Idle> idle = new ArrayDeque<>();

	private boolean closed;

	private int opened;

	TransportPool(Connector connector, DeliveryPolicy.Pool policy, Ticker ticker) {
		this.connector = connector;
		this.permits = new Semaphore(policy.maxConnections(), true);
		this.maxMessagesPerConnection = policy.maxMessagesPerConnection();
		this.idleTimeoutNanos = policy.idleTimeout().toNanos();
		this.ticker = ticker;
	}

	/**
	 * Sends a message on a pooled transport, returning the transport to the pool unless
	 * the failure ended its connection.
	 */
	DeliveryReport send(MimeMessage message, List<InternetAddress> recipients) throws MessagingException {
		Lease lease;
		try {
			lease = acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessagingException("interrupted while waiting for a pooled SMTP connection", ex);
		}
		boolean reusable = false;
		try {
			lease.transport().sendMessage(message, recipients.toArray(new Address[0]));
			reusable = true;
			return lease.transport().lastDeliveryReport();
		}
		catch (SmtpFailure failure) {
			// after 421 or a broken connection the transport must not be used again
			reusable = failure.reply().isPresent() && failure.reply().get().code() != 421
					&& !(failure instanceof UncertainDelivery);
			throw failure;
		}
		finally {
			release(lease, reusable);
		}
	}

	private record Idle(CapturingSmtpTransport transport, int messages, long since) {
	}

	/** A transport on loan, with the number of messages it has carried. */
	private record Lease(CapturingSmtpTransport transport, int messages) {
	}

	private Lease acquire() throws MessagingException, InterruptedException {
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
				boolean fresh = this.ticker.nanoTime() - candidate.since() < this.idleTimeoutNanos;
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

	private void release(Lease lease, boolean reusable) {
		try {
			int messages = lease.messages() + 1;
			boolean keep = reusable && messages < this.maxMessagesPerConnection;
			synchronized (this) {
				if (keep && !this.closed) {
					this.idle.addFirst(new Idle(lease.transport(), messages, this.ticker.nanoTime()));
					return;
				}
			}
			closeQuietly(lease.transport());
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
